#!/usr/bin/env bash
# make image: builds the top-level Dockerfile into runlevel:<core version>. Starts the engine when
# none answers (and stops exactly that one when done), builds the Debian base once per recipe,
# stages the tools `make tools` built and the production packages' manifests in .runlevel/image/, and
# skips the build when an image of that tag was built from the same inputs, then writes its SBOM and
# signs it (scripts/image-sign.sh, cached by image id). Prints the tag.
# Expects `make tools` and `make build` to have run (the Makefile's image target does both).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# The tools the core runs. The cluster's own binaries (kube-apiserver, etcd, kwok, ...) run on the
# host with `runlevel cluster up`; kubectl and the helm-diff plugin are run by no code of the core
# (its diff is its own), and would add 34 MB of the 200 MB compressed budget. crane is the registry
# protocol of `bundle push`, which runs in the image on the far side of an air gap (docs/airgap.md);
# cosign is not here: the image verifies with node's crypto, the host with the kit's cosign. helm
# is not here either: the helm engine (helm's SDK at the same pin) renders and releases, and it
# answers the one question helmfile asks helm (its version): 18.6 MB compressed less.
image_tools=(helm-engine helmfile kubeconform opa sops crane)
# RUNLEVEL_VERSION builds the same checkout as another core version (a canary's image in tests):
# only the package.json the image carries says so.
version=${RUNLEVEL_VERSION:-$(node -p 'require("./package.json").version')}
tag=${RUNLEVEL_IMAGE:-runlevel:$version}
stage=$root/.runlevel/image
cache=${XDG_CACHE_HOME:-$HOME/.cache}/runlevel/image
start=$SECONDS

started=$(scripts/engine.sh up)
[[ -n $started ]] && trap 'scripts/engine.sh down "$started"' EXIT
DOCKER_HOST=$(scripts/engine.sh host)
export DOCKER_HOST

for t in "${image_tools[@]}"; do
  [[ -x .tools/bin/$t ]] || { echo "✗ image: .tools/bin/$t is missing; run make tools" >&2; exit 1; }
done
[[ -f dist/bundle/main.js ]] || { echo "✗ image: dist/bundle is missing; run make build" >&2; exit 1; }

base=${BASE:-$(scripts/image-base.sh)}

# The production packages' manifests, once per lock file: the code of every package runs from the
# bundle (dist/bundle), so node_modules keeps only each package's package.json and licence, which
# name what the bundle holds (the SBOM's npm packages, scripts/image-sign.sh) and carry the licences
# it must. npm's cache serves it offline after `make deps`.
lock=$(cat package.json package-lock.json | sha256sum | cut -c1-12)
modules=$cache/node_modules-manifests-$lock
if [[ ! -f $modules/.complete ]]; then
  echo "► image: production package manifests ($lock)" >&2
  rm -rf "$modules.tmp" && mkdir -p "$modules.tmp"
  cp package.json package-lock.json "$modules.tmp/"
  (cd "$modules.tmp" && npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error >&2)
  rm -f "$modules.tmp/package.json" "$modules.tmp/package-lock.json"
  find "$modules.tmp/node_modules" -type f ! -name package.json ! -iname 'licen[cs]e*' ! -iname 'copying*' -delete
  find "$modules.tmp/node_modules" -depth -type d -empty -delete
  rm -rf "$modules" && mv "$modules.tmp" "$modules" && touch "$modules/.complete"
fi

# The stage: hard links where the file system allows (no copy of ~300 MB of tools), else copies.
link() { ln -f "$1" "$2" 2>/dev/null || cp "$1" "$2"; }
rm -rf "$stage/tools" "$stage/node_modules"
mkdir -p "$stage/tools/bin"
for t in "${image_tools[@]}"; do link "$(readlink -f ".tools/bin/$t")" "$stage/tools/bin/$t"; done
cp -al "$modules/node_modules" "$stage/node_modules" 2>/dev/null || cp -a "$modules/node_modules" "$stage/node_modules"
node -e 'const p = require("./package.json"); p.version = process.argv[1]; process.stdout.write(JSON.stringify(p, null, 2) + "\n")' \
  "$version" >"$stage/package.json"

# What the image is made of; the same digest means the same image, so the build is skipped.
inputs=$(
  {
    echo "base=$base lock=$lock"
    cat Dockerfile .dockerignore
    for t in "${image_tools[@]}"; do echo "$t=$(readlink -f ".tools/bin/$t")"; done
    find charts helmfile.d schemas policies values-template dist/bundle bin/runlevel bin/runlevel-docker \
      .runlevel/image/package.json tools/pins.env \
      -type f -print0 | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-16
)
if [[ $(docker image inspect "$tag" --format '{{index .Config.Labels "dev.runlevel.inputs"}}' 2>/dev/null) == "$inputs" ]]; then
  echo "✔ image $tag is up to date (inputs $inputs)" >&2
  scripts/image-sign.sh "$tag" "$version"
  echo "$tag"
  exit 0
fi

revision=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
[[ -n $(git status --porcelain 2>/dev/null) ]] && revision=$revision-dirty
# The source label is a URL from package.json's `repository` (a string or {url}), else no label:
# the clone's remote may be a local path, which means nothing to whoever pulls the image.
source_url=$(node -p 'const r = require("./package.json").repository; (typeof r === "string" ? r : r?.url ?? "").replace(/^git\+/, "")')
source_label=()
[[ $source_url =~ ^https?:// ]] && source_label=(--label "org.opencontainers.image.source=$source_url")
echo "► image: building $tag from $base" >&2
mkdir -p "$stage"
# The legacy builder: Debian's engine has BuildKit only through the buildx plugin, which our
# docker CLI lacks; the Dockerfile has no RUN step, so nothing is lost.
if ! DOCKER_BUILDKIT=0 docker build --network host --file Dockerfile \
  --build-arg "BASE=$base" --build-arg "VERSION=$version" --build-arg "REVISION=$revision" \
  --build-arg "CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${source_label[@]}" \
  --label "dev.runlevel.inputs=$inputs" --tag "$tag" . >"$stage/build.log" 2>&1; then
  echo "✗ image: docker build failed; the end of $stage/build.log:" >&2
  tail -n 20 "$stage/build.log" >&2
  exit 1
fi
size=$(docker image inspect "$tag" --format '{{.Size}}')
echo "✔ image $tag built in $((SECONDS - start))s ($((size / 1000000)) MB unpacked, inputs $inputs)" >&2
# The SBOM and the signature (scripts/image-sign.sh), cached by image id and key.
scripts/image-sign.sh "$tag" "$version"
echo "$tag"
