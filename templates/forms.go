package templates

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"

	"baocao/reporting"
)

// FormFile is one form definition file, parsed, normalised and valid.
type FormFile struct {
	Name     string // file name, e.g. dccs-xa.yaml
	Source   []byte
	Checksum string // hex SHA-256 of Source: a new checksum is a new form version
	Form     reporting.Form
}

// ParseForm parses and validates one definition. Unknown keys are errors,
// because a misspelt key (mni: 0) would otherwise silently drop a check.
// Every problem is reported at once, one per line, each starting with name.
func ParseForm(name string, src []byte) (FormFile, error) {
	sum := sha256.Sum256(src)
	ff := FormFile{Name: name, Source: src, Checksum: hex.EncodeToString(sum[:])}

	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	switch err := dec.Decode(&ff.Form); {
	case errors.Is(err, io.EOF):
		return FormFile{}, fmt.Errorf("%s: empty file", name)
	case err != nil:
		return FormFile{}, yamlError(name, err)
	}
	// A second document would be ignored, and with it whatever it defines.
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return FormFile{}, fmt.Errorf("%s: more than one YAML document; put one form per file", name)
	}

	ff.Form.Normalize()
	if err := ff.Form.Validate(); err != nil {
		return FormFile{}, prefixEach(name, err)
	}
	return ff, nil
}

// EmbeddedForms parses the definitions shipped in the binary.
func EmbeddedForms() ([]FormFile, error) {
	sub, err := fs.Sub(files, "forms")
	if err != nil {
		return nil, fmt.Errorf("embedded forms: %w", err)
	}
	return LoadForms(sub)
}

// LoadForms parses every *.yaml file at the top of fsys, in name order.
// It reports the problems of all files together, and a form code defined
// by two files, since the second would overwrite the first's versions.
func LoadForms(fsys fs.FS) ([]FormFile, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list form files: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("no form definition (*.yaml) found")
	}
	var (
		out    []FormFile
		errs   []error
		byCode = map[string]string{}
	)
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		ff, err := ParseForm(path.Base(name), src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if first, dup := byCode[ff.Form.Code]; dup {
			errs = append(errs, fmt.Errorf("%s: form code %s is already defined in %s", name, ff.Form.Code, first))
			continue
		}
		byCode[ff.Form.Code] = name
		out = append(out, ff)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// yamlError keeps yaml's line numbers but drops its "yaml: " prefix, and
// gives each type error of a file its own line.
func yamlError(name string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		errs := make([]error, len(te.Errors))
		for i, e := range te.Errors {
			errs[i] = fmt.Errorf("%s: %s", name, e)
		}
		return errors.Join(errs...)
	}
	return fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
}

// prefixEach puts the file name in front of every problem Validate joined,
// so each line of the error stands on its own in a log or on a page.
func prefixEach(name string, err error) error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return fmt.Errorf("%s: %w", name, err)
	}
	var errs []error
	for _, e := range j.Unwrap() {
		errs = append(errs, fmt.Errorf("%s: %w", name, e))
	}
	return errors.Join(errs...)
}
