/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * The backend registry fills itself with the built-in backends on first
 * use.  Two threads that look a backend up at the same time must both find
 * it: the second waits for the first to finish registering.
 *
 * The program stands in for talloc_named_const() (the library calls it
 * through the PLT) to hold the first registration open while a second
 * thread looks a backend up.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "test_util.h"

static pthread_t g_second;
static bool g_second_started;
static bool g_second_joined;
static const struct tevent_ops *g_second_found;

static void *look_up_poll(void *unused)
{
    (void)unused;
    g_second_found = tevent_find_ops_byname("poll");
    return NULL;
}

void *talloc_named_const(const void *context, size_t size, const char *name);

void *talloc_named_const(const void *context, size_t size, const char *name)
{
    static void *(*real)(const void *, size_t, const char *);
    if (real == NULL) {
        real = (void *(*)(const void *, size_t, const char *))dlsym(
            RTLD_NEXT, "talloc_named_const");
        assert_non_null(real);
    }
    if (name != NULL && strcmp(name, "struct tevent_ops_list") == 0 &&
        !g_second_started) {
        g_second_started = true;
        assert_int_equal(pthread_create(&g_second, NULL, look_up_poll, NULL),
                         0);
        /* A second thread that does not wait for the registration has
         * finished by now; one that waits is still blocked: stop waiting
         * for it after a while (this only bounds the test's run time). */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        g_second_joined = pthread_timedjoin_np(g_second, NULL, &until) == 0;
    }
    return real(context, size, name);
}

static void test_concurrent_first_use(void **unused)
{
    (void)unused;
    const struct tevent_ops *epoll_ops = tevent_find_ops_byname("epoll");
    assert_non_null(epoll_ops);
    assert_true(g_second_started);
    if (!g_second_joined) {
        assert_int_equal(pthread_join(g_second, NULL), 0);
    }
    assert_non_null(g_second_found);
    assert_ptr_equal(g_second_found, tevent_find_ops_byname("poll"));

    const char **list = tevent_backend_list(NULL);
    const char *expected[] = {"standard", "epoll", "poll_mt", "poll"};
    assert_non_null(list);
    for (size_t i = 0; i < 4; i++) {
        assert_non_null(list[i]);
        assert_string_equal(list[i], expected[i]);
    }
    assert_null(list[4]);
    talloc_free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_first_use),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
