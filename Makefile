# oamfix — see README.md. Every target works on a fresh machine with Go and
# the Go module proxy: tools the tests need are installed with `go install`.

GO        ?= go
TOOLS     := $(CURDIR)/.tools/bin
KUSTOMIZE := $(TOOLS)/kustomize
KUSTOMIZE_VERSION ?= v5.8.1
FUZZTIME  ?= 10s
# Tests find kustomize here (and skip nothing: make test installs it first).
export OAMFIX_KUSTOMIZE := $(KUSTOMIZE)
# kpt is not on the Go module proxy: tools unpacks the binary built from
# kpt's source that the shared folder carries (see its README.md).
KPT       := $(TOOLS)/kpt
KPT_DIR   ?= $(or $(OAMFIX_SHARED),$(CURDIR)/../shared)/tools/kpt
export OAMFIX_KPT := $(KPT)

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

## bench: print the benchmark table (floor vs check vs fix).
bench:
	OAMFIX_BENCH=1 $(GO) test -run TestBenchmarkTable -bench . -benchmem -benchtime=3x -timeout 30m -v ./bench/

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
	rm -rf bin .tools
