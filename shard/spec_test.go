package shard

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// env is an environment of the given variables.
func env(kv ...string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i] == name {
				return kv[i+1], true
			}
		}
		return "", false
	}
}

// TestResolve resolves the shard of a 10-row image from flags and
// environments.
func TestResolve(t *testing.T) {
	slurm := []string{"SLURM_ARRAY_TASK_ID", "6", "SLURM_ARRAY_TASK_MIN", "4", "SLURM_ARRAY_TASK_MAX", "7", "SLURM_ARRAY_TASK_COUNT", "4"}
	shard := func(v string) Flags { return Flags{Shard: v, ShardSet: true} }
	shards := func(n int) Flags { return Flags{Shards: n, ShardsSet: true} }
	fromEnv := shard("env")
	for _, c := range []struct {
		name  string
		flags Flags
		env   []string
		want  *Spec  // nil: no shard
		err   string // an error holding this
	}{
		{"none", Flags{}, nil, nil, ""},
		{"flag", shard("2/5"), nil, &Spec{2, 5, 4, 6, "--shard 2/5"}, ""},
		{"flag wins over slurm", shard("0/2"), slurm, &Spec{0, 2, 0, 5, "--shard 0/2"}, ""},
		{"flag wins over garbage", shard("0/2"), []string{"SLURM_ARRAY_TASK_ID", "x"}, &Spec{0, 2, 0, 5, "--shard 0/2"}, ""},
		{"flag and --shards", Flags{Shard: "1/3", ShardSet: true, Shards: 3, ShardsSet: true}, nil, &Spec{1, 3, 3, 6, "--shard 1/3"}, ""},
		{"slurm min max", fromEnv, slurm, &Spec{2, 4, 5, 7, "SLURM_ARRAY_TASK_ID=6"}, ""},
		{"slurm count only", fromEnv, []string{"SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_COUNT", "3"}, &Spec{1, 3, 3, 6, "SLURM_ARRAY_TASK_ID=1"}, ""},
		{"slurm min max only", fromEnv, []string{"SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_MIN", "1", "SLURM_ARRAY_TASK_MAX", "2"}, &Spec{0, 2, 0, 5, "SLURM_ARRAY_TASK_ID=1"}, ""},
		{"slurm empty id", fromEnv, []string{"SLURM_ARRAY_TASK_ID", "", "SLURM_ARRAY_TASK_COUNT", "3"}, nil, "--shard env: the environment names no shard"},
		// A Slurm array whose tasks render whole frames each must get
		// whole frames: the environment is read only when asked.
		{"slurm not asked", Flags{}, slurm, nil, ""},
		{"slurm count not asked", Flags{}, []string{"SLURM_ARRAY_TASK_ID", "2", "SLURM_ARRAY_TASK_COUNT", "10"}, nil, ""},
		{"env without any", fromEnv, nil, nil, "--shard env: the environment names no shard"},
		{"min without max", fromEnv, []string{"SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_MIN", "1", "SLURM_ARRAY_TASK_COUNT", "4"}, nil, "SLURM_ARRAY_TASK_MIN is set without SLURM_ARRAY_TASK_MAX"},
		{"max without min", fromEnv, []string{"SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_MAX", "4", "SLURM_ARRAY_TASK_COUNT", "4"}, nil, "SLURM_ARRAY_TASK_MAX is set without SLURM_ARRAY_TASK_MIN"},
		{"env indexed job", Flags{Shard: "env", ShardSet: true, Shards: 3, ShardsSet: true}, []string{"JOB_COMPLETION_INDEX", "2"}, &Spec{2, 3, 6, 10, "JOB_COMPLETION_INDEX=2 with --shards 3"}, ""},
		{"slurm with --shards", Flags{Shard: "env", ShardSet: true, Shards: 4, ShardsSet: true}, slurm, &Spec{2, 4, 5, 7, "SLURM_ARRAY_TASK_ID=6"}, ""},
		{"indexed job", shards(3), []string{"JOB_COMPLETION_INDEX", "2"}, &Spec{2, 3, 6, 10, "JOB_COMPLETION_INDEX=2 with --shards 3"}, ""},
		{"indexed job without --shards", Flags{}, []string{"JOB_COMPLETION_INDEX", "2"}, nil, ""},
		{"slurm over indexed job", Flags{Shard: "env", ShardSet: true, Shards: 4, ShardsSet: true}, append(slices.Clone(slurm), "JOB_COMPLETION_INDEX", "0"), &Spec{2, 4, 5, 7, "SLURM_ARRAY_TASK_ID=6"}, ""},
		{"garbage id", fromEnv, []string{"SLURM_ARRAY_TASK_ID", "two", "SLURM_ARRAY_TASK_COUNT", "3"}, nil, `SLURM_ARRAY_TASK_ID="two" in the environment is not a shard number`},
		{"garbage count", fromEnv, []string{"SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_COUNT", "-3"}, nil, `SLURM_ARRAY_TASK_COUNT="-3"`},
		{"garbage min", fromEnv, []string{"SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_MIN", "a"}, nil, `SLURM_ARRAY_TASK_MIN="a"`},
		{"garbage index", shards(3), []string{"JOB_COMPLETION_INDEX", "1.5"}, nil, `JOB_COMPLETION_INDEX="1.5"`},
		// MAX-MIN+1 overflowed to a negative count: "shard count must be at least 1, got -9223372036854775808".
		{"array span overflows", fromEnv, []string{"SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_MIN", "0", "SLURM_ARRAY_TASK_MAX", strconv.Itoa(math.MaxInt)}, nil, "the Slurm array 0-" + strconv.Itoa(math.MaxInt) + " has too many tasks"},
		{"id without count", fromEnv, []string{"SLURM_ARRAY_TASK_ID", "1"}, nil, "without SLURM_ARRAY_TASK_COUNT"},
		{"id outside the array", fromEnv, []string{"SLURM_ARRAY_TASK_ID", "9", "SLURM_ARRAY_TASK_MIN", "4", "SLURM_ARRAY_TASK_MAX", "7"}, nil, "SLURM_ARRAY_TASK_ID=9 is not within SLURM_ARRAY_TASK_MIN=4 and _MAX=7"},
		{"array with a step", fromEnv, []string{"SLURM_ARRAY_TASK_ID", "4", "SLURM_ARRAY_TASK_MIN", "0", "SLURM_ARRAY_TASK_MAX", "12", "SLURM_ARRAY_TASK_COUNT", "4"}, nil, "the Slurm array 0-12 has 4 tasks, not 13: shards need an array without a step or gaps, e.g. --array=0-3"},
		{"id past count", fromEnv, []string{"SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_COUNT", "3"}, nil, "SLURM_ARRAY_TASK_ID=3: shard index must be in 0..2"},
		{"--shards disagrees with slurm", Flags{Shard: "env", ShardSet: true, Shards: 5, ShardsSet: true}, slurm, nil, "--shards 5, but the Slurm array has 4 tasks"},
		{"--shards disagrees with --shard", Flags{Shard: "1/4", ShardSet: true, Shards: 5, ShardsSet: true}, nil, nil, "--shard 1/4 and --shards 5 disagree on the count"},
		{"--shards alone", shards(5), nil, nil, "--shards 5 needs the shard's index"},
		{"--shards 0", shards(0), nil, nil, "--shards must be at least 1, got 0"},
		{"index past count", shard("4/4"), nil, nil, "--shard 4/4: shard index must be in 0..3"},
		{"no shards", shard("0/0"), nil, nil, "at least 1"},
		{"more shards than rows", shard("0/11"), nil, nil, "--shard 0/11: 11 shards of a 10-row image: each shard needs a row"},
		{"negative", shard("-1/4"), nil, nil, "must be in 0..3"},
		{"garbage flag", shard("1of4"), nil, nil, `--shard "1of4": want i/n (or env)`},
		{"plus sign", shard("+1/4"), nil, nil, "want i/n"},
		{"empty flag", shard(""), slurm, nil, `--shard "": want i/n`},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Resolve(c.flags, env(c.env...), 10)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one holding %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (s == nil) != (c.want == nil) || s != nil && *s != *c.want {
				t.Fatalf("shard %+v, want %+v", s, c.want)
			}
		})
	}
}

func TestSpecOutput(t *testing.T) {
	s := &Spec{Index: 12, Count: 16}
	for name, want := range map[string]string{
		"shard-%d.png": "shard-12.png",
		"%d/s-%d.png":  "12/s-12.png",
		"s-%05d.png":   "s-00012.png",
		"s-%3d.png":    "s- 12.png",
		"s-%1d.png":    "s-12.png",
		"100%%-%d.png": "100%-12.png",
		"50%-%d.png":   "50%-12.png",
	} {
		got, err := s.Output(name)
		if err != nil || got != want {
			t.Errorf("Output(%q) = %q, %v, want %q", name, got, err, want)
		}
	}
}

// TestSpecOutputSameName refuses a name that every shard of several would
// write, which only stitch would notice, after the whole cluster run.
func TestSpecOutputSameName(t *testing.T) {
	for _, name := range []string{"s.png", "100%%d.png", "s-%x.png"} {
		s := &Spec{Index: 1, Count: 2, From: "--shard 1/2"}
		_, err := s.Output(name)
		if err == nil || !strings.Contains(err.Error(), "--shard 1/2: every shard would write "+strconv.Quote(name)+": put %d in OUTPUT") {
			t.Errorf("Output(%q): error %v, want the refusal", name, err)
		}
	}
	// A newline in the name split the message over two lines.
	odd := &Spec{Index: 0, Count: 2, From: "--shard 0/2"}
	if _, err := odd.Output("a\nb.png"); err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), `every shard would write "a\nb.png": put %d`) {
		t.Errorf("Output(a\\nb.png): error %q, want the name quoted on one line", err)
	}
	// The index in the name already, put there by the shell or the
	// kubelet: each shard's name is its own.
	for _, name := range []string{"s-1.png", "1/s.png", "shard-$(X)-1.png"} {
		s := &Spec{Index: 1, Count: 2}
		if got, err := s.Output(name); err != nil || got != name {
			t.Errorf("Output(%q) = %q, %v, want it as it is", name, got, err)
		}
	}
	// Only the index as a whole number counts.
	for _, name := range []string{"s-10.png", "s-01.png"} {
		s := &Spec{Index: 0, Count: 2, From: "--shard 0/2"}
		if _, err := s.Output(name); err == nil {
			t.Errorf("Output(%q) for shard 0: no error", name)
		}
	}
	// Standard output is each task's own stream, not a file the shards
	// share: mandel --shard 1/3 --format png - > mine.png was refused.
	for i := range 3 {
		s := &Spec{Index: i, Count: 3, From: "--shard 1/3"}
		if got, err := s.Output("-"); err != nil || got != "-" {
			t.Errorf("shard %d: Output(-) = %q, %v, want - as it is", i, got, err)
		}
	}
	one := &Spec{Index: 0, Count: 1}
	if got, err := one.Output("s.png"); err != nil || got != "s.png" {
		t.Errorf("one shard: Output = %q, %v, want s.png", got, err)
	}
}
