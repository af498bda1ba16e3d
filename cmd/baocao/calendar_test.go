package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// A new installation needs no holiday import: `migrate` alone gives the
// database the official calendar — Tết 2026 (14–22/02) off, the make-up
// Saturday 10/01/2026 worked. What the administrator changes afterwards
// stays through later starts; only a new version of the shipped calendar
// adds days again.
func TestMigrateAloneLoadsTheOfficialCalendar(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.NewDB(t)
	env := []string{"BAOCAO_DATABASE_URL=" + url, "BAOCAO_DATA_DIR=" + t.TempDir(), "BAOCAO_LOG_LEVEL=warn"}
	if _, err := runCLI(ctx, t, env, "migrate"); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cal, err := st.Calendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for d := reporting.Day(2026, time.February, 14); !d.After(reporting.Day(2026, time.February, 22)); d = d.AddDate(0, 0, 1) {
		if cal.IsWorkingDay(d) {
			t.Errorf("%s (Tết Bính Ngọ) is a working day after migrate", d.Format(time.DateOnly))
		}
	}
	if !cal.IsWorkingDay(reporting.Day(2026, time.January, 10)) {
		t.Error("the make-up Saturday 10/01/2026 is not a working day after migrate")
	}

	// The administrator drops a day; the next start does not bring it back.
	if _, err := st.Pool().Exec(ctx, `DELETE FROM holidays WHERE day = '2026-02-14'`); err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(ctx, t, env, "holidays", "list", "--year", "2026")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "2026-02-14") || !strings.Contains(out, "2026-02-15") || !strings.Contains(out, "2026-01-10  Sat  working") {
		t.Fatalf("holidays of 2026 after the administrator removed 14/02:\n%s", out)
	}
}
