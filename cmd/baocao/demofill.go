package main

import (
	"bytes"
	"runtime"
	"sync/atomic"

	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"

	"golang.org/x/sync/errgroup"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/templates"
)

// sampleValues makes plausible values for every field of form that satisfy
// its error rules: values are drawn for the unit (see unitValue), then,
// while a rule fails,
// each of its fields is tried with a few candidates — zero, the other
// fields' values, their percentage ratios, fresh draws — keeping the one
// that leaves the fewest rules failing. A warning still failing at the end
// gets an explanation in its note, as a clerk would write. Values come as a
// spreadsheet holds them (numbers, strings, times), keyed by field code.
func sampleValues(form reporting.Form, rules *reporting.RuleSet, unit string, rng *rand.Rand) (map[string]any, map[string]string) {
	fields := map[string]reporting.Field{}
	cell := map[string]any{}
	for _, f := range form.Fields() {
		fields[f.Code] = f
		cell[f.Code] = unitValue(f, unit, rng)
	}
	errorsFailing := func() []reporting.RuleResult {
		var out []reporting.RuleResult
		for _, r := range rules.Eval(ruleEnv(fields, cell)) {
			if r.Severity != reporting.SeverityWarning {
				out = append(out, r)
			}
		}
		return out
	}
	for range 200 {
		failing := errorsFailing()
		if len(failing) == 0 {
			break
		}
		r := failing[rng.IntN(len(failing))]
		// Keep the best move; among equals pick at random, so that rules
		// needing several fields changed (max(a, b, c) <= d) walk across
		// the plateau instead of stalling.
		type move struct {
			code string
			v    any
		}
		var best []move
		bestScore := len(failing)
		for _, code := range r.Fields {
			old := cell[code]
			for _, c := range candidates(fields[code], r.Fields, cell, rng) {
				cell[code] = c
				switch n := len(errorsFailing()); {
				case n < bestScore:
					best, bestScore = []move{{code, c}}, n
				case n == bestScore:
					best = append(best, move{code, c})
				}
			}
			cell[code] = old
		}
		if len(best) > 0 {
			m := best[rng.IntN(len(best))]
			cell[m.code] = m.v
		}
	}
	notes := map[string]string{}
	for _, r := range rules.Eval(ruleEnv(fields, cell)) {
		if r.Severity == reporting.SeverityWarning {
			notes[r.Field()] = "Số liệu đã được kiểm tra lại; có nguyên nhân cụ thể trong kỳ."
		}
	}
	return cell, notes
}

// candidates are values worth trying for field f when a rule over fields
// fails: what satisfies "a <= b", "a == 0 || …" and "rate = a*100/b" rules.
func candidates(f reporting.Field, fields []string, cell map[string]any, rng *rand.Rand) []any {
	out := []any{drawValue(f, rng), drawValue(f, rng), drawValue(f, rng)}
	num := func(v any) (float64, bool) {
		switch x := v.(type) {
		case int:
			return float64(x), true
		case float64:
			return x, true
		}
		return 0, false
	}
	inRange := func(x float64) bool {
		return (f.Min == nil || x >= *f.Min) && (f.Max == nil || x <= *f.Max)
	}
	add := func(x float64) {
		if !inRange(x) {
			return
		}
		if f.Type == reporting.TypeInt {
			out = append(out, int(math.Round(x)))
		} else {
			out = append(out, math.Round(x*10)/10)
		}
	}
	switch f.Type {
	case reporting.TypeInt, reporting.TypeDecimal, reporting.TypePercent:
		add(0)
		for _, g := range fields {
			if x, ok := num(cell[g]); ok && g != f.Code {
				add(x)
				for _, h := range fields {
					if y, ok := num(cell[h]); ok && h != f.Code && h != g && y > 0 {
						add(x * 100 / y)
					}
				}
			}
		}
	case reporting.TypeChoice:
		for _, c := range f.Choices {
			out = append(out, c)
		}
	}
	return out
}

// unitValue is a field's value for a unit in one period, as real reports
// behave: each unit has its own size for each figure (drawn once, from the
// unit's and the field's codes) that moves by ±10% between periods, and
// mostly gives the same answer to a question; dates and texts are drawn
// afresh.
func unitValue(f reporting.Field, unit string, rng *rand.Rand) any {
	h := fnv.New64a()
	h.Write([]byte(unit + "\x00" + f.Code)) //nolint:errcheck // a hash does not fail
	base := drawValue(f, rand.New(rand.NewPCG(h.Sum64(), 2026)))
	noise := 0.9 + 0.2*rng.Float64()
	clamp := func(x float64) float64 {
		if f.Min != nil {
			x = math.Max(x, *f.Min)
		}
		if f.Max != nil {
			x = math.Min(x, *f.Max)
		}
		return x
	}
	switch b := base.(type) {
	case int:
		return int(clamp(math.Round(float64(b) * noise)))
	case float64:
		return clamp(math.Round(b*noise*10) / 10)
	case string:
		if f.Type == reporting.TypeChoice && rng.Float64() < 0.15 {
			return drawValue(f, rng)
		}
		if f.Type == reporting.TypeChoice {
			return b
		}
	}
	return drawValue(f, rng)
}

// drawValue draws one field's value: small counts, mostly zero for rare
// events, any choice, a date in 2026, short text.
func drawValue(f reporting.Field, rng *rand.Rand) any {
	lo, hi := 0.0, 60.0
	if f.Min != nil {
		lo = *f.Min
	}
	if f.Max != nil {
		hi = *f.Max
	}
	switch f.Type {
	case reporting.TypeInt:
		if f.Unit == "vụ" || f.Unit == "người" && rng.IntN(2) == 0 {
			hi = math.Min(hi, lo+3)
		}
		return int(lo) + rng.IntN(int(math.Min(hi, lo+60)-lo)+1)
	case reporting.TypeDecimal:
		return math.Round((lo+rng.Float64()*math.Min(hi-lo, 5e8))*100) / 100
	case reporting.TypePercent:
		return math.Round((math.Max(lo, 40)+rng.Float64()*(math.Min(hi, 100)-math.Max(lo, 40)))*10) / 10
	case reporting.TypeChoice:
		return f.Choices[rng.IntN(len(f.Choices))]
	case reporting.TypeDate:
		return time.Date(2026, time.Month(1+rng.IntN(6)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
	case reporting.TypeText:
		texts := []string{"Một số thôn chưa niêm yết đầy đủ nội dung công khai.", "Kinh phí cho Ban Thanh tra nhân dân còn hạn chế.",
			"Đề nghị tỉnh tổ chức tập huấn nghiệp vụ cho cán bộ cơ sở.", ""}
		return texts[rng.IntN(len(texts))]
	}
	return nil
}

// ruleEnv converts cell values to what rules evaluate: numbers as float64.
func ruleEnv(fields map[string]reporting.Field, cell map[string]any) map[string]any {
	env := make(map[string]any, len(cell))
	for code, v := range cell {
		switch x := v.(type) {
		case int:
			env[code] = float64(x)
		default:
			env[code] = x
		}
		if s, ok := v.(string); ok && s == "" && fields[code].Type == reporting.TypeText {
			delete(env, code)
		}
	}
	return env
}

// fillDemoSubmissions files reports for the demo's recent periods through
// the real pipeline (signed template, filled workbook, intake): about three
// in four units on time, one in eight late, the rest missing; periods whose
// deadline is still ahead get a third of theirs. Skipped when any
// submission exists, so a second demo run adds nothing.
func (a *app) fillDemoSubmissions(ctx context.Context, st *store.Store, now time.Time, since time.Time) (int, error) {
	var existing int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM submissions`).Scan(&existing); err != nil {
		return 0, fmt.Errorf("count submissions: %w", err)
	}
	if existing > 0 {
		return 0, nil
	}
	rows, err := st.Pool().Query(ctx, `
		SELECT o.period_id, o.unit_code, o.deadline, p.opens_at, p.form_code
		FROM obligations o JOIN periods p ON p.id = o.period_id
		WHERE p.data_to >= $1 AND p.opens_at <= $2
		ORDER BY p.data_to, p.form_code, o.unit_code`, since, now)
	if err != nil {
		return 0, fmt.Errorf("list demo obligations: %w", err)
	}
	type due struct {
		period   int64
		unit     string
		deadline time.Time
		opens    time.Time
		form     string
	}
	var todo []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.period, &d.unit, &d.deadline, &d.opens, &d.form); err != nil {
			rows.Close()
			return 0, fmt.Errorf("list demo obligations: %w", err)
		}
		todo = append(todo, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("list demo obligations: %w", err)
	}

	// Decide every obligation's fate up front with one seeded generator, so
	// the demo is the same on every machine; then file with one worker per
	// core, each with its own clock.
	rng := rand.New(rand.NewPCG(2026, 7))
	type job struct {
		due
		at   time.Time
		seed uint64
	}
	var jobs []job
	for _, d := range todo {
		roll := rng.Float64()
		var at time.Time
		switch {
		case d.deadline.After(now) && roll < 0.67, roll >= 0.88:
			continue // not yet, or missing
		case roll >= 0.75 && d.deadline.Before(now): // late: one to ten days after
			at = d.deadline.Add(time.Duration(1+rng.IntN(10)) * 24 * time.Hour)
		default: // on time: up to ten days before the deadline
			at = d.deadline.Add(-time.Duration(1+rng.IntN(10*24)) * time.Hour)
		}
		if at.Before(d.opens) {
			at = d.opens.Add(time.Hour)
		}
		if at.After(now) {
			at = now
		}
		jobs = append(jobs, job{due: d, at: at, seed: rng.Uint64()})
	}
	ruleSets := map[string]*reporting.RuleSet{}
	forms := map[string]reporting.Form{}
	for _, j := range jobs {
		if _, ok := forms[j.form]; ok {
			continue
		}
		form, err := st.FormByCode(ctx, j.form)
		if err != nil {
			return 0, err
		}
		rs, err := reporting.CompileRules(&form)
		if err != nil {
			return 0, err
		}
		forms[j.form], ruleSets[j.form] = form, rs
	}
	admin, svc := demoActor, a.ops(st)
	var filed, tried atomic.Int64
	m := newMeter(a.errOut, "demo reports", len(jobs), time.Now)
	defer m.Done()
	work := make(chan job)
	g, gctx := errgroup.WithContext(ctx)
	for range runtime.NumCPU() {
		g.Go(func() error {
			for j := range work {
				err := func() error {
					tp, err := svc.Template(gctx, admin, j.at, j.period, j.unit)
					if err != nil {
						return err
					}
					values, notes := sampleValues(forms[j.form], ruleSets[j.form], j.unit, rand.New(rand.NewPCG(j.seed, 1)))
					file, err := templates.FillValues(tp.Data, values, notes)
					if err != nil {
						return err
					}
					if _, err := svc.Submit(gctx, admin, j.at, ops.Upload{FileName: tp.FileName, Body: bytes.NewReader(file)}); err != nil {
						// The sampler could not satisfy the form: leave this
						// unit missing rather than stop the demo.
						a.log.WarnContext(gctx, "demo upload refused", "period", j.period, "unit", j.unit, "err", err)
						return nil
					}
					if n := filed.Add(1); n%200 == 0 {
						a.log.InfoContext(gctx, "demo submissions", "filed", n, "of", len(jobs))
					}
					return nil
				}()
				m.Set(int(tried.Add(1)))
				if err != nil {
					return err
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		defer close(work)
		for _, j := range jobs {
			select {
			case work <- j:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return int(filed.Load()), err
	}
	return int(filed.Load()), nil
}
