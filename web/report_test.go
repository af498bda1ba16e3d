package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store/storetest"
)

func TestReportDownloadsAreForInspectorsNotClerks(t *testing.T) {
	t.Parallel()
	e := newUpEnv(t, 0)
	if resp, b := e.upload(t, "", storetest.Fill(t, e.template(t, e.unit), storetest.SmallFormValues(), nil)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %s", resp.StatusCode, b)
	}
	for _, ext := range []string{"xlsx", "pdf"} {
		path := fmt.Sprintf("/api/v1/reports/TEST-IN/%d.%s", e.periodID, ext)
		if resp, _ := e.do(t, "GET", path, nil, ""); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("clerk got %s: %d, want 403", ext, resp.StatusCode)
		}
	}
	inspector := storetest.User(t, e.st, &storetest.UserOpts{Role: reporting.RoleInspector})
	tok, _, err := e.st.CreateSession(context.Background(), inspector.ID, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	e.token = tok
	for ext, magic := range map[string]string{"xlsx": "PK", "pdf": "%PDF"} {
		resp, b := e.do(t, "GET", fmt.Sprintf("/api/v1/reports/TEST-IN/%d.%s", e.periodID, ext), nil, "")
		if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(b, []byte(magic)) {
			t.Fatalf("inspector %s: %d, %q", ext, resp.StatusCode, b[:min(len(b), 40)])
		}
	}
}
