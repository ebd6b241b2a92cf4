package decimal

import (
	"math/big"
	"slices"
	"testing"
)

// TestGeometric: the scales are a geometric sequence, with its ends as
// given, in both directions and past float64's range.
func TestGeometric(t *testing.T) {
	d := func(s string) Number {
		n, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, c := range []struct {
		a, b string
		n    int
		want []string
	}{
		{"4", "4e-6", 4, []string{"4", "0.04", "0.0004", "4e-06"}},
		{"1e-3", "1", 4, []string{"0.001", "0.01", "0.1", "1"}},
		{"1", "1e-1000", 3, []string{"1", "1e-500", "1e-1000"}},
		{"3", "1e-9", 1, []string{"1e-09"}},
	} {
		var got []string
		for _, s := range Geometric(d(c.a), d(c.b), c.n) {
			got = append(got, s.String())
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s to %s in %d: %q, want %q", c.a, c.b, c.n, got, c.want)
		}
	}
	// A millionth root, as --frames at its limit asks: exact to the
	// precision, from float64's start (from a power of two, Newton's
	// method took some 700,000 steps here).
	const prec, m = 256, 999_999
	q := new(big.Float).SetPrec(prec).Quo(d("1e-100").Big(prec), d("4").Big(prec))
	r := nthRoot(q, m, prec)
	back := pow(r, m, prec)
	back.Quo(back, q).Sub(back, big.NewFloat(1)).Abs(back)
	if back.Cmp(big.NewFloat(1e-60)) > 0 {
		t.Errorf("nthRoot(%s, %d)^%d is %s off q, relatively", q.Text('e', 5), m, m, back.Text('e', 3))
	}
}
