package reporting

// LikeForLike is an earlier period regrouped onto the report's units by
// succession — a commune formed in 2025 compared with the communes it was
// formed from — over the units that reported in both periods: a change in
// a total is only a trend over the same territory reporting both times.
type LikeForLike struct {
	// Units counts the report's units compared: they reported now, and
	// every unit of the earlier period they continue (themselves, or
	// their predecessors) reported then.
	Units int
	// Regrouped counts those compared with other units than themselves.
	Regrouped int
	// Partial counts units that reported now but continue some unit that
	// did not report then; New, units that continue none of the earlier
	// period's. Both are left out of the comparison.
	Partial, New int
	// Current and Base are, in Consolidation.Fields order, each summed
	// field's total over the compared units now and then ("" for other
	// fields, and where no compared unit gave the value).
	Current, Base []Decimal
}

// BaselineUnit is one obligation of an earlier period: its unit, whether a
// submission counted, and its values in Consolidation.Fields order.
type BaselineUnit struct {
	Code     string
	Reported bool
	Values   []Decimal
}

// CompareLikeForLike regroups the earlier period's units then onto c's
// units by successions (a unit's code to its successor's, followed through
// several reorganisations; a unit that continues as itself needs none) and
// sums each summed field over the units that reported in both periods.
// A unit split between several successors maps to none of them: its
// figures cannot be divided.
func CompareLikeForLike(c *Consolidation, then []BaselineUnit, successors map[string][]string) *LikeForLike {
	now := make(map[string]int, len(c.Units))
	for i, u := range c.Units {
		now[u.Code] = i
	}
	target := func(code string) (string, bool) {
		for range 10 { // a chain of reorganisations, never a cycle
			if _, ok := now[code]; ok {
				return code, true
			}
			next := successors[code]
			if len(next) != 1 {
				return "", false
			}
			code = next[0]
		}
		return "", false
	}
	preds := map[string][]*BaselineUnit{}
	for i := range then {
		if to, ok := target(then[i].Code); ok {
			preds[to] = append(preds[to], &then[i])
		}
	}
	l := &LikeForLike{Current: make([]Decimal, len(c.Fields)), Base: make([]Decimal, len(c.Fields))}
	for _, u := range c.Units {
		ps := preds[u.Code]
		if !u.Reported() {
			continue
		}
		complete := len(ps) > 0
		for _, p := range ps {
			complete = complete && p.Reported
		}
		switch {
		case len(ps) == 0:
			l.New++
			continue
		case !complete:
			l.Partial++
			continue
		}
		l.Units++
		if len(ps) > 1 || ps[0].Code != u.Code {
			l.Regrouped++
		}
		for fi, f := range c.Fields {
			if f.Aggregate != AggSum || !u.Values[fi].Num.Valid() {
				continue
			}
			var base Decimal
			for _, p := range ps {
				if fi < len(p.Values) && p.Values[fi].Valid() {
					base = addDecimal(base, p.Values[fi])
				}
			}
			if base.Valid() {
				l.Current[fi], l.Base[fi] = addDecimal(l.Current[fi], u.Values[fi].Num), addDecimal(l.Base[fi], base)
			}
		}
	}
	return l
}

// addDecimal adds b to a, a having no value counting as 0.
func addDecimal(a, b Decimal) Decimal {
	if !a.Valid() {
		return b
	}
	return a.Add(b)
}
