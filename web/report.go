package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"baocao/reporting"
	"baocao/reporting/pdf"
	"baocao/reporting/xlsx"
	"baocao/store"
)

// Messages a user sees from the report handlers.
const (
	msgReportFormat = "Không có báo cáo dạng %q; chọn .xlsx hoặc .pdf."
	msgReportXLSX   = "Tổng hợp %s %s.xlsx" // form, period key
	msgReportPDF    = "Báo cáo %s %s.pdf"   // form, period key
	msgReportASCII  = "%s-%s-%s.%s"         // tong-hop or bao-cao, form, period, extension
)

// handleReport answers GET /api/v1/reports/{form}/{file}, file being
// "<period>.xlsx" (the inspectors' workbook) or "<period>.pdf" (the People's
// Council report); the period is its key ("2026-H1") or id. ServeMux
// patterns cannot split "{period}.xlsx", hence one route and this switch.
// scope is what the authorize hook allows the user: every unit for
// inspectors and admins, a supervisor's subtree.
func (s *Server) handleReport(w http.ResponseWriter, r *http.Request, scope reporting.UnitScope) {
	file := r.PathValue("file")
	switch {
	case strings.HasSuffix(file, ".xlsx"):
		s.handleReportXLSX(w, r, scope)
	case strings.HasSuffix(file, ".pdf"):
		s.handleReportPDF(w, r, scope)
	default:
		s.writeError(w, r, reporting.Errorf(reporting.ENOTFOUND, msgReportFormat, file))
	}
}

// handleReportXLSX sends the consolidated workbook. ?accepted_only=1
// counts accepted submissions only.
func (s *Server) handleReportXLSX(w http.ResponseWriter, r *http.Request, scope reporting.UnitScope) {
	s.serveReport(w, r, scope, "xlsx", xlsxType, func(ctx context.Context, out io.Writer, c *reporting.Consolidation) error {
		return xlsx.Write(ctx, out, c, xlsx.Options{Now: s.now()})
	})
}

// handleReportPDF sends the People's Council report. ?number= sets the
// number and symbol ("07/BC-UBND"), ?signer= the signer's name,
// ?accepted_only=1 counts accepted submissions only.
func (s *Server) handleReportPDF(w http.ResponseWriter, r *http.Request, scope reporting.UnitScope) {
	q := r.URL.Query()
	s.serveReport(w, r, scope, "pdf", "application/pdf", func(ctx context.Context, out io.Writer, c *reporting.Consolidation) error {
		return pdf.Write(ctx, out, c, pdf.Options{Number: q.Get("number"), Signer: q.Get("signer"), Date: s.now()})
	})
}

// serveReport consolidates the request's form and period in scope and
// sends what write makes of it. The file is built in memory first, so a
// failure is still an error answer, not half a file.
func (s *Server) serveReport(w http.ResponseWriter, r *http.Request, scope reporting.UnitScope, ext, contentType string,
	write func(context.Context, io.Writer, *reporting.Consolidation) error,
) {
	ctx := r.Context()
	accepted, _ := strconv.ParseBool(r.URL.Query().Get("accepted_only"))
	c, err := s.opts.Store.Consolidate(ctx, store.ConsolidationQuery{
		FormCode:     r.PathValue("form"),
		Period:       strings.TrimSuffix(r.PathValue("file"), "."+ext),
		AcceptedOnly: accepted,
		Scope:        scope,
		At:           s.now(),
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := write(ctx, &buf, c); err != nil {
		s.writeError(w, r, fmt.Errorf("report %s %s: %w", c.Form.Code, c.Period.Key, err))
		return
	}
	name, prefix := fmt.Sprintf(msgReportXLSX, c.Form.Code, c.Period.Key), "tong-hop"
	if ext == "pdf" {
		name, prefix = fmt.Sprintf(msgReportPDF, c.Form.Code, c.Period.Key), "bao-cao"
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "no-store")
	attachment(w, name, fmt.Sprintf(msgReportASCII, prefix, c.Form.Code, c.Period.Key, ext))
	_, _ = buf.WriteTo(w)
}

// handleReportRequest serves GET /api/v1/reports/{form}/{period}.xlsx|.pdf
// (ServeMux cannot split "{period}.xlsx", so the file name is one segment):
// inspectors and admins get the whole province, a supervisor its subtree,
// a clerk nothing.
func (s *Server) handleReportRequest(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireUser(w, r)
	if !ok {
		return
	}
	cs := store.ScopeOf(u)
	if u.Role == reporting.RoleClerk || (!cs.All && cs.Subtree == "") {
		s.writeError(w, r, reporting.Errorf(reporting.EFORBIDDEN, msgReportForbidden))
		return
	}
	s.handleReport(w, r, reporting.UnitScope{All: cs.All, Subtree: cs.Subtree})
}

const msgReportForbidden = "Chỉ thanh tra, quản trị viên và đơn vị quản lý cấp trên được tải báo cáo tổng hợp."
