#pragma once
// The monotonic clock's time, as pure code takes it from its caller (never
// the wall clock, which a diskless host may have wrong).

#include <chrono>

namespace pxekit {

using MonoTime = std::chrono::steady_clock::time_point;

}  // namespace pxekit
