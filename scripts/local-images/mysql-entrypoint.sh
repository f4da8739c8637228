#!/usr/bin/env bash
# Entrypoint of dokkimi-local/mysql (MariaDB, MySQL protocol): the documented contract of the
# official mysql image (MYSQL_* env, /docker-entrypoint-initdb.d at first boot, listening only
# once init is done).
set -Eeo pipefail

SOCKET=/run/mysqld/mysqld.sock
DATADIR=/var/lib/mysql

file_env() {
  local var=$1 fileVar="${1}_FILE" def=${2:-} val
  if [ -n "${!var:-}" ] && [ -n "${!fileVar:-}" ]; then
    echo >&2 "error: both $var and $fileVar are set (but are exclusive)"
    exit 1
  fi
  val=$def
  if [ -n "${!var:-}" ]; then val=${!var}; elif [ -n "${!fileVar:-}" ]; then val=$(<"${!fileVar}"); fi
  export "$var"="$val"
  unset "$fileVar"
}

# `docker run img --max-connections=50` → `mysqld --max-connections=50`
if [ "${1:0:1}" = '-' ]; then set -- mysqld "$@"; fi

if [ "$1" = 'mysqld' ] && [ "$(id -u)" = '0' ]; then
  mkdir -p "$DATADIR" /run/mysqld
  chown mysql:mysql "$DATADIR" /run/mysqld
  exec setpriv --reuid=mysql --regid=mysql --init-groups "${BASH_SOURCE[0]}" "$@"
fi

sql_escape() { local s=${1//\\/\\\\}; printf '%s' "${s//\'/\\\'}"; }

# Runs SQL from stdin as root over the private socket (with the root password once it is set).
process_sql() {
  local args=(--protocol=socket --socket="$SOCKET" -uroot -hlocalhost --comments)
  if [ -n "$ROOT_PASSWORD_SET" ]; then
    mariadb --defaults-extra-file=<(printf '[client]\npassword="%s"\n' "${MYSQL_ROOT_PASSWORD//\"/\\\"}") "${args[@]}" "$@"
  else
    mariadb "${args[@]}" "$@"
  fi
}

process_init_file() {
  local f=$1 db=()
  if [ -n "$MYSQL_DATABASE" ]; then db=(--database="$MYSQL_DATABASE"); fi
  case "$f" in
    *.sh)
      if [ -x "$f" ]; then
        echo "$0: running $f"
        "$f"
      else
        echo "$0: sourcing $f"
        # shellcheck disable=SC1090
        . "$f"
      fi
      ;;
    *.sql) echo "$0: running $f"; process_sql "${db[@]}" <"$f" ;;
    *.sql.gz) echo "$0: running $f"; gunzip -c "$f" | process_sql "${db[@]}" ;;
    *.sql.bz2) echo "$0: running $f"; bunzip2 -c "$f" | process_sql "${db[@]}" ;;
    *.sql.xz) echo "$0: running $f"; xzcat "$f" | process_sql "${db[@]}" ;;
    *.sql.zst) echo "$0: running $f"; zstd -dc "$f" | process_sql "${db[@]}" ;;
    *) echo "$0: ignoring $f" ;;
  esac
  echo
}

if [ "$1" = 'mysqld' ] && [ ! -d "$DATADIR/mysql" ]; then
  file_env MYSQL_ROOT_PASSWORD
  file_env MYSQL_DATABASE
  file_env MYSQL_USER
  file_env MYSQL_PASSWORD
  file_env MYSQL_ROOT_HOST '%'
  : "${MYSQL_ALLOW_EMPTY_PASSWORD:=}" "${MYSQL_RANDOM_ROOT_PASSWORD:=}"
  if [ -z "$MYSQL_ROOT_PASSWORD" ] && [ -z "$MYSQL_ALLOW_EMPTY_PASSWORD" ] && [ -z "$MYSQL_RANDOM_ROOT_PASSWORD" ]; then
    echo >&2 'error: Database is uninitialized and password option is not specified'
    echo >&2 '       You need to specify one of the following as an environment variable:'
    echo >&2 '       - MYSQL_ROOT_PASSWORD'
    echo >&2 '       - MYSQL_ALLOW_EMPTY_PASSWORD'
    echo >&2 '       - MYSQL_RANDOM_ROOT_PASSWORD'
    exit 1
  fi
  if [ "$MYSQL_USER" = 'root' ]; then
    echo >&2 'error: MYSQL_USER="root", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user and cannot be used for the root user'
    exit 1
  fi
  if [ -n "$MYSQL_RANDOM_ROOT_PASSWORD" ]; then
    MYSQL_ROOT_PASSWORD=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32)
    echo "GENERATED ROOT PASSWORD: $MYSQL_ROOT_PASSWORD"
  fi

  echo 'Initializing database'
  mariadb-install-db --datadir="$DATADIR" --rpm --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve --skip-log-bin >/dev/null
  echo 'Database initialized'

  # Private server: no TCP listener until init is done.
  mariadbd --skip-networking --socket="$SOCKET" --datadir="$DATADIR" "${@:2}" &
  pid=$!
  ROOT_PASSWORD_SET=
  for _ in $(seq 60); do
    if echo 'SELECT 1' | process_sql >/dev/null 2>&1; then break; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo >&2 'error: temporary server exited during init'; exit 1; fi
    sleep 0.5
  done

  if [ -z "$MYSQL_INITDB_SKIP_TZINFO" ] && [ -d /usr/share/zoneinfo ]; then
    mariadb-tzinfo-to-sql /usr/share/zoneinfo 2>/dev/null | process_sql --database=mysql
  fi

  root_pw=$(sql_escape "$MYSQL_ROOT_PASSWORD")
  root_host=$(sql_escape "$MYSQL_ROOT_HOST")
  {
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    echo "DELETE FROM mysql.global_priv WHERE User='' OR (User='root' AND Host NOT IN ('localhost'));"
    echo "DELETE FROM mysql.proxies_priv WHERE NOT (Host='localhost' AND User='root');"
    echo "FLUSH PRIVILEGES;"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$root_pw';"
    if [ "$MYSQL_ROOT_HOST" != 'localhost' ]; then
      echo "CREATE USER 'root'@'$root_host' IDENTIFIED BY '$root_pw';"
      echo "GRANT ALL ON *.* TO 'root'@'$root_host' WITH GRANT OPTION;"
    fi
    echo "DROP DATABASE IF EXISTS test;"
    if [ -n "$MYSQL_DATABASE" ]; then
      echo "CREATE DATABASE IF NOT EXISTS \`${MYSQL_DATABASE//\`/\`\`}\`;"
    fi
    if [ -n "$MYSQL_USER" ] && [ -n "$MYSQL_PASSWORD" ]; then
      user=$(sql_escape "$MYSQL_USER")
      echo "CREATE USER '$user'@'%' IDENTIFIED BY '$(sql_escape "$MYSQL_PASSWORD")';"
      if [ -n "$MYSQL_DATABASE" ]; then
        echo "GRANT ALL ON \`${MYSQL_DATABASE//\`/\`\`}\`.* TO '$user'@'%';"
      fi
    fi
  } | process_sql
  ROOT_PASSWORD_SET=${MYSQL_ROOT_PASSWORD:+1}

  if [ -d /docker-entrypoint-initdb.d ] && [ ! -r /docker-entrypoint-initdb.d ]; then
    echo >&2 "$0: warning: /docker-entrypoint-initdb.d is not readable by $(id -un); its init files are skipped"
  fi
  shopt -s nullglob
  for f in /docker-entrypoint-initdb.d/*; do process_init_file "$f"; done
  shopt -u nullglob

  kill "$pid"
  wait "$pid" || true
  echo
  echo 'MySQL init process done. Ready for start up.'
  echo
fi

exec "$@"
