/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Allocation-failure injector, loaded with LD_PRELOAD.  It counts the
 * malloc/calloc/realloc calls of the whole process (talloc, and so tevent,
 * allocates through them; so do glibc's thread and stdio internals) while
 * armed, and makes the Nth one fail, or every one from the Nth on.  The
 * real allocator is whatever comes next in the lookup order: glibc's, or
 * a sanitizer's, or the one valgrind put in its place.
 */
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);

static atomic_bool armed;
static atomic_long count;
static long fail_at;
static bool fail_from;
/* ALLOC_FAIL_BACKTRACE set: each failed allocation prints its stack. */
static bool print_backtrace;

/*
 * dlsym() may allocate while it looks the real functions up; those few
 * bytes come from here and are never given back.
 */
static alignas(max_align_t) unsigned char boot_arena[4096];
static size_t boot_used;
static _Thread_local bool resolving;

static bool in_boot_arena(const void *p)
{
    const unsigned char *c = p;
    return c >= boot_arena && c < boot_arena + sizeof(boot_arena);
}

static void *boot_alloc(size_t size)
{
    size_t aligned =
        (size + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
    if (aligned > sizeof(boot_arena) - boot_used) {
        return NULL;
    }
    void *p = boot_arena + boot_used;
    boot_used += aligned;
    return p;
}

static bool resolve(void)
{
    if (real_free != NULL) {
        return true;
    }
    if (resolving) {
        return false;
    }
    resolving = true;
    real_malloc = dlsym(RTLD_NEXT, "malloc");
    real_calloc = dlsym(RTLD_NEXT, "calloc");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    real_free = dlsym(RTLD_NEXT, "free");
    resolving = false;
    return real_free != NULL;
}

static bool should_fail(void)
{
    if (!atomic_load(&armed)) {
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
    resolve();
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

/* Stops failing; returns how many allocations were counted. */
EXPORT long alloc_fail_disarm(void)
{
    atomic_store(&armed, false);
    return atomic_load(&count);
}

EXPORT void *malloc(size_t size)
{
    if (!resolve()) {
        return boot_alloc(size);
    }
    return should_fail() ? NULL : real_malloc(size);
}

EXPORT void *calloc(size_t n, size_t size)
{
    if (!resolve()) {
        /* the arena is static, hence zeroed, and never reused */
        return n != 0 && size > SIZE_MAX / n ? NULL : boot_alloc(n * size);
    }
    return should_fail() ? NULL : real_calloc(n, size);
}

EXPORT void *realloc(void *p, size_t size)
{
    if (!resolve() || in_boot_arena(p)) {
        /* not expected: nothing reallocates during the look-up */
        return NULL;
    }
    /* a shrink to zero is a free, which cannot fail */
    if (size != 0 && should_fail()) {
        return NULL;
    }
    return real_realloc(p, size);
}

EXPORT void free(void *p)
{
    if (p == NULL || in_boot_arena(p)) {
        return;
    }
    if (resolve()) {
        real_free(p);
    }
}
