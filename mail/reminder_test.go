package mail_test

import (
	"strings"
	"testing"
	"time"

	bmail "baocao/mail"
	"baocao/reporting"
)

func TestReminderSaysHowLongIsLeftOrHowLateItIs(t *testing.T) {
	t.Parallel()
	deadline := time.Date(2026, time.June, 16, 23, 59, 59, 999999000, hcm)
	at := func(day, hour int) time.Time { return time.Date(2026, time.June, day, hour, 0, 0, 0, hcm) }
	tests := []struct {
		name        string
		now         time.Time
		status      reporting.Status
		subject     string
		lead        string
		statusLabel string
	}{
		{"a week before", at(9, 8), "pending",
			"[Nhắc hạn] Báo cáo 6 tháng đầu năm 2026 – UBND xã Tân Lập: còn 7 ngày (hạn 16/06/2026)",
			"Đơn vị chưa gửi báo cáo dưới đây; hạn nộp còn 7 ngày.", "Chưa nộp báo cáo"},
		{"the day before", at(15, 8), "pending",
			"[Nhắc hạn] Báo cáo 6 tháng đầu năm 2026 – UBND xã Tân Lập: còn 1 ngày (hạn 16/06/2026)",
			"hạn nộp còn 1 ngày.", "Chưa nộp báo cáo"},
		{"the deadline's day, sent by hand", at(16, 10), "returned",
			"[Nhắc hạn] Báo cáo 6 tháng đầu năm 2026 – UBND xã Tân Lập: hạn cuối là hôm nay (hạn 16/06/2026)",
			"hôm nay là hạn nộp cuối cùng.", "Báo cáo đã bị trả lại, cần gửi phiên bản mới"},
		{"the morning after", at(17, 8), "pending",
			"[Quá hạn] Báo cáo 6 tháng đầu năm 2026 – UBND xã Tân Lập: quá hạn 1 ngày (hạn 16/06/2026)",
			"Đơn vị chưa gửi báo cáo dưới đây, đã quá hạn 1 ngày.", "Chưa nộp báo cáo (đã quá hạn)"},
		{"a week after", at(23, 8), "missing",
			"[Quá hạn] Báo cáo 6 tháng đầu năm 2026 – UBND xã Tân Lập: quá hạn 7 ngày (hạn 16/06/2026)",
			"đã quá hạn 7 ngày.", "Chưa nộp báo cáo (đã quá hạn)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := bmail.Reminder(bmail.ReminderData{
				UnitName: "UBND xã Tân Lập", FormTitle: "Báo cáo kết quả thực hiện dân chủ ở cơ sở (cấp xã)",
				PeriodLabel: "6 tháng đầu năm 2026", Deadline: deadline, Status: tt.status,
				Link: "http://x/units/25195/periods/1", Now: tt.now, Location: hcm,
			})
			if err != nil {
				t.Fatal(err)
			}
			if c.Subject != tt.subject {
				t.Errorf("subject\n %q\nwant\n %q", c.Subject, tt.subject)
			}
			for _, body := range []string{c.Text, c.HTML} {
				if !strings.Contains(body, tt.lead) || !strings.Contains(body, tt.statusLabel) {
					t.Errorf("body lacks %q or %q:\n%s", tt.lead, tt.statusLabel, body)
				}
			}
		})
	}
}

func TestReminderSubjectReadsTheLabelMidSentence(t *testing.T) {
	t.Parallel()
	tests := []struct{ label, want string }{
		{"Quý I năm 2026", "Báo cáo quý I năm 2026 – "},
		{"Tháng 3 năm 2026", "Báo cáo tháng 3 năm 2026 – "},
		{"Năm 2026", "Báo cáo năm 2026 – "},
		{"9 tháng năm 2026", "Báo cáo 9 tháng năm 2026 – "},
	}
	for _, tt := range tests {
		c, err := bmail.Reminder(bmail.ReminderData{UnitName: "Sở Nội vụ", PeriodLabel: tt.label, Status: "pending",
			Deadline: time.Date(2026, 12, 16, 23, 59, 0, 0, hcm), Now: time.Date(2026, 12, 9, 8, 0, 0, 0, hcm), Location: hcm})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(c.Subject, tt.want) {
			t.Errorf("label %q: subject %q lacks %q", tt.label, c.Subject, tt.want)
		}
	}
}

func TestReminderHTMLEscapesNamesAndTellsAboutTheCopy(t *testing.T) {
	t.Parallel()
	c, err := bmail.Reminder(bmail.ReminderData{
		UnitName: `Trường <THPT> "A&B"`, FormTitle: "Biểu", PeriodLabel: "Quý I năm 2026",
		Deadline: time.Date(2026, 4, 16, 23, 59, 0, 0, hcm), Status: "missing",
		Link: "http://x/units/A&B/periods/1", Now: time.Date(2026, 4, 23, 8, 0, 0, 0, hcm), Location: hcm,
		CopiedToSupervisor: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(c.HTML, "<THPT>") || !strings.Contains(c.HTML, "&lt;THPT&gt;") {
		t.Fatalf("unit name not escaped in HTML:\n%s", c.HTML)
	}
	if !strings.Contains(c.Text, `Trường <THPT> "A&B"`) {
		t.Fatalf("plain text must keep the name as is:\n%s", c.Text)
	}
	for _, body := range []string{c.Text, c.HTML} {
		if !strings.Contains(body, "Thư này đồng gửi cơ quan cấp trên của đơn vị.") {
			t.Fatalf("body does not say the supervisor has a copy:\n%s", body)
		}
	}
}
