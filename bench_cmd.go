package main

import (
	"context"
	"io"
)

// runBench is the bench subcommand.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return report(stderr, usagef("bench is not available yet"))
}
