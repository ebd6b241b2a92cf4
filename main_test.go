package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"image"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"

	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// mandel runs the command with "DIR/" in its arguments standing for dir, so
// that outputs land in a temporary directory, and returns its exit code and
// output, with dir written back as DIR.
func mandel(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	expanded := make([]string, len(args))
	for i, a := range args {
		expanded[i] = strings.ReplaceAll(a, "DIR/", dir+string(filepath.Separator))
	}
	code = run(expanded, &out, &errOut)
	return code, out.String(), strings.ReplaceAll(errOut.String(), dir, "DIR")
}

// testApp is the command as the tests run it: the machine's memory pinned,
// so that the golden messages do not depend on it, and no environment, so
// that a test run inside a Slurm array task or an Indexed Job does not
// shard every render (tests of the environment set their own).
func testApp(stdout, stderr io.Writer) *app {
	a := newApp(stdout, stderr)
	a.env = testEnv
	a.availableMemory = func() float64 { return 16 << 30 }
	a.stripRows = testStripRows
	return a
}

func noEnv(string) (string, bool) { return "", false }

// testEnv is the environment of the tests' runs; a test of the environment
// sets it, and restores noEnv.
var testEnv = noEnv

// testStripRows is the strip height of the tests' runs (0: the plan's);
// forceStrips sets it for a test.
var testStripRows = 0

// forceStrips makes every render that streams go in strips of rows rows
// (0: as the budget says) for the rest of the test.
func forceStrips(t *testing.T, rows int) {
	old := testStripRows
	testStripRows = rows
	t.Cleanup(func() { testStripRows = old })
}

// run runs the command as testApp, with args (without the program name).
func run(args []string, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdout, stderr)
}

// runContext is run with a context whose cancellation interrupts the work.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return testApp(stdout, stderr).run(ctx, args)
}

func TestMain(m *testing.M) {
	// Interrupted renders must not leave goroutines behind.
	goleak.VerifyTestMain(m)
}

func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// badInputs are command lines that must fail with one line on stderr, exit
// code 2 (or 1 for failures of the environment), and no file created.
var badInputs = []struct {
	name string
	args []string
	code int
}{
	{"no output", []string{}, 2},
	{"two outputs", []string{"DIR/a.png", "DIR/b.png"}, 2},
	{"zero size", []string{"--size", "0x10", "DIR/o.png"}, 2},
	{"negative size", []string{"--size=-5", "DIR/o.png"}, 2},
	{"size not a number", []string{"--size", "big", "DIR/o.png"}, 2},
	{"size over the side limit", []string{"--size", "2000000x10", "DIR/o.png"}, 2},
	{"size beyond memory", []string{"--memory", "64GiB", "--size", "60000x60000", "DIR/o.jpg"}, 2},
	{"jpeg beyond --memory", []string{"--memory", "1GiB", "--size", "20000x20000", "DIR/o.jpg"}, 2},
	{"a row beyond --memory", []string{"--memory", "1MiB", "-w", "1", "--size", "100000x8", "DIR/o.png"}, 2},
	{"memory not a size", []string{"--memory", "lots", "DIR/o.png"}, 2},
	{"memory unit", []string{"--memory", "2GiBs", "DIR/o.png"}, 2},
	{"zero maxiter", []string{"--maxiter", "0", "DIR/o.png"}, 2},
	{"negative maxiter", []string{"-m", "-3", "DIR/o.png"}, 2},
	{"maxiter not a number", []string{"--maxiter", "lots", "DIR/o.png"}, 2},
	{"NaN scale", []string{"--scale", "NaN", "DIR/o.png"}, 2},
	{"infinite scale", []string{"--scale", "+Inf", "DIR/o.png"}, 2},
	{"negative scale", []string{"--scale=-1", "DIR/o.png"}, 2},
	{"scale not a number", []string{"--scale", "wide", "DIR/o.png"}, 2},
	{"NaN centre", []string{"--center", "NaN,0", "DIR/o.png"}, 2},
	{"centre without imaginary part", []string{"--center", "0.5", "DIR/o.png"}, 2},
	{"centre not numbers", []string{"--center", "a,b", "DIR/o.png"}, 2},
	{"infinite escape", []string{"--escape", "Inf", "DIR/o.png"}, 2},
	{"small escape", []string{"--escape", "1", "DIR/o.png"}, 2},
	{"unknown strategy", []string{"--strategy", "magic", "DIR/o.png"}, 2},
	{"unknown view", []string{"--view", "atlantis", "DIR/o.png"}, 2},
	{"unknown palette", []string{"--palette", "neon", "DIR/o.png"}, 2},
	{"zero workers", []string{"--workers", "0", "DIR/o.png"}, 2},
	{"a billion workers", []string{"--workers", "1000000000", "DIR/o.png"}, 2},
	{"huge escape", []string{"--escape", "1e200", "--aa", "2", "--size", "16", "DIR/o.png"}, 2},
	{"huge scale", []string{"--scale", "1e308", "--size", "1x4", "DIR/o.png"}, 2},
	{"far centre", []string{"--center", "1e308,1e308", "DIR/o.png"}, 2},
	{"centre past float64", []string{"--center", "1e400,0", "DIR/o.png"}, 2},
	{"scale below float64 precision", []string{"--method", "direct", "--scale", "1e-300", "DIR/o.png"}, 2},
	{"scale past 1e-10000", []string{"--scale", "1e-10001", "DIR/o.png"}, 2},
	{"hex centre", []string{"--center=0x1p-2,0", "DIR/o.png"}, 2},
	{"underscores in the centre", []string{"--center=1_000,0", "DIR/o.png"}, 2},
	{"underscores in the scale", []string{"--scale", "1_0", "DIR/o.png"}, 2},
	{"underscores in the escape", []string{"--escape", "1_0", "DIR/o.png"}, 2},
	{"hex escape", []string{"--escape", "0x10", "DIR/o.png"}, 2},
	{"unknown method", []string{"--method", "fast", "DIR/o.png"}, 2},
	{"perturbing the benchmarks game", []string{"--view", "benchgame", "--method", "perturb", "DIR/o.pbm"}, 2},
	{"aa past the side limit", []string{"--size", "70000x1", "--aa", "16", "DIR/o.png"}, 2},
	{"negative workers", []string{"-w", "-4", "DIR/o.png"}, 2},
	{"zero grain", []string{"--grain", "0", "DIR/o.png"}, 2},
	{"zero aa", []string{"--aa", "0", "DIR/o.png"}, 2},
	{"too much aa", []string{"--aa", "17", "DIR/o.png"}, 2},
	{"aa with benchgame", []string{"--view", "benchgame", "--size", "8", "--aa", "2", "DIR/o.pbm"}, 2},
	{"gif too wide", []string{"--size", "70000x2", "DIR/o.gif"}, 2},
	{"jpeg too tall", []string{"--size", "2x70000", "DIR/o.jpg"}, 2},
	{"unknown extension", []string{"DIR/o.webp"}, 2},
	{"no extension", []string{"DIR/picture"}, 2},
	{"stdout without format", []string{"-"}, 2},
	{"unknown format", []string{"--format", "webp", "-"}, 2},
	{"unknown flag", []string{"--colour", "red", "DIR/o.png"}, 2},
	{"unknown kernel", []string{"--kernel", "sse9", "DIR/o.png"}, 2},
	{"flag without value", []string{"DIR/o.png", "--strategy"}, 2},
	{"a directory as output", []string{"--size", "8", "--format", "png", "DIR/"}, 1},
	{"missing directory", []string{"--size", "8", "DIR/no/such/dir/o.png"}, 1},
}

// TestBadInput checks every bad input against testdata/bad-input.golden:
// the exit code, and the one line on stderr.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	var got strings.Builder
	for _, tc := range badInputs {
		code, stdout, stderr := mandel(t, dir, tc.args...)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d (stderr %q)", tc.name, code, tc.code, stderr)
		}
		if stdout != "" {
			t.Errorf("%s: wrote to stdout: %q", tc.name, stdout)
		}
		if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "mandel: ") {
			t.Errorf("%s: want one line on stderr starting with \"mandel: \", got %q", tc.name, stderr)
		}
		if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
			t.Errorf("%s: stack trace on stderr: %q", tc.name, stderr)
		}
		fmt.Fprintf(&got, "# %s: mandel %s\nexit %d: %s", tc.name, strings.Join(tc.args, " "), code, stderr)
	}
	if files := dirEntries(t, dir); len(files) != 0 {
		t.Errorf("bad input left files behind: %v", files)
	}
	golden(t, "bad-input.golden", got.String())
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestUnknownNamesListTheValidOnes(t *testing.T) {
	for flagName, valid := range map[string]string{"--strategy": "steal", "--view": "seahorse", "--palette": "gray", "--kernel": "scalar"} {
		_, _, stderr := mandel(t, t.TempDir(), flagName, "nope", "DIR/o.png")
		if !strings.Contains(stderr, valid) {
			t.Errorf("%s nope: error %q does not list %q", flagName, stderr, valid)
		}
	}
}

// TestFailureKeepsExistingFile: a failed run must not destroy a file that
// was already there.
func TestFailureKeepsExistingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keep.png")
	os.WriteFile(path, []byte("precious"), 0o644)
	for _, args := range [][]string{
		{"--maxiter", "0", path},
		{"--view", "nowhere", path},
	} {
		if code, _, _ := mandel(t, dir, args...); code == 0 {
			t.Fatalf("%v succeeded", args)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if code := runContext(ctx, []string{"--size", "64", path}, new(bytes.Buffer), new(bytes.Buffer)); code != exitInterrupted {
		t.Fatalf("cancelled run: exit %d, want %d", code, exitInterrupted)
	}
	if b, _ := os.ReadFile(path); string(b) != "precious" {
		t.Errorf("existing file changed to %q", b)
	}
	if files := dirEntries(t, dir); len(files) != 1 {
		t.Errorf("stray files: %v", files)
	}
}

// TestInterruptMidRender cancels a render that is under way: exit 130, a
// message, and no file.
func TestInterruptMidRender(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	var stderr bytes.Buffer
	start := time.Now()
	// The spiral at 2000x2000 takes tens of seconds: only an interruption ends it quickly.
	code := runContext(ctx, []string{"--view", "spiral", "--size", "2000", "-w", "2", filepath.Join(dir, "o.png")}, new(bytes.Buffer), &stderr)
	if code != exitInterrupted {
		t.Fatalf("exit %d, want %d; stderr %q", code, exitInterrupted, stderr.String())
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("interruption took %v to stop the render", elapsed)
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr %q does not say it was interrupted", stderr.String())
	}
	if files := dirEntries(t, dir); len(files) != 0 {
		t.Errorf("interrupted run left files: %v", files)
	}
}

func TestFlagSpellings(t *testing.T) {
	dir := t.TempDir()
	var want []byte
	for i, args := range [][]string{
		{"-strategy", "bands", "-workers", "3", "-size", "40x30", "-maxiter", "100"},
		{"--strategy", "bands", "--workers", "3", "--size", "40x30", "--maxiter", "100"},
		{"--strategy=bands", "--workers=3", "--size=40x30", "--maxiter=100"},
		{"-strategy=bands", "-workers=3", "-size=40x30", "-maxiter=100"},
		{"-s", "bands", "-w", "3", "--size", "40x30", "-m", "100"},
		{"-s=bands", "-w3", "--size", "40x30", "-m100"},
	} {
		out := filepath.Join(dir, fmt.Sprintf("o%d.png", i))
		code, stdout, stderr := mandel(t, dir, append(args, out)...)
		if code != 0 || stdout != "" || stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
			continue
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = got
		} else if !bytes.Equal(got, want) {
			t.Errorf("%v gives a different image than the first spelling that worked", args)
		}
	}
}

// TestEveryStrategyWritesTheSameBytes checks determinism through the whole
// command: same parameters, same file, whatever the strategy and workers.
// Serial's file is the reference; each strategy is a subtest.
func TestEveryStrategyWritesTheSameBytes(t *testing.T) {
	dir := t.TempDir()
	args := []string{"--view", "seahorse", "--size", "37x23"}
	ref := filepath.Join(dir, "serial.png")
	if code, _, stderr := mandel(t, dir, append(args, "-s", "serial", ref)...); code != 0 {
		t.Fatalf("serial: %s", stderr)
	}
	want, err := os.ReadFile(ref)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range strategies.All() {
		t.Run(s.Name(), func(t *testing.T) {
			for _, w := range []string{"1", "3"} {
				out := filepath.Join(dir, s.Name()+w+".png")
				if code, _, stderr := mandel(t, dir, append(args, "-s", s.Name(), "-w", w, out)...); code != 0 {
					t.Errorf("%s workers: exit %d: %s", w, code, stderr)
					continue
				}
				if got, _ := os.ReadFile(out); !bytes.Equal(got, want) {
					t.Errorf("%s workers wrote different bytes than serial", w)
				}
			}
		})
	}
}

// TestEveryKernelWritesTheSameBytes: the kernels differ only in speed.
func TestEveryKernelWritesTheSameBytes(t *testing.T) {
	dir := t.TempDir()
	args := []string{"--view", "seahorse", "--size", "37x23", "--maxiter", "333"}
	var want []byte
	for _, k := range render.KernelNames() {
		if _, err := render.LookupKernel(k); err != nil {
			t.Logf("%s: %v", k, err)
			continue
		}
		out := filepath.Join(dir, k+".png")
		if code, _, stderr := mandel(t, dir, append(args, "--kernel", k, out)...); code != 0 {
			t.Fatalf("--kernel %s: exit %d: %s", k, code, stderr)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = got
		} else if !bytes.Equal(got, want) {
			t.Errorf("--kernel %s wrote different bytes than --kernel %s", k, render.KernelNames()[0])
		}
	}
}

// TestEveryFormat writes every extension through the command and decodes
// the result with the format's own decoder (netpbm by its header and size).
func TestEveryFormat(t *testing.T) {
	dir := t.TempDir()
	const w, h = 33, 17
	for _, ext := range []string{"png", "PNG", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "pgm", "ppm", "pbm"} {
		for _, aa := range []string{"1", "2"} {
			out := filepath.Join(dir, "o-"+aa+"."+ext)
			if code, _, stderr := mandel(t, dir, "--size", fmt.Sprintf("%dx%d", w, h), "--aa", aa, out); code != 0 {
				t.Errorf("%s aa %s: exit %d: %s", ext, aa, code, stderr)
				continue
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			switch strings.ToLower(ext) {
			case "pgm", "ppm", "pbm":
				magic, size := map[string]string{"pgm": "P5", "ppm": "P6", "pbm": "P4"}[ext], map[string]int{"pgm": w * h, "ppm": 3 * w * h, "pbm": (w + 7) / 8 * h}[ext]
				header := fmt.Sprintf("%s\n%d %d\n", magic, w, h)
				if magic != "P4" {
					header += "255\n"
				}
				if !bytes.HasPrefix(b, []byte(header)) || len(b) != len(header)+size {
					t.Errorf("%s aa %s: %d bytes starting %q", ext, aa, len(b), b[:min(len(b), 16)])
				}
			default:
				img, format, err := image.Decode(bytes.NewReader(b))
				if err != nil || img.Bounds() != image.Rect(0, 0, w, h) {
					t.Errorf("%s aa %s: decoded as %s: %v, bounds %v", ext, aa, format, err, img.Bounds())
				}
			}
		}
	}
}

func TestStdout(t *testing.T) {
	code, stdout, stderr := mandel(t, t.TempDir(), "--size", "5x3", "--format", "ppm", "-")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "P6\n5 3\n255\n"; !strings.HasPrefix(stdout, want) || len(stdout) != len(want)+5*3*3 {
		t.Errorf("stdout is not a 5x3 PPM: %q", stdout)
	}
}

// TestBenchmarksGame checks the .pbm output of the benchgame view against
// the bytes of the Benchmarks Game program for N = 8, 10 and 16. They were
// computed from the task's specification alone (docs/design.md) by a separate
// implementation in Python, whose floats are the same IEEE doubles with no
// fused operations: for each pixel, Cr = 2x/N - 1.5, Ci = 2y/N - 1,
// 50 iterations of the loop, bit = Tr+Ti <= 4, rows bottom-up, MSB first.
func TestBenchmarksGame(t *testing.T) {
	want := map[int]string{
		8:  "02000f2fff2f0f00",
		10: "00000100078007c03fc0ff803fc007c007800100",
		16: "000800100010007c00fe01fe19ff1dfefffe1dfe19ff01fe00fe007c00100010",
	}
	dir := t.TempDir()
	for n, rows := range want {
		for _, s := range []string{"serial", "steal", "cyclic"} {
			t.Run(fmt.Sprintf("N=%d/%s", n, s), func(t *testing.T) {
				out := filepath.Join(dir, fmt.Sprintf("bg%d-%s.pbm", n, s))
				if code, _, stderr := mandel(t, dir, "-view", "benchgame", "-size", fmt.Sprint(n), "-s", s, out); code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				got, _ := os.ReadFile(out)
				header := fmt.Sprintf("P4\n%d %d\n", n, n)
				if !bytes.HasPrefix(got, []byte(header)) || hex.EncodeToString(got[len(header):]) != rows {
					t.Errorf("got %q, want header %q and rows %s", got, header, rows)
				}
			})
		}
	}
}

func TestQuietUnlessVerbose(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := mandel(t, dir, "--size", "20", "-w", "2", "-s", "steal", "-v", "DIR/o.png")
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	for _, want := range []string{"strategy steal", "2 workers", "pixels/s", "iter/s", "imbalance", "overhead", "worker", "busy", "steals"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("--verbose output lacks %q:\n%s", want, stderr)
		}
	}
	if lines := strings.Count(stderr, "\n"); lines < 6 {
		t.Errorf("--verbose should end with a line per worker:\n%s", stderr)
	}
	_, _, stderr = mandel(t, dir, "--size", "20", "-s", "bands", "--grain", "4", "-v", "DIR/o.png")
	if !strings.Contains(stderr, "bands ignores --grain") {
		t.Errorf("--verbose should say bands ignores --grain:\n%s", stderr)
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "-help"} {
		code, stdout, stderr := mandel(t, t.TempDir(), arg)
		if code != 0 || stderr != "" || !strings.Contains(stdout, "Examples:") || !strings.Contains(stdout, "--strategy") {
			t.Errorf("%s: exit %d, stderr %q, stdout lacks examples or flags", arg, code, stderr)
		}
	}
	code, stdout, _ := mandel(t, t.TempDir(), "--version")
	if code != 0 || !strings.HasPrefix(stdout, "mandel "+version) {
		t.Errorf("--version: exit %d, %q", code, stdout)
	}
}

func TestUsageErrorCarriesCode(t *testing.T) {
	err := fmt.Errorf("context: %w", cli.Usagef("bad"))
	if code := report(new(bytes.Buffer), err); code != exitUsage {
		t.Errorf("wrapped usage error: exit %d", code)
	}
	if code := report(new(bytes.Buffer), errors.New("disk full")); code != exitFailure {
		t.Errorf("plain error: exit %d", code)
	}
	var buf bytes.Buffer
	report(&buf, errors.New("task panicked: boom\ngoroutine 7 [running]:\n..."))
	if buf.String() != "mandel: task panicked: boom\n" {
		t.Errorf("multi-line error printed as %q", buf.String())
	}
}

// FuzzRenderFlags feeds arbitrary command lines to the flag and view parser:
// it must never panic, and whatever it accepts must be a valid view.
func FuzzRenderFlags(f *testing.F) {
	f.Add("--size", "10x10", "--center=-0.75,0.1", "o.png")
	f.Add("-scale", "NaN", "-maxiter", "o.pgm")
	f.Add("--view", "benchgame", "-s", "x.pbm")
	f.Add("-w", "-1", "--size=1e9", "-")
	f.Add("--center", "1,2,3", "--aa", "o.tif")
	f.Add("--save-params", "-", "-o", "o.png")
	f.Add("--shortcuts", "false", "-p", "FIRE")
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		fl := newRenderFlags(testApp(io.Discard, io.Discard))
		if err := cli.Parse(fl.fs, []string{a, b, c, d}); err != nil {
			return
		}
		if fl.help || fl.list || fl.showVersion {
			return
		}
		cfg, err := fl.config()
		if err != nil {
			var usage cli.UsageError
			if !errors.As(err, &usage) {
				t.Fatalf("config error is not a usage error: %v", err)
			}
			return
		}
		if err := cfg.job.View.Validate(); err != nil {
			t.Fatalf("accepted an invalid view: %v", err)
		}
		if cfg.paramsOnly {
			if cfg.saveParams == "" || cfg.output != "" {
				t.Fatalf("writes settings only, without --save-params or with an OUTPUT: %+v", cfg)
			}
			return
		}
		if j := cfg.job; j.Workers < 1 || j.Grain < 1 || j.AA < 1 || j.Strategy == nil || j.Format == "" {
			t.Fatalf("accepted an invalid config: %+v", cfg)
		}
	})
}

// fullWriter is standard output on a full disk.
type fullWriter struct{}

func (fullWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// TestTextToFullStdout: help, --version, --list and the completion
// scripts fail when standard output does (mandel completion bash > file on
// a full disk); they once exited 0 with the text lost.
func TestTextToFullStdout(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"help", "zoom"}, {"bench", "-h"}, {"bench", "--list"}, {"stitch", "-h"},
		{"zoom", "-h"}, {"--version"}, {"--list"}, {"--list", "-v"}, {"completion", "bash"}} {
		var stderr bytes.Buffer
		code := testApp(fullWriter{}, &stderr).run(context.Background(), args)
		if code != exitFailure || !strings.HasPrefix(stderr.String(), "mandel: writing stdout: ") || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%q: exit %d, stderr %q; want 1 and one line", args, code, stderr.String())
		}
	}
}
