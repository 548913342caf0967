# Run a daemon under the restrictions of its systemd unit without systemd:
# PID 1 here is not systemd, so `systemd-run -p ...` cannot be used. Source
# after testlib.sh. The restrictions are read from the unit file itself, so a
# change to the unit changes what the test runs under.
#
#   unit_value UNIT KEY      the values of KEY in UNIT's [Service], one a
#                            line; an empty assignment clears the earlier ones
#   unit_exec_start UNIT     ExecStart= split into words, $VAR and ${VAR}
#                            expanded from Environment= (one a line)
#   unit_sandbox_argv UNIT MAP...
#                            those words with the unit's paths mapped
#   need_sandbox [--nobody] CMD...
#                            skips unless the sandbox can run here
#   unit_sandbox_start UNIT NS LOG MAP... -- ARGV...
#       starts ARGV in network namespace NS under UNIT's restrictions, its
#       output in LOG; sets SANDBOX_PID (the daemon's own PID: every step
#       before it execs). MAP is UNIT_PATH=TEST_PATH: the test directory that
#       stands in for a path the unit names (ReadWritePaths= of UNIT_PATH
#       makes TEST_PATH writable).
#
# What is emulated, as systemd.exec(5) describes it:
#   NoNewPrivileges=yes       setpriv --no-new-privs
#   CapabilityBoundingSet=    setpriv --bounding-set (inheritable and ambient
#   AmbientCapabilities=        sets empty: the units set no ambient ones)
#   ProtectSystem=strict      every mount read-only except /dev, /proc, /sys
#   ReadWritePaths=           and these (through MAP), in a private mount ns
#   PrivateTmp=yes            an empty tmpfs on /tmp and /var/tmp; the test's
#                             scratch directory is bound into it read-only
#   ProtectHome=yes           /home, /root, /run/user empty and read-only
#   PrivateDevices=yes        a /dev with null zero full random urandom tty
#   ProtectKernelTunables=    /proc/sys and /sys read-only
#   ProtectControlGroups=     /sys/fs/cgroup read-only
#   ProtectKernelLogs=        /proc/kmsg unreadable (/dev/kmsg is not in /dev)
#   ProtectProc=invisible     a /proc mounted with hidepid=invisible
#   ProtectHostname=yes       a UTS namespace of its own
#   UMask=                    umask
# Not emulated: the seccomp and LSM settings (SystemCallFilter=,
# SystemCallArchitectures=, RestrictAddressFamilies=, RestrictNamespaces=,
# MemoryDenyWriteExecute=, LockPersonality=, RestrictRealtime=,
# RestrictSUIDSGID=, ProtectClock=): they need systemd's own seccomp
# programs; `systemd-analyze security` (tests/lint/units_security.sh) checks
# that the units set them. SANDBOX_NOT_EMULATED lists those UNIT sets.

# unit_value UNIT KEY
unit_value() {
  awk -v key="$2" '
    /^\[/ { service = ($0 == "[Service]"); next }
    !service || /^[[:space:]]*[#;]/ { next }
    {
      i = index($0, "=")
      if (i == 0) next
      k = substr($0, 1, i - 1); v = substr($0, i + 1)
      gsub(/^[[:space:]]+|[[:space:]]+$/, "", k); gsub(/^[[:space:]]+|[[:space:]]+$/, "", v)
      if (k != key) next
      if (v == "") { n = 0; next }
      vals[++n] = v
    }
    END { for (j = 1; j <= n; j++) print vals[j] }
  ' "$1"
}

# unit_exec_start UNIT: the words of ExecStart=, with the unit's
# Environment= expanded ($VAR splits on spaces, ${VAR} is one word).
unit_exec_start() {
  local unit=$1 line word name
  local -A env=()
  while read -r -a words; do
    for word in "${words[@]}"; do
      [[ $word == *=* ]] && env[${word%%=*}]=${word#*=}
    done
  done < <(unit_value "$unit" Environment)
  line=$(unit_value "$unit" ExecStart | tail -n1)
  for word in $line; do
    if [[ $word =~ ^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$ ]]; then
      echo "${env[${BASH_REMATCH[1]}]-}"
    elif [[ $word =~ ^\$([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
      name=${BASH_REMATCH[1]}
      for word in ${env[$name]-}; do echo "$word"; done
    else
      echo "$word"
    fi
  done
}

# need_sandbox [--nobody] CMD...: skips the test unless the sandbox can run
# here: network namespaces, setpriv, unshare, nsenter, capsh, timeout and
# CMD...; with --nobody, also a user nobody for the daemon to drop to.
need_sandbox() {
  local nobody=""
  [ "${1-}" = --nobody ] && { nobody=1; shift; }
  need_netns
  need_cmd setpriv unshare nsenter capsh timeout "$@"
  [ -z "$nobody" ] || id nobody >/dev/null 2>&1 || skip "there is no user nobody to drop to"
}

# unit_sandbox_argv UNIT MAP...: the words of UNIT's ExecStart=, one a line,
# with the unit's paths mapped to the test's (sandbox_map_path):
#   mapfile -t ARGV < <(unit_sandbox_argv "$UNIT" "${MAPS[@]}")
unit_sandbox_argv() {
  local unit=$1 word
  shift
  while read -r word; do sandbox_map_path "$word" "$@"; done < <(unit_exec_start "$unit")
}

# unit_caps UNIT: CapabilityBoundingSet= as lower-case names without cap_,
# sorted, one a line (what setpriv and capsh print).
unit_caps() {
  unit_value "$1" CapabilityBoundingSet | tr ' ' '\n' | grep . |
    tr '[:upper:]' '[:lower:]' | sed 's/^cap_//' | sort -u
}

# unit_sandbox_serve PORT WHAT UNIT NS LOG MAP... -- ARGV...: the daemon
# started as unit_sandbox_start does, its PID in PID, said what is not
# emulated; returns once it listens on UDP PORT in NS, or fails the test
# ("WHAT did not start in the sandbox", with LOG) and exits.
unit_sandbox_serve() {
  local port=$1 what=$2
  shift 2
  unit_sandbox_start "$@" || { finish; exit 1; }
  PID=$SANDBOX_PID
  echo "sandbox: $(basename "$1"), not emulated (seccomp):${SANDBOX_NOT_EMULATED:- none}"
  if ! wait_udp_listen "$2" "$port" "$PID"; then
    fail "$what did not start in the sandbox" "$(cat "$3")"
    finish
    exit 1
  fi
}

# sandbox_map_path PATH MAP...: PATH with a UNIT_PATH prefix replaced by its
# TEST_PATH.
sandbox_map_path() {
  local path=$1 pair from to
  shift
  for pair in "$@"; do
    from=${pair%%=*}
    to=${pair#*=}
    if [ "$path" = "$from" ]; then
      echo "$to"
      return
    elif [[ $path == "$from"/* ]]; then
      echo "$to${path#"$from"}"
      return
    fi
  done
  echo "$path"
}

unit_sandbox_start() {
  local unit=$1 ns=$2 log=$3
  shift 3
  local -a maps=() rw=() argv=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    maps+=("$1")
    shift
  done
  shift
  argv=("$@")
  local v setting path caps
  # ReadWritePaths (a leading - means "if it exists"), mapped.
  for v in $(unit_value "$unit" ReadWritePaths); do
    path=$(sandbox_map_path "${v#-}" "${maps[@]}")
    if [ -e "$path" ]; then
      rw+=("$path")
    elif [[ $v != -* ]]; then
      fail "sandbox: ReadWritePaths=$v: $path is missing"
      return 1
    fi
  done
  # The sanitizer reports of `make check-asan` must stay writable.
  if [ -n "${PXEKIT_SANITIZER_REPORTS:-}" ] && [ -d "$PXEKIT_SANITIZER_REPORTS" ]; then
    rw+=("$PXEKIT_SANITIZER_REPORTS")
  fi

  local -a setpriv=(setpriv --inh-caps=-all --ambient-caps=-all)
  [ "$(unit_value "$unit" NoNewPrivileges)" = yes ] && setpriv+=(--no-new-privs)
  caps=$(unit_caps "$unit" | sed 's/^/+/' | paste -sd, -)
  if [ -n "$caps" ]; then setpriv+=("--bounding-set=-all,$caps"); fi

  SANDBOX_NOT_EMULATED=""
  for setting in SystemCallFilter SystemCallArchitectures RestrictAddressFamilies \
    RestrictNamespaces MemoryDenyWriteExecute LockPersonality RestrictRealtime \
    RestrictSUIDSGID ProtectClock; do
    [ -n "$(unit_value "$unit" "$setting")" ] && SANDBOX_NOT_EMULATED+=" $setting="
  done

  # The mount set-up, run as root inside the new mount namespace; then exec.
  local script
  script=$(
    cat <<'SETUP'
set -e
scratch=$1 protect_system=$2 private_tmp=$3 protect_home=$4 private_devices=$5
tunables=$6 cgroups=$7 kernel_logs=$8 protect_proc=$9 umask_value=${10} nrw=${11}
program_dir=${12}
shift 12
rw=("${@:1:$nrw}")
shift "$nrw"
# -n: libmount must not write /run/mount/utab, read-only once strict.
mount() { command mount -n "$@"; }
# Every mount must be private before anything moves (unshare does it too).
mount --make-rprivate /
is_rw() {
  local p
  for p in "${rw[@]}"; do [ "$1" = "$p" ] && return 0; done
  return 1
}
# The writable paths outside /tmp become mount points of their own, so that
# the read-only remount below passes them by.
for p in "${rw[@]}"; do
  case $p in /tmp/*) ;; *) mount --bind "$p" "$p" ;; esac
done
if [ "$private_tmp" = yes ]; then
  stage=$scratch/.sandbox-tmp
  mkdir -p "$stage"
  mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$stage"
  rel=${scratch#/tmp/}
  mkdir -p "$stage/$rel"
  mount --bind "$scratch" "$stage/$rel"
  for p in "${rw[@]}"; do
    case $p in
      "$scratch"/*) mount --bind "$p" "$stage/${p#/tmp/}" ;;
    esac
  done
  mount -o remount,bind,ro "$stage/$rel"
  # The program itself, read-only, when the build lives under /tmp (a clone
  # in /tmp, as CI and `git clone . /tmp/x` make): systemd's units run it from
  # /usr, which PrivateTmp= leaves alone.
  case $program_dir in
    "$scratch" | "$scratch"/*) ;;
    /tmp/*)
      mkdir -p "$stage/${program_dir#/tmp/}"
      mount --bind "$program_dir" "$stage/${program_dir#/tmp/}"
      mount -o remount,bind,ro "$stage/${program_dir#/tmp/}"
      ;;
  esac
  mount --move "$stage" /tmp
  mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /var/tmp
fi
if [ "$protect_proc" = invisible ]; then
  mount -t proc -o nosuid,nodev,noexec,hidepid=invisible proc /proc
fi
if [ "$protect_system" = strict ]; then
  # Deepest mount points last is not needed: remount,bind,ro changes one
  # mount at a time.
  while read -r _ _ _ _ mp _; do
    mp=$(printf '%b' "$mp")
    case $mp in
      /proc | /proc/* | /sys | /sys/* | /dev | /dev/* | /tmp | /tmp/* | /var/tmp) continue ;;
    esac
    is_rw "$mp" && continue
    mount -o remount,bind,ro "$mp" 2>/dev/null || true
  done </proc/self/mountinfo
fi
if [ "$protect_home" = yes ] || [ "$protect_home" = read-only ] || [ "$protect_home" = tmpfs ]; then
  for d in /home /root /run/user; do
    if [ -d "$d" ]; then mount -t tmpfs -o ro,mode=0755,nosuid,nodev tmpfs "$d"; fi
  done
fi
if [ "$private_devices" = yes ]; then
  dev=$(mktemp -d /tmp/dev.XXXXXX)
  mount -t tmpfs -o mode=0755,nosuid tmpfs "$dev"
  for n in null zero full random urandom tty; do
    touch "$dev/$n"
    mount --bind "/dev/$n" "$dev/$n"
  done
  mkdir "$dev/shm" "$dev/pts"
  mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$dev/shm"
  ln -s /proc/self/fd "$dev/fd"
  ln -s /proc/self/fd/0 "$dev/stdin"
  ln -s /proc/self/fd/1 "$dev/stdout"
  ln -s /proc/self/fd/2 "$dev/stderr"
  mount -o remount,bind,ro "$dev"
  mount --move "$dev" /dev
  rmdir "$dev"
fi
if [ "$kernel_logs" = yes ]; then
  mount --bind /dev/null /proc/kmsg
  mount -o remount,bind,ro /proc/kmsg
fi
if [ "$tunables" = yes ]; then
  mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys
  mount -o remount,bind,ro /sys
fi
if [ "$cgroups" = yes ] && mountpoint -q /sys/fs/cgroup; then
  mount -o remount,bind,ro /sys/fs/cgroup
fi
if [ -n "$umask_value" ]; then umask "$umask_value"; fi
exec "$@"
SETUP
  )
  local uts=()
  [ "$(unit_value "$unit" ProtectHostname)" = yes ] && uts=(--uts)
  ip netns exec "$ns" unshare --mount --propagation private "${uts[@]}" -- \
    bash -c "$script" sandbox "$SCRATCH" \
    "$(unit_value "$unit" ProtectSystem | tail -n1)" \
    "$(unit_value "$unit" PrivateTmp | tail -n1)" \
    "$(unit_value "$unit" ProtectHome | tail -n1)" \
    "$(unit_value "$unit" PrivateDevices | tail -n1)" \
    "$(unit_value "$unit" ProtectKernelTunables | tail -n1)" \
    "$(unit_value "$unit" ProtectControlGroups | tail -n1)" \
    "$(unit_value "$unit" ProtectKernelLogs | tail -n1)" \
    "$(unit_value "$unit" ProtectProc | tail -n1)" \
    "$(unit_value "$unit" UMask | tail -n1)" \
    "${#rw[@]}" "$(dirname "${argv[0]}")" "${rw[@]}" "${setpriv[@]}" -- "${argv[@]}" >>"$log" 2>&1 &
  SANDBOX_PID=$!
  BACKGROUND+=("$SANDBOX_PID")
}

# cap_names HEX: the capability names in a /proc/PID/status mask, lower case
# without cap_, sorted, one a line (capsh --decode does the decoding).
cap_names() {
  capsh --decode="$1" | sed 's/^.*=//' | tr ',' '\n' | grep . | sed 's/^cap_//' | sort -u
}

# proc_caps PID FIELD: the names in FIELD (CapEff, CapPrm, CapBnd, ...).
proc_caps() {
  local mask
  mask=$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status") || return 1
  [ -n "$mask" ] || return 1
  cap_names "$mask"
}

# man_caps PAGE: the capabilities the CAPABILITIES section of PAGE names as
# kept (its ".It Dv CAP_..." items), as unit_caps prints them.
man_caps() {
  awk '/^\.Sh /{ s = ($0 == ".Sh CAPABILITIES") } s && /^\.It Dv CAP_[A-Z_]+/ { print $3 }' "$1" |
    tr '[:upper:]' '[:lower:]' | sed 's/^cap_//' | sort -u
}

# status_field PID FIELD: e.g. NoNewPrivs, Uid.
status_field() {
  awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"
}

# sandbox_check_mounts PID RW_PATH: checks, made from inside the daemon's
# mount namespace (nsenter, as root: a read-only mount stops root too), that
# the file system is as the unit says: /usr read-only (ProtectSystem=strict),
# the test's scratch directory read-only but RW_PATH (the stand-in for
# ReadWritePaths=) writable, an empty private /var/tmp, no block devices in
# /dev, /home empty.
sandbox_check_mounts() {
  local pid=$1 rw=$2
  local in=(timeout 10 nsenter -t "$pid" -m --)
  check "sandbox: /usr is read-only (ProtectSystem=strict)" \
    '! "${in[@]}" touch /usr/.pxk-sandbox 2>/dev/null'
  check "sandbox: the test directory is read-only" \
    '! "${in[@]}" touch "$SCRATCH/.pxk-sandbox" 2>/dev/null'
  check "sandbox: $rw is writable (ReadWritePaths=)" \
    '"${in[@]}" sh -c "touch \"\$1/.pxk-sandbox\" && rm \"\$1/.pxk-sandbox\"" _ "$rw"'
  check "sandbox: /var/tmp is private and empty (PrivateTmp=yes)" \
    '[ -z "$("${in[@]}" ls -A /var/tmp)" ]'
  check "sandbox: /dev holds no disks and no kmsg (PrivateDevices=yes)" \
    '[ -z "$("${in[@]}" find /dev -type b)" ] && ! "${in[@]}" test -e /dev/kmsg'
  check "sandbox: /home is empty (ProtectHome=yes)" '[ -z "$("${in[@]}" ls -A /home)" ]'
  check "sandbox: /proc/sys is read-only (ProtectKernelTunables=yes)" \
    '"${in[@]}" grep -q "^[^ ]* [^ ]* [^ ]* [^ ]* /proc/sys [^ ]*ro[, ]" /proc/self/mountinfo'
}

# sandbox_check_caps NAME PID MAN UNIT: what the running daemon holds, from
# /proc/PID/status, against its man page's CAPABILITIES (man_caps) and its
# unit's CapabilityBoundingSet; prints both and sets MAN_CAPS and UNIT_CAPS.
sandbox_check_caps() {
  local name=$1 pid=$2 man=$3 unit=$4
  echo "$name (pid $pid): CapEff=$(status_field "$pid" CapEff)" \
    "CapPrm=$(status_field "$pid" CapPrm) CapBnd=$(status_field "$pid" CapBnd)" \
    "NoNewPrivs=$(status_field "$pid" NoNewPrivs) Uid=$(status_field "$pid" Uid)"
  MAN_CAPS=$(man_caps "$man")
  UNIT_CAPS=$(unit_caps "$unit")
  echo "$name(8) CAPABILITIES: $(echo ${MAN_CAPS:-none}); unit bounding set: $(echo $UNIT_CAPS)"
  check "CapEff is what $name(8) names" '[ "$(proc_caps "$pid" CapEff)" = "$MAN_CAPS" ]'
  check "CapPrm is what $name(8) names" '[ "$(proc_caps "$pid" CapPrm)" = "$MAN_CAPS" ]'
  check "CapInh and CapAmb are empty" \
    '[ -z "$(proc_caps "$pid" CapInh)" ] && [ -z "$(proc_caps "$pid" CapAmb)" ]'
  check "CapBnd is the unit's CapabilityBoundingSet" '[ "$(proc_caps "$pid" CapBnd)" = "$UNIT_CAPS" ]'
  check "the man page's capabilities are within the unit's bounding set" \
    '[ -z "$(comm -23 <(echo "$MAN_CAPS") <(echo "$UNIT_CAPS") | grep .)" ]'
  check "no-new-privs is set (NoNewPrivileges=yes)" '[ "$(status_field "$pid" NoNewPrivs)" = 1 ]'
}
