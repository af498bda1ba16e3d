package web

// The administrator's users page and the public page an invitation or
// reset e-mail links to.

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/web/ui"
)

const (
	msgUserInvited   = "Đã tạo tài khoản %s và gửi thư mời đặt mật khẩu."
	msgUserResetSent = "Đã gửi liên kết đặt lại mật khẩu đến %s."
	msgUserUpdated   = "Đã lưu thay đổi của %s."
	msgUserEnabled   = "Đã mở khóa tài khoản %s."
	msgUserDisabled  = "Đã khóa tài khoản %s; mọi phiên đăng nhập của họ đã kết thúc."
	msgTokenRevoked  = "Đã thu hồi khóa API; các chương trình dùng khóa đó không truy cập được nữa."
	msgUserUnblocked = "Đã gỡ chặn: người dùng có thể đăng nhập lại ngay."
	msgPasswordSet   = "Đã đặt mật khẩu. Xin đăng nhập."
)

// handleAdminUsers lists the users with the form to add one.
func (s *Server) handleAdminUsers(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	s.usersPage(w, r, u, ui.UsersPage{}, http.StatusOK)
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, u reporting.User, p ui.UsersPage, status int) {
	rows, err := s.opts.Ops.Users(r.Context(), u, s.now())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	tokens, err := s.opts.Ops.APITokens(r.Context(), u, s.now())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	for _, row := range rows {
		p.Users = append(p.Users, ui.UserRowView{UserRow: row, RoleLabel: row.Role.Label(), RoleOptions: roleOptions(row.Role), Self: row.ID == u.ID,
			Tokens: tokens[row.ID]})
	}
	if p.RoleOptions == nil {
		p.RoleOptions = roleOptions(reporting.RoleClerk)
	}
	s.pageWithStatus(w, r, status, "admin-users", "Người dùng", "admin-users", p)
}

func roleOptions(selected reporting.Role) []ui.Option {
	out := make([]ui.Option, len(reporting.Roles))
	for i, r := range reporting.Roles {
		out[i] = ui.Option{Value: string(r), Label: r.Label(), Selected: r == selected}
	}
	return out
}

// handleAdminUserAdd creates a user and e-mails the invitation; when the
// e-mail cannot go, the page shows the link once.
func (s *Server) handleAdminUserAdd(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, reporting.Errorf(reporting.EINVALID, "%s", msgBadForm))
		return
	}
	f := r.PostForm
	nu := store.NewUser{Email: f.Get("email"), Name: f.Get("name"), Role: reporting.Role(f.Get("role")), UnitCode: f.Get("unit")}
	res, err := s.opts.Ops.InviteUser(r.Context(), u, s.opts.Mailer, s.now(), nu)
	s.invited(w, r, u, res, err, fmt.Sprintf(msgUserInvited, strings.TrimSpace(nu.Email)),
		ui.UsersPage{Add: ui.UserForm{Email: nu.Email, Name: nu.Name, Unit: nu.UnitCode}, RoleOptions: roleOptions(nu.Role)})
}

// invited answers an invitation or reset: back to the list with a
// message when the e-mail went; the list with the link when it did not;
// the form again with the reason when it was refused.
func (s *Server) invited(w http.ResponseWriter, r *http.Request, u reporting.User, res ops.InviteResult, err error, done string, again ui.UsersPage) {
	switch {
	case reporting.ErrorCode(err) == reporting.EINVALID || reporting.ErrorCode(err) == reporting.ECONFLICT:
		again.Error = reporting.ErrorMessage(err)
		s.usersPage(w, r, u, again, http.StatusUnprocessableEntity)
	case err != nil:
		s.pageError(w, r, err)
	case !res.Mailed:
		s.usersPage(w, r, u, ui.UsersPage{Invite: &ui.InviteView{Email: res.User.Email, Link: res.Link, Problem: reporting.ErrorMessage(res.MailErr)}}, http.StatusOK)
	default:
		redirectFlash(w, r, "/admin/users", ui.FlashSuccess, done)
	}
}

// idForm is the signed-in user, the object the path names ({id}: a user,
// an evaluation round) and the parsed form; false when the answer was
// given already.
func (s *Server) idForm(w http.ResponseWriter, r *http.Request) (reporting.User, int64, bool) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return u, 0, false
	}
	id, ok := s.pathID(w, r)
	if !ok {
		return u, 0, false
	}
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, reporting.Errorf(reporting.EINVALID, "%s", msgBadForm))
		return u, 0, false
	}
	return u, id, true
}

// handleAdminUserUpdate changes a user's name, role and unit.
func (s *Server) handleAdminUserUpdate(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.idForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	err := s.opts.Ops.UpdateUser(r.Context(), u, s.now(), id, f.Get("name"), reporting.Role(f.Get("role")), f.Get("unit"))
	s.actionDone(w, r, "/admin/users", err, fmt.Sprintf(msgUserUpdated, f.Get("name")))
}

// handleAdminUserActive disables or enables a user.
func (s *Server) handleAdminUserActive(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.idForm(w, r)
	if !ok {
		return
	}
	active := r.PostForm.Get("active") == "true"
	err := s.opts.Ops.SetUserActive(r.Context(), u, s.now(), id, active)
	msg := msgUserDisabled
	if active {
		msg = msgUserEnabled
	}
	s.actionDone(w, r, "/admin/users", err, fmt.Sprintf(msg, fmt.Sprint(id)))
}

// handleAdminUserReset e-mails a user a link to set a new password.
func (s *Server) handleAdminUserReset(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.idForm(w, r)
	if !ok {
		return
	}
	res, err := s.opts.Ops.ResetPassword(r.Context(), u, s.opts.Mailer, s.now(), id)
	s.invited(w, r, u, res, err, fmt.Sprintf(msgUserResetSent, res.User.Email), ui.UsersPage{})
}

// handleSetPasswordPage is where the e-mailed link lands (?token=).
func (s *Server) handleSetPasswordPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	p := ui.SetPasswordPage{Token: token}
	if who, err := s.opts.Ops.PasswordLinkUser(r.Context(), token, s.now()); err != nil {
		if reporting.ErrorCode(err) != reporting.EINVALID {
			s.pageError(w, r, err)
			return
		}
		p.Invalid = reporting.ErrorMessage(err)
	} else {
		p.Email, p.Name = who.Email, who.Name
	}
	s.renderPage(w, r, "set-password", ui.Page{Title: "Đặt mật khẩu", Content: p})
}

// handleSetPassword sets the password from the link's form and sends the
// user to sign in.
func (s *Server) handleSetPassword(w http.ResponseWriter, r *http.Request) {
	if same, known := sameOrigin(r); known && !same {
		s.pageError(w, r, reporting.Errorf(reporting.EFORBIDDEN, msgCrossOrigin))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, reporting.Errorf(reporting.EINVALID, "%s", msgBadForm))
		return
	}
	f := r.PostForm
	p := ui.SetPasswordPage{Token: f.Get("token")}
	who, err := s.opts.Ops.PasswordLinkUser(r.Context(), p.Token, s.now())
	if err != nil {
		if reporting.ErrorCode(err) != reporting.EINVALID {
			s.pageError(w, r, err)
			return
		}
		p.Invalid = reporting.ErrorMessage(err)
		s.renderPage(w, r, "set-password", ui.Page{Title: "Đặt mật khẩu", Content: p, Status: http.StatusUnprocessableEntity})
		return
	}
	p.Email, p.Name = who.Email, who.Name
	if f.Get("password") != f.Get("confirm") {
		p.Error = msgPasswordMismatch
		s.renderPage(w, r, "set-password", ui.Page{Title: "Đặt mật khẩu", Content: p, Status: http.StatusUnprocessableEntity})
		return
	}
	if _, err := s.opts.Ops.SetPasswordByLink(r.Context(), p.Token, f.Get("password"), s.now()); err != nil {
		if reporting.ErrorCode(err) != reporting.EINVALID {
			s.pageError(w, r, err)
			return
		}
		p.Error = reporting.ErrorMessage(err)
		s.renderPage(w, r, "set-password", ui.Page{Title: "Đặt mật khẩu", Content: p, Status: http.StatusUnprocessableEntity})
		return
	}
	redirectFlash(w, r, "/login", ui.FlashSuccess, msgPasswordSet)
}

// handleAdminUserToken issues an API token acting as the user, shown on
// the page this once.
func (s *Server) handleAdminUserToken(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.idForm(w, r)
	if !ok {
		return
	}
	days, _ := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("days")))
	t, err := s.opts.Ops.IssueAPIToken(r.Context(), u, s.now(), id, r.PostForm.Get("label"), time.Duration(days)*24*time.Hour)
	if err != nil {
		s.actionDone(w, r, "/admin/users", err, "")
		return
	}
	s.usersPage(w, r, u, ui.UsersPage{NewToken: &ui.NewTokenView{Email: t.User.Email, Label: t.Label, Token: t.Token, Expires: t.Expires}}, http.StatusOK)
}

// handleAdminUserTokenRevoke ends one of the user's API tokens.
func (s *Server) handleAdminUserTokenRevoke(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.idForm(w, r)
	if !ok {
		return
	}
	err := s.opts.Ops.RevokeAPIToken(r.Context(), u, s.now(), id, r.PathValue("token"))
	s.actionDone(w, r, "/admin/users", err, msgTokenRevoked)
}

// handleAdminUserUnblock lets a user whose wrong passwords made them wait
// sign in again at once.
func (s *Server) handleAdminUserUnblock(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.idForm(w, r)
	if !ok {
		return
	}
	err := s.opts.Ops.UnblockSignIn(r.Context(), u, s.now(), id)
	s.actionDone(w, r, "/admin/users", err, msgUserUnblocked)
}
