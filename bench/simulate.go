package bench

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/mandel-project/mandel/bench/model"
	"github.com/mandel-project/mandel/strategies"
)

// rowCostPasses is how many times each row is timed; the model takes the
// median, so that one preemption does not make a row look expensive.
const rowCostPasses = 3

// rowCosts times every row of every scene, rendered alone on one worker as
// serial renders it, for the model. Only when Config.Simulate is set.
func (s *sweep) rowCosts(ctx context.Context) error {
	if len(s.plan.simulate) == 0 {
		return nil
	}
	runtime.GOMAXPROCS(1)
	for _, sr := range s.scenes {
		if err := ctx.Err(); err != nil {
			return s.interrupted(err)
		}
		s.progress.phase("timing the rows of " + sr.Name)
		n := sr.r.Units()
		passes := make([][]float64, n)
		runtime.GC()
		for range rowCostPasses {
			for y := range n {
				t0 := time.Now()
				sr.r.RenderUnits(y, y+1)
				passes[y] = append(passes[y], time.Since(t0).Seconds())
			}
		}
		sr.rowCosts = make([]float64, n)
		for y, xs := range passes {
			slices.Sort(xs)
			sr.rowCosts[y] = xs[len(xs)/2]
		}
	}
	return s.emulate(ctx)
}

var (
	modelHeader = []string{"scene", "strategy", "grain", "workers", "makespan_s", "speedup", "efficiency",
		"imbalance", "claims", "steal_attempts", "steals"}
	validationHeader = []string{"scene", "strategy", "grain", "workers", "measured_s", "predicted_s",
		"error", "measured_speedup", "predicted_speedup"}
)

// writeModel writes model.csv, the model's prediction for every scene,
// strategy and grain of the sweep at each worker count of Config.Simulate,
// and model-validation.csv, the prediction beside the measured median of
// every configuration the sweep measured. Speedups are against the sum of
// the row costs, the model's serial run without overhead; error is
// predicted / measured - 1.
func (r *Result) writeModel() []error {
	if len(r.simulate) == 0 {
		return nil
	}
	costs := map[string][]float64{}
	for _, sr := range r.scenes {
		if sr.rowCosts != nil {
			costs[sr.Name] = sr.rowCosts
		}
	}
	simulate := func(scene, strategy string, workers, grain int) (*model.Result, error) {
		res, err := model.Simulate(strategy, costs[scene], model.Params{Workers: workers, Grain: grain, Overhead: model.Overheads[strategy]})
		if err != nil {
			return nil, fmt.Errorf("bench: model.csv: %w", err)
		}
		return res, nil
	}
	names := []string{strategies.Serial.Name()}
	for _, st := range r.strategies {
		if st != strategies.Serial {
			names = append(names, st.Name())
		}
	}
	pred := writeFile(r.path("model.csv"), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(modelHeader)
		for _, sr := range r.scenes {
			if sr.rowCosts == nil {
				continue // the sweep stopped before its rows were timed
			}
			for _, name := range names {
				st, _ := strategies.Lookup(name)
				grains := []int{1}
				if st.UsesGrain() {
					grains = r.grains
				}
				for _, g := range grains {
					for _, wk := range r.simulate {
						if name == "serial" && wk != 1 {
							continue
						}
						res, err := simulate(sr.Name, name, wk, g)
						if err != nil {
							return err
						}
						cw.Write([]string{sr.Name, name, strconv.Itoa(g), strconv.Itoa(wk), num(res.Makespan),
							num(res.Speedup), num(res.Efficiency), num(res.Imbalance),
							strconv.Itoa(res.Claims), strconv.Itoa(res.StealAttempts), strconv.Itoa(res.Steals)})
					}
				}
			}
		}
		cw.Flush()
		return cw.Error()
	})
	val := writeFile(r.path("model-validation.csv"), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(validationHeader)
		for _, s := range r.Summaries {
			if costs[s.Scene] == nil {
				continue
			}
			res, err := simulate(s.Scene, s.Strategy, s.Workers, s.Grain)
			if err != nil {
				return err
			}
			cw.Write([]string{s.Scene, s.Strategy, strconv.Itoa(s.Grain), strconv.Itoa(s.Workers),
				num(s.MedianS), num(res.Makespan), num(res.Makespan/s.MedianS - 1),
				numPtr(s.Speedup), num(res.Speedup)})
		}
		cw.Flush()
		return cw.Error()
	})
	return []error{pred, val}
}
