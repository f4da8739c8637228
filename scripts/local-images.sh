#!/usr/bin/env bash
# shellcheck disable=SC2034 # META_<image> arrays are read through a nameref
# Builds, without any container registry, local images standing in for the official ones Dokkimi
# runs (debian, node, postgres, mysql, redis, rabbitmq), from Debian packages: one debootstrap,
# then one chroot per image and `docker import`. Each image carries a hash of its recipe as a
# label and is skipped when it is already up to date. Writes the image map (official reference
# → local image) and prints `export DOKKIMI_IMAGES=<file>`, so `eval "$(bash scripts/local-images.sh)"`
# works: progress goes to stderr, only the export line to stdout.
#
# Env: DOKKIMI_CACHE_DIR (default ~/.cache/dokkimi), DOKKIMI_DEBIAN_MIRROR (default: this host's
# apt sources, else http://deb.debian.org/debian), DOKKIMI_LOCAL_IMAGES_FORCE=1 rebuilds everything.
set -euo pipefail

SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")
FILES=$(dirname "$SCRIPT")/local-images
CACHE_DIR=${DOKKIMI_CACHE_DIR:-$HOME/.cache/dokkimi}
STATE=$CACHE_DIR/local-images
MAP_FILE=$CACHE_DIR/local-images.json
LABEL=dokkimi.local-images.hash
SUITE=bookworm
START=$(date +%s)

log() { printf '[local-images] %s\n' "$*" >&2; }
die() { printf '[local-images] error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap and chroot need it); try: sudo bash $0"
docker info >/dev/null 2>&1 || die "no Docker engine answers; start one first: bash scripts/ensure-docker.sh"
mkdir -p "$STATE"
exec 9>"$STATE/lock"
flock -n 9 || { log "waiting for another local-images run to finish"; flock 9; }

WORK=$(mktemp -d /var/tmp/dokkimi-local-images.XXXXXX)
cleanup() {
  awk -v w="$WORK/" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  remove_tree "$WORK"
}
trap cleanup EXIT

# rm -rf that refuses to descend into a tree with something still mounted in it.
remove_tree() {
  if awk -v w="$1/" 'index($2, w) == 1 {found = 1} END {exit !found}' /proc/mounts; then
    log "not removing $1: something is still mounted in it"
    return 1
  fi
  rm -rf "$1"
}

sha() { sha256sum | cut -c1-16; }

# chroot with a clean environment (nothing of the host's env leaks into package scripts).
in_root() {
  local root=$1
  shift
  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive chroot "$root" "$@"
}

# The host's Debian mirror (first non-security deb URI in its apt sources).
debian_mirror() {
  if [ -n "${DOKKIMI_DEBIAN_MIRROR:-}" ]; then printf '%s' "${DOKKIMI_DEBIAN_MIRROR%/}"; return; fi
  local uri
  uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -v '^[[:space:]]*#' | grep -oE 'https?://[^[:space:]]+/debian/?([[:space:]]|$)' | head -n1 | tr -d '[:space:]' || true)
  uri=${uri%/}
  printf '%s' "${uri:-http://deb.debian.org/debian}"
}
MIRROR=$(debian_mirror)

# ---------------------------------------------------------------------------------------------
# Base root file system: debootstrap once, cached as a tarball keyed by its recipe.

BASE_RECIPE="minbase $SUITE v1 $(sed -n '/^configure_base()/,/^}/p' "$SCRIPT")"
BASE_TAR=$STATE/debian-$SUITE-$(printf '%s' "$BASE_RECIPE" | sha).tar

configure_base() {
  local root=$1
  # No service starts inside a chroot or at package install (like the official debian image).
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  # No fsync per unpacked file (what the official debian image sets as docker-apt-speedup).
  echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
  cat >"$root/etc/dpkg/dpkg.cfg.d/dokkimi-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
  cat >"$root/etc/apt/apt.conf.d/90dokkimi" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
Dpkg::Options { "--force-confdef"; "--force-confold"; };
EOF
  {
    echo "deb $MIRROR $SUITE main"
    echo "deb $MIRROR $SUITE-updates main"
  } >"$root/etc/apt/sources.list"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  in_root "$root" apt-get update -qq
  rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*
  in_root "$root" apt-get clean
}

ensure_base() {
  [ -f "$BASE_TAR" ] && return
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null 2>&1 ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  fi
  local root=$WORK/base
  log "debootstrap --variant=minbase $SUITE from $MIRROR (about 30 s)"
  debootstrap --variant=minbase "$SUITE" "$root" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
    { tail -n 20 "$WORK/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
  configure_base "$root"
  rm -f "$STATE"/debian-"$SUITE"-*.tar
  tar -C "$root" --numeric-owner -cf "$BASE_TAR.tmp" .
  mv "$BASE_TAR.tmp" "$BASE_TAR"
  remove_tree "$root"
  log "base root file system cached: $BASE_TAR"
}

# Fresh copy of the base root for one image in $ROOT, with /proc and the image's apt download
# cache mounted (one cache per image, as images build concurrently).
new_root() {
  ROOT=$WORK/$1
  mkdir -p "$ROOT" "$STATE/apt-archives/$1/partial"
  tar -C "$ROOT" -xf "$BASE_TAR"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  mount -t proc proc "$ROOT/proc"
  mount --bind "$STATE/apt-archives/$1" "$ROOT/var/cache/apt/archives"
}

close_root() {
  local root=$1 m
  for m in "$root/var/cache/apt/archives" "$root/proc"; do umount "$m" || umount -l "$m"; done
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/apt/* "$root"/var/log/dpkg.log \
    "$root"/usr/share/doc/*/changelog* "$root"/tmp/* "$root"/root/.cache
  : >"$root/etc/resolv.conf"
}

apt_install() {
  local root=$1 aptlog=$1.apt.log
  shift
  log "  apt-get install $*"
  in_root "$root" apt-get install -y -qq --no-install-recommends "$@" \
    >"$aptlog" 2>&1 || { tail -n 30 "$aptlog" >&2; die "apt-get install $* failed"; }
}

# ---------------------------------------------------------------------------------------------
# Images, built concurrently. Each recipe: setup_<id> prepares the root; META_<id> holds its
# `docker import --change`s (read through a nameref in build, hence the SC2034 exception at the top).

BUILD_PIDS=()

# import_image <root> <tag> <hash> <change>... — imports the root, then removes it.
# `docker import` cannot set STOPSIGNAL: such a change goes through a one-line `docker build`.
import_image() {
  local root=$1 tag=$2 hash=$3
  shift 3
  local changes=(--change "LABEL $LABEL=$hash") built=() c old
  for c in "$@"; do
    case "$c" in
      STOPSIGNAL*) built+=("$c") ;;
      *) changes+=(--change "$c") ;;
    esac
  done
  old=$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
  tar -C "$root" --numeric-owner -c . | docker import "${changes[@]}" - "$tag" >/dev/null
  if [ ${#built[@]} -gt 0 ]; then
    printf 'FROM %s\n%s\n' "$tag" "${built[@]}" | docker build -q -t "$tag" - >"$root.build.log" 2>&1 ||
      { cat "$root.build.log" >&2; die "docker build of $tag failed"; }
  fi
  remove_tree "$root"
  if [ -n "$old" ]; then docker rmi "$old" >/dev/null 2>&1 || true; fi
}

current_hash() { docker image inspect --format "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }

# recipe_hash <id> <extra>: the script, the image's files under scripts/local-images/, and <extra>.
recipe_hash() {
  { cat "$SCRIPT"; cat "$FILES/$1"-* 2>/dev/null || true; printf '%s' "$2"; } | sha
}

ENV_PATH='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

build() {
  local id=$1 tag=$2 extra=$3 hash
  hash=$(recipe_hash "$id" "$extra")
  if [ "${DOKKIMI_LOCAL_IMAGES_FORCE:-}" != 1 ] && [ "$(current_hash "$tag")" = "$hash" ]; then
    log "$tag up to date"
    return
  fi
  ensure_base
  log "building $tag"
  (
    new_root "$id"
    "setup_$id" "$ROOT"
    close_root "$ROOT"
    local -n meta="META_$id"
    import_image "$ROOT" "$tag" "$hash" "${meta[@]}"
    log "built $tag ($SECONDS s)"
  ) &
  BUILD_PIDS+=($!)
}

install_entrypoint() {
  install -m 755 "$FILES/$2" "$1/usr/local/bin/docker-entrypoint.sh"
}

setup_debian() { :; }
META_debian=('CMD ["bash"]')

NODE_BIN=$(readlink -f "$(command -v node)") || die "node is not installed on this host"
[ "$("$NODE_BIN" -p 'process.versions.node.split(".")[0]')" = 20 ] || log "warning: $NODE_BIN is not Node 20; dokkimi-local/node:20 gets $("$NODE_BIN" --version)"
NPM_DIR=
if command -v npm >/dev/null 2>&1; then NPM_DIR=$(readlink -f "$(dirname "$(readlink -f "$(command -v npm)")")/../.."); fi
setup_node() {
  local root=$1 lib
  install -m 755 "$NODE_BIN" "$root/usr/local/bin/node"
  # Copy any shared library the base root lacks.
  for lib in $(in_root "$root" ldd /usr/local/bin/node | awk '/not found/ {print $1}'); do
    local src
    src=$(ldd "$NODE_BIN" | awk -v l="$lib" '$1 == l {print $3}')
    [ -n "$src" ] || die "node needs $lib, which this host cannot provide"
    log "  copying $src"
    install -D -m 644 "$src" "$root$src"
  done
  mkdir -p "$root/usr/local/lib/node_modules"
  if [ -d "$NPM_DIR/npm" ]; then
    cp -a "$NPM_DIR/npm" "$root/usr/local/lib/node_modules/npm"
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  fi
  if [ -d "$NPM_DIR/corepack" ]; then
    cp -a "$NPM_DIR/corepack" "$root/usr/local/lib/node_modules/corepack"
    ln -s ../lib/node_modules/corepack/dist/corepack.js "$root/usr/local/bin/corepack"
  fi
  in_root "$root" groupadd --gid 1000 node
  in_root "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  in_root "$root" /usr/local/bin/node -e 'process.exit(0)' || die "node does not run in the Debian root"
  install_entrypoint "$root" node-entrypoint.sh
}
META_node=("$ENV_PATH" "ENV NODE_VERSION=$("$NODE_BIN" --version | tr -d v)" 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["node"]')

PG_MAJOR=15
setup_postgres() {
  local root=$1
  # The entrypoint creates the cluster in PGDATA; no Debian "main" cluster.
  mkdir -p "$root/etc/postgresql-common/createcluster.d"
  echo 'create_main_cluster = false' >"$root/etc/postgresql-common/createcluster.d/dokkimi.conf"
  apt_install "$root" "postgresql-$PG_MAJOR"
  # initdb writes postgresql.conf from the sample: listen on all addresses, like the official image.
  sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$root/usr/share/postgresql/$PG_MAJOR/postgresql.conf.sample"
  grep -qF "listen_addresses = '*'" "$root/usr/share/postgresql/$PG_MAJOR/postgresql.conf.sample"
  mkdir -p "$root/docker-entrypoint-initdb.d" "$root/var/lib/postgresql/data" "$root/var/run/postgresql"
  in_root "$root" chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
  chmod 3777 "$root/var/run/postgresql"
  install_entrypoint "$root" postgres-entrypoint.sh
}
META_postgres=(
  "$ENV_PATH:/usr/lib/postgresql/$PG_MAJOR/bin" "ENV PG_MAJOR=$PG_MAJOR" 'ENV PGDATA=/var/lib/postgresql/data' 'ENV LANG=C.UTF-8'
  'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["postgres"]' 'STOPSIGNAL SIGINT' 'EXPOSE 5432'
)

setup_mysql() {
  local root=$1
  apt_install "$root" mariadb-server
  rm -rf "$root/var/lib/mysql" && mkdir -p "$root/var/lib/mysql" "$root/run/mysqld" "$root/docker-entrypoint-initdb.d"
  in_root "$root" chown mysql:mysql /var/lib/mysql /run/mysqld
  cat >"$root/etc/mysql/mariadb.conf.d/99-docker.cnf" <<'EOF'
# Like the official image: listen on all interfaces, no DNS lookups of clients.
[mariadbd]
bind-address = 0.0.0.0
skip-host-cache
skip-name-resolve
EOF
  install_entrypoint "$root" mysql-entrypoint.sh
}
META_mysql=("$ENV_PATH" 'ENV LANG=C.UTF-8' 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["mysqld"]' 'EXPOSE 3306')

setup_redis() {
  local root=$1
  apt_install "$root" redis-server
  mkdir -p "$root/data"
  in_root "$root" chown redis:redis /data
  install_entrypoint "$root" redis-entrypoint.sh
}
META_redis=("$ENV_PATH" 'WORKDIR /data' 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["redis-server", "--protected-mode", "no", "--bind", "0.0.0.0"]' 'EXPOSE 6379')

setup_rabbitmq() {
  local root=$1
  apt_install "$root" rabbitmq-server
  mkdir -p "$root/etc/rabbitmq/conf.d" "$root/var/log/rabbitmq"
  in_root "$root" chown -R rabbitmq:rabbitmq /etc/rabbitmq /var/lib/rabbitmq /var/log/rabbitmq
  install_entrypoint "$root" rabbitmq-entrypoint.sh
}
META_rabbitmq=(
  "$ENV_PATH:/usr/lib/rabbitmq/bin" 'ENV HOME=/var/lib/rabbitmq' 'ENV RABBITMQ_LOGS=-' 'ENV LANG=C.UTF-8'
  'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["rabbitmq-server"]' 'EXPOSE 5672'
)

# ---------------------------------------------------------------------------------------------

build debian dokkimi-local/debian:$SUITE "$MIRROR"
build node dokkimi-local/node:20 "$(sha <"$NODE_BIN") $({ cat "$NPM_DIR/npm/package.json" 2>/dev/null || true; } | sha)"
build postgres dokkimi-local/postgres:15 "postgresql-$PG_MAJOR"
build mysql dokkimi-local/mysql:8 mariadb-server
build redis dokkimi-local/redis:7 redis-server
build rabbitmq dokkimi-local/rabbitmq:3 rabbitmq-server
failed=0
for pid in "${BUILD_PIDS[@]}"; do wait "$pid" || failed=1; done
[ "$failed" = 0 ] || die "an image build failed (see above)"
log "mongo: not built (MongoDB is not packaged in Debian, so no local stand-in can be made here)"

cat >"$MAP_FILE.tmp" <<'EOF'
{
  "debian:bookworm": "dokkimi-local/debian:bookworm",
  "debian:bookworm-slim": "dokkimi-local/debian:bookworm",
  "node:20": "dokkimi-local/node:20",
  "node:20-slim": "dokkimi-local/node:20",
  "node:20-bookworm": "dokkimi-local/node:20",
  "node:20-bookworm-slim": "dokkimi-local/node:20",
  "postgres:15": "dokkimi-local/postgres:15",
  "postgres": "dokkimi-local/postgres:15",
  "mysql:8": "dokkimi-local/mysql:8",
  "mysql": "dokkimi-local/mysql:8",
  "redis:7-alpine": "dokkimi-local/redis:7",
  "redis:7": "dokkimi-local/redis:7",
  "redis": "dokkimi-local/redis:7",
  "rabbitmq:3": "dokkimi-local/rabbitmq:3",
  "rabbitmq:3-management": "dokkimi-local/rabbitmq:3"
}
EOF
mv "$MAP_FILE.tmp" "$MAP_FILE"
cat "$MAP_FILE" >&2
log "done in $(($(date +%s) - START)) s; image map: $MAP_FILE"
echo "export DOKKIMI_IMAGES=$MAP_FILE"
