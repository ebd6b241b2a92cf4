# mandel: `make` builds, `make test` runs everything CI runs.
GO      ?= go
BIN     ?= bin/mandel
PKGS    := ./...

.PHONY: all build render test norace test-v3 test-arm64 test-video race vet fmt-check staticcheck lint fuzz bench bench-model bench-quick bench-smoke test-slurm clean

all: build

# build leaves cgo out (nothing needs it; pflag pulls in net, which would
# take glibc's resolver): a static binary starts no glibc thread arenas,
# whose address space once made renders die under ulimit -v. The race
# detector's tests still build with cgo. -buildvcs=true records the
# revision that mandel --version prints, even where GOFLAGS says
# -buildvcs=false.
build:
	CGO_ENABLED=0 $(GO) build -buildvcs=true -o $(BIN) .

# render draws one picture with the default view: make render OUT=pic.png
OUT ?= mandel.png
render:
	$(GO) run . -strategy steal $(OUT)

# test is the whole suite, exactly what CI runs: static checks (vet, gofmt,
# staticcheck), every test
# under the race detector, the reference kernel under GOAMD64=v1 and v3, and
# a smoke run of the benchmark harness, sharded renders on a real Slurm, and
# arm64 under qemu. It installs nothing and leaves nothing outside the
# clone; the last three legs each print one line saying whether they ran.
test: vet fmt-check staticcheck race norace test-v3 bench-smoke test-slurm test-arm64 test-video

# The render tests must run the vector kernels this CPU has, not skip them:
# AVX2 and AVX-512 on amd64, NEON on arm64 (Linux's cpuinfo calls it asimd).
# It names this machine's kernels only; test-arm64 sets its own for the
# arm64 build.
TEST_KERNELS := $(strip $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && echo avx2) \
	$(shell grep -qw avx512f /proc/cpuinfo 2>/dev/null && echo avx512) \
	$(shell grep -qw asimd /proc/cpuinfo 2>/dev/null && echo neon))
export MANDEL_TEST_KERNELS = $(TEST_KERNELS)

# A race-enabled program sleeps a second before it exits (GORACE's
# atexit_sleep_ms), so that other goroutines may report: each test binary
# and each command that the tests run as a process paid it (README's
# commands alone 20 s). The tests check that none is left running (goleak),
# and the command waits for its own; a GORACE of the caller's comes after,
# and wins.
race:
	GORACE="atexit_sleep_ms=0 $$GORACE" $(GO) test -race -count=1 $(PKGS)

# norace runs without the race detector the packages whose tests trim
# single-goroutine arithmetic under it (raceEnabled, in their race_test.go:
# the detector slows it 10 to 20 times and sees nothing in it): here they
# run at full size. GOAMD64=v1 is the default, named for symmetry with
# test-v3.
NORACE_PKGS := ./render/ ./render/deep/ ./imageio/
norace:
	GOAMD64=v1 $(GO) test -count=1 $(NORACE_PKGS)

# The kernel's arithmetic must not change when the compiler may emit FMA
# instructions (GOAMD64=v3): the kernels' tests again, as norace runs
# them under v1.
test-v3:
	@if grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo; then \
		echo "GOAMD64=v3 $(GO) test -count=1 ./render/ ./render/deep/"; GOAMD64=v3 $(GO) test -count=1 ./render/ ./render/deep/; \
	else echo "test-v3: this CPU lacks AVX2/FMA, so GOAMD64=v3 binaries cannot run here"; fi

vet:
	$(GO) vet $(PKGS)
	GOARCH=arm64 $(GO) vet $(PKGS)
	GOARCH=riscv64 $(GO) vet ./render/

# test-arm64 runs the render tests of an arm64 build under qemu-user-static
# and checks that it renders every preset to amd64's bytes (NEON and the
# scalar Go kernel, with and without shortcuts), side by side: about 3
# minutes on 2 cores.
# Without qemu it says so and skips; INSTALL_QEMU=1 installs it (as root).
test-arm64: build
	scripts/test-arm64.sh $(BIN)

fmt-check:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# staticcheck is pinned in go.mod as a tool (go get -tool), so that every
# machine runs the same version of it with nothing installed by hand.
staticcheck:
	$(GO) tool staticcheck $(PKGS)

lint: vet fmt-check staticcheck

# fuzz runs each fuzz target for a while (not part of test).
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzRenderFlags -fuzztime $(FUZZTIME) .
	$(GO) test -run '^$$' -fuzz FuzzPBM -fuzztime $(FUZZTIME) ./imageio/
	$(GO) test -run '^$$' -fuzz FuzzPNG -fuzztime $(FUZZTIME) ./imageio/
	$(GO) test -run '^$$' -fuzz FuzzKernels -fuzztime $(FUZZTIME) ./render/
	$(GO) test -run '^$$' -fuzz FuzzBitsKernels -fuzztime $(FUZZTIME) ./render/
	$(GO) test -run '^$$' -fuzz FuzzScalarPeriodic -fuzztime $(FUZZTIME) ./render/
	$(GO) test -run '^$$' -fuzz FuzzLookupPalette -fuzztime $(FUZZTIME) ./render/

# bench runs the full default sweep into results/<date>-<host>/ (docs/benchmarking.md
# explains the files): scenes sized for 0.3 s serial, 10 runs of each of the 212
# configurations on 2 cores and more up to 8 s each while the median's CI is
# wider than ±3%: 30 minutes with the model (make bench-model) on the 2-core
# VM, where most configurations ran to the cap; 33 at most.
# BENCHFLAGS adds flags: make bench BENCHFLAGS='--reps 20'.
# COMMIT is the revision recorded in the results, -dirty when the tree has changes.
COMMIT = $$(git rev-parse HEAD 2>/dev/null || echo unknown)$$(test -z "$$(git status --porcelain 2>/dev/null)" || echo -dirty)
bench: build
	$(BIN) bench --commit $(COMMIT) $(BENCHFLAGS)

# bench-model is the default sweep with the cost model to 256 workers: the
# model's predictions, its error at the worker counts measured, and the
# emulation of 4 to 64 workers on sleeping tasks (bench's time and about 2.5
# minutes more on 2 cores).
bench-model: build
	$(BIN) bench --commit $(COMMIT) --simulate 1,2,4,8,16,32,64,128,256 $(BENCHFLAGS)

# bench-quick is a small sweep (about a minute on 2 cores) into results/quick/:
# scenes sized for 20 ms, 6 runs each and more up to 150 ms per configuration
# while the median's CI is wide.
bench-quick: build
	rm -rf results/quick
	$(BIN) bench --commit $(COMMIT) --reps 6 --warmup 1 --target-time 20ms --min-time 0 --max-time 150ms --out results/quick $(BENCHFLAGS)

# bench-smoke runs the harness for a second and checks the files it must
# write, in a temporary folder that it removes, failure included.
SMOKE_FILES := runs.csv summary.csv summary.json summary.md env.json bench.txt \
	model.csv model-validation.csv overheads.csv primitives.csv \
	charts/speedup-full.png charts/speedup-full.svg charts/busy-tophalf.png \
	pictures/tophalf/scene.png pictures/tophalf/schedule-bands.png pictures/tophalf/timeline-steal.png
bench-smoke: build
	@set -e; tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/mandel-bench-smoke.XXXXXX"); trap 'rm -rf "$$tmp"' EXIT; \
	out=$$tmp/out; \
	$(BIN) bench --out $$out --scenes full,tophalf --strategies bands,atomic,steal --workers 1,2 --grain 1 \
		--reps 2 --warmup 0 --size 64x48 --max-time 0 --maxiter 200 --seed 1 --simulate 1,2,256 >/dev/null; \
	for f in $(SMOKE_FILES); do \
		test -s $$out/$$f || { echo "bench-smoke: FAIL: $$f is missing"; exit 1; }; done; \
	grep -q '^BenchmarkRender/scene=full/size=64x48/strategy=steal/workers=2-2 ' $$out/bench.txt || { echo "bench-smoke: FAIL: bench.txt"; exit 1; }; \
	grep -q '"partial": false' $$out/summary.json || { echo "bench-smoke: FAIL: summary.json is partial"; exit 1; }; \
	grep -q '^## The model' $$out/summary.md || { echo "bench-smoke: FAIL: summary.md has no model"; exit 1; }; \
	echo "bench-smoke: ok"

# test-slurm renders four shards as a Slurm array job on a one-node cluster
# on localhost, stitches them and compares the bytes with a single render.
# It runs where Slurm is installed; elsewhere it says so and skips, unless
# INSTALL_SLURM=1, which installs Debian's packages (as root), as .ci/run
# does: make test must not change the system unless asked.
test-slurm: build
	scripts/slurm/demo.sh $(BIN)

# test-video makes a 4-frame MP4 with mandel zoom --video and checks it
# with ffprobe (about a second). Without ffmpeg it says so and skips;
# .ci/run installs ffmpeg.
test-video: build
	scripts/test-video.sh $(BIN)

clean:
	rm -rf bin mandel.png results/quick
