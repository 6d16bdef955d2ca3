# licaudit: build, test, demo, benchmarks, fuzzing and generated docs.
GO       ?= go
BIN      := bin/licaudit
FUZZTIME ?= 60s
# Minimizing a new input stops after FUZZMINIMIZE: the default (60s) let
# FuzzNames stop finding inputs for a minute at a time, shrinking long
# names through the reference regular expression.
FUZZMINIMIZE ?= 5s
PKGS     := ./...

.PHONY: all build test race vet vet-ports mod-check fmt-check demo bench bench-smoke fuzz docs clean

all: build

## build: a static binary (CGO_ENABLED=0). licaudit needs no C library, but
## with a C compiler installed Go would link the C resolver (package net,
## through google/uuid) and so glibc, and such a binary does not start on
## a host or image without it (Alpine, distroless). The race target keeps
## cgo.
build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/licaudit

## test: static checks, then every test (fuzz seed corpora included), then
## the CSV and command tests again with cells overwritten once their batch
## of rows is read (the arenacheck tag: see verify/arenacheck_off.go).
test: fmt-check mod-check vet
	$(GO) test -count=1 $(PKGS)
	$(GO) test -count=1 -tags arenacheck ./verify/ ./cmd/...
	@$(MAKE) --no-print-directory race

## race: the tests of the concurrent parts (member pipeline, rows read
## ahead, names fed, parallel bundles, the table laid out in parallel)
## under the race detector, which needs cgo, so a C compiler; without one
## it says so and passes (.ci/run installs one).
race:
	@if [ "$$($(GO) env CGO_ENABLED)" = 1 ]; then \
	  echo "$(GO) test -race -count=1 ./verify/ ./bundle/ ./report/ ./cmd/..."; \
	  $(GO) test -race -count=1 ./verify/ ./bundle/ ./report/ ./cmd/...; \
	else echo "race: skipped, the race detector needs cgo (a C compiler such as gcc)"; fi

vet: vet-ports
	$(GO) vet $(PKGS)

## vet-ports: the code and its tests also compile, and vet, for a 32-bit
## platform and for Windows (partners check bundles there before sending):
## a constant or a shift that only fits 64 bits, or a Unix-only call, fails
## here rather than on a user's machine.
vet-ports:
	GOARCH=386 $(GO) vet $(PKGS)
	GOARCH=386 $(GO) vet -tags arenacheck ./verify/
	GOOS=windows $(GO) vet $(PKGS)

## mod-check: go.mod and go.sum are tidy (direct requirements marked so).
mod-check:
	$(GO) mod tidy -diff

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## demo: build, write a reference VOSS bundle under ./demo/, verify it.
demo: build
	$(BIN) generate voss --provider CS-P --host VOSS-UN-1 --customers 25 --patches 2 --out demo --force
	$(BIN) verify demo/

## bench: Go benchmarks, whole-command timings against peers, hostile corpus.
bench: build
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)
	bash bench/run.sh
	bash bench/hostile.sh

## bench-smoke: every Go benchmark once, then bench/run.sh on small inputs
## and bench/hostile.sh, both in a temporary directory: the benchmarks and
## the scripts behind bench/RESULTS.md keep working between `make bench`
## runs (CI runs it; its figures mean nothing). run.sh installs its peers
## when they are missing.
SMOKE_SIZES := RUNS=1 QUICK_RUNS=1 SLOW_RUNS=1 BIG_RUNS=1 VOSS_CUSTOMERS=2000 \
	FNE_ENTITLEMENTS=1000 FNE_BIG_ENTITLEMENTS=1000 DIR_BUNDLES=6 \
	MANY_BUNDLES=2 MANY_CUSTOMERS=1000 MANY_THREADS=4
bench-smoke: build
	$(GO) test -run '^$$' -bench . -benchtime 1x $(PKGS)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	echo "bench/run.sh and bench/hostile.sh, small inputs, in $$tmp" && \
	if ! env $(SMOKE_SIZES) BENCH_OUT=$$tmp/out BENCH_RESULTS=$$tmp/RESULTS.md \
	  bash bench/run.sh >$$tmp/run.log 2>&1; then cat $$tmp/run.log; exit 1; fi && \
	if ! BENCH_OUT=$$tmp/out bash bench/hostile.sh >$$tmp/hostile.log 2>&1; then \
	  cat $$tmp/hostile.log; exit 1; fi && \
	echo "bench-smoke: both scripts ran and wrote every figure"

## fuzz: run every fuzz target for FUZZTIME each (FUZZMINIMIZE: see above).
# Go 1.26's fuzzing coordinator can fail a target with "context deadline
# exceeded" as FUZZTIME runs out although no input failed
# (go.dev/issue/75804, fixed in Go 1.27). Such a failure, with that message
# and no failing input written under testdata/fuzz/, is reported and not
# counted; any other failure stops the run.
fuzz:
	@set -e; log=$$(mktemp); status=$$(mktemp); trap 'rm -f $$log $$status' EXIT; \
	for f in $$(grep -rl --include='*_test.go' '^func Fuzz' .); do \
	  dir=$$(dirname $$f); \
	  for t in $$(grep -o '^func Fuzz[A-Za-z0-9_]*' $$f | sed 's/^func //'); do \
	    echo "== $$dir $$t"; \
	    before=$$(ls $$dir/testdata/fuzz/$$t 2>/dev/null | wc -l); \
	    { if $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) ./$$dir; \
	      then echo 0 >$$status; else echo 1 >$$status; fi; } 2>&1 | tee $$log; \
	    if [ "$$(cat $$status)" != 0 ]; then \
	      after=$$(ls $$dir/testdata/fuzz/$$t 2>/dev/null | wc -l); \
	      if [ "$$after" -gt "$$before" ] || ! grep -q '^    context deadline exceeded$$' $$log; then exit 1; fi; \
	      echo "fuzz: $$t: the coordinator's deadline race (go.dev/issue/75804), no failing input: not counted"; \
	    fi; \
	  done; \
	done

## docs: regenerate docs/rules.md from the rule catalogue.
docs:
	$(GO) run ./cmd/licaudit rules --format markdown > docs/rules.md

clean:
	rm -rf bin demo bench/out
