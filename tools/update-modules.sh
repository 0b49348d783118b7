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

# copy_replaces <tool> <module@version>: repeat the upstream version-pinned replaces.
copy_replaces() {
  replaces_from "$2" | while read -r from _ to ver; do
    (cd "go/$1" && go mod edit -replace "$from=$to@$ver")
  done
}

# Each generator writes one tool's module; `update-modules.sh etcd kwok` regenerates just those.
gen_helm() { module helm; add_tool helm helm.sh/helm/v3/cmd/helm@"$HELM"; }
gen_kubeconform() { module kubeconform; add_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform@"$KUBECONFORM"; }
gen_opa() { module opa; add_tool opa github.com/open-policy-agent/opa@"$OPA"; }
gen_sops() { module sops; add_tool sops github.com/getsops/sops/v3/cmd/sops@"$SOPS"; }
gen_gatekeeper() { module gatekeeper; add_tool gatekeeper github.com/open-policy-agent/gatekeeper/v3@"$GATEKEEPER"; }
gen_crane() { module crane; add_tool crane github.com/google/go-containerregistry/cmd/crane@"$CRANE"; }
gen_cosign() { module cosign; add_tool cosign github.com/sigstore/cosign/v2/cmd/cosign@"$COSIGN"; }
gen_syft() { module syft; add_tool syft github.com/anchore/syft/cmd/syft@"$SYFT"; }
gen_kwok() { module kwok; add_tool kwok sigs.k8s.io/kwok/cmd/kwok@"$KWOK"; }
gen_helmfile() {
  module helmfile
  copy_replaces helmfile "github.com/helmfile/helmfile@$HELMFILE"
  add_tool helmfile github.com/helmfile/helmfile@"$HELMFILE"
}
gen_helm-diff() {
  module helm-diff
  copy_replaces helm-diff "github.com/databus23/helm-diff/v3@$HELM_DIFF"
  add_tool helm-diff github.com/databus23/helm-diff/v3@"$HELM_DIFF"
}
# etcd's server module replaces its sibling modules by relative paths; use their published twins.
gen_etcd() {
  module etcd
  for m in go.etcd.io/etcd/api/v3 go.etcd.io/etcd/client/pkg/v3 go.etcd.io/etcd/client/v3 go.etcd.io/etcd/pkg/v3; do
    (cd go/etcd && go mod edit -replace "$m=$m@$ETCD")
  done
  add_tool etcd go.etcd.io/etcd/server/v3@"$ETCD"
}
# Kubernetes: the staging modules are required at v0.0.0 and replaced by local paths
# upstream; here each is replaced by its published twin (v1.X.Y -> v0.X.Y).
gen_kubernetes() {
  module kubernetes
  local staging
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
}

tools=("$@")
[[ ${#tools[@]} -gt 0 ]] || tools=(helm kubeconform opa sops kwok helmfile helm-diff etcd gatekeeper kubernetes crane cosign syft)
for t in "${tools[@]}"; do "gen_$t"; done
echo "✔ modules written under tools/go/"
