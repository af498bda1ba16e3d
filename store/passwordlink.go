package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
)

// Password links: what a new user, or one whose password an
// administrator reset, follows to set a password. The link carries a
// random token; the table keeps its hash.

// Purposes of a password link.
const (
	LinkInvite = "invite"
	LinkReset  = "reset"
)

const msgLinkInvalid = "Liên kết đặt mật khẩu này không còn hiệu lực (đã dùng, đã hết hạn hoặc đã có liên kết mới hơn). Xin quản trị viên gửi lại."

// CreatePasswordLink makes a link for userID valid from now for ttl, by
// actor, for purpose (LinkInvite, LinkReset), and returns its token (43
// URL-safe characters). Earlier unused links of the user stop working.
func (s *Store) CreatePasswordLink(ctx context.Context, userID int64, purpose, actor string, now time.Time, ttl time.Duration) (string, error) {
	b := make([]byte, sessionTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("password link for user %d: %w", userID, err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	err := s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.q.Exec(ctx, `UPDATE password_links SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL`, userID, now); err != nil {
			return err
		}
		_, err := tx.q.Exec(ctx, `
			INSERT INTO password_links (token_hash, user_id, purpose, created_by, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, hashToken(token), userID, purpose, actor, now, now.Add(ttl))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("password link for user %d: %w", userID, err)
	}
	return token, nil
}

// PasswordLinkUser is the user a link still valid at now is for; an
// EINVALID *reporting.Error when it is not (unknown, used, expired,
// superseded, or its user disabled).
func (s *Store) PasswordLinkUser(ctx context.Context, token string, now time.Time) (reporting.User, error) {
	return s.oneLinkUser(ctx, token, now, "")
}

func (s *Store) oneLinkUser(ctx context.Context, token string, now time.Time, lock string) (reporting.User, error) {
	rows, err := s.q.Query(ctx, `
		SELECT `+userColumns+`
		FROM password_links l JOIN users u ON u.id = l.user_id
		WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2 AND u.active`+lock, hashToken(token), now)
	if err != nil {
		return reporting.User{}, fmt.Errorf("read password link: %w", err)
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	if errors.Is(err, pgx.ErrNoRows) {
		return reporting.User{}, reporting.Errorf(reporting.EINVALID, msgLinkInvalid)
	}
	if err != nil {
		return reporting.User{}, fmt.Errorf("read password link: %w", err)
	}
	return u, nil
}

// UsePasswordLink sets, at now, the password of the user a valid link is
// for and spends the link, in one transaction: two uses at once set it
// once. It ends the user's sessions, as SetPassword does.
func (s *Store) UsePasswordLink(ctx context.Context, token, password string, now time.Time) (reporting.User, error) {
	if err := reporting.ValidatePassword(password); err != nil {
		return reporting.User{}, err
	}
	var u reporting.User
	err := s.InTx(ctx, func(tx *Store) error {
		var err error
		if u, err = tx.oneLinkUser(ctx, token, now, " FOR UPDATE OF l"); err != nil {
			return err
		}
		if _, err := tx.q.Exec(ctx, `UPDATE password_links SET used_at = $2 WHERE token_hash = $1`, hashToken(token), now); err != nil {
			return fmt.Errorf("spend password link: %w", err)
		}
		return tx.SetPassword(ctx, u.ID, password)
	})
	return u, err
}

// UserRow is a user as the administrator's list shows them.
type UserRow struct {
	reporting.User
	UnitName   string
	LastSignIn *time.Time
	// Invited: a link to set a password is waiting, unused.
	Invited bool
	// HasPassword: the user can sign in with a password.
	HasPassword bool
	// Throttled: too many wrong passwords; the next attempt must wait.
	Throttled bool
}

// UserRows lists every user with their unit's name today, their latest
// sign-in (of the sessions not yet purged), and whether a password link
// waits.
func (s *Store) UserRows(ctx context.Context, now time.Time) ([]UserRow, error) {
	rows, err := s.q.Query(ctx, `
		SELECT `+userColumns+`,
		       coalesce((SELECT v.name FROM unit_versions v WHERE v.unit_code = u.unit_code
		                 ORDER BY v.valid_from DESC LIMIT 1), ''),
		       (SELECT max(created_at) FROM sessions s WHERE s.user_id = u.id),
		       EXISTS (SELECT 1 FROM password_links l WHERE l.user_id = u.id AND l.used_at IS NULL AND l.expires_at > $1),
		       u.password_hash <> '',
		       EXISTS (SELECT 1 FROM login_throttle t WHERE t.key = 'email:' || u.email AND t.next_allowed > $1)
		FROM users u ORDER BY u.email`, now)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (UserRow, error) {
		var r UserRow
		err := row.Scan(&r.ID, &r.Email, &r.Name, &r.Role, &r.UnitCode, &r.Active, &r.UnitName, &r.LastSignIn, &r.Invited, &r.HasPassword, &r.Throttled)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// UpdateUser changes a user's name, role and unit (validated as
// CreateUser does).
func (s *Store) UpdateUser(ctx context.Context, u reporting.User) error {
	if err := reporting.ValidateUser(u); err != nil {
		return err
	}
	var unit any
	if u.UnitCode != "" {
		unit = u.UnitCode
		var exists bool
		if err := s.q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM units WHERE code = $1)`, u.UnitCode).Scan(&exists); err != nil {
			return fmt.Errorf("update user %d: %w", u.ID, err)
		}
		if !exists {
			return reporting.Errorf(reporting.EINVALID, msgUserUnitAbsent, u.UnitCode)
		}
	}
	tag, err := s.q.Exec(ctx, `UPDATE users SET name = $2, role = $3, unit_code = $4 WHERE id = $1`, u.ID, u.Name, string(u.Role), unit)
	if err != nil {
		return fmt.Errorf("update user %d: %w", u.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return reporting.Errorf(reporting.ENOTFOUND, msgUserNotFound, fmt.Sprint(u.ID))
	}
	return nil
}
