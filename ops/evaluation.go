package ops

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"baocao/reporting"
	"baocao/reporting/pdf"
	"baocao/reporting/xlsx"
	"baocao/store"
)

// The annual evaluation (issue 17): an inspector opens a round for a
// scorecard and a year; every automatic criterion is computed for every
// unit from stored data as at a chosen moment (the status history decides
// what was on time then); inspectors score the judgement criteria with a
// justification; units read their provisional scorecard and may comment
// until a day; the round is then closed and frozen. Every change is
// audited with who and why, in the transaction that makes it.

// Messages of evaluations.
const (
	msgEvalYearEarly      = "Bộ tiêu chí %s áp dụng từ năm %d; không đánh giá được năm %d."
	msgEvalYearFuture     = "Năm %d chưa kết thúc số liệu; chỉ đánh giá được năm đã qua hoặc năm nay."
	msgEvalAsAtFuture     = "Thời điểm tính điểm (%s) chưa đến; xin chọn thời điểm đã qua."
	msgEvalCommentsPast   = "Hạn góp ý (%s) phải sau thời điểm mở đợt đánh giá."
	msgEvalClosed         = "Đợt đánh giá %s năm %d đã kết thúc ngày %s; mọi số điểm đã cố định, không thay đổi được nữa."
	msgEvalReasonRequired = "Xin ghi lý do tính lại điểm (lưu vào nhật ký)."
	msgEvalNotInspector   = "Tiêu chí %s được chấm tự động từ số liệu; không chấm tay được."
	msgEvalNoCriterion    = "Bộ tiêu chí không có tiêu chí %q."
	msgEvalPointsRange    = "Điểm của tiêu chí %s phải từ 0 đến %s."
	msgEvalJustify        = "Xin ghi căn cứ chấm điểm (biên bản, kết quả kiểm tra…): bắt buộc với mỗi lần chấm."
	msgEvalJustifyLong    = "Căn cứ chấm điểm dài quá %d ký tự."
	msgEvalEvidenceBig    = "Tệp minh chứng lớn quá %d MB."
	msgEvalCommentEmpty   = "Xin nhập nội dung góp ý."
	msgEvalCommentLong    = "Góp ý dài quá %d ký tự."
	msgEvalCommentClosed  = "Đã hết hạn góp ý (%s)."
	msgEvalCommentNotUnit = "Chỉ đơn vị được đánh giá (và đơn vị quản lý cấp trên) được góp ý về kết quả của %s."
	msgEvalPending        = "Còn %d tiêu chí do đoàn đánh giá chấm chưa có điểm (ví dụ: %s). Chấm đủ trước khi kết thúc, hoặc xác nhận kết thúc với 0 điểm cho các tiêu chí chưa chấm."
	msgEvalLine           = "Dòng %d: %s"
	msgEvalResultsForbid  = "Chỉ thanh tra và quản trị viên được xem kết quả của mọi đơn vị; đơn vị xem phiếu điểm của mình."
	msgEvalCardForbidden  = "Bạn không có quyền xem phiếu điểm của %s."
	msgEvalUnitNotInRound = "Đơn vị %s không thuộc đợt đánh giá này."
)

// Bounds of what evaluations keep.
const (
	maxJustification  = 2000
	maxComment        = 4000
	maxEvidenceBytes  = 5 << 20
	defaultCommentFor = 15 * 24 * time.Hour
)

// OpenRoundInput is what an inspector gives to open a round.
type OpenRoundInput struct {
	Scorecard string
	Year      int
	// AsAt is the moment the automatic criteria are computed as at; zero
	// means now. CommentsUntil is the end of the units' comment window;
	// zero means 15 days from now.
	AsAt          time.Time
	CommentsUntil time.Time
}

// OpenRound opens the year's evaluation for a scorecard and computes every
// unit's scorecard.
func (s *Service) OpenRound(ctx context.Context, u reporting.User, now time.Time, in OpenRoundInput) (store.Round, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin, reporting.RoleInspector); err != nil {
		return store.Round{}, err
	}
	if in.AsAt.IsZero() {
		in.AsAt = now
	}
	if in.CommentsUntil.IsZero() {
		in.CommentsUntil = now.Add(defaultCommentFor)
	}
	loc := s.opts.Location
	switch {
	case in.AsAt.After(now):
		return store.Round{}, reporting.Errorf(reporting.EINVALID, msgEvalAsAtFuture, reporting.FormatDateTime(in.AsAt.In(loc)))
	case in.Year > now.In(loc).Year():
		return store.Round{}, reporting.Errorf(reporting.EINVALID, msgEvalYearFuture, in.Year)
	case !in.CommentsUntil.After(now):
		return store.Round{}, reporting.Errorf(reporting.EINVALID, msgEvalCommentsPast, reporting.FormatDateTime(in.CommentsUntil.In(loc)))
	}
	var round store.Round
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		scs, err := tx.CurrentScorecards(ctx)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(scs, func(sc reporting.Scorecard) bool { return sc.Code == in.Scorecard })
		if i < 0 {
			return reporting.Errorf(reporting.ENOTFOUND, "Không tìm thấy bộ tiêu chí %s.", in.Scorecard)
		}
		if in.Year < scs[i].FromYear {
			return reporting.Errorf(reporting.EINVALID, msgEvalYearEarly, in.Scorecard, scs[i].FromYear, in.Year)
		}
		// The units evaluated are those of the year's last day, or of the
		// moment's day when the year is not over.
		treeDay := reporting.Day(in.Year, time.December, 31)
		if d := reporting.DayOf(in.AsAt, loc); d.Before(treeDay) {
			treeDay = d
		}
		id, err := tx.CreateRound(ctx, store.NewRound{ScorecardCode: in.Scorecard, Year: in.Year, AsAt: in.AsAt, TreeDay: treeDay,
			CommentsUntil: in.CommentsUntil, OpenedBy: u.Email, OpenedAt: now})
		if err != nil {
			return err
		}
		if round, err = tx.LockRound(ctx, id); err != nil {
			return err
		}
		n, err := s.computeRound(ctx, tx, round)
		if err != nil {
			return err
		}
		round.Units = n
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "evaluation.open", ObjectType: "evaluation_round",
			ObjectID: strconv.FormatInt(id, 10), Details: map[string]any{"scorecard": in.Scorecard, "year": in.Year,
				"as_at": in.AsAt, "comments_until": in.CommentsUntil, "units": n}})
	})
	if err != nil {
		return store.Round{}, err
	}
	return round, nil
}

// computeRound scores every unit of round r afresh as at r.AsAt, keeping
// the inspectors' judgements, and returns how many units it scored.
func (s *Service) computeRound(ctx context.Context, tx *store.Store, r store.Round) (int, error) {
	sc, err := tx.ScorecardVersion(ctx, r.ScorecardVersionID)
	if err != nil {
		return 0, err
	}
	if sc.FieldLabels, err = s.fieldLabels(ctx, tx, sc); err != nil {
		return 0, err
	}
	subjects, err := tx.EvaluationSubjects(ctx, sc.UnitKinds, r.TreeDay)
	if err != nil {
		return 0, err
	}
	var discipline map[string]reporting.Discipline
	if len(sc.Forms) > 0 {
		if discipline, err = tx.DisciplineOf(ctx, sc.Forms, r.Year, r.AsAt); err != nil {
			return 0, err
		}
	}
	// One read per (form, periodicity) the figures criteria use.
	type source struct {
		form        string
		periodicity reporting.Periodicity
	}
	fields := map[source][]string{}
	var sources []source
	for _, c := range sc.Criteria() {
		if c.Figures == nil {
			continue
		}
		k := source{c.Figures.Form, c.Figures.Periodicity}
		if _, ok := fields[k]; !ok {
			sources = append(sources, k)
		}
		if c.Figures.Ratio != nil {
			fields[k] = append(fields[k], c.Figures.Ratio.Numerator, c.Figures.Ratio.Denominator)
		} else {
			fields[k] = append(fields[k], c.Figures.Field)
		}
	}
	periods := map[string][]reporting.PeriodFigures{}
	for _, k := range sources {
		got, err := tx.FiguresOf(ctx, k.form, k.periodicity, r.Year, r.AsAt, fields[k])
		if err != nil {
			return 0, err
		}
		for code, ps := range got {
			periods[code] = append(periods[code], ps...)
		}
	}
	judged, err := tx.Judgements(ctx, r.ID, "")
	if err != nil {
		return 0, err
	}
	cards := make([]store.EvaluatedCard, len(subjects))
	for i, e := range subjects {
		cards[i] = store.EvaluatedCard{Code: e.Code, VersionID: e.VersionID, Card: sc.Score(discipline[e.Code], periods[e.Code], judged[e.Code])}
	}
	if err := tx.SaveCards(ctx, r.ID, cards); err != nil {
		return 0, err
	}
	return len(cards), nil
}

// fieldLabels names the fields the scorecard's figures criteria read, from
// the current versions of their forms.
func (s *Service) fieldLabels(ctx context.Context, tx *store.Store, sc reporting.Scorecard) (map[string]string, error) {
	forms, err := tx.CurrentForms(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, c := range sc.Criteria() {
		if c.Figures == nil {
			continue
		}
		for _, f := range forms {
			if f.Code != c.Figures.Form {
				continue
			}
			for _, fl := range f.Fields() {
				out[fl.Code] = fl.Label
			}
		}
	}
	return out, nil
}

// openRound locks round id and refuses a closed one.
func (s *Service) openRound(ctx context.Context, tx *store.Store, id int64) (store.Round, error) {
	r, err := tx.LockRound(ctx, id)
	if err != nil {
		return r, err
	}
	if r.Closed() {
		return r, reporting.Errorf(reporting.ECONFLICT, msgEvalClosed, r.ScorecardCode, r.Year, reporting.FormatDateTime(r.ClosedAt.In(s.opts.Location)))
	}
	return r, nil
}

// Recompute scores round id's units again as at asAt (zero: now), for a
// reason, keeping the judgements: data corrected since the round opened
// (a late review, an exemption) then counts.
func (s *Service) Recompute(ctx context.Context, u reporting.User, now time.Time, id int64, asAt time.Time, reason string) (store.Round, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin, reporting.RoleInspector); err != nil {
		return store.Round{}, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return store.Round{}, reporting.Errorf(reporting.EINVALID, msgEvalReasonRequired)
	}
	if asAt.IsZero() {
		asAt = now
	}
	if asAt.After(now) {
		return store.Round{}, reporting.Errorf(reporting.EINVALID, msgEvalAsAtFuture, reporting.FormatDateTime(asAt.In(s.opts.Location)))
	}
	var r store.Round
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		var err error
		if r, err = s.openRound(ctx, tx, id); err != nil {
			return err
		}
		before := r.AsAt
		if err := tx.SetRoundMoment(ctx, id, asAt, now); err != nil {
			return err
		}
		r.AsAt, r.ComputedAt = asAt, now
		if r.Units, err = s.computeRound(ctx, tx, r); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "evaluation.recompute", ObjectType: "evaluation_round",
			ObjectID: strconv.FormatInt(id, 10), Details: map[string]any{"as_at_before": before, "as_at": asAt, "reason": reason}})
	})
	return r, err
}

// JudgeInput is an inspector's score of one criterion for one unit; Judge
// sets who and when.
type JudgeInput = store.JudgementInput

// Judge records an inspector's points on a judgement criterion, with the
// justification (required) and optionally an evidence file, and rescores
// the unit. A later judgement replaces an earlier one; the audit trail
// keeps both.
func (s *Service) Judge(ctx context.Context, u reporting.User, now time.Time, in JudgeInput) (reporting.UnitScore, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin, reporting.RoleInspector); err != nil {
		return reporting.UnitScore{}, err
	}
	var card reporting.UnitScore
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		r, err := s.openRound(ctx, tx, in.RoundID)
		if err != nil {
			return err
		}
		sc, err := tx.ScorecardVersion(ctx, r.ScorecardVersionID)
		if err != nil {
			return err
		}
		card, err = s.judge(ctx, tx, u, now, sc, in)
		return err
	})
	return card, err
}

// JudgeAll records many judgements of round id at once — an inspection's
// scores from a file — all or none: the first refusal names its line
// (lines counted from 2, after a header) and nothing is stored.
func (s *Service) JudgeAll(ctx context.Context, u reporting.User, now time.Time, id int64, ins []JudgeInput) error {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin, reporting.RoleInspector); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Store) error {
		r, err := s.openRound(ctx, tx, id)
		if err != nil {
			return err
		}
		sc, err := tx.ScorecardVersion(ctx, r.ScorecardVersionID)
		if err != nil {
			return err
		}
		for i, in := range ins {
			in.RoundID = id
			if _, err := s.judge(ctx, tx, u, now, sc, in); err != nil {
				if code := reporting.ErrorCode(err); code != reporting.EINTERNAL {
					return reporting.Errorf(code, msgEvalLine, i+2, reporting.ErrorMessage(err))
				}
				return fmt.Errorf("judgement on line %d: %w", i+2, err)
			}
		}
		return nil
	})
}

// judge checks and records one judgement in tx and rescores its unit.
func (s *Service) judge(ctx context.Context, tx *store.Store, u reporting.User, now time.Time, sc reporting.Scorecard, in JudgeInput) (reporting.UnitScore, error) {
	in.Justification = strings.TrimSpace(in.Justification)
	switch {
	case in.Justification == "":
		return reporting.UnitScore{}, reporting.Errorf(reporting.EINVALID, msgEvalJustify)
	case utf8.RuneCountInString(in.Justification) > maxJustification:
		return reporting.UnitScore{}, reporting.Errorf(reporting.EINVALID, msgEvalJustifyLong, maxJustification)
	case len(in.Evidence) > maxEvidenceBytes:
		return reporting.UnitScore{}, reporting.Errorf(reporting.EINVALID, msgEvalEvidenceBig, maxEvidenceBytes>>20)
	}
	if len(in.Evidence) == 0 {
		in.Evidence, in.EvidenceName = nil, ""
	} else {
		in.EvidenceName = CleanFileName(in.EvidenceName)
	}
	c, ok := sc.Criterion(in.Criterion)
	switch {
	case !ok:
		return reporting.UnitScore{}, reporting.Errorf(reporting.EINVALID, msgEvalNoCriterion, in.Criterion)
	case c.Inspector == nil:
		return reporting.UnitScore{}, reporting.Errorf(reporting.EINVALID, msgEvalNotInspector, c.Title)
	case in.Points < 0 || in.Points > c.Max || in.Points != in.Points:
		return reporting.UnitScore{}, reporting.Errorf(reporting.EINVALID, msgEvalPointsRange, c.Title, reporting.FormatPoints(c.Max))
	}
	current, _, _, err := tx.RoundCard(ctx, in.RoundID, in.Unit)
	if err != nil {
		return reporting.UnitScore{}, err
	}
	in.By, in.At = u.Email, now
	prev, err := tx.SetJudgement(ctx, in)
	if err != nil {
		return reporting.UnitScore{}, err
	}
	judged, err := tx.Judgements(ctx, in.RoundID, in.Unit)
	if err != nil {
		return reporting.UnitScore{}, err
	}
	card := sc.Rejudge(current.UnitScore, judged[in.Unit])
	if err := tx.UpdateCard(ctx, in.RoundID, in.Unit, card); err != nil {
		return reporting.UnitScore{}, err
	}
	details := map[string]any{"unit": in.Unit, "criterion": in.Criterion, "points": in.Points, "justification": in.Justification,
		"score": card.Score, "rating": card.Rating}
	if prev != nil {
		details["points_before"], details["justification_before"] = prev.Points, prev.Justification
	}
	if in.EvidenceName != "" {
		details["evidence"] = in.EvidenceName
	}
	return card, tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "evaluation.judge", ObjectType: "evaluation_round",
		ObjectID: strconv.FormatInt(in.RoundID, 10), Details: details})
}

// Comment records a unit's comment on its provisional scorecard (on one
// criterion, or the whole with criterion ""), until the round's comment
// deadline.
func (s *Service) Comment(ctx context.Context, u reporting.User, now time.Time, id int64, unit, criterion, body string) (store.Comment, error) {
	body = strings.TrimSpace(body)
	switch {
	case body == "":
		return store.Comment{}, reporting.Errorf(reporting.EINVALID, msgEvalCommentEmpty)
	case utf8.RuneCountInString(body) > maxComment:
		return store.Comment{}, reporting.Errorf(reporting.EINVALID, msgEvalCommentLong, maxComment)
	}
	c := store.Comment{Unit: unit, Criterion: criterion, Body: body, Author: u.Email, At: now}
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		r, err := s.openRound(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.authorizeUnitCard(ctx, tx, u, r, unit, true); err != nil {
			return err
		}
		if now.After(r.CommentsUntil) {
			return reporting.Errorf(reporting.ECONFLICT, msgEvalCommentClosed, reporting.FormatDateTime(r.CommentsUntil.In(s.opts.Location)))
		}
		if criterion != "" {
			sc, err := tx.ScorecardVersion(ctx, r.ScorecardVersionID)
			if err != nil {
				return err
			}
			if _, ok := sc.Criterion(criterion); !ok {
				return reporting.Errorf(reporting.EINVALID, msgEvalNoCriterion, criterion)
			}
		}
		if c.ID, err = tx.AddComment(ctx, id, c); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "evaluation.comment", ObjectType: "evaluation_round",
			ObjectID: strconv.FormatInt(id, 10), Details: map[string]any{"unit": unit, "criterion": criterion, "comment_id": c.ID}})
	})
	return c, err
}

// authorizeUnitCard lets u see (or, with comment, comment on) unit's
// scorecard in round r: inspectors and administrators see every unit; a
// unit's clerks and the supervisors above it see and comment on it.
func (s *Service) authorizeUnitCard(ctx context.Context, tx *store.Store, u reporting.User, r store.Round, unit string, comment bool) error {
	if !comment && reporting.AuthorizeRole(u, reporting.RoleAdmin, reporting.RoleInspector) == nil {
		return nil
	}
	ancestors, err := tx.UnitAncestors(ctx, unit, r.TreeDay)
	if err != nil {
		return err
	}
	if comment {
		if u.Role == reporting.RoleAdmin || u.Role == reporting.RoleInspector || !reporting.CanFileFor(u, unit, ancestors) {
			return reporting.Errorf(reporting.EFORBIDDEN, msgEvalCommentNotUnit, unit)
		}
		return nil
	}
	if !reporting.CanFileFor(u, unit, ancestors) {
		return reporting.Errorf(reporting.EFORBIDDEN, msgEvalCardForbidden, unit)
	}
	return nil
}

// CloseRound freezes round id. Judgement criteria not yet scored refuse
// the closing, unless zeroPending confirms they count 0.
func (s *Service) CloseRound(ctx context.Context, u reporting.User, now time.Time, id int64, zeroPending bool) (store.Round, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin, reporting.RoleInspector); err != nil {
		return store.Round{}, err
	}
	var r store.Round
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		var err error
		if r, err = s.openRound(ctx, tx, id); err != nil {
			return err
		}
		results, err := tx.RoundResults(ctx, id)
		if err != nil {
			return err
		}
		pending, example := 0, ""
		for _, e := range results {
			pending += e.Pending
			if e.Pending > 0 && example == "" {
				example = e.Name
			}
		}
		if pending > 0 && !zeroPending {
			return reporting.Errorf(reporting.ECONFLICT, msgEvalPending, pending, example)
		}
		if err := tx.CloseRound(ctx, id, u.Email, now); err != nil {
			return err
		}
		r.ClosedBy, r.ClosedAt = u.Email, &now
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "evaluation.close", ObjectType: "evaluation_round",
			ObjectID: strconv.FormatInt(id, 10), Details: map[string]any{"units": len(results), "pending_scored_zero": pending}})
	})
	return r, err
}

// Scorecards lists the current scorecards, for inspectors and
// administrators opening a round.
func (s *Service) Scorecards(ctx context.Context, u reporting.User) ([]reporting.Scorecard, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin, reporting.RoleInspector); err != nil {
		return nil, err
	}
	return s.st.CurrentScorecards(ctx)
}

// Rounds lists the rounds u may see: every round for inspectors and
// administrators, the rounds that evaluate their unit's kind for others.
func (s *Service) Rounds(ctx context.Context, u reporting.User) ([]store.Round, error) {
	if !u.Active {
		return nil, reporting.Errorf(reporting.EFORBIDDEN, msgEvalResultsForbid)
	}
	return s.st.Rounds(ctx)
}

// RoundView is a round and its results.
type RoundView struct {
	Round store.Round
	reporting.EvaluationResults
}

// RoundResults is round id's results for an inspector or administrator.
func (s *Service) RoundResults(ctx context.Context, u reporting.User, id int64) (RoundView, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin, reporting.RoleInspector); err != nil {
		return RoundView{}, reporting.Errorf(reporting.EFORBIDDEN, msgEvalResultsForbid)
	}
	return s.roundView(ctx, s.st, id)
}

func (s *Service) roundView(ctx context.Context, st *store.Store, id int64) (RoundView, error) {
	var (
		v   RoundView
		err error
	)
	if v.Round, err = st.Round(ctx, id); err != nil {
		return v, err
	}
	v.Year, v.AsAt, v.ClosedAt = v.Round.Year, v.Round.AsAt, v.Round.ClosedAt
	if v.Scorecard, err = st.ScorecardVersion(ctx, v.Round.ScorecardVersionID); err != nil {
		return v, err
	}
	if v.Units, err = st.RoundResults(ctx, id); err != nil {
		return v, err
	}
	if v.Province, err = st.ProvinceName(ctx, v.Round.TreeDay); err != nil {
		return v, err
	}
	prev, ok, err := st.PreviousClosedRound(ctx, v.Round)
	if err != nil {
		return v, err
	}
	if ok {
		v.PreviousYear = prev.Year
		then, err := st.RoundScores(ctx, prev.ID)
		if err != nil {
			return v, err
		}
		successors, err := st.Successors(ctx)
		if err != nil {
			return v, err
		}
		v.Compared, v.Regrouped = reporting.CompareYears(v.Units, then, successors)
	}
	var parents []string
	for _, e := range v.Units {
		if e.Parent != "" && !slices.Contains(parents, e.Parent) {
			parents = append(parents, e.Parent)
		}
	}
	if v.ParentNames, err = st.UnitNames(ctx, parents, v.Round.TreeDay); err != nil {
		return v, err
	}
	v.Summarize()
	return v, nil
}

// UnitCardView is one unit's scorecard in a round.
type UnitCardView struct {
	Round     store.Round
	Scorecard reporting.Scorecard
	Unit      reporting.EvaluatedUnit
	// Of is how many units of its kind and under its parent are ranked.
	OfKind, OfParent int
	ParentName       string
	Judgements       map[string]store.JudgementDetail
	Comments         []store.Comment
	// CanJudge: u may score the judgement criteria (the round is open);
	// CanComment: u may comment now.
	CanJudge, CanComment bool
}

// UnitCard is unit's scorecard in round id, with its ranks, the
// judgements' details and the comments, for the unit's users and
// inspectors.
func (s *Service) UnitCard(ctx context.Context, u reporting.User, now time.Time, id int64, unit string) (UnitCardView, error) {
	r, err := s.st.Round(ctx, id)
	if err != nil {
		return UnitCardView{}, err
	}
	if err := s.authorizeUnitCard(ctx, s.st, u, r, unit, false); err != nil {
		return UnitCardView{}, err
	}
	sc, err := s.st.ScorecardVersion(ctx, r.ScorecardVersionID)
	if err != nil {
		return UnitCardView{}, err
	}
	v := UnitCardView{Round: r, Scorecard: sc}
	if v.Unit, v.OfKind, v.OfParent, err = s.st.RoundCard(ctx, id, unit); err != nil {
		return v, err
	}
	names, err := s.st.UnitNames(ctx, []string{v.Unit.Parent}, r.TreeDay)
	if err != nil {
		return v, err
	}
	v.ParentName = names[v.Unit.Parent]
	if err := s.compareCard(ctx, r, &v.Unit); err != nil {
		return v, err
	}
	if v.Judgements, err = s.st.JudgementDetails(ctx, id, unit); err != nil {
		return v, err
	}
	if v.Comments, err = s.st.Comments(ctx, id, unit); err != nil {
		return v, err
	}
	staff := reporting.AuthorizeRole(u, reporting.RoleAdmin, reporting.RoleInspector) == nil
	v.CanJudge = staff && !r.Closed()
	v.CanComment = !staff && !r.Closed() && !now.After(r.CommentsUntil)
	return v, nil
}

// compareCard sets u's change from last year's closed round, if any.
func (s *Service) compareCard(ctx context.Context, r store.Round, u *reporting.EvaluatedUnit) error {
	prev, ok, err := s.st.PreviousClosedRound(ctx, r)
	if err != nil || !ok {
		return err
	}
	then, err := s.st.RoundScores(ctx, prev.ID)
	if err != nil {
		return err
	}
	successors, err := s.st.Successors(ctx)
	if err != nil {
		return err
	}
	now := []reporting.EvaluatedUnit{*u}
	reporting.CompareYears(now, then, successors)
	*u = now[0]
	return nil
}

// MyRounds lists the rounds in which u's unit is evaluated, for the unit's
// own page.
func (s *Service) MyRounds(ctx context.Context, u reporting.User) ([]store.Round, error) {
	if u.UnitCode == "" {
		return nil, nil
	}
	return s.st.RoundsOf(ctx, u.UnitCode)
}

// Evidence is the evidence file of a judgement, for inspectors and the
// unit's users.
func (s *Service) Evidence(ctx context.Context, u reporting.User, id int64, unit, criterion string) (string, []byte, error) {
	r, err := s.st.Round(ctx, id)
	if err != nil {
		return "", nil, err
	}
	if err := s.authorizeUnitCard(ctx, s.st, u, r, unit, false); err != nil {
		return "", nil, err
	}
	name, data, err := s.st.Evidence(ctx, id, unit, criterion)
	if err != nil {
		return "", nil, err
	}
	return name, data, nil
}

// RoundReport writes round id's results as a workbook or the People's
// Council PDF ("Báo cáo kết quả đánh giá mức độ thực hiện dân chủ ở cơ sở
// năm …") to w, for inspectors and administrators.
func (s *Service) RoundReport(ctx context.Context, u reporting.User, now time.Time, id int64, format ReportFormat, text PDFText, w io.Writer) (RoundView, error) {
	v, err := s.RoundResults(ctx, u, id)
	if err != nil {
		return v, err
	}
	switch format {
	case ReportXLSX:
		err = xlsx.WriteEvaluation(ctx, w, &v.EvaluationResults, xlsx.Options{Now: now, Location: s.opts.Location})
	case ReportPDF:
		err = pdf.WriteEvaluation(ctx, w, &v.EvaluationResults, pdf.Options{ParentBody: text.ParentBody, Issuer: text.Issuer,
			Number: text.Number, Place: text.Place, Subject: text.Subject, Signer: text.Signer, Date: now, Location: s.opts.Location})
	default:
		return v, fmt.Errorf("evaluation report %d: unknown format %q", id, format)
	}
	if err != nil {
		return v, fmt.Errorf("evaluation report %d: %w", id, err)
	}
	return v, nil
}

// RoundReportName is the file name of round r's report: danh-gia-DGDC-XA-2025.pdf.
func RoundReportName(r store.Round, format ReportFormat) string {
	return CleanFileName(fmt.Sprintf("danh-gia-%s-%d.%s", r.ScorecardCode, r.Year, format))
}
