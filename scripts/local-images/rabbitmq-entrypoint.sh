#!/bin/bash
# Entrypoint of dokkimi-local/rabbitmq: the documented contract of the official rabbitmq image
# (RABBITMQ_DEFAULT_USER/PASS/VHOST, AMQP on 5672, logs on stdout).
set -euo pipefail

# `docker run img -detached` → rabbitmq-server …
if [[ "$1" == -* ]]; then set -- rabbitmq-server "$@"; fi

if [ "$1" = 'rabbitmq-server' ] && [ "$(id -u)" = '0' ]; then
  conf=/etc/rabbitmq/conf.d/10-defaults.conf
  {
    echo 'loopback_users.guest = false'
    echo 'listeners.tcp.default = 5672'
    echo "default_user = ${RABBITMQ_DEFAULT_USER:-guest}"
    echo "default_pass = ${RABBITMQ_DEFAULT_PASS:-guest}"
    echo "default_vhost = ${RABBITMQ_DEFAULT_VHOST:-/}"
  } >"$conf"
  chown -R rabbitmq:rabbitmq /var/lib/rabbitmq /etc/rabbitmq /var/log/rabbitmq
  exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups "$0" "$@"
fi

if [ "$1" = 'rabbitmq-server' ]; then
  shift
  set -- /usr/lib/rabbitmq/bin/rabbitmq-server "$@"
fi

exec "$@"
