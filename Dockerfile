# ideenmarkt image: node builds the frontend, go embeds it into one static
# binary, a slim Debian runs it as a non-root user.
#
#   docker build -t ideenmarkt .
#   docker run -p 8080:8080 -v ideenmarkt-data:/data ideenmarkt
#
# deploy/compose_test.go checks the outline of this file.

# --- frontend ---------------------------------------------------------------
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
# Manifests first, so the npm ci layer is reused until dependencies change.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- binary -----------------------------------------------------------------
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Replace the placeholder dist/ (.keep only, see .dockerignore) with the build.
COPY --from=frontend /src/frontend/dist/ ./frontend/dist/
# CGO off: modernc.org/sqlite is pure Go, so the binary needs no libc.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/ideenmarkt ./cmd/ideenmarkt

# --- runtime ----------------------------------------------------------------
FROM debian:bookworm-slim
# ca-certificates for outgoing TLS (e.g. a managed PostgreSQL or Meilisearch);
# tzdata so time.LoadLocation("Europe/Berlin") works.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/*
# A fixed uid, so volume permissions stay the same across image rebuilds.
RUN groupadd --gid 10001 ideenmarkt \
 && useradd --uid 10001 --gid 10001 --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin ideenmarkt \
 && mkdir -p /data \
 && chown 10001:10001 /data
COPY --from=build /out/ideenmarkt /usr/local/bin/ideenmarkt

ENV IDEENMARKT_DATA_DIR=/data \
    IDEENMARKT_HTTP_ADDR=:8080
# Declared after the chown: a new named volume copies /data's owner from here.
VOLUME ["/data"]
EXPOSE 8080
USER 10001:10001

# No curl in this image: the binary GETs its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/ideenmarkt", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/ideenmarkt"]
CMD ["serve"]
