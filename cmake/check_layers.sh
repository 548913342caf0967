#!/bin/sh
# check_layers.sh LAYER STAMP OBJECT...: fails when an object of the codec or
# policy layer calls I/O or reads the clock (an undefined symbol from the list
# below), naming the source file and the call. Run by the build after each
# layer's objects are compiled (cmake/PxekitLayers.cmake).
layer=$1 stamp=$2
shift 2
forbidden='socket|socketpair|bind|connect|listen|accept|accept4|send|sendto|sendmsg|sendmmsg'
forbidden="$forbidden|recv|recvfrom|recvmsg|recvmmsg|open|open64|openat|openat64|__open_2|__open64_2"
forbidden="$forbidden|__openat_2|creat|read|__read_chk|pread|pread64|write|pwrite|pwrite64|fopen|fopen64"
forbidden="$forbidden|fread|fwrite|close|ioctl|poll|ppoll|select|epoll_create|epoll_create1|epoll_ctl"
forbidden="$forbidden|epoll_wait|epoll_pwait|fork|execv|execve|execvp|posix_spawn|reboot|getenv"
forbidden="$forbidden|clock_gettime|time|gettimeofday|timerfd_create|timerfd_settime"
forbidden="$forbidden|nl_socket_alloc|nl_connect|nl_send_auto|nl_recvmsgs_default|PQconnectdb|PQexec|PQexecParams"
# std::chrono clocks, std::filesystem and file streams (mangled names).
mangled='_ZNSt6chrono3_V212(system|steady)_clock3nowEv|_ZNSt10filesystem.*|_ZNSt(14basic_[io]fstream|13basic_fstream|13basic_filebuf).*'
# demangle: C++ names as written (c++filt, from binutils like nm).
demangle() { if command -v c++filt >/dev/null 2>&1; then c++filt; else cat; fi; }
status=0
for object in "$@"; do
  calls=$(nm -u "$object" | awk '{print $NF}' | sed 's/@.*//' |
    grep -E "^($forbidden|$mangled)\$" | sort -u | demangle | tr '\n' ',' | sed 's/,$//;s/,/, /g')
  if [ -n "$calls" ]; then
    source=$(echo "$object" | sed -e 's|.*\.dir/||' -e 's|\.o$||')
    echo "layer violation: $source is in the $layer layer but calls $calls (I/O and the clock belong to the io layer)" >&2
    status=1
  fi
done
[ "$status" = 0 ] && touch "$stamp"
exit $status
