package deep

import (
	"context"
	"math"
	"math/big"
	"math/bits"
	"sync/atomic"
	"testing"
	"time"
)

// testView is a small image for the brute-force comparisons: w x h samples
// spaced scale/w apart around re + im i.
type testView struct {
	re, im, scale string
	w, h, maxIter int
}

func (v testView) config(t testing.TB, bla bool) Config {
	t.Helper()
	spacing, _, err := big.ParseFloat(v.scale, 10, 64, big.ToNearestEven)
	if err != nil {
		t.Fatal(err)
	}
	spacing.Quo(spacing, big.NewFloat(float64(v.w)))
	spacing.SetPrec(53) // the float64 the pixels use: the brute force samples the same points
	prec := Prec(spacing)
	re, _, err1 := big.ParseFloat(v.re, 10, prec, big.ToNearestEven)
	im, _, err2 := big.ParseFloat(v.im, 10, prec, big.ToNearestEven)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	return Config{Re: re, Im: im, Spacing: spacing, HalfWidth: float64(v.w) / 2, HalfHeight: float64(v.h) / 2,
		MaxIter: v.maxIter, Escape2: 4, BLA: bla}
}

// offsets are the samples' places in samples from the centre, as package
// render lays out a Centres view: column x at x + 0.5 - w/2, row y at
// h/2 - y - 0.5.
func (v testView) offsets() (kx, ky []float64) {
	for x := range v.w {
		kx = append(kx, float64(x)+0.5-float64(v.w)/2)
	}
	for y := range v.h {
		ky = append(ky, float64(v.h)/2-float64(y)-0.5)
	}
	return kx, ky
}

func (v testView) perturb(t testing.TB, bla bool) (iters []uint32, p *Plan) {
	t.Helper()
	p, err := NewPlan(context.Background(), v.config(t, bla))
	if err != nil {
		t.Fatal(err)
	}
	kx, ky := v.offsets()
	iters = make([]uint32, v.w*v.h)
	mag2 := make([]float64, v.w*v.h)
	for y, k := range ky {
		p.Row(kx, k, iters[y*v.w:(y+1)*v.w], mag2[y*v.w:(y+1)*v.w], nil)
	}
	return iters, p
}

// bruteForce iterates every sample in big.Float, at the reference's
// precision: the baseline every deep zoomer started from, and the truth
// the perturbation path is held to.
func (v testView) bruteForce(t testing.TB) []uint32 {
	kx, ky := v.offsets()
	out := make([]uint32, 0, v.w*v.h)
	for _, b := range ky {
		for _, a := range kx {
			out = append(out, bruteOne(t, v, a, b))
		}
	}
	return out
}

// bruteOne iterates the sample at offset (a, b) in big.Float.
func bruteOne(t testing.TB, v testView, a, b float64) uint32 {
	cfg := v.config(t, false)
	prec := cfg.Re.Prec()
	nf := func() *big.Float { return new(big.Float).SetPrec(prec) }
	cr, ci, x, y, xx, yy, xy, t1 := nf(), nf(), nf(), nf(), nf(), nf(), nf(), nf()
	escape2 := big.NewFloat(cfg.Escape2)
	ci.Mul(nf().SetFloat64(b), cfg.Spacing)
	ci.Add(ci, cfg.Im)
	cr.Mul(nf().SetFloat64(a), cfg.Spacing)
	cr.Add(cr, cfg.Re)
	n := 0
	for ; n < v.maxIter; n++ {
		xx.Mul(x, x)
		yy.Mul(y, y)
		if t1.Add(xx, yy); t1.Cmp(escape2) > 0 {
			break
		}
		xy.Mul(x, y)
		x.Sub(xx, yy)
		x.Add(x, cr)
		y.Add(xy, xy)
		y.Add(y, ci)
	}
	return uint32(n)
}

// agree checks the exactness claim: at least 99% of the samples have the
// brute force's count and none is more than 2 iterations off.
func agree(t *testing.T, name string, got, want []uint32) {
	t.Helper()
	same, worst := 0, 0
	for i := range want {
		d := int(got[i]) - int(want[i])
		if d == 0 {
			same++
		}
		worst = max(worst, max(d, -d))
	}
	frac := float64(same) / float64(len(want))
	t.Logf("%s: %d of %d samples equal (%.2f%%), worst %d iterations off", name, same, len(want), 100*frac, worst)
	if frac < 0.99 || worst > 2 {
		t.Errorf("%s: %.2f%% equal (want >= 99%%), worst %d off (want <= 2)", name, 100*frac, worst)
	}
}

// mini530 is a nucleus of period 530, 1.7e-199 from c = i, of size about
// 1e-398: Newton's method in 3000 bits from i + (c66 - i) / (4 + 4i)^232,
// c66 being the period-66 nucleus of TestPeriodicity and 4 + 4i the
// multiplier of the 2-cycle c = i lands on.
const mini530re, mini530im = "-1.3308432263734688097279638358204046416330474661329829639064150938674476585291309815225231247462664928511883210793046901994971623459354838459413488770535252613081576856010963887702188855364648932045401230715292366844e-199",
	"0.999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999890253385175626934887219270068498255767415924999280931262166270763980887726516813044818722207001791582465502323034508706774983613600701683891393277050192152367564635614755665256190941461595100715995442987335617795303260274"

// The views hold boundary structure at every scale: c = i is a
// Misiurewicz point (its orbit i, -1+i, -i, -1+i, ... lands on a
// repelling 2-cycle), with spirals and filaments around it however deep.
var bruteViews = []struct {
	name string
	v    testView
}{
	{"1e-20", testView{"0", "1", "1e-20", 24, 16, 600}},
	{"1e-100", testView{"0", "1", "1e-100", 24, 16, 1500}},
	{"1e-400", testView{"0", "1", "1e-400", 24, 16, 3000}},
	{"1e-1000", testView{"0", "1", "1e-1000", 24, 16, 6000}},
	// A minibrot of period 66 (see TestPeriodicity), whose nucleus is the
	// reference: the pixels rebase once a period.
	{"minibrot 5e-49", testView{"-0.00000000000000000000000052665278316273884958721809185947024054772085722785701901498359511",
		"0.99999999999999999999999956570121112277830657366399307209268555887564383949019384970914", "5e-49", 24, 16, 3000}},
	// The period-530 minibrot at 5e-398: deltas below 2^-500, so the
	// rescaled loop, BLA with extended exponents, and a reference that
	// ends at the nucleus, where Z_530 underflows float64.
	{"minibrot 5e-398", testView{mini530re, mini530im, "5e-398", 24, 16, 2000}},
	// The period-248 minibrot of BenchmarkBLAPixels, at about the
	// period-66 one's size: cycle's whole periods.
	{"minibrot 248", testView{mini248re, mini248im, "2e-48", 16, 9, 3000}},
	// Off the Misiurewicz point, where the reference escapes: every
	// pixel rebases at the reference's end.
	{"escaping reference", testView{"-1.7685", "0.0042", "1e-30", 24, 16, 2000}},
}

func TestAgainstBruteForce(t *testing.T) {
	for _, c := range bruteViews {
		t.Run(c.name, func(t *testing.T) {
			if (testing.Short() || raceEnabled) && (c.name == "1e-1000" || c.name == "1e-400" || c.name == "minibrot 5e-398" || c.name == "minibrot 248") {
				t.Skip("brute force at this depth takes seconds, ten times that under the race detector")
			}
			want := c.v.bruteForce(t)
			plain, _ := c.v.perturb(t, false)
			agree(t, "perturbation", plain, want)
			withBLA, p := c.v.perturb(t, true)
			agree(t, "with BLA", withBLA, want)
			var total int64
			for _, n := range withBLA {
				total += int64(n)
			}
			t.Logf("BLA skipped %d of %d iterations (%.1f%%)", p.Skipped(), total, 100*float64(p.Skipped())/float64(total))
		})
	}
}

func TestFloatexp(t *testing.T) {
	a := newFx(3, 10)
	if got := a.float64(); got != 3*1024 {
		t.Errorf("3 x 2^10 = %v", got)
	}
	b := newFx(1, -2000)
	if p := a.mul(b); p.e != 10-2000+2 || p.m != 0.75 {
		t.Errorf("mul = %+v", p)
	}
	if !b.less(a) || a.less(b) {
		t.Error("less")
	}
	if d := a.sub(newFx(1, 11)); d.float64() != 1024 {
		t.Errorf("sub = %v", d.float64())
	}
	c := newCx(3, 4, -3000)
	if r := c.abs(); r.e != -3000+3 || r.m != 5.0/8 {
		t.Errorf("abs = %+v", r)
	}
	sum := c.add(newCx(1, 0, -3100))
	if sum.e != c.e || sum.re != c.re {
		t.Errorf("a negligible addend changed the sum: %+v", sum)
	}
	prod := newCx(0, 1, 0).mul(newCx(0, 1, 0))
	if prod.re != -0.5 || prod.e != 1 || math.Abs(prod.im) != 0 {
		t.Errorf("i*i = %+v", prod)
	}
}

// TestRowStops: a row of pixels that would each take 2^30 iterations
// gives up soon after its stop flag is set, as the kernels do. The
// reference is short (the pixels rebase at its end and go on), so that the
// test does not spend its time on the reference.
func TestRowStops(t *testing.T) {
	v := testView{"-0.1", "0", "1e-300", 4, 1, 1000}
	p, err := NewPlan(context.Background(), v.config(t, true))
	if err != nil {
		t.Fatal(err)
	}
	p.maxIter = 1 << 30
	var stop atomic.Bool
	time.AfterFunc(20*time.Millisecond, func() { stop.Store(true) })
	kx, _ := v.offsets()
	start := time.Now()
	iter := make([]uint32, 4)
	p.Row(kx, 0, iter, make([]float64, 4), &stop)
	// Unstopped, the row would run for many seconds; the bound is loose
	// because a loaded 2-core machine can hold a goroutine off its core
	// for a good part of a second.
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Row returned %v after it started, the stop came at 20ms", d)
	}
	if iter[0] != 0 {
		t.Errorf("a stopped pixel was stored: %d", iter[0])
	}
}

// TestPeriodicity: with periodicity checking, the pixels of a minibrot
// whose nucleus is the reference stop early, and the counts are those
// without it: every pixel the check stops is one that reaches maxIter
// without it.
func TestPeriodicity(t *testing.T) {
	// A period-66 nucleus 7e-25 from c = i, of size about 1.6e-49, found
	// by Newton's method in 600 bits.
	checkPeriodicity(t, testView{"-0.00000000000000000000000052665278316273884958721809185947024054772085722785701901498359511",
		"0.99999999999999999999999956570121112277830657366399307209268555887564383949019384970914",
		"5e-49", 24, 16, 20000}, 2, true)
	// The same minibrot round render's deep preset's centre, 3e-50 off the
	// nucleus: a reference that runs to maxiter, so the inside pixels
	// rebase only where their orbit passes nearer 0 than their delta
	// (once a period), never at the reference's end. A rebase test that
	// waits for a quarter of the delta let nearly none of them rebase,
	// and periodicity checking stopped none.
	offNucleus := testView{"-0.00000000000000000000000052665278316273884958721806185947024054772085722785701901498359511",
		"0.99999999999999999999999956570121112277830657366399307209268555887564383949019384970914",
		"5e-49", 24, 16, 20000}
	checkPeriodicity(t, offNucleus, 4, true)
	// Without BLA too: there the rebase test waits for a quarter only
	// where the reference ends (Plan.rebase), which this one does not.
	checkPeriodicity(t, offNucleus, 4, false)
	// The rescaled loop's check: 75 periods give few samples the time to
	// repeat bit for bit, but some do.
	checkPeriodicity(t, testView{mini530re, mini530im, "5e-398", 24, 16, 40000}, 384, true)
}

// checkPeriodicity wants the counts of v with periodicity checking equal
// to those without, and at least 1/frac of the inside samples stopped,
// with BLA or without it.
func checkPeriodicity(t *testing.T, v testView, frac int, bla bool) {
	want, _ := v.perturb(t, bla)
	cfg := v.config(t, bla)
	cfg.Periodicity = true
	p, err := NewPlan(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	kx, ky := v.offsets()
	got := make([]uint32, v.w*v.h)
	mag2 := make([]float64, v.w*v.h)
	inside := 0
	for y, k := range ky {
		p.Row(kx, k, got[y*v.w:(y+1)*v.w], mag2[y*v.w:(y+1)*v.w], nil)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sample %d: %d iterations with periodicity checking, %d without", i, got[i], want[i])
		}
		if want[i] == uint32(v.maxIter) {
			inside++
			if mag2[i] > 4 {
				t.Errorf("sample %d is inside with |z|^2 = %v", i, mag2[i])
			}
		}
	}
	pixels, saved := p.Periodic()
	t.Logf("%d of %d samples inside; periodicity stopped %d, saving %d iterations", inside, len(want), pixels, saved)
	if pixels == 0 || pixels < int64(inside)/int64(frac) {
		t.Errorf("periodicity stopped %d of %d inside samples", pixels, inside)
	}
}

// TestRebaseRule: without BLA a pixel rebases at a quarter (rebaseFactor)
// only where the reference ends before maxIter (c = i's ends where every
// pixel has left it; the spiral's at a nucleus within a sample); where it
// runs to maxIter (the deep preset's centre, inside a minibrot), and
// with BLA everywhere, at Zhuoran's |Z + z| < |z|.
func TestRebaseRule(t *testing.T) {
	offNucleus := testView{"-0.00000000000000000000000052665278316273884958721806185947024054772085722785701901498359511",
		"0.99999999999999999999999956570121112277830657366399307209268555887564383949019384970914",
		"5e-49", 24, 16, 20000}
	for _, c := range []struct {
		name string
		v    testView
		bla  bool
		want float64
	}{
		{"c=i", testView{"0", "1", "1e-30", 8, 8, 2000}, false, rebaseFactor},
		{"c=i with BLA", testView{"0", "1", "1e-30", 8, 8, 2000}, true, 1},
		{"spiral", testView{"-0.743643887037151", "0.131825904205330", "1e-9", 512, 16, 5000}, false, rebaseFactor},
		{"inside a minibrot", offNucleus, false, 1},
		{"inside a minibrot with BLA", offNucleus, true, 1},
	} {
		p, err := NewPlan(context.Background(), c.v.config(t, c.bla))
		if err != nil {
			t.Fatal(err)
		}
		if p.rebase != c.want || p.rebaseExp() != uint64(bits.TrailingZeros64(uint64(c.want)))<<52 {
			t.Errorf("%s: rebase %v (exponent bits %#x), want %v (reference of %d iterations, maxiter %d)", c.name, p.rebase, p.rebaseExp(), c.want, p.ref.M(), c.v.maxIter)
		}
	}
}
