/*
 * Coverage build only: every model writes its Verilator coverage counters before it is
 * destroyed. Linked with -Wl,--wrap=sim_create,--wrap=sim_destroy (tb/diff/diff.mk), so
 * neither the harness nor the tests change; SIM_COV_DIR names the directory (unset:
 * nothing is written).
 */
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include <unistd.h>
#include <verilated.h>
#include <verilated_cov.h>

extern "C" {
struct sim;
struct sim_opts;
struct sim *__real_sim_create(const struct sim_opts *opts);
void __real_sim_destroy(struct sim *s);
struct sim *__wrap_sim_create(const struct sim_opts *opts);
void __wrap_sim_destroy(struct sim *s);
}

/* Each model's context: constructing a VerilatedContext makes it the thread's context,
 * so right after sim_create returns, threadContextp() is the new model's. Tests may hold
 * several models at once, hence the map. */
static std::unordered_map<struct sim *, VerilatedContext *> &contexts()
{
    static std::unordered_map<struct sim *, VerilatedContext *> m;
    return m;
}

struct sim *__wrap_sim_create(const struct sim_opts *opts)
{
    struct sim *s = __real_sim_create(opts);
    if (s)
        contexts()[s] = Verilated::threadContextp();
    return s;
}

void __wrap_sim_destroy(struct sim *s)
{
    static unsigned n;
    auto it = contexts().find(s);
    const char *dir = std::getenv("SIM_COV_DIR");
    if (it != contexts().end()) {
        if (dir) {
            char path[512];
            std::snprintf(path, sizeof path, "%s/cov-%d-%u.dat", dir, (int)getpid(), n++);
            it->second->coveragep()->write(path);
        }
        contexts().erase(it);
    }
    __real_sim_destroy(s);
}
