package store_test

import (
	"context"
	"testing"

	"baocao/store/storetest"
)

func TestAdvisoryLockHeld(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	// Keys whose halves need the unsigned reading: a high bit set in
	// either 32-bit half, and a negative key.
	for _, key := range []int64{0x62616f63616f, 0x7fffffff_80000001, -2, 5} {
		held, err := st.AdvisoryLockHeld(ctx, key)
		if err != nil || held {
			t.Fatalf("key %#x before locking: held %v, %v", key, held, err)
		}
		conn, err := st.Pool().Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
			t.Fatal(err)
		}
		held, err = st.AdvisoryLockHeld(ctx, key)
		if err != nil || !held {
			t.Errorf("key %#x while locked: held %v, %v", key, held, err)
		}
		if other, _ := st.AdvisoryLockHeld(ctx, key+1); other {
			t.Errorf("key %#x locked, %#x reported held", key, key+1)
		}
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, key); err != nil {
			t.Fatal(err)
		}
		conn.Release()
	}
}
