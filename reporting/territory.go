package reporting

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// TerritoryOf reads the root unit's name — the committee ("UBND tỉnh
// Đồng Nai", "Ủy ban nhân dân thành phố Huế") or the territory itself
// ("Tỉnh Đồng Nai") — as the territory it governs ("tỉnh Đồng Nai") and
// that territory's type ("tỉnh" or "thành phố"), which the council and
// committee of a report are named after: "Hội đồng nhân dân thành phố",
// "TỔNG CỘNG TOÀN THÀNH PHỐ". A name of neither type counts as a tỉnh.
func TerritoryOf(rootName string) (territory, kind string) {
	s := strings.TrimSpace(norm.NFC.String(rootName))
	for _, body := range []string{"UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân "} {
		if len(s) > len(body) && strings.EqualFold(s[:len(body)], body) {
			s = s[len(body):]
			break
		}
	}
	for _, k := range []string{TerritoryCity, TerritoryProvince} {
		if len(s) > len(k) && strings.EqualFold(s[:len(k)+1], k+" ") {
			return k + s[len(k):], k
		}
	}
	return s, TerritoryProvince
}

// The types of a province-level territory.
const (
	TerritoryProvince = "tỉnh"
	TerritoryCity     = "thành phố"
)
