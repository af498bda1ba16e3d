package ops

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"baocao/reporting"
	"baocao/store"
	"baocao/templates"
)

// Template is a signed workbook for one unit and period.
type Template struct {
	Data []byte
	// FileName is the Vietnamese name ("Báo cáo DCCS-XA 6 tháng đầu năm
	// 2026 - UBND phường Tân Phú.xlsx"); ASCIIName is the same without
	// diacritics, for old clients (RFC 6266 filename=).
	FileName, ASCIIName string
}

// Template builds, at now, the workbook unit files for period, with the
// form's current version, for a user who may see that unit.
func (s *Service) Template(ctx context.Context, u reporting.User, now time.Time, periodID int64, unitCode string) (Template, error) {
	obl, err := s.st.Obligation(ctx, periodID, unitCode)
	if err != nil {
		return Template{}, err
	}
	ancestors, err := s.st.ObligationAncestors(ctx, obl)
	if err != nil {
		return Template{}, err
	}
	if reporting.AuthorizeView(u, obl.UnitCode, ancestors) != nil {
		return Template{}, store.ErrNoObligation(obl.UnitCode, periodID) // as if not there
	}
	// A template is for filing; after the lock nothing can be filed.
	if !now.Before(obl.FilingLocksAt()) {
		return Template{}, reporting.Errorf(reporting.ECONFLICT, msgLockedTemplate, obl.PeriodLabel, reporting.FormatDate(obl.FilingLocksAt().In(s.opts.Location)))
	}
	form, err := s.st.FormByCode(ctx, obl.FormCode)
	if err != nil {
		return Template{}, err
	}
	data, err := templates.Build(templates.BuildInput{
		Form:     form,
		Unit:     templates.Unit{Code: obl.UnitCode, Name: obl.UnitName, ParentName: obl.ParentName},
		Period:   templates.Period{ID: obl.PeriodID, Key: obl.PeriodKey, Label: obl.PeriodLabel, DataFrom: obl.DataFrom, DataTo: obl.DataTo, Deadline: obl.Facts.Deadline},
		IssuedAt: now,
		Location: s.opts.Location,
		Secret:   s.opts.Secret,
	})
	if err != nil {
		return Template{}, fmt.Errorf("build template %s/%d/%s: %w", form.Code, periodID, unitCode, err)
	}
	name := norm.NFC.String(fmt.Sprintf("Báo cáo %s %s - %s.xlsx", form.Code, obl.PeriodLabel, obl.UnitName))
	return Template{Data: data, FileName: name, ASCIIName: ASCIIName(name)}, nil
}

// ASCIIName strips Vietnamese diacritics (đ → d) and keeps a safe file name.
func ASCIIName(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r == 'đ':
			b.WriteByte('d')
		case r == 'Đ':
			b.WriteByte('D')
		case r >= 0x300 && r <= 0x36f: // combining marks
		case r < 0x80 && r != '"' && r != '\\' && r != '/' && r >= 0x20:
			b.WriteRune(r)
		case r >= 0x80:
			b.WriteByte('_')
		}
	}
	return b.String()
}
