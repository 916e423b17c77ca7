// SPDX-License-Identifier: LGPL-3.0-or-later
//
// Thread proxies and threaded contexts (threads.cpp).
#pragma once

#include "context.hpp"

struct tevent_threaded_context {
    tevent_threaded_context *prev = nullptr, *next = nullptr;
    pthread_mutex_t event_ctx_mutex;
    tevent_context *event_ctx = nullptr;
};

namespace tev
{

tevent_thread_proxy *thread_proxy_create(tevent_context *dest_ev);
void thread_proxy_schedule(tevent_thread_proxy *tp, tevent_immediate **pp_im,
                           tevent_immediate_handler_t handler,
                           void *pp_private_data);
tevent_threaded_context *threaded_context_create(TALLOC_CTX *mem_ctx,
                                                 tevent_context *ev);
void threaded_schedule_immediate(tevent_threaded_context *tctx,
                                 tevent_immediate *im,
                                 tevent_immediate_handler_t handler,
                                 void *private_data, const char *handler_name,
                                 const char *location);
void common_threaded_activate_immediate(tevent_context *ev);

// Teardown of a context (glue == nullptr) or of one wrapper of it: each
// threaded context of it loses its ev (under its mutex), and immediates
// not yet activated become inert.
void threaded_contexts_detach(tevent_context *ev,
                              const tevent_wrapper_glue *glue);

// Fork handlers: lock/unlock every mutex of a context, and in the child
// drop its threaded contexts.
void threads_atfork_prepare(tevent_context *ev);
void threads_atfork_parent(tevent_context *ev);
void threads_atfork_child(tevent_context *ev);

// Fork handlers for every thread proxy: no proxy mutex stays locked by a
// thread that does not exist in the child, and a child's proxy gets a pipe
// of its own.
void thread_proxies_atfork_prepare();
void thread_proxies_atfork_parent();
void thread_proxies_atfork_child();

} // namespace tev
