package mail

import (
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
)

// ReturnedData is what the e-mail telling a unit its report was returned
// says.
type ReturnedData struct {
	UnitName, FormTitle, PeriodLabel string
	Version                          int
	FileName                         string
	// Reviewer is who returned it; Reason why, as the reviewer wrote it.
	Reviewer, Reason string
	// Link is the unit's page for the period; "" leaves it out.
	Link string
	// ReplyTo is the Reply-To address, as in ReminderData.
	ReplyTo string
}

// returnedView is the data the templates see.
type returnedView struct {
	ReturnedData
	Footer string
}

// The Vietnamese text of the return e-mail, in one place for review.
const (
	returnedSubject = "[Trả lại] %s – %s: xin sửa và gửi lại báo cáo"
	returnedLead    = "Báo cáo dưới đây của đơn vị đã bị trả lại. Xin sửa theo ý kiến của người duyệt và gửi lại bản mới."
)

var returnedText = texttemplate.Must(texttemplate.New("text").Parse(`Kính gửi: {{.UnitName}}

` + returnedLead + `

- Biểu mẫu: {{.FormTitle}}
- Kỳ báo cáo: {{.PeriodLabel}}
- Bản bị trả lại: lần gửi thứ {{.Version}} (tệp {{.FileName}})
- Người duyệt: {{.Reviewer}}
- Lý do trả lại: {{.Reason}}
{{if .Link}}
Xem và nộp lại báo cáo tại:
{{.Link}}
{{end}}
-- 
{{.Footer}}
`))

var returnedHTML = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>{{.PeriodLabel}}</title></head>
<body style="font-family: 'Times New Roman', serif; font-size: 15px; color: #000">
<p>Kính gửi: <strong>{{.UnitName}}</strong></p>
<p>` + returnedLead + `</p>
<table cellpadding="4" style="border-collapse: collapse">
<tr><td>Biểu mẫu:</td><td>{{.FormTitle}}</td></tr>
<tr><td>Kỳ báo cáo:</td><td>{{.PeriodLabel}}</td></tr>
<tr><td>Bản bị trả lại:</td><td>lần gửi thứ {{.Version}} (tệp {{.FileName}})</td></tr>
<tr><td>Người duyệt:</td><td>{{.Reviewer}}</td></tr>
<tr><td>Lý do trả lại:</td><td><strong>{{.Reason}}</strong></td></tr>
</table>
{{- if .Link}}
<p><a href="{{.Link}}">Xem và nộp lại báo cáo</a></p>
{{- end}}
<hr>
<p style="font-size: 13px; color: #555">{{.Footer}}</p>
</body>
</html>
`))

// Returned renders the e-mail telling a unit its report was returned, with
// the reviewer's reason.
func Returned(d ReturnedData) (Content, error) {
	return render("return", fmt.Sprintf(returnedSubject, d.UnitName, d.PeriodLabel), returnedText, returnedHTML, returnedView{ReturnedData: d, Footer: footer(d.ReplyTo)})
}
