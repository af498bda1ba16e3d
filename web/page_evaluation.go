package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/vi"
	"baocao/web/ui"
)

// The evaluation pages (issue 17): the rounds and opening one; a round's
// results with recomputing, closing and downloads; a unit's scorecard with
// the inspectors' judgements and the unit's comments. Every action is an
// ops call; the pages translate.

// Messages of the evaluation pages.
const (
	msgEvalOpened     = "Đã mở đợt đánh giá năm %d và tính điểm cho %d đơn vị."
	msgEvalRecomputed = "Đã tính lại điểm tự động cho %d đơn vị (số liệu đến %s)."
	msgEvalClosed     = "Đã kết thúc đợt đánh giá năm %d; điểm số đã cố định."
	msgEvalJudged     = "Đã lưu điểm: %s đạt %s điểm (thang 100), xếp loại %s."
	msgEvalCommented  = "Đã gửi góp ý; đoàn đánh giá sẽ xem xét trước khi kết thúc đợt đánh giá."
	msgEvalBadYear    = "Năm đánh giá %q không hợp lệ."
	msgEvalBadDay     = "Ngày %q không hợp lệ: nhập theo dạng 20/01/2027."
	msgEvalBadMoment  = "Thời điểm %q không hợp lệ: nhập theo dạng 18/12/2025 09:00 hoặc để trống."
	msgEvalBadPoints  = "Điểm %q không hợp lệ: nhập một số, ví dụ 17 hoặc 17,5."
	evalPageSize      = 100
)

// handleEvaluations lists the rounds: every round and the form opening one
// for inspectors and administrators, the unit's scorecards for the others.
func (s *Server) handleEvaluations(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	p, err := s.evaluationsPage(r, u, ui.EvaluationsPage{})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.page(w, r, "evaluations", "Đánh giá", "evaluations", p)
}

func (s *Server) evaluationsPage(r *http.Request, u reporting.User, p ui.EvaluationsPage) (ui.EvaluationsPage, error) {
	ctx := r.Context()
	staff := u.Role == reporting.RoleAdmin || u.Role == reporting.RoleInspector
	if staff {
		rounds, err := s.opts.Ops.Rounds(ctx, u)
		if err != nil {
			return p, err
		}
		p.Rounds, p.Open = rounds, true
		scs, err := s.opts.Ops.Scorecards(ctx, u)
		if err != nil {
			return p, err
		}
		chosen := r.PostFormValue("scorecard")
		for _, sc := range scs {
			p.Scorecards = append(p.Scorecards, ui.Option{Value: sc.Code, Label: sc.Title + " (" + sc.Code + ")", Selected: sc.Code == chosen})
		}
		now := s.now().In(s.opts.Ops.Location())
		if p.Year == "" {
			p.Year = strconv.Itoa(now.Year() - 1)
			if now.Month() == time.December {
				p.Year = strconv.Itoa(now.Year())
			}
		}
		if p.Until == "" {
			p.Until = vi.Date(now.AddDate(0, 0, 15))
		}
		return p, nil
	}
	mine, err := s.opts.Ops.MyRounds(ctx, u)
	if err != nil {
		return p, err
	}
	for _, rd := range mine {
		p.Mine = append(p.Mine, ui.RoundLink{Round: rd, Href: fmt.Sprintf("/evaluations/%d/units/%s", rd.ID, u.UnitCode)})
	}
	return p, nil
}

// handleEvaluationOpen opens a round from the form.
func (s *Server) handleEvaluationOpen(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, reporting.Errorf(reporting.EINVALID, "%s", msgBadForm))
		return
	}
	loc := s.opts.Ops.Location()
	in := ops.OpenRoundInput{Scorecard: r.PostForm.Get("scorecard")}
	yearText, untilText := strings.TrimSpace(r.PostForm.Get("year")), strings.TrimSpace(r.PostForm.Get("until"))
	atText := strings.TrimSpace(r.PostForm.Get("at"))
	var err error
	if in.Year, err = strconv.Atoi(yearText); err != nil {
		err = reporting.Errorf(reporting.EINVALID, msgEvalBadYear, yearText)
	} else if day, derr := parseDayVN(untilText, loc); derr != nil {
		err = reporting.Errorf(reporting.EINVALID, msgEvalBadDay, untilText)
	} else {
		in.CommentsUntil = reporting.EndOfDay(day, loc)
		if atText != "" {
			if in.AsAt, err = parseMomentVN(atText, loc); err != nil {
				err = reporting.Errorf(reporting.EINVALID, msgEvalBadMoment, atText)
			}
		}
	}
	var round store.Round
	if err == nil {
		round, err = s.opts.Ops.OpenRound(r.Context(), u, s.now(), in)
	}
	if err != nil {
		if code := reporting.ErrorCode(err); code == reporting.EINTERNAL || code == reporting.EFORBIDDEN {
			s.pageError(w, r, err)
			return
		}
		p, perr := s.evaluationsPage(r, u, ui.EvaluationsPage{Year: yearText, At: atText, Until: untilText, Error: reporting.ErrorMessage(err)})
		if perr != nil {
			s.pageError(w, r, perr)
			return
		}
		s.pageWithStatus(w, r, http.StatusUnprocessableEntity, "evaluations", "Đánh giá", "evaluations", p)
		return
	}
	redirectFlash(w, r, fmt.Sprintf("/evaluations/%d", round.ID), ui.FlashSuccess, fmt.Sprintf(msgEvalOpened, round.Year, round.Units))
}

// handleEvaluation shows a round's results, filtered and paged.
func (s *Server) handleEvaluation(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.signedInID(w, r)
	if !ok {
		return
	}
	v, err := s.opts.Ops.RoundResults(r.Context(), u, id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	q := r.URL.Query()
	p := ui.EvaluationPage{RoundView: v, Kind: q.Get("kind"), Parent: q.Get("parent"), Rating: q.Get("rating"), Q: strings.TrimSpace(q.Get("q")),
		CanChange: (u.Role == reporting.RoleAdmin || u.Role == reporting.RoleInspector) && !v.Round.Closed()}
	for i, c := range v.Scorecard.Criteria() {
		p.Criteria = append(p.Criteria, ui.EvalCriterionHead{Short: "TC" + strconv.Itoa(i+1), Title: c.Title, Max: c.Max})
	}
	p.KindOptions = []ui.Option{{Value: "", Label: msgAllUnits, Selected: p.Kind == ""}}
	for _, k := range v.Kinds {
		p.KindOptions = append(p.KindOptions, ui.Option{Value: k.Key, Label: k.Label, Selected: k.Key == p.Kind})
	}
	p.ParentOptions = []ui.Option{{Value: "", Label: msgAllUnits, Selected: p.Parent == ""}}
	for _, g := range v.Parents {
		p.ParentOptions = append(p.ParentOptions, ui.Option{Value: g.Key, Label: g.Label, Selected: g.Key == p.Parent})
	}
	p.Rates = []ui.Option{{Value: "", Label: "Mọi xếp loại", Selected: p.Rating == ""}}
	p.Distribution = ui.BarChart{Title: fmt.Sprintf("Xếp loại năm %d", v.Year)}
	for i, rb := range v.Scorecard.Ratings {
		p.Rates = append(p.Rates, ui.Option{Value: rb.Label, Label: rb.Label, Selected: rb.Label == p.Rating})
		p.Distribution.Bars = append(p.Distribution.Bars, ui.Bar{Label: rb.Label, Value: fmt.Sprintf("%d đơn vị", v.Ratings[i]),
			Rate: float64(v.Ratings[i]) / float64(max(1, len(v.Units)))})
	}
	if len(v.Parents) > 1 && len(v.Parents) <= 30 {
		p.MeanByParent = ui.BarChart{Title: "Điểm bình quân theo đơn vị cấp trên"}
		for _, g := range v.Parents {
			p.MeanByParent.Bars = append(p.MeanByParent.Bars, ui.Bar{Label: g.Label, Value: reporting.FormatPoints(g.Mean) + " điểm", Rate: g.Mean / 100})
		}
	}
	units := slices.Clone(v.Units)
	slices.SortStableFunc(units, func(a, b reporting.EvaluatedUnit) int {
		if a.Kind != b.Kind {
			return strings.Compare(string(a.Kind), string(b.Kind))
		}
		return a.RankKind - b.RankKind
	})
	needle := vi.Fold(p.Q)
	var rows []ui.EvalRow
	for _, e := range units {
		switch {
		case p.Kind != "" && string(e.Kind) != p.Kind,
			p.Parent != "" && e.Parent != p.Parent,
			p.Rating != "" && e.Rating != p.Rating,
			needle != "" && !strings.Contains(vi.Fold(e.Name), needle) && !strings.Contains(strings.ToLower(e.Code), needle):
			continue
		}
		rows = append(rows, ui.EvalRow{EvaluatedUnit: e, Href: fmt.Sprintf("/evaluations/%d/units/%s", id, e.Code), ParentName: v.ParentNames[e.Parent]})
	}
	page, _ := strconv.Atoi(q.Get("page"))
	p.Pager = ui.NewPager(r.URL, page, evalPageSize, len(rows))
	from := min(len(rows), (p.Pager.Page-1)*evalPageSize)
	p.Units = rows[from:min(len(rows), from+evalPageSize)]
	s.page(w, r, "evaluation", fmt.Sprintf("Kết quả đánh giá năm %d", v.Year), "evaluations", p)
}

// handleEvaluationRecompute computes a round's automatic criteria again.
func (s *Server) handleEvaluationRecompute(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.idForm(w, r)
	if !ok {
		return
	}
	back := fmt.Sprintf("/evaluations/%d", id)
	var at time.Time
	if text := strings.TrimSpace(r.PostForm.Get("at")); text != "" {
		t, err := parseMomentVN(text, s.opts.Ops.Location())
		if err != nil {
			s.actionDone(w, r, back, reporting.Errorf(reporting.EINVALID, msgEvalBadMoment, text), "")
			return
		}
		at = t
	}
	rd, err := s.opts.Ops.Recompute(r.Context(), u, s.now(), id, at, r.PostForm.Get("reason"))
	s.actionDone(w, r, back, err, fmt.Sprintf(msgEvalRecomputed, rd.Units, vi.DateTime(rd.AsAt.In(s.opts.Ops.Location()))))
}

// parseMomentVN reads a moment typed as 18/12/2025 09:00, 18/12/2025 (its
// end), or the ISO forms reporting.ParseMoment takes.
func parseMomentVN(s string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{"02/01/2006 15:04", "2/1/2006 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if d, err := parseDayVN(s, loc); err == nil {
		return reporting.EndOfDay(d, loc), nil
	}
	return reporting.ParseMoment(s, loc)
}

// handleEvaluationClose closes a round.
func (s *Server) handleEvaluationClose(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.idForm(w, r)
	if !ok {
		return
	}
	rd, err := s.opts.Ops.CloseRound(r.Context(), u, s.now(), id, r.PostForm.Get("zero_pending") != "")
	s.actionDone(w, r, fmt.Sprintf("/evaluations/%d", id), err, fmt.Sprintf(msgEvalClosed, rd.Year))
}

// handleEvaluationFile answers a round's report: report.pdf or
// report.xlsx.
func (s *Server) handleEvaluationFile(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.signedInID(w, r)
	if !ok {
		return
	}
	file := r.PathValue("file")
	format, contentType := ops.ReportXLSX, xlsxType
	switch file {
	case "report.xlsx":
	case "report.pdf":
		format, contentType = ops.ReportPDF, "application/pdf"
	default:
		s.pageError(w, r, reporting.Errorf(reporting.ENOTFOUND, msgPageNotFound, r.URL.Path))
		return
	}
	var buf bytes.Buffer
	q := r.URL.Query()
	v, err := s.opts.Ops.RoundReport(r.Context(), u, s.now(), id, format, ops.PDFText{Number: q.Get("number"), Signer: q.Get("signer")}, &buf)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	name := ops.RoundReportName(v.Round, format)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "no-store")
	attachment(w, name, ops.ASCIIName(name))
	_, _ = buf.WriteTo(w)
}

// handleEvaluationUnit shows one unit's scorecard.
func (s *Server) handleEvaluationUnit(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.signedInID(w, r)
	if !ok {
		return
	}
	s.evaluationUnitPage(w, r, u, id, http.StatusOK, ui.JudgeForm{}, "")
}

func (s *Server) evaluationUnitPage(w http.ResponseWriter, r *http.Request, u reporting.User, id int64, status int, form ui.JudgeForm, problem string) {
	c, err := s.opts.Ops.UnitCard(r.Context(), u, s.now(), id, r.PathValue("code"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := ui.EvaluationUnitPage{UnitCardView: c, Back: "/evaluations", Form: form, Error: problem}
	if c.CanJudge {
		p.Back = fmt.Sprintf("/evaluations/%d", id)
	}
	byCriterion := map[string][]store.Comment{}
	for _, cm := range c.Comments {
		if cm.Criterion == "" {
			p.General = append(p.General, cm)
		} else {
			byCriterion[cm.Criterion] = append(byCriterion[cm.Criterion], cm)
		}
	}
	scores := map[string]reporting.CriterionScore{}
	for _, cs := range c.Unit.Criteria {
		scores[cs.Code] = cs
	}
	n := 0
	for _, sec := range c.Scorecard.Sections {
		es := ui.EvalSection{Title: sec.Title}
		for _, cr := range sec.Criteria {
			n++
			row := ui.EvalCriterionRow{Number: "TC" + strconv.Itoa(n), Criterion: cr, Score: scores[cr.Code], Comments: byCriterion[cr.Code]}
			if j, ok := c.Judgements[cr.Code]; ok {
				row.Judgement = &j
			}
			es.Rows = append(es.Rows, row)
		}
		p.Sections = append(p.Sections, es)
	}
	s.pageWithStatus(w, r, status, "evaluation-unit", fmt.Sprintf("Phiếu điểm năm %d: %s", c.Round.Year, c.Unit.Name), "evaluations", p)
}

// handleEvaluationJudge records an inspector's points, with an optional
// evidence file (a multipart form).
func (s *Server) handleEvaluationJudge(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.signedInID(w, r)
	if !ok {
		return
	}
	up, ok := s.readPageForm(w, r, false)
	if !ok {
		return
	}
	defer up.close()
	unit := r.PathValue("code")
	form := ui.JudgeForm{Criterion: up.fields.Get("criterion"), Points: strings.TrimSpace(up.fields.Get("points")), Justification: up.fields.Get("justification")}
	in := ops.JudgeInput{RoundID: id, Unit: unit, Criterion: form.Criterion, Justification: form.Justification}
	points, err := strconv.ParseFloat(strings.Replace(form.Points, ",", ".", 1), 64)
	if err != nil {
		s.evaluationUnitPage(w, r, u, id, http.StatusUnprocessableEntity, form, fmt.Sprintf(msgEvalBadPoints, form.Points))
		return
	}
	in.Points = points
	if up.file != nil && up.size > 0 {
		if in.Evidence, err = io.ReadAll(io.LimitReader(up.body(), 5<<20+1)); err != nil {
			s.pageError(w, r, fmt.Errorf("read evidence: %w", err))
			return
		}
		in.EvidenceName = up.name
	}
	card, err := s.opts.Ops.Judge(r.Context(), u, s.now(), in)
	if err != nil {
		if code := reporting.ErrorCode(err); code == reporting.EINTERNAL || code == reporting.EFORBIDDEN || code == reporting.ENOTFOUND {
			s.pageError(w, r, err)
			return
		}
		s.evaluationUnitPage(w, r, u, id, http.StatusUnprocessableEntity, form, reporting.ErrorMessage(err))
		return
	}
	redirectFlash(w, r, fmt.Sprintf("/evaluations/%d/units/%s#tc-%s", id, unit, in.Criterion), ui.FlashSuccess,
		fmt.Sprintf(msgEvalJudged, unit, reporting.FormatPoints(card.Score), card.Rating))
}

// handleEvaluationComment records a unit's comment.
func (s *Server) handleEvaluationComment(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.idForm(w, r)
	if !ok {
		return
	}
	unit := r.PathValue("code")
	_, err := s.opts.Ops.Comment(r.Context(), u, s.now(), id, unit, r.PostForm.Get("criterion"), r.PostForm.Get("body"))
	s.actionDone(w, r, fmt.Sprintf("/evaluations/%d/units/%s", id, unit), err, msgEvalCommented)
}

// handleEvaluationEvidence answers a judgement's evidence file.
func (s *Server) handleEvaluationEvidence(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.signedInID(w, r)
	if !ok {
		return
	}
	name, data, err := s.opts.Ops.Evidence(r.Context(), u, id, r.PathValue("code"), r.PathValue("criterion"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	// Served as a download of unknown type: the file is what an inspector
	// uploaded, never shown in the page's origin.
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Cache-Control", "no-store")
	attachment(w, name, ops.ASCIIName(name))
	_, _ = w.Write(data)
}
