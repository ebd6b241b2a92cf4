package bench

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/mandel-project/mandel/strategies"
)

// modelPoint is a configuration whose time the model predicted and the
// sweep measured, by running it or by emulating it; times in seconds.
type modelPoint struct {
	scene               string
	strategy            strategies.Strategy
	grain, workers      int
	measured, predicted float64
}

// err is the model's error on p: predicted / measured - 1, negative where
// the model is too fast.
func (p modelPoint) err() float64 { return p.predicted/p.measured - 1 }

// accuracy summarizes the model's errors on a group of points.
type accuracy struct {
	key       int     // the group's: a grain or a worker count; 0 for "-" and "all"
	count     int     // configurations
	medianAbs float64 // median |error|
	within10  int     // configurations whose |error| is at most 10%
	worst     modelPoint
}

// accuracyTable is the model's accuracy on some points, a row per group and
// a last one over all of them.
type accuracyTable struct {
	by   string     // what the groups are, the first column's heading
	rows []accuracy // in increasing key, then the key 0 ("-")
	all  accuracy
}

// byGrain tabulates ps by grain. A strategy without a grain is measured at
// grain 1 but counted apart, as "-": its schedule is the same at every
// grain, and mixing it into grain 1 would make that grain look better or
// worse for a reason that is not the grain's.
func byGrain(ps []modelPoint) accuracyTable {
	return tabulate("grain", ps, func(p modelPoint) int {
		if p.strategy.UsesGrain() {
			return p.grain
		}
		return 0
	})
}

// byWorkers tabulates ps by worker count.
func byWorkers(ps []modelPoint) accuracyTable {
	return tabulate("workers", ps, func(p modelPoint) int { return p.workers })
}

// tabulate groups ps by key and summarizes each group, and all of ps.
func tabulate(by string, ps []modelPoint, key func(modelPoint) int) accuracyTable {
	groups := map[int][]modelPoint{}
	var keys []int
	for _, p := range ps {
		k := key(p)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], p)
	}
	slices.Sort(keys)
	if len(keys) > 0 && keys[0] == 0 {
		keys = append(keys[1:], 0)
	}
	t := accuracyTable{by: by, all: summarizeErrors(0, ps)}
	for _, k := range keys {
		t.rows = append(t.rows, summarizeErrors(k, groups[k]))
	}
	return t
}

// summarizeErrors summarizes the errors of ps, the group key's.
func summarizeErrors(key int, ps []modelPoint) accuracy {
	a := accuracy{key: key, count: len(ps)}
	if len(ps) == 0 {
		return a
	}
	abs := make([]float64, len(ps))
	for i, p := range ps {
		abs[i] = math.Abs(p.err())
		if abs[i] <= 0.10 {
			a.within10++
		}
		if i == 0 || abs[i] > math.Abs(a.worst.err()) {
			a.worst = p
		}
	}
	a.medianAbs = median(abs)
	return a
}

// writeMarkdown writes t as a Markdown table, a row per group (key "-":
// the strategies without a grain) and a last row over all configurations.
func (t accuracyTable) writeMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "| %s | configurations | median \\|error\\| | within 10%% | worst error | worst configuration |\n", t.by)
	bw.WriteString("|--:|--:|--:|--:|--:|---|\n")
	row := func(name string, x accuracy) {
		if x.count == 0 {
			fmt.Fprintf(bw, "| %s | 0 | n/a | n/a | n/a | n/a |\n", name)
			return
		}
		p := x.worst
		config := p.scene + " " + p.strategy.Name()
		if p.strategy.UsesGrain() {
			config += ", grain " + strconv.Itoa(p.grain)
		}
		workers := strconv.Itoa(p.workers) + " workers"
		if p.workers == 1 {
			workers = "1 worker"
		}
		fmt.Fprintf(bw, "| %s | %d | %.1f%% | %d (%.0f%%) | %+.1f%% | %s, %s |\n",
			name, x.count, 100*x.medianAbs, x.within10, 100*float64(x.within10)/float64(x.count),
			100*p.err(), config, workers)
	}
	for _, x := range t.rows {
		name := "-"
		if x.key > 0 {
			name = strconv.Itoa(x.key)
		}
		row(name, x)
	}
	row("all", t.all)
	return bw.Flush()
}
