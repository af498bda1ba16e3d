package ops

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"baocao/reporting"
	"baocao/store"
)

// Publishing (issue 17): an administrator makes a period's compliance and
// chosen totals, or a closed evaluation round's ratings, public on
// /cong-khai. What is public is set by these views, never by a page: only
// counts and totals per parent unit and per kind for a period, and each
// unit's score and rating for a round — no person, no e-mail, no free text.

// Messages of publishing.
const (
	msgPublishAdminOnly   = "Chỉ quản trị viên được công khai hoặc thôi công khai."
	msgPublishNoFields    = "Xin chọn ít nhất một chỉ tiêu số để công khai tổng số."
	msgPublishBadField    = "Chỉ tiêu %q không công khai được: chỉ công khai chỉ tiêu số có phép tổng hợp (tổng, bình quân, tỷ lệ), không công khai câu trả lời chữ hay lựa chọn của đơn vị."
	msgPublishNotOpen     = "Kỳ báo cáo %s chưa mở; chưa có gì để công khai."
	msgPublishRoundOpen   = "Đợt đánh giá năm %d chưa kết thúc; chỉ công khai kết quả đã cố định."
	msgPublicNotPublished = "Nội dung này chưa được công khai."
)

func authorizePublish(u reporting.User) error {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return reporting.Errorf(reporting.EFORBIDDEN, msgPublishAdminOnly)
	}
	return nil
}

// PublishableFields are the fields of form f that may be published: the
// numeric ones that consolidate to a number.
func PublishableFields(f reporting.Form) []reporting.Field {
	var out []reporting.Field
	for _, fl := range f.Fields() {
		if publishable(fl) {
			out = append(out, fl)
		}
	}
	return out
}

func publishable(f reporting.Field) bool {
	switch f.Type {
	case reporting.TypeInt, reporting.TypeDecimal, reporting.TypePercent:
	default:
		return false
	}
	switch f.Aggregate {
	case reporting.AggSum, reporting.AggAvg, reporting.AggRatio:
		return true
	}
	return false
}

// PublishPeriod makes period periodID public with the totals of fields.
func (s *Service) PublishPeriod(ctx context.Context, u reporting.User, now time.Time, periodID int64, fields []string) (int64, error) {
	if err := authorizePublish(u); err != nil {
		return 0, err
	}
	if len(fields) == 0 {
		return 0, reporting.Errorf(reporting.EINVALID, msgPublishNoFields)
	}
	var id int64
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		p, err := tx.Period(ctx, periodID)
		if err != nil {
			return err
		}
		if now.Before(p.OpensAt) {
			return reporting.Errorf(reporting.ECONFLICT, msgPublishNotOpen, p.Label)
		}
		f, err := tx.FormVersion(ctx, p.FormVersionID)
		if err != nil {
			return err
		}
		var chosen []string
		for _, code := range fields {
			fl, ok := f.Field(code)
			if !ok || !publishable(fl) {
				return reporting.Errorf(reporting.EINVALID, msgPublishBadField, code)
			}
			if !slices.Contains(chosen, code) {
				chosen = append(chosen, code)
			}
		}
		if id, err = tx.Publish(ctx, store.Publication{PeriodID: periodID, Fields: chosen, PublishedBy: u.Email, PublishedAt: now}); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "publication.publish", ObjectType: "period",
			ObjectID: strconv.FormatInt(periodID, 10), Details: map[string]any{"form": p.FormCode, "period": p.Key, "fields": strings.Join(chosen, ",")}})
	})
	return id, err
}

// PublishRound makes closed round roundID's ratings public.
func (s *Service) PublishRound(ctx context.Context, u reporting.User, now time.Time, roundID int64) (int64, error) {
	if err := authorizePublish(u); err != nil {
		return 0, err
	}
	var id int64
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		r, err := tx.Round(ctx, roundID)
		if err != nil {
			return err
		}
		if !r.Closed() {
			return reporting.Errorf(reporting.ECONFLICT, msgPublishRoundOpen, r.Year)
		}
		if id, err = tx.Publish(ctx, store.Publication{RoundID: roundID, PublishedBy: u.Email, PublishedAt: now}); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "publication.publish", ObjectType: "evaluation_round",
			ObjectID: strconv.FormatInt(roundID, 10), Details: map[string]any{"scorecard": r.ScorecardCode, "year": r.Year}})
	})
	return id, err
}

// Unpublish withdraws publication id.
func (s *Service) Unpublish(ctx context.Context, u reporting.User, now time.Time, id int64) error {
	if err := authorizePublish(u); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Store) error {
		p, err := tx.Unpublish(ctx, id)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "publication.withdraw", ObjectType: "publication",
			ObjectID: strconv.FormatInt(id, 10), Details: map[string]any{"period_id": p.PeriodID, "round_id": p.RoundID, "title": p.Title, "label": p.Label}})
	})
}

// Publications lists what is public, newest first: for anyone.
func (s *Service) Publications(ctx context.Context) ([]store.Publication, error) {
	return s.st.Publications(ctx)
}

// PublicPeriod is a published period as the public sees it.
type PublicPeriod struct {
	Publication store.Publication `json:"-"`
	FormCode    string            `json:"form"`
	FormTitle   string            `json:"form_title"`
	Period      string            `json:"period"`
	Label       string            `json:"label"`
	DataFrom    time.Time         `json:"data_from"`
	DataTo      time.Time         `json:"data_to"`
	// At is the moment the figures describe: the period's lock once past
	// (its figures then final), else now.
	At    time.Time `json:"at"`
	Final bool      `json:"final"`
	// Province names the territory.
	Province string `json:"province"`
	// Compliance counts per kind and per parent unit and for the whole.
	Total    PublicCounts   `json:"total"`
	ByKind   []PublicCounts `json:"by_kind"`
	ByParent []PublicCounts `json:"by_parent"`
	// Fields are the published fields; Totals their values per group, in
	// Fields order (the whole first, then per kind, then per parent unit
	// and kind).
	Fields []PublicField `json:"fields"`
	Totals []PublicTotal `json:"totals"`
}

// PublicCounts is a group's compliance.
type PublicCounts struct {
	Group     string  `json:"group"`
	Obliged   int     `json:"obliged"`
	Exempt    int     `json:"exempt"`
	Filed     int     `json:"filed"`
	OnTime    int     `json:"on_time"`
	Late      int     `json:"late"`
	Missing   int     `json:"missing"`
	OnTimeAll float64 `json:"on_time_rate"`
	FiledAll  float64 `json:"filed_rate"`
}

// PublicField is a published field.
type PublicField struct {
	Code      string `json:"code"`
	Label     string `json:"label"`
	Unit      string `json:"unit,omitempty"`
	Aggregate string `json:"aggregate"`
}

// PublicTotal is one group's totals of the published fields.
type PublicTotal struct {
	Group    string   `json:"group"`
	Level    string   `json:"level"`
	Reported int      `json:"reported"`
	Obliged  int      `json:"obliged"`
	Values   []string `json:"values"`
}

func publicCounts(group string, c store.ComplianceCounts) PublicCounts {
	return PublicCounts{Group: group, Obliged: c.Obliged, Exempt: c.Exempt, Filed: c.Submitted + c.Late + c.Accepted, OnTime: c.OnTime,
		Late: c.FiledLate, Missing: c.Missing, OnTimeAll: c.OnTimeRate, FiledAll: c.FiledRate}
}

// PublicPeriodView is published period periodID for anyone.
func (s *Service) PublicPeriodView(ctx context.Context, now time.Time, periodID int64) (PublicPeriod, error) {
	pub, err := s.st.PublicationOf(ctx, periodID, 0)
	if err != nil {
		return PublicPeriod{}, reporting.Errorf(reporting.ENOTFOUND, msgPublicNotPublished)
	}
	p, err := s.st.Period(ctx, periodID)
	if err != nil {
		return PublicPeriod{}, err
	}
	v := PublicPeriod{Publication: pub, FormCode: p.FormCode, Period: p.Key, Label: p.Label, DataFrom: p.DataFrom, DataTo: p.DataTo, At: now}
	if !now.Before(p.LocksAt) {
		v.At, v.Final = p.LocksAt, true
	}
	comp, err := s.st.PeriodCompliance(ctx, periodID, v.At, reporting.AllUnits)
	if err != nil {
		return v, err
	}
	v.Total = publicCounts("", comp.Total)
	for _, g := range comp.ByKind {
		v.ByKind = append(v.ByKind, publicCounts(g.Name, g.ComplianceCounts))
	}
	for _, g := range comp.ByParent {
		v.ByParent = append(v.ByParent, publicCounts(g.Name, g.ComplianceCounts))
	}
	c, err := s.st.Consolidate(ctx, store.ConsolidationQuery{FormCode: p.FormCode, Period: strconv.FormatInt(p.ID, 10), At: v.At, Scope: reporting.AllUnits, GroupsOnly: true})
	if err != nil {
		return v, err
	}
	v.FormTitle = c.Form.Title
	v.Province, _ = reporting.TerritoryOf(c.Province)
	var idx []int
	for _, code := range pub.Fields {
		i := c.FieldIndex(code)
		if i < 0 || !publishable(c.Fields[i]) {
			continue // a field the period's form version does not have
		}
		f := c.Fields[i]
		idx = append(idx, i)
		v.Fields = append(v.Fields, PublicField{Code: f.Code, Label: f.Label, Unit: f.Unit, Aggregate: aggregateLabel(f.Aggregate)})
	}
	add := func(level string, g *reporting.Group) {
		t := PublicTotal{Group: g.Label(), Level: level, Reported: g.Reported, Obliged: g.Obliged}
		if level == "province" {
			t.Group = c.TotalLabel()
		}
		for _, i := range idx {
			t.Values = append(t.Values, reporting.FormatValue(c.Fields[i], g.Values[i].Value))
		}
		v.Totals = append(v.Totals, t)
	}
	add("province", &c.Total)
	for i := range c.Groups {
		if c.Groups[i].Level == reporting.LevelKind {
			add("kind", &c.Groups[i])
		}
	}
	for i := range c.Groups {
		if c.Groups[i].Level == reporting.LevelParent {
			add("parent", &c.Groups[i])
		}
	}
	return v, nil
}

func aggregateLabel(a reporting.Aggregate) string {
	switch a {
	case reporting.AggAvg:
		return "bình quân"
	case reporting.AggRatio:
		return "tỷ lệ chung"
	}
	return "tổng"
}

// PublicRound is a published evaluation round for anyone: ratings and
// scores, never the reasons (an inspector's justification is free text).
type PublicRound struct {
	Publication store.Publication `json:"-"`
	Scorecard   string            `json:"scorecard"`
	Title       string            `json:"title"`
	Year        int               `json:"year"`
	Province    string            `json:"province"`
	ClosedAt    time.Time         `json:"closed_at"`
	Ratings     []string          `json:"ratings"`
	Total       []int             `json:"total"`
	ByKind      []PublicRatings   `json:"by_kind"`
	ByParent    []PublicRatings   `json:"by_parent"`
	Units       []PublicScore     `json:"units"`
}

// PublicRatings is a group's units per rating.
type PublicRatings struct {
	Group  string  `json:"group"`
	Units  int     `json:"units"`
	Mean   float64 `json:"mean_score"`
	Counts []int   `json:"counts"`
}

// PublicScore is one unit's result.
type PublicScore struct {
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	Kind       string  `json:"kind"`
	Parent     string  `json:"parent"`
	Score      float64 `json:"score"`
	Rating     string  `json:"rating"`
	RankKind   int     `json:"rank_in_kind"`
	RankParent int     `json:"rank_in_parent"`
}

// PublicRoundView is published round roundID for anyone.
func (s *Service) PublicRoundView(ctx context.Context, roundID int64) (PublicRound, error) {
	pub, err := s.st.PublicationOf(ctx, 0, roundID)
	if err != nil {
		return PublicRound{}, reporting.Errorf(reporting.ENOTFOUND, msgPublicNotPublished)
	}
	rv, err := s.roundView(ctx, s.st, roundID)
	if err != nil {
		return PublicRound{}, err
	}
	v := PublicRound{Publication: pub, Scorecard: rv.Scorecard.Code, Title: rv.Scorecard.Title, Year: rv.Year, Total: rv.Ratings}
	v.Province, _ = reporting.TerritoryOf(rv.Province)
	if rv.ClosedAt != nil {
		v.ClosedAt = *rv.ClosedAt
	}
	for _, rb := range rv.Scorecard.Ratings {
		v.Ratings = append(v.Ratings, rb.Label)
	}
	for _, g := range rv.Kinds {
		v.ByKind = append(v.ByKind, PublicRatings{Group: g.Label, Units: g.Units, Mean: g.Mean, Counts: g.Ratings})
	}
	for _, g := range rv.Parents {
		v.ByParent = append(v.ByParent, PublicRatings{Group: g.Label, Units: g.Units, Mean: g.Mean, Counts: g.Ratings})
	}
	units := slices.Clone(rv.Units)
	slices.SortStableFunc(units, func(a, b reporting.EvaluatedUnit) int {
		if a.Kind != b.Kind {
			return strings.Compare(string(a.Kind), string(b.Kind))
		}
		return a.RankKind - b.RankKind
	})
	for _, e := range units {
		v.Units = append(v.Units, PublicScore{Code: e.Code, Name: e.Name, Kind: e.Kind.Label(), Parent: rv.ParentNames[e.Parent],
			Score: e.Score, Rating: e.Rating, RankKind: e.RankKind, RankParent: e.RankParent})
	}
	return v, nil
}

// PublicationsAdmin is what the administrator's publications page shows:
// what is public, and what may be published — the opened periods with
// their publishable fields, and the closed evaluation rounds.
type PublicationsAdmin struct {
	Publications []store.Publication
	Periods      []PublishablePeriod
	Rounds       []store.Round
}

// PublishablePeriod is an opened period and the fields it may publish.
type PublishablePeriod struct {
	store.PeriodRow
	FormTitle string
	Fields    []reporting.Field
	Published bool
}

// PublicationsAdmin gathers the publications page, for administrators.
func (s *Service) PublicationsAdmin(ctx context.Context, u reporting.User, now time.Time) (PublicationsAdmin, error) {
	if err := authorizePublish(u); err != nil {
		return PublicationsAdmin{}, err
	}
	var (
		v   PublicationsAdmin
		err error
	)
	if v.Publications, err = s.st.Publications(ctx); err != nil {
		return v, err
	}
	published := map[int64]bool{}
	for _, p := range v.Publications {
		published[p.PeriodID] = p.PeriodID > 0
	}
	periods, err := s.st.Periods(ctx, store.PeriodFilter{})
	if err != nil {
		return v, err
	}
	forms := map[int64]reporting.Form{}
	for _, p := range periods {
		if now.Before(p.OpensAt) {
			continue
		}
		f, ok := forms[p.FormVersionID]
		if !ok {
			if f, err = s.st.FormVersion(ctx, p.FormVersionID); err != nil {
				return v, err
			}
			forms[p.FormVersionID] = f
		}
		v.Periods = append(v.Periods, PublishablePeriod{PeriodRow: p, FormTitle: f.Title, Fields: PublishableFields(f), Published: published[p.ID]})
	}
	rounds, err := s.st.Rounds(ctx)
	if err != nil {
		return v, err
	}
	for _, r := range rounds {
		if r.Closed() {
			v.Rounds = append(v.Rounds, r)
		}
	}
	return v, nil
}
