# InstantTranscriber container image (CPU), built from the release tarball.
#
#   make image        # make dist, the base image, then this file (podman)
#   make test-image   # and an end-to-end run: upload -> completed -> webhook
#
# or by hand, with Docker or podman and a registry:
#
#   make dist model
#   docker build --build-arg VERSION=$(make -s print-version) -t instanttranscriber .
#
# The binary is not compiled in here: the first stage unpacks and checks the
# tarball `make dist` made, the one `make test-dist` runs on a minimal Debian.
# So the image holds the same tested binary, and its build needs no Go 1.26
# (which Debian bookworm does not package) and no compiler. Dockerfile.source
# compiles it inside the build instead. See docs/install.md. BASE is any Debian bookworm (or newer glibc) image; with
# no registry, scripts/container-base.sh makes one with debootstrap.

ARG BASE=docker.io/library/debian:bookworm-slim

FROM ${BASE} AS unpack
ARG VERSION
COPY dist/instanttranscriber-${VERSION}-linux-amd64.tar.gz dist/SHA256SUMS /tmp/dist/
RUN set -eu; \
    test -n "${VERSION}" || { echo "build with --build-arg VERSION=..." >&2; exit 1; }; \
    cd /tmp/dist; \
    grep " instanttranscriber-${VERSION}-linux-amd64.tar.gz\$" SHA256SUMS | sha256sum -c -; \
    tar xzf instanttranscriber-${VERSION}-linux-amd64.tar.gz; \
    mv instanttranscriber-${VERSION}-linux-amd64 /opt/instanttranscriber; \
    cd /opt/instanttranscriber; \
    sha256sum --quiet -c SHA256SUMS
# The default model (and the optional Silero VAD model), from `make model`:
# .dockerignore lets only these two files into the build context.
COPY models/ /opt/instanttranscriber/models/

FROM ${BASE}
# curl runs the healthcheck; ca-certificates verifies https callbacks and URL
# imports. The debootstrap base has both; a slim image gets them here.
RUN set -eu; \
    if ! command -v curl >/dev/null || [ ! -e /etc/ssl/certs/ca-certificates.crt ]; then \
      apt-get update; \
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates curl; \
      rm -rf /var/lib/apt/lists/*; \
    fi; \
    useradd --uid 10001 --user-group --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin instanttranscriber; \
    install -d -m 0700 -o 10001 -g 10001 /data
COPY --from=unpack /opt/instanttranscriber /opt/instanttranscriber
RUN ln -s /opt/instanttranscriber/instanttranscriber /usr/local/bin/instanttranscriber

# The database and the audio live in /data (mount a volume there). Relative
# paths such as the default engine.model_path resolve against WORKDIR.
ENV INSTANTTRANSCRIBER_DATA_DIR=/data \
    INSTANTTRANSCRIBER_SERVER_ADDR=:8080
WORKDIR /opt/instanttranscriber
USER 10001:10001
VOLUME /data
EXPOSE 8080
# /readyz: 200 once the model is loaded and the store commits a write, on
# the port of INSTANTTRANSCRIBER_SERVER_ADDR. Podman keeps HEALTHCHECK only in
# the docker image format (podman build --format docker).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${INSTANTTRANSCRIBER_SERVER_ADDR##*:}/readyz" || exit 1
# The server stops on SIGTERM: jobs in flight get worker.shutdown_grace (30s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["instanttranscriber"]
CMD ["serve"]
LABEL org.opencontainers.image.title="InstantTranscriber" \
      org.opencontainers.image.description="Self-hosted transcription API (whisper.cpp, CPU)" \
      org.opencontainers.image.licenses="MIT"
