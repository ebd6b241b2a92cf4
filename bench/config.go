package bench

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/mandel-project/mandel/internal/sysmem"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

// Config describes a sweep. Start from DefaultConfig: an empty Scenes,
// Strategies, Workers or Grains, or a zero Reps, is an error, not a default.
type Config struct {
	// Out is the results directory. It is created if missing and must be
	// empty, so that files of two sweeps are never mixed.
	Out string
	// Scenes and Strategies name what to measure (see Scenes and
	// strategies.Names). The serial strategy is always measured, at one
	// worker, as the baseline of speedup, whether listed or not.
	Scenes, Strategies []string
	// Workers lists the worker counts W. A run with W workers also runs with
	// GOMAXPROCS = W, so that W means W cores for every strategy.
	Workers []int
	// Grains lists the grains for the strategies that use one; the others
	// run once per worker count and are recorded with grain 1.
	Grains []int
	// Reps is the number of timed runs per configuration; Warmup the number
	// of untimed rounds of every configuration before them.
	Reps, Warmup int
	// TargetTime, when positive and no size is given (Width, Height and
	// SizeFactor left alone), scales every scene at the start of the sweep
	// so that one serial render takes about TargetTime, or workers x
	// MinParallelRun at the largest worker count when that is longer: the
	// scenes' own sizes suit no machine in particular. The sizes chosen
	// are recorded in env.json and in bench.txt's names. 0 keeps the
	// scenes' own sizes.
	TargetTime time.Duration
	// MinTime and MaxTime decide how many timed runs a configuration gets
	// beyond Reps. After the Reps rounds, further rounds run, interleaved
	// as the first ones, every configuration whose runs add up to less
	// than MinTime (hyperfine's rule) or whose median's 95% CI is wider
	// than ±CIGoal of it, until the time spent on its timed runs (checks
	// included) reaches MaxTime, which caps MinTime's too. MaxTime 0
	// makes exactly Reps runs.
	MinTime, MaxTime time.Duration
	// SceneSizes fixes the width and height of the scenes it names, which
	// TargetTime then leaves alone: the sizes of an earlier sweep
	// (ReadSceneSizes), so that benchstat compares the two sweeps'
	// bench.txt, whose names carry the size. It cannot be combined with
	// Width, Height or SizeFactor.
	SceneSizes map[string][2]int
	// Width, Height and MaxIter override every scene's own when positive;
	// zero keeps the scene's own.
	Width, Height, MaxIter int
	// SizeFactor multiplies every scene's width and height (after Width and
	// Height), for machines so fast that a default scene renders in a few
	// milliseconds on all cores; 1 leaves the sizes alone.
	SizeFactor int
	// Shortcuts renders with render.Options.Shortcuts: points provably in
	// the set (main cardioid, period-2 bulb, repeating orbits) are not
	// iterated to maxiter. Off by default, so that the workload stays the
	// classic one, comparable with earlier results and the C yardstick; on,
	// the iterations recorded are those done, far fewer on scenes through
	// the set. Recorded in env.json, summary.md, summary.json and bench.txt.
	Shortcuts bool
	// Seed orders the runs of each round; 0 picks one from the clock. The
	// seed used is recorded in env.json either way.
	Seed uint64
	// Args is the command line, recorded in env.json.
	Args []string
	// Kernel names the render kernel (render.LookupKernel); empty means
	// "auto". Every kernel gives the same frames, so it changes only the
	// speed; the one used is recorded in env.json and summary.md.
	Kernel string
	// Commit is recorded as the source revision; empty means the one the
	// binary was built from, or "unknown". It must hold no control
	// characters: summary.md and bench.txt are made of lines.
	Commit string
	// Progress, if not nil, receives a progress line rewritten with \r.
	Progress io.Writer
	// Warnings, if not nil, receives warnings as they arise, one per line
	// (an oversubscribed machine, a noisy configuration). They are recorded
	// in env.json and summary.md as well.
	Warnings io.Writer

	// Simulate lists the worker counts at which bench/model predicts every
	// configuration from the scenes' measured row costs, into model.csv,
	// and the counts measured too are compared with the sweep in
	// model-validation.csv. Empty: no model.
	Simulate []int

	// Lookup resolves the names in Strategies; nil means strategies.Lookup.
	// With it a caller measures a strategy of its own beside the catalogue
	// (tests measure wrong ones).
	Lookup func(name string) (strategies.Strategy, error)
	// ProbeLoop is the length of the parallelism probe's loop; 0 means the
	// default, which takes some tens of milliseconds. ProbeLoop,
	// PrimitiveTime and AfterRun are for tests, which shorten a sweep and
	// stop it at a chosen run; the command leaves them zero.
	ProbeLoop int
	// PrimitiveTime is how long each repetition of a primitive's timing
	// lasts (with Simulate); 0 means 20 ms.
	PrimitiveTime time.Duration
	// AfterRun, if not nil, is called after every timed run with the
	// number of timed runs done.
	AfterRun func(done int)
	// AvailableMemory returns the bytes of memory the sweep may use; nil
	// means sysmem.Available.
	AvailableMemory func() float64
}

const (
	// maxWorkers bounds a worker count, against typing mistakes.
	maxWorkers = 4096
)

// MaxSizeFactor bounds Config.SizeFactor, which multiplies both sides of
// every scene: at 64 a 1024x1024 scene is already 64K x 64K pixels.
const MaxSizeFactor = 64

// DefaultMinTime and DefaultMaxTime are Config.MinTime and MaxTime by
// default. Ten runs of a scene sized for 0.3 s already make 1.5 s at 2
// workers; on 64 cores, where a run may last 10 ms, 1 s makes 100. 8 s
// is about 25 serial runs of 0.3 s, enough for a ±3% interval of the
// median at a CV of 5%, the noise of the development VM; a configuration
// noisier than that stops there, with a warning, rather than stretch the
// sweep.
const (
	DefaultMinTime = time.Second
	DefaultMaxTime = 8 * time.Second
)

// CIGoal is the half-width of the median's 95% confidence interval,
// relative to the median, that a configuration's runs aim for: beyond
// it, more runs (up to Config.MaxTime) and then a warning.
const CIGoal = 0.03

// DefaultConfig returns the configuration of `make bench`: the default
// scenes, every strategy, workers 1, 2, 4, ... up to and including
// runtime.NumCPU(), grains 1, 4, 16 and 64 (where a strategy claims
// blocks), the scenes sized for a serial render of DefaultTargetTime, one
// warm-up round, ten timed ones and more up to DefaultMaxTime per
// configuration while DefaultMinTime or CIGoal ask for them, into
// results/<date>-<host>.
func DefaultConfig() Config {
	return Config{
		SizeFactor: 1,
		Out:        defaultOut(time.Now()),
		Scenes:     defaultScenes(),
		Strategies: strategies.Names(),
		Workers:    defaultWorkers(runtime.NumCPU()),
		Grains:     []int{1, 4, 16, 64},
		Reps:       10,
		Warmup:     1,
		TargetTime: DefaultTargetTime,
		MinTime:    DefaultMinTime,
		MaxTime:    DefaultMaxTime,
	}
}

// defaultWorkers returns 1, 2, 4, ... below ncpu, and ncpu.
func defaultWorkers(ncpu int) []int {
	var ws []int
	for w := 1; w < ncpu; w *= 2 {
		ws = append(ws, w)
	}
	return append(ws, max(ncpu, 1))
}

// defaultOut returns results/<date>-<host>, the default results directory.
func defaultOut(now time.Time) string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	host = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ' ' || r == ':' {
			return '_'
		}
		return r
	}, host)
	return filepath.Join("results", now.Format("2006-01-02-150405")+"-"+host)
}

// ConfigError is the error of a configuration that cannot run as given: a
// value out of range, an unknown name, or an output directory that is a
// file or not empty. Nothing was measured and nothing written; a command
// line maps it to a usage error. An output directory that the system
// refuses to create or write is not one: the configuration was right.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

func configErrorf(format string, args ...any) error {
	return &ConfigError{fmt.Errorf(format, args...)}
}

// ParseList splits a comma-separated list, trimming spaces. An empty string
// or an empty element is an error.
func ParseList(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("empty list")
	}
	parts := strings.Split(s, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
		if parts[i] == "" {
			return nil, fmt.Errorf("empty element in %q", s)
		}
	}
	return parts, nil
}

// ParseCounts parses a comma-separated list of positive integers such as
// "1,2,4", for worker counts and grains.
func ParseCounts(s string) ([]int, error) {
	parts, err := ParseList(s)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("%q is not a whole number", p)
		}
		if n < 1 {
			return nil, fmt.Errorf("%d is not a positive count", n)
		}
		out[i] = n
	}
	return out, nil
}

// plan is a validated Config: the scenes with their views, the strategies,
// and sorted, duplicate-free counts.
type plan struct {
	scenes     []Scene
	strategies []strategies.Strategy
	workers    []int
	grains     []int
	kernel     render.Kernel
	kernelName string // what "auto" resolved to
	simulate   []int
}

// Validate reports the first problem with c, without touching the file
// system: counts out of range, unknown names, a commit that is not one
// line, and a sweep that would not fit in the memory available. Every
// error is a *ConfigError. Run calls it too.
func (c *Config) Validate() error {
	_, err := c.plan()
	return err
}

func (c *Config) plan() (*plan, error) {
	p := &plan{}
	if c.MaxIter < 0 {
		return nil, configErrorf("maxiter must be positive (or 0 for each scene's own), got %d", c.MaxIter)
	}
	if c.SizeFactor < 1 || c.SizeFactor > MaxSizeFactor {
		return nil, configErrorf("size factor must be in 1..%d, got %d", MaxSizeFactor, c.SizeFactor)
	}
	if len(c.Scenes) == 0 {
		return nil, configErrorf("no scenes (valid: %s)", strings.Join(sceneNames(), ", "))
	}
	for _, name := range dedupe(c.Scenes) {
		s, err := lookupScene(name)
		if err != nil {
			return nil, &ConfigError{err}
		}
		if c.Width > 0 && c.Height > 0 {
			s.View.Width, s.View.Height = c.Width, c.Height
		} else if c.Width != 0 || c.Height != 0 {
			return nil, configErrorf("size must be positive, got %dx%d", c.Width, c.Height)
		}
		if c.SizeFactor > 1 {
			s.View.Width *= c.SizeFactor
			s.View.Height *= c.SizeFactor
		}
		if wh, ok := c.SceneSizes[name]; ok {
			if c.Width != 0 || c.SizeFactor > 1 {
				return nil, configErrorf("scene sizes from an earlier sweep cannot be combined with a size or a size factor")
			}
			s.View.Width, s.View.Height = wh[0], wh[1]
		}
		if c.MaxIter != 0 {
			s.View.MaxIter = c.MaxIter
		}
		if err := s.View.Validate(); err != nil {
			return nil, configErrorf("scene %s: %w", name, err)
		}
		p.scenes = append(p.scenes, s)
	}
	available := c.AvailableMemory
	if available == nil {
		available = sysmem.Available
	}
	if err := sysmem.Check(memoryNeeded(p.scenes), available()); err != nil {
		return nil, configErrorf("the sweep %w (every scene's frame is kept); choose a smaller size or fewer scenes", err)
	}
	p.kernelName = c.Kernel
	if p.kernelName == "" || p.kernelName == "auto" {
		p.kernelName = render.AutoKernel()
	}
	var err error
	if p.kernel, err = render.LookupKernel(p.kernelName); err != nil {
		return nil, &ConfigError{err}
	}
	lookup := c.Lookup
	if lookup == nil {
		lookup = strategies.Lookup
	}
	if len(c.Strategies) == 0 {
		return nil, configErrorf("no strategies (valid: %s)", strings.Join(strategies.Names(), ", "))
	}
	for _, name := range dedupe(c.Strategies) {
		s, err := lookup(name)
		if err != nil {
			return nil, &ConfigError{err}
		}
		p.strategies = append(p.strategies, s)
	}
	if p.workers, err = counts("workers", c.Workers, maxWorkers); err != nil {
		return nil, err
	}
	if p.grains, err = counts("grain", c.Grains, 1<<20); err != nil {
		return nil, err
	}
	if len(c.Simulate) > 0 {
		if p.simulate, err = counts("simulate", c.Simulate, strategies.MaxWorkers); err != nil {
			return nil, err
		}
	}
	if c.Reps < 1 {
		return nil, configErrorf("reps must be at least 1, got %d", c.Reps)
	}
	if c.Warmup < 0 {
		return nil, configErrorf("warmup must not be negative, got %d", c.Warmup)
	}
	switch {
	case c.TargetTime < 0:
		return nil, configErrorf("target time must not be negative, got %v", c.TargetTime)
	case c.MinTime < 0:
		return nil, configErrorf("min time must not be negative, got %v", c.MinTime)
	case c.MaxTime < 0:
		return nil, configErrorf("max time must not be negative, got %v", c.MaxTime)
	}
	if c.Out == "" {
		return nil, configErrorf("no output directory")
	}
	// The commit goes into summary.md and bench.txt, line-based formats in
	// which a newline would start a line of its own.
	if i := strings.IndexFunc(c.Commit, unicode.IsControl); i >= 0 {
		return nil, configErrorf("commit %q holds a control character (%U); give a revision on one line", c.Commit, []rune(c.Commit[i:])[0])
	}
	return p, nil
}

// memoryNeeded estimates the peak memory of a sweep: every scene's frame
// and row counts, which live for the whole sweep, and the largest picture,
// drawn one at a time (an RGBA image, 4 bytes per pixel). The rest (reports,
// traces, charts) is small beside them.
func memoryNeeded(scenes []Scene) float64 {
	var frames, picture float64
	for _, s := range scenes {
		pixels := float64(s.View.Width) * float64(s.View.Height)
		frames += render.MemoryNeeded(s.View, 1).Frame + 4*float64(s.View.Height)
		if m, err := render.MethodAuto.Resolve(s.View); err == nil && m == render.MethodPerturb {
			frames += render.PerturbationMemory(s.View, true) // the reference orbit and BLA table
		}
		picture = max(picture, 4*pixels)
	}
	return frames + picture
}

// counts checks a list of counts and returns it sorted without duplicates.
func counts(what string, xs []int, limit int) ([]int, error) {
	if len(xs) == 0 {
		return nil, configErrorf("empty %s list", what)
	}
	for _, x := range xs {
		if x < 1 || x > limit {
			return nil, configErrorf("%s must be in 1..%d, got %d", what, limit, x)
		}
	}
	out := slices.Clone(xs)
	slices.Sort(out)
	return slices.Compact(out), nil
}

// dedupe drops repeated names, keeping the first of each.
func dedupe(names []string) []string {
	var out []string
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// prepareOut creates dir if needed, claims it (claimOut) and checks that
// it is empty, so that an unwritable output fails before minutes of
// measuring and two sweeps never write into one folder. A dir that exists
// as a file or holds files is the caller's choice to change (a
// *ConfigError); one that cannot be created or written, for want of
// permission or on a read-only file system, is a failure like any other
// write (a plain error). release gives up the claim once the sweep has
// written its files.
func prepareOut(dir string) (release func(), err error) {
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return nil, configErrorf("output directory %s is a file; choose a directory", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("bench: cannot create the output directory: %w", err)
	}
	release, err = claimOut(dir)
	if err != nil {
		return nil, err
	}
	// After the claim: a sweep that claimed and released the folder
	// before this one has left its files in it.
	entries, err := os.ReadDir(dir)
	if err != nil {
		release()
		return nil, fmt.Errorf("bench: output directory: %w", err)
	}
	if len(entries) > 1 {
		release()
		return nil, configErrorf("output directory %s is not empty; remove it or choose another", dir)
	}
	return release, nil
}
