package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
)

// FormVersionInfo is one stored version of a form, as the administrator's
// forms page lists it.
type FormVersionInfo struct {
	Form     reporting.Form
	Checksum string
	LoadedAt time.Time
	// Source is the YAML the version was loaded from.
	Source string
	// Periods counts the periods opened on this version.
	Periods int
}

// FormHistory lists every version of form code, newest first; ENOTFOUND
// when there is no such form.
func (s *Store) FormHistory(ctx context.Context, code string) ([]FormVersionInfo, error) {
	rows, err := s.q.Query(ctx, `
		SELECT v.id, v.version, v.definition, v.checksum, v.loaded_at, v.source,
		       (SELECT count(*) FROM periods p WHERE p.form_version_id = v.id)
		FROM form_versions v
		WHERE v.form_code = $1
		ORDER BY v.version DESC`, code)
	if err != nil {
		return nil, fmt.Errorf("versions of form %s: %w", code, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (FormVersionInfo, error) {
		var (
			v   FormVersionInfo
			def []byte
		)
		if err := row.Scan(&v.Form.VersionID, &v.Form.Version, &def, &v.Checksum, &v.LoadedAt, &v.Source, &v.Periods); err != nil {
			return v, err
		}
		id, version := v.Form.VersionID, v.Form.Version
		if err := json.Unmarshal(def, &v.Form); err != nil {
			return v, fmt.Errorf("decode definition of form version %d: %w", id, err)
		}
		v.Form.VersionID, v.Form.Version = id, version
		return v, nil
	})
	if err != nil {
		return nil, fmt.Errorf("versions of form %s: %w", code, err)
	}
	if len(out) == 0 {
		return nil, reporting.Errorf(reporting.ENOTFOUND, msgFormNotFound, code)
	}
	return out, nil
}
