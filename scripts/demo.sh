#!/usr/bin/env bash
# make demo: the main job on the embedded local cluster, as a user would run it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runlevel=$root/bin/runlevel
export PATH=$root/.tools/bin:$PATH
state=${RUNLEVEL_STATE_DIR:-$root/.runlevel/demo}
work=$root/.runlevel/demo-work
mkdir -p "$work"

echo "► starting the embedded local cluster (state: $state)"
"$runlevel" cluster up --state-dir "$state"
export KUBECONFIG=$state/kubeconfig

# Until the values engine lands, the demo hands runlevel 90 a small values file directly.
cat >"$work/values.yaml" <<'VALUES'
teams:
  demo: { apps: [hello] }
apps:
  hello:
    enabled: true
    image: { repository: docker.io/library/nginx, tag: "1.27.3" }
    replicas: 2
    port: 8080
    resources: { requests: { cpu: 50m, memory: 64Mi }, limits: { cpu: 500m, memory: 256Mi } }
VALUES
chmod 600 "$work/values.yaml"

echo "► deploying runlevel 90-apps with helmfile"
HELM_PLUGINS=$root/.tools/helm-plugins helmfile -f "$root/helmfile.d/90-apps.yaml.gotmpl" \
  --state-values-file "$work/values.yaml" sync --skip-deps
kubectl -n team-demo rollout status deployment/demo-hello --timeout=120s

echo
echo "► helm list -A"
helm list -A
echo
echo "► objects in team-demo"
kubectl -n team-demo get deployments,replicasets,pods,services -o wide
echo
echo "✔ demo done. The cluster keeps running; use it with:"
echo "    export KUBECONFIG=$KUBECONFIG"
echo "  stop it with: bin/runlevel cluster down --state-dir $state"
