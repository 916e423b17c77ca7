// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Small helpers every file of the C++ core uses.  The objects themselves
// are laid out in their own headers (context.hpp, fd.hpp, timer.hpp,
// immediate.hpp, signal.hpp, threads.hpp, wrapper.hpp); nothing here is
// exported: the C entry points live in src/capi/ and only convert and
// forward.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <pthread.h>
#include <sys/time.h>
#include <type_traits>

#include "tevent_internal.h"

namespace tev
{

// A doubly linked list threaded through T::prev / T::next.  Unlike a
// std::list it never allocates, so unlinking from a talloc destructor is
// always safe.
template <class T> struct List {
    T *head = nullptr;
    T *tail = nullptr;

    bool empty() const { return head == nullptr; }

    void push_front(T *n)
    {
        n->prev = nullptr;
        n->next = head;
        if (head != nullptr) {
            head->prev = n;
        } else {
            tail = n;
        }
        head = n;
    }

    void push_back(T *n)
    {
        n->next = nullptr;
        n->prev = tail;
        if (tail != nullptr) {
            tail->next = n;
        } else {
            head = n;
        }
        tail = n;
    }

    // A node that is not linked stays as it is, like upstream's list
    // removal (a node without a predecessor is linked only as the head).
    void remove(T *n)
    {
        if (n->prev == nullptr && head != n) {
            return;
        }
        if (n->prev != nullptr) {
            n->prev->next = n->next;
        } else {
            head = n->next;
        }
        if (n->next != nullptr) {
            n->next->prev = n->prev;
        } else {
            tail = n->prev;
        }
        n->prev = n->next = nullptr;
    }
};

// Allocates a talloc chunk named `name` and constructs a T in it.  The
// object is value-initialised, so every member without an initialiser is
// zero, as upstream's talloc_zero() objects are.
template <class T> T *make(const void *parent, const char *name)
{
    // talloc frees the chunk without running a C++ destructor.
    static_assert(std::is_trivially_destructible_v<T>);
    void *mem = talloc_named_const(parent, sizeof(T), name);
    if (mem == nullptr) {
        return nullptr;
    }
    return new (mem) T{};
}

// The user tag of any event object; NULL-safe as the API promises.
template <class T> void set_tag(T *obj, uint64_t tag)
{
    if (obj != nullptr) {
        obj->tag = tag;
    }
}

template <class T> uint64_t get_tag(const T *obj)
{
    return obj != nullptr ? obj->tag : 0;
}

// Minimal RAII lock for pthread mutexes (no libstdc++ at run time).
class MutexLock
{
  public:
    // A failing lock means a destroyed or corrupt mutex: stop, as upstream.
    explicit MutexLock(pthread_mutex_t *m) : m_(m)
    {
        if (pthread_mutex_lock(m_) != 0) {
            abort();
        }
    }
    ~MutexLock()
    {
        if (pthread_mutex_unlock(m_) != 0) {
            abort();
        }
    }
    MutexLock(const MutexLock &) = delete;
    MutexLock &operator=(const MutexLock &) = delete;

  private:
    pthread_mutex_t *m_;
};

} // namespace tev

// upstream's __location__: "file:line" of the call site.
#define TEV_STRINGIFY2(x) #x
#define TEV_STRINGIFY(x) TEV_STRINGIFY2(x)
// __FILE_NAME__ keeps the build directory out of the library.
#define TEV_LOCATION __FILE_NAME__ ":" TEV_STRINGIFY(__LINE__)

// Exported symbols are marked explicitly; everything else is hidden.
#define TEVENT_EXPORT extern "C" __attribute__((visibility("default")))
