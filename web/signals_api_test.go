package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"baocao/ops"
	"baocao/store/storetest"
)

// TestSignalsOverTheAPI: a submission's signals come with its values;
// an inspector explains one (a note required, the signal named, the
// unit's clerk refused) and it comes back explained.
func TestSignalsOverTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	storetest.SyncFormYAML(t, e.st, "test-in.yaml", signalCheckYAML)
	values := storetest.SmallFormValues()
	values["giam_sat"], values["kien_nghi"], values["da_giai_quyet"] = 0, 6, 2
	tp, err := e.svc.Template(t.Context(), ops.CLIAdmin, envStart, e.periodID, e.c1)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.svc.Submit(t.Context(), ops.CLIAdmin, envStart, ops.Upload{FileName: tp.FileName, Body: bytes.NewReader(storetest.Fill(t, tp.Data, values, nil))})
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/submissions/%d", res.Submission.ID)
	const key = "check:giam_sat > 0 || kien_nghi == 0"
	code, body := e.call(t, "clerk-c1", "GET", path, "")
	signals, _ := body["signals"].([]any)
	if code != http.StatusOK || len(signals) != 1 || signals[0].(map[string]any)["key"] != key {
		t.Fatalf("GET %s: %d %v", path, code, body["signals"])
	}
	for _, bad := range []struct {
		who, body string
		status    int
		says      string
	}{
		{"inspector", `{"key": "` + key + `", "note": " "}`, http.StatusUnprocessableEntity, "Chưa nhập nội dung giải trình"},
		{"inspector", `{"key": "peers:giam_sat", "note": "x"}`, http.StatusConflict, "không (còn) có dấu hiệu"},
		{"clerk-c1", `{"key": "` + key + `", "note": "Đúng"}`, http.StatusForbidden, ""},
	} {
		code, body := e.call(t, bad.who, "POST", path+"/signals", bad.body)
		if code != bad.status || !strings.Contains(fmt.Sprint(body["message"]), bad.says) {
			t.Errorf("%s %s: %d %v", bad.who, bad.body, code, body)
		}
	}
	code, body = e.call(t, "inspector", "POST", path+"/signals", `{"key": "`+key+`", "note": "Kiến nghị từ tiếp xúc cử tri."}`)
	if ex, _ := body["explanation"].(map[string]any); code != http.StatusOK || ex["note"] != "Kiến nghị từ tiếp xúc cử tri." {
		t.Fatalf("explain: %d %v", code, body)
	}
	_, body = e.call(t, "clerk-c1", "GET", path, "")
	if ex := body["signals"].([]any)[0].(map[string]any)["explanation"]; ex == nil {
		t.Errorf("the signal is not explained: %v", body["signals"])
	}
}
