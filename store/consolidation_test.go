package store_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"baocao/ops"
	"baocao/reporting"
	"baocao/reporting/pdf"
	"baocao/reporting/xlsx"
	"baocao/store"
	"baocao/store/storetest"
)

var (
	ict = time.FixedZone("ICT", 7*3600)
	// reportAt is when the reports are made: after every seeded upload.
	reportAt = time.Date(2026, time.July, 1, 8, 0, 0, 0, ict)
)

// consolidationForm has one field per aggregation rule.
var consolidationForm = reporting.Form{
	Code: "TH-TEST", Title: "Báo cáo thử tổng hợp dân chủ ở cơ sở",
	UnitKinds: []reporting.UnitKind{reporting.KindDistrictPC, reporting.KindCommunePC},
	Sections: []reporting.Section{
		{Title: "I. Ban Thanh tra nhân dân", Fields: []reporting.Field{
			{Code: "so_cuoc", Label: "Số cuộc giám sát", Type: reporting.TypeInt, Unit: "cuộc", Aggregate: reporting.AggSum},
			{Code: "tien", Label: "Số tiền kiến nghị thu hồi", Type: reporting.TypeDecimal, Unit: "đồng", Aggregate: reporting.AggSum},
			{Code: "ty_le", Label: "Tỷ lệ nội dung đã công khai", Type: reporting.TypePercent, Unit: "%", Aggregate: reporting.AggAvg},
			{Code: "it_nhat", Label: "Số thôn ít nhất", Type: reporting.TypeInt, Unit: "thôn", Aggregate: reporting.AggMin},
			{Code: "nhieu_nhat", Label: "Số thôn nhiều nhất", Type: reporting.TypeInt, Unit: "thôn", Aggregate: reporting.AggMax},
		}},
		{Title: "II. Đánh giá", Fields: []reporting.Field{
			{Code: "danh_gia", Label: "Tự đánh giá", Type: reporting.TypeChoice, Choices: []string{"Tốt", "Khá", "Trung bình", "Yếu"}, Aggregate: reporting.AggCount},
			{Code: "ngay", Label: "Ngày hội nghị", Type: reporting.TypeDate, Aggregate: reporting.AggNone},
			{Code: "kho_khan", Label: "Khó khăn, vướng mắc", Type: reporting.TypeText, Aggregate: reporting.AggNone},
		}},
	},
}

// injection is what a clerk typed into a text field.
const injection = `=HYPERLINK("http://evil.example","Bấm vào")`

// nfdTanPhu is a commune's old name as a Mac keyboard gives it.
var nfdTanPhu = norm.NFD.String("Phường Tân Phú")

// h1 opens H1 2025 (data 15/12/2024–14/6/2025, due 17/6/2025) with the
// periods before it and a day in 2026, under the province's two trees.
type seeded struct {
	st                           *store.Store
	h1, h2Prev, h1Prev, h1New    int64
	deadline                     time.Time
	reviewer                     string
	returnedOnly, missingCommune string
	formVersionID                int64
	periodOf                     map[string]int64
}

func half(key, label string, from, to time.Time) reporting.Period {
	deadline := time.Date(to.Year(), to.Month(), to.Day()+3, 23, 59, 59, 0, ict)
	return reporting.Period{
		Periodicity: reporting.HalfYear, Key: key, Label: label, DataFrom: from, DataTo: to,
		OpensAt: time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, ict), Deadline: deadline, LocksAt: deadline.AddDate(0, 0, 30),
	}
}

func seedConsolidation(t *testing.T) *seeded {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := st.Pool().Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	// The tree before the 2025 reform: districts over communes. Tân Phú
	// lives on from 1/7/2025 as Bình Phước, directly under the province.
	exec(`
		INSERT INTO units (code, active_from, active_until) VALUES
		  ('75', '2020-01-01', NULL), ('731', '2020-01-01', '2025-06-30'), ('732', '2020-01-01', '2025-06-30'),
		  ('25195', '2020-01-01', NULL), ('25198', '2020-01-01', '2025-06-30'), ('25210', '2020-01-01', '2025-06-30'),
		  ('25213', '2020-01-01', '2025-06-30'), ('25216', '2020-01-01', '2025-06-30')`)
	exec(`
		INSERT INTO unit_versions (unit_code, valid_from, valid_until, name, kind, parent_code) VALUES
		  ('75', '2020-01-01', NULL, 'Tỉnh Đồng Nai', 'province', NULL),
		  ('731', '2020-01-01', '2025-06-30', 'Thành phố Đồng Xoài', 'district_pc', '75'),
		  ('732', '2020-01-01', '2025-06-30', 'Huyện Đồng Phú', 'district_pc', '75'),
		  ('25195', '2020-01-01', '2025-06-30', $1, 'commune_pc', '731'),
		  ('25195', '2025-07-01', NULL, 'Phường Bình Phước', 'commune_pc', '75'),
		  ('25198', '2020-01-01', '2025-06-30', 'Phường Tân Bình', 'commune_pc', '731'),
		  ('25210', '2020-01-01', '2025-06-30', 'Xã Tân Lập', 'commune_pc', '732'),
		  ('25213', '2020-01-01', '2025-06-30', 'Xã Thuận Lợi', 'commune_pc', '732'),
		  ('25216', '2020-01-01', '2025-06-30', 'Xã Đồng Tâm', 'commune_pc', '732')`, nfdTanPhu)

	synced, err := st.SyncForms(ctx, []store.FormSource{{Definition: consolidationForm, Source: "# test", Checksum: "test-1"}})
	if err != nil {
		t.Fatal(err)
	}
	form := consolidationForm
	form.VersionID = synced[0].VersionID
	periods := []reporting.Period{
		half("2024-H1", "6 tháng đầu năm 2024", reporting.Day(2023, 12, 15), reporting.Day(2024, 6, 14)),
		half("2024-H2", "6 tháng cuối năm 2024", reporting.Day(2024, 6, 15), reporting.Day(2024, 12, 14)),
		half("2025-H1", "6 tháng đầu năm 2025", reporting.Day(2024, 12, 15), reporting.Day(2025, 6, 14)),
		half("2026-H1", "6 tháng đầu năm 2026", reporting.Day(2025, 12, 15), reporting.Day(2026, 6, 14)),
	}
	if _, err := st.OpenPeriods(ctx, form, periods); err != nil {
		t.Fatal(err)
	}
	s := &seeded{st: st, formVersionID: form.VersionID, periodOf: map[string]int64{}, deadline: periods[2].Deadline,
		reviewer: "Nguyễn Thị Kiểm", returnedOnly: "25198", missingCommune: "25216"}
	rows, err := st.Pool().Query(ctx, `SELECT key, id FROM periods WHERE form_code = 'TH-TEST'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var key string
		var id int64
		if err := rows.Scan(&key, &id); err != nil {
			t.Fatal(err)
		}
		s.periodOf[key] = id
	}
	s.h1, s.h2Prev, s.h1Prev, s.h1New = s.periodOf["2025-H1"], s.periodOf["2024-H2"], s.periodOf["2024-H1"], s.periodOf["2026-H1"]

	reviewer := storetest.User(t, st, &storetest.UserOpts{Role: reporting.RoleInspector, Email: "kiem.tra@example.vn", Name: s.reviewer})
	onTime, late := s.deadline.Add(-48*time.Hour), time.Date(2025, 6, 19, 10, 0, 0, 0, ict)
	v := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	// Reviews come the day after the deadline, through the action.
	svc := storetest.Ops(st, ict)
	review := func(sub int64, d reporting.Decision) {
		t.Helper()
		reason := map[reporting.Decision]string{reporting.DecisionReturned: "Số liệu chưa khớp"}[d]
		if _, err := svc.Review(ctx, reviewer, s.deadline.Add(24*time.Hour), ops.ReviewInput{SubmissionID: sub, Decision: d, Reason: reason}); err != nil {
			t.Fatalf("review submission %d: %v", sub, err)
		}
	}
	accepted, returned := reporting.DecisionAccepted, reporting.DecisionReturned
	// H1 2025.
	review(s.submit(t, s.h1, "731", 1, onTime, v("so_cuoc", "3", "tien", "2500000000.75", "ty_le", "100", "it_nhat", "5", "nhieu_nhat", "5", "danh_gia", "Tốt")), accepted)
	s.submit(t, s.h1, "732", 1, onTime, v("so_cuoc", "2", "tien", "0.25", "it_nhat", "7", "nhieu_nhat", "7", "danh_gia", "Khá"))
	s.submit(t, s.h1, "25195", 1, late, v("so_cuoc", "10", "tien", "1234567.5", "ty_le", "95", "it_nhat", "3", "nhieu_nhat", "12",
		"danh_gia", "Khá", "ngay", "2025-03-05", "kho_khan", injection))
	review(s.submit(t, s.h1, "25198", 1, onTime, v("so_cuoc", "500", "danh_gia", "Yếu")), returned)
	s.submit(t, s.h1, "25210", 1, onTime, v("so_cuoc", "4", "tien", "1000000.5", "ty_le", "80", "it_nhat", "4", "nhieu_nhat", "9",
		"danh_gia", "Tốt", "kho_khan", "+cộng -trừ @gọi"))
	review(s.submit(t, s.h1, "25210", 2, onTime.Add(time.Hour), v("so_cuoc", "999", "tien", "999", "ty_le", "1", "danh_gia", "Yếu")), returned)
	review(s.submit(t, s.h1, "25213", 1, onTime, v("so_cuoc", "6", "tien", "0", "ty_le", "90", "it_nhat", "6", "nhieu_nhat", "6", "danh_gia", "Trung bình")), accepted)
	// The periods to compare with, and the new tree's.
	s.submit(t, s.h2Prev, "25195", 1, onTime.AddDate(0, -6, 0), v("so_cuoc", "8"))
	s.submit(t, s.h2Prev, "25210", 1, onTime.AddDate(0, -6, 0), v("so_cuoc", "2"))
	s.submit(t, s.h1Prev, "25213", 1, onTime.AddDate(-1, 0, 0), v("so_cuoc", "0"))
	s.submit(t, s.h1New, "25195", 1, onTime.AddDate(1, 0, 0), v("so_cuoc", "7"))
	return s
}

// submit stores version `version` of unit's report for period, uploaded
// at `at`, with values typed by the form's fields, as an upload does:
// through the store, with its history event, the obligation locked.
func (s *seeded) submit(t *testing.T, period int64, unit string, version int, at time.Time, values map[string]string) int64 {
	t.Helper()
	ctx := context.Background()
	typed := map[string]reporting.Value{}
	for code, val := range values {
		f, ok := consolidationForm.Field(code)
		if !ok {
			t.Fatalf("no field %s", code)
		}
		switch f.Type {
		case reporting.TypeChoice, reporting.TypeText:
			typed[code] = reporting.Value{Raw: val, Text: val}
		case reporting.TypeDate:
			d, err := time.Parse(time.DateOnly, val)
			if err != nil {
				t.Fatal(err)
			}
			typed[code] = reporting.Value{Raw: val, Date: &d}
		default:
			typed[code] = reporting.Value{Raw: val, Num: val}
		}
	}
	var sub store.Submission
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		o, err := tx.LockObligation(ctx, period, unit)
		if err != nil {
			return err
		}
		if o.LatestVersion+1 != version {
			return fmt.Errorf("version %d after version %d", version, o.LatestVersion)
		}
		late := at.After(o.Facts.Deadline)
		sub, err = tx.InsertSubmission(ctx, store.NewSubmission{PeriodID: period, UnitCode: unit, Version: version,
			FormVersionID: s.formVersionID, File: fmt.Appendf(nil, "%s/%d", unit, version), FileName: "bao-cao.xlsx",
			UploadedAt: at, Late: late, Values: typed})
		if err != nil {
			return err
		}
		return tx.RecordEvents(ctx, []store.ObligationEvent{{PeriodID: period, UnitCode: unit, Event: reporting.Event{
			At: at, Kind: reporting.EventUploaded, Actor: "test", SubmissionID: sub.ID, Version: version, Late: late}}})
	})
	if err != nil {
		t.Fatalf("submit %s v%d: %v", unit, version, err)
	}
	return sub.ID
}

// figures is a group's aggregates as text: so_cuoc, tien, ty_le, it_nhat,
// nhieu_nhat, choice counts, reported/obliged.
func figures(g *reporting.Group) string {
	if g == nil {
		return "<no group>"
	}
	v := g.Values
	return fmt.Sprintf("%s %s %s %s %s %v %d/%d", v[0].Value, v[1].Value, v[2].Value, v[3].Value, v[4].Value, v[5].Choices, g.Reported, g.Obliged)
}

func TestConsolidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := seedConsolidation(t)
	c, err := s.st.Consolidate(ctx, store.ConsolidationQuery{FormCode: "TH-TEST", Period: "2025-H1", Scope: reporting.AllUnits, At: reportAt})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("aggregates by the field's rule, without units that did not report", func(t *testing.T) {
		t.Parallel()
		// Every group in tree order, then the province, summed by hand
		// from the versions seedConsolidation stores: so_cuoc, tien,
		// ty_le (average), it_nhat (minimum), nhieu_nhat (maximum), the
		// danh_gia answers (Tốt, Khá, Trung bình, Yếu), reported/obliged.
		want := []string{
			// Đồng Xoài 3, 2500000000.75, 100, 5, 5, Tốt; Đồng Phú 2,
			// 0.25, no rate (the average is Đồng Xoài's), 7, 7, Khá.
			"kind UBND cấp huyện: 5 2500000001 100 5 7 [1 1 0 0] 2/2",
			"parent Tỉnh Đồng Nai: 5 2500000001 100 5 7 [1 1 0 0] 2/2",
			"kind UBND cấp xã: 20 2234568 88.3333 3 12 [1 1 1 0] 3/5",
			// Parents by name: Huyện before Thành phố.
			// Tân Lập's version 1 (4, 1000000.5, 80, 4, 9, Tốt; its
			// version 2 was returned) and Thuận Lợi (6, 0, 90, 6, 6, Trung
			// bình); Đồng Tâm sent nothing and is left out of the average.
			"parent Huyện Đồng Phú: 10 1000000.5 85 4 9 [1 0 1 0] 2/3",
			// Tân Phú only (10, 1234567.5, 95, 3, 12, Khá): Tân Bình's
			// only version was returned.
			"parent Thành phố Đồng Xoài: 10 1234567.5 95 3 12 [0 1 0 0] 1/2",
			// (100+95+80+90)/4 = 91.25.
			"province TỔNG CỘNG TOÀN TỈNH: 25 2502234569 91.25 3 12 [2 2 1 0] 5/7",
		}
		var got []string
		for _, g := range append(slices.Clone(c.Groups), c.Total) {
			got = append(got, fmt.Sprintf("%s %s: %s", g.Level, g.Label(), figures(&g)))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("groups:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})

	t.Run("units as their obligations recorded them", func(t *testing.T) {
		t.Parallel()
		var got []string
		for _, u := range c.Units {
			line := fmt.Sprintf("%s %s <%s> %s v%d", u.Code, u.Name, u.ParentName, u.Status, u.CountedVersion)
			if !u.Reported() {
				line += " " + reporting.NotReported
			}
			got = append(got, line)
		}
		// By kind, parent name, unit name in the Vietnamese alphabet: Đ
		// after D and before T.
		want := []string{
			"732 Huyện Đồng Phú <Tỉnh Đồng Nai> submitted v1",
			"731 Thành phố Đồng Xoài <Tỉnh Đồng Nai> accepted v1",
			"25216 Xã Đồng Tâm <Huyện Đồng Phú> missing v0 " + reporting.NotReported,
			"25210 Xã Tân Lập <Huyện Đồng Phú> returned v1",
			"25213 Xã Thuận Lợi <Huyện Đồng Phú> accepted v1",
			"25198 Phường Tân Bình <Thành phố Đồng Xoài> returned v0 " + reporting.NotReported,
			"25195 " + nfdTanPhu + " <Thành phố Đồng Xoài> late v1",
		}
		if !slices.Equal(got, want) {
			t.Fatalf("units:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		tanPhu := c.Units[6]
		if tanPhu.Values[c.FieldIndex("kho_khan")].Text != injection || !tanPhu.Values[c.FieldIndex("ngay")].Day.Equal(reporting.Day(2025, 3, 5)) {
			t.Errorf("Tân Phú's text and date: %+v", tanPhu.Values)
		}
		if tanPhu.DaysLate(time.Now()) != 2 || c.Units[1].Reviewer != s.reviewer || c.Units[1].ReviewDecision != reporting.DecisionAccepted {
			t.Errorf("Tân Phú %d days late, Đồng Xoài reviewed by %q (%s)", tanPhu.DaysLate(time.Now()), c.Units[1].Reviewer, c.Units[1].ReviewDecision)
		}
	})

	t.Run("compared with the previous period and a year earlier", func(t *testing.T) {
		t.Parallel()
		if c.Previous == nil || c.Previous.Key != "2024-H2" || c.YearAgo == nil || c.YearAgo.Key != "2024-H1" {
			t.Fatalf("baselines %+v, %+v", c.Previous, c.YearAgo)
		}
		// so_cuoc over the units that reported both times: against
		// 2024-H2, Tân Phú 10 and Tân Lập 4 now, 8 and 2 then (the others
		// did not report then); against 2024-H1, Thuận Lợi 6 now, 0 then.
		got := c.Comparisons()[0]
		if got.Previous != (reporting.Change{Base: "10", Delta: "4", Percent: "40", Compared: true, Now: "14"}) ||
			got.YearAgo != (reporting.Change{Base: "0", Delta: "6", Compared: true, Now: "6"}) {
			t.Fatalf("so_cuoc comparison %+v", got)
		}
		if got := c.Comparisons()[2]; got.Previous != (reporting.Change{}) { // nobody gave a rate before
			t.Fatalf("ty_le against a period without it: %+v", got.Previous)
		}
	})

	t.Run("compliance counts the statuses", func(t *testing.T) {
		t.Parallel()
		got := c.Compliance()
		byStatus := statusCounts(t, s.st, s.h1)
		if fmt.Sprint(got.ByStatus) != fmt.Sprint(byStatus) || got.OnTime != 5 || got.Late != 1 || got.NotSent != 1 || got.Reported != 5 {
			t.Fatalf("compliance %+v; statuses in the database %v", got, byStatus)
		}
	})
}

// statusCounts counts the obligations of period by their status at
// reportAt under the Go rule (reporting.StatusAt) over each one's history.
func statusCounts(t *testing.T, st *store.Store, period int64) map[reporting.Status]int {
	t.Helper()
	ctx := context.Background()
	rows, err := st.Pool().Query(ctx, `SELECT unit_code FROM obligations WHERE period_id = $1`, period)
	if err != nil {
		t.Fatal(err)
	}
	units, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[reporting.Status]int{}
	for _, u := range units {
		events, err := st.ObligationHistory(ctx, period, u)
		if err != nil {
			t.Fatal(err)
		}
		if status, ok := reporting.StatusAt(events, reportAt); ok {
			out[status]++
		}
	}
	return out
}

func TestConsolidationOptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := seedConsolidation(t)
	for _, tc := range []struct {
		name string
		q    store.ConsolidationQuery
		want string // province total
	}{
		// Before Tân Phú's late report came on 19/6: not counted yet. The
		// returns made late on 18/6 are in force: Tân Bình's version and
		// Tân Lập's second do not count (its first does).
		{"as at 19/6/2025, morning", store.ConsolidationQuery{Period: "2025-H1", Scope: reporting.AllUnits, At: time.Date(2025, 6, 19, 8, 0, 0, 0, ict)},
			"15 2501000001.5 90 4 9 [2 1 1 0] 4/7"},
		// Before those returns, the versions they returned still count.
		{"as at 18/6/2025, before the returns", store.ConsolidationQuery{Period: "2025-H1", Scope: reporting.AllUnits, At: time.Date(2025, 6, 18, 12, 0, 0, 0, ict)},
			"1510 2500001000 63.6667 5 7 [1 1 1 2] 5/7"},
		{"accepted only", store.ConsolidationQuery{Period: "2025-H1", AcceptedOnly: true, Scope: reporting.AllUnits, At: reportAt},
			"9 2500000000.75 95 5 6 [1 0 1 0] 2/7"},
		{"a supervisor's subtree", store.ConsolidationQuery{Period: "2025-H1", Scope: reporting.UnitScope{Codes: []string{"732", "25210", "25213", "25216"}}, At: reportAt},
			"12 1000000.75 85 4 9 [1 1 1 0] 3/4"},
		// Đồng Phú's subtree as the 2025 tree drew it: itself and its
		// communes.
		{"a supervisor's subtree by its root", store.ConsolidationQuery{Period: "2025-H1", Scope: reporting.UnitScope{Subtree: "732"}, At: reportAt},
			"12 1000000.75 85 4 9 [1 1 1 0] 3/4"},
		{"by period id", store.ConsolidationQuery{Period: fmt.Sprint(s.h1), Scope: reporting.AllUnits, At: reportAt},
			"25 2502234569 91.25 3 12 [2 2 1 0] 5/7"},
		// After the reform Tân Phú is Bình Phước, under the province.
		{"the new tree", store.ConsolidationQuery{Period: "2026-H1", Scope: reporting.AllUnits, At: reportAt},
			"7     [0 0 0 0] 1/1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.q.FormCode = "TH-TEST"
			c, err := s.st.Consolidate(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := figures(&c.Total); got != tc.want {
				t.Fatalf("province %s, want %s", got, tc.want)
			}
		})
	}
	c, err := s.st.Consolidate(ctx, store.ConsolidationQuery{FormCode: "TH-TEST", Period: "2026-H1", Scope: reporting.AllUnits, At: reportAt})
	if err != nil {
		t.Fatal(err)
	}
	if u := c.Units[0]; u.Name != "Phường Bình Phước" || u.ParentName != "Tỉnh Đồng Nai" || c.Groups[1].ParentCode != "75" {
		t.Fatalf("2026 unit %s under %s, group %+v", u.Name, u.ParentName, c.Groups[1])
	}
	// Across the reform, 2025-H1's seven units share one code with 2026-H1's
	// one; that unit (Tân Phú, now Bình Phước) reported both times: the
	// change is its own, 7 against 10, not 7 against the seven units' 25.
	if p := c.Previous; p == nil || p.Key != "2025-H1" || p.Total.Obliged != 7 || p.Shared != 1 || c.Match(p) != reporting.OtherUnits {
		t.Fatalf("2026-H1's previous period %+v", p)
	}
	if got := c.Comparisons()[0].Previous; got != (reporting.Change{Base: "10", Delta: "-3", Percent: "-30", Compared: true, Now: "7"}) {
		t.Fatalf("so_cuoc against 2025-H1: %+v, want Bình Phước's own change", got)
	}
	if notes := c.BaselineNotes(); len(notes) != 1 || !strings.Contains(notes[0], "5/7 đơn vị đã báo cáo; kỳ này 1/1") ||
		!strings.Contains(notes[0], "trên 1 đơn vị có báo cáo ở cả hai kỳ") {
		t.Fatalf("notes %q", notes)
	}
	// Before it, the same seven units: compared, nothing to note but the
	// counts.
	c, err = s.st.Consolidate(ctx, store.ConsolidationQuery{FormCode: "TH-TEST", Period: "2025-H1", Scope: reporting.AllUnits, At: reportAt})
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Previous; p == nil || p.Shared != 7 || c.Match(p) != reporting.SameUnits || c.Match(c.YearAgo) != reporting.SameUnits {
		t.Fatalf("2025-H1's previous period %+v", p)
	}
	for _, q := range []store.ConsolidationQuery{
		{FormCode: "TH-TEST", Period: "2031-H1", Scope: reporting.AllUnits, At: reportAt},
		{FormCode: "TH-TEST", Period: "2025-H1", At: reportAt}, // no scope: nothing to see
	} {
		if _, err := s.st.Consolidate(ctx, q); reporting.ErrorCode(err) == reporting.EINTERNAL {
			t.Errorf("%+v: %v, want a user error", q, err)
		}
	}
}

// TestConsolidatedWorkbook reads the generated workbook back: every total,
// subtotal and average is the hand computation of the seeded values, units
// that did not report show as such, the compliance sheet matches the
// statuses the history gives, and user text is inert.
func TestConsolidatedWorkbook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := seedConsolidation(t)
	c, err := s.st.Consolidate(ctx, store.ConsolidationQuery{FormCode: "TH-TEST", Period: "2025-H1", Scope: reporting.AllUnits, At: reportAt})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	now := time.Date(2025, 6, 25, 8, 0, 0, 0, ict)
	if err := xlsx.Write(ctx, &buf, c, xlsx.Options{Now: now, Location: ict}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	raw := excelize.Options{RawCellValue: true}

	// Columns: STT, unit, reported; so_cuoc, tien, ty_le, it_nhat,
	// nhieu_nhat, danh_gia (the answer; on total rows how many answered),
	// ngay (a serial day).
	march5 := fmt.Sprint(int(reporting.Day(2025, 3, 5).Sub(reporting.Day(1899, 12, 30)).Hours() / 24))
	want := [][]string{
		{"", "TỔNG CỘNG TOÀN TỈNH", "5/7", "25", "2502234569", "91.25", "3", "12", "5", ""},
		{"I", "UBND cấp huyện", "2/2", "5", "2500000001", "100", "5", "7", "2", ""},
		{"1", "Huyện Đồng Phú", "", "2", "0.25", "", "7", "7", "Khá", ""},
		{"2", "Thành phố Đồng Xoài", "", "3", "2500000000.75", "100", "5", "5", "Tốt", ""},
		{"II", "UBND cấp xã", "3/5", "20", "2234568", "88.3333", "3", "12", "3", ""},
		{"", "Huyện Đồng Phú", "2/3", "10", "1000000.5", "85", "4", "9", "2", ""},
		{"1", "Xã Đồng Tâm", reporting.NotReported, "", "", "", "", "", "", ""},
		{"2", "Xã Tân Lập", "", "4", "1000000.5", "80", "4", "9", "Tốt", ""},
		{"3", "Xã Thuận Lợi", "", "6", "0", "90", "6", "6", "Trung bình", ""},
		{"", "Thành phố Đồng Xoài", "1/2", "10", "1234567.5", "95", "3", "12", "1", ""},
		{"4", "Phường Tân Bình", reporting.NotReported, "", "", "", "", "", "", ""},
		{"5", nfdTanPhu, "", "10", "1234567.5", "95", "3", "12", "Khá", march5},
	}
	rows, err := f.GetRows("Tổng hợp", raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6+len(want) {
		t.Fatalf("summary has %d rows, want 6 header rows and %d", len(rows), len(want))
	}
	for i, w := range want {
		got := pad(rows[6+i], len(w))
		if !slices.Equal(got, w) {
			t.Errorf("summary row %d:\n got %q\nwant %q", 7+i, got, w)
		}
	}

	// Answers counted per choice (Tốt, Khá, Trung bình, Yếu) per group.
	choices, err := f.GetRows("Thống kê lựa chọn", raw)
	if err != nil {
		t.Fatal(err)
	}
	wantChoices := [][]string{
		{"", "TỔNG CỘNG TOÀN TỈNH", "5/7", "2", "2", "1", "0"},
		{"I", "UBND cấp huyện", "2/2", "1", "1", "0", "0"},
		{"II", "UBND cấp xã", "3/5", "1", "1", "1", "0"},
		{"", "Huyện Đồng Phú", "2/3", "1", "0", "1", "0"},
		{"", "Thành phố Đồng Xoài", "1/2", "0", "1", "0", "0"},
	}
	if len(choices) != 4+len(wantChoices) {
		t.Fatalf("choice sheet has %d rows", len(choices))
	}
	for i, w := range wantChoices {
		if got := pad(choices[4+i], len(w)); !slices.Equal(got, w) {
			t.Errorf("choice row %d:\n got %q\nwant %q", 5+i, got, w)
		}
	}

	// Compliance: one row per obligation, statuses as the history gives them.
	comp, err := f.GetRows("Tình hình nộp báo cáo", raw)
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]int{}
	for _, r := range comp[4:] {
		labels[pad(r, 16)[5]]++
		if pad(r, 16)[1] == "25195" && (pad(r, 16)[10] != "2" || pad(r, 16)[11] != "1") {
			t.Errorf("Tân Phú: %q, want 2 days late and version 1 counted", r)
		}
		if pad(r, 16)[1] == "731" && (r[12] != s.reviewer || r[13] != reporting.DecisionAccepted.Label()) {
			t.Errorf("Đồng Xoài's review: %q", r)
		}
	}
	wantLabels := map[string]int{}
	for status, n := range statusCounts(t, s.st, s.h1) {
		wantLabels[status.Label()] += n
	}
	if fmt.Sprint(labels) != fmt.Sprint(wantLabels) {
		t.Errorf("compliance sheet statuses %v, database %v", labels, wantLabels)
	}
	pc, err := s.st.PeriodCompliance(ctx, s.h1, reportAt, reporting.AllUnits)
	if err != nil {
		t.Fatal(err)
	}
	n := pc.Total
	fromQuery := map[string]int{}
	for status, count := range map[reporting.Status]int{
		reporting.StatusPending: n.Pending, reporting.StatusSubmitted: n.Submitted, reporting.StatusLate: n.Late,
		reporting.StatusMissing: n.Missing, reporting.StatusReturned: n.Returned, reporting.StatusAccepted: n.Accepted,
		reporting.StatusExempt: n.Exempt,
	} {
		if count > 0 {
			fromQuery[status.Label()] = count
		}
	}
	if fmt.Sprint(labels) != fmt.Sprint(fromQuery) {
		t.Errorf("compliance sheet statuses %v, compliance query %v", labels, fromQuery)
	}

	// Still missing: the returned-only and the silent commune.
	var missing []string
	miss, _ := f.GetRows("Đơn vị chưa nộp", raw)
	for _, r := range miss[4:] {
		missing = append(missing, r[1])
	}
	if !slices.Equal(missing, []string{s.missingCommune, s.returnedOnly}) {
		t.Errorf("missing units %q", missing)
	}

	// Comparison of so_cuoc: 25 in all; over the units that reported both
	// times 10 then and 14 now (+4, 40%), and 0 then and 6 now (+6, no %).
	cmp, _ := f.GetRows("So sánh", raw)
	if got := pad(cmp[4], 12)[3:]; !slices.Equal(got, []string{"25", "10", "14", "4", "40", "0", "6", "6", ""}) {
		t.Errorf("so_cuoc comparison %q", got)
	}
	// Under the table, after a blank row, how many units reported then and
	// now.
	notes := c.BaselineNotes()
	if len(notes) != 2 || len(cmp) < 2+len(notes) {
		t.Fatalf("notes %q, comparison sheet of %d rows", notes, len(cmp))
	}
	for i, note := range notes {
		if r := cmp[len(cmp)-len(notes)+i]; len(r) == 0 || r[0] != note || !strings.Contains(note, "đơn vị đã báo cáo; kỳ này 5/7.") {
			t.Errorf("note row %d: %q, want %q", i, r, note)
		}
	}
	if r := cmp[len(cmp)-len(notes)-1]; len(r) != 0 {
		t.Errorf("no blank row before the notes: %q", r)
	}

	// The clerk's formula is a string cell.
	texts, _ := f.GetRows("Ý kiến của đơn vị", raw)
	found := false
	for i, r := range texts {
		if len(r) > 4 && r[4] == injection {
			found = true
			cell, _ := excelize.CoordinatesToCellName(5, i+1)
			formula, _ := f.GetCellFormula("Ý kiến của đơn vị", cell)
			typ, _ := f.GetCellType("Ý kiến của đơn vị", cell)
			if formula != "" || typ != excelize.CellTypeInlineString {
				t.Errorf("%s: formula %q, type %v", cell, formula, typ)
			}
		}
	}
	if !found {
		t.Error("the injected text is not in the free-text sheet")
	}
}

func pad(row []string, n int) []string {
	out := make([]string, n)
	copy(out, row)
	return out
}

// pdfText is the text of the PDF at path, as poppler's pdftotext extracts
// it. Without pdftotext the test fails, naming the Debian package
// (.ci/test installs it): skipping would pass with nothing checked.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext is needed (%v): apt-get install -y poppler-utils (.ci/test installs it)", err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

// TestConsolidatedReportPDF extracts the PDF's text: title, names with
// their diacritics (the NFD name comes out NFC), totals and changes.
func TestConsolidatedReportPDF(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := seedConsolidation(t)
	c, err := s.st.Consolidate(ctx, store.ConsolidationQuery{FormCode: "TH-TEST", Period: "2025-H1", Scope: reporting.AllUnits, At: reportAt})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bao-cao.pdf")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	opts := pdf.Options{Number: "15/BC-UBND", Signer: "Trần Văn Hưng", Date: time.Date(2025, 7, 2, 9, 0, 0, 0, ict), Location: ict}
	if err := pdf.Write(ctx, out, c, opts); err != nil {
		t.Fatal(err)
	}
	out.Close()
	text := pdfText(t, path)
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{
		"BÁO CÁO", "Kết quả thực hiện dân chủ ở cơ sở 6 tháng đầu năm 2025", "TỈNH ĐỒNG NAI",
		"Đồng Nai, ngày 02 tháng 7 năm 2025", "Số: 15/BC-UBND",
		"có 7 đơn vị phải gửi báo cáo", "5 đơn vị gửi báo cáo đúng hạn (đạt 71,4%), 1 đơn vị gửi muộn, 1 đơn vị chưa gửi báo cáo",
		"Số cuộc giám sát: 25 cuộc, tăng 4 cuộc (+40%) so với kỳ trước (trên các đơn vị có báo cáo ở cả hai kỳ), tăng 6 cuộc so với cùng kỳ năm trước (trên các đơn vị có báo cáo ở cả hai kỳ)",
		"Số tiền kiến nghị thu hồi: 2.502.234.569 đồng",
		"Tỷ lệ nội dung đã công khai: bình quân 91,3%",
		"Tự đánh giá: Tốt 2 đơn vị, Khá 2 đơn vị, Trung bình 1 đơn vị, Yếu 0 đơn vị",
		"Phường Tân Phú", "Xã Đồng Tâm", "Thành phố Đồng Xoài", "Huyện Đồng Phú", "Trần Văn Hưng",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if strings.Contains(text, nfdTanPhu) {
		t.Error("the NFD name came out decomposed")
	}
}
