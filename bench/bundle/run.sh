#!/usr/bin/env bash
# bundle create + push of the platform's images against what a user would do instead: `crane
# copy` of the same images one by one, registry to registry, in the same run on the same
# machine. Both sides are real registries (Debian's docker-registry on 127.0.0.1): a source
# holding stand-ins under the names the rendered platform uses (upstream is not reachable here),
# and two empty mirrors. Reports size, time, the time of a second push that sends nothing, and
# the ratios. Prints a Markdown section for docs/benchmarks.md.
#   bench/bundle/run.sh [--runs N] [--base-mb N] [--own-mb N]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
runs=3 base_mb=10 own_mb=20
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --base-mb) base_mb=$2; shift 2 ;;
    --own-mb) own_mb=$2; shift 2 ;;
    *) echo "usage: bench/bundle/run.sh [--runs N] [--base-mb N] [--own-mb N]" >&2; exit 2 ;;
  esac
done
export PATH=$root/.tools/bin:$PATH
for t in crane cosign; do command -v "$t" >/dev/null || { echo "✗ bench: $t is missing; run make tools" >&2; exit 1; }; done

work=$(mktemp -d "${TMPDIR:-/tmp}/runlevel-bench-bundle.XXXXXX")
cleanup() {
  # Every registry this run started, by PID (registry() runs in a subshell: the PIDs go to a file).
  [[ -f $work/pids ]] && while read -r p; do scripts/registry.sh down "$p"; done <"$work/pids"
  rm -rf "$work" "$HOME/.config/runlevel/age/bench-bundle-values.key"
}
trap cleanup EXIT
registry() { # NAME → "PID PORT"; remembered for the clean-up
  local r; r=$(scripts/registry.sh up "$work/$1"); echo "${r% *}" >>"$work/pids"; echo "${r#* }"
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
middle() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.0f MB", b / 1e6 }'; }

# --- the platform's images: `runlevel images` when this core has it, else every image field of
# the rendered values-template cluster
bin/runlevel init "$work/bench-bundle-values" --cluster dev --domain dev.example.com >/dev/null 2>&1
if bin/runlevel images --help >/dev/null 2>&1; then
  bin/runlevel images --values "$work/bench-bundle-values" --cluster dev -o json |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);for(const i of (j.images??j))if(!i.core)console.log(i.source)})' >"$work/platform.txt"
else
  bin/runlevel template --values "$work/bench-bundle-values" --cluster dev 2>/dev/null |
    node --input-type=module -e '
      import { parseAllDocuments } from "yaml";
      let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
        const found = new Set();
        const walk = (v) => { if (Array.isArray(v)) v.forEach(walk); else if (v && typeof v === "object")
          for (const [k, x] of Object.entries(v)) { if (k === "image" && typeof x === "string") found.add(x); else walk(x); } };
        for (const d of parseAllDocuments(s)) walk(d.toJS());
        console.log([...found].sort().join("\n"));
      });' >"$work/platform.txt"
fi
mapfile -t platform <"$work/platform.txt"
[[ ${#platform[@]} -gt 0 ]] || { echo "✗ bench: found no platform images" >&2; exit 1; }

# --- stand-ins in the source registry: every image a shared base layer and one of its own,
# random bytes (incompressible, as compressed layers are)
src=127.0.0.1:$(registry source)
head -c "$((base_mb * 1000000))" /dev/urandom >"$work/base" && tar -cf "$work/base.tar" -C "$work" base
refs=()
for i in "${!platform[@]}"; do
  name=${platform[$i]#*/}         # registry dropped: docker.io/library/nginx:1.27 → library/nginx:1.27
  name=${name%@*}
  [[ $name == *:* ]] || name=$name:latest
  head -c "$((own_mb * 1000000))" /dev/urandom >"$work/own$i" && tar -cf "$work/own$i.tar" -C "$work" "own$i"
  crane append -f "$work/base.tar" -f "$work/own$i.tar" -t "$src/$name" 2>/dev/null >/dev/null
  rm -f "$work/own$i" "$work/own$i.tar"
  refs+=("$src/$name")
done
printf '%s\n' "${refs[@]}" >"$work/images.txt"
(cd "$work" && COSIGN_PASSWORD='' cosign generate-key-pair >/dev/null 2>&1)

create_t=() push_t=() again_t=() copy_t=() copy_again_t=()
for run in $(seq "$runs"); do
  # runlevel: create the file, push it into an empty mirror, push it again
  rm -f "$work/platform.bundle.tar"
  t=$(now)
  COSIGN_PASSWORD='' bin/runlevel bundle create --images "$work/images.txt" --without-core \
    --key "$work/cosign.key" --out "$work/platform.bundle.tar" >/dev/null 2>"$work/create.log" ||
    { cat "$work/create.log" >&2; exit 1; }
  create_t+=("$(since "$t")")
  mirror=127.0.0.1:$(registry "mirror-$run")
  t=$(now)
  bin/runlevel bundle push "$work/platform.bundle.tar" --to "$mirror" --public-key "$work/cosign.pub" >/dev/null 2>"$work/push.log" ||
    { cat "$work/push.log" >&2; exit 1; }
  push_t+=("$(since "$t")")
  t=$(now)
  bin/runlevel bundle push "$work/platform.bundle.tar" --to "$mirror" --public-key "$work/cosign.pub" -o json >"$work/again.json" 2>/dev/null
  again_t+=("$(since "$t")")
  sent_again=$(node -e 'const r=require(process.argv[1]);console.log(r.images.reduce((n,i)=>n+i.pushedBytes,0))' "$work/again.json")

  # crane copy, one image at a time, into another empty mirror; then again
  copies=127.0.0.1:$(registry "copy-$run")
  t=$(now)
  for ref in "${refs[@]}"; do crane copy "$ref" "$copies/${src/:/_}/${ref#*/}" 2>/dev/null; done
  copy_t+=("$(since "$t")")
  t=$(now)
  for ref in "${refs[@]}"; do crane copy "$ref" "$copies/${src/:/_}/${ref#*/}" 2>/dev/null; done
  copy_again_t+=("$(since "$t")")
done

size=$(stat -c %s "$work/platform.bundle.tar")
total=$(tar -xOf "$work/platform.bundle.tar" runlevel-bundle.json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).total))')
create=$(middle "${create_t[@]}") push=$(middle "${push_t[@]}") again=$(middle "${again_t[@]}")
copy=$(middle "${copy_t[@]}") copy_again=$(middle "${copy_again_t[@]}")
both=$(awk -v a="$create" -v b="$push" 'BEGIN { printf "%.2f", a + b }')

cat <<MD
<!-- bundle:start (written by bench/bundle/run.sh; do not edit by hand) -->
## bundle

The platform's ${#platform[@]} images ($(printf '`%s` ' "${platform[@]}" | sed 's/ $//')), as stand-ins of
the same names in a local source registry: each a shared ${base_mb} MB base layer and ${own_mb} MB of its own
(random bytes). Median of $runs runs, $(nproc) CPUs, load average $(cut -d' ' -f1 /proc/loadavg) at the end, $(date -u +%F).
Every push goes into an empty mirror (a new Debian docker-registry on 127.0.0.1 each run).

| | runlevel bundle | \`crane copy\` one by one | bundle ÷ crane |
|---|---:|---:|---:|
| bundle file (one tar, OCI layout; shared base once) | $(mb "$size") ($(mb "$total") of blobs) | – | |
| \`bundle create\` (pull + sign) | ${create} s | – | |
| \`bundle push\` into an empty mirror (verify + push + tag) | ${push} s | ${copy} s | $(ratio "$push" "$copy")× |
| create + push (what air-gapping costs end to end) | ${both} s | ${copy} s | $(ratio "$both" "$copy")× |
| second push, nothing to send ($(mb "$sent_again") sent) | ${again} s | ${copy_again} s | $(ratio "$again" "$copy_again")× |

\`crane copy\` needs one machine that reaches both registries; the bundle crosses an air gap as a
file and is verified (signature, every blob's sha256) before anything is pushed. The bundle's push
includes that verification: hashing $(mb "$total") with Node's crypto, and one \`crane\` process per
image for the push and one each to check and to confirm its digest.

Reproduce: \`bench/bundle/run.sh --runs $runs --base-mb $base_mb --own-mb $own_mb\`
<!-- bundle:end -->
MD
