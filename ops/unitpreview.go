package ops

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"baocao/reporting"
	"baocao/store"
)

const msgUnitsChangedSincePreview = "Danh sách đơn vị đã thay đổi kể từ lúc xem trước (có người vừa nhập hoặc sửa); chưa lưu gì. Xin xem trước lại."

// UnitImportPreview is what a unit list would do, before anything is
// stored: the units created, those whose name, kind, parent or e-mails
// change (old → new), those closed, those reopened, the open periods whose obligations
// would change, and the fingerprint of the units it was planned against.
type UnitImportPreview struct {
	Counts      reporting.UnitImportCounts
	Created     []PreviewUnit
	Changed     []UnitChange
	Closed      []reporting.UnitClose
	Reopened    []reporting.UnitReopen
	Periods     []ReconciledPeriod
	Fingerprint string
}

// PreviewUnit is a unit the list creates, as its first version says.
type PreviewUnit struct {
	Code, Name, Parent string
	Kind               reporting.UnitKind
	From               time.Time
}

// UnitChange is one field of a unit that changes from a day on.
type UnitChange struct {
	Code, Name string
	From       time.Time
	Field      string // in words
	Old, New   string
}

// PreviewUnitImport plans rows with opts at now, as an administrator,
// applies the plan and the reconciliation of open periods in a
// transaction it rolls back, and says what they did. Row problems come
// back as a *reporting.UnitImportError, as from ImportUnits.
func (s *Service) PreviewUnitImport(ctx context.Context, u reporting.User, now time.Time, rows []reporting.UnitRow, opts store.ImportOptions) (UnitImportPreview, error) {
	var pv UnitImportPreview
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return pv, err
	}
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		var err error
		if pv.Fingerprint, err = tx.UnitsFingerprint(ctx); err != nil {
			return err
		}
		plan, stored, err := tx.PlanUnitImport(ctx, rows, opts)
		if err != nil {
			return err
		}
		pv.Counts = plan.Result
		describePlan(&pv, plan, stored)
		if _, err := tx.ImportUnits(ctx, rows, opts); err != nil {
			return err
		}
		rec, err := s.reconcileOn(ctx, tx, now)
		if err != nil {
			return err
		}
		pv.Periods = rec.Touched
		return errPreview
	})
	if errors.Is(err, errPreview) {
		return pv, nil
	}
	return UnitImportPreview{}, err
}

// describePlan turns plan into the preview's lists, against the stored
// units it was planned on.
func describePlan(pv *UnitImportPreview, plan *reporting.UnitImportPlan, stored map[string]*reporting.StoredUnit) {
	created := map[string]bool{}
	for _, nu := range plan.Units {
		created[nu.Code] = true
	}
	for _, v := range slices.Concat(plan.Replaced, plan.Versions) {
		if created[v.Code] {
			pv.Created = append(pv.Created, PreviewUnit{Code: v.Code, Name: v.Name, Kind: v.Kind, Parent: v.ParentCode, From: v.ValidFrom})
			continue
		}
		su := stored[v.Code]
		if su == nil {
			continue
		}
		old := su.VersionAt(v.ValidFrom)
		if old == nil {
			continue
		}
		add := func(field, before, after string) {
			if before != after {
				pv.Changed = append(pv.Changed, UnitChange{Code: v.Code, Name: v.Name, From: v.ValidFrom, Field: field, Old: before, New: after})
			}
		}
		add("Tên", old.Name, v.Name)
		add("Loại", old.Kind.Label(), v.Kind.Label())
		add("Đơn vị cấp trên", old.ParentCode, v.ParentCode)
		add("E-mail", strings.Join(old.Emails, ", "), strings.Join(v.Emails, ", "))
	}
	pv.Closed = plan.Closes
	pv.Reopened = plan.Reopens
}

// ApplyUnitImport imports rows as ImportUnits does, provided the units
// are still as they were when the preview with fingerprint was made;
// otherwise nothing is stored and the administrator is asked to preview
// again.
func (s *Service) ApplyUnitImport(ctx context.Context, u reporting.User, now time.Time, rows []reporting.UnitRow, opts store.ImportOptions, fingerprint string) (UnitImportResult, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return UnitImportResult{}, err
	}
	fp, err := s.st.UnitsFingerprint(ctx)
	if err != nil {
		return UnitImportResult{}, err
	}
	if fp != fingerprint {
		return UnitImportResult{}, reporting.Errorf(reporting.ECONFLICT, msgUnitsChangedSincePreview)
	}
	return s.ImportUnits(ctx, u, now, rows, opts)
}

// UnitsOn lists the units active on day, each as its version of that day,
// for administrators.
func (s *Service) UnitsOn(ctx context.Context, u reporting.User, day time.Time) ([]reporting.Unit, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return nil, err
	}
	return s.st.UnitsAt(ctx, day)
}
