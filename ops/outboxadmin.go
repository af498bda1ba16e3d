package ops

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	baomail "baocao/mail"
	"baocao/reporting"
	"baocao/store"
)

// Messages of the outbox's administration.
const (
	msgRetryNotFailed  = "Thư số %d không ở tình trạng “gửi không được”; chỉ thư đó mới gửi lại được."
	msgTestMailAddress = "“%s” không phải một địa chỉ thư điện tử."
	msgTestMailNoSMTP  = "Máy chủ này chưa được cấu hình gửi thư."
	testMailSubject    = "[Thử] Kiểm tra cấu hình gửi thư của hệ thống báo cáo dân chủ ở cơ sở"
	testMailText       = "Đây là thư thử do %s gửi từ trang quản trị lúc %s, để kiểm tra cấu hình gửi thư (smtp.*).\n\nNếu nhận được thư này, các thư nhắc hạn và thông báo sẽ tới được địa chỉ này.\n"
)

// OutboxMessage is one outbox row with its bodies, for inspectors and
// administrators.
func (s *Service) OutboxMessage(ctx context.Context, u reporting.User, id int64) (store.Reminder, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin, reporting.RoleInspector); err != nil {
		return store.Reminder{}, reporting.Errorf(reporting.EFORBIDDEN, msgOutboxForbidden)
	}
	return s.st.ReminderByID(ctx, id)
}

// RetryReminder puts a failed outbox message back in the queue at now, its
// tries counted afresh, as an administrator's action (audited as
// outbox.retry); the next delivery pass sends it.
func (s *Service) RetryReminder(ctx context.Context, u reporting.User, now time.Time, id int64) error {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Store) error {
		r, err := tx.ReminderByID(ctx, id)
		if err != nil {
			return err
		}
		ok, err := tx.RequeueReminder(ctx, id, now)
		if err != nil {
			return err
		}
		if !ok {
			return reporting.Errorf(reporting.ECONFLICT, msgRetryNotFailed, id)
		}
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "outbox.retry", ObjectType: "reminder", ObjectID: fmt.Sprint(id),
			Details: map[string]any{"period_id": r.PeriodID, "unit": r.UnitCode, "kind": r.Kind, "last_error": r.LastError}})
	})
}

// TestMailResult is what sending a test e-mail gave: nil Err when the
// server accepted it.
type TestMailResult struct {
	To  string
	Err error
}

// SendTestMail sends, at now and as an administrator, a short e-mail to
// one address through sender (the server's configured SMTP), waiting at
// most 30 s for the server, to check the mail settings. The server's
// refusal or silence is the result, not an error; the attempt is audited
// (outbox.test) with its outcome.
func (s *Service) SendTestMail(ctx context.Context, u reporting.User, sender baomail.Sender, now time.Time, to string) (TestMailResult, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return TestMailResult{}, err
	}
	to = strings.TrimSpace(to)
	a, err := mail.ParseAddress(to)
	if err != nil || a.Name != "" {
		return TestMailResult{}, reporting.Errorf(reporting.EINVALID, msgTestMailAddress, to)
	}
	if sender == nil {
		return TestMailResult{}, reporting.Errorf(reporting.EUNAVAILABLE, msgTestMailNoSMTP)
	}
	who := u.Name
	if who == "" {
		who = u.Email
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	res := TestMailResult{To: a.Address}
	res.Err = sender.Send(sctx, baomail.Message{To: []string{a.Address}, Subject: testMailSubject, Date: now,
		Text: fmt.Sprintf(testMailText, who, reporting.FormatDateTime(now.In(s.opts.Location))), ReplyTo: s.opts.Outbox.ReplyTo})
	outcome := "accepted"
	if res.Err != nil {
		outcome = res.Err.Error()
	}
	if err := s.st.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "outbox.test", ObjectType: "mail", ObjectID: a.Address,
		Details: map[string]any{"outcome": outcome}}); err != nil {
		return res, err
	}
	return res, nil
}
