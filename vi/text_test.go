package vi

import (
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
