# The runlevel image: the core bundled with its packages (dist/bundle), the pinned tools it runs and
# the platform (charts, runlevels, schemas, policies, init templates). Built by `make image`
# (scripts/image.sh), which stages what it copies in .runlevel/image/: the tools `make tools`
# already built from tools/pins.env (never compiled a second time) and the production packages'
# manifests (package.json and licence of each: the SBOM's npm packages; their code is in the bundle). No FROM pulls from a registry: BASE is made from Debian's packages
# (scripts/image-base.sh). With a registry at hand any base carrying node >= 20.5, tini at
# /usr/bin/tini and git will do (README, "The image").
# Layers go from the least to the most often changed, so a change to the core rebuilds one layer.
ARG BASE=runlevel-base:missing
FROM ${BASE}

COPY .runlevel/image/tools/ /opt/runlevel/.tools/
COPY .runlevel/image/node_modules/ /opt/runlevel/node_modules/
COPY charts/ /opt/runlevel/charts/
COPY helmfile.d/ /opt/runlevel/helmfile.d/
COPY schemas/ /opt/runlevel/schemas/
COPY policies/ /opt/runlevel/policies/
COPY values-template/ /opt/runlevel/values-template/
COPY .runlevel/image/package.json /opt/runlevel/
COPY tools/pins.env /opt/runlevel/tools/
COPY bin/runlevel bin/runlevel-docker /opt/runlevel/bin/
COPY dist/bundle/ /opt/runlevel/dist/bundle/

# Nothing in the image is writable at run time (docker run --read-only): every path a tool might
# write to points at a directory that does not exist, so a write fails instead of landing in the
# image, and none of these tools needs one to work.
#  - HOME: git looks for ~/.gitconfig, kubectl for ~/.kube/cache (a discovery cache it can do without).
#  - GIT_CONFIG_*: the mounted values repo belongs to the user's uid, not 65532; git refuses to read
#    a repo owned by someone else unless told it is safe (we only read its commit).
#  - TMPDIR: check still hands kubeconform the render and the CRD schemas as files; /dev/shm is
#    the container's own in-memory tmpfs (there with --read-only too), so nothing reaches a disk.
#  - RUNLEVEL_AGE_KEY_DIR: where age keys are looked for (and where `init` writes a new one): the
#    user mounts their key directory there (README, "Run it the way users do").
ENV RUNLEVEL_IN_IMAGE=true \
    RUNLEVEL_AGE_KEY_DIR=/keys \
    TMPDIR=/dev/shm \
    PATH=/opt/runlevel/.tools/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/nonexistent \
    KUBECONFIG=/kube/config \
    GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory GIT_CONFIG_VALUE_0=* \
    NODE_ENV=production

USER 65532:65532
WORKDIR /values
# tini is PID 1: it reaps the tools' processes and hands SIGTERM (docker stop) to the core alone,
# which lets the release in flight finish, releases the deploy lock and exits 143.
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/bin/node", "/opt/runlevel/bin/runlevel"]
CMD ["--help"]

# Last, so a new revision or date changes no layer above. org.opencontainers.image.source is a
# URL or nothing: scripts/image.sh adds it with --label from package.json's `repository` when that
# names one (never the clone's remote, which may be a local path).
ARG VERSION=0.0.0 REVISION=unknown CREATED=unknown
LABEL org.opencontainers.image.title="runlevel" \
      org.opencontainers.image.description="A stateless, versioned Kubernetes platform core" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="Apache-2.0"
