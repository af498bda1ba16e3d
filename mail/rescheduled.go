package mail

import (
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
)

// RescheduledData is what the e-mail telling a unit its deadline moved
// with the calendar says.
type RescheduledData struct {
	UnitName, FormTitle, PeriodLabel string
	// OldDeadline and NewDeadline are the deadlines as users read them
	// ("16/02/2026 23:59").
	OldDeadline, NewDeadline string
	// Reason is why the calendar changed, as the history records it.
	Reason string
	// Link is the unit's page for the period; "" leaves it out.
	Link string
	// ReplyTo is the Reply-To address, as in ReminderData.
	ReplyTo string
}

type rescheduledView struct {
	RescheduledData
	Footer string
}

// The Vietnamese text of the e-mail, in one place for review.
const (
	rescheduledSubject = "[Đổi hạn nộp] %s – %s: hạn mới %s"
	rescheduledLead    = "Lịch ngày nghỉ, ngày làm việc của tỉnh vừa thay đổi, nên hạn nộp báo cáo dưới đây của đơn vị đã chuyển sang ngày mới."
)

var rescheduledText = texttemplate.Must(texttemplate.New("text").Parse(`Kính gửi: {{.UnitName}}

` + rescheduledLead + `

- Biểu mẫu: {{.FormTitle}}
- Kỳ báo cáo: {{.PeriodLabel}}
- Hạn nộp cũ: {{.OldDeadline}}
- Hạn nộp mới: {{.NewDeadline}}
{{- if .Reason}}
- Ghi chú: {{.Reason}}
{{- end}}
{{if .Link}}
Xem và nộp báo cáo tại:
{{.Link}}
{{end}}
-- 
{{.Footer}}
`))

var rescheduledHTML = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>{{.PeriodLabel}}</title></head>
<body style="font-family: 'Times New Roman', serif; font-size: 15px; color: #000">
<p>Kính gửi: <strong>{{.UnitName}}</strong></p>
<p>` + rescheduledLead + `</p>
<table cellpadding="4" style="border-collapse: collapse">
<tr><td>Biểu mẫu:</td><td>{{.FormTitle}}</td></tr>
<tr><td>Kỳ báo cáo:</td><td>{{.PeriodLabel}}</td></tr>
<tr><td>Hạn nộp cũ:</td><td><s>{{.OldDeadline}}</s></td></tr>
<tr><td>Hạn nộp mới:</td><td><strong>{{.NewDeadline}}</strong></td></tr>
{{- if .Reason}}
<tr><td>Ghi chú:</td><td>{{.Reason}}</td></tr>
{{- end}}
</table>
{{- if .Link}}
<p><a href="{{.Link}}">Xem và nộp báo cáo</a></p>
{{- end}}
<hr>
<p style="font-size: 13px; color: #555">{{.Footer}}</p>
</body>
</html>
`))

// Rescheduled renders the e-mail telling a unit that a change of the
// calendar moved its deadline.
func Rescheduled(d RescheduledData) (Content, error) {
	return render("rescheduled", fmt.Sprintf(rescheduledSubject, d.UnitName, d.PeriodLabel, d.NewDeadline), rescheduledText, rescheduledHTML, rescheduledView{RescheduledData: d, Footer: footer(d.ReplyTo)})
}
