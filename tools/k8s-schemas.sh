#!/usr/bin/env bash
# make k8s-schemas: regenerates schemas/k8s/v<minor>/ from the pinned kube-apiserver's own
# OpenAPI document. Starts a throwaway etcd + kube-apiserver on free loopback ports, fetches
# /openapi/v2, stops both by PID, then converts the document into kubeconform-style per-kind
# strict JSON schemas (core/check/schemagen). Nothing is fetched from the internet.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=pins.env
source tools/pins.env
export PATH=$root/.tools/bin:$PATH

minor=${KUBERNETES#v}; minor=${minor%.*}          # v1.35.4 -> 1.35
out=${1:-$root/schemas/k8s/v$minor}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

for tool in etcd kube-apiserver openssl curl node; do
  command -v "$tool" >/dev/null || { echo "✗ k8s-schemas: $tool not found (make tools)" >&2; exit 1; }
done
[[ -f dist/core/check/schemagen/main.js ]] || { echo "✗ k8s-schemas: run \`make build\` first" >&2; exit 1; }

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
etcd_port=$(free_port); peer_port=$(free_port); api_port=$(free_port)

echo "► etcd on 127.0.0.1:$etcd_port"
etcd --name=schemas --data-dir="$work/etcd" \
  --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
  --listen-peer-urls="http://127.0.0.1:$peer_port" --initial-advertise-peer-urls="http://127.0.0.1:$peer_port" \
  --initial-cluster="schemas=http://127.0.0.1:$peer_port" --log-level=error >"$work/etcd.log" 2>&1 &
pids+=($!)

# A throwaway bearer token: anonymous requests are refused when the authorizer is AlwaysAllow.
token=$(openssl rand -hex 16)
echo "$token,schemas,schemas,system:masters" >"$work/tokens.csv"
# The service-account key pair is mandatory for the API server to start; it signs nothing here.
openssl genrsa -out "$work/sa.key" 2048 2>/dev/null
openssl rsa -in "$work/sa.key" -pubout -out "$work/sa.pub" 2>/dev/null

echo "► kube-apiserver $KUBERNETES on 127.0.0.1:$api_port"
kube-apiserver --etcd-servers="http://127.0.0.1:$etcd_port" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
  --cert-dir="$work/pki" --token-auth-file="$work/tokens.csv" --authorization-mode=AlwaysAllow \
  --service-account-issuer=https://kubernetes.default.svc --service-account-key-file="$work/sa.pub" \
  --service-account-signing-key-file="$work/sa.key" --service-cluster-ip-range=10.96.0.0/16 \
  --enable-priority-and-fairness=false --profiling=false >"$work/apiserver.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 120); do
  curl -ksf -m 5 -H "Authorization: Bearer $token" "https://127.0.0.1:$api_port/readyz" >/dev/null 2>&1 && break
  kill -0 "${pids[1]}" 2>/dev/null || { tail -20 "$work/apiserver.log" >&2; echo "✗ kube-apiserver exited" >&2; exit 1; }
  sleep 1
done
curl -ksf -m 5 -H "Authorization: Bearer $token" "https://127.0.0.1:$api_port/readyz" >/dev/null || { tail -20 "$work/apiserver.log" >&2; echo "✗ kube-apiserver not ready" >&2; exit 1; }

curl -ksf -m 60 -H "Authorization: Bearer $token" "https://127.0.0.1:$api_port/openapi/v2" -o "$work/openapi.json"
echo "✔ fetched /openapi/v2 ($(wc -c <"$work/openapi.json") bytes)"

node dist/core/check/schemagen/main.js --openapi "$work/openapi.json" --out "$out" --kubernetes "$KUBERNETES"
