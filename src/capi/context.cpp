// SPDX-License-Identifier: LGPL-3.0-or-later
//
// C entry points: contexts, backends and the loop.
#include "../context.hpp"
#include "../loop.hpp"
#include "../registry.hpp"

TEVENT_EXPORT struct tevent_context *tevent_context_init(TALLOC_CTX *mem_ctx)
{
    return tev::context_init_byname(mem_ctx, nullptr);
}

TEVENT_EXPORT struct tevent_context *
tevent_context_init_byname(TALLOC_CTX *mem_ctx, const char *name)
{
    return tev::context_init_byname(mem_ctx, name);
}

TEVENT_EXPORT struct tevent_context *
tevent_context_init_ops(TALLOC_CTX *mem_ctx, const struct tevent_ops *ops,
                        void *additional_data)
{
    return tev::context_init_ops(mem_ctx, ops, additional_data);
}

TEVENT_EXPORT const char **tevent_backend_list(TALLOC_CTX *mem_ctx)
{
    return tev::backend_list(mem_ctx);
}

TEVENT_EXPORT void tevent_set_default_backend(const char *backend)
{
    tev::set_default_backend(backend);
}

TEVENT_EXPORT bool tevent_register_backend(const char *name,
                                           const struct tevent_ops *ops)
{
    return tev::register_backend(name, ops);
}

TEVENT_EXPORT const struct tevent_ops *tevent_find_ops_byname(const char *name)
{
    return tev::find_ops_byname(name);
}

TEVENT_EXPORT int tevent_common_context_destructor(struct tevent_context *ev)
{
    return tev::context_destructor(ev);
}

TEVENT_EXPORT int tevent_re_initialise(struct tevent_context *ev)
{
    return tev::re_initialise(ev);
}

TEVENT_EXPORT uint32_t
tevent_context_set_wait_timeout(struct tevent_context *ev, uint32_t secs)
{
    return tev::set_wait_timeout(ev, secs);
}

TEVENT_EXPORT int _tevent_loop_once(struct tevent_context *ev,
                                    const char *location)
{
    return tev::loop_once(ev, location);
}

TEVENT_EXPORT int _tevent_loop_until(struct tevent_context *ev,
                                     bool (*finished)(void *private_data),
                                     void *private_data, const char *location)
{
    return tev::loop_until(ev, finished, private_data, location);
}

TEVENT_EXPORT int _tevent_loop_wait(struct tevent_context *ev,
                                    const char *location)
{
    return tev::loop_wait(ev, location);
}

TEVENT_EXPORT int tevent_common_loop_wait(struct tevent_context *ev,
                                          const char *location)
{
    return tev::common_loop_wait(ev, location);
}

TEVENT_EXPORT bool tevent_common_have_events(struct tevent_context *ev)
{
    return tev::have_events(ev);
}

TEVENT_EXPORT void tevent_loop_allow_nesting(struct tevent_context *ev)
{
    tev::loop_allow_nesting(ev);
}

TEVENT_EXPORT void tevent_loop_set_nesting_hook(struct tevent_context *ev,
                                                tevent_nesting_hook hook,
                                                void *private_data)
{
    tev::loop_set_nesting_hook(ev, hook, private_data);
}

TEVENT_EXPORT pid_t tevent_cached_getpid(void)
{
    return tev::cached_getpid();
}
