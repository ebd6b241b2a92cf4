package render_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

func frameBytes(f *render.Frame) []byte {
	var buf bytes.Buffer
	binary.Write(&buf, binary.LittleEndian, f.Iter)
	binary.Write(&buf, binary.LittleEndian, f.Mag2)
	return buf.Bytes()
}

func renderWith(t *testing.T, s strategies.Strategy, v render.View, aa, workers, grain int) []byte {
	t.Helper()
	r, err := render.NewRenderer(v, aa)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Run(context.Background(), r.Units(), strategies.Options{Workers: workers, Grain: grain}, r.Task(context.Background()))
	if err != nil {
		t.Fatalf("%s: %v", s.Name(), err)
	}
	var counted int64
	for _, n := range r.Frame().Iter {
		counted += int64(n)
	}
	if rep.Work() != counted {
		t.Fatalf("%s: report says %d iterations, frame holds %d", s.Name(), rep.Work(), counted)
	}
	return frameBytes(r.Frame())
}

// TestEveryStrategyRendersTheSameFrame is the determinism contract: the
// frame, byte for byte, does not depend on the strategy or the worker count.
func TestEveryStrategyRendersTheSameFrame(t *testing.T) {
	sizes := [][2]int{{1, 1}, {13, 7}, {31, 3}, {2, 17}, {61, 41}}
	for _, size := range sizes {
		for _, aa := range []int{1, 2} {
			v := render.View{Width: size[0], Height: size[1], Center: complex(-0.75, 0.1), Scale: 2.5, MaxIter: 200}
			want := renderWith(t, strategies.Serial, v, aa, 1, 1)
			for _, s := range strategies.All() {
				for _, w := range []int{1, 2, 3, 8} {
					for _, g := range []int{1, 4} {
						name := fmt.Sprintf("%dx%d/aa%d/%s/w%d/g%d", size[0], size[1], aa, s.Name(), w, g)
						if got := renderWith(t, s, v, aa, w, g); !bytes.Equal(got, want) {
							t.Errorf("%s: frame differs from serial's", name)
						}
					}
				}
			}
		}
	}
}
