package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
)

// Sessions are signed-in browsers and API tokens alike: a random token
// handed to the client once, of which only the SHA-256 is stored, so a
// leaked database (or backup) holds no usable token. A browser session
// lasts the web server's session TTL; an API token for scripts is the same
// thing with a long TTL (`baocao users token EMAIL --ttl 720h`), revoked by
// DeleteSession, by a password change or by disabling the user.
// Expiry is fixed at creation (no sliding renewal): a token's lifetime is
// what was granted, whoever holds it.

// The Vietnamese messages of sessions.
const (
	msgSessionExpired = "Phiên làm việc đã hết hạn, xin đăng nhập lại."
	msgSessionLocked  = "Tài khoản của bạn đã bị khóa. Xin liên hệ quản trị viên."
)

// sessionTokenBytes is the token's entropy: 256 bits.
const sessionTokenBytes = 32

// hashToken is what sessions.token_hash holds for token: the SHA-256 of the
// token as the client sends it.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateSession signs userID in until now+ttl and returns the token to give
// the client (43 URL-safe characters) and its expiry.
func (s *Store) CreateSession(ctx context.Context, userID int64, ttl time.Duration, now time.Time) (token string, expires time.Time, err error) {
	if ttl <= 0 {
		return "", time.Time{}, fmt.Errorf("create session for user %d: ttl %s is not positive", userID, ttl)
	}
	b := make([]byte, sessionTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", time.Time{}, fmt.Errorf("create session for user %d: %w", userID, err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	expires = now.Add(ttl).Truncate(time.Microsecond) // PostgreSQL's precision
	_, err = s.q.Exec(ctx, `
		INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4)`, hashToken(token), userID, now, expires)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("create session for user %d: %w", userID, err)
	}
	return token, expires, nil
}

// SessionUser is the user signed in with token at now. An unknown or
// expired token is an EUNAUTHORIZED *reporting.Error asking to sign in
// again; so is a session of a user disabled since, with its own message.
func (s *Store) SessionUser(ctx context.Context, token string, now time.Time) (reporting.User, error) {
	rows, err := s.q.Query(ctx, `
		SELECT `+userColumns+`
		FROM sessions s
		JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > $2`, hashToken(token), now)
	if err != nil {
		return reporting.User{}, fmt.Errorf("look up session: %w", err)
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	if errors.Is(err, pgx.ErrNoRows) {
		return reporting.User{}, reporting.Errorf(reporting.EUNAUTHORIZED, msgSessionExpired)
	}
	if err != nil {
		return reporting.User{}, fmt.Errorf("look up session: %w", err)
	}
	if !u.Active {
		return reporting.User{}, reporting.Errorf(reporting.EUNAUTHORIZED, msgSessionLocked)
	}
	return u, nil
}

// DeleteSession signs token out. Deleting an unknown token is no error:
// signing out twice is signed out.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	if _, err := s.q.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashToken(token)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes the sessions expired at now and says how
// many; a periodic job keeps the table small.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	tag, err := s.q.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now)
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return tag.RowsAffected(), nil
}

func (s *Store) deleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := s.q.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("end sessions of user %d: %w", userID, err)
	}
	return nil
}

// Audit actions of signing in, recorded by the web server (throttling
// counts attempts in login_throttle: ReserveAttempt).
const (
	ActionLogin       = "auth.login"
	ActionLoginFailed = "auth.login_failed"
	ActionLogout      = "auth.logout"
	// ObjectLogin is the object type of sign-in events; their object id is
	// the e-mail typed, lower-cased, whether or not such a user exists.
	ObjectLogin = "login"
)

// APIToken is an API token as its user's administrator sees it: never the
// token itself (only its hash is kept), but an id to revoke it by.
type APIToken struct {
	ID                   string // the first 16 hex digits of the token's hash
	Label                string
	CreatedAt, ExpiresAt time.Time
}

// CreateAPIToken is CreateSession for a script: a session of kind api,
// with a label saying what it is for.
func (s *Store) CreateAPIToken(ctx context.Context, userID int64, label string, ttl time.Duration, now time.Time) (token string, expires time.Time, err error) {
	if ttl <= 0 {
		return "", time.Time{}, fmt.Errorf("create API token for user %d: ttl %s is not positive", userID, ttl)
	}
	b := make([]byte, sessionTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", time.Time{}, fmt.Errorf("create API token for user %d: %w", userID, err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	expires = now.Add(ttl).Truncate(time.Microsecond)
	_, err = s.q.Exec(ctx, `
		INSERT INTO sessions (token_hash, user_id, created_at, expires_at, kind, label)
		VALUES ($1, $2, $3, $4, 'api', $5)`, hashToken(token), userID, now, expires, label)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("create API token for user %d: %w", userID, err)
	}
	return token, expires, nil
}

// APITokens lists a user's API tokens not yet expired at now, newest first.
func (s *Store) APITokens(ctx context.Context, userID int64, now time.Time) ([]APIToken, error) {
	rows, err := s.q.Query(ctx, `
		SELECT left(encode(token_hash, 'hex'), 16), label, created_at, expires_at
		FROM sessions WHERE user_id = $1 AND kind = 'api' AND expires_at > $2
		ORDER BY created_at DESC`, userID, now)
	if err != nil {
		return nil, fmt.Errorf("API tokens of user %d: %w", userID, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[APIToken])
	if err != nil {
		return nil, fmt.Errorf("API tokens of user %d: %w", userID, err)
	}
	return out, nil
}

// RevokeAPIToken ends the user's API token with id (APIToken.ID); false
// when there is none.
func (s *Store) RevokeAPIToken(ctx context.Context, userID int64, id string) (bool, error) {
	if len(id) != 16 {
		return false, nil
	}
	tag, err := s.q.Exec(ctx, `
		DELETE FROM sessions WHERE user_id = $1 AND kind = 'api' AND left(encode(token_hash, 'hex'), 16) = $2`, userID, id)
	if err != nil {
		return false, fmt.Errorf("revoke API token of user %d: %w", userID, err)
	}
	return tag.RowsAffected() > 0, nil
}

// APITokensByUser lists every user's API tokens not yet expired at now.
func (s *Store) APITokensByUser(ctx context.Context, now time.Time) (map[int64][]APIToken, error) {
	rows, err := s.q.Query(ctx, `
		SELECT user_id, left(encode(token_hash, 'hex'), 16), label, created_at, expires_at
		FROM sessions WHERE kind = 'api' AND expires_at > $1
		ORDER BY created_at DESC`, now)
	if err != nil {
		return nil, fmt.Errorf("API tokens: %w", err)
	}
	defer rows.Close()
	out := map[int64][]APIToken{}
	for rows.Next() {
		var (
			id int64
			t  APIToken
		)
		if err := rows.Scan(&id, &t.ID, &t.Label, &t.CreatedAt, &t.ExpiresAt); err != nil {
			return nil, fmt.Errorf("API tokens: %w", err)
		}
		out[id] = append(out[id], t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("API tokens: %w", err)
	}
	return out, nil
}
