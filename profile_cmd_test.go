package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
	xtrace "golang.org/x/exp/trace"
)

// traceRegions parses the trace file at path with golang.org/x/exp/trace
// (the parser of `go tool trace`) and returns its regions' names.
func traceRegions(t *testing.T, path string) []string {
	t.Helper()
	return traceNames(t, path, xtrace.EventRegionBegin)
}

// traceNames returns the names of the regions (xtrace.EventRegionBegin)
// or tasks (xtrace.EventTaskBegin) of the trace file at path.
func traceNames(t *testing.T, path string, kind xtrace.EventKind) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := xtrace.NewReader(f)
	if err != nil {
		t.Fatalf("%s does not parse as a trace: %v", path, err)
	}
	var names []string
	for {
		ev, err := r.ReadEvent()
		if errors.Is(err, io.EOF) {
			return names
		}
		if err != nil {
			t.Fatalf("%s does not parse as a trace: %v", path, err)
		}
		switch {
		case ev.Kind() != kind:
		case kind == xtrace.EventRegionBegin:
			names = append(names, ev.Region().Type)
		case kind == xtrace.EventTaskBegin:
			names = append(names, ev.Task().Type)
		}
	}
}

// TestTraceAndProfile: --trace writes a trace with a region for every block
// of the render, and --cpuprofile a profile with samples in the kernel. The
// render is the scalar kernel's, without shortcuts, for about 0.2 s of CPU
// on this machine: enough for some of the profiler's samples at 100 a
// second to land in render.Scalar.
func TestTraceAndProfile(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := mandel(t, dir, "--trace", "DIR/t.out", "--cpuprofile", "DIR/cpu.out", "-s", "cyclic", "-w", "2",
		"--kernel", "scalar", "--shortcuts=false", "--size", "768", "--format", "pgm", "DIR/o.pgm")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	block := regexp.MustCompile(`^cyclic w[01] rows (\d+)-(\d+)$`)
	blocks := 0
	for _, name := range traceRegions(t, filepath.Join(dir, "t.out")) {
		if m := block.FindStringSubmatch(name); m != nil {
			blocks++
			if m[1] != m[2] {
				t.Errorf("region %q: cyclic at grain 1 hands out one row at a time", name)
			}
		}
	}
	if blocks != 768 {
		t.Errorf("the trace has %d block regions, want one per row, 768", blocks)
	}

	f, err := os.Open(filepath.Join(dir, "cpu.out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		t.Fatalf("the CPU profile does not parse: %v", err)
	}
	inKernel := 0
	for _, s := range p.Sample {
		if len(s.Location) > 0 && inFunction(s.Location[0], "github.com/mandel-project/mandel/render.Scalar") {
			inKernel++
		}
	}
	if inKernel == 0 {
		t.Errorf("none of the profile's %d samples is in render.Scalar", len(p.Sample))
	}
}

// inFunction reports whether loc is in fn, or in a function inlined into it.
func inFunction(loc *profile.Location, fn string) bool {
	for _, l := range loc.Line {
		if l.Function != nil && l.Function.Name == fn {
			return true
		}
	}
	return false
}

// TestTraceFailures: a trace file that cannot be created fails at once, in
// one line, before any output; a render that fails keeps no trace or
// profile, as it keeps no image.
func TestTraceFailures(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"trace in a missing directory", []string{"--trace", "DIR/no/t.out", "--size", "8", "DIR/o.png"}, "mandel: trace: create \"DIR/no/t.out\": no such file or directory\n"},
		{"profile in a missing directory", []string{"--trace", "DIR/t.out", "--cpuprofile", "DIR/no/p.out", "--size", "8", "DIR/o.png"}, "mandel: cpu profile: create \"DIR/no/p.out\": no such file or directory\n"},
		{"output in a missing directory", []string{"--trace", "DIR/t.out", "--cpuprofile", "DIR/p.out", "--size", "8", "DIR/no/o.png"}, "mandel: create \"DIR/no/o.png\": no such file or directory\n"},
	} {
		code, stdout, stderr := mandel(t, dir, tc.args...)
		if code != exitFailure || stdout != "" || stderr != tc.want {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 1 and %q", tc.name, code, stdout, stderr, tc.want)
		}
	}
	if files := dirEntries(t, dir); len(files) != 0 {
		t.Errorf("failures left files behind: %v", files)
	}
}

// TestTraceFlagValues: --trace and --cpuprofile want a file name, on both
// commands.
func TestTraceFlagValues(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--trace=", "DIR/o.png"}, "mandel: --trace is empty; want a file name\n"},
		{[]string{"--cpuprofile", "", "DIR/o.png"}, "mandel: --cpuprofile is empty; want a file name\n"},
		{[]string{"--trace", "-", "DIR/o.png"}, "mandel: --trace -: want a file name; standard output is for the image or the results table\n"},
		{[]string{"bench", "--out", "DIR/res", "--cpuprofile", "-"}, "mandel: --cpuprofile -: want a file name; standard output is for the image or the results table\n"},
		{[]string{"bench", "--out", "DIR/res", "--trace="}, "mandel: --trace is empty; want a file name\n"},
	} {
		dir := t.TempDir()
		code, stdout, stderr := mandel(t, dir, tc.args...)
		if code != exitUsage || stdout != "" || stderr != tc.want {
			t.Errorf("mandel %s: exit %d, stdout %q, stderr %q; want 2 and %q", strings.Join(tc.args, " "), code, stdout, stderr, tc.want)
		}
		if files := dirEntries(t, dir); len(files) != 0 {
			t.Errorf("mandel %s wrote %v", strings.Join(tc.args, " "), files)
		}
	}
}

// TestProfileFlagPathsQuoted: the refusals of --trace and --cpuprofile
// quote the path, so a space or a newline in it shows as what it is and
// the message stays one line (a newline once cut it short).
func TestProfileFlagPathsQuoted(t *testing.T) {
	dir := t.TempDir()
	odd := "a\nb"
	if err := os.Mkdir(filepath.Join(dir, odd), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--trace", "DIR/" + odd},
		{"--trace", "DIR/" + odd + "/p", "--cpuprofile", "DIR/" + odd + "/p"},
	} {
		code, _, stderr := mandel(t, dir, append(args, "--size", "4", "DIR/o.png")...)
		if code != exitUsage || !strings.Contains(stderr, `a\nb`) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, %q; want 2 and one line with the path quoted", args, code, stderr)
		}
	}
}

// TestProfileFlagIsOutput: --trace or --cpuprofile naming OUTPUT or the
// --save-params file is refused before the render; the trace replaced the
// image, with exit 0.
func TestProfileFlagIsOutput(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--trace", "DIR/o.png"},
		{"--cpuprofile", "DIR/./o.png"},
		{"--save-params", "DIR/p.txt", "--trace", "DIR/p.txt"},
	} {
		code, _, stderr := mandel(t, dir, append(args, "--size", "4", "DIR/o.png")...)
		if code != exitUsage || !strings.Contains(stderr, "too; give each its own file") {
			t.Errorf("%q: exit %d, %q; want 2 and the file refused", args, code, stderr)
		}
	}
	if entries := dirEntries(t, dir); len(entries) != 0 {
		t.Errorf("refused commands left %q", entries)
	}
}
