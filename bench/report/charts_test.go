package report

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/bench"
)

// tinySweep measures tinyConfig with two grains, enough runs for CIs and
// the model's costs (--simulate 1,2: no emulation), and returns it as a
// report that has not been written.
func tinySweep(t *testing.T, scenes ...string) *report {
	t.Helper()
	cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
	if len(scenes) > 0 {
		cfg.Scenes = scenes
	}
	cfg.Grains = []int{1, 4}
	cfg.Reps = 6
	cfg.Simulate = []int{1, 2}
	res, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &report{res}
}

// makeClean and makeNoisy set what the stamp reads, so that the test does
// not depend on how busy the machine is.
func makeClean(r *report) {
	r.Env.Partial = false
	r.Env.Parallelism.Goroutines, r.Env.Parallelism.Effective = 2, 2
	for i := range r.Summaries {
		r.Summaries[i].Noisy = false
	}
}

func makeNoisy(r *report) {
	makeClean(r)
	r.Env.Parallelism.Effective = 1.1
}

// checkChart checks that base.png is at least 1600 pixels wide and that
// base.svg is well-formed XML, and returns the SVG.
func checkChart(t *testing.T, base string) []byte {
	t.Helper()
	b, err := os.ReadFile(base + ".png")
	if err != nil {
		t.Error(err)
		return nil
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width < 1600 {
		t.Errorf("%s.png: %dx%d, %v; want at least 1600 wide", base, cfg.Width, cfg.Height, err)
	}
	svg, err := os.ReadFile(base + ".svg")
	if err != nil {
		t.Error(err)
		return nil
	}
	d := xml.NewDecoder(bytes.NewReader(svg))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Errorf("%s.svg: %v", base, err)
			break
		}
	}
	return svg
}

// withFullSizeCharts draws the test's charts at the real resolution.
func withFullSizeCharts(t *testing.T) {
	prev := pngDPI
	pngDPI = 160
	t.Cleanup(func() { pngDPI = prev })
}

func TestChartsPublishable(t *testing.T) {
	withFullSizeCharts(t)
	// One scene: drawing 1600-pixel charts is slow under the race detector.
	r := tinySweep(t, "tophalf")
	makeClean(r)
	errs := append(r.charts(), r.timelines()...)
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	var bases []string
	for _, scene := range []string{"tophalf"} {
		for _, ch := range []string{"speedup", "efficiency", "times", "busy", "grain"} {
			bases = append(bases, "charts/"+ch+"-"+scene)
		}
		bases = append(bases, "pictures/"+scene+"/timeline-steal")
	}
	bases = append(bases, "charts/heatmap", "charts/claims", "charts/model-vs-measured")
	for _, b := range bases {
		svg := checkChart(t, r.path(b))
		if bytes.Contains(svg, []byte(">NOISY")) || bytes.Contains(svg, []byte(">PARTIAL")) {
			t.Errorf("%s of a clean run has a stamp", b)
		}
		// Every chart names the machine and the build.
		if !bytes.Contains(svg, []byte("Commit test")) || !bytes.Contains(svg, []byte("Kernel ")) {
			t.Errorf("%s: the caption lacks the commit or the kernel", b)
		}
	}

	makeNoisy(r)
	if word, why := r.stamp(); word != "NOISY" || !strings.Contains(why, "effective parallelism 1.10") {
		t.Errorf("stamp %q (%s), want NOISY for parallelism 1.1 at 2 workers", word, why)
	}
	f, err := r.heatmap()
	if err != nil || f == nil {
		t.Fatalf("heatmap: %v", err)
	}
	if err := f.save(r.path("charts", "noisy")); err != nil {
		t.Fatal(err)
	}
	if svg := checkChart(t, r.path("charts", "noisy")); !bytes.Contains(svg, []byte(">NOISY</text>")) {
		t.Error("the heatmap of a noisy run has no NOISY stamp")
	}

	makeClean(r)
	for i := range r.Summaries[:len(r.Summaries)/2] {
		r.Summaries[i].Noisy = true // half the configurations: more than noisyShare
	}
	r.Env.Partial, r.Env.Error = true, "interrupted"
	if word, why := r.stamp(); word != "PARTIAL, NOISY" || !strings.Contains(why, "configurations have CV above 5%") {
		t.Errorf("stamp %q (%s), want PARTIAL, NOISY", word, why)
	}
}

func TestLogTicks(t *testing.T) {
	labels := func(ts []string) string { return strings.Join(ts, " ") }
	var got []string
	for _, tk := range (logTicks{}).Ticks(3, 300) {
		if tk.Label != "" {
			got = append(got, tk.Label)
		}
	}
	if labels(got) != "5 10 20 50 100 200" {
		t.Errorf("logTicks(3, 300) labels %v", got)
	}
	got = got[:0]
	for _, tk := range (log2Ticks{}).Ticks(0.3, 9) {
		got = append(got, tk.Label)
	}
	if labels(got) != "0.5 1 2 4 8" {
		t.Errorf("log2Ticks(0.3, 9) labels %v", got)
	}
	got = got[:0]
	for _, tk := range (log2Ticks{}).Ticks(0.3, 1.4) {
		if tk.Label != "" {
			got = append(got, tk.Label)
		}
	}
	if labels(got) != "0.3 0.4 0.5 0.6 0.7 0.8 0.9 1" {
		t.Errorf("log2Ticks(0.3, 1.4) labels %v", got)
	}
}

// report.md puts the warnings first, then the machine, the rankings and
// the charts that exist, each with a caption computed from the numbers.
func TestReportMarkdown(t *testing.T) {
	r := tinySweep(t)
	makeNoisy(r)
	r.Result.Warnings = []string{"a warning from the sweep"}
	if err := errors.Join(r.charts()...); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.writeStory(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	order := []string{"## Warnings", "**NOISY**: effective parallelism 1.10", "a warning from the sweep",
		"## Machine and method", "## Ranking per scene", "### full, 2 workers", "| rank | strategy |", "## Charts",
		"![speedup by scene and strategy](charts/heatmap.png)", "![speedup on full](charts/speedup-full.png)"}
	at := 0
	for _, want := range order {
		i := strings.Index(md[at:], want)
		if i < 0 {
			t.Fatalf("report.md lacks %q after byte %d:\n%s", want, at, md)
		}
		at += i + len(want)
	}
	// The caption of the speedup chart names the fastest of the ranking.
	rk := atLargestWorkers(r.rankings())[0]
	if want := "at 2 workers " + rk.Entries[0].Label + " is fastest"; !strings.Contains(md, want) {
		t.Errorf("report.md lacks %q", want)
	}
	for _, ch := range []string{"charts/claims.png", "charts/model-vs-measured.png", "charts/grain-tophalf.png"} {
		if !strings.Contains(md, "]("+ch+")") {
			t.Errorf("report.md does not embed %s", ch)
		}
	}
	// A chart that was not written is not embedded.
	if strings.Contains(md, "charts/emulated-") {
		t.Error("report.md embeds the emulated chart of a sweep that emulated nothing")
	}

	makeClean(r)
	r.Result.Warnings, r.Env.Warnings = nil, nil
	b.Reset()
	if err := r.writeStory(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "## Warnings\n\nNone:") {
		t.Errorf("a clean run's report.md:\n%s", b.String())
	}
}

func TestRunsWords(t *testing.T) {
	r := &report{&bench.Result{}}
	r.Env.Sweep.Reps = 10
	if got := r.runsWords(); got != "10 runs" {
		t.Errorf("no summaries: %q", got)
	}
	r.Summaries = []bench.Summary{{Runs: 12}, {Runs: 10}, {Runs: 14}}
	if got := r.runsWords(); got != "10-14 runs" {
		t.Errorf("10, 12 and 14 runs: %q", got)
	}
	r.Summaries = []bench.Summary{{Runs: 1}}
	if got := r.runsWords(); got != "1 run" {
		t.Errorf("one run: %q", got)
	}
}

// A sweep of strategies without a grain has no grain chart, even with
// several grains listed (the default): it would hold reference lines alone.
func TestNoGrainChartWithoutGrains(t *testing.T) {
	cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
	cfg.Scenes, cfg.Strategies, cfg.Grains = []string{"tophalf"}, []string{"bands"}, []int{1, 4}
	res, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := &report{res}
	if p, err := r.grainChart("tophalf", r.Summaries); p != nil || err != nil {
		t.Errorf("grainChart drew a chart: %v (error %v); want none", p != nil, err)
	}
}
