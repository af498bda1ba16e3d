package ui

import (
	"net/http"
	"time"

	"baocao/config"
	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
)

var fixtureAdmin = &reporting.User{ID: 1, Email: "quantri@snv.gov.vn", Name: "Lê Văn Quản", Role: reporting.RoleAdmin, Active: true}

func fxFormSpec() FormSpec {
	return FormSpec{Version: 2, Code: "DCCS-XA", Title: "Báo cáo thực hiện dân chủ ở cơ sở (cấp xã)", Kinds: []string{"UBND cấp xã"},
		Schedules: []string{"6 tháng, từ 15/12/2023; hạn nộp 2 ngày làm việc sau ngày chốt số liệu"},
		Sections: []SectionSpec{{Title: "I. Công khai thông tin", Fields: []FieldSpec{
			{Code: "so_cuoc", Label: "Số cuộc tiếp xúc cử tri", Hint: "Số cuộc tiếp xúc cử tri (cuộc). Số nguyên từ 0 trở lên. Bắt buộc.", Aggregate: "cộng tổng"},
			{Code: "ty_le", Label: "Tỷ lệ nội dung được công khai", Hint: "Tỷ lệ nội dung được công khai. Tỷ lệ % từ 0 đến 100.", Aggregate: "bình quân"},
		}}},
		Rules: []RuleSpec{{Message: "Số cuộc có người dân tham gia không quá tổng số cuộc", Expr: "so_cuoc_dan <= so_cuoc", Blocking: true},
			{Message: "Tỷ lệ thấp bất thường, xin giải trình", Expr: "ty_le >= 50"}},
	}
}

func fxDiff() DiffView {
	return DiffView{From: 1, To: 2, Settings: []reporting.AttrChange{{Key: "title", Old: "Báo cáo cấp xã", New: "Báo cáo thực hiện dân chủ ở cơ sở (cấp xã)"}},
		Added:      []FieldSpec{fxFormSpec().Sections[0].Fields[1]},
		Removed:    []FieldSpec{{Code: "ghi_chu", Label: "Ghi chú"}},
		Changed:    []reporting.FieldChange{{Code: "so_cuoc", Label: "Số cuộc tiếp xúc cử tri", Attrs: []reporting.AttrChange{{Key: "max", Old: "", New: "500"}}}},
		RulesAdded: []RuleSpec{fxFormSpec().Rules[1]}}
}

func adminPageFixtures() map[string][]Page {
	loaded := time.Date(2026, time.November, 2, 10, 30, 0, 0, time.UTC)
	forms := []FormRow{{Code: "DCCS-XA", Title: fxFormSpec().Title, Version: 2, Versions: 2, LoadedAt: loaded, Kinds: []string{"UBND cấp xã"},
		Schedules: fxFormSpec().Schedules, Href: "/admin/forms/DCCS-XA"}}
	spec, diff := fxFormSpec(), fxDiff()
	return map[string][]Page{
		"admin-forms": {
			{Title: "Biểu mẫu", User: fixtureAdmin, CSRF: fixtureCSRF, Nav: "admin-forms", Content: FormsAdminPage{Forms: forms}},
			{Title: "Biểu mẫu", User: fixtureAdmin, CSRF: fixtureCSRF, Status: http.StatusUnprocessableEntity, Content: FormsAdminPage{Forms: forms,
				Load: &FormLoadView{FileName: "dccs-xa.yaml", Problems: []ops.FormProblem{
					{File: "dccs-xa.yaml", Where: "field so_cuoc", Reason: `unknown type "integer" (want int, decimal, percent, choice, date or text)`},
					{File: "dccs-xa.yaml", Reason: "no schedule: a form needs at least one"}}}}},
			{Title: "Biểu mẫu", User: fixtureAdmin, CSRF: fixtureCSRF, Content: FormsAdminPage{Forms: forms,
				Load: &FormLoadView{FileName: "dccs-xa.yaml", Spec: &spec, Diff: &diff, Stored: "Đã nạp biểu mẫu DCCS-XA phiên bản 3."}}},
			{Title: "Biểu mẫu", User: fixtureAdmin, CSRF: fixtureCSRF, Content: FormsAdminPage{}},
		},
		"admin-form": {
			{Title: "DCCS-XA", User: fixtureAdmin, CSRF: fixtureCSRF, Nav: "admin-forms", Content: FormPage{Code: "DCCS-XA", Title: spec.Title,
				Versions: []VersionRow{{Version: 2, LoadedAt: loaded, Periods: 3, Checksum: "0123456789ab", Href: "/admin/forms/DCCS-XA?v=2",
					SourceURL: "/admin/forms/DCCS-XA/versions/2.yaml"}, {Version: 1, LoadedAt: loaded.AddDate(-1, 0, 0), Periods: 4, Checksum: "ba9876543210",
					Href: "/admin/forms/DCCS-XA?v=1", SourceURL: "/admin/forms/DCCS-XA/versions/1.yaml"}},
				Shown: spec, Diff: &diff, VersionOptions: []Option{{Value: "2", Label: "Phiên bản 2", Selected: true}, {Value: "1", Label: "Phiên bản 1"}},
				FromOptions: []Option{{Value: "1", Label: "Phiên bản 1", Selected: true}}, ToOptions: []Option{{Value: "2", Label: "Phiên bản 2", Selected: true}}}},
			{Title: "DCCS-XA", User: fixtureAdmin, CSRF: fixtureCSRF, Content: FormPage{Code: "NEW", Title: "Biểu mới", Shown: FormSpec{Version: 1, Code: "NEW"}}},
		},
		"admin-system": {
			{Title: "Hệ thống", User: fixtureAdmin, CSRF: fixtureCSRF, Nav: "admin-system", Content: SystemPage{Version: "v1.4.0", Revision: "1a2b3c4d",
				BuildTime: "2026-12-01T08:00:00Z", Instance: "may-chu-1/4321", DatabaseSize: "9,1 MB", Pending: 0,
				Status: store.SystemStatus{ServerVersion: "15.20",
					Migrations: []store.Migration{{Version: 1, Name: "00001_schema.sql", Applied: true, AppliedAt: loaded}},
					Leader:     &store.SchedulerLeader{PID: 77, Application: "baocao may-chu-1/4321", Client: "10.0.0.5", Since: loaded},
					Jobs: []store.JobRun{{Job: "open-periods", Instance: "may-chu-1/4321", StartedAt: loaded, FinishedAt: loaded, OK: true, LastOKAt: &loaded},
						{Job: "deliver-outbox", Instance: "may-chu-1/4321", StartedAt: loaded, FinishedAt: loaded, Error: "dial tcp: connection refused"}}},
				Tables:   []TableRow{{Name: "obligations", Size: "3,2 MB", Rows: 12000}},
				Settings: []config.Setting{{Name: "smtp.host", Value: "mail.tinh.gov.vn"}, {Name: "smtp.password", Value: config.Masked}, {Name: "smtp.username"}}}},
			{Title: "Hệ thống", User: fixtureAdmin, CSRF: fixtureCSRF, Content: SystemPage{Version: "dev", Pending: 2}},
		},
		"admin-periods": {
			{Title: "Quản lý kỳ báo cáo", User: fixtureAdmin, CSRF: fixtureCSRF, Nav: "admin-periods", Content: AdminPeriodsPage{FormCode: "DCCS-XA",
				FormOptions: []Option{{Value: "DCCS-XA", Label: "DCCS-XA — Báo cáo cấp xã", Selected: true}},
				Periods: []AdminPeriodRow{{PeriodRow: store.PeriodRow{ID: 12, FormCode: "DCCS-XA", FormVersion: 2, Key: "2026-H1", Label: "6 tháng đầu năm 2026",
					DataFrom: loaded, DataTo: loaded, OpensAt: loaded, Deadline: loaded, LocksAt: loaded, Obligations: 95}, Href: "/periods/12",
					Kinds: []KindDeadlineRow{{Kind: "UBND cấp xã", Units: 95, Filed: 80, Earliest: loaded, Latest: loaded.AddDate(0, 0, 5), LaterDeadline: 3}}},
					{PeriodRow: store.PeriodRow{ID: 13, Key: "2026-H2", Label: "6 tháng cuối năm 2026"}, Href: "/periods/13"}}}},
			{Title: "Quản lý kỳ báo cáo", User: fixtureAdmin, CSRF: fixtureCSRF, Content: AdminPeriodsPage{}},
		},
		"admin-holidays": {
			{Title: "Lịch làm việc năm 2026", User: fixtureAdmin, CSRF: fixtureCSRF, Nav: "admin-holidays", Content: CalendarPage{Year: 2026, PrevYear: 2025, NextYear: 2027,
				Months: []CalendarMonth{{Name: "Tháng 2", Weeks: [][]CalendarCell{{{}, {}, {}, {}, {}, {Day: 1, Class: "weekend"}, {Day: 2, Class: "weekend"}},
					{{Day: 16, Class: "off", Title: "Tết Nguyên đán"}, {Day: 17}, {Day: 18}, {Day: 19}, {Day: 20}, {Day: 21, Class: "working", Title: "Làm bù"}, {Day: 22, Class: "weekend"}}}}},
				Days: []CalendarDayRow{{Day: loaded, Weekday: "Thứ Hai", Name: "Tết Nguyên đán", Kind: "Ngày nghỉ", Off: true, Value: "2026-02-16"}},
				Preview: &CalendarPreview{Set: []CalendarDayRow{{Day: loaded, Weekday: "Thứ Ba", Name: "Nghỉ đột xuất", Kind: "Ngày nghỉ"}},
					Remove: []CalendarDayRow{{Day: loaded, Weekday: "Thứ Bảy"}}, Days: 2, Told: 1,
					Moves:  []ops.CalendarMove{{PeriodID: 12, FormCode: "DCCS-XA", PeriodLabel: "6 tháng đầu năm 2026", UnitCode: "25001", UnitName: "UBND xã Một", Old: loaded, New: loaded.AddDate(0, 0, 1), Told: true}},
					Hidden: []Field{{Name: "set_day", Value: "2026-06-16"}, {Name: "set_name", Value: "Nghỉ đột xuất"}, {Name: "set_kind", Value: "off"}}},
				KindOptions: []Option{{Value: "off", Label: "Ngày nghỉ", Selected: true}, {Value: "working", Label: "Ngày làm bù"}}}},
			{Title: "Lịch làm việc năm 2027", User: fixtureAdmin, CSRF: fixtureCSRF, Status: http.StatusUnprocessableEntity, Content: CalendarPage{Year: 2027, PrevYear: 2026, NextYear: 2028,
				Error: "Ngày “2026-02-30” không đúng dạng (năm-tháng-ngày, ví dụ 2026-09-01).", AddDay: "2026-02-30"}},
		},
		"admin-units": {
			{Title: "Danh sách đơn vị", User: fixtureAdmin, CSRF: fixtureCSRF, Nav: "admin-units", Content: UnitsImportPage{Tree: UnitTreeView{Day: "04/12/2026", Total: 96,
				Kinds:    []KindCount{{Kind: "UBND tỉnh", Count: 1}, {Kind: "UBND cấp xã", Count: 95}},
				Path:     []reporting.Unit{{Code: "75", Name: "UBND tỉnh Đồng Nai"}},
				Selected: "UBND tỉnh Đồng Nai",
				Rows:     []UnitTreeRow{{Unit: reporting.Unit{Code: "25195", Name: "UBND phường Tân Phú", Kind: reporting.KindCommunePC}, Children: 0}}}}},
			{Title: "Danh sách đơn vị", User: fixtureAdmin, CSRF: fixtureCSRF, Content: UnitsImportPage{Tree: UnitTreeView{Day: "04/12/2026", Query: "tan phu",
				Rows: []UnitTreeRow{{Unit: reporting.Unit{Code: "25195", Name: "UBND phường Tân Phú", Kind: reporting.KindCommunePC}, ParentName: "UBND tỉnh Đồng Nai"}}, More: 3}}},
			{Title: "Danh sách đơn vị", User: fixtureAdmin, CSRF: fixtureCSRF, Nav: "admin-units", Content: UnitsImportPage{Effective: "2025-07-01", CloseMissing: true,
				Preview: &UnitsPreviewView{FileName: "don-vi-2025.csv", Key: "k", Fingerprint: "f", Preview: ops.UnitImportPreview{
					Counts:  reporting.UnitImportCounts{Created: 1, Versioned: 1, Unchanged: 90, Closed: 1},
					Created: []ops.PreviewUnit{{Code: "26005", Name: "UBND phường An Lộc", Kind: reporting.KindCommunePC, Parent: "75", From: loaded}},
					Changed: []ops.UnitChange{{Code: "25195", Name: "UBND phường Tân Phú", From: loaded, Field: "Đơn vị cấp trên", Old: "690", New: "75"}},
					Closed:  []reporting.UnitClose{{Code: "690", Until: loaded}},
					Periods: []ops.ReconciledPeriod{{FormCode: "DCCS-XA", Key: "2025-H2", Label: "6 tháng cuối năm 2025", Added: 1, Moved: 40, Released: 82}}}}}},
			{Title: "Danh sách đơn vị", User: fixtureAdmin, CSRF: fixtureCSRF, Status: http.StatusUnprocessableEntity, Content: UnitsImportPage{
				Problems: []reporting.RowProblem{{Row: 3, Column: "kind", Value: "xa", Message: "loại đơn vị không hợp lệ"}}, Error: "Danh sách đơn vị đã thay đổi kể từ lúc xem trước."}},
		},
		"admin-users": {
			{Title: "Người dùng", User: fixtureAdmin, CSRF: fixtureCSRF, Nav: "admin-users", Content: UsersPage{
				Users: []UserRowView{{UserRow: store.UserRow{User: *fixtureAdmin, LastSignIn: &loaded, HasPassword: true}, RoleLabel: "Quản trị hệ thống", Self: true,
					RoleOptions: []Option{{Value: "admin", Label: "Quản trị hệ thống", Selected: true}}},
					{UserRow: store.UserRow{User: reporting.User{ID: 7, Email: "vanthu@xa.gov.vn", Name: "Trần Thị Văn", Role: reporting.RoleClerk, UnitCode: "25195", Active: true},
						UnitName: "UBND xã Tân Phú", Invited: true, Throttled: true}, RoleLabel: "Cán bộ báo cáo của đơn vị",
						Tokens: []store.APIToken{{ID: "0123456789abcdef", Label: "Đồng bộ với phần mềm một cửa", CreatedAt: loaded, ExpiresAt: loaded.AddDate(0, 1, 0)}}, RoleOptions: []Option{{Value: "clerk", Label: "Cán bộ báo cáo của đơn vị", Selected: true}}},
					{UserRow: store.UserRow{User: reporting.User{ID: 8, Email: "cu@tinh.gov.vn", Name: "Người cũ", Role: reporting.RoleInspector}}, RoleLabel: "Chuyên viên"}},
				RoleOptions: []Option{{Value: "clerk", Label: "Cán bộ báo cáo của đơn vị", Selected: true}},
				NewToken:    &NewTokenView{Email: "vanthu@xa.gov.vn", Label: "Đồng bộ", Token: "tok", Expires: loaded},
				Invite:      &InviteView{Email: "moi@xa.gov.vn", Link: "https://baocao.tinh.gov.vn/password/set?token=abc", Problem: "dial tcp: connection refused"}}},
			{Title: "Người dùng", User: fixtureAdmin, CSRF: fixtureCSRF, Status: http.StatusUnprocessableEntity, Content: UsersPage{
				Error: "Địa chỉ e-mail a@b.vn đã được dùng.", Add: UserForm{Email: "a@b.vn", Name: "A"}}},
		},
		"set-password": {
			{Title: "Đặt mật khẩu", Content: SetPasswordPage{Token: "abc", Email: "moi@xa.gov.vn", Name: "Người mới"}},
			{Title: "Đặt mật khẩu", Status: http.StatusUnprocessableEntity, Content: SetPasswordPage{Token: "abc", Email: "moi@xa.gov.vn", Error: "Mật khẩu mới nhập lại không khớp."}},
			{Title: "Đặt mật khẩu", Content: SetPasswordPage{Invalid: "Liên kết đặt mật khẩu này không còn hiệu lực."}},
		},
		"admin-audit": {
			{Title: "Nhật ký thao tác", User: fixtureAdmin, CSRF: fixtureCSRF, Nav: "admin-audit", Content: AuditPage{
				Filter: AuditFilter{Actor: "thanhtra@snv.gov.vn", Since: "01/11/2026"}, ActionOptions: []Option{{Value: "", Label: "Tất cả", Selected: true}},
				Events: []AuditRow{{At: loaded, Actor: "thanhtra@snv.gov.vn", Action: "submission.review", ActionLabel: "Duyệt báo cáo",
					ObjectType: "submission", ObjectID: "41", Details: `{"decision":"returned","reason":"Thiếu mục IV"}`}},
				Limit: 200, CSVHref: "/admin/audit.csv?actor=thanhtra%40snv.gov.vn"}},
			{Title: "Nhật ký thao tác", User: fixtureAdmin, CSRF: fixtureCSRF, Status: http.StatusUnprocessableEntity, Content: AuditPage{
				Error: "Ngày “31/02/2026” không đúng dạng ngày/tháng/năm.", Limit: 200, More: true, CSVHref: "/admin/audit.csv"}},
		},
	}
}
