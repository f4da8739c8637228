#!/bin/sh
# Entrypoint of dokkimi-local/node: the documented contract of the official node image.
set -e

# `docker run img -e "1+1"` or `docker run img app.js` → node …
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi

exec "$@"
