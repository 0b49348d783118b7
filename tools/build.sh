#!/usr/bin/env bash
# make tools: builds every pinned Go tool from the Go module proxy, caches each per tool and
# version outside the checkout, and links the results into .tools/ of this checkout.
# Idempotent: a tool already in the cache is only linked. Prints progress; on failure names
# the tool and the step.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=pins.env
source tools/pins.env

cache=${RUNLEVEL_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runlevel/tools}
links=$root/.tools
mkdir -p "$cache" "$links/bin" "$links/helm-plugins"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
# helm-diff is missing from the checksum database; the committed go.sum pins its hash instead.
export GONOSUMDB=github.com/databus23/helm-diff

fail() { echo "✗ tools: $1: $2 failed${3:+ — $3}" >&2; exit 1; }

# key <module dir> <version>: cache key; the go.mod/go.sum digest covers replace lines too, and a
# module of our own (helm-engine) adds its Go sources.
key() {
  local d=tools/go/$1
  echo "$2-$(cat "$d/go.mod" "$d/go.sum" $(find "$d" -maxdepth 1 -name '*.go' | sort) | sha256sum | cut -c1-10)"
}

# build <tool> <ldflags> <package>...: go build the packages into the tool's cache directory.
# A package given as name=path is built into a binary of that name (etcd's main is .../server/v3).
build() {
  local tool=$1 ldflags=$2; shift 2
  local version dir
  version=$(pin "$tool")
  dir=$cache/$tool/$(key "$tool" "$version")
  if [[ -f $dir/.complete ]]; then
    echo "✔ $tool $version (cached)"
  else
    echo "► $tool $version: downloading modules"
    local start=$SECONDS tmp=$dir.tmp.$$
    rm -rf "$tmp" && mkdir -p "$tmp/bin"
    (cd "tools/go/$tool" && go mod download) || fail "$tool" "module download" "is the Go module proxy reachable?"
    echo "► $tool $version: compiling $* (a cold build takes minutes on 2 cores)"
    local pkgs=() named=()
    for p in "$@"; do if [[ $p == *=* ]]; then named+=("$p"); else pkgs+=("$p"); fi; done
    if [[ ${#pkgs[@]} -gt 0 ]]; then
      (cd "tools/go/$tool" && go build -trimpath -ldflags "-s -w $ldflags" -o "$tmp/bin/" "${pkgs[@]}") ||
        fail "$tool" "go build"
    fi
    for p in "${named[@]}"; do
      (cd "tools/go/$tool" && go build -trimpath -ldflags "-s -w $ldflags" -o "$tmp/bin/${p%%=*}" "${p#*=}") ||
        fail "$tool" "go build"
    done
    rm -rf "$dir" && mv "$tmp" "$dir" && touch "$dir/.complete"
    echo "✔ $tool $version built in $((SECONDS - start))s"
  fi
  ln -sfn "$dir/bin/"* "$links/bin/"
}

pin() {
  case $1 in
    helm | helm-engine) echo "$HELM" ;; helmfile) echo "$HELMFILE" ;; helm-diff) echo "$HELM_DIFF" ;;
    kubernetes) echo "$KUBERNETES" ;; kwok) echo "$KWOK" ;; opa) echo "$OPA" ;;
    kubeconform) echo "$KUBECONFORM" ;; sops) echo "$SOPS" ;; etcd) echo "$ETCD" ;;
    gatekeeper) echo "$GATEKEEPER" ;; crane) echo "$CRANE" ;; cosign) echo "$COSIGN" ;;
    syft) echo "$SYFT" ;; *) fail "$1" "pin lookup" "not in tools/pins.env" ;;
  esac
}

command -v go >/dev/null || fail go "lookup" "Go is not installed"

k8s_minor=${KUBERNETES#v1.}; k8s_minor=${k8s_minor%%.*}
build kubernetes "-X k8s.io/component-base/version.gitVersion=$KUBERNETES -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$k8s_minor -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/client-go/pkg/version.gitVersion=$KUBERNETES -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$k8s_minor" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
build helm "-X helm.sh/helm/v3/internal/version.version=$HELM -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
  helm.sh/helm/v3/cmd/helm
# Our helm engine: the helm SDK at the same pin and with the same dependency versions as helm above,
# so it compiles from helm's build cache (only its own package and the link are new).
build helm-engine "" .
build helmfile "-X go.szostok.io/version.version=$HELMFILE -X go.szostok.io/version.dirtyBuild=false" \
  github.com/helmfile/helmfile
build helm-diff "-X github.com/databus23/helm-diff/v3/cmd.Version=${HELM_DIFF#v}" github.com/databus23/helm-diff/v3
build kwok "-X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${KUBERNETES#v}" sigs.k8s.io/kwok/cmd/kwok
build opa "" github.com/open-policy-agent/opa
build kubeconform "-X main.version=$KUBECONFORM" github.com/yannh/kubeconform/cmd/kubeconform
build sops "" github.com/getsops/sops/v3/cmd/sops
build etcd "" etcd=go.etcd.io/etcd/server/v3
build gatekeeper "" gatekeeper=github.com/open-policy-agent/gatekeeper/v3
build crane "-X github.com/google/go-containerregistry/cmd/crane/cmd.Version=$CRANE" \
  github.com/google/go-containerregistry/cmd/crane
build cosign "-X sigs.k8s.io/release-utils/version.gitVersion=$COSIGN" github.com/sigstore/cosign/v2/cmd/cosign
build syft "-X main.version=${SYFT#v}" github.com/anchore/syft/cmd/syft

# helm-diff is a helm plugin: a directory with plugin.yaml and the binary helm runs.
diff_src=$(cd tools/go/helm-diff && go list -m -f '{{.Dir}}' github.com/databus23/helm-diff/v3) ||
  fail helm-diff "locate plugin.yaml"
plugin=$links/helm-plugins/diff
rm -rf "$plugin" && mkdir -p "$plugin/bin"
sed '/^hooks:/,$d' "$diff_src/plugin.yaml" >"$plugin/plugin.yaml"
ln -sfn "$(readlink -f "$links/bin/helm-diff")" "$plugin/bin/diff"

echo "✔ tools ready in $links/bin (cache: $cache)"
