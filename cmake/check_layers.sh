#!/bin/sh
# check_layers.sh LAYER STAMP SOURCE_DIR IO_HEADERS OBJECT...: fails when an
# object of the codec or policy layer reaches I/O or the clock, naming the
# source file and what it reaches:
#  - a call: an undefined symbol from the list below (nm -u on the object);
#  - an include: a system header of sockets, files, processes or the clock
#    (the list below), or a header of the io layer (the file IO_HEADERS, one
#    path relative to the include directory a line), #included by the source
#    file or by any project header it reads. The files it reads are those in
#    the compiler's dependency file, OBJECT.d, which CMake has gcc and clang
#    write beside the object (-MD -MF OBJECT.d) with both the Makefile and
#    the Ninja generator; a header reached only through another system header
#    (<string> reads <unistd.h> for threads) is not the source's choice and
#    is not blamed.
# Run by the build after each layer's objects are compiled, in the directory
# the compiler ran in (cmake/PxekitLayers.cmake).
layer=$1 stamp=$2 source_dir=$(realpath "$3") io_headers=$4
shift 4
forbidden='socket|socketpair|bind|connect|listen|accept|accept4|send|sendto|sendmsg|sendmmsg'
forbidden="$forbidden|recv|recvfrom|recvmsg|recvmmsg|open|open64|openat|openat64|__open_2|__open64_2"
forbidden="$forbidden|__openat_2|creat|read|__read_chk|pread|pread64|write|pwrite|pwrite64|fopen|fopen64"
forbidden="$forbidden|fread|fwrite|close|ioctl|poll|ppoll|select|epoll_create|epoll_create1|epoll_ctl"
forbidden="$forbidden|epoll_wait|epoll_pwait|fork|execv|execve|execvp|posix_spawn|reboot|getenv"
forbidden="$forbidden|clock_gettime|time|gettimeofday|timerfd_create|timerfd_settime"
forbidden="$forbidden|nl_socket_alloc|nl_connect|nl_send_auto|nl_recvmsgs_default|PQconnectdb|PQexec|PQexecParams"
# std::chrono clocks, std::filesystem and file streams (mangled names).
mangled='_ZNSt6chrono3_V212(system|steady)_clock3nowEv|_ZNSt10filesystem.*|_ZNSt(14basic_[io]fstream|13basic_fstream|13basic_filebuf).*'
# Headers whose only use is I/O or the clock (extended regular expressions
# over the name between <>). Not listed, on purpose:
#  <chrono>, <ctime>  a policy takes `now` as a time_point and does calendar
#                     arithmetic; reading the clock is a call, caught above;
#  <cstring>, <cerrno>, OpenSSL, <netlink/msg.h> <netlink/attr.h>
#                     <netlink/genl/genl.h>: building bytes in memory.
# <arpa/inet.h> and <netinet/*> are the socket API's headers (they include
# <sys/socket.h>): byte order and address text belong to lib/util.
headers='sys/socket\.h|sys/un\.h|netinet/.*|arpa/.*|netdb\.h|net/.*|netpacket/.*|linux/if_packet\.h'
headers="$headers|sys/epoll\.h|poll\.h|sys/poll\.h|sys/select\.h|sys/ioctl\.h|sys/timerfd\.h"
headers="$headers|sys/eventfd\.h|sys/signalfd\.h|sys/time\.h|unistd\.h|fcntl\.h|sys/stat\.h|sys/mman\.h"
headers="$headers|sys/sendfile\.h|dirent\.h|sys/wait\.h|spawn\.h|signal\.h|csignal|sys/reboot\.h|pwd\.h|grp\.h"
headers="$headers|sys/capability\.h|sys/prctl\.h|stdio\.h|cstdio|fstream|filesystem|iostream"
headers="$headers|netlink/socket\.h|netlink/cache\.h|netlink/netlink\.h|netlink/route/.*|netlink/genl/ctrl\.h"
headers="$headers|libpq-fe\.h"
# demangle: C++ names as written (c++filt, from binutils like nm).
demangle() { if command -v c++filt >/dev/null 2>&1; then c++filt; else cat; fi; }
# project_files DEPFILE: the files of SOURCE_DIR that the compiler read, one
# a line, relative to SOURCE_DIR (the source file first).
project_files() {
  sed -e 's/\\$//' -e 's/^[^:]*: *//' "$1" | tr ' ' '\n' | sed '/^$/d' |
    xargs realpath -m --relative-base="$source_dir" | grep -v '^/'
}
# forbidden_includes FILE...: for each FILE (relative to SOURCE_DIR) that is
# not an io header itself (its own includes are its business: it is blamed
# itself), each forbidden header it #includes, as <name> or "name", followed
# by " through FILE" when FILE is not the first one (the source file).
forbidden_includes() {
  printf '%s\n' "$@" | HEADERS_RE="^($headers)\$" awk -v dir="$source_dir" -v iolist="$io_headers" '
    BEGIN { while ((getline l < iolist) > 0) if (l != "") io[l] = 1 }
    function is_io(path,   rest) {
      for (rest = path; ; sub(/^[^\/]*\//, "", rest)) {
        if (rest in io) return 1
        if (index(rest, "/") == 0) return 0
      }
    }
    NR == 1 { first = $0 }
    is_io($0) { next }
    {
      file = dir "/" $0
      while ((getline line < file) > 0) {
        if (line !~ /^[ \t]*#[ \t]*include[ \t]*[<"]/) continue
        sub(/^[ \t]*#[ \t]*include[ \t]*/, "", line)
        if (!match(line, /^(<[^>]*>|"[^"]*")/)) continue
        name = substr(line, 1, RLENGTH)
        bare = substr(name, 2, length(name) - 2)
        bad = substr(name, 1, 1) == "<" ? bare ~ ENVIRON["HEADERS_RE"] : (bare in io)
        if (bad) print name ($0 == first ? "" : " through " $0)
      }
      close(file)
    }'
}
status=0
for object in "$@"; do
  source=$(echo "$object" | sed -e 's|.*\.dir/||' -e 's|\.o$||')
  calls=$(nm -u "$object" | awk '{print $NF}' | sed 's/@.*//' |
    grep -E "^($forbidden|$mangled)\$" | sort -u | demangle | tr '\n' ',' | sed 's/,$//;s/,/, /g')
  if [ -n "$calls" ]; then
    echo "layer violation: $source is in the $layer layer but calls $calls (I/O and the clock belong to the io layer)" >&2
    status=1
  fi
  if [ ! -f "$object.d" ]; then
    echo "layer check: $source: no dependency file $object.d, so its includes cannot be checked" >&2
    status=1
    continue
  fi
  found=$(forbidden_includes $(project_files "$object.d"))
  if [ -n "$found" ]; then
    echo "$found" | while read -r header; do
      echo "layer violation: $source is in the $layer layer but includes $header (sockets, files, processes and the clock belong to the io layer)" >&2
    done
    status=1
  fi
done
[ "$status" = 0 ] && touch "$stamp"
exit $status
