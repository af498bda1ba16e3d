package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"baocao/store"
	"baocao/store/storetest"
)

func TestAudit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Tx(t)
	// Long past, so that the event stamped with now() is the newest.
	t0 := time.Date(2020, time.March, 2, 8, 0, 0, 0, time.UTC)
	events := []store.AuditEvent{
		{At: t0, Actor: "admin@x.vn", Action: "user.create", ObjectType: "user", ObjectID: "7", Details: map[string]any{"role": "clerk", "unit": "26001"}},
		{At: t0.Add(time.Minute), Actor: "a@x.vn", Action: "auth.login", ObjectType: "login", ObjectID: "a@x.vn"},
		{At: t0.Add(2 * time.Minute), Actor: "a@x.vn", Action: "auth.logout", ObjectType: "login", ObjectID: "a@x.vn"},
		{Action: "units.import", ObjectType: "units", ObjectID: "2025-07-01"}, // at now(), actor system
	}
	for _, e := range events {
		if err := st.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		f    store.AuditFilter
		want []string // actions, newest first
	}{
		{"everything, newest first", store.AuditFilter{}, []string{"units.import", "auth.logout", "auth.login", "user.create"}},
		{"by action prefix", store.AuditFilter{Action: "auth."}, []string{"auth.logout", "auth.login"}},
		{"by exact action", store.AuditFilter{Action: "auth.login"}, []string{"auth.login"}},
		{"by actor", store.AuditFilter{Actor: "system"}, []string{"units.import"}},
		{"by object", store.AuditFilter{ObjectType: "user", ObjectID: "7"}, []string{"user.create"}},
		{"by time", store.AuditFilter{Since: t0.Add(time.Minute), Until: t0.Add(2 * time.Minute)}, []string{"auth.login"}},
		{"limited", store.AuditFilter{Limit: 1, Action: "auth."}, []string{"auth.logout"}},
	}
	for _, tt := range tests {
		got, err := st.AuditEvents(ctx, tt.f)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range got {
			actions = append(actions, e.Action)
		}
		if !slices.Equal(actions, tt.want) {
			t.Errorf("%s: actions %v, want %v", tt.name, actions, tt.want)
		}
	}
	got, err := st.AuditEvents(ctx, store.AuditFilter{ObjectType: "user"})
	if err != nil || len(got) != 1 {
		t.Fatalf("AuditEvents(user) = %v, %v", got, err)
	}
	var details map[string]string
	if err := json.Unmarshal(got[0].Details.(json.RawMessage), &details); err != nil || details["unit"] != "26001" || !got[0].At.Equal(t0) {
		t.Errorf("read back %+v (details %v, %v), want the details and time written", got[0], details, err)
	}
	if got, _ := st.AuditEvents(ctx, store.AuditFilter{Action: "auth.login"}); string(got[0].Details.(json.RawMessage)) != "{}" {
		t.Errorf("nil details read back as %s, want {}", got[0].Details)
	}
	if err := st.Audit(ctx, store.AuditEvent{Actor: "x"}); err == nil {
		t.Error("an event without action and object type was recorded")
	}
}

// TestAuditJoinsTransaction: an event recorded inside InTx disappears with
// the change it describes when the transaction rolls back.
func TestAuditJoinsTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Tx(t)
	boom := errors.New("upload failed after the audit")
	err := st.InTx(ctx, func(tx *store.Store) error {
		if err := tx.Audit(ctx, store.AuditEvent{Action: "submission.upload", ObjectType: "submission", ObjectID: "rolled-back"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v", err)
	}
	err = st.InTx(ctx, func(tx *store.Store) error {
		return tx.Audit(ctx, store.AuditEvent{Action: "submission.upload", ObjectType: "submission", ObjectID: "committed"})
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.AuditEvents(ctx, store.AuditFilter{ObjectType: "submission"})
	if err != nil || len(got) != 1 || got[0].ObjectID != "committed" {
		t.Fatalf("events after one rolled-back and one committed transaction: %+v, %v", got, err)
	}
}

// TestAuditBoundsWhatARequestSends: fifty failed sign-ins, each with a
// megabyte of User-Agent and a long e-mail, grow the audit trail by a few
// kilobytes each, not by the megabytes sent; the stored strings are cut
// with a mark, and details too large in all are replaced by their size.
func TestAuditBoundsWhatARequestSends(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	// ~1 MB that does not compress (PostgreSQL would shrink a repeat).
	noise := make([]byte, 512<<10)
	rand.Read(noise)
	huge := "Mozilla/5.0 " + hex.EncodeToString(noise)
	var size0 int64
	if err := st.Pool().QueryRow(ctx, `SELECT pg_total_relation_size('audit_events')`).Scan(&size0); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		email := fmt.Sprintf("k%d-%s@example.vn", i, strings.Repeat("x", 2000))
		if err := st.Audit(ctx, store.AuditEvent{Actor: email, Action: store.ActionLoginFailed, ObjectType: store.ObjectLogin, ObjectID: email,
			Details: map[string]string{"user_agent": huge, "remote_addr": "203.0.113.9:4711"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Audit(ctx, store.AuditEvent{Action: "test.many", ObjectType: "test", Details: map[string]any{"list": strings.Split(huge[:200_000], "a")}}); err != nil {
		t.Fatal(err)
	}
	var size1 int64
	if err := st.Pool().QueryRow(ctx, `SELECT pg_total_relation_size('audit_events')`).Scan(&size1); err != nil {
		t.Fatal(err)
	}
	if grew := size1 - size0; grew > 512<<10 {
		t.Errorf("the audit trail grew by %d KiB for 51 events", grew>>10)
	}
	var actor, agent string
	if err := st.Pool().QueryRow(ctx, `SELECT actor, details->>'user_agent' FROM audit_events WHERE action = $1 LIMIT 1`, store.ActionLoginFailed).
		Scan(&actor, &agent); err != nil {
		t.Fatal(err)
	}
	if len([]rune(actor)) != 256 || !strings.HasSuffix(actor, "…") || len([]rune(agent)) != 512 || !strings.HasPrefix(agent, "Mozilla/5.0") {
		t.Errorf("stored actor of %d characters, user agent of %d", len([]rune(actor)), len([]rune(agent)))
	}
	var many string
	if err := st.Pool().QueryRow(ctx, `SELECT details::text FROM audit_events WHERE action = 'test.many'`).Scan(&many); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(many, `"truncated": true`) {
		t.Errorf("details too large kept as %.80s", many)
	}
}
