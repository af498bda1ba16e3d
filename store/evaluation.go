package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"baocao/reporting"
)

// Scorecards and evaluation rounds (migration 00021): scorecard versions
// as form versions are kept; a round's units with their computed
// scorecards, the inspectors' judgements and the units' comments.

// scorecardsLockKey serialises scorecard syncs across instances.
const scorecardsLockKey int64 = 7242102

// Messages a user sees.
const (
	msgScorecardNotFound = "Không tìm thấy bộ tiêu chí %s."
	msgRoundNotFound     = "Không tìm thấy đợt đánh giá số %d."
	msgRoundExists       = "Đã có đợt đánh giá năm %d theo bộ tiêu chí %s."
	msgRoundClosedDB     = "Đợt đánh giá đã kết thúc; không thay đổi được nữa."
	msgEvaluatedNotFound = "Đơn vị %s không thuộc đợt đánh giá này."
)

// ScorecardSource is a scorecard definition as loaded from its file.
type ScorecardSource struct {
	Definition reporting.Scorecard
	Source     string
	Checksum   string
}

// SyncShippedScorecards adds a version of each shipped scorecard whose
// exact text it has never had, as SyncShippedForms does for forms, and
// reports each one's latest version.
func (s *Store) SyncShippedScorecards(ctx context.Context, files []ScorecardSource) ([]FormSync, error) {
	var out []FormSync
	err := s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.q.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, scorecardsLockKey); err != nil {
			return fmt.Errorf("lock scorecards: %w", err)
		}
		for _, f := range files {
			code := f.Definition.Code
			def, err := json.Marshal(f.Definition)
			if err != nil {
				return fmt.Errorf("encode scorecard %s: %w", code, err)
			}
			tag, err := tx.q.Exec(ctx, `INSERT INTO scorecards (code) VALUES ($1) ON CONFLICT DO NOTHING`, code)
			if err != nil {
				return fmt.Errorf("insert scorecard %s: %w", code, err)
			}
			r := FormSync{Code: code, Status: FormUnchanged}
			if tag.RowsAffected() == 1 {
				r.Status = FormCreated
			}
			err = tx.q.QueryRow(ctx, `
				INSERT INTO scorecard_versions (scorecard_code, version, checksum, title, definition, source)
				SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4::jsonb, $5
				FROM scorecard_versions WHERE scorecard_code = $1
				HAVING NOT bool_or(checksum = $2) OR count(*) = 0
				RETURNING id, version`, code, f.Checksum, f.Definition.Title, string(def), f.Source).Scan(&r.VersionID, &r.Version)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				if err := tx.q.QueryRow(ctx, `SELECT id, version FROM scorecard_versions WHERE scorecard_code = $1 ORDER BY version DESC LIMIT 1`,
					code).Scan(&r.VersionID, &r.Version); err != nil {
					return fmt.Errorf("latest version of scorecard %s: %w", code, err)
				}
			case err != nil:
				return fmt.Errorf("insert scorecard version %s: %w", code, err)
			case r.Status == FormUnchanged:
				r.Status = FormNewVersion
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sync scorecards: %w", err)
	}
	return out, nil
}

// CurrentScorecards is the latest version of every scorecard, by code.
func (s *Store) CurrentScorecards(ctx context.Context) ([]reporting.Scorecard, error) {
	rows, err := s.q.Query(ctx, `
		SELECT DISTINCT ON (scorecard_code) id, version, definition
		FROM scorecard_versions
		ORDER BY scorecard_code, version DESC`)
	if err != nil {
		return nil, fmt.Errorf("current scorecards: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanScorecardVersion)
	if err != nil {
		return nil, fmt.Errorf("current scorecards: %w", err)
	}
	return out, nil
}

// ScorecardVersion is the scorecard version with id.
func (s *Store) ScorecardVersion(ctx context.Context, id int64) (reporting.Scorecard, error) {
	rows, err := s.q.Query(ctx, `SELECT id, version, definition FROM scorecard_versions WHERE id = $1`, id)
	if err != nil {
		return reporting.Scorecard{}, fmt.Errorf("read scorecard version %d: %w", id, err)
	}
	sc, err := pgx.CollectExactlyOneRow(rows, scanScorecardVersion)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return sc, reporting.Errorf(reporting.ENOTFOUND, msgScorecardNotFound, fmt.Sprint(id))
	case err != nil:
		return sc, fmt.Errorf("read scorecard version %d: %w", id, err)
	}
	return sc, nil
}

func scanScorecardVersion(row pgx.CollectableRow) (reporting.Scorecard, error) {
	var (
		sc  reporting.Scorecard
		def []byte
	)
	if err := row.Scan(&sc.VersionID, &sc.Version, &def); err != nil {
		return sc, err
	}
	if err := json.Unmarshal(def, &sc); err != nil {
		return sc, fmt.Errorf("decode scorecard version %d: %w", sc.VersionID, err)
	}
	return sc, nil
}

// Round is an evaluation round.
type Round struct {
	ID                 int64      `json:"id"`
	ScorecardCode      string     `json:"scorecard"`
	ScorecardVersionID int64      `json:"-"`
	Title              string     `json:"title"`
	Year               int        `json:"year"`
	AsAt               time.Time  `json:"as_at"`
	TreeDay            time.Time  `json:"tree_day"`
	CommentsUntil      time.Time  `json:"comments_until"`
	OpenedBy           string     `json:"opened_by"`
	OpenedAt           time.Time  `json:"opened_at"`
	ComputedAt         time.Time  `json:"computed_at"`
	ClosedBy           string     `json:"closed_by,omitempty"`
	ClosedAt           *time.Time `json:"closed_at,omitempty"`
	Units              int        `json:"units"`
}

// Closed reports whether the round is frozen.
func (r Round) Closed() bool { return r.ClosedAt != nil }

const roundSelect = `
	SELECT r.id, r.scorecard_code, r.scorecard_version_id, sv.title, r.year, r.as_at, r.tree_day, r.comments_until,
	       r.opened_by, r.opened_at, r.computed_at, COALESCE(r.closed_by, ''), r.closed_at,
	       (SELECT count(*) FROM evaluation_units eu WHERE eu.round_id = r.id)
	FROM evaluation_rounds r JOIN scorecard_versions sv ON sv.id = r.scorecard_version_id`

func scanRound(row pgx.CollectableRow) (Round, error) {
	var r Round
	err := row.Scan(&r.ID, &r.ScorecardCode, &r.ScorecardVersionID, &r.Title, &r.Year, &r.AsAt, &r.TreeDay, &r.CommentsUntil,
		&r.OpenedBy, &r.OpenedAt, &r.ComputedAt, &r.ClosedBy, &r.ClosedAt, &r.Units)
	return r, err
}

// NewRound is a round to create.
type NewRound struct {
	ScorecardCode string
	Year          int
	AsAt          time.Time
	TreeDay       time.Time
	CommentsUntil time.Time
	OpenedBy      string
	OpenedAt      time.Time
}

// CreateRound records a round scored by the scorecard's latest version.
func (s *Store) CreateRound(ctx context.Context, n NewRound) (int64, error) {
	var id int64
	err := s.q.QueryRow(ctx, `
		INSERT INTO evaluation_rounds (scorecard_code, scorecard_version_id, year, as_at, tree_day, comments_until, opened_by, opened_at, computed_at)
		SELECT $1, sv.id, $2, $3, $4, $5, $6, $7, $7
		FROM scorecard_versions sv WHERE sv.scorecard_code = $1
		ORDER BY sv.version DESC LIMIT 1
		RETURNING id`, n.ScorecardCode, n.Year, n.AsAt, civilDate(n.TreeDay), n.CommentsUntil, n.OpenedBy, n.OpenedAt).Scan(&id)
	var pe *pgconn.PgError
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, reporting.Errorf(reporting.ENOTFOUND, msgScorecardNotFound, n.ScorecardCode)
	case errors.As(err, &pe) && pe.Code == "23505":
		return 0, reporting.Errorf(reporting.ECONFLICT, msgRoundExists, n.Year, n.ScorecardCode)
	case err != nil:
		return 0, fmt.Errorf("create evaluation round: %w", err)
	}
	return id, nil
}

// Rounds lists every round, newest year first.
func (s *Store) Rounds(ctx context.Context) ([]Round, error) {
	rows, err := s.q.Query(ctx, roundSelect+` ORDER BY r.year DESC, r.scorecard_code`)
	if err != nil {
		return nil, fmt.Errorf("list evaluation rounds: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanRound)
	if err != nil {
		return nil, fmt.Errorf("list evaluation rounds: %w", err)
	}
	return out, nil
}

// Round reads round id; LockRound also locks it until the transaction
// ends, so changes to one round queue behind each other and its closing.
func (s *Store) Round(ctx context.Context, id int64) (Round, error) { return s.round(ctx, id, "") }

// LockRound is Round with the round's row locked.
func (s *Store) LockRound(ctx context.Context, id int64) (Round, error) {
	return s.round(ctx, id, " FOR UPDATE OF r")
}

func (s *Store) round(ctx context.Context, id int64, lock string) (Round, error) {
	rows, err := s.q.Query(ctx, roundSelect+` WHERE r.id = $1`+lock, id)
	if err != nil {
		return Round{}, fmt.Errorf("read evaluation round %d: %w", id, err)
	}
	r, err := pgx.CollectExactlyOneRow(rows, scanRound)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return r, reporting.Errorf(reporting.ENOTFOUND, msgRoundNotFound, id)
	case err != nil:
		return r, fmt.Errorf("read evaluation round %d: %w", id, err)
	}
	return r, nil
}

// PreviousClosedRound is the closed round of the same scorecard for the
// year before, if any.
func (s *Store) PreviousClosedRound(ctx context.Context, r Round) (Round, bool, error) {
	rows, err := s.q.Query(ctx, roundSelect+` WHERE r.scorecard_code = $1 AND r.year = $2 AND r.closed_at IS NOT NULL`, r.ScorecardCode, r.Year-1)
	if err != nil {
		return Round{}, false, fmt.Errorf("previous round: %w", err)
	}
	p, err := pgx.CollectExactlyOneRow(rows, scanRound)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return Round{}, false, nil
	case err != nil:
		return Round{}, false, fmt.Errorf("previous round: %w", err)
	}
	return p, true, nil
}

// SetRoundMoment records a recomputation as at a new moment.
func (s *Store) SetRoundMoment(ctx context.Context, id int64, asAt, computedAt time.Time) error {
	_, err := s.q.Exec(ctx, `UPDATE evaluation_rounds SET as_at = $2, computed_at = $3 WHERE id = $1`, id, asAt, computedAt)
	return roundWriteError(err, "recompute round")
}

// CloseRound freezes round id.
func (s *Store) CloseRound(ctx context.Context, id int64, by string, at time.Time) error {
	_, err := s.q.Exec(ctx, `UPDATE evaluation_rounds SET closed_by = $2, closed_at = $3 WHERE id = $1`, id, by, at)
	return roundWriteError(err, "close round")
}

// roundWriteError turns the frozen-round trigger's refusal into the
// user's conflict.
func roundWriteError(err error, what string) error {
	var pe *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pe) && pe.Code == "23514" && strings.HasPrefix(pe.Message, "evaluation round"):
		return reporting.Errorf(reporting.ECONFLICT, msgRoundClosedDB)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Evaluated is one unit to evaluate: the unit version of the tree day.
type Evaluated struct {
	Code      string
	VersionID int64
	Name      string
	Kind      reporting.UnitKind
	Parent    string
}

// EvaluationSubjects lists the units of the kinds active on day.
func (s *Store) EvaluationSubjects(ctx context.Context, kinds []reporting.UnitKind, day time.Time) ([]Evaluated, error) {
	ks := make([]string, len(kinds))
	for i, k := range kinds {
		ks[i] = string(k)
	}
	day = civilDate(day)
	rows, err := s.q.Query(ctx, `
		SELECT u.code, v.id, v.name, v.kind, COALESCE(v.parent_code, '')
		FROM units u JOIN unit_versions v ON v.unit_code = u.code
		WHERE u.active_from <= $1 AND (u.active_until IS NULL OR u.active_until >= $1)
		  AND v.valid_from <= $1 AND (v.valid_until IS NULL OR v.valid_until >= $1)
		  AND v.kind = ANY ($2)
		ORDER BY u.code`, day, ks)
	if err != nil {
		return nil, fmt.Errorf("units to evaluate: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Evaluated, error) {
		var (
			e    Evaluated
			kind string
		)
		err := row.Scan(&e.Code, &e.VersionID, &e.Name, &kind, &e.Parent)
		e.Kind = reporting.UnitKind(kind)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("units to evaluate: %w", err)
	}
	return out, nil
}

// yearObligations is a CTE "yo" of the obligations of forms $1 in periods
// whose cut-off falls in year $2 and that had opened by $3, with their
// facts and status at $3 (the status rule of the compliance pages). A
// report still pending at $3 — its deadline ahead, nothing filed — is
// not yet owed, and is left out: a round opened before the year's last
// deadlines does not count them as failures.
var yearObligations = `
	WITH yo AS (
		SELECT o.unit_code, o.period_id, p.form_code, p.periodicity, p.label, p.data_to, f.first_at, f.deadline,
		       ` + statusOf("$3") + ` AS status
		FROM periods p
		JOIN obligations o ON o.period_id = p.id
		` + factsAt("$3") + `
		WHERE p.form_code = ANY ($1) AND extract(year FROM p.data_to) = $2 AND p.opens_at <= $3 AND f.present
		  AND ` + statusOf("$3") + ` <> 'pending'
	)`

// DisciplineOf is every unit's reporting record over the year's periods
// of the forms, as at moment at (see reporting.Discipline).
func (s *Store) DisciplineOf(ctx context.Context, forms []string, year int, at time.Time) (map[string]reporting.Discipline, error) {
	rows, err := s.q.Query(ctx, yearObligations+`
		SELECT yo.unit_code,
		       count(*) FILTER (WHERE status <> 'exempt'),
		       count(*) FILTER (WHERE status <> 'exempt' AND first_at <= $3 AND first_at <= deadline),
		       count(*) FILTER (WHERE status <> 'exempt' AND first_at <= $3 AND first_at > deadline),
		       count(*) FILTER (WHERE status IN ('submitted', 'late', 'accepted')),
		       count(*) FILTER (WHERE status = 'missing'),
		       COALESCE(sum(ret.n) FILTER (WHERE status <> 'exempt'), 0)
		FROM yo
		LEFT JOIN (
			SELECT e.period_id, e.unit_code, count(*) AS n
			FROM obligation_events e JOIN periods p ON p.id = e.period_id
			WHERE e.kind = 'returned' AND e.at <= $3 AND p.form_code = ANY ($1) AND extract(year FROM p.data_to) = $2
			GROUP BY 1, 2
		) ret ON ret.period_id = yo.period_id AND ret.unit_code = yo.unit_code
		GROUP BY yo.unit_code`, forms, year, at)
	if err != nil {
		return nil, fmt.Errorf("reporting discipline %d: %w", year, err)
	}
	out := map[string]reporting.Discipline{}
	var (
		code string
		d    reporting.Discipline
	)
	_, err = pgx.ForEachRow(rows, []any{&code, &d.Owed, &d.OnTime, &d.Late, &d.Filed, &d.Missing, &d.Returned}, func() error {
		out[code] = d
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reporting discipline %d: %w", year, err)
	}
	return out, nil
}

// FiguresOf is, for every unit, what it reported in the year's periods of
// a form and periodicity as at moment at: each period it owed (exempt ones
// aside) with the values of fields from its counting version — the latest
// uploaded by then that no review had returned, as the consolidated
// report counts it.
func (s *Store) FiguresOf(ctx context.Context, form string, periodicity reporting.Periodicity, year int, at time.Time, fields []string) (map[string][]reporting.PeriodFigures, error) {
	rows, err := s.q.Query(ctx, yearObligations+`
		SELECT yo.unit_code, yo.label, c.id IS NOT NULL, COALESCE(sv.field_code, ''),
		       COALESCE(trim_scale(sv.num)::text, sv.txt, '')
		FROM yo
		LEFT JOIN LATERAL (
			SELECT s.id FROM submissions s
			WHERE s.period_id = yo.period_id AND s.unit_code = yo.unit_code AND s.uploaded_at <= $3
			  AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.submission_id = s.id AND r.decision = 'returned' AND r.created_at <= $3)
			ORDER BY s.version DESC LIMIT 1
		) c ON true
		LEFT JOIN submission_values sv ON sv.submission_id = c.id AND sv.field_code = ANY ($5)
		WHERE yo.periodicity = $4 AND yo.status <> 'exempt'
		ORDER BY yo.unit_code, yo.data_to`, []string{form}, year, at, string(periodicity), fields)
	if err != nil {
		return nil, fmt.Errorf("figures of %s %d: %w", form, year, err)
	}
	out := map[string][]reporting.PeriodFigures{}
	var (
		code, label, field, value string
		reported                  bool
	)
	_, err = pgx.ForEachRow(rows, []any{&code, &label, &reported, &field, &value}, func() error {
		ps := out[code]
		if len(ps) == 0 || ps[len(ps)-1].Label != label {
			ps = append(ps, reporting.PeriodFigures{Form: form, Periodicity: periodicity, Label: label, Owed: true, Reported: reported, Values: map[string]string{}})
		}
		if field != "" {
			ps[len(ps)-1].Values[field] = value
		}
		out[code] = ps
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("figures of %s %d: %w", form, year, err)
	}
	return out, nil
}

// EvaluatedCard is a unit's computed scorecard to store.
type EvaluatedCard struct {
	Code      string
	VersionID int64
	Card      reporting.UnitScore
}

// SaveCards stores the units' scorecards in round id, replacing earlier
// computations.
func (s *Store) SaveCards(ctx context.Context, id int64, cards []EvaluatedCard) error {
	var (
		codes, ratings, docs []string
		versions             []int64
		scores               []float64
	)
	for _, c := range cards {
		doc, err := json.Marshal(c.Card)
		if err != nil {
			return fmt.Errorf("encode scorecard of %s: %w", c.Code, err)
		}
		codes, versions, scores, ratings, docs = append(codes, c.Code), append(versions, c.VersionID), append(scores, c.Card.Score), append(ratings, c.Card.Rating), append(docs, string(doc))
	}
	_, err := s.q.Exec(ctx, `
		INSERT INTO evaluation_units (round_id, unit_code, unit_version_id, score, rating, card)
		SELECT $1, c, v, sc, ra, d::jsonb FROM unnest($2::text[], $3::bigint[], $4::float8[], $5::text[], $6::text[]) AS x (c, v, sc, ra, d)
		ON CONFLICT (round_id, unit_code) DO UPDATE
		SET unit_version_id = excluded.unit_version_id, score = excluded.score, rating = excluded.rating, card = excluded.card`,
		id, codes, versions, scores, ratings, docs)
	return roundWriteError(err, "save scorecards")
}

// UpdateCard replaces one unit's scorecard in round id.
func (s *Store) UpdateCard(ctx context.Context, id int64, unit string, card reporting.UnitScore) error {
	doc, err := json.Marshal(card)
	if err != nil {
		return fmt.Errorf("encode scorecard of %s: %w", unit, err)
	}
	_, err = s.q.Exec(ctx, `UPDATE evaluation_units SET score = $3, rating = $4, card = $5 WHERE round_id = $1 AND unit_code = $2`,
		id, unit, card.Score, card.Rating, doc)
	return roundWriteError(err, "save scorecard")
}

// RoundsOf lists the rounds that evaluate unit, newest year first.
func (s *Store) RoundsOf(ctx context.Context, unit string) ([]Round, error) {
	rows, err := s.q.Query(ctx, roundSelect+`
		WHERE EXISTS (SELECT 1 FROM evaluation_units x WHERE x.round_id = r.id AND x.unit_code = $1)
		ORDER BY r.year DESC, r.scorecard_code`, unit)
	if err != nil {
		return nil, fmt.Errorf("rounds of %s: %w", unit, err)
	}
	out, err := pgx.CollectRows(rows, scanRound)
	if err != nil {
		return nil, fmt.Errorf("rounds of %s: %w", unit, err)
	}
	return out, nil
}

// Judgements is every inspector's score in round id, by unit then
// criterion.
func (s *Store) Judgements(ctx context.Context, id int64, unit string) (map[string]map[string]reporting.Judgement, error) {
	rows, err := s.q.Query(ctx, `
		SELECT unit_code, criterion, points::float8, justification FROM evaluation_judgements
		WHERE round_id = $1 AND ($2 = '' OR unit_code = $2)`, id, unit)
	if err != nil {
		return nil, fmt.Errorf("judgements of round %d: %w", id, err)
	}
	out := map[string]map[string]reporting.Judgement{}
	var (
		code, crit string
		j          reporting.Judgement
	)
	_, err = pgx.ForEachRow(rows, []any{&code, &crit, &j.Points, &j.Justification}, func() error {
		if out[code] == nil {
			out[code] = map[string]reporting.Judgement{}
		}
		out[code][crit] = j
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("judgements of round %d: %w", id, err)
	}
	return out, nil
}

// JudgementInput is an inspector's score to record.
type JudgementInput struct {
	RoundID       int64
	Unit          string
	Criterion     string
	Points        float64
	Justification string
	Evidence      []byte
	EvidenceName  string
	By            string
	At            time.Time
}

// SetJudgement records a judgement, replacing the unit's earlier one on the
// criterion (kept only in the audit trail), and returns that earlier one.
// Evidence given replaces the earlier evidence; none keeps it.
func (s *Store) SetJudgement(ctx context.Context, in JudgementInput) (prev *reporting.Judgement, err error) {
	var p reporting.Judgement
	err = s.q.QueryRow(ctx, `SELECT points::float8, justification FROM evaluation_judgements
		WHERE round_id = $1 AND unit_code = $2 AND criterion = $3`, in.RoundID, in.Unit, in.Criterion).Scan(&p.Points, &p.Justification)
	switch {
	case err == nil:
		prev = &p
	case !errors.Is(err, pgx.ErrNoRows):
		return nil, fmt.Errorf("read judgement: %w", err)
	}
	_, err = s.q.Exec(ctx, `
		INSERT INTO evaluation_judgements (round_id, unit_code, criterion, points, justification, evidence, evidence_name, entered_by, entered_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (round_id, unit_code, criterion) DO UPDATE
		SET points = excluded.points, justification = excluded.justification,
		    evidence = COALESCE(excluded.evidence, evaluation_judgements.evidence),
		    evidence_name = CASE WHEN excluded.evidence IS NULL THEN evaluation_judgements.evidence_name ELSE excluded.evidence_name END,
		    entered_by = excluded.entered_by, entered_at = excluded.entered_at`,
		in.RoundID, in.Unit, in.Criterion, in.Points, in.Justification, in.Evidence, in.EvidenceName, in.By, in.At)
	if err != nil {
		return nil, roundWriteError(err, "save judgement")
	}
	return prev, nil
}

// JudgementDetail is a judgement as a page shows it.
type JudgementDetail struct {
	Criterion     string
	Points        float64
	Justification string
	EvidenceName  string
	EvidenceSize  int
	EnteredBy     string
	EnteredAt     time.Time
}

// JudgementDetails lists unit's judgements in round id, by criterion.
func (s *Store) JudgementDetails(ctx context.Context, id int64, unit string) (map[string]JudgementDetail, error) {
	rows, err := s.q.Query(ctx, `
		SELECT criterion, points::float8, justification, evidence_name, COALESCE(length(evidence), 0), entered_by, entered_at
		FROM evaluation_judgements WHERE round_id = $1 AND unit_code = $2`, id, unit)
	if err != nil {
		return nil, fmt.Errorf("judgements of %s: %w", unit, err)
	}
	out := map[string]JudgementDetail{}
	var d JudgementDetail
	_, err = pgx.ForEachRow(rows, []any{&d.Criterion, &d.Points, &d.Justification, &d.EvidenceName, &d.EvidenceSize, &d.EnteredBy, &d.EnteredAt}, func() error {
		out[d.Criterion] = d
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("judgements of %s: %w", unit, err)
	}
	return out, nil
}

// Evidence is the evidence file of a judgement.
func (s *Store) Evidence(ctx context.Context, id int64, unit, criterion string) (name string, data []byte, err error) {
	err = s.q.QueryRow(ctx, `SELECT evidence_name, evidence FROM evaluation_judgements
		WHERE round_id = $1 AND unit_code = $2 AND criterion = $3 AND evidence IS NOT NULL`, id, unit, criterion).Scan(&name, &data)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", nil, reporting.Errorf(reporting.ENOTFOUND, "Không có tệp minh chứng cho tiêu chí này.")
	case err != nil:
		return "", nil, fmt.Errorf("read evidence: %w", err)
	}
	return name, data, nil
}

// Comment is a unit's comment on its scorecard.
type Comment struct {
	ID        int64     `json:"id"`
	Unit      string    `json:"unit"`
	Criterion string    `json:"criterion,omitempty"`
	Body      string    `json:"body"`
	Author    string    `json:"author"`
	At        time.Time `json:"at"`
}

// AddComment records a comment in round id.
func (s *Store) AddComment(ctx context.Context, id int64, c Comment) (int64, error) {
	var cid int64
	err := s.q.QueryRow(ctx, `
		INSERT INTO evaluation_comments (round_id, unit_code, criterion, body, author, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, id, c.Unit, c.Criterion, c.Body, c.Author, c.At).Scan(&cid)
	return cid, roundWriteError(err, "save comment")
}

// Comments lists the comments in round id, of one unit or ("") of all,
// oldest first.
func (s *Store) Comments(ctx context.Context, id int64, unit string) ([]Comment, error) {
	rows, err := s.q.Query(ctx, `
		SELECT id, unit_code, criterion, body, author, created_at FROM evaluation_comments
		WHERE round_id = $1 AND ($2 = '' OR unit_code = $2) ORDER BY id`, id, unit)
	if err != nil {
		return nil, fmt.Errorf("comments of round %d: %w", id, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Comment, error) {
		var c Comment
		return c, row.Scan(&c.ID, &c.Unit, &c.Criterion, &c.Body, &c.Author, &c.At)
	})
	if err != nil {
		return nil, fmt.Errorf("comments of round %d: %w", id, err)
	}
	return out, nil
}

// RoundResults is every unit of round id with its stored scorecard, its
// name, kind and parent as its version of the round's tree day has them.
func (s *Store) RoundResults(ctx context.Context, id int64) ([]reporting.EvaluatedUnit, error) {
	rows, err := s.q.Query(ctx, `
		SELECT eu.unit_code, v.name, v.kind, COALESCE(v.parent_code, ''), eu.card
		FROM evaluation_units eu JOIN unit_versions v ON v.id = eu.unit_version_id
		WHERE eu.round_id = $1 ORDER BY eu.unit_code`, id)
	if err != nil {
		return nil, fmt.Errorf("results of round %d: %w", id, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (reporting.EvaluatedUnit, error) {
		var (
			u         reporting.EvaluatedUnit
			kind      string
			card      []byte
			decodeErr error
		)
		if err := row.Scan(&u.Code, &u.Name, &kind, &u.Parent, &card); err != nil {
			return u, err
		}
		u.Kind = reporting.UnitKind(kind)
		if err := json.Unmarshal(card, &u.UnitScore); err != nil {
			decodeErr = fmt.Errorf("decode scorecard of %s: %w", u.Code, err)
		}
		return u, decodeErr
	})
	if err != nil {
		return nil, fmt.Errorf("results of round %d: %w", id, err)
	}
	return out, nil
}

// RoundCard is one unit of round id with its stored scorecard and its
// ranks among its kind and under its parent (equal scores share a rank),
// with how many units each rank is out of.
func (s *Store) RoundCard(ctx context.Context, id int64, unit string) (u reporting.EvaluatedUnit, ofKind, ofParent int, err error) {
	var (
		kind string
		card []byte
	)
	err = s.q.QueryRow(ctx, `
		WITH r AS (
			SELECT eu.unit_code, v.name, v.kind, COALESCE(v.parent_code, '') AS parent, eu.card,
			       rank() OVER (PARTITION BY v.kind ORDER BY eu.score DESC) AS rank_kind,
			       count(*) OVER (PARTITION BY v.kind) AS of_kind,
			       rank() OVER (PARTITION BY COALESCE(v.parent_code, '') ORDER BY eu.score DESC) AS rank_parent,
			       count(*) OVER (PARTITION BY COALESCE(v.parent_code, '')) AS of_parent
			FROM evaluation_units eu JOIN unit_versions v ON v.id = eu.unit_version_id
			WHERE eu.round_id = $1
		)
		SELECT unit_code, name, kind, parent, card, rank_kind, of_kind, rank_parent, of_parent FROM r WHERE unit_code = $2`, id, unit).
		Scan(&u.Code, &u.Name, &kind, &u.Parent, &card, &u.RankKind, &ofKind, &u.RankParent, &ofParent)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return u, 0, 0, reporting.Errorf(reporting.ENOTFOUND, msgEvaluatedNotFound, unit)
	case err != nil:
		return u, 0, 0, fmt.Errorf("scorecard of %s in round %d: %w", unit, id, err)
	}
	u.Kind = reporting.UnitKind(kind)
	if err := json.Unmarshal(card, &u.UnitScore); err != nil {
		return u, 0, 0, fmt.Errorf("decode scorecard of %s: %w", unit, err)
	}
	return u, ofKind, ofParent, nil
}

// RoundScores is every unit of round id with its score only, for
// comparisons with a later year.
func (s *Store) RoundScores(ctx context.Context, id int64) ([]reporting.EvaluatedUnit, error) {
	rows, err := s.q.Query(ctx, `SELECT unit_code, score::float8 FROM evaluation_units WHERE round_id = $1 ORDER BY unit_code`, id)
	if err != nil {
		return nil, fmt.Errorf("scores of round %d: %w", id, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (reporting.EvaluatedUnit, error) {
		var u reporting.EvaluatedUnit
		return u, row.Scan(&u.Code, &u.Score)
	})
	if err != nil {
		return nil, fmt.Errorf("scores of round %d: %w", id, err)
	}
	return out, nil
}

// Successors maps each unit code to the codes its history continues under
// (unit_successions).
func (s *Store) Successors(ctx context.Context) (map[string][]string, error) {
	rows, err := s.q.Query(ctx, `SELECT from_code, to_code FROM unit_successions ORDER BY from_code, to_code`)
	if err != nil {
		return nil, fmt.Errorf("successions: %w", err)
	}
	successors := map[string][]string{}
	var from, to string
	if _, err := pgx.ForEachRow(rows, []any{&from, &to}, func() error {
		successors[from] = append(successors[from], to)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("successions: %w", err)
	}
	return successors, nil
}

// UnitNames is the names of units as on day, by code (for parents).
func (s *Store) UnitNames(ctx context.Context, codes []string, day time.Time) (map[string]string, error) {
	rows, err := s.q.Query(ctx, `
		SELECT DISTINCT ON (unit_code) unit_code, name FROM unit_versions
		WHERE unit_code = ANY ($1)
		ORDER BY unit_code, (valid_from <= $2 AND (valid_until IS NULL OR valid_until >= $2)) DESC, valid_from DESC`, codes, civilDate(day))
	if err != nil {
		return nil, fmt.Errorf("unit names: %w", err)
	}
	out := map[string]string{}
	var code, name string
	_, err = pgx.ForEachRow(rows, []any{&code, &name}, func() error {
		out[code] = name
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("unit names: %w", err)
	}
	return out, nil
}
