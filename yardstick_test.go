package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// buildYardstick builds the C yardstick of bench/yardstick with its build
// script, as scripts/kernel-vs-c.sh does, and returns its path. It skips
// the test where there is no gcc, the only reason it may.
func buildYardstick(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc is not on PATH, so the C yardstick (bench/yardstick) cannot be built; CI has gcc")
	}
	bin := filepath.Join(t.TempDir(), "yardstick")
	if out, err := exec.Command("sh", "bench/yardstick/build.sh", bin).CombinedOutput(); err != nil {
		t.Fatalf("bench/yardstick/build.sh: %v\n%s", err, out)
	}
	return bin
}

var (
	yardstickTotal = regexp.MustCompile(` total=(\d+) hash=([0-9a-f]{16}) `)
	mandelTotal    = regexp.MustCompile(`(?m)^render .*, (\d+) iterations$`)
	// fusedName matches scalar_fma and avx2_fma_x4u2, not avx2_nofma_x4u2.
	fusedName = regexp.MustCompile(`(^|_)fma(_|$)`)
)

// yardstick runs the yardstick's kernel on a workload, with the threads and
// schedule of more if given, and returns its total and hash.
func yardstick(t *testing.T, bin, kernel, workload string, more ...string) (total, hash string) {
	t.Helper()
	args := append([]string{kernel, workload}, more...)
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		t.Fatalf("yardstick %s: %v", strings.Join(args, " "), err)
	}
	m := yardstickTotal.FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("yardstick %s printed no total: %q", strings.Join(args, " "), out)
	}
	return m[1], m[2]
}

// TestYardstickCountsAsMandel: the C yardstick's exact kernels (those this
// CPU can run) count, on views of a few thousand pixels, the iterations
// mandel -v counts for the same view without shortcuts; its reference
// kernel gives the figures docs/design.md records for the small workload,
// and its fused kernels those of a kernel with an FMA.
func TestYardstickCountsAsMandel(t *testing.T) {
	bin := buildYardstick(t)
	list, err := exec.Command(bin, "--list").Output()
	if err != nil {
		t.Fatalf("yardstick --list: %v", err)
	}
	var exact, fused []string
	for _, line := range strings.Split(strings.TrimSpace(string(list)), "\n") {
		name := strings.Fields(line)[0]
		switch {
		case strings.HasSuffix(line, "(not on this CPU)"):
		case fusedName.MatchString(name):
			fused = append(fused, name)
		default:
			exact = append(exact, name)
		}
	}
	if len(exact) == 0 || exact[0] != "scalar" {
		t.Fatalf("yardstick --list: want the scalar kernel first, got %q", list)
	}
	t.Logf("exact kernels on this CPU: %v; fused: %v", exact, fused)

	for _, view := range []struct{ width, height, center, scale, maxiter string }{
		{"61", "37", "-0.7436,0.1318", "0.01", "500"}, // off the axis, no row its own mirror image
		{"45", "29", "-0.75,0.1", "3", "300"},         // mostly outside, a width of no whole vector
		{"16", "9", "0.2925,0.0165", "0.035", "2000"}, // a spiral, deep
	} {
		args := []string{"-v", "-s", "serial", "-w", "1", "--kernel", "scalar", "--shortcuts=false",
			"--size", view.width + "x" + view.height, "--center=" + view.center, "--scale", view.scale,
			"--maxiter", view.maxiter, "--format", "pgm", "DIR/o.pgm"}
		code, _, stderr := mandel(t, t.TempDir(), args...)
		m := mandelTotal.FindStringSubmatch(stderr)
		if code != exitOK || m == nil {
			t.Fatalf("mandel %s: exit %d, no iterations in %q", strings.Join(args, " "), code, stderr)
		}
		workload := strings.Join([]string{"view", view.width, view.height, strings.ReplaceAll(view.center, ",", ":"), view.scale, view.maxiter}, ":")
		for _, k := range exact {
			if total, _ := yardstick(t, bin, k, workload); total != m[1] {
				t.Errorf("yardstick %s %s: total %s, mandel counts %s", k, workload, total, m[1])
			}
		}
		// OpenMP over rows changes who renders a row, not its counts. (A
		// gcc without libgomp builds a yardstick of one thread.)
		if out, err := exec.Command(bin, "scalar", "view:1:1:0:0:1:1", "2").CombinedOutput(); err != nil {
			if !strings.Contains(string(out), "built without OpenMP") {
				t.Fatalf("yardstick on 2 threads: %v: %s", err, out)
			}
			t.Log("the yardstick was built without OpenMP: its schedules are not checked")
			continue
		}
		for _, sched := range []string{"static", "static1", "dynamic1", "guided"} {
			if total, _ := yardstick(t, bin, "scalar", workload, "3", sched); total != m[1] {
				t.Errorf("yardstick scalar %s 3 %s: total %s, mandel counts %s", workload, sched, total, m[1])
			}
		}
	}

	// docs/design.md's figures for the small workload (W1's window at 512x512).
	for _, k := range exact {
		if total, hash := yardstick(t, bin, k, "small"); total != "33358830" || hash != "61f0fd3502fe8d63" {
			t.Errorf("yardstick %s small: total %s hash %s, want 33358830 61f0fd3502fe8d63", k, total, hash)
		}
	}
	for _, k := range fused {
		if total, hash := yardstick(t, bin, k, "small"); total != "33358830" || hash != "6e9e3b2fec99328f" {
			t.Errorf("yardstick %s small: total %s hash %s, want 33358830 6e9e3b2fec99328f (an FMA kernel's)", k, total, hash)
		}
	}
}
