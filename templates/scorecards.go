package templates

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"

	"baocao/reporting"
)

// ScorecardFile is one scorecard definition file, parsed and valid.
type ScorecardFile struct {
	Name      string // file name, e.g. dgdc-xa.yaml
	Source    []byte
	Checksum  string // hex SHA-256 of Source: a new checksum is a new version
	Scorecard reporting.Scorecard
}

// ParseScorecard parses and validates one definition against the forms it
// names (by code). Unknown keys are errors, as in forms. Every problem is
// reported at once, one per line, each starting with name and, where it has
// one, the criterion.
func ParseScorecard(name string, src []byte, forms map[string]*reporting.Form) (ScorecardFile, error) {
	sum := sha256.Sum256(src)
	sf := ScorecardFile{Name: name, Source: src, Checksum: hex.EncodeToString(sum[:])}
	if err := decodeOne(name, src, &sf.Scorecard, "tệp rỗng", "có hơn một tài liệu YAML; mỗi tệp chỉ một bộ tiêu chí"); err != nil {
		return ScorecardFile{}, err
	}
	if err := sf.Scorecard.Validate(forms); err != nil {
		var se *reporting.ScorecardError
		if errors.As(err, &se) {
			errs := make([]error, len(se.Problems))
			for i, p := range se.Problems {
				errs[i] = fmt.Errorf("%s: %s", name, p)
			}
			return ScorecardFile{}, errors.Join(errs...)
		}
		return ScorecardFile{}, fmt.Errorf("%s: %w", name, err)
	}
	return sf, nil
}

// EmbeddedScorecards parses the scorecards shipped in the binary against
// the forms given.
func EmbeddedScorecards(forms map[string]*reporting.Form) ([]ScorecardFile, error) {
	sub, err := fs.Sub(files, "scorecards")
	if err != nil {
		return nil, fmt.Errorf("embedded scorecards: %w", err)
	}
	return LoadScorecards(sub, forms)
}

// LoadScorecards parses every *.yaml file at the top of fsys, in name
// order, reporting the problems of all files together.
func LoadScorecards(fsys fs.FS, forms map[string]*reporting.Form) ([]ScorecardFile, error) {
	return loadDefinitions(fsys, func(name string, src []byte) (ScorecardFile, error) { return ParseScorecard(name, src, forms) },
		func(f ScorecardFile) string { return f.Scorecard.Code }, "mã bộ tiêu chí %s đã có trong %s")
}

// FormsByCode indexes form files by code, for scorecard validation.
func FormsByCode(files []FormFile) map[string]*reporting.Form {
	out := make(map[string]*reporting.Form, len(files))
	for i := range files {
		out[files[i].Form.Code] = &files[i].Form
	}
	return out
}
