package intake

// Every message a clerk reads from this package, together for review.
const (
	msgRefused     = "Tệp chưa được nhận: có %d lỗi cần sửa."
	msgOldVersion  = "Mẫu %s bạn dùng là phiên bản %d, nhưng biểu mẫu đã có phiên bản %d. Xin tải mẫu mới, chép số liệu sang và nộp lại."
	msgNotYourUnit = "Bạn không có quyền nộp báo cáo cho %s (mã %s). Xin kiểm tra lại: tệp này là mẫu của đơn vị khác."
	msgNotOpen     = "Kỳ báo cáo %s chưa mở (mở từ ngày %s)."
	msgLocked      = "Kỳ báo cáo %s đã khóa sổ từ ngày %s, không nhận thêm báo cáo."
	// The template of a locked period is refused: it could not be filed.
	msgLockedTemplate = "Kỳ báo cáo %s đã khóa sổ từ ngày %s, không nhận thêm báo cáo nên không tải mẫu được nữa."
	msgExempt         = "%s được miễn báo cáo kỳ %s, không cần nộp."
	msgAccepted       = "Báo cáo kỳ %s của đơn vị đã được chấp nhận, không thể nộp thay thế."
	msgDryRunOK       = "Tệp hợp lệ: báo cáo của %s kỳ %s có thể nộp (chưa lưu — đây là kiểm tra thử)."
	msgDuplicate      = "Tệp giống hệt bản đã nộp (lần %d, ngày %s); không lưu thêm."
	msgStored         = "Đã nhận báo cáo lần %d của %s kỳ %s."
	msgStoredLate     = "Đã nhận báo cáo lần %d của %s kỳ %s (nộp sau hạn)."
)
