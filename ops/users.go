package ops

import (
	"context"
	"net/url"
	"strings"
	"time"

	baomail "baocao/mail"
	"baocao/reporting"
	"baocao/store"
)

// PasswordLinkTTL is how long a link to set one's password works.
const PasswordLinkTTL = 72 * time.Hour

const (
	msgNotYourself     = "Không thể tự khóa hay tự bỏ quyền quản trị của chính mình; xin một quản trị viên khác làm việc này."
	msgInviteNoBaseURL = "Chưa cấu hình địa chỉ công khai (http.base_url), nên không tạo được liên kết đặt mật khẩu."
)

// Users lists every user, for administrators.
func (s *Service) Users(ctx context.Context, u reporting.User, now time.Time) ([]store.UserRow, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return nil, err
	}
	return s.st.UserRows(ctx, now)
}

// InviteResult is what inviting (or resetting) did: the user, and whether
// the e-mail went. When it did not, Link is the link to pass on by other
// means, and MailErr why.
type InviteResult struct {
	User    reporting.User
	Mailed  bool
	MailErr error
	Link    string
}

// InviteUser creates a user without a password, as administrator u at
// now, and e-mails them a link to set one (PasswordLinkTTL, one use)
// through sender; audited as user.invite. The user is stored even if the
// e-mail cannot go: the result then carries the link.
func (s *Service) InviteUser(ctx context.Context, u reporting.User, sender baomail.Sender, now time.Time, nu store.NewUser) (InviteResult, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return InviteResult{}, err
	}
	if s.opts.BaseURL == "" {
		return InviteResult{}, reporting.Errorf(reporting.EINVALID, msgInviteNoBaseURL)
	}
	nu.Password = ""
	created, err := s.st.CreateUser(ctx, nu)
	if err != nil {
		return InviteResult{}, err
	}
	return s.sendPasswordLink(ctx, u, sender, now, created, store.LinkInvite)
}

// ResetPassword e-mails user id a new link to set their password, as
// administrator u; the old password works until the link is used.
func (s *Service) ResetPassword(ctx context.Context, u reporting.User, sender baomail.Sender, now time.Time, id int64) (InviteResult, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return InviteResult{}, err
	}
	if s.opts.BaseURL == "" {
		return InviteResult{}, reporting.Errorf(reporting.EINVALID, msgInviteNoBaseURL)
	}
	target, err := s.st.UserByID(ctx, id)
	if err != nil {
		return InviteResult{}, err
	}
	return s.sendPasswordLink(ctx, u, sender, now, target, store.LinkReset)
}

func (s *Service) sendPasswordLink(ctx context.Context, u reporting.User, sender baomail.Sender, now time.Time, target reporting.User, purpose string) (InviteResult, error) {
	token, err := s.st.CreatePasswordLink(ctx, target.ID, purpose, u.Email, now, PasswordLinkTTL)
	if err != nil {
		return InviteResult{}, err
	}
	res := InviteResult{User: target, Link: strings.TrimRight(s.opts.BaseURL, "/") + "/password/set?token=" + url.QueryEscape(token)}
	by := u.Name
	if by == "" {
		by = u.Email
	}
	c, err := baomail.Invitation(baomail.InvitationData{Name: target.Name, Email: target.Email, Role: target.Role.Label(), Unit: target.UnitCode,
		Link: res.Link, Expires: reporting.FormatDateTime(now.Add(PasswordLinkTTL).In(s.opts.Location)), Reset: purpose == store.LinkReset,
		By: by, ReplyTo: s.opts.Outbox.ReplyTo})
	if err != nil {
		return InviteResult{}, err
	}
	if sender == nil {
		res.MailErr = reporting.Errorf(reporting.EUNAVAILABLE, msgTestMailNoSMTP)
	} else {
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		res.MailErr = sender.Send(sctx, baomail.Message{To: []string{target.Email}, Subject: c.Subject, Text: c.Text, HTML: c.HTML, Date: now, ReplyTo: s.opts.Outbox.ReplyTo})
		cancel()
	}
	res.Mailed = res.MailErr == nil
	outcome := "mailed"
	if !res.Mailed {
		outcome = res.MailErr.Error()
	} else {
		res.Link = "" // it went by e-mail: no one else needs it
	}
	action := "user.invite"
	if purpose == store.LinkReset {
		action = "user.reset_password"
	}
	err = s.st.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: action, ObjectType: "user", ObjectID: target.Email,
		Details: map[string]any{"role": target.Role, "unit": target.UnitCode, "mail": outcome}})
	return res, err
}

// SetUserActive enables or disables user id, as administrator u (not
// themselves); audited.
func (s *Service) SetUserActive(ctx context.Context, u reporting.User, now time.Time, id int64, active bool) error {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return err
	}
	if id == u.ID && !active {
		return reporting.Errorf(reporting.ECONFLICT, msgNotYourself)
	}
	target, err := s.st.UserByID(ctx, id)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetUserActive(ctx, id, active); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "user.active", ObjectType: "user", ObjectID: target.Email,
			Details: map[string]any{"active": active}})
	})
}

// UpdateUser changes user id's name, role and unit, as administrator u
// (who may not take their own administrator's role away); audited.
func (s *Service) UpdateUser(ctx context.Context, u reporting.User, now time.Time, id int64, name string, role reporting.Role, unit string) error {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return err
	}
	if id == u.ID && role != reporting.RoleAdmin {
		return reporting.Errorf(reporting.ECONFLICT, msgNotYourself)
	}
	before, err := s.st.UserByID(ctx, id)
	if err != nil {
		return err
	}
	after := before
	after.Name, after.Role, after.UnitCode = strings.TrimSpace(name), role, strings.TrimSpace(unit)
	return s.st.InTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateUser(ctx, after); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "user.update", ObjectType: "user", ObjectID: before.Email,
			Details: map[string]any{"name": []string{before.Name, after.Name}, "role": []reporting.Role{before.Role, after.Role},
				"unit": []string{before.UnitCode, after.UnitCode}}})
	})
}

// PasswordLinkUser is the user a password link still valid at now is for.
func (s *Service) PasswordLinkUser(ctx context.Context, token string, now time.Time) (reporting.User, error) {
	return s.st.PasswordLinkUser(ctx, token, now)
}

// SetPasswordByLink sets the password of the user a valid link is for,
// spending the link; audited as user.password_set by that user.
func (s *Service) SetPasswordByLink(ctx context.Context, token, password string, now time.Time) (reporting.User, error) {
	u, err := s.st.UsePasswordLink(ctx, token, password, now)
	if err != nil {
		return u, err
	}
	return u, s.st.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "user.password_set", ObjectType: "user", ObjectID: u.Email})
}

// MaxAPITokenTTL is the longest an API token may be issued for.
const MaxAPITokenTTL = 366 * 24 * time.Hour

const (
	msgTokenTTL      = "Thời hạn của khóa API phải từ 1 đến 366 ngày."
	msgTokenLabel    = "Xin ghi khóa API dùng cho việc gì (tối đa 200 ký tự)."
	msgTokenDisabled = "Tài khoản %s đã bị khóa; mở khóa trước khi cấp khóa API."
	msgTokenNotFound = "Không có khóa API này (có thể đã hết hạn hoặc đã bị thu hồi)."
)

// APITokens lists every user's API tokens, by user id, for
// administrators.
func (s *Service) APITokens(ctx context.Context, u reporting.User, now time.Time) (map[int64][]store.APIToken, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return nil, err
	}
	return s.st.APITokensByUser(ctx, now)
}

// IssuedToken is an API token just made: shown this once.
type IssuedToken struct {
	User    reporting.User
	Label   string
	Token   string
	Expires time.Time
}

// IssueAPIToken makes, as administrator u at now, an API token acting as
// user id for ttl, labelled with what it is for, and returns it: the only
// time it is shown. Audited as user.token.
func (s *Service) IssueAPIToken(ctx context.Context, u reporting.User, now time.Time, id int64, label string, ttl time.Duration) (IssuedToken, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return IssuedToken{}, err
	}
	t := IssuedToken{Label: strings.TrimSpace(label)}
	switch {
	case ttl < 24*time.Hour || ttl > MaxAPITokenTTL:
		return IssuedToken{}, reporting.Errorf(reporting.EINVALID, msgTokenTTL)
	case t.Label == "" || len([]rune(t.Label)) > 200:
		return IssuedToken{}, reporting.Errorf(reporting.EINVALID, msgTokenLabel)
	}
	var err error
	if t.User, err = s.st.UserByID(ctx, id); err != nil {
		return IssuedToken{}, err
	}
	if !t.User.Active {
		return IssuedToken{}, reporting.Errorf(reporting.ECONFLICT, msgTokenDisabled, t.User.Email)
	}
	err = s.st.InTx(ctx, func(tx *store.Store) error {
		var err error
		if t.Token, t.Expires, err = tx.CreateAPIToken(ctx, id, t.Label, ttl, now); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "user.token", ObjectType: "user", ObjectID: t.User.Email,
			Details: map[string]any{"label": t.Label, "expires_at": t.Expires}})
	})
	return t, err
}

// RevokeAPIToken ends user id's API token tokenID, as administrator u;
// audited as user.token_revoke.
func (s *Service) RevokeAPIToken(ctx context.Context, u reporting.User, now time.Time, id int64, tokenID string) error {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return err
	}
	target, err := s.st.UserByID(ctx, id)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Store) error {
		ok, err := tx.RevokeAPIToken(ctx, id, tokenID)
		if err != nil {
			return err
		}
		if !ok {
			return reporting.Errorf(reporting.ENOTFOUND, msgTokenNotFound)
		}
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "user.token_revoke", ObjectType: "user", ObjectID: target.Email,
			Details: map[string]any{"token": tokenID}})
	})
}

// UnblockSignIn clears the wrong-password count of user id, as
// administrator u, so they may try again at once; audited as user.unlock.
func (s *Service) UnblockSignIn(ctx context.Context, u reporting.User, now time.Time, id int64) error {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return err
	}
	target, err := s.st.UserByID(ctx, id)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Store) error {
		if _, err := tx.ClearAttempts(ctx, "email:"+target.Email); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "user.unlock", ObjectType: "user", ObjectID: target.Email})
	})
}
