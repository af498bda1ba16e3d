package reporting

import (
	"strings"
	"testing"
	"time"
)

func TestStatusAt(t *testing.T) {
	t.Parallel()
	hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Date(2026, time.June, 16, 23, 59, 59, 0, hcm)
	at := func(d time.Duration) time.Time { return deadline.Add(d) }
	opened := Event{At: at(-30 * 24 * time.Hour), Kind: EventOpened, Deadline: deadline}
	up := func(d time.Duration) Event { return Event{At: at(d), Kind: EventUploaded} }
	ev := func(d time.Duration, k EventKind) Event { return Event{At: at(d), Kind: k, Reason: "lý do"} }
	extended := Event{At: at(5 * 24 * time.Hour), Kind: EventExtended, Deadline: at(10 * 24 * time.Hour)}
	tests := []struct {
		name    string
		history []Event
		at      time.Time
		want    Status // "" when the obligation did not exist then
	}{
		{"before the period opened", []Event{opened}, at(-31 * 24 * time.Hour), ""},
		{"nothing in, before the deadline", []Event{opened}, at(-time.Hour), StatusPending},
		{"nothing in, at the deadline's last second", []Event{opened}, deadline, StatusPending},
		{"nothing in, a second after the deadline", []Event{opened}, at(time.Second), StatusMissing},
		{"first version on time", []Event{opened, up(-time.Hour)}, at(time.Hour), StatusSubmitted},
		{"first version exactly at the deadline", []Event{opened, up(0)}, at(time.Hour), StatusSubmitted},
		{"first version after the deadline", []Event{opened, up(time.Second)}, at(time.Hour), StatusLate},
		{"a version filed after the moment asked about does not count yet", []Event{opened, up(-time.Hour)}, at(-2 * time.Hour), StatusPending},
		{"a late version after the moment asked about", []Event{opened, up(48 * time.Hour)}, at(time.Hour), StatusMissing},
		{"latest version returned", []Event{opened, up(-time.Hour), ev(0, EventReturned)}, at(time.Hour), StatusReturned},
		{"returned later than the moment asked about", []Event{opened, up(-time.Hour), ev(2*time.Hour, EventReturned)}, at(time.Hour), StatusSubmitted},
		{"accepted, first was late", []Event{opened, up(time.Hour), ev(2*time.Hour, EventAccepted)}, at(3 * time.Hour), StatusAccepted},
		{"accepted a second after the moment asked about", []Event{opened, up(time.Hour), ev(2*time.Hour, EventAccepted)}, at(2*time.Hour - time.Second), StatusLate},
		{"new version after a return, first was on time", []Event{opened, up(-2 * time.Hour), ev(-time.Hour, EventReturned), up(72 * time.Hour)},
			at(73 * time.Hour), StatusSubmitted},
		{"between the return and the new version", []Event{opened, up(-2 * time.Hour), ev(-time.Hour, EventReturned), up(72 * time.Hour)},
			at(71 * time.Hour), StatusReturned},
		{"exempt wins over nothing in", []Event{opened, ev(0, EventExempted)}, at(time.Hour), StatusExempt},
		{"exempted in the afternoon, asked in the morning", []Event{opened, ev(6*time.Hour, EventExempted)}, at(time.Hour), StatusMissing},
		{"exempt wins over an acceptance", []Event{opened, up(-time.Hour), ev(0, EventAccepted), ev(time.Hour, EventExempted)},
			at(2 * time.Hour), StatusExempt},
		{"exemption withdrawn", []Event{opened, ev(-time.Hour, EventExempted), ev(time.Hour, EventUnexempted)}, at(2 * time.Hour), StatusMissing},
		{"extended later: the old deadline counted then", []Event{opened, extended}, at(time.Hour), StatusMissing},
		{"extended: the new deadline counts after", []Event{opened, extended}, at(6 * 24 * time.Hour), StatusPending},
		{"a late version made on time by an extension", []Event{opened, up(time.Hour), extended}, at(6 * 24 * time.Hour), StatusSubmitted},
		{"the same late version before the extension", []Event{opened, up(time.Hour), extended}, at(4 * 24 * time.Hour), StatusLate},
		{"flagged missing changes nothing", []Event{opened, {At: at(time.Minute), Kind: EventFlaggedMissing, Deadline: deadline}},
			at(time.Hour), StatusMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, present := StatusAt(tt.history, tt.at)
			if got != tt.want || present != (tt.want != "") {
				t.Fatalf("StatusAt = %q (present %v), want %q", got, present, tt.want)
			}
		})
	}
}

func TestFactsAtKeepsTheReasonInForce(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, time.June, 1, 8, 0, 0, 0, time.UTC)
	h := []Event{
		{At: t0, Kind: EventOpened, Deadline: t0.Add(72 * time.Hour)},
		{At: t0.Add(time.Hour), Kind: EventUploaded},
		{At: t0.Add(2 * time.Hour), Kind: EventReturned, Reason: "Thiếu mục IV"},
		{At: t0.Add(3 * time.Hour), Kind: EventExempted, Reason: "Sáp nhập"},
		{At: t0.Add(4 * time.Hour), Kind: EventUnexempted},
		{At: t0.Add(5 * time.Hour), Kind: EventUploaded},
	}
	for _, tt := range []struct {
		at   time.Duration
		want string
	}{{90 * time.Minute, ""}, {150 * time.Minute, "Thiếu mục IV"}, {210 * time.Minute, "Sáp nhập"}, {270 * time.Minute, "Thiếu mục IV"}, {6 * time.Hour, ""}} {
		if got := FactsAt(h, t0.Add(tt.at)).Reason; got != tt.want {
			t.Errorf("reason at +%s = %q, want %q", tt.at, got, tt.want)
		}
	}
}

func TestStatusLabelsAreVietnameseAndDistinct(t *testing.T) {
	t.Parallel()
	seen := map[string]Status{}
	for _, s := range Statuses {
		l := s.Label()
		if l == string(s) || l == "" {
			t.Errorf("%s has no Vietnamese label", s)
		}
		if other, ok := seen[l]; ok {
			t.Errorf("%s and %s share the label %q", s, other, l)
		}
		seen[l] = s
		if !s.Valid() {
			t.Errorf("%s not valid", s)
		}
	}
	if Status("lost").Valid() {
		t.Error("an unknown status is valid")
	}
}

func TestDaysLateCountsEveryStartedDay(t *testing.T) {
	t.Parallel()
	deadline := time.Date(2026, time.June, 16, 16, 59, 59, 0, time.UTC) // 23:59:59 in Hanoi
	after := func(d time.Duration) *time.Time { x := deadline.Add(d); return &x }
	tests := []struct {
		name  string
		first *time.Time
		at    time.Time
		want  int
	}{
		{"on time", after(-time.Hour), *after(30 * 24 * time.Hour), 0},
		{"a second late is a day", after(time.Second), *after(30 * 24 * time.Hour), 1},
		{"the whole next day is one day", after(24 * time.Hour), *after(30 * 24 * time.Hour), 1},
		{"the day after that is two", after(24*time.Hour + time.Second), *after(30 * 24 * time.Hour), 2},
		{"nothing in, not due", nil, *after(-time.Hour), 0},
		{"nothing in, overdue counts to the moment", nil, *after(3*24*time.Hour - time.Minute), 3},
		{"a version after the moment does not count yet", after(10 * 24 * time.Hour), *after(2 * 24 * time.Hour), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := DaysLate(deadline, tt.first, tt.at); got != tt.want {
				t.Fatalf("DaysLate = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestParseDecisionAndValidateReview(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		reason string
		want   Decision
		errHas string
	}{
		{in: "accept", want: DecisionAccepted},
		{in: " Accepted ", want: DecisionAccepted},
		{in: "chấp nhận", want: DecisionAccepted},
		{in: "return", reason: "Thiếu số liệu mục IV", want: DecisionReturned},
		{in: "Trả lại", reason: "Sai mẫu", want: DecisionReturned},
		{in: "returned", reason: "  ", want: DecisionReturned, errHas: "lý do trả lại"},
		{in: "maybe", errHas: "không hợp lệ"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			d, err := ParseDecision(tt.in)
			if err == nil {
				err = ValidateReview(d, tt.reason)
			}
			if tt.errHas != "" {
				if err == nil || ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tt.errHas) {
					t.Fatalf("err = %v, want EINVALID containing %q", err, tt.errHas)
				}
				return
			}
			if err != nil || d != tt.want {
				t.Fatalf("got %s, %v; want %s", d, err, tt.want)
			}
		})
	}
}

func TestValidateExtension(t *testing.T) {
	t.Parallel()
	locks := time.Date(2026, time.July, 16, 23, 59, 59, 0, time.UTC)
	tests := []struct {
		name     string
		deadline time.Time
		reason   string
		errHas   string
	}{
		{"fine", locks.Add(-time.Hour), "Lũ lụt", ""},
		{"at the lock", locks, "Lũ lụt", ""},
		{"no reason", locks.Add(-time.Hour), "", "lý do gia hạn"},
		{"no deadline", time.Time{}, "Lũ lụt", "hạn nộp mới"},
		{"past the lock", locks.Add(time.Second), "Lũ lụt", "khóa sổ"},
		{"an administrator past the lock", locks.Add(30 * 24 * time.Hour), "Lũ lụt", ""},
		{"an administrator too far past the lock", locks.Add(LockException + time.Second), "Lũ lụt", "tối đa 90 ngày"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateExtension(tt.deadline, locks, tt.reason, strings.HasPrefix(tt.name, "an administrator"))
			if tt.errHas == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(ErrorMessage(err), tt.errHas) {
				t.Fatalf("err = %v, want one containing %q", err, tt.errHas)
			}
		})
	}
}

func TestRate(t *testing.T) {
	t.Parallel()
	if Rate(3, 4) != 0.75 || Rate(0, 0) != 0 || Rate(1, -1) != 0 {
		t.Fatal("Rate")
	}
}
