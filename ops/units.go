package ops

import (
	"context"
	"time"

	"baocao/reporting"
	"baocao/store"
)

// UnitImportResult is what ImportUnits did: the units, and the open
// periods reconciled with them.
type UnitImportResult struct {
	store.ImportResult
	Reconciled ReconcileResult
}

// ImportUnits imports a unit list at now as an administrator's action: every
// row checked and the whole list stored in one transaction, or nothing (see
// store.ImportUnits), audited as u. Then the periods open at now follow the
// new list (ReconcileOpenPeriods): a reorganisation imported while a period
// is open changes who owes it.
func (s *Service) ImportUnits(ctx context.Context, u reporting.User, now time.Time, rows []reporting.UnitRow, opts store.ImportOptions) (UnitImportResult, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return UnitImportResult{}, err
	}
	opts.Actor = u.Email
	res, err := s.st.ImportUnits(ctx, rows, opts)
	if err != nil {
		return UnitImportResult{ImportResult: res}, err
	}
	s.st.AnalyzeAfter(ctx, res.Created+res.Versioned+res.Closed, "units", "unit_versions")
	rec, err := s.ReconcileOpenPeriods(ctx, now)
	return UnitImportResult{ImportResult: res, Reconciled: rec}, err
}

// RecordSuccession records, as an administrator's action, that unit from
// continues as unit to from day effective (a merger), on a legal basis;
// crossLevel confirms a succession between units of different kinds.
func (s *Service) RecordSuccession(ctx context.Context, u reporting.User, from, to string, effective time.Time, basis string, crossLevel bool) error {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return err
	}
	return s.st.RecordSuccession(ctx, from, to, effective, basis, crossLevel)
}
