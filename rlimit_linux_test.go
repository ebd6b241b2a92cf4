package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildStatic builds the command as the Makefile does, without cgo, into
// the test's temporary directory: the test binary itself may carry the
// race detector, whose shadow memory no address-space limit leaves room
// for.
func buildStatic(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to build the binary with")
	}
	bin := filepath.Join(t.TempDir(), "mandel")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestAddressSpaceLimit runs the binary under ulimit -v, where it once
// died with "fatal error: out of memory", a goroutine dump and its
// temporary file left: an image that needs more than the limit leaves is
// refused in one line before anything is allocated, and one that fits
// renders.
func TestAddressSpaceLimit(t *testing.T) {
	bin := buildStatic(t)
	dir := t.TempDir()
	for _, c := range []struct {
		ulimit string // kB
		args   []string
		code   int
		want   string // in the one line of a refusal
	}{
		{"1000000", []string{"--size", "5000", "o.tiff"}, exitUsage, "tiff needs the whole image in memory"},
		{"1000000", []string{"--size", "6000", "o.jpg"}, exitUsage, "jpeg needs the whole image in memory"},
		{"1000000", []string{"--size", "5000", "--memory", "2GiB", "o.tiff"}, exitUsage, "needs about 310.0 MiB of memory"},
		{"1500000", []string{"--size", "2000", "-m", "50", "o.png"}, exitOK, ""},
		{"1000000", []string{"--size", "20000x16", "-m", "50", "o.png"}, exitOK, ""},
	} {
		cmd := exec.Command("sh", append([]string{"-c", `ulimit -v "$0" && exec "$@"`, c.ulimit, bin}, c.args...)...)
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if code := exitCode(t, cmd); code != c.code {
			t.Errorf("ulimit -v %s; mandel %s: exit %d, want %d; stderr:\n%.500s", c.ulimit, strings.Join(c.args, " "), code, c.code, stderr.String())
			continue
		}
		if c.want != "" {
			oneLine(t, stderr.String(), c.want)
		} else if stderr.Len() > 0 {
			t.Errorf("mandel %s: stderr %q", strings.Join(c.args, " "), stderr.String())
		}
		for _, e := range dirEntries(t, dir) {
			if strings.Contains(e, ".tmp-") {
				t.Errorf("mandel %s left %s", strings.Join(c.args, " "), e)
			}
		}
	}
}
