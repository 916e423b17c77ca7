/* SPDX-License-Identifier: LGPL-3.0-or-later */
/* Shared helpers for the cmocka feature tests. */
#ifndef TEVENT_CXX_TEST_UTIL_H
#define TEVENT_CXX_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
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

#endif
