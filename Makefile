# Two commands do everything on a fresh machine:
#   make demo   installs dependencies, converts the bundled fixtures and shows what came out
#   make test   installs dependencies and runs every test
SWIFT ?= swift
HICLR = .build/release/hiclr
DEMO = demo-out

.PHONY: deps build release test demo bench clean

deps:
	bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product hiclr

test: deps
	bash scripts/test.sh

demo: release
	bash scripts/demo.sh $(HICLR) $(DEMO)

bench: release
	$(HICLR) bench convert --samples 2400
	$(HICLR) bench augment
	$(HICLR) convert ntu60 --raw fixtures/ntu60 --out $(DEMO)/bench-ntu60 --overwrite
	$(HICLR) bench stream --shards $(DEMO)/bench-ntu60
	$(SWIFT) build -c release --product HiCLRLoaderC
	/usr/bin/python3 python/benchmarks/stream_into_torch.py --shards $(DEMO)/bench-ntu60 --hiclr $(HICLR)
	$(HICLR) export reference --shards $(DEMO)/bench-ntu60 --out $(DEMO)/bench-export
	$(HICLR) bench engine

clean:
	rm -rf .build $(DEMO)
