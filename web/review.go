package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"baocao/ops"
	"baocao/reporting"
)

// The actions on obligations: reviewing a submission, exempting a unit and
// extending deadlines. The actions check who may do what (a reviewer of
// the unit; inspectors and admins for exemptions and extensions).

// maxActionBody caps the JSON of an action: a reason and a list of units.
const maxActionBody = 1 << 20

// readJSON decodes r's body into v, refusing unknown fields.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxActionBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			return &bodyTooLarge{limit: mbe.Limit}
		}
		return reporting.Errorf(reporting.EINVALID, msgBadJSON)
	}
	return nil
}

// bodyTooLarge is a request body over its limit: 413, not a malformed 422.
type bodyTooLarge struct{ limit int64 }

func (e *bodyTooLarge) Error() string { return fmt.Sprintf(msgBodyTooLarge, e.limit>>10) }

const msgBodyTooLarge = "Nội dung gửi lên quá lớn (tối đa %d KB)."

type reviewRequest struct {
	// Decision is "accepted" or "returned" (also "accept", "return").
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

// handleReview answers POST /api/v1/submissions/{id}/review.
func (s *Server) handleReview(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndSubmission(w, r)
	if !ok {
		return
	}
	var req reviewRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	d, err := reporting.ParseDecision(req.Decision)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.opts.Ops.Review(r.Context(), u, s.now(), ops.ReviewInput{SubmissionID: id, Decision: d, Reason: req.Reason})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

type exemptionRequest struct {
	Unit   string `json:"unit"`
	Reason string `json:"reason"`
}

// obligationJSON is an obligation's status after an action.
type obligationJSON struct {
	PeriodID    int64            `json:"period_id"`
	Unit        string           `json:"unit"`
	Status      reporting.Status `json:"status"`
	StatusLabel string           `json:"status_label"`
}

func newObligationJSON(periodID int64, unit string, st reporting.Status) obligationJSON {
	return obligationJSON{PeriodID: periodID, Unit: unit, Status: st, StatusLabel: st.Label()}
}

// handleExempt answers POST /api/v1/periods/{id}/exemptions.
func (s *Server) handleExempt(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndPeriod(w, r)
	if !ok {
		return
	}
	var req exemptionRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	req.Unit = strings.TrimSpace(req.Unit)
	if req.Unit == "" {
		s.writeError(w, r, reporting.Errorf(reporting.EINVALID, msgNoUnit))
		return
	}
	if err := s.opts.Ops.Exempt(r.Context(), u, s.now(), id, req.Unit, req.Reason); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, newObligationJSON(id, req.Unit, reporting.StatusExempt))
}

// handleUnexempt answers DELETE /api/v1/periods/{id}/exemptions/{unit}.
func (s *Server) handleUnexempt(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndPeriod(w, r)
	if !ok {
		return
	}
	unit := r.PathValue("unit")
	st, err := s.opts.Ops.Unexempt(r.Context(), u, s.now(), id, unit, r.URL.Query().Get("reason"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newObligationJSON(id, unit, st))
}

type extensionRequest struct {
	// Units and Subtree say whose deadline moves (see ops.ExtendInput).
	Units   []string `json:"units"`
	Subtree string   `json:"subtree"`
	// Deadline is the new deadline, RFC 3339 with its offset.
	Deadline string `json:"deadline"`
	Reason   string `json:"reason"`
}

// handleExtend answers POST /api/v1/periods/{id}/extensions.
func (s *Server) handleExtend(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndPeriod(w, r)
	if !ok {
		return
	}
	var req extensionRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	deadline, err := time.Parse(time.RFC3339, strings.TrimSpace(req.Deadline))
	if err != nil {
		s.writeError(w, r, reporting.Errorf(reporting.EINVALID, msgBadDeadline, req.Deadline))
		return
	}
	res, err := s.opts.Ops.Extend(r.Context(), u, s.now(), ops.ExtendInput{
		PeriodID: id, UnitCodes: req.Units, Subtree: strings.TrimSpace(req.Subtree), NewDeadline: deadline, Reason: req.Reason,
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"period_id": id, "deadline": deadline, "extended": res})
}

type explainRequest struct {
	Key  string `json:"key"`
	Note string `json:"note"`
}

// handleExplainSignal answers POST /api/v1/submissions/{id}/signals.
func (s *Server) handleExplainSignal(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndSubmission(w, r)
	if !ok {
		return
	}
	var req explainRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	sg, err := s.opts.Ops.ExplainSignal(r.Context(), u, s.now(), ops.ExplainInput{SubmissionID: id, Key: req.Key, Note: req.Note})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sg)
}
