#!/usr/bin/env bash
# make demo: the main job on the embedded local cluster, as a user runs it:
# init a values repo → validate → render → check → deploy every runlevel → status.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runlevel() { "$root/bin/runlevel" "$@"; }
export PATH=$root/.tools/bin:$PATH
state=${RUNLEVEL_STATE_DIR:-$root/.runlevel/demo}
work=$root/.runlevel/demo-work
values=$work/runlevel-demo-values

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1/7 start the embedded local cluster (state: $state)"
runlevel cluster up --state-dir "$state"
export KUBECONFIG=$state/kubeconfig

step "2/7 runlevel init: a new values repo for cluster demo"
rm -rf "$values" "$HOME/.config/runlevel/age/runlevel-demo-values.key" # a re-run starts afresh
mkdir -p "$work"
runlevel init "$values" --cluster demo --environment dev --domain demo.127.0.0.1.nip.io
cd "$values"

step "3/7 runlevel validate"
runlevel validate

step "4/7 runlevel template: every release, runlevel by runlevel"
runlevel template --cluster demo --out "$work/rendered"
find "$work/rendered" -mindepth 2 -maxdepth 2 -type d | sed "s|$work/||" | sort | column -c 100

step "5/7 runlevel check: Kubernetes schemas and policies"
runlevel check --cluster demo

step "6/7 runlevel deploy"
runlevel deploy --cluster demo

step "7/7 runlevel status"
runlevel status --cluster demo

printf '\n== helm list -A\n'
helm list -A
printf '\n== objects\n'
kubectl get namespaces -l runlevel.dev/platform=true
kubectl get deployments,statefulsets -A -l app.kubernetes.io/managed-by=Helm

cat <<DONE

✔ demo done: every runlevel deployed on the embedded cluster. It keeps running:
    export KUBECONFIG=$KUBECONFIG
    cd $values && $root/bin/runlevel status --cluster demo
  stop it with: $root/bin/runlevel cluster down --state-dir $state
DONE
