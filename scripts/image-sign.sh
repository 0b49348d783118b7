#!/usr/bin/env bash
# make image, second half: an SPDX SBOM of the image (syft) and a cosign signature plus SBOM
# attestation, saved as an OCI layout that bin/runlevel-docker and the bundle verify against. cosign
# signs a registry manifest digest, which a local image does not have (cosign#596, #3832), so, as
# rules_oci does, the image goes through an ephemeral registry on 127.0.0.1 and nothing else: no
# transparency log, no TUF, no update check. Cached by image id and public key.
#
#   scripts/image-sign.sh TAG VERSION    (DOCKER_HOST set by the caller; reports on stderr)
#
# The key: RUNLEVEL_SIGNING_KEY (a cosign.key, its password in COSIGN_PASSWORD; the public key is
# the cosign.pub beside it, else derived), else this machine's development key, made once at
# ${XDG_CONFIG_HOME:-~/.config}/runlevel/signing/cosign.{key,pub} with an empty password.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tag=${1:?usage: image-sign.sh TAG VERSION} version=${2:?usage: image-sign.sh TAG VERSION}
signed=${XDG_CACHE_HOME:-$HOME/.cache}/runlevel/image/signed
layout=$signed/runlevel-$version
start=$SECONDS

fail() { echo "✗ image sign: $1" >&2; [[ -n ${2:-} ]] && echo "hint: $2" >&2; exit 1; }
for t in cosign syft; do
  [[ -x .tools/bin/$t ]] || fail ".tools/bin/$t is missing" "run make tools"
done
cosign=$root/.tools/bin/cosign syft=$root/.tools/bin/syft
# Nothing of sigstore's public infrastructure (signing with a key and --tlog-upload=false asks
# neither Rekor nor TUF; traced: connects go to the ephemeral registry only), no update check.
export TUF_ROOT=$signed/.sigstore SYFT_CHECK_FOR_APP_UPDATE=false

mkdir -p "$signed"
if [[ -n ${RUNLEVEL_SIGNING_KEY:-} ]]; then
  key=$(realpath "$RUNLEVEL_SIGNING_KEY" 2>/dev/null) && [[ -f $key ]] ||
    fail "RUNLEVEL_SIGNING_KEY names $RUNLEVEL_SIGNING_KEY, which is not a file" \
      "point it at a cosign private key (cosign generate-key-pair), its password in COSIGN_PASSWORD"
  pub=${key%.key}.pub
  if [[ ! -f $pub ]]; then
    pub=$signed/keys/$(sha256sum <"$key" | cut -c1-16).pub
    mkdir -p "$signed/keys"
    [[ -f $pub ]] || "$cosign" public-key --key "$key" --outfile "$pub" >/dev/null ||
      fail "cosign could not read $key (is COSIGN_PASSWORD its password?)"
  fi
  which="RUNLEVEL_SIGNING_KEY ($key)"
else
  keys=${XDG_CONFIG_HOME:-$HOME/.config}/runlevel/signing
  key=$keys/cosign.key pub=$keys/cosign.pub
  if [[ ! -f $key || ! -f $pub ]]; then
    echo "► image sign: creating this machine's development key pair in $keys" >&2
    mkdir -p "$keys" && chmod 700 "$keys"
    rm -f "$key" "$pub"
    (cd "$keys" && COSIGN_PASSWORD='' "$cosign" generate-key-pair >/dev/null 2>&1) ||
      fail "cosign generate-key-pair failed in $keys"
    chmod 600 "$key" "$pub"
  fi
  export COSIGN_PASSWORD=''
  which="the development key $key (set RUNLEVEL_SIGNING_KEY to sign with a release key)"
fi
pub_sum=$(sha256sum <"$pub" | cut -d' ' -f1)
id=$(docker image inspect "$tag" --format '{{.Id}}')

# One signer per layout at a time: two checkouts may run make image for the same version.
exec 9>"$signed/.lock"
flock 9

# Cached: the layout was made for this very image with this very key.
if [[ -f $layout/index.json && -f $layout/runlevel-$version.spdx.json ]] &&
  node -e 'const j=require(process.argv[1]);process.exit(j.configDigest===process.argv[2]&&j.publicKeySha256===process.argv[3]?0:1)' \
    "$layout/image.json" "$id" "$pub_sum" 2>/dev/null; then
  echo "✔ image $tag is signed (layout $layout, key $pub)" >&2
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/runlevel-sign.XXXXXX")
reg_pid=''
cleanup() {
  [[ -n $reg_pid ]] && scripts/registry.sh down "$reg_pid"
  rm -rf "$work" "$signed/.runlevel-$version.tmp"
}
trap cleanup EXIT
echo "► image sign: $tag with $which" >&2
# The registry is started and stopped here, its storage kept: a push then sends only the layers
# that changed (a core change: one layer, not the ~200 MB of base, tools and node_modules).
# Past 4 GB it starts afresh.
storage=$signed/.registry
[[ -d $storage/data && $(du -sm "$storage/data" | cut -f1) -gt 4096 ]] && rm -rf "$storage"
read -r reg_pid reg_port < <(scripts/registry.sh up "$storage")
reg=127.0.0.1:$reg_port
# By id: another checkout may re-tag the shared tag meanwhile; what is pushed is what is recorded.
docker tag "$id" "$reg/runlevel:$version"
t0=$SECONDS
docker push "$reg/runlevel:$version" >"$work/push.log" 2>&1 || { cat "$work/push.log" >&2; fail "docker push to the ephemeral registry $reg failed"; }
digest=$(sed -n 's/.*digest: \(sha256:[0-9a-f]\{64\}\).*/\1/p' "$work/push.log" | tail -n 1)
[[ -n $digest ]] || fail "docker push printed no digest (its log: $work/push.log)"
ref=$reg/runlevel@$digest
# Only the reference goes (and its digest with it): the image keeps its own tag.
docker rmi "$reg/runlevel:$version" >/dev/null

t1=$SECONDS
sbom=$work/runlevel-$version.spdx.json
quiet() { "$@" >"$work/tool.log" 2>&1 || { tail -n 20 "$work/tool.log" >&2; fail "$(basename "$1") $2 failed"; }; }
SYFT_REGISTRY_INSECURE_USE_HTTP=true quiet "$syft" scan "registry:$ref" --quiet \
  --source-name runlevel --source-version "$version" -o "spdx-json=$sbom"
t2=$SECONDS
# Signatures of an earlier run (another key, say) must not come along into the layout.
quiet "$cosign" clean --type all --force "$ref"
quiet "$cosign" sign --key "$key" --tlog-upload=false --yes "$ref"
quiet "$cosign" attest --key "$key" --type spdxjson --predicate "$sbom" --tlog-upload=false --yes "$ref"
tmp=$signed/.runlevel-$version.tmp
rm -rf "$tmp"
quiet "$cosign" save --dir "$tmp" "$ref"
mv "$sbom" "$tmp/"
node -e '
  const [tag, digest, configDigest, publicKey, publicKeySha256, file] = process.argv.slice(1);
  const j = { tag, digest, configDigest, publicKey, publicKeySha256, sbom: require("node:path").basename(file) };
  require("node:fs").writeFileSync(process.argv.at(-1), `${JSON.stringify(j, null, 2)}\n`);
' "$tag" "$digest" "$id" "$pub" "$pub_sum" "$tmp/runlevel-$version.spdx.json" "$tmp/image.json"
rm -rf "$layout" && mv "$tmp" "$layout"

packages=$(node -p 'require(process.argv[1]).packages.length' "$layout/runlevel-$version.spdx.json")
echo "✔ image $tag signed in $((SECONDS - start))s (push $((t1 - t0))s, SBOM $((t2 - t1))s, sign, attest and save $((SECONDS - t2))s) with $which:" >&2
echo "    $layout/  OCI layout: image $digest, signature, SBOM attestation" >&2
echo "    $layout/runlevel-$version.spdx.json  SPDX SBOM, $packages packages" >&2
echo "    $layout/image.json  tag, digest, configDigest $id, publicKey $pub" >&2
