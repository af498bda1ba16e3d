package ops

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"baocao/reporting"
	"baocao/store"
)

// FindPeriod is the id of the period ref names: its id ("17"), or its key
// ("2026-H1") within form formCode ("" for any form). A key that several
// forms share, asked without a form, is EINVALID and names them; no such
// period is ENOTFOUND. Finding a period needs no permission: the action
// asked for checks its own.
func (s *Service) FindPeriod(ctx context.Context, formCode, ref string) (int64, error) {
	ref, formCode = strings.TrimSpace(ref), strings.TrimSpace(formCode)
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil && id > 0 {
		p, err := s.st.Period(ctx, id)
		switch {
		case err == nil && (formCode == "" || p.FormCode == formCode):
			return id, nil
		case err != nil && reporting.ErrorCode(err) != reporting.ENOTFOUND:
			return 0, err
		}
		// Not a period's id: perhaps a key ("2026" of a yearly form).
	}
	ps, err := s.st.Periods(ctx, store.PeriodFilter{FormCode: formCode, Key: ref})
	if err != nil {
		return 0, fmt.Errorf("find period %q of form %q: %w", ref, formCode, err)
	}
	switch {
	case len(ps) == 1:
		return ps[0].ID, nil
	case len(ps) > 1:
		forms := make([]string, len(ps))
		for i, p := range ps {
			forms[i] = fmt.Sprintf(msgPeriodOfFormEntry, p.FormCode, p.ID)
		}
		return 0, reporting.Errorf(reporting.EINVALID, msgPeriodAmbiguous, ref, strings.Join(forms, ", "))
	case formCode != "":
		return 0, reporting.Errorf(reporting.ENOTFOUND, msgNoPeriodOfForm, formCode, ref)
	}
	return 0, reporting.Errorf(reporting.ENOTFOUND, msgNoPeriod, ref)
}
