package vi_test

import (
	"slices"
	"testing"
	"time"

	"baocao/vi"
)

func TestNumber(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   int64
		want string
	}{
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1.000"}, {1234, "1.234"},
		{123456, "123.456"}, {1234567, "1.234.567"}, {-1234, "-1.234"},
		{-999, "-999"}, {1000000000, "1.000.000.000"},
	} {
		if got := vi.Number(tc.in); got != tc.want {
			t.Errorf("Number(%d) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := vi.Number(uint8(255)); got != "255" {
		t.Errorf("Number(uint8(255)) = %q", got)
	}
}

func TestDecimal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in     string
		places int
		want   string
	}{
		{"1234.5", 1, "1.234,5"},
		{"1234.5", 2, "1.234,50"},
		{"1234.56", 1, "1.234,6"},
		{"1234.54", 1, "1.234,5"},
		{"1234.5", 0, "1.235"},
		{"999.95", 1, "1.000,0"},
		{"9.999", 2, "10,00"},
		{"1234567", 0, "1.234.567"},
		{"1234567", 2, "1.234.567,00"},
		{"-0.25", 1, "-0,3"},
		{"-0.04", 1, "0,0"},
		{".5", 1, "0,5"},
		{"0012.5", 1, "12,5"},
		{"1500000.125", -1, "1.500.000,125"},
		{"  42 ", 0, "42"},
		{"abc", 1, "abc"},
		{"1.2.3", 1, "1.2.3"},
		{"--1", 1, "--1"},
	} {
		if got := vi.Decimal(tc.in, tc.places); got != tc.want {
			t.Errorf("Decimal(%q, %d) = %q, want %q", tc.in, tc.places, got, tc.want)
		}
	}
}

func TestPercent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0.725, "72,5%"}, {1, "100%"}, {0, "0%"}, {0.5, "50%"},
		{0.12345, "12,3%"}, {0.99999, "100%"}, {1.5, "150%"}, {0.0004, "0%"},
		{2 / 3.0, "66,7%"}, {12.345, "1.234,5%"},
	} {
		if got := vi.Percent(tc.in); got != tc.want {
			t.Errorf("Percent(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDate(t *testing.T) {
	t.Parallel()
	hcm := time.FixedZone("ICT", 7*3600)
	// 17:30 UTC is already the next day in Ho Chi Minh City: the date is
	// the one of the time's own location.
	at := time.Date(2026, 6, 16, 17, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		t        time.Time
		date, dt string
	}{
		{"utc", at, "16/06/2026", "16/06/2026 17:30"},
		{"local", at.In(hcm), "17/06/2026", "17/06/2026 00:30"},
		{"leading zeros", time.Date(2027, 1, 5, 8, 5, 0, 0, hcm), "05/01/2027", "05/01/2027 08:05"},
		{"deadline", time.Date(2026, 12, 31, 23, 59, 59, 0, hcm), "31/12/2026", "31/12/2026 23:59"},
	} {
		if got := vi.Date(tc.t); got != tc.date {
			t.Errorf("%s: Date = %q, want %q", tc.name, got, tc.date)
		}
		if got := vi.DateTime(tc.t); got != tc.dt {
			t.Errorf("%s: DateTime = %q, want %q", tc.name, got, tc.dt)
		}
	}
}

func TestCompareSorts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		want []string // in the expected order
	}{
		{"natural numbers", []string{"Xã Thử 1", "Xã Thử 2", "Xã Thử 10", "Xã Thử 11", "Xã Thử 100"}},
		{"alphabet: a ă â, d đ, o ô ơ", []string{"An Bình", "Ăn Uống", "Ấp Bắc", "Bình Long", "Dầu Tiếng", "Đồng Xoài", "Ông Ích", "Ơn Nghĩa", "Phước Long"}},
		{"đ after every d", []string{"Dương Minh Châu", "Dzao", "Đa Kia", "Đắk Ơ"}},
		{"tone after letter", []string{"ma", "mà", "mả", "mã", "má", "mạ", "mai"}},
		{"units", []string{"Phường 2", "Phường 10", "Phường Tân Phú", "Thị trấn Chơn Thành", "Xã Ấp 3", "Xã Đồng Tâm"}},
	} {
		got := slices.Clone(tc.want)
		slices.Reverse(got)
		slices.SortStableFunc(got, vi.Compare)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: sorted\n  %q\nwant\n  %q", tc.name, got, tc.want)
		}
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"Xã Thử 2", "Xã Thử 10", -1},
		{"Xã Thử 10", "Xã Thử 2", 1},
		{"Ấp", "Bình", -1},
		{"Ấp", "An", 1},
		{"Đồng", "Dừa", 1},
		{"Xã", "Xã", 0},
	} {
		if got := vi.Compare(tc.a, tc.b); got != tc.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"Đức Thắng", "duc thang"},
		{"ĐỨC THẮNG", "duc thang"},
		{"duc thang", "duc thang"},
		{"Phường Tân Phú", "phuong tan phu"},
		{"Ủy ban nhân dân xã Đắk Ơ", "uy ban nhan dan xa dak o"},
		{"Nguyễn Thị Ngọc Ánh", "nguyen thi ngoc anh"},
		// decomposed input (NFD, as some Mac keyboards send it)
		{"Đu\u031bc", "duc"},
		{"Xã 10", "xa 10"},
	} {
		if got := vi.Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
