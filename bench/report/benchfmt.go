package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/mandel-project/mandel/bench"
)

// benchPkg is the pkg: line of bench.txt; benchstat shows it in headers.
const benchPkg = "github.com/mandel-project/mandel/bench"

// benchUnits are the custom units of bench.txt and which way is better,
// for benchstat's Unit lines; ns/op is the standard one.
var benchUnits = [][2]string{
	{"iter/s", "higher"}, {"pixels/s", "higher"}, {"imbalance", "lower"}, {"overhead-ns/op", "lower"},
}

// writeBenchfmt writes bench.txt in the Go benchmark format, one line per
// timed run so that benchstat sees the repetitions:
//
//	BenchmarkRender/scene=full/size=2816x2816/strategy=steal/workers=8-8 1 1.23456789e+08 ns/op 2.1e+08 iter/s ...
//
// The -8 suffix is GOMAXPROCS for the run (its worker count). Units are
// base units as benchstat expects (iter/s, not Giter/s), and Unit lines say
// which direction is better for the custom ones. The size is in the name
// because sweeps scale their scenes to the machine: benchstat must not
// compare a scene at two sizes as if it were one. `benchstat -col /strategy
// bench.txt` compares strategies. A /grain=G key is added only when the
// sweep measured several grains: with one, every strategy shares its rows
// with serial's (recorded at grain 1) whatever that grain is; with
// several, `benchstat -col /grain` compares them.
func (r *report) writeBenchfmt(w io.Writer) error {
	bw := benchfmt.NewWriter(w)
	for _, u := range benchUnits {
		err := bw.Write(&benchfmt.UnitMetadata{
			UnitMetadataKey: benchfmt.UnitMetadataKey{Unit: u[0], Key: "better"},
			OrigUnit:        u[0],
			Value:           u[1],
		})
		if err != nil {
			return err
		}
	}
	res := &benchfmt.Result{Config: r.benchConfig(), Iters: 1}
	wrote := false
	for _, c := range r.Configs {
		v := c.Scene.View
		pixels := float64(v.Width * v.Height)
		res.Name = benchfmt.Name(benchName(c, len(r.Env.Sweep.Grains) > 1))
		for _, smp := range c.Samples {
			secs := smp.Wall.Seconds()
			ns := float64(smp.Wall.Nanoseconds())
			res.Values = append(res.Values[:0],
				benchfmt.Value{Value: secs, Unit: "sec/op", OrigValue: ns, OrigUnit: "ns/op"},
				benchfmt.Value{Value: sig6(float64(smp.Report.Work()) / secs), Unit: "iter/s"},
				benchfmt.Value{Value: sig6(pixels / secs), Unit: "pixels/s"},
				benchfmt.Value{Value: math.Round(smp.Report.Imbalance()*1e4) / 1e4, Unit: "imbalance"},
				benchfmt.Value{Value: float64(smp.Report.Overhead().Nanoseconds()), Unit: "overhead-ns/op"},
			)
			if err := bw.Write(res); err != nil {
				return err
			}
			wrote = true
		}
	}
	if !wrote {
		// The Writer writes the configuration only before a result: a
		// sweep stopped before its first run would leave a file without
		// its machine and without "partial: true".
		for _, cfg := range res.Config {
			if _, err := fmt.Fprintf(w, "%s: %s\n", cfg.Key, cfg.Value); err != nil {
				return err
			}
		}
	}
	return nil
}

// benchConfig is the file configuration of bench.txt: the machine, the
// build and the sweep, as `go test -bench` writes its goos:, cpu: lines.
func (r *report) benchConfig() []benchfmt.Config {
	e := &r.Env
	kvs := [][2]string{
		{"goos", e.GOOS}, {"goarch", e.GOARCH}, {"pkg", benchPkg}, {"cpu", e.CPU},
		{"commit", e.Commit}, {"go", e.GoVersion}, {"kernel", e.Kernel},
		{"date", e.Started.Format("2006-01-02T15:04:05Z07:00")},
		{"logical-cpus", strconv.Itoa(e.LogicalCPUs)},
		{"effective-parallelism", fmt.Sprintf("%.2f", e.Parallelism.Effective)},
		{"seed", strconv.FormatUint(e.Sweep.Seed, 10)},
	}
	// Like partial, shortcuts is written only when set: without it the
	// workload is the classic one every earlier bench.txt measured.
	if e.Sweep.Shortcuts {
		kvs = append(kvs, [2]string{"shortcuts", "true"})
	}
	if e.RenderKernel != "" {
		kvs = append(kvs, [2]string{"render-kernel", e.RenderKernel})
	}
	if e.Partial {
		kvs = append(kvs, [2]string{"partial", "true"})
	}
	var cfg []benchfmt.Config
	for _, kv := range kvs {
		// The Writer writes values as they are: a newline would end the line.
		cfg = append(cfg, benchfmt.Config{Key: kv[0], Value: []byte(oneLine(kv[1])), File: true})
	}
	return cfg
}

// benchName is a configuration's benchmark name without the Benchmark
// prefix, GOMAXPROCS suffix included, and the grain when withGrain is set.
func benchName(c *bench.Configuration, withGrain bool) string {
	grain := ""
	if withGrain {
		grain = fmt.Sprintf("/grain=%d", c.Grain)
	}
	v := c.Scene.View
	return fmt.Sprintf("Render/scene=%s/size=%dx%d/strategy=%s/workers=%d%s-%d",
		c.Scene.Name, v.Width, v.Height, c.Strategy.Name(), c.Workers, grain, c.Workers)
}

// sig6 rounds x to 6 significant digits: the Writer prints every digit of
// a float, and the runs are not that precise.
func sig6(x float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 6, 64), 64) // reads back Inf and NaN too
	return r
}

// oneLine keeps a config value on its line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
