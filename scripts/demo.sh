#!/usr/bin/env bash
# The example suite on Docker, from a fresh machine: installs what is missing (pnpm, dependencies,
# a Docker engine, local images when no registry is reachable), builds the e-commerce example's
# images and runs its .dokkimi/ suite with `dokkimi run`. Extra arguments go to `dokkimi run`.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  echo "[demo] installing pnpm@$PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi
[ -d node_modules ] || pnpm install --frozen-lockfile
bash scripts/ensure-docker.sh
if [ -z "${DOKKIMI_IMAGES:-}" ]; then
  # No registry here (see README): stand-ins for node and postgres, built once and cached.
  image_env="$(bash scripts/local-images.sh)"
  eval "$image_env"
fi
pnpm -s --filter @dokkimi/interceptor run build >/dev/null  # the interceptor program the runtime puts in its image
node examples/ecommerce/scripts/build-images.mjs
exec pnpm -s dokkimi run examples/ecommerce/.dokkimi "$@"
