package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// fakeSbatch stands in for Slurm's sbatch: it runs the script at once, an
// array job's tasks one after another with the variables Slurm sets, in
// the --chdir directory, and fails as the job would.
const fakeSbatch = `#!/usr/bin/env bash
set -euo pipefail
array= chdir=.
while [[ $1 == --* ]]; do
	case $1 in
	--array=*) array=${1#--array=} ;;
	--chdir=*) chdir=${1#--chdir=} ;;
	esac
	shift
done
script=$1
shift
cd "$chdir"
if [[ -z $array ]]; then
	"$script" "$@" >"$chdir/fake-$(basename "$script").log" 2>&1
	echo 2
	exit
fi
lo=${array%-*} hi=${array#*-}
for ((id = lo; id <= hi; id++)); do
	SLURM_ARRAY_TASK_ID=$id SLURM_ARRAY_TASK_MIN=$lo SLURM_ARRAY_TASK_MAX=$hi \
		SLURM_ARRAY_TASK_COUNT=$((hi - lo + 1)) "$script" "$@" >"$chdir/fake-render-$id.log" 2>&1
done
echo 1
`

// TestSlurmScripts runs scripts/slurm/submit.sh with a fake sbatch: four
// shards, then two into the same output, whose folder keeps the stale
// shards 2 and 3 of the first run. Both give the single render's bytes.
func TestSlurmScripts(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the scripts need bash")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(bin, "sbatch"), fakeSbatch)
	mandelBin := filepath.Join(bin, "mandel")
	write(mandelBin, "#!/bin/sh\n"+runMainEnv+"=1 exec '"+exe+"' \"$@\"\n")
	args := []string{"--size", "40x30", "--maxiter", "200"}
	if code, _, stderr := mandel(t, dir, append(args, "DIR/single.png")...); code != 0 {
		t.Fatal(stderr)
	}
	want := readFile(t, filepath.Join(dir, "single.png"))
	for _, n := range []string{"4", "2"} {
		cmd := exec.Command("scripts/slurm/submit.sh", append([]string{"-n", n, "-w", filepath.Join(dir, "out.png")}, args...)...)
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "MANDEL="+mandelBin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			logs, _ := filepath.Glob(filepath.Join(dir, "fake-*.log"))
			for _, l := range logs {
				stderr.WriteString(l + ": " + readFile(t, l))
			}
			t.Fatalf("submit.sh -n %s: %v\n%s", n, err, stderr.String())
		}
		if got := readFile(t, filepath.Join(dir, "out.png")); got != want {
			t.Errorf("submit.sh -n %s: the stitched picture differs from a single render", n)
		}
	}
}

// k8sJob is what TestKubernetesJobs reads of a Job's YAML: the container's
// args (a flow sequence of quoted strings, which is JSON), the volume's
// mount path and the number of completions.
type k8sJob struct {
	args        []string
	mountPath   string
	completions int
}

func readK8sJob(t *testing.T, path string) k8sJob {
	t.Helper()
	text := readFile(t, path)
	var j k8sJob
	m := regexp.MustCompile(`(?s)\n\s*args: (\[.*?\])\n`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("%s: no args: [...]", path)
	}
	if err := json.Unmarshal([]byte(m[1]), &j.args); err != nil {
		t.Fatalf("%s: args: %v", path, err)
	}
	mounts := regexp.MustCompile(`mountPath: (\S+?)\}`).FindAllStringSubmatch(text, -1)
	if len(mounts) != 1 {
		t.Fatalf("%s: %d mountPaths, want 1", path, len(mounts))
	}
	j.mountPath = mounts[0][1]
	if c := regexp.MustCompile(`\n\s*completions: (\d+)\n`).FindStringSubmatch(text); c != nil {
		j.completions, _ = strconv.Atoi(c[1])
	}
	return j
}

// TestKubernetesJobs runs scripts/k8s's render and stitch jobs' command
// lines on a fresh volume, an empty directory standing for the mount
// point, at a small size: every pod's index from JOB_COMPLETION_INDEX, as
// an Indexed Job gives it, then the stitch, which must equal a single
// render. The image has no shell, so nothing else may create a directory.
func TestKubernetesJobs(t *testing.T) {
	render := readK8sJob(t, "scripts/k8s/render-job.yaml")
	stitch := readK8sJob(t, "scripts/k8s/stitch-job.yaml")
	if render.completions < 2 {
		t.Fatalf("render-job.yaml: completions %d", render.completions)
	}
	volume := t.TempDir()
	onVolume := func(args []string, mount string) []string {
		out := slices.Clone(args)
		for i, a := range out {
			if rest, ok := strings.CutPrefix(a, mount+"/"); ok {
				out[i] = filepath.Join(volume, rest)
			}
			if i > 0 && out[i-1] == "--size" {
				out[i] = "64x48" // the job's picture at a test's size
			}
		}
		return out
	}
	t.Cleanup(func() { testEnv = noEnv })
	for i := range render.completions {
		testEnv = shardEnv("JOB_COMPLETION_INDEX", strconv.Itoa(i))
		args := onVolume(render.args, render.mountPath)
		for j := range args { // the kubelet expands $(VAR) in args
			args[j] = strings.ReplaceAll(args[j], "$(JOB_COMPLETION_INDEX)", strconv.Itoa(i))
		}
		if code, _, stderr := mandel(t, volume, args...); code != 0 {
			t.Fatalf("render pod %d: %s", i, stderr)
		}
	}
	testEnv = noEnv
	args := onVolume(stitch.args, stitch.mountPath)
	if code, _, stderr := mandel(t, volume, args...); code != 0 {
		t.Fatalf("stitch: %s", stderr)
	}
	if len(args) != 3+render.completions {
		t.Errorf("stitch lists %d shards, want the %d the render job writes", len(args)-3, render.completions)
	}
	// The single render: the render job's flags without --shards N, to
	// another file.
	var single []string
	for i, a := range onVolume(render.args, render.mountPath) {
		if a == "--shards" || i > 0 && render.args[i-1] == "--shards" {
			continue
		}
		single = append(single, a)
	}
	single[len(single)-1] = filepath.Join(volume, "single.png")
	if code, _, stderr := mandel(t, volume, single...); code != 0 {
		t.Fatalf("single render: %s", stderr)
	}
	if readFile(t, args[2]) != readFile(t, filepath.Join(volume, "single.png")) {
		t.Error("the stitched picture differs from a single render")
	}
}

// TestBenchManyCoreSizes runs scripts/bench-many-core.sh from a copy of it
// beside a stand-in bin/mandel that records its arguments (no go.mod
// there, so the script builds nothing). By default the sweep must size its
// scenes by --target-time, which on many cores asks 10 ms a run at the
// largest worker count, and not fix them (--size-factor), which left a run
// on dozens of cores a fraction of a millisecond; SIZE_FACTOR still fixes
// them.
func TestBenchManyCoreSizes(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the script needs a Unix shell and tar")
	}
	script, err := os.ReadFile("scripts/bench-many-core.sh")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	for _, d := range []string{"scripts", "bin"} {
		if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(path, text string) {
		if err := os.WriteFile(filepath.Join(root, path), []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write("scripts/bench-many-core.sh", string(script))
	write("bin/mandel", `#!/bin/sh
printf '%s\n' "$@" >"$ARGS_FILE"
while [ $# -gt 0 ]; do
	if [ "$1" = --out ]; then mkdir -p "$2"; fi
	shift
done
`)
	run := func(sizeFactor string) []string {
		t.Helper()
		argsFile := filepath.Join(root, "args")
		cmd := exec.Command(filepath.Join(root, "scripts/bench-many-core.sh"), filepath.Join(root, "out"), "--scenes", "full")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "ARGS_FILE=" + argsFile}
		if sizeFactor != "" {
			cmd.Env = append(cmd.Env, "SIZE_FACTOR="+sizeFactor)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("bench-many-core.sh: %v\n%s", err, out)
		}
		return strings.Fields(readFile(t, argsFile))
	}
	args := run("")
	if slices.Contains(args, "--size-factor") || slices.Contains(args, "--size") {
		t.Errorf("bench-many-core.sh fixes the scenes' sizes by default, so --target-time cannot size them for the cores: mandel %q", args)
	}
	if !slices.Contains(args, "bench") || !slices.Contains(args, "--simulate") {
		t.Errorf("bench-many-core.sh ran mandel %q, want bench with the model (--simulate)", args)
	}
	args = run("3")
	if i := slices.Index(args, "--size-factor"); i < 0 || i+1 >= len(args) || args[i+1] != "3" {
		t.Errorf("SIZE_FACTOR=3: mandel %q, want --size-factor 3", args)
	}
}

// TestSlurmSubmitRefuses gives submit.sh counts that no array can have: it
// must say so in one line and exit 2 before submitting anything. -n 0
// submitted --array=0--1, and -n x failed on bash's "x: unbound variable".
func TestSlurmSubmitRefuses(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the scripts need bash")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	called := filepath.Join(dir, "sbatch-called")
	if err := os.WriteFile(filepath.Join(dir, "sbatch"), []byte("#!/bin/sh\ntouch '"+called+"'\necho 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range [][]string{{"-n", "0"}, {"-n", "-2"}, {"-n", ""}, {"-n", "x"}, {"-n", "1.5"}, {"-n", "08"}, {"-c", "0"}, {"-c", "two"}} {
		cmd := exec.Command("scripts/slurm/submit.sh", c[0], c[1], filepath.Join(dir, "out.png"), "--size", "20")
		cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"), "MANDEL=/bin/true")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		msg := stderr.String()
		if code := cmd.ProcessState.ExitCode(); code != 2 || strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "submit.sh: "+c[0]+" ") {
			t.Errorf("submit.sh %s %q: %v, exit %d, stderr %q; want exit 2 and one line naming %s", c[0], c[1], err, code, msg, c[0])
		}
		if _, err := os.Stat(called); err == nil {
			t.Fatalf("submit.sh %s %q called sbatch", c[0], c[1])
		}
	}
	// An OUTPUT that stitch would refuse only after the whole array ran,
	// and a name without its extension.
	for _, out := range []string{filepath.Join(dir, "out.tif"), filepath.Join(dir, "poster")} {
		cmd := exec.Command("scripts/slurm/submit.sh", "-n", "2", out, "--size", "20")
		cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"), "MANDEL=/bin/true")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		msg := stderr.String()
		if code := cmd.ProcessState.ExitCode(); code != 2 || strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "submit.sh: OUTPUT must name a .png") {
			t.Errorf("submit.sh %q: %v, exit %d, stderr %q; want exit 2 and one line about OUTPUT", out, err, code, msg)
		}
		if _, err := os.Stat(called); err == nil {
			t.Fatalf("submit.sh %q called sbatch", out)
		}
	}
}
