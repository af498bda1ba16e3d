package store_test

import (
	"context"
	"encoding/csv"
	"os"
	"slices"
	"testing"

	"golang.org/x/text/unicode/norm"

	"baocao/store/storetest"
	"baocao/vi"
)

// vietnameseNames are the demo province's real unit names before and after
// the 2025 reform, and names that test the edges: capitals with tone
// marks, đ, numbers of one and two digits, decomposed (NFD) text as some
// old office software writes it.
func vietnameseNames(t *testing.T) []string {
	t.Helper()
	names := []string{"Xã Thử 10", "Xã Thử 2", "xã thử 3", "XÃ THỬ 1", "ĐỒNG XOÀI", "Đồng Xoài", "Dak Ơ", "Đak Ơ", "Ấp 12", "Ấp 9",
		norm.NFD.String("Phường Tân Đồng"), "Tổ dân phố 5A", "Tổ dân phố 5", "Ủy ban", "Uỷ ban", "Bù Gia Mập", "Bù Đăng", "Bù Đốp"}
	for _, f := range []string{"../cmd/baocao/demo/units-2024.csv", "../cmd/baocao/demo/units-2025.csv"} {
		file, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(file).ReadAll()
		file.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows[1:] {
			names = append(names, r[1])
		}
	}
	return names
}

// TestSQLVietnameseAgreesWithGo: the database's Vietnamese order
// (collation vi_natural) and search key (vi_fold, unit_versions.name_folded)
// are package vi's, on real unit names: pages that sort and filter in SQL
// list units as the reports written in Go do.
func TestSQLVietnameseAgreesWithGo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	names := vietnameseNames(t)
	if len(names) < 150 {
		t.Fatalf("%d names: the demo lists did not load", len(names))
	}
	var folded []string
	if err := st.Pool().QueryRow(ctx, `SELECT array_agg(vi_fold(x) ORDER BY i) FROM unnest($1::text[]) WITH ORDINALITY AS t(x, i)`, names).Scan(&folded); err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		if folded[i] != vi.Fold(n) {
			t.Errorf("vi_fold(%q) = %q, vi.Fold %q", n, folded[i], vi.Fold(n))
		}
	}
	var sorted []string
	if err := st.Pool().QueryRow(ctx, `SELECT array_agg(x ORDER BY x COLLATE vi_natural) FROM unnest($1::text[]) AS t(x)`, names).Scan(&sorted); err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(names)
	vi.SortStable(want, func(s string) []string { return []string{s} })
	for i := range want {
		if vi.Compare(sorted[i], want[i]) != 0 {
			t.Errorf("position %d: SQL %q, Go %q", i, sorted[i], want[i])
		}
	}
}
