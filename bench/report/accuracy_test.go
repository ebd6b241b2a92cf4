package report

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/bench/model"
	"github.com/mandel-project/mandel/strategies"
)

// TestByGrain checks the accuracy of hand-made points: the
// medians of odd and even counts, the count within 10%, the worst error
// whatever its sign, and the strategies without a grain counted apart.
func TestByGrain(t *testing.T) {
	at := func(strategy strategies.Strategy, grain, workers int, err float64) model.Point {
		return model.Point{Scene: "s", Strategy: strategy, Grain: grain, Workers: workers, Measured: 2, Predicted: 2 * (1 + err)}
	}
	rs := []model.Point{
		at(strategies.Steal, 1, 4, 0.05), at(strategies.Steal, 1, 8, -0.20), at(strategies.Guided, 1, 4, 0.01),
		at(strategies.Bands, 1, 4, 0.30),
		at(strategies.Steal, 4, 4, 0.08), at(strategies.Guided, 4, 8, -0.12),
	}
	got := byGrain(rs)
	type want struct {
		key       int
		count     int
		medianAbs float64
		within10  int
		worst     model.Point
	}
	check := func(t *testing.T, a accuracy, w want) {
		t.Helper()
		if a.key != w.key || a.count != w.count || math.Abs(a.medianAbs-w.medianAbs) > 1e-9 || a.within10 != w.within10 || a.worst != w.worst {
			t.Errorf("key %d, %d configurations, median |error| %g, %d within 10%%, worst %+v; want key %d, %d, %g, %d, %+v",
				a.key, a.count, a.medianAbs, a.within10, a.worst, w.key, w.count, w.medianAbs, w.within10, w.worst)
		}
	}
	wants := []want{
		{1, 3, 0.05, 2, rs[1]},
		{4, 2, 0.10, 1, rs[5]},
		{0, 1, 0.30, 0, rs[3]},
	}
	if len(got.rows) != len(wants) {
		t.Fatalf("%d rows, want %d", len(got.rows), len(wants))
	}
	for i, w := range wants {
		t.Run("grain "+strconv.Itoa(w.key), func(t *testing.T) { check(t, got.rows[i], w) })
	}
	// |errors| 0.01 0.05 0.08 0.12 0.20 0.30: the median is between the
	// third and the fourth.
	t.Run("all", func(t *testing.T) { check(t, got.all, want{0, 6, 0.10, 3, rs[3]}) })

	var b strings.Builder
	if err := got.writeMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	wantLines := []string{
		"| grain | configurations | median \\|error\\| | within 10% | worst error | worst configuration |",
		"|--:|--:|--:|--:|--:|---|",
		"| 1 | 3 | 5.0% | 2 (67%) | -20.0% | s steal, grain 1, 8 workers |",
		"| 4 | 2 | 10.0% | 1 (50%) | -12.0% | s guided, grain 4, 8 workers |",
		"| - | 1 | 30.0% | 0 (0%) | +30.0% | s bands, 4 workers |",
		"| all | 6 | 10.0% | 3 (50%) | +30.0% | s bands, 4 workers |",
	}
	if !slices.Equal(lines, wantLines) {
		t.Errorf("markdown:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(wantLines, "\n"))
	}
}

// TestAccuracyEmpty checks the table of no points: one row, all n/a.
func TestAccuracyEmpty(t *testing.T) {
	var b strings.Builder
	if err := byGrain(nil).writeMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(b.String(), "| all | 0 | n/a | n/a | n/a | n/a |\n") {
		t.Errorf("markdown of no points:\n%s", b.String())
	}
}

// TestByWorkers checks the grouping by worker count and the table's
// heading.
func TestByWorkers(t *testing.T) {
	at := func(workers int, err float64) model.Point {
		return model.Point{Scene: "s", Strategy: strategies.Atomic, Grain: 1, Workers: workers, Measured: 1, Predicted: 1 + err}
	}
	got := byWorkers([]model.Point{at(2, -0.3), at(1, 0.01), at(2, 0.02), at(1, -0.02)})
	if len(got.rows) != 2 || got.rows[0].key != 1 || got.rows[1].key != 2 || got.rows[0].count != 2 ||
		got.rows[1].within10 != 1 || got.all.count != 4 || got.all.worst.Workers != 2 {
		t.Errorf("byWorkers: %+v", got)
	}
	var b strings.Builder
	got.writeMarkdown(&b)
	if !strings.HasPrefix(b.String(), "| workers | configurations |") {
		t.Errorf("markdown heading:\n%s", b.String())
	}
}
