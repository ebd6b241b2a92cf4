package bench

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mandel-project/mandel/render"
)

func TestDefaultWorkers(t *testing.T) {
	for ncpu, want := range map[int][]int{
		1:  {1},
		2:  {1, 2},
		6:  {1, 2, 4, 6},
		8:  {1, 2, 4, 8},
		64: {1, 2, 4, 8, 16, 32, 64},
	} {
		t.Run(strconv.Itoa(ncpu), func(t *testing.T) {
			if got := defaultWorkers(ncpu); !slices.Equal(got, want) {
				t.Errorf("defaultWorkers(%d) = %v, want %v", ncpu, got, want)
			}
		})
	}
}

func TestParseCounts(t *testing.T) {
	good := map[string][]int{"1": {1}, "1,2,4": {1, 2, 4}, " 8 , 2": {8, 2}}
	for in, want := range good {
		t.Run(in, func(t *testing.T) {
			got, err := ParseCounts(in)
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("ParseCounts(%q) = %v, %v; want %v", in, got, err, want)
			}
		})
	}
	for _, in := range []string{"", " ", "0", "a", "-1", "1,,2", "1,", "2.5", "1;2"} {
		t.Run(in, func(t *testing.T) {
			if got, err := ParseCounts(in); err == nil {
				t.Errorf("ParseCounts(%q) = %v, want an error", in, got)
			}
		})
	}
}

func TestScenes(t *testing.T) {
	if len(Scenes()) != len(sceneSizes) {
		t.Fatalf("%d scenes for %d sizes: a preset was renamed", len(Scenes()), len(sceneSizes))
	}
	for _, name := range []string{"full", "seahorse", "interior", "tophalf"} {
		if !slices.Contains(defaultScenes(), name) {
			t.Errorf("default scenes %v lack %s", defaultScenes(), name)
		}
	}
	if _, err := lookupScene("nowhere"); err == nil || !strings.Contains(err.Error(), "tophalf") {
		t.Errorf("lookupScene error %v does not list the scenes", err)
	}
	// tophalf must put nearly all of its work in the upper half of the rows,
	// or it does not show what static bands lose.
	sc, _ := lookupScene("tophalf")
	v := sc.View
	v.Width, v.Height = 64, 64
	r, err := render.NewRenderer(v, 1, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	top := r.RenderUnits(0, 32)
	bottom := r.RenderUnits(32, 64)
	if frac := float64(top) / float64(top+bottom); frac < 0.9 {
		t.Errorf("tophalf has %.0f%% of its work in the top half", 100*frac)
	}
}

func TestValidate(t *testing.T) {
	base := tinyConfig(t.TempDir())
	for _, c := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"unknown scene", func(c *Config) { c.Scenes = []string{"full", "nowhere"} }, "unknown scene"},
		{"no scenes", func(c *Config) { c.Scenes = nil }, "no scenes"},
		{"unknown strategy", func(c *Config) { c.Strategies = []string{"fastest"} }, "unknown strategy"},
		{"unknown kernel", func(c *Config) { c.Kernel = "turbo" }, "unknown kernel"},
		{"no workers", func(c *Config) { c.Workers = nil }, "empty workers"},
		{"zero workers", func(c *Config) { c.Workers = []int{0} }, "workers must be"},
		{"too many workers", func(c *Config) { c.Workers = []int{1, maxWorkers + 1} }, "workers must be"},
		{"zero grain", func(c *Config) { c.Grains = []int{0} }, "grain must be"},
		{"zero reps", func(c *Config) { c.Reps = 0 }, "reps"},
		{"negative warmup", func(c *Config) { c.Warmup = -1 }, "warmup"},
		{"half a size", func(c *Config) { c.Width, c.Height = 10, 0 }, "size"},
		{"negative maxiter", func(c *Config) { c.MaxIter = -5 }, "maxiter"},
		{"huge size", func(c *Config) { c.Width, c.Height = 100000, 100000 }, "smaller size"},
		{"no out", func(c *Config) { c.Out = "" }, "output directory"},
		{"negative size factor", func(c *Config) { c.SizeFactor = -1 }, "size factor"},
		{"zero size factor", func(c *Config) { c.SizeFactor = 0 }, "size factor"},
		{"frames beyond memory", func(c *Config) {
			// 46 MiB per frame, far below any per-frame limit; two frames and
			// a picture do not fit in 100 MiB.
			c.Width, c.Height = 2000, 2000
			c.AvailableMemory = func() float64 { return 100 << 20 }
		}, "needs about 106.9 MiB of memory"},
		// A newline would go raw into summary.md and end bench.txt's line.
		{"newline in commit", func(c *Config) { c.Commit = "abc\n# injected" }, `commit "abc\n# injected" holds a control character (U+000A)`},
		{"tab in commit", func(c *Config) { c.Commit = "abc\tdef" }, "control character (U+0009)"},
		{"escape in commit", func(c *Config) { c.Commit = "\x1b[31mred" }, "control character (U+001B)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := base
			c.edit(&cfg)
			err := cfg.Validate()
			var ce *ConfigError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Validate() = %v, want a ConfigError with %q", err, c.want)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("the error is not one line: %q", err)
			}
		})
	}
	if err := base.Validate(); err != nil {
		t.Errorf("tiny config: %v", err)
	}
	base.Commit = "v1.2.3-4-gabcdef0-dirty (büild)" // any printable text will do
	if err := base.Validate(); err != nil {
		t.Errorf("a printable commit: %v", err)
	}
}

func TestMemoryNeeded(t *testing.T) {
	cfg := tinyConfig(t.TempDir())
	cfg.Width, cfg.Height = 2000, 2000
	cfg.AvailableMemory = func() float64 { return 100 << 20 }
	cfg.Scenes = []string{"full"} // one frame and a picture fit
	if err := cfg.Validate(); err != nil {
		t.Errorf("one 2000x2000 scene in 100 MiB: %v", err)
	}
	full, _ := lookupScene("full")
	v := full.View
	v.Width, v.Height = 2000, 2000
	// Per frame, 12 bytes a pixel (count and magnitude) and 8 per row and
	// column (the coordinates): 48,032,000. Two frames, their row counts
	// (4 bytes a row) and one RGBA picture.
	const want = 2*48_032_000 + 2*4*2000 + 4*2000*2000
	if got := memoryNeeded([]Scene{{View: v}, {View: v}}); got != want {
		t.Errorf("memoryNeeded = %v, want %v: two frames and their row counts, one picture", got, want)
	}
}

func TestSizeFactor(t *testing.T) {
	cfg := tinyConfig(t.TempDir())
	cfg.Width, cfg.Height, cfg.SizeFactor = 0, 0, 2
	p, err := cfg.plan()
	if err != nil {
		t.Fatal(err)
	}
	full, _ := lookupScene("full")
	if v := p.scenes[0].View; v.Width != 2*full.View.Width || v.Height != 2*full.View.Height || v.MaxIter != cfg.MaxIter {
		t.Errorf("size factor 2: %dx%d maxiter %d", v.Width, v.Height, v.MaxIter)
	}
}

func TestPrepareOut(t *testing.T) {
	dir := t.TempDir()
	release, err := prepareOut(filepath.Join(dir, "a", "b"))
	if err != nil {
		t.Fatalf("new nested directory: %v", err)
	}
	release()
	if entries, _ := os.ReadDir(filepath.Join(dir, "a", "b")); len(entries) != 0 {
		t.Errorf("the claim was left behind: %v", entries)
	}
	if _, err := prepareOut(filepath.Join(dir, "a")); err == nil {
		t.Error("a directory holding one accepted")
	}
	full := filepath.Join(dir, "full")
	os.MkdirAll(full, 0o755)
	os.WriteFile(filepath.Join(full, "runs.csv"), nil, 0o644)
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	readOnly := filepath.Join(dir, "ro")
	os.Mkdir(readOnly, 0o555)
	for _, c := range []struct {
		name, out string
		usage     bool // a *ConfigError: the caller chose wrong
		want      string
	}{
		{"not empty", full, true, "not empty"},
		{"a file", file, true, "is a file"},
		// A failure, not a usage error: ENOTDIR, even for root.
		{"under a file", filepath.Join(file, "sub"), false, "cannot create the output directory"},
		{"read-only, new", filepath.Join(readOnly, "sub"), false, "cannot create the output directory"},
		{"read-only, existing", readOnly, false, "not writable"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if strings.HasPrefix(c.name, "read-only") && os.Geteuid() == 0 {
				t.Skip("root writes into a read-only directory")
			}
			_, err := prepareOut(c.out)
			var ce *ConfigError
			if err == nil || errors.As(err, &ce) != c.usage || !strings.Contains(err.Error(), c.want) {
				t.Errorf("prepareOut(%s) = %v (a ConfigError: %v), want %q, a ConfigError: %v", c.out, err, errors.As(err, &ce), c.want, c.usage)
			}
		})
	}
}

// TestPrepareOutClaims starts sweeps into one folder together: exactly one
// gets it, the others are refused in a line that says why, and once it is
// released, the folder holding its files, it is not empty to the next.
func TestPrepareOutClaims(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	const n = 8
	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		releases = make(chan func(), n)
		errs     = make(chan error, n)
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			release, err := prepareOut(dir)
			if err != nil {
				errs <- err
				return
			}
			releases <- release
		}()
	}
	close(start)
	wg.Wait()
	close(releases)
	close(errs)
	if len(releases) != 1 {
		t.Fatalf("%d sweeps claimed the folder, want 1", len(releases))
	}
	for err := range errs {
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "is in use by another mandel bench") && !strings.Contains(err.Error(), "not empty") {
			t.Errorf("refusal %v, want a ConfigError saying the folder is in use", err)
		}
	}
	if _, err := prepareOut(dir); err == nil || !strings.Contains(err.Error(), "is in use by another mandel bench") {
		t.Errorf("while claimed: %v, want the in-use refusal", err)
	}
	os.WriteFile(filepath.Join(dir, "runs.csv"), []byte("seq\n"), 0o644)
	(<-releases)()
	if _, err := prepareOut(dir); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("after a sweep: %v, want the not-empty refusal", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the folder holds %v, want runs.csv alone", entries)
	}
}
