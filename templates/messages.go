package templates

// Every Vietnamese text of the workbook round trip is here, so a reviewer
// reads them in one sitting: what the template shows, its prompts, and why
// an upload is refused. Sheet names are part of the template's layout: a
// change is a new LayoutVersion.

// Sheet names.
const (
	SheetReport = "Báo cáo"
	SheetHelp   = "Hướng dẫn"
	// SheetLists holds choice lists too long for an inline list; hidden.
	SheetLists = "_lists"
	// SheetMeta holds the template's identity and its HMAC; veryHidden.
	SheetMeta = "_meta"
)

// The report sheet.
const (
	txtMotto1        = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	txtMotto2        = "Độc lập - Tự do - Hạnh phúc"
	txtPeriod        = "Kỳ báo cáo: %s"
	txtWindow        = "Số liệu từ ngày %s đến ngày %s"
	txtDeadlineDay   = "Hạn gửi: chậm nhất ngày %s"
	txtDeadlineTime  = "Hạn gửi: trước %s ngày %s"
	txtClock         = "15 giờ 04"
	txtColSTT        = "STT"
	txtColLabel      = "Chỉ tiêu"
	txtColUnit       = "Đơn vị tính"
	txtColValue      = "Giá trị"
	txtColNote       = "Ghi chú / giải trình"
	txtPlaceDate     = "……, ngày …… tháng …… năm ……"
	txtPreparer      = "NGƯỜI LẬP BIỂU"
	txtHead          = "THỦ TRƯỞNG ĐƠN VỊ"
	txtSignHint      = "(Ký, ghi rõ họ tên)"
	txtSignHintStamp = "(Ký, ghi rõ họ tên, đóng dấu)"
	txtRequiredMark  = " (*)"
	txtRequiredNote  = "(*) Chỉ tiêu bắt buộc phải nhập. Cột “Giá trị” và “Ghi chú / giải trình” là các ô được phép nhập."
	txtDocCreator    = "baocao"
	txtDocSubject    = "%s — %s"
	txtDocKeywords   = "báo cáo; dân chủ ở cơ sở; %s; %s"
	txtDocLanguage   = "vi-VN"
)

// The instruction sheet, one paragraph a row; %s in the first line is the
// form title.
var txtHelp = []string{
	"HƯỚNG DẪN ĐIỀN MẪU BÁO CÁO",
	"Biểu mẫu: %s",
	"1. Mở tệp bằng Microsoft Excel (2007 trở lên) hoặc LibreOffice Calc. Có thể điền khi không có mạng.",
	"2. Chỉ nhập vào cột “Giá trị” và cột “Ghi chú / giải trình” của trang “Báo cáo”; các ô khác đã được khóa. Không thêm, xóa hay di chuyển dòng, cột, trang tính; không đổi tên trang tính.",
	"3. Số: nhập số không có đơn vị tính. Có thể viết kiểu Việt Nam (1.234.567 hoặc 1.234,5) hoặc không có dấu phân cách hàng nghìn (1234567); số thập phân dùng dấu phẩy hoặc dấu chấm (1,5 hoặc 1.5).",
	"4. Tỷ lệ (%): nhập số từ 0 đến 100, ví dụ 85 hoặc 85,5 (không nhập 0,855).",
	"5. Ngày: nhập theo dạng ngày/tháng/năm, ví dụ 05/01/2026.",
	"6. Ô có danh sách chọn: bấm vào ô và chọn một giá trị trong danh sách.",
	"7. Chỉ tiêu có dấu (*) là bắt buộc. Nếu không phát sinh, nhập 0.",
	"8. Khi số liệu bất thường được hệ thống cảnh báo, ghi giải trình vào cột “Ghi chú / giải trình” cùng dòng.",
	"9. Không dùng công thức tham chiếu tới tệp khác. Nếu dùng công thức, để chương trình tính xong rồi mới lưu.",
	"10. Lưu tệp dạng Excel Workbook (.xlsx) — không lưu dạng .xls, .xlsm hay .ods, không đặt mật khẩu cho tệp — rồi tải lên hệ thống đúng kỳ báo cáo và đơn vị của mẫu.",
	"11. Mỗi mẫu chỉ dùng cho một đơn vị và một kỳ báo cáo. Không sao chép số liệu sang mẫu của kỳ khác hay đơn vị khác; hãy tải mẫu mới.",
}

// What a fixed cell of the report sheet is, in a refusal.
const (
	txtWhatParent   = "tên cơ quan cấp trên"
	txtWhatUnit     = "tên đơn vị"
	txtWhatPeriod   = "kỳ báo cáo"
	txtWhatWindow   = "thời gian lấy số liệu"
	txtWhatDeadline = "hạn gửi"
	txtWhatTitle    = "tên biểu mẫu"
	txtWhatHead     = "tiêu đề cột"
	txtWhatSection  = "tên mục"
	txtWhatSTT      = "số thứ tự"
	txtWhatLabel    = "tên chỉ tiêu"
	txtWhatUnitCol  = "đơn vị tính"
	// txtFormulaLink names a DDE link or a reference to another file.
	txtFormulaLink = "liên kết DDE hoặc tham chiếu tới tệp khác"
)

// Data validation prompts and errors. Excel caps a title at 32 characters
// and a text at 255; build.go truncates.
const (
	dvPromptTitle   = "Nhập số liệu"
	dvErrorTitle    = "Giá trị không hợp lệ"
	dvUnit          = " (%s)"
	dvInt           = "Số nguyên"
	dvDecimal       = "Số"
	dvPercent       = "Tỷ lệ %"
	dvBetween       = " từ %s đến %s."
	dvAtLeast       = " từ %s trở lên."
	dvAtMost        = " không quá %s."
	dvAny           = "."
	dvChoice        = "Chọn một giá trị trong danh sách: %s."
	dvDate          = "Ngày dạng ngày/tháng/năm, từ %s đến %s."
	dvText          = "Văn bản, tối đa %d ký tự."
	dvRequired      = " Bắt buộc."
	dvErrorNumber   = "“%s”: %s"
	dvErrorChoice   = "“%s”: chỉ được chọn một giá trị trong danh sách."
	dvErrorDate     = "“%s”: nhập ngày dạng ngày/tháng/năm, từ %s đến %s."
	dvErrorText     = "“%s”: tối đa %d ký tự."
	dvListSeparator = ", "
)

// Why an upload is refused before any value is read.
const (
	msgTooLarge        = "Tệp quá lớn (tối đa %s). Xin kiểm tra lại: mẫu báo cáo thường chỉ vài chục KB; xóa hình ảnh hoặc trang tính thừa rồi tải lên lại."
	msgEmptyFile       = "Tệp rỗng. Xin chọn đúng tệp báo cáo .xlsx."
	msgEncrypted       = "Tệp được đặt mật khẩu nên hệ thống không đọc được. Xin mở tệp, bỏ mật khẩu (Tệp › Thông tin › Bảo vệ sổ làm việc › Mã hóa bằng mật khẩu, xóa mật khẩu), lưu lại dạng .xlsx rồi tải lên."
	msgXLS             = "Tệp .xls (Excel 97-2003) không được hỗ trợ. Xin mở tệp, chọn Lưu thành › Excel Workbook (.xlsx) rồi tải lên; tốt nhất là tải mẫu mới và điền lại."
	msgOLE             = "Tệp không phải tệp Excel .xlsx (tệp định dạng Office cũ). Xin lưu lại dạng Excel Workbook (.xlsx) rồi tải lên."
	msgNotXLSX         = "Tệp không phải tệp Excel .xlsx. Xin tải lên đúng tệp mẫu báo cáo đã điền, lưu dạng Excel Workbook (.xlsx)."
	msgXLSM            = "Tệp có chứa macro (.xlsm) không được chấp nhận. Xin lưu lại dạng Excel Workbook (.xlsx) — không chứa macro — rồi tải lên."
	msgODS             = "Tệp OpenDocument (.ods) không được hỗ trợ. Trong LibreOffice chọn Tệp › Lưu thành, kiểu tệp “Excel 2007-365 (.xlsx)”, rồi tải lên."
	msgZipBomb         = "Tệp bị từ chối: nội dung sau khi giải nén quá lớn (tối đa %s), không phải một mẫu báo cáo bình thường."
	msgXMLEntity       = "Tệp bị từ chối: phần %s chứa khai báo DOCTYPE/ENTITY, điều mà Excel và LibreOffice không bao giờ tạo ra. Xin tải mẫu mới và điền lại."
	msgCorrupt         = "Tệp Excel bị hỏng hoặc không đọc được. Xin mở lại bằng Excel hoặc LibreOffice, lưu dạng .xlsx rồi tải lên; nếu vẫn lỗi, tải mẫu mới và điền lại."
	msgNoMeta          = "Tệp không phải mẫu báo cáo do hệ thống cấp (thiếu trang _meta). Xin tải mẫu của đơn vị và kỳ báo cáo từ hệ thống, điền số liệu vào mẫu đó rồi tải lên."
	msgMetaIncomplete  = "Thông tin nhận dạng của mẫu (trang _meta) thiếu hoặc sai: %s. Xin tải mẫu mới từ hệ thống và điền lại."
	msgMetaAltered     = "Mẫu đã bị sửa đổi thông tin nhận dạng (trang _meta) nên không thể chấp nhận. Xin tải mẫu mới của đơn vị và kỳ báo cáo từ hệ thống, chép số liệu sang rồi tải lên."
	msgLayoutUnknown   = "Mẫu được tạo theo bố cục phiên bản %d, hệ thống không còn đọc được. Xin tải mẫu mới."
	msgFormMismatch    = "Mẫu không khớp với biểu mẫu %s phiên bản %d. Xin tải mẫu mới từ hệ thống."
	msgNoSheet         = "Không tìm thấy trang “%s” chứa ô nhập của chỉ tiêu “%s”. Không đổi tên hay xóa trang tính; xin tải mẫu mới và điền lại."
	msgBrokenName      = "Ô nhập của chỉ tiêu “%s” đã bị xóa hoặc di chuyển (tên %s không còn trỏ tới một ô). Xin tải mẫu mới và điền lại."
	msgLayoutChanged   = "Cấu trúc trang “%s” đã bị thay đổi: dòng %d không còn là chỉ tiêu “%s”. Không thêm, xóa hay di chuyển dòng; xin tải mẫu mới và điền lại."
	msgUnreadableValue = "Không đọc được ô %s của chỉ tiêu “%s”. Xin nhập lại giá trị."

	msgDamaged       = "Tệp Excel bị hỏng hoặc không đầy đủ (có thể việc lưu hay tải tệp bị gián đoạn). Xin mở lại tệp bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi tải lên."
	msgTrailingData  = "Tệp bị từ chối: có dữ liệu lạ nối thêm vào sau nội dung tệp Excel. Xin mở tệp bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi tải lên."
	msgDuplicatePart = "Tệp bị từ chối: chứa hai thành phần cùng tên (%s), điều mà Excel và LibreOffice không bao giờ tạo ra. Xin tải mẫu mới và điền lại."
	msgTooManyParts  = "Tệp bị từ chối: có %d thành phần, quá nhiều so với một mẫu báo cáo (tối đa %d). Xin tải mẫu mới và điền lại."
	msgTooManySheets = "Tệp có quá nhiều trang tính (tối đa %d). Mẫu báo cáo chỉ có các trang “Báo cáo”, “Hướng dẫn” và các trang ẩn của hệ thống; xin tải mẫu mới và điền lại."
	msgExtraSheet    = "Tệp có trang tính “%s” không thuộc mẫu báo cáo. Không thêm trang tính vào mẫu; xin xóa trang đó hoặc tải mẫu mới và điền lại."
	msgNoReportSheet = "Không tìm thấy trang “%s” trong tệp. Không đổi tên hay xóa trang tính; xin tải mẫu mới và điền lại."
	msgPartTooLarge  = "Tệp bị từ chối: phần %s có nội dung sau khi giải nén quá lớn, không phải một mẫu báo cáo bình thường."
	msgTooManyRows   = "Trang “%s” có dữ liệu ở ô %s, quá xa so với một mẫu báo cáo (tối đa %d dòng). Xin xóa các dòng thừa hoặc tải mẫu mới và điền lại."
	msgTooManyCols   = "Trang “%s” có dữ liệu ở ô %s, quá xa so với một mẫu báo cáo. Xin xóa các cột thừa hoặc tải mẫu mới và điền lại."
	msgOutsideLayout = "Trang “%s” có dữ liệu ở ô %s, ngoài vùng của mẫu (các ô nhập ở cột D và E, từ dòng %d đến dòng %d). Xin xóa dữ liệu thừa hoặc tải mẫu mới và điền lại."
	msgTooMuchText   = "Tệp bị từ chối: chứa quá nhiều chữ so với một mẫu báo cáo. Xin xóa nội dung thừa hoặc tải mẫu mới và điền lại."
	msgCellTooLong   = "Tệp bị từ chối: một ô chứa hơn %d ký tự."
	msgFixedChanged  = "Ô %s của trang “%s” (%s) đã bị sửa: mẫu ghi “%s”, tệp ghi “%s”. Chỉ được nhập vào cột “Giá trị” và “Ghi chú / giải trình”; xin trả lại như mẫu hoặc tải mẫu mới và điền lại."
	msgRowsChanged   = "Cấu trúc trang “%s” đã bị thay đổi từ dòng %d: ô %s (%s) phải là “%s” nhưng tệp ghi “%s”%s. Không thêm, xóa hay di chuyển dòng; xin tải mẫu mới và điền lại."
	msgRowsMore      = " (và %d ô khác bên dưới)"
	msgNameMoved     = "Tên %s của chỉ tiêu “%s” trỏ tới %s thay vì ô %s của trang “%s”, nên số liệu trong tệp có thể không phải số liệu đang hiển thị. Xin tải mẫu mới và điền lại."
	msgActiveFormula = "Ô %s của trang “%s” chứa công thức không được phép (%s). Chỉ được dùng công thức tính toán trên các ô của cùng trang; xin thay công thức bằng giá trị rồi tải lên lại."
	msgActiveName    = "Tên %s trong tệp chứa công thức không được phép (%s). Xin tải mẫu mới và điền lại."
	msgActiveMore    = "Còn %d ô khác cũng chứa công thức không được phép."
	msgActivePart    = "Tệp chứa nội dung có thể tự chạy hoặc kết nối ra ngoài (%s), không được chấp nhận. Xin xóa nội dung đó (đối tượng nhúng, liên kết ngoài, kết nối dữ liệu) hoặc tải mẫu mới và điền lại."
	msgExternalLink  = "Tệp chứa liên kết ra ngoài (%s), không được chấp nhận. Nếu cần ghi địa chỉ, hãy gõ địa chỉ dưới dạng chữ, không tạo liên kết; hoặc tải mẫu mới và điền lại."
)
