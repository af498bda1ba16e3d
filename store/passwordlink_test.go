package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// TestPasswordLinksWorkOnceUntilTheyExpire: a link sets the password once;
// used, expired, superseded by a newer link, or for a disabled user, it
// is refused with the same Vietnamese message; two uses at once set the
// password once.
func TestPasswordLinksWorkOnceUntilTheyExpire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	u, err := st.CreateUser(ctx, store.NewUser{Email: "moi@tinh.gov.vn", Name: "Người mới", Role: reporting.RoleInspector})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, time.June, 1, 8, 0, 0, 0, time.UTC)
	ttl := 72 * time.Hour
	link := func(at time.Time) string {
		t.Helper()
		tok, err := st.CreatePasswordLink(ctx, u.ID, store.LinkInvite, "quantri@tinh.gov.vn", at, ttl)
		if err != nil || len(tok) != 43 {
			t.Fatalf("link: %q, %v", tok, err)
		}
		return tok
	}
	invalid := func(what string, err error) {
		t.Helper()
		if reporting.ErrorCode(err) != reporting.EINVALID {
			t.Errorf("%s: %v, want the link refused", what, err)
		}
	}

	first := link(now)
	if got, err := st.PasswordLinkUser(ctx, first, now.Add(time.Hour)); err != nil || got.ID != u.ID {
		t.Fatalf("a fresh link: %+v, %v", got, err)
	}
	_, err = st.PasswordLinkUser(ctx, first, now.Add(ttl))
	invalid("a link at its expiry", err)
	_, err = st.UsePasswordLink(ctx, first, "ngắn", now.Add(time.Hour))
	if reporting.ErrorCode(err) != reporting.EINVALID {
		t.Errorf("a password too short: %v", err)
	}

	second := link(now.Add(time.Hour))
	_, err = st.PasswordLinkUser(ctx, first, now.Add(2*time.Hour))
	invalid("a link superseded by a newer one", err)

	// Two uses at once: one sets the password, the other is refused.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { _, errs[i] = st.UsePasswordLink(ctx, second, "mat-khau-moi-du-dai", now.Add(2*time.Hour)) })
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("two uses at once: %v and %v; want exactly one to succeed", errs[0], errs[1])
	}
	if _, err := st.Authenticate(ctx, u.Email, "mat-khau-moi-du-dai"); err != nil {
		t.Errorf("signing in with the password set: %v", err)
	}
	_, err = st.UsePasswordLink(ctx, second, "mat-khau-khac-du-dai", now.Add(3*time.Hour))
	invalid("a link used already", err)

	third := link(now.Add(4 * time.Hour))
	if err := st.SetUserActive(ctx, u.ID, false); err != nil {
		t.Fatal(err)
	}
	_, err = st.UsePasswordLink(ctx, third, "mat-khau-khac-du-dai", now.Add(5*time.Hour))
	invalid("a link of a disabled user", err)
}
