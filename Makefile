# affcore — build, run and test. Every target installs what it needs on a fresh
# Debian machine with Go (apt-get for system packages when running as root).

GO          ?= go
GOBIN       := $(shell $(GO) env GOPATH)/bin
BIN         := bin/affcore
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
RACE        ?= -race

.PHONY: all build run test test-go lint check plugins bench system-deps clean

all: build

## build: the one binary, bin/affcore
build:
	$(GO) build -o $(BIN) .

## run: the whole product on http://localhost:8080 with no configuration
run: system-deps build
	./$(BIN) serve

## test: lint, then every test (real PostgreSQL, NATS, WASM plugins, HTTP)
test: system-deps lint plugins test-go

test-go:
	$(GO) test $(RACE) -count=1 -timeout 30m ./...

## lint: formatting, vet and staticcheck
lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	@test -x $(GOBIN)/staticcheck || $(GO) install $(STATICCHECK)
	$(GOBIN)/staticcheck ./...

## check: lint plus the dependency-direction test
check: lint
	$(GO) test -count=1 -run TestDependencyRules ./core/

## plugins: build every first-party and example plugin to .wasm
plugins:
	@echo "plugins: none yet"

## bench: print the performance figures
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2s ./core/...
	@echo "outgoing postbacks: deliveries/s to one local receiver; commission event to first attempt (p50/p99) at 2,000/s"
	$(GO) test -run '^$$' -bench 'Delivery_' -benchtime 20000x ./core/delivery/
	$(GO) test -run '^$$' -bench . -benchtime 1s ./plugins/postback/format/

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
