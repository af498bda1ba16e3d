package store_test

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

const sessionExpired = "Phiên làm việc đã hết hạn, xin đăng nhập lại."

func TestSessionLifetime(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, time.March, 2, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		revoke  func(t *testing.T, st *store.Store, u reporting.User, token string)
		at      time.Time
		wantMsg string // "" when the session is good
	}{
		{"right after sign-in", nil, now, ""},
		{"a second before expiry", nil, now.Add(time.Hour - time.Second), ""},
		{"at expiry", nil, now.Add(time.Hour), sessionExpired},
		{"signed out", func(t *testing.T, st *store.Store, _ reporting.User, token string) {
			if err := st.DeleteSession(context.Background(), token); err != nil {
				t.Fatal(err)
			}
		}, now, sessionExpired},
		{"password changed", func(t *testing.T, st *store.Store, u reporting.User, _ string) {
			if err := st.SetPassword(context.Background(), u.ID, "mật khẩu mới 2026"); err != nil {
				t.Fatal(err)
			}
		}, now, sessionExpired},
		{"user disabled", func(t *testing.T, st *store.Store, u reporting.User, _ string) {
			if err := st.SetUserActive(context.Background(), u.ID, false); err != nil {
				t.Fatal(err)
			}
		}, now, sessionExpired},
		{"expired sessions swept", func(t *testing.T, st *store.Store, _ reporting.User, _ string) {
			n, err := st.DeleteExpiredSessions(context.Background(), now.Add(2*time.Hour))
			if err != nil || n != 1 {
				t.Fatalf("DeleteExpiredSessions = %d, %v; want 1", n, err)
			}
		}, now, sessionExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := storetest.Tx(t)
			u := storetest.User(t, st, nil)
			token, expires, err := st.CreateSession(ctx, u.ID, time.Hour, now)
			if err != nil {
				t.Fatal(err)
			}
			if len(token) != 43 || !expires.Equal(now.Add(time.Hour)) {
				t.Fatalf("CreateSession = %q, %v; want 43 characters, expiring %v", token, expires, now.Add(time.Hour))
			}
			if tt.revoke != nil {
				tt.revoke(t, st, u, token)
			}
			got, err := st.SessionUser(ctx, token, tt.at)
			if tt.wantMsg == "" {
				if err != nil || got != u {
					t.Fatalf("SessionUser = %+v, %v; want %+v", got, err, u)
				}
				return
			}
			if reporting.ErrorCode(err) != reporting.EUNAUTHORIZED || (tt.name != "user disabled" && reporting.ErrorMessage(err) != tt.wantMsg) {
				t.Fatalf("SessionUser = %v, want EUNAUTHORIZED %q", err, tt.wantMsg)
			}
		})
	}
}

func TestSessionUnknownToken(t *testing.T) {
	t.Parallel()
	st := storetest.Tx(t)
	for _, token := range []string{"", "not-a-token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
		_, err := st.SessionUser(context.Background(), token, time.Now())
		if reporting.ErrorCode(err) != reporting.EUNAUTHORIZED || reporting.ErrorMessage(err) != sessionExpired {
			t.Errorf("SessionUser(%q) = %v, want EUNAUTHORIZED %q", token, err, sessionExpired)
		}
	}
	if err := st.DeleteSession(context.Background(), "not-a-token"); err != nil {
		t.Errorf("DeleteSession(unknown) = %v, want nil", err)
	}
}

// TestSessionStoresOnlyTheHash reads the table itself: a copy of the
// database must not hold tokens that sign anyone in.
func TestSessionStoresOnlyTheHash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	u := storetest.User(t, st, nil)
	token, _, err := st.CreateSession(ctx, u.ID, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var stored []byte
	if err := st.Pool().QueryRow(ctx, `SELECT token_hash FROM sessions WHERE user_id = $1`, u.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256([]byte(token))
	if string(stored) != string(want[:]) {
		t.Fatalf("token_hash = %x, want sha256(token) = %x", stored, want)
	}
}
