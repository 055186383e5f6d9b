# oamfix as a KRM function image, for `kpt fn eval --image` and kustomize
# `container:` functions. Build: docker build -t localhost/oamfix:dev .
# (with a registry part: kpt prefixes a bare name with its catalog's registry)
# (Not built in CI: there is no container engine there.)

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/oamfix ./cmd/oamfix

# Static binary, no shell, non-root. kustomize runs container functions
# with --user nobody and --network none: the binary needs neither root nor
# the network.
FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/oamfix /oamfix
USER nonroot:nonroot
ENTRYPOINT ["/oamfix", "fn"]
