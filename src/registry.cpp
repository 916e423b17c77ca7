// SPDX-License-Identifier: LGPL-3.0-or-later
//
// The backend registry: names mapped to tevent_ops tables, newest
// registration first, as upstream lists them.  The built-in backends are
// registered on first use.
#include "registry.hpp"

#include <cstring>

#include "backends.hpp"

namespace tev
{
namespace
{

struct BackendEntry {
    BackendEntry *prev = nullptr, *next = nullptr;
    const char *name = nullptr;
    const tevent_ops *ops = nullptr;
};

List<BackendEntry> g_backends;
char *g_default_backend = nullptr;
// Two threads using the registry for the first time: the second waits
// until the built-ins are in.
pthread_once_t g_builtins_once = PTHREAD_ONCE_INIT;

void add_builtins()
{
    register_backend("poll", &poll_ops);
    register_backend("poll_mt", &poll_mt_ops);
    register_backend("epoll", &epoll_ops);
    register_backend("standard", &standard_ops);
}

void register_builtins()
{
    if (pthread_once(&g_builtins_once, add_builtins) != 0) {
        abort();
    }
}

} // namespace

bool register_backend(const char *name, const tevent_ops *ops)
{
    for (BackendEntry *e = g_backends.head; e != nullptr; e = e->next) {
        if (strcmp(e->name, name) == 0) {
            return true;
        }
    }
    auto *e = make<BackendEntry>(nullptr, "struct tevent_ops_list");
    if (e == nullptr) {
        return false;
    }
    e->name = name;
    e->ops = ops;
    g_backends.push_front(e);
    return true;
}

void set_default_backend(const char *name)
{
    talloc_free(g_default_backend);
    g_default_backend = talloc_strdup(nullptr, name);
}

const tevent_ops *find_ops_byname(const char *name)
{
    register_builtins();
    if (name == nullptr) {
        name = g_default_backend;
    }
    if (name == nullptr) {
        name = "standard";
    }
    for (BackendEntry *e = g_backends.head; e != nullptr; e = e->next) {
        if (strcmp(e->name, name) == 0) {
            return e->ops;
        }
    }
    return nullptr;
}

const char **backend_list(TALLOC_CTX *mem_ctx)
{
    register_builtins();
    size_t n = 0;
    for (BackendEntry *e = g_backends.head; e != nullptr; e = e->next) {
        n += 1;
    }
    const char **list = talloc_zero_array(mem_ctx, const char *, n + 1);
    if (list == nullptr) {
        return nullptr;
    }
    size_t i = 0;
    for (BackendEntry *e = g_backends.head; e != nullptr; e = e->next) {
        list[i] = talloc_strdup(list, e->name);
        if (list[i] == nullptr) {
            talloc_free(list);
            return nullptr;
        }
        i += 1;
    }
    return list;
}

} // namespace tev
