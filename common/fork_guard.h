// ForkGuard: makes malloc usable in the child of a fork() from a threaded process, in builds
// where malloc is AddressSanitizer's allocator.
//
// glibc's malloc takes its own locks around fork(), so a child of a threaded process can
// allocate (stdlib/jq_bounded.cc relies on it: its child runs libjq). ASan's allocator in
// clang 15 does not: a child forked while another thread held one of its size-class locks or
// a stack-depot lock waits on it forever (seen in the sanitizer CI run: a jq() child stuck in
// SizeClassAllocator64::GetFromAllocator, so the call ran past its time budget). LLVM 17 fixed
// this inside the runtime by taking those locks in its fork interceptor; until then the forking
// thread takes them itself, through the two runtime entry points that lock them
// (__asan::asan_mz_force_lock, which the macOS malloc zone uses for the same purpose, and
// __sanitizer::StackDepotLockAll), and releases them in the parent and in the child after
// fork() returns. Nothing may allocate between construction and Release().
//
// In every other build the guard is empty.
#pragma once

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_ASAN_ALLOCATOR 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define WEFT_ASAN_ALLOCATOR 1
#endif

#ifdef WEFT_ASAN_ALLOCATOR
// Weak: these are hidden symbols of the runtime archive that clang links into executables. In
// an executable they resolve; in a shared library (libweft.so, which a program links against
// the runtime later) a reference to a hidden symbol would fail that program's link, so they
// stay null there and the guard does nothing (see the CI failure of
// package_find_package_consumer that found this).
namespace __asan {
void asan_mz_force_lock() __attribute__((weak));
void asan_mz_force_unlock() __attribute__((weak));
}  // namespace __asan
namespace __sanitizer {
void StackDepotLockAll() __attribute__((weak));
void StackDepotUnlockAll() __attribute__((weak));
}  // namespace __sanitizer
#endif

namespace weft {

class ForkGuard {
 public:
  ForkGuard() {
#ifdef WEFT_ASAN_ALLOCATOR
    locked_ = &__asan::asan_mz_force_lock != nullptr && &__asan::asan_mz_force_unlock != nullptr &&
              &__sanitizer::StackDepotLockAll != nullptr &&
              &__sanitizer::StackDepotUnlockAll != nullptr;
    if (locked_) {
      __asan::asan_mz_force_lock();
      __sanitizer::StackDepotLockAll();
    }
#endif
  }
  ForkGuard(const ForkGuard&) = delete;
  ForkGuard& operator=(const ForkGuard&) = delete;
  ~ForkGuard() { Release(); }

  // Call in both the parent and the child, right after fork() returns.
  void Release() {
    if (released_) return;
    released_ = true;
#ifdef WEFT_ASAN_ALLOCATOR
    if (locked_) {
      __sanitizer::StackDepotUnlockAll();
      __asan::asan_mz_force_unlock();
    }
#endif
  }

 private:
  bool released_ = false;
  bool locked_ = false;
};

}  // namespace weft
