package report

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/bench"
)

// TestShortcutsRecorded runs the tiny sweep with and without shortcuts: the
// setting must reach env.json, summary.json, summary.md and bench.txt, and
// with shortcuts the full scene's work must be the iterations done, fewer
// than the classic workload's.
func TestShortcutsRecorded(t *testing.T) {
	iterations := map[bool]int64{}
	for _, on := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "out")
		cfg := tinyConfig(dir)
		cfg.Shortcuts = on
		if _, err := runAndWrite(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}

		var env bench.Env
		readJSON(t, filepath.Join(dir, "env.json"), &env)
		if env.Sweep.Shortcuts != on {
			t.Errorf("shortcuts %v: env.json says %v", on, env.Sweep.Shortcuts)
		}
		var sf summaryFile
		readJSON(t, filepath.Join(dir, "summary.json"), &sf)
		if len(sf.Configs) == 0 {
			t.Fatal("summary.json has no configurations")
		}
		for _, s := range sf.Configs {
			if s.Shortcuts != on {
				t.Errorf("shortcuts %v: summary.json says %v for %s/%s", on, s.Shortcuts, s.Scene, s.Strategy)
			}
		}
		for _, si := range env.Sweep.Scenes {
			if si.Name == "full" {
				iterations[on] = si.Iterations
			}
		}

		md, err := os.ReadFile(filepath.Join(dir, "summary.md"))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(md), "Shortcuts were on"); got != on {
			t.Errorf("shortcuts %v: summary.md says shortcuts were on: %v", on, got)
		}
		txt, err := os.ReadFile(filepath.Join(dir, "bench.txt"))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(txt), "\nshortcuts: true\n"); got != on {
			t.Errorf("shortcuts %v: bench.txt has a shortcuts: true line: %v", on, got)
		}
	}
	if iterations[true] <= 0 || iterations[true] >= iterations[false] {
		t.Errorf("full scene: %d iterations with shortcuts, %d without; want fewer, but some", iterations[true], iterations[false])
	}
}
