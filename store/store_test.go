package store_test

import (
	"context"
	"testing"

	"baocao/store/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Open(t) // cloned from an already migrated template
	n, err := s.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("re-running migrations applied %d, want 0", n)
	}
	st, err := s.MigrationState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.UpToDate() || st.Current == 0 {
		t.Fatalf("state %+v, want current = latest > 0", st)
	}
}
