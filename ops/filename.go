package ops

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// An uploaded file's name is stored, listed on pages and sent back in a
// download's Content-Disposition: whatever the client sent, it must be a
// plain name that reads the same everywhere.
const (
	// maxFileNameBytes bounds a stored or served file name.
	maxFileNameBytes = 200
	// maxExtBytes is the longest tail after the last dot kept as an
	// extension when a name is shortened (".xlsx" and the like).
	maxExtBytes = 16
	// defaultFileName names an upload sent without a usable name.
	defaultFileName = "baocao.xlsx"
)

// CleanFileName makes name fit to store and to serve: valid UTF-8 in NFC,
// without any directory part (after the last / or \), without control
// characters (C0, DEL, C1), format characters (bidi overrides, zero-width
// marks, BOM) or line separators, without leading or trailing spaces and
// dots, and at most 200 bytes, shortened before its extension so ".xlsx"
// stays, never inside a UTF-8 sequence or before a combining mark. An
// empty result is "baocao.xlsx".
func CleanFileName(name string) string {
	// Controls go before NFC, which may then join what they separated.
	name = norm.NFC.String(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, "")))
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = trimName(name)
	if len(name) > maxFileNameBytes {
		base, ext := name, ""
		if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= maxExtBytes && !strings.ContainsFunc(name[i:], unicode.IsSpace) {
			base, ext = name[:i], name[i:]
		}
		base = trimName(cutName(base, maxFileNameBytes-len(ext)))
		if base == "" {
			base = "baocao"
		}
		name = base + ext
	}
	if name == "" {
		return defaultFileName
	}
	return name
}

// trimName drops leading and trailing spaces and dots.
func trimName(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '.' })
}

// cutName is the longest prefix of s of at most n bytes that ends between
// two characters, not before a combining mark that belongs to the last.
func cutName(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 {
		r, _ := utf8.DecodeRuneInString(s[n:])
		if utf8.RuneStart(s[n]) && !unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) {
			break
		}
		n--
	}
	return s[:n]
}
