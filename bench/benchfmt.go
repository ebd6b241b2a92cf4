package bench

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// benchPkg is the pkg: line of bench.txt; benchstat shows it in headers.
const benchPkg = "github.com/mandel-project/mandel/bench"

// writeBenchfmt writes bench.txt in the Go benchmark format, one line per
// timed run so that benchstat sees the repetitions:
//
//	BenchmarkRender/scene=full/strategy=steal/workers=8-8 1 123456789 ns/op 2.1e+08 iter/s ...
//
// The -8 suffix is GOMAXPROCS for the run (its worker count). Units are
// base units as benchstat expects (iter/s, not Giter/s), and Unit lines say
// which direction is better for the custom ones. `benchstat -col /strategy
// bench.txt` compares strategies. A /grain=G key is added only when the
// sweep measured several grains: with one, every strategy shares its rows
// with serial's (recorded at grain 1) whatever that grain is; with
// several, `benchstat -col /grain` compares them.
func (s *sweep) writeBenchfmt(w io.Writer) error {
	e := &s.env
	bw := bufio.NewWriter(w)
	config := [][2]string{
		{"goos", e.GOOS}, {"goarch", e.GOARCH}, {"pkg", benchPkg}, {"cpu", e.CPU},
		{"commit", e.Commit}, {"go", e.GoVersion}, {"kernel", e.Kernel},
		{"date", e.Started.Format("2006-01-02T15:04:05Z07:00")},
		{"logical-cpus", strconv.Itoa(e.LogicalCPUs)},
		{"effective-parallelism", fmt.Sprintf("%.2f", e.Parallelism.Effective)},
		{"seed", strconv.FormatUint(e.Sweep.Seed, 10)},
	}
	if e.Partial {
		config = append(config, [2]string{"partial", "true"})
	}
	for _, kv := range config {
		fmt.Fprintf(bw, "%s: %s\n", kv[0], oneLine(kv[1]))
	}
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "Unit iter/s better=higher")
	fmt.Fprintln(bw, "Unit pixels/s better=higher")
	fmt.Fprintln(bw, "Unit imbalance better=lower")
	fmt.Fprintln(bw, "Unit overhead-ns/op better=lower")
	fmt.Fprintln(bw)
	for _, c := range s.configs {
		v := c.scene.View
		pixels := float64(v.Width * v.Height)
		name := benchName(c, len(s.plan.grains) > 1)
		for _, smp := range c.samples {
			secs := smp.wall.Seconds()
			fmt.Fprintf(bw, "%s 1 %d ns/op %.6g iter/s %.6g pixels/s %.4f imbalance %d overhead-ns/op\n",
				name, smp.wall.Nanoseconds(), float64(smp.report.Work())/secs, pixels/secs,
				smp.report.Imbalance(), smp.report.Overhead().Nanoseconds())
		}
	}
	return bw.Flush()
}

// benchName is a configuration's benchmark name, GOMAXPROCS suffix
// included, and the grain when withGrain is set.
func benchName(c *config, withGrain bool) string {
	grain := ""
	if withGrain {
		grain = fmt.Sprintf("/grain=%d", c.grain)
	}
	return fmt.Sprintf("BenchmarkRender/scene=%s/strategy=%s/workers=%d%s-%d",
		c.scene.Name, c.strategy.Name(), c.workers, grain, c.workers)
}

// oneLine keeps a config value on its line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
