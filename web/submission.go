package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"baocao/ops"
	"baocao/reporting"
	"baocao/templates"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Messages a user sees from these handlers.
const (
	msgBadSubmission = "Mã bản báo cáo %q không hợp lệ."
	msgNoFile        = "Chưa chọn tệp báo cáo: gửi tệp .xlsx trong trường \"file\"."
	msgBadUpload     = "Không đọc được tệp tải lên (kết nối bị gián đoạn?). Xin gửi lại."
)

// attachment sets Content-Disposition with an ASCII fallback and the
// Vietnamese name as RFC 6266/5987 filename*.
func attachment(w http.ResponseWriter, name, ascii string) {
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
// ?annotate=true answers a refused upload with the workbook itself, each
// bad cell marked and commented, instead of JSON.
func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireUser(w, r)
	if !ok {
		return
	}
	max := s.opts.Ops.MaxUploadBytes()
	// The request stops being read past the cap plus 64 KiB of multipart
	// overhead; the file's own limit is the action's.
	r.Body = http.MaxBytesReader(w, r.Body, max+64<<10)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			s.opts.Ops.UploadCutOff()
			s.writeProblems(w, r, http.StatusRequestEntityTooLarge, []reporting.Problem{templates.TooLarge(max)})
		case errors.Is(err, http.ErrMissingFile):
			s.writeError(w, r, reporting.Errorf(reporting.EINVALID, msgNoFile))
		default:
			s.log.WarnContext(r.Context(), "upload not read", "err", err)
			s.writeError(w, r, reporting.Errorf(reporting.EINVALID, msgBadUpload))
		}
		return
	}
	defer file.Close()
	dry, _ := strconv.ParseBool(r.URL.Query().Get("dry_run"))
	res, err := s.opts.Ops.Submit(r.Context(), u, s.now(), ops.Upload{FileName: hdr.Filename, Body: file, DryRun: dry})
	var pe *ops.ProblemsError
	switch {
	case errors.As(err, &pe) && pe.TooLarge:
		s.writeProblems(w, r, http.StatusRequestEntityTooLarge, pe.Problems)
	case errors.As(err, &pe):
		if pe.Cause != nil {
			s.log.InfoContext(r.Context(), "upload refused by the parser", "err", pe.Cause)
		}
		if annotate, _ := strconv.ParseBool(r.URL.Query().Get("annotate")); annotate {
			if s.writeAnnotated(w, r, file, pe.Problems) {
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

// writeAnnotated answers 422 with the uploaded workbook marked up; false
// when the file cannot be annotated (not a workbook at all).
func (s *Server) writeAnnotated(w http.ResponseWriter, r *http.Request, file interface {
	Seek(int64, int) (int64, error)
	Read([]byte) (int, error)
}, problems []reporting.Problem) bool {
	if _, err := file.Seek(0, 0); err != nil {
		return false
	}
	data := make([]byte, 0, 1<<16)
	buf := make([]byte, 32<<10)
	for {
		n, err := file.Read(buf)
		data = append(data, buf[:n]...)
		if err != nil {
			break
		}
	}
	out, err := templates.Annotate(data, problems)
	if err != nil {
		s.log.InfoContext(r.Context(), "upload not annotated", "err", err)
		return false
	}
	w.Header().Set("Content-Type", xlsxType)
	attachment(w, "Báo cáo cần sửa.xlsx", "Bao cao can sua.xlsx")
	w.WriteHeader(http.StatusUnprocessableEntity)
	_, _ = w.Write(out)
	return true
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

// handleSubmission answers one submission's record and values.
func (s *Server) handleSubmission(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireUser(w, r)
	if !ok {
		return
	}
	id, ok := s.submissionID(w, r)
	if !ok {
		return
	}
	sub, values, notes, err := s.opts.Ops.SubmissionValues(r.Context(), u, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"submission": sub, "values": values, "notes": notes})
}

// handleSubmissionFile serves a submission's original file, byte for byte.
func (s *Server) handleSubmissionFile(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireUser(w, r)
	if !ok {
		return
	}
	id, ok := s.submissionID(w, r)
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
