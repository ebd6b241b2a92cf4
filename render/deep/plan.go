package deep

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"sync/atomic"
	"unsafe"
)

// Config is what a Plan needs of an image.
type Config struct {
	// Re and Im are the centre C, the reference point, at the precision the
	// reference orbit is computed with.
	Re, Im *big.Float
	// Spacing is the distance between neighbouring samples.
	Spacing *big.Float
	// HalfWidth and HalfHeight bound a sample's offset from C, in samples:
	// half the sample grid's size.
	HalfWidth, HalfHeight float64
	MaxIter               int
	Escape2               float64
	// BLA says whether to skip iterations by bivariate linear
	// approximation.
	BLA bool
	// Periodicity says whether to stop a pixel, as inside, once its
	// state at a rebase repeats exactly (see Plan.advance).
	Periodicity bool
	// Reference, if not nil, is the reference orbit, computed before by
	// NewReference (for another image, such as the deepest frame of a
	// zoom, which shares it): Re and Im are then not read. It must be
	// the orbit of a point near the samples, at MaxIter and Escape2.
	Reference *Reference
	// Lanes says whether to run the pixels' float64 loop on SIMD lanes
	// where the CPU has them (on amd64 AVX-512's, rowLanes, else AVX2's,
	// rowLanesAVX2): the same results, bit for bit. Only without BLA, and
	// at spacings whose deltas are float64s.
	Lanes bool
	// AVX2Lanes, with Lanes, takes the AVX2 lanes even where the CPU has
	// AVX-512's (and the scalar loop where it lacks AVX2's), and leaves
	// BLA's periods (rowCycle, AVX-512) off: render's --kernel avx2, which
	// runs no AVX-512 instruction.
	AVX2Lanes bool
}

// Prec returns the precision, in bits, that a reference orbit needs for
// samples spacing apart near a centre of magnitude up to 2: the bits that
// tell neighbouring samples apart, and 64 more, so that the reference's
// own rounding stays far below float64's next to a pixel's delta.
func Prec(spacing *big.Float) uint {
	exp := spacing.MantExp(nil)
	return uint(max(64, -exp+2+64))
}

// Plan is one image's reference orbit and BLA table, and the pixels'
// iteration. Row may be called from any number of goroutines at once.
type Plan struct {
	ref *Reference
	// orbit is the reference orbit as the pixels' loop reads it, Z_m
	// (zr, zi) for each m, with one more point's room past its end: the
	// SIMD lanes read Z_m and Z_{m+1} in one load, also at m = top. gate
	// is each point's gate to BLA (all 0 without BLA): apart, so that the
	// points are 16 bytes and two of them 32.
	orbit       []orbitPoint
	gate        []float64
	bla         *blaTable
	d           fx
	maxIter     int
	escape2     float64
	periodicity bool
	// rebase is the factor of the rebase test, |Z_m + z|^2 x rebase <
	// |z|^2: rebaseFactor without BLA where the reference ends before
	// maxIter, else 1, Zhuoran's own rule (see rebaseFactor); the lanes
	// and plainFMA take it as an argument.
	rebase float64
	// noCycle turns cycle off, for the test that holds it to advance's
	// bits.
	noCycle bool
	// lanes says whether Row runs on SIMD lanes (Config.Lanes): lanesRow,
	// on the instruction set laneKind names.
	lanes    bool
	lanesRow func(*Plan, []float64, float64, []uint32, []float64, *atomic.Bool) int64
	laneKind string
	// cycleLanes says whether Row takes cycle's periods on SIMD lanes
	// (Config.Lanes, with BLA: rowCycle).
	cycleLanes bool
	// vecPeriods counts the periods rowCycle's lanes took, for the tests.
	vecPeriods atomic.Int64

	// skipped counts the iterations BLA skipped, over every Row, and
	// periodic the pixels that periodicity checking stopped and the
	// iterations that saved.
	skipped                 atomic.Int64
	periodic, periodicSaved atomic.Int64
}

// Periodic returns the pixels whose orbit was found to repeat exactly,
// so that they stopped early as inside, and the iterations that saved.
func (p *Plan) Periodic() (pixels, saved int64) {
	return p.periodic.Load(), p.periodicSaved.Load()
}

// orbitPoint is Z_m. Plan.gate[m] goes with it: the squared radius below
// which a delta at m can take a BLA run of 2 or more steps (0 where none
// starts at m), the float64 loop's one test for BLA.
type orbitPoint struct {
	zr, zi float64
}

// NewPlan computes the reference orbit of cfg's centre and, with cfg.BLA,
// its BLA table. It stops with ctx's error when ctx is cancelled.
func NewPlan(ctx context.Context, cfg Config) (*Plan, error) {
	if cfg.Spacing.Sign() <= 0 {
		return nil, fmt.Errorf("deep: spacing must be positive, got %v", cfg.Spacing)
	}
	mant := new(big.Float)
	e := cfg.Spacing.MantExp(mant)
	m, _ := mant.Float64()
	ref := cfg.Reference
	if ref == nil {
		var err error
		if ref, err = NewReference(ctx, cfg.Re, cfg.Im, cfg.MaxIter, cfg.Escape2, cfg.Re.Prec(), m, e); err != nil {
			return nil, err
		}
	}
	p := &Plan{ref: ref, d: newFx(m, e), maxIter: cfg.MaxIter, escape2: cfg.Escape2, periodicity: cfg.Periodicity, rebase: 1}
	if !cfg.BLA && (ref.Escaped || ref.Ended) {
		p.rebase = rebaseFactor
	}
	if cfg.BLA {
		dcMax := p.d.mul(newFx(math.Hypot(cfg.HalfWidth, cfg.HalfHeight), 0))
		p.bla = newBLATable(ref, dcMax, e)
	}
	// Deltas of pixels spaced 2^-490 or more apart start above the
	// rescaled loop's 2^-510, which the lanes leave to advance.
	p.lanes = cfg.Lanes && rowLanesFunc != nil && p.bla == nil && p.d.e > -490
	p.orbit = make([]orbitPoint, len(ref.Zr)+1)[:len(ref.Zr)]
	p.gate = make([]float64, len(ref.Zr))
	for m := range p.orbit {
		p.orbit[m] = orbitPoint{zr: ref.Zr[m], zi: ref.Zi[m]}
		if p.bla != nil && m > 0 {
			if e, ok := p.bla.at(1, m-1); ok {
				p.gate[m] = e.r2
			}
		}
	}
	// Which lanes: the widest this CPU has (rowLanesFunc), or AVX2's
	// where asked. AVX2's leave BLA's periods off too, which are AVX-512's:
	// the test below reads cfg.Lanes.
	if p.lanes {
		p.lanesRow, p.laneKind = rowLanesFunc, widestLanes
		if cfg.AVX2Lanes {
			// AVX2's or none, never the widest's: --kernel avx2 runs
			// no AVX-512 instruction, even on a CPU that has AVX-512
			// but not the AVX2 lanes' features.
			p.lanesRow, p.laneKind = rowLanesAVX2Func, "AVX2"
			if rowLanesAVX2Func == nil {
				p.lanes, p.laneKind = false, ""
			}
		}
	}
	if cfg.AVX2Lanes {
		cfg.Lanes = false
	}
	// The vector period loop takes m1Decided's shortcut and periodicity
	// checking as given.
	p.cycleLanes = cfg.Lanes && rowCycleFunc != nil && p.periodicity && p.bla != nil && p.bla.tail != nil &&
		len(p.orbit) > 3 && p.bla.tail[0].fast && m1Decided(p.orbit[1], min(p.gate[1], p.bla.tail[0].r2), p.escape2)
	return p, nil
}

// Lanes reports whether Row runs on SIMD lanes (Config.Lanes).
func (p *Plan) Lanes() bool { return p.lanes }

// LaneKind names the instruction set of the lanes Row runs on: "AVX-512",
// "AVX2", or "" for none.
func (p *Plan) LaneKind() string { return p.laneKind }

// Reference returns the plan's reference orbit.
func (p *Plan) Reference() *Reference { return p.ref }

// Skipped returns the iterations that BLA has skipped so far, over every
// Row: they are part of the work Row returns but were not computed one by
// one.
func (p *Plan) Skipped() int64 { return p.skipped.Load() }

// BLABytes is the memory of the plan's BLA table; 0 without one.
func (p *Plan) BLABytes() float64 {
	if p.bla == nil {
		return 0
	}
	return p.bla.bytes()
}

// stopCheckIters is about how many iterations a pixel does between looks
// at the stop flag, as the direct kernels.
const stopCheckIters = 4096

// Row computes the samples at offsets (kx[i], ky) from the centre, in
// samples: c = C + (kx[i] + ky i) x spacing. For each it stores the
// iterations done before |z|^2 exceeded escape2 (maxIter if it never did)
// in iter and the final |z|^2 in mag2, as render.Scalar does, and it
// returns the sum of the iterations, less those that periodicity checking
// cut (BLA's skipped ones count: their result is in the frame).
//
// It iterates two pixels at once: one pixel's float64 loop is a chain of
// dependent multiplications and additions, which leaves the CPU idle
// most of each iteration; two independent chains fill it. Each pixel's
// arithmetic is exactly its own loop's (pixelState.pass), so the results
// are the same bits as one pixel at a time.
func (p *Plan) Row(kx []float64, ky float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	if p.lanes {
		return p.lanesRow(p, kx, ky, iter, mag2, stop)
	}
	if p.cycleLanes && !p.noCycle {
		return rowCycleFunc(p, kx, ky, iter, mag2, stop)
	}
	var t rowTotals
	mi := float64(ky * p.d.m)
	var lanes [2]pixelState
	var at [2]int // the pixel each lane holds
	next := 0
	load := func(l int) bool {
		if next >= len(kx) {
			return false
		}
		at[l] = next
		p.start(&lanes[l], float64(kx[next]*p.d.m), mi)
		next++
		return true
	}
	active := [2]bool{load(0), load(1)}
	for active[0] || active[1] {
		if stop != nil && stop.Load() {
			break
		}
		a, b := &lanes[0], &lanes[1]
		both := active[0] && active[1]
		// Two pixels round a nucleus reference take their periods
		// together; cycle2 stops at the first that needs anything else,
		// and advance below takes it.
		if both && p.cycles(a) && p.cycles(b) {
			p.cycle2(a, b, cyclePasses/2)
		}
		// Pixels whose plain runs are short (BLA and rebases every few
		// steps, as in a minibrot) gain nothing from pairing and lose a
		// pass's overhead per step: they run alone for a while.
		alone := !both
		var free uint8
		if both && !a.small && !b.small {
			var steps int
			steps, free = p.plain2(a, b, stopCheckIters)
			alone = steps < 4
		}
		for l := range lanes {
			if !active[l] {
				continue
			}
			s := &lanes[l]
			// Alone, a lane runs on; paired, it takes one pass (its event)
			// and goes back to the pair, unless it is in the rescaled loop
			// or the pair left it after its pass (free).
			if !s.done && (alone || free>>l&1 == 0) { // cycle2 may have finished it
				p.advance(s, aloneIters(alone), alone, both)
			}
			if !s.done {
				continue
			}
			t.done(s, at[l], iter, mag2)
			active[l] = load(l)
		}
	}
	return p.rowEnd(t)
}

// rowTotals gathers a row's figures, added to the plan's once a row
// (rowEnd): the iterations its pixels took (less periodicity's cuts),
// BLA's skips, and periodicity's stops and the iterations they saved.
type rowTotals struct{ work, skipped, periodic, saved int64 }

// done stores the finished pixel s as sample x and counts its figures.
func (t *rowTotals) done(s *pixelState, x int, iter []uint32, mag2 []float64) {
	iter[x], mag2[x] = uint32(s.n), s.mag2
	t.work += int64(s.n) - s.cut
	t.skipped += s.skipped
	if s.cut > 0 {
		t.periodic++
		t.saved += s.cut
	}
}

// rowEnd adds a row's figures to the plan's and returns its work.
func (p *Plan) rowEnd(t rowTotals) int64 {
	p.skipped.Add(t.skipped)
	p.periodic.Add(t.periodic)
	p.periodicSaved.Add(t.saved)
	return t.work
}

// rebaseFactor sets when a pixel rebases: once |Z_m + z|^2 times it is
// under |z|^2, that is once the pixel's orbit is a quarter as far from 0
// as its delta is long. Zhuoran's rule rebases at the first of these
// (factor 1); a delta 4 times the orbit loses at most 2 bits of the
// orbit's precision, where the usual glitch tests allow about 10, and a
// pixel then rebases a quarter as often: on the spiral of render's
// BenchmarkIteration, every 2,800 iterations instead of every 290, and
// each rebase is a trip out of the SIMD lanes' plain steps. A power of
// two, so that mag*rebaseFactor is exact and the lanes may test it as
// integers (dd's exponent less 4); the lanes and plainFMA take the factor
// as an argument.
//
// Only without BLA, and only where the reference ends before maxIter
// (Plan.rebase); elsewhere the loop keeps Zhuoran's rule. Periodicity
// checking looks at the state at rebases, and a pixel inside a minibrot
// must rebase once a period for it to see the state repeat: at the
// reference's end, where the reference ends (at the nucleus, once a
// period, or where it escapes, which the pixel's period then divides into
// a cycle of rebases), or else at its own passes near 0, which under a
// quarter most such pixels never make. On the deep preset (a reference
// 3e-50 off the nucleus, running to maxiter) a quarter everywhere stopped
// 192 samples instead of 4,772 with BLA (11% more iterations) and 25
// instead of 678 without it at maxiter 200,000.
const rebaseFactor = 16

// Thresholds between the two loops of advance. Below 2^-500 a delta is kept
// as a mantissa near 1 and an exponent (the rescaled loop), above it as
// a float64: squares of deltas down to 2^-500 are still normal float64s,
// so that the float64 loop's tests (rebasing, BLA's radius) see them.
// The gap between the two keeps a delta near the threshold from
// switching every iteration.
const (
	toSmall    = 0x1p-510
	toLargeExp = -500
	// rescale: the rescaled loop brings its mantissa back near 1 once it
	// leaves [2^-32, 2^32].
	rescaleHi = 0x1p32
	rescaleLo = 0x1p-32
)

// cyclePasses is the least budget of passes advance gives cycle: a
// pixel round a nucleus reference never pairs (its runs are the whole
// period), so going back to Row after aloneIters passes only costs, and
// 256 periods are still a few microseconds between looks at the stop flag.
const cyclePasses = 512

// aloneIters is how many passes a lane takes before it is paired again:
// one (its event) when pairing pays, else a few hundred.
func aloneIters(alone bool) int {
	if alone {
		return 32
	}
	return stopCheckIters
}

// pixelState is one pixel's loop between passes: the delta, dr + di i in
// the float64 loop, or (wr + wi i) x 2^k in the rescaled one, where dc is
// (dcwr + dcwi i) x 2^k and sq = 2^k scales the square; m and n; Brent's
// saved rebase state; and, once done, the result.
type pixelState struct {
	mr, mi, dcr, dci               float64
	dr, di, wr, wi, dcwr, dcwi, sq float64
	k, m, n                        int
	small                          bool
	savedR, savedI                 float64
	savedC                         cx
	savedSmall                     bool
	rebases                        int
	skipped                        int64
	done                           bool
	mag2                           float64
	cut                            int64
}

// start sets s to the start of the sample c = C + (mr + mi i) x 2^d.e:
// z_0 = 0 never escapes (escape2 >= 4), and z_1 = c: m = 1, delta = dc.
func (p *Plan) start(s *pixelState, mr, mi float64) {
	de := p.d.e
	*s = pixelState{mr: mr, mi: mi, dcr: math.Ldexp(mr, de), dci: math.Ldexp(mi, de), n: 1, m: 1}
	if math.Abs(s.dcr) < toSmall && math.Abs(s.dci) < toSmall {
		s.small = true
		s.wr, s.wi, s.k, s.dcwr, s.dcwi, s.sq = rescaled(newCx(mr, mi, de), mr, mi, de)
	} else {
		s.dr, s.di = s.dcr, s.dci
	}
}

// plain2 takes plain float64 steps of two pixels in the float64 loop at
// once, for as long as neither needs anything else (an escape, a rebase,
// the rescaled loop, a BLA run, maxIter) and at most limit steps. A step
// is exactly advance's plain step. It returns the steps taken, and the
// pixels that need no pass of advance now (bit 0 a, bit 1 b; none but
// after floatPair). Where the CPU has the assembly and the table is
// dense, it takes advance's passes instead (floatPair), BLA runs and
// rebases among them, and returns the rounds: in a minibrot a pixel
// takes a run every few steps, and pairs that stopped at each went
// alone, one dependent chain at a time.
func (p *Plan) plain2(a, b *pixelState, limit int) (steps int, free uint8) {
	orbit, gate := p.orbit, p.gate
	top := len(orbit) - 1
	if p.fused() {
		// Each pixel's plain steps in the CPU's own FMA, one after the
		// other: a pixel's bits do not depend on its partner's. Without
		// FMA, none: advance takes them, in math.FMA's software.
		if plainFMAFunc == nil {
			return 0, 0
		}
		return min(p.plainAlone(a, limit), p.plainAlone(b, limit)), 0
	}
	maxIter, escape2, rebase := p.maxIter, p.escape2, p.rebase
	if hasPlainPair {
		// The same steps and tests, in assembly, which keeps both
		// pixels' values in registers.
		l := min(limit, top-a.m, top-b.m, maxIter-a.n, maxIter-b.n)
		if l <= 0 {
			return 0, 0
		}
		if t := p.bla; t != nil && t.ladder != nil && maxIter-a.n >= top && maxIter-b.n >= top {
			return p.floatPair(a, b, limit)
		}
		st := [8]float64{a.dr, a.di, b.dr, b.di, a.dcr, a.dci, b.dcr, b.dci}
		steps = plainPairBLA(&orbit[0].zr, &gate[0], a.m, b.m, l, escape2, &st)
		a.dr, a.di, b.dr, b.di = st[0], st[1], st[2], st[3]
		a.m, a.n, b.m, b.n = a.m+steps, a.n+steps, b.m+steps, b.n+steps
		return steps, 0
	}
	adr, adi, am, an := a.dr, a.di, a.m, a.n
	bdr, bdi, bm, bn := b.dr, b.di, b.m, b.n
	adcr, adci, bdcr, bdci := a.dcr, a.dci, b.dcr, b.dci
	for range limit {
		if an >= maxIter || bn >= maxIter || am == top || bm == top {
			break
		}
		oa, ob := &orbit[am], &orbit[bm]
		azr, azi, bzr, bzi := oa.zr, oa.zi, ob.zr, ob.zi
		afr, afi, bfr, bfi := azr+adr, azi+adi, bzr+bdr, bzi+bdi
		amag := float64(afr*afr) + float64(afi*afi)
		bmag := float64(bfr*bfr) + float64(bfi*bfi)
		add := float64(adr*adr) + float64(adi*adi)
		bdd := float64(bdr*bdr) + float64(bdi*bdi)
		if amag > escape2 || bmag > escape2 || amag*rebase < add || bmag*rebase < bdd || add < gate[am] || bdd < gate[bm] ||
			(math.Abs(adr) < toSmall && math.Abs(adi) < toSmall) || (math.Abs(bdr) < toSmall && math.Abs(bdi) < toSmall) {
			break
		}
		atr, ati := afr+azr, afi+azi
		btr, bti := bfr+bzr, bfi+bzi
		adr, adi = float64(atr*adr)-float64(ati*adi)+adcr, float64(atr*adi)+float64(ati*adr)+adci
		bdr, bdi = float64(btr*bdr)-float64(bti*bdi)+bdcr, float64(btr*bdi)+float64(bti*bdr)+bdci
		am++
		an++
		bm++
		bn++
		steps++
	}
	a.dr, a.di, a.m, a.n = adr, adi, am, an
	b.dr, b.di, b.m, b.n = bdr, bdi, bm, bn
	return steps, 0
}

// floatPair is advance's float64 loop with BLA for two pixels at once,
// in assembly (see floatPairBLA): up to limit rounds of a pass of each,
// plain steps, the dense table's fast runs and rebases (with Brent's
// bookkeeping), stopping before the first pass of either that is
// anything else, which advance takes, or after a rebase that leaves a
// pixel where the period lanes take it. Both must be in the float64
// loop, at least the reference's length from maxIter. It returns the
// full rounds taken and the pixels (bit 0 a, bit 1 b) that stopped
// after their pass and need none of advance now.
func (p *Plan) floatPair(a, b *pixelState, limit int) (rounds int, free uint8) {
	t := p.bla
	top := len(p.orbit) - 1
	// lim: where cycleVec would take a pixel at m = 1; 0 takes none.
	lim := 0.0
	if p.cycles(&pixelState{m: 1}) {
		lim = min(p.gate[1], t.tail[0].r2)
	}
	// The state a rebase compares with: NaN, equal to nothing, where
	// advance would not compare.
	nan := math.NaN()
	saved := func(s *pixelState) (float64, float64) {
		if s.rebases > 0 && !s.savedSmall {
			return s.savedR, s.savedI
		}
		return nan, nan
	}
	asr, asi := saved(a)
	bsr, bsi := saved(b)
	st := [17]float64{a.dr, a.di, b.dr, b.di, a.dcr, a.dci, b.dcr, b.dci, a.mr, a.mi, b.mr, b.mi, asr, asi, bsr, bsi, lim}
	ms := [9]int{a.m, b.m, 0, 0, a.rebases, b.rebases, p.maxIter - a.n - top, p.maxIter - b.n - top, 0}
	rounds = floatPairBLA(&p.orbit[0].zr, &p.gate[0], &t.ladder[0], (*uintptr)(unsafe.Pointer(&t.levels[0])),
		&t.tail[0].a0, len(t.tail), t.rungs, top, limit, p.escape2, &st, &ms)
	for k, s := range [2]*pixelState{a, b} {
		s.dr, s.di = st[2*k], st[2*k+1]
		s.m = ms[k]
		s.n = p.maxIter - top - ms[6+k]
		s.skipped += int64(ms[2+k])
		s.rebases = ms[4+k]
		if ms[8]>>k&1 == 1 {
			s.savedR, s.savedI, s.savedSmall = st[12+2*k], st[13+2*k], false
		}
	}
	return rounds, uint8(ms[8] >> 2 & 3)
}

// plainBLA takes plain steps of advance's float64 loop with BLA
// (unfused: each product rounded) for one pixel with delta dr + di i at
// orbit[0], gate[0], one a step, at most len(orbit), and stops before
// the first pass that is anything else (an escape, a rebase, the
// rescaled loop, a BLA run), which advance takes. It returns the steps
// taken and the delta after them: advance's own arithmetic and tests
// (with BLA, Zhuoran's rebase test: Plan.rebase is 1), in a loop that
// keeps them in registers.
func plainBLA(orbit []orbitPoint, gate []float64, escape2, dr, di, dcr, dci float64) (steps int, ndr, ndi float64) {
	gate = gate[:len(orbit)]
	for i := range orbit {
		zr, zi := orbit[i].zr, orbit[i].zi
		fr, fi := zr+dr, zi+di
		mag := float64(fr*fr) + float64(fi*fi)
		dd := float64(dr*dr) + float64(di*di)
		if mag > escape2 || mag < dd || dd < gate[i] || (math.Abs(dr) < toSmall && math.Abs(di) < toSmall) {
			return i, dr, di
		}
		tr, ti := fr+zr, fi+zi
		dr, di = float64(tr*dr)-float64(ti*di)+dcr, float64(tr*di)+float64(ti*dr)+dci
	}
	return len(orbit), dr, di
}

// floatRun takes up to passes passes of advance's float64 loop with BLA,
// in a dense table (its ladder), for one pixel with delta dr + di i at m,
// n: plain steps and runs whose A and B are float64s (fast), for as long
// as each pass is one of these, with advance's tests and arithmetic (its
// blaFloat's search and applyFloat's products, the ladder's radii being
// the levels' own), so that the bits are advance's. It stops before the
// first pass that is anything else (an escape, a rebase, the reference's
// end, the rescaled loop, maxIter, a run that is not fast), which advance
// takes. It returns the passes taken, the pixel's m, n, the iterations
// its runs skipped, and the delta. With BLA the rebase test is Zhuoran's
// (Plan.rebase is 1).
func (p *Plan) floatRun(passes, m, n int, dr, di, mr, mi, dcr, dci float64) (took, nm, nn int, skipped int64, ndr, ndi float64) {
	orbit, gate := p.orbit, p.gate
	top := len(orbit) - 1
	maxIter, escape2 := p.maxIter, p.escape2
	tail, ladder, rungs := p.bla.tail, p.bla.ladder, p.bla.rungs
	levels := p.bla.levels
	// m and n grow together, so m reaches end when n reaches maxIter or
	// m the reference's end, whichever is first.
	end := m + min(maxIter-n, top-m)
	for ; took < passes && m < end; took++ {
		zr, zi := orbit[m].zr, orbit[m].zi
		fr, fi := zr+dr, zi+di
		mag := float64(fr*fr) + float64(fi*fi)
		dd := float64(dr*dr) + float64(di*di)
		// |dr| and |di| both under 2^-510 make dd at most 2^-1019: a
		// larger dd rules the rescaled loop out without the test.
		if mag > escape2 || mag < dd || (!(dd > 0x1p-1018) && math.Abs(dr) < toSmall && math.Abs(di) < toSmall) {
			break
		}
		if dd < gate[m] {
			// blaFloat's search: the tail run, else the longest run of
			// 2^j steps that is valid and ends by maxIter.
			i := m - 1
			var e *blaEntry
			l := 0
			if i < len(tail) && n+len(tail)-i <= maxIter && dd < tail[i].r2 {
				e, l = &tail[i], len(tail)-i
			} else {
				rs := ladder[i*rungs : i*rungs+rungs]
				j := 0
				for j < rungs && n+1<<(j+1) <= maxIter && dd < rs[j] {
					j++
				}
				if j > 0 {
					e, l = &levels[j][i], 1<<j
				}
			}
			if e != nil {
				if !e.fast {
					break
				}
				dr, di = (float64(e.a0*dr)-float64(e.a1*di))+(float64(e.b0*mr)-float64(e.b1*mi)),
					(float64(e.a0*di)+float64(e.a1*dr))+(float64(e.b0*mi)+float64(e.b1*mr))
				m += l
				n += l
				skipped += int64(l)
				continue
			}
		}
		tr, ti := fr+zr, fi+zi
		dr, di = float64(tr*dr)-float64(ti*di)+dcr, float64(tr*di)+float64(ti*dr)+dci
		m++
		n++
	}
	return took, m, n, skipped, dr, di
}

// plainAlone is plain2's work for one pixel on plainFMA, which must be
// there: it takes s's plain steps, at most limit, and returns how many.
func (p *Plan) plainAlone(s *pixelState, limit int) int {
	top := len(p.orbit) - 1
	l := min(limit, p.maxIter-s.n, top-s.m)
	if s.small || s.done || l <= 0 {
		return 0
	}
	steps, dr, di := plainFMAFunc(&p.orbit[s.m].zr, l, p.escape2, p.rebase, s.dr, s.di, s.dcr, s.dci)
	s.dr, s.di = dr, di
	s.m += steps
	s.n += steps
	return steps
}

// advance runs up to passes passes of s's loop: at least one, and more
// while greedy or while s is in the rescaled loop, until s is done.
//
// Periodicity checking: the loop is a function of its state at a rebase
// (m = 0 and the delta), so once that state repeats bit for bit the pixel
// goes round the same cycle for ever and never escapes: it is inside, and
// stops with maxIter iterations. Brent's method keeps the state of the
// 2^k-th rebase and compares each rebase with it, which finds a cycle of
// any length in at most a few times its length. It is the direct
// kernels' exact periodicity check, moved to the rebases, where the
// orbit of a pixel in a minibrot whose nucleus is the reference returns
// once a period.
func (p *Plan) advance(s *pixelState, passes int, greedy, paired bool) {
	orbit, gate := p.orbit, p.gate
	top := len(orbit) - 1
	maxIter, escape2, de := p.maxIter, p.escape2, p.d.e
	mr, mi, dcr, dci := s.mr, s.mi, s.dcr, s.dci
	dr, di, wr, wi, dcwr, dcwi, sq := s.dr, s.di, s.wr, s.wi, s.dcwr, s.dcwi, s.sq
	k, m, n, small := s.k, s.m, s.n, s.small
	skipped := s.skipped
	periodic, fused, rebase := p.periodicity, p.fused(), p.rebase
loop:
	for pass := 0; pass < passes && (pass == 0 || greedy || small); pass++ {
		if m == 1 && !small && greedy && p.bla != nil && p.bla.tail != nil && !p.noCycle {
			if paired {
				// Back to Row, where cycle2 takes this pixel's periods
				// with the other lane's, once this pass has made
				// progress.
				if pass > 0 {
					break loop
				}
				goto general
			}
			s.dr, s.di, s.n, s.skipped = dr, di, n, skipped
			if done := p.cycle(s, max(passes-pass, cyclePasses)); done > 0 {
				dr, di, m, n, skipped = s.dr, s.di, s.m, s.n, s.skipped
				if s.done {
					break loop
				}
				pass += done - 1
				continue
			}
		}
	general:
		if n >= maxIter {
			// maxIter iterations: the final |z|^2 for the painter's
			// inside test.
			zr, zi := orbit[m].zr, orbit[m].zi
			if small {
				dr, di = math.Ldexp(wr, k), math.Ldexp(wi, k)
			}
			fr, fi := zr+dr, zi+di
			s.done, s.mag2, s.cut = true, norm2(fused, fr, fi), 0
			break loop
		}
		if fused && !small && plainFMAFunc != nil {
			// The plain steps in the CPU's own FMA, up to the next pass
			// that is anything else, which this pass then takes.
			budget := 1
			if greedy {
				budget = passes - pass
			}
			if l := min(budget, maxIter-n, top-m); l > 0 {
				steps, ndr, ndi := plainFMAFunc(&orbit[m].zr, l, escape2, rebase, dr, di, dcr, dci)
				if steps > 0 {
					dr, di = ndr, ndi
					m += steps
					n += steps
					pass += steps - 1
					continue
				}
			}
		}
		if !fused && !small && greedy {
			// BLA's plain steps in a loop of their own, up to the next
			// pass that is anything else, which this pass then takes.
			if l := min(passes-pass, maxIter-n, top-m); l > 1 {
				if p.bla.ladder != nil {
					if took, nm, nn, ns, ndr, ndi := p.floatRun(l, m, n, dr, di, mr, mi, dcr, dci); took > 0 {
						dr, di, m, n, skipped = ndr, ndi, nm, nn, skipped+ns
						pass += took - 1
						continue
					}
				} else if steps, ndr, ndi := plainBLA(orbit[m:m+l], gate[m:m+l], escape2, dr, di, dcr, dci); steps > 0 {
					dr, di = ndr, ndi
					m += steps
					n += steps
					pass += steps - 1
					continue
				}
			}
		}
		zr, zi := orbit[m].zr, orbit[m].zi
		if !small {
			fr, fi := zr+dr, zi+di
			mag := norm2(fused, fr, fi)
			if mag > escape2 {
				s.done, s.mag2, s.cut = true, mag, 0
				break loop
			}
			dd := norm2(fused, dr, di)
			if mag*rebase < dd || m == top {
				dr, di, m = fr, fi, 0
				zr, zi = 0, 0
				dd = mag
				if s.rebases > 0 && !s.savedSmall && dr == s.savedR && di == s.savedI && periodic {
					cut := int64(maxIter - n)
					n = maxIter
					s.done, s.mag2, s.cut = true, mag, cut
					break loop
				}
				if s.rebases++; s.rebases&(s.rebases-1) == 0 {
					s.savedR, s.savedI, s.savedSmall = dr, di, false
				}
			}
			if math.Abs(dr) < toSmall && math.Abs(di) < toSmall {
				small = true
				wr, wi, k, dcwr, dcwi, sq = rescaled(newCx(dr, di, 0), mr, mi, de)
				continue
			}
			if dd < gate[m] {
				if l, nr, ni := p.blaFloat(m, n, dd, dr, di, mr, mi); l > 0 {
					dr, di = nr, ni
					m += l
					n += l
					skipped += int64(l)
					continue
				}
			}
			tr, ti := fr+zr, fi+zi // 2Z + d, one addition
			if fused {
				dr, di = stepFMA(tr, ti, dr, di, dcr, dci)
			} else {
				dr, di = float64(tr*dr)-float64(ti*di)+dcr, float64(tr*di)+float64(ti*dr)+dci
			}
			m++
			n++
			continue
		}

		// The rescaled loop: |delta| < 2^-500 next to |Z_m|, so |z|^2 is
		// |Z_m|^2 to float64's precision unless Z_m is as small.
		mag := float64(zr*zr) + float64(zi*zi)
		if mag > escape2 || m == top || (m > 0 && mag < 0x1p-900 && mag*rebase < math.Ldexp(float64(wr*wr)+float64(wi*wi), 2*k)) {
			// Escape, the reference's end or rebasing: all need the
			// whole z = Z_m + delta, which is large or which the float64
			// loop, or a rescaled delta from m = 0, carries on with.
			z := newCx(zr, zi, 0).add(cx{wr, wi, k})
			if mag > escape2 {
				s.done, s.mag2, s.cut = true, float64(zr*zr)+float64(zi*zi), 0
				break loop
			}
			m = 0
			if s.rebases > 0 && s.savedSmall && z == s.savedC && periodic {
				cut := int64(maxIter - n)
				n = maxIter
				s.done, s.mag2, s.cut = true, float64(zr*zr)+float64(zi*zi), cut
				break loop
			}
			if s.rebases++; s.rebases&(s.rebases-1) == 0 {
				s.savedC, s.savedSmall = z, true
			}
			if small = z.e <= toLargeExp; small {
				wr, wi, k, dcwr, dcwi, sq = rescaled(z, mr, mi, de)
			} else {
				dr, di = math.Ldexp(z.re, z.e), math.Ldexp(z.im, z.e)
			}
			continue
		}
		if p.bla != nil && m > 0 {
			if l, c := p.blaRescaled(m, n, wr, wi, k, mr, mi, de); l > 0 {
				m += l
				n += l
				skipped += int64(l)
				if small = c.e <= toLargeExp; small {
					wr, wi, k, dcwr, dcwi, sq = rescaled(c, mr, mi, de)
				} else {
					dr, di = math.Ldexp(c.re, c.e), math.Ldexp(c.im, c.e)
				}
				continue
			}
		}
		tr, ti := 2*zr+float64(wr*sq), 2*zi+float64(wi*sq)
		wr, wi = float64(tr*wr)-float64(ti*wi)+dcwr, float64(tr*wi)+float64(ti*wr)+dcwi
		m++
		n++
		if big := math.Max(math.Abs(wr), math.Abs(wi)); big > rescaleHi || (big < rescaleLo && big != 0) {
			c := newCx(wr, wi, k)
			if small = c.e <= toLargeExp; small {
				wr, wi, k, dcwr, dcwi, sq = rescaled(c, mr, mi, de)
			} else {
				dr, di = math.Ldexp(c.re, c.e), math.Ldexp(c.im, c.e)
			}
		}
	}
	s.dr, s.di, s.wr, s.wi, s.dcwr, s.dcwi, s.sq = dr, di, wr, wi, dcwr, dcwi, sq
	s.k, s.m, s.n, s.small = k, m, n, small
	s.skipped = skipped
}

// cycle is advance's passes from m = 1 for a pixel that goes round the
// reference once a period: the tail run from m = 1 to the end, M, then
// the rebase there and the step from m = 0. It takes whole periods while
// every test of advance's float64 loop comes out that way, and makes
// the same decisions with the same arithmetic, so the bits are advance's
// own; it leaves anything else (an escape, an early rebase, a delta for
// the rescaled loop, a shorter run, maxIter) to advance, at m = 1, M or
// 0, where advance's pass repeats the test that stopped it. In a
// minibrot whose nucleus is the reference this is nearly every pass:
// a loop that knows its path takes half the time of advance's general
// one. It returns the passes it took, two a period, at most about
// budget, and 0 when it took none; s holds the pixel's state on entry
// (at m = 1, in the float64 loop) and on return.
func (p *Plan) cycle(s *pixelState, budget int) (passes int) {
	tail := &p.bla.tail[0]
	top := len(p.orbit) - 1
	l := top - 1
	if !tail.fast || top < 2 {
		return 0
	}
	o1, ot, o0 := p.orbit[1], p.orbit[top], p.orbit[0]
	maxIter, escape2, periodic, rebase := p.maxIter, p.escape2, p.periodicity, p.rebase
	a0, a1 := tail.a0, tail.a1
	mr, mi, dcr, dci := s.mr, s.mi, s.dcr, s.dci
	// B dc, the same for every period: applyFloat's arithmetic, once.
	bdr, bdi := float64(tail.b0*mr)-float64(tail.b1*mi), float64(tail.b0*mi)+float64(tail.b1*mr)
	// One test for advance's two at m = 1: a run of 2 or more steps (the
	// gate) and the tail run both valid.
	lim := min(p.gate[1], tail.r2)
	m1 := m1Decided(o1, lim, escape2)
	dr, di, n, skipped := s.dr, s.di, s.n, s.skipped
	m := 1
	for passes+2 <= budget+1 {
		// The pass at m = 1. advance's test for the rescaled loop, |dr|
		// and |di| both under 2^-510, implies dd < 2^-1019: a larger dd
		// rules it out, and a smaller one goes back to advance.
		if n+l > maxIter {
			break
		}
		dd := float64(dr*dr) + float64(di*di)
		if !(dd < lim) || !(dd > 0x1p-1018) {
			break
		}
		if !m1 {
			fr, fi := o1.zr+dr, o1.zi+di
			if mag := float64(fr*fr) + float64(fi*fi); mag > escape2 || mag*rebase < dd {
				break
			}
		}
		dr, di = (float64(a0*dr)-float64(a1*di))+bdr, (float64(a0*di)+float64(a1*dr))+bdi
		n += l
		skipped += int64(l)
		m = top
		passes++
		// The pass at M: the rebase, and the step from m = 0.
		if n >= maxIter {
			break
		}
		fr, fi := ot.zr+dr, ot.zi+di
		mag := float64(fr*fr) + float64(fi*fi)
		if mag > escape2 {
			break
		}
		dr, di, m = fr, fi, 0
		if s.rebases > 0 && !s.savedSmall && dr == s.savedR && di == s.savedI && periodic {
			s.done, s.mag2, s.cut = true, mag, int64(maxIter-n)
			n = maxIter
			passes++
			break
		}
		if s.rebases++; s.rebases&(s.rebases-1) == 0 {
			s.savedR, s.savedI, s.savedSmall = dr, di, false
		}
		// mag is |dr + di i|^2 now: the same test for the rescaled loop.
		if !(mag > 0x1p-1018) {
			break
		}
		tr, ti := 2*o0.zr+dr, 2*o0.zi+di
		dr, di = float64(tr*dr)-float64(ti*di)+dcr, float64(tr*di)+float64(ti*dr)+dci
		m = 1
		n++
		passes++
	}
	s.dr, s.di, s.m, s.n, s.skipped = dr, di, m, n, skipped
	return passes
}

// m1Decided reports whether the tests of |z|^2 at m = 1 (escape, and
// rebasing: |z|^2 < |delta|^2) come out the same, no, for every delta
// with |delta|^2 < lim: Z_1 is well inside the escape radius and far from
// 0 next to such deltas, by margins that leave rounding (a part in 2^52)
// out of it. cycle and cycle2 then leave |Z_1 + delta|^2 uncomputed,
// a sixth of their arithmetic a period, with the same decisions.
func m1Decided(o1 orbitPoint, lim, escape2 float64) bool {
	z2 := float64(o1.zr*o1.zr) + float64(o1.zi*o1.zi)
	// |delta| < 2^-30 and |Z_1| < 4 move |z|^2 by under 2^-26, and
	// rounding moves it by under 2^-48.
	return lim < 0x1p-60 && z2 > 0x1p-20 && z2 < 16 && z2 < escape2-0x1p-20
}

// cycles reports whether s is where cycle2 can take it: at m = 1 in the
// float64 loop of a plan with a tail run.
func (p *Plan) cycles(s *pixelState) bool {
	return s.m == 1 && !s.small && p.bla != nil && p.bla.tail != nil && !p.noCycle && p.bla.tail[0].fast && len(p.orbit) > 3
}

// cycle2 is cycle for two pixels at once, period by period: one pixel's
// period is a chain of dependent steps that leaves the CPU idle most of
// the time, and two chains fill it. Each pixel's tests and arithmetic are
// cycle's, in the same order, so its bits are cycle's. It stops, with
// both pixels at the same m (1, M or 0, where advance's pass repeats the
// test), as soon as either needs anything but the period's path, or
// after budget periods; it returns the periods taken. Both must be at
// m = 1 (cycles).
func (p *Plan) cycle2(a, b *pixelState, budget int) (periods int) {
	tail := &p.bla.tail[0]
	top := len(p.orbit) - 1
	l := top - 1
	o1, ot, o0 := p.orbit[1], p.orbit[top], p.orbit[0]
	maxIter, escape2, periodic, rebase := p.maxIter, p.escape2, p.periodicity, p.rebase
	a0, a1 := tail.a0, tail.a1
	lim := min(p.gate[1], tail.r2)
	m1 := m1Decided(o1, lim, escape2)
	// B dc of each pixel: applyFloat's arithmetic, once.
	abr, abi := float64(tail.b0*a.mr)-float64(tail.b1*a.mi), float64(tail.b0*a.mi)+float64(tail.b1*a.mr)
	bbr, bbi := float64(tail.b0*b.mr)-float64(tail.b1*b.mi), float64(tail.b0*b.mi)+float64(tail.b1*b.mr)
	adcr, adci, bdcr, bdci := a.dcr, a.dci, b.dcr, b.dci
	adr, adi, an := a.dr, a.di, a.n
	bdr, bdi, bn := b.dr, b.di, b.n
	m := 1
	for ; periods < budget; periods++ {
		// The pass at m = 1, as cycle's.
		if an+l > maxIter || bn+l > maxIter {
			break
		}
		add := float64(adr*adr) + float64(adi*adi)
		bdd := float64(bdr*bdr) + float64(bdi*bdi)
		if !(add < lim) || !(add > 0x1p-1018) || !(bdd < lim) || !(bdd > 0x1p-1018) {
			break
		}
		if !m1 {
			afr, afi := o1.zr+adr, o1.zi+adi
			bfr, bfi := o1.zr+bdr, o1.zi+bdi
			amag := float64(afr*afr) + float64(afi*afi)
			bmag := float64(bfr*bfr) + float64(bfi*bfi)
			if amag > escape2 || amag*rebase < add || bmag > escape2 || bmag*rebase < bdd {
				break
			}
		}
		adr, adi = (float64(a0*adr)-float64(a1*adi))+abr, (float64(a0*adi)+float64(a1*adr))+abi
		bdr, bdi = (float64(a0*bdr)-float64(a1*bdi))+bbr, (float64(a0*bdi)+float64(a1*bdr))+bbi
		an += l
		bn += l
		a.skipped += int64(l)
		b.skipped += int64(l)
		m = top
		// The pass at M.
		if an >= maxIter || bn >= maxIter {
			break
		}
		afr, afi := ot.zr+adr, ot.zi+adi
		bfr, bfi := ot.zr+bdr, ot.zi+bdi
		amag := float64(afr*afr) + float64(afi*afi)
		bmag := float64(bfr*bfr) + float64(bfi*bfi)
		if amag > escape2 || bmag > escape2 {
			break
		}
		adr, adi, bdr, bdi, m = afr, afi, bfr, bfi, 0
		stopped := false
		if a.rebases > 0 && !a.savedSmall && adr == a.savedR && adi == a.savedI && periodic {
			a.done, a.mag2, a.cut = true, amag, int64(maxIter-an)
			an, stopped = maxIter, true
		} else if a.rebases++; a.rebases&(a.rebases-1) == 0 {
			a.savedR, a.savedI, a.savedSmall = adr, adi, false
		}
		if b.rebases > 0 && !b.savedSmall && bdr == b.savedR && bdi == b.savedI && periodic {
			b.done, b.mag2, b.cut = true, bmag, int64(maxIter-bn)
			bn, stopped = maxIter, true
		} else if b.rebases++; b.rebases&(b.rebases-1) == 0 {
			b.savedR, b.savedI, b.savedSmall = bdr, bdi, false
		}
		if stopped || !(amag > 0x1p-1018) || !(bmag > 0x1p-1018) {
			periods++
			break
		}
		// The step from m = 0.
		atr, ati := 2*o0.zr+adr, 2*o0.zi+adi
		btr, bti := 2*o0.zr+bdr, 2*o0.zi+bdi
		adr, adi = float64(atr*adr)-float64(ati*adi)+adcr, float64(atr*adi)+float64(ati*adr)+adci
		bdr, bdi = float64(btr*bdr)-float64(bti*bdi)+bdcr, float64(btr*bdi)+float64(bti*bdr)+bdci
		m = 1
		an++
		bn++
	}
	a.dr, a.di, a.n, a.m = adr, adi, an, m
	b.dr, b.di, b.n, b.m = bdr, bdi, bn, m
	return periods
}

// rescaled returns the rescaled loop's state for the delta c: its
// mantissa and exponent, dc = (mr + mi i) x 2^de at that exponent, and
// the square's scale 2^k.
func rescaled(c cx, mr, mi float64, de int) (wr, wi float64, k int, dcwr, dcwi, sq float64) {
	return c.re, c.im, c.e, math.Ldexp(mr, de-c.e), math.Ldexp(mi, de-c.e), math.Ldexp(1, c.e)
}

// blaFloat looks for the longest run of at least 2 steps from m that is
// valid for the float64 delta dr + di i and ends by maxIter, and returns
// its length and the delta it gives (A delta + B dc), or 0.
func (p *Plan) blaFloat(m, n int, d2, dr, di, mr, mi float64) (l int, nr, ni float64) {
	i := m - 1
	var e *blaEntry
	j := 0
	if t := p.bla.tail; i < len(t) {
		if l := len(t) - i; n+l <= p.maxIter && d2 < t[i].r2 {
			return p.applyFloat(&t[i], l, dr, di, mr, mi)
		}
	}
	for n+1<<(j+1) <= p.maxIter {
		next, ok := p.bla.at(j+1, i)
		if !ok || !(d2 < next.r2) {
			break
		}
		e = next
		j++
	}
	if e == nil {
		return 0, 0, 0
	}
	return p.applyFloat(e, 1<<j, dr, di, mr, mi)
}

// applyFloat returns l and the delta that the run e of l steps gives the
// float64 delta dr + di i of the sample dc = (mr + mi i) x 2^d.e.
func (p *Plan) applyFloat(e *blaEntry, l int, dr, di, mr, mi float64) (int, float64, float64) {
	if e.fast {
		return l, (float64(e.a0*dr) - float64(e.a1*di)) + (float64(e.b0*mr) - float64(e.b1*mi)),
			(float64(e.a0*di) + float64(e.a1*dr)) + (float64(e.b0*mi) + float64(e.b1*mr))
	}
	a, b := e.A(), e.B(p.d.e)
	ar, ai := float64(a.re*dr)-float64(a.im*di), float64(a.re*di)+float64(a.im*dr)
	br, bi := float64(b.re*mr)-float64(b.im*mi), float64(b.re*mi)+float64(b.im*mr)
	be := b.e + p.d.e
	return l, math.Ldexp(ar, a.e) + math.Ldexp(br, be), math.Ldexp(ai, a.e) + math.Ldexp(bi, be)
}

// blaRescaled is blaFloat for the rescaled delta (wr + wi i) x 2^k; the
// delta it gives is an extended-exponent number.
func (p *Plan) blaRescaled(m, n int, wr, wi float64, k int, mr, mi float64, de int) (l int, c cx) {
	i := m - 1
	d := newFx(math.Sqrt(float64(wr*wr)+float64(wi*wi)), k)
	var e *blaEntry
	j := 0
	for n+1<<(j+1) <= p.maxIter {
		next, ok := p.bla.at(j+1, i)
		if !ok || !d.less(next.R()) {
			break
		}
		e = next
		j++
	}
	if e == nil {
		return 0, cx{}
	}
	a, b := e.A(), e.B(de)
	az := newCx(float64(a.re*wr)-float64(a.im*wi), float64(a.re*wi)+float64(a.im*wr), a.e+k)
	bz := newCx(float64(b.re*mr)-float64(b.im*mi), float64(b.re*mi)+float64(b.im*mr), b.e+de)
	return 1 << j, az.add(bz)
}

// fused says whether the float64 loop rounds with fused multiply-adds
// (norm2, stepFMA): without BLA, where the SIMD lanes run it too.
func (p *Plan) fused() bool { return p.bla == nil }

// rebaseExp is p.rebase's exponent in a float64's bits, for the lanes'
// integer rebase test (dd's bits less it are dd / p.rebase).
func (p *Plan) rebaseExp() uint64 {
	return uint64(bits.TrailingZeros64(uint64(p.rebase))) << 52
}

// norm2 is |x + y i|^2 as the float64 loop computes it. fused (the loop
// without BLA, which the SIMD lanes and plainFMA run too) fuses x*x with
// the rounded y*y: one rounding and one operation fewer, and math.FMA
// gives the same bits on every CPU, in software where the CPU has no
// FMA. Otherwise (with BLA, whose loop stays in Go) each product is
// rounded on its own.
func norm2(fused bool, x, y float64) float64 {
	if fused {
		return norm2FMA(x, y)
	}
	return float64(x*x) + float64(y*y)
}
