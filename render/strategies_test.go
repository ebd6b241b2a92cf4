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

// renderWith renders v with strategy s and returns the frame's bytes. The
// report must count the iterations the frame holds: a strategy that ran a
// row twice would count it twice.
func renderWith(s strategies.Strategy, v render.View, aa, workers, grain int) ([]byte, error) {
	r, err := render.NewRenderer(v, aa, render.Options{})
	if err != nil {
		return nil, err
	}
	rep, err := s.Run(context.Background(), r.Units(), strategies.Options{Workers: workers, Grain: grain}, r.Task(context.Background()))
	if err != nil {
		return nil, err
	}
	var counted int64
	for _, n := range r.Frame().Iter {
		counted += int64(n)
	}
	if rep.Work() != counted {
		return nil, fmt.Errorf("report says %d iterations, frame holds %d", rep.Work(), counted)
	}
	return frameBytes(r.Frame()), nil
}

// TestEveryStrategyRendersTheSameFrame is the determinism contract: the
// frame, byte for byte, does not depend on the strategy or the worker count.
// Each strategy is a subtest, so one that fails does not hide the others and
// `go test -run 'TestEveryStrategyRendersTheSameFrame/steal'` runs one.
func TestEveryStrategyRendersTheSameFrame(t *testing.T) {
	sizes := [][2]int{{1, 1}, {13, 7}, {31, 3}, {2, 17}, {61, 41}}
	type reference struct {
		name string
		view render.View
		aa   int
		want []byte
	}
	var refs []reference
	for _, size := range sizes {
		for _, aa := range []int{1, 2} {
			v := render.View{Width: size[0], Height: size[1], Center: complex(-0.75, 0.1), Scale: 2.5, MaxIter: 200}
			want, err := renderWith(strategies.Serial, v, aa, 1, 1)
			if err != nil {
				t.Fatal(err)
			}
			refs = append(refs, reference{fmt.Sprintf("%dx%d/aa%d", size[0], size[1], aa), v, aa, want})
		}
	}
	for _, s := range strategies.All() {
		t.Run(s.Name(), func(t *testing.T) {
			for _, ref := range refs {
				for _, w := range []int{1, 2, 3, 8} {
					for _, g := range []int{1, 4} {
						name := fmt.Sprintf("%s/w%d/g%d", ref.name, w, g)
						got, err := renderWith(s, ref.view, ref.aa, w, g)
						switch {
						case err != nil:
							t.Errorf("%s: %v", name, err)
						case !bytes.Equal(got, ref.want):
							t.Errorf("%s: frame differs from serial's", name)
						}
					}
				}
			}
		})
	}
}
