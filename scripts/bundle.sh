#!/usr/bin/env bash
# bin/runlevel runs one bundle of the compiled core and its packages (dist/bundle), not ~400
# modules: Node resolving, reading and compiling each module cost 0.3–0.4 s of every command's start
# (docs/benchmarks.md). esbuild only links what tsc compiled; the commands stay separate chunks,
# loaded when run. The tests import dist/core's modules; everything run through bin/runlevel
# (integration, e2e, image tiers) runs the bundle.
#   scripts/bundle.sh [ROOT]   ROOT/dist/core → ROOT/dist/bundle (default: this checkout; a test's
#                              copy of the core with node_modules beside it)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "${1:-$here}" && pwd)
rm -rf "$root/dist/bundle.partial"
# Packages written as CommonJS call require() for Node's own modules; an ES module has none.
(cd "$here" && npx esbuild "$root/dist/core/cli/main.js" --bundle --platform=node --format=esm --splitting \
  --target=node20 --outdir="$root/dist/bundle.partial" --log-level=warning \
  --banner:js="import { createRequire as runlevelRequire } from 'node:module'; const require = runlevelRequire(import.meta.url);")
rm -rf "$root/dist/bundle"
mv "$root/dist/bundle.partial" "$root/dist/bundle"
