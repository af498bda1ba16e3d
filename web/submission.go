package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"baocao/ops"
	"baocao/reporting"
	"baocao/templates"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Messages a user sees from these handlers.
const (
	msgBadSubmission = "Mã bản báo cáo %q không hợp lệ."
	msgNoFile        = "Chưa chọn tệp báo cáo: gửi tệp .xlsx trong trường \"file\"."
	// msgBadUpload is for a body the connection cut short, only.
	msgBadUpload     = "Không đọc được tệp tải lên (kết nối bị gián đoạn?). Xin gửi lại."
	msgNotMultipart  = "Yêu cầu tải lên không đúng dạng multipart/form-data: gửi tệp .xlsx trong trường \"file\" của một biểu mẫu multipart/form-data (Content-Type: multipart/form-data; boundary=…)."
	msgNoBoundary    = "Yêu cầu tải lên không đúng dạng multipart/form-data: Content-Type thiếu tham số boundary (dấu phân cách các phần)."
	msgBadMultipart  = "Yêu cầu tải lên không đúng dạng multipart/form-data: nội dung bị cắt cụt hoặc sai cấu trúc (thiếu dấu phân cách kết thúc). Xin gửi lại bằng trình duyệt hoặc một công cụ tải tệp chuẩn."
	msgBadPartHeader = "Yêu cầu tải lên không đúng dạng multipart/form-data: phần đầu của một trường có ký tự không hợp lệ (ví dụ ký tự điều khiển trong tên tệp)."
	msgControlInName = "Tên tệp tải lên có ký tự điều khiển (như NUL hay xuống dòng). Xin đổi tên tệp rồi gửi lại."
	msgTwoFiles      = "Yêu cầu tải lên có nhiều hơn một tệp trong trường \"file\". Xin gửi mỗi lần một tệp."
)

// attachment sets Content-Disposition with an ASCII fallback and the
// Vietnamese name as RFC 6266/5987 filename*. Both are cleaned here too,
// for names stored before uploads' names were (a 27 KB name, CR/LF): the
// header stays short and one line.
func attachment(w http.ResponseWriter, name, ascii string) {
	name, ascii = ops.CleanFileName(name), ops.CleanFileName(ascii)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": ascii})+
		"; filename*=UTF-8''"+url.PathEscape(name))
}

// handleTemplate serves the signed workbook a unit fills for a period.
func (s *Server) handleTemplate(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireUser(w, r)
	if !ok {
		return
	}
	periodID, ok := s.periodParam(w, r, "period")
	if !ok {
		return
	}
	tp, err := s.opts.Ops.Template(r.Context(), u, s.now(), periodID, r.PathValue("unit"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Cache-Control", "no-store")
	attachment(w, tp.FileName, tp.ASCIIName)
	_, _ = w.Write(tp.Data)
}

// handleSubmit files an uploaded workbook (multipart field "file").
// ?dry_run=true validates and answers the same, storing nothing;
// ?annotate=true answers a refused upload with a workbook instead of JSON:
// a first sheet listing every problem, then the file itself with each bad
// cell marked and commented (or the list alone for a file that cannot be
// opened).
func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireUser(w, r)
	if !ok {
		return
	}
	up, refused, err := s.readUpload(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if refused != nil {
		s.writeRefused(w, r, refused)
		return
	}
	defer up.close()
	dry, _ := strconv.ParseBool(r.URL.Query().Get("dry_run"))
	res, err := s.opts.Ops.Submit(r.Context(), u, s.now(), ops.Upload{FileName: up.name, Body: up.body(), DryRun: dry})
	var pe *ops.ProblemsError
	switch {
	case errors.As(err, &pe) && pe.TooLarge:
		s.writeProblems(w, r, http.StatusRequestEntityTooLarge, pe.Problems)
	case errors.As(err, &pe):
		if pe.Cause != nil {
			s.log.InfoContext(r.Context(), "upload refused by the parser", "err", pe.Cause)
		}
		if annotate, _ := strconv.ParseBool(r.URL.Query().Get("annotate")); annotate {
			if out, ok := s.annotatedWorkbook(r, up, pe.Problems); ok {
				w.Header().Set("Content-Type", xlsxType)
				attachment(w, "Báo cáo cần sửa.xlsx", "Bao cao can sua.xlsx")
				w.WriteHeader(http.StatusUnprocessableEntity)
				_, _ = w.Write(out)
				return
			}
		}
		s.writeProblems(w, r, http.StatusUnprocessableEntity, pe.Problems)
	case err != nil:
		s.writeError(w, r, err)
	case res.DryRun || res.Duplicate:
		writeJSON(w, http.StatusOK, res)
	default:
		w.Header().Set("Location", fmt.Sprintf("/api/v1/submissions/%d", res.Submission.ID))
		writeJSON(w, http.StatusCreated, res)
	}
}

func (s *Server) writeProblems(w http.ResponseWriter, r *http.Request, status int, problems []reporting.Problem) {
	writeJSON(w, status, errorBody{
		Error: reporting.EINVALID, Message: fmt.Sprintf("Tệp chưa được nhận: có %d lỗi cần sửa.", len(problems)), Problems: problems,
		RequestID: RequestID(r.Context()),
	})
}

// writeRefused answers a request that holds no upload to file: over the
// limit as any too large file is, otherwise with what is wrong as the
// message.
func (s *Server) writeRefused(w http.ResponseWriter, r *http.Request, refused *uploadRefusal) {
	if refused.status == http.StatusRequestEntityTooLarge {
		s.writeProblems(w, r, refused.status, []reporting.Problem{refused.problem})
		return
	}
	writeJSON(w, refused.status, errorBody{Error: reporting.EINVALID, Message: refused.problem.Message,
		Problems: []reporting.Problem{refused.problem}, RequestID: RequestID(r.Context())})
}

// annotatedWorkbook is the workbook a refused upload gets back: the file
// with a first sheet listing the problems and its bad cells marked; or,
// when a problem is of the file as a whole (not a workbook, damaged, more
// than it is safe to open), a new workbook with the list alone: such a
// file is never opened again. False when not even that could be written.
func (s *Server) annotatedWorkbook(r *http.Request, up upload, problems []reporting.Problem) ([]byte, bool) {
	unusable := slices.ContainsFunc(problems, func(p reporting.Problem) bool { return p.Code == reporting.ProblemFile })
	if !unusable {
		out, err := annotateUpload(up, problems)
		if err == nil {
			return out, true
		}
		s.log.InfoContext(r.Context(), "upload not annotated; listing its problems alone", "err", err)
	}
	out, err := templates.ProblemsWorkbook(problems)
	if err != nil {
		s.log.ErrorContext(r.Context(), "problems workbook", "err", err)
		return nil, false
	}
	return out, true
}

// annotateUpload marks up the spooled file, read into memory only when it
// is small enough to be marked up.
func annotateUpload(up upload, problems []reporting.Problem) ([]byte, error) {
	if err := templates.Annotatable(up.file.readerAt(), up.size); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(up.body())
	if err != nil {
		return nil, fmt.Errorf("read spooled upload: %w", err)
	}
	return templates.Annotate(data, problems)
}

// uploadAllowance is what an upload request may hold beside the file
// itself: the multipart envelope and the form's few small fields.
const uploadAllowance = 64 << 10

// maxUploadField bounds a form field read beside the file (dry_run, the
// CSRF token); what is longer is cut.
const maxUploadField = 1 << 10

// upload is the "file" part of a multipart request, read whole (see
// spooler: in memory when small, else in a temporary file), and the
// form's other fields.
type upload struct {
	name   string
	file   *spooled
	size   int64
	fields url.Values
}

// close gives back the spooled file.
func (up upload) close() { up.file.close() }

// body is the spooled file, from its start.
func (up upload) body() io.Reader { return up.file.reader() }

// uploadRefusal says why a request holds no upload to file: the status to
// answer and the problem to show, in the words of the API and the page
// alike.
type uploadRefusal struct {
	status  int
	problem reporting.Problem
}

// readUpload reads r's multipart body to its end, as both the API and the
// unit's page take an upload: the "file" part (over the upload limit: 413
// at once) and the small fields beside it; the whole body may hold the
// limit plus uploadAllowance (over it: 413 too). The body is read to its
// closing boundary before anything is filed, so a request cut short files
// nothing. A request that is not one multipart upload gets 400 saying
// what is wrong with it ("kết nối bị gián đoạn" only when the connection
// ended before the body did); a form without a file, 422. err is the
// server's failure (spooling the file). The caller closes up.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request) (up upload, refused *uploadRefusal, err error) {
	return s.readMultipart(w, r, true)
}

// readMultipart is readUpload; without fileRequired, a form whose file
// input was left empty is read too, with no file.
func (s *Server) readMultipart(w http.ResponseWriter, r *http.Request, fileRequired bool) (up upload, refused *uploadRefusal, err error) {
	defer func() {
		if refused != nil || err != nil {
			up.close()
			up = upload{}
		}
	}()
	max := s.opts.Ops.MaxUploadBytes()
	body := &watchedBody{r: http.MaxBytesReader(w, r.Body, max+uploadAllowance)}
	r.Body = body
	mr, err := r.MultipartReader()
	if errors.Is(err, http.ErrMissingBoundary) {
		return up, badUpload(msgNoBoundary), nil
	}
	if err != nil {
		return up, badUpload(msgNotMultipart), nil
	}
	up.fields = url.Values{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF && body.ended(r) {
			break
		}
		if err != nil {
			return up, s.unreadable(w, r, body, err), nil
		}
		if p.FormName() != "file" {
			v, err := io.ReadAll(io.LimitReader(p, maxUploadField))
			if err != nil {
				return up, s.unreadable(w, r, body, err), nil
			}
			up.fields.Add(p.FormName(), string(v))
			continue
		}
		if up.file != nil {
			return up, badUpload(msgTwoFiles), nil
		}
		up.name = p.FileName()
		if strings.ContainsFunc(up.name, unicode.IsControl) {
			return up, badUpload(msgControlInName), nil
		}
		f, readErr, err := s.spools.spool(p, max)
		if err != nil {
			return up, nil, err
		}
		if readErr != nil {
			return up, s.unreadable(w, r, body, readErr), nil
		}
		up.file, up.size = f, f.size
		if up.size > max {
			return up, s.uploadTooLarge(w), nil
		}
	}
	// A form whose file input was left empty sends the part, nameless
	// and empty.
	if up.file == nil || up.name == "" && up.size == 0 {
		if !fileRequired {
			up.file.close()
			up.file, up.name, up.size = nil, "", 0
			return up, nil, nil
		}
		return up, uploadRefused(http.StatusUnprocessableEntity, msgNoFile), nil
	}
	return up, nil, nil
}

// spool writes to the spooled file and keeps its error apart from the
// request body's.
// badUpload refuses a request that is no well-formed multipart upload:
// 400, as its form is wrong, not the file it should hold.
func badUpload(msg string) *uploadRefusal { return uploadRefused(http.StatusBadRequest, msg) }

func uploadRefused(status int, msg string) *uploadRefusal {
	return &uploadRefusal{status: status, problem: reporting.Problem{Code: reporting.ProblemFile, Severity: reporting.SeverityError, Message: msg}}
}

// uploadTooLarge refuses a request over the limit without reading the
// rest of it, and counts it among the too large uploads.
func (s *Server) uploadTooLarge(w http.ResponseWriter) *uploadRefusal {
	s.opts.Ops.UploadCutOff()
	w.Header().Set("Connection", "close")
	return &uploadRefusal{status: http.StatusRequestEntityTooLarge, problem: templates.TooLarge(s.opts.Ops.MaxUploadBytes())}
}

// unreadable explains err, met reading a multipart body: over the limit,
// cut short by the connection, or a request that is not well formed.
func (s *Server) unreadable(w http.ResponseWriter, r *http.Request, body *watchedBody, err error) *uploadRefusal {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(body.err, &tooBig) || errors.As(err, &tooBig):
		return s.uploadTooLarge(w)
	case body.err != nil && body.err != io.EOF:
		s.log.WarnContext(r.Context(), "upload not read", "err", body.err)
		return badUpload(msgBadUpload)
	}
	s.log.InfoContext(r.Context(), "upload not read", "err", err, "malformed", true)
	if errors.As(err, new(textproto.ProtocolError)) {
		return badUpload(msgBadPartHeader)
	}
	return badUpload(msgBadMultipart)
}

// watchedBody is a request body that remembers how its reading ended and
// its last bytes: the multipart reader says io.EOF both after the closing
// boundary and when the body ends inside a part's header.
type watchedBody struct {
	r    io.ReadCloser
	err  error
	tail []byte
}

// watchedTail is how much of the body's end is kept: the closing boundary
// (at most 70 bytes) and an epilogue of blank lines.
const watchedTail = 256

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.tail = append(b.tail, p[:n]...)
	if len(b.tail) > 2*watchedTail {
		b.tail = append(b.tail[:0], b.tail[len(b.tail)-watchedTail:]...)
	}
	if err != nil && b.err == nil {
		b.err = err
	}
	return n, err
}

func (b *watchedBody) Close() error { return b.r.Close() }

// ended tells whether the body, read to its end, closes with the closing
// boundary of r's multipart body, only white space after it.
func (b *watchedBody) ended(r *http.Request) bool {
	if _, err := io.Copy(io.Discard, b); err != nil {
		return false
	}
	_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return bytes.HasSuffix(bytes.TrimRight(b.tail, " \t\r\n"), []byte("--"+params["boundary"]+"--"))
}

// submissionID is the {id} path value, or false after answering 422.
func (s *Server) submissionID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.writeError(w, r, reporting.Errorf(reporting.EINVALID, msgBadSubmission, r.PathValue("id")))
		return 0, false
	}
	return id, true
}

// userAndSubmission is the user signed in and the submission the path
// names ({id}), or false after answering.
func (s *Server) userAndSubmission(w http.ResponseWriter, r *http.Request) (reporting.User, int64, bool) {
	u, ok := s.requireUser(w, r)
	if !ok {
		return u, 0, false
	}
	id, ok := s.submissionID(w, r)
	return u, id, ok
}

// handleSubmission answers one submission's record and values.
func (s *Server) handleSubmission(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndSubmission(w, r)
	if !ok {
		return
	}
	sub, values, notes, err := s.opts.Ops.SubmissionValues(r.Context(), u, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	signals, err := s.opts.Ops.SubmissionSignals(r.Context(), u, s.now(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if signals == nil {
		signals = []reporting.Signal{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"submission": sub, "values": values, "notes": notes, "signals": signals})
}

// handleSubmissionFile serves a submission's original file, byte for byte.
func (s *Server) handleSubmissionFile(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndSubmission(w, r)
	if !ok {
		return
	}
	sub, data, err := s.opts.Ops.SubmissionFile(r.Context(), u, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("X-Content-SHA256", sub.SHA256)
	attachment(w, sub.FileName, ops.ASCIIName(sub.FileName))
	_, _ = w.Write(data)
}
