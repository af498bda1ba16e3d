package templates

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
)

// LayoutVersion numbers the template's layout: sheet names, header rows,
// columns and the defined-name scheme. Read knows every layout it accepts;
// a change that moves a cell is a new number.
//
// Layout 2 signs the header lines too (Header), so that Read can tell a
// changed unit or period line from the template's; a layout 1 template,
// issued before, is still read, with those lines unchecked.
const LayoutVersion = 2

// Meta is a template's identity, written to its _meta sheet and signed:
// which form version, unit and period it was issued for, and when. The
// uploader's rights, the period's state and the form version's currency are
// the caller's to check against the database.
type Meta struct {
	FormCode      string
	FormVersion   int
	FormVersionID int64
	UnitCode      string
	PeriodID      int64
	PeriodKey     string
	IssuedAt      time.Time
	Layout        int
	// Header is what the report sheet's header lines show (layout 2).
	Header Header
}

// Header is the text of the report sheet's header lines, as Build wrote
// them: the issuing body, the unit, the period, the data window and the
// deadline. A line may be empty (a unit without a parent).
type Header struct {
	Parent, Unit, Period, Window, Deadline string
}

// Keys of the _meta sheet, one row each: key in column A, value in B. The
// order is the order of the signed string.
const (
	metaForm          = "form_code"
	metaFormVersion   = "form_version"
	metaFormVersionID = "form_version_id"
	metaUnit          = "unit_code"
	metaPeriodID      = "period_id"
	metaPeriodKey     = "period_key"
	metaIssuedAt      = "issued_at"
	metaLayout        = "layout_version"
	metaHMAC          = "hmac"
	metaHParent       = "h_parent"
	metaHUnit         = "h_unit"
	metaHPeriod       = "h_period"
	metaHWindow       = "h_window"
	metaHDeadline     = "h_deadline"
)

var (
	metaKeys1 = []string{metaForm, metaFormVersion, metaFormVersionID, metaUnit, metaPeriodID, metaPeriodKey, metaIssuedAt, metaLayout}
	metaKeys2 = append(slices.Clone(metaKeys1), metaHParent, metaHUnit, metaHPeriod, metaHWindow, metaHDeadline)
)

// keys are the signed keys of m's layout.
func (m Meta) keys() []string {
	if m.Layout == 1 {
		return metaKeys1
	}
	return metaKeys2
}

// metaDomain opens the signed string so that a MAC made with the same
// secret for something else can never pass for a template's.
const metaDomain = "baocao-template-meta"

func (m Meta) values() []string {
	v := []string{
		m.FormCode,
		strconv.Itoa(m.FormVersion),
		strconv.FormatInt(m.FormVersionID, 10),
		m.UnitCode,
		strconv.FormatInt(m.PeriodID, 10),
		m.PeriodKey,
		m.IssuedAt.Format(time.RFC3339),
		strconv.Itoa(m.Layout),
	}
	if m.Layout == 1 {
		return v
	}
	h := m.Header
	return append(v, h.Parent, h.Unit, h.Period, h.Window, h.Deadline)
}

// canonical is the signed string: the domain, then key=value lines in a
// fixed order. Values cannot hold a newline (parseMeta refuses them), so
// no two different Metas share a string.
func (m Meta) canonical() string {
	var b strings.Builder
	b.WriteString(metaDomain)
	for i, v := range m.values() {
		b.WriteByte('\n')
		b.WriteString(m.keys()[i])
		b.WriteByte('=')
		b.WriteString(v)
	}
	return b.String()
}

// Sign is the hex HMAC-SHA256 of m under secret.
func (m Meta) Sign(secret []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(m.canonical()))
	return hex.EncodeToString(mac.Sum(nil))
}

// errMetaAltered is VerifyMeta's answer to a MAC that does not match.
var errMetaAltered = errors.New("template meta: HMAC mismatch")

// VerifyMeta checks a MAC read from a template against m, in constant
// time. An empty secret verifies nothing and is an error.
func VerifyMeta(m Meta, mac string, secret []byte) error {
	if len(secret) == 0 {
		return errors.New("verify template meta: empty secret")
	}
	got, err := hex.DecodeString(mac)
	if err != nil {
		return errMetaAltered
	}
	want, _ := hex.DecodeString(m.Sign(secret))
	if !hmac.Equal(got, want) {
		return errMetaAltered
	}
	return nil
}

// metaRows is what Build writes to the _meta sheet.
func metaRows(m Meta, secret []byte) [][2]string {
	keys := m.keys()
	rows := make([][2]string, 0, len(keys)+1)
	for i, v := range m.values() {
		rows = append(rows, [2]string{keys[i], v})
	}
	return append(rows, [2]string{metaHMAC, m.Sign(secret)})
}

// parseMeta reads the _meta sheet's rows back. bad lists the keys that
// are missing, repeated or malformed, for the refusal message.
func parseMeta(rows [][]string) (m Meta, mac string, bad []string) {
	kv := map[string]string{}
	for _, r := range rows {
		if len(r) == 0 || strings.TrimSpace(r[0]) == "" {
			continue
		}
		k, v := strings.TrimSpace(r[0]), ""
		if len(r) > 1 {
			v = strings.TrimSpace(r[1])
		}
		if _, dup := kv[k]; dup || strings.ContainsAny(v, "\r\n") {
			bad = append(bad, k)
		}
		kv[k] = v
	}
	str := func(k string) string {
		v := kv[k]
		if v == "" {
			bad = append(bad, k)
		}
		return v
	}
	num := func(k string) int64 {
		s := str(k)
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			bad = append(bad, k)
		}
		return n
	}
	m = Meta{
		FormCode:      str(metaForm),
		FormVersion:   int(num(metaFormVersion)),
		FormVersionID: num(metaFormVersionID),
		UnitCode:      str(metaUnit),
		PeriodID:      num(metaPeriodID),
		PeriodKey:     str(metaPeriodKey),
		Layout:        int(num(metaLayout)),
	}
	if s := str(metaIssuedAt); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			bad = append(bad, metaIssuedAt)
		}
		m.IssuedAt = t
	}
	if m.Layout != 1 {
		// A header line may be empty, but its key must be there.
		line := func(k string) string {
			v, ok := kv[k]
			if !ok {
				bad = append(bad, k)
			}
			return v
		}
		m.Header = Header{line(metaHParent), line(metaHUnit), line(metaHPeriod), line(metaHWindow), line(metaHDeadline)}
	}
	mac = str(metaHMAC)
	if len(bad) > 0 {
		return Meta{}, "", bad
	}
	return m, mac, nil
}
