#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the lease store tests: initdb and pg_ctl
# from Debian's postgresql-15 in a temporary directory, run as an
# unprivileged user (nobody when we are root, else ourselves), listening on
# a Unix socket in that directory only (listen_addresses = ''). It never
# touches a host cluster, and it is stopped and removed by a trap.
#
# Sourced (after testlib.sh, whose cleanup it chains):
#   pg_cluster_start     make and start it; sets PG_CLUSTER_DIR and
#                        PG_CONNINFO (a libpq connection string)
#   pg_cluster_stop [MODE]   pg_ctl stop -m MODE (fast)
#   pg_cluster_restart       start it again after a stop
# Run, for the C++ test that stops the database under a live connection:
#   pg_cluster.sh ctl DIR stop [MODE] | ctl DIR start

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# _pg_as CMD...: run CMD as the cluster's owner.
_pg_as() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u nobody -- "$@"
  else
    "$@"
  fi
}

_pg_ctl() {
  local dir=$1
  shift
  _pg_as "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 "$@" \
    >/dev/null
}

# pg_cluster_missing: why a cluster cannot be made here ("" if it can).
pg_cluster_missing() {
  if [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
    echo "no $PG_BIN/initdb or pg_ctl (install postgresql-15)"
  elif [ "$(id -u)" -eq 0 ] && ! id nobody >/dev/null 2>&1; then
    echo "running as root and there is no user nobody to own the cluster"
  elif [ "$(id -u)" -eq 0 ] && ! command -v runuser >/dev/null; then
    echo "running as root and there is no runuser to drop to nobody"
  fi
}

_pg_cleanup() {
  if [ -n "${PG_CLUSTER_DIR:-}" ] && [ -d "$PG_CLUSTER_DIR" ]; then
    if [ -f "$PG_CLUSTER_DIR/data/postmaster.pid" ]; then
      _pg_ctl "$PG_CLUSTER_DIR" stop -m immediate 2>/dev/null || true
    fi
    rm -rf "$PG_CLUSTER_DIR"
  fi
}

pg_cluster_start() {
  local why
  why=$(pg_cluster_missing)
  if [ -n "$why" ]; then
    echo "pg_cluster: $why" >&2
    return 1
  fi
  PG_CLUSTER_DIR=$(mktemp -d /tmp/pxekit-pg.XXXXXX) || return 1
  if declare -F cleanup >/dev/null; then
    trap '_pg_cleanup; cleanup' EXIT
  else
    trap _pg_cleanup EXIT
  fi
  trap 'exit 130' INT TERM
  [ "$(id -u)" -eq 0 ] && chown nobody "$PG_CLUSTER_DIR"
  if ! _pg_as "$PG_BIN/initdb" -D "$PG_CLUSTER_DIR/data" -U postgres \
    --auth=trust -E UTF8 --no-instructions >"$PG_CLUSTER_DIR/initdb.log" 2>&1; then
    echo "pg_cluster: initdb failed:" >&2
    cat "$PG_CLUSTER_DIR/initdb.log" >&2
    return 1
  fi
  {
    echo "listen_addresses = ''"
    echo "unix_socket_directories = '$PG_CLUSTER_DIR'"
    echo "max_connections = 40"
    echo "shared_buffers = 16MB"
  } >>"$PG_CLUSTER_DIR/data/postgresql.conf"
  if ! _pg_ctl "$PG_CLUSTER_DIR" start; then
    echo "pg_cluster: the server did not start:" >&2
    cat "$PG_CLUSTER_DIR/server.log" >&2
    return 1
  fi
  PG_CONNINFO="host=$PG_CLUSTER_DIR user=postgres dbname=postgres"
  export PG_CLUSTER_DIR PG_CONNINFO
}

# need_pg_cluster: skip the test unless a throwaway cluster can be made.
need_pg_cluster() {
  local why
  why=$(pg_cluster_missing)
  [ -z "$why" ] || skip "$why"
}

# pg_test_store DB: the throwaway cluster with a database DB in it, or the
# test fails and exits; STORE is its conninfo (pxe-dhcpd --lease-store).
pg_test_store() {
  pg_cluster_start || { fail "start a throwaway PostgreSQL cluster"; finish; exit 1; }
  psql -q "$PG_CONNINFO" -c "CREATE DATABASE $1" >/dev/null || {
    fail "create database"; finish; exit 1; }
  STORE="$PG_CONNINFO dbname=$1"
}

# sql QUERY: its rows from the database $STORE, unaligned.
sql() { psql -At "$STORE" -c "$1"; }

pg_cluster_stop() { _pg_ctl "$PG_CLUSTER_DIR" stop -m "${1:-fast}"; }
pg_cluster_restart() { _pg_ctl "$PG_CLUSTER_DIR" start; }

if [ "${BASH_SOURCE[0]}" == "$0" ]; then
  case ${1-}:${3-} in
    ctl:stop) _pg_ctl "$2" stop -m "${4:-fast}" ;;
    ctl:start) _pg_ctl "$2" start ;;
    *)
      echo "usage: pg_cluster.sh ctl DIR stop [MODE] | ctl DIR start" >&2
      exit 64
      ;;
  esac
fi
