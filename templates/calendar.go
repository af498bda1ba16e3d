package templates

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"fmt"

	"baocao/reporting"
)

// calendarFile is the official working-day calendar shipped in the binary:
// days off and make-up working Saturdays of government offices, 2024–2027
// (sources in store/holiday.go). Every database loads it once per version
// (store.LoadShippedCalendar); an administrator changes it with `baocao
// holidays import`.
const calendarFile = "calendar/vn-2024-2027.csv"

//go:embed calendar/*.csv
var calendarFiles embed.FS

// ShippedCalendar is the calendar shipped in the binary: its file name, a
// checksum of its content and its days.
func ShippedCalendar() (name, checksum string, days []reporting.Holiday, err error) {
	b, err := calendarFiles.ReadFile(calendarFile)
	if err != nil {
		return "", "", nil, fmt.Errorf("shipped calendar: %w", err)
	}
	days, err = reporting.ParseHolidaysCSV(bytes.NewReader(b))
	if err != nil {
		return "", "", nil, fmt.Errorf("shipped calendar %s: %w", calendarFile, err)
	}
	return calendarFile, fmt.Sprintf("%x", sha256.Sum256(b)), days, nil
}
