// Command perturbavx2gen generates render/deep's AVX2 perturbation loop,
// perturb_avx2_amd64.s and its Go declaration, with avo. `go generate
// ./render/deep/` runs it; the deep tests check that the committed files
// are what it produces.
//
// The routine, perturbBlocksAVX2, is internal/perturbgen's
// perturbBlocks512 for CPUs with AVX2 but no AVX-512 (AMD Zen 2 and 3,
// Intel desktop parts before Ice Lake): deep's Plan.advance without BLA on
// vectors of 4 pixels' deltas, each lane with its own place m in the
// reference orbit, and each iteration advance's pass without BLA,
// operation for operation, with its fused multiply-adds (FMA3, which
// every CPU with AVX2 so far has; the lanes ask for it):
//
//	Z = Z_m; f = Z + d; mag = fma(fr, fr, fi*fi); dd = fma(dr, dr, di*di)
//	escape (mag > escape2), possibly small (dd < 2^-1018): an event
//	rebase (mag*16 < dd, or m = top): d = f, m = 0, Z = 0
//	t = (Z + d) + Z; dr = fma(tr, dr, fma(-ti, di, dcr)); di = fma(tr, di, fma(ti, dr, dci)); m++
//
// The design is perturbBlocks512's (see its comment); what AVX2 lacks
// changes the details:
//
//   - 16 vector registers, not 32: the deltas, the Z_m just loaded and the
//     constants of 2 vectors fill them, so the routine runs 2 vectors of 4
//     (or 1, with the flag), and adds Z + d again for the step where
//     perturbBlocks512 keeps the tests' sum.
//   - No mask registers: the hot loop ORs the vectors' compares (as
//     integers, as perturbBlocks512 does, and the escape as floats) into
//     one vector and VPTEST says whether any lane is not plain; the slow
//     path makes VMOVMSKPD bit masks of the exact float tests and applies
//     a rebase with VBLENDVPD, vector by vector, skipping vectors with no
//     rebasing lane.
//   - No VPCOMPRESSQ, VPEXPANDQ or scatters: an escaped lane is stored and
//     reloaded in scalar code, lane by lane (BSFQ over the mask), on the
//     deltas spilled to memory. Escapes are rare next to plain steps.
//   - No 64-bit multiply or maximum of vectors: each lane keeps m less the
//     routine's step count (so a step adds nothing to it, and a rebase
//     sets it to -done), the load address of Z_m as perturbBlocks512 does,
//     and the steps until some lane may reach m = top come from a scalar
//     pass over the lanes, when they run out.
//   - 14 general registers: the 8 lanes' load addresses stay in registers
//     in the hot loop (loaded again from ln on the way back from the slow
//     path), and ln, which follows st in memory, is addressed from st's
//     register. The generator refuses its own output if avo's allocator,
//     short of registers, took one that only AVX-512 has (X, Y16 to 31:
//     EVEX-encoded, which faults on the CPUs this routine is for), BP or
//     R15; so does a deep test.
//
// Z_m of lanes 0 and 2 come in one 32-byte register from a VBROADCASTF128
// and a VINSERTF128 of their 16-byte points, those of lanes 1 and 3 in
// another, and VUNPCKLPD and VUNPCKHPD of the two give Zr and Zi in lane
// order.
//
// So every pass is advance's, and the counts and final |z|^2 are Row's
// scalar loop's, bit for bit; the tests compare the two on the views the
// AVX-512 lanes are tested on.
//
// Measured on AMD EPYC Zen 4 (family 25, model 17), which has AVX-512 and
// is not an AVX2-only CPU (its 256-bit AVX2 operations run at full width,
// as on Zen 3), 2 cores shared with other jobs (load 1-3), with render's
// BenchmarkIteration/wide (512x16 around the spiral at 1e-9, maxiter 5000,
// one goroutine), CPU ns per iteration, medians of 9 to 15 interleaved
// rounds, each step against the one before in the same run:
//
//	2 vectors of 4, as above                      1.21 (direct AVX2 0.28)
//	1 vector instead of 2 (not kept)              1.345 against 1.195
//	a row's last lane in advance (tailLanesAVX2   1.165 against 1.194,
//	2), not the last 1, 3 or 4 lanes              1.196, 1.218
//	the slow path skipping plain vectors          1.168 against 1.176
//	the escape test as integers too, each lane    1.028 against 1.020
//	with its radius in memory (an idle lane's
//	above any |z|^2), off the adders (not kept)
//	the 8 load addresses in general registers,    0.964 against 0.985
//	loaded again after the slow path; st and ln   (per-round ratio
//	one block, one base register                  0.985, 0.83-1.35)
//
// docs/deep-zoom.md ("On SIMD lanes") has the figures against the direct
// kernel. Where the time goes (perf annotate, the same benchmark, before
// the slow path skipped plain vectors): the hot loop 84%, the slow path
// 16% (its exact tests 9%); a lane rebases every 204 iterations there,
// so with 8 lanes the slow path comes about every 25 steps, a mispredicted
// branch each time. The hot loop is about 30 vector operations a vector
// and iteration (8 loads and shuffles of Z_m, 20 floating-point
// operations, 6 for the tests) against the direct kernel's 9 or so: 3.3x
// is the bound of this design on a CPU whose 4 vector pipes it fills.
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"regexp"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/mandel-project/mandel/render/internal/avoutil"
)

// vectors must match avx2Vectors in render/deep/lanes_avx2_amd64.go.
var vectors = flag.Int("vectors", 2, "independent vectors of 4 lanes in flight, to hide latency")

// Offsets, in float64s or ints, of the state's parts, for L lanes: in st
// the deltas dr, di, then dcr, dci, then the saved deltas sr, si, then the
// slow path's |z|^2 and rebase masks; in ln each lane's m, then its
// rebases, the routine's own load addresses, each lane's pixel (-1: idle)
// and the step at which its n was 0, then the work of the pixels the
// routine stored and the next pixel.
var (
	lanes                                                             int
	offDr, offDi, offDcr, offDci, offSr, offSi, offMag, offRb, stSize int
	lnM, lnReb, lnQ, lnPix, lnStart, lnWork, lnNext, lnSize           int
)

const (
	// smallDD bounds dd for a delta that advance may take to the
	// rescaled loop: both parts under 2^-510.
	smallDD = 0x1p-1018
	// Predicates of VCMPPD: ordered and quiet, so that a NaN (an idle
	// lane) never compares true.
	cmpEQ = 0x00
	cmpLT = 0x11
	cmpGT = 0x1e
)

// Constants in memory, 4 copies each for whole-vector operands.
var smallC, minusOneC, zeroC Mem

func main() {
	flag.Parse()
	// Three vectors' deltas and Z_m, 12 registers, leave too few of the
	// 16 for the tests.
	if *vectors < 1 || *vectors > 2 {
		panic(fmt.Sprintf("perturbavx2gen: unsupported vectors %d", *vectors))
	}
	lanes = 4 * *vectors
	offDr, offDi, offDcr, offDci, offSr, offSi, offMag, offRb, stSize = 0, lanes, 2*lanes, 3*lanes, 4*lanes, 5*lanes, 6*lanes, 7*lanes, 8*lanes
	lnM, lnReb, lnQ, lnPix, lnStart, lnWork, lnNext, lnSize = 0, lanes, 2*lanes, 3*lanes, 4*lanes, 5*lanes, 5*lanes+1, 5*lanes+2
	ConstraintExpr("amd64")
	smallC = vec4("perturbAVX2Small", math.Float64bits(smallDD))
	minusOneC = vec4("perturbAVX2MinusOne", math.MaxUint64)
	zeroC = vec4("perturbAVX2Zero", 0)
	routine()
	Generate()
	if err := checkVEX(flag.Lookup("out").Value.String()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// avx512Only matches the registers that only AVX-512 has (X, Y and Z16 to
// 31, the mask registers) and ZMM operands, and BP and R15. avo's
// allocator takes them when 16 vector registers (or 12 general ones) run
// short: an instruction on the former is EVEX-encoded, and on a CPU
// without AVX-512, the very CPUs this routine is for, it faults; BP is
// the caller's frame pointer, and R15 the assembler's own where it links
// dynamically (R14, g in Go's internal ABI, is scratch in assembly's).
var avx512Only = regexp.MustCompile(`\b([XYZ](1[6-9]|2[0-9]|3[01])|Z[0-9]+|K[1-7]|BP|R15)\b`)

// checkVEX fails if the assembly at path names a register that only
// AVX-512 has, BP or R15.
func checkVEX(path string) error {
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if m := avx512Only.Find(b); m != nil {
		return fmt.Errorf("perturbavx2gen: %s uses %s, an AVX-512 register, BP or R15: fewer vectors, or fewer registers live at once", path, m)
	}
	return nil
}

// vec4 is a read-only 32-byte constant: 4 copies of bits.
func vec4(name string, bits uint64) Mem {
	m := GLOBL(name, RODATA|NOPTR)
	for i := range 4 {
		DATA(8*i, U64(bits))
	}
	return m
}

func routine() {
	TEXT("perturbBlocksAVX2", NOSPLIT, fmt.Sprintf("func(st *[%d]float64, ln *[%d]int, orbit *float64, stride int, top int, escape2 float64, limit int, periodic bool, steps int, dcr *float64, dci float64, rowLen int, iter *uint32, mag2 *float64, rebase float64, rebaseExp uint64) (done int, events uint64)", stSize, lnSize))
	Pragma("noescape")
	Doc(
		"perturbBlocksAVX2 runs up to limit passes of Plan.advance's float64 loop,",
		fmt.Sprintf("without BLA, on %d lanes in %d vectors of 4: plain steps, rebases with", lanes, *vectors),
		"periodicity checking, and escapes, whose pixels it stores and replaces",
		"with the next of the row (dcr, dci, rowLen; iter and mag2 the row's",
		"results). It stops before the pass of any lane with another event and",
		"returns the steps it took and those lanes, bit l for lane l",
		"(internal/perturbavx2gen says which). orbit is the reference orbit's",
		"first Zr, each Zi the float64 after its Zr, and stride the bytes from",
		"one Zr to the next; top is its last index; steps the driver's count of",
		"steps. ln must follow st in memory. It needs AVX2, FMA and POPCNT.",
	)
	// ln follows st in memory (the driver's avx2LanesState lays them out so,
	// and checks it), and one register addresses both: the hot loop needs
	// every general register it can have.
	st := Mem{Base: Load(Param("st"), GP64())}
	ln := st.Offset(8 * stSize)
	orbitP, strideP, topP := avoutil.ParamAddr("orbit"), avoutil.ParamAddr("stride"), avoutil.ParamAddr("top")
	done, sb := GP64(), GP64()
	XORQ(done, done)
	XORQ(sb, sb)
	// events is set in the slow path only, and read at exit.
	events := GP64()

	V := *vectors
	vOff := func(off, k int) int { return 8*off + 32*k }
	// lane addresses part off of lane l (a register) in st or ln.
	lane := func(base Mem, off int, l GPVirtual) Mem {
		return Mem{Base: base.Base, Index: l, Scale: 8, Disp: base.Disp + 8*off}
	}
	dr, di, zr, zi := make([]VecVirtual, V), make([]VecVirtual, V), make([]VecVirtual, V), make([]VecVirtual, V)
	for k := range V {
		dr[k], di[k], zr[k], zi[k] = YMM(), YMM(), YMM(), YMM()
		VMOVUPD(st.Offset(vOff(offDr, k)), dr[k])
		VMOVUPD(st.Offset(vOff(offDi, k)), di[k])
	}
	// bcst returns a vector of 4 copies of the general register r.
	bcst := func(r GPVirtual) VecVirtual {
		x, v := XMM(), YMM()
		VMOVQ(r, x)
		VPBROADCASTQ(x, v)
		return v
	}
	// Each lane reads its Z_m as one 16-byte load from the orbit's
	// interleaved points, at q + sb: q, kept per lane in ln, is the
	// address of Z_m less sb, the bytes the routine has stepped so far, so
	// that a step adds stride to sb alone. m < 2^32: VPMULUDQ's 32-bit
	// product is exact.
	{
		base, stride := YMM(), YMM()
		VPBROADCASTQ(orbitP, base)
		VPBROADCASTQ(strideP, stride)
		for k := range V {
			q := YMM()
			VPMULUDQ(ln.Offset(vOff(lnM, k)), stride, q)
			VPADDQ(base, q, q)
			VMOVDQU(q, ln.Offset(vOff(lnQ, k)))
		}
	}
	// In the routine ln's m is m less done, which a step leaves as it is.
	// untilTop is the steps until some lane may reach m = top: top less
	// done less the largest of them. Rebases and new pixels only lower an
	// m.
	untilTop := GP64()
	findTop := func() {
		mx := GP64()
		MOVQ(ln.Offset(8*lnM), mx)
		for l := 1; l < lanes; l++ {
			t := GP64()
			MOVQ(ln.Offset(8*(lnM+l)), t)
			CMPQ(t, mx)
			CMOVQGT(t, mx)
		}
		MOVQ(topP, untilTop)
		SUBQ(done, untilTop)
		SUBQ(mx, untilTop)
	}
	findTop()
	// The hot loop's constants, in registers.
	e2R, smallR := YMM(), YMM()
	VBROADCASTSD(avoutil.ParamAddr("escape2"), e2R)
	VMOVUPD(smallC, smallR)

	// The lanes' load addresses q stay in general registers in the hot
	// loop (ln holds them too); every way back to it from the slow path,
	// which changes them in ln, loads them again, so that the slow path
	// has the registers to itself.
	q := make([]GPVirtual, lanes)
	for l := range q {
		q[l] = GP64()
	}
	loadQ := func() {
		for l := range q {
			MOVQ(ln.Offset(8*(lnQ+l)), q[l])
		}
	}
	loadQ()
	load := func(k int) {
		var halves [2]VecVirtual
		for h, list := range [2][2]int{{0, 2}, {1, 3}} {
			at := func(j int) Mem {
				return Mem{Base: q[4*k+j], Index: sb, Scale: 1}
			}
			v := YMM()
			VBROADCASTF128(at(list[0]), v)
			VINSERTF128(U8(1), at(list[1]), v, v)
			halves[h] = v
		}
		VUNPCKLPD(halves[1], halves[0], zr[k])
		VUNPCKHPD(halves[1], halves[0], zi[k])
	}
	// fmag computes f and mag of vector k as advance does.
	fmag := func(k int) (fr, fi, mag VecVirtual) {
		fr, fi = YMM(), YMM()
		VADDPD(dr[k], zr[k], fr)
		VADDPD(di[k], zi[k], fi)
		mag = avoutil.Norm2(YMM, fr, fi)
		return
	}
	// tests computes f, mag and dd of vector k as advance does.
	tests := func(k int) (fr, fi, mag, dd VecVirtual) {
		fr, fi, mag = fmag(k)
		dd = avoutil.Norm2(YMM, dr[k], di[k])
		return
	}
	// maskBits ORs the sign bits of vector k's mask v into b at bits 4k.
	maskBits := func(k int, v VecVirtual, b GPVirtual) {
		x := GP64()
		VMOVMSKPD(v, x.As32())
		if k > 0 {
			SHLQ(U8(4*k), x)
		}
		ORQ(x, b)
	}

	Label("loop")
	CMPQ(done, avoutil.ParamAddr("limit"))
	JGE(LabelRef("exitPlain"))
	// One vector, ORed through every test of every vector, says whether
	// some lane has more to do than a plain step; then the slow path
	// finds what. The escape test compares floats; the others compare the
	// bits as integers, off the floating-point adders, the busiest ports.
	// On non-negative doubles integer order is float order; with a NaN
	// (an idle lane's) dd < 2^-1018 is false as with floats, and dd > mag
	// may be true where floats say false, which only sends the routine to
	// the slow path, which compares floats. m = top is not tested here:
	// untilTop counts the steps until a lane may reach it.
	// The vectors' masks are kept for the slow path, which looks only at
	// the vectors with a lane not plain.
	bad := make([]VecVirtual, V)
	for k := range V {
		load(k)
		_, _, mag, dd := tests(k)
		a, b, c := YMM(), YMM(), YMM()
		VCMPPD(U8(cmpGT), e2R, mag, a) // mag > escape2
		VPCMPGTQ(dd, smallR, b)        // 2^-1018 > dd
		// dd > mag * rebase: for dd >= 2^-1018, whose quotient by the
		// factor (a power of two up to 16) is normal, subtracting the
		// factor's exponent (rebaseExp) from dd's divides it exactly.
		ddq, e := YMM(), YMM()
		VPBROADCASTQ(avoutil.ParamAddr("rebaseExp"), e)
		VPSUBQ(e, dd, ddq)
		VPCMPGTQ(mag, ddq, c)
		VPOR(b, a, a)
		bad[k] = YMM()
		VPOR(c, a, bad[k])
	}
	acc := bad[0]
	for k := 1; k < V; k++ {
		x := YMM()
		VPOR(bad[k], acc, x)
		acc = x
	}
	VPTEST(acc, acc)
	JNZ(LabelRef("slow"))
	TESTQ(untilTop, untilTop)
	JLE(LabelRef("slow"))

	Label("step")
	for k := range V {
		avoutil.PerturbStep(YMM, nil, nil, zr[k], zi[k], dr[k], di[k], st.Offset(vOff(offDcr, k)), st.Offset(vOff(offDci, k)))
	}
	ADDQ(strideP, sb)
	INCQ(done)
	DECQ(untilTop)
	JMP(LabelRef("loop"))

	// The slow path: some lane escapes, may be small or rebases, or may
	// be at m = top. The exact tests of every vector give three masks of
	// lanes, bit 4k+j for lane j of vector k: escapes, possibly small
	// deltas (events) and rebases (kept as vectors in st for the
	// rebase), and each lane's |z|^2 (kept in st for the escapes).
	//
	// Lanes that may be small are the driver's, and so is every lane with
	// an event then; so are the escaped lanes where the row has too few
	// pixels left to reload them. Otherwise the escaped lanes are stored
	// and take the next pixels here, lane by lane: the count and |z|^2
	// stored to iter and mag2, the work added up in ln, each new lane
	// starting as Plan.start starts it (m = n = 1, delta = dc, no rebase,
	// nothing saved); then the iteration's tests run again.
	Label("slow")
	es, rbw := GP64(), GP64()
	XORQ(events, events)
	XORQ(es, es)
	XORQ(rbw, rbw)
	{
		// pw: the hot path's masks, bit 4k+j for lane j of vector k; all
		// ones when some lane may be at m = top, which the hot path does
		// not test.
		pw := GP64()
		XORQ(pw, pw)
		for k := range V {
			maskBits(k, bad[k], pw)
		}
		TESTQ(untilTop, untilTop)
		JG(LabelRef("slowMasks"))
		MOVQ(U32(0xff), pw)
		Label("slowMasks")
		t := GP64()
		MOVQ(topP, t)
		SUBQ(done, t)
		topV := bcst(t) // m = top where ln's m is top - done
		for k := range V {
			skip := fmt.Sprintf("plainVector%d", k)
			TESTQ(U32(0xf<<(4*k)), pw)
			JZ(LabelRef(skip))
			_, _, mag, dd := tests(k)
			a, b, c, d := YMM(), YMM(), YMM(), YMM()
			VCMPPD(U8(cmpGT), e2R, mag, a) // mag > escape2
			maskBits(k, a, es)
			VCMPPD(U8(cmpLT), smallR, dd, b) // dd < 2^-1018
			maskBits(k, b, events)
			magF := YMM()
			VBROADCASTSD(avoutil.ParamAddr("rebase"), magF)
			VMULPD(mag, magF, magF)
			VCMPPD(U8(cmpLT), dd, magF, c) // mag * rebase < dd
			VPCMPEQQ(ln.Offset(vOff(lnM, k)), topV, d)
			VPOR(d, c, c)
			VMOVUPD(c, st.Offset(vOff(offRb, k)))
			maskBits(k, c, rbw)
			VMOVUPD(mag, st.Offset(vOff(offMag, k)))
			Label(skip)
		}
	}
	TESTQ(events, events)
	JNZ(LabelRef("allEvents"))
	TESTQ(es, es)
	JZ(LabelRef("rebase"))
	{
		cnt := GP64()
		POPCNTQ(es, cnt)
		ADDQ(ln.Offset(8*lnNext), cnt)
		CMPQ(cnt, avoutil.ParamAddr("rowLen"))
		JG(LabelRef("allEvents"))
	}
	{
		for k := range V {
			VMOVUPD(dr[k], st.Offset(vOff(offDr, k)))
			VMOVUPD(di[k], st.Offset(vOff(offDi, k)))
		}
		next, cur := GP64(), GP64()
		MOVQ(ln.Offset(8*lnNext), next)
		MOVQ(avoutil.ParamAddr("steps"), cur)
		ADDQ(done, cur)
		Label("escLane")
		l := GP64()
		BSFQ(es, l)
		// Store the pixel: n = steps + done - start.
		n, pix, p := GP64(), GP64(), GP64()
		MOVQ(cur, n)
		SUBQ(lane(ln, lnStart, l), n)
		MOVQ(lane(ln, lnPix, l), pix)
		MOVQ(avoutil.ParamAddr("iter"), p)
		MOVL(n.As32(), Mem{Base: p, Index: pix, Scale: 4})
		ADDQ(n, ln.Offset(8*lnWork))
		t := GP64()
		MOVQ(lane(st, offMag, l), t)
		MOVQ(avoutil.ParamAddr("mag2"), p)
		MOVQ(t, Mem{Base: p, Index: pix, Scale: 8})
		// Load the next: delta = dc, m = n = 1.
		MOVQ(next, lane(ln, lnPix, l))
		MOVQ(avoutil.ParamAddr("dcr"), p)
		MOVQ(Mem{Base: p, Index: next, Scale: 8}, t)
		MOVQ(t, lane(st, offDr, l))
		MOVQ(t, lane(st, offDcr, l))
		MOVQ(avoutil.ParamAddr("dci"), t)
		MOVQ(t, lane(st, offDi, l))
		MOVQ(t, lane(st, offDci, l))
		MOVQ(U32(1), t)
		SUBQ(done, t)
		MOVQ(t, lane(ln, lnM, l))
		LEAQ(Mem{Base: cur, Disp: -1}, t)
		MOVQ(t, lane(ln, lnStart, l))
		MOVQ(U32(0), lane(ln, lnReb, l))
		MOVQ(U64(math.Float64bits(math.NaN())), t)
		MOVQ(t, lane(st, offSr, l))
		MOVQ(t, lane(st, offSi, l))
		// It reads Z_1 next, at q + sb.
		MOVQ(orbitP, t)
		ADDQ(strideP, t)
		SUBQ(sb, t)
		MOVQ(t, lane(ln, lnQ, l))
		INCQ(next)
		LEAQ(Mem{Base: es, Disp: -1}, t)
		ANDQ(t, es)
		JNZ(LabelRef("escLane"))
		MOVQ(next, ln.Offset(8*lnNext))
		for k := range V {
			VMOVUPD(st.Offset(vOff(offDr, k)), dr[k])
			VMOVUPD(st.Offset(vOff(offDi, k)), di[k])
		}
		loadQ()
		JMP(LabelRef("loop"))
	}
	Label("allEvents")
	ORQ(es, events)
	JMP(LabelRef("exit"))

	// Some lane rebases (or none: m = top was only possible). Those whose
	// new delta repeats the saved one, or may be small, are events,
	// before any lane changes; else every rebasing lane does advance's
	// rebase.
	Label("rebase")
	periodic := GP8()
	Load(Param("periodic"), periodic)
	for k := range V {
		skip := fmt.Sprintf("norebase%d", k)
		TESTQ(U32(0xf<<(4*k)), rbw)
		JZ(LabelRef(skip))
		fr, fi, mag := fmag(k)
		r, e := YMM(), YMM()
		VMOVUPD(st.Offset(vOff(offRb, k)), r)
		VCMPPD(U8(cmpLT), smallR, mag, e) // the new dd is mag
		VANDPD(r, e, e)
		maskBits(k, e, events)
		TESTB(periodic, periodic)
		JZ(LabelRef(skip))
		a, b := YMM(), YMM()
		VCMPPD(U8(cmpEQ), st.Offset(vOff(offSr, k)), fr, a)
		VCMPPD(U8(cmpEQ), st.Offset(vOff(offSi, k)), fi, b)
		VANDPD(b, a, a)
		VANDPD(r, a, a)
		maskBits(k, a, events)
		Label(skip)
	}
	TESTQ(events, events)
	JNZ(LabelRef("exit"))
	{
		t := GP64()
		XORQ(t, t)
		SUBQ(done, t)
		mNew := bcst(t) // m = 0
		MOVQ(orbitP, t)
		SUBQ(sb, t)
		qNew := bcst(t) // the next step reads Z_1, at q + sb + stride
		for k := range V {
			skip := fmt.Sprintf("norebaseApply%d", k)
			TESTQ(U32(0xf<<(4*k)), rbw)
			JZ(LabelRef(skip))
			fr, fi, r := YMM(), YMM(), YMM()
			VMOVUPD(st.Offset(vOff(offRb, k)), r)
			VADDPD(dr[k], zr[k], fr)
			VBLENDVPD(r, fr, dr[k], dr[k])
			VADDPD(di[k], zi[k], fi)
			VBLENDVPD(r, fi, di[k], di[k])
			// Zr and Zi zeroed in the rebasing lanes: Z_0 for the step.
			VANDNPD(zr[k], r, zr[k])
			VANDNPD(zi[k], r, zi[k])
			x := YMM()
			VMOVDQU(ln.Offset(vOff(lnM, k)), x)
			VBLENDVPD(r, mNew, x, x)
			VMOVDQU(x, ln.Offset(vOff(lnM, k)))
			VMOVDQU(ln.Offset(vOff(lnQ, k)), x)
			VBLENDVPD(r, qNew, x, x)
			VMOVDQU(x, ln.Offset(vOff(lnQ, k)))
			// rebases++ (less -1 in the rebasing lanes), and at a power of
			// two the delta is saved.
			reb, low := YMM(), YMM()
			VMOVDQU(ln.Offset(vOff(lnReb, k)), reb)
			VPSUBQ(r, reb, reb)
			VMOVDQU(reb, ln.Offset(vOff(lnReb, k)))
			VPADDQ(minusOneC, reb, low)
			VPAND(low, reb, low)
			VPCMPEQQ(zeroC, low, low) // rebases & (rebases-1) == 0
			VPAND(r, low, low)
			VMOVUPD(st.Offset(vOff(offSr, k)), x)
			VBLENDVPD(low, dr[k], x, x)
			VMOVUPD(x, st.Offset(vOff(offSr, k)))
			VMOVUPD(st.Offset(vOff(offSi, k)), x)
			VBLENDVPD(low, di[k], x, x)
			VMOVUPD(x, st.Offset(vOff(offSi, k)))
			Label(skip)
		}
	}
	// Rebases only lower an m: untilTop stays a bound, and is found again
	// only once it runs out.
	TESTQ(untilTop, untilTop)
	JG(LabelRef("stepQ"))
	findTop()
	Label("stepQ")
	loadQ()
	JMP(LabelRef("step"))

	Label("exitPlain")
	XORQ(events, events)
	Label("exit")
	{
		dv := bcst(done)
		for k := range V {
			VMOVUPD(dr[k], st.Offset(vOff(offDr, k)))
			VMOVUPD(di[k], st.Offset(vOff(offDi, k)))
			// ln's m back to m.
			x := YMM()
			VPADDQ(ln.Offset(vOff(lnM, k)), dv, x)
			VMOVDQU(x, ln.Offset(vOff(lnM, k)))
		}
	}
	VZEROUPPER()
	Store(done, Return("done"))
	Store(events, Return("events"))
	RET()
}
