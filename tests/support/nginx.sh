# shellcheck shell=bash
# nginx serving a boot tree over HTTP inside a test's own network namespace:
# the HTTP boot tests (tests/netns/boot_http_*.sh) and tests/bench/http_boot.sh.
# Source it after pxeboot.sh, then:
#
#   nginx_start NETNS ADDR PORT ROOT DIR   # config, logs, temp files in DIR
#   nginx_fetched /vmlinuz                 # access-log lines of 200 GETs
#   nginx_stop                             # by its PID (pxeboot's cleanup too)
#
# nginx runs in the foreground ("daemon off") on a config of its own: its own
# prefix, PID file, error and access logs and temp paths, all under DIR,
# listening only on ADDR:PORT (an address of the namespace). It never touches
# /etc/nginx or /var/log/nginx and is never a host service. The binary comes
# from Debian's nginx (tests/packages/http.txt lists nginx-light, which
# depends on it).

NGINX_BIN=${PXEKIT_NGINX:-/usr/sbin/nginx}
NGINX_PID=""
NGINX_DIR=""
NGINX_ACCESS_LOG=""
NGINX_URL=""  # http://ADDR:PORT, after nginx_start

# http_boot_needs: the skips of an HTTP boot test (testlib.sh's skip, with
# the reason): root and namespaces, a tap device, the pxekit programs, the
# boot's packages and nginx.
http_boot_needs() {
  local missing
  need_netns
  [ -c /dev/net/tun ] || skip "/dev/net/tun is missing: QEMU needs a tap device"
  missing=$(pxeboot_missing_tools "$PXEKIT_BIN")
  [ -z "$missing" ] ||
    skip "not built in $PXEKIT_BIN: $missing (run make); this boot is served by them alone"
  pxeboot_check_packages check >/dev/null 2>&1 ||
    skip "missing Debian packages for the boot: $(pxeboot_check_packages check 2>&1 | head -n1)"
  # shellcheck disable=SC2046
  "$PXEBOOT_SRC/tests/support/packages.sh" check $(sed -e 's/#.*//' "$PXEBOOT_SRC/tests/packages/http.txt") \
    >/dev/null 2>&1 || skip "nginx is not installed (tests/packages/http.txt; make check installs it)"
}

# nginx_config ADDR PORT ROOT DIR: the config, on standard output. The access
# log line is "ADDR "METHOD URI PROTO" STATUS BYTES SECONDS": what a test
# asserts on (which file, answered how, and all of it or not).
nginx_config() {
  local addr=$1 port=$2 root=$3 dir=$4
  cat <<EOF
# Written by pxekit's tests/support/nginx.sh for one test run.
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log info;
events { worker_connections 64; }
http {
  log_format pxekit '\$remote_addr "\$request" \$status \$body_bytes_sent \$request_time';
  access_log $dir/access.log pxekit;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  types { application/efi efi; text/plain ipxe cfg; }
  default_type application/octet-stream;
  sendfile on;
  server_tokens off;
  server {
    listen $addr:$port;
    root $root;
    autoindex off;
  }
}
EOF
}

# nginx_start NETNS ADDR PORT ROOT DIR: starts nginx in NETNS and waits (at
# most 10 s) until it listens on ADDR:PORT. Its PID joins
# PXEBOOT_SERVER_PIDS, so that pxeboot's cleanup ends it too.
nginx_start() {
  local ns=$1 addr=$2 port=$3 root=$4 dir=$5 i
  [ -x "$NGINX_BIN" ] || { echo "nginx: $NGINX_BIN is missing (install nginx-light)" >&2; return 1; }
  [ -z "$NGINX_PID" ] || { echo "nginx: already running (pid $NGINX_PID)" >&2; return 1; }
  mkdir -p "$dir/tmp" || return 1
  NGINX_DIR=$dir
  NGINX_ACCESS_LOG=$dir/access.log
  nginx_config "$addr" "$port" "$root" "$dir" >"$dir/nginx.conf" || return 1
  : >"$NGINX_ACCESS_LOG"
  # -e: the error log from the very start (else /var/log/nginx/error.log).
  ip netns exec "$ns" "$NGINX_BIN" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" \
    </dev/null >"$dir/stdout.log" 2>&1 &
  NGINX_PID=$!
  PXEBOOT_SERVER_PIDS+=("$NGINX_PID")
  for i in $(seq 100); do
    if ! kill -0 "$NGINX_PID" 2>/dev/null; then
      echo "nginx: exited at start:" >&2
      cat "$dir/stdout.log" "$dir/error.log" >&2 2>/dev/null
      NGINX_PID=""
      return 1
    fi
    if ip netns exec "$ns" ss -Hltn "src $addr and sport = :$port" 2>/dev/null | grep -q .; then
      NGINX_URL=http://$addr:$port
      return 0
    fi
    sleep 0.1
  done
  echo "nginx: not listening on $addr:$port after 10 s" >&2
  tail -n 20 "$dir/error.log" >&2 2>/dev/null
  nginx_stop
  return 1
}

# nginx_stop: ends nginx by its PID (SIGTERM; SIGKILL after 5 s).
nginx_stop() {
  local i pid=$NGINX_PID
  [ -n "$pid" ] || return 0
  NGINX_PID=""
  kill "$pid" 2>/dev/null
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  local kept=()
  for i in "${PXEBOOT_SERVER_PIDS[@]}"; do [ "$i" = "$pid" ] || kept+=("$i"); done
  PXEBOOT_SERVER_PIDS=("${kept[@]}")
  return 0
}

# nginx_fetched URI: the access-log lines of GET URI answered 200 (one a
# line; empty when it was never served whole).
nginx_fetched() {
  awk -v uri="$1" '$2 == "\"GET" && $3 == uri && $5 == 200' "$NGINX_ACCESS_LOG" 2>/dev/null
}

# nginx_sent URI: the bytes of the last 200 answer to GET URI (empty if none).
nginx_sent() {
  nginx_fetched "$1" | tail -n1 | awk '{ print $6 }'
}
