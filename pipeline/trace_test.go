package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime/trace"
	"strconv"
	"testing"

	xtrace "golang.org/x/exp/trace"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/strategies"
)

// traced runs f while recording an execution trace and returns the trace.
// No test of the package runs in parallel, so the trace holds f's regions
// only.
func traced(t *testing.T, f func()) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		t.Fatal(err)
	}
	f()
	trace.Stop()
	return buf.Bytes()
}

// userEvents parses a trace with golang.org/x/exp/trace (the parser of
// `go tool trace`) and returns the names of its tasks and regions, in order
// of their beginnings, and the number of regions begun but not ended.
func userEvents(t *testing.T, data []byte) (tasks, regions []string, open int) {
	t.Helper()
	r, err := xtrace.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the trace does not parse: %v", err)
	}
	for {
		ev, err := r.ReadEvent()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the trace does not parse: %v", err)
		}
		switch ev.Kind() {
		case xtrace.EventTaskBegin:
			tasks = append(tasks, ev.Task().Type)
		case xtrace.EventRegionBegin:
			regions = append(regions, ev.Region().Type)
			open++
		case xtrace.EventRegionEnd:
			open--
		}
	}
	return tasks, regions, open
}

var blockRegion = regexp.MustCompile(`^(\w+) w(\d+) rows (\d+)-(\d+)$`)

// TestTraceRegionPerBlock: in a trace of a render in strips, every block the
// strategy handed out is a region named by strategy, worker and rows, the
// blocks cover each row once, each strip is a task and a region, and every
// region ends.
func TestTraceRegionPerBlock(t *testing.T) {
	const height, strip, workers = 48, 16, 2
	j := job(t, preset(t, "full", 40, height), 1, imageio.PGM)
	j.Strategy, j.Workers, j.Grain, j.StripRows = strategies.Steal, workers, 3, strip
	var st Stats
	data := traced(t, func() {
		var err error
		st, err = Run(context.Background(), io.Discard, j)
		if err != nil {
			t.Error(err)
		}
	})
	tasks, regions, open := userEvents(t, data)
	if open != 0 {
		t.Errorf("%d regions begin but do not end", open)
	}
	var wantTasks []string
	strips := map[string]bool{}
	for y := 0; y < height; y += strip {
		wantTasks = append(wantTasks, fmt.Sprintf("steal rows %d-%d", y, y+strip-1))
		strips[fmt.Sprintf("strip rows %d-%d", y, y+strip-1)] = false
	}
	if fmt.Sprint(tasks) != fmt.Sprint(wantTasks) {
		t.Errorf("tasks %q, want one per strip: %q", tasks, wantTasks)
	}
	rows := make([]int, height)
	blocks := 0
	for _, name := range regions {
		if _, ok := strips[name]; ok {
			strips[name] = true
			continue
		}
		if name == "paint" || name == "write" {
			continue
		}
		m := blockRegion.FindStringSubmatch(name)
		if m == nil {
			t.Errorf("region %q is neither a strip, a step nor a block", name)
			continue
		}
		w, _ := strconv.Atoi(m[2])
		lo, _ := strconv.Atoi(m[3])
		hi, _ := strconv.Atoi(m[4])
		if m[1] != "steal" || w >= workers || lo > hi || hi >= height {
			t.Errorf("block region %q: want steal, a worker below %d, rows within 0-%d", name, workers, height-1)
			continue
		}
		blocks++
		for y := lo; y <= hi; y++ {
			rows[y]++
		}
	}
	for y, n := range rows {
		if n != 1 {
			t.Errorf("row %d is in %d block regions, want 1", y, n)
		}
	}
	if blocks != st.Report.Blocks() {
		t.Errorf("%d block regions, the report counts %d blocks", blocks, st.Report.Blocks())
	}
	for name, seen := range strips {
		if !seen {
			t.Errorf("no region %q", name)
		}
	}
}

// BenchmarkRenderRows measures the render stage's cost per block over a
// task that does nothing, against the strategy alone: without a trace
// running, the two must be the same (RenderRows checks for one once per
// call); with one, it is the price of a region per block.
func BenchmarkRenderRows(b *testing.B) {
	const rows = 1024
	task := func(_, lo, hi int) (int64, error) { return int64(hi - lo), nil }
	opts := strategies.Options{Workers: 2}
	perBlock := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/block")
	}
	b.Run("strategy", func(b *testing.B) {
		for b.Loop() {
			if _, err := strategies.Atomic.Run(context.Background(), rows, opts, task); err != nil {
				b.Fatal(err)
			}
		}
		perBlock(b)
	})
	b.Run("untraced", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := RenderRows(context.Background(), strategies.Atomic, opts, 0, rows, task, nil); err != nil {
				b.Fatal(err)
			}
		}
		perBlock(b)
	})
	b.Run("traced", func(b *testing.B) {
		if err := trace.Start(io.Discard); err != nil {
			b.Fatal(err)
		}
		defer trace.Stop()
		for b.Loop() {
			if _, _, err := RenderRows(context.Background(), strategies.Atomic, opts, 0, rows, task, nil); err != nil {
				b.Fatal(err)
			}
		}
		perBlock(b)
	})
}
