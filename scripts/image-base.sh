#!/usr/bin/env bash
# The image's base, made from Debian's packages: no container registry is reachable from our
# machines, so no FROM may pull. mmdebstrap builds a Debian root file system the way the official
# Debian images are made and `docker import` loads it. The tag is a digest of the recipe (suite,
# packages, what is left out), so a base is built once and reused until the recipe changes.
# Prints the tag. Needs DOCKER_HOST pointing at a running engine (scripts/engine.sh).
#   RUNLEVEL_BASE_SUITE     Debian suite (default trixie: nodejs 20.19; bookworm's 18 is too old)
#   RUNLEVEL_DEBIAN_MIRROR  Debian archive (default http://deb.debian.org/debian)
#   RUNLEVEL_BASE_REFRESH=1 rebuild even when the tag exists (to take security updates)
set -euo pipefail

suite=${RUNLEVEL_BASE_SUITE:-trixie}
mirror=${RUNLEVEL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# node runs the core, tini is PID 1, git reads the values repo's commit for the deploy record,
# ca-certificates for API servers signed by a public CA.
packages=nodejs,tini,git,ca-certificates
# Documentation, manuals and translations: nothing in a container reads them (~60 MB).
excludes=('/usr/share/doc/*' '/usr/share/man/*' '/usr/share/info/*' '/usr/share/locale/*' '/usr/share/lintian/*')
# Perl's library (~50 MB): git depends on perl for its scripted commands (send-email, svn, ...);
# the core runs only git's built-in rev-parse and status, which never start perl. perl-base stays.
excludes+=('/usr/share/perl/*' '/usr/lib/x86_64-linux-gnu/perl/*' '/usr/lib/x86_64-linux-gnu/libperl.so*')
recipe="variant=essential suite=$suite packages=$packages excludes=${excludes[*]} format=1"
tag=runlevel-base:$suite-$(printf '%s' "$recipe" | sha256sum | cut -c1-12)

if [[ ${RUNLEVEL_BASE_REFRESH:-} != 1 ]] && docker image inspect "$tag" >/dev/null 2>&1; then
  echo "✔ base $tag (cached)" >&2
  echo "$tag"
  exit 0
fi

if ! command -v mmdebstrap >/dev/null; then
  echo "► base: installing mmdebstrap" >&2
  [[ $(id -u) == 0 ]] || { echo "✗ base: mmdebstrap is missing; install it (as root)" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/runlevel-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "► base: mmdebstrap $suite ($packages) from $mirror (about a minute)" >&2
start=$SECONDS
dpkgopts=()
for e in "${excludes[@]}"; do dpkgopts+=(--dpkgopt="path-exclude=$e"); done
# The security and updates suites are part of the same archive on deb.debian.org.
sources=("deb $mirror $suite main" "deb $mirror $suite-updates main")
[[ $mirror == http://deb.debian.org/debian ]] && sources+=("deb http://deb.debian.org/debian-security $suite-security main")
if ! mmdebstrap --quiet --variant=essential --include="$packages" "${dpkgopts[@]}" \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  "$suite" "$work/rootfs.tar" "${sources[@]}" >"$work/log" 2>&1; then
  echo "✗ base: mmdebstrap failed; is $mirror reachable and does $suite carry $packages? Its log ends:" >&2
  tail -n 40 "$work/log" >&2
  exit 1
fi
docker import --message "runlevel base: $recipe" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/bash"]' "$work/rootfs.tar" "$tag" >/dev/null
echo "✔ base $tag built in $((SECONDS - start))s" >&2
# Bases of older recipes go (an image still built on one keeps it until that image goes).
docker images runlevel-base --format '{{.Repository}}:{{.Tag}}' | grep -vxF "$tag" |
  xargs -r docker image rm >/dev/null 2>&1 || true
echo "$tag"
