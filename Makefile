# ideenmarkt — the README's commands. `make run` and `make test` are the two
# that matter; everything else is a step of theirs.

GO      ?= go
BIN     := bin/ideenmarkt
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
NPM_ENV := PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

.PHONY: run build frontend go-build test test-go test-frontend test-e2e bench lint fmt clean

## run: build everything and start on the embedded default (SQLite + bleve under ./data)
run: build
	./$(BIN) demo
	./$(BIN) serve

## build: the frontend, then the binary that embeds it
build: frontend go-build

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && $(NPM_ENV) npm ci --no-audit --no-fund
	touch $@

frontend: frontend/node_modules/.installed
	cd frontend && npm run build

go-build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/ideenmarkt
	$(GO) build -trimpath -o bin/ideenmarkt-mailcatcher ./cmd/ideenmarkt-mailcatcher

## test: everything — lint, Go tests (SQLite, throwaway PostgreSQL, bleve), frontend checks, browser tests
test: lint test-go test-frontend test-e2e

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

test-go:
	$(GO) test -count=1 ./...

test-frontend: frontend/node_modules/.installed
	cd frontend && npm run check && npm run test:unit

test-e2e: build
	cd frontend && npm run test:e2e

## bench: Go benchmarks and the measurements recorded in docs/benchmarks.md, then the
## live-voting load runs: cmd/ideenmarkt-load starts the binary on SQLite and on a throwaway
## PostgreSQL (fsync on) for each number of phones and writes bench/results-<store>-<n>.json.
## 10,000 phones need about 10,200 file descriptors in the server and in the load generator
## each (Go raises the soft limit to the hard one): `ulimit -Hn` must be above that.
## Choose runs with e.g. `make bench LOAD_STORES=sqlite LOAD_VOTERS=450`.
bench: LOAD_STORES ?= sqlite postgres
bench: LOAD_VOTERS ?= 450 2000 10000
bench: build
	IDEENMARKT_BIN=$(CURDIR)/$(BIN) $(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) build -trimpath -o bin/ideenmarkt-load ./cmd/ideenmarkt-load
	@hard=$$(ulimit -Hn); if [ "$$hard" != unlimited ] && [ "$$hard" -lt 10300 ]; then \
		echo "warning: ulimit -Hn is $$hard; 10,000 phones need about 10,200 descriptors per process"; fi
	@mkdir -p bench; status=0; files=""; \
	for store in $(LOAD_STORES); do for n in $(LOAD_VOTERS); do \
		out=bench/results-$$store-$$n.json; rm -f $$out; \
		echo "== ideenmarkt-load -spawn ./$(BIN) -store $$store -voters $$n -out $$out"; \
		./bin/ideenmarkt-load -spawn ./$(BIN) -store $$store -voters $$n -out $$out || status=1; \
		[ -f $$out ] && files="$$files $$out"; \
	done; done; \
	if [ -n "$$files" ]; then ./bin/ideenmarkt-load -table $$files; fi; \
	exit $$status

clean:
	rm -rf bin frontend/node_modules/.installed frontend/test-results frontend/playwright-report
	find frontend/dist -mindepth 1 ! -name .keep -delete 2>/dev/null || true
