package main

import (
	"os"

	"github.com/mandel-project/mandel/shard"
)

// lookupEnv reads the environment. Tests replace it before any test runs
// (see stitch_cmd_test.go), so that a test run inside a cluster job does
// not shard; tests of the environment give the flags their own.
var lookupEnv = os.LookupEnv

// shardFlags resolves the shard of a render from --shard, --shards and the
// environment (see shard.Resolve). It returns nil for a render of the whole
// image; its errors are the command line's.
func shardFlags(f *renderFlags, height int) (*shard.Spec, error) {
	s, err := shard.Resolve(shard.Flags{
		Shard: f.shard, ShardSet: f.fs.Changed("shard"),
		Shards: f.shards, ShardsSet: f.fs.Changed("shards"),
	}, f.env, height)
	if err != nil {
		return nil, usageError{err}
	}
	return s, nil
}
