# affcore — build, run and test. Every target installs what it needs on a fresh
# Debian machine with Go (apt-get for system packages when running as root).

GO          ?= go
GOBIN       := $(shell $(GO) env GOPATH)/bin
BIN         := bin/affcore
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
RACE        ?= -race
# Plugins: every plugins/* and examples/* directory with a *_wasip1.go export
# shim is a plugin; its bundle is signed with the key below (created on
# first use, never committed) and the binary trusts that key's public half.
PLUGIN_KEY  := .keys/platform.key
PLUGIN_DIRS  = $(sort $(patsubst %/,%,$(dir $(wildcard plugins/*/*_wasip1.go examples/*/*_wasip1.go))))
DIST        := dist/plugins
LDFLAGS      = $(if $(wildcard $(PLUGIN_KEY).pub),-X 'main.buildPluginKey=$(shell cat $(PLUGIN_KEY).pub)')

.PHONY: all build run test test-go lint check plugins bench system-deps clean

all: build

## build: the one binary, bin/affcore
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

## run: the whole product on http://localhost:8080 with no configuration
run: system-deps plugins build
	./$(BIN) serve

## test: lint, then every test (real PostgreSQL, NATS, WASM plugins, HTTP)
test: system-deps lint plugins test-go

test-go:
	$(GO) test $(RACE) -count=1 -timeout 30m ./...
	cd pdk/go && $(GO) test $(RACE) -count=1 ./...

## lint: formatting, vet and staticcheck
lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	@test -x $(GOBIN)/staticcheck || $(GO) install $(STATICCHECK)
	$(GOBIN)/staticcheck ./...
	cd pdk/go && $(GO) vet ./... && GOOS=wasip1 GOARCH=wasm $(GO) vet ./... && $(GOBIN)/staticcheck ./...
	GOOS=wasip1 GOARCH=wasm $(GO) vet ./plugins/... ./examples/...

## check: lint plus the dependency-direction test
check: lint
	$(GO) test -count=1 -run TestDependencyRules ./core/

## plugins: build every first-party and example plugin to .wasm
plugins:
	@mkdir -p $(DIST) bin
	@$(GO) build -o bin/affcore-tool .
	@bin/affcore-tool plugin keygen --key $(PLUGIN_KEY) >/dev/null
	@set -e; for d in $(PLUGIN_DIRS); do \
		n=$$(basename $$d); \
		GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared -trimpath -o $(DIST)/$$n.wasm ./$$d; \
		bin/affcore-tool plugin bundle --manifest $$d/manifest.json --wasm $(DIST)/$$n.wasm --key $(PLUGIN_KEY) -o $(DIST)/$$n.affplug; \
	done

## bench: print the performance figures
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2s ./core/...
	$(GO) test -run '^$$' -bench 'NoopCall|ClickScore|CompileFromCache' -benchtime 2s ./hosts/wasm/
	$(GO) test -run '^$$' -bench 'InProcess' -benchtime 2s ./plugins/clickscore/score/
	$(GO) test -run '^$$' -bench 'MemoryFlat' -benchtime 1000000x ./hosts/wasm/
	$(GO) test -run '^$$' -bench 'RemoteCall' -benchtime 5000x ./hosts/bus/
	cd pdk/go && $(GO) test -run '^$$' -bench Codec ./hook/

## system-deps: PostgreSQL server binaries for the private cluster
system-deps:
	@if [ -n "$$DATABASE_URL" ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "installing PostgreSQL server binaries (apt-get install postgresql)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	else \
		echo "PostgreSQL server binaries are missing: run 'sudo apt-get install postgresql' (or set DATABASE_URL)"; exit 1; \
	fi

clean:
	rm -rf bin
