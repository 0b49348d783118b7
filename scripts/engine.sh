#!/usr/bin/env bash
# The Docker engine the image build and the image tests use. No engine runs on our machines and
# no registry is reachable, so the project starts Debian's own (docker.io + containerd + runc)
# rootful on a private socket, without a bridge or iptables rules (containers use --network host),
# with its data in a directory of its own. One engine per data directory: dockerd cannot share
# one, so every checkout of this machine's user reuses the engine that already answers there.
#
#   scripts/engine.sh host        prints the DOCKER_HOST to use (a user's own engine, if it answers)
#   scripts/engine.sh up          starts the engine unless one answers; prints the PID it started
#   scripts/engine.sh down PID    stops exactly that PID (it must be the dockerd this script started)
set -euo pipefail

dir=${RUNLEVEL_DOCKER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/runlevel/docker}
own_host=unix://$dir/engine.sock

answers() { timeout 10 docker -H "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# A DOCKER_HOST the user set and that answers wins; otherwise ours.
host() {
  if [[ -n ${DOCKER_HOST:-} && $DOCKER_HOST != "$own_host" ]] && answers "$DOCKER_HOST"; then
    echo "$DOCKER_HOST"
  else
    echo "$own_host"
  fi
}

install_engine() {
  command -v docker >/dev/null && command -v dockerd >/dev/null && command -v containerd >/dev/null &&
    command -v runc >/dev/null && return
  echo "► engine: installing Debian's docker.io, containerd and runc" >&2
  [[ $(id -u) == 0 ]] || { echo "✗ engine: dockerd is missing; install docker.io (as root)" >&2; exit 1; }
  # apt-get update only when the lists are older than a day: an update costs ~10 s.
  if [[ -z $(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 -print -quit 2>/dev/null) ]]; then
    apt-get update -qq >&2
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io containerd runc >&2
}

up() {
  local h
  h=$(host)
  if answers "$h"; then return 0; fi # someone's engine answers: nothing started, nothing to stop
  install_engine
  mkdir -p "$dir/data" "$dir/exec"
  # A socket left by an engine that died would make dockerd refuse to listen.
  rm -f "$dir/engine.sock"
  echo "► engine: starting dockerd (socket $dir/engine.sock, data $dir/data)" >&2
  # setsid: the engine outlives this script's process group (make's Ctrl-C is ours to handle).
  setsid dockerd --host "$own_host" --data-root "$dir/data" --exec-root "$dir/exec" \
    --pidfile "$dir/dockerd.pid" --bridge=none --iptables=false --ip6tables=false \
    --ip-masq=false --userland-proxy=false >"$dir/dockerd.log" 2>&1 </dev/null &
  local pid=$! start=$SECONDS
  until answers "$own_host"; do
    if ! kill -0 "$pid" 2>/dev/null || ((SECONDS - start > 60)); then
      echo "✗ engine: dockerd did not answer; its log ($dir/dockerd.log) ends:" >&2
      tail -n 15 "$dir/dockerd.log" >&2
      kill "$pid" 2>/dev/null || true
      exit 1
    fi
    sleep 0.2
  done
  echo "✔ engine: dockerd $pid answers at $own_host" >&2
  echo "$pid"
}

down() {
  local pid=${1:?usage: engine.sh down PID}
  [[ -f $dir/dockerd.pid && $(cat "$dir/dockerd.pid") == "$pid" ]] || {
    echo "✗ engine: $pid is not the dockerd this script started (pidfile $dir/dockerd.pid)" >&2
    exit 1
  }
  kill -TERM "$pid" 2>/dev/null || return 0
  # dockerd stops its containers and its containerd before it exits.
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || { echo "✔ engine: dockerd $pid stopped" >&2; return 0; }; sleep 0.2; done
  echo "✗ engine: dockerd $pid still runs 30 s after SIGTERM" >&2
  exit 1
}

case ${1:-} in
  host) host ;;
  up) up ;;
  down) down "${2:-}" ;;
  *) echo "usage: scripts/engine.sh host | up | down PID" >&2; exit 2 ;;
esac
