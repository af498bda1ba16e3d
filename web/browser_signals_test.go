package web_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"baocao/ops"
	"baocao/store"
	"baocao/store/storetest"
)

// signalCheckYAML is the env's form with a non-blocking check: a report
// with recommendations and no supervision is taken, and signalled.
const signalCheckYAML = storetest.SmallFormYAML + `checks:
  - expr: giam_sat > 0 || kien_nghi == 0
    message: Có kiến nghị của Ban Thanh tra nhân dân nhưng không có cuộc giám sát nào.
`

// TestInspectorExplainsASignalInBrowser: a commune files a report its
// form's check signals; the inspector finds it first on the period's
// page, opens the submission, reads the reason, explains it, and sees it
// explained with who and when; the explanation is audited. Both pages
// pass axe and are photographed at both sizes.
func TestInspectorExplainsASignalInBrowser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, nil)
	storetest.SyncFormYAML(t, e.st, "test-in.yaml", signalCheckYAML)
	site := "http://" + e.listen(t)
	values := storetest.SmallFormValues()
	values["giam_sat"], values["kien_nghi"], values["da_giai_quyet"] = 0, 6, 2
	tp, err := e.svc.Template(ctx, ops.CLIAdmin, envStart, e.periodID, e.c1)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.svc.Submit(ctx, ops.CLIAdmin, envStart, ops.Upload{FileName: tp.FileName, Body: bytes.NewReader(storetest.Fill(t, tp.Data, values, nil))})
	if err != nil {
		t.Fatal(err)
	}

	insp := isolatedTab(t)
	navigate(t, insp, site+"/login", 200)
	signIn(t, insp, e.user(t, "inspector").Email)
	navigate(t, insp, fmt.Sprintf("%s/periods/%d", site, e.periodID), 200)
	row := storetest.Text(t, insp, `section[aria-labelledby="signals-h"] tbody tr`)
	if !strings.Contains(row, "UBND phường Tân Phú") || !strings.Contains(row, "Có kiến nghị của Ban Thanh tra nhân dân nhưng không có cuộc giám sát nào") {
		t.Errorf("the period's signals row: %q", row)
	}
	look(t, insp, "period-signals")

	clickAndLoad(t, insp, `section[aria-labelledby="signals-h"] tbody tr a`)
	if got := storetest.Text(t, insp, "#signals .signal"); !strings.Contains(got, "Chưa giải trình") || !strings.Contains(got, "Số cuộc giám sát") {
		t.Errorf("the submission's signal: %q", got)
	}
	look(t, insp, "submission-signal")
	const note = "Đã gọi điện xác nhận: kiến nghị từ hội nghị tiếp xúc cử tri, không qua giám sát."
	if err := chromedp.Do(insp, chromedp.Click(chromedp.CSS("#signals details summary"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(insp, chromedp.SendKeys(chromedp.CSS("#signal-note-0"), note)); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(t, insp, `#signals form button[type=submit]`)
	if got := storetest.Text(t, insp, ".alert-success"); !strings.Contains(got, "Đã lưu giải trình") {
		t.Errorf("after explaining: %q", got)
	}
	got := storetest.Text(t, insp, "#signals .signal")
	if !strings.Contains(got, "Đã giải trình") || !strings.Contains(got, note) || !strings.Contains(got, e.user(t, "inspector").Name) {
		t.Errorf("the explained signal: %q", got)
	}
	look(t, insp, "submission-signal-explained")

	events, err := e.st.AuditEvents(ctx, store.AuditFilter{Action: "signal.explain", ObjectID: fmt.Sprint(res.Submission.ID)})
	if err != nil || len(events) != 1 || !strings.Contains(fmt.Sprintf("%s", events[0].Details), note) {
		t.Errorf("audit %+v (%v)", events, err)
	}
}
