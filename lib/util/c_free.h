#pragma once
// CFree<F>: a stateless deleter calling the C library's free function F, for
// unique_ptr aliases over OpenSSL and libnl objects that stay pointer-sized
// and cannot be handed the wrong free function.

namespace pxekit {

template <auto FreeFunction>
struct CFree {
  template <typename T>
  void operator()(T* object) const {
    FreeFunction(object);
  }
};

}  // namespace pxekit
