// Command perturbgen generates render/deep's AVX-512 perturbation loop,
// perturb_avx512_amd64.s and its Go declaration, with avo. `go generate
// ./render/deep/` runs it; the deep tests check that the committed files
// are what it produces.
//
// The routine, perturbBlocks512, is the float64 loop of deep's
// Plan.advance without BLA, on 3 vectors of 8 pixels' deltas at once.
// Each lane has its own place m in the reference orbit, so each reads its
// own Z_m: one 32-byte load from the orbit's interleaved points per lane
// gives Z_m and Z_m+1 (see load), and the loop takes two steps a load.
// An iteration of a vector is advance's pass without BLA, operation for
// operation, with its fused multiply-adds (render/deep's norm2, stepFMA):
//
//	Z = Z_m; f = Z + d; mag = fma(fr, fr, fi*fi); dd = fma(dr, dr, di*di)
//	escape (mag > escape2), possibly small (dd < 2^-1018): an event
//	rebase (mag*16 < dd, or m = top): d = f, m = 0, Z = 0
//	t = f + Z; dr = fma(tr, dr, fma(-ti, di, dcr)); di = fma(tr, di, fma(ti, dr, dci)); m++
//
// The hot loop tests every lane of a vector into one mask and takes plain
// steps while every vector's is all plain; the slow path finds which
// lanes are not, with the exact float tests:
//
//   - Escaped lanes are stored (count and |z|^2 scattered to iter and
//     mag2) and take the next pixels of the row (VPEXPANDQ, VEXPANDPD),
//     as Plan.start loads them; near the row's end they are the driver's.
//   - Rebases happen in the routine, with advance's periodicity check,
//     exactly: a lane whose new delta equals the one it saved (which the
//     driver makes NaN where advance would not compare) is an event, as is
//     one whose new delta may be small; the others count the rebase and
//     save the delta at every power of two, Brent's scheme as in advance.
//   - A lane whose delta may be small (|dr| and |di| under 2^-510, the
//     rescaled loop's threshold, make dd under 2^-1019: the test is wider
//     than advance's) is an event: the routine stops before its pass and
//     returns the lanes with events, and the Go driver (lanes_amd64.go)
//     runs that pass in advance's own code, as it does at maxIter.
//
// So every pass is advance's, and the counts and final |z|^2 are Row's
// scalar loop's, bit for bit; the tests compare the two.
//
// Measured on AMD EPYC Zen 4 (family 25, model 17, which splits 512-bit
// operations in two), 2 cores shared with other jobs (load 5 to 8), with
// render's BenchmarkIteration/wide (512x16 around the spiral at 1e-9,
// maxiter 5000, one goroutine), CPU ns per iteration, medians of 9
// interleaved rounds, each step against the one before in the same run:
//
//	two VGATHERQPDs a vector for Z_m                  1.8-2.0
//	16-byte loads, VINSERTF64X2, VUNPCKL/HPD          1.27
//	hot tests as integers, 2Z as a multiplication     1.25
//	escaped lanes stored and reloaded here, not in Go 1.29 against 1.30
//	one mask ANDed through the tests; untilTop        1.13 against 1.19
//	256-bit load-and-inserts joined by one insert     1.11 against 1.18
//	the loop's constants in registers                 1.00 against 1.03
//	a tree of per-vector masks, alone (not kept)      1.17 against 1.11
//	2 or 3 vectors instead of 4                       the same
//	a row's last 6 pixels in advance; events cleared  1.05 against 1.08
//	per-vector masks, the slow path skipping plain    1.03 against 1.12
//	vectors (see "slow")
//	load addresses stored whole, not under a mask     0.98 against 0.99
//
// A later session measured warm runs: each sub-benchmark's third in its
// process (go test -count repeats a sub-benchmark in a row, and a
// process's first run of the direct kernel is 5 to 20% slower, which
// had flattered the ratio: warm, main's was 5.1-5.4x, not 4.6x). Lanes
// alone, CPU ns per iteration, medians of 11 to 21 interleaved rounds,
// each against the loop it changed (main's where it says, else the
// kept row above); the machine's speed drifted by a fifth over the hour,
// so compare within a row:
//
//	Z_m and Z_m+1 in one 32-byte load a lane (16-byte orbit      0.926 against 0.922
//	points, the BLA gates apart, two points' room past the end),
//	two steps a load, m kept as the load address, a masked
//	broadcast for VINSERTF64X4, every load before the tests, the
//	slow path's events found in one pass (not kept, alone)
//	the same without the branch to the slow path (a bound)       0.659 against 0.670 (main's)
//	an unconditional jump through the slow path every iteration  0.883 against 0.918 (main's)
//	(a bound: no branch to mispredict)
//	a branch a vector to the slow path, on main's loop (kept)    0.871 against 0.917 (main's)
//	the same on the 32-byte loads' loop (kept)                   0.986 against 1.019 (above)
//	a branch a half vector                                       the same
//	a branch a pair of vectors                                   1.06 against 1.04
//	each vector's branch after its own tests                     0.94 against 0.90
//	the slow path entered at the vector that branched            the same
//	the rebased lanes' addresses stored after the next loop's    0.938 against 0.929 (the
//	loads (no wait for the 64-byte store)                        32-byte loads' loop alone)
//	2Z as an addition                                            1.04 against 1.03 (cold runs)
//	the slow path through every vector, not the plain ones       1.05 against 1.01 (cold)
//	the escape test on integers, idle lanes' NaNs negative       0.982 against 0.990 (cold)
//	2 or 3 vectors, also with dc in registers                    the same
//
// A later session changed the loop's arithmetic, for the lanes and the
// scalar loop alike (new pinned frame hashes, the same under GOAMD64=v1,
// v3 and arm64): a rebase only once |Z + d| < |d| / 4, 2Z + d as f + Z
// (f is the tests'), and fused multiply-adds, 12 floating-point
// operations a lane and iteration where there were 21. Each sub-
// benchmark's second run in its process, interleaved with main's, lanes
// then direct, CPU ns an iteration (load 1-2; 5 to 7 rounds each):
//
//	rebase under a quarter (4 vectors): a tenth as many rebases  0.941 against 1.021, direct 0.21
//	and t = f + Z (2 vectors: f held for the step)               0.916 against 1.021
//	and FMA, 2 vectors                                           0.787 against 0.960
//	and FMA, 3 vectors (fewer temporaries: 3 fit again)          0.750 against 0.960, direct 0.215
//	and the scalar steps in plainFMA (see render/deep)           0.733 against 0.962, direct 0.201: 3.65x
//
// Before that (main's loop of 21 operations):
//
// So the plain steps are 3.7x the direct kernel (0.66 against 0.18 ns),
// and the events (a slow path visit every ~190 lane-iterations) were the
// other 29%, most of it the mispredicted branch: the bound that jumps
// through the slow path every iteration, doing its work six times as
// often but never mispredicting, was faster than the loop. One branch
// a vector, each taken a quarter as often, took a fifth of that cost
// away (this VM gives perf no counters to say how).
//
// Where the time goes (perf annotate, the same benchmark, before the
// slow path skipped plain vectors): the hot tests and the loads of Z_m
// about 69%, the step 11%, the slow path 20% (its exact tests 9%, the
// escaped lanes 3%, the rebases 8%: a lane rebases every 204 iterations
// there, escapes every 1150, and one loop in six takes the slow path). The arithmetic itself is 21 floating-point
// operations a lane and iteration (advance's: f, mag, dd, 2Z + d and the
// step) against the direct kernel's 9, and the loads of Z_m add 8
// shuffles a vector: with all but one of the loads removed (wrong
// results, a bound) the loop took 20% less.
package main

import (
	"flag"
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/mandel-project/mandel/render/internal/avoutil"
)

// vectors must match perturbVectors in render/deep/lanes_amd64.go.
var vectors = flag.Int("vectors", 3, "independent vectors of 8 lanes in flight, to hide latency")

// cycleVectors must match cycleVectors in render/deep/cycle_amd64.go.
var cycleVectors = flag.Int("cyclevectors", 2, "vectors of 8 lanes in cyclePeriods512")

// Offsets, in float64s or ints, of the state's parts, for L lanes: in st
// the deltas dr, di, then dcr, dci, then the saved deltas sr, si; in ln
// each lane's m, then its rebases, the routine's own load addresses, each
// lane's pixel (-1: idle) and the step at which its n was 0, then the work
// of the pixels the routine stored, per vector lane, the next pixel, and
// the slow path's masks of escaping and rebasing lanes.
var (
	lanes                                                                int
	offDr, offDi, offDcr, offDci, offSr, offSi                           int
	lnM, lnReb, lnQ, lnPix, lnStart, lnWork, lnNext, lnEsc, lnRb, lnSize int
)

// Constants in memory.
var zeroC, nanC, iota Mem

const (
	// smallDD bounds dd for a delta that advance may take to the
	// rescaled loop: both parts under 2^-510.
	smallDD = 0x1p-1018
	// Predicates of VCMPPD: ordered and quiet, so that a NaN (an idle
	// lane) never compares true.
	cmpEQ = 0x00
	cmpLT = 0x11
	cmpGT = 0x1e
	// Not greater than, unordered and quiet: true for a NaN, which does
	// not escape.
	cmpNGT = 0x1a
	// VPCMPQ's signed not-less-than.
	intNLT = 5
	// stride is the bytes from one orbit point to the next (Zr, Zi), which
	// render/deep's orbitStride must equal, and 1<<strideShift.
	stride      = 16
	strideShift = 4
)

func main() {
	flag.Parse()
	if *vectors < 1 || *vectors > 8 {
		panic(fmt.Sprintf("perturbgen: unsupported vectors %d", *vectors))
	}
	lanes = 8 * *vectors
	offDr, offDi, offDcr, offDci, offSr, offSi = 0, lanes, 2*lanes, 3*lanes, 4*lanes, 5*lanes
	lnM, lnReb, lnQ, lnPix, lnStart = 0, lanes, 2*lanes, 3*lanes, 4*lanes
	lnWork, lnNext, lnEsc, lnRb, lnSize = 5*lanes, 5*lanes+8, 5*lanes+9, 5*lanes+10, 5*lanes+11
	ConstraintExpr("amd64")
	small := GLOBL("perturbSmall", RODATA|NOPTR)
	DATA(0, U64(math.Float64bits(smallDD)))
	one := GLOBL("perturbOne", RODATA|NOPTR)
	DATA(0, U64(1))
	zeroC = GLOBL("perturbZero", RODATA|NOPTR)
	DATA(0, U64(0))
	nanC = GLOBL("perturbNaN", RODATA|NOPTR)
	DATA(0, U64(math.Float64bits(math.NaN())))
	iota = GLOBL("perturbIota", RODATA|NOPTR)
	for i := range 8 {
		DATA(8*i, U64(i))
	}
	routine(small, one)
	cycleRoutine(small, one)
	Generate()
}

func routine(small, one Mem) {
	TEXT("perturbBlocks512", NOSPLIT, fmt.Sprintf("func(st *[%d]float64, ln *[%d]int, orbit *float64, top int, escape2 float64, limit int, periodic bool, steps int, dcr *float64, dci float64, rowLen int, iter *uint32, mag2 *float64, rebase float64, rebaseExp uint64) (done int, events uint64)", 6*lanes, lnSize))
	Pragma("noescape")
	Doc(
		"perturbBlocks512 runs up to limit passes of Plan.advance's float64 loop,",
		fmt.Sprintf("without BLA, on %d lanes in %d vectors of 8: plain steps, rebases with", lanes, *vectors),
		"periodicity checking, and escapes, whose pixels it stores and replaces",
		"with the next of the row (dcr, dci, rowLen; iter and mag2 the row's",
		"results). It stops before the pass of any lane with another event and",
		"returns the steps it took and those lanes, bit l for lane l",
		"(internal/perturbgen says which). orbit is the reference orbit's first",
		fmt.Sprintf("Zr, each Zi the float64 after its Zr and the next Zr %d bytes on, with", stride),
		"one point's room past its last, top; steps is the driver's count of",
		"steps. It needs AVX-512F, DQ and VL, and POPCNT.",
	)
	st := Mem{Base: Load(Param("st"), GP64())}
	ln := Mem{Base: Load(Param("ln"), GP64())}
	// Few general registers are free: orbit and limit stay in the
	// arguments.
	orbitP := avoutil.ParamAddr("orbit")
	done := GP64()
	XORQ(done, done)
	events := GP64()
	e2 := avoutil.ParamAddr("escape2")
	top := avoutil.ParamAddr("top")

	V := *vectors
	// dr, di: the deltas; zr, zi: Z_m, and zr1, zi1 Z_{m+1}, which the
	// same load brings. m is not kept: it is the lane's load address (see
	// below) less the orbit's, over stride.
	dr, di, zr, zi, zr1, zi1 := make([]VecVirtual, V), make([]VecVirtual, V), make([]VecVirtual, V), make([]VecVirtual, V), make([]VecVirtual, V), make([]VecVirtual, V)
	for k := range V {
		dr[k], di[k], zr[k], zi[k], zr1[k], zi1[k] = ZMM(), ZMM(), ZMM(), ZMM(), ZMM(), ZMM()
	}
	vOff := func(off, k int) int { return 8*off + 64*k }
	for k := range V {
		VMOVUPD(st.Offset(vOff(offDr, k)), dr[k])
		VMOVUPD(st.Offset(vOff(offDi, k)), di[k])
	}
	// Each lane reads Z_m and Z_{m+1} as one 32-byte load from the
	// orbit's interleaved points, at q + sb: q, kept per lane in ln, is
	// the address of Z_m less sb, the bytes the routine has stepped so
	// far, so that a step adds stride to sb alone.
	sb := GP64()
	XORQ(sb, sb)
	{
		base := ZMM()
		VPBROADCASTQ(orbitP, base)
		for k := range V {
			q := ZMM()
			VPSLLQ(U8(strideShift), ln.Offset(vOff(lnM, k)), q)
			VPADDQ(base, q, q)
			VMOVDQU64(q, ln.Offset(vOff(lnQ, k)))
		}
	}
	// atTop is the address, less sb, of Z_top: a lane with q there is at
	// m = top.
	atTop := func() GPVirtual {
		t := GP64()
		MOVQ(top, t)
		SHLQ(U8(strideShift), t)
		ADDQ(orbitP, t)
		SUBQ(sb, t)
		return t
	}
	// untilTop is the steps until some lane may reach m = top: top less
	// the largest m. Rebases and new pixels only lower an m.
	untilTop := GP64()
	findTop := func() {
		t := ZMM()
		VMOVDQU64(ln.Offset(vOff(lnQ, 0)), t)
		for k := 1; k < V; k++ {
			VPMAXSQ(ln.Offset(vOff(lnQ, k)), t, t)
		}
		u := ZMM()
		VSHUFI64X2(U8(0x4e), t, t, u) // the 256-bit halves swapped
		VPMAXSQ(u, t, t)
		VEXTRACTI64X2(U8(1), t.AsY(), u.AsX())
		VPMAXSQ(u.AsX(), t.AsX(), t.AsX())
		VPSHUFD(U8(0x4e), t.AsX(), u.AsX())
		VPMAXSQ(u.AsX(), t.AsX(), t.AsX())
		mx := GP64()
		VMOVQ(t.AsX(), mx)
		a := atTop()
		SUBQ(mx, a)
		SARQ(U8(strideShift), a)
		MOVQ(a, untilTop)
	}
	findTop()
	// The hot loop's constants, in registers.
	e2R, smallR := ZMM(), ZMM()
	VBROADCASTSD(e2, e2R)
	VBROADCASTSD(small, smallR)
	// storeQ sets the load addresses of vector k's lanes in mask to q's
	// with one whole store: the loads' 8-byte reads of a masked store
	// would wait for it to retire (no store-to-load forwarding).
	storeQ := func(k int, q VecVirtual, mask OpmaskVirtual) {
		old := ZMM()
		VMOVDQU64(ln.Offset(vOff(lnQ, k)), old)
		VMOVDQA64(q, mask, old)
		VMOVDQU64(old, ln.Offset(vOff(lnQ, k)))
	}
	// load loads Z_m and Z_{m+1} of vector k: lane l's 32 bytes are row
	// R_l = (Zr_m, Zi_m, Zr_m+1, Zi_m+1). Each of four vectors holds two
	// rows, A = (R_0 | R_2), (R_1 | R_3), (R_4 | R_6), (R_5 | R_7);
	// VUNPCKLPD and VUNPCKHPD of the first two give (Zr_m of lanes 0, 1;
	// Zr_m+1 of 0, 1; Zr_m of 2, 3; Zr_m+1 of 2, 3) and the same of Zi,
	// of the last two the same of lanes 4 to 7, and VSHUFF64X2 of each
	// pair picks Z_m's 128-bit blocks, then Z_m+1's, in lane order: 8
	// shuffles and 4 blends a vector for two iterations, where the
	// 16-byte loads of one point took 8 shuffles for one, and half the
	// loads.
	// hiK: the upper four lanes.
	hiK := K()
	{
		t := GP32()
		MOVL(U32(0xf0), t)
		KMOVB(t, hiK)
	}
	load := func(k int) {
		at := func(l int) Mem {
			r := GP64()
			MOVQ(ln.Offset(8*(lnQ+8*k+l)), r)
			return Mem{Base: r, Index: sb, Scale: 1}
		}
		var a [4]VecVirtual
		for i, pair := range [4][2]int{{0, 2}, {1, 3}, {4, 6}, {5, 7}} {
			// A broadcast of one row and a broadcast of the other into
			// the upper half, under a mask: a blend where VINSERTF64X4
			// from memory is a shuffle, and shuffles are the busier.
			// (The first fills the whole register: a load into its low
			// bits is a partial write to avo's liveness.)
			a[i] = ZMM()
			VBROADCASTF64X4(at(pair[0]), a[i])
			VBROADCASTF64X4(at(pair[1]), hiK, a[i])
		}
		u, v, w, x := ZMM(), ZMM(), ZMM(), ZMM()
		VUNPCKLPD(a[1], a[0], u)
		VUNPCKHPD(a[1], a[0], v)
		VUNPCKLPD(a[3], a[2], w)
		VUNPCKHPD(a[3], a[2], x)
		VSHUFF64X2(U8(0x88), w, u, zr[k])  // blocks 0, 2 of u, then of w
		VSHUFF64X2(U8(0xdd), w, u, zr1[k]) // blocks 1, 3
		VSHUFF64X2(U8(0x88), x, v, zi[k])
		VSHUFF64X2(U8(0xdd), x, v, zi1[k])
	}
	// tests computes f, mag and dd of vector k at Z (zr, zi) as advance
	// does.
	tests := func(k int, zr, zi []VecVirtual) (fr, fi, mag, dd VecVirtual) {
		fr, fi = ZMM(), ZMM()
		VADDPD(dr[k], zr[k], fr)
		VADDPD(di[k], zi[k], fi)
		mag = avoutil.Norm2(ZMM, fr, fi)
		dd = avoutil.Norm2(ZMM, dr[k], di[k])
		return
	}
	// bitsOf ORs mask k into b at bits 8k.
	bitsOf := func(k int, mk OpmaskVirtual, b GPVirtual) {
		x := GP64()
		KMOVB(mk, x.As32())
		if k > 0 {
			SHLQ(U8(8*k), x)
		}
		ORQ(x, b)
	}
	// One mask per vector, ANDed through every test (each compare under
	// the mask so far), says which lanes have nothing to do but a plain
	// step; any lane out of one sends the routine to the slow path, which
	// finds what. Only the escape test compares floats: the others
	// compare the bits as integers, off the floating-point adders, the
	// busiest ports. On non-negative doubles integer order is float
	// order; with a NaN (an idle lane's) dd >= 2^-1018 is true as with
	// floats, and mag >= dd may be false where floats say true, which
	// only sends the routine to the slow path, which compares floats.
	// m = top is not tested here: untilTop counts the steps until a lane
	// may reach it. The vectors' masks are kept for the slow path, which
	// looks only at the vectors with a lane not plain.
	vm := make([]OpmaskVirtual, V)
	for k := range V {
		vm[k] = K()
	}
	// hotF holds each vector's f = Z + d from its hot tests, for its step.
	hotFr, hotFi := make([]VecVirtual, V), make([]VecVirtual, V)
	hotTests := func(k int, zr, zi []VecVirtual) {
		fr, fi, mag, dd := tests(k, zr, zi)
		hotFr[k], hotFi[k] = fr, fi
		VCMPPD(U8(cmpNGT), e2R, mag, vm[k])          // not mag > escape2
		VPCMPQ(U8(intNLT), smallR, dd, vm[k], vm[k]) // dd >= 2^-1018
		// mag * rebase >= dd: for dd >= 2^-1018, whose quotient by the
		// factor (a power of two up to 16) is normal, subtracting the
		// factor's exponent (rebaseExp) from dd's divides it exactly.
		ddq := ZMM()
		VPSUBQ_BCST(avoutil.ParamAddr("rebaseExp"), dd, ddq)
		VPCMPQ(U8(intNLT), ddq, mag, vm[k], vm[k])
	}
	// step takes the plain step of every vector at Z (zr, zi), with the
	// hot tests' f where hot, else adding Z + d again.
	step := func(zr, zi []VecVirtual, hot bool) {
		for k := range V {
			fr, fi := hotFr[k], hotFi[k]
			if !hot {
				fr, fi = nil, nil
			}
			avoutil.PerturbStep(ZMM, fr, fi, zr[k], zi[k], dr[k], di[k], st.Offset(vOff(offDcr, k)), st.Offset(vOff(offDci, k)))
		}
		ADDQ(U32(stride), sb)
		INCQ(done)
		DECQ(untilTop)
	}

	// events stays 0 in the loop: every path that sets it leaves.
	XORQ(events, events)
	// The hot loop takes two steps a load: the first at Z_m, the second,
	// if every lane is still plain, at Z_m+1. The slow path works at
	// (zr, zi), so the second step's tests move Z_m+1 there before they
	// go to it.
	Label("loop")
	CMPQ(done, avoutil.ParamAddr("limit"))
	JGE(LabelRef("exit"))
	// Every load first: they wait for nothing, and the tests wait for
	// them (their latency was the larger part of the time in perf's
	// samples).
	for k := range V {
		load(k)
	}
	for k := range V {
		hotTests(k, zr, zi)
	}
	// A branch a vector, each taken about a quarter as often as one
	// branch on every vector's mask ANDed: mispredicted less (see the
	// package comment).
	for k := range V {
		KORTESTB(vm[k], vm[k]) // CF: all ones
		JCC(LabelRef("slow"))
	}
	TESTQ(untilTop, untilTop)
	JZ(LabelRef("slow"))
	step(zr, zi, true)
	CMPQ(done, avoutil.ParamAddr("limit"))
	JGE(LabelRef("exit"))
	for k := range V {
		hotTests(k, zr1, zi1)
	}
	for k := range V {
		KORTESTB(vm[k], vm[k])
		JCC(LabelRef("second"))
	}
	TESTQ(untilTop, untilTop)
	JZ(LabelRef("second"))
	step(zr1, zi1, true)
	JMP(LabelRef("loop"))
	Label("second")
	for k := range V {
		VMOVAPD(zr1[k], zr[k])
		VMOVAPD(zi1[k], zi[k])
	}

	// The slow path: some lane escapes, may be small or rebases, or may
	// be at m = top. The exact tests of every vector, once, give three
	// masks of lanes, bit 8k+j for lane j of vector k: escapes (kept in
	// ln), possibly small deltas (events) and rebases (kept in ln).
	//
	// Lanes that may be small are the driver's, and so is every lane with
	// an event then; so are the escaped lanes where the row has too few
	// pixels left to reload them. Otherwise the escaped lanes are stored
	// and take the next pixels here, vector by vector: the count and
	// |z|^2 scattered to iter and mag2, the work added up per lane in ln,
	// the next pixels given out in lane order by VPEXPANDQ and VEXPANDPD,
	// each new lane starting as Plan.start starts it (m = n = 1, delta =
	// dc, no rebase, nothing saved); then the iteration's tests run again.
	Label("slow")
	{
		// pw: the hot path's masks, byte k for vector k; all zero when
		// some lane may be at m = top, which the hot path does not test.
		pw := GP64()
		XORQ(pw, pw)
		for k := range V {
			bitsOf(k, vm[k], pw)
		}
		TESTQ(untilTop, untilTop)
		JNZ(LabelRef("slowMasks"))
		XORQ(pw, pw)
		Label("slowMasks")
		es, rbw := GP64(), GP64()
		XORQ(es, es)
		XORQ(rbw, rbw)
		topV := ZMM()
		VPBROADCASTQ(atTop(), topV)
		periodic := GP8()
		Load(Param("periodic"), periodic)
		for k := range V {
			skip := fmt.Sprintf("plainVector%d", k)
			t := GP64()
			MOVQ(pw, t)
			if k > 0 {
				SHRQ(U8(8*k), t)
			}
			CMPB(t.As8(), U8(0xff))
			JE(LabelRef(skip))
			fr, fi, mag, dd := tests(k, zr, zi)
			a, b, c, t2 := K(), K(), K(), K()
			VCMPPD_BCST(U8(cmpGT), e2, mag, a)
			bitsOf(k, a, es)
			VCMPPD_BCST(U8(cmpLT), small, dd, b)
			bitsOf(k, b, events)
			// Rebases: mag * rebase < dd, or m = top.
			magF := ZMM()
			VMULPD_BCST(avoutil.ParamAddr("rebase"), mag, magF)
			VCMPPD(U8(cmpLT), dd, magF, c)
			VPCMPEQQ(ln.Offset(vOff(lnQ, k)), topV, t2)
			KORB(t2, c, c)
			bitsOf(k, c, rbw)
			// A rebasing lane whose new delta, f, may be small (its dd
			// is mag) or repeats the saved one is an event.
			e := K()
			VCMPPD_BCST(U8(cmpLT), small, mag, c, e)
			bitsOf(k, e, events)
			TESTB(periodic, periodic)
			JZ(LabelRef(skip))
			VCMPPD(U8(cmpEQ), st.Offset(vOff(offSr, k)), fr, c, c)
			VCMPPD(U8(cmpEQ), st.Offset(vOff(offSi, k)), fi, c, c)
			bitsOf(k, c, events)
			Label(skip)
		}
		MOVQ(es, ln.Offset(8*lnEsc))
		MOVQ(rbw, ln.Offset(8*lnRb))
		TESTQ(events, events)
		JNZ(LabelRef("allEvents"))
		TESTQ(es, es)
		JZ(LabelRef("rebase"))
		cnt := GP64()
		POPCNTQ(es, cnt)
		ADDQ(ln.Offset(8*lnNext), cnt)
		CMPQ(cnt, avoutil.ParamAddr("rowLen"))
		JG(LabelRef("allEvents"))
	}
	{
		stepsV := ZMM()
		t := GP64()
		MOVQ(avoutil.ParamAddr("steps"), t)
		ADDQ(done, t)
		VPBROADCASTQ(t, stepsV)
		next := GP64()
		MOVQ(ln.Offset(8*lnNext), next)
		for k := range V {
			skip := fmt.Sprintf("noescape%d", k)
			CMPB(ln.Offset(8*lnEsc+k), U8(0))
			JE(LabelRef(skip))
			_, _, mag, _ := tests(k, zr, zi)
			esc := K()
			KMOVB(ln.Offset(8*lnEsc+k), esc)
			n, pix := ZMM(), ZMM()
			VPSUBQ(ln.Offset(vOff(lnStart, k)), stepsV, n) // n = steps - start
			VMOVDQU64(ln.Offset(vOff(lnPix, k)), pix)
			g := K()
			KMOVB(esc, g)
			VPMOVQD(n, n.AsY())
			VPSCATTERQD(n.AsY(), g, Mem{Base: Load(Param("iter"), GP64()), Index: pix, Scale: 4})
			VPSUBQ(ln.Offset(vOff(lnStart, k)), stepsV, n)
			KMOVB(esc, g)
			VSCATTERQPD(mag, g, Mem{Base: Load(Param("mag2"), GP64()), Index: pix, Scale: 8})
			w := ZMM()
			VMOVDQU64(ln.Offset(8*lnWork), w)
			VPADDQ(n, w, esc, w)
			VMOVDQU64(w, ln.Offset(8*lnWork))
			// The next pixels, in lane order.
			idx := ZMM()
			VPBROADCASTQ(next, idx)
			VPADDQ(iota, idx, idx)
			VPEXPANDQ(idx, esc, pix)
			VMOVDQU64(pix, ln.Offset(vOff(lnPix, k)))
			src := GP64()
			MOVQ(avoutil.ParamAddr("dcr"), src)
			LEAQ(Mem{Base: src, Index: next, Scale: 8}, src)
			VEXPANDPD(Mem{Base: src}, esc, dr[k])
			c := ZMM()
			VMOVUPD(st.Offset(vOff(offDcr, k)), c)
			VEXPANDPD(Mem{Base: src}, esc, c)
			VMOVUPD(c, st.Offset(vOff(offDcr, k)))
			ci := ZMM()
			VBROADCASTSD(avoutil.ParamAddr("dci"), ci)
			VMOVAPD(ci, esc, di[k])
			VMOVUPD(ci, esc, st.Offset(vOff(offDci, k)))
			ones, zero, nan := ZMM(), ZMM(), ZMM()
			VPBROADCASTQ(one, ones)
			VPSUBQ(ones, stepsV, n) // n = 1 now: start = steps - 1
			VMOVDQU64(n, esc, ln.Offset(vOff(lnStart, k)))
			VPBROADCASTQ(zeroC, zero)
			VMOVDQU64(zero, esc, ln.Offset(vOff(lnReb, k)))
			VBROADCASTSD(nanC, nan)
			VMOVUPD(nan, esc, st.Offset(vOff(offSr, k)))
			VMOVUPD(nan, esc, st.Offset(vOff(offSi, k)))
			// They are at m = 1 and read Z_1 next, at q + sb.
			qa, qv := GP64(), ZMM()
			MOVQ(orbitP, qa)
			ADDQ(U32(stride), qa)
			SUBQ(sb, qa)
			VPBROADCASTQ(qa, qv)
			storeQ(k, qv, esc)
			x := GP64()
			KMOVB(esc, x.As32())
			POPCNTL(x.As32(), x.As32())
			ADDQ(x, next)
			Label(skip)
		}
		MOVQ(next, ln.Offset(8*lnNext))
		JMP(LabelRef("loop"))
	}
	Label("allEvents")
	ORQ(ln.Offset(8*lnEsc), events)
	JMP(LabelRef("exit"))

	// Some lane rebases (or none: m = top was only possible), and none
	// has an event: every rebasing lane does advance's rebase.
	Label("rebase")
	for k := range V {
		skipV := fmt.Sprintf("norebaseApply%d", k)
		CMPB(ln.Offset(8*lnRb+k), U8(0))
		JE(LabelRef(skipV))
		fr, fi := ZMM(), ZMM()
		VADDPD(dr[k], zr[k], fr)
		VADDPD(di[k], zi[k], fi)
		r := K()
		KMOVB(ln.Offset(8*lnRb+k), r)
		VMOVAPD(fr, r, dr[k])
		VMOVAPD(fi, r, di[k])
		// Zr and Zi zeroed in the rebasing lanes, now at m = 0: kept under
		// the others.
		keep := K()
		KNOTB(r, keep)
		VMOVAPD_Z(zr[k], keep, zr[k])
		VMOVAPD_Z(zi[k], keep, zi[k])
		// The next step reads Z_1: q + sb + stride at q = orbit - sb.
		q, t := ZMM(), GP64()
		MOVQ(orbitP, t)
		SUBQ(sb, t)
		VPBROADCASTQ(t, q)
		storeQ(k, q, r)
		// rebases++, and at a power of two the delta is saved.
		reb, low := ZMM(), ZMM()
		VMOVDQU64(ln.Offset(vOff(lnReb, k)), reb)
		VPADDQ_BCST(one, reb, r, reb)
		VMOVDQU64(reb, ln.Offset(vOff(lnReb, k)))
		VPSUBQ_BCST(one, reb, low)
		sv := K()
		VPTESTNMQ(low, reb, r, sv) // rebases & (rebases-1) == 0
		VMOVUPD(dr[k], sv, st.Offset(vOff(offSr, k)))
		VMOVUPD(di[k], sv, st.Offset(vOff(offSi, k)))
		Label(skipV)
	}
	// Rebases only lower an m: untilTop stays a bound, and is found again
	// only once it runs out.
	TESTQ(untilTop, untilTop)
	JNZ(LabelRef("stepOne"))
	findTop()
	Label("stepOne")
	step(zr, zi, false)
	JMP(LabelRef("loop"))

	Label("exit")
	{
		// m = (q + sb - orbit) / stride.
		t := GP64()
		MOVQ(sb, t)
		SUBQ(orbitP, t)
		off := ZMM()
		VPBROADCASTQ(t, off)
		for k := range V {
			VMOVUPD(dr[k], st.Offset(vOff(offDr, k)))
			VMOVUPD(di[k], st.Offset(vOff(offDi, k)))
			m := ZMM()
			VPADDQ(ln.Offset(vOff(lnQ, k)), off, m)
			VPSRLQ(U8(strideShift), m, m)
			VMOVDQU64(m, ln.Offset(vOff(lnM, k)))
		}
	}
	VZEROUPPER()
	Store(done, Return("done"))
	Store(events, Return("events"))
	RET()
}

// cycleRoutine generates cyclePeriods512: deep's Plan.cycle2 on
// cycleVectors vectors of 8 pixels, each at m = 1 in the float64 loop of a
// plan whose tail run is valid there (m1Decided). A period of a lane is
// cycle's, operation for operation, each rounded on its own (no FMA):
//
//	dd = dr*dr + di*di; go on only if dd < lim and dd > 2^-1018
//	n = (a0*dr - a1*di) + bdr, (a0*di + a1*dr) + bdi   (the tail run)
//	f = Z_M + n; mag = fr*fr + fi*fi
//	go on only if not mag > escape2, mag > 2^-1018 and f is not the saved delta
//	rebases++, f saved at a power of two (Brent's scheme, as advance)
//	t = 2 Z_0 + f; dr = (tr*fr - ti*fi) + dcr; di = (tr*fi + ti*fr) + dci
//
// A lane that would not go on leaves, with its delta from before that
// period, and the Go driver runs that period in cycle's own code, which
// makes the decision there; the others go on, and the routine returns
// once stopAfter lanes have left (the driver's choice: a quarter), or
// after budget periods. maxIter is the driver's: it gives a budget of
// periods that no lane's n passes. A vector whose lanes have all left
// (the driver packs the lanes into the first) is skipped.
//
// An earlier version returned at the first lane that stopped, and merged
// the new deltas under the mask of the lanes going on, so that each
// step waited for the period's tests. Measured in a later session on the
// same Zen 4 VM, shared (cpu: render of mandel -v, 640x360, maxiter 1e6,
// the minibrots at 5e-49, medians of 3 interleaved; the other changes of
// that session, render/deep's floatRun and plainPairBLA, came with it):
//
//	the new deltas merged under the lanes active at the start, a
//	stopping lane's put back on return                  66: about 9% less (render/deep's bench)
//	lanes leave, the routine returns once a quarter
//	have, lanes packed, an empty vector skipped         66: 0.32 -> 0.25 s, 248: 0.61 -> 0.45 s
//	(with floatRun)
//	4 vectors (32 lanes) instead of 2                   the same
//	returning at a half, an eighth or the first lane   the same
//	a budget 8 times as long                            the same
//
// Where it leaves time (66): most of its loops run one vector of a few
// lanes, a row's last long-lived pixels, each a chain of dependent
// periods that no other lane shares.
func cycleRoutine(small, one Mem) {
	V := *cycleVectors
	L := 8 * V
	TEXT("cyclePeriods512", NOSPLIT, fmt.Sprintf("func(st *[%d]float64, reb *[%d]int, c *[%d]float64, budget int, active uint64, stopAfter int) (periods int, going uint64)", 8*L, L, cycleConsts))
	Pragma("noescape")
	Doc(
		"cyclePeriods512 runs Plan.cycle's periods on the lanes of active, of",
		fmt.Sprintf("%d in %d vectors of 8 (st: dr, di, dcr, dci, bdr, bdi, saved dr,", L, V),
		"saved di; reb: rebases; c: cycle's constants, internal/perturbgen says",
		"which), at most budget. A lane that would not go on leaves the others",
		"with its state from before that period; the routine returns once",
		"stopAfter lanes have left, or none is left. It returns the periods",
		"it ran and the lanes still going, bit l for lane l; a lane's rebases",
		"(reb) grew by the periods it took. It needs AVX-512F and DQ.",
	)
	st := Mem{Base: Load(Param("st"), GP64())}
	rb := Mem{Base: Load(Param("reb"), GP64())}
	cm := Mem{Base: Load(Param("c"), GP64())}
	off := func(part, k int) Mem { return st.Offset(8*(part*L) + 64*k) }
	cst := func(i int) VecVirtual {
		r := ZMM()
		VBROADCASTSD(cm.Offset(8*i), r)
		return r
	}
	a0, a1, lim, otr, oti, e2, z0r, z0i := cst(0), cst(1), cst(2), cst(3), cst(4), cst(5), cst(6), cst(7)
	smallR, oneR := ZMM(), ZMM()
	VBROADCASTSD(small, smallR)
	VPBROADCASTQ(one, oneR)
	dr, di, rv := make([]VecVirtual, V), make([]VecVirtual, V), make([]VecVirtual, V)
	for k := range V {
		dr[k], di[k], rv[k] = ZMM(), ZMM(), ZMM()
		VMOVUPD(off(0, k), dr[k])
		VMOVUPD(off(1, k), di[k])
		VMOVDQU64(rb.Offset(64*k), rv[k])
	}
	periods, okw, act, cur, left := GP64(), GP64(), GP64(), GP64(), GP64()
	XORQ(periods, periods)
	Load(Param("active"), act)
	MOVQ(act, cur)
	// Each vector's lanes active at the start, into which the new deltas
	// are merged, rather than the lanes that go on, so that no step waits
	// for the period's tests (a third of its chain). A lane that does not
	// go on has its delta from before the period stored, and the one in
	// its register runs on unread.
	actK, pr, pi := make([]OpmaskVirtual, V), make([]VecVirtual, V), make([]VecVirtual, V)
	for k := range V {
		actK[k], pr[k], pi[k] = K(), ZMM(), ZMM()
		t := GP64()
		MOVQ(act, t)
		if k > 0 {
			SHRQ(U8(8*k), t)
		}
		KMOVB(t.As32(), actK[k])
	}
	Label("cycleLoop")
	XORQ(okw, okw)
	CMPQ(periods, avoutil.ParamAddr("budget"))
	JGE(LabelRef("cycleExit"))
	for k := range V {
		skip := fmt.Sprintf("cycleSkip%d", k)
		t := GP64()
		MOVQ(cur, t)
		if k > 0 {
			SHRQ(U8(8*k), t)
		}
		// A vector without lanes going on (the driver puts them first)
		// has no work.
		TESTB(U8(0xff), t.As8())
		JZ(LabelRef(skip))
		ok, was := K(), K()
		KMOVB(t.As32(), ok)
		KMOVB(t.As32(), was)
		VMOVAPD(dr[k], pr[k])
		VMOVAPD(di[k], pi[k])
		x, y, dd := ZMM(), ZMM(), ZMM()
		VMULPD(dr[k], dr[k], x)
		VMULPD(di[k], di[k], y)
		VADDPD(y, x, dd)
		VCMPPD(U8(cmpLT), lim, dd, ok, ok)    // dd < lim
		VCMPPD(U8(cmpGT), smallR, dd, ok, ok) // dd > 2^-1018
		// The tail run: A delta + B dc.
		nr, ni, u, v := ZMM(), ZMM(), ZMM(), ZMM()
		VMULPD(dr[k], a0, x)
		VMULPD(di[k], a1, y)
		VSUBPD(y, x, x)
		VADDPD(off(4, k), x, nr)
		VMULPD(di[k], a0, u)
		VMULPD(dr[k], a1, v)
		VADDPD(v, u, u)
		VADDPD(off(5, k), u, ni)
		// The rebase at M.
		fr, fi, mag := ZMM(), ZMM(), ZMM()
		VADDPD(nr, otr, fr)
		VADDPD(ni, oti, fi)
		VMULPD(fr, fr, x)
		VMULPD(fi, fi, y)
		VADDPD(y, x, mag)
		VCMPPD(U8(cmpNGT), e2, mag, ok, ok)    // not mag > escape2
		VCMPPD(U8(cmpGT), smallR, mag, ok, ok) // mag > 2^-1018
		eq := K()
		VCMPPD(U8(cmpEQ), off(6, k), fr, ok, eq)
		VCMPPD(U8(cmpEQ), off(7, k), fi, eq, eq)
		KANDNB(ok, eq, ok) // ok and not eq
		// The step from m = 0.
		tr, ti := ZMM(), ZMM()
		VADDPD(fr, z0r, tr)
		VADDPD(fi, z0i, ti)
		VMULPD(fr, tr, x)
		VMULPD(fi, ti, y)
		VSUBPD(y, x, x)
		VADDPD(off(2, k), x, actK[k], dr[k])
		VMULPD(fi, tr, u)
		VMULPD(fr, ti, v)
		VADDPD(v, u, u)
		VADDPD(off(3, k), u, actK[k], di[k])
		// rebases++, and at a power of two the rebased delta is saved.
		low := ZMM()
		VPADDQ(oneR, rv[k], ok, rv[k])
		VPSUBQ(oneR, rv[k], low)
		sv := K()
		VPTESTNMQ(low, rv[k], ok, sv)
		VMOVUPD(fr, sv, off(6, k))
		VMOVUPD(fi, sv, off(7, k))
		// The lanes that leave: their deltas from before the period.
		gone := K()
		KANDNB(was, ok, gone) // was and not ok
		VMOVUPD(pr[k], gone, off(0, k))
		VMOVUPD(pi[k], gone, off(1, k))
		w := GP64()
		KMOVB(ok, w.As32())
		if k > 0 {
			SHLQ(U8(8*k), w)
		}
		ORQ(w, okw)
		Label(skip)
	}
	INCQ(periods)
	MOVQ(okw, cur)
	// Return once stopAfter lanes have left (or all have).
	MOVQ(act, left)
	XORQ(cur, left)
	POPCNTQ(left, left)
	CMPQ(left, avoutil.ParamAddr("stopAfter"))
	JGE(LabelRef("cycleExit"))
	TESTQ(cur, cur)
	JNZ(LabelRef("cycleLoop"))
	Label("cycleExit")
	// The lanes still going: their deltas from the registers.
	for k := range V {
		going, t := K(), GP64()
		MOVQ(cur, t)
		if k > 0 {
			SHRQ(U8(8*k), t)
		}
		KMOVB(t.As32(), going)
		VMOVUPD(dr[k], going, off(0, k))
		VMOVUPD(di[k], going, off(1, k))
		VMOVDQU64(rv[k], rb.Offset(64*k))
	}
	VZEROUPPER()
	Store(periods, Return("periods"))
	Store(cur, Return("going"))
	RET()
}

// cycleConsts is the number of cyclePeriods512's constants: a0, a1, lim,
// Z_M (re, im), escape2, 2 Z_0 (re, im).
const cycleConsts = 8
