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
	at := func(d time.Duration) *time.Time { x := deadline.Add(d); return &x }
	tests := []struct {
		name  string
		facts ObligationFacts
		at    time.Time
		want  Status
	}{
		{"nothing in, before the deadline", ObligationFacts{Deadline: deadline}, *at(-time.Hour), StatusPending},
		{"nothing in, at the deadline's last second", ObligationFacts{Deadline: deadline}, deadline, StatusPending},
		{"nothing in, a second after the deadline", ObligationFacts{Deadline: deadline}, *at(time.Second), StatusMissing},
		{"first version on time", ObligationFacts{Deadline: deadline, FirstSubmittedAt: at(-time.Hour)}, *at(time.Hour), StatusSubmitted},
		{"first version exactly at the deadline", ObligationFacts{Deadline: deadline, FirstSubmittedAt: &deadline}, *at(time.Hour), StatusSubmitted},
		{"first version after the deadline", ObligationFacts{Deadline: deadline, FirstSubmittedAt: at(time.Second)}, *at(time.Hour), StatusLate},
		{"a version filed after the moment asked about does not count yet, before the deadline",
			ObligationFacts{Deadline: deadline, FirstSubmittedAt: at(-time.Hour)}, *at(-2 * time.Hour), StatusPending},
		{"a version filed after the moment asked about does not count yet, after the deadline",
			ObligationFacts{Deadline: deadline, FirstSubmittedAt: at(48 * time.Hour)}, *at(time.Hour), StatusMissing},
		{"latest version returned", ObligationFacts{Deadline: deadline, FirstSubmittedAt: at(-time.Hour), LatestDecision: DecisionReturned},
			*at(time.Hour), StatusReturned},
		{"latest version accepted, first was late", ObligationFacts{Deadline: deadline, FirstSubmittedAt: at(time.Hour), LatestDecision: DecisionAccepted},
			*at(2 * time.Hour), StatusAccepted},
		{"new version after a return, first was on time", ObligationFacts{Deadline: deadline, FirstSubmittedAt: at(-time.Hour)},
			*at(72 * time.Hour), StatusSubmitted},
		{"exempt wins over nothing in", ObligationFacts{Deadline: deadline, Exempt: true}, *at(time.Hour), StatusExempt},
		{"exempt wins over a submission", ObligationFacts{Deadline: deadline, FirstSubmittedAt: at(-time.Hour), LatestDecision: DecisionAccepted, Exempt: true},
			*at(time.Hour), StatusExempt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := StatusAt(tt.facts, tt.at); got != tt.want {
				t.Fatalf("StatusAt = %s, want %s", got, tt.want)
			}
		})
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateExtension(tt.deadline, locks, tt.reason)
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
