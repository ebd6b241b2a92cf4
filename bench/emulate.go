package bench

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/mandel-project/mandel/bench/model"
)

// EmulatedHeader is the header of emulated.csv. Error is
// predicted / measured - 1; block_overhead_s is the sleep overshoot that the
// model added to every block (model.Emulated.Overshoot). measured_s is the median
// of reps runs, measured_min_s and measured_max_s their spread.
var EmulatedHeader = []string{"scene", "strategy", "grain", "workers", "measured_s", "predicted_s", "error", "block_overhead_s",
	"reps", "measured_min_s", "measured_max_s"}

// emulate runs the emulation of every scene whose rows were timed, at the
// worker counts of Config.Simulate from 4 to 64, and writes emulated.csv.
// A sweep without such counts writes nothing.
func (s *sweep) emulate(ctx context.Context) error {
	workers := model.EmulateWorkers(s.plan.simulate)
	if len(workers) == 0 {
		return nil
	}
	e := &model.Emulation{Rows: model.EmulateRows, MeanRow: model.EmulateMeanRow, MinRow: model.EmulateMinRow, Reps: model.EmulateReps, Machine: s.measured}
	var all []model.Emulated
	// emulated.csv holds what was emulated even when the emulation stops
	// early, as the charts and summary.md, drawn from the same scenes, do.
	defer func() {
		if err := WriteFile(s.path("emulated.csv"), func(w io.Writer) error { return writeEmulated(w, all) }); err != nil {
			s.writeErrs = append(s.writeErrs, err)
		}
	}()
	for _, sr := range s.scenes {
		if sr.RowCosts == nil {
			continue
		}
		s.progress.Phase("emulating " + sr.Name + " on sleeping workers")
		costs := model.EmulateCosts(sr.RowCosts, e.Rows, e.MeanRow, e.MinRow)
		rs, err := e.Emulate(ctx, sr.Name, costs, s.plan.strategies, s.plan.grains, workers)
		sr.Emulated = rs
		all = append(all, rs...)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("bench: interrupted while emulating %s, after all %d timed runs: %w", sr.Name, s.runsDone, err)
			}
			return err
		}
	}
	return nil
}

// writeEmulated writes rs as emulated.csv.
func writeEmulated(w io.Writer, rs []model.Emulated) error {
	cw := csv.NewWriter(w)
	cw.Write(EmulatedHeader)
	for _, r := range rs {
		cw.Write([]string{r.Scene, r.Strategy.Name(), strconv.Itoa(r.Grain), strconv.Itoa(r.Workers),
			CSVFloat(r.Measured), CSVFloat(r.Predicted), CSVFloat(r.Err()), CSVFloat(r.Overshoot),
			strconv.Itoa(r.Reps), CSVFloat(r.Min), CSVFloat(r.Max)})
	}
	cw.Flush()
	return cw.Error()
}
