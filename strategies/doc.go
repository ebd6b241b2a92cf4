// Package strategies schedules a task over an index range [0, n) with W
// workers, in one of several ways, so that the ways can be compared.
//
// # Contract
//
// A strategy decides only which worker runs which indices, and when. It
// knows nothing about what the task computes, so every strategy produces the
// same result from a deterministic task; only the timing and the report
// differ. Every strategy's Run keeps the same promises:
//
//   - Each index in [0, n) is passed to the task at most once, and exactly
//     once unless the run stops early; a worker runs one task call at a time.
//   - The first failure stops the run and is the error Run returns: a task's
//     error, or the cancellation of the caller's context, whichever came
//     first. Workers start no new block once the run has stopped.
//   - A task that panics does not crash the program: its panic becomes a
//     *PanicError, carrying the value and the stack. A task that calls
//     runtime.Goexit stops the run with an error rather than leaving the
//     other workers waiting for its share.
//   - Run returns only after every goroutine it started has returned.
//   - The Report says what each worker did: indices, task calls, busy time,
//     the work the task counted and, with Options.Trace, every block.
//
// # Taxonomy
//
// Static strategies fix the pieces of work before the run starts, from n, W
// and the grain alone, and coordinate nothing while it runs; they balance
// only as well as the cost of the view suits their split: serial (the
// baseline), rows, bands and cyclic. Rows fixes one piece per row but leaves
// to the Go scheduler which runs when.
//
// Dynamic strategies hand out work as workers become free, and differ in
// what a claim costs and how large it is: chan, mutex, atomic and guided
// share one source of blocks, while steal gives each worker its own and lets
// the idle take from the busy.
//
// Strategy.Summary describes each one; All lists them in this order.
//
// # Simulation
//
// Every strategy is also Simulated: beside its Run, its file holds the same
// schedule replayed on a Sim, the simulated run of package bench/model, and
// its default costs there. Both are built from the same functions (bands,
// guided's claim sizes, steal's deques, splits and victim order), so a
// strategy's decisions are written once, and adding a strategy is one file.
package strategies
