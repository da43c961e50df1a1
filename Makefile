# blanktrack: `make run` runs the main job on the shipped examples,
# `make test` runs every check CI runs.
GO          ?= go
STATICCHECK ?= $(shell $(GO) env GOPATH)/bin/staticcheck
STATICCHECK_VERSION = v0.8.2
BIN         = bin/blanktrack
EX          = examples/basic

.PHONY: all build run test fmt-check vet staticcheck unit bench fuzz examples dist clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/blanktrack

PE          = examples/portal-export

# The main job on the shipped examples, 115/09~115/10:
# - basic: a head office and a branch from ERP and POS exports, with E0402 XML;
# - portal-export: one business from the e-invoice portal's own downloads;
# - branches: a head office and three branches from one config file.
# The examples are of 115/09~115/10: run them as of a day the report is due,
# so that they print the same whatever today is.
run: export BLANKTRACK_TODAY = 2026-11-05
run: build
	./$(BIN) generate --xml --head 53212539 \
		--alloc $(EX)/alloc/invnoapply_53212539_11510.csv \
		--alloc $(EX)/alloc/invnoapply_24549210_11510.csv \
		--out out/basic \
		$(EX)/invoices/head-erp-115-09-10.xlsx $(EX)/invoices/branch-pos-115-09-10.csv
	@echo
	./$(BIN) generate \
		--alloc $(PE)/alloc/invnoapply_83012410_11510.csv \
		--out out/portal-export \
		$(PE)/invoices/old-portal-115-09.xlsx $(PE)/invoices/new-portal-115-10.csv
	@echo
	./$(BIN) generate --config examples/branches/blanktrack.toml --out out/branches

test: fmt-check vet staticcheck unit

fmt-check:
	@out=$$(gofmt -l cmd pkg examples); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

$(STATICCHECK):
	@echo "installing staticcheck $(STATICCHECK_VERSION) into $(STATICCHECK) (once; a minute or two on a fresh machine)"
	$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

staticcheck: $(STATICCHECK)
	$(STATICCHECK) ./...

unit:
	$(GO) test -race -count=1 ./...

# Speed and memory, each beside its floor in the same run (the inputs are
# generated in a temporary folder, never committed):
# - pkg/ranges/sheet: a 300,000-invoice workbook with shared strings, read
#   (x-excelize: time over a bare excelize row loop) and through generate;
#   the old portal's download of as many invoices, its item sheet of
#   600,000 rows looked through for numbers (x-read: time over the former);
#   a 20,000,000-invoice, 660 MB CSV (x-lines: time over a loop counting
#   its lines); the readers' peak memory on hostile files;
# - pkg/ranges: the used-number tally of 20,000,000 invoices;
# - pkg/ranges/job: a chain of 200 branches of 100,000 invoices each;
# - pkg/importfile: check's readers on hostile files; check on 40 files
#   of 99,999 lines that all overlap.
# The machine is shared and noisy: compare within one run, and repeat with
# make bench BENCHCOUNT=3.
# CI runs each benchmark once (BENCHTIME=1x) so that none rots unnoticed.
BENCHCOUNT ?= 1
BENCHTIME  ?= 3x
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count $(BENCHCOUNT) ./pkg/ranges/ ./pkg/ranges/sheet/ ./pkg/ranges/job/ ./pkg/importfile/

# A short run of every fuzz target (FUZZTIME each).
FUZZTIME ?= 20s
FUZZPKGS = ./pkg/ranges/ ./pkg/ranges/sheet/ ./pkg/ranges/job/ ./pkg/importfile/ ./pkg/portal/
fuzz:
	@for p in $(FUZZPKGS); do \
		for t in $$($(GO) test -list '^Fuzz' $$p | grep ^Fuzz); do \
			echo "$$p $$t"; \
			$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$p || exit 1; \
		done; done

# Rewrite the example inputs from their generator.
examples:
	$(GO) run ./pkg/internal/xlsxfixture/mkexamples

# Release binaries for Windows (amd64, arm64), macOS (arm64) and Linux
# (amd64), with the version and commit stamped in: dist/blanktrack-OS-ARCH.
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
COMMIT    ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
PLATFORMS  = windows/amd64 windows/arm64 darwin/arm64 linux/amd64
dist:
	@mkdir -p dist
	@for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		echo "dist/blanktrack-$$os-$$arch$$ext"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath \
			-ldflags "-s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)" \
			-o dist/blanktrack-$$os-$$arch$$ext ./cmd/blanktrack || exit 1; \
	done

clean:
	rm -rf bin out dist
