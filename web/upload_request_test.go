package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store/storetest"
)

// uploadReply is what the server answered an upload sent over a real
// connection.
type uploadReply struct {
	status   int
	header   http.Header
	body     []byte
	message  string
	problems []reporting.Problem
	result   ops.Result
}

func (a uploadReply) String() string {
	return fmt.Sprintf("%d %q %v", a.status, a.message, a.problems)
}

// postUpload posts body with contentType to the API's upload on addr as who,
// over a real connection.
func (e *env) postUpload(t testing.TB, addr, who, query, contentType string, body []byte) uploadReply {
	t.Helper()
	req, err := http.NewRequest("POST", "http://"+addr+"/api/v1/submissions"+query, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.token(t, who))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %d bytes: %v", len(body), err)
	}
	defer resp.Body.Close()
	return readReply(t, resp)
}

// storesNothing checks, when t and its subtests end, that nothing more
// was stored than now.
func (e *env) storesNothing(t testing.TB) {
	t.Helper()
	before := e.stored(t)
	t.Cleanup(func() {
		if got := e.stored(t); got != before {
			t.Errorf("stored %v, before %v", got, before)
		}
	})
}

func readReply(t testing.TB, resp *http.Response) uploadReply {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := uploadReply{status: resp.StatusCode, header: resp.Header, body: b}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		var v struct {
			Message  string              `json:"message"`
			Problems []reporting.Problem `json:"problems"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("answer %d not JSON: %s", resp.StatusCode, b)
		}
		a.message, a.problems = v.Message, v.Problems
		_ = json.Unmarshal(b, &a.result)
	}
	return a
}

// Every file over the limit is 413, however far over it is and whatever
// the multipart envelope around it: the file part is cut at the limit, the
// body at the limit plus the envelope's allowance. Up to the limit the
// file is opened (these bytes are no workbook: 422).
func TestUploadLimitIsOneLimit(t *testing.T) {
	t.Parallel()
	const max = 1 << 20
	e := newEnv(t, &envOptions{MaxUploadBytes: max})
	addr := e.listen(t)
	e.storesNothing(t)
	const tooLarge = "Tệp quá lớn (tối đa 1 MB)"
	for _, tc := range []struct {
		name   string
		size   int
		status int
	}{
		{"limit - 1", max - 1, http.StatusUnprocessableEntity},
		{"limit", max, http.StatusUnprocessableEntity},
		{"limit + 1", max + 1, http.StatusRequestEntityTooLarge},
		{"limit + 32 KiB", max + 32<<10, http.StatusRequestEntityTooLarge},
		{"limit + 64 KiB", max + 64<<10, http.StatusRequestEntityTooLarge},
		{"limit + 1 MiB", max + 1<<20, http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body, ct := multipartBody(t, "to.xlsx", bytes.Repeat([]byte("x"), tc.size))
			a := e.postUpload(t, addr, "clerk-c1", "", ct, body.Bytes())
			if a.status != tc.status {
				t.Fatalf("%d bytes: %v, want %d", tc.size, a, tc.status)
			}
			if tc.status == http.StatusRequestEntityTooLarge && (!strings.Contains(a.message+a.problems[0].Message, tooLarge) || a.problems[0].Code != reporting.ProblemFile) {
				t.Errorf("%d bytes: %v, want %q", tc.size, a, tooLarge)
			}
			if tc.status == http.StatusUnprocessableEntity && (len(a.problems) == 0 || strings.Contains(string(a.body), tooLarge)) {
				t.Errorf("%d bytes: %v, want the file opened and refused as no workbook", tc.size, a)
			}
		})
	}
	// A file within the limit with a body that is not: 200 KiB of another
	// field beside it.
	t.Run("body over the limit, file within", func(t *testing.T) {
		t.Parallel()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		note, _ := mw.CreateFormField("note")
		note.Write(bytes.Repeat([]byte("y"), 200<<10)) //nolint:errcheck
		fw, _ := mw.CreateFormFile("file", "to.xlsx")
		fw.Write(bytes.Repeat([]byte("x"), max-1)) //nolint:errcheck
		mw.Close()                                 //nolint:errcheck
		if a := e.postUpload(t, addr, "clerk-c1", "", mw.FormDataContentType(), body.Bytes()); a.status != http.StatusRequestEntityTooLarge || !strings.Contains(string(a.body), tooLarge) {
			t.Fatalf("%d bytes of body: %v, want 413", body.Len(), a)
		}
	})
}

// A request that is no well-formed multipart upload is told what is wrong
// with it, never that the connection broke; nothing is stored.
func TestMalformedUploadRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	addr := e.listen(t)
	good := e.filled(t, "clerk-c1", e.c1, storetest.SmallFormValues())
	e.storesNothing(t)
	part := func(disposition string, file []byte) []byte {
		return []byte("--XyZ\r\nContent-Disposition: " + disposition + "\r\nContent-Type: application/octet-stream\r\n\r\n" + string(file) + "\r\n")
	}
	end := []byte("--XyZ--\r\n")
	whole := func(parts ...[]byte) []byte { return bytes.Join(append(parts, end), nil) }
	const ct = "multipart/form-data; boundary=XyZ"
	fileOK := part(`form-data; name="file"; filename="a.xlsx"`, good)
	const notMultipart, badStructure = "không đúng dạng multipart/form-data", "thiếu dấu phân cách kết thúc"
	for _, tc := range []struct {
		name, contentType string
		body              []byte
		status            int
		text              string
	}{
		{"no content type", "", good, 400, notMultipart},
		{"the file as the body", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", good, 400, notMultipart},
		{"urlencoded", "application/x-www-form-urlencoded", []byte("file=a.xlsx"), 400, notMultipart},
		{"unparsable content type", "multipart/form-data; boundary", whole(fileOK), 400, notMultipart},
		{"no boundary", "multipart/form-data", whole(fileOK), 400, "thiếu tham số boundary"},
		{"another boundary than the body's", "multipart/form-data; boundary=AbC", whole(fileOK), 400, badStructure},
		{"empty body", ct, nil, 400, badStructure},
		{"NUL in the file name", ct, whole(part("form-data; name=\"file\"; filename=\"bao\x00cao.xlsx\"", good)), 400, "ký tự điều khiển trong tên tệp"},
		{"ESC in the file name", ct, whole(part("form-data; name=\"file\"; filename=\"bao\x1bcao.xlsx\"", good)), 400, "ký tự điều khiển trong tên tệp"},
		{"NUL and CR LF encoded in filename*", ct, whole(part("form-data; name=\"file\"; filename*=UTF-8''bao%00cao%0D%0A.xlsx", good)), 400, "Tên tệp tải lên có ký tự điều khiển"},
		{"no closing boundary", ct, fileOK, 400, badStructure},
		{"cut inside the file", ct, fileOK[:len(fileOK)/2], 400, badStructure},
		{"cut inside a part's header", ct, append(slices.Clone(fileOK), "--XyZ\r\nContent-Disposition: form-da"...), 400, badStructure},
		{"two files", ct, whole(fileOK, fileOK), 400, "nhiều hơn một tệp"},
		{"no file field", ct, whole(part(`form-data; name="note"`, []byte("xin chào"))), 422, "Chưa chọn tệp"},
		{"an empty file input", ct, whole(part(`form-data; name="file"; filename=""`, nil)), 422, "Chưa chọn tệp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, query := range []string{"", "?dry_run=true", "?annotate=true"} {
				a := e.postUpload(t, addr, "clerk-c1", query, tc.contentType, tc.body)
				if a.status != tc.status || !strings.Contains(a.message, tc.text) || strings.Contains(a.message, "gián đoạn") ||
					len(a.problems) != 1 || a.problems[0].Message != a.message {
					t.Errorf("%s: %v, want %d saying %q", query, a, tc.status, tc.text)
				}
			}
		})
	}
	// The same file in a well-formed request is fileable: the refusals
	// above are the request's, not the file's.
	if a := e.postUpload(t, addr, "clerk-c1", "?dry_run=true", ct, whole(fileOK)); a.status != http.StatusOK {
		t.Fatalf("the well-formed request: %v", a)
	}
}

// Only a body the connection cut short is "kết nối bị gián đoạn": here the
// client stops sending (closing its side) before the length it declared.
func TestUploadCutByTheConnection(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	addr := e.listen(t)
	body, ct := multipartBody(t, "a.xlsx", e.filled(t, "clerk-c1", e.c1, storetest.SmallFormValues()))
	e.storesNothing(t)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/submissions HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		addr, e.token(t, "clerk-c1"), ct, body.Len())
	conn.Write(body.Bytes()[:body.Len()-100]) //nolint:errcheck
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second)) //nolint:errcheck
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if a := readReply(t, resp); a.status != http.StatusBadRequest || !strings.Contains(a.message, "kết nối bị gián đoạn") {
		t.Fatalf("a body cut short: %v", a)
	}
}

// A dry run of a file identical to the latest version answers as filing
// it does: the same status, a duplicate of the same version, nothing
// stored.
func TestDryRunOfADuplicateAnswersAsASubmit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	file := e.filled(t, "clerk-c1", e.c1, storetest.SmallFormValues())
	if w := e.upload(t, "clerk-c1", "", file); w.Code != http.StatusCreated {
		t.Fatalf("first upload: %d %s", w.Code, w.Body)
	}
	once := e.stored(t)
	decode := func(query string) (int, ops.Result) {
		t.Helper()
		w := e.upload(t, "clerk-c1", query, file)
		var res ops.Result
		if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
			t.Fatalf("%s: %d %s", query, w.Code, w.Body)
		}
		return w.Code, res
	}
	dryStatus, dry := decode("?dry_run=true")
	realStatus, real := decode("")
	if dryStatus != realStatus || !dry.Duplicate || !real.Duplicate || !dry.DryRun || real.DryRun {
		t.Fatalf("dry run %d %+v, submit %d %+v: want the same duplicate answer", dryStatus, dry, realStatus, real)
	}
	if dry.Submission.ID != real.Submission.ID || dry.Submission.Version != real.Submission.Version || dry.Status != real.Status {
		t.Errorf("dry run names version %d (#%d, %s), submit %d (#%d, %s)", dry.Submission.Version, dry.Submission.ID, dry.Status,
			real.Submission.Version, real.Submission.ID, real.Status)
	}
	const same = "Tệp giống hệt bản đã nộp"
	if !strings.Contains(dry.Message, same) || !strings.Contains(real.Message, same) || !strings.Contains(dry.Message, "kiểm tra thử") {
		t.Errorf("messages: dry run %q, submit %q", dry.Message, real.Message)
	}
	if got := e.stored(t); got != once {
		t.Errorf("stored %v after the duplicates, before %v", got, once)
	}
}

// problemsSheet is the "Lỗi cần sửa" list of a workbook the server
// answered: its sheets, and the message column of each listed problem.
func problemsSheet(t testing.TB, data []byte) (sheets, messages []string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the answer is no workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("Lỗi cần sửa")
	if err != nil {
		t.Fatalf("sheets %q: %v", f.GetSheetList(), err)
	}
	for _, r := range rows[4:] {
		messages = append(messages, r[1])
	}
	return f.GetSheetList(), messages
}

// With ?annotate=true a refusal of the file as a whole comes back with its
// reasons, the same the JSON answer lists: on a first sheet "Lỗi cần sửa"
// of the clerk's own workbook, or, for a file that cannot be opened, of a
// new workbook holding that sheet alone. The unit's page lists them too
// and links to the same workbook.
func TestAnnotatedFileLevelRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	good := e.filled(t, "clerk-c1", e.c1, storetest.SmallFormValues())
	f, err := excelize.OpenReader(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("_meta")
	if err != nil || len(rows) < 2 || len(rows[1]) < 2 {
		t.Fatalf("_meta rows %q: %v", rows, err)
	}
	if err := f.SetCellStr("_meta", "B2", rows[1][1]+"9"); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	tampered := buf.Bytes()
	e.storesNothing(t)

	for _, tc := range []struct {
		name   string
		file   []byte
		sheets []string // the answer's workbook's first sheets
		code   string
	}{
		{"a tampered identity sheet", tampered, []string{"Lỗi cần sửa", "Báo cáo"}, reporting.ProblemTemplate},
		{"no workbook at all", []byte("Báo cáo số liệu, không phải tệp Excel"), []string{"Lỗi cần sửa"}, reporting.ProblemFile},
		{"a damaged zip", good[:len(good)/2], []string{"Lỗi cần sửa"}, reporting.ProblemFile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := e.upload(t, "clerk-c1", "", tc.file)
			var pb struct {
				Problems []reporting.Problem `json:"problems"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &pb); err != nil || w.Code != http.StatusUnprocessableEntity || len(pb.Problems) == 0 || pb.Problems[0].Code != tc.code {
				t.Fatalf("JSON: %d %s", w.Code, w.Body)
			}
			var want []string
			for _, p := range pb.Problems {
				want = append(want, p.Message)
			}

			w = e.upload(t, "clerk-c1", "?annotate=true", tc.file)
			if w.Code != http.StatusUnprocessableEntity || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/vnd.openxmlformats") {
				t.Fatalf("annotated: %d %s %.300s", w.Code, w.Header().Get("Content-Type"), w.Body)
			}
			sheets, listed := problemsSheet(t, w.Body.Bytes())
			if len(sheets) < len(tc.sheets) || !slices.Equal(sheets[:len(tc.sheets)], tc.sheets) || tc.code == reporting.ProblemFile && len(sheets) != 1 {
				t.Errorf("sheets %q, want %q first", sheets, tc.sheets)
			}
			if !slices.Equal(listed, want) {
				t.Errorf("listed %q, the JSON answer %q", listed, want)
			}

			// The unit's page: the reasons, and the same workbook to fetch.
			page := fmt.Sprintf("/units/%s/periods/%d", e.c1, e.periodID)
			body, ct := multipartBody(t, "bao-cao.xlsx", tc.file)
			w = e.do(t, request{method: "POST", target: page + "/submissions", body: body.String(), cookie: e.token(t, "clerk-c1"),
				header: map[string]string{"Content-Type": ct, "Sec-Fetch-Site": "same-origin"}})
			text := html.UnescapeString(w.Body.String())
			if w.Code != http.StatusUnprocessableEntity || !strings.Contains(text, want[0]) {
				t.Fatalf("page: %d, without %q", w.Code, want[0])
			}
			link := regexp.MustCompile(`href="(` + regexp.QuoteMeta(page) + `/annotated/[^"]+)"`).FindStringSubmatch(w.Body.String())
			if link == nil {
				t.Fatal("the page links to no marked-up workbook")
			}
			w = e.do(t, request{method: "GET", target: html.UnescapeString(link[1]), cookie: e.token(t, "clerk-c1")})
			if _, listed := problemsSheet(t, w.Body.Bytes()); w.Code != http.StatusOK || !slices.Equal(listed, want) {
				t.Errorf("the page's workbook: %d, listed %q, want %q", w.Code, listed, want)
			}
		})
	}
}

// File names are stored clean, and a name stored before they were (CR/LF,
// 27 KB) is served in a short, one-line header.
func TestUploadFileNames(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	addr := e.listen(t)
	file := e.filled(t, "clerk-c1", e.c1, storetest.SmallFormValues())
	body, ct := multipartBody(t, `..\..\`+norm.NFD.String("Báo cáo phường Tân Phú")+"\u202Exslx.xlsx", file)
	a := e.postUpload(t, addr, "clerk-c1", "", ct, body.Bytes())
	if a.status != http.StatusCreated || a.result.Submission.FileName != "Báo cáo phường Tân Phúxslx.xlsx" {
		t.Fatalf("stored as %q: %v", a.result.Submission.FileName, a)
	}

	long := "báo\r\ncáo" + strings.Repeat(" quý", 6800) + "\r\nSet-Cookie: a=b\x7f\x1b.xlsx"
	if _, err := e.st.Pool().Exec(context.Background(), `UPDATE submissions SET file_name = $1 WHERE id = $2`, long, a.result.Submission.ID); err != nil {
		t.Fatal(err)
	}
	w := e.do(t, request{method: "GET", target: fmt.Sprintf("/api/v1/submissions/%d/file", a.result.Submission.ID), as: "clerk-c1"})
	cd := w.Header().Get("Content-Disposition")
	if w.Code != http.StatusOK || len(cd) > 1024 || strings.ContainsAny(cd, "\r\n\x1b\x7f") || len(w.Header()["Set-Cookie"]) > 0 ||
		!strings.Contains(cd, "filename*=UTF-8''b%C3%A1oc%C3%A1o%20qu%C3%BD") || !strings.HasSuffix(cd, ".xlsx") {
		t.Fatalf("%d, Content-Disposition of %d bytes: %q", w.Code, len(cd), cd)
	}
}
