package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/xuri/excelize/v2"

	"baocao/reporting"
	"baocao/reporting/pdf"
	"baocao/reporting/xlsx"
	"baocao/store"
	"baocao/store/storetest"
)

// boundsForm has a count and an amount, both summed.
var boundsForm = reporting.Form{
	Code: "TH-MAX", Title: "Báo cáo thử số lớn nhất",
	UnitKinds: []reporting.UnitKind{reporting.KindCommunePC},
	Sections: []reporting.Section{{Title: "I. Số liệu", Fields: []reporting.Field{
		{Code: "so_nguoi", Label: "Số người được tiếp", Type: reporting.TypeInt, Unit: "người", Aggregate: reporting.AggSum},
		{Code: "tien", Label: "Số tiền kiến nghị thu hồi", Type: reporting.TypeDecimal, Unit: "đồng", Aggregate: reporting.AggSum},
	}}},
}

// openBoundsPeriod loads boundsForm and opens its H1 2025 for the units
// there are, checking that they are as many as units.
func openBoundsPeriod(t *testing.T, st *store.Store, units int) (form reporting.Form, period reporting.Period, periodID int64) {
	t.Helper()
	ctx := context.Background()
	synced, err := st.SyncForms(ctx, []store.FormSource{{Definition: boundsForm, Source: "# test", Checksum: "max-1"}})
	if err != nil {
		t.Fatal(err)
	}
	form = boundsForm
	form.VersionID = synced[0].VersionID
	period = half("2025-H1", "6 tháng đầu năm 2025", reporting.Day(2024, 12, 15), reporting.Day(2025, 6, 14))
	if res, err := st.OpenPeriods(ctx, form, []reporting.Period{period}); err != nil || res.Obligations != units {
		t.Fatalf("open period: %+v, %v; want %d obligations", res, err, units)
	}
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM periods WHERE form_code = 'TH-MAX'`).Scan(&periodID); err != nil {
		t.Fatal(err)
	}
	return form, period, periodID
}

// vietnameseDigits writes r, which has at most two decimals, with "."
// between thousands and "," before the decimals, trailing zeros of the
// decimals dropped: the test's own writing, to check reporting's against.
func vietnameseDigits(r *big.Rat) string {
	intPart, frac, _ := strings.Cut(r.FloatString(2), ".")
	var b strings.Builder
	for i := range len(intPart) {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(intPart[i])
	}
	if frac = strings.TrimRight(frac, "0"); frac != "" {
		b.WriteString("," + frac)
	}
	return b.String()
}

// TestProvinceTotalOfMaximalValuesIsExact consolidates 10,000 communes each
// reporting close to the largest count (10^9) and amount (10^15 đồng,
// with cents) a form may accept, some exactly those: the province totals,
// 13 and 21 digits, are the sums computed here with big.Rat, digit for
// digit, in the workbook (the count as a number, the amount as text a
// double could not hold, with a note saying why) and in the PDF.
func TestProvinceTotalOfMaximalValuesIsExact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	const units = 10000
	run := func(sql string, args ...any) {
		t.Helper()
		if _, err := st.Pool().Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	run(fmt.Sprintf(`
		INSERT INTO units (code, active_from) VALUES ('P', '1990-01-01');
		INSERT INTO unit_versions (unit_code, valid_from, name, kind) VALUES ('P', '1990-01-01', 'Tỉnh Thử', 'province');
		INSERT INTO units (code, active_from) SELECT 'C' || lpad(c::text, 5, '0'), '1990-01-01' FROM generate_series(1, %[1]d) c;
		INSERT INTO unit_versions (unit_code, valid_from, name, kind, parent_code)
		SELECT 'C' || lpad(c::text, 5, '0'), '1990-01-01', 'Xã ' || lpad(c::text, 5, '0'), 'commune_pc', 'P'
		FROM generate_series(1, %[1]d) c`, units))
	form, period, _ := openBoundsPeriod(t, st, units)

	// Unit i reports 10^9 − i mod 7 people and 10^15 − (i mod 97)/100
	// đồng, as canonical text, the way uploads store them.
	var (
		codes, counts, amounts []string
		wantCount, wantAmount  = new(big.Rat), new(big.Rat)
		maxCount               = big.NewRat(1_000_000_000, 1)
		maxAmount              = new(big.Rat).SetInt64(1_000_000_000_000_000)
	)
	for i := 1; i <= units; i++ {
		n := new(big.Rat).Sub(maxCount, big.NewRat(int64(i%7), 1))
		a := new(big.Rat).Sub(maxAmount, big.NewRat(int64(i%97), 100))
		codes = append(codes, fmt.Sprintf("C%05d", i))
		counts = append(counts, n.RatString())
		amounts = append(amounts, a.FloatString(2))
		wantCount.Add(wantCount, n)
		wantAmount.Add(wantAmount, a)
	}
	run(`
		WITH s AS (
			INSERT INTO submissions (period_id, unit_code, version, form_version_id, file, sha256, file_name, size, uploaded_at, late)
			SELECT o.period_id, o.unit_code, 1, $2, '\x00', sha256(o.unit_code::bytea), 'bc.xlsx', 1, $3, false
			FROM obligations o JOIN periods p ON p.id = o.period_id
			WHERE p.form_code = 'TH-MAX'
			RETURNING id, unit_code
		)
		INSERT INTO submission_values (submission_id, field_code, num)
		SELECT s.id, f.code, CASE f.code WHEN 'so_nguoi' THEN x.n ELSE x.a END::numeric
		FROM unnest($1::text[], $4::text[], $5::text[]) AS x (unit, n, a)
		JOIN s ON s.unit_code = x.unit
		CROSS JOIN (VALUES ('so_nguoi'), ('tien')) AS f (code)`,
		codes, form.VersionID, period.Deadline.Add(-time.Hour), counts, amounts)

	c, err := st.Consolidate(ctx, store.ConsolidationQuery{FormCode: "TH-MAX", Period: "2025-H1", Scope: reporting.AllUnits, At: reportAt})
	if err != nil {
		t.Fatal(err)
	}
	if c.Total.Reported != units {
		t.Fatalf("%d units reported, want %d", c.Total.Reported, units)
	}
	// The expected totals are as long as the test means them to be.
	countDigits, amountText := wantCount.FloatString(0), wantAmount.FloatString(2)
	if len(countDigits) != 13 || len(strings.Replace(amountText, ".", "", 1)) != 21 {
		t.Fatalf("totals %s and %s: not the lengths this test is about", countDigits, amountText)
	}

	// The workbook: the province's row is the first under the header.
	var buf bytes.Buffer
	if err := xlsx.Write(ctx, &buf, c, xlsx.Options{Now: reportAt, Location: ict}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cell := func(sheet, name string) (string, excelize.CellType) {
		t.Helper()
		v, err := f.GetCellValue(sheet, name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		typ, err := f.GetCellType(sheet, name)
		if err != nil {
			t.Fatal(err)
		}
		return v, typ
	}
	if label, _ := cell("Tổng hợp", "B7"); label != "TỔNG CỘNG TOÀN TỈNH" {
		t.Fatalf("B7 is %q, not the province total", label)
	}
	// 13 digits: a number, exactly the sum.
	if v, typ := cell("Tổng hợp", "D7"); v != countDigits || typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("province count: %q (type %v), want the number %s", v, typ, countDigits)
	}
	// 21 digits: text, every digit.
	wantText := vietnameseDigits(wantAmount)
	if v, typ := cell("Tổng hợp", "E7"); v != wantText || typ != excelize.CellTypeInlineString {
		t.Errorf("province amount: %q (type %v), want the text %q", v, typ, wantText)
	}
	// A unit's own amount has 17 digits: text too.
	if v, _ := cell("Tổng hợp", "E9"); v != vietnameseDigits(new(big.Rat).Sub(maxAmount, big.NewRat(1, 100))) {
		t.Errorf("first commune's amount: %q, want 999.999.999.999.999,99", v)
	}
	if v, typ := cell("So sánh", "D6"); v != wantText || typ != excelize.CellTypeInlineString {
		t.Errorf("comparison of the amount: %q (type %v), want %q", v, typ, wantText)
	}
	rows, err := f.GetRows("Tổng hợp")
	if err != nil {
		t.Fatal(err)
	}
	if last := rows[len(rows)-1]; len(last) == 0 || !strings.Contains(last[0], "hơn 15 chữ số") {
		t.Errorf("no note on long figures under the summary; last row %q", last)
	}

	// The PDF states both totals.
	path := filepath.Join(t.TempDir(), "bao-cao.pdf")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := pdf.Write(ctx, out, c, pdf.Options{Number: "1/BC", Signer: "Người ký", Date: reportAt, Location: ict}); err != nil {
		t.Fatal(err)
	}
	out.Close()
	// The totals are in the report's text, before the appendices of
	// 10,000 units, which pdftotext would take seconds to read.
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatalf("pdftotext is needed (%v): apt-get install -y poppler-utils", err)
	}
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", "-l", "3", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	flat := strings.Join(strings.Fields(string(text)), " ")
	for _, want := range []string{
		"Số người được tiếp: " + vietnameseDigits(wantCount) + " người",
		"Số tiền kiến nghị thu hồi: " + wantText + " đồng",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

// TestStoredNumbersAreHeldToTheLimits: the database takes no number a form
// could not accept (migration 00011), whatever path would store it, and
// keeps the largest exactly.
func TestStoredNumbersAreHeldToTheLimits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	unit := storetest.Unit(t, st, nil)
	form, period, periodID := openBoundsPeriod(t, st, 1)
	version := 0
	for _, tt := range []struct {
		num string
		ok  bool
	}{
		{"1000000000000000", true}, {"-1000000000000000", true}, {"999999999999999.99", true},
		{"1000000000000000.01", false}, {"-1000000000000000.01", false}, {"9" + strings.Repeat("0", 399), false},
		{"1.255", false}, {"Infinity", false}, {"NaN", false},
	} {
		err := st.InTx(ctx, func(tx *store.Store) error {
			_, err := tx.InsertSubmission(ctx, store.NewSubmission{PeriodID: periodID, UnitCode: unit.Code, Version: version + 1,
				FormVersionID: form.VersionID, File: []byte(tt.num), FileName: "bc.xlsx", UploadedAt: period.OpensAt,
				Values: map[string]reporting.Value{"tien": {Raw: tt.num, Num: tt.num}}})
			return err
		})
		var pgErr *pgconn.PgError
		switch {
		case tt.ok && err != nil:
			t.Errorf("%s: %v, want it stored", tt.num, err)
		case tt.ok:
			version++
			var back string
			if err := st.Pool().QueryRow(ctx, `SELECT v.num::text FROM submission_values v JOIN submissions s ON s.id = v.submission_id
				WHERE s.period_id = $1 AND s.version = $2`, periodID, version).Scan(&back); err != nil || back != tt.num {
				t.Errorf("%s stored as %q (%v)", tt.num, back, err)
			}
		case !errors.As(err, &pgErr) || pgErr.ConstraintName != "submission_values_num_bounded":
			t.Errorf("%s: %v, want the bound's check violated", tt.num, err)
		}
	}
}
