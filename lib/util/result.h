#pragma once
// Result<T>: a value or a reason. Library code returns these instead of
// throwing or logging, so that only the tool layer decides what an error
// means for the user (message wording, exit status).

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace pxekit {

struct Failure {
  std::string message;
  // 1-based column inside the text that was parsed, 0 when not meaningful.
  std::size_t column = 0;
  // errno of the system call that failed, 0 for data errors.
  int sys_errno = 0;
};

inline Failure Fail(std::string message, std::size_t column = 0) {
  return Failure{std::move(message), column, 0};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Failure failure) : state_(std::move(failure)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

  const Failure& failure() const { return std::get<1>(state_); }
  const std::string& error() const { return failure().message; }

 private:
  std::variant<T, Failure> state_;
};

}  // namespace pxekit
