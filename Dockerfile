# syntax=docker/dockerfile:1
# The function's runtime image. hack/image builds the same image without
# Docker (used by `make xpkg`); this file is for users who have Docker:
#
#   docker buildx build --platform linux/amd64,linux/arm64 \
#     --build-arg VERSION=v0.1.0 -t function-space-scaling:v0.1.0 .

ARG GO_VERSION=1.26

# The builder runs natively and cross-compiles for the target platform.
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
ENV CGO_ENABLED=0
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH:-amd64} \
    go build -trimpath -tags grpcnotrace -ldflags="-s -w" -o /out/function .

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=v0.0.0-dev
LABEL org.opencontainers.image.title="function-space-scaling" \
      org.opencontainers.image.description="Crossplane composition function that makes an Upbound Space production-ready." \
      org.opencontainers.image.source="https://github.com/crossplane-contrib/function-space-scaling" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build --chown=65532:65532 /out/function /usr/local/bin/function
EXPOSE 9443
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/function"]
