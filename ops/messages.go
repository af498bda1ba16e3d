package ops

// Every message a user reads from this package, together for review.
const (
	msgRefused     = "Tệp chưa được nhận: có %d lỗi cần sửa."
	msgBusy        = "Hệ thống đang kiểm tra nhiều tệp cùng lúc, tệp của bạn chưa được nhận. Xin thử lại sau ít phút."
	msgOldVersion  = "Mẫu %s bạn dùng là phiên bản %d, nhưng biểu mẫu đã có phiên bản %d. Xin tải mẫu mới, chép số liệu sang và nộp lại."
	msgNotYourUnit = "Bạn không có quyền nộp báo cáo cho %s (mã %s). Xin kiểm tra lại: tệp này là mẫu của đơn vị khác."
	msgNotOpen     = "Kỳ báo cáo %s chưa mở (mở từ ngày %s)."
	msgLocked      = "Kỳ báo cáo %s đã khóa sổ từ ngày %s, không nhận thêm báo cáo."
	// The template of a locked period is refused: it could not be filed.
	msgLockedTemplate  = "Kỳ báo cáo %s đã khóa sổ từ ngày %s, không nhận thêm báo cáo nên không tải mẫu được nữa."
	msgExempt          = "%s được miễn báo cáo kỳ %s, không cần nộp."
	msgAccepted        = "Báo cáo kỳ %s của đơn vị đã được chấp nhận, không thể nộp thay thế."
	msgDryRunOK        = "Tệp hợp lệ: báo cáo của %s kỳ %s có thể nộp (chưa lưu — đây là kiểm tra thử)."
	msgDuplicate       = "Tệp giống hệt bản đã nộp (lần %d, ngày %s); không lưu thêm."
	msgDuplicateDryRun = "Tệp giống hệt bản đã nộp lần %d; nộp lại sẽ không lưu thêm gì (đây là kiểm tra thử)."
	msgStored          = "Đã nhận báo cáo lần %d của %s kỳ %s."
	msgStoredLate      = "Đã nhận báo cáo lần %d của %s kỳ %s (nộp sau hạn)."
)

// Messages of finding a period by its key.
const (
	msgNoPeriod          = "Không có kỳ báo cáo %q."
	msgNoPeriodOfForm    = "Biểu mẫu %s không có kỳ báo cáo %q."
	msgPeriodAmbiguous   = "Kỳ báo cáo %q có ở nhiều biểu mẫu: %s. Xin chọn biểu mẫu (form=…) hoặc dùng mã số kỳ."
	msgPeriodOfFormEntry = "%s (kỳ số %d)"
)

// Messages of reviews, exemptions, extensions and reminders.
const (
	msgNotLatest            = "Chỉ duyệt được bản mới nhất: bản này là lần gửi thứ %d, %s đã gửi đến lần %d."
	msgReviewExempt         = "%s được miễn báo cáo kỳ %s; không có báo cáo nào cần duyệt."
	msgAcceptedLocked       = "Báo cáo kỳ %s của %s đã được chấp nhận và kỳ báo cáo đã khóa sổ (%s); không thể thay đổi."
	msgExtendLockedAdmin    = "Kỳ báo cáo %s đã khóa sổ (%s): chỉ quản trị viên được gia hạn, kèm lý do."
	msgUnexemptLockedReason = "Kỳ báo cáo %s đã khóa sổ: bỏ miễn báo cáo lúc này cần ghi lý do."
	msgExemptLockedAdmin    = "Kỳ báo cáo %s đã khóa sổ (%s): chỉ quản trị viên được miễn báo cáo hoặc bỏ miễn, kèm lý do."
	msgReturnLocked         = "Kỳ báo cáo %s đã khóa sổ (%s): không thể trả lại báo cáo vì đơn vị không gửi được bản mới nữa."
	msgNotExempt            = "%s không được miễn báo cáo kỳ %s."
	msgExtendNoUnits        = "Xin chọn đơn vị được gia hạn: danh sách mã đơn vị, hoặc một đơn vị cấp trên để gia hạn cho mọi đơn vị trực thuộc."
	msgExtendEarlier        = "Hạn mới (%s) sớm hơn hạn hiện tại của: %s. Gia hạn chỉ được lùi hạn nộp về sau."
	msgExtendEarlierMore    = "%s và %d đơn vị khác"

	msgRemindNoObligation = "Đơn vị %s không có nghĩa vụ báo cáo trong kỳ báo cáo số %d."
	msgNothingOwed        = "%s đã gửi báo cáo kỳ này hoặc được miễn; không cần nhắc."
	msgPeriodLocked       = "Kỳ báo cáo %s đã khoá sổ; không gửi nhắc nhở được nữa."
	msgPeriodNotOpen      = "Kỳ báo cáo %s chưa mở."
	msgAuditAdminOnly     = "Chỉ quản trị viên được xem nhật ký hệ thống."
	msgOutboxForbidden    = "Chỉ thanh tra và quản trị viên được xem hộp thư đi."
	msgReportForbidden    = "Chỉ thanh tra, quản trị viên và đơn vị quản lý cấp trên được tải báo cáo tổng hợp."
)

// noAddressReason is last_error of an e-mail for a unit without an
// address (for the administrator, in English like the other outbox
// errors).
const noAddressReason = "Đơn vị chưa có địa chỉ thư điện tử: thêm địa chỉ vào danh sách đơn vị (cột emails) rồi nhập lại."

// Messages of the pages' views.
const (
	msgPeriodPageForbidden = "Chỉ thanh tra, quản trị viên và đơn vị quản lý cấp trên được xem tình hình nộp báo cáo của cả kỳ."
	msgWrongPassword       = "Mật khẩu hiện tại không đúng."
)

// The reason recorded when a unit closed before a period's cut-off is
// released from it by a reconciliation.
const reasonDeparted = "Đơn vị không còn hoạt động (hoặc không còn thuộc diện báo cáo) vào ngày chốt số liệu %s; kỳ báo cáo do đơn vị đang hoạt động ngày đó thực hiện."

// The reason recorded when a unit released so is active on the cut-off
// again, a corrected unit list having reopened it.
const reasonRestored = "Danh sách đơn vị được sửa: đơn vị vẫn hoạt động vào ngày chốt số liệu %s nên lại phải báo cáo kỳ này (bỏ miễn báo cáo do hệ thống ghi khi đơn vị bị đóng)."

// The reason recorded when a change of the calendar moves a deadline.
const reasonRescheduled = "Lịch ngày nghỉ, ngày làm việc thay đổi: hạn nộp chuyển từ ngày %s sang ngày %s."
