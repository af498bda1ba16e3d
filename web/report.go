package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"baocao/ops"
	"baocao/reporting"
)

// Messages a user sees from the report handlers.
const (
	msgReportFormat = "Không có báo cáo dạng %q; chọn .xlsx hoặc .pdf."
	msgReportXLSX   = "Tổng hợp %s %s.xlsx" // form, period key
	msgReportPDF    = "Báo cáo %s %s.pdf"   // form, period key
	msgReportASCII  = "%s-%s-%s.%s"         // tong-hop or bao-cao, form, period, extension
)

// handleReportRequest serves GET /api/v1/reports/{form}/{period}.xlsx|.pdf
// (ServeMux cannot split "{period}.xlsx", so the file name is one segment):
// the inspectors' workbook or the People's Council report, for what the
// user may see (ops.Service.Report). ?accepted_only=1 counts accepted
// submissions only; for the PDF ?number= sets the number and symbol
// ("07/BC-UBND") and ?signer= the signer's name. The file is built in
// memory first, so a failure is still an error answer, not half a file.
func (s *Server) handleReportRequest(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireUser(w, r)
	if !ok {
		return
	}
	file, q := r.PathValue("file"), r.URL.Query()
	in := ops.ReportRequest{FormCode: r.PathValue("form")}
	in.AcceptedOnly, _ = strconv.ParseBool(q.Get("accepted_only"))
	contentType, prefix, nameFormat := xlsxType, "tong-hop", msgReportXLSX
	switch {
	case strings.HasSuffix(file, ".xlsx"):
		in.Format = ops.ReportXLSX
	case strings.HasSuffix(file, ".pdf"):
		in.Format, contentType, prefix, nameFormat = ops.ReportPDF, "application/pdf", "bao-cao", msgReportPDF
		in.PDF = ops.PDFText{Number: q.Get("number"), Signer: q.Get("signer")}
	default:
		s.writeError(w, r, reporting.Errorf(reporting.ENOTFOUND, msgReportFormat, file))
		return
	}
	in.Period = strings.TrimSuffix(file, "."+string(in.Format))
	var buf bytes.Buffer
	c, err := s.opts.Ops.Report(r.Context(), u, s.now(), in, &buf)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "no-store")
	attachment(w, fmt.Sprintf(nameFormat, c.Form.Code, c.Period.Key),
		fmt.Sprintf(msgReportASCII, prefix, c.Form.Code, c.Period.Key, in.Format))
	_, _ = buf.WriteTo(w)
}
