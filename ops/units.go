package ops

import (
	"context"
	"time"

	"baocao/reporting"
	"baocao/store"
)

// ImportUnits imports a unit list as an administrator's action: every row
// checked and the whole list stored in one transaction, or nothing (see
// store.ImportUnits), audited as u.
func (s *Service) ImportUnits(ctx context.Context, u reporting.User, rows []reporting.UnitRow, opts store.ImportOptions) (store.ImportResult, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return store.ImportResult{}, err
	}
	opts.Actor = u.Email
	res, err := s.st.ImportUnits(ctx, rows, opts)
	if err == nil {
		s.st.AnalyzeAfter(ctx, res.Created+res.Versioned+res.Closed, "units", "unit_versions")
	}
	return res, err
}

// RecordSuccession records, as an administrator's action, that unit from
// continues as unit to from day effective (a merger), on a legal basis.
func (s *Service) RecordSuccession(ctx context.Context, u reporting.User, from, to string, effective time.Time, basis string) error {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return err
	}
	return s.st.RecordSuccession(ctx, from, to, effective, basis)
}
