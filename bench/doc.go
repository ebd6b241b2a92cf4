// Package bench measures how the scheduling strategies of package strategies
// use a machine's cores when rendering scenes of package render, and writes
// the results (CSV, JSON, Markdown, the Go benchmark format, charts and
// pictures) into a directory.
//
// Measuring and writing are two steps:
//
//	res, err := bench.Run(ctx, cfg) // measures; runs.csv is written as it goes
//	if res != nil {
//		err = errors.Join(err, res.Write()) // the summaries, charts and the rest
//	}
//
// Run writes only what must not wait: runs.csv, a row per timed run, so
// that a sweep that is killed loses nothing it measured, and the pictures
// drawn from the reference frames. A cancelled context stops the sweep
// after the current run; Run still returns what was measured, marked
// partial, and Write writes it so.
//
// The package is a library: it never prints to the process's standard
// streams and never exits. Progress and warnings go to the writers of
// Config.
package bench
