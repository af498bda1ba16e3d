package reporting

// LevelCheck sets, in a form whose higher units consolidate their
// children's reports (LevelsConsolidated), a higher unit's own figure for
// a summed field beside the sum of its children's that reported: the
// total adds only the children, so a difference is for an inspector to
// look into (a child that did not report, a figure typed twice).
type LevelCheck struct {
	UnitCode, UnitName string
	Field              Field
	Own, Children      Decimal
	// ChildrenReported of ChildrenObliged gave the children's sum.
	ChildrenReported, ChildrenObliged int
	// Difference is Own − Children.
	Difference Decimal
}

// LevelChecks lists, for a LevelsConsolidated form, every reporting unit
// with children in the report, and each summed field both it and its
// children gave, in Units order; none for other forms.
func (c *Consolidation) LevelChecks() []LevelCheck {
	if c.Form.Levels != LevelsConsolidated {
		return nil
	}
	children := map[string]*Group{}
	for i := range c.Groups {
		if g := &c.Groups[i]; g.Level == LevelParent {
			children[g.ParentCode] = g
		}
	}
	var out []LevelCheck
	for _, u := range c.Units {
		g := children[u.Code]
		if g == nil || !u.Reported() {
			continue
		}
		for i, f := range c.Fields {
			if f.Aggregate != AggSum || !u.Values[i].Num.Valid() || !g.Values[i].Value.Valid() {
				continue
			}
			own, sum := u.Values[i].Num, g.Values[i].Value
			out = append(out, LevelCheck{UnitCode: u.Code, UnitName: u.Name, Field: f, Own: own, Children: sum,
				ChildrenReported: g.Reported, ChildrenObliged: g.Obliged, Difference: own.Sub(sum)})
		}
	}
	return out
}
