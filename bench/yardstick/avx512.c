/* avx512.c: 8 pixels per 512-bit vector, K vectors in flight, mask
 * registers for the escape test.
 *
 * The shape is avx2.c's: groups of 8K pixels run until no lane is inside,
 * tested every U iterations, each iteration counted by its own comparison.
 * Here the comparison is masked by the lanes still inside, which costs
 * nothing, so an escaped lane is never counted again, whatever its orbit
 * does afterwards. exact kernels round zi = 2zr*zi + ci twice, fused ones use
 * one FMA. The functions are compiled for AVX-512F by a target attribute;
 * the driver runs them only where the CPU has it. */
#if defined(__x86_64__)
#include <immintrin.h>

#include "yardstick.h"

#define MAXK 8
#define TARGET __attribute__((target("avx512f")))

/* avx512_steps does U iterations of K vectors; in[k] holds the lanes of
 * vector k still inside, and it reports whether any is. */
TARGET __attribute__((always_inline)) static inline int
avx512_steps(__m512d *zr, __m512d *zi, const __m512d *cr, __m512i *cnt, __mmask8 *in, const __m512d ci,
	     const int K, const int U, const int fused)
{
	const __m512d four = _mm512_set1_pd(4.0), two = _mm512_set1_pd(2.0);
	const __m512i one = _mm512_set1_epi64(1);
	for (int s = 0; s < U; s++) {
		for (int k = 0; k < K; k++) {
			const __m512d xx = _mm512_mul_pd(zr[k], zr[k]);
			const __m512d yy = _mm512_mul_pd(zi[k], zi[k]);
			in[k] = _mm512_mask_cmp_pd_mask(in[k], _mm512_add_pd(xx, yy), four, _CMP_LE_OQ);
			cnt[k] = _mm512_mask_add_epi64(cnt[k], in[k], cnt[k], one);
			const __m512d tx = _mm512_mul_pd(zr[k], two);
			zi[k] = fused ? _mm512_fmadd_pd(tx, zi[k], ci) : _mm512_add_pd(_mm512_mul_pd(tx, zi[k]), ci);
			zr[k] = _mm512_add_pd(_mm512_sub_pd(xx, yy), cr[k]);
		}
	}
	__mmask8 any = 0;
	for (int k = 0; k < K; k++)
		any |= in[k];
	return any != 0;
}

TARGET __attribute__((always_inline)) static inline uint64_t
avx512_row(const struct view *v, int j, uint32_t *out, const int K, const int U, const int fused)
{
	const __m512d ci = _mm512_set1_pd(view_ci(v, j));
	const __m512d x0 = _mm512_set1_pd(v->x0), dx = _mm512_set1_pd(v->dx);
	const __m512d half = _mm512_setr_pd(0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5);
	const int maxit = v->maxit, w = v->w;
	uint64_t sum = 0;
	for (int i = 0; i < w; i += 8 * K) {
		__m512d cr[MAXK], zr[MAXK], zi[MAXK];
		__m512i cnt[MAXK];
		__mmask8 in[MAXK];
		for (int k = 0; k < K; k++) {
			/* (i + 8k + l) + 0.5 is exact, so cr is view_cr's, bit for bit */
			const __m512d col = _mm512_add_pd(_mm512_set1_pd((double)(i + 8 * k)), half);
			cr[k] = _mm512_add_pd(x0, _mm512_mul_pd(col, dx));
			zr[k] = zi[k] = _mm512_setzero_pd();
			cnt[k] = _mm512_setzero_si512();
			in[k] = 0xff;
		}
		int n = 0, live = 1;
		for (; n + U <= maxit && live; n += U)
			live = avx512_steps(zr, zi, cr, cnt, in, ci, K, U, fused);
		for (; n < maxit && live; n++) /* maxit not a multiple of U */
			live = avx512_steps(zr, zi, cr, cnt, in, ci, K, 1, fused);
		for (int k = 0; k < K; k++) {
			int64_t c[8];
			_mm512_storeu_si512((void *)c, cnt[k]);
			for (int l = 0; l < 8 && i + 8 * k + l < w; l++) {
				out[i + 8 * k + l] = (uint32_t)c[l];
				sum += (uint64_t)c[l];
			}
		}
	}
	return sum;
}

#define AVX512(name, K, U, fused) \
	TARGET static uint64_t name(const struct view *v, int j, uint32_t *out) { return avx512_row(v, j, out, K, U, fused); }
AVX512(avx512_nofma_x4u2, 4, 2, 0)
AVX512(avx512_nofma_x3u2, 3, 2, 0)
AVX512(avx512_fma_x4u2, 4, 2, 1)
AVX512(avx512_fma_x3u2, 3, 2, 1)
AVX512(avx512_fma_x4u4, 4, 4, 1)

const struct kernel avx512_kernels[] = {
	{"avx512_nofma_x4u2", avx512_nofma_x4u2, NEEDS_AVX512F, "4 vectors of 8 lanes, escape test every 2 iterations, no FMA"},
	{"avx512_nofma_x3u2", avx512_nofma_x3u2, NEEDS_AVX512F, "3 vectors of 8 lanes, escape test every 2 iterations, no FMA"},
	{"avx512_fma_x4u2", avx512_fma_x4u2, NEEDS_AVX512F, "4 vectors of 8 lanes, escape test every 2 iterations, fused"},
	{"avx512_fma_x3u2", avx512_fma_x3u2, NEEDS_AVX512F, "3 vectors of 8 lanes, escape test every 2 iterations, fused"},
	{"avx512_fma_x4u4", avx512_fma_x4u4, NEEDS_AVX512F, "4 vectors of 8 lanes, escape test every 4 iterations, fused"},
	{0},
};
#else
#include "yardstick.h"
const struct kernel avx512_kernels[] = {{0}};
#endif
