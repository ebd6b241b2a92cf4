package strategies

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Task processes the indices [lo, hi) on behalf of worker and returns the
// amount of real work it did, in whatever unit the caller counts (mandel
// counts escape-time iterations). A strategy calls it from several goroutines
// at once, never with overlapping ranges.
type Task func(worker, lo, hi int) (work int64, err error)

// Options configures one run.
type Options struct {
	// Workers is the number of workers W; it must be at least 1.
	Workers int
	// Grain is the number of indices a worker claims at a time, for the
	// strategies that claim blocks (see Strategy.UsesGrain). Zero means 1.
	Grain int
	// Trace records every block in Report.Trace. It costs nothing when false.
	Trace bool
}

// Strategy is one way of dividing [0, n) among workers.
type Strategy interface {
	// Name is the name a user types, e.g. "steal".
	Name() string
	// Summary is the one-line description users see: how the strategy
	// schedules, and what that costs and buys.
	Summary() string
	// UsesGrain reports whether Options.Grain changes the schedule.
	UsesGrain() bool
	// Run calls task until every index in [0, n) has been processed exactly
	// once, the context is cancelled, or a task fails. n times
	// Options.Workers+1 must fit in an int. It returns the first
	// error (one that wraps ctx.Err() on cancellation) and the report of what
	// was done; the report is nil only when the arguments were invalid.
	// The report has one entry per worker: Options.Workers of them, except
	// for serial, which always runs on one.
	Run(ctx context.Context, n int, opts Options, task Task) (*Report, error)
}

// scheduler is the common shape of every strategy: a name and a schedule
// function that hands out blocks through a run.
type scheduler struct {
	name, summary string
	usesGrain     bool
	// serial runs on one worker whatever Options.Workers says, so that its
	// report does not show W-1 idle workers as imbalance and overhead.
	serial   bool
	schedule func(r *run)
	// simulate replays schedule in simulated time (Simulated), and costs
	// are its default costs there.
	simulate func(s Sim)
	costs    Costs
	// claimsLike, if not nil, is the strategy whose measured claim cost
	// stands for this one's (Simulated.ClaimsLike).
	claimsLike Strategy
}

func (s *scheduler) Name() string    { return s.name }
func (s *scheduler) Summary() string { return s.summary }
func (s *scheduler) UsesGrain() bool { return s.usesGrain }

func (s *scheduler) Run(ctx context.Context, n int, opts Options, task Task) (*Report, error) {
	if opts.Workers < 1 || opts.Workers > MaxWorkers {
		return nil, fmt.Errorf("strategies: %s: workers must be in 1..%d, got %d", s.name, MaxWorkers, opts.Workers)
	}
	if s.serial {
		opts.Workers = 1
	}
	if n < 0 {
		return nil, fmt.Errorf("strategies: %s: n must not be negative, got %d", s.name, n)
	}
	if limit := maxN(opts.Workers); n > limit {
		return nil, fmt.Errorf("strategies: %s: n must be at most %d with %d workers, got %d", s.name, limit, opts.Workers, n)
	}
	if task == nil {
		// Caught here, not as a nil call on a worker: that would come back
		// as a *PanicError, a stack for what is the caller's argument.
		return nil, fmt.Errorf("strategies: %s: task must not be nil", s.name)
	}
	if opts.Grain < 0 {
		return nil, fmt.Errorf("strategies: %s: grain must not be negative, got %d", s.name, opts.Grain)
	}
	if opts.Grain == 0 {
		opts.Grain = 1
	}
	r := newRun(ctx, s.name, n, opts, task)
	defer r.cancel(nil)
	if n > 0 && !r.stopped() {
		s.schedule(r)
	}
	return r.finish()
}

// maxN is the largest n that Run takes with w workers: the strategies'
// block arithmetic, w*n in bands and steal's bands, up to n+w*grain in
// atomic's counter with grain clamped to n, then stays within int. Beyond
// it, at n = 2^62, bands called the task with a negative index. On 64 bits
// it is over 10^14 whatever w, more task calls than any run makes.
func maxN(w int) int { return math.MaxInt / (w + 1) }

// MaxWorkers bounds Options.Workers: every run allocates per-worker state,
// and far more workers than cores measure nothing but the allocation.
const MaxWorkers = 1 << 16

// catalogue is every strategy with its place, as each strategy's file
// registers it, so that adding a strategy is adding its file.
var catalogue []placed

// placed is a strategy and its place in the catalogue's order.
type placed struct {
	place int
	s     Strategy
}

// register adds s to the catalogue at place and returns it. The places
// order All: from the baseline (serial, 10), through static schedules
// (rows, bands, cyclic), to dynamic ones (chan, mutex, atomic, guided,
// steal, 90), in tens, so that a new strategy slots in between.
func register(place int, s *scheduler) Strategy {
	catalogue = append(catalogue, placed{place, s})
	return s
}

// all is the catalogue in order, built once every file has registered.
var all []Strategy

func init() {
	slices.SortFunc(catalogue, func(a, b placed) int { return cmp.Compare(a.place, b.place) })
	for i, p := range catalogue {
		if i > 0 && p.place == catalogue[i-1].place {
			panic(fmt.Sprintf("strategies: %s and %s share place %d in the catalogue", catalogue[i-1].s.Name(), p.s.Name(), p.place))
		}
		all = append(all, p.s)
	}
}

// Names returns the strategy names in catalogue order.
func Names() []string {
	names := make([]string, len(all))
	for i, s := range all {
		names[i] = s.Name()
	}
	return names
}

// All returns the strategies in catalogue order. The caller may modify the
// returned slice.
func All() []Strategy { return slices.Clone(all) }

// Lookup returns the strategy called name. Its error lists the valid names.
func Lookup(name string) (Strategy, error) {
	for _, s := range all {
		if s.Name() == name {
			return s, nil
		}
	}
	return nil, fmt.Errorf("unknown strategy %q (valid: %s)", name, strings.Join(Names(), ", "))
}
