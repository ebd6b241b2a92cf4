package main

import "github.com/mandel-project/mandel/shard"

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
