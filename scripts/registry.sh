#!/usr/bin/env bash
# A real image registry for tests, benchmarks and `make image`'s signing: Debian's docker-registry
# (the CNCF distribution registry) on 127.0.0.1, storage in a directory of the caller's, no auth.
# Installs the package when it is missing (as root; apt is the one way in here).
#
#   scripts/registry.sh up DIR [PORT]   starts one; prints "PID PORT" (PORT 0 or none: a free port)
#   scripts/registry.sh down PID        stops exactly that PID (it must be a docker-registry)
set -euo pipefail

install_registry() {
  command -v docker-registry >/dev/null && return
  echo "► registry: installing Debian's docker-registry" >&2
  [[ $(id -u) == 0 ]] || { echo "✗ registry: docker-registry is missing; install it (as root)" >&2; exit 1; }
  if [[ -z $(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 -print -quit 2>/dev/null) ]]; then
    apt-get update -qq >&2
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry >&2
}

# A string, not console.log(number): under FORCE_COLOR (uvu sets it) a number comes out in colour.
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{process.stdout.write(`${s.address().port}\n`);s.close()})'; }

up() {
  local dir=${1:?usage: registry.sh up DIR [PORT]} port=${2:-0}
  install_registry
  [[ $port == 0 ]] && port=$(free_port)
  mkdir -p "$dir/data"
  cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YAML
  # Its own session, so a Ctrl-C to the caller's group does not race the caller's own stop.
  setsid docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 </dev/null &
  local pid=$!
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null; then
      echo "$pid $port"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$pid" 2>/dev/null || true
  echo "✗ registry: did not answer on 127.0.0.1:$port; its log:" >&2
  tail -5 "$dir/registry.log" >&2
  exit 1
}

down() {
  local pid=${1:?usage: registry.sh down PID}
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == docker-registry ]] || return 0
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

case ${1:-} in
  up) shift; up "$@" ;;
  down) shift; down "$@" ;;
  *) echo "usage: scripts/registry.sh up DIR [PORT] | down PID" >&2; exit 2 ;;
esac
