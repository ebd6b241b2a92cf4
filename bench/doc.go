// Package bench measures how the scheduling strategies of package strategies
// use a machine's cores when rendering scenes of package render: it plans a
// sweep (Config), probes the machine (env.json), makes the timed runs, and
// measures what the model of package bench/model is told about the machine
// (row costs, claim costs, primitives, wake-up). It returns the measurements
// as a Result, whose exported fields package bench/report writes out:
//
//	res, err := bench.Run(ctx, cfg) // measures; runs.csv is written as it goes
//	if res != nil {
//		err = errors.Join(err, report.Write(res)) // the summaries, charts and the rest
//	}
//
// Run writes only what must not wait: runs.csv, a row per timed run, so
// that a sweep that is killed loses nothing it measured, the pictures
// drawn from the reference frames, and emulated.csv. A cancelled context
// stops the sweep after the current run; Run still returns what was
// measured, marked partial, and the report writes it so.
//
// The package is a library: it never prints to the process's standard
// streams and never exits. Progress and warnings go to the writers of
// Config.
package bench
