package bench

import (
	"fmt"
	"time"

	"github.com/mandel-project/mandel/bench/model"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

// Result is what a sweep measured, for package bench/report to write. Run
// returns it with the files it wrote as it went (runs.csv, env.json marked
// unfinished, the pictures, emulated.csv).
type Result struct {
	// Dir is the results directory, where Run wrote and the report writes.
	Dir string
	// Env is what env.json holds (Env.Partial is set when the sweep stopped
	// early); Summaries what summary.json holds.
	Env       Env
	Summaries []Summary
	// Table is the Markdown table of summary.md.
	Table string
	// Warnings are the sweep's warnings, as env.json has them, for the
	// top of summary.md and report.md and the end of stderr.
	Warnings []string

	// Configs is every configuration with its timed runs, in sweep order.
	// (The counts measured, for the charts' axes and the grain in names,
	// are Env.Sweep's.)
	Configs []*Configuration
	// Scenes are the scenes measured, with their row costs and emulation.
	Scenes []*SceneResult
	// Strategies are the strategies measured: serial, the baseline, first,
	// then the others as configured.
	Strategies []strategies.Strategy
	// Simulate is Config.Simulate, sorted: the worker counts of model.csv.
	Simulate []int
	// Machine is the machine's costs, as the sweep measured them for the
	// model (with Config.Simulate).
	Machine model.Machine
	// WriteErrs are the errors of the files written during the sweep,
	// which the report returns with its own.
	WriteErrs []error
	// Progress is the sweep's status line, for the report's phase; nil only
	// in a Result that did not come from Run.
	Progress *Progress
}

// SceneResult is a scene as the sweep measured it.
type SceneResult struct {
	Scene
	// Work is the iterations of the reference render.
	Work int64
	// RowCosts is each unit's (row's) serial render time in seconds, for
	// the model; nil unless Config.Simulate is set and the rows were timed.
	RowCosts []float64
	// Emulated is the scene's emulation (Config.Simulate from 4 to 64).
	Emulated []model.Emulated
	// Perturbs reports whether the scene renders by perturbation, each
	// run computing its reference orbit first; ReferenceS is then the
	// median over the scene's timed runs of that serial prefix, in
	// seconds, which the model adds before the rows (model.Params.Prefix).
	Perturbs   bool
	ReferenceS float64
}

// sceneRun is a scene being measured: its renderer, reused by every run
// (every run clears the frame first) or, for a scene that perturbs, the
// one its last run made, the hash of its serial reference, and how many
// times each row was rendered in the current run.
type sceneRun struct {
	*SceneResult
	r        *render.Renderer
	hash     uint64
	rendered []uint32
	// rowPasses are the passes of timeRows, rowPasses[pass][row], in
	// seconds, until settleRowCosts makes them RowCosts.
	rowPasses [][]float64
	// calibratedS is the serial time measured for the size chosen by
	// scaleScenes, 0 when the sweep kept the size given; calibratedRefS
	// the reference orbit's part of it.
	calibratedS, calibratedRefS float64
	// baseW and baseH are the size before scaleScenes.
	baseW, baseH int
}

// Configuration is one measured configuration and its timed runs.
type Configuration struct {
	Scene    *SceneResult
	Strategy strategies.Strategy
	Workers  int
	Grain    int
	Samples  []Sample
	// Spent is the time the timed runs took, their checks and the
	// collection before each included: what Config.MaxTime caps.
	Spent time.Duration
	// Trace is the report of the configuration's traced run, for its
	// timeline; nil when it had none.
	Trace *strategies.Report
}

func (c *Configuration) String() string {
	workers := "workers"
	if c.Workers == 1 {
		workers = "worker"
	}
	return fmt.Sprintf("scene %s, strategy %s, %d %s, grain %d", c.Scene.Name, c.Strategy.Name(), c.Workers, workers, c.Grain)
}

// config is a Configuration being measured, with its scene's renderer.
type config struct {
	*Configuration
	scene *sceneRun
}

// Sample is one timed run.
type Sample struct {
	// Seq counts the timed runs of the sweep, Round those of the
	// configuration, from 0.
	Seq, Round int
	// Wall is the run's time: for a scene that perturbs, Reference, the
	// reference orbit and BLA table computed on one core (in
	// render.NewRenderer, with the frame's allocation), and then the
	// strategy's render of the rows.
	Wall, Reference time.Duration
	Report          *strategies.Report
}

// newConfig returns the configuration of st with workers and grain on sr.
func newConfig(sr *sceneRun, st strategies.Strategy, workers, grain int) *config {
	return &config{Configuration: &Configuration{Scene: sr.SceneResult, Strategy: st, Workers: workers, Grain: grain}, scene: sr}
}
