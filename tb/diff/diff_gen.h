/*
 * The random scenario generator of the differential test.
 *
 * One seed = one scenario on a fresh model: a random but well-formed system (stream table,
 * STEs, CDs, stage-1 and stage-2 tables for several VMs, processes and StreamWorlds, with
 * a controlled share of deliberate faults), then phases of client traffic with TLB-friendly
 * locality, separated by changes behind the caches (tables, STEs, CDs) each followed by an
 * invalidation that covers it and a CMD_SYNC. The generator never looks at an outcome: the
 * reference model decides what every transaction must give. See docs/differential.md.
 */
#ifndef DIFF_GEN_H
#define DIFF_GEN_H

#include <stdint.h>

#include "diff_env.h"

typedef struct {
    uint64_t count;   /* client transactions to aim for (translated phases + GBPA phases) */
    bool storm;       /* isolation storm: more streams, more broken and garbage configuration,
                         deep traffic with legal bursts of every shape and illegal ones,
                         changes, invalidations and races several times as often, and the
                         downstream byte log checked (env_storm) */
} gen_opts_t;

/* Builds and runs the scenario of `seed` on e (created by the caller, with the sim_opts
 * gen_sim_opts gave). */
void gen_run_seed(env_t *e, uint64_t seed, const gen_opts_t *o);

/* The harness options a seed needs (latency seed, CANWBS), decided by the seed alone. */
void gen_sim_opts(uint64_t seed, sim_opts_t *opts);

#endif /* DIFF_GEN_H */
