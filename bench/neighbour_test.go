package bench

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/mandel-project/mandel/render"
)

// BenchmarkNeighbourRows measures what the model leaves out when two cores
// render neighbouring rows. Two workers render a scene's rows three ways:
// in halves of one frame, alternately into one frame (cyclic at grain 1),
// and alternately into a frame each. Each iteration runs all three, so
// that a noisy moment hits them alike, and the benchmark reports each
// way's busy time, both workers summed, per iteration: the model takes
// the three to be equal. Where alternate-one-frame costs more than
// alternate-own-frames, the rows cost more because the other core writes
// next to them, not because of their order; see docs/performance.md, "The
// model against measurement".
func BenchmarkNeighbourRows(b *testing.B) {
	kernel, err := render.LookupKernel(render.AutoKernel())
	if err != nil {
		b.Fatal(err)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	for _, name := range []string{"full", "tophalf"} {
		sc, err := lookupScene(name)
		if err != nil {
			b.Fatal(err)
		}
		newRenderer := func() *render.Renderer {
			r, err := render.NewRenderer(sc.View, 1, render.Options{Kernel: kernel})
			if err != nil {
				b.Fatal(err)
			}
			return r
		}
		shared, own0, own1 := newRenderer(), newRenderer(), newRenderer()
		n := shared.Units()
		layouts := []struct {
			metric    string
			renderers [2]*render.Renderer
			alternate bool
		}{
			{"halves-busy-ms", [2]*render.Renderer{shared, shared}, false},
			{"alternate-one-frame-busy-ms", [2]*render.Renderer{shared, shared}, true},
			{"alternate-own-frames-busy-ms", [2]*render.Renderer{own0, own1}, true},
		}
		b.Run(name, func(b *testing.B) {
			busy := make([]time.Duration, len(layouts))
			for b.Loop() {
				for i, l := range layouts {
					for _, r := range l.renderers {
						f := r.Frame()
						clear(f.Iter)
						clear(f.Mag2)
					}
					runtime.GC()
					var wg sync.WaitGroup
					var mu sync.Mutex
					for w := range 2 {
						wg.Add(1)
						go func() {
							defer wg.Done()
							r, t0 := l.renderers[w], time.Now()
							if l.alternate {
								for y := w; y < n; y += 2 {
									r.RenderUnits(y, y+1)
								}
							} else {
								r.RenderUnits(w*n/2, (w+1)*n/2)
							}
							mu.Lock()
							busy[i] += time.Since(t0)
							mu.Unlock()
						}()
					}
					wg.Wait()
				}
			}
			for i, l := range layouts {
				b.ReportMetric(busy[i].Seconds()*1e3/float64(b.N), l.metric)
			}
		})
	}
}
