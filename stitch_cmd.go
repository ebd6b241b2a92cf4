package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/spf13/pflag"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/internal/output"
	"github.com/mandel-project/mandel/shard"
	"github.com/mandel-project/mandel/strategies"
)

// stitchFlags are mandel stitch's flags.
type stitchFlags struct {
	fs             *pflag.FlagSet
	output         string
	workers        int
	force, verbose bool
	help           bool
}

func newStitchFlags() *stitchFlags {
	f := &stitchFlags{fs: pflag.NewFlagSet("mandel stitch", pflag.ContinueOnError)}
	fs := f.fs
	fs.SortFlags = false
	fs.StringVarP(&f.output, "output", "o", "", "the whole image, a PNG (- for stdout)")
	fs.VarP(cli.Int(&f.workers, runtime.GOMAXPROCS(0), 1, strategies.MaxWorkers), "workers", "w", "goroutines that compress (default: GOMAXPROCS); the bytes are the same for any number")
	fs.BoolVar(&f.force, "force", false, "replace OUTPUT even if it is write-protected")
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "print each shard's rows on stderr")
	fs.BoolVarP(&f.help, "help", "h", false, "show this help and exit")
	fs.SetOutput(io.Discard)
	return f
}

func (a *app) runStitch(ctx context.Context, args []string) int {
	f := newStitchFlags()
	if err := cli.Parse(f.fs, args); err != nil {
		return report(a.stderr, err)
	}
	if f.help {
		return a.printHelp(func(w io.Writer) { printStitchHelp(w, f.fs) })
	}
	paths, err := f.check()
	if err != nil {
		return report(a.stderr, err)
	}
	return report(a.stderr, a.stitch(ctx, f, paths))
}

// check checks the command line: an output, which is a PNG, and shard
// files, none given twice nor the output itself.
func (f *stitchFlags) check() ([]string, error) {
	if f.output == "" {
		return nil, cli.Usagef("missing -o OUTPUT, the whole image (e.g. mandel stitch -o big.png shard-*.png)")
	}
	if f.output != "-" && !output.IsCharDevice(f.output) {
		if format, err := imageio.FormatOf(f.output); err != nil || format != imageio.PNG {
			return nil, cli.Usagef("%q: stitch writes a PNG; name the output .png (or - for stdout)", f.output)
		}
	}
	paths := f.fs.Args()
	if len(paths) == 0 {
		return nil, cli.Usagef("no shard files (e.g. mandel stitch -o big.png shard-*.png)")
	}
	out, _ := os.Stat(f.output)
	seen := make([]os.FileInfo, len(paths))
	for i, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			continue // reported when it is opened
		}
		for j := range i {
			if seen[j] != nil && os.SameFile(fi, seen[j]) {
				return nil, cli.Usagef("%q is given twice (as %q and %q)", p, paths[j], p)
			}
		}
		if out != nil && os.SameFile(fi, out) {
			return nil, cli.Usagef("%q is both a shard and the output", p)
		}
		seen[i] = fi
	}
	return paths, nil
}

// stitch checks the shards, then writes the whole image (shard.Set.Stitch):
// a bad shard leaves no output.
func (a *app) stitch(ctx context.Context, f *stitchFlags, paths []string) error {
	set, err := shard.ReadSet(paths)
	if err != nil {
		return err
	}
	if f.verbose {
		for _, s := range set.Files() {
			lo, hi := s.Header.Rows()
			fmt.Fprintf(a.stderr, "shard %d/%d: rows %d-%d from %q\n", s.Header.Index, s.Header.Count, lo, hi-1, s.Path)
		}
	}
	out, err := output.Open(f.output, f.force, a.stdout, a.stderr)
	if err != nil {
		return err
	}
	defer out.Abort()
	return out.WriteWith(ctx, func(w io.Writer) error {
		return set.Stitch(ctx, w, f.workers)
	})
}

func printStitchHelp(w io.Writer, fs *pflag.FlagSet) {
	fmt.Fprintf(w, `mandel stitch puts the shards of a render back together.

Usage:
  mandel stitch -o OUTPUT.png SHARD.png...

A render split into shards, each a strip of whole rows rendered by one
task of a cluster job, writes one PNG per shard:

  mandel --shard 0/4 --view full --size 65536 shard-%%d.png   # %%d is the index
  ...
  mandel --shard 3/4 --view full --size 65536 shard-%%d.png
  mandel stitch -o poster.png shard-*.png

The shard comes from --shard i/n, or from the environment when asked: in a
Slurm job array (sbatch --array=0-3), --shard env reads SLURM_ARRAY_TASK_ID
and the array's size; in a Kubernetes Indexed Job, --shards N (the number
of completions) reads JOB_COMPLETION_INDEX.

Each shard carries the view, the settings that change pixels, its index and
its rows in PNG tEXt chunks (mandel:size, mandel:center, ..., mandel:shard,
mandel:rows). stitch checks that the shards are of one render, each index
0..n-1 once and their rows covering the image, then streams the rows out
through the same PNG writer as a single render, with the whole picture's
text (its settings, for mandel --from): the bytes are those that mandel
writes rendering the whole view on one machine. Memory stays bounded
whatever the size: a strip of rows and the compressor's buffers.

Shards of different renders, a missing or doubled shard, a truncated or
corrupt file, or a PNG that is not a shard: one line naming the file, exit
status 1, and no OUTPUT. A file given twice is a command line error, exit
status 2.

Flags:
%s`, cli.Usages(fs))
}
