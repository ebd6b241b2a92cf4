package bench

import "testing"

// Times are written in plain notation with three significant digits, the
// unit chosen after rounding: %.3g alone wrote 999.7 µs as "1e+03 µs" in
// summary.md, rankings.md and report.md.
func TestFormatSeconds(t *testing.T) {
	for _, c := range []struct {
		s    float64
		want string
	}{
		{0.0123456, "12.3 ms"},
		{0.0009994, "999 µs"},
		{0.0009997, "1 ms"},
		{0.99996, "1 s"},
		{2.5e-6, "2.5 µs"},
		{1234.5, "1234 s"},
	} {
		if got := FormatSeconds(c.s); got != c.want {
			t.Errorf("FormatSeconds(%g) = %q, want %q", c.s, got, c.want)
		}
	}
	if got, want := durationRange(0.00095, 0.0009997), "0.95-1 ms"; got != want {
		t.Errorf("durationRange = %q, want %q", got, want)
	}
}
