/* avx2.c: 4 pixels per 256-bit vector, K vectors in flight.
 *
 * A row is cut into groups of 4K pixels. A group runs until every lane has
 * escaped or reached maxit; the test for that comes every U iterations, and
 * between tests every lane counts each iteration with its own comparison,
 * so the counts are those of the scalar loop. A lane that has escaped keeps
 * iterating until its group stops, but is not counted again: z_1 = c, and
 * once |z| > 2 and |z| >= |c|, |z| only grows (|z^2 + c| >= |z|^2 - |c| >
 * |z|), so an escaped orbit does not come back inside the circle (it may
 * overflow to inf and then NaN, which compares false as well). The totals
 * the driver checks are the proof in floating point.
 *
 * 2*zr is exact whichever way it is computed (gcc emits zr + zr for the
 * multiply by 2 written here). exact kernels round zi = 2zr*zi + ci twice,
 * fused ones use one FMA. */
#if defined(__x86_64__)
#include <immintrin.h>

#include "yardstick.h"

#define MAXK 8

/* avx2_steps does U iterations of K vectors and reports whether any lane
 * was still inside at the last of them. */
__attribute__((target("avx2,fma"), always_inline)) static inline int
avx2_steps(__m256d *zr, __m256d *zi, const __m256d *cr, __m256i *cnt, const __m256d ci,
	   const int K, const int U, const int fused)
{
	const __m256d four = _mm256_set1_pd(4.0), two = _mm256_set1_pd(2.0);
	__m256d live = _mm256_setzero_pd();
	for (int s = 0; s < U; s++) {
		for (int k = 0; k < K; k++) {
			const __m256d xx = _mm256_mul_pd(zr[k], zr[k]);
			const __m256d yy = _mm256_mul_pd(zi[k], zi[k]);
			const __m256d in = _mm256_cmp_pd(_mm256_add_pd(xx, yy), four, _CMP_LE_OQ);
			cnt[k] = _mm256_sub_epi64(cnt[k], _mm256_castpd_si256(in)); /* in is -1 or 0 */
			if (s == U - 1)
				live = _mm256_or_pd(live, in);
			const __m256d tx = _mm256_mul_pd(zr[k], two);
			zi[k] = fused ? _mm256_fmadd_pd(tx, zi[k], ci) : _mm256_add_pd(_mm256_mul_pd(tx, zi[k]), ci);
			zr[k] = _mm256_add_pd(_mm256_sub_pd(xx, yy), cr[k]);
		}
	}
	return !_mm256_testz_pd(live, live);
}

__attribute__((target("avx2,fma"), always_inline)) static inline uint64_t
avx2_row(const struct view *v, int j, uint32_t *out, const int K, const int U, const int fused)
{
	const __m256d ci = _mm256_set1_pd(view_ci(v, j));
	const __m256d x0 = _mm256_set1_pd(v->x0), dx = _mm256_set1_pd(v->dx);
	const __m256d half = _mm256_setr_pd(0.5, 1.5, 2.5, 3.5);
	const int maxit = v->maxit, w = v->w;
	uint64_t sum = 0;
	for (int i = 0; i < w; i += 4 * K) {
		__m256d cr[MAXK], zr[MAXK], zi[MAXK];
		__m256i cnt[MAXK];
		for (int k = 0; k < K; k++) {
			/* (i + 4k + l) + 0.5 is exact, so cr is view_cr's, bit for bit */
			const __m256d col = _mm256_add_pd(_mm256_set1_pd((double)(i + 4 * k)), half);
			cr[k] = _mm256_add_pd(x0, _mm256_mul_pd(col, dx));
			zr[k] = zi[k] = _mm256_setzero_pd();
			cnt[k] = _mm256_setzero_si256();
		}
		int n = 0, live = 1;
		for (; n + U <= maxit && live; n += U)
			live = avx2_steps(zr, zi, cr, cnt, ci, K, U, fused);
		for (; n < maxit && live; n++) /* maxit not a multiple of U */
			live = avx2_steps(zr, zi, cr, cnt, ci, K, 1, fused);
		for (int k = 0; k < K; k++) {
			int64_t c[4];
			_mm256_storeu_si256((__m256i *)c, cnt[k]);
			for (int l = 0; l < 4 && i + 4 * k + l < w; l++) {
				out[i + 4 * k + l] = (uint32_t)c[l];
				sum += (uint64_t)c[l];
			}
		}
	}
	return sum;
}

#define AVX2(name, K, U, fused)                                                     \
	__attribute__((target("avx2,fma"))) static uint64_t name(const struct view *v, \
								 int j, uint32_t *out) \
	{                                                                           \
		return avx2_row(v, j, out, K, U, fused);                            \
	}
AVX2(avx2_nofma_x4u2, 4, 2, 0)
AVX2(avx2_nofma_x3u2, 3, 2, 0)
AVX2(avx2_fma_x4u2, 4, 2, 1)
AVX2(avx2_fma_x3u2, 3, 2, 1)
AVX2(avx2_fma_x4u4, 4, 4, 1)

const struct kernel avx2_kernels[] = {
	{"avx2_nofma_x4u2", avx2_nofma_x4u2, NEEDS_AVX2, "4 vectors of 4 lanes, escape test every 2 iterations, no FMA"},
	{"avx2_nofma_x3u2", avx2_nofma_x3u2, NEEDS_AVX2, "3 vectors of 4 lanes, escape test every 2 iterations, no FMA"},
	{"avx2_fma_x4u2", avx2_fma_x4u2, NEEDS_AVX2_FMA, "4 vectors of 4 lanes, escape test every 2 iterations, fused"},
	{"avx2_fma_x3u2", avx2_fma_x3u2, NEEDS_AVX2_FMA, "3 vectors of 4 lanes, escape test every 2 iterations, fused"},
	{"avx2_fma_x4u4", avx2_fma_x4u4, NEEDS_AVX2_FMA, "4 vectors of 4 lanes, escape test every 4 iterations, fused"},
	{0},
};
#else
#include "yardstick.h"
const struct kernel avx2_kernels[] = {{0}};
#endif
