package bench

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Env describes the machine and the sweep; it is written as env.json.
type Env struct {
	// Partial is true when the sweep stopped early (interrupted or failed);
	// Error then says why.
	Partial bool   `json:"partial"`
	Error   string `json:"error,omitempty"`

	Started   time.Time `json:"started"`
	Finished  time.Time `json:"finished"`
	DurationS float64   `json:"duration_s"`

	Host        string `json:"host"`
	CPU         string `json:"cpu"`
	LogicalCPUs int    `json:"logical_cpus"`
	// GOMAXPROCS is the value the process started with; each run sets its
	// own (its worker count).
	GOMAXPROCS int      `json:"gomaxprocs"`
	GoVersion  string   `json:"go_version"`
	GOOS       string   `json:"goos"`
	GOARCH     string   `json:"goarch"`
	OS         string   `json:"os"`
	Kernel     string   `json:"kernel"`
	Commit     string   `json:"commit"`
	Args       []string `json:"args"`
	// RenderKernel is the render kernel the runs used ("auto" resolved).
	// Kernel above is the operating system's.
	RenderKernel string `json:"render_kernel"`
	// CPUFreq is the CPU frequency policy and boost state, where Linux
	// shows them; absent otherwise.
	CPUFreq *CPUFreq `json:"cpufreq,omitempty"`

	Sweep       SweepInfo   `json:"sweep"`
	Parallelism Parallelism `json:"parallelism"`
	Warnings    []string    `json:"warnings"`
}

// SweepInfo records what was asked for, after defaults and validation.
type SweepInfo struct {
	Scenes     []SceneInfo `json:"scenes"`
	Strategies []string    `json:"strategies"`
	Workers    []int       `json:"workers"`
	Grains     []int       `json:"grains"`
	Reps       int         `json:"reps"`
	Warmup     int         `json:"warmup"`
	Seed       uint64      `json:"seed"`
	// TargetTimeS is Config.TargetTime: the serial render time the scenes
	// were sized for (raised to workers x MinParallelRun where that is
	// more), 0 when they kept the sizes given. MinTimeS and MaxTimeS are
	// Config.MinTime and Config.MaxTime; CIGoal the relative half-width of
	// the median's 95% CI below which a configuration gets no more runs;
	// ShortRunS the floor below which a configuration's median run draws a
	// warning.
	TargetTimeS float64 `json:"target_time_s"`
	MinTimeS    float64 `json:"min_time_s"`
	MaxTimeS    float64 `json:"max_time_s"`
	CIGoal      float64 `json:"ci_goal"`
	ShortRunS   float64 `json:"short_run_s"`
	// ExtraRounds counts the rounds after the Reps timed ones, each of the
	// configurations whose runs were still too few, too short in total or
	// too spread (see Config.MinTime and MaxTime).
	ExtraRounds int `json:"extra_rounds"`
	// Shortcuts is Config.Shortcuts: when set, iterations are those done,
	// not the classic workload's.
	Shortcuts bool `json:"shortcuts"`
	Configs   int  `json:"configs"`
	// RunsPlanned and RunsDone count timed runs; RunsPlanned is Reps per
	// configuration, and extra rounds make RunsDone more.
	RunsPlanned int `json:"runs_planned"`
	RunsDone    int `json:"runs_done"`
	// RowPasses counts the passes over every scene's rows that timed them
	// for the model (--simulate), spread over the timed rounds; 0 without.
	RowPasses int `json:"row_passes"`
}

// SceneInfo describes a scene as measured, with its reference frame.
type SceneInfo struct {
	Name       string     `json:"name"`
	Width      int        `json:"width"`
	Height     int        `json:"height"`
	MaxIter    int        `json:"maxiter"`
	Center     [2]float64 `json:"center"`
	Scale      float64    `json:"scale"`
	Iterations int64      `json:"iterations"`
	// BaseWidth and BaseHeight are the scene's own size, which the sweep
	// scaled to Width x Height for its target time; SerialS is the
	// serial render time measured for that size (0 when the sweep kept
	// the size given).
	BaseWidth  int     `json:"base_width"`
	BaseHeight int     `json:"base_height"`
	SerialS    float64 `json:"calibrated_serial_s"`
	// Hash is the FNV-1a hash of the serial reference frame, which every
	// run's frame must match.
	Hash string `json:"hash"`
	// CenterText and ScaleText are the centre and scale as exact
	// decimals: a deep scene's are not its float64s (1e-1000 is 0).
	CenterText string `json:"center_text"`
	ScaleText  string `json:"scale_text"`
	// Method is how the scene renders, "direct" or "perturb". A scene
	// that perturbs computes its reference orbit first in every run, on
	// one core: CalibratedReferenceS is that part of SerialS, and
	// ReferenceS its median over the sweep's timed runs (both 0 for a
	// direct scene).
	Method               string  `json:"method"`
	CalibratedReferenceS float64 `json:"calibrated_reference_s"`
	ReferenceS           float64 `json:"reference_s"`
}

// Parallelism is the result of the probe: the same fixed CPU-bound loop
// timed on one goroutine and on N at once (GOMAXPROCS = N). On N idle cores
// both take the same time and Effective = N * One / All is N.
type Parallelism struct {
	Goroutines int     `json:"goroutines"`
	Loop       int     `json:"loop"`
	OneS       float64 `json:"one_s"`
	AllS       float64 `json:"all_s"`
	Effective  float64 `json:"effective"`
	// Low is set when Effective < lowParallelism * Goroutines: the machine
	// is shared, throttled or oversubscribed, and scaling charts from it
	// understate what the strategies can do.
	Low bool `json:"low"`
}

// lowParallelism is the fraction of N below which the probe warns.
const lowParallelism = 0.8

// defaultProbeLoop makes one probe loop take some tens of milliseconds.
const defaultProbeLoop = 1 << 25

// probeSink keeps the compiler from discarding the probe's loop.
var probeSink atomic.Uint64

// spin is the probe's work: a fixed-length chain of integer hash steps, no
// memory traffic, so it measures cores and nothing else.
func spin(n int) uint64 {
	x := uint64(0x9E3779B97F4A7C15)
	for i := 0; i < n; i++ {
		x ^= x >> 33
		x *= 0xff51afd7ed558ccd
		x ^= x >> 29
	}
	return x
}

// probeParallelism times spin(loop) on 1 goroutine and on n goroutines at
// once, the best of three each, with GOMAXPROCS set to n meanwhile.
func probeParallelism(n, loop int) Parallelism {
	prev := runtime.GOMAXPROCS(n)
	defer runtime.GOMAXPROCS(prev)
	one, all := time.Duration(1<<62), time.Duration(1<<62)
	for trial := 0; trial < 3; trial++ {
		start := time.Now()
		probeSink.Add(spin(loop))
		one = min(one, time.Since(start))

		var wg sync.WaitGroup
		start = time.Now()
		for g := 0; g < n; g++ {
			wg.Go(func() { probeSink.Add(spin(loop)) })
		}
		wg.Wait()
		all = min(all, time.Since(start))
	}
	p := Parallelism{Goroutines: n, Loop: loop, OneS: one.Seconds(), AllS: all.Seconds()}
	if all > 0 {
		p.Effective = float64(n) * p.OneS / p.AllS
	}
	p.Low = p.Effective < lowParallelism*float64(n)
	return p
}

// machine fills in the description of the machine and the build.
func machine(e *Env, commit string) {
	e.Host, _ = os.Hostname()
	e.CPU = cpuModel()
	e.LogicalCPUs = runtime.NumCPU()
	e.GOMAXPROCS = runtime.GOMAXPROCS(0)
	e.GoVersion = runtime.Version()
	e.GOOS, e.GOARCH = runtime.GOOS, runtime.GOARCH
	e.OS = osRelease()
	e.Kernel = readTrim("/proc/sys/kernel/osrelease")
	if e.Kernel == "" {
		e.Kernel = commandOutput("uname", "-r")
	}
	e.CPUFreq = readCPUFreq("/sys")
	e.Commit = commit
	if e.Commit == "" {
		e.Commit = buildCommit()
	}
}

// cpuModel returns the CPU's name as the Go testing package's "cpu:" line
// would: /proc/cpuinfo's model name on Linux.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			key, val, ok := strings.Cut(sc.Text(), ":")
			key = strings.TrimSpace(key)
			if ok && (key == "model name" || key == "Model" || key == "cpu model") {
				return strings.TrimSpace(val)
			}
		}
	}
	if s := commandOutput("sysctl", "-n", "machdep.cpu.brand_string"); s != "" {
		return s
	}
	return "unknown " + runtime.GOARCH
}

// osRelease returns PRETTY_NAME from /etc/os-release, or GOOS.
func osRelease() string {
	f, err := os.Open("/etc/os-release")
	if err != nil {
		return runtime.GOOS
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "PRETTY_NAME="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return runtime.GOOS
}

// buildCommit returns the VCS revision the binary was built from ("-dirty"
// when the tree had changes), else asks git about the current directory's
// repository if it is this module's, else "unknown". A test binary, `go
// run` or -buildvcs=false records no revision, hence the fallback.
func buildCommit() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, kv := range info.Settings {
			switch kv.Key {
			case "vcs.revision":
				rev = kv.Value
			case "vcs.modified":
				dirty = kv.Value == "true"
			}
		}
		if rev != "" {
			if dirty {
				rev += "-dirty"
			}
			return rev
		}
	}
	return gitCommit(".")
}

// module is this module's path, as go.mod declares it.
const module = "github.com/mandel-project/mandel"

// gitCommit returns HEAD of the git repository holding dir ("-dirty" when
// tracked files have changes), or "unknown" when there is none or it is not
// this module's: the binary may run from inside some other repository.
func gitCommit(dir string) string {
	top := commandIn(dir, "git", "rev-parse", "--show-toplevel")
	if top == "" || modulePath(filepath.Join(top, "go.mod")) != module {
		return "unknown"
	}
	rev := commandIn(top, "git", "rev-parse", "HEAD")
	if rev == "" {
		return "unknown"
	}
	// GIT_OPTIONAL_LOCKS=0 keeps git status from rewriting the index.
	if commandIn(top, "git", "status", "--porcelain", "--untracked-files=no") != "" {
		rev += "-dirty"
	}
	return rev
}

// modulePath returns the module path a go.mod file declares, or "".
func modulePath(gomod string) string {
	b, err := os.ReadFile(gomod)
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(b)) {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}

func readTrim(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// commandOutput runs a command and returns its trimmed output, or "" if it
// fails: the facts it provides are nice to have, never required.
func commandOutput(name string, args ...string) string {
	return commandIn("", name, args...)
}

// commandIn is commandOutput run in directory dir ("": the current one).
func commandIn(dir, name string, args ...string) string {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C")
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// RunsText says how many timed runs were made against the RunsPlanned of
// the --reps rounds: "46 of 50 timed runs", or, once the extra rounds have
// begun, "122 timed runs, the 50 of the --reps rounds and 72 more", not
// "122 of 50".
func (i SweepInfo) RunsText() string {
	if i.RunsDone <= i.RunsPlanned {
		return fmt.Sprintf("%d of %d timed runs", i.RunsDone, i.RunsPlanned)
	}
	return fmt.Sprintf("%d timed runs, the %d of the --reps rounds and %d more", i.RunsDone, i.RunsPlanned, i.RunsDone-i.RunsPlanned)
}
