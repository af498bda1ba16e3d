package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	"baocao/store/storetest"
)

func TestReportDownloadsAreForInspectorsNotClerks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	if w := e.upload(t, "clerk-c1", "", e.filled(t, "clerk-c1", e.c1, storetest.SmallFormValues())); w.Code != http.StatusCreated {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	tests := []struct {
		who, ext string
		status   int
		magic    string
	}{
		{"clerk-c1", "xlsx", http.StatusForbidden, ""},
		{"clerk-c1", "pdf", http.StatusForbidden, ""},
		{"inspector", "xlsx", http.StatusOK, "PK"},
		{"inspector", "pdf", http.StatusOK, "%PDF"},
		{"supervisor-d1", "xlsx", http.StatusOK, "PK"},
		{"inspector", "csv", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.who+" "+tt.ext, func(t *testing.T) {
			t.Parallel()
			w := e.do(t, request{method: "GET", target: fmt.Sprintf("/api/v1/reports/TEST-IN/%d.%s", e.periodID, tt.ext), as: tt.who,
				invalid: tt.ext == "csv"}) // a format openapi.yaml rules out, to see it refused
			b := w.Body.Bytes()
			if w.Code != tt.status || !bytes.HasPrefix(b, []byte(tt.magic)) {
				t.Fatalf("%d %q, want %d and %q…", w.Code, b[:min(len(b), 40)], tt.status, tt.magic)
			}
		})
	}
}
