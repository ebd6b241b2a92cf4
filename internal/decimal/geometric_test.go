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

// TestSequenceAsMultipliedOut: each number, computed on its own, is the
// one that multiplying by the ratio frame after frame and printing with
// big.Float's Text gives, as mandel zoom's scales were made before (a
// resumed zoom must find its frames' scales again); and the deep ends of
// a long zoom cost no more than its shallow ones.
func TestSequenceAsMultipliedOut(t *testing.T) {
	for _, c := range []struct {
		a, b string
		n    int
	}{
		{"4", "1e-30", 4}, {"4", "1e-300", 1000}, {"1e-3", "7", 333}, {"4", "2e-48", 720}, {"3.5", "1e-2000", 50},
	} {
		a, b := mustParse(t, c.a), mustParse(t, c.b)
		seq := NewSequence(a, b, c.n)
		s := a.Big(geometricPrec)
		for k := range c.n {
			if k > 0 {
				s.Mul(s, seq.r)
			}
			want := mustParse(t, s.Text('e', 9))
			if k == 0 || k == c.n-1 {
				want = []Number{a, b}[min(k, 1)]
			}
			if got := seq.At(k); got.Cmp(want) != 0 {
				t.Errorf("%s to %s in %d: number %d is %s, want %s", c.a, c.b, c.n, k, got, want)
			}
		}
	}
	// A million frames to 1e-10000: the numbers next to the deep end, as
	// Text prints them (12 ms each), from a few multiplications.
	a, b := mustParse(t, "4"), mustParse(t, "1e-10000")
	seq := NewSequence(a, b, 1_000_000)
	for _, k := range []int{999_998, 500_000} {
		x := pow(seq.r, k, geometricPrec)
		x.Mul(x, seq.aBig)
		if got, want := seq.At(k), mustParse(t, x.Text('e', 9)); got.Cmp(want) != 0 {
			t.Errorf("number %d of a million to 1e-10000: %s, want %s", k, got, want)
		}
	}
}

func mustParse(t *testing.T, s string) Number {
	t.Helper()
	n, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
