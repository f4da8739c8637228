#!/usr/bin/env bash
# Makes sure a Docker engine answers: installs Debian's docker.io when dockerd is missing and
# starts the daemon in the background when nothing answers (see docs/ci.md). Idempotent.
set -euo pipefail

log() { printf '[ensure-docker] %s\n' "$*"; }

if docker info >/dev/null 2>&1; then
  log "engine already answering ($(docker info --format '{{.ServerVersion}}'))"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    log "dockerd is not installed and this is not root: install docker.io (or start Docker) first" >&2
    exit 1
  fi
  log "installing Debian's docker.io (about a minute on a fresh machine)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi

if [ ! -S /var/run/docker.sock ] || ! docker info >/dev/null 2>&1; then
  log "starting dockerd (log: /tmp/dockerd.log)"
  rm -f /var/run/docker.pid
  nohup dockerd >/tmp/dockerd.log 2>&1 &
fi

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    log "engine ready ($(docker info --format '{{.ServerVersion}}'), $(docker info --format '{{.Driver}}'))"
    exit 0
  fi
  sleep 1
done
log "Docker engine did not answer within 60 s; last lines of /tmp/dockerd.log:" >&2
tail -n 20 /tmp/dockerd.log >&2 || true
exit 1
