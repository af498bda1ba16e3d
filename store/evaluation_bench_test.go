package store_test

import (
	"context"
	"testing"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// BenchmarkEvaluationRound10kUnits measures what opening or recomputing an
// evaluation round does in the database for 10,000 units over a year of
// 12 monthly periods (120,000 obligations with histories): each unit's
// reporting discipline as at a moment (DisciplineOf) and storing the
// 10,000 scorecards (SaveCards), against a baseline over the same
// obligations: the bare count of the year's obligations by status.
// Run: go test -run '^$' -bench EvaluationRound10k -benchtime 5x ./store/
func BenchmarkEvaluationRound10kUnits(b *testing.B) {
	ctx := context.Background()
	st := storetest.Open(b)
	seedCompliance(b, st)
	ten := 10.0
	sc := reporting.Scorecard{Code: "DG-BENCH", Title: "Bench", FromYear: 2026, UnitKinds: []reporting.UnitKind{reporting.KindCommunePC, reporting.KindAgency},
		Forms: []string{"BENCH"}, Sections: []reporting.ScoreSection{{Title: "I", Criteria: []reporting.Criterion{
			{Code: "dung_han", Title: "Đúng hạn", Basis: "x", Max: 10, Discipline: &reporting.DisciplineRule{Measure: reporting.MeasureOnTimeRate,
				Bands: []reporting.Band{{Min: &ten, Points: 10}}}},
			{Code: "tra_lai", Title: "Trả lại", Basis: "x", Max: 5, Discipline: &reporting.DisciplineRule{Measure: reporting.MeasureReturned,
				Bands: []reporting.Band{{Max: new(float64), Points: 5}}}},
		}}},
		Ratings: []reporting.RatingBand{{Label: "Đạt", Min: 50}, {Label: "Chưa đạt", Min: 0}}}
	if _, err := st.SyncShippedScorecards(ctx, []store.ScorecardSource{{Definition: sc, Source: "bench", Checksum: "bench"}}); err != nil {
		b.Fatal(err)
	}
	id, err := st.CreateRound(ctx, store.NewRound{ScorecardCode: "DG-BENCH", Year: 2026, AsAt: benchAt, TreeDay: reporting.Day(2026, 12, 31),
		CommentsUntil: benchAt, OpenedBy: "bench", OpenedAt: benchAt})
	if err != nil {
		b.Fatal(err)
	}
	subjects, err := st.EvaluationSubjects(ctx, sc.UnitKinds, reporting.Day(2026, 12, 31))
	if err != nil || len(subjects) != 10000 {
		b.Fatalf("%d units to evaluate, %v", len(subjects), err)
	}
	var base float64
	b.Run("baseline-year-count", func(b *testing.B) {
		benchQuery(b, st, `
			SELECT obligation_status(o.exempt, o.decision, o.first_submitted_at, o.deadline, $1), count(*)
			FROM obligations o JOIN periods p ON p.id = o.period_id
			WHERE p.form_code = 'BENCH' GROUP BY 1`, benchAt)
		base = float64(perOp(b))
	})
	b.Run("DisciplineOf", func(b *testing.B) {
		for b.Loop() {
			if d, err := st.DisciplineOf(ctx, sc.Forms, 2026, benchAt); err != nil || len(d) != 10000 {
				b.Fatalf("discipline of %d units, %v", len(d), err)
			}
		}
		if base > 0 {
			b.ReportMetric(float64(perOp(b))/base, "x_baseline")
		}
	})
	b.Run("DisciplineOf+Score+SaveCards", func(b *testing.B) {
		for b.Loop() {
			d, err := st.DisciplineOf(ctx, sc.Forms, 2026, benchAt)
			if err != nil || len(d) != 10000 {
				b.Fatalf("discipline of %d units, %v", len(d), err)
			}
			cards := make([]store.EvaluatedCard, len(subjects))
			for i, e := range subjects {
				cards[i] = store.EvaluatedCard{Code: e.Code, VersionID: e.VersionID, Card: sc.Score(d[e.Code], nil, nil)}
			}
			if err := st.SaveCards(ctx, id, cards); err != nil {
				b.Fatal(err)
			}
		}
		if base > 0 {
			b.ReportMetric(float64(perOp(b))/base, "x_baseline")
		}
		b.ReportMetric(float64(perOp(b).Milliseconds()), "ms/op")
	})
}
