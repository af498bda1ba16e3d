package mail

import (
	htmltemplate "html/template"
	texttemplate "text/template"
)

// InvitationData is what the e-mail with a link to set one's password
// says: to a new user (Reset false) or after an administrator reset it.
type InvitationData struct {
	Name, Email, Role string
	// Unit is the user's unit in words ("" for none).
	Unit string
	// Link sets the password; Expires says until when, as users read it.
	Link, Expires string
	Reset         bool
	// By is the administrator who sent it.
	By      string
	ReplyTo string
}

type invitationView struct {
	InvitationData
	Footer string
}

const (
	invitationSubject = "Mời sử dụng hệ thống báo cáo thực hiện dân chủ ở cơ sở"
	resetSubject      = "Đặt lại mật khẩu hệ thống báo cáo thực hiện dân chủ ở cơ sở"
)

var invitationText = texttemplate.Must(texttemplate.New("text").Parse(`Kính gửi: {{.Name}}

{{if .Reset}}Quản trị viên {{.By}} đã đặt lại mật khẩu tài khoản {{.Email}} của Ông/Bà.{{else}}Quản trị viên {{.By}} đã tạo cho Ông/Bà tài khoản {{.Email}} ({{.Role}}{{with .Unit}}, {{.}}{{end}}) trên hệ thống báo cáo thực hiện dân chủ ở cơ sở.{{end}}

Xin đặt mật khẩu tại liên kết dưới đây (chỉ dùng được một lần, đến {{.Expires}}):
{{.Link}}

Nếu không chờ thư này, xin bỏ qua; tài khoản không đổi gì.

-- 
{{.Footer}}
`))

var invitationHTML = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>{{if .Reset}}Đặt lại mật khẩu{{else}}Mời sử dụng hệ thống{{end}}</title></head>
<body style="font-family: 'Times New Roman', serif; font-size: 15px; color: #000">
<p>Kính gửi: <strong>{{.Name}}</strong></p>
<p>{{if .Reset}}Quản trị viên {{.By}} đã đặt lại mật khẩu tài khoản {{.Email}} của Ông/Bà.{{else}}Quản trị viên {{.By}} đã tạo cho Ông/Bà tài khoản <strong>{{.Email}}</strong> ({{.Role}}{{with .Unit}}, {{.}}{{end}}) trên hệ thống báo cáo thực hiện dân chủ ở cơ sở.{{end}}</p>
<p><a href="{{.Link}}">Đặt mật khẩu</a> — chỉ dùng được một lần, đến {{.Expires}}.</p>
<p>Nếu không chờ thư này, xin bỏ qua; tài khoản không đổi gì.</p>
<hr>
<p style="font-size: 13px; color: #555">{{.Footer}}</p>
</body>
</html>
`))

// Invitation renders the e-mail with the link to set one's password.
func Invitation(d InvitationData) (Content, error) {
	subject := invitationSubject
	if d.Reset {
		subject = resetSubject
	}
	return render("invitation", subject, invitationText, invitationHTML, invitationView{InvitationData: d, Footer: footer(d.ReplyTo)})
}
