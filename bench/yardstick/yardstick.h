/* yardstick.h: what the driver and the kernels share. */
#ifndef YARDSTICK_H
#define YARDSTICK_H

#include <stdint.h>

/* A view: w x h pixels, pixel (i, j) at
 *   cr = x0 + ((double)i + 0.5) * dx,   ci = y0 + ((double)j + 0.5) * dy,
 * each operation rounded on its own (the build has -ffp-contract=off). */
struct view {
	int w, h, maxit;
	double x0, y0, dx, dy;
};

static inline double view_cr(const struct view *v, int i) { return v->x0 + ((double)i + 0.5) * v->dx; }
static inline double view_ci(const struct view *v, int j) { return v->y0 + ((double)j + 0.5) * v->dy; }

/* A row kernel writes the escape counts of row j into out[0..w) and returns
 * their sum. A count is the number of iterations z -> z^2 + c done from
 * z = 0 before |z|^2 > 4 (tested before each iteration), at most maxit. */
typedef uint64_t (*row_kernel)(const struct view *v, int j, uint32_t *out);

/* What a CPU must have to run a kernel. */
enum needs { NEEDS_NOTHING, NEEDS_FMA, NEEDS_AVX2, NEEDS_AVX2_FMA, NEEDS_AVX512F };

struct kernel {
	const char *name;
	row_kernel row;
	enum needs needs;
	const char *about;
};

/* Each kernel file's table, ended by an entry with a NULL name. */
extern const struct kernel scalar_kernels[], avx2_kernels[], avx512_kernels[];

#endif
