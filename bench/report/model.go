package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/mandel-project/mandel/bench"
	"github.com/mandel-project/mandel/bench/model"
	"github.com/mandel-project/mandel/strategies"
)

var (
	modelHeader = []string{"scene", "strategy", "grain", "workers", "makespan_s", "speedup", "efficiency",
		"imbalance", "claims", "steal_attempts", "steals", "prefix_s"}
	validationHeader = []string{"scene", "strategy", "grain", "workers", "measured_s", "predicted_s",
		"error", "measured_speedup", "predicted_speedup", "measured_busy_s", "predicted_busy_s", "busy_error",
		"schedule_error"}
)

// writeModel writes model.csv, the model's prediction for every scene,
// strategy and grain of the sweep at each worker count of Config.Simulate,
// and model-validation.csv, the prediction beside the measured median of
// every configuration the sweep measured. Speedups are against the sum of
// the row costs, the model's serial run without overhead; error is
// predicted / measured - 1.
//
// The validation also splits each miss in two. busy_error compares the
// time the workers spent in the task with the sum of the row costs: where
// it is not 0 the rows themselves cost more (or less) in that run than
// alone, which no schedule explains (another core's writes nearby, a
// shared cache, the machine's load). schedule_error is what the error
// would have been had the model known that: the prediction scaled by the
// measured busy time over the predicted one, against the measured time;
// what remains is the schedule, the claims and the waiting.
func (r *report) writeModel() []error {
	if len(r.Simulate) == 0 {
		return nil
	}
	simulate := func(sr *bench.SceneResult, st strategies.Strategy, workers, grain int) (*model.Result, error) {
		res, err := model.Simulate(st, sr.RowCosts, r.params(sr, st, workers, grain))
		if err != nil {
			return nil, fmt.Errorf("report: model.csv: %w", err)
		}
		return res, nil
	}
	sts := r.Strategies
	pred := bench.WriteFile(r.path("model.csv"), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(modelHeader)
		for _, sr := range r.Scenes {
			if sr.RowCosts == nil {
				continue // the sweep stopped before its rows were timed
			}
			for _, st := range sts {
				grains := []int{1}
				if st.UsesGrain() {
					grains = r.Env.Sweep.Grains
				}
				for _, g := range grains {
					for _, wk := range r.Simulate {
						if st == strategies.Serial && wk != 1 {
							continue
						}
						res, err := simulate(sr, st, wk, g)
						if err != nil {
							return err
						}
						cw.Write([]string{sr.Name, st.Name(), strconv.Itoa(g), strconv.Itoa(wk), num(res.Makespan),
							num(res.Speedup), num(res.Efficiency), num(res.Imbalance),
							strconv.Itoa(res.Claims), strconv.Itoa(res.StealAttempts), strconv.Itoa(res.Steals), num(sr.ReferenceS)})
					}
				}
			}
		}
		cw.Flush()
		return cw.Error()
	})
	val := bench.WriteFile(r.path("model-validation.csv"), func(w io.Writer) error {
		vs, err := r.validation()
		if err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		cw.Write(validationHeader)
		for _, v := range vs {
			cw.Write([]string{v.Scene, v.Strategy.Name(), strconv.Itoa(v.Grain), strconv.Itoa(v.Workers),
				num(v.Measured), num(v.Predicted), num(v.Err()),
				numPtr(v.measuredSpeedup), num(v.predictedSpeedup),
				num(v.measuredBusy), num(v.predictedBusy), num(v.measuredBusy/v.predictedBusy - 1),
				num(v.scheduleErr())})
		}
		cw.Flush()
		return cw.Error()
	})
	overheads := r.Machine.Overheads()
	ovh := bench.WriteFile(r.path("overheads.csv"), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(overheadsHeader)
		for _, st := range sts {
			one, two := "", ""
			if c, ok := r.Machine.Claim(st); ok {
				one, two = num(c.One*1e9), num(c.Two*1e9)
			}
			cw.Write([]string{st.Name(), one, two, num(overheads[st].Claim * 1e9), r.Machine.OverheadSource(st)})
		}
		cw.Flush()
		return cw.Error()
	})
	prim := bench.WriteFile(r.path("primitives.csv"), func(w io.Writer) error { return writePrimitives(w, r.Machine) })
	return []error{pred, val, ovh, prim}
}

// validated is a configuration the sweep measured beside the model's
// prediction of it: times (the median and the makespan), speedups, the
// time spent in the task (the median busy time summed over the workers, and
// the sum of the row costs), and the serial prefix the prediction starts
// with (a deep scene's reference orbit; 0 for the others).
type validated struct {
	model.Point
	measuredSpeedup             *float64
	predictedSpeedup            float64
	measuredBusy, predictedBusy float64
	prefix                      float64
}

// scheduleErr is the error had the model known what the rows cost in the
// run: the prediction's parallel part scaled by the measured busy time
// over the predicted one, after its prefix, against the measured time.
func (v validated) scheduleErr() float64 {
	return (v.prefix+(v.Predicted-v.prefix)*v.measuredBusy/v.predictedBusy)/v.Measured - 1
}

// params is the model's parameters for st at workers and grain on scene
// sr: the machine's, and the scene's serial prefix, its reference orbit's
// median time where it perturbs.
func (r *report) params(sr *bench.SceneResult, st strategies.Strategy, workers, grain int) model.Params {
	p := r.Machine.Params(st, workers, grain)
	p.Prefix = sr.ReferenceS
	return p
}

// validation predicts every configuration the sweep measured on a scene
// whose rows were timed.
func (r *report) validation() ([]validated, error) {
	var out []validated
	for _, s := range r.Summaries {
		i := slices.IndexFunc(r.Scenes, func(sr *bench.SceneResult) bool { return sr.Name == s.Scene })
		if i < 0 || r.Scenes[i].RowCosts == nil || s.Measured == nil {
			continue
		}
		st := s.Measured.Strategy
		res, err := model.Simulate(st, r.Scenes[i].RowCosts, r.params(r.Scenes[i], st, s.Workers, s.Grain))
		if err != nil {
			return nil, fmt.Errorf("report: model-validation.csv: %w", err)
		}
		v := validated{
			Point: model.Point{Scene: s.Scene, Strategy: st, Grain: s.Grain, Workers: s.Workers,
				Measured: s.MedianS, Predicted: res.Makespan},
			measuredSpeedup: s.Speedup, predictedSpeedup: res.Speedup, measuredBusy: s.TotalBusyS,
			prefix: r.Scenes[i].ReferenceS,
		}
		for _, b := range res.Busy {
			v.predictedBusy += b
		}
		out = append(out, v)
	}
	return out, nil
}

// writeModelMarkdown writes summary.md's section on the model: its error
// on the configurations measured, by worker count and, from two workers,
// by grain, and on the emulated ones by grain. Nothing without --simulate.
func (r *report) writeModelMarkdown(w io.Writer) error {
	if len(r.Simulate) == 0 {
		return nil
	}
	vs, err := r.validation()
	if err != nil {
		return err
	}
	var all, parallel []model.Point
	misses, byRows := 0, 0
	for _, v := range vs {
		all = append(all, v.Point)
		if v.Workers >= 2 {
			parallel = append(parallel, v.Point)
			if math.Abs(v.Err()) > 0.10 {
				misses++
				if math.Abs(v.scheduleErr()) <= 0.10 {
					byRows++
				}
			}
		}
	}
	fmt.Fprint(w, "\n## The model (--simulate)\n\n")
	fmt.Fprint(w, "Predicted against measured, every configuration above (model-validation.csv; error = predicted / measured - 1, negative where the model is too fast; model.csv has the predictions to ")
	fmt.Fprintf(w, "%d workers):\n\n", slices.Max(r.Simulate))
	if err := byWorkers(all).writeMarkdown(w); err != nil {
		return err
	}
	if len(parallel) > 0 {
		fmt.Fprint(w, "\nFrom 2 workers, by grain:\n\n")
		if err := byGrain(parallel).writeMarkdown(w); err != nil {
			return err
		}
		if misses > 0 {
			fmt.Fprintf(w, "\nOf the %d misses beyond 10%% from 2 workers, %d are within 10%% once the model is given what the rows cost in the run (schedule_error in model-validation.csv): the rows themselves cost more than alone, which no schedule explains; the other %d missed in the schedule, the claims or the waiting.\n", misses, byRows, misses-byRows)
		}
	}
	var emulated []model.Point
	for _, sr := range r.Scenes {
		emulated = append(emulated, model.EmulatedPoints(sr.Emulated)...)
	}
	if len(emulated) > 0 {
		fmt.Fprint(w, "\nEmulated many cores (emulated.csv: the real strategies on tasks that sleep each row's cost), by grain:\n\n")
		if err := byGrain(emulated).writeMarkdown(w); err != nil {
			return err
		}
	}
	return nil
}

var overheadsHeader = []string{"strategy", "claim_ns_1", "claim_ns_2", "model_claim_ns", "source"}

var primitivesHeader = []string{"primitive", "ns_1", "ns_2", "used_by_model"}

// writePrimitives writes primitives.csv: each primitive's time per
// operation at GOMAXPROCS 1 and 2, and the idle core's wake-up, with what
// the model takes from each.
func writePrimitives(w io.Writer, m model.Machine) error {
	cw := csv.NewWriter(w)
	cw.Write(primitivesHeader)
	for _, p := range m.Primitives {
		use := ""
		switch p.Name {
		case "steal-empty":
			use = "steal: each probe of an empty deque (ns_1)"
		case "steal-success":
			use = "steal: each probe that takes work (ns_1)"
		}
		cw.Write([]string{p.Name, num(p.One * 1e9), num(p.Two * 1e9), use})
	}
	if m.Wake > 0 {
		cw.Write([]string{"wake-idle-core", "", num(m.Wake * 1e9), "every strategy: every worker but the first starts this late (ns_2)"})
	}
	cw.Flush()
	return cw.Error()
}
