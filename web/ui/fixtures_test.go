package ui

import (
	"math"
	"net/http"
	"net/url"
	"os"
	"testing"

	"baocao/reporting"
)

// The test fixtures: data for every page and partial, so the render test
// executes each template (html/template checks nothing before it runs).

var (
	fixtureClerk = &reporting.User{ID: 7, Email: "vanthu@xa-tanphu.gov.vn", Name: "Nguyễn Thị Ngọc Ánh",
		Role: reporting.RoleClerk, UnitCode: "25195", Active: true}
	fixtureInspector = &reporting.User{ID: 2, Email: "thanhtra@snv.gov.vn", Name: "Trần Đức Thắng",
		Role: reporting.RoleInspector, Active: true}
)

const fixtureCSRF = "csrf-token-for-tests"

func fixtureTable() Table {
	t := Table{
		Caption: "Tình hình gửi báo cáo 6 tháng đầu năm 2026 của các xã",
		Columns: []Column{
			{Key: "unit", Label: "Đơn vị"},
			{Key: "status", Label: "Trạng thái"},
			{Key: "at", Label: "Thời điểm gửi"},
			{Key: "late", Label: "Số ngày trễ", Numeric: true},
		},
		Rows: [][]Cell{
			{{Text: "Phường Bình Phước", Href: "/units/25195"}, {Status: reporting.StatusAccepted}, {Text: "12/06/2026 09:14"}, {Text: "0"}},
			{{Text: "Xã Đồng Tâm", Href: "/units/25200"}, {Status: reporting.StatusLate}, {Text: "18/06/2026 16:40"}, {Text: "2"}},
			{{Text: "Xã Thử 10", Href: "/units/25210"}, {Status: reporting.StatusMissing}, {Text: ""}, {Text: "5"}},
			{{Text: "Xã Ấp Bắc", Href: "/units/25220"}, {Status: reporting.StatusReturned}, {Text: "14/06/2026 08:02"}, {Text: "0"}},
		},
	}
	u, _ := url.Parse("/periods/12?status=late&page=3")
	t.SetSort(u, "unit", "asc")
	return t
}

func fixturePager() Pager {
	u, _ := url.Parse("/periods/12?status=late")
	return NewPager(u, 3, 20, 111)
}

func fixtureBars() BarChart {
	return BarChart{Title: "Tỷ lệ gửi đúng hạn theo cấp", Bars: []Bar{
		{Label: "Sở, ban, ngành", Value: "38/41 đơn vị", Rate: 38.0 / 41},
		{Label: "Đơn vị sự nghiệp công lập", Value: "12/20", Rate: 0.6},
		{Label: "Ủy ban nhân dân các xã, phường trong tỉnh sau sắp xếp", Value: "87/111", Rate: 87.0 / 111},
	}}
}

func fixtureLines() LineChart {
	return LineChart{
		Title:   "Tỷ lệ gửi đúng hạn qua các kỳ",
		Percent: true,
		Labels:  []string{"6T/2024", "Năm 2024", "6T/2025", "Năm 2025", "6T/2026"},
		Series: []Series{
			{Name: "Cấp xã", Values: []float64{0.62, 0.7, 0.68, 0.81, 0.784}},
			{Name: "Sở, ngành", Values: []float64{0.8, 0.85, math.NaN(), 0.9, 0.927}},
		},
	}
}

type componentsFixture struct {
	Table Table
	Pager Pager
	Bars  BarChart
	Lines LineChart
}

// pageFixtures are the pages to render, by page name; each page must have
// at least one.
func pageFixtures() map[string][]Page {
	pages := map[string][]Page{
		"sign-in": {
			{Title: "Đăng nhập", Content: SignIn{Next: "/obligations"}},
			{Title: "Đăng nhập", Status: http.StatusUnauthorized, Content: SignIn{Email: "vanthu@xa-tanphu.gov.vn", Error: "Sai e-mail hoặc mật khẩu."}},
			{Title: "Đăng nhập", Status: http.StatusTooManyRequests, Content: SignIn{Email: "vanthu@xa-tanphu.gov.vn",
				LockedOut: "Bạn đã đăng nhập sai quá 5 lần. Xin thử lại sau 12 phút."}},
		},
		"error": {
			ErrorPage(http.StatusNotFound, ""),
			withUser(ErrorPage(http.StatusForbidden, "Bạn không có quyền xem thông tin của đơn vị 25200."), fixtureClerk),
			ErrorPage(http.StatusUnauthorized, "Phiên làm việc đã hết hạn."),
			ErrorPage(http.StatusInternalServerError, ""),
			withRequestID(ErrorPage(http.StatusInternalServerError, ""), "3f9a1c0d2e4b5a69"),
		},
		"components": {{
			Title: "Các thành phần giao diện", User: fixtureInspector, CSRF: fixtureCSRF, Nav: "dashboard",
			Flash: []Flash{
				{Kind: FlashSuccess, Message: "Đã chấp nhận báo cáo của Phường Bình Phước."},
				{Kind: FlashError, Message: "Tệp không đúng mẫu của kỳ này."},
				{Kind: FlashWarning, Message: "Còn 2 ngày đến hạn nộp."},
				{Kind: FlashInfo, Message: "Đã gửi thư nhắc cho 12 đơn vị."},
			},
			Content: componentsFixture{Table: fixtureTable(), Pager: fixturePager(), Bars: fixtureBars(), Lines: fixtureLines()},
		}},
	}
	for name, ps := range adminPageFixtures() {
		pages[name] = ps
	}
	for name, ps := range pageFixturesOfWeb() {
		pages[name] = ps
	}
	for name, ps := range evaluationPageFixtures() {
		pages[name] = ps
	}
	return pages
}

// withRequestID is an error page naming its request, as web shows it.
func withRequestID(p Page, id string) Page {
	c := p.Content.(ErrorContent)
	c.RequestID = id
	p.Content = c
	return p
}

func withUser(p Page, u *reporting.User) Page {
	p.User, p.CSRF = u, fixtureCSRF
	return p
}

// partialFixtures are the data to render each partial alone with.
func partialFixtures() map[string]any {
	return map[string]any{
		"flash":         []Flash{{Kind: FlashInfo, Message: "Đã lưu."}},
		"alert":         Flash{Kind: FlashError, Message: "Không đọc được tệp."},
		"status":        reporting.StatusLate,
		"status-legend": nil,
		"table":         fixtureTable(),
		"table-head":    fixtureTable().Columns,
		"pagination":    fixturePager(),
		"field":         map[string]any{"Name": "email", "Label": "E-mail", "Type": "email", "Error": "Xin nhập e-mail.", "Required": true},
		"upload":        map[string]any{"Action": "/units/25195/periods/12/submissions", "CSRF": fixtureCSRF, "Error": "Tệp không đúng mẫu."},
		"bar-chart":     fixtureBars(),
		"line-chart":    fixtureLines(),
		"values":        fxSubmissionView(),
		"signals":       map[string]any{"Signals": fxSignals(), "CanExplain": true, "URL": "/submissions/41/signals", "CSRF": fixtureCSRF},
		"value":         reporting.Value{Raw: "1234.5", Num: "1234.5"},
		"form-spec":     fxFormSpec(),
		"form-diff":     fxDiff(),
	}
}

// newTestRenderer is the Renderer with the fixture pages of testdata/.
func newTestRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := newRenderer(os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}
