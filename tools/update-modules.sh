#!/usr/bin/env bash
# Regenerates tools/go/<tool>/go.mod and go.sum from tools/pins.env.
# Run after changing a pin; commit the result. `make tools` only builds from the
# committed modules, so a build is reproducible and needs no checksum database.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=pins.env
source ./pins.env
export GOFLAGS=-mod=mod
# helm-diff's go.mod is not in the public checksum database (lookup answers 404);
# its hash is pinned by the go.sum committed here instead.
export GONOSUMDB=github.com/databus23/helm-diff

# module <tool> <go get args...>: fresh module that depends on the tool's main package(s).
module() {
  local tool=$1; shift
  local dir=go/$tool
  echo "► module $tool"
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$dir" && go mod init "runlevel.local/tools/$tool" >/dev/null 2>&1)
}

# replaces_from <module@version>: copy the upstream module's version-pinned replace lines,
# which `go install` refuses to honour but a tools module must repeat.
replaces_from() {
  local gomod
  gomod=$(go mod download -json "$1" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  awk '/^replace \($/{r=1;next} r&&/^\)/{r=0} r&&/=>/{print} /^replace [^(]/{sub(/^replace /,"");print}' "$gomod" |
    grep -v '=> \.' || true
}

add_tool() { # add_tool <tool> <pkg@version>...
  local tool=$1; shift
  (cd "go/$tool" && go get -tool "$@" && go mod tidy)
}

module helm;        add_tool helm helm.sh/helm/v3/cmd/helm@"$HELM"
module kubeconform; add_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform@"$KUBECONFORM"
module opa;         add_tool opa github.com/open-policy-agent/opa@"$OPA"
module sops;        add_tool sops github.com/getsops/sops/v3/cmd/sops@"$SOPS"
module kwok;        add_tool kwok sigs.k8s.io/kwok/cmd/kwok@"$KWOK"

module helmfile
replaces_from "github.com/helmfile/helmfile@$HELMFILE" | while read -r from _ to ver; do
  (cd go/helmfile && go mod edit -replace "$from=$to@$ver")
done
add_tool helmfile github.com/helmfile/helmfile@"$HELMFILE"

module helm-diff
replaces_from "github.com/databus23/helm-diff/v3@$HELM_DIFF" | while read -r from _ to ver; do
  (cd go/helm-diff && go mod edit -replace "$from=$to@$ver")
done
add_tool helm-diff github.com/databus23/helm-diff/v3@"$HELM_DIFF"

# Kubernetes: the staging modules are required at v0.0.0 and replaced by local paths
# upstream; here each is replaced by its published twin (v1.X.Y -> v0.X.Y).
module kubernetes
staging=$(go mod download -json "k8s.io/kubernetes@$KUBERNETES" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p' |
  xargs awk '/=> \.\/staging/{print $1}')
for m in $staging; do
  (cd go/kubernetes && go mod edit -replace "$m=$m@v0.${KUBERNETES#v1.}")
done
add_tool kubernetes \
  k8s.io/kubernetes/cmd/kube-apiserver@"$KUBERNETES" \
  k8s.io/kubernetes/cmd/kube-controller-manager@"$KUBERNETES" \
  k8s.io/kubernetes/cmd/kube-scheduler@"$KUBERNETES" \
  k8s.io/kubernetes/cmd/kubectl@"$KUBERNETES"
echo "✔ modules written under tools/go/"
