# The two commands a new machine needs: `make demo` and `make test`. Each does its own set-up.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export PATH := $(CURDIR)/.tools/bin:$(PATH)

.PHONY: help deps tools build check test demo image clean k8s-schemas

help:
	@echo "make demo   init a values repo and deploy it to the embedded local cluster"
	@echo "make test   lint, type check, and every test tier (unit, integration, policies, e2e)"
	@echo "make tools  build the pinned toolchain (cached in ~/.cache/runlevel/tools)"
	@echo "make image  build the runlevel:<version> image (engine and Debian base included, cached)"

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: node_modules/.installed

tools:
	@bash tools/build.sh

build: deps
	@npx tsc -p tsconfig.json
	@bash scripts/bundle.sh

check: build
	@npx biome check .
	@bin/runlevel charts verify

test: deps tools check
	@bash scripts/test-packages.sh
	@node dist/test/run.js

demo: deps tools build
	@bash scripts/demo.sh

# The image needs the tools (copied, never rebuilt) and the compiled core.
image: deps tools build
	@bash scripts/image.sh

# Regenerates schemas/k8s/<version>/ from the pinned kube-apiserver's own OpenAPI document.
k8s-schemas: build tools
	@bash tools/k8s-schemas.sh

clean:
	rm -rf dist .tools
