# runlevel image (minimal until the image issue): the pinned toolchain is built from the same
# tools/pins.env and tools/go modules as `make tools`, the core is compiled TypeScript.
FROM golang:1.26-bookworm AS tools
WORKDIR /src
COPY tools/ tools/
RUN RUNLEVEL_TOOLS_CACHE=/cache bash tools/build.sh && \
    mkdir -p /out/bin && cp -L .tools/bin/* /out/bin/ && cp -rL .tools/helm-plugins /out/helm-plugins

FROM node:20-bookworm-slim AS core
WORKDIR /opt/runlevel
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY core/ core/
RUN npm install --no-save typescript@5.9 @types/node@20 && npx tsc -p tsconfig.json

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends git openssl ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/runlevel
COPY --from=tools /out/bin/ /opt/runlevel/.tools/bin/
COPY --from=tools /out/helm-plugins/ /opt/runlevel/.tools/helm-plugins/
COPY --from=core /opt/runlevel/node_modules/ node_modules/
COPY --from=core /opt/runlevel/dist/ dist/
COPY package.json ./
COPY tools/pins.env tools/pins.env
COPY bin/ bin/
COPY charts/ charts/
COPY helmfile.d/ helmfile.d/
COPY schemas/ schemas/
COPY policies/ policies/
COPY values-template/ values-template/
ENV RUNLEVEL_IN_IMAGE=true PATH=/opt/runlevel/.tools/bin:$PATH
USER 65532:65532
ENTRYPOINT ["/opt/runlevel/bin/runlevel"]
