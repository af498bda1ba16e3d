package mail_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	bmail "baocao/mail"
)

// The plain part is what old clients and text-only readers show: every
// line fits 78 columns unless it is one long link, and nothing in it is
// HTML-escaped.
func TestPlainTextReadsWellOnOldClients(t *testing.T) {
	t.Parallel()
	longLink := "https://baocao.so-noi-vu.tinh-dong-nai.gov.vn/units/25195/periods/27?from=reminder-email"
	unit := "Trung tâm Phát triển quỹ đất & Kỹ thuật tài nguyên môi trường <tỉnh>"
	form := "Báo cáo kết quả thực hiện dân chủ ở cơ sở tại cơ quan hành chính, đơn vị sự nghiệp công lập"
	reminder, err := bmail.Reminder(bmail.ReminderData{
		UnitName: unit, FormTitle: form, PeriodLabel: "6 tháng đầu năm 2026",
		Deadline: time.Date(2026, 6, 16, 23, 59, 0, 0, hcm), Status: "missing", Link: longLink,
		Now: time.Date(2026, 6, 23, 8, 0, 0, 0, hcm), Location: hcm, CopiedToSupervisor: true,
		ReplyTo: "thanhtra@snv.dongnai.gov.vn",
	})
	if err != nil {
		t.Fatal(err)
	}
	returned, err := bmail.Returned(bmail.ReturnedData{
		UnitName: unit, FormTitle: form, PeriodLabel: "6 tháng đầu năm 2026", Version: 2,
		FileName: "bao-cao-6-thang-dau-nam-2026-trung-tam-phat-trien-quy-dat.xlsx", Reviewer: "Nguyễn Thị Thanh Tra",
		Reason: "Số cuộc giám sát của Ban Thanh tra nhân dân không khớp với số liệu đã báo cáo tại hội nghị sơ kết; đề nghị rà soát & gửi lại.",
		Link:   longLink,
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]bmail.Content{"reminder": reminder, "returned": returned} {
		for i, line := range strings.Split(c.Text, "\n") {
			if n := utf8.RuneCountInString(line); n > bmail.TextWidth && line != longLink {
				t.Errorf("%s: line %d has %d characters:\n%s", name, i+1, n, line)
			}
		}
		for _, entity := range []string{"&amp;", "&lt;", "&gt;", "&#", "&quot;"} {
			if strings.Contains(c.Text, entity) {
				t.Errorf("%s: plain part holds the HTML entity %s:\n%s", name, entity, c.Text)
			}
		}
		if !strings.Contains(c.Text, longLink+"\n") {
			t.Errorf("%s: the link is broken across lines:\n%s", name, c.Text)
		}
		if !strings.Contains(c.Text, "\n-- \n") {
			t.Errorf("%s: no signature separator \"-- \" before the footer:\n%s", name, c.Text)
		}
		// Words survive wrapping: the text is the same once lines are joined.
		if !strings.Contains(strings.Join(strings.Fields(c.Text), " "), "& Kỹ thuật tài nguyên môi trường <tỉnh>") {
			t.Errorf("%s: unit name lost or escaped:\n%s", name, c.Text)
		}
	}
	if !strings.Contains(reminder.Text, "\n  ") {
		t.Errorf("a wrapped list item does not continue indented:\n%s", reminder.Text)
	}
}

func TestFooterInvitesRepliesOnlyWhenTheyAreRead(t *testing.T) {
	t.Parallel()
	base := bmail.ReminderData{UnitName: "Sở Nội vụ", PeriodLabel: "Năm 2026", Status: "pending",
		Deadline: time.Date(2026, 12, 16, 23, 59, 0, 0, hcm), Now: time.Date(2026, 12, 9, 8, 0, 0, 0, hcm), Location: hcm}
	noReply, err := bmail.Reminder(base)
	if err != nil {
		t.Fatal(err)
	}
	base.ReplyTo = "thanhtra@snv.gov.vn"
	withReply, err := bmail.Reminder(base)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(noReply.Text, "xin không trả lời thư này") || strings.Contains(noReply.Text, "thanhtra@") {
		t.Errorf("without Reply-To the text must ask for no reply:\n%s", noReply.Text)
	}
	for _, body := range []string{withReply.Text, withReply.HTML} {
		if strings.Contains(body, "xin không trả lời") || !strings.Contains(body, "thanhtra@snv.gov.vn") {
			t.Errorf("with Reply-To the text must invite replies to it:\n%s", body)
		}
	}
}
