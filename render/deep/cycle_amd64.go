package deep

import (
	"math"
	"sync/atomic"

	"golang.org/x/sys/cpu"
)

// The AVX-512 period loop's shape; internal/perturbgen generates
// cyclePeriods512 with the same numbers (its -cyclevectors flag's
// default, and cycleConsts).
const (
	cycleVectors = 2
	cycleLanes   = 8 * cycleVectors
	cycleConsts  = 8
)

// cycleLanesAvailable reports whether this CPU runs cyclePeriods512
// (AVX-512F, DQ for the byte masks, and POPCNT to count the lanes that
// have left).
var cycleLanesAvailable = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasPOPCNT

// rowCycleFunc is rowCycle where the CPU has it.
var rowCycleFunc = func() func(*Plan, []float64, float64, []uint32, []float64, *atomic.Bool) int64 {
	if !cycleLanesAvailable {
		return nil
	}
	return (*Plan).rowCycle
}()

// cycleVec runs cycle's periods, on cyclePeriods512's lanes, for the
// lanes of ls in want that can take them (cycles, with a period left
// before maxIter), at most budget. A lane's periods are cycle's, bit for
// bit, and each stops where cycle would go on, at m = 1, for advance to
// take that period; the others run on without it until a quarter of
// them have stopped. It returns the lanes that took periods and need no
// pass of advance's now, and those it ran.
func (p *Plan) cycleVec(ls *[cycleLanes]pixelState, want uint64, budget int) (took, active uint64, periods int64) {
	// Most rounds have no lane at m = 1: they return before the
	// routine's state (over a kilobyte, zeroed) is made.
	for j := range ls {
		if want>>j&1 == 1 && ls[j].m == 1 {
			break
		}
		if j == len(ls)-1 {
			return 0, 0, 0
		}
	}
	tail := &p.bla.tail[0]
	top := len(p.orbit) - 1
	l := top - 1
	ot, o0 := p.orbit[top], p.orbit[0]
	lim := min(p.gate[1], tail.r2)
	c := [cycleConsts]float64{tail.a0, tail.a1, lim, ot.zr, ot.zi, p.escape2, 2 * o0.zr, 2 * o0.zi}
	var st [8 * cycleLanes]float64
	var reb [cycleLanes]int
	// The lanes that take periods go to the routine's first slots, q for
	// lane slot[q]: with 8 or fewer, its second vector has none and it
	// skips that vector's work.
	var slot [cycleLanes]int
	q := 0
	nan := math.NaN()
	for j := range ls {
		s := &ls[j]
		if want>>j&1 == 0 || s.done || !p.cycles(s) {
			continue
		}
		allowed := (p.maxIter - s.n) / (l + 1)
		// A lane that would not take its first period would only stop
		// the others': it is advance's at once.
		dd := float64(s.dr*s.dr) + float64(s.di*s.di)
		if allowed <= 0 || !(dd < lim) || !(dd > 0x1p-1018) {
			continue
		}
		budget = min(budget, allowed)
		active |= 1 << j
		slot[q] = j
		st[q], st[cycleLanes+q], st[2*cycleLanes+q], st[3*cycleLanes+q] = s.dr, s.di, s.dcr, s.dci
		// B dc: cycle's arithmetic.
		st[4*cycleLanes+q], st[5*cycleLanes+q] = float64(tail.b0*s.mr)-float64(tail.b1*s.mi), float64(tail.b0*s.mi)+float64(tail.b1*s.mr)
		// NaN equals nothing: where cycle would not compare.
		st[6*cycleLanes+q], st[7*cycleLanes+q] = nan, nan
		if s.rebases > 0 && !s.savedSmall {
			st[6*cycleLanes+q], st[7*cycleLanes+q] = s.savedR, s.savedI
		}
		reb[q] = s.rebases
		q++
	}
	if active == 0 {
		return 0, 0, 0
	}
	_, going := cyclePeriods512(&st, &reb, &c, budget, 1<<q-1, max(1, q/cycleStopShare))
	for q, j := range slot[:q] {
		if going>>q&1 == 1 {
			took |= 1 << j
		}
		s := &ls[j]
		k := reb[q] - s.rebases // one rebase a period
		if k == 0 {
			continue
		}
		periods += int64(k)
		s.dr, s.di = st[q], st[cycleLanes+q]
		s.n += k * (l + 1)
		s.skipped += int64(k * l)
		s.rebases = reb[q]
		if sr := st[6*cycleLanes+q]; !math.IsNaN(sr) {
			s.savedR, s.savedI, s.savedSmall = sr, st[7*cycleLanes+q], false
		}
	}
	// The lanes that stopped are advance's now.
	return took, active, periods
}

// cycleStopShare: cyclePeriods512 returns once 1/cycleStopShare of its
// lanes (at least one) have stopped, for advance to take them and Row to
// bring new pixels, rather than at the first, which left a vector
// running a handful of lanes most of the time.
const cycleStopShare = 4

// rowCycle is Row for a plan with cyclePeriods512: the same results, bit
// for bit. It keeps cycleLanes pixels; before each round the lanes at
// m = 1 round a nucleus reference take their periods together on the
// vector lanes, where one period costs far less than cycle2's, and the
// others go on in pairs as Row's two do, paired as they come.
func (p *Plan) rowCycle(kx []float64, ky float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	var t rowTotals
	var vec int64
	mi := float64(ky * p.d.m)
	var lanes [cycleLanes]pixelState
	var active uint64
	var at [cycleLanes]int
	next := 0
	load := func(l int) {
		if next >= len(kx) {
			active &^= 1 << l
			return
		}
		at[l] = next
		p.start(&lanes[l], float64(kx[next]*p.d.m), mi)
		next++
		active |= 1 << l
	}
	for l := range lanes {
		load(l)
	}
	for active != 0 {
		if stop != nil && stop.Load() {
			break
		}
		took, ran, n := p.cycleVec(&lanes, active, cyclePasses/2)
		vec += n
		busy := active &^ took
		// The lanes the vector lanes did not take, in pairs as they
		// come (a pixel's bits do not depend on its partner's).
		pending := -1
		for l := 0; l < cycleLanes; l++ {
			if busy>>l&1 == 0 {
				continue
			}
			if pending < 0 && busy>>(l+1) != 0 {
				pending = l
				continue
			}
			x, y := pending, l
			if x < 0 {
				x = l
			}
			pending = -1
			a, b := &lanes[x], &lanes[y]
			alone := x == y
			var free uint8
			if !alone && !a.small && !b.small {
				var steps int
				steps, free = p.plain2(a, b, stopCheckIters)
				alone = steps < 4
			}
			for k, l := range [2]int{x, y} {
				s := &lanes[l]
				// A lane the vector lanes ran takes its period here and
				// returns to them (paired); the others, whose deltas the
				// tail run does not take, go on as in Row, where cycle
				// takes the periods of a lane that comes back to it. A
				// lane the pair left after its pass, at m = 1 for the
				// vector lanes, takes none.
				if !s.done && (alone || free>>k&1 == 0) {
					p.advance(s, aloneIters(alone), alone, ran>>l&1 == 1)
				}
				if s.done {
					t.done(s, at[l], iter, mag2)
					load(l)
				}
				if x == y {
					break
				}
			}
		}
	}
	p.vecPeriods.Add(vec)
	return p.rowEnd(t)
}
