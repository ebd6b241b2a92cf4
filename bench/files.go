package bench

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mandel-project/mandel/internal/atomicfile"
)

// path returns the path of a results file of the sweep.
func (s *sweep) path(elem ...string) string {
	return filepath.Join(append([]string{s.cfg.Out}, elem...)...)
}

// claimName is the file that marks an output directory as a sweep's while
// it runs.
const claimName = ".mandel-bench-claim"

// claimOut claims dir for one sweep by creating its claim file, which only
// one process can create (O_EXCL), so that two sweeps started together
// with the same --out cannot both write there (runs.csv in neither order,
// a stray line). A directory claimed by another sweep, or by one that was
// killed, is a *ConfigError naming the file. release removes it.
func claimOut(dir string) (release func(), err error) {
	name := filepath.Join(dir, claimName)
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, configErrorf("output directory %s is in use by another mandel bench (if none runs, remove %s)", dir, name)
	}
	if err != nil {
		return nil, fmt.Errorf("bench: output directory %s is not writable: %w", dir, err)
	}
	fmt.Fprintf(f, "%d\n", os.Getpid())
	f.Close()
	return func() { os.Remove(name) }, nil
}

// WriteFile writes a file of the results, creating its directory: it
// appears complete or not at all, even if the process is killed while
// writing. bench/report writes the rest of the results with it.
func WriteFile(path string, write func(w io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if err := atomicfile.WriteFile(context.Background(), path, write); err != nil {
		return fmt.Errorf("bench: writing %s: %w", path, err)
	}
	return nil
}

// WriteJSON writes v as indented JSON with WriteFile.
func WriteJSON(path string, v any) error {
	return WriteFile(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	})
}

// runsLog is runs.csv, written as the sweep goes: one row per timed run,
// flushed at once, so that a sweep that dies still leaves its runs.
type runsLog struct {
	f *os.File
	w *csv.Writer
}

// RunsHeader is the header of runs.csv.
var RunsHeader = []string{"seq", "round", "scene", "strategy", "workers", "grain", "gomaxprocs",
	"wall_ns", "iterations", "pixels", "iter_per_s", "pixels_per_s",
	"imbalance", "overhead_ns", "busy_ns", "blocks", "steals", "reference_ns"}

func newRunsLog(path string) (*runsLog, error) {
	// A new file: the claim on the directory means no other sweep's.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	l := &runsLog{f: f, w: csv.NewWriter(f)}
	if err := l.write(RunsHeader); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

func (l *runsLog) write(row []string) error {
	l.w.Write(row)
	l.w.Flush()
	if err := l.w.Error(); err != nil {
		return fmt.Errorf("bench: writing runs.csv: %w", err)
	}
	return nil
}

func (l *runsLog) add(c *config, smp Sample) error {
	rep := smp.Report
	v := c.scene.View
	pixels := v.Width * v.Height
	secs := smp.Wall.Seconds()
	blocks := rep.Blocks()
	return l.write([]string{
		strconv.Itoa(smp.Seq), strconv.Itoa(smp.Round), c.scene.Name, c.Strategy.Name(),
		strconv.Itoa(c.Workers), strconv.Itoa(c.Grain), strconv.Itoa(c.Workers),
		strconv.FormatInt(smp.Wall.Nanoseconds(), 10), strconv.FormatInt(rep.Work(), 10), strconv.Itoa(pixels),
		CSVFloat(float64(rep.Work()) / secs), CSVFloat(float64(pixels) / secs),
		CSVFloat(rep.Imbalance()), strconv.FormatInt(rep.Overhead().Nanoseconds(), 10),
		strconv.FormatInt(rep.Busy().Nanoseconds(), 10), strconv.Itoa(blocks), strconv.Itoa(rep.Steals()),
		strconv.FormatInt(smp.Reference.Nanoseconds(), 10),
	})
}

func (l *runsLog) close() error {
	if l == nil {
		return nil
	}
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("bench: runs.csv: %w", err)
	}
	return nil
}

// CSVFloat formats a number for CSV: six significant digits, more than
// any timing here is good for, and "" for NaN or infinity (an empty cell,
// which spreadsheets and pandas read as missing).
func CSVFloat(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return ""
	}
	return strconv.FormatFloat(f, 'g', 6, 64)
}
