package ops

import (
	"context"
	"fmt"
	"strings"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/templates"
)

// The administrator's view of forms: every form with its versions, a
// version as the template shows it, the difference between two versions,
// and loading a new version from a YAML file — checked first, stored only
// when asked, in one step that is audited.

// Messages of the forms pages.
const (
	msgFormsAdminOnly = "Chỉ quản trị viên được xem và nạp biểu mẫu."
	msgFormYAMLTooBig = "Tệp định nghĩa biểu mẫu %s lớn quá %d KB; một biểu mẫu chỉ cần vài chục KB."
	msgFormYAMLEmpty  = "Chưa chọn tệp định nghĩa biểu mẫu (.yaml)."
	msgFormYAMLName   = "Tệp %s không phải tệp .yaml hoặc .yml."
)

// MaxFormYAML bounds a form definition file loaded through the pages.
const MaxFormYAML = 256 << 10

// FormOverview is one form on the administrator's list: its current
// version and how many it has had.
type FormOverview struct {
	Current  store.FormVersionInfo
	Versions int
}

// Forms lists every form's current version for an administrator, by code.
func (s *Service) Forms(ctx context.Context, u reporting.User) ([]FormOverview, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return nil, reporting.Errorf(reporting.EFORBIDDEN, msgFormsAdminOnly)
	}
	forms, err := s.st.CurrentForms(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]FormOverview, 0, len(forms))
	for _, f := range forms {
		h, err := s.st.FormHistory(ctx, f.Code)
		if err != nil {
			return nil, err
		}
		out = append(out, FormOverview{Current: h[0], Versions: len(h)})
	}
	return out, nil
}

// FormHistory is every version of form code, newest first, for an
// administrator.
func (s *Service) FormHistory(ctx context.Context, u reporting.User, code string) ([]store.FormVersionInfo, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return nil, reporting.Errorf(reporting.EFORBIDDEN, msgFormsAdminOnly)
	}
	return s.st.FormHistory(ctx, code)
}

// FormProblem is one mistake in a form definition file: the file, where in
// it (a line, a field, a section, a rule; "" for the file as a whole), and
// what is wrong.
type FormProblem struct {
	File, Where, Reason string
}

// FormLoad is what loading a form definition file found and did.
type FormLoad struct {
	// Problems lists every mistake in the file; nothing is stored when
	// there is one.
	Problems []FormProblem
	// Form is the definition read, when it has no problem.
	Form reporting.Form
	// Current is the form's current version before the load (nil for a
	// new form), and Diff the file's difference from it.
	Current *reporting.Form
	Diff    reporting.FormDiff
	// Stored is what the load stored, when asked to (nil for a check).
	Stored *store.FormSync
}

// LoadFormYAML checks form definition src (file name name) for an
// administrator: every mistake at once, or the difference from the form's
// current version. With apply, a file without mistakes becomes the form's
// new version (unless it is the current one's text), audited.
func (s *Service) LoadFormYAML(ctx context.Context, u reporting.User, now time.Time, name string, src []byte, apply bool) (FormLoad, error) {
	var res FormLoad
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return res, reporting.Errorf(reporting.EFORBIDDEN, msgFormsAdminOnly)
	}
	name = CleanFileName(name)
	switch {
	case len(src) == 0:
		return res, reporting.Errorf(reporting.EINVALID, msgFormYAMLEmpty)
	case len(src) > MaxFormYAML:
		return res, reporting.Errorf(reporting.EINVALID, msgFormYAMLTooBig, name, MaxFormYAML>>10)
	case !strings.HasSuffix(strings.ToLower(name), ".yaml") && !strings.HasSuffix(strings.ToLower(name), ".yml"):
		return res, reporting.Errorf(reporting.EINVALID, msgFormYAMLName, name)
	}
	ff, err := templates.ParseForm(name, src)
	if err != nil {
		res.Problems = formProblems(name, err)
		return res, nil
	}
	res.Form = ff.Form
	cur, err := s.st.FormByCode(ctx, ff.Form.Code)
	switch {
	case reporting.ErrorCode(err) == reporting.ENOTFOUND:
		res.Diff = reporting.DiffForms(reporting.Form{}, ff.Form)
	case err != nil:
		return res, err
	default:
		res.Current = &cur
		res.Diff = reporting.DiffForms(cur, ff.Form)
	}
	if !apply {
		return res, nil
	}
	err = s.st.InTx(ctx, func(tx *store.Store) error {
		synced, err := tx.SyncForms(ctx, []store.FormSource{{Definition: ff.Form, Source: string(ff.Source), Checksum: ff.Checksum}})
		if err != nil {
			return err
		}
		res.Stored = &synced[0]
		if synced[0].Status == store.FormUnchanged {
			return nil
		}
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "forms.load", ObjectType: "form", ObjectID: ff.Form.Code,
			Details: map[string]any{"version": synced[0].Version, "file": name, "checksum": ff.Checksum}})
	})
	if err != nil {
		return res, fmt.Errorf("load form %s: %w", ff.Form.Code, err)
	}
	return res, nil
}

// formProblems splits ParseForm's error, one problem a line, each "file:
// where: reason" or "file: reason".
func formProblems(name string, err error) []FormProblem {
	var out []FormProblem
	for _, line := range strings.Split(err.Error(), "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), name+": ")
		if line == "" {
			continue
		}
		p := FormProblem{File: name, Reason: line}
		if where, reason, ok := strings.Cut(line, ": "); ok && isFormPlace(where) {
			p.Where, p.Reason = where, reason
		}
		out = append(out, p)
	}
	return out
}

// isFormPlace says whether s names a place in a definition file, as the
// form checks and the YAML reader write them ("line 12", "field so_cuoc",
// "section 2, field 3", "rule 1", "schedule 1").
func isFormPlace(s string) bool {
	for _, p := range []string{"line ", "field ", "section ", "rule ", "schedule ", "deadline", "unit_kinds", "code", "title"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
