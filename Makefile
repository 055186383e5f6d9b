# oamfix — see README.md. Every target works on a fresh machine with Go and
# the Go module proxy: tools the tests need are installed with `go install`.

GO        ?= go
TOOLS     := $(CURDIR)/.tools/bin
KUSTOMIZE := $(TOOLS)/kustomize
KUSTOMIZE_VERSION ?= v5.8.1
# yq is for make bench only (the hand-written alternative it is compared with).
YQ        := $(TOOLS)/yq
YQ_VERSION ?= v4.54.3
FUZZTIME  ?= 10s
# Tests find kustomize here (and skip nothing: make test installs it first).
export OAMFIX_KUSTOMIZE := $(KUSTOMIZE)

.PHONY: all build test golden bench lint fuzz tools clean

all: lint build test

build:
	$(GO) build -o bin/oamfix ./cmd/oamfix

## test: unit + golden + corpus fidelity + e2e (real kustomize) + short fuzz runs.
test: lint tools
	$(GO) test -count=1 ./...
	$(MAKE) fuzz FUZZTIME=3s

## golden: regenerate golden files on purpose; read the diff before committing.
golden:
	OAMFIX_UPDATE_GOLDEN=1 $(GO) test -count=1 ./... -run 'Golden|Render'
	git status --short testdata

## bench: print the benchmark tables (floor vs check vs fix in process and
## as a whole process, and a yq loop); OAMFIX_BENCH_WRITE=1 writes them into BENCHMARKS.md.
bench: $(YQ)
	OAMFIX_BENCH=1 OAMFIX_YQ=$(YQ) $(GO) test -run TestBenchmarkTable -bench . -benchmem -benchtime=3x -timeout 30m -v ./bench/

$(YQ):
	GOBIN=$(TOOLS) $(GO) install github.com/mikefarah/yq/v4@$(YQ_VERSION)

## lint: gofmt and go vet must be clean.
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## fuzz: run every fuzz target for FUZZTIME each.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for fz in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz' || true); do \
			echo "fuzz $$pkg $$fz ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$fz$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

## tools: install kustomize (for the KRM e2e test) into .tools/bin.
tools: $(KUSTOMIZE)

$(KUSTOMIZE):
	GOBIN=$(TOOLS) $(GO) install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

clean:
	rm -rf bin .tools
