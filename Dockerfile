# Multi-stage build: compile in the Rust image, run in a small Debian image as a
# non-root user. Mount your checks.toml at /etc/candor/checks.toml and a volume
# at /data.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY static ./static
COPY checks.toml ./
COPY tests ./tests
COPY benches ./benches
RUN cargo build --release --locked --bin candor \
    && sed -e 's/^listen = .*/listen = "0.0.0.0:8080"/' -e 's|^data_dir = .*|data_dir = "/data"|' \
        checks.toml > checks.docker.toml

FROM debian:bookworm-slim
# Versions follow the bookworm point releases (security fixes); pinning them would
# break the build at the next one.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data candor \
    && mkdir -p /data /etc/candor \
    && chown candor /data
COPY --from=build /src/target/release/candor /usr/local/bin/candor
COPY --from=build /src/checks.docker.toml /etc/candor/checks.toml
USER 10001
WORKDIR /data
ENV CANDOR_CONFIG=/etc/candor/checks.toml
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["curl", "-fsS", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["candor"]
CMD ["serve"]
