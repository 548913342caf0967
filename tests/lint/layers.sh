#!/usr/bin/env bash
# The build enforces the layers: a codec file that calls socket(), or a policy
# file that reads the clock, fails the build with a message naming the file
# and the call. A scratch CMake project uses the same rule as the real build
# (cmake/PxekitLayers.cmake, cmake/check_layers.sh) on deliberately violating
# files, and on clean ones, which must build.

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
pxekit_layer(scratch_codec codec \${codec})
pxekit_layer(scratch_policy policy \${policy})
CMAKE
mkdir -p "$project/codec" "$project/policy"
cat >"$project/codec/clean_codec.cc" <<'CC'
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
