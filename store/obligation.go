package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
)

// Changes to obligations besides uploads: the deadline tick, exemptions and
// deadline extensions (reviews are in review.go). Each runs in one
// transaction with its audit event.

// Messages a user sees from reviews, exemptions and extensions, in one
// place for review.
const (
	msgNotLatest         = "Chỉ duyệt được bản mới nhất: bản này là lần gửi thứ %d, %s đã gửi đến lần %d."
	msgReviewExempt      = "%s được miễn báo cáo kỳ %s; không có báo cáo nào cần duyệt."
	msgAcceptedLocked    = "Báo cáo kỳ %s của %s đã được chấp nhận và kỳ báo cáo đã khóa sổ (%s); không thể thay đổi."
	msgReturnLocked      = "Kỳ báo cáo %s đã khóa sổ (%s): không thể trả lại báo cáo vì đơn vị không gửi được bản mới nữa."
	msgNotExempt         = "%s không được miễn báo cáo kỳ %s."
	msgExtendNoUnits     = "Xin chọn đơn vị được gia hạn: danh sách mã đơn vị, hoặc một đơn vị cấp trên để gia hạn cho mọi đơn vị trực thuộc."
	msgExtendUnknown     = "Các đơn vị sau không phải báo cáo kỳ %s: %s."
	msgExtendEmpty       = "Không có đơn vị nào trực thuộc %s phải báo cáo kỳ %s."
	msgExtendEarlier     = "Hạn mới (%s) sớm hơn hạn hiện tại của: %s. Gia hạn chỉ được lùi hạn nộp về sau."
	msgExtendEarlierMore = "%s và %d đơn vị khác"
)

// FlagMissing marks every pending obligation whose deadline passed before
// now as missing, in one statement, and returns how many it marked. It is
// idempotent and catches up after downtime by itself. Lateness needs no
// flag here: InsertSubmission marks a version filed after the deadline.
func (s *Store) FlagMissing(ctx context.Context, now time.Time) (int64, error) {
	tag, err := s.q.Exec(ctx, `
		UPDATE obligations SET status = 'missing', updated_at = $1
		WHERE status = 'pending' AND deadline < $1`, now)
	if err != nil {
		return 0, fmt.Errorf("flag missing obligations: %w", err)
	}
	return tag.RowsAffected(), nil
}

// obligationState is an obligation locked for a change, with what the
// rules of review and exemption look at.
type obligationState struct {
	PeriodLabel      string
	DataFrom         time.Time
	LocksAt          time.Time
	UnitName         string
	Deadline         time.Time
	Status           reporting.Status
	FirstSubmittedAt *time.Time
	// LatestVersion is the number of the latest version, 0 for none;
	// LatestDecision and LatestReason its latest review, if any.
	LatestVersion  int
	LatestDecision reporting.Decision
	LatestReason   string
}

// facts are what the obligation's status follows from (reporting.StatusAt).
func (o obligationState) facts() reporting.ObligationFacts {
	return reporting.ObligationFacts{Deadline: o.Deadline, FirstSubmittedAt: o.FirstSubmittedAt,
		LatestDecision: o.LatestDecision, Exempt: o.Status == reporting.StatusExempt}
}

// lockObligation reads (period, unit)'s obligation FOR UPDATE, so that a
// review, an exemption and an upload of one unit happen one after another;
// ENOTFOUND when the unit owes no report for the period.
func (s *Store) lockObligation(ctx context.Context, periodID int64, unitCode string) (obligationState, error) {
	var o obligationState
	err := s.q.QueryRow(ctx, `
		SELECT p.label, p.data_from, p.locks_at, v.name, o.deadline, o.status, o.first_submitted_at,
		       coalesce(ls.version, 0), coalesce(lr.decision, ''), coalesce(lr.reason, '')
		FROM obligations o
		JOIN periods p ON p.id = o.period_id
		JOIN unit_versions v ON v.id = o.unit_version_id
		LEFT JOIN LATERAL (
			SELECT s.id, s.version FROM submissions s
			WHERE s.period_id = o.period_id AND s.unit_code = o.unit_code
			ORDER BY s.version DESC LIMIT 1
		) ls ON true
		LEFT JOIN LATERAL (
			SELECT r.decision, r.reason FROM reviews r WHERE r.submission_id = ls.id ORDER BY r.id DESC LIMIT 1
		) lr ON true
		WHERE o.period_id = $1 AND o.unit_code = $2
		FOR UPDATE OF o`, periodID, unitCode).Scan(
		&o.PeriodLabel, &o.DataFrom, &o.LocksAt, &o.UnitName, &o.Deadline, &o.Status, &o.FirstSubmittedAt,
		&o.LatestVersion, &o.LatestDecision, &o.LatestReason)
	if errors.Is(err, pgx.ErrNoRows) {
		return o, reporting.Errorf(reporting.ENOTFOUND, msgNoObligation, unitCode, periodID)
	}
	if err != nil {
		return o, fmt.Errorf("lock obligation %d/%s: %w", periodID, unitCode, err)
	}
	return o, nil
}

// checkAcceptedLock refuses any change to an accepted obligation once its
// period is locked: what was accepted then is what the reports show.
func (o obligationState) checkAcceptedLock(now time.Time) error {
	if o.Status == reporting.StatusAccepted && !now.Before(o.LocksAt) {
		return reporting.Errorf(reporting.ECONFLICT, msgAcceptedLocked, o.PeriodLabel, o.UnitName, reporting.FormatDateTime(o.LocksAt))
	}
	return nil
}

// setStatus stores an obligation's new status and reason.
func (s *Store) setStatus(ctx context.Context, periodID int64, unitCode string, st reporting.Status, reason string, now time.Time) error {
	_, err := s.q.Exec(ctx, `
		UPDATE obligations SET status = $3, status_reason = $4, updated_at = $5
		WHERE period_id = $1 AND unit_code = $2`, periodID, unitCode, string(st), reason, now)
	if err != nil {
		return fmt.Errorf("set status of obligation %d/%s: %w", periodID, unitCode, err)
	}
	return nil
}

// obligationObject is an obligation's id in the audit trail.
func obligationObject(periodID int64, unitCode string) string {
	return fmt.Sprintf("%d/%s", periodID, unitCode)
}

// authorizeDeadlines lets inspectors and administrators (and only them)
// exempt units and move deadlines: the province's office sets the regime.
func authorizeDeadlines(u reporting.User) error {
	return reporting.AuthorizeRole(u, reporting.RoleAdmin, reporting.RoleInspector)
}

// Exempt releases unit unitCode from period periodID's report, for a
// reason (required), on behalf of actor (an inspector or administrator).
// Exempting an exempt unit again updates the reason. An accepted
// obligation cannot be exempted once its period is locked.
func (s *Store) Exempt(ctx context.Context, periodID int64, unitCode, reason string, actor reporting.User, now time.Time) error {
	if err := authorizeDeadlines(actor); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if err := reporting.ValidateExemption(reason); err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *Store) error {
		o, err := tx.lockObligation(ctx, periodID, unitCode)
		if err != nil {
			return err
		}
		if err := o.checkAcceptedLock(now); err != nil {
			return err
		}
		if err := tx.setStatus(ctx, periodID, unitCode, reporting.StatusExempt, reason, now); err != nil {
			return err
		}
		return tx.Audit(ctx, AuditEvent{
			At: now, Actor: actor.Email, Action: "obligation.exempt", ObjectType: "obligation", ObjectID: obligationObject(periodID, unitCode),
			Details: map[string]any{"period_id": periodID, "unit": unitCode, "reason": reason, "previous_status": o.Status},
		})
	})
}

// Unexempt withdraws an exemption: the obligation takes the status its
// facts give at now (reporting.StatusAt) — pending or missing if nothing
// came in, else what its versions and reviews say. It returns that status.
func (s *Store) Unexempt(ctx context.Context, periodID int64, unitCode string, actor reporting.User, now time.Time) (reporting.Status, error) {
	if err := authorizeDeadlines(actor); err != nil {
		return "", err
	}
	var st reporting.Status
	err := s.InTx(ctx, func(tx *Store) error {
		o, err := tx.lockObligation(ctx, periodID, unitCode)
		if err != nil {
			return err
		}
		if o.Status != reporting.StatusExempt {
			return reporting.Errorf(reporting.ECONFLICT, msgNotExempt, o.UnitName, o.PeriodLabel)
		}
		f := o.facts()
		f.Exempt = false
		st = reporting.StatusAt(f, now)
		reason := ""
		if st == reporting.StatusReturned {
			reason = o.LatestReason
		}
		if err := tx.setStatus(ctx, periodID, unitCode, st, reason, now); err != nil {
			return err
		}
		return tx.Audit(ctx, AuditEvent{
			At: now, Actor: actor.Email, Action: "obligation.unexempt", ObjectType: "obligation", ObjectID: obligationObject(periodID, unitCode),
			Details: map[string]any{"period_id": periodID, "unit": unitCode, "status": st},
		})
	})
	return st, err
}

// ExtendInput is a deadline extension (gia hạn) for some units of a period.
type ExtendInput struct {
	PeriodID int64
	// UnitCodes are units extended by name; Subtree, when set, extends
	// every unit below it (its communes, for a district), as the period's
	// unit versions draw the tree. One of them at least; both add up. The
	// subtree's root itself is extended only when listed in UnitCodes.
	UnitCodes []string
	Subtree   string
	// NewDeadline is the new deadline: no earlier than any of the units'
	// current one, no later than the period's lock.
	NewDeadline time.Time
	Reason      string
	Actor       reporting.User
	Now         time.Time
}

// ExtendResult says what an extension changed.
type ExtendResult struct {
	// Units are the units whose deadline moved, by code.
	Units []string `json:"units"`
	// Reopened counts missing obligations back to pending (their new
	// deadline is still ahead); OnTime late ones now on time.
	Reopened int `json:"reopened"`
	OnTime   int `json:"on_time"`
}

// Extend moves the deadline of the units in (the listed ones, the subtree
// below in.Subtree, or both) to in.NewDeadline, set-based, in one
// transaction: their obligations' deadlines, their statuses (missing ones
// whose new deadline is ahead go back to pending, late ones whose first
// version now meets it become submitted) and their versions' late flags.
// Reminders follow by themselves: they are computed from each obligation's
// deadline. A new deadline earlier than a unit's current one is refused,
// and so is a listed unit that owes no report for the period. Audited with
// the list of units.
func (s *Store) Extend(ctx context.Context, in ExtendInput) (ExtendResult, error) {
	var res ExtendResult
	if err := authorizeDeadlines(in.Actor); err != nil {
		return res, err
	}
	p, err := s.Period(ctx, in.PeriodID)
	if err != nil {
		return res, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if err := reporting.ValidateExtension(in.NewDeadline, p.LocksAt, in.Reason); err != nil {
		return res, err
	}
	listed := slices.Compact(slices.Sorted(slices.Values(in.UnitCodes)))
	if len(listed) == 0 && in.Subtree == "" {
		return res, reporting.Errorf(reporting.EINVALID, msgExtendNoUnits)
	}
	err = s.InTx(ctx, func(tx *Store) error {
		targets, err := tx.lockExtensionTargets(ctx, p, listed, in.Subtree)
		if err != nil {
			return err
		}
		var earlier []string
		previous := map[string][]string{}
		for _, t := range targets {
			if t.deadline.After(in.NewDeadline) {
				earlier = append(earlier, t.code)
			}
			k := t.deadline.Format(time.RFC3339)
			previous[k] = append(previous[k], t.code)
			res.Units = append(res.Units, t.code)
		}
		if len(earlier) > 0 {
			return reporting.Errorf(reporting.EINVALID, msgExtendEarlier, reporting.FormatDateTime(in.NewDeadline), listSome(earlier))
		}
		if err := tx.q.QueryRow(ctx, `
			WITH upd AS (
				UPDATE obligations o
				SET deadline = $3,
				    status = CASE
				        WHEN o.status = 'missing' AND $4::timestamptz <= $3::timestamptz THEN 'pending'
				        WHEN o.status = 'late' AND o.first_submitted_at <= $3 THEN 'submitted'
				        ELSE o.status END,
				    updated_at = $4
				FROM (SELECT unit_code, status FROM obligations WHERE period_id = $1 AND unit_code = ANY ($2)) old
				WHERE o.period_id = $1 AND o.unit_code = old.unit_code
				RETURNING old.status AS before_status, o.status AS after_status
			)
			SELECT count(*) FILTER (WHERE before_status = 'missing' AND after_status = 'pending'),
			       count(*) FILTER (WHERE before_status = 'late' AND after_status = 'submitted')
			FROM upd`, p.ID, res.Units, in.NewDeadline, in.Now).Scan(&res.Reopened, &res.OnTime); err != nil {
			return fmt.Errorf("extend deadlines: %w", err)
		}
		if _, err := tx.q.Exec(ctx, `
			UPDATE submissions SET late = uploaded_at > $3
			WHERE period_id = $1 AND unit_code = ANY ($2) AND late <> (uploaded_at > $3)`,
			p.ID, res.Units, in.NewDeadline); err != nil {
			return fmt.Errorf("extend deadlines: late flags: %w", err)
		}
		return tx.Audit(ctx, AuditEvent{
			At: in.Now, Actor: in.Actor.Email, Action: "obligation.extend", ObjectType: "period", ObjectID: fmt.Sprint(p.ID),
			Details: map[string]any{"units": res.Units, "subtree": in.Subtree, "deadline": in.NewDeadline, "reason": in.Reason,
				"previous_deadlines": previous, "reopened": res.Reopened, "now_on_time": res.OnTime},
		})
	})
	if err != nil {
		return ExtendResult{}, err
	}
	return res, nil
}

type extensionTarget struct {
	code     string
	deadline time.Time
}

// lockExtensionTargets locks the obligations an extension covers, by unit
// code: the listed units and those below subtree. A listed unit without an
// obligation, or a subtree with none, is an error the user sees.
func (s *Store) lockExtensionTargets(ctx context.Context, p PeriodRow, listed []string, subtree string) ([]extensionTarget, error) {
	rows, err := s.q.Query(ctx, `
		WITH RECURSIVE p AS (SELECT id, data_from FROM periods WHERE id = $1),
		`+subtreeCTE("$3")+`
		SELECT o.unit_code, o.deadline
		FROM obligations o
		WHERE o.period_id = $1
		  AND (o.unit_code = ANY ($2) OR (o.unit_code <> $3 AND o.unit_code IN (SELECT code FROM subtree)))
		ORDER BY o.unit_code
		FOR UPDATE OF o`, p.ID, listed, subtree)
	if err != nil {
		return nil, fmt.Errorf("extend deadlines: find units: %w", err)
	}
	targets, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (extensionTarget, error) {
		var t extensionTarget
		return t, row.Scan(&t.code, &t.deadline)
	})
	if err != nil {
		return nil, fmt.Errorf("extend deadlines: find units: %w", err)
	}
	var unknown []string
	for _, c := range listed {
		if !slices.ContainsFunc(targets, func(t extensionTarget) bool { return t.code == c }) {
			unknown = append(unknown, c)
		}
	}
	switch {
	case len(unknown) > 0:
		return nil, reporting.Errorf(reporting.ENOTFOUND, msgExtendUnknown, p.Label, strings.Join(unknown, ", "))
	case len(targets) == 0:
		return nil, reporting.Errorf(reporting.ENOTFOUND, msgExtendEmpty, subtree, p.Label)
	}
	return targets, nil
}

// listSome names up to five codes, and how many more there are.
func listSome(codes []string) string {
	const most = 5
	if len(codes) <= most {
		return strings.Join(codes, ", ")
	}
	return fmt.Sprintf(msgExtendEarlierMore, strings.Join(codes[:most], ", "), len(codes)-most)
}
