package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	"baocao/reporting"
)

// ReminderData is what a reminder e-mail says.
type ReminderData struct {
	UnitName    string // "UBND xã Tân Lập"
	FormTitle   string // "Báo cáo kết quả thực hiện dân chủ ở cơ sở (cấp xã)"
	PeriodLabel string // "6 tháng đầu năm 2026"
	// Deadline is the obligation's deadline (extensions included).
	Deadline time.Time
	// Status is the obligation's status: pending, missing, returned.
	Status reporting.Status
	// Link is the unit's page for the period.
	Link string
	// Now is when the reminder is written: "còn 7 ngày" and "quá hạn 1
	// ngày" count calendar days from its local day to the deadline's.
	Now time.Time
	// Location is the time zone dates are shown in.
	Location *time.Location
	// CopiedToSupervisor says the supervisor unit is in Cc, which the
	// text then tells the unit.
	CopiedToSupervisor bool
	// ReplyTo is the Reply-To address the e-mail goes out with (the
	// inspectors' mailbox), which the text then invites answers to; ""
	// asks for none.
	ReplyTo string
}

// Content is a rendered e-mail: subject and both bodies.
type Content struct {
	Subject, Text, HTML string
}

// The Vietnamese text of reminders, in one place for review.
const (
	tagDue          = "[Nhắc hạn]"
	tagOverdue      = "[Quá hạn]"
	subjectFormat   = "%s Báo cáo %s – %s: %s (hạn %s)"
	daysLeftFormat  = "còn %d ngày"
	dueToday        = "hạn cuối là hôm nay"
	daysLateFormat  = "quá hạn %d ngày"
	leadDue         = "Đơn vị chưa gửi báo cáo dưới đây; hạn nộp %s."
	leadDueToday    = "Đơn vị chưa gửi báo cáo dưới đây; hôm nay là hạn nộp cuối cùng."
	leadOverdue     = "Đơn vị chưa gửi báo cáo dưới đây, đã %s."
	statusPending   = "Chưa nộp báo cáo"
	statusMissing   = "Chưa nộp báo cáo (đã quá hạn)"
	statusReturned  = "Báo cáo đã bị trả lại, cần gửi phiên bản mới"
	copiedNote      = "Thư này đồng gửi cơ quan cấp trên của đơn vị."
	ignoreIfSent    = "Nếu đơn vị vừa gửi báo cáo, xin bỏ qua thư này."
	automaticNote   = "Thư được gửi tự động từ hệ thống báo cáo định kỳ; xin không trả lời thư này."
	automaticReply  = "Thư được gửi tự động từ hệ thống báo cáo định kỳ. Cần trao đổi, xin trả lời thư này (thư trả lời được gửi đến %s)."
	deadlineLayout  = "02/01/2006 15:04"
	shortDateLayout = "02/01/2006"
)

// reminderView is the data the templates see.
type reminderView struct {
	ReminderData
	Lead, Status, Deadline, Footer string
}

// footer is the closing note: answers are not read, or they go to replyTo.
func footer(replyTo string) string {
	if replyTo == "" {
		return automaticNote
	}
	return fmt.Sprintf(automaticReply, replyTo)
}

var reminderText = texttemplate.Must(texttemplate.New("text").Parse(`Kính gửi: {{.UnitName}}

{{.Lead}}

- Biểu mẫu: {{.FormTitle}}
- Kỳ báo cáo: {{.PeriodLabel}}
- Hạn nộp: {{.Deadline}}
- Tình trạng: {{.Status}}

Xem và nộp báo cáo tại:
{{.Link}}

` + ignoreIfSent + `{{if .CopiedToSupervisor}}
` + copiedNote + `{{end}}

-- 
{{.Footer}}
`))

var reminderHTML = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>{{.PeriodLabel}}</title></head>
<body style="font-family: 'Times New Roman', serif; font-size: 15px; color: #000">
<p>Kính gửi: <strong>{{.UnitName}}</strong></p>
<p>{{.Lead}}</p>
<table cellpadding="4" style="border-collapse: collapse">
<tr><td>Biểu mẫu:</td><td>{{.FormTitle}}</td></tr>
<tr><td>Kỳ báo cáo:</td><td>{{.PeriodLabel}}</td></tr>
<tr><td>Hạn nộp:</td><td><strong>{{.Deadline}}</strong></td></tr>
<tr><td>Tình trạng:</td><td>{{.Status}}</td></tr>
</table>
<p><a href="{{.Link}}">Xem và nộp báo cáo</a></p>
<p>` + ignoreIfSent + `</p>
{{- if .CopiedToSupervisor}}
<p>` + copiedNote + `</p>
{{- end}}
<hr>
<p style="font-size: 13px; color: #555">{{.Footer}}</p>
</body>
</html>
`))

// Reminder renders the Vietnamese reminder for d:
// "[Nhắc hạn] Báo cáo 6 tháng đầu năm 2026 – UBND xã Tân Lập: còn 7 ngày
// (hạn 16/06/2026)" before the deadline, "[Quá hạn] …: quá hạn 1 ngày (hạn
// 16/06/2026)" after it.
func Reminder(d ReminderData) (Content, error) {
	loc := d.Location
	if loc == nil {
		loc = time.UTC
	}
	deadline := d.Deadline.In(loc)
	overdue := d.Now.After(d.Deadline)
	days := calendarDays(d.Now.In(loc), deadline)
	tag, when := tagDue, fmt.Sprintf(daysLeftFormat, days)
	switch {
	case overdue:
		tag, when = tagOverdue, fmt.Sprintf(daysLateFormat, max(-days, 1))
	case days == 0:
		when = dueToday
	}
	v := reminderView{ReminderData: d, Deadline: deadline.Format(deadlineLayout), Footer: footer(d.ReplyTo)}
	switch {
	case overdue:
		v.Lead = fmt.Sprintf(leadOverdue, when)
	case days == 0:
		v.Lead = leadDueToday
	default:
		v.Lead = fmt.Sprintf(leadDue, when)
	}
	v.Status = statusLabel(d.Status, overdue)
	subject := fmt.Sprintf(subjectFormat, tag, midSentence(d.PeriodLabel), d.UnitName, when, deadline.Format(shortDateLayout))
	return render("reminder", subject, reminderText, reminderHTML, v)
}

// render writes an e-mail's two bodies from its templates and view v:
// the text wrapped at TextWidth, the HTML as the template gives it.
func render(what, subject string, text *texttemplate.Template, html *htmltemplate.Template, v any) (Content, error) {
	c := Content{Subject: subject}
	var b bytes.Buffer
	if err := text.Execute(&b, v); err != nil {
		return c, fmt.Errorf("render %s e-mail text: %w", what, err)
	}
	c.Text = wrapText(b.String(), TextWidth)
	b.Reset()
	if err := html.Execute(&b, v); err != nil {
		return c, fmt.Errorf("render %s e-mail html: %w", what, err)
	}
	c.HTML = b.String()
	return c, nil
}

// calendarDays counts local calendar days from a's day to b's day (both in
// the same location), negative when b's day is earlier.
func calendarDays(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// midSentence writes a period label as it reads after "Báo cáo": "Quý I
// năm 2026" becomes "quý I năm 2026", "Năm 2026" "năm 2026"; labels that
// do not start with a period word ("6 tháng đầu năm 2026") stay as they are.
func midSentence(label string) string {
	for _, w := range []string{"Tháng ", "Quý ", "Năm "} {
		if rest, ok := strings.CutPrefix(label, w); ok {
			return strings.ToLower(w) + rest
		}
	}
	return label
}

func statusLabel(status reporting.Status, overdue bool) string {
	switch status {
	case reporting.StatusPending:
		if overdue {
			return statusMissing
		}
		return statusPending
	case reporting.StatusMissing:
		return statusMissing
	case reporting.StatusReturned:
		return statusReturned
	}
	return status.Label()
}
