package shard

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"

	"github.com/mandel-project/mandel/render"
)

// Spec is the shard a render writes: shard Index of Count, rows [Lo, Hi)
// of the image. From says where it came from, for messages: "--shard 1/4",
// "SLURM_ARRAY_TASK_ID=6".
type Spec struct {
	Index, Count int
	Lo, Hi       int
	From         string
}

// indexVerb is a printf verb for the shard's index in an output name, %d
// with an optional zero flag and width (%05d), or %%, a literal percent.
var indexVerb = regexp.MustCompile(`%(%|0?[0-9]*d)`)

// numbers are the whole decimal numbers in a name.
var numbers = regexp.MustCompile(`[0-9]+`)

// Output is name with each %d (or %05d, printf's width) replaced by the
// shard's index, and %% by %, so that one command line serves every task:
// shard-%d.png. A name with neither %d nor the index itself (put there by
// the shell or the kubelet: shard-$(JOB_COMPLETION_INDEX).png) is refused
// when there are several shards: every shard would write it, the last one
// winning, and only stitch would notice, after the whole cluster run.
// "-", standard output, is each task's own and is kept as it is.
func (s *Spec) Output(name string) (string, error) {
	if name == "-" {
		// Standard output is each task's own, not a file the shards share.
		return name, nil
	}
	index := false
	out := indexVerb.ReplaceAllStringFunc(name, func(verb string) string {
		if verb == "%%" {
			return "%"
		}
		index = true
		return fmt.Sprintf(verb, s.Index)
	})
	if !index && s.Count > 1 && !slices.Contains(numbers.FindAllString(name, -1), strconv.Itoa(s.Index)) {
		return "", fmt.Errorf("%s: every shard would write %q: put %%d in OUTPUT for the shard's index (e.g. shard-%%d.png)", s.From, name)
	}
	return out, nil
}

// Flags are the command line's say in the shard: --shard i/n (or env) and
// --shards n, each with whether it was given at all.
type Flags struct {
	Shard     string
	ShardSet  bool
	Shards    int
	ShardsSet bool
}

// Resolve resolves the shard of a render height rows high from the flags
// or the environment, which env reads, and checks it against height.
// It returns nil for a render of the whole image. Its errors are the
// command line's or the environment's, and name the flag or variable.
//
// The environment is read only when asked, by --shard env or by --shards
// (whose index can only come from it): a Slurm array whose tasks render
// a whole frame each must not get a strip of one.
//
// Slurm job arrays set SLURM_ARRAY_TASK_ID in each task, with
// SLURM_ARRAY_TASK_MIN/MAX and SLURM_ARRAY_TASK_COUNT; Kubernetes Indexed
// Jobs set JOB_COMPLETION_INDEX, but not the number of completions, which
// --shards gives.
func Resolve(f Flags, env func(string) (string, bool), height int) (*Spec, error) {
	if f.ShardsSet && f.Shards < 1 {
		return nil, fmt.Errorf("--shards must be at least 1, got %d", f.Shards)
	}
	var s *Spec
	switch {
	case f.ShardSet && f.Shard == EnvShard:
		var err error
		if s, err = fromEnv(env, f.Shards, f.ShardsSet); err != nil {
			return nil, err
		}
		if s == nil {
			return nil, errors.New("--shard env: the environment names no shard: SLURM_ARRAY_TASK_ID (a Slurm array task) or JOB_COMPLETION_INDEX with --shards N (a Kubernetes Indexed Job)")
		}
	case f.ShardSet:
		i, n, ok := parsePair(f.Shard, "/")
		if !ok {
			return nil, fmt.Errorf("--shard %q: want i/n (or env), shard i of n counting from 0, e.g. 0/4", f.Shard)
		}
		if f.ShardsSet && f.Shards != n {
			return nil, fmt.Errorf("--shard %s and --shards %d disagree on the count", f.Shard, f.Shards)
		}
		s = &Spec{Index: i, Count: n, From: "--shard " + f.Shard}
	case f.ShardsSet:
		var err error
		if s, err = fromEnv(env, f.Shards, f.ShardsSet); err != nil {
			return nil, err
		}
		if s == nil && f.ShardsSet {
			return nil, fmt.Errorf("--shards %d needs the shard's index: --shard i/n, or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)", f.Shards)
		}
	}
	if s == nil {
		return nil, nil
	}
	if err := render.CheckShard(height, s.Index, s.Count); err != nil {
		return nil, fmt.Errorf("%s: %w", s.From, err)
	}
	s.Lo, s.Hi = render.ShardRows(height, s.Index, s.Count)
	return s, nil
}

// EnvShard is the value of --shard that takes the shard from the
// environment.
const EnvShard = "env"

// fromEnv is the shard that env gives, or nil; its rows are left for
// Resolve. A Slurm array task's index is its ID less the array's first ID,
// and the count the array's span, so that --array=1-8 works as --array=0-7
// does; an array with a step (--array=0-15:4) or gaps is refused, since its
// tasks would not cover the image. shards is --shards, if set:
// JOB_COMPLETION_INDEX needs it.
func fromEnv(env func(string) (string, bool), shards int, shardsSet bool) (*Spec, error) {
	num := func(name string) (n int, set bool, err error) {
		v, ok := env(name)
		if !ok || v == "" {
			return 0, false, nil
		}
		n, err = strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, true, fmt.Errorf("%s=%q in the environment is not a shard number", name, v)
		}
		return n, true, nil
	}
	id, idSet, err := num("SLURM_ARRAY_TASK_ID")
	if err != nil {
		return nil, err
	}
	if idSet {
		count, countSet, err := num("SLURM_ARRAY_TASK_COUNT")
		if err != nil {
			return nil, err
		}
		lo, loSet, err := num("SLURM_ARRAY_TASK_MIN")
		if err != nil {
			return nil, err
		}
		hi, hiSet, err := num("SLURM_ARRAY_TASK_MAX")
		if err != nil {
			return nil, err
		}
		s := &Spec{Index: id, Count: count, From: fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", id)}
		switch {
		case loSet && hiSet:
			if hi < lo || id < lo || id > hi {
				return nil, fmt.Errorf("SLURM_ARRAY_TASK_ID=%d is not within SLURM_ARRAY_TASK_MIN=%d and _MAX=%d", id, lo, hi)
			}
			if hi-lo == math.MaxInt {
				// hi-lo+1 would wrap to a negative count.
				return nil, fmt.Errorf("the Slurm array %d-%d has too many tasks to count; give --shard i/n", lo, hi)
			}
			if countSet && count != hi-lo+1 {
				return nil, fmt.Errorf("the Slurm array %d-%d has %d tasks, not %d: shards need an array without a step or gaps, e.g. --array=0-%d", lo, hi, count, hi-lo+1, count-1)
			}
			s.Index, s.Count = id-lo, hi-lo+1
		case loSet:
			// ID less MIN is the index; without MAX the count may be
			// another array's span, so an incomplete set is refused.
			return nil, errors.New("SLURM_ARRAY_TASK_MIN is set without SLURM_ARRAY_TASK_MAX; give --shard i/n")
		case hiSet:
			return nil, errors.New("SLURM_ARRAY_TASK_MAX is set without SLURM_ARRAY_TASK_MIN; give --shard i/n")
		case countSet:
		default:
			return nil, errors.New("SLURM_ARRAY_TASK_ID is set without SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MIN and _MAX; give --shard i/n")
		}
		if shardsSet && shards != s.Count {
			return nil, fmt.Errorf("--shards %d, but the Slurm array has %d tasks", shards, s.Count)
		}
		return s, nil
	}
	if !shardsSet {
		return nil, nil
	}
	index, set, err := num("JOB_COMPLETION_INDEX")
	if err != nil || !set {
		return nil, err
	}
	return &Spec{Index: index, Count: shards, From: fmt.Sprintf("JOB_COMPLETION_INDEX=%d with --shards %d", index, shards)}, nil
}

// shown is v as a message shows it: as it is, or quoted when it holds a
// newline or another character that %q escapes, which would split the
// one-line message or hide what follows.
func shown(v string) string {
	if q := strconv.Quote(v); q != `"`+v+`"` {
		return q
	}
	return v
}
