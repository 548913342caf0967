#!/usr/bin/env bash
# pxe-exports against the real exportfs (nfs-utils 2.6.2, Debian 12).
#
# How it runs: this machine's kernel may have no nfsd, and the host's NFS
# configuration must not change, so exportfs runs in a private mount and
# network namespace (tests/support/exportfs_ns.sh): /etc is an overlay whose
# writes land in the scratch directory (/etc/exports and /etc/exports.d are
# the test's), /var/lib/nfs is a tmpfs. There `exportfs -ra` parses the
# files exactly as on a server, prints its complaints on stderr, exits 1 on
# an error, and writes what it exported to /var/lib/nfs/etab, which the test
# reads; with no nfsd in the new network namespace it reaches no kernel
# export table.
#
#  1. exportfs reads what `pxe-exports line` writes without a complaint, and
#     etab shows the path escaped the same way and every option of the line.
#  2. the same for what `pxe-exports add` merges into
#     /etc/exports.d/pxekit.exports; `add --reload` runs this exportfs -ra
#     (etab then holds the new entry), and when exportfs fails, pxe-exports
#     fails and reports exportfs's own message.
#  3. a table of tricky lines: `pxe-exports check --no-path-check` and
#     exportfs give each the verdict the table expects. exportfs's verdict is
#     "error" when it exits non-zero or complains on stderr (a warning such as
#     "No host name given" means the line does not export what it says),
#     "ok" otherwise. The rows where the two differ on purpose say why.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/exportfs_ns.sh"
exportfs_ns_setup
[ -x "$PXEKIT_BIN/pxe-exports" ] || skip "pxe-exports is not built in this tree"
PXE=$PXEKIT_BIN/pxe-exports

D=$SCRATCH/srv
mkdir -p "$D/root" "$D/with space" "$D/iso" "$D/q\"uote" "$D/a" "$D/b" "$D/c" "$D/x"

# etab_opts FILE PATH-FIELD CLIENT: the option list etab gives CLIENT for the
# path written as PATH-FIELD, commas around it (",rw,sync,...,").
etab_opts() {
  # ENVIRON, not -v: awk would decode the \040 of the path field.
  P=$2 C=$3 awk '$1 == ENVIRON["P"] { c = ENVIRON["C"]
    i = index($2, "(")
    if (substr($2, 1, i - 1) == c) {
      o = substr($2, i + 1); sub(/\)$/, "", o); print "," o ","; exit } }' "$1"
}

# has_all_options LINE ETAB: every client(options) of the exports LINE (a
# trailing comment aside) is in ETAB under the same path field with each of
# its options; etab writes fsid=root as fsid=0.
has_all_options() {
  local - line=$1 etab=$2 path client opts o got token
  set -f
  line=${line%% #*}
  path=${line%% *}
  for token in ${line#* }; do
    client=${token%%(*}
    opts=${token#*(}
    opts=${opts%)}
    got=$(etab_opts "$etab" "$path" "$client")
    [ -n "$got" ] || { echo "etab has no $client for $path"; return 1; }
    for o in ${opts//,/ }; do
      [ "$o" = fsid=root ] && o=fsid=0
      case $got in
        *",$o,"*) ;;
        *) echo "etab lacks $o for $client $path: $got"; return 1 ;;
      esac
    done
  done
}

# ---------------------------------------------------------------- 1. line
: >"$SCRATCH/lines"
line_case() {  # line_case ARGS...: one `pxe-exports line`, kept in $SCRATCH/lines
  local out rc
  out=$("$PXE" line "$@" 2>"$SCRATCH/line.err")
  rc=$?
  check "pxe-exports line $* (rc $rc)" '[ "$rc" = 0 ] && [ -n "$out" ]' ||
    cat "$SCRATCH/line.err" >&2
  printf '%s\n' "$out" >>"$SCRATCH/lines"
}
line_case "$D/root" 10.0.0.21 --rw --no-root-squash --async
line_case "$D/with space" 10.0.0.0/24,10.9.0.0/255.255.0.0 --ro --fsid 7 --sec sys:krb5
line_case "$D/iso" '*' --ro --subtree-check --option anonuid=1000 --option anongid=1000
line_case "$D/q\"uote" @lab --rw --all-squash --fsid root
line_case "$D/a" 2001:db8::/64 --ro --option insecure --option crossmnt

in_exportfs_ns 'cp "$1" /etc/exports && exportfs -ra 2>"$1.err"; echo $? >"$1.rc"
  cp /var/lib/nfs/etab "$1.etab"' "$SCRATCH/lines"
check "exportfs -ra takes every line pxe-exports line wrote (rc $(cat "$SCRATCH/lines.rc"))" \
  '[ "$(cat "$SCRATCH/lines.rc")" = 0 ]'
check "exportfs has no complaint about them (not even a warning)" \
  '[ ! -s "$SCRATCH/lines.err" ]' || cat "$SCRATCH/lines" "$SCRATCH/lines.err" >&2
while IFS= read -r line; do
  [ -n "$line" ] || continue
  why=$(has_all_options "$line" "$SCRATCH/lines.etab")
  check "etab shows $line" '[ -z "$why" ]' ||
    printf '%s\n' "$why" "--- etab" "$(cat "$SCRATCH/lines.etab")" >&2
done <"$SCRATCH/lines"
check "etab escapes the blank in the path as pxe-exports line does" \
  'grep -q "^$D/with\\\\040space	" "$SCRATCH/lines.etab"' || cat "$SCRATCH/lines.etab" >&2

# ------------------------------------------------------------------ 2. add
# Inside the namespace pxe-exports add writes /etc/exports.d/pxekit.exports
# (its default) and --reload runs the sandboxed exportfs -ra.
in_exportfs_ns '
  out=$1 pxe=$2 d=$3
  "$pxe" add "$d/b" 10.0.1.0/24 --rw --no-root-squash >"$out/add1.out" 2>&1
  echo $? >"$out/add1.rc"
  "$pxe" add "$d/b" 10.0.1.0/24 --rw --no-root-squash >>"$out/add1.out" 2>&1
  echo $? >>"$out/add1.rc"
  cp /etc/exports.d/pxekit.exports "$out/pxekit.exports"
  exportfs -ra 2>"$out/add1.err"; echo $? >"$out/add1.exportfs.rc"
  cp /var/lib/nfs/etab "$out/add1.etab"

  : >/var/lib/nfs/etab
  "$pxe" add "$d/c" 10.0.2.5 --ro --reload >"$out/reload.out" 2>&1
  echo $? >"$out/reload.rc"
  cp /var/lib/nfs/etab "$out/reload.etab"

  printf "%s 10.0.3.9(RW,sync,no_subtree_check)\n" "$d/x" >/etc/exports
  "$pxe" add "$d/x" 10.0.3.10 --ro --reload >"$out/bad.out" 2>&1
  echo $? >"$out/bad.rc"
' "$SCRATCH" "$PXE" "$D"
check "pxe-exports add succeeds twice (rc $(tr '\n' ' ' <"$SCRATCH/add1.rc"))" \
  '[ "$(tr "\n" " " <"$SCRATCH/add1.rc")" = "0 0 " ]' || cat "$SCRATCH/add1.out" >&2
check "exportfs -ra takes /etc/exports.d/pxekit.exports silently" \
  '[ "$(cat "$SCRATCH/add1.exportfs.rc")" = 0 ] && [ ! -s "$SCRATCH/add1.err" ]' ||
  cat "$SCRATCH/pxekit.exports" "$SCRATCH/add1.err" >&2
added=$(grep -v '^#' "$SCRATCH/pxekit.exports" | grep -F "$D/b ")
check "the file holds one line for the path after two identical adds" \
  '[ "$(printf "%s\n" "$added" | grep -c .)" = 1 ]' || cat "$SCRATCH/pxekit.exports" >&2
why=$(has_all_options "$added" "$SCRATCH/add1.etab")
check "etab shows what pxe-exports add wrote ($added)" '[ -z "$why" ]' ||
  printf '%s\n' "$why" >&2
check "etab: rw and no_root_squash for 10.0.1.0/24" \
  'o=$(etab_opts "$SCRATCH/add1.etab" "$D/b" 10.0.1.0/24);
   [[ $o == *,rw,* && $o == *,no_root_squash,* ]]'

check "pxe-exports add --reload succeeds (rc $(cat "$SCRATCH/reload.rc"))" \
  '[ "$(cat "$SCRATCH/reload.rc")" = 0 ]' || cat "$SCRATCH/reload.out" >&2
check "--reload ran exportfs -ra: etab holds the new entry" \
  'o=$(etab_opts "$SCRATCH/reload.etab" "$D/c" 10.0.2.5); [[ $o == *,ro,* ]]' ||
  cat "$SCRATCH/reload.etab" >&2
check "--reload fails when exportfs does (rc $(cat "$SCRATCH/bad.rc"))" \
  '[ "$(cat "$SCRATCH/bad.rc")" != 0 ]' || cat "$SCRATCH/bad.out" >&2
check "and reports exportfs's own message" \
  'grep -q "unknown keyword \"RW\"" "$SCRATCH/bad.out"' || cat "$SCRATCH/bad.out" >&2

# -------------------------------------------------------------- 3. table
# EXPORTFS-VERDICT|CHECK-VERDICT|LINE (with @D for the scratch directory)
# |WHY when the verdicts differ on purpose.
TABLE=$(
  cat <<'EOF'
ok|ok|@D/a 10.0.0.1(rw,sync,no_subtree_check)||
error|error|@D/a 10.0.0.1 (rw,sync,no_subtree_check)|| space before "(": exportfs exports rw to the world
error|error|@D/a (rw,sync,no_subtree_check)||
error|error|@D/a 10.0.0.1(RW,sync,no_subtree_check)|| keywords are case-sensitive
error|error|@D/a 10.0.0.1(rw,Sync,no_subtree_check)||
error|error|@D/a 10.0.0.1(rw,nosuch,sync,no_subtree_check)||
error|error|@D/a 10.0.0.1(rw,anonuid=abc,sync,no_subtree_check)||
error|error|@D/a 10.0.0.1(rw,anongid=1x,sync,no_subtree_check)||
ok|ok|@D/a 10.0.0.1(rw,anonuid=1000,anongid=-1,sync,no_subtree_check)||
error|error|@D/a 10.0.0.1(rw, sync,no_subtree_check)|| whitespace inside the option list
error|error|@D/a 10.0.0.1(rw,sync,no_subtree_check)#note|| comment glued to the options
ok|ok|@D/a 10.0.0.1(rw,sync,no_subtree_check) # note||
ok|ok|@D/a 2001:db8::1(rw,sync,no_subtree_check)||
ok|ok|@D/a 2001:db8::/64(ro,sync,no_subtree_check)||
ok|ok|@D/a 10.1.0.0/16(ro,sync,no_subtree_check)||
ok|ok|@D/a 10.1.0.0/255.255.0.0(ro,sync,no_subtree_check)||
ok|ok|@D/a @lab(ro,sync,no_subtree_check)||
ok|ok|@D/a *.lab.example(ro,sync,no_subtree_check)||
ok|ok|"@D/with space" 10.0.0.1(ro,sync,no_subtree_check)||
ok|ok|@D/with\040space 10.0.0.1(ro,sync,no_subtree_check)||
error|error|"@D/with space 10.0.0.1(ro,sync,no_subtree_check)|| unbalanced quote
ok|ok|@D/a \\\n   10.0.0.1(ro,sync,no_subtree_check)|| continuation line
ok|ok|@D/a -rw,sync,no_subtree_check 10.0.0.1 10.0.0.2(ro)|| default options
error|error|@D/a 10.0.0.1|| no options and no defaults
error|error|@D/a 10.0.0.1(rw,fsid=xyz,sync,no_subtree_check)||
error|error|@D/a 10.0.0.1(rw,sec=krb9,sync,no_subtree_check)||
ok|ok|@D/a 10.0.0.1(rw,sec=sys:krb5p,sync,no_subtree_check)||
ok|ok|@D/a 10.0.0.1(ro,sync,no_subtree_check,mp)||
ok|ok|@D/a gss/krb5i(rw,sync,no_subtree_check)|| deprecated (check warns)
ok|ok|@D/a *(rw,no_root_squash,async,no_subtree_check)|| root for the world: check warns
ok|ok|@D/a 10.0.0.1(ro,fsid=root,sync,no_subtree_check)||
ok|ok|@D/a 10.0.0.1(ro,fsid=0123456789abcdef0123456789abcdef,sync,no_subtree_check)||
error|error|@D/a 10.0.0.1(ro,fsid=0123456789abcdef0123456789abcde,sync,no_subtree_check)|| a UUID needs 32 hex digits
error|error|@D/a 10.0.0.1(ro,anonuid=,sync,no_subtree_check)||
error|error|@D/a 10.0.0.1(ro,rw=x,sync,no_subtree_check)||
error|ok|@D/a 10.0.0.1(rw,sync)|| exportfs warns that neither subtree_check nor no_subtree_check is given; check warns too, without failing
ok|error|@D/a 10.0.0.1(ro,rw,sync,no_subtree_check)|| exportfs silently lets the last of ro/rw win; check calls the contradiction an error
ok|error|@D/a [2001:db8::1](rw,sync,no_subtree_check)|| exportfs takes [..] for a name pattern that never matches an address
ok|error|@D/a 10.0.0.*(rw,sync,no_subtree_check)|| exportfs takes 10.0.0.* for a host name pattern; it never matches an IP
ok|error|@D/a 10.1.0.0/255.0.255.0(ro,sync,no_subtree_check)|| exportfs takes a non-contiguous netmask without a word
EOF
)

n=0
rows=()
while IFS='|' read -r want_exportfs want_check line _ why; do
  [ -n "$line" ] || continue
  n=$((n + 1))
  line=${line//@D/$D}
  printf '%b\n' "${line//\\040/\\\\040}" >"$SCRATCH/row$n"
  rows+=("$SCRATCH/row$n")
done <<<"$TABLE"
check "the table has its $n rows" '[ "$n" -ge 30 ]'

in_exportfs_ns 'for f in "$@"; do
    cp "$f" /etc/exports
    exportfs -ra 2>"$f.err"
    echo $? >"$f.rc"
  done' "${rows[@]}"

n=0
while IFS='|' read -r want_exportfs want_check line _ why; do
  [ -n "$line" ] || continue
  n=$((n + 1))
  f=$SCRATCH/row$n
  rc=$(cat "$f.rc")
  if [ "$rc" = 0 ] && [ ! -s "$f.err" ]; then got_exportfs=ok; else got_exportfs=error; fi
  "$PXE" check --no-path-check "$f" >"$f.check" 2>&1
  rc=$?
  case $rc in
    0) got_check=ok ;;
    65) got_check=error ;;
    *) got_check="exit $rc" ;;
  esac
  label="row $n: $(head -c 70 "$f" | tr '\n' ' ')${why:+ (${why# })}"
  check "exportfs: $label -> $want_exportfs" '[ "$got_exportfs" = "$want_exportfs" ]' ||
    cat "$f.err" >&2
  check "check: $label -> $want_check" '[ "$got_check" = "$want_check" ]' ||
    cat "$f.check" >&2
done <<<"$TABLE"

finish
