// SPDX-License-Identifier: LGPL-3.0-or-later
//
// tevent.h from C++: the header compiles with every optional section
// (TEVENT_DEPRECATED, TEVENT_COMPAT_DEFINES) and its macros work, so C++
// callers can use the library as C callers do.
#define TEVENT_DEPRECATED 1
#define TEVENT_COMPAT_DEFINES 1
#include <tevent.h>

#include <cstdio>
#include <cstring>

namespace
{

struct counter_state {
    int fired;
};

void on_timer(struct tevent_context *, struct tevent_timer *, struct timeval,
              void *private_data)
{
    static_cast<counter_state *>(private_data)->fired += 1;
}

void on_immediate(struct tevent_context *, struct tevent_immediate *,
                  void *private_data)
{
    static_cast<counter_state *>(private_data)->fired += 10;
}

int fail(const char *what)
{
    std::fprintf(stderr, "test_header_cxx: %s\n", what);
    return 1;
}

} // namespace

int main()
{
    TALLOC_CTX *mem = talloc_new(nullptr);
    // The compatibility names map onto the tevent ones.
    struct event_context *ev = event_context_init(mem);
    if (ev == nullptr) {
        return fail("event_context_init");
    }
    counter_state *state = nullptr;
    struct tevent_req *req = tevent_req_create(mem, &state, counter_state);
    if (req == nullptr || tevent_req_data(req, counter_state) != state) {
        return fail("tevent_req_create / tevent_req_data");
    }
    if (std::strcmp(talloc_get_name(state), "counter_state") != 0) {
        return fail("state talloc name");
    }
    struct timed_event *te =
        event_add_timed(ev, mem, tevent_timeval_zero(), on_timer, state);
    struct tevent_immediate *im = tevent_create_immediate(mem);
    if (te == nullptr || im == nullptr) {
        return fail("event_add_timed / tevent_create_immediate");
    }
    tevent_schedule_immediate(im, ev, on_immediate, state);
    while (state->fired != 11) {
        if (event_loop_once(ev) != 0) {
            return fail("event_loop_once");
        }
    }
    if (tevent_context_is_wrapper(ev) || !tevent_context_same_loop(ev, ev)) {
        return fail("wrapper queries");
    }
    tevent_req_done(req);
    if (tevent_req_is_in_progress(req) || EVENT_FD_READ != TEVENT_FD_READ) {
        return fail("tevent_req_done / EVENT_FD_READ");
    }
    talloc_free(mem);
    std::printf("C++ caller OK\n");
    return 0;
}
