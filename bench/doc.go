// Package bench measures how the scheduling strategies of package strategies
// use a machine's cores when rendering scenes of package render, and writes
// the results (CSV, JSON, Markdown, the Go benchmark format, charts and
// pictures) into a directory.
//
// The package is a library: it never prints to the process's standard
// streams and never exits. Run takes a Config, with writers for progress
// and warnings, and a context whose cancellation stops the sweep after the
// current run; what was measured so far is still written, marked partial.
package bench
