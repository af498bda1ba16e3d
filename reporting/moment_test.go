package reporting_test

import (
	"testing"
	"time"

	"baocao/reporting"
)

func TestParseMoment(t *testing.T) {
	t.Parallel()
	hcm := time.FixedZone("ICT", 7*3600)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2026-06-30T17:00:00+07:00", time.Date(2026, 6, 30, 17, 0, 0, 0, hcm)},
		{"2026-06-30T10:00:00Z", time.Date(2026, 6, 30, 17, 0, 0, 0, hcm)},
		{"2026-06-30 08:00", time.Date(2026, 6, 30, 8, 0, 0, 0, hcm)},
		{" 2026-06-30 08:00:30 ", time.Date(2026, 6, 30, 8, 0, 30, 0, hcm)},
		{"2026-06-30T08:00", time.Date(2026, 6, 30, 8, 0, 0, 0, hcm)},
		{"2026-06-30", time.Date(2026, 6, 30, 0, 0, 0, 0, hcm)},
	}
	for _, tt := range tests {
		got, err := reporting.ParseMoment(tt.in, hcm)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseMoment(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "30/06/2026", "2026-06-31", "tomorrow"} {
		if _, err := reporting.ParseMoment(bad, hcm); err == nil {
			t.Errorf("ParseMoment(%q) took it", bad)
		}
	}
}
