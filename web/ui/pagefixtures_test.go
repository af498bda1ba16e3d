package ui

import (
	"net/http"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
)

// The fixtures of the pages web serves (see pageFixtures).

var (
	fxHCM      = time.FixedZone("ICT", 7*3600)
	fxDeadline = time.Date(2026, time.June, 16, 23, 59, 59, 0, fxHCM)
	fxFirst    = time.Date(2026, time.June, 12, 9, 14, 0, 0, fxHCM)
)

func fxForm() reporting.Form {
	return reporting.Form{Code: "DCCS-XA", Title: "Báo cáo kết quả thực hiện dân chủ ở cơ sở (cấp xã)", Version: 2, Sections: []reporting.Section{
		{Title: "IV. Ban Thanh tra nhân dân", Fields: []reporting.Field{
			{Code: "giam_sat", Label: "Số cuộc giám sát", Type: reporting.TypeInt, Unit: "cuộc"},
			{Code: "tien", Label: "Số tiền kiến nghị thu hồi", Type: reporting.TypeDecimal, Unit: "đồng"},
		}},
		{Title: "VIII. Đánh giá chung", Fields: []reporting.Field{
			{Code: "tu_danh_gia", Label: "Tự đánh giá", Type: reporting.TypeChoice},
		}},
	}}
}

func fxObligation() store.Obligation {
	return store.Obligation{PeriodID: 12, PeriodKey: "2026-H1", PeriodLabel: "6 tháng đầu năm 2026", FormCode: "DCCS-XA",
		DataFrom: reporting.Day(2025, time.December, 15), DataTo: reporting.Day(2026, time.June, 14),
		OpensAt: time.Date(2025, time.December, 15, 0, 0, 0, 0, fxHCM), LocksAt: fxDeadline.AddDate(0, 1, 0),
		UnitCode: "25195", UnitName: "Phường Bình Phước", UnitKind: reporting.KindCommunePC, ParentCode: "75", ParentName: "UBND tỉnh Đồng Nai",
		Facts: reporting.Facts{Present: true, Deadline: fxDeadline}, LatestVersion: 2, LatestSubmissionID: 41}
}

func fxSubmission(version int, id int64, late bool) store.Submission {
	return store.Submission{ID: id, PeriodID: 12, UnitCode: "25195", Version: version, SHA256: "3f786850e387550fdab836ed7e6dc881de23001b",
		FileName: "Báo cáo DCCS-XA 6 tháng đầu năm 2026.xlsx", Size: 31234, UploadedAt: fxFirst.Add(time.Duration(version) * time.Hour),
		Late: late, Uploader: "Nguyễn Thị Ngọc Ánh"}
}

func fxSubmissionView() ops.SubmissionView {
	prev := reporting.Value{Raw: "10", Num: "10"}
	last := reporting.Value{Raw: "8", Num: "8"}
	period := store.PeriodRow{ID: 9, Key: "2025-H2", Label: "6 tháng cuối năm 2025"}
	return ops.SubmissionView{Submission: fxSubmission(2, 41, false), Obligation: fxObligation(), Status: reporting.StatusSubmitted,
		Form: fxForm(), PreviousVersion: 1, PreviousPeriod: &period, Latest: true, CanReview: true,
		Rows: []ops.FieldRow{
			{Section: "IV. Ban Thanh tra nhân dân", Field: fxForm().Sections[0].Fields[0], Value: reporting.Value{Raw: "60", Num: "60"},
				Note: "Có đợt giám sát chuyên đề", Previous: &prev, LastPeriod: &last},
			{Section: "IV. Ban Thanh tra nhân dân", Field: fxForm().Sections[0].Fields[1], Value: reporting.Value{Raw: "12345678901.25", Num: "12345678901.25"}},
			{Section: "VIII. Đánh giá chung", Field: fxForm().Sections[1].Fields[0], Value: reporting.Value{Raw: "Khá", Text: "Khá"}},
		},
		Warnings: []reporting.Problem{{Code: reporting.ProblemWarning, Severity: reporting.SeverityWarning, Field: "giam_sat",
			Message: "Hơn 50 cuộc giám sát trong 6 tháng là bất thường", Note: "Có đợt giám sát chuyên đề"}},
		Reviews: []store.Review{{ID: 3, SubmissionID: 40, Version: 1, Reviewer: "Trần Đức Thắng", Decision: reporting.DecisionReturned,
			Reason: "Thiếu mục IV", At: fxFirst.Add(90 * time.Minute)}},
		Signals: fxSignals(), CanExplain: true,
	}
}

// fxSignals are a submission's signals, one explained.
func fxSignals() []reporting.Signal {
	return []reporting.Signal{
		{Kind: reporting.SignalHistory, Key: "history:giam_sat", Field: "giam_sat", Label: "Số cuộc giám sát", Value: "60 cuộc",
			Reference: "kỳ trước (6 tháng cuối năm 2025): 8 cuộc", Reason: "Tăng 650% so với kỳ trước (6 tháng cuối năm 2025) (8 cuộc → 60 cuộc)."},
		{Kind: reporting.SignalPeers, Key: "peers:giam_sat", Field: "giam_sat", Label: "Số cuộc giám sát", Value: "60 cuộc",
			Reference: "trung vị 95 đơn vị: 9 cuộc", Reason: "Cao bất thường so với 95 đơn vị cùng loại (UBND cấp xã) trong kỳ: trung vị 9 cuộc, chỉ số lệch 12,4 (ngưỡng 3,5).",
			Explanation: &reporting.SignalExplanation{Note: "Đã xác nhận với xã: có đợt giám sát chuyên đề.", By: "Trần Đức Thắng", At: fxFirst.Add(2 * time.Hour)}},
	}
}

func fxUnitPeriod(status reporting.Status) UnitPeriodPage {
	o := fxObligation()
	old := fxDeadline.AddDate(0, 0, -3)
	return UnitPeriodPage{
		UnitPeriod: ops.UnitPeriod{Obligation: o, Status: status, Form: fxForm(), Open: true, CanFile: true,
			Versions: []store.Submission{fxSubmission(2, 41, false), fxSubmission(1, 40, false)},
			Reviews:  fxSubmissionView().Reviews,
			Events: []reporting.Event{
				{ID: 1, At: o.OpensAt, Kind: reporting.EventOpened, Actor: "system", Deadline: old},
				{ID: 2, At: fxFirst, Kind: reporting.EventUploaded, Actor: "vanthu@xa.gov.vn", Version: 1},
				{ID: 3, At: fxFirst.Add(time.Hour), Kind: reporting.EventReturned, Actor: "thanhtra@snv.gov.vn", Version: 1, Reason: "Thiếu mục IV"},
				{ID: 4, At: fxFirst.Add(2 * time.Hour), Kind: reporting.EventExtended, Actor: "thanhtra@snv.gov.vn", Deadline: fxDeadline,
					PreviousDeadline: &old, Reason: "Lũ lụt"},
			}},
		Path: "/units/25195/periods/12", TemplateURL: "/units/25195/periods/12/template.xlsx", DaysLeft: 4,
	}
}

func pageFixturesOfWeb() map[string][]Page {
	refused := fxUnitPeriod(reporting.StatusReturned)
	refused.Reason = "Thiếu mục IV"
	refused.Refused, refused.FileName, refused.AnnotatedURL = true, "bao cao.xlsx", "/units/25195/periods/12/annotated/KEY"
	refused.CellProblems = []reporting.Problem{
		{Code: reporting.ProblemRange, Severity: reporting.SeverityError, Sheet: "Báo cáo", Cell: "D39", Field: "giam_sat",
			Label: "Số cuộc giám sát", Value: "-3", Message: "Số cuộc giám sát phải từ 0 trở lên."},
		{Code: reporting.ProblemRule, Severity: reporting.SeverityError, Sheet: "Báo cáo", Cells: []string{"D41", "D40"},
			Message: "Số kiến nghị đã giải quyết không được lớn hơn số kiến nghị"},
	}
	fileRefused := fxUnitPeriod(reporting.StatusPending)
	fileRefused.Refused = true
	fileRefused.FileProblems = []reporting.Problem{{Code: reporting.ProblemTemplate, Severity: reporting.SeverityError,
		Message: "Mẫu đã bị sửa đổi thông tin nhận dạng."}}
	stored := fxUnitPeriod(reporting.StatusSubmitted)
	view := fxSubmissionView()
	stored.Result = &ops.Result{Submission: fxSubmission(2, 41, false), Status: reporting.StatusSubmitted, Warnings: view.Warnings,
		Message: "Đã nhận báo cáo lần 2 của Phường Bình Phước kỳ 6 tháng đầu năm 2026."}
	stored.Stored = &view
	checked := fxUnitPeriod(reporting.StatusPending)
	checked.Result = &ops.Result{DryRun: true, Status: reporting.StatusSubmitted, Message: "Tệp hợp lệ."}
	locked := fxUnitPeriod(reporting.StatusAccepted)
	locked.Open = false
	return map[string][]Page{
		"obligations": {{Title: "Việc cần làm", User: fixtureClerk, CSRF: fixtureCSRF, Nav: "obligations", Content: ObligationsPage{
			UnitCode: "25195", UnitName: "Phường Bình Phước",
			Open: []Obligation{
				{HistoryRow: store.HistoryRow{PeriodID: 12, FormCode: "DCCS-XA", FormTitle: fxForm().Title, PeriodLabel: "6 tháng đầu năm 2026",
					DataFrom: reporting.Day(2025, time.December, 15), DataTo: reporting.Day(2026, time.June, 14), Deadline: fxDeadline,
					Status: reporting.StatusReturned, StatusReason: "Thiếu mục IV"}, Href: "/units/25195/periods/12", DaysLeft: 4},
				{HistoryRow: store.HistoryRow{PeriodID: 13, FormCode: "DCCS-QUY", FormTitle: "Báo cáo quý", PeriodLabel: "Quý II năm 2026",
					Deadline: fxDeadline, Status: reporting.StatusPending}, Href: "/units/25195/periods/13", DaysLeft: 4},
				{HistoryRow: store.HistoryRow{PeriodID: 14, FormCode: "DCCS-QUY", FormTitle: "Báo cáo quý", PeriodLabel: "Quý I năm 2026",
					Deadline: fxDeadline.AddDate(0, -3, 0), Status: reporting.StatusMissing, DaysLate: 12}, Href: "/units/25195/periods/14", DaysLeft: -12},
			},
			Past: []Obligation{{HistoryRow: store.HistoryRow{PeriodID: 9, FormCode: "DCCS-XA", PeriodLabel: "6 tháng cuối năm 2025",
				Deadline: fxDeadline.AddDate(0, -6, 0), Status: reporting.StatusAccepted, Versions: 1}, Href: "/units/25195/periods/9"}},
		}}, {Title: "Việc cần làm", User: fixtureClerk, CSRF: fixtureCSRF, Content: ObligationsPage{UnitCode: "25195"}}},
		"unit-period": {
			{Title: "Kỳ báo cáo", User: fixtureClerk, CSRF: fixtureCSRF, Content: fxUnitPeriod(reporting.StatusPending)},
			{Title: "Kỳ báo cáo", User: fixtureClerk, CSRF: fixtureCSRF, Status: http.StatusUnprocessableEntity, Content: refused},
			{Title: "Kỳ báo cáo", User: fixtureClerk, CSRF: fixtureCSRF, Status: http.StatusUnprocessableEntity, Content: fileRefused},
			{Title: "Kỳ báo cáo", User: fixtureClerk, CSRF: fixtureCSRF, Status: http.StatusCreated, Content: stored},
			{Title: "Kỳ báo cáo", User: fixtureClerk, CSRF: fixtureCSRF, Content: checked},
			{Title: "Kỳ báo cáo", User: fixtureInspector, CSRF: fixtureCSRF, Content: locked},
		},
		"unit": {{Title: "Phường Bình Phước", User: fixtureClerk, CSRF: fixtureCSRF, Content: UnitHistoryPage{Code: "25195",
			Current: reporting.Unit{Code: "25195", Name: "Phường Bình Phước", Kind: reporting.KindCommunePC, ParentCode: "75", Emails: []string{"vanthu@binhphuoc.gov.vn"}},
			UnitPage: ops.UnitPage{
				Versions: []reporting.Unit{{Code: "25195", Name: "Phường Tân Phú", Kind: reporting.KindCommunePC, ParentCode: "689",
					ValidFrom: reporting.Day(2020, time.January, 1), ValidUntil: ptr(reporting.Day(2025, time.June, 30))},
					{Code: "25195", Name: "Phường Bình Phước", Kind: reporting.KindCommunePC, ParentCode: "75", ValidFrom: reporting.Day(2025, time.July, 1)}},
				Successions: []store.Succession{{From: "25198", To: "25195", FromName: "Phường Tân Đồng", ToName: "Phường Bình Phước",
					Effective: reporting.Day(2025, time.July, 1), LegalBasis: "Nghị quyết 1662/NQ-UBTVQH15"}},
				Obligations: []store.HistoryRow{{PeriodID: 12, FormCode: "DCCS-XA", PeriodLabel: "6 tháng đầu năm 2026", UnitName: "Phường Bình Phước",
					Deadline: fxDeadline, Status: reporting.StatusLate, DaysLate: 2}},
			}}}},
		"dashboard": {{Title: "Tình hình báo cáo", User: fixtureInspector, CSRF: fixtureCSRF, Nav: "dashboard", Content: DashboardPage{Forms: []FormPanel{
			{Form: fxForm(), Latest: fxCompliance(), Recent: []store.Compliance{fxCompliance(), fxCompliance()}, ByParent: fixtureBars(),
				ByKind: fixtureBars(), Trend: fixtureLines(), MatrixHref: "/forms/DCCS-XA/matrix"},
			{Form: reporting.Form{Code: "DCCS-CQ", Title: "Báo cáo của cơ quan"}},
		}}}},
		"periods": {{Title: "Các kỳ báo cáo", User: fixtureInspector, CSRF: fixtureCSRF, Content: PeriodsPage{Periods: []store.PeriodRow{
			{ID: 12, FormCode: "DCCS-XA", Key: "2026-H1", Label: "6 tháng đầu năm 2026", DataFrom: fxObligation().DataFrom, DataTo: fxObligation().DataTo,
				Deadline: fxDeadline, LocksAt: fxDeadline.AddDate(0, 1, 0), Obligations: 95}}}}},
		"period": {{Title: "6 tháng đầu năm 2026", User: fixtureInspector, CSRF: fixtureCSRF, Content: fxPeriodPage(true)},
			{Title: "6 tháng đầu năm 2026", User: fixtureInspector, CSRF: fixtureCSRF, Content: fxPeriodPage(false)}},
		"matrix": {{Title: "Bảng theo dõi", User: fixtureInspector, CSRF: fixtureCSRF, Content: MatrixPage{FormCode: "DCCS-XA",
			Matrix:        store.Matrix{Periods: []store.MatrixPeriod{{ID: 9, Key: "2025-H2"}, {ID: 12, Key: "2026-H1"}}},
			Rows:          []store.MatrixRow{{UnitCode: "25195", UnitName: "Phường Bình Phước", Statuses: []reporting.Status{"", reporting.StatusLate}}},
			ParentOptions: []Option{{Value: "", Label: "Tất cả", Selected: true}}, KindOptions: []Option{{Value: "", Label: "Tất cả"}},
			Pager: fixturePager()}}},
		"submission": {{Title: "Lần gửi thứ 2", User: fixtureInspector, CSRF: fixtureCSRF, Content: SubmissionPage{SubmissionView: fxSubmissionView(),
			ReviewURL: "/submissions/41/review", FileURL: "/api/v1/submissions/41/file", UnitHref: "/units/25195/periods/12"}}},
		"outbox": {{Title: "Thư nhắc", User: fixtureInspector, CSRF: fixtureCSRF, Content: OutboxPage{Status: "failed", TestMail: true,
			StatusOptions: []Option{{Value: "failed", Label: "Gửi không được", Selected: true}},
			Reminders: []store.Reminder{{ID: 1, PeriodID: 12, UnitCode: "25195", Recipients: []string{"vanthu@xa.gov.vn"}, Cc: []string{"ubnd@huyen.gov.vn"},
				Subject: "[Quá hạn] Báo cáo 6 tháng đầu năm 2026", Status: store.ReminderFailed, LastError: "550 no such user", CreatedAt: fxFirst}}}}},
		"outbox-message": {
			{Title: "Thư số 1", User: fixtureAdmin, CSRF: fixtureCSRF, Content: OutboxMessagePage{StatusLabel: "Gửi không được", CanRetry: true,
				Message: store.Reminder{ID: 1, PeriodID: 12, UnitCode: "25195", Kind: "overdue_1d", Recipients: []string{"vanthu@xa.gov.vn"}, Cc: []string{"ubnd@huyen.gov.vn"},
					Subject: "[Quá hạn] Báo cáo 6 tháng đầu năm 2026", BodyText: "Kính gửi: UBND xã Một\n\nBáo cáo đã quá hạn.", Status: store.ReminderFailed,
					Attempts: 8, LastError: "550 no such user", MessageID: "r1.baocao@tinh.gov.vn", CreatedAt: fxFirst}}},
			{Title: "Thư số 2", User: fixtureInspector, CSRF: fixtureCSRF, Content: OutboxMessagePage{StatusLabel: "Đã gửi",
				Message: store.Reminder{ID: 2, Subject: "Nhắc hạn", Status: store.ReminderSent, SentAt: &fxFirst, CreatedAt: fxFirst}}},
		},
		"password": {
			{Title: "Đổi mật khẩu", User: fixtureClerk, CSRF: fixtureCSRF, Content: PasswordForm{}},
			{Title: "Đổi mật khẩu", User: fixtureClerk, CSRF: fixtureCSRF, Status: http.StatusUnprocessableEntity, Content: PasswordForm{Error: "Mật khẩu hiện tại không đúng."}},
		},
	}
}

func ptr[T any](v T) *T { return &v }

func fxCompliance() store.Compliance {
	c := store.Compliance{PeriodID: 12, Period: store.PeriodRow{ID: 12, FormCode: "DCCS-XA", Key: "2026-H1", Label: "6 tháng đầu năm 2026", Deadline: fxDeadline}}
	c.Total = store.ComplianceCounts{Obliged: 95, Submitted: 60, Late: 10, Missing: 20, Returned: 3, Exempt: 2, OnTime: 63, FiledLate: 10,
		OnTimeRate: 63.0 / 93, FiledRate: 70.0 / 93}
	return c
}

func fxPeriodPage(canDecide bool) PeriodPage {
	first := fxFirst
	units := []store.PeriodUnit{
		{UnitCode: "25195", UnitName: "Phường Bình Phước", Kind: reporting.KindCommunePC, ParentCode: "75", ParentName: "UBND tỉnh Đồng Nai",
			Status: reporting.StatusSubmitted, Deadline: fxDeadline, FirstAt: &first, LastAt: &first, Versions: 1, LatestSubmissionID: 41, Reviewer: "Trần Đức Thắng"},
		{UnitCode: "25200", UnitName: "Xã Đồng Tâm", Kind: reporting.KindCommunePC, ParentCode: "75", ParentName: "UBND tỉnh Đồng Nai",
			Emails: []string{"vanthu@dongtam.gov.vn"}, Status: reporting.StatusMissing, Deadline: fxDeadline, DaysLate: 3},
	}
	all := []Option{{Value: "", Label: "Tất cả", Selected: true}}
	signals := []ops.SignalRow{{UnitCode: "25195", UnitName: "Phường Bình Phước", ParentCode: "75", ParentName: "UBND tỉnh Đồng Nai",
		Kind: reporting.KindCommunePC, SubmissionID: 41, Version: 2, Signals: fxSignals(), Unexplained: 1}}
	return PeriodPage{PeriodPage: ops.PeriodPage{Compliance: fxCompliance(), Units: store.PeriodUnitList{Units: units, Total: len(units)},
		Owing: store.PeriodUnitList{Units: units[1:], Total: 1}, CanDecide: canDecide, CanReport: true, Signals: signals},
		Signals: signals, SignalOf: map[string]*ops.SignalRow{"25195": &signals[0]}, SignalOptions: all,
		Shown: units, Missing: units[1:], MissingCount: 1, MissingEmails: "vanthu@dongtam.gov.vn", MissingCSV: "/periods/12/missing.csv", StatusOptions: all, ParentOptions: all, KindOptions: all,
		Filter: PeriodFilter{Q: "dong tam"}, Pager: fixturePager(), Path: "/periods/12", XLSXURL: "/api/v1/reports/DCCS-XA/2026-H1.xlsx",
		PDFURL: "/api/v1/reports/DCCS-XA/2026-H1.pdf", MatrixHref: "/forms/DCCS-XA/matrix", Bars: fixtureBars()}
}
