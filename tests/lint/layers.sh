#!/usr/bin/env bash
# The build enforces the layers: a codec file that calls socket(), or a policy
# file that reads the clock, fails the build with a message naming the file
# and the call; one that #includes a socket, file or clock header, or a header
# of the io layer, directly or through a project header, fails it naming the
# file and the header. A scratch CMake project uses the same rule as the real
# build (cmake/PxekitLayers.cmake, cmake/check_layers.sh) on deliberately
# violating files, and on clean ones, which must build.

source "$PXEKIT_SRC/tests/support/testlib.sh"
need_cmd cmake c++ nm

project=$SCRATCH/project
mkdir -p "$project"
cat >"$project/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.18)
project(layers_check LANGUAGES CXX)
include($PXEKIT_SRC/cmake/PxekitLayers.cmake)
file(GLOB codec \${CMAKE_SOURCE_DIR}/codec/*.cc)
file(GLOB policy \${CMAKE_SOURCE_DIR}/policy/*.cc)
include_directories(\${CMAKE_SOURCE_DIR}/include)
set(PXEKIT_LAYER_IO_HEADERS io/udp.h)
pxekit_layer(scratch_codec codec \${codec})
pxekit_layer(scratch_policy policy \${policy})
CMAKE
mkdir -p "$project/codec" "$project/policy" "$project/include/io" "$project/include/codec"
# A header of the io layer, and a codec header that uses it.
cat >"$project/include/io/udp.h" <<'H'
#pragma once
#include <sys/socket.h>
inline int UdpSocket() { return socket(AF_INET, SOCK_DGRAM, 0); }
H
cat >"$project/include/codec/clean.h" <<'H'
#pragma once
#include <cstdint>
#include <string>
H
cat >"$project/codec/clean_codec.cc" <<'CC'
#include "codec/clean.h"
#include <cstdint>
#include <vector>
std::vector<std::uint8_t> Encode(std::uint32_t v) {
  return {std::uint8_t(v >> 24), std::uint8_t(v >> 16), std::uint8_t(v >> 8), std::uint8_t(v)};
}
CC
cat >"$project/policy/clean_policy.cc" <<'CC'
#include <chrono>
bool Expired(std::chrono::steady_clock::time_point now, std::chrono::steady_clock::time_point end) {
  return now >= end;
}
CC

# build DIR: configure and build the scratch project; output in DIR.log.
build() {
  cmake -S "$project" -B "$1" >"$1.log" 2>&1 && cmake --build "$1" >>"$1.log" 2>&1
}

check "clean codec and policy files build" 'build "$SCRATCH/clean"' ||
  cat "$SCRATCH/clean.log" >&2

cat >"$project/codec/bad_codec.cc" <<'CC'
#include <sys/socket.h>
int OpenSocket() { return socket(AF_INET, SOCK_DGRAM, 0); }
CC
check "a codec file calling socket() fails the build" '! build "$SCRATCH/codec"'
message=$(grep 'layer violation' "$SCRATCH/codec.log")
echo "$message"
check "the message names the codec file and socket" \
  '[[ "$message" == *"codec/bad_codec.cc is in the codec layer but calls socket ("* ]]' ||
  cat "$SCRATCH/codec.log" >&2
check "the clean codec file is not blamed" '[[ "$message" != *clean_codec* ]]'
rm "$project/codec/bad_codec.cc"

cat >"$project/policy/bad_policy.cc" <<'CC'
#include <chrono>
#include <ctime>
bool Expired(std::chrono::steady_clock::time_point end) {
  return std::chrono::steady_clock::now() >= end;
}
long Now() { return static_cast<long>(std::time(nullptr)); }
CC
check "a policy file reading the clock fails the build" '! build "$SCRATCH/policy"'
message=$(grep 'layer violation' "$SCRATCH/policy.log")
echo "$message"
check "the message names the policy file and both clock calls" \
  '[[ "$message" == *"policy/bad_policy.cc is in the policy layer but calls std::chrono::_V2::steady_clock::now(), time ("* ]]' ||
  cat "$SCRATCH/policy.log" >&2

rm "$project/policy/bad_policy.cc"

# Includes: a codec including the socket header (and calling nothing), a
# codec header that includes an io header, a policy including <unistd.h> and
# <fstream>. Each is named with the header, and the one reached through a
# header says which. (A build stops at the first layer that fails, so the
# codec and the policy cases build apart.)
cat >"$project/codec/include_codec.cc" <<'CC'
#include <sys/socket.h>
#include <cstdint>
std::uint16_t Swap(std::uint16_t v) { return static_cast<std::uint16_t>(v << 8 | v >> 8); }
CC
cat >"$project/include/codec/wire.h" <<'H'
#pragma once
#include "io/udp.h"
H
cat >"$project/codec/through_codec.cc" <<'CC'
#include "codec/wire.h"
int Three() { return 3; }
CC
check "codec files including I/O headers fail the build" '! build "$SCRATCH/include"'
message=$(grep 'layer violation' "$SCRATCH/include.log")
echo "$message"
check "the message names the codec file and <sys/socket.h>" \
  '[[ "$message" == *"codec/include_codec.cc is in the codec layer but includes <sys/socket.h> ("* ]]' ||
  cat "$SCRATCH/include.log" >&2
check "the message names the io header and the codec header it came through" \
  '[[ "$message" == *"codec/through_codec.cc is in the codec layer but includes \"io/udp.h\" through include/codec/wire.h ("* ]]'
check "the io header itself is not blamed for <sys/socket.h>" \
  '[[ "$message" != *"through include/io/udp.h"* ]]'
check "the include violations were not reported as calls" \
  '[[ "$message" != *"include_codec.cc is in the codec layer but calls"* ]]'
check "no file is blamed for a header <string> reads itself" '[[ "$message" != *clean* ]]'
check "exactly two include violations" '[ "$(grep -c "but includes" <<<"$message")" = 2 ]'
rm "$project/codec/include_codec.cc" "$project/codec/through_codec.cc"

cat >"$project/policy/include_policy.cc" <<'CC'
#include <fstream>
#include <unistd.h>
int Twice(int v) { return 2 * v; }
CC
check "a policy file including I/O headers fails the build" '! build "$SCRATCH/include"'
message=$(grep 'layer violation' "$SCRATCH/include.log")
echo "$message"
check "the message names the policy file and <fstream>" \
  '[[ "$message" == *"policy/include_policy.cc is in the policy layer but includes <fstream> ("* ]]' ||
  cat "$SCRATCH/include.log" >&2
check "the message names the policy file and <unistd.h>" \
  '[[ "$message" == *"policy/include_policy.cc is in the policy layer but includes <unistd.h> ("* ]]'
check "exactly two include violations" '[ "$(grep -c "but includes" <<<"$message")" = 2 ]'
rm "$project/policy/include_policy.cc"
check "with the violations gone the scratch project builds again" 'build "$SCRATCH/include"' ||
  cat "$SCRATCH/include.log" >&2

# The real build names the io layer's headers for the check.
check "CMakeLists.txt lists the io headers the layers must not include" \
  'grep -q "PXEKIT_LAYER_IO_HEADERS" "$PXEKIT_SRC/CMakeLists.txt"'

# The real build uses the rule on its codec and policy layers, and links
# nothing before the checks passed.
check "CMakeLists.txt checks the codec and policy layers" \
  'grep -q "^pxekit_layer(pxekit_codec codec" "$PXEKIT_SRC/CMakeLists.txt" &&
   grep -q "^pxekit_layer(pxekit_policy policy" "$PXEKIT_SRC/CMakeLists.txt" &&
   grep -q "add_dependencies(pxekit pxekit_codec_check pxekit_policy_check)" "$PXEKIT_SRC/CMakeLists.txt"'

# Each shared library is linked only where it is used: libnl-genl where
# Wake-on-LAN is armed (pxe-poweroff), libpq where the PostgreSQL lease store
# is (pxe-dhcpd).
if command -v ldd >/dev/null; then
  linked() { ldd "$PXEKIT_BIN/$1" | grep -q "$2"; }
  check "pxe-poweroff links libnl-genl" 'linked pxe-poweroff libnl-genl'
  check "pxe-dhcpd links libpq" 'linked pxe-dhcpd libpq'
  for tool in wakeonlan pxe-tftpd pxe-mkcfg pxe-exports; do
    check "$tool links neither libnl-genl nor libpq" \
      '! linked $tool libnl-genl && ! linked $tool libpq'
  done
  check "pxe-poweroff does not link libpq" '! linked pxe-poweroff libpq'
fi
finish
