/* SPDX-License-Identifier: LGPL-3.0-or-later */
/* Shared helpers for the cmocka feature tests. */
#ifndef TEVENT_CXX_TEST_UTIL_H
#define TEVENT_CXX_TEST_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>
#include <talloc.h>
#include <tevent.h>

/* The backend under test: TEVENT_TEST_BACKEND, or the default one. */
static inline const char *test_backend(void)
{
    return getenv("TEVENT_TEST_BACKEND");
}

/* A context of the backend under test, allocated on mem_ctx. */
static inline struct tevent_context *test_context(TALLOC_CTX *mem_ctx)
{
    struct tevent_context *ev =
        tevent_context_init_byname(mem_ctx, test_backend());
    assert_non_null(ev);
    return ev;
}

/* A pipe whose ends are closed when mem_ctx goes away; `bytes` bytes are
 * written right away so that it is readable. */
struct pipe_pair {
    int rd;
    int wr;
};

static inline int test_pipe_destructor(struct pipe_pair *p)
{
    close(p->rd);
    close(p->wr);
    return 0;
}

static inline struct pipe_pair *test_pipe(TALLOC_CTX *mem_ctx, size_t bytes)
{
    struct pipe_pair *p = talloc(mem_ctx, struct pipe_pair);
    int fds[2];
    assert_non_null(p);
    assert_int_equal(pipe(fds), 0);
    p->rd = fds[0];
    p->wr = fds[1];
    talloc_set_destructor(p, test_pipe_destructor);
    for (size_t i = 0; i < bytes; i++) {
        assert_int_equal(write(p->wr, "x", 1), 1);
    }
    return p;
}

/* Wrapper use hooks for tests that only care about the handler hooks. */
static inline bool test_wrapper_before_use(struct tevent_context *wrap_ev,
                                           void *private_state,
                                           struct tevent_context *main_ev,
                                           const char *location)
{
    (void)wrap_ev;
    (void)private_state;
    (void)main_ev;
    (void)location;
    return true;
}

static inline void test_wrapper_after_use(struct tevent_context *wrap_ev,
                                          void *private_state,
                                          struct tevent_context *main_ev,
                                          const char *location)
{
    (void)wrap_ev;
    (void)private_state;
    (void)main_ev;
    (void)location;
}

/* Sets *freed once parent is freed (through a talloc child). */
struct test_sentinel {
    bool *freed;
};

static inline int test_sentinel_destructor(struct test_sentinel *s)
{
    *s->freed = true;
    return 0;
}

static inline void watch_free(const void *parent, bool *freed)
{
    struct test_sentinel *s = talloc(parent, struct test_sentinel);
    assert_non_null(s);
    *freed = false;
    s->freed = freed;
    talloc_set_destructor(s, test_sentinel_destructor);
}

/* Abort hook for tevent_set_abort_fn(): keeps the reason and returns. */
static const char *g_abort_reason __attribute__((unused));

static inline void record_abort(const char *reason)
{
    g_abort_reason = reason;
}

#endif
