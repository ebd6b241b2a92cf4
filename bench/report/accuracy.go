package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/mandel-project/mandel/bench/model"
	"github.com/mandel-project/mandel/bench/stats"
)

// accuracy summarizes the model's errors on a group of points.
type accuracy struct {
	key       int     // the group's: a grain or a worker count; 0 for "-" and "all"
	count     int     // configurations
	medianAbs float64 // median |error|
	within10  int     // configurations whose |error| is at most 10%
	worst     model.Point
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
func byGrain(ps []model.Point) accuracyTable {
	return tabulate("grain", ps, func(p model.Point) int {
		if p.Strategy.UsesGrain() {
			return p.Grain
		}
		return 0
	})
}

// byWorkers tabulates ps by worker count.
func byWorkers(ps []model.Point) accuracyTable {
	return tabulate("workers", ps, func(p model.Point) int { return p.Workers })
}

// tabulate groups ps by key and summarizes each group, and all of ps.
func tabulate(by string, ps []model.Point, key func(model.Point) int) accuracyTable {
	groups := map[int][]model.Point{}
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
func summarizeErrors(key int, ps []model.Point) accuracy {
	a := accuracy{key: key, count: len(ps)}
	if len(ps) == 0 {
		return a
	}
	abs := make([]float64, len(ps))
	for i, p := range ps {
		abs[i] = math.Abs(p.Err())
		if abs[i] <= 0.10 {
			a.within10++
		}
		if i == 0 || abs[i] > math.Abs(a.worst.Err()) {
			a.worst = p
		}
	}
	a.medianAbs = stats.Median(abs)
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
		config := p.Scene + " " + p.Strategy.Name()
		if p.Strategy.UsesGrain() {
			config += ", grain " + strconv.Itoa(p.Grain)
		}
		workers := strconv.Itoa(p.Workers) + " workers"
		if p.Workers == 1 {
			workers = "1 worker"
		}
		fmt.Fprintf(bw, "| %s | %d | %.1f%% | %d (%.0f%%) | %+.1f%% | %s, %s |\n",
			name, x.count, 100*x.medianAbs, x.within10, 100*float64(x.within10)/float64(x.count),
			100*p.Err(), config, workers)
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
