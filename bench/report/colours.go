package report

import (
	"image/color"
	"slices"

	"github.com/mandel-project/mandel/bench/picture"
	"github.com/mandel-project/mandel/strategies"
)

// strategyColour gives each strategy the same colour in every chart and in
// every sweep, whatever subset is measured: it depends only on the
// strategy's place in the catalogue, so that a strategy added to the
// catalogue gets a colour of its own with no edit here. A strategy from
// outside the catalogue, in tests, gets one from its name.
func strategyColour(st strategies.Strategy) color.RGBA {
	all := strategies.All()
	if i := slices.Index(all, st); i >= 0 {
		return paletteColour(i, len(all))
	}
	h := 0
	for _, r := range st.Name() {
		h = h*31 + int(r)
	}
	return paletteColour(h&0xffff, 1<<16)
}

// paletteColour is the colour of the i-th of n strategies: hues evenly
// spaced around the wheel from blue, so that any n stay apart, never grey
// (which the dashed grey ideal line would be mistaken for), and darker on
// every other step, so that neighbours differ in lightness too and the
// yellows stay readable on white.
func paletteColour(i, n int) color.RGBA {
	v := 0.85
	if i%2 == 1 {
		v = 0.6
	}
	return picture.HSV(mod360(205+360*float64(i)/float64(n)), 0.75, v)
}

func mod360(h float64) float64 {
	for h >= 360 {
		h -= 360
	}
	return h
}
