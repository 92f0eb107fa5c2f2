# Two commands do everything on a fresh machine:
#   make demo   installs dependencies, converts the bundled fixtures and shows what came out
#   make test   installs dependencies and runs every test
SWIFT ?= swift
HICLR = .build/release/hiclr
DEMO = demo-out

.PHONY: deps build release test fuzz demo bench clean

deps:
	bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product hiclr

test: deps
	bash scripts/test.sh

# Long fuzzing run: FUZZ_INPUTS inputs over every reader (CI runs 20,000), FUZZ_SEED picks the mutations.
FUZZ_INPUTS ?= 500000
FUZZ_SEED ?= $(shell date +%s)
fuzz: deps
	$(SWIFT) build --build-tests
	HICLR_FUZZ_INPUTS=$(FUZZ_INPUTS) HICLR_FUZZ_SEED=$(FUZZ_SEED) $(SWIFT) test --skip-build --disable-swift-testing --filter ReliabilityTests.FuzzTests

demo: release
	bash scripts/demo.sh $(HICLR) $(DEMO)

# REFERENCE=<a JHang2020/HiCLR checkout> (optional, run outside the tree): also times the reference's own
# tools/ntu_gendata.py (bench convert) and Feeder_triple (loader_vs_reference.py) in the same run.
REFERENCE ?=
bench: release
	/usr/bin/python3 scripts/make_bench_ntu.py --out $(DEMO)/bench-raw --frames 100
	$(HICLR) bench convert --raw $(DEMO)/bench-raw --samples 2000 $(if $(REFERENCE),--reference $(REFERENCE))
	$(HICLR) bench augment
	$(HICLR) convert ntu60 --raw fixtures/ntu60 --out $(DEMO)/bench-ntu60 --overwrite
	$(HICLR) bench stream --shards $(DEMO)/bench-ntu60
	$(SWIFT) build -c release --product HiCLRLoaderC
	/usr/bin/python3 python/benchmarks/stream_into_torch.py --shards $(DEMO)/bench-ntu60 --hiclr $(HICLR)
	@# REFERENCE=<a checkout of JHang2020/HiCLR>: also time its own Feeder_triple against bench stream, same run
	if [ -n "$(REFERENCE)" ]; then /usr/bin/python3 python/benchmarks/loader_vs_reference.py \
		--shards $(DEMO)/bench-ntu60 --reference $(REFERENCE) --hiclr $(HICLR); fi
	$(HICLR) export reference --shards $(DEMO)/bench-ntu60 --out $(DEMO)/bench-export
	$(HICLR) bench engine

clean:
	rm -rf .build $(DEMO)
