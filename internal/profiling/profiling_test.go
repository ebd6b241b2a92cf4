package profiling

import (
	"os"
	"path/filepath"
	"runtime/trace"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// The runtime's trace and profile writers must stop with Stop.
	goleak.VerifyTestMain(m)
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestKeep: kept files appear whole at their paths, and nothing else does.
func TestKeep(t *testing.T) {
	dir := t.TempDir()
	files := Files{Trace: filepath.Join(dir, "t.out"), CPUProfile: filepath.Join(dir, "cpu.out")}
	s, err := Start(files)
	if err != nil {
		t.Fatal(err)
	}
	if !trace.IsEnabled() {
		t.Error("Start did not start the trace")
	}
	if err := s.Stop(true); err != nil {
		t.Fatal(err)
	}
	if trace.IsEnabled() {
		t.Error("Stop did not stop the trace")
	}
	if got := strings.Join(entries(t, dir), " "); got != "cpu.out t.out" {
		t.Errorf("files %q, want cpu.out t.out", got)
	}
	for _, path := range []string{files.Trace, files.CPUProfile} {
		if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v, want a non-empty file", path, err)
		}
	}
}

// TestDiscard: Stop without keep leaves no file, not even a temporary one.
func TestDiscard(t *testing.T) {
	dir := t.TempDir()
	s, err := Start(Files{Trace: filepath.Join(dir, "t.out"), CPUProfile: filepath.Join(dir, "cpu.out")})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(false); err != nil {
		t.Fatal(err)
	}
	if files := entries(t, dir); len(files) != 0 {
		t.Errorf("Stop(false) left %v", files)
	}
}

// TestStartFails: a second trace at once, or a profile that cannot be
// created, fails Start, which then leaves nothing running and no file.
func TestStartFails(t *testing.T) {
	dir := t.TempDir()
	first, err := Start(Files{Trace: filepath.Join(dir, "first.out")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Start(Files{Trace: filepath.Join(dir, "second.out")}); err == nil || !strings.HasPrefix(err.Error(), "trace ") {
		t.Errorf("a second trace: error %v, want one that says trace", err)
	}
	if err := first.Stop(false); err != nil {
		t.Fatal(err)
	}
	_, err = Start(Files{Trace: filepath.Join(dir, "t.out"), CPUProfile: filepath.Join(dir, "no", "cpu.out")})
	if err == nil || !strings.HasPrefix(err.Error(), "cpu profile: ") {
		t.Errorf("a profile in a missing directory: error %v", err)
	}
	if trace.IsEnabled() {
		t.Error("a failed Start left the trace running")
	}
	if files := entries(t, dir); len(files) != 0 {
		t.Errorf("failed Starts left %v", files)
	}
	var none *Session
	if s, err := Start(Files{}); s != none || err != nil {
		t.Errorf("Start of no files: %v, %v; want nil, nil", s, err)
	}
	if err := none.Stop(true); err != nil {
		t.Errorf("a nil Session's Stop: %v", err)
	}
}
