/* scalar.c: one pixel at a time, the reference arithmetic.
 *
 * scalar is the canonical loop, every operation rounded (the build passes
 * -ffp-contract=off, so gcc fuses nothing); its totals are the ones mandel's
 * exact kernels must reproduce. scalar_fma fuses zi = 2*zr*zi + ci into one
 * fma, the arithmetic of the fused vector kernels. */
#include <math.h>

#include "yardstick.h"

static inline uint64_t scalar_row(const struct view *v, int j, uint32_t *out, const int fused)
{
	const double ci = view_ci(v, j);
	const int maxit = v->maxit;
	uint64_t sum = 0;
	for (int i = 0; i < v->w; i++) {
		const double cr = view_cr(v, i);
		double x = 0, y = 0;
		int n;
		for (n = 0; n < maxit; n++) {
			const double x2 = x * x, y2 = y * y;
			if (x2 + y2 > 4.0)
				break;
			const double twox = x + x;
			y = fused ? fma(twox, y, ci) : twox * y + ci;
			x = (x2 - y2) + cr;
		}
		out[i] = (uint32_t)n;
		sum += (uint32_t)n;
	}
	return sum;
}

static uint64_t scalar(const struct view *v, int j, uint32_t *out) { return scalar_row(v, j, out, 0); }
static uint64_t scalar_fma(const struct view *v, int j, uint32_t *out) { return scalar_row(v, j, out, 1); }

const struct kernel scalar_kernels[] = {
	{"scalar", scalar, NEEDS_NOTHING, "one pixel at a time, no FMA: the reference totals"},
	{"scalar_fma", scalar_fma, NEEDS_NOTHING, "one pixel at a time, zi = fma(2zr, zi, ci)"},
	{0},
};
