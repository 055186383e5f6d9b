# oamfix — see README.md. Building and installing need Go only (and git,
# for the version). `make test` also needs npm: the SARIF test installs
# Microsoft's validator with it into .tools/npm; every other tool the tests
# need is installed with `go install` through the Go module proxy.

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
# kpt is not on the Go module proxy: tools unpacks the binary built from
# kpt's source that the shared folder carries (see its README.md).
KPT       := $(TOOLS)/kpt
KPT_DIR   ?= $(or $(OAMFIX_SHARED),$(CURDIR)/../shared)/tools/kpt
export OAMFIX_KPT := $(KPT)

# oamfix version: the tag, commits since and commit (v0.3.0-2-g1a2b3c4,
# -dirty with uncommitted changes), or dev outside a git checkout.
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
# Release archives: one per platform, with a checksums file.
PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64
DIST      ?= dist

.PHONY: all build install dist test golden bench lint fuzz tools clean

all: lint build test

## build: bin/oamfix, stamped with VERSION.
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/oamfix ./cmd/oamfix

## install: oamfix into $(go env GOBIN), else $(go env GOPATH)/bin, stamped with VERSION.
install:
	$(GO) install -ldflags "$(LDFLAGS)" ./cmd/oamfix

## dist: DIST/oamfix_VERSION_OS_ARCH.tar.gz for each of PLATFORMS (static,
## -trimpath; with LICENSE, README.md and CHANGELOG.md) and DIST/checksums.txt (SHA-256).
dist:
	@set -e; rm -rf $(DIST); mkdir -p $(DIST); \
	for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; name=oamfix_$(VERSION)_$${os}_$${arch}; \
		echo "dist $$name.tar.gz"; \
		mkdir -p $(DIST)/$$name; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "-s -w $(LDFLAGS)" -o $(DIST)/$$name/oamfix ./cmd/oamfix; \
		cp LICENSE README.md CHANGELOG.md $(DIST)/$$name/; \
		tar -C $(DIST) -czf $(DIST)/$$name.tar.gz $$name; \
		rm -rf $(DIST)/$$name; \
	done; \
	cd $(DIST); \
	if command -v sha256sum >/dev/null; then sha256sum oamfix_*.tar.gz; else shasum -a 256 oamfix_*.tar.gz; fi > checksums.txt

## test: unit + golden + corpus fidelity + e2e (real kustomize) + install from a clean clone (make install, make dist for the host) + short fuzz runs.
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

## tools: install kustomize and unpack kpt (for the KRM e2e tests) into .tools/bin.
tools: $(KUSTOMIZE) $(KPT)

$(KUSTOMIZE):
	GOBIN=$(TOOLS) $(GO) install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

# Without the archive the kpt tests skip (and fail under CI).
KPT_ARCHIVE := $(wildcard $(KPT_DIR)/kpt-linux-amd64.xz)
$(KPT): $(KPT_ARCHIVE)
ifeq ($(KPT_ARCHIVE),)
	@echo "no $(KPT_DIR)/kpt-linux-amd64.xz: the kpt e2e tests will skip"
else
	@mkdir -p $(TOOLS)
	@test "$$(sha256sum < $<)" = "$$(awk '$$2 == "kpt-linux-amd64.xz" {print $$1 "  -"}' $(KPT_DIR)/SHA256SUMS)" || \
		{ echo "$<: checksum differs from $(KPT_DIR)/SHA256SUMS" >&2; exit 1; }
	xz -dc $< > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@
endif

clean:
	rm -rf bin dist .tools
