package reporting_test

import (
	"testing"

	"golang.org/x/text/unicode/norm"

	"baocao/reporting"
)

// TestTerritoryOf: the root unit's name, however written, gives the
// territory and whether it is a tỉnh or a thành phố.
func TestTerritoryOf(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, territory, kind string }{
		{"UBND tỉnh Bình Phước", "tỉnh Bình Phước", "tỉnh"},
		{"UBND thành phố Đồng Nai", "thành phố Đồng Nai", "thành phố"},
		{"Ủy ban nhân dân Thành phố Hồ Chí Minh", "thành phố Hồ Chí Minh", "thành phố"},
		{norm.NFD.String("Uỷ ban nhân dân thành phố Huế"), "thành phố Huế", "thành phố"},
		{"Tỉnh Đồng Nai", "tỉnh Đồng Nai", "tỉnh"},
		{"Đồng Nai", "Đồng Nai", "tỉnh"},
	} {
		if ter, kind := reporting.TerritoryOf(tt.name); ter != tt.territory || kind != tt.kind {
			t.Errorf("%q: %q %q, want %q %q", tt.name, ter, kind, tt.territory, tt.kind)
		}
	}
}
