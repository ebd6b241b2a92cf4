package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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
