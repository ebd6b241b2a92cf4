/* yardstick: the C program mandel's kernels are measured against.
 *
 * Usage: yardstick KERNEL WORKLOAD [THREADS [SCHEDULE]]
 *        yardstick --list
 *
 * It renders the workload's escape counts with the kernel, on THREADS
 * OpenMP threads over rows (default 1: no parallel region at all) with
 * SCHEDULE static (default: contiguous bands), static1 (rows dealt
 * round-robin), dynamic1 (one row per claim) or guided, and prints one line:
 *
 *   KERNEL WORKLOAD threads=T sched=S total=N hash=H secs=S Giter/s=G cpu=C Giter/cpu-s=G busy=B,...
 *
 * total is the sum of the counts; hash the FNV-1a hash of the counts, row by
 * row, one 32-bit count at a time (NOHASH=1 skips it); secs the wall time of
 * the render alone (the image's pages are touched before); Giter/s is
 * total / secs; cpu the process's CPU time over the same span; busy each
 * thread's time in its rows.
 *
 * Workloads (pixel centres, row 0 at the bottom):
 *   W1     4096x4096, x in [-2.5, 1], y in [-1.75, 1.75], maxit 1000
 *   W3     W1 with maxit 5000
 *   W4     4096x4096 of the seahorse valley, x in [-0.8, -0.7], y in [0.05, 0.15], maxit 1000
 *   W5     W1's window moved up, y in [-0.25, 3.25]: the set lies in the first half of rows
 *   small  W1's window at 512x512
 *   view:W:H:RE:IM:SCALE:MAXIT
 *          mandel's view --size WxH --center=RE,IM --scale SCALE --maxiter MAXIT,
 *          with mandel's arithmetic for the pixel centres (render.View.Plane),
 *          mirrored in the real axis, which changes no count: its total is
 *          the one mandel -v --shortcuts=false prints for that view.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "yardstick.h"

#define MAXTHREADS 1024

static const struct kernel *const tables[] = {scalar_kernels, avx2_kernels, avx512_kernels};

static const struct kernel *find_kernel(const char *name)
{
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (const struct kernel *k = tables[t]; k->name; k++)
			if (!strcmp(k->name, name))
				return k;
	return NULL;
}

/* lacks names what this CPU lacks to run k, or returns NULL. */
static const char *lacks(const struct kernel *k)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_cpu_init();
	switch (k->needs) {
	case NEEDS_AVX512F:
		return __builtin_cpu_supports("avx512f") ? NULL : "AVX-512F";
	case NEEDS_AVX2_FMA:
		if (!__builtin_cpu_supports("fma"))
			return "FMA";
		/* fall through */
	case NEEDS_AVX2:
		return __builtin_cpu_supports("avx2") ? NULL : "AVX2";
	default:
		return NULL;
	}
#else
	return k->needs == NEEDS_NOTHING || k->needs == NEEDS_FMA ? NULL : "x86-64 vector instructions";
#endif
}

static double seconds(clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int usage(void)
{
	fprintf(stderr, "usage: yardstick KERNEL WORKLOAD [THREADS [static|static1|dynamic1|guided]]; yardstick --list\n");
	return 2;
}

/* parse_view reads view:W:H:RE:IM:SCALE:MAXIT into v, with the arithmetic of
 * mandel's render.View.Plane: d = scale/W, xmin = re - scale/2,
 * ymax = im + H*d/2, row j at ymax - (j + 0.5)*d. The yardstick's rows run
 * upwards from y0 + (j + 0.5)*dy; with y0 = -ymax and dy = d, row j is the
 * mirror image of mandel's row j, bit for bit (a - b = -((-a) + b) in IEEE
 * arithmetic), and mirroring c in the real axis mirrors its orbit and keeps
 * every count. */
static int parse_view(const char *spec, struct view *v)
{
	double re, im, scale;
	int w, h, maxit, end = 0;
	if (sscanf(spec, "view:%d:%d:%lf:%lf:%lf:%d%n", &w, &h, &re, &im, &scale, &maxit, &end) != 6 || spec[end] != 0)
		return -1;
	if (w < 1 || h < 1 || w > 1 << 20 || h > 1 << 20 || maxit < 1 || !(scale > 0))
		return -1;
	const double d = scale / w;
	const double ymax = im + (double)h * d / 2;
	*v = (struct view){w, h, maxit, re - scale / 2, -ymax, d, d};
	return 0;
}

static int parse_workload(const char *name, struct view *v)
{
	const double d = 3.5 / 4096;
	if (!strcmp(name, "W1"))
		*v = (struct view){4096, 4096, 1000, -2.5, -1.75, d, d};
	else if (!strcmp(name, "W3"))
		*v = (struct view){4096, 4096, 5000, -2.5, -1.75, d, d};
	else if (!strcmp(name, "W4"))
		*v = (struct view){4096, 4096, 1000, -0.8, 0.05, 0.1 / 4096, 0.1 / 4096};
	else if (!strcmp(name, "W5"))
		*v = (struct view){4096, 4096, 1000, -2.5, -0.25, d, d};
	else if (!strcmp(name, "small"))
		*v = (struct view){512, 512, 1000, -2.5, -1.75, 3.5 / 512, 3.5 / 512};
	else if (!strncmp(name, "view:", 5))
		return parse_view(name, v);
	else
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
			for (const struct kernel *k = tables[t]; k->name; k++)
				printf("%-20s %s%s\n", k->name, k->about, lacks(k) ? " (not on this CPU)" : "");
		return 0;
	}
	if (argc < 3 || argc > 5)
		return usage();
	const struct kernel *k = find_kernel(argv[1]);
	if (!k) {
		fprintf(stderr, "yardstick: unknown kernel %s (yardstick --list names them)\n", argv[1]);
		return 2;
	}
	const char *missing = lacks(k);
	if (missing) {
		fprintf(stderr, "yardstick: kernel %s needs %s, which this CPU lacks\n", k->name, missing);
		return 2;
	}
	struct view v;
	if (parse_workload(argv[2], &v)) {
		fprintf(stderr, "yardstick: unknown workload %s (W1, W3, W4, W5, small, view:W:H:RE:IM:SCALE:MAXIT)\n", argv[2]);
		return 2;
	}
	int threads = 1;
	if (argc > 3) {
		char *end;
		errno = 0;
		long t = strtol(argv[3], &end, 10);
		if (errno || *end || t < 1 || t > MAXTHREADS) {
			fprintf(stderr, "yardstick: THREADS must be in 1..%d, got %s\n", MAXTHREADS, argv[3]);
			return 2;
		}
		threads = (int)t;
	}
	const char *sched = argc > 4 ? argv[4] : "static";
#ifdef _OPENMP
	if (!strcmp(sched, "static"))
		omp_set_schedule(omp_sched_static, 0);
	else if (!strcmp(sched, "static1"))
		omp_set_schedule(omp_sched_static, 1);
	else if (!strcmp(sched, "dynamic1"))
		omp_set_schedule(omp_sched_dynamic, 1);
	else if (!strcmp(sched, "guided"))
		omp_set_schedule(omp_sched_guided, 0);
	else {
		fprintf(stderr, "yardstick: unknown schedule %s (static, static1, dynamic1, guided)\n", sched);
		return 2;
	}
#else
	if (threads > 1) {
		fprintf(stderr, "yardstick: built without OpenMP, so one thread only\n");
		return 2;
	}
#endif

	const size_t pixels = (size_t)v.w * (size_t)v.h;
	uint32_t *counts = malloc(pixels * sizeof *counts);
	if (!counts) {
		fprintf(stderr, "yardstick: cannot allocate %zu pixels\n", pixels);
		return 1;
	}
	/* Page faults are not the kernel's work: touch the pages first. */
	memset(counts, 0, pixels * sizeof *counts);
	static double busy[MAXTHREADS];
	const row_kernel row = k->row;
	uint64_t total = 0;
	const double cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID), t0 = seconds(CLOCK_MONOTONIC);
	if (threads == 1) {
		for (int j = 0; j < v.h; j++)
			total += row(&v, j, counts + (size_t)j * v.w);
		busy[0] = seconds(CLOCK_MONOTONIC) - t0;
	} else {
#ifdef _OPENMP
#pragma omp parallel num_threads(threads) reduction(+ : total)
		{
			const double start = seconds(CLOCK_MONOTONIC);
#pragma omp for schedule(runtime) nowait
			for (int j = 0; j < v.h; j++)
				total += row(&v, j, counts + (size_t)j * v.w);
			busy[omp_get_thread_num()] = seconds(CLOCK_MONOTONIC) - start;
		}
#endif
	}
	const double secs = seconds(CLOCK_MONOTONIC) - t0, cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;

	/* 1469598103934665603 is the FNV offset basis with its last digit lost;
	 * the project's recorded hashes (docs/design.md, render/kernel_test.go)
	 * start from it, so this one does too. */
	uint64_t hash = 1469598103934665603ULL;
	if (!getenv("NOHASH"))
		for (size_t p = 0; p < pixels; p++) {
			hash ^= counts[p];
			hash *= 1099511628211ULL;
		}
	printf("%s %s threads=%d sched=%s total=%" PRIu64 " hash=%016" PRIx64 " secs=%.4f Giter/s=%.4f cpu=%.4f Giter/cpu-s=%.4f busy=",
	       k->name, argv[2], threads, threads > 1 ? sched : "-", total, hash, secs, (double)total / secs / 1e9, cpu,
	       (double)total / cpu / 1e9);
	for (int t = 0; t < threads; t++)
		printf("%s%.3f", t ? "," : "", busy[t]);
	printf("\n");
	free(counts);
	return 0;
}
