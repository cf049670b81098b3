# Plexus — a fresh machine needs only make, node and npm.
DENO_VERSION := 2.9.6
TOOLS        := .tools
LOCAL_DENO   := $(TOOLS)/node_modules/.bin/deno
DENO         := $(shell command -v deno 2>/dev/null || echo $(LOCAL_DENO))
CONFIG       ?= config/plexus.yaml
# V8 settings measured in bench/ (one core, 32 connections): a 4 MB young generation lets most
# per-request objects die young; a 25% old-generation growth step collects before the heap
# balloons (soft limits: unlike a heap cap, a large live heap still grows); optimizing compiles on
# the main thread spare a second malloc arena (~10 MB) at no measured CPU cost. Together: peak RSS
# ~100 MB under load, against 175-266 MB with a young generation alone. Comma-separated, as
# --v8-flags takes them; baked into the compiled binary too.
V8_FLAGS     ?= --max-semi-space-size=4,--heap-growing-percent=25,--no-concurrent-recompilation
# The V8 code cache is a SQLite file that stays mapped while the process runs (~3 MB of RSS, and a
# thread); a server compiles its modules once at start, ~30 ms slower without it.
RUN_FLAGS    ?= --no-code-cache
# `make run` resolves npm packages from deno.run.lock, which holds only what main.ts imports:
# with deno.lock, Deno fetches every package the lock names, the tests' SDKs too (~130 MB
# against ~29 MB). Refresh it with `rm deno.run.lock && make run` after changing a dependency.
RUN_LOCK     := --lock=deno.run.lock

.PHONY: setup run test check fmt lint bench bench-ttfb bench-streams build release clean

setup: $(DENO)

# Installs the pinned Deno from npm into .tools/ when no deno is on PATH.
$(LOCAL_DENO):
	@mkdir -p $(TOOLS)
	@echo "installing deno $(DENO_VERSION) from npm into $(TOOLS)/"
	@cd $(TOOLS) && npm install --no-save --no-audit --no-fund --loglevel=error deno@$(DENO_VERSION) >/dev/null
	@$(LOCAL_DENO) --version | head -1

run: setup
	$(DENO) run -A $(RUN_LOCK) $(RUN_FLAGS) --v8-flags=$(V8_FLAGS) main.ts serve --config $(CONFIG)

fmt: setup
	$(DENO) fmt

lint: setup
	$(DENO) lint

check: setup
	$(DENO) check main.ts src/ tests/ bench/

test: setup
	$(DENO) fmt --check
	$(DENO) lint
	$(DENO) check main.ts src/ tests/ bench/
	$(DENO) test -A --parallel tests/

bench: setup
	BENCH_V8_FLAGS="$${BENCH_V8_FLAGS-$(V8_FLAGS)}" BENCH_DENO_FLAGS="$${BENCH_DENO_FLAGS-$(RUN_FLAGS)}" \
		$(DENO) run -A bench/run.ts

# Time to first byte of the gateway next to a bare Deno proxy (the runtime's floor), probed in turn.
bench-ttfb: setup
	BENCH_V8_FLAGS="$${BENCH_V8_FLAGS-$(V8_FLAGS)}" BENCH_DENO_FLAGS="$${BENCH_DENO_FLAGS-$(RUN_FLAGS)}" \
		$(DENO) run -A bench/ttfb_floor.ts

# Many slow streams (BENCH_STREAMS, default 10,000 for BENCH_STREAM_SECONDS, default 30): memory per
# open stream, token delay, CPU per token. Raises its open-file limit with prlimit (see bench/README.md).
bench-streams: setup
	BENCH_V8_FLAGS="$${BENCH_V8_FLAGS-$(V8_FLAGS)}" BENCH_DENO_FLAGS="$${BENCH_DENO_FLAGS-$(RUN_FLAGS)}" \
		$(DENO) run -A bench/slow_streams.ts

# deno compile downloads a runtime image (denort); DENORT_BIN points at a local copy for offline builds.
build: setup
	@mkdir -p dist
	@DENORT_BIN="$(DENORT_BIN)" DENO="$(DENO)" V8_FLAGS="$(V8_FLAGS)" RUN_FLAGS="$(RUN_FLAGS)" sh scripts/build.sh

# Binaries for Linux x64/arm64, macOS and Windows in dist/release/ (deno compile --target).
release: setup
	@DENO="$(DENO)" V8_FLAGS="$(V8_FLAGS)" RUN_FLAGS="$(RUN_FLAGS)" sh scripts/release.sh

clean:
	rm -rf dist bench/results $(TOOLS)
