/*
 * `make bench`: what the SMMU costs the traffic that passes through it (docs/performance.md).
 *
 *   bench [--quick] [--json FILE] [--speed-only | --no-speed] [-v]
 *
 * Every figure is measured on the Verilator model with the harness's traffic master
 * (tb/harness/sim.h), against the same traffic on a direct wire (sim_opts_t.wire), in
 * cycles, exactly. The SMMU is set up by the driver (sw/), as software would: a stage-1
 * domain, a stage-2 domain, an identity (STE bypass) domain and a guest's stage 1 nested
 * on a stage-2 parent through a vIOMMU, each mapping NPAGES 4 KB pages of one IOVA range.
 *
 * Writes the JSON (numbers only; the plot series under "series") and prints a table.
 * --quick runs fewer points (the smoke run of `make test`); --speed-only measures only
 * the simulation speed (for the build with sanitizers); --no-speed runs everything but
 * the speed measurement (the training run of the release model's profile, so the loop
 * that is timed is not the one the profile was taken on).
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"
#include "smmu/smmu.h"
#include "smmu/smmu_domain.h"
#include "smmu/smmu_nested.h"
#include "smmu/smmu_pmu.h"
#include "smmu/smmu_regs.h"
#include "smmu/smmu_guest.h"
#include "smmu_hal_sim.h"

/* ---- the system under test -------------------------------------------------------- */

enum mode { M_WIRE, M_GBPA, M_BYPASS, M_S1, M_S2, M_NEST, NMODES };
static const char *const mode_name[NMODES] = {"wire", "gbpa_bypass", "ste_bypass",
                                              "s1", "s2", "nested"};

#define NPAGES 1024u                 /* 4 KB pages mapped in each paging domain */
#define IOVA0 0x10000000ull          /* the same input range in every domain */
#define PA_S1 0x200000000ull         /* where each domain's pages land */
#define PA_S2 0x300000000ull
#define PA_NEST 0x400000000ull
#define G_DATA_IPA 0x80000000ull     /* the guest's data pages, as IPAs */
#define G_TBL_IPA 0x40000000ull      /* the guest's RAM for its tables and CD */
#define G_TBL_SIZE 0x80000ull
/* StreamIDs: one per kind, and more stage-1 streams on the same domain. */
#define SID_BYPASS 1u
#define SID_S2 2u
#define SID_NEST 3u
#define SID_S1 16u                   /* 16..16 + NS1 - 1 */
#define NS1 16u
#define VSID 7u
#define GUEST_ASID 9u

typedef struct {
    sim_t *sim;
    enum mode mode;
    smmu_hal_sim_t *hal;
    smmu_t smmu;
    smmu_domain_t s1, s2, ident, parent, nested;
    smmu_master_t m_s1[NS1], m_s2, m_byp, m_nest;
    smmu_viommu_t viommu;
    smmu_hal_guest_t ghal;
    smmu_pgtable_t gpt;
} env_t;

static smmu_hal_sim_t hal_storage;
static env_t env_storage;
static bool verbose, quick;

static void die(const char *what, int ret)
{
    fprintf(stderr, "bench: %s: %s (%d)\n", what, smmu_strerror(ret), ret);
    exit(1);
}

#define TRY(what, call)                                                                \
    do {                                                                               \
        int r_ = (call);                                                               \
        if (r_ < 0)                                                                    \
            die(what, r_);                                                             \
    } while (0)

static uint32_t sid_of(enum mode m)
{
    switch (m) {
    case M_BYPASS: return SID_BYPASS;
    case M_S1: return SID_S1;
    case M_S2: return SID_S2;
    case M_NEST: return SID_NEST;
    default: return 0;
    }
}

static void map_pages(smmu_domain_t *d, uint64_t iova, uint64_t pa, unsigned n)
{
    /* page by page: 4 KB leaves, never blocks, so walks have their full depth */
    for (unsigned i = 0; i < n; i++)
        TRY("map", smmu_domain_map(d, iova + 0x1000ull * i, pa + 0x1000ull * i, 0x1000,
                                   SMMU_PROT_READ | SMMU_PROT_WRITE, SMMU_MAP_MEM));
}

/* The guest of the nested stream: its stage-1 tables and CD in guest RAM (IPAs), mapped
 * by the nest parent page by page, as a VMM would give a guest its memory. */
static void nested_up(env_t *e)
{
    smmu_t *smmu = &e->smmu;
    smmu_domain_cfg_t pcfg = {.nest_parent = true};
    void *ram;
    uint64_t ram_pa;
    TRY("guest RAM", e->hal->hal.dma_alloc(e->hal->hal.ctx, G_TBL_SIZE, 0x1000, &ram, &ram_pa));
    TRY("parent", smmu_domain_init(&e->parent, smmu, SMMU_DOMAIN_S2, &pcfg));
    map_pages(&e->parent, G_TBL_IPA, ram_pa, G_TBL_SIZE / 0x1000);
    map_pages(&e->parent, G_DATA_IPA, PA_NEST, NPAGES);
    TRY("viommu", smmu_viommu_init(&e->viommu, &e->parent, NULL, NULL));
    TRY("master", smmu_master_init(&e->m_nest, smmu, SID_NEST));
    TRY("vdev", smmu_viommu_vdev_add(&e->viommu, &e->m_nest, VSID));
    TRY("guest HAL", smmu_hal_guest_init(&e->ghal, &e->hal->hal, ram, G_TBL_IPA, G_TBL_SIZE));
    smmu_pgtable_cfg_t gcfg = {.stage = 1, .ias = 48, .oas = e->parent.pgt.cfg.ias,
                               .bbml2 = smmu->feat.bbml >= 2};
    TRY("guest tables", smmu_pgtable_init(&e->gpt, &e->ghal.hal, &gcfg));
    smmu_gather_t gg;
    smmu_guest_flush_t gflush = {.viommu = &e->viommu, .asid = GUEST_ASID};
    smmu_gather_init(&gg, smmu_guest_flush, &gflush);
    for (unsigned i = 0; i < NPAGES; i++)
        TRY("guest map", smmu_pgtable_map(&e->gpt, IOVA0 + 0x1000ull * i,
                                          G_DATA_IPA + 0x1000ull * i, 0x1000,
                                          SMMU_PROT_READ | SMMU_PROT_WRITE, SMMU_MAP_MEM, &gg));
    void *cd_cpu;
    uint64_t cd_ipa, gcd[8];
    TRY("guest CD", e->ghal.hal.dma_alloc(e->ghal.hal.ctx, 64, 64, &cd_cpu, &cd_ipa));
    smmu_domain_t g;
    memset(&g, 0, sizeof g);
    g.pgt = e->gpt;
    g.asid = GUEST_ASID;
    g.coherent_walk = smmu->coherent;
    smmu_make_cd(&g, gcd);
    memcpy(cd_cpu, gcd, sizeof gcd);
    const uint64_t gste[2] = {STE_V_MASK | (uint64_t)STE_CFG_S1 << STE_CONFIG_SHIFT |
                                  (cd_ipa & STE_S1CONTEXTPTR_MASK), 0};
    TRY("nested domain", smmu_nested_domain_init(&e->nested, &e->viommu, gste));
    TRY("nested attach", smmu_attach(&e->m_nest, &e->nested));
}

/* A fresh model with caches cold, memory latency `lat` on both ports. M_WIRE: the wire;
 * M_GBPA: SMMUEN = 0 with GBPA bypass; otherwise every kind of stream is set up (the
 * mode names which one the measurement uses). */
static env_t *env_up(enum mode mode, unsigned lat)
{
    env_t *e = &env_storage;
    memset(e, 0, sizeof *e);
    e->mode = mode;
    sim_opts_t o = {.wire = mode == M_WIRE, .timeout_cycles = 2000000};
    e->sim = sim_create(&o);
    if (!e->sim)
        die("sim_create", -1);
    e->hal = &hal_storage;
    if (smmu_hal_sim_init(e->hal, e->sim) != 0)
        die("HAL", -1);
    e->hal->log_level = SMMU_LOG_WARN;
    tm_config_t cfg;
    tm_get_config(e->sim, &cfg);
    cfg.max_rd = cfg.max_wr = TM_MAX_OUTSTANDING;
    tm_config(e->sim, &cfg);
    mem_set_order(e->sim, MEM_PORT_DN, 0, 1024);
    mem_set_order(e->sim, MEM_PORT_TBL, 0, 1024);
    if (mode != M_WIRE) {
        smmu_t *smmu = &e->smmu;
        TRY("probe", smmu_probe(smmu, &e->hal->hal));
        smmu_config_t scfg = {.strtab_log2 = 8, .cmdq_log2 = 8, .eventq_log2 = 8,
                              .no_smmuen = mode == M_GBPA};
        TRY("init", smmu_init(smmu, &scfg));
        if (mode == M_GBPA) {
            smmu_gbpa_t g = smmu_gbpa_incoming(false);
            TRY("GBPA", smmu_set_gbpa(smmu, &g));
        } else {
            TRY("s1", smmu_domain_init(&e->s1, smmu, SMMU_DOMAIN_S1, NULL));
            map_pages(&e->s1, IOVA0, PA_S1, NPAGES);
            for (unsigned i = 0; i < NS1; i++) {
                TRY("s1 master", smmu_master_init(&e->m_s1[i], smmu, SID_S1 + i));
                TRY("s1 attach", smmu_attach(&e->m_s1[i], &e->s1));
            }
            TRY("s2", smmu_domain_init(&e->s2, smmu, SMMU_DOMAIN_S2, NULL));
            map_pages(&e->s2, IOVA0, PA_S2, NPAGES);
            TRY("s2 master", smmu_master_init(&e->m_s2, smmu, SID_S2));
            TRY("s2 attach", smmu_attach(&e->m_s2, &e->s2));
            TRY("ident", smmu_domain_init(&e->ident, smmu, SMMU_DOMAIN_IDENTITY, NULL));
            TRY("ident master", smmu_master_init(&e->m_byp, smmu, SID_BYPASS));
            TRY("ident attach", smmu_attach(&e->m_byp, &e->ident));
            nested_up(e);
            /* Caches cold: nothing the set-up may have touched stays cached. */
            smmu_cmd_t c[2];
            smmu_cmd_cfgi_all(&c[0]);
            smmu_cmd_tlbi_nsnh_all(&c[1]);
            TRY("invalidate", smmu_cmdq_submit(smmu, c, 2, true, SMMU_CS_NONE));
        }
    }
    mem_set_timing(e->sim, lat, lat, 0);
    return e;
}

static void env_down(env_t *e)
{
    /* The model goes with everything in it: the driver's memory was the model's pool,
     * and the HAL is set up afresh for the next model (no teardown to measure). */
    sim_destroy(e->sim);
}

/* ---- traffic ------------------------------------------------------------------------- */

static tm_txn_t txn(const env_t *e, bool write, uint64_t iova, unsigned beats, unsigned id)
{
    tm_txn_t x = tm_txn(write, sid_of(e->mode), iova, beats);
    x.id = (uint8_t)(id & 15);
    x.cache = 0xf;
    x.domain = 3;
    x.prot = 2;
    /* GBPA and the wire: the input address is the PA */
    if (e->mode == M_WIRE || e->mode == M_GBPA || e->mode == M_BYPASS)
        x.addr = PA_S1 + (iova - IOVA0);
    return x;
}

static tm_result_t one(env_t *e, bool write, uint64_t iova, unsigned beats)
{
    tm_txn_t x = txn(e, write, iova, beats, 0);
    tm_result_t r = tm_wait(e->sim, tm_issue(e->sim, &x, NULL));
    if (r.resp != 0) {
        fprintf(stderr, "bench: %s %s at 0x%" PRIx64 ": response %d\n", mode_name[e->mode],
                write ? "write" : "read", iova, r.resp);
        exit(1);
    }
    return r;
}

/* Cycles from the address presented to the last beat / the B. */
static uint64_t latency(const tm_result_t *r)
{
    return r->t_done - r->t_issue;
}

static void set_depth(env_t *e, unsigned rd, unsigned wr)
{
    tm_config_t c;
    tm_get_config(e->sim, &c);
    c.max_rd = rd;
    c.max_wr = wr;
    tm_config(e->sim, &c);
}

/* n reads of `beats` beats, `depth` in flight, addresses stepping by the burst size over
 * `pages` pages from `iova` (wrapping); bytes per cycle from the first issue to the last
 * beat. */
static double stream(env_t *e, uint64_t iova, unsigned pages, unsigned n, unsigned beats,
                     unsigned depth)
{
    set_depth(e, depth, depth);
    uint64_t span = 0x1000ull * pages, bytes = 8ull * beats;
    uint64_t c0 = sim_cycles(e->sim);
    for (unsigned i = 0; i < n; i++) {
        tm_txn_t x = txn(e, false, iova + (i * bytes) % span, beats, i);
        x.expect_resp = 0;
        tm_issue(e->sim, &x, NULL);
    }
    tm_wait_all(e->sim);
    tm_discard_done(e->sim);
    uint64_t cyc = sim_cycles(e->sim) - c0;
    return (double)(n * bytes) / (double)cyc;
}

/* Touch every page of [iova, iova + pages) once (TLB and configuration warm). */
static void warm(env_t *e, uint64_t iova, unsigned pages)
{
    for (unsigned p = 0; p < pages; p++)
        one(e, false, iova + 0x1000ull * p, 1);
}

/* ---- results ------------------------------------------------------------------------ */

#define MAX_KEYS 64
#define MAX_SERIES 64
static struct {
    const char *key;
    double v;
} keys[MAX_KEYS];
static unsigned nkeys;

static struct {
    char name[64];
    unsigned n;
    double x[64], y[64];
} series[MAX_SERIES];
static unsigned nseries;

static void key(const char *k, double v)
{
    keys[nkeys].key = k;
    keys[nkeys++].v = v;
    printf("  %-34s %12.4g\n", k, v);
    fflush(stdout);
}

static unsigned new_series(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static unsigned new_series(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(series[nseries].name, sizeof series[nseries].name, fmt, ap);
    va_end(ap);
    series[nseries].n = 0;
    return nseries++;
}

static void point(unsigned s, double x, double y)
{
    if (series[s].n < 64) {
        series[s].x[series[s].n] = x;
        series[s].y[series[s].n++] = y;
    }
    if (verbose)
        printf("    %s: %g -> %g\n", series[s].name, x, y);
}

static void write_json(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fprintf(f, "{\n");
    for (unsigned i = 0; i < nkeys; i++)
        fprintf(f, "  \"%s\": %.6g,\n", keys[i].key, keys[i].v);
    fprintf(f, "  \"series\": {");
    for (unsigned s = 0; s < nseries; s++) {
        fprintf(f, "%s\n    \"%s\": [", s ? "," : "", series[s].name);
        for (unsigned i = 0; i < series[s].n; i++)
            fprintf(f, "%s[%.6g, %.6g]", i ? ", " : "", series[s].x[i], series[s].y[i]);
        fprintf(f, "]");
    }
    fprintf(f, "\n  }\n}\n");
    fclose(f);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CPU time of this process: the simulation speed on a shared machine. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- the measurements --------------------------------------------------------------- */

static const enum mode all_modes[] = {M_WIRE, M_GBPA, M_BYPASS, M_S1, M_S2, M_NEST};

/* Latency of one read by burst length (all hits), and the added latency of a hit. */
static void bench_latency(void)
{
    static const unsigned lens[] = {1, 2, 4, 8, 16, 32, 64, 128, 256};
    unsigned nl = quick ? 3 : 9;
    double hit1[NMODES] = {0};
    for (unsigned mi = 0; mi < NMODES; mi++) {
        enum mode m = all_modes[mi];
        env_t *e = env_up(m, 2);
        unsigned s = new_series("latency_vs_beats/%s", mode_name[m]);
        warm(e, IOVA0, 1);
        for (unsigned i = 0; i < nl; i++) {
            tm_result_t r = one(e, false, IOVA0, lens[i]);
            point(s, lens[i], (double)latency(&r));
            if (lens[i] == 1)
                hit1[m] = (double)latency(&r);
        }
        env_down(e);
    }
    key("hit_added_latency_cycles", hit1[M_S1] - hit1[M_WIRE]);
    key("gbpa_added_latency_cycles", hit1[M_GBPA] - hit1[M_WIRE]);
    key("nested_hit_added_latency_cycles", hit1[M_NEST] - hit1[M_WIRE]);
}

/* Back-to-back single-beat hits: address handshakes per cycle, reads and writes, in the
 * steady state (the second half of the run, once the SMMU's slots have filled). */
static void bench_hit_rate_of_issue(void)
{
    env_t *e = env_up(M_S1, 2);
    warm(e, IOVA0, 1);
    unsigned n = quick ? 256 : 1024;
    double per_dir[2];
    for (int w = 0; w < 2; w++) {
        set_depth(e, 64, 64);
        int mid = -1, last = -1;
        for (unsigned i = 0; i < n; i++) {
            tm_txn_t x = txn(e, w, IOVA0 + 8 * (i % 512), 1, i);
            int h = tm_issue(e->sim, &x, NULL);
            if (i == n / 2)
                mid = h;
            last = h;
        }
        tm_wait_all(e->sim);
        tm_result_t a, b;
        tm_poll(e->sim, mid, &a);
        tm_poll(e->sim, last, &b);
        tm_discard_done(e->sim);
        per_dir[w] = (double)(n - 1 - n / 2) / (double)(b.t_addr - a.t_addr);
    }
    key("hit_txn_per_cycle", per_dir[0]);
    key("hit_txn_per_cycle_write", per_dir[1]);
    env_down(e);
}

/* Bandwidth of 256-byte reads by outstanding depth and memory latency, as a fraction of
 * the bus (8 bytes a cycle) and as a ratio to the wire. */
static void bench_bandwidth(void)
{
    static const unsigned depths[] = {1, 2, 4, 8, 16, 32, 64};
    static const unsigned lats[] = {2, 20, 100};
    unsigned nd = quick ? 2 : 7, n = quick ? 32 : 128;
    double wire[3][7] = {{0}};
    for (unsigned li = 0; li < 3; li++) {
        for (unsigned mi = 0; mi < NMODES; mi++) {
            enum mode m = all_modes[mi];
            env_t *e = env_up(m, 2);
            warm(e, IOVA0, 4);
            mem_set_timing(e->sim, lats[li], lats[li], 0);
            unsigned s = new_series("bw_vs_depth/lat%u/%s", lats[li], mode_name[m]);
            unsigned sr = new_series("bw_ratio_vs_depth/lat%u/%s", lats[li], mode_name[m]);
            for (unsigned di = 0; di < nd; di++) {
                unsigned d = quick ? (di ? 16 : 1) : depths[di];
                double bw = stream(e, IOVA0, 4, n, 32, d);
                if (m == M_WIRE)
                    wire[li][di] = bw;
                point(s, d, bw / 8.0);
                point(sr, d, bw / wire[li][di]);
                if (m == M_S1 && d == 16 && lats[li] == 100)
                    key("stream_bw_ratio_vs_wire", bw / wire[li][di]);
                if (m == M_GBPA && d == 16 && lats[li] == 100)
                    key("gbpa_stream_bw_ratio_vs_wire", bw / wire[li][di]);
                if (m == M_WIRE && d == 16 && lats[li] == 100)
                    key("wire_stream_bus_fraction", bw / 8.0);
            }
            env_down(e);
        }
    }
}

/* A nested stream sweeping new pages: one new 4 KB page per 16 x 256-byte reads, 16 in
 * flight, latency 100; against the same traffic on the wire. */
static void bench_nested_sweep(void)
{
    unsigned pages = quick ? 4 : 32, n = 16 * pages;
    double bw[2];
    for (int i = 0; i < 2; i++) {
        env_t *e = env_up(i ? M_NEST : M_WIRE, 2);
        /* the configuration warm, the swept pages cold */
        one(e, false, IOVA0 + 0x1000ull * (NPAGES - 1), 1);
        mem_set_timing(e->sim, 100, 100, 0);
        bw[i] = stream(e, IOVA0, pages, n, 32, 16);
        env_down(e);
    }
    key("nested_sweep_bw_ratio_vs_wire", bw[1] / bw[0]);
}

/* Table reads of a cold, a warm (neighbouring page) and a configuration-only miss. */
static void bench_reads(void)
{
    env_t *e = env_up(M_S1, 2);
    tm_result_t r = one(e, false, IOVA0, 1);
    key("cold_reads_s1", (double)r.tbl_reads);
    key("cold_cycles_s1", (double)latency(&r));
    r = one(e, false, IOVA0 + 0x1000, 1);
    key("warm_reads_s1", (double)r.tbl_reads);
    key("warm_cycles_s1", (double)latency(&r));
    /* another stream of the same domain: its STE and CD, the page already in the TLB */
    tm_txn_t x = txn(e, false, IOVA0, 1, 0);
    x.sid = SID_S1 + 1;
    r = tm_wait(e->sim, tm_issue(e->sim, &x, NULL));
    key("cold_cfg_reads_s1", (double)r.tbl_reads);
    env_down(e);

    e = env_up(M_NEST, 2);
    r = one(e, false, IOVA0, 1);
    key("cold_reads_nested", (double)r.tbl_reads);
    key("cold_cycles_nested", (double)latency(&r));
    r = one(e, false, IOVA0 + 0x1000, 1);
    key("warm_reads_nested", (double)r.tbl_reads);
    key("warm_cycles_nested", (double)latency(&r));
    env_down(e);

    e = env_up(M_S2, 2);
    r = one(e, false, IOVA0, 1);
    key("cold_reads_s2", (double)r.tbl_reads);
    r = one(e, false, IOVA0 + 0x1000, 1);
    key("warm_reads_s2", (double)r.tbl_reads);
    env_down(e);
}

/* Misses in flight: 64 reads to 64 cold pages at table latency 100: the most table reads
 * outstanding at once (walks in flight), for a stage-1 and a nested stream (with the
 * nested stream's time for all 64), and the most client transactions the SMMU holds at
 * once (data latency 1000, all hits). */
static void bench_concurrency(void)
{
    env_t *e = env_up(M_S1, 2);
    one(e, false, IOVA0 + 0x1000ull * (NPAGES - 1), 1); /* configuration warm */
    mem_set_port_timing(e->sim, MEM_PORT_TBL, 100, 100, 0);
    mem_port_peak_reset(e->sim, MEM_PORT_TBL);
    set_depth(e, 64, 64);
    for (unsigned i = 0; i < 64; i++) {
        tm_txn_t x = txn(e, false, IOVA0 + 0x1000ull * (i + 8), 1, i);
        tm_issue(e->sim, &x, NULL);
    }
    tm_wait_all(e->sim);
    tm_discard_done(e->sim);
    mem_port_load_t ld;
    mem_port_load(e->sim, MEM_PORT_TBL, &ld);
    key("max_translations_in_flight", ld.rd_peak);
    env_down(e);

    /* The same 64 misses on the nested stream: every walk's stage-2 walks (its tables'
     * IPAs, its output IPA) are served by the shared stage-2 walk units. */
    e = env_up(M_NEST, 2);
    one(e, false, IOVA0 + 0x1000ull * (NPAGES - 1), 1); /* configuration warm */
    mem_set_port_timing(e->sim, MEM_PORT_TBL, 100, 100, 0);
    mem_port_peak_reset(e->sim, MEM_PORT_TBL);
    set_depth(e, 64, 64);
    uint64_t t0 = sim_cycles(e->sim);
    for (unsigned i = 0; i < 64; i++) {
        tm_txn_t x = txn(e, false, IOVA0 + 0x1000ull * (i + 8), 1, i);
        tm_issue(e->sim, &x, NULL);
    }
    tm_wait_all(e->sim);
    uint64_t t1 = sim_cycles(e->sim);
    tm_discard_done(e->sim);
    mem_port_load(e->sim, MEM_PORT_TBL, &ld);
    key("nested_misses_64_cycles", (double)(t1 - t0));
    key("nested_max_reads_in_flight", ld.rd_peak);
    env_down(e);

    e = env_up(M_S1, 2);
    warm(e, IOVA0, 4);
    mem_set_port_timing(e->sim, MEM_PORT_DN, 1000, 1000, 0);
    set_depth(e, TM_MAX_OUTSTANDING, TM_MAX_OUTSTANDING);
    tm_stats_reset(e->sim);
    for (unsigned i = 0; i < TM_MAX_OUTSTANDING; i++) {
        tm_txn_t x = txn(e, false, IOVA0 + 64 * (i % 256), 1, i);
        tm_issue(e->sim, &x, NULL);
        tm_txn_t y = txn(e, true, IOVA0 + 0x2000 + 64 * (i % 128), 1, i);
        tm_issue(e->sim, &y, NULL);
    }
    tm_wait_all(e->sim);
    tm_discard_done(e->sim);
    tm_stats_t st;
    tm_stats(e->sim, &st);
    key("max_outstanding_per_direction", st.peak_rd < st.peak_wr ? st.peak_rd : st.peak_wr);
    env_down(e);
}

/* A hit on another stream while a nested walk is outstanding (latency 100), against the
 * same hit on an idle SMMU. */
static void bench_hit_under_miss(void)
{
    env_t *e = env_up(M_S1, 2);
    warm(e, IOVA0, 1);
    e->mode = M_NEST;
    one(e, false, IOVA0 + 0x1000ull * (NPAGES - 1), 1); /* nested configuration warm */
    mem_set_timing(e->sim, 100, 100, 0);
    e->mode = M_S1;
    tm_result_t idle = one(e, false, IOVA0, 1);
    e->mode = M_NEST;
    tm_txn_t miss = txn(e, false, IOVA0 + 0x5000, 1, 1);
    int hm = tm_issue(e->sim, &miss, NULL);
    sim_step(e->sim, 20);
    e->mode = M_S1;
    tm_txn_t hit = txn(e, false, IOVA0, 1, 2);
    tm_result_t r = tm_wait(e->sim, tm_issue(e->sim, &hit, NULL));
    tm_result_t rm = tm_wait(e->sim, hm);
    key("hit_latency_lat100_cycles", (double)latency(&idle));
    key("hit_under_miss_latency_cycles", (double)latency(&r));
    key("nested_miss_lat100_cycles", (double)latency(&rm));
    env_down(e);
}

/* TLB hit rate by working-set size, cyclic and random, one access at a time (a hit is an
 * access with no table read). */
static void bench_tlb(void)
{
    static const unsigned ws[] = {1, 2, 4, 8, 16, 17, 24, 32, 64, 128, 256, 512, 1024};
    unsigned nws = quick ? 4 : 13;
    for (int rnd = 0; rnd < 2; rnd++) {
        unsigned s = new_series("tlb_hit_rate/%s", rnd ? "random" : "cyclic");
        for (unsigned wi = 0; wi < nws; wi++) {
            unsigned w = quick ? (unsigned[]){1, 16, 17, 64}[wi] : ws[wi];
            env_t *e = env_up(M_S1, 2);
            warm(e, IOVA0, w);
            unsigned n = quick ? 128 : 1024, hits = 0;
            uint64_t st = 0x9e3779b97f4a7c15ull * (w + 1);
            for (unsigned i = 0; i < n; i++) {
                unsigned p;
                if (rnd) {
                    st ^= st << 13;
                    st ^= st >> 7;
                    st ^= st << 17;
                    p = (unsigned)(st % w);
                } else {
                    p = i % w;
                }
                tm_result_t r = one(e, false, IOVA0 + 0x1000ull * p, 1);
                hits += r.tbl_reads == 0;
            }
            point(s, w, (double)hits / n);
            if (rnd && w == 64)
                key("tlb_hit_rate_64_pages_random", (double)hits / n);
            env_down(e);
        }
    }
}

/* The cost of a miss (configuration cached, new page) by memory latency. */
static void bench_miss_cost(void)
{
    static const unsigned lats[] = {2, 10, 20, 50, 100};
    unsigned nl = quick ? 2 : 5;
    const enum mode ms[] = {M_S1, M_S2, M_NEST};
    for (unsigned mi = 0; mi < 3; mi++) {
        unsigned s = new_series("miss_cycles_vs_latency/%s", mode_name[ms[mi]]);
        unsigned sh = new_series("hit_cycles_vs_latency/%s", mode_name[ms[mi]]);
        env_t *e = env_up(ms[mi], 2);
        one(e, false, IOVA0 + 0x1000ull * (NPAGES - 1), 1);
        for (unsigned li = 0; li < nl; li++) {
            unsigned l = quick ? (li ? 100 : 2) : lats[li];
            mem_set_timing(e->sim, l, l, 0);
            uint64_t sum = 0, hsum = 0;
            for (unsigned k = 0; k < 4; k++) {
                tm_result_t r = one(e, false, IOVA0 + 0x1000ull * (16 * li + 4 * k), 1);
                sum += latency(&r);
                r = one(e, false, IOVA0 + 0x1000ull * (16 * li + 4 * k), 1);
                hsum += latency(&r);
            }
            point(s, l, sum / 4.0);
            point(sh, l, hsum / 4.0);
        }
        env_down(e);
    }
}

/* CMD_SYNC: idle, and with 16 reads and 16 writes continuously in flight. From the
 * driver's call to the CMD_SYNC interrupt (CS = IRQ). */
static void bench_cmd_sync(void)
{
    env_t *e = env_up(M_S1, 2);
    warm(e, IOVA0, 4);
    uint64_t c0 = sim_cycles(e->sim), n0 = sim_irq_count(e->sim, SIM_IRQ_CMD_SYNC);
    TRY("sync", smmu_cmdq_sync(&e->smmu, SMMU_CS_IRQ));
    if (sim_irq_count(e->sim, SIM_IRQ_CMD_SYNC) != n0 + 1)
        die("CMD_SYNC interrupt", -1);
    key("cmd_sync_cycles", (double)(sim_irq_last_cycle(e->sim, SIM_IRQ_CMD_SYNC) - c0));

    set_depth(e, 16, 16);
    unsigned n = quick ? 400 : 2000;
    for (unsigned i = 0; i < n; i++) {
        tm_txn_t x = txn(e, false, IOVA0 + 64 * (i % 64), 8, i);
        tm_issue(e->sim, &x, NULL);
        tm_txn_t y = txn(e, true, IOVA0 + 0x2000 + 64 * (i % 64), 8, i);
        tm_issue(e->sim, &y, NULL);
    }
    sim_step(e->sim, 200);
    c0 = sim_cycles(e->sim);
    n0 = sim_irq_count(e->sim, SIM_IRQ_CMD_SYNC);
    TRY("sync under load", smmu_cmdq_sync(&e->smmu, SMMU_CS_IRQ));
    uint64_t done = sim_irq_last_cycle(e->sim, SIM_IRQ_CMD_SYNC);
    unsigned pend = tm_pending(e->sim, false) + tm_pending(e->sim, true);
    if (sim_irq_count(e->sim, SIM_IRQ_CMD_SYNC) != n0 + 1 || pend == 0)
        die("CMD_SYNC under load (traffic ran out)", -1);
    key("cmd_sync_under_load_cycles", (double)(done - c0));
    tm_wait_all(e->sim);
    env_down(e);
}

/* Simulated cycles per second of CPU time (what the process got, so the figure does not
 * depend on what else the machine runs): S1 hits, 16 reads and 16 writes in flight. */
/* The PMCG's view of a stage-1 stream of 64-byte reads, 16 in flight, in two passes over
 * the same pages (cold, then warm): one counter per event through smmu_pmu.h, printed as
 * `perf stat` would. */
static void bench_pmu(void)
{
    static smmu_pmu_t pmu;
    env_t *e = env_up(M_S1, 2);
    int c[6];
    TRY("pmu", smmu_pmu_init(&pmu, &e->smmu));
    for (unsigned ev = 0; ev < 6; ev++) {
        c[ev] = smmu_pmu_alloc(&pmu, ev, SMMU_PMU_ALL_SIDS, true);
        if (c[ev] < 0)
            die("pmu alloc", c[ev]);
    }
    for (unsigned pass = 0; pass < 2; pass++) {
        for (unsigned ev = 0; ev < 6; ev++) {
            smmu_pmu_free(&pmu, c[ev]);
            c[ev] = smmu_pmu_alloc(&pmu, ev, SMMU_PMU_ALL_SIDS, true);
            smmu_pmu_start(&pmu, c[ev]);
        }
        unsigned n = quick ? 1024 : 4096; /* 16 or 64 pages of 4 KB */
        stream(e, IOVA0, 64, n, 8, 16);
        uint64_t v[6];
        for (unsigned ev = 0; ev < 6; ev++) {
            smmu_pmu_stop(&pmu, c[ev]);
            smmu_pmu_read(&pmu, c[ev], &v[ev]);
        }
        char buf[512];
        smmu_pmu_format(&pmu, c, 6, buf, sizeof buf);
        printf("  perf stat, stage 1, %u reads over %u pages, %s:\n%s", n, n / 64, pass ? "warm" : "cold", buf);
        if (v[SMMU_PMU_TRANSACTIONS]) {
            double t = (double)v[SMMU_PMU_TRANSACTIONS];
            key(pass ? "pmu_walk_reads_per_txn_warm" : "pmu_walk_reads_per_txn_cold",
                (double)v[SMMU_PMU_WALK_ACCESS] / t);
            key(pass ? "pmu_tlb_misses_per_txn_warm" : "pmu_tlb_misses_per_txn_cold",
                (double)v[SMMU_PMU_TLB_MISS] / t);
        }
    }
    env_down(e);
}

static double sim_speed(void)
{
    env_t *e = env_up(M_S1, 2);
    warm(e, IOVA0, 4);
    set_depth(e, 16, 16);
    uint64_t target = quick ? 100000 : 400000;
    double t0 = cpu_s();
    uint64_t c0 = sim_cycles(e->sim);
    unsigned i = 0;
    while (sim_cycles(e->sim) - c0 < target) {
        for (unsigned k = 0; k < 64; k++, i++) {
            tm_txn_t x = txn(e, false, IOVA0 + 64 * (i % 64), 4, i);
            tm_issue(e->sim, &x, NULL);
            tm_txn_t y = txn(e, true, IOVA0 + 0x2000 + 64 * (i % 64), 4, i);
            tm_issue(e->sim, &y, NULL);
        }
        tm_wait_all(e->sim);
        tm_discard_done(e->sim);
    }
    double cps = (double)(sim_cycles(e->sim) - c0) / (cpu_s() - t0);
    env_down(e);
    return cps;
}

int main(int argc, char **argv)
{
    const char *json = "build/bench/bench.json";
    bool speed_only = false, no_speed = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick"))
            quick = true;
        else if (!strcmp(argv[i], "--speed-only"))
            speed_only = true;
        else if (!strcmp(argv[i], "--no-speed"))
            no_speed = true;
        else if (!strcmp(argv[i], "-v"))
            verbose = true;
        else if (!strcmp(argv[i], "--json") && i + 1 < argc)
            json = argv[++i];
        else {
            fprintf(stderr, "usage: bench [--quick] [--speed-only | --no-speed] [-v] [--json FILE]\n");
            return 2;
        }
    }
    if (speed_only && no_speed) {
        fprintf(stderr, "bench: --speed-only and --no-speed exclude each other\n");
        return 2;
    }
    double t0 = now_s();
    printf("bench: %s run, memory latency 2 unless a key says otherwise\n",
           quick ? "quick" : "full");
    if (speed_only) {
        key("sim_cycles_per_second", sim_speed());
    } else {
        bench_latency();
        bench_hit_rate_of_issue();
        bench_reads();
        bench_concurrency();
        bench_hit_under_miss();
        bench_cmd_sync();
        bench_nested_sweep();
        bench_bandwidth();
        bench_tlb();
        bench_miss_cost();
        bench_pmu();
        if (!no_speed)
            key("sim_cycles_per_second", sim_speed());
    }
    write_json(json);
    printf("bench: %u keys, %u series in %s (%.1f s)\n", nkeys, nseries, json, now_s() - t0);
    return 0;
}
