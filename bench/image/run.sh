#!/usr/bin/env bash
# The image against its budgets (issue 13): compressed size and what each layer holds,
# `docker run --rm IMAGE version` warm, and a no-op deploy in the container against the same
# no-op with bin/runlevel on the host, on a local cluster of its own. Prints a Markdown section
# for docs/benchmarks.md. Needs `make image` (it builds the image when missing).
#   bench/image/run.sh [--runs N]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
runs=5
[[ ${1:-} == --runs ]] && runs=$2
export PATH=$root/.tools/bin:$PATH

engine_pid=$(scripts/engine.sh up)
DOCKER_HOST=$(scripts/engine.sh host)
export DOCKER_HOST
state=$root/.runlevel/bench-image
work=$(mktemp -d "${TMPDIR:-/tmp}/runlevel-bench-image.XXXXXX")
cleanup() {
  bin/runlevel cluster down --state-dir "$state" --purge >/dev/null 2>&1 || true
  rm -rf "$work" "$HOME/.config/runlevel/age/bench-values.key"
  if [[ -n $engine_pid ]]; then scripts/engine.sh down "$engine_pid"; fi
}
trap cleanup EXIT

image=$(scripts/image.sh)

mb() { awk -v b="$1" 'BEGIN { printf (b < 1e6 ? "%.2f MB" : "%.0f MB"), b / 1e6 }'; }

# median of the wall seconds of a command run $runs times (output discarded)
median() {
  local times=() t0 t1
  for _ in $(seq "$runs"); do
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || { echo "✗ bench: failed: $*" >&2; "$@" >&2 || true; exit 1; }
    t1=$(date +%s.%N)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}

# --- size: the image as `docker save` holds it, each layer gzipped as a registry stores it
docker save "$image" -o "$work/image.tar"
mkdir "$work/layers" && tar -xf "$work/image.tar" -C "$work/layers"
total_gz=0
rows=()
while read -r layer; do
  raw=$(stat -c %s "$work/layers/$layer")
  gz=$(gzip -6 -c "$work/layers/$layer" | wc -c)
  total_gz=$((total_gz + gz))
  what=$(tar -tf "$work/layers/$layer" | awk -F/ '
    $1 == "opt" && NF >= 3 && $3 != "" { print "/opt/runlevel/" $3; next }
    $1 == "." && $2 == "usr" { print "Debian base (trixie: nodejs, tini, git, ca-certificates)"; exit }
    $1 == "values" { print "/values (WORKDIR)"; exit }' | sort -u | paste -sd ' ' || true)
  rows+=("| ${what:-metadata} | $(mb "$raw") | $(mb "$gz") |")
done < <(python3 -c 'import json,sys; [print(l) for l in json.load(open(sys.argv[1]))[0]["Layers"]]' "$work/layers/manifest.json")
unpacked=$(docker image inspect "$image" --format '{{.Size}}')

# --- start: `docker run --rm IMAGE version`, warm (the first run is thrown away)
docker run --rm --read-only "$image" version >/dev/null
start=$(median docker run --rm --read-only "$image" version)
host_version=$(median bin/runlevel version)

# --- no-op deploy: the same values repo, deployed once, then deployed again with nothing changed
bin/runlevel cluster up --state-dir "$state" >/dev/null
kubeconfig=$state/kubeconfig
bin/runlevel init "$work/bench-values" --cluster dev --domain dev.example.com >/dev/null
bin/runlevel deploy --values "$work/bench-values" --cluster dev --kubeconfig "$kubeconfig" >/dev/null 2>&1
# Host and container take turns, so a change in the machine's load touches both alike.
host_runs=() docker_runs=()
for _ in $(seq "$runs"); do
  host_runs+=("$(runs=1 median bin/runlevel deploy --values "$work/bench-values" --cluster dev --kubeconfig "$kubeconfig")")
  docker_runs+=("$(runs=1 median env KUBECONFIG="$kubeconfig" bin/runlevel-docker deploy --values "$work/bench-values" --cluster dev)")
done
middle() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
host_noop=$(middle "${host_runs[@]}")
docker_noop=$(middle "${docker_runs[@]}")
ratio=$(awk -v a="$docker_noop" -v b="$host_noop" 'BEGIN { printf "%.2f", a / b }')

cat <<MD
<!-- image:start (written by bench/image/run.sh; do not edit by hand) -->
## image

\`$image\` ($(docker image inspect "$image" --format '{{index .Config.Labels "org.opencontainers.image.revision"}}')), median of $runs runs, $(nproc) CPUs, load average $(cut -d' ' -f1 /proc/loadavg) at the end, $(date -u +%F).

| | measured | budget |
|---|---:|---:|
| compressed (every layer gzipped, as a registry stores it) | $(mb "$total_gz") | ≤ 200 MB and ≤ 1 GiB ÷ 5 |
| unpacked | $(mb "$unpacked") | |
| \`docker run --rm --read-only IMAGE version\`, warm | ${start} s | < 1 s |
| \`bin/runlevel version\` on the host, for scale | ${host_version} s | |
| no-op deploy, \`bin/runlevel-docker deploy\` (container) | ${docker_noop} s | ≤ 1.3 × host |
| no-op deploy, \`bin/runlevel deploy\` (host) | ${host_noop} s | |
| container ÷ host | ${ratio}× | ≤ 1.3× |

Layers, bottom up:

| holds | unpacked | gzipped |
|---|---:|---:|
$(printf '%s\n' "${rows[@]}")

Reproduce: \`bench/image/run.sh --runs $runs\`
<!-- image:end -->
MD
