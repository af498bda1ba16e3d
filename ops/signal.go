package ops

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"baocao/reporting"
	"baocao/store"
)

// Data-quality signals (reporting/signal.go): computed when read, over
// one set-based read of the period (store.SignalBasis), kept in memory
// per period until an upload, a review or a form changes what that read
// would return (store.SignalStamp): a period page at 10,000 units pays
// for the detection once per change, not once per view.

// Messages of the signals' actions.
const (
	msgExplainNoNote   = "Chưa nhập nội dung giải trình cho dấu hiệu bất thường."
	msgExplainTooLong  = "Nội dung giải trình dài %d ký tự, vượt quá %d ký tự cho phép."
	msgExplainNoSignal = "Lần gửi này không (còn) có dấu hiệu bất thường “%s”: số liệu của các đơn vị khác có thể đã thay đổi. Xin tải lại trang."
	msgExplainNoKey    = "Chưa chọn dấu hiệu bất thường cần giải trình."
)

// MaxExplanation is the longest explanation of a signal, in characters.
const MaxExplanation = 2000

// signalCache holds the latest detector of each (period, accepted only),
// and the refreshes under way.
type signalCache struct {
	mu         sync.Mutex
	m          map[signalCacheKey]*signalEntry
	refreshing map[signalCacheKey]chan struct{}
}

type signalCacheKey struct {
	period       int64
	acceptedOnly bool
}

type signalEntry struct {
	stamp    string
	det      *reporting.SignalDetector
	counting map[string]int64 // unit → its counting submission
}

// staleAfter is how long a period page waits for its signals to be read
// afresh after the period's data changed before it shows the previous
// ones (the refresh goes on; the next view has it). At 10,000 units a
// fresh read takes seconds, and during a deadline rush the data change
// every second.
const staleAfter = 300 * time.Millisecond

// signalReadTimeout bounds a read of a period's signals, which may outlive
// the request that started it.
const signalReadTimeout = 2 * time.Minute

// periodSignals is the detector over period periodID as at moment at,
// from the cache when nothing it read has changed since; otherwise read
// afresh, one read per period at a time. With stale, a cached detector
// whose data changed is returned when the fresh read takes longer than
// staleAfter.
func (s *Service) periodSignals(ctx context.Context, periodID int64, at time.Time, acceptedOnly, stale bool) (*signalEntry, error) {
	history := s.opts.Signals.WithDefaults().HistoryPeriods
	stamp, err := s.st.SignalStamp(ctx, periodID, at, history)
	if err != nil {
		return nil, err
	}
	key := signalCacheKey{periodID, acceptedOnly}
	c := &s.signals
	for {
		c.mu.Lock()
		e := c.m[key]
		if e != nil && e.stamp == stamp {
			c.mu.Unlock()
			return e, nil
		}
		done, inFlight := c.refreshing[key]
		if !inFlight {
			// This request reads; others wait for it (or, stale, show
			// the previous detector meanwhile).
			done = make(chan struct{})
			if c.refreshing == nil {
				c.refreshing = map[signalCacheKey]chan struct{}{}
			}
			c.refreshing[key] = done
			c.mu.Unlock()
			result := make(chan error, 1)
			// The read outlives this request if need be (the next view
			// uses it), bounded by signalReadTimeout.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), signalReadTimeout)
			go func() {
				defer cancel()
				fresh, err := s.readSignals(rctx, periodID, at, acceptedOnly, history, stamp)
				c.mu.Lock()
				if err == nil {
					if c.m == nil || len(c.m) >= maxCachedPeriods {
						c.m = map[signalCacheKey]*signalEntry{}
					}
					c.m[key] = fresh
				}
				delete(c.refreshing, key)
				close(done)
				c.mu.Unlock()
				result <- err
			}()
			var wait <-chan time.Time
			if stale && e != nil {
				wait = time.After(staleAfter)
			}
			select {
			case err := <-result:
				if err != nil {
					return nil, err
				}
			case <-wait:
				return e, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			continue
		}
		c.mu.Unlock()
		if stale && e != nil {
			return e, nil
		}
		select {
		case <-done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		// The read this request waited for may be of an older stamp;
		// the loop reads the cache again and, if need be, afresh.
	}
}

// readSignals reads a period's detector afresh.
func (s *Service) readSignals(ctx context.Context, periodID int64, at time.Time, acceptedOnly bool, history int, stamp string) (*signalEntry, error) {
	if s.signalRead != nil {
		s.signalRead()
	}
	started := time.Now()
	b, err := s.st.SignalBasis(ctx, periodID, at, acceptedOnly, history)
	if err != nil {
		return nil, err
	}
	counting, err := s.st.CountingSubmissions(ctx, periodID, at, acceptedOnly)
	if err != nil {
		return nil, err
	}
	s.log.DebugContext(ctx, "signals read", "period", periodID, "units", len(b.Period.Units), "took", time.Since(started))
	return &signalEntry{stamp: stamp, det: reporting.NewSignalDetector(b, s.opts.Signals), counting: counting}, nil
}

// maxCachedPeriods bounds the periods whose detectors are kept: a
// 10,000-unit period's holds some tens of MB.
const maxCachedPeriods = 16

// submissionSignals are the signals of submission sub of unit (kind
// kind) with values, with their explanations.
func (s *Service) submissionSignals(ctx context.Context, sub store.Submission, kind reporting.UnitKind, values map[string]reporting.Value, at time.Time) ([]reporting.Signal, error) {
	e, err := s.periodSignals(ctx, sub.PeriodID, at, false, false)
	if err != nil {
		return nil, err
	}
	signals := e.det.Of(sub.UnitCode, kind, reporting.FieldValues(e.det.Fields(), values), e.counting[sub.UnitCode] == sub.ID)
	explained, err := s.st.SignalExplanations(ctx, sub.PeriodID)
	if err != nil {
		return nil, err
	}
	reporting.Explain(signals, explained[sub.ID])
	return signals, nil
}

// SubmissionSignals lists the data-quality signals of submission id at
// now, explained or not, for a user who may see its unit.
func (s *Service) SubmissionSignals(ctx context.Context, u reporting.User, now time.Time, id int64) ([]reporting.Signal, error) {
	sub, err := s.viewSubmission(ctx, u, id)
	if err != nil {
		return nil, err
	}
	o, err := s.st.Obligation(ctx, sub.PeriodID, sub.UnitCode)
	if err != nil {
		return nil, err
	}
	values, _, err := s.st.SubmissionValues(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.submissionSignals(ctx, sub, o.UnitKind, values, now)
}

// ExplainInput is a reviewer's explanation of one signal.
type ExplainInput struct {
	SubmissionID int64
	// Key is the signal's (reporting.Signal.Key).
	Key  string
	Note string
}

// ExplainSignal records u's explanation at now of a signal of a
// submission, which the submission must still raise: u must be allowed to
// review its unit. A second explanation replaces the first; both are in
// the audit trail (signal.explain). Returns the signal as explained.
func (s *Service) ExplainSignal(ctx context.Context, u reporting.User, now time.Time, in ExplainInput) (reporting.Signal, error) {
	in.Note, in.Key = strings.TrimSpace(in.Note), strings.TrimSpace(in.Key)
	switch n := utf8.RuneCountInString(in.Note); {
	case in.Key == "":
		return reporting.Signal{}, reporting.Errorf(reporting.EINVALID, msgExplainNoKey)
	case n == 0:
		return reporting.Signal{}, reporting.Errorf(reporting.EINVALID, msgExplainNoNote)
	case n > MaxExplanation:
		return reporting.Signal{}, reporting.Errorf(reporting.EINVALID, msgExplainTooLong, n, MaxExplanation)
	}
	sub, err := s.viewSubmission(ctx, u, in.SubmissionID)
	if err != nil {
		return reporting.Signal{}, err
	}
	o, err := s.st.Obligation(ctx, sub.PeriodID, sub.UnitCode)
	if err != nil {
		return reporting.Signal{}, err
	}
	ancestors, err := s.st.UnitAncestors(ctx, sub.UnitCode, o.TreeDay())
	if err != nil {
		return reporting.Signal{}, err
	}
	if err := reporting.AuthorizeReview(u, sub.UnitCode, ancestors); err != nil {
		return reporting.Signal{}, err
	}
	values, _, err := s.st.SubmissionValues(ctx, sub.ID)
	if err != nil {
		return reporting.Signal{}, err
	}
	signals, err := s.submissionSignals(ctx, sub, o.UnitKind, values, now)
	if err != nil {
		return reporting.Signal{}, err
	}
	i := slices.IndexFunc(signals, func(sg reporting.Signal) bool { return sg.Key == in.Key })
	if i < 0 {
		return reporting.Signal{}, reporting.Errorf(reporting.ECONFLICT, msgExplainNoSignal, in.Key)
	}
	sg := signals[i]
	err = s.st.InTx(ctx, func(tx *store.Store) error {
		previous, err := tx.ExplainSignal(ctx, sub.ID, sg.Key, in.Note, userID(u), now)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEvent{
			At: now, Actor: u.Email, Action: "signal.explain", ObjectType: "submission", ObjectID: fmt.Sprint(sub.ID),
			Details: map[string]any{"period_id": sub.PeriodID, "unit": sub.UnitCode, "version": sub.Version, "signal": sg.Key,
				"kind": sg.Kind, "field": sg.Field, "value": sg.Value, "reason": sg.Reason, "note": in.Note, "previous_note": previous},
		})
	})
	if err != nil {
		return reporting.Signal{}, err
	}
	sg.Explanation = &reporting.SignalExplanation{Note: in.Note, By: cmp.Or(u.Name, u.Email), At: now}
	return sg, nil
}

// SignalRow is one unit of a period with signals, as its page lists it.
type SignalRow struct {
	UnitCode, UnitName, ParentCode, ParentName string
	Kind                                       reporting.UnitKind
	SubmissionID                               int64
	Version                                    int
	Signals                                    []reporting.Signal
	// Unexplained counts the signals no reviewer explained.
	Unexplained int
}

// PeriodSignals lists the units in u's scope whose counting submission
// of period periodID raises signals at moment at, those with the most
// unexplained first, then the most signals, then in the period's order.
func (s *Service) PeriodSignals(ctx context.Context, u reporting.User, at time.Time, periodID int64) ([]SignalRow, error) {
	scope, err := periodPageScope(u)
	if err != nil {
		return nil, err
	}
	rows, err := s.signalRows(ctx, periodID, at, false, true, scope)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(rows, func(a, b SignalRow) int {
		return cmp.Or(cmp.Compare(b.Unexplained, a.Unexplained), cmp.Compare(len(b.Signals), len(a.Signals)))
	})
	return rows, nil
}

// signalRows are the units in scope with signals, in the period's unit
// order, with their explanations.
func (s *Service) signalRows(ctx context.Context, periodID int64, at time.Time, acceptedOnly, stale bool, scope reporting.UnitScope) ([]SignalRow, error) {
	e, err := s.periodSignals(ctx, periodID, at, acceptedOnly, stale)
	if err != nil {
		return nil, err
	}
	explained, err := s.st.SignalExplanations(ctx, periodID)
	if err != nil {
		return nil, err
	}
	var under map[string]bool
	if !scope.All && scope.Subtree != "" {
		under = reporting.Descendants(e.det.Basis().Period.Units, scope.Subtree)
	}
	var out []SignalRow
	for _, us := range e.det.Counting() {
		if !scope.All && !under[us.UnitCode] && !slices.Contains(scope.Codes, us.UnitCode) {
			continue
		}
		id := e.counting[us.UnitCode]
		reporting.Explain(us.Signals, explained[id])
		ur := e.det.Unit(us.UnitCode)
		out = append(out, SignalRow{UnitCode: us.UnitCode, UnitName: us.UnitName, ParentCode: ur.ParentCode, ParentName: ur.ParentName, Kind: ur.Kind, SubmissionID: id,
			Version: ur.CountedVersion, Signals: us.Signals, Unexplained: reporting.Unexplained(us.Signals)})
	}
	return out, nil
}

// unexplainedSignals sets on c, for its report's annex, the signals of
// its units' counting submissions that no reviewer explained.
func (s *Service) unexplainedSignals(ctx context.Context, c *reporting.Consolidation, at time.Time) error {
	rows, err := s.signalRows(ctx, c.PeriodID, at, c.AcceptedOnly, false, reporting.AllUnits)
	if err != nil {
		return err
	}
	in := map[string]bool{}
	for _, u := range c.Units {
		in[u.Code] = u.Reported()
	}
	c.Unexplained = nil
	for _, r := range rows {
		if !in[r.UnitCode] || r.Unexplained == 0 {
			continue
		}
		us := reporting.UnitSignals{UnitCode: r.UnitCode, UnitName: r.UnitName}
		for _, sg := range r.Signals {
			if !sg.Explained() {
				us.Signals = append(us.Signals, sg)
			}
		}
		c.Unexplained = append(c.Unexplained, us)
	}
	return nil
}

// SignalStats counts a period's signals: over its counting submissions
// (every unit, whoever asks), how many raise any, and the signals by kind
// and by field — what the README's false-positive figure is made of.
type SignalStats struct {
	Submissions, WithSignals, Signals int
	ByKind                            map[reporting.SignalKind]int
	ByField                           map[string]int // by field label
}

// PeriodSignalStats counts period periodID's signals at moment at, for
// inspectors and administrators.
func (s *Service) PeriodSignalStats(ctx context.Context, u reporting.User, at time.Time, periodID int64) (SignalStats, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin, reporting.RoleInspector); err != nil {
		return SignalStats{}, reporting.Errorf(reporting.EFORBIDDEN, msgPeriodPageForbidden)
	}
	e, err := s.periodSignals(ctx, periodID, at, false, false)
	if err != nil {
		return SignalStats{}, err
	}
	st := SignalStats{Submissions: len(e.counting), ByKind: map[reporting.SignalKind]int{}, ByField: map[string]int{}}
	for _, us := range e.det.Counting() {
		st.WithSignals++
		for _, sg := range us.Signals {
			st.Signals++
			st.ByKind[sg.Kind]++
			st.ByField[sg.Label]++
		}
	}
	return st, nil
}
