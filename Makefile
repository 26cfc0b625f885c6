# InstantTranscriber build. `make run` and `make test` are the two commands a
# new user needs; everything they depend on is fetched and built here.

SHELL := /usr/bin/env bash
.DEFAULT_GOAL := build

# whisper.cpp: pinned to 1.9.1 (see scripts/fetch-whisper.sh).
WHISPER_CPP_DIR ?=
WHISPER_SRC     := $(if $(WHISPER_CPP_DIR),$(WHISPER_CPP_DIR),third_party/whisper.cpp)
GGML_NATIVE     ?= OFF
GGML_CUDA       ?= 0
CUDA_PATH       ?= /usr/local/cuda
# GGML_VULKAN=1: whisper.cpp's Vulkan backend (AMD, Intel, NVIDIA; docs/gpu.md).
# Its headers come from Debian sid, unpacked once into VULKAN_HEADERS_CACHE.
GGML_VULKAN     ?= 0
VULKAN_HEADERS_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/instanttranscriber/vulkan-headers
export VULKAN_HEADERS_CACHE
VARIANT         := cpu$(if $(filter ON on 1,$(GGML_NATIVE)),-native)$(if $(filter 1,$(GGML_CUDA)),-cuda)$(if $(filter 1,$(GGML_VULKAN)),-vulkan)
WHISPER_BUILD   := third_party/build/$(VARIANT)
WHISPER_LIB     := $(WHISPER_BUILD)/src/libwhisper.a
WHISPER_CLI     := $(WHISPER_BUILD)/bin/whisper-cli

# The model: `make model MODEL=base.en` for another one (scripts/models.tsv).
MODEL       ?= tiny-q8_0
MODELS_DIR  ?= models
MODEL_CACHE ?= ../shared/models
MODEL_FILE  := $(MODELS_DIR)/ggml-$(MODEL).bin
VAD_MODEL   ?= silero-v6.2.0

BIN     := bin/instanttranscriber
# The version has one source, the VERSION file: the binary (`version`), the
# served OpenAPI info.version and the `make dist` tarball name all take it.
# Builds that are not of a release commit say so: 0.2.0+g1a2b3c4[.dirty].
RELEASE  := $(shell cat VERSION)
GIT_REV  := $(shell git rev-parse --short HEAD 2>/dev/null)
GIT_TAG  := $(shell git describe --tags --exact-match 2>/dev/null)
GIT_DIRTY := $(shell git diff --quiet HEAD 2>/dev/null || echo .dirty)
VERSION ?= $(RELEASE)$(if $(filter v$(RELEASE),$(GIT_TAG)),,$(if $(GIT_REV),+g$(GIT_REV)$(GIT_DIRTY)))

# cgo flags for the whisper.cpp static libraries. The "whisper" build tag
# marks a build that went through this Makefile (see whisper_missing.go).
SRC_ABS   := $(abspath $(WHISPER_SRC))
BUILD_ABS := $(abspath $(WHISPER_BUILD))
CGO_CFLAGS  := -I$(SRC_ABS)/include -I$(SRC_ABS)/ggml/include
CGO_LDFLAGS := -L$(BUILD_ABS)/src -L$(BUILD_ABS)/ggml/src -lwhisper -lggml -lggml-cpu
ifeq ($(GGML_CUDA),1)
CGO_LDFLAGS += -L$(BUILD_ABS)/ggml/src/ggml-cuda -lggml-cuda -L$(CUDA_PATH)/lib64 -L$(CUDA_PATH)/lib64/stubs -lcudart -lcublas -lcublasLt -lcuda
endif
ifeq ($(GGML_VULKAN),1)
CGO_LDFLAGS += -L$(BUILD_ABS)/ggml/src/ggml-vulkan -lggml-vulkan -lvulkan
endif
CGO_LDFLAGS += -lggml-base -lstdc++ -lm -fopenmp
GO       := CGO_ENABLED=1 CGO_CFLAGS="$(CGO_CFLAGS)" CGO_LDFLAGS="$(CGO_LDFLAGS)" go
GOTAGS   := -tags whisper
LDFLAGS  := -X main.version=$(VERSION)

.PHONY: apidocs build whisper whisper-cli model run test chromium vet fuzz webhook-verifier openai-client bench-engine bench-api bench-webhook bench-diarization bench-memory clean distclean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

whisper: $(WHISPER_LIB) ## fetch and build whisper.cpp's static libraries (cached)

# Our patches (scripts/patch-whisper.sh) apply to the fetched tree; a tree
# given as WHISPER_CPP_DIR is used as it is (auto language detection then
# costs one more encoder pass).
$(WHISPER_LIB): scripts/patch-whisper.sh $(wildcard scripts/patches/*.patch)
ifeq ($(WHISPER_CPP_DIR),)
	scripts/fetch-whisper.sh $(WHISPER_SRC)
	scripts/patch-whisper.sh $(WHISPER_SRC)
endif
	scripts/build-whisper.sh $(WHISPER_SRC) $(WHISPER_BUILD) $(GGML_NATIVE) $(GGML_CUDA) $(GGML_VULKAN)

whisper-cli: $(WHISPER_CLI) ## build whisper.cpp's own CLI from the same tree (for benchmarks)

$(WHISPER_CLI): $(WHISPER_LIB)
	scripts/build-whisper.sh $(WHISPER_SRC) $(WHISPER_BUILD) $(GGML_NATIVE) $(GGML_CUDA) $(GGML_VULKAN) whisper-cli

model: ## place models/ggml-$(MODEL).bin and (optional) the VAD model, verified by SHA-1
	scripts/fetch-model.sh $(MODEL) $(MODELS_DIR) $(MODEL_CACHE)
	@scripts/fetch-model.sh $(VAD_MODEL) $(MODELS_DIR) $(MODEL_CACHE) || \
	  echo "make model: WARNING: the optional Silero VAD model ($(VAD_MODEL)) could not be fetched; engine.vad stays unusable and speaker labels use the energy detector" >&2

APIDOCS := web/apidocs/vendor/VERSION

apidocs: $(APIDOCS) ## vendor Swagger UI (npm swagger-ui-dist, pinned) for the API reference at /docs

$(APIDOCS): scripts/fetch-apidocs.sh
	@scripts/fetch-apidocs.sh web/apidocs/vendor || \
	  echo "make: WARNING: Swagger UI could not be fetched; /docs will point to /openapi.yaml instead" >&2

build: $(WHISPER_LIB) $(APIDOCS) ## build bin/instanttranscriber
	$(GO) build $(GOTAGS) -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

run: build model ## build everything, fetch the model and start the server on :8080
	$(BIN) serve --model $(MODEL_FILE)

vet: $(WHISPER_LIB) ## gofmt and go vet
	@unformatted=$$(find . -name '*.go' -not -path './third_party/*' | xargs gofmt -l); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet $(GOTAGS) ./...

webhook-verifier: scripts/webhookverify/node_modules ## install the standardwebhooks npm package the webhook tests verify against

scripts/webhookverify/node_modules: scripts/webhookverify/package-lock.json
	npm ci --silent --no-audit --no-fund --prefix scripts/webhookverify
	@touch $@

openai-client: scripts/openaiclient/node_modules ## install the openai npm package the OpenAI-compatibility test runs as a client

scripts/openaiclient/node_modules: scripts/openaiclient/package-lock.json
	npm ci --silent --no-audit --no-fund --prefix scripts/openaiclient
	@touch $@

chromium: ## install Debian's chromium, which the browser UI test drives (server/ui_test.go)
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	  { echo "installing chromium"; apt-get install -y -qq chromium >/dev/null || \
	    { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; }

test: build model vet webhook-verifier openai-client chromium ## the whole test suite, with the race detector, on the real model
	INSTANTTRANSCRIBER_TEST_MODEL=$(abspath $(MODEL_FILE)) \
	INSTANTTRANSCRIBER_TEST_BIN=$(abspath $(BIN)) \
	INSTANTTRANSCRIBER_TEST_VAD_MODEL=$(abspath $(MODELS_DIR)/ggml-$(VAD_MODEL).bin) \
	$(GO) test $(GOTAGS) -race -count=1 -p 1 ./...

# make test-vulkan: the Vulkan tests (build tag "vulkan") on Mesa's software
# Vulkan device, lavapipe, which ggml lists only with GGML_VK_VISIBLE_DEVICES
# (VK_VISIBLE_DEVICES picks another device). It builds the cpu-vulkan variant
# (cached) and needs no bin/: the root tests run the CLI in-process.
VK_VISIBLE_DEVICES ?= 0
VULKAN_TESTS       ?= Vulkan|PickDevice
.PHONY: test-vulkan
ifeq ($(GGML_VULKAN),1)
test-vulkan: $(WHISPER_LIB) model
	GGML_VK_VISIBLE_DEVICES=$(VK_VISIBLE_DEVICES) \
	INSTANTTRANSCRIBER_TEST_MODEL=$(abspath $(MODEL_FILE)) \
	$(GO) test -tags 'whisper vulkan' -count=1 -p 1 -v -timeout 60m -run '$(VULKAN_TESTS)' ./engine/ .
else
test-vulkan: ## build GGML_VULKAN=1 (cached) and run the Vulkan tests on lavapipe (docs/gpu.md)
	@$(MAKE) --no-print-directory test-vulkan GGML_VULKAN=1
endif

fuzz: $(WHISPER_LIB) ## run each fuzz target for FUZZTIME (default 30s)
	@for pkg in ./engine/audio ./engine/export ./server .; do \
	  for f in $$($(GO) test $(GOTAGS) -list '^Fuzz' $$pkg | grep ^Fuzz); do \
	    echo "== $$pkg $$f"; $(GO) test $(GOTAGS) -run '^$$' -fuzz "^$$f$$" -fuzztime $${FUZZTIME:-30s} $$pkg || exit 1; \
	  done; done

bench-engine: build whisper-cli model ## time transcribe against whisper-cli on a 60+ s clip
	scripts/bench-engine.py $(BIN) $(WHISPER_CLI) $(MODEL_FILE) $(BENCH_ARGS)

bench-api: ## load-test a running server's API (BENCH_API_ARGS="-url http://127.0.0.1:8080 -key itk_...")
	go run ./scripts/benchapi $(BENCH_API_ARGS)

bench-diarization: ## diarization DER, speaker count and cost on real voices from Debian packages (+ espeak-ng line; needs sox, espeak-ng)
	go run ./scripts/benchdiarize $(BENCH_DIARIZATION_ARGS)

bench-memory: build model ## peak RSS of transcribe on 1 h and 4 h of speech (needs sox; BENCH_MEMORY_MINUTES="60 240", BENCH_MEMORY_SECONDS=0 runs to the end)
	scripts/bench-memory.sh $(BIN) $(MODEL_FILE) $(BENCH_MEMORY_MINUTES)

bench-vocab: model ## WER and name hits on espeak-ng clips with rare names, with and without vocabulary (needs espeak-ng)
	$(GO) run $(GOTAGS) ./scripts/benchvocab -model $(MODEL_FILE) $(BENCH_VOCAB_ARGS)

bench-webhook: ## webhook deliveries/s to a loopback receiver, and terminal -> first attempt latency
	go run ./scripts/benchwebhook $(BENCH_WEBHOOK_ARGS)

.PHONY: bench-scaling
bench-scaling: build model ## PostgreSQL vs bbolt API figures, jobs/s with 1-3 worker nodes on one database, kill-to-rescue time (needs the postgresql package; BENCH_SCALING_QUICK=1 for a short run)
	$(STRESS_ENV) $(GO) test -tags 'whisper benchscaling' -count=1 -v -timeout 30m -run '^TestBenchScaling$$' .
	$(GO) test $(GOTAGS) -run XXX -bench Coordination -benchtime=1000x ./store/

.PHONY: bench
bench: build whisper-cli model ## all four benchmarks BENCH_RUNS times (default 3; BENCH_QUICK=1 for 1 short run), writes BENCHMARKS.md
	scripts/bench.sh $(BIN) $(WHISPER_CLI) $(MODEL_FILE)

# `make install`: the binary, the model and the VAD model, the example
# config as /etc/instanttranscriber/config.yaml (only when there is none; its
# model paths point at the installed models) and the systemd unit. /etc is
# written only with DESTDIR (staging, packages) or as root. Run `make build
# model` first, as yourself, then `sudo make install`. See docs/operations.md.
PREFIX     ?= /usr/local
DESTDIR    ?=
SYSCONFDIR ?= /etc
UNITDIR    ?= /etc/systemd/system
SHARE_DIR  := $(PREFIX)/share/instanttranscriber

.PHONY: install
install: ## install binary, models, config and systemd unit (PREFIX=/usr/local, DESTDIR=)
	@for f in $(BIN) $(MODEL_FILE); do \
	  [ -f $$f ] || { echo "install: $$f is missing; run make build model first" >&2; exit 1; }; done
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SHARE_DIR)/models
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/instanttranscriber
	install -m 0644 $(MODEL_FILE) $(DESTDIR)$(SHARE_DIR)/models/
	@if [ -f $(MODELS_DIR)/ggml-$(VAD_MODEL).bin ]; then \
	  echo install -m 0644 $(MODELS_DIR)/ggml-$(VAD_MODEL).bin $(DESTDIR)$(SHARE_DIR)/models/; \
	  install -m 0644 $(MODELS_DIR)/ggml-$(VAD_MODEL).bin $(DESTDIR)$(SHARE_DIR)/models/; fi
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" != 0 ]; then \
	  echo "install: not root and no DESTDIR: skipping $(SYSCONFDIR)/instanttranscriber/config.yaml and the systemd unit"; exit 0; fi; \
	set -e; \
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/instanttranscriber $(DESTDIR)$(UNITDIR); \
	if [ -e $(DESTDIR)$(SYSCONFDIR)/instanttranscriber/config.yaml ]; then \
	  echo "keeping $(DESTDIR)$(SYSCONFDIR)/instanttranscriber/config.yaml"; \
	else \
	  echo "installing $(DESTDIR)$(SYSCONFDIR)/instanttranscriber/config.yaml"; \
	  sed -e 's#^\(  model_path:\).*#\1 $(SHARE_DIR)/models/ggml-$(MODEL).bin#' \
	      -e 's#^\(  vad_model_path:\).*#\1 $(SHARE_DIR)/models/ggml-$(VAD_MODEL).bin#' \
	      config.example.yaml > $(DESTDIR)$(SYSCONFDIR)/instanttranscriber/config.yaml; \
	  chmod 0644 $(DESTDIR)$(SYSCONFDIR)/instanttranscriber/config.yaml; \
	fi; \
	echo "installing $(DESTDIR)$(UNITDIR)/instanttranscriber.service"; \
	sed -e 's#/usr/local/#$(PREFIX)/#g' -e 's#/etc/instanttranscriber/#$(SYSCONFDIR)/instanttranscriber/#g' \
	  deploy/instanttranscriber.service > $(DESTDIR)$(UNITDIR)/instanttranscriber.service; \
	chmod 0644 $(DESTDIR)$(UNITDIR)/instanttranscriber.service; \
	if [ -z "$(DESTDIR)" ]; then echo "next: systemctl daemon-reload && systemctl enable --now instanttranscriber"; fi

clean: ## remove the binary
	rm -rf bin

distclean: clean ## also remove third_party builds and models
	rm -rf third_party models

# Stress suites (stress/, build tag "stress"; not part of make test). They run
# the real binary. STRESS_SHORT=1 (or STRESS_ARGS=-short) is the CI size;
# STRESS_SEED replays a crash run, STRESS_JOBS and STRESS_KILLS size it.
STRESS_ENV := INSTANTTRANSCRIBER_TEST_MODEL=$(abspath $(MODEL_FILE)) INSTANTTRANSCRIBER_TEST_BIN=$(abspath $(BIN)) STRESS_STORE=$(STRESS_STORE)
.PHONY: test-crash test-outage test-stress
test-crash: build model ## SIGKILL the server 10+ times under load; check nothing is lost or duplicated
	$(STRESS_ENV) $(GO) test -tags 'whisper stress' -count=1 -v -timeout 60m -run '^TestCrashStress$$' $(STRESS_ARGS) ./stress/

test-outage: build model ## a 30 h webhook receiver outage on a compressed schedule, with a restart
	$(STRESS_ENV) $(GO) test -tags 'whisper stress' -count=1 -v -timeout 10m -run '^TestWebhookOutage$$' $(STRESS_ARGS) ./stress/

test-stress: test-crash test-outage test-load test-badinput test-security ## all stress suites

# STRESS_STORE=postgres runs any stress suite on a throwaway PostgreSQL
# cluster (store.driver: postgres) instead of the bbolt file.
.PHONY: test-stress-postgres
test-stress-postgres: ## the crash and outage suites with serve on PostgreSQL (needs the postgresql package)
	$(MAKE) test-crash test-outage STRESS_STORE=postgres

# STRESS_LOAD_N sizes test-load (default 1000; 200 with STRESS_SHORT=1).
.PHONY: test-load test-badinput test-security
test-load: build model ## 1,000 creates from 100 clients: 202 or 429 + Retry-After, all complete, peak RSS, goroutines back to baseline
	$(STRESS_ENV) $(GO) test -tags 'whisper stress' -count=1 -v -timeout 60m -run '^TestLoad$$' $(STRESS_ARGS) ./stress/

test-badinput: build model ## hostile uploads, forms, 10 GB URLs, slowloris, header floods: clean errors, no leaks
	$(STRESS_ENV) $(GO) test -tags 'whisper stress' -count=1 -v -timeout 15m -run '^TestBadInput$$' $(STRESS_ARGS) ./stress/

test-security: build model ## auth on every :id route, signed URLs (rotation, revoked keys), SSRF, path traversal, header limits, last admin key, secrets kept out of logs
	$(STRESS_ENV) $(GO) test -tags 'whisper stress' -count=1 -v -timeout 15m -run '^TestSecurity$$' $(STRESS_ARGS) ./stress/

# `make dist`: the release tarball for linux-amd64 (CPU build), with
# libstdc++, libgomp and libgcc linked statically so that it runs on a
# minimal Debian or Ubuntu with no compiler; only glibc stays shared.
# `make test-dist` proves it in a debootstrapped bookworm (docs/install.md).
DIST_DIR  ?= dist
DIST_NAME := instanttranscriber-$(VERSION)-linux-amd64
DIST_BIN  := $(DIST_DIR)/build/instanttranscriber
DIST_CGO_LDFLAGS := $(filter-out -lstdc++ -lm -fopenmp,$(CGO_LDFLAGS)) \
	-Wl,-Bstatic -lstdc++ -lgomp -Wl,-Bdynamic -static-libgcc -lm -lpthread -ldl

.PHONY: dist test-dist
dist: $(WHISPER_LIB) ## release tarball dist/instanttranscriber-VERSION-linux-amd64.tar.gz and dist/SHA256SUMS
	$(if $(filter 1,$(GGML_CUDA)),$(error make dist builds the CPU variant only; drop GGML_CUDA=1))
	CGO_ENABLED=1 CGO_CFLAGS="$(CGO_CFLAGS)" CGO_LDFLAGS="$(DIST_CGO_LDFLAGS)" \
	  go build $(GOTAGS) -trimpath -ldflags '$(LDFLAGS)' -o $(DIST_BIN) .
	scripts/dist.sh $(DIST_BIN) $(VERSION) $(WHISPER_SRC) $(DIST_DIR)

test-dist: dist model ## unpack the tarball in a minimal debootstrapped Debian bookworm; run version and transcribe there (root)
	scripts/test-dist.sh $(DIST_DIR)/$(DIST_NAME).tar.gz $(MODEL_FILE) testdata/jfk.wav

# The container image (CPU), built from the `make dist` tarball with podman;
# no registry needed (scripts/container-base.sh debootstraps the base).
# `make test-image` runs it: upload -> completed -> webhook received.
IMAGE ?= localhost/instanttranscriber

.PHONY: image image-source test-image print-version
print-version: ## print the version the build stamps (from VERSION)
	@echo $(VERSION)

image: dist model ## container image localhost/instanttranscriber:VERSION from the tarball (podman; root; docs/install.md)
	scripts/build-image.sh $(VERSION) $(IMAGE)

image-source: model ## the same image compiled inside the build (Dockerfile.source; minutes; CA_BUNDLE=FILE behind a TLS proxy)
	DOCKERFILE=Dockerfile.source scripts/build-image.sh $(VERSION) $(IMAGE)

test-image: image ## run the image with podman: first admin key from a secret, upload, completed, webhook received
	scripts/test-image.sh $(IMAGE):$(subst +,-,$(VERSION)) testdata/jfk.wav
