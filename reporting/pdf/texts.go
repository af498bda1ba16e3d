package pdf

import "baocao/reporting"

// Every Vietnamese text of the People's Council report, kept together for
// review. Formats take their arguments in the order the comment gives.
const (
	txtNation        = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	txtMotto         = "Độc lập - Tự do - Hạnh phúc"
	txtNumber        = "Số: %s"
	txtNumberBlank   = "       /BC-UBND"
	txtPlaceDate     = "%s, ngày %s tháng %s năm %d" // place, day, month, year
	txtReport        = "BÁO CÁO"
	txtSubject       = "Kết quả thực hiện dân chủ ở cơ sở %s trên địa bàn %s" // period label, lower-case first letter; territory
	txtTo            = "Kính gửi: %s."                                        // recipient
	txtToDefault     = "Thường trực Hội đồng nhân dân %s"                     // tỉnh or thành phố
	txtIssuerDefault = "ỦY BAN NHÂN DÂN\n%s"                                  // province name in capitals
	txtAuthority1    = "TM. ỦY BAN NHÂN DÂN"
	txtAuthority2    = "KT. CHỦ TỊCH"
	txtAuthority3    = "PHÓ CHỦ TỊCH"
	txtRecipientsHd  = "Nơi nhận:"
	txtRecipient1    = "Như trên;"
	txtRecipient2    = "Thường trực HĐND %s;"                // tỉnh or thành phố
	txtRecipient3    = "Chủ tịch, các Phó Chủ tịch UBND %s;" // tỉnh or thành phố
	txtRecipient4    = "Lưu: VT."
	txtPlacePrefixes = "tỉnh |thành phố "                        // stripped from the territory to get the place
	txtBodyPrefixes  = "UBND |Ủy ban nhân dân |Uỷ ban nhân dân " // stripped from the root unit's name to get the territory

	txtSec1           = "I. TÌNH HÌNH GỬI BÁO CÁO"
	txtSec1Para       = "Thực hiện chế độ báo cáo %s theo biểu mẫu “%s”, có %d đơn vị phải gửi báo cáo%s. Đến thời điểm tổng hợp (%s), %d đơn vị gửi báo cáo đúng hạn (đạt %s%%), %d đơn vị gửi muộn, %d đơn vị chưa gửi báo cáo; %d đơn vị có báo cáo bị trả lại để hoàn thiện; %d báo cáo đã được chấp nhận."
	txtExempt         = " (trong đó %d đơn vị được miễn báo cáo)"
	txtCounted        = "Số liệu tại báo cáo này được tổng hợp từ báo cáo của %d đơn vị (%s). Đơn vị chưa có báo cáo không được tính là số 0 và không tham gia tính số bình quân."
	txtCountAll       = "mỗi đơn vị lấy báo cáo gửi lần cuối chưa bị trả lại"
	txtCountAcc       = "chỉ tính các báo cáo đã được chấp nhận"
	txtByKind         = "Tình hình gửi báo cáo theo loại đơn vị:"
	txtNotSent        = "Các đơn vị chưa có báo cáo được tính: %s."
	txtNotSentN       = "Danh sách %d đơn vị chưa có báo cáo được tính tại Phụ lục III."
	txtAllSent        = "Tất cả các đơn vị phải báo cáo đều đã có báo cáo được tính."
	txtSec2           = "II. KẾT QUẢ THỰC HIỆN"
	txtSec2Intro      = "Tổng hợp số liệu của các đơn vị %s, kết quả chủ yếu như sau:"
	txtSec2Refs       = "Số liệu so sánh chi tiết tại Phụ lục I; số liệu theo loại đơn vị và đơn vị cấp trên tại Phụ lục II; tình hình gửi báo cáo của từng đơn vị tại Phụ lục III. Ý kiến, khó khăn, đề xuất của từng đơn vị được tổng hợp đầy đủ trong tệp Excel kèm theo."
	txtClosing        = "Trên đây là báo cáo %s./." // subject, lower-case first letter
	txtOnTerritory    = " trên địa bàn %s"          // province, lower-case first letter
	txtNotCounted     = " (không được tính)"
	txtNothing        = "chưa có đơn vị báo cáo"
	txtAvgOf          = "bình quân"
	txtRatioOf        = "tỷ lệ chung"
	txtLevelsOnce     = "Báo cáo của đơn vị cấp trên đã bao gồm số liệu của các đơn vị trực thuộc, nên số liệu tổng hợp trên chỉ cộng các đơn vị không có đơn vị trực thuộc báo cáo, mỗi đơn vị được tính một lần."
	txtSignalsLeft    = "Phụ lục IV liệt kê %d số liệu bất thường của %d đơn vị mà người duyệt chưa giải trình."
	txtSignalsNone    = "Không có số liệu bất thường nào chưa được giải trình."
	txtLevelsDiffer   = "Có %d đơn vị cấp trên có số liệu khác với tổng của các đơn vị trực thuộc; chi tiết tại trang “Đối chiếu các cấp” của tệp Excel kèm theo."
	txtMinOf          = "thấp nhất"
	txtMaxOf          = "cao nhất"
	txtUnits          = "đơn vị"
	txtUp             = "tăng %s"
	txtDown           = "giảm %s"
	txtSame           = "không thay đổi"
	txtPoints         = "điểm phần trăm"
	txtPctChange      = " (%s%%)"
	txtVsPrev         = "so với kỳ trước"
	txtComparedChange = "%s %s (trên các đơn vị có báo cáo ở cả hai kỳ)" // change, vs
	txtVsYear         = "so với cùng kỳ năm trước"

	txtAppendix      = "Phụ lục %s"
	txtAppendixCont  = "Phụ lục %s (tiếp theo)"
	txtAppendixOf    = "(Kèm theo Báo cáo số %s ngày %s của %s)"
	txtApp1Title     = "SO SÁNH KẾT QUẢ %s VỚI KỲ TRƯỚC VÀ CÙNG KỲ NĂM TRƯỚC"
	txtApp2Title     = "SỐ LIỆU TỔNG HỢP THEO LOẠI ĐƠN VỊ VÀ ĐƠN VỊ CẤP TRÊN, %s"
	txtApp4Title     = "SỐ LIỆU BẤT THƯỜNG CHƯA ĐƯỢC GIẢI TRÌNH, %s"
	txtColValue      = "Số liệu"
	txtColSignal     = "Dấu hiệu bất thường"
	txtApp3Title     = "TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC ĐƠN VỊ, %s"
	txtColNo         = "STT"
	txtColField      = "Chỉ tiêu"
	txtColMeasure    = "Đơn vị tính"
	txtColThis       = "Kỳ này"
	txtColPrevious   = reporting.LabelPrevious
	txtColYearAgo    = reporting.LabelYearAgo
	txtColChange     = reporting.LabelChange
	txtColPercent    = "Tỷ lệ (%)"
	txtColKind       = "Loại đơn vị"
	txtColObliged    = "Phải báo cáo"
	txtColOnTime     = "Đúng hạn"
	txtColLate       = "Muộn"
	txtColNotSent    = "Chưa gửi"
	txtColOnTimePct  = "Tỷ lệ đúng hạn (%)"
	txtColUnit       = "Đơn vị"
	txtColReported   = "Đã báo cáo / phải báo cáo"
	txtColParent     = "Đơn vị cấp trên"
	txtColStatus     = "Tình trạng"
	txtColFirst      = "Gửi lần đầu"
	txtColDaysLate   = "Số ngày muộn"
	txtColDecision   = "Kết quả duyệt"
	txtTotal         = "Tổng cộng"
	txtNoComparison  = "(chưa có số liệu kỳ trước và cùng kỳ năm trước)"
	txtNoPeriodShort = "(không có số liệu)"
)
