package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/argon2"

	"baocao/reporting"
)

// The Vietnamese messages of users, in one place for review (validation
// messages are in reporting).
const (
	msgEmailTaken      = "Địa chỉ e-mail %s đã được dùng."
	msgUserUnitAbsent  = "Không có đơn vị mã %s."
	msgUnitAbsentOnDay = "Không có đơn vị mã %s hoạt động vào ngày %s."
	msgUserNotFound    = "Không có người dùng %s."
	msgBadCredentials  = "E-mail hoặc mật khẩu không đúng."
	msgAccountLocked   = "Tài khoản %s đã bị khóa. Xin liên hệ quản trị viên."
)

// NewUser is what CreateUser needs. Password may be empty: the user then
// cannot sign in until SetPassword.
type NewUser struct {
	Email, Name string
	Role        reporting.Role
	UnitCode    string
	Password    string
}

// CreateUser stores a new, active user. The e-mail is lower-cased and must
// be a bare address; a clerk or supervisor needs a unit that exists (any
// role may name one). A taken e-mail is an ECONFLICT *reporting.Error; a
// bad field an EINVALID one.
func (s *Store) CreateUser(ctx context.Context, nu NewUser) (reporting.User, error) {
	email, err := reporting.NormalizeEmail(nu.Email)
	if err != nil {
		return reporting.User{}, err
	}
	u := reporting.User{Email: email, Name: strings.TrimSpace(nu.Name), Role: nu.Role, UnitCode: strings.TrimSpace(nu.UnitCode), Active: true}
	if err := reporting.ValidateUser(u); err != nil {
		return reporting.User{}, err
	}
	hash := ""
	if nu.Password != "" {
		if hash, err = HashPassword(nu.Password); err != nil {
			return reporting.User{}, err
		}
	}
	if u.UnitCode != "" {
		var exists bool
		if err := s.q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM units WHERE code = $1)`, u.UnitCode).Scan(&exists); err != nil {
			return reporting.User{}, fmt.Errorf("create user %s: look up unit %s: %w", email, u.UnitCode, err)
		}
		if !exists {
			return reporting.User{}, reporting.Errorf(reporting.EINVALID, msgUserUnitAbsent, u.UnitCode)
		}
	}
	// ON CONFLICT rather than catching the unique violation: a failed
	// statement would abort the caller's transaction.
	err = s.q.QueryRow(ctx, `
		INSERT INTO users (email, name, role, unit_code, password_hash)
		VALUES ($1, $2, $3, nullif($4, ''), $5)
		ON CONFLICT (email) DO NOTHING
		RETURNING id`, u.Email, u.Name, u.Role, u.UnitCode, hash).Scan(&u.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		return reporting.User{}, reporting.Errorf(reporting.ECONFLICT, msgEmailTaken, email)
	}
	if err != nil {
		return reporting.User{}, fmt.Errorf("create user %s: %w", email, err)
	}
	return u, nil
}

// userColumns are read by scanUser, in its order.
const userColumns = `u.id, u.email, u.name, u.role, coalesce(u.unit_code, ''), u.active`

func scanUser(row pgx.CollectableRow) (reporting.User, error) {
	var u reporting.User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.UnitCode, &u.Active)
	return u, err
}

// UserByEmail is the user with that e-mail (in any case); an ENOTFOUND
// *reporting.Error when there is none.
func (s *Store) UserByEmail(ctx context.Context, email string) (reporting.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	return s.oneUser(ctx, email, `SELECT `+userColumns+` FROM users u WHERE u.email = $1`, email)
}

// UserByID is the user with that id; an ENOTFOUND *reporting.Error when
// there is none.
func (s *Store) UserByID(ctx context.Context, id int64) (reporting.User, error) {
	return s.oneUser(ctx, fmt.Sprint(id), `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id)
}

func (s *Store) oneUser(ctx context.Context, what, sql string, arg any) (reporting.User, error) {
	rows, err := s.q.Query(ctx, sql, arg)
	if err != nil {
		return reporting.User{}, fmt.Errorf("get user %s: %w", what, err)
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	if errors.Is(err, pgx.ErrNoRows) {
		return reporting.User{}, reporting.Errorf(reporting.ENOTFOUND, msgUserNotFound, what)
	}
	if err != nil {
		return reporting.User{}, fmt.Errorf("get user %s: %w", what, err)
	}
	return u, nil
}

// Users lists every user, by e-mail.
func (s *Store) Users(ctx context.Context) ([]reporting.User, error) {
	rows, err := s.q.Query(ctx, `SELECT `+userColumns+` FROM users u ORDER BY u.email`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	users, err := pgx.CollectRows(rows, scanUser)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return users, nil
}

// SetPassword replaces a user's password and ends all their sessions and
// API tokens: whoever knew the old password is signed out everywhere.
func (s *Store) SetPassword(ctx context.Context, userID int64, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *Store) error {
		tag, err := tx.q.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, userID, hash)
		if err != nil {
			return fmt.Errorf("set password of user %d: %w", userID, err)
		}
		if tag.RowsAffected() == 0 {
			return reporting.Errorf(reporting.ENOTFOUND, msgUserNotFound, fmt.Sprint(userID))
		}
		return tx.deleteUserSessions(ctx, userID)
	})
}

// SetUserActive enables or disables a user. Disabling ends their sessions
// and API tokens at once; users are never deleted, since audit events and
// submissions name them.
func (s *Store) SetUserActive(ctx context.Context, userID int64, active bool) error {
	return s.InTx(ctx, func(tx *Store) error {
		tag, err := tx.q.Exec(ctx, `UPDATE users SET active = $2 WHERE id = $1`, userID, active)
		if err != nil {
			return fmt.Errorf("set user %d active=%v: %w", userID, active, err)
		}
		if tag.RowsAffected() == 0 {
			return reporting.Errorf(reporting.ENOTFOUND, msgUserNotFound, fmt.Sprint(userID))
		}
		if active {
			return nil
		}
		return tx.deleteUserSessions(ctx, userID)
	})
}

// Authenticate checks an e-mail and password. An unknown e-mail and a wrong
// password give the same EUNAUTHORIZED *reporting.Error, after the same
// amount of hashing, so neither the message nor the time tells which
// addresses exist; a user without a password cannot sign in. A disabled
// user with the right password gets EFORBIDDEN: the password was right, so
// saying why does not help a guesser. A hash made with older parameters is
// replaced on success.
func (s *Store) Authenticate(ctx context.Context, email, password string) (reporting.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var (
		u    reporting.User
		hash string
	)
	err := s.q.QueryRow(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u WHERE u.email = $1`, email).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.UnitCode, &u.Active, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		_, _ = VerifyPassword(dummyHash(), password)
		return reporting.User{}, reporting.Errorf(reporting.EUNAUTHORIZED, msgBadCredentials)
	}
	if err != nil {
		return reporting.User{}, fmt.Errorf("authenticate %s: %w", email, err)
	}
	if hash == "" {
		_, _ = VerifyPassword(dummyHash(), password)
		return reporting.User{}, reporting.Errorf(reporting.EUNAUTHORIZED, msgBadCredentials)
	}
	ok, err := VerifyPassword(hash, password)
	if err != nil {
		return reporting.User{}, fmt.Errorf("authenticate %s: %w", email, err)
	}
	if !ok {
		return reporting.User{}, reporting.Errorf(reporting.EUNAUTHORIZED, msgBadCredentials)
	}
	if !u.Active {
		return reporting.User{}, reporting.Errorf(reporting.EFORBIDDEN, msgAccountLocked, u.Email)
	}
	if hashOutdated(hash) {
		if fresh, err := HashPassword(password); err == nil {
			if _, err := s.q.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1 AND password_hash = $3`, u.ID, fresh, hash); err != nil {
				return reporting.User{}, fmt.Errorf("rehash password of %s: %w", email, err)
			}
		}
	}
	return u, nil
}

// UnitAncestors is the parent chain of unitCode on day, from its parent up
// to the root, following the unit versions in effect that day (a commune
// moved from a district to the province by the 2025 reform has different
// ancestors before and after). It feeds reporting.CanFileFor and friends.
// An ENOTFOUND *reporting.Error when the unit has no version on day.
func (s *Store) UnitAncestors(ctx context.Context, unitCode string, day time.Time) ([]string, error) {
	day = reporting.Day(day.Date())
	// path guards against a cycle in bad data; the chain stops there.
	// Codes compare COLLATE "C" to use unit_versions_code_c_idx (see
	// migration 00018).
	rows, err := s.q.Query(ctx, `
		WITH RECURSIVE chain (code, parent, depth, path) AS (
			SELECT v.unit_code, v.parent_code, 0, ARRAY[v.unit_code]
			FROM unit_versions v
			WHERE (v.unit_code COLLATE "C") = $1
			  AND v.valid_from <= $2 AND (v.valid_until IS NULL OR v.valid_until >= $2)
			UNION ALL
			SELECT v.unit_code, v.parent_code, c.depth + 1, c.path || v.unit_code
			FROM chain c
			JOIN unit_versions v ON (v.unit_code COLLATE "C") = c.parent
			 AND v.valid_from <= $2 AND (v.valid_until IS NULL OR v.valid_until >= $2)
			WHERE v.unit_code <> ALL (c.path)
		)
		SELECT code FROM chain ORDER BY depth`, unitCode, day)
	if err != nil {
		return nil, fmt.Errorf("ancestors of unit %s at %s: %w", unitCode, day.Format(time.DateOnly), err)
	}
	chain, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("ancestors of unit %s at %s: %w", unitCode, day.Format(time.DateOnly), err)
	}
	if len(chain) == 0 {
		return nil, reporting.Errorf(reporting.ENOTFOUND, msgUnitAbsentOnDay, unitCode, day.Format("02/01/2006"))
	}
	return chain[1:], nil
}

// ObligationAncestors is the chain that decides who may see and act on
// obligation o (reporting.CanFileFor and friends): its unit's ancestors on
// o.TreeDay() and, for a unit that closed before its period's cut-off
// (its report kept), each unit it continues as on the cut-off (through
// unit_successions in effect by then, over units closed too) with that
// unit's ancestors that day. The territory a closed unit merged into is
// the successor's, in permissions as in the scoped views (subtreeCTE).
func (s *Store) ObligationAncestors(ctx context.Context, o Obligation) ([]string, error) {
	chain, err := s.UnitAncestors(ctx, o.UnitCode, o.TreeDay())
	if err != nil || !o.TreeDay().Before(o.DataTo) {
		return chain, err
	}
	rows, err := s.q.Query(ctx, `
		WITH RECURSIVE succ (code) AS (
			SELECT to_code FROM unit_successions WHERE from_code = $1 AND effective <= $2
			UNION
			SELECT x.to_code FROM succ JOIN unit_successions x ON x.from_code = succ.code AND x.effective <= $2
		)
		SELECT code FROM succ
		WHERE EXISTS (SELECT 1 FROM unit_versions v WHERE v.unit_code = succ.code
		              AND v.valid_from <= $2 AND (v.valid_until IS NULL OR v.valid_until >= $2))
		ORDER BY code`, o.UnitCode, o.DataTo)
	if err != nil {
		return nil, fmt.Errorf("successors of unit %s: %w", o.UnitCode, err)
	}
	successors, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("successors of unit %s: %w", o.UnitCode, err)
	}
	for _, c := range successors {
		up, err := s.UnitAncestors(ctx, c, o.DataTo)
		if err != nil {
			return nil, err
		}
		chain = append(append(chain, c), up...)
	}
	return chain, nil
}

// argon2id parameters for new hashes: OWASP's minimum of 19 MiB, two passes,
// one lane. A sign-in costs tens of milliseconds and 19 MiB; stored hashes
// carry their own parameters, so raising these later rehashes each user at
// their next sign-in.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
)

// HashPassword checks a new password (reporting.ValidatePassword) and hashes
// it with argon2id and a random salt, encoded in the PHC string format:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (base64 without padding).
func HashPassword(password string) (string, error) {
	if err := reporting.ValidatePassword(password); err != nil {
		return "", err
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// argonParams are the parameters of one encoded hash.
type argonParams struct {
	memory  uint32
	time    uint32
	threads uint8
	salt    []byte
	key     []byte
}

func parseArgonHash(encoded string) (argonParams, error) {
	var p argonParams
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, errors.New("not an argon2id PHC string")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, fmt.Errorf("argon2 version %q, want v=%d", parts[2], argon2.Version)
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, fmt.Errorf("argon2 parameters %q: %w", parts[3], err)
	}
	// Bounds keep a corrupted row from costing gigabytes.
	if p.memory < 8 || p.memory > 1<<20 || p.time < 1 || p.time > 16 || p.threads < 1 {
		return p, fmt.Errorf("argon2 parameters %q out of range", parts[3])
	}
	var err error
	if p.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil {
		return p, fmt.Errorf("argon2 salt: %w", err)
	}
	if p.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(p.key) == 0 {
		return p, fmt.Errorf("argon2 hash: %v", err)
	}
	return p, nil
}

// VerifyPassword reports whether password matches an encoded hash made by
// HashPassword (with any parameters), comparing in constant time. An error
// means the stored hash is unreadable, not that the password is wrong.
func VerifyPassword(encoded, password string) (bool, error) {
	p, err := parseArgonHash(encoded)
	if err != nil {
		return false, fmt.Errorf("verify password: %w", err)
	}
	key := argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1, nil
}

// hashOutdated reports whether encoded was made with other parameters than
// HashPassword uses now.
func hashOutdated(encoded string) bool {
	p, err := parseArgonHash(encoded)
	return err != nil || p.memory != argonMemory || p.time != argonTime || p.threads != argonThreads ||
		len(p.salt) != argonSaltLen || len(p.key) != argonKeyLen
}

// dummyHash is a hash of a random password, verified against when there is
// no user so that unknown e-mails cost as much time as wrong passwords.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword(rand.Text())
	if err != nil {
		panic(err) // rand.Text always gives a valid password
	}
	return h
})
