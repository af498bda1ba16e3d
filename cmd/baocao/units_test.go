package main

import (
	"context"
	"strings"
	"testing"

	"baocao/store/storetest"
)

// `units history` shows a merger recorded by a unit list's predecessors
// column, from either side, with its legal basis; `units merge` refuses one
// between units of different kinds unless --allow-level-change confirms it.
func TestUnitsHistoryShowsMergers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := []string{"BAOCAO_DATABASE_URL=" + storetest.NewDB(t), "BAOCAO_DATA_DIR=" + t.TempDir(), "BAOCAO_LOG_LEVEL=warn"}
	if _, err := runCLI(ctx, t, env, "units", "import", "demo/units-2024.csv"); err != nil {
		t.Fatal(err)
	}
	// The post-reform list records Resolution 1662's successions in its
	// predecessors column: 25198 (Tân Đồng) is one of the five wards merged
	// into 25195 (Bình Phước).
	const basis = "Nghị quyết 1662/NQ-UBTVQH15"
	if _, err := runCLI(ctx, t, env, "units", "import", "demo/units-2025.csv", "--effective", "2025-07-01", "--close-missing", "--basis", basis); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"25198", "25195"} {
		out, err := runCLI(ctx, t, env, "units", "history", code)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, "2025-07-01\tsuccession: 25198 ") || !strings.Contains(out, "continues as 25195 ") || !strings.Contains(out, basis) {
			t.Errorf("units history %s does not show the merger:\n%s", code, out)
		}
	}
	// A district (689, abolished) into a commune: refused, then confirmed.
	if _, err := runCLI(ctx, t, env, "units", "merge", "689", "25195", "--effective", "2025-07-01"); err == nil {
		t.Error("a district merged into a commune without --allow-level-change was accepted")
	}
	if _, err := runCLI(ctx, t, env, "units", "merge", "689", "25195", "--effective", "2025-07-01", "--allow-level-change"); err != nil {
		t.Errorf("a confirmed cross-level merger: %v", err)
	}
}
