package vi

import (
	"slices"
	"strings"
	"testing"
)

func TestKeyOrdersAsCompare(t *testing.T) {
	t.Parallel()
	words := []string{"Xã Thử 10", "Xã Thử 2", "Ấp Bắc", "An Phú", "Đức Thắng", "Duc Thang", "Bình Phước", "Xã Thử 1"}
	for _, a := range words {
		for _, b := range words {
			if got, want := strings.Compare(Key(a), Key(b)), Compare(a, b); got != want {
				t.Errorf("Key order of %q, %q = %d; Compare says %d", a, b, got, want)
			}
		}
	}
}

func TestSortStable(t *testing.T) {
	t.Parallel()
	type unit struct{ parent, name string }
	got := []unit{{"Huyện B", "Xã Thử 10"}, {"Huyện A", "Xã Thử 10"}, {"Huyện B", "Ấp Bắc"}, {"Huyện B", "Xã Thử 2"}, {"Huyện B", "An Phú"}, {"Huyện A", "Xã Thử 2"}}
	SortStable(got, func(u unit) []string { return []string{u.parent, u.name} })
	want := []unit{{"Huyện A", "Xã Thử 2"}, {"Huyện A", "Xã Thử 10"}, {"Huyện B", "An Phú"}, {"Huyện B", "Ấp Bắc"}, {"Huyện B", "Xã Thử 2"}, {"Huyện B", "Xã Thử 10"}}
	if !slices.Equal(got, want) {
		t.Errorf("sorted %q, want %q", got, want)
	}
}
