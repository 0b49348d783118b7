#!/usr/bin/env bash
# make demo: the main job on the embedded local cluster, as a user runs it: the image (built once,
# cached), then init a values repo → validate → render → check → deploy every runlevel → status,
# each a `docker run` of the tag the repo pins (bin/runlevel-docker picks it and mounts the repo).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runlevel() { "$root/bin/runlevel" "$@"; }
in_image() { "$root/bin/runlevel-docker" "$@"; }
export PATH=$root/.tools/bin:$PATH
state=${RUNLEVEL_STATE_DIR:-$root/.runlevel/demo}
work=$root/.runlevel/demo-work
values=$work/runlevel-demo-values

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "0/7 the image: Docker engine, Debian base and runlevel image (each cached)"
engine_pid=$("$root/scripts/engine.sh" up)
DOCKER_HOST=$("$root/scripts/engine.sh" host)
export DOCKER_HOST
image=$("$root/scripts/image.sh")
docker image inspect "$image" --format '{{.RepoTags}} user {{.Config.User}}, {{.Size}} bytes unpacked, revision {{index .Config.Labels "org.opencontainers.image.revision"}}'

step "1/7 start the embedded local cluster (state: $state)"
runlevel cluster up --state-dir "$state"
export KUBECONFIG=$state/kubeconfig

step "2/7 runlevel init: a new values repo for cluster demo"
rm -rf "$values" "$HOME/.config/runlevel/age/runlevel-demo-values.key" # a re-run starts afresh
mkdir -p "$work"
runlevel init "$values" --cluster demo --environment dev --domain demo.127.0.0.1.nip.io
# The public half of the key make image signed with: bin/runlevel-docker then verifies the image
# (offline) before each run below.
version=$(node -p 'require(process.argv[1]).version' "$root/package.json")
signed=${XDG_CACHE_HOME:-$HOME/.cache}/runlevel/image/signed/runlevel-$version
install -m 0644 "$(node -p 'require(process.argv[1]).publicKey' "$signed/image.json")" "$values/cosign.pub"
git -C "$values" add cosign.pub
git -C "$values" -c user.name="runlevel demo" -c user.email=demo@localhost commit --no-verify -qm \
  "cosign.pub: the key the runlevel image is signed with"
cd "$values"

step "3/7 runlevel validate (docker run $image)"
in_image validate

step "4/7 runlevel template: every release, runlevel by runlevel"
in_image template --cluster demo --out "$work/rendered"
find "$work/rendered" -mindepth 2 -maxdepth 2 -type d | sed "s|$work/||" | sort | column -c 100

step "5/7 runlevel check: Kubernetes schemas and policies"
in_image check --cluster demo

step "6/7 runlevel deploy"
in_image deploy --cluster demo

step "7/7 runlevel status"
in_image status --cluster demo

printf '\n== helm list -A\n'
helm list -A
printf '\n== objects\n'
kubectl get namespaces -l runlevel.dev/platform=true
kubectl get deployments,statefulsets -A -l app.kubernetes.io/managed-by=Helm

cat <<DONE

✔ demo done: every runlevel deployed on the embedded cluster by $image. It keeps running:
    export KUBECONFIG=$KUBECONFIG DOCKER_HOST=$DOCKER_HOST
    cd $values && $root/bin/runlevel-docker status --cluster demo
  stop it with: $root/bin/runlevel cluster down --state-dir $state
DONE
if [[ -n $engine_pid ]]; then
  echo "  and the Docker engine it started: $root/scripts/engine.sh down $engine_pid"
fi
