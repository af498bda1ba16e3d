package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
)

// formsLockKey serialises form syncs across instances (pg_advisory_xact_lock),
// so two instances starting with the same changed file add one version, not
// two.
const formsLockKey int64 = 7242101

// FormSource is a form definition as loaded from its file: the parsed form
// and the exact bytes it came from. cmd builds it from templates.FormFile;
// store does not import templates.
type FormSource struct {
	Definition reporting.Form
	Source     string
	Checksum   string // a changed checksum is what makes a new version
}

// FormSyncStatus says what a sync did to one form.
type FormSyncStatus string

// Sync outcomes.
const (
	FormCreated    FormSyncStatus = "created"     // new form, version 1
	FormNewVersion FormSyncStatus = "new_version" // definition changed
	FormUnchanged  FormSyncStatus = "unchanged"
)

// FormSync is the outcome of syncing one form.
type FormSync struct {
	Code      string
	Status    FormSyncStatus
	Version   int   // the form's latest version after the sync
	VersionID int64 // its form_versions.id
}

func (r FormSync) String() string {
	switch r.Status {
	case FormCreated:
		return fmt.Sprintf("%s: created (version %d)", r.Code, r.Version)
	case FormNewVersion:
		return fmt.Sprintf("%s: new version %d", r.Code, r.Version)
	}
	return fmt.Sprintf("%s: unchanged (version %d)", r.Code, r.Version)
}

// Messages a user sees.
const (
	msgFormNotFound        = "Không tìm thấy biểu mẫu %s."
	msgFormVersionNotFound = "Không tìm thấy phiên bản biểu mẫu (mã %d)."
	msgReminderNotFound    = "Không có thư số %d trong hộp thư đi."
)

// SyncForms brings the database in line with the definition files: a new
// form gets its row and version 1; a form whose latest version has another
// checksum gets version latest+1; the rest is left alone. Old versions stay,
// since periods and submissions point at them. All in one transaction, under
// an advisory lock, so concurrent syncs of one change add one version.
// Results come in the order of files.
func (s *Store) SyncForms(ctx context.Context, files []FormSource) ([]FormSync, error) {
	return s.syncForms(ctx, files, false)
}

// SyncShippedForms is SyncForms for the definitions shipped in the binary,
// as serve and demo load them at every start: a file whose exact text the
// form has had before — in any version — adds nothing, so a version an
// administrator loaded since (baocao forms load, the forms page) stays the
// latest across restarts. A shipped file that changed (an upgrade) still
// becomes the latest version.
func (s *Store) SyncShippedForms(ctx context.Context, files []FormSource) ([]FormSync, error) {
	return s.syncForms(ctx, files, true)
}

func (s *Store) syncForms(ctx context.Context, files []FormSource, shipped bool) ([]FormSync, error) {
	var (
		codes, checksums, titles, definitions, sources []string
		seen                                           = map[string]bool{}
	)
	for _, f := range files {
		code := f.Definition.Code
		if seen[code] {
			return nil, fmt.Errorf("sync forms: form %s given twice", code)
		}
		seen[code] = true
		def, err := json.Marshal(f.Definition)
		if err != nil {
			return nil, fmt.Errorf("sync forms: encode %s: %w", code, err)
		}
		codes = append(codes, code)
		checksums = append(checksums, f.Checksum)
		titles = append(titles, f.Definition.Title)
		definitions = append(definitions, string(def))
		sources = append(sources, f.Source)
	}

	var out []FormSync
	err := s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.q.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, formsLockKey); err != nil {
			return fmt.Errorf("lock forms: %w", err)
		}
		rows, err := tx.q.Query(ctx, `INSERT INTO forms (code) SELECT unnest($1::text[]) ON CONFLICT (code) DO NOTHING RETURNING code`, codes)
		if err != nil {
			return fmt.Errorf("insert forms: %w", err)
		}
		created, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("insert forms: %w", err)
		}
		isNew := map[string]bool{}
		for _, c := range created {
			isNew[c] = true
		}

		// Compare each file with its form's latest version and add a
		// version where they differ; report the latest version either way.
		// The lock above makes "latest" stable until commit.
		rows, err = tx.q.Query(ctx, `
			WITH src AS (
				SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
					WITH ORDINALITY AS s (code, checksum, title, definition, source, ord)
			), latest AS (
				SELECT DISTINCT ON (form_code) form_code, id, version, checksum
				FROM form_versions
				WHERE form_code = ANY ($1)
				ORDER BY form_code, version DESC
			), added AS (
				INSERT INTO form_versions (form_code, version, checksum, title, definition, source)
				SELECT s.code, COALESCE(l.version, 0) + 1, s.checksum, s.title, s.definition::jsonb, s.source
				FROM src s LEFT JOIN latest l ON l.form_code = s.code
				WHERE l.checksum IS DISTINCT FROM s.checksum
				  AND NOT ($6 AND EXISTS (SELECT FROM form_versions x WHERE x.form_code = s.code AND x.checksum = s.checksum))
				RETURNING form_code, id, version
			)
			SELECT s.code, a.id IS NOT NULL, COALESCE(a.id, l.id), COALESCE(a.version, l.version)
			FROM src s
			LEFT JOIN added a ON a.form_code = s.code
			LEFT JOIN latest l ON l.form_code = s.code
			ORDER BY s.ord`,
			codes, checksums, titles, definitions, sources, shipped)
		if err != nil {
			return fmt.Errorf("insert form versions: %w", err)
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (FormSync, error) {
			var (
				fs    FormSync
				added bool
			)
			err := row.Scan(&fs.Code, &added, &fs.VersionID, &fs.Version)
			switch {
			case isNew[fs.Code]:
				fs.Status = FormCreated
			case added:
				fs.Status = FormNewVersion
			default:
				fs.Status = FormUnchanged
			}
			return fs, err
		})
		if err != nil {
			return fmt.Errorf("insert form versions: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sync forms: %w", err)
	}
	return out, nil
}

// CurrentForms is the latest version of every form, by code.
func (s *Store) CurrentForms(ctx context.Context) ([]reporting.Form, error) {
	rows, err := s.q.Query(ctx, `
		SELECT DISTINCT ON (form_code) id, version, definition
		FROM form_versions
		ORDER BY form_code, version DESC`)
	if err != nil {
		return nil, fmt.Errorf("current forms: %w", err)
	}
	forms, err := pgx.CollectRows(rows, scanFormVersion)
	if err != nil {
		return nil, fmt.Errorf("current forms: %w", err)
	}
	return forms, nil
}

// FormVersion is the form version with the given id, as periods and
// submissions reference it.
func (s *Store) FormVersion(ctx context.Context, id int64) (reporting.Form, error) {
	return s.oneFormVersion(ctx, reporting.Errorf(reporting.ENOTFOUND, msgFormVersionNotFound, id),
		`SELECT id, version, definition FROM form_versions WHERE id = $1`, id)
}

// FormByCode is the latest version of the form with the given code.
func (s *Store) FormByCode(ctx context.Context, code string) (reporting.Form, error) {
	return s.oneFormVersion(ctx, reporting.Errorf(reporting.ENOTFOUND, msgFormNotFound, code), `
		SELECT id, version, definition
		FROM form_versions
		WHERE form_code = $1
		ORDER BY version DESC
		LIMIT 1`, code)
}

// LatestFormVersion is the id and number of the latest version of the
// form with the given code, without its definition.
func (s *Store) LatestFormVersion(ctx context.Context, code string) (id int64, version int, err error) {
	err = s.q.QueryRow(ctx, `
		SELECT id, version
		FROM form_versions
		WHERE form_code = $1
		ORDER BY version DESC
		LIMIT 1`, code).Scan(&id, &version)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, 0, reporting.Errorf(reporting.ENOTFOUND, msgFormNotFound, code)
	case err != nil:
		return 0, 0, fmt.Errorf("read latest version of form %s: %w", code, err)
	}
	return id, version, nil
}

// oneFormVersion runs a query for one (id, version, definition) row, and
// returns notFound when there is none.
func (s *Store) oneFormVersion(ctx context.Context, notFound *reporting.Error, query string, arg any) (reporting.Form, error) {
	rows, err := s.q.Query(ctx, query, arg)
	if err != nil {
		return reporting.Form{}, fmt.Errorf("read form version %v: %w", arg, err)
	}
	f, err := pgx.CollectExactlyOneRow(rows, scanFormVersion)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return reporting.Form{}, notFound
	case err != nil:
		return reporting.Form{}, fmt.Errorf("read form version %v: %w", arg, err)
	}
	return f, nil
}

// scanFormVersion reads (id, version, definition) into a Form.
func scanFormVersion(row pgx.CollectableRow) (reporting.Form, error) {
	var (
		f   reporting.Form
		def []byte
	)
	if err := row.Scan(&f.VersionID, &f.Version, &def); err != nil {
		return f, err
	}
	if err := json.Unmarshal(def, &f); err != nil {
		return f, fmt.Errorf("decode definition of form version %d: %w", f.VersionID, err)
	}
	return f, nil
}
