package bench

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestSimulateWritesModel checks that --simulate writes a prediction for
// every scene, strategy and simulated worker count (serial at one only),
// and a validation row for every measured configuration, with positive
// times and an error that is what its two times say.
func TestSimulateWritesModel(t *testing.T) {
	cfg := tinyConfig(t.TempDir())
	cfg.Simulate = []int{256, 1, 4}
	if _, err := runAndWrite(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(cfg.Out, "model.csv"))
	// 2 scenes x (serial at 1, and bands, atomic, steal at 1, 4, 256).
	if got, want := len(rows)-1, 2*(1+3*3); got != want {
		t.Errorf("model.csv: %d rows, want %d", got, want)
	}
	for _, r := range rows[1:] {
		if r[1] == "serial" && r[3] != "1" {
			t.Errorf("model.csv: serial at %s workers", r[3])
		}
		if s, err := strconv.ParseFloat(r[4], 64); err != nil || s <= 0 {
			t.Errorf("model.csv: makespan %q in %v", r[4], r)
		}
	}
	val := readCSV(t, filepath.Join(cfg.Out, "model-validation.csv"))
	// 2 scenes x (serial, and 3 strategies at 1 and 2 workers).
	if got, want := len(val)-1, 2*(1+3*2); got != want {
		t.Errorf("model-validation.csv: %d rows, want %d", got, want)
	}
	for _, r := range val[1:] {
		measured, _ := strconv.ParseFloat(r[4], 64)
		predicted, _ := strconv.ParseFloat(r[5], 64)
		e, _ := strconv.ParseFloat(r[6], 64)
		if measured <= 0 || predicted <= 0 || math.Abs(e-(predicted/measured-1)) > 1e-4 {
			t.Errorf("model-validation.csv: %v", r)
		}
	}
}

// TestNoSimulateNoModel checks that a sweep without Simulate neither times
// rows nor writes the model's files.
func TestNoSimulateNoModel(t *testing.T) {
	cfg := tinyConfig(t.TempDir())
	if _, err := runAndWrite(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"model.csv", "model-validation.csv"} {
		if _, err := os.Stat(filepath.Join(cfg.Out, name)); !os.IsNotExist(err) {
			t.Errorf("%s: %v, want it absent", name, err)
		}
	}
}
