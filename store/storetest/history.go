package storetest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
)

// Secret signs the templates of services made by Ops.
var Secret = []byte("storetest secret of at least thirty-two bytes")

// Ops is the actions on st with the test Secret, dates in loc.
func Ops(st *store.Store, loc *time.Location) *ops.Service {
	return ops.New(st, ops.Options{Secret: Secret, Location: loc})
}

// OpenDue opens every period due at now (ops.Service.OpenDuePeriods).
func OpenDue(t testing.TB, st *store.Store, now time.Time, loc *time.Location) store.OpenResult {
	t.Helper()
	res, err := Ops(st, loc).OpenDuePeriods(t.Context(), now)
	if err != nil {
		t.Fatalf("storetest.OpenDue %s: %v", now, err)
	}
	return res
}

// Upload stores a version of (period, unit)'s report uploaded at at, with
// no values, through the store as Submit does (the next version, its late
// flag, the history event) but without a file to check: a factory for
// tests of what happens after an upload.
func Upload(t testing.TB, st *store.Store, periodID int64, unit string, at time.Time) store.Submission {
	t.Helper()
	sub, err := TryUpload(t.Context(), st, periodID, unit, at)
	if err != nil {
		t.Fatalf("storetest.Upload %d/%s: %v", periodID, unit, err)
	}
	return sub
}

// TryUpload is Upload returning its error, for uploads racing other
// writers (from goroutines, where a test cannot stop).
func TryUpload(ctx context.Context, st *store.Store, periodID int64, unit string, at time.Time) (store.Submission, error) {
	var sub store.Submission
	err := st.InTx(ctx, func(tx *store.Store) error {
		o, err := tx.LockObligation(ctx, periodID, unit)
		if err != nil {
			return err
		}
		file := fmt.Appendf(nil, "upload of %d/%s at %s, version %d", periodID, unit, at, o.LatestVersion+1)
		late := at.After(o.Facts.Deadline)
		if sub, err = tx.InsertSubmission(ctx, store.NewSubmission{PeriodID: periodID, UnitCode: unit, Version: o.LatestVersion + 1,
			FormVersionID: o.FormVersionID, File: file, FileName: "bc.xlsx", UploadedAt: at, Late: late}); err != nil {
			return err
		}
		return tx.RecordEvents(ctx, []store.ObligationEvent{{PeriodID: periodID, UnitCode: unit, Event: reporting.Event{
			At: at, Kind: reporting.EventUploaded, Actor: "storetest", SubmissionID: sub.ID, Version: sub.Version, Late: late}}})
	})
	return sub, err
}

// Record appends e to (period, unit)'s history as it stands, without the
// checks of the actions: a factory for histories a test needs. A review
// (returned, accepted) is of the latest version and is stored as a review
// too.
func Record(t testing.TB, st *store.Store, periodID int64, unit string, e reporting.Event) {
	t.Helper()
	ctx := t.Context()
	err := st.InTx(ctx, func(tx *store.Store) error {
		o, err := tx.LockObligation(ctx, periodID, unit)
		if err != nil {
			return err
		}
		if e.Kind == reporting.EventReturned || e.Kind == reporting.EventAccepted {
			e.SubmissionID, e.Version = o.LatestSubmissionID, o.LatestVersion
			if _, err := tx.InsertReview(ctx, e.SubmissionID, nil, reporting.Decision(e.Kind), e.Reason, e.At); err != nil {
				return err
			}
		}
		if e.Kind == reporting.EventExtended && e.PreviousDeadline == nil {
			old := o.Facts.Deadline
			e.PreviousDeadline = &old
		}
		if e.Actor == "" {
			e.Actor = "storetest"
		}
		return tx.RecordEvents(ctx, []store.ObligationEvent{{PeriodID: periodID, UnitCode: unit, Event: e}})
	})
	if err != nil {
		t.Fatalf("storetest.Record %s on %d/%s: %v", e.Kind, periodID, unit, err)
	}
}

// SHA256 is data's hash as the store writes it.
func SHA256(data []byte) string { return fmt.Sprintf("%x", sha256.Sum256(data)) }
