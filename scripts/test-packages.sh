#!/usr/bin/env bash
# The Debian packages the test tiers use beyond the machine's own: strace (the air-gap tests record
# every connect a command makes), docker-registry (the real registries of the bundle and image
# tests) and chromium (the browser tier drives it with puppeteer-core; no browser is downloaded).
# Installed when missing, as root; nothing happens when they are there.
set -euo pipefail
missing=()
command -v strace >/dev/null || missing+=(strace)
command -v docker-registry >/dev/null || missing+=(docker-registry)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ ${#missing[@]} -eq 0 ]] && exit 0
echo "► tests: installing Debian's ${missing[*]}" >&2
[[ $(id -u) == 0 ]] || { echo "✗ tests: ${missing[*]} missing; install them (as root)" >&2; exit 1; }
if [[ -z $(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 -print -quit 2>/dev/null) ]]; then
  apt-get update -qq >&2
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
