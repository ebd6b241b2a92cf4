package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/render"
)

// A shard is a strip of whole rows of the image, rendered by one task of a
// cluster job and written to its own PNG; mandel stitch puts the shards
// together into the image that one machine would have written. The shard
// files carry, in tEXt chunks, everything that decides their pixels, so that
// stitch can refuse shards of different renders:
//
//	mandel:version  the release, whose pixels may differ from another's
//	mandel:size     WxH of the whole image
//	mandel:center   RE,IM
//	mandel:scale, mandel:maxiter, mandel:escape (the radius, default resolved)
//	mandel:mapping  centres or corners
//	mandel:aa, mandel:palette
//	mandel:shard    i/n: this is shard i of n, counting from 0
//	mandel:rows     first-last: the rows of the whole image it holds, inclusive
//
// Numbers are decimal, floats in Go's shortest form that reads back exactly.
// The strategy, workers, grain, kernel and shortcuts are left out: they do
// not change a pixel.
const (
	keyPrefix = "mandel:"
	keyShard  = keyPrefix + "shard"
	keyRows   = keyPrefix + "rows"
)

// shardSpec is the shard a render writes: shard index of count, rows
// [lo, hi) of the image. from says where it came from, for messages.
type shardSpec struct {
	index, count int
	lo, hi       int
	from         string
}

// lookupEnv reads the environment. Tests replace it before any test runs
// (see TestMain), so that a test run inside a cluster job does not shard;
// tests of the environment pass their own to shardFromEnv.
var lookupEnv = os.LookupEnv

// shardFlags resolves the shard of a render from --shard, --shards and the
// environment, in that order, and checks it against height. It returns nil
// for a render of the whole image.
//
// Slurm job arrays set SLURM_ARRAY_TASK_ID in each task, with
// SLURM_ARRAY_TASK_MIN/MAX and SLURM_ARRAY_TASK_COUNT; Kubernetes Indexed
// Jobs set JOB_COMPLETION_INDEX, but not the number of completions, which
// --shards gives.
func shardFlags(f *renderFlags, height int) (*shardSpec, error) {
	if f.fs.Changed("shards") && f.shards < 1 {
		return nil, usagef("--shards must be at least 1, got %d", f.shards)
	}
	var s *shardSpec
	switch {
	case f.fs.Changed("shard"):
		i, n, ok := parseShard(f.shard)
		if !ok {
			return nil, usagef("--shard %q: want i/n, shard i of n counting from 0, e.g. 0/4", f.shard)
		}
		if f.fs.Changed("shards") && f.shards != n {
			return nil, usagef("--shard %s and --shards %d disagree on the count", f.shard, f.shards)
		}
		s = &shardSpec{index: i, count: n, from: "--shard " + f.shard}
	default:
		var err error
		if s, err = shardFromEnv(f.env, f.shards, f.fs.Changed("shards")); err != nil {
			return nil, usageError{err}
		}
		if s == nil && f.fs.Changed("shards") {
			return nil, usagef("--shards %d needs the shard's index: --shard i/n, or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)", f.shards)
		}
	}
	if s == nil {
		return nil, nil
	}
	if err := render.CheckShard(height, s.index, s.count); err != nil {
		return nil, usagef("%s: %v", s.from, err)
	}
	s.lo, s.hi = render.ShardRows(height, s.index, s.count)
	return s, nil
}

// parseShard parses i/n, two decimal numbers.
func parseShard(v string) (i, n int, ok bool) {
	is, ns, found := strings.Cut(v, "/")
	i, errI := strconv.Atoi(is)
	n, errN := strconv.Atoi(ns)
	return i, n, found && errI == nil && errN == nil && !strings.HasPrefix(is, "+") && !strings.HasPrefix(ns, "+")
}

// shardFromEnv is the shard that env gives, or nil. A Slurm array task's
// index is its ID less the array's first ID, and the count the array's
// span, so that --array=1-8 works as --array=0-7 does; an array with a step
// (--array=0-15:4) or gaps is refused, since its tasks would not cover the
// image. shards is --shards, if set: JOB_COMPLETION_INDEX needs it.
func shardFromEnv(env func(string) (string, bool), shards int, shardsSet bool) (*shardSpec, error) {
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
		s := &shardSpec{index: id, count: count, from: fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", id)}
		switch {
		case loSet && hiSet:
			if hi < lo || id < lo || id > hi {
				return nil, fmt.Errorf("SLURM_ARRAY_TASK_ID=%d is not within SLURM_ARRAY_TASK_MIN=%d and _MAX=%d", id, lo, hi)
			}
			if countSet && count != hi-lo+1 {
				return nil, fmt.Errorf("the Slurm array %d-%d has %d tasks, not %d: shards need an array without a step or gaps, e.g. --array=0-%d", lo, hi, count, hi-lo+1, count-1)
			}
			s.index, s.count = id-lo, hi-lo+1
		case countSet:
		default:
			return nil, errors.New("SLURM_ARRAY_TASK_ID is set without SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MIN and _MAX; give --shard i/n")
		}
		if shardsSet && shards != s.count {
			return nil, fmt.Errorf("--shards %d, but the Slurm array has %d tasks", shards, s.count)
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
	return &shardSpec{index: index, count: shards, from: fmt.Sprintf("JOB_COMPLETION_INDEX=%d with --shards %d", index, shards)}, nil
}

// shardOutput is OUTPUT with each %d replaced by the shard's index, so that
// one command line serves every task: shard-%d.png.
func shardOutput(output string, s *shardSpec) string {
	return strings.ReplaceAll(output, "%d", strconv.Itoa(s.index))
}

// viewText is the tEXt that says which image a shard is part of: every
// setting that changes a pixel.
func viewText(cfg *renderConfig) []imageio.PNGText {
	v := cfg.job.View
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	escape := v.Escape
	if escape == 0 {
		escape = render.DefaultEscape
	}
	mapping := "centres"
	if v.Mapping == render.Corners {
		mapping = "corners"
	}
	return []imageio.PNGText{
		{Key: keyPrefix + "version", Value: version},
		{Key: keyPrefix + "size", Value: fmt.Sprintf("%dx%d", v.Width, v.Height)},
		{Key: keyPrefix + "center", Value: f(real(v.Center)) + "," + f(imag(v.Center))},
		{Key: keyPrefix + "scale", Value: f(v.Scale)},
		{Key: keyPrefix + "maxiter", Value: strconv.Itoa(v.MaxIter)},
		{Key: keyPrefix + "escape", Value: f(escape)},
		{Key: keyPrefix + "mapping", Value: mapping},
		{Key: keyPrefix + "aa", Value: strconv.Itoa(cfg.job.AA)},
		{Key: keyPrefix + "palette", Value: cfg.job.Palette.Name},
	}
}

// shardText is a shard's tEXt: the view's, then which shard it is.
func shardText(cfg *renderConfig) []imageio.PNGText {
	s := cfg.shard
	return append(viewText(cfg),
		imageio.PNGText{Key: keyShard, Value: fmt.Sprintf("%d/%d", s.index, s.count)},
		imageio.PNGText{Key: keyRows, Value: fmt.Sprintf("%d-%d", s.lo, s.hi-1)})
}
