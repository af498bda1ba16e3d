package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store/storetest"
)

// TestComplianceReviewExemptExtendFromTheCommandLine drives the inspector's
// commands over the small commune form's 2026-H1 period at cliNow:
// district D1 has communes c1 (filed on time) and c2 (nothing).
func TestComplianceReviewExemptExtendFromTheCommandLine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url, st := smallFormDB(t)
	prov := storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindProvince}).Code
	d1 := storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindDistrictPC, Parent: prov, Name: "UBND huyện Một"}).Code
	c1 := storetest.Unit(t, st, &storetest.UnitOpts{Parent: d1}).Code
	c2 := storetest.Unit(t, st, &storetest.UnitOpts{Parent: d1}).Code
	storetest.OpenDue(t, st, cliNow, hcm)
	var (
		periodID int64
		key      = "2026-H1"
		deadline time.Time
	)
	if err := st.Pool().QueryRow(ctx, `SELECT id, deadline FROM periods WHERE form_code = 'TEST-IN' AND key = $1`, key).
		Scan(&periodID, &deadline); err != nil {
		t.Fatal(err)
	}
	sub := storetest.Upload(t, st, periodID, c1, cliNow)
	env := []string{"BAOCAO_DATABASE_URL=" + url, "BAOCAO_LOG_LEVEL=warn"}
	pid := strconv.FormatInt(periodID, 10)
	later := deadline.Add(48 * time.Hour).In(hcm)
	extended := reporting.EndOfDay(deadline.In(hcm).AddDate(0, 0, 3), hcm)
	flagAt := deadline.AddDate(0, 0, 10).Truncate(time.Minute) // as --at writes it

	steps := []struct {
		name    string
		args    []string
		want    []string // in the output, or in the error when failing
		failing bool
	}{
		{"the table after the deadline", []string{"compliance", "--form", "TEST-IN", "--period", key, "--at", later.Format(time.RFC3339)},
			[]string{"Toàn tỉnh", "by parent unit", d1 + " UBND huyện Một", "by unit kind", "50.0%"}, false},
		{"a period by id", []string{"compliance", "--form", "TEST-IN", "--period", pid}, []string{"Toàn tỉnh"}, false},
		{"an unknown period", []string{"compliance", "--form", "TEST-IN", "--period", "1999-H1"}, []string{"no period"}, true},
		{"a return needs a reason", []string{"review", strconv.FormatInt(sub.ID, 10), "return"}, []string{"lý do trả lại"}, true},
		{"a return", []string{"review", "--as", "admin", strconv.FormatInt(sub.ID, 10), "return", "--reason", "Thiếu mục II"},
			[]string{"Trả lại", reporting.StatusReturned.Label(), "outbox"}, false},
		{"an exemption", []string{"exempt", "--period", pid, "--unit", c2, "--reason", "Sáp nhập"}, []string{reporting.StatusExempt.Label()}, false},
		{"withdrawn", []string{"exempt", "--period", pid, "--unit", c2, "--undo"}, []string{reporting.StatusPending.Label()}, false},
		{"a period by key", []string{"exempt", "--period", key, "--unit", c2, "--reason", "Sáp nhập"}, []string{reporting.StatusExempt.Label()}, false},
		{"and by form and key", []string{"exempt", "--form", "TEST-IN", "--period", key, "--unit", c2, "--undo"}, []string{reporting.StatusPending.Label()}, false},
		{"an unknown key", []string{"exempt", "--period", "1999-H1", "--unit", c2, "--undo"}, []string{`no period "1999-H1"`}, true},
		{"an extension of the district", []string{"extend", "--period", pid, "--subtree", d1, "--deadline", extended.Format(time.DateOnly),
			"--reason", "Lũ lụt"}, []string{"deadline of 2 units", c1, c2}, false},
		{"an earlier deadline", []string{"extend", "--period", pid, "--unit", c1, "--deadline", deadline.In(hcm).Format(time.DateOnly), "--reason", "x"},
			[]string{"sớm hơn hạn hiện tại"}, true},
		{"the deadline tick, long after", []string{"deadlines", "--at", flagAt.Format(time.RFC3339)},
			[]string{"1 obligations past their deadline flagged in their history"}, false},
		{"and again: nothing more", []string{"deadlines", "--at", flagAt.Add(time.Hour).Format(time.RFC3339)},
			[]string{"0 obligations past their deadline flagged in their history"}, false},
	}
	for _, s := range steps {
		out, err := runCLI(ctx, t, env, s.args...)
		text := out
		if s.failing {
			if err == nil {
				t.Fatalf("%s: no error; output:\n%s", s.name, out)
			}
			text = err.Error()
		} else if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		for _, w := range s.want {
			if !strings.Contains(text, w) {
				t.Fatalf("%s: %q lacks %q", s.name, text, w)
			}
		}
	}
	// c2's history: the exemption given and withdrawn twice, the extension,
	// and the tick seeing the extended deadline pass.
	events, err := st.ObligationHistory(ctx, periodID, c2)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ev := range events {
		kinds = append(kinds, string(ev.Kind))
	}
	last := events[len(events)-1]
	if got := strings.Join(kinds, " "); got != "opened exempted unexempted exempted unexempted extended flagged_missing" ||
		!last.Deadline.Equal(extended) || !last.At.Equal(flagAt) {
		t.Fatalf("c2's history %s, last %+v; want the tick to flag the deadline of %s", got, last, extended)
	}
	if status, _ := reporting.StatusAt(events, flagAt); status != reporting.StatusMissing {
		t.Fatalf("c2 after the tick past its extended deadline: %s", status)
	}
}

// TestTemplateByPeriodKeyOrID: the template command finds the period by
// its key within the form, or by id.
func TestTemplateByPeriodKeyOrID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url, st := smallFormDB(t)
	prov := storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindProvince}).Code
	unit := storetest.Unit(t, st, &storetest.UnitOpts{Parent: prov}).Code
	storetest.OpenDue(t, st, cliNow, hcm)
	var id int64
	key := "2026-H1"
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM periods WHERE form_code = 'TEST-IN' AND key = $1`, key).Scan(&id); err != nil {
		t.Fatal(err)
	}
	env := []string{"BAOCAO_DATABASE_URL=" + url, "BAOCAO_SECRET=" + strings.Repeat("k", 40), "BAOCAO_LOG_LEVEL=warn"}
	for _, period := range []string{key, strconv.FormatInt(id, 10)} {
		out := filepath.Join(t.TempDir(), "mau.xlsx")
		if _, err := runCLI(ctx, t, env, "template", "--form", "TEST-IN", "--unit", unit, "--period", period, "-o", out); err != nil {
			t.Fatalf("template --period %s: %v", period, err)
		}
		if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
			t.Fatalf("template --period %s wrote nothing: %v", period, err)
		}
	}
	if _, err := runCLI(ctx, t, env, "template", "--form", "TEST-IN", "--unit", unit, "--period", "1999-H1", "-o", filepath.Join(t.TempDir(), "x.xlsx")); err == nil ||
		!strings.Contains(err.Error(), `form TEST-IN has no period "1999-H1"`) {
		t.Fatalf("an unknown key: %v", err)
	}
}
