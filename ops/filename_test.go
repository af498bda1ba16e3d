package ops_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"baocao/ops"
)

func TestCleanFileName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Báo cáo tổng hợp ", 1600) + ".xlsx" // about 27 KB
	for _, tc := range []struct {
		name, in, want string
	}{
		{"plain", "báo cáo.xlsx", "báo cáo.xlsx"},
		{"empty", "", "baocao.xlsx"},
		{"spaces and dots only", " . .. ", "baocao.xlsx"},
		{"CR LF", "bao cao\r\n.xlsx", "bao cao.xlsx"},
		{"header injection", "a.xlsx\r\nSet-Cookie: x=1", "a.xlsxSet-Cookie: x=1"},
		{"NUL", "bao\x00cao.xlsx", "baocao.xlsx"},
		{"tab and DEL", "bao\tcao\x7f.xlsx", "baocao.xlsx"},
		{"C1 control", "bao\u0085cao.xlsx", "baocao.xlsx"},
		{"bidi override", "hoa don\u202Exslx.exe", "hoa donxslx.exe"},
		{"bidi isolates and zero width", "\u2066bao\u200Bcao\u2069\uFEFF.xlsx", "baocao.xlsx"},
		{"line separator", "bao\u2028cao.xlsx", "baocao.xlsx"},
		{"parent directories", "../../etc/passwd", "passwd"},
		{"Windows path", `C:\Users\Xã\Documents\báo cáo.xlsx`, "báo cáo.xlsx"},
		{"only a directory", "a/b/", "baocao.xlsx"},
		{"dot dot", "..", "baocao.xlsx"},
		{"trailing dots and spaces", "  báo cáo.xlsx. . ", "báo cáo.xlsx"},
		{"NFD to NFC", norm.NFD.String("Báo cáo UBND phường Tân Phú.xlsx"), "Báo cáo UBND phường Tân Phú.xlsx"},
		{"invalid UTF-8", "b\xffao\xc3.xlsx", "bao.xlsx"},
		{"200 bytes kept", strings.Repeat("a", 195) + ".xlsx", strings.Repeat("a", 195) + ".xlsx"},
		{"201 bytes cut before the extension", strings.Repeat("a", 196) + ".xlsx", strings.Repeat("a", 195) + ".xlsx"},
		{"cut not inside a character", strings.Repeat("ệ", 70) + ".xlsx", strings.Repeat("ệ", 65) + ".xlsx"},
		{"long name without extension", strings.Repeat("x", 300), strings.Repeat("x", 200)},
		{"long tail is no extension", strings.Repeat("x", 190) + "." + strings.Repeat("y", 40), strings.Repeat("x", 190) + "." + strings.Repeat("y", 9)},
		{"base of dots cut", strings.Repeat(".", 300) + ".xlsx", "xlsx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := ops.CleanFileName(tc.in); got != tc.want {
				t.Errorf("CleanFileName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}

	got := ops.CleanFileName(long)
	if len(got) > 200 || !strings.HasSuffix(got, ".xlsx") || !strings.HasPrefix(got, "Báo cáo tổng hợp") || !utf8.ValidString(got) {
		t.Errorf("27 KB name: %d bytes %q", len(got), got)
	}
}

// FuzzCleanFileName checks what every cleaned name is, whatever came in.
func FuzzCleanFileName(f *testing.F) {
	for _, s := range []string{"báo cáo.xlsx", "../../etc/passwd", "a\r\nb", "\u202Eabc", norm.NFD.String("Tiến Hưng.xlsx"),
		strings.Repeat("ệ", 100) + ".xlsx", strings.Repeat("e\u0301", 120) + ".xlsx", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := ops.CleanFileName(in)
		if got == "" || len(got) > 200 || !utf8.ValidString(got) || !norm.NFC.IsNormalString(got) {
			t.Fatalf("CleanFileName(%q) = %q (%d bytes)", in, got, len(got))
		}
		if strings.ContainsAny(got, `/\`) || strings.ContainsFunc(got, func(r rune) bool {
			return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
		}) {
			t.Fatalf("CleanFileName(%q) = %q holds a separator or a control", in, got)
		}
		if again := ops.CleanFileName(got); again != got {
			t.Fatalf("not stable: %q → %q → %q", in, got, again)
		}
	})
}
