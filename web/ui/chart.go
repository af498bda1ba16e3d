package ui

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"baocao/vi"
)

// BarChart is a horizontal bar chart (partial "bar-chart"): one bar per
// row, its label above it, its value and percentage at the right. The
// bars' lengths are percentages of the width, so the chart fits a phone
// and a laptop with the text at its normal size.
type BarChart struct {
	// Title names the chart (its <title>, read by screen readers); required.
	Title string
	// Bars are drawn top to bottom.
	Bars []Bar
}

// Bar is one row of a BarChart.
type Bar struct {
	Label string  // e.g. "Cấp xã"
	Value string  // shown before the percentage, e.g. "87/111 đơn vị"; may be ""
	Rate  float64 // 0..1: the bar's length and the percentage shown
}

// BarRow is a Bar placed on the chart.
type BarRow struct {
	Bar
	Short  string // the label, shortened if very long (the full one is in <title>)
	Figure string // "87/111 đơn vị · 78,4%"
	// Below puts the figure on its own line under the label: label and
	// figure together would not fit a phone's width on one line.
	Below                bool
	TextY, FigureY, BarY int    // px
	Width                string // the bar's width, "72.5%"
}

const (
	barLine     = 20 // px per line of text
	barHeight   = 16
	barGap      = 12
	barLabelMax = 40 // runes: what fits a 390px phone at 14px
	// barOneLine is how many runes of label and figure together fit one
	// line of a 390px phone.
	barOneLine = 38
)

// Rows places the bars.
func (c BarChart) Rows() []BarRow {
	rows := make([]BarRow, len(c.Bars))
	y := 0
	for i, b := range c.Bars {
		fig := vi.Percent(b.Rate)
		if b.Value != "" {
			fig = b.Value + " · " + fig
		}
		r := BarRow{Bar: b, Short: shorten(b.Label, barLabelMax), Figure: fig,
			Width: fmt.Sprintf("%.2f%%", clamp01(b.Rate)*100)}
		r.Below = utf8.RuneCountInString(r.Short)+utf8.RuneCountInString(fig) > barOneLine
		r.TextY = y + 15
		r.FigureY = r.TextY
		if r.Below {
			r.FigureY += barLine
		}
		r.BarY = r.FigureY + 7
		y = r.BarY + barHeight + barGap
		rows[i] = r
	}
	return rows
}

// Height is the chart's height in px.
func (c BarChart) Height() int {
	rows := c.Rows()
	if len(rows) == 0 {
		return 0
	}
	return rows[len(rows)-1].BarY + barHeight + 2
}

// Summary is the chart's data in words, for its <desc>.
func (c BarChart) Summary() string {
	parts := make([]string, len(c.Bars))
	for i, r := range c.Rows() {
		parts[i] = r.Label + ": " + r.Figure
	}
	return strings.Join(parts, "; ") + "."
}

// LineChart is a line chart over periods (partial "line-chart"): one line
// per series, a marker on each value, a legend when there are several.
type LineChart struct {
	// Title names the chart; required.
	Title string
	// Labels name the periods along the x axis, oldest first.
	Labels []string
	// Series are the lines, at most four (each has its own colour, dash and
	// marker so they differ without colour).
	Series []Series
	// Percent says the values are rates 0..1, shown as percentages on an
	// axis up to 100%.
	Percent bool
	// Max is the top of the y axis; 0 means 100% for rates, else the
	// largest value rounded up.
	Max float64
}

// Series is one line of a LineChart: a value per label, NaN where there is
// none.
type Series struct {
	Name   string
	Values []float64
}

// The line chart's frame, in px of height and % of width.
const (
	lineTop, linePlotH    = 12, 180
	lineLeftPct, lineWPct = 11.0, 86.0
)

// LinePlot is a LineChart placed on its frame.
type LinePlot struct {
	Height                    int    // px
	Top, PlotHeight           int    // px: the plotting area
	Left, Right, Width, AxisX string // %: the plotting area, the y labels' right edge
	Grid                      []GridLine
	XTicks                    []XTick
	Lines                     []PlotLine
}

// GridLine is a horizontal rule with its value.
type GridLine struct {
	Y    int
	Text string
}

// XTick is a period's label under the axis.
type XTick struct {
	X    string // "%"
	Text string
}

// PlotLine is one series drawn.
type PlotLine struct {
	Name   string
	Class  string // "series-1" … "series-4"
	Points string // polyline points in the 1000×1000 inner box
	Marks  []Mark
}

// Mark is a value's marker, with its value as a tooltip.
type Mark struct {
	X    string // "%"
	Y    int
	Text string // "Quý I/2026: 72,5%"
}

// Plot places the chart's lines and axes.
func (c LineChart) Plot() LinePlot {
	top := c.top()
	n := len(c.Labels)
	xPct := func(i int) float64 {
		if n <= 1 {
			return lineLeftPct + lineWPct/2
		}
		return lineLeftPct + lineWPct*float64(i)/float64(n-1)
	}
	y := func(v float64) float64 { return lineTop + linePlotH*(1-clamp01(v/top)) }
	p := LinePlot{
		Height: lineTop + linePlotH + 34, Top: lineTop, PlotHeight: linePlotH,
		Left: pct(lineLeftPct), Right: pct(lineLeftPct + lineWPct), Width: pct(lineWPct), AxisX: pct(lineLeftPct - 1.5),
	}
	for k := 0; k <= 4; k++ {
		v := top * float64(k) / 4
		p.Grid = append(p.Grid, GridLine{Y: int(math.Round(y(v))), Text: c.format(v)})
	}
	step := max(1, (n+5)/6) // at most about six labels: they must fit a phone
	for i, l := range c.Labels {
		if i%step == 0 || i == n-1 && (n-1)%step >= step/2 {
			p.XTicks = append(p.XTicks, XTick{X: pct(xPct(i)), Text: l})
		}
	}
	for si, s := range c.Series {
		pl := PlotLine{Name: s.Name, Class: fmt.Sprintf("series-%d", si%4+1)}
		var pts []string
		for i, v := range s.Values {
			if i >= n || math.IsNaN(v) {
				continue
			}
			inner := (xPct(i) - lineLeftPct) / lineWPct * 1000
			if n <= 1 {
				inner = 500
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", inner, (y(v)-lineTop)/linePlotH*1000))
			pl.Marks = append(pl.Marks, Mark{X: pct(xPct(i)), Y: int(math.Round(y(v))), Text: c.Labels[i] + ": " + c.format(v)})
		}
		pl.Points = strings.Join(pts, " ")
		p.Lines = append(p.Lines, pl)
	}
	return p
}

// Summary is the chart's data in words, for its <desc>.
func (c LineChart) Summary() string {
	var parts []string
	for _, s := range c.Series {
		var vals []string
		for i, v := range s.Values {
			if i < len(c.Labels) && !math.IsNaN(v) {
				vals = append(vals, c.Labels[i]+" "+c.format(v))
			}
		}
		parts = append(parts, s.Name+": "+strings.Join(vals, ", "))
	}
	return strings.Join(parts, ". ") + "."
}

func (c LineChart) top() float64 {
	if c.Max > 0 {
		return c.Max
	}
	if c.Percent {
		return 1
	}
	m := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				m = max(m, v)
			}
		}
	}
	if m <= 0 {
		return 1
	}
	// Round up to 1, 2, 2.5 or 5 times a power of ten, so the four grid
	// steps are round numbers.
	mag := math.Pow(10, math.Floor(math.Log10(m)))
	for _, f := range []float64{1, 2, 2.5, 4, 5, 8, 10} {
		if m <= f*mag {
			return f * mag
		}
	}
	return 10 * mag
}

func (c LineChart) format(v float64) string {
	if c.Percent {
		return vi.Percent(v)
	}
	if v == math.Trunc(v) {
		return vi.Float(v, 0)
	}
	return vi.Float(v, 1)
}

func pct(x float64) string { return fmt.Sprintf("%.2f%%", x) }

func clamp01(x float64) float64 {
	if math.IsNaN(x) || x < 0 {
		return 0
	}
	return min(x, 1)
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
