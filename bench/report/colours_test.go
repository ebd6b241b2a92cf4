package report

import (
	"image/color"
	"testing"

	"github.com/mandel-project/mandel/strategies"
)

func TestStrategyColours(t *testing.T) {
	seen := map[color.RGBA]string{}
	for _, st := range strategies.All() {
		c := strategyColour(st)
		if c.R == c.G && c.G == c.B {
			t.Errorf("%s is grey %v, like the ideal line", st.Name(), c)
		}
		if other, ok := seen[c]; ok {
			t.Errorf("%s and %s share the colour %v", st.Name(), other, c)
		}
		seen[c] = st.Name()
	}
	// A strategy outside the catalogue gets a colour from its name, the
	// same in every chart.
	w := wrong{name: "late", inner: strategies.Atomic}
	if strategyColour(w) != strategyColour(wrong{name: "late"}) {
		t.Error("a strategy outside the catalogue changed colour")
	}
}

// TestPaletteGrows checks that a catalogue of any size up to 32 gives each
// strategy a colour of its own, never grey, so that a strategy added to
// the catalogue needs no edit of the charts.
func TestPaletteGrows(t *testing.T) {
	for n := 1; n <= 32; n++ {
		seen := map[color.RGBA]int{}
		for i := range n {
			c := paletteColour(i, n)
			if c.R == c.G && c.G == c.B {
				t.Errorf("strategy %d of %d is grey %v", i, n, c)
			}
			if j, ok := seen[c]; ok {
				t.Errorf("strategies %d and %d of %d share the colour %v", j, i, n, c)
			}
			seen[c] = i
		}
	}
}
