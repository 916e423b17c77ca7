/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Allocation-failure injector, loaded with LD_PRELOAD.  It counts the
 * malloc/calloc/realloc calls (talloc, and so tevent, allocates through
 * them; so do glibc's thread and stdio internals) of the thread that armed
 * it and of the threads that joined in, and makes the Nth one fail, or
 * every one from the Nth on.  Other threads are left alone: a sanitizer
 * runtime allocates in each new thread before the thread's function runs,
 * and cannot cope with a failure there.  The
 * real allocator is a sanitizer's where one is loaded (ASan and TSan
 * export theirs as __interceptor_*), else glibc's (which valgrind puts its
 * own in place of).  No dlsym(): it allocates itself, re-entering here.
 */
#include <errno.h>
#include <execinfo.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

void *__interceptor_malloc(size_t) __attribute__((weak));
void *__interceptor_calloc(size_t, size_t) __attribute__((weak));
void *__interceptor_realloc(void *, size_t) __attribute__((weak));
void __interceptor_free(void *) __attribute__((weak));
void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void __libc_free(void *);

static atomic_bool armed;
static _Thread_local bool counted_thread
    __attribute__((tls_model("initial-exec")));
static atomic_long count;
static long fail_at;
static bool fail_from;
/* ALLOC_FAIL_BACKTRACE set: each failed allocation prints its stack. */
static bool print_backtrace;

static bool should_fail(void)
{
    if (!counted_thread || !atomic_load(&armed)) {
        return false;
    }
    long n = atomic_fetch_add(&count, 1) + 1;
    if (fail_at > 0 && (n == fail_at || (fail_from && n > fail_at))) {
        if (print_backtrace) {
            void *frames[32];
            static const char msg[] = "alloc_fail: failing allocation\n";
            if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
                /* nothing else to tell */
            }
            backtrace_symbols_fd(frames, backtrace(frames, 32), STDERR_FILENO);
        }
        errno = ENOMEM;
        return true;
    }
    return false;
}

/* Counts from now on; fails allocation number n (n > 0), and every later
 * one if `from`; n == 0 only counts. */
EXPORT void alloc_fail_arm(long n, bool from)
{
    counted_thread = true;
    print_backtrace = getenv("ALLOC_FAIL_BACKTRACE") != NULL;
    if (print_backtrace) {
        /* the first call loads libgcc_s, which allocates */
        void *frame;
        backtrace(&frame, 1);
    }
    atomic_store(&count, 0);
    fail_at = n;
    fail_from = from;
    atomic_store(&armed, true);
}

/* The calling thread's allocations count too. */
EXPORT void alloc_fail_thread_enter(void)
{
    counted_thread = true;
}

/* Stops failing; returns how many allocations were counted. */
EXPORT long alloc_fail_disarm(void)
{
    atomic_store(&armed, false);
    return atomic_load(&count);
}

EXPORT void *malloc(size_t size)
{
    if (should_fail()) {
        return NULL;
    }
    return __interceptor_malloc != NULL ? __interceptor_malloc(size)
                                        : __libc_malloc(size);
}

EXPORT void *calloc(size_t n, size_t size)
{
    if (should_fail()) {
        return NULL;
    }
    return __interceptor_calloc != NULL ? __interceptor_calloc(n, size)
                                        : __libc_calloc(n, size);
}

EXPORT void *realloc(void *p, size_t size)
{
    /* a shrink to zero is a free, which cannot fail */
    if (size != 0 && should_fail()) {
        return NULL;
    }
    return __interceptor_realloc != NULL ? __interceptor_realloc(p, size)
                                         : __libc_realloc(p, size);
}

EXPORT void free(void *p)
{
    if (__interceptor_free != NULL) {
        __interceptor_free(p);
    } else {
        __libc_free(p);
    }
}
