package reporting

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"
)

// This file holds the data-quality signals of a submission: figures a
// reviewer should look at twice, never a reason to refuse an upload (the
// form's rules do that). Four detectors, each over numbers the store read
// in one go (SignalBasis):
//
//   - history: far from the unit's own previous periods of the same form
//     and periodicity — a robust z-score over them when there are
//     HistoryMinimum or more, else a jump from the latest one;
//   - peers: far from the units of the same kind in the same period — a
//     robust z-score (median and MAD) when there are PeersMinimum of them;
//   - combination: a ratio's numerator above its denominator or a ratio
//     that does not match its parts, and the form's own non-blocking
//     checks (Form.Checks);
//   - levels: for a form whose higher units consolidate their children's
//     reports, a higher unit's own figure below the sum of its children's
//     (LevelChecks), or far above it when every child reported.
//
// Counts and amounts are compared on a logarithmic scale (log(1+x)): they
// are skewed — a ward ten times the size of a mountain commune is not an
// outlier for that — and a relative change is what a reader means by a
// jump. Percentages are compared as they are.

// Vietnamese texts of signals, kept together for review.
const (
	msgSignalUp         = "Tăng %s%% so với %s (%s → %s)."
	msgSignalDown       = "Giảm %s%% so với %s (%s → %s)."
	msgSignalFromZero   = "Tăng từ 0 lên %s so với %s."
	msgSignalPointsUp   = "Tăng %s điểm phần trăm so với %s (%s → %s)."
	msgSignalPointsDown = "Giảm %s điểm phần trăm so với %s (%s → %s)."
	msgSignalHistHigh   = "Cao bất thường so với %d kỳ trước của chính đơn vị (trung vị %s, chỉ số lệch %s, ngưỡng %s)."
	msgSignalHistLow    = "Thấp bất thường so với %d kỳ trước của chính đơn vị (trung vị %s, chỉ số lệch %s, ngưỡng %s)."
	msgSignalPeerHigh   = "Cao bất thường so với %d đơn vị cùng loại (%s) trong kỳ: trung vị %s, chỉ số lệch %s (ngưỡng %s)."
	msgSignalPeerLow    = "Thấp bất thường so với %d đơn vị cùng loại (%s) trong kỳ: trung vị %s, chỉ số lệch %s (ngưỡng %s)."
	msgSignalRatioParts = "“%s” (%s) lớn hơn “%s” (%s)."
	msgSignalRatioOff   = "“%s” là %s nhưng %s/%s = %s."
	msgSignalBelowSum   = "Nhỏ hơn tổng của %d/%d đơn vị trực thuộc đã báo cáo (%s), trong khi báo cáo của đơn vị cấp trên phải gồm số liệu của các đơn vị trực thuộc."
	msgSignalAboveSum   = "Gấp %s lần tổng của cả %d đơn vị trực thuộc (%s)."
	msgSignalRefPrev    = "%s: %s"
	msgSignalRefHist    = "trung vị %d kỳ trước: %s"
	msgSignalRefPeers   = "trung vị %d đơn vị: %s"
	msgSignalRefSum     = "tổng đơn vị trực thuộc: %s"
	msgSignalRefRatio   = "%s/%s = %s"
	msgSignalRefCheck   = "quy tắc kiểm tra của biểu mẫu"
	msgSignalInvolved   = "“%s” = %s"
	msgSignalWhenPrev   = "kỳ trước (%s)"
	msgSignalWhen       = "kỳ %s"
)

// SignalKind says which detector raised a signal.
type SignalKind string

// The detectors.
const (
	SignalHistory     SignalKind = "history"
	SignalPeers       SignalKind = "peers"
	SignalCombination SignalKind = "combination"
	SignalLevels      SignalKind = "levels"
)

// Label names a kind of signal for a reviewer.
func (k SignalKind) Label() string {
	switch k {
	case SignalHistory:
		return "Khác xa các kỳ trước"
	case SignalPeers:
		return "Khác xa đơn vị cùng loại"
	case SignalCombination:
		return "Số liệu không khớp nhau"
	case SignalLevels:
		return "Khác tổng của đơn vị trực thuộc"
	}
	return string(k)
}

// SignalKinds lists the kinds in the order a page shows them.
var SignalKinds = []SignalKind{SignalCombination, SignalLevels, SignalHistory, SignalPeers}

// Signal is one figure of a submission a reviewer should look at.
type Signal struct {
	Kind SignalKind `json:"kind"`
	// Key names the signal within its submission ("peers:tcd_luot",
	// "check:<expression>"): what an explanation is recorded against.
	Key string `json:"key"`
	// Field is the code of the field the signal is about, Label its label.
	Field string `json:"field"`
	Label string `json:"label"`
	// Value is the figure as shown ("38"); Reference what it was compared
	// with ("kỳ trước (2025-Q4): 4", "trung vị 95 đơn vị: 12").
	Value     string `json:"value"`
	Reference string `json:"reference"`
	// Reason says in Vietnamese why the figure stands out.
	Reason string `json:"reason"`
	// Score orders signals of a kind: how far beyond its threshold.
	Score float64 `json:"score"`
	// Explanation is a reviewer's, when the signal was explained.
	Explanation *SignalExplanation `json:"explanation,omitempty"`
}

// SignalExplanation is why a reviewer judged a signal fine.
type SignalExplanation struct {
	Note string    `json:"note"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// Explained reports whether a reviewer explained the signal.
func (s Signal) Explained() bool { return s.Explanation != nil }

// SignalOptions are the detectors' thresholds (configuration key
// signals.*). Zero fields take DefaultSignalOptions' values.
type SignalOptions struct {
	// JumpFactor: against the latest previous period, a count or amount
	// at least this many times the previous one, or at most its
	// 1/JumpFactor, is a jump (4: +300% or −75%). A higher unit's own
	// figure this many times its children's sum is a signal too.
	JumpFactor float64
	// PercentJump is a percentage's jump, in points, against the previous
	// period.
	PercentJump float64
	// MinDifference: a figure closer than this to what it is compared
	// with (the previous value, the median) raises no history or peer
	// signal, so that 1 → 4 cases is not a "jump of 300%".
	MinDifference float64
	// HistoryPeriods is how many previous periods are read;
	// HistoryMinimum how many with a value the z-score over them needs
	// (fewer: the jump from the latest one).
	HistoryPeriods, HistoryMinimum int
	// ZScore is the robust z-score (0.6745 × (x − median) / MAD) from
	// which a figure stands out (3.5, after Iglewicz and Hoaglin).
	ZScore float64
	// PeersMinimum is how many units of the kind must have given the
	// figure in the period for a comparison with them.
	PeersMinimum int
}

// DefaultSignalOptions are the thresholds unless configured.
var DefaultSignalOptions = SignalOptions{
	JumpFactor: 4, PercentJump: 30, MinDifference: 10,
	HistoryPeriods: 6, HistoryMinimum: 4, ZScore: 3.5, PeersMinimum: 10,
}

// WithDefaults fills the zero fields of o from DefaultSignalOptions.
func (o SignalOptions) WithDefaults() SignalOptions {
	d := DefaultSignalOptions
	o.JumpFactor = cmp.Or(o.JumpFactor, d.JumpFactor)
	o.PercentJump = cmp.Or(o.PercentJump, d.PercentJump)
	o.MinDifference = cmp.Or(o.MinDifference, d.MinDifference)
	o.HistoryPeriods = cmp.Or(o.HistoryPeriods, d.HistoryPeriods)
	o.HistoryMinimum = cmp.Or(o.HistoryMinimum, d.HistoryMinimum)
	o.ZScore = cmp.Or(o.ZScore, d.ZScore)
	o.PeersMinimum = cmp.Or(o.PeersMinimum, d.PeersMinimum)
	return o
}

// PeriodRef names a period compared with.
type PeriodRef struct {
	Key, Label string
}

// SignalBasis is what the detectors read for one period.
type SignalBasis struct {
	// Period holds every unit of the period with its counting values and
	// the groups LevelChecks reads (the province, not a reader's scope).
	Period *Consolidation
	// History is the previous periods of the same form and periodicity,
	// newest first.
	History []PeriodRef
	// HistoryValues holds, by unit code, the unit's counting values in
	// those periods: field i (of Period.Fields) in period k at
	// [i*len(History)+k], NaN when there is none.
	HistoryValues map[string][]float64
	// Checks are the form's non-blocking checks (its current version's:
	// a check added later applies to earlier periods too).
	Checks []Check
}

// SignalDetector finds the signals of a period's submissions.
type SignalDetector struct {
	b      *SignalBasis
	o      SignalOptions
	fields []Field
	// peers holds, per kind, each numeric field's spread over the units
	// that gave it.
	peers  map[UnitKind][]spread
	levels map[string][]LevelCheck
	checks []compiledRule
}

// spread is a set of values' median and deviations, on the scale the
// field is compared on.
type spread struct {
	n              int
	median, mad    float64 // on the comparison scale
	medianOriginal float64 // the median of the values themselves
}

// NewSignalDetector prepares the detection over b: the peers' spreads
// per kind and field, the levels' checks, the form's checks compiled (a
// check that does not compile against the period's version of the form —
// a field it did not have — is left out).
func NewSignalDetector(b *SignalBasis, o SignalOptions) *SignalDetector {
	c := b.Period
	d := &SignalDetector{b: b, o: o.WithDefaults(), fields: c.Fields, peers: map[UnitKind][]spread{}, levels: map[string][]LevelCheck{}}
	byKind := map[UnitKind][][]float64{}
	for i := range c.Units {
		u := &c.Units[i]
		if !u.Reported() {
			continue
		}
		cols := byKind[u.Kind]
		if cols == nil {
			cols = make([][]float64, len(c.Fields))
			byKind[u.Kind] = cols
		}
		for fi, f := range c.Fields {
			if x, ok := numberOf(f, u.Values[fi]); ok {
				cols[fi] = append(cols[fi], x)
			}
		}
	}
	for k, cols := range byKind {
		sp := make([]spread, len(c.Fields))
		for fi, xs := range cols {
			if len(xs) > 0 {
				sp[fi] = spreadOf(c.Fields[fi], xs)
			}
		}
		d.peers[k] = sp
	}
	for _, lc := range c.LevelChecks() {
		d.levels[lc.UnitCode] = append(d.levels[lc.UnitCode], lc)
	}
	env := ruleEnv(&c.Form)
	for _, ch := range b.Checks {
		if cr, err := compileRule(&c.Form, env, Rule{Expr: ch.Expr, Message: ch.Message, Severity: SeverityWarning}); err == nil && len(cr.fields) > 0 {
			d.checks = append(d.checks, cr)
		}
	}
	return d
}

// Options are the thresholds in force.
func (d *SignalDetector) Options() SignalOptions { return d.o }

// UnitSignals are the signals of one unit's counting submission.
type UnitSignals struct {
	UnitCode, UnitName string
	Kind               UnitKind
	Signals            []Signal
}

// Counting lists the signals of every unit's counting submission, in the
// period's unit order, units without a signal left out.
func (d *SignalDetector) Counting() []UnitSignals {
	var out []UnitSignals
	for i := range d.b.Period.Units {
		u := &d.b.Period.Units[i]
		if !u.Reported() {
			continue
		}
		if s := d.Of(u.Code, u.Kind, u.Values, true); len(s) > 0 {
			out = append(out, UnitSignals{UnitCode: u.Code, UnitName: u.Name, Kind: u.Kind, Signals: s})
		}
	}
	return out
}

// Of lists the signals of values (in the period's Fields order) filed by
// unit code of kind: against its history, its peers (whose spread
// includes the unit's counting figure), the combinations and, for its
// counting submission, its children's sum. Ordered by field, then kind.
func (d *SignalDetector) Of(code string, kind UnitKind, values []FieldValue, counting bool) []Signal {
	var out []Signal
	hist := d.b.HistoryValues[code]
	peers := d.peers[kind]
	for fi, f := range d.fields {
		x, ok := numberOf(f, values[fi])
		if !ok {
			continue
		}
		shown := FormatNumber(values[fi].Num.String())
		if s, ok := d.history(f, fi, x, shown, hist); ok {
			out = append(out, s)
		}
		if peers != nil {
			if s, ok := d.peer(f, x, shown, kind, peers[fi]); ok {
				out = append(out, s)
			}
		}
		if f.Ratio != nil {
			out = append(out, d.ratio(f, values)...)
		}
	}
	out = append(out, d.formChecks(values)...)
	if counting {
		out = append(out, d.levelSignals(code)...)
	}
	order := map[string]int{}
	for i, f := range d.fields {
		order[f.Code] = i
	}
	slices.SortStableFunc(out, func(a, b Signal) int {
		return cmp.Or(cmp.Compare(order[a.Field], order[b.Field]), cmp.Compare(slices.Index(SignalKinds, a.Kind), slices.Index(SignalKinds, b.Kind)))
	})
	return out
}

// numberOf is a numeric field's value, ok false for none or another type.
func numberOf(f Field, v FieldValue) (float64, bool) {
	if !numericType(f.Type) || !v.Num.Valid() {
		return 0, false
	}
	x := v.Num.Float64()
	return x, !math.IsNaN(x) && !math.IsInf(x, 0)
}

// scale is the value a field is compared on: log(1+x) for counts and
// amounts (see the file comment), the percentage itself otherwise.
func scale(f Field, x float64) float64 {
	if f.Type != TypePercent && x >= 0 {
		return math.Log1p(x)
	}
	return x
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func spreadOf(f Field, xs []float64) spread {
	orig := slices.Sorted(slices.Values(xs))
	scaled := make([]float64, len(xs))
	for i, x := range orig {
		scaled[i] = scale(f, x)
	}
	slices.Sort(scaled)
	sp := spread{n: len(xs), median: median(scaled), medianOriginal: median(orig)}
	dev := make([]float64, len(scaled))
	for i, y := range scaled {
		dev[i] = math.Abs(y - sp.median)
	}
	slices.Sort(dev)
	sp.mad = median(dev)
	return sp
}

// z is x's robust z-score against sp: 0.6745 (x − median) / MAD, the MAD
// taken as at least minSpread: over a unit's four to six periods, or when
// more than half the units give the same figure (most report 0
// violations), the MAD can be tiny or 0, and any difference would then
// look infinitely far.
func (sp spread) z(f Field, x float64) float64 {
	return 0.6745 * (scale(f, x) - sp.median) / max(sp.mad, minSpread(f))
}

// minSpread is the least MAD a comparison assumes: figures vary by 10%
// (log 1.1) between periods or units, percentages by 2 points.
func minSpread(f Field) float64 {
	if f.Type == TypePercent {
		return 2
	}
	return math.Log(1.1)
}

// history compares x with the unit's previous periods.
func (d *SignalDetector) history(f Field, fi int, x float64, shown string, hist []float64) (Signal, bool) {
	k := len(d.b.History)
	if hist == nil || k == 0 {
		return Signal{}, false
	}
	var past []float64
	latest := -1
	for j := range k {
		if v := hist[fi*k+j]; !math.IsNaN(v) {
			past = append(past, v)
			if latest < 0 {
				latest = j
			}
		}
	}
	if latest < 0 {
		return Signal{}, false
	}
	s := Signal{Kind: SignalHistory, Key: string(SignalHistory) + ":" + f.Code, Field: f.Code, Label: f.Label, Value: withUnitText(shown, f.Unit)}
	if len(past) >= d.o.HistoryMinimum {
		sp := spreadOf(f, past)
		z := sp.z(f, x)
		if math.Abs(z) < d.o.ZScore || math.Abs(x-sp.medianOriginal) < d.o.MinDifference {
			return Signal{}, false
		}
		msg := msgSignalHistHigh
		if z < 0 {
			msg = msgSignalHistLow
		}
		med := withUnitText(formatFloat(sp.medianOriginal), f.Unit)
		s.Reason = fmt.Sprintf(msg, len(past), med, formatZ(z), formatFloat(d.o.ZScore))
		s.Reference = fmt.Sprintf(msgSignalRefHist, len(past), med)
		s.Score = math.Abs(z) / d.o.ZScore
		return s, true
	}
	prev := hist[fi*k+latest]
	when := fmt.Sprintf(msgSignalWhenPrev, d.b.History[latest].Label)
	if latest > 0 {
		when = fmt.Sprintf(msgSignalWhen, d.b.History[latest].Label)
	}
	from, to := withUnitText(formatFloat(prev), f.Unit), s.Value
	s.Reference = fmt.Sprintf(msgSignalRefPrev, when, from)
	diff := x - prev
	if math.Abs(diff) < d.o.MinDifference && f.Type != TypePercent {
		return Signal{}, false
	}
	switch {
	case f.Type == TypePercent:
		if math.Abs(diff) < d.o.PercentJump {
			return Signal{}, false
		}
		msg := msgSignalPointsUp
		if diff < 0 {
			msg = msgSignalPointsDown
		}
		s.Reason = fmt.Sprintf(msg, formatFloat(math.Abs(diff)), when, from, to)
		s.Score = math.Abs(diff) / d.o.PercentJump
	case prev == 0:
		s.Reason = fmt.Sprintf(msgSignalFromZero, to, when)
		s.Score = x / d.o.MinDifference
	case x >= prev*d.o.JumpFactor:
		s.Reason = fmt.Sprintf(msgSignalUp, formatFloat(math.Round(diff/prev*100)), when, from, to)
		s.Score = x / prev / d.o.JumpFactor
	case x*d.o.JumpFactor <= prev:
		s.Reason = fmt.Sprintf(msgSignalDown, formatFloat(math.Round(-diff/prev*100)), when, from, to)
		s.Score = prev / math.Max(x, prev/1e6) / d.o.JumpFactor
	default:
		return Signal{}, false
	}
	return s, true
}

// peer compares x with the same field of the units of the same kind.
//
// A zero is not compared: among peers it says that nothing happened in
// the unit (no petition, no violation), which is no typing mistake; a
// zero after non-zero periods is the history detector's to raise.
func (d *SignalDetector) peer(f Field, x float64, shown string, kind UnitKind, sp spread) (Signal, bool) {
	if sp.n < d.o.PeersMinimum || x == 0 || math.Abs(x-sp.medianOriginal) < d.o.MinDifference {
		return Signal{}, false
	}
	z := sp.z(f, x)
	if math.Abs(z) < d.o.ZScore {
		return Signal{}, false
	}
	msg := msgSignalPeerHigh
	if z < 0 {
		msg = msgSignalPeerLow
	}
	med := withUnitText(formatFloat(sp.medianOriginal), f.Unit)
	return Signal{Kind: SignalPeers, Key: string(SignalPeers) + ":" + f.Code, Field: f.Code, Label: f.Label,
		Value: withUnitText(shown, f.Unit), Reference: fmt.Sprintf(msgSignalRefPeers, sp.n, med),
		Reason: fmt.Sprintf(msg, sp.n, kind.Label(), med, formatZ(z), formatFloat(d.o.ZScore)), Score: math.Abs(z) / d.o.ZScore}, true
}

// ratio checks a ratio field against its parts: the numerator not above
// the denominator, and the percentage within a point of theirs. Forms
// usually forbid both with rules; where one does not, this says so
// without refusing the report.
func (d *SignalDetector) ratio(f Field, values []FieldValue) []Signal {
	ni, di := d.index(f.Ratio.Numerator), d.index(f.Ratio.Denominator)
	if ni < 0 || di < 0 {
		return nil
	}
	nf, df := d.fields[ni], d.fields[di]
	num, ok1 := numberOf(nf, values[ni])
	den, ok2 := numberOf(df, values[di])
	if !ok1 || !ok2 {
		return nil
	}
	ns, ds := FormatNumber(values[ni].Num.String()), FormatNumber(values[di].Num.String())
	var out []Signal
	if num > den {
		out = append(out, Signal{Kind: SignalCombination, Key: "ratio:" + nf.Code, Field: nf.Code, Label: nf.Label,
			Value: withUnitText(ns, nf.Unit), Reference: withUnitText(ds, df.Unit),
			Reason: fmt.Sprintf(msgSignalRatioParts, nf.Label, ns, df.Label, ds), Score: 1})
	}
	if x, ok := numberOf(f, values[d.index(f.Code)]); ok && den > 0 {
		want := num * 100 / den
		if math.Abs(x-want) > 1 {
			w := withUnitText(formatFloat(want), f.Unit)
			out = append(out, Signal{Kind: SignalCombination, Key: "ratio:" + f.Code, Field: f.Code, Label: f.Label,
				Value: withUnitText(FormatNumber(values[d.index(f.Code)].Num.String()), f.Unit), Reference: fmt.Sprintf(msgSignalRefRatio, ns, ds, w),
				Reason: fmt.Sprintf(msgSignalRatioOff, f.Label, withUnitText(formatFloat(x), f.Unit), ns, ds, w), Score: 1})
		}
	}
	return out
}

func (d *SignalDetector) index(code string) int {
	return slices.IndexFunc(d.fields, func(f Field) bool { return f.Code == code })
}

// formChecks runs the form's non-blocking checks over values.
func (d *SignalDetector) formChecks(values []FieldValue) []Signal {
	if len(d.checks) == 0 {
		return nil
	}
	env := make(map[string]any, len(d.fields))
	for fi, f := range d.fields {
		if x := checkInput(f, values[fi]); x != nil {
			env[f.Code] = x
		}
	}
	var out []Signal
	for _, c := range d.checks {
		cenv, ok, err := c.env(env)
		if !ok || err != nil {
			continue
		}
		if res, err := expr.Run(c.program, cenv); err != nil || res == true {
			continue
		}
		first := d.index(c.fields[0])
		var items []string
		for _, code := range c.fields {
			i := d.index(code)
			items = append(items, fmt.Sprintf(msgSignalInvolved, d.fields[i].Label, shownValue(d.fields[i], values[i])))
		}
		out = append(out, Signal{Kind: SignalCombination, Key: "check:" + c.rule.Expr, Field: c.fields[0], Label: d.fields[first].Label,
			Value: shownValue(d.fields[first], values[first]), Reference: msgSignalRefCheck,
			Reason: c.rule.Message + fmt.Sprintf(msgInvolved, strings.Join(items, msgInvolvedSep)), Score: 1})
	}
	return out
}

// checkInput is a value as the check engine wants it, nil for none.
func checkInput(f Field, v FieldValue) any {
	switch f.Type {
	case TypeInt, TypeDecimal, TypePercent:
		if x, ok := numberOf(f, v); ok {
			return x
		}
	case TypeChoice:
		if v.Text != "" {
			return v.Text
		}
	case TypeDate:
		if !v.Day.IsZero() {
			return v.Day
		}
	}
	return nil
}

// shownValue is a value as a reason quotes it.
func shownValue(f Field, v FieldValue) string {
	switch {
	case v.Num.Valid():
		return withUnitText(FormatNumber(v.Num.String()), f.Unit)
	case !v.Day.IsZero():
		return FormatDate(v.Day)
	case v.Text != "":
		return v.Text
	}
	return msgEmptyValue
}

// levelSignals are the signals of a higher unit's own figures against
// its children's sums: below it (a consolidated figure cannot be smaller
// than its parts), or JumpFactor times above it with every child in.
func (d *SignalDetector) levelSignals(code string) []Signal {
	var out []Signal
	for _, lc := range d.levels[code] {
		own, sum := lc.Own.Float64(), lc.Children.Float64()
		f := lc.Field
		s := Signal{Kind: SignalLevels, Key: string(SignalLevels) + ":" + f.Code, Field: f.Code, Label: f.Label,
			Value: withUnitText(FormatNumber(lc.Own.String()), f.Unit), Reference: fmt.Sprintf(msgSignalRefSum, withUnitText(FormatNumber(lc.Children.String()), f.Unit))}
		switch {
		case own < sum:
			s.Reason = fmt.Sprintf(msgSignalBelowSum, lc.ChildrenReported, lc.ChildrenObliged, withUnitText(FormatNumber(lc.Children.String()), f.Unit))
			s.Score = 1 + (sum-own)/math.Max(sum, 1)
		case lc.ChildrenReported == lc.ChildrenObliged && own-sum >= d.o.MinDifference && own >= sum*d.o.JumpFactor:
			s.Reason = fmt.Sprintf(msgSignalAboveSum, formatFloat(math.Round(own/math.Max(sum, 1)*10)/10), lc.ChildrenObliged, withUnitText(FormatNumber(lc.Children.String()), f.Unit))
			s.Score = own / math.Max(sum, 1) / d.o.JumpFactor
		default:
			continue
		}
		out = append(out, s)
	}
	return out
}

// formatFloat writes x the Vietnamese way with at most one decimal.
func formatFloat(x float64) string {
	return FormatNumber(strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64))
}

// formatZ writes a z-score's size with one decimal.
func formatZ(z float64) string { return formatFloat(math.Abs(z)) }

// FieldValues puts a submission's values (by field code) in fields'
// order, as a consolidation holds them.
func FieldValues(fields []Field, values map[string]Value) []FieldValue {
	out := make([]FieldValue, len(fields))
	for i, f := range fields {
		v, ok := values[f.Code]
		if !ok {
			continue
		}
		if n, ok := ParseDecimal(v.Num); ok {
			out[i].Num = n
		}
		out[i].Text = v.Text
		if v.Date != nil {
			out[i].Day = *v.Date
		}
	}
	return out
}

// Unit is the period's unit code, nil when it owes no report then.
func (d *SignalDetector) Unit(code string) *UnitReport {
	for i := range d.b.Period.Units {
		if d.b.Period.Units[i].Code == code {
			return &d.b.Period.Units[i]
		}
	}
	return nil
}

// Basis is what the detector reads.
func (d *SignalDetector) Basis() *SignalBasis { return d.b }

// Fields are the period's fields, the order Of takes values in.
func (d *SignalDetector) Fields() []Field { return d.fields }

// Unexplained counts the signals no reviewer explained.
func Unexplained(signals []Signal) int {
	n := 0
	for _, s := range signals {
		if !s.Explained() {
			n++
		}
	}
	return n
}

// Explain attaches to signals the explanations recorded on their
// submission, by key.
func Explain(signals []Signal, explanations map[string]SignalExplanation) {
	for i := range signals {
		if e, ok := explanations[signals[i].Key]; ok {
			signals[i].Explanation = &e
		}
	}
}

// Descendants is the set of codes under root (root included) as the
// units' parents draw the tree, for a reader whose scope is a subtree.
func Descendants(units []UnitReport, root string) map[string]bool {
	children := map[string][]string{}
	for _, u := range units {
		children[u.ParentCode] = append(children[u.ParentCode], u.Code)
	}
	in := map[string]bool{root: true}
	for queue := []string{root}; len(queue) > 0; queue = queue[1:] {
		for _, c := range children[queue[0]] {
			if !in[c] {
				in[c] = true
				queue = append(queue, c)
			}
		}
	}
	return in
}
