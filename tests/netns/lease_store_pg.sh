#!/usr/bin/env bash
# The PostgreSQL lease store against a real server (issue 14): a throwaway
# cluster of our own (tests/support/pg_cluster.sh: a temporary directory,
# an unprivileged owner, a Unix socket only), then pg_store_check: schema
# init twice, a lease read back, two connections racing for the same
# addresses, renewals through either, and the database stopped and
# restarted under a live connection. Not a netns test, but a server one:
# here so that it runs alone.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/pg_cluster.sh"

need_pg_cluster
CHECKER=$PXEKIT_TEST_BIN/pg_store_check
[ -x "$CHECKER" ] || skip "$CHECKER is not built"

pg_cluster_start || { fail "start a throwaway PostgreSQL cluster"; finish; exit 1; }

out=$SCRATCH/check.out
PXEKIT_PG_CONNINFO=$PG_CONNINFO \
  PXEKIT_PG_CLUSTER="bash $PXEKIT_SRC/tests/support/pg_cluster.sh ctl $PG_CLUSTER_DIR" \
  timeout -k 5 240 "$CHECKER" >"$out" 2>&1
rc=$?
check "pg_store_check passes" '[ $rc -eq 0 ]' || {
  cat "$out" >&2
  echo "--- server log:" >&2
  tail -n 30 "$PG_CLUSTER_DIR/server.log" >&2
}
check "pg_store_check ran its cases" 'grep -q "All tests passed" "$out"' ||
  cat "$out" >&2
# The cluster listened on its socket only.
check "no TCP listener" \
  '! grep -q "listening on IPv" "$PG_CLUSTER_DIR/server.log"' ||
  cat "$PG_CLUSTER_DIR/server.log" >&2

finish
