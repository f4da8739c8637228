#!/bin/sh
# Entrypoint of dokkimi-local/redis: the documented contract of the official redis image.
set -e

# `docker run img --requirepass x` or `docker run img /path/redis.conf` → redis-server …
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi

if [ "$1" = 'redis-server' ] && [ "$(id -u)" = '0' ]; then
  find . \! -user redis -exec chown redis '{}' +
  exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi

# The official binary is built with protected mode off; Debian's is not. Without a config file
# and without an explicit setting, match the official default.
if [ "$1" = 'redis-server' ] && { [ $# -eq 1 ] || [ "${2#-}" != "$2" ]; }; then
  case " $* " in
    *' --protected-mode '*) ;;
    *) set -- "$@" --protected-mode no ;;
  esac
fi

um=$(umask)
if [ "$um" = '0022' ]; then umask 0077; fi

exec "$@"
