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

UI_STAMP    := web/ui/static/vendor/.stamp

.PHONY: all build run test test-go lint check plugins bench system-deps clean ui chromium geoip

all: build

## build: the one binary, bin/affcore (with the web UI's npm packages embedded
## and the public key of the plugin signing key, when make plugins made one)
build: ui
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

## run: the whole product on http://localhost:8080 with no configuration
run: system-deps plugins build geoip
	./$(BIN) serve

## test: lint, then every test (real PostgreSQL, NATS, WASM plugins, HTTP)
test: system-deps ui lint plugins test-go

test-go:
	$(GO) test $(RACE) -count=1 -timeout 30m ./...
	cd pdk/go && $(GO) test $(RACE) -count=1 ./...

## lint: formatting, vet and staticcheck (and no build output or other large files in git)
lint:
	@big=$$(git ls-files -z 2>/dev/null | xargs -0 -r du -k 2>/dev/null | awk '$$1 > 1024 {print $$2}'); \
	if [ -n "$$big" ]; then echo "tracked files over 1 MiB (build output?):"; echo "$$big"; exit 1; fi
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

## ui: the web UI's npm packages (web/ui/package-lock.json), copied into web/ui/static/vendor
ui: $(UI_STAMP)

$(UI_STAMP): web/ui/package.json web/ui/package-lock.json web/ui/vendor.sh
	@command -v npm >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then echo "installing npm (apt-get install nodejs npm)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; \
		else echo "npm is missing: run 'sudo apt-get install nodejs npm'"; exit 1; fi; }
	cd web/ui && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	web/ui/vendor.sh
	@touch $@

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
	$(GO) test -run '^$$' -bench 'Money' -benchtime 2s .
	$(GO) test -run '^$$' -bench . -benchtime 1s ./plugins/commission/...
	$(MAKE) --no-print-directory ui
	$(GO) test -run '^$$' -bench UI -benchtime 2s ./web/
	$(GO) test -run '^$$' -bench BenchmarkTrackingFigures -benchtime 1x -timeout 20m .
	@echo "outgoing postbacks: deliveries/s to one local receiver; commission event to first attempt (p50/p99) at 2,000/s"
	$(GO) test -run '^$$' -bench 'Delivery_' -benchtime 20000x ./core/delivery/
	$(GO) test -run '^$$' -bench . -benchtime 1s ./plugins/postback/format/
	$(GO) test -run '^$$' -bench 'NoopCall|ClickScore|CompileFromCache' -benchtime 2s ./hosts/wasm/
	$(GO) test -run '^$$' -bench 'InProcess' -benchtime 2s ./plugins/clickscore/score/
	$(GO) test -run '^$$' -bench 'MemoryFlat' -benchtime 1000000x ./hosts/wasm/
	$(GO) test -run '^$$' -bench 'RemoteCall' -benchtime 5000x ./hosts/bus/
	cd pdk/go && $(GO) test -run '^$$' -bench Codec ./hook/

## system-deps: PostgreSQL server binaries for the private cluster; Chromium for the browser tests
system-deps: chromium
	@if [ -n "$$DATABASE_URL" ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "installing PostgreSQL server binaries (apt-get install postgresql)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	else \
		echo "PostgreSQL server binaries are missing: run 'sudo apt-get install postgresql' (or set DATABASE_URL)"; exit 1; \
	fi

chromium:
	@if command -v chromium >/dev/null 2>&1 || [ -n "$$AFFCORE_CHROMIUM" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "installing Chromium for the browser tests (apt-get install chromium)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; \
	else \
		echo "Chromium is missing (browser tests): run 'sudo apt-get install chromium'"; exit 1; \
	fi

## geoip: the default GeoIP databases in data/geoip (gitignored), from the npm
## registry: @ip-location-db/geo-whois-asn-country-mmdb (country, CC BY 4.0) and
## @ip-location-db/asn (ASN ranges, CC BY 4.0; converted to MMDB). Operators can
## point AFFCORE_GEOIP_DB / AFFCORE_GEOIP_ASN_DB at GeoLite2/GeoIP2 files instead.
GEOIP_DIR := data/geoip

geoip: $(GEOIP_DIR)/country.mmdb $(GEOIP_DIR)/asn.mmdb

$(GEOIP_DIR)/country.mmdb:
	@if ! command -v npm >/dev/null 2>&1; then echo "npm not found: no GeoIP country database (install npm, or set AFFCORE_GEOIP_DB)"; exit 0; fi; \
	mkdir -p $(GEOIP_DIR) && tmp=$$(mktemp -d) && cd $$tmp && \
	npm pack --silent @ip-location-db/geo-whois-asn-country-mmdb >/dev/null && \
	tar xzf *.tgz package/geo-whois-asn-country.mmdb && mv package/geo-whois-asn-country.mmdb $(CURDIR)/$@ && \
	cd $(CURDIR) && rm -rf $$tmp && echo "geoip: $@"

$(GEOIP_DIR)/asn.mmdb:
	@if ! command -v npm >/dev/null 2>&1; then echo "npm not found: no GeoIP ASN database (install npm, or set AFFCORE_GEOIP_ASN_DB)"; exit 0; fi; \
	mkdir -p $(GEOIP_DIR) && tmp=$$(mktemp -d) && cd $$tmp && \
	npm pack --silent @ip-location-db/asn >/dev/null && tar xzf *.tgz package/asn-ipv4.csv package/asn-ipv6.csv && \
	cd $(CURDIR) && $(GO) run ./core/geo/internal/asn2mmdb -out $@ $$tmp/package/asn-ipv4.csv $$tmp/package/asn-ipv6.csv && \
	rm -rf $$tmp && echo "geoip: $@"

clean:
	rm -rf bin web/ui/static/vendor web/ui/node_modules
