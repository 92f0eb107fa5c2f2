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
	$(SWIFT) build --build-tests
	$(SWIFT) test

demo: release
	bash scripts/demo.sh $(HICLR) $(DEMO)

bench: release
	$(HICLR) bench convert --raw fixtures/ntu60 --copies 100

clean:
	rm -rf .build $(DEMO)
