package mail

import (
	"strings"
	"unicode/utf8"
)

// TextWidth is the longest line of a plain-text body, in characters: what
// an 80-column mail client shows without wrapping it for the reader, and
// the limit RFC 5322 recommends.
const TextWidth = 78

// wrapText breaks each line of s longer than width at spaces. A list item
// ("- Lý do: …") continues under its text, two spaces in; a word longer
// than width (a link) gets a line of its own, whole, so it stays
// clickable. Trailing spaces are kept: "-- " is the signature separator.
func wrapText(s string, width int) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	for _, line := range lines {
		if utf8.RuneCountInString(line) <= width {
			out = append(out, line)
			continue
		}
		indent := ""
		if strings.HasPrefix(line, "- ") {
			indent = "  "
		}
		cur, curLen := "", 0
		for _, w := range strings.Fields(line) {
			n := utf8.RuneCountInString(w)
			switch {
			case cur == "":
				cur, curLen = w, n
			case curLen+1+n <= width:
				cur, curLen = cur+" "+w, curLen+1+n
			default:
				out = append(out, cur)
				cur, curLen = indent+w, len(indent)+n
			}
		}
		out = append(out, cur)
	}
	return strings.Join(out, "\n")
}
