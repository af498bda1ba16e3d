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

	if err := decodeOne(name, src, &ff.Form, "empty file", "more than one YAML document; put one form per file"); err != nil {
		return FormFile{}, err
	}

	ff.Form.Normalize()
	if err := ff.Form.Validate(); err != nil {
		return FormFile{}, prefixEach(name, err)
	}
	return ff, nil
}

// decodeOne decodes the one YAML document of src into v, unknown keys being
// errors; empty and more are the complaints of a file with none and with
// more than one (a second document would be ignored, and with it whatever
// it defines).
func decodeOne(name string, src []byte, v any, empty, more string) error {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	switch err := dec.Decode(v); {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%s: %s", name, empty)
	case err != nil:
		return yamlError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: %s", name, more)
	}
	return nil
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
	out, err := loadDefinitions(fsys, ParseForm, func(f FormFile) string { return f.Form.Code }, "form code %s is already defined in %s")
	if err == nil && len(out) == 0 {
		return nil, errors.New("no form definition (*.yaml) found")
	}
	return out, err
}

// loadDefinitions parses every *.yaml file at the top of fsys, in name
// order, with parse; it reports the problems of all files together, and
// a code (of code) that two files define (dup: the code, the first file).
func loadDefinitions[T any](fsys fs.FS, parse func(name string, src []byte) (T, error), code func(T) string, dup string) ([]T, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list definition files: %w", err)
	}
	var (
		out    []T
		errs   []error
		byCode = map[string]string{}
	)
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		v, err := parse(path.Base(name), src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if first, seen := byCode[code(v)]; seen {
			errs = append(errs, fmt.Errorf("%s: "+dup, name, code(v), first))
			continue
		}
		byCode[code(v)] = name
		out = append(out, v)
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
