package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/png"
	"sync"
	"testing"

	"go.uber.org/goleak"
	_ "golang.org/x/image/bmp"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/decimal"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

func TestMain(m *testing.M) {
	// A stopped render must not leave the png writer's goroutines behind.
	goleak.VerifyTestMain(m)
}

func preset(t *testing.T, name string, w, h int) render.View {
	t.Helper()
	p, err := render.LookupPreset(name)
	if err != nil {
		t.Fatal(err)
	}
	p.View.Width, p.View.Height = w, h
	return p.View
}

// job is a job of v into format with the reference kernel, serial.
func job(t *testing.T, v render.View, aa int, format imageio.Format) Job {
	t.Helper()
	pal, err := render.LookupPalette("classic")
	if err != nil {
		t.Fatal(err)
	}
	return Job{View: v, AA: aa, Palette: pal, Strategy: strategies.Serial, Workers: 1, Grain: 1, Format: format}
}

// wholeImage is what imageio's whole-image encoder writes for j's view: the
// reference kernel's frame, painted at once.
func wholeImage(t *testing.T, j Job) []byte {
	t.Helper()
	r, err := render.NewRenderer(j.View, j.AA, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.RenderUnits(0, r.Units())
	canvas := (&render.Painter{Palette: j.Palette}).Canvas(r.Frame(), j.AA)
	if j.Format == imageio.PBM {
		canvas = render.BitmapCanvas(r.Frame(), j.AA)
	}
	if _, err := canvas.Task()(0, 0, j.View.Height); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := imageio.Encode(&buf, canvas.Image, j.Format); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// run runs j and returns what it wrote.
func run(t *testing.T, j Job) ([]byte, Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := Run(context.Background(), &buf, j)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), st
}

// TestStripsSameBytes: a render in strips writes the bytes of imageio's
// whole-image encoder, whatever the strip height, strategy and workers, for
// every format that streams, paletted (aa 1) and RGB (aa 2).
func TestStripsSameBytes(t *testing.T) {
	v := render.View{Width: 301, Height: 203, Center: complex(-0.75, 0.1), Scale: 2.6, MaxIter: 300}
	for _, format := range []imageio.Format{imageio.PNG, imageio.BMP, imageio.PPM, imageio.PGM, imageio.PBM} {
		for _, aa := range []int{1, 2} {
			j := job(t, v, aa, format)
			want := wholeImage(t, j)
			for _, c := range []struct {
				rows     int
				strategy string
				workers  int
			}{{0, "steal", 2}, {1, "steal", 3}, {7, "bands", 2}, {64, "serial", 1}, {64, "guided", 3}, {202, "cyclic", 2}} {
				t.Run(fmt.Sprintf("%s/aa%d/rows%d/%s/w%d", format, aa, c.rows, c.strategy, c.workers), func(t *testing.T) {
					j := j
					j.StripRows, j.Workers = c.rows, c.workers
					j.Strategy, _ = strategies.Lookup(c.strategy)
					got, st := run(t, j)
					if st.Plan.Bits {
						t.Fatal("the full view's PBM took the bit path")
					}
					rows := c.rows
					if rows == 0 { // the plan's
						rows = st.Plan.Rows
					}
					if strips := (203 + rows - 1) / rows; st.Plan.Strips != strips || st.Plan.Rows != rows {
						t.Errorf("%d strips of %d rows, want %d of %d", st.Plan.Strips, st.Plan.Rows, strips, rows)
					}
					if !bytes.Equal(got, want) {
						t.Fatalf("%d bytes differ from the whole image's %d", len(got), len(want))
					}
				})
			}
		}
	}
}

// TestStripsDecode: a png and a bmp rendered in strips decode to the
// whole-image render's pixels (the bytes are the same, so this checks the
// whole-image render too).
func TestStripsDecode(t *testing.T) {
	for _, format := range []imageio.Format{imageio.PNG, imageio.BMP} {
		t.Run(string(format), func(t *testing.T) {
			decode := func(rows int) image.Image {
				j := job(t, preset(t, "full", 301, 203), 1, format)
				j.StripRows = rows
				b, _ := run(t, j)
				m, _, err := image.Decode(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				return m
			}
			want, got := decode(0), decode(5)
			if got.Bounds() != want.Bounds() {
				t.Fatalf("bounds %v, want %v", got.Bounds(), want.Bounds())
			}
			for y := 0; y < 203; y++ {
				for x := 0; x < 301; x++ {
					if got.At(x, y) != want.At(x, y) {
						t.Fatalf("pixel (%d, %d) = %v, want %v", x, y, got.At(x, y), want.At(x, y))
					}
				}
			}
		})
	}
}

// TestWindow: the rows [Lo, Hi) of a job are those rows of the whole
// image, written as an image of their own, with the tEXt chunks asked for.
func TestWindow(t *testing.T) {
	v := preset(t, "seahorse", 41, 37)
	whole := job(t, v, 1, imageio.PNG)
	b, _ := run(t, whole)
	full, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	for _, rows := range []int{0, 4} {
		j := whole
		j.Lo, j.Hi, j.StripRows = 10, 23, rows
		j.Text = []imageio.PNGText{{Key: "mandel:rows", Value: "10-22"}}
		b, st := run(t, j)
		if !bytes.Contains(b, []byte("mandel:rows\x0010-22")) {
			t.Error("the tEXt chunk is missing")
		}
		m, _, err := image.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if m.Bounds().Dx() != 41 || m.Bounds().Dy() != 13 {
			t.Fatalf("window of %v, want 41x13", m.Bounds())
		}
		if lo, hi := j.Window(); lo != 10 || hi != 23 || st.Report.Blocks() == 0 {
			t.Errorf("window %d-%d, %d blocks", lo, hi, st.Report.Blocks())
		}
		for y := range 13 {
			for x := range 41 {
				if m.At(x, y) != full.At(x, 10+y) {
					t.Fatalf("strips of %d: pixel (%d, %d) differs from the whole image's row %d", rows, x, y, 10+y)
				}
			}
		}
	}
	j := whole
	j.Format, j.Text = imageio.PGM, []imageio.PNGText{{Key: "k", Value: "v"}}
	if _, err := Run(context.Background(), new(bytes.Buffer), j); err == nil {
		t.Error("tEXt chunks in a pgm accepted")
	}
}

// TestBitPathMatchesFramePath checks that a PBM taken by the bit path is, byte
// for byte, what the frame path writes, for every strategy and several worker
// counts and grains.
func TestBitPathMatchesFramePath(t *testing.T) {
	var views []render.View
	for _, n := range []int{1, 7, 8, 9, 17, 63, 64, 65, 200} {
		views = append(views, preset(t, "benchgame", n, n))
	}
	sea := preset(t, "seahorse", 37, 23)
	sea.MaxIter = 300
	views = append(views, sea)
	for _, v := range views {
		if !render.CanRenderBits(v, 1) {
			t.Fatalf("%+v: not a bit-path view", v)
		}
		j := job(t, v, 1, imageio.PBM)
		want := wholeImage(t, j)
		// The command's default kernel, the fastest this machine runs.
		k, err := render.LookupKernel("auto")
		if err != nil {
			t.Fatal(err)
		}
		j.Kernel = k
		t.Run(fmt.Sprintf("%dx%d", v.Width, v.Height), func(t *testing.T) {
			for _, s := range strategies.All() {
				for _, w := range []int{1, 2, 3, 7} {
					for _, g := range []int{1, 5} {
						j.Strategy, j.Workers, j.Grain = s, w, g
						got, st := run(t, j)
						if !st.Plan.Bits || st.Kernel != k.Name {
							t.Fatalf("the bit path did not run: %+v", st.Plan)
						}
						if !bytes.Equal(got, want) {
							t.Errorf("%s -w %d -g %d: output differs from the frame path's", s.Name(), w, g)
						}
					}
				}
			}
		})
	}
}

// TestBitPathOnlyWhereExact checks that PBMs the bit path cannot render
// exactly still come out right, through the frame path.
func TestBitPathOnlyWhereExact(t *testing.T) {
	full := preset(t, "full", 41, 29)
	if render.CanRenderBits(full, 1) {
		t.Fatal("the full view should need the frame path")
	}
	j := job(t, full, 1, imageio.PBM)
	got, st := run(t, j)
	if st.Plan.Bits {
		t.Error("the plan claims the bit path for the full view")
	}
	if !bytes.Equal(got, wholeImage(t, j)) {
		t.Error("the full view's PBM differs from the frame path's")
	}
}

// TestBitPathStrips checks that the bytes do not depend on the strip height:
// a strip of one row, of a few rows that do not divide the height, and the
// whole bitmap, with a static and a dynamic strategy.
func TestBitPathStrips(t *testing.T) {
	j := job(t, preset(t, "benchgame", 65, 65), 1, imageio.PBM)
	want := wholeImage(t, j)
	for _, rows := range []int{1, 7, 65} {
		for _, s := range []strategies.Strategy{strategies.Cyclic, strategies.Steal} {
			t.Run(fmt.Sprintf("%d rows/%s", rows, s.Name()), func(t *testing.T) {
				j := j
				j.StripRows, j.Strategy, j.Workers = rows, s, 3
				got, st := run(t, j)
				if st.Plan.Strips != (65+rows-1)/rows {
					t.Errorf("%d strips, want %d", st.Plan.Strips, (65+rows-1)/rows)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("output differs from the frame path's")
				}
			})
		}
	}
}

// lockedWriter counts what it is given, for a test that reads the count
// while the png writer's goroutines may write.
type lockedWriter struct {
	mu sync.Mutex
	n  int
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n += len(p)
	return len(p), nil
}

func (w *lockedWriter) written() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// TestCancel: a job whose context is cancelled during its third strip
// returns context.Canceled and writes nothing after that (the strips
// before it are written), for the frame and the bit path; a cancelled
// context renders nothing.
func TestCancel(t *testing.T) {
	for _, j := range []Job{
		job(t, preset(t, "spiral", 400, 200), 1, imageio.PNG),
		job(t, preset(t, "spiral", 400, 200), 1, imageio.PGM),
		job(t, preset(t, "benchgame", 400, 200), 1, imageio.PBM),
	} {
		t.Run(string(j.Format), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var w lockedWriter
			var once sync.Once
			atCancel := -1
			rows := 0
			var mu sync.Mutex
			j.StripRows, j.Workers, j.Strategy = 4, 2, strategies.Steal
			j.Progress = func(n int) {
				mu.Lock()
				defer mu.Unlock()
				if rows += n; rows > 8 {
					once.Do(func() { atCancel = w.written(); cancel() })
				}
			}
			_, err := Run(ctx, &w, j)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v, want context.Canceled", err)
			}
			if atCancel < 0 || w.written() != atCancel {
				t.Errorf("%d bytes written at the cancellation, %d after", atCancel, w.written())
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rendered := 0
	j := job(t, preset(t, "full", 40, 30), 1, imageio.PPM)
	j.Progress = func(n int) { rendered += n }
	if _, err := Run(ctx, new(bytes.Buffer), j); !errors.Is(err, context.Canceled) || rendered != 0 {
		t.Errorf("cancelled before the start: error %v, %d rows rendered; want context.Canceled and none", err, rendered)
	}
}

// TestRenderRows: the render stage hands the task the rows lo..hi, each
// once, and counts them to the progress hook.
func TestRenderRows(t *testing.T) {
	seen := make([]int, 30)
	var mu sync.Mutex
	progress := 0
	task := func(_, lo, hi int) (int64, error) {
		for y := lo; y < hi; y++ {
			seen[y]++ // a row belongs to one call
		}
		return int64(hi - lo), nil
	}
	rep, _, err := RenderRows(context.Background(), strategies.Steal, strategies.Options{Workers: 3}, 10, 25, task,
		func(n int) { mu.Lock(); progress += n; mu.Unlock() })
	if err != nil {
		t.Fatal(err)
	}
	for y, n := range seen {
		if want := 1; (y < 10 || y >= 25) && n != 0 || y >= 10 && y < 25 && n != want {
			t.Errorf("row %d rendered %d times", y, n)
		}
	}
	if progress != 15 || rep.Work() != 15 {
		t.Errorf("progress %d, work %d; want 15 rows", progress, rep.Work())
	}
}

// TestDeepStripsSameBytes: a view deeper than float64 renders by
// perturbation (auto), in strips, to the bytes of the whole frame painted
// at once, whatever the strip height, strategy and workers; Stats says
// so and times the reference orbit.
func TestDeepStripsSameBytes(t *testing.T) {
	parse := func(s string) decimal.Number {
		n, err := decimal.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	v := render.View{Width: 61, Height: 37, MaxIter: 4000}.WithDecimals(parse("0"), parse("1"), parse("1e-400"))
	for _, aa := range []int{1, 2} {
		j := job(t, v, aa, imageio.PNG)
		want := wholeImage(t, j)
		for _, c := range []struct {
			rows     int
			strategy string
			workers  int
		}{{0, "steal", 2}, {5, "bands", 3}, {16, "cyclic", 2}} {
			j := j
			j.StripRows, j.Workers = c.rows, c.workers
			j.Strategy, _ = strategies.Lookup(c.strategy)
			got, st := run(t, j)
			if st.Method != render.MethodPerturb || st.Deep.Orbit == 0 || st.Deep.Reference <= 0 {
				t.Errorf("aa%d %s: method %v, deep stats %+v", aa, c.strategy, st.Method, st.Deep)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("aa%d rows %d %s w%d: %d bytes differ from the whole image's %d", aa, c.rows, c.strategy, c.workers, len(got), len(want))
			}
		}
	}
}

// TestRunRefusesBadJobs: a job that cannot run is an error before a byte
// is written, never a panic (a nil Strategy, a zero view's empty window) nor
// a header with no rows behind it (workers the strategy refuses).
func TestRunRefusesBadJobs(t *testing.T) {
	base := job(t, preset(t, "full", 8, 6), 1, imageio.PNG)
	for name, mod := range map[string]func(*Job){
		"zero job":     func(j *Job) { *j = Job{} },
		"zero view":    func(j *Job) { j.View = render.View{} },
		"nil strategy": func(j *Job) { j.Strategy = nil },
		"no workers":   func(j *Job) { j.Workers = 0 },
		"workers -3":   func(j *Job) { j.Workers = -3 },
		"grain -1":     func(j *Job) { j.Grain = -1 },
		"bmp workers":  func(j *Job) { j.Format, j.Workers = imageio.BMP, 0 },
	} {
		t.Run(name, func(t *testing.T) {
			j := base
			mod(&j)
			var buf bytes.Buffer
			var err error
			func() {
				defer func() {
					if e := recover(); e != nil {
						t.Fatalf("panic: %v", e)
					}
				}()
				_, err = Run(context.Background(), &buf, j)
			}()
			if err == nil {
				t.Fatal("no error")
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes before the error %q", buf.Len(), err)
			}
		})
	}
}
