package ui

import (
	"net/http"

	"baocao/reporting"
)

// The Vietnamese words of the pages' frame, in one place for review. The
// pages' own words live in their templates.
const (
	navObligations       = "Việc cần làm"
	navMyUnit            = "Đơn vị của tôi"
	navDashboard         = "Tình hình báo cáo"
	navEvaluations       = "Đánh giá"
	navAdminPublications = "Công khai"
	navPeriods           = "Kỳ báo cáo"
	navOutbox            = "Thư nhắc đã gửi"
	navAdminForms        = "Biểu mẫu"
	navAdminPeriods      = "Quản lý kỳ"
	navAdminAudit        = "Nhật ký"
	navAdminSystem       = "Hệ thống"
	navAdminCalendar     = "Lịch làm việc"
	navAdminUsers        = "Người dùng"
	navAdminUnits        = "Đơn vị"

	flashInfoLabel    = "Thông tin"
	flashSuccessLabel = "Thành công"
	flashWarningLabel = "Lưu ý"
	flashErrorLabel   = "Lỗi"
)

func flashLabel(k FlashKind) string {
	switch k {
	case FlashSuccess:
		return flashSuccessLabel
	case FlashWarning:
		return flashWarningLabel
	case FlashError:
		return flashErrorLabel
	}
	return flashInfoLabel
}

// statusIcon is a shape beside the status's words, so a badge reads
// without its colour (and on a black-and-white printout).
func statusIcon(s reporting.Status) string {
	switch s {
	case reporting.StatusPending:
		return "○"
	case reporting.StatusSubmitted:
		return "↑"
	case reporting.StatusLate:
		return "!"
	case reporting.StatusMissing:
		return "✕"
	case reporting.StatusReturned:
		return "↺"
	case reporting.StatusAccepted:
		return "✓"
	case reporting.StatusExempt:
		return "–"
	}
	return "?"
}

// statusHint explains a status in the legend.
func statusHint(s reporting.Status) string {
	switch s {
	case reporting.StatusPending:
		return "Chưa gửi, hạn nộp chưa đến."
	case reporting.StatusSubmitted:
		return "Đã gửi trước hạn, chờ duyệt."
	case reporting.StatusLate:
		return "Đã gửi nhưng sau hạn nộp."
	case reporting.StatusMissing:
		return "Đã quá hạn nộp mà chưa gửi."
	case reporting.StatusReturned:
		return "Bị trả lại để sửa; đơn vị cần gửi bản mới."
	case reporting.StatusAccepted:
		return "Đã được duyệt."
	case reporting.StatusExempt:
		return "Đơn vị không phải báo cáo kỳ này."
	}
	return ""
}

// ErrorContent is the data of the "error" page.
type ErrorContent struct {
	Status  int    // HTTP status shown as "Mã lỗi 404"
	Heading string // what happened, in a sentence
	Detail  string // the error's own message, if any, shown as is
	Advice  string // what to do next
	// SignIn offers the sign-in page (the user is not signed in).
	SignIn bool
	// RequestID names the request in the logs, for the user to quote
	// to the administrator; "" shows nothing.
	RequestID string
}

// ErrorPage is the error page for an HTTP status, in Vietnamese, with the
// domain error's message (reporting.ErrorMessage) as detail; internal
// errors must pass "" so nothing technical leaks.
func ErrorPage(status int, detail string) Page {
	c := ErrorContent{Status: status, Detail: detail}
	switch status {
	case http.StatusBadRequest, http.StatusMethodNotAllowed:
		c.Heading = "Yêu cầu không hợp lệ"
		c.Advice = "Xin quay lại trang trước, tải lại trang rồi thử lại."
	case http.StatusUnauthorized:
		c.Heading = "Bạn cần đăng nhập"
		c.Advice = "Phiên làm việc có thể đã hết hạn. Xin đăng nhập lại để tiếp tục."
		c.SignIn = true
	case http.StatusForbidden:
		c.Heading = "Bạn không có quyền xem trang này"
		c.Advice = "Nếu bạn cho rằng mình cần quyền này, xin liên hệ quản trị viên của tỉnh."
	case http.StatusNotFound:
		c.Heading = "Không tìm thấy trang"
		c.Advice = "Địa chỉ có thể đã gõ sai, hoặc nội dung đã bị xóa. Xin quay về trang chủ rồi tìm lại."
	case http.StatusRequestEntityTooLarge:
		c.Heading = "Tệp quá lớn"
		c.Advice = "Xin kiểm tra lại tệp (chỉ gửi tệp Excel theo mẫu) rồi gửi lại."
	case http.StatusUnprocessableEntity:
		c.Heading = "Thông tin gửi lên chưa hợp lệ"
		c.Advice = "Xin quay lại, sửa theo hướng dẫn rồi gửi lại."
	case http.StatusConflict:
		c.Heading = "Thao tác không thực hiện được"
		c.Advice = "Dữ liệu vừa được người khác thay đổi. Xin tải lại trang rồi thử lại."
	case http.StatusTooManyRequests:
		c.Heading = "Bạn thao tác quá nhiều lần"
		c.Advice = "Xin chờ vài phút rồi thử lại."
	case http.StatusServiceUnavailable:
		c.Heading = "Hệ thống đang bảo trì"
		c.Advice = "Hệ thống tạm thời không truy cập được dữ liệu. Xin thử lại sau ít phút; báo cáo đã gửi không bị mất."
	default:
		c.Status = max(status, http.StatusInternalServerError)
		c.Heading = "Hệ thống gặp sự cố"
		c.Advice = "Lỗi đã được ghi lại. Xin thử lại sau ít phút; nếu vẫn lỗi, xin báo quản trị viên kèm thời điểm xảy ra."
	}
	return Page{Title: c.Heading, Status: c.Status, Content: c}
}

// SignIn is the data of the "sign-in" page.
type SignIn struct {
	// Email is the address typed, kept after a failed attempt.
	Email string
	// Next is where to go after signing in (a local path), posted back.
	Next string
	// Error is why the last attempt failed ("Sai e-mail hoặc mật khẩu.").
	Error string
	// LockedOut is the lock-out message after too many failures
	// ("Bạn đã đăng nhập sai quá 5 lần. Xin thử lại sau 12 phút."); the
	// form stays usable, the server decides.
	LockedOut string
}
