package render

import "math"

// The colours and the shortcuts must compute the same bits on every
// architecture (see docs/design.md, "Determinism contract"). The math
// package does not promise that: on amd64 Log and Hypot are assembly, on
// arm64 they are Go, which the compiler may fuse into multiply-adds; in an
// arm64 build under qemu, 0.25% of Log's results, 4.5% of Log2's and 0.7%
// of Hypot's differ from amd64's in their last bits (on the inputs of
// portable_test.go). So render computes them with the functions below:
// amd64's algorithms (math's log_amd64.s and hypot_amd64.s, and log2 of
// log10.go), operation for operation, each rounded to float64 on its own.
// On amd64 they return math's bits for every input
// (TestPortableMatchesAMD64 checks it there), so amd64's images do not
// change; elsewhere they return amd64's.

// The constants of math's log_amd64.s (the FreeBSD e_log.c coefficients).
const (
	logHSqrt2 = 7.07106781186547524401e-01 // sqrt(2)/2
	logLn2Hi  = 6.93147180369123816490e-01 // 0x3fe62e42fee00000
	logLn2Lo  = 1.90821492927058770002e-10 // 0x3dea39ef35793c76
	logL1     = 6.666666666666735130e-01   // 0x3FE5555555555593
	logL2     = 3.999999999940941908e-01   // 0x3FD999999997FA04
	logL3     = 2.857142874366239149e-01   // 0x3FD2492494229359
	logL4     = 2.222219843214978396e-01   // 0x3FCC71C51D8E78AF
	logL5     = 1.818357216161805012e-01   // 0x3FC7466496CB03DE
	logL6     = 1.531383769920937332e-01   // 0x3FC39A09D078C69F
	logL7     = 1.479819860511658591e-01   // 0x3FC2F112DF3E5244
)

// portableLog is math.Log as amd64 computes it. Like that assembly, it
// splits x into mantissa and exponent by its bits alone, which is wrong
// for subnormal x; it keeps that, for the same bits.
func portableLog(x float64) float64 {
	b := math.Float64bits(x)
	switch {
	case b&^(1<<63) == 0:
		return math.Inf(-1)
	case int64(b) < 0:
		return math.Float64frombits(0x7ff8000000000001) // math.NaN()
	case b >= 0x7ff0000000000000:
		return x // +Inf or NaN
	}
	f1 := math.Float64frombits(b&(1<<52-1) | 0x3fe0000000000000)
	k := float64(int64(b>>52&0x7ff) - 0x3fe)
	if f1 <= logHSqrt2 {
		k--
		f1 *= 2
	}
	f := f1 - 1
	s := f / (2 + f)
	s2 := float64(s * s)
	s4 := float64(s2 * s2)
	t1 := float64(s2 * (logL1 + float64(s4*(logL3+float64(s4*(logL5+float64(s4*logL7)))))))
	t2 := float64(s4 * (logL2 + float64(s4*(logL4+float64(s4*logL6)))))
	hfsq := float64(float64(0.5*f) * f)
	r := t1 + t2
	return float64(k*logLn2Hi) - ((hfsq - (float64(s*(hfsq+r)) + float64(k*logLn2Lo))) - f)
}

// portableLog2 is math.Log2 as amd64 computes it with GOAMD64=v1.
func portableLog2(x float64) float64 {
	frac, exp := math.Frexp(x)
	// Exact powers of two give an exact answer, as in math.
	if frac == 0.5 {
		return float64(exp - 1)
	}
	return float64(portableLog(frac)*(1/math.Ln2)) + float64(exp)
}

// portableHypot is math.Hypot as amd64 computes it: max * sqrt(1 +
// (min/max)^2), with no scaling.
func portableHypot(p, q float64) float64 {
	p, q = math.Abs(p), math.Abs(q)
	const inf = 0x7ff0000000000000
	if bp, bq := math.Float64bits(p), math.Float64bits(q); bp >= inf || bq >= inf {
		if bp == inf || bq == inf {
			return math.Inf(1)
		}
		return math.NaN()
	}
	if p == 0 && q == 0 {
		return 0
	}
	hi, lo := max(p, q), min(p, q)
	r := lo / hi
	return hi * math.Sqrt(float64(r*r)+1)
}
