/*
 * SoC self-test: the SMMU driver (sw/core, built unchanged) on PicoRV32 next to the
 * SMMU, with the DMA engine as the client device. Every step moves data with the DMA
 * engine and checks it, or checks that the SMMU stopped it and said why.
 *
 *   1 probe, init (SMMUEN = 0)            6 stage 1 (STE + CD + 3-level tables)
 *   2 GBPA bypass DMA                     7 F_TRANSLATION from an unmapped VA
 *   3 GBPA abort DMA                      8 stage 2 (VMID 1, 4 KB pages)
 *   4 SMMUEN = 1                          9 nested with S2FWB: stage-1 tables and CD at
 *   5 C_BAD_STREAMID from the event queue    IPAs, attribute forced to WB; then S2FWB = 0
 *                                        10 driver domains: S1 and S2 domains, map,
 *                                           unmap (TLBI) -> fault, move a master
 *                                        11 nesting API: nest parent, vIOMMU, guest
 *                                           tables + CD in guest RAM, guest STE, DMA,
 *                                           guest unmap + TLBI via the vIOMMU -> guest
 *                                           fault delivered with the vSID
 *                                        11b PMCG (smmu_pmu.h): counters, the summary,
 *                                           an overflow signalled by its MSI
 *                                        12 teardown, no DMA memory leaked
 *
 * Steps 6-9 write STE, CD and tables by hand, independently of the driver's table
 * code; steps 10 and 11 use the driver's domain and nesting APIs (smmu_domain.h,
 * smmu_nested.h). The driver does bring-up, commands, events and tear-down.
 * main returns the number of failed checks (crt0 turns it into the EXIT register).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "smmu/smmu.h"
#include "smmu/smmu_domain.h"
#include "smmu/smmu_nested.h"
#include "smmu/smmu_pmu.h"
#include "smmu/smmu_regs.h"
#include "smmu/smmu_guest.h"
#include "smmu_hal_soc.h"
#include "soc.h"

static smmu_hal_soc_t H;
static smmu_t S;
static unsigned fails, checks;

#define CHECK(cond, ...)                                                                  \
    do {                                                                                  \
        checks++;                                                                         \
        if (!(cond)) {                                                                    \
            fails++;                                                                      \
            printf("  FAIL %s:%d: ", __FILE__, __LINE__);                                 \
            printf(__VA_ARGS__);                                                          \
            printf("\n");                                                                 \
        }                                                                                 \
    } while (0)

/* ---- memory the test owns ---------------------------------------------------------- */

#define MAX_OWN 24
static struct { void *cpu; uint64_t pa; size_t size; } own[MAX_OWN];
static unsigned n_own;

static void *test_alloc(size_t size, uint64_t *pa)
{
    void *cpu = NULL;
    int r = soc_dma_alloc(&H, size, SOC_POOL_PAGE, &cpu, pa);
    CHECK(r == 0 && n_own < MAX_OWN, "test_alloc(%u): %s", (unsigned)size, smmu_strerror(r));
    if (r != 0 || n_own >= MAX_OWN)
        return NULL;
    own[n_own].cpu = cpu;
    own[n_own].pa = *pa;
    own[n_own].size = size;
    n_own++;
    return cpu;
}

static void test_free_all(void)
{
    while (n_own) {
        n_own--;
        soc_dma_free(&H, own[n_own].cpu, own[n_own].pa, own[n_own].size);
    }
}

/* ---- the DMA engine ---------------------------------------------------------------- */

#define DMA_ATTR_DEFAULT (0xFu | 2u << 4 | 2u << 8) /* WB RWA, NS unpriv data, ISH */

/* Copy len bytes from src to dst (input addresses) as StreamID sid; returns STATUS. */
static uint32_t dma_copy(uint32_t sid, uint64_t src, uint64_t dst, uint32_t len)
{
    uint64_t t0;
    uint32_t st;

    mmio_wr(SOC_DMA_BASE, DMA_SRC_LO, (uint32_t)src);
    mmio_wr(SOC_DMA_BASE, DMA_SRC_HI, (uint32_t)(src >> 32));
    mmio_wr(SOC_DMA_BASE, DMA_DST_LO, (uint32_t)dst);
    mmio_wr(SOC_DMA_BASE, DMA_DST_HI, (uint32_t)(dst >> 32));
    mmio_wr(SOC_DMA_BASE, DMA_LEN, len);
    mmio_wr(SOC_DMA_BASE, DMA_SID, sid);
    mmio_wr(SOC_DMA_BASE, DMA_ATTR, DMA_ATTR_DEFAULT);
    mmio_wr(SOC_DMA_BASE, DMA_CTRL, 1);
    t0 = soc_now_us();
    do {
        st = mmio_rd(SOC_DMA_BASE, DMA_STATUS);
    } while ((st & DMA_ST_BUSY) && soc_now_us() - t0 < 20000u);
    CHECK(!(st & DMA_ST_BUSY), "DMA still busy after 20 ms (status 0x%lx)", (unsigned long)st);
    return st;
}

static void fill(void *p, uint32_t len, uint32_t seed)
{
    uint32_t *w = p;
    for (uint32_t i = 0; i < len / 4u; i++)
        w[i] = seed ^ (i * 0x9e3779b9u);
}

/* The number of 32-bit words of dst that differ from the pattern. */
static unsigned mismatches(const void *p, uint32_t len, uint32_t seed)
{
    const uint32_t *w = p;
    unsigned bad = 0;
    for (uint32_t i = 0; i < len / 4u; i++)
        bad += w[i] != (seed ^ (i * 0x9e3779b9u));
    return bad;
}

/* A copy that must succeed and land intact in dst_cpu. */
static void dma_expect_ok(const char *what, uint32_t sid, uint64_t src, uint64_t dst,
                          uint32_t len, void *src_cpu, void *dst_cpu, uint32_t seed)
{
    uint32_t st;
    uint64_t c0, c1;
    unsigned bad;

    fill(src_cpu, len, seed);
    memset(dst_cpu, 0, len);
    c0 = soc_cycles();
    st = dma_copy(sid, src, dst, len);
    c1 = soc_cycles();
    bad = mismatches(dst_cpu, len, seed);
    printf("  %-34s sid %2lu %4lu B  status 0x%02lx  %5lu cycles  %s\n", what,
           (unsigned long)sid, (unsigned long)len, (unsigned long)st,
           (unsigned long)(c1 - c0), bad ? "DATA BAD" : "data ok");
    CHECK((st & (DMA_ST_DONE | DMA_ST_ERR)) == DMA_ST_DONE, "%s: status 0x%lx", what,
          (unsigned long)st);
    CHECK(bad == 0, "%s: %u of %lu words wrong", what, bad, (unsigned long)(len / 4u));
}

/* A copy the SMMU must stop: SLVERR on the read side, dst untouched. */
static void dma_expect_abort(const char *what, uint32_t sid, uint64_t src, uint64_t dst,
                             uint32_t len, void *dst_cpu)
{
    uint32_t st;
    memset(dst_cpu, 0x5a, len);
    st = dma_copy(sid, src, dst, len);
    printf("  %-34s sid %2lu status 0x%02lx (resp %lu, %s side)\n", what, (unsigned long)sid,
           (unsigned long)st, (unsigned long)DMA_ST_RESP(st), (st & DMA_ST_WRITE) ? "write" : "read");
    CHECK((st & (DMA_ST_DONE | DMA_ST_ERR)) == DMA_ST_ERR && DMA_ST_RESP(st) == 2 &&
              !(st & DMA_ST_WRITE),
          "%s: status 0x%lx, want SLVERR on the read", what, (unsigned long)st);
    CHECK(((uint8_t *)dst_cpu)[0] == 0x5a && ((uint8_t *)dst_cpu)[len - 1] == 0x5a,
          "%s: destination written", what);
}

/* ---- events -------------------------------------------------------------------------- */

#define MAX_EV 8
static smmu_event_t evs[MAX_EV];
static unsigned n_ev;

static void ev_cb(void *arg, const smmu_event_t *ev)
{
    char line[120];
    (void)arg;
    smmu_event_decode(ev, line, sizeof line);
    printf("  event: %s\n", line);
    if (n_ev < MAX_EV)
        evs[n_ev++] = *ev;
}

static int drain(void)
{
    n_ev = 0;
    return smmu_evtq_drain(&S, ev_cb, NULL, 0);
}

static unsigned irq_pending(void)
{
    return mmio_rd(SOC_SYS_BASE, SYS_IRQ_PEND);
}

static void irq_clear(unsigned bits)
{
    mmio_wr(SOC_SYS_BASE, SYS_IRQ_PEND, bits);
}

/* ---- translation tables (4 KB granule, 32-bit input: start level 1, 2 index bits) --- */

#define T0SZ_32 32u
#define MAIR 0x000000000004ff44ull /* idx 0 Normal NC, 1 Normal WB RWA, 2 Device-nGnRE */
#define IDX_NC 0u
#define IDX_WB 1u
#define IPA_OFF 0x80000000ull /* nested: IPA = PA + IPA_OFF through a 2 MB stage-2 block */

static uint64_t *new_table(uint64_t *pa)
{
    return test_alloc(SOC_POOL_PAGE, pa);
}

/* Write `leaf` at `leaf_level` for input address ia under root; table descriptors hold
 * the next table's address + toff (the IPA of a nested stage-1 table). */
static void map(uint64_t *root, unsigned leaf_level, uint64_t ia, uint64_t leaf, uint64_t toff)
{
    uint64_t *t = root;
    for (unsigned lvl = 1;; lvl++) {
        unsigned shift = 12u + 9u * (3u - lvl);
        uint32_t idx = (uint32_t)(ia >> shift) & (lvl == 1 ? 3u : 511u);
        if (lvl == leaf_level) {
            t[idx] = leaf;
            return;
        }
        if ((t[idx] & 3u) != 3u) {
            uint64_t pa;
            uint64_t *n = new_table(&pa);
            if (!n)
                return;
            t[idx] = (pa + toff) | 3u;
        }
        t = (uint64_t *)(uintptr_t)((t[idx] & 0xfffff000ull) - toff);
    }
}

static uint64_t s1_page(uint64_t oa, unsigned idx)
{
    /* page, AttrIndx, AP[2:1] = 01 (read/write at any EL), SH ISH, AF, nG */
    return oa | 3u | (uint64_t)idx << 2 | 1u << 6 | 3u << 8 | 1u << 10 | 1u << 11;
}

static uint64_t s2_leaf(unsigned level, uint64_t oa, unsigned memattr)
{
    /* MemAttr, S2AP = RW, SH ISH, AF */
    return oa | (level == 3 ? 3u : 1u) | (uint64_t)memattr << 2 | 3u << 6 | 3u << 8 | 1u << 10;
}

static void ste_write(uint32_t sid, const uint64_t ste[8])
{
    volatile uint64_t *e = (volatile uint64_t *)S.strtab.cpu + 8u * sid;
    /* dw0 (V, Config) last: the SMMU may fetch the STE at any time, but the cached copy
     * is only refreshed by the CFGI_STE below. */
    for (int i = 7; i >= 1; i--)
        e[i] = ste[i];
    S.hal->wmb(S.hal->ctx);
    e[0] = ste[0];
    S.hal->wmb(S.hal->ctx);
}

/* CFGI_STE (+ an optional TLBI) and a CMD_SYNC, through the driver. */
static void ste_publish(uint32_t sid, int tlbi_vmid)
{
    smmu_cmd_t c[2];
    unsigned n = 0;
    int r = smmu_cmd_cfgi_ste(&c[n++], sid, false);
    if (tlbi_vmid >= 0)
        r |= smmu_cmd_tlbi_s12_vmall(&c[n++], (uint16_t)tlbi_vmid);
    CHECK(r == 0, "command builders");
    r = smmu_cmdq_submit(&S, c, n, true, SMMU_CS_NONE);
    CHECK(r == 0, "CFGI_STE sid %lu + CMD_SYNC: %s", (unsigned long)sid, smmu_strerror(r));
}

static void cd_write(uint64_t *cd, uint64_t ttb0, unsigned ips, uint16_t asid)
{
    memset(cd, 0, 64);
    cd[1] = ttb0;
    cd[3] = MAIR;
    cd[0] = T0SZ_32 | 0u << CD_TG0_SHIFT | 1u << CD_IR0_SHIFT | 1u << CD_OR0_SHIFT |
            3u << CD_SH0_SHIFT | CD_EPD1_MASK | (uint64_t)ips << CD_IPS_SHIFT | CD_AA64_MASK |
            CD_A_MASK | CD_R_MASK | (uint64_t)asid << CD_ASID_SHIFT | CD_V_MASK;
}

static void ste_s2_fields(uint64_t ste[8], uint16_t vmid, uint64_t s2ttb, bool fwb)
{
    ste[2] = vmid | (uint64_t)32u << STE_S2T0SZ_SHIFT | 1ull << STE_S2SL0_SHIFT |
             1ull << STE_S2IR0_SHIFT | 1ull << STE_S2OR0_SHIFT | 3ull << STE_S2SH0_SHIFT |
             0ull << STE_S2PS_SHIFT | STE_S2AA64_MASK | STE_S2R_MASK;
    ste[3] = s2ttb;
    if (fwb)
        ste[1] |= STE_S2FWB_MASK;
}

static unsigned dn_attr(void)
{
    return mmio_rd(SOC_SYS_BASE, SYS_DN_RD_MON) & 0xffu;
}

/* ---- the test -------------------------------------------------------------------------- */

#define BUF 4096u
#define LEN 1024u

/* ---- step 11: the nesting API --------------------------------------------------------- */

#define G_RAM_IPA 0x40000000u  /* the guest's RAM as it sees it: 8 pages */
#define G_RAM_PAGES 8u
#define G_VA_SRC 0x10000000u   /* the guest's DMA addresses for its two buffers */
#define G_VA_DST 0x10001000u
#define G_VSID 0x21u
#define G_PSID 12u
#define G_ASID 5u

static smmu_event_t guest_ev[MAX_EV];
static unsigned n_guest_ev, n_host_ev;

static void guest_ev_cb(void *arg, const smmu_event_t *ev)
{
    char line[120];
    (void)arg;
    smmu_event_decode(ev, line, sizeof line);
    printf("  guest event: %s\n", line);
    if (n_guest_ev < MAX_EV)
        guest_ev[n_guest_ev++] = *ev;
}

static void host_ev_cb(void *arg, const smmu_event_t *ev)
{
    ev_cb(arg, ev);
    n_host_ev++;
}

static void nested_api_step(void)
{
    static smmu_domain_t parent, nested;
    static smmu_viommu_t v;
    static smmu_master_t m;
    static smmu_hal_guest_t gh;
    static smmu_pgtable_t gpt;
    smmu_domain_cfg_t pc;
    smmu_pgtable_cfg_t gc;
    smmu_gather_t gg;
    smmu_guest_flush_t gf;
    uint64_t ram_pa = 0, cd_ipa = 0, cd[8], gste[2];
    void *cd_cpu = NULL;
    uint8_t *ram;
    int64_t un;
    int r;

    /* Host: the VM's stage 2 maps 8 pages of guest RAM at IPA 0x40000000. */
    memset(&pc, 0, sizeof pc);
    pc.ias = 32;
    pc.nest_parent = true;
    ram = test_alloc(G_RAM_PAGES * SOC_POOL_PAGE, &ram_pa);
    if (!ram)
        return;
    r = smmu_domain_init(&parent, &S, SMMU_DOMAIN_S2, &pc);
    CHECK(r == 0, "nest parent: %s", smmu_strerror(r));
    if (r)
        return;
    smmu_domain_set_fault_handler(&parent, host_ev_cb, NULL);
    r = smmu_domain_map(&parent, G_RAM_IPA, ram_pa, G_RAM_PAGES * SOC_POOL_PAGE,
                        SMMU_PROT_READ | SMMU_PROT_WRITE, SMMU_MAP_MEM);
    r |= smmu_viommu_init(&v, &parent, guest_ev_cb, NULL);
    r |= smmu_master_init_fw(&m, &S, G_PSID, SMMU_MASTER_DMA_COHERENT);
    r |= smmu_viommu_vdev_add(&v, &m, G_VSID);
    CHECK(r == 0, "parent map, vIOMMU, vdev");
    printf("  nest parent VMID %u FWB %d; guest RAM IPA 0x%08lx -> PA 0x%08lx; vSID 0x%x -> "
           "sid %u\n", parent.vmid, parent.fwb, (unsigned long)G_RAM_IPA, (unsigned long)ram_pa,
           G_VSID, G_PSID);

    /* Guest: buffers in its pages 0 and 1, its tables and CD from pages 2.., all by IPA;
     * it maps its buffers Normal NC (S2FWB forces write-back). */
    r = smmu_hal_guest_init(&gh, &H.hal, ram + 2u * SOC_POOL_PAGE,
                            G_RAM_IPA + 2u * SOC_POOL_PAGE, (G_RAM_PAGES - 2u) * SOC_POOL_PAGE);
    memset(&gc, 0, sizeof gc);
    gc.stage = 1;
    gc.ias = 32;
    gc.oas = 32;
    gc.bbml2 = S.feat.bbml >= 2u;
    gc.split64 = S.split64;
    if (r == 0)
        r = smmu_pgtable_init(&gpt, &gh.hal, &gc);
    gf.viommu = &v;
    gf.asid = G_ASID;
    smmu_gather_init(&gg, smmu_guest_flush, &gf);
    if (r == 0)
        r = smmu_pgtable_map(&gpt, G_VA_SRC, G_RAM_IPA, SOC_POOL_PAGE, SMMU_PROT_READ,
                             SMMU_MAP_IO, &gg);
    if (r == 0)
        r = smmu_pgtable_map(&gpt, G_VA_DST, G_RAM_IPA + SOC_POOL_PAGE, SOC_POOL_PAGE,
                             SMMU_PROT_READ | SMMU_PROT_WRITE, SMMU_MAP_IO, &gg);
    if (r == 0)
        r = gh.hal.dma_alloc(gh.hal.ctx, 64, 64, &cd_cpu, &cd_ipa);
    CHECK(r == 0, "guest tables and CD: %s", smmu_strerror(r));
    if (r)
        return;
    {
        static smmu_domain_t g; /* only what smmu_make_cd reads: the guest's view */
        memset(&g, 0, sizeof g);
        g.pgt = gpt;
        g.asid = G_ASID;
        g.coherent_walk = S.coherent;
        smmu_make_cd(&g, cd);
        memcpy(cd_cpu, cd, sizeof cd);
        H.hal.wmb(H.hal.ctx);
    }
    gste[0] = STE_V_MASK | (uint64_t)STE_CFG_S1 << STE_CONFIG_SHIFT | cd_ipa;
    gste[1] = 0;
    r = smmu_nested_domain_init(&nested, &v, gste);
    CHECK(r == 0, "nested domain: %s", smmu_strerror(r));
    r = smmu_attach(&m, &nested);
    CHECK(r == 0, "attach the guest's STE: %s", smmu_strerror(r));
    printf("  guest CD at IPA 0x%08lx, tables at IPA 0x%08lx; attach %u syncs, hitless %d\n",
           (unsigned long)cd_ipa, (unsigned long)gpt.root_pa, m.last_syncs, m.last_hitless);

    dma_expect_ok("nested (API) guest VA->IPA->PA", G_PSID, G_VA_SRC, G_VA_DST, LEN, ram,
                  ram + SOC_POOL_PAGE, 0x66660000u);
    CHECK(dn_attr() == (parent.fwb ? 0xffu : 0x44u), "nested (API): attribute 0x%02x",
          dn_attr());
    CHECK(mmio_rd(SOC_SYS_BASE, SYS_DN_RD_ADDR) == (uint32_t)ram_pa + LEN - 64u,
          "nested (API): last read PA 0x%08lx", (unsigned long)mmio_rd(SOC_SYS_BASE, SYS_DN_RD_ADDR));

    /* The guest unmaps its source buffer; its flush sends TLBI_NH_VA through the vIOMMU.
     * The translation was in the TLB: only that invalidation makes the next copy fault,
     * and the fault reaches the guest with its vSID. */
    un = smmu_pgtable_unmap(&gpt, G_VA_SRC, SOC_POOL_PAGE, &gg);
    r = un == (int64_t)SOC_POOL_PAGE ? smmu_guest_flush(&gf, &gg) : SMMU_EIO;
    CHECK(r == 0 && v.stats.cmds == 1, "guest unmap + TLBI via vIOMMU: %s", smmu_strerror(r));
    dma_expect_abort("guest VA after the guest's unmap", G_PSID, G_VA_SRC, G_VA_DST, 64,
                     ram + SOC_POOL_PAGE);
    n_guest_ev = n_host_ev = 0;
    /* The record may land after the copy's error status: a CMD_SYNC orders it. */
    r = smmu_cmdq_sync(&S, SMMU_CS_NONE);
    if (r == 0)
        r = smmu_evtq_dispatch(&S, 0);
    CHECK(r == 1 && n_guest_ev == 1 && n_host_ev == 0 &&
              (guest_ev[0].dw[0] & EVT_TYPE_MASK) == EVT_F_TRANSLATION &&
              (uint32_t)(guest_ev[0].dw[0] >> EVT_SID_SHIFT) == G_VSID &&
              guest_ev[0].dw[2] == G_VA_SRC,
          "want one guest F_TRANSLATION with vSID 0x%x at 0x%08lx (got %d, guest %u)", G_VSID,
          (unsigned long)G_VA_SRC, r, n_guest_ev);

    /* Tear down, guest first. */
    r = smmu_detach(&m);
    r |= smmu_domain_free(&nested);
    r |= smmu_viommu_vdev_del(&v, &m);
    r |= smmu_viommu_free(&v);
    r |= smmu_master_fini(&m);
    gh.hal.dma_free(gh.hal.ctx, cd_cpu, cd_ipa, 64);
    smmu_pgtable_free(&gpt);
    r |= smmu_domain_free(&parent);
    CHECK(r == 0 && gh.pool.allocs == 0, "nested tear-down (%u guest pages left)", gh.pool.allocs);
}

int main(void)
{
    smmu_config_t cfg;
    uint64_t src_pa, dst_pa;
    uint8_t *src, *dst;
    int r;
    uint64_t t_start = soc_cycles();

    mmio_wr(SOC_SYS_BASE, SYS_LEDS, 0x01);
    printf("\n== SMMUv3 SoC self-test: PicoRV32 + SMMU + DMA, %lu KB RAM, %lu MHz ==\n",
           (unsigned long)(mmio_rd(SOC_SYS_BASE, SYS_RAM_BYTES) / 1024u),
           (unsigned long)mmio_rd(SOC_TIMER_BASE, TIMER_CLK_MHZ));

    if (smmu_hal_soc_init(&H) != 0) {
        printf("FAIL: no DMA pool\n");
        return 1;
    }
    printf("DMA pool: %lu pages at 0x%08lx\n", (unsigned long)H.pool.npages, (unsigned long)(uintptr_t)H.pool.cpu);

    /* 1: probe, init */
    printf("[1] probe and init\n");
    r = smmu_probe(&S, &H.hal);
    CHECK(r == 0, "smmu_probe: %s", smmu_strerror(r));
    if (r != 0)
        return (int)fails;
    printf("  SMMUv3.%u S1 %d S2 %d FWB %d OAS %u bits, SIDSIZE %u, CMDQS %u, EVENTQS %u, "
           "2-level ST %d\n",
           S.feat.arch_minor, S.feat.s1p, S.feat.s2p, S.feat.fwb, S.feat.oas_bits,
           S.feat.sid_bits, S.feat.cmdq_log2, S.feat.eventq_log2, S.feat.st_2lvl);
    CHECK(S.feat.s1p && S.feat.s2p && S.feat.fwb && S.feat.oas_bits == 32,
          "features: want S1, S2, FWB, OAS 32");
    memset(&cfg, 0, sizeof cfg);
    cfg.strtab_log2 = 6;   /* StreamIDs 0..63; 64 and up are C_BAD_STREAMID */
    cfg.irq_eventq = true;
    cfg.irq_gerror = true;
    cfg.no_smmuen = true;  /* GBPA first */
    r = smmu_init(&S, &cfg);
    CHECK(r == 0, "smmu_init: %s", smmu_strerror(r));
    if (r != 0)
        return (int)fails;
    printf("  init: stream table %lu STEs at 0x%08lx, cmdq 2^%u, evtq 2^%u\n",
           1ul << S.strtab_log2, (unsigned long)S.strtab.pa, S.cmdq_log2, S.eventq_log2);

    src = test_alloc(BUF, &src_pa);
    dst = test_alloc(BUF, &dst_pa);
    if (!src || !dst)
        return (int)fails;

    /* 2: GBPA bypass */
    printf("[2] GBPA bypass\n");
    {
        smmu_gbpa_t g = smmu_gbpa_incoming(false);
        r = smmu_set_gbpa(&S, &g);
        CHECK(r == 0, "smmu_set_gbpa(bypass): %s", smmu_strerror(r));
        dma_expect_ok("bypass PA->PA", 5, src_pa, dst_pa, LEN, src, dst, 0x11110000u);
        CHECK(mmio_rd(SOC_SYS_BASE, SYS_DN_WR_ADDR) == (uint32_t)dst_pa + LEN - 64u,
              "bypass: last downstream write at 0x%08lx",
              (unsigned long)mmio_rd(SOC_SYS_BASE, SYS_DN_WR_ADDR));
    }

    /* 3: GBPA abort */
    printf("[3] GBPA abort\n");
    {
        smmu_gbpa_t g = smmu_gbpa_incoming(true);
        r = smmu_set_gbpa(&S, &g);
        CHECK(r == 0, "smmu_set_gbpa(abort): %s", smmu_strerror(r));
        dma_expect_abort("abort", 5, src_pa, dst_pa, LEN, dst);
    }

    /* 4: translation on */
    printf("[4] SMMUEN = 1\n");
    r = smmu_write_cr0(&S, S.cr0 | SMMU_CR0_SMMUEN_MASK);
    CHECK(r == 0, "SMMUEN: %s", smmu_strerror(r));
    dma_expect_abort("STE Config = abort", 4, src_pa, dst_pa, 64, dst);
    r = drain();
    CHECK(r == 0, "abort STE recorded %d events, want 0", r);

    /* 5: C_BAD_STREAMID */
    printf("[5] C_BAD_STREAMID\n");
    irq_clear(0xf);
    dma_expect_abort("StreamID 0x70 beyond the table", 0x70, src_pa, dst_pa, 64, dst);
    r = drain();
    CHECK(r == 1 && (evs[0].dw[0] & EVT_TYPE_MASK) == EVT_C_BAD_STREAMID &&
              (uint32_t)(evs[0].dw[0] >> EVT_SID_SHIFT) == 0x70,
          "want one C_BAD_STREAMID sid 0x70 (got %d, type 0x%02lx)", r,
          (unsigned long)(evs[0].dw[0] & EVT_TYPE_MASK));
    CHECK(irq_pending() & IRQ_EVENTQ, "no event-queue interrupt latched (0x%x)", irq_pending());
    /* the same record announced by its MSI on the doorbell (vector = SMMU_MSI_EVENTQ) */
    CHECK(S.msi_srcs == (1u << SMMU_MSI_EVENTQ | 1u << SMMU_MSI_GERROR),
          "MSIs set up for events and errors (0x%x)", (unsigned)S.msi_srcs);
    CHECK((irq_pending() & IRQ_MSI) &&
              mmio_rd(SOC_SYS_BASE, SYS_MSI_PEND) == 1u << SMMU_MSI_EVENTQ,
          "event-queue MSI: IRQ_PEND 0x%x, MSI_PEND 0x%lx", irq_pending(),
          (unsigned long)mmio_rd(SOC_SYS_BASE, SYS_MSI_PEND));
    mmio_wr(SOC_SYS_BASE, SYS_MSI_PEND, 0xffffffffu);

    /* 5b: a command error, announced by the GERROR MSI and recovered by its handler */
    printf("[5b] GERROR MSI\n");
    {
        smmu_cmd_t bad = {{0xffu, 0}};
        unsigned i;
        r = smmu_cmdq_submit(&S, &bad, 1, false, SMMU_CS_NONE);
        CHECK(r == 0, "submit: %s", smmu_strerror(r));
        for (i = 0; i < 1000u && !(mmio_rd(SOC_SYS_BASE, SYS_MSI_PEND) & 1u << SMMU_MSI_GERROR); i++)
            ;
        CHECK(mmio_rd(SOC_SYS_BASE, SYS_MSI_PEND) == 1u << SMMU_MSI_GERROR,
              "GERROR MSI: MSI_PEND 0x%lx", (unsigned long)mmio_rd(SOC_SYS_BASE, SYS_MSI_PEND));
        mmio_wr(SOC_SYS_BASE, SYS_MSI_PEND, 0xffffffffu);
        r = smmu_irq(&S, SMMU_MSI_GERROR);
        CHECK(r == (int)SMMU_GERROR_CMDQ_ERR_MASK, "smmu_irq(GERROR) = %d", r);
        r = smmu_cmdq_sync(&S, SMMU_CS_NONE);
        CHECK(r == 0 && S.stats.cmdq_ill == 1, "queue recovered: %s, %lu ILL", smmu_strerror(r),
              (unsigned long)S.stats.cmdq_ill);
        irq_clear(IRQ_GERROR);
    }

    /* 6: stage 1 */
    printf("[6] stage 1 (sid 1, ASID 0xf7)\n");
    {
        uint64_t ttb, cdpa, ste[8] = {0};
        uint64_t *root = new_table(&ttb);
        uint64_t *cd = test_alloc(SOC_POOL_PAGE, &cdpa);
        if (!root || !cd)
            return (int)fails;
        map(root, 3, 0x40000000u, s1_page(src_pa, IDX_WB), 0);
        map(root, 3, 0x40201000u, s1_page(dst_pa, IDX_WB), 0);
        cd_write(cd, ttb, 0, 0xf7);
        ste[0] = STE_V_MASK | (uint64_t)STE_CFG_S1 << STE_CONFIG_SHIFT | cdpa;
        ste[1] = 1u << STE_S1CIR_SHIFT | 1u << STE_S1COR_SHIFT | 3u << STE_S1CSH_SHIFT |
                 1ull << STE_SHCFG_SHIFT;
        ste_write(1, ste);
        ste_publish(1, -1);
        dma_expect_ok("S1 VA 0x40000000->0x40201000", 1, 0x40000000u, 0x40201000u, LEN, src,
                      dst, 0x22220000u);
        CHECK(dn_attr() == 0xff, "stage-1 WB attribute 0x%02x, want 0xff", dn_attr());
        CHECK(mmio_rd(SOC_SYS_BASE, SYS_DN_RD_ADDR) == (uint32_t)src_pa + LEN - 64u,
              "stage 1: last read PA 0x%08lx", (unsigned long)mmio_rd(SOC_SYS_BASE, SYS_DN_RD_ADDR));
        dma_expect_ok("S1 again (TLB hit)", 1, 0x40000000u, 0x40201000u, LEN, src, dst,
                      0x23230000u);

        /* 7: a fault decoded from the event queue */
        printf("[7] F_TRANSLATION\n");
        dma_expect_abort("S1 unmapped VA 0x40003000", 1, 0x40003000u, 0x40201000u, 64, dst);
        r = drain();
        CHECK(r == 1 && (evs[0].dw[0] & EVT_TYPE_MASK) == EVT_F_TRANSLATION &&
                  evs[0].dw[2] == 0x40003000u,
              "want one F_TRANSLATION at 0x40003000 (got %d)", r);
    }

    /* 8: stage 2 */
    printf("[8] stage 2 (sid 2, VMID 0xf1)\n");
    {
        uint64_t s2ttb, ste[8] = {0};
        uint64_t *root = new_table(&s2ttb);
        if (!root)
            return (int)fails;
        map(root, 3, 0x40000000u, s2_leaf(3, src_pa, 0xf), 0);
        map(root, 3, 0x7ffff000u, s2_leaf(3, dst_pa, 0xf), 0);
        ste[0] = STE_V_MASK | (uint64_t)STE_CFG_S2 << STE_CONFIG_SHIFT;
        ste[1] = 1ull << STE_SHCFG_SHIFT;
        ste_s2_fields(ste, 0xf1, s2ttb, false);
        ste_write(2, ste);
        ste_publish(2, -1);
        dma_expect_ok("S2 IPA 0x40000000->0x7ffff000", 2, 0x40000000u, 0x7ffff000u, LEN, src,
                      dst, 0x33330000u);
        dma_expect_abort("S2 unmapped IPA 0x40001000", 2, 0x40001000u, 0x7ffff000u, 64, dst);
        r = drain();
        CHECK(r == 1 && (evs[0].dw[0] & EVT_TYPE_MASK) == EVT_F_TRANSLATION &&
                  (evs[0].dw[1] & EVT_S2_MASK),
              "want one stage-2 F_TRANSLATION (got %d)", r);
    }

    /* 9: nested, S2FWB */
    printf("[9] nested with S2FWB (sid 3, VMID 0xf2, ASID 0xf9)\n");
    {
        uint64_t s2ttb, ttb, cdpa, ste[8] = {0};
        uint64_t *s2root = new_table(&s2ttb);
        uint64_t *s1root = new_table(&ttb);
        uint64_t *cd = test_alloc(SOC_POOL_PAGE, &cdpa);
        if (!s2root || !s1root || !cd)
            return (int)fails;
        /* Stage 2: IPA [2 GB, 2 GB + 2 MB) -> PA [0, 2 MB), one level-2 block, MemAttr 6
         * (FWB: force write-back). */
        map(s2root, 2, IPA_OFF, s2_leaf(2, 0, 6), 0);
        /* Stage 1, guest-owned: tables and CD referenced by IPA; Normal NC mappings. */
        map(s1root, 3, 0x40000000u, s1_page(src_pa + IPA_OFF, IDX_NC), IPA_OFF);
        map(s1root, 3, 0x40201000u, s1_page(dst_pa + IPA_OFF, IDX_NC), IPA_OFF);
        cd_write(cd, ttb + IPA_OFF, 0, 0xf9);
        ste[0] = STE_V_MASK | (uint64_t)STE_CFG_NESTED << STE_CONFIG_SHIFT | (cdpa + IPA_OFF);
        ste[1] = 1u << STE_S1CIR_SHIFT | 1u << STE_S1COR_SHIFT | 3u << STE_S1CSH_SHIFT |
                 1ull << STE_SHCFG_SHIFT;
        ste_s2_fields(ste, 0xf2, s2ttb, true);
        ste_write(3, ste);
        ste_publish(3, -1);
        dma_expect_ok("nested FWB VA->IPA->PA", 3, 0x40000000u, 0x40201000u, LEN, src, dst,
                      0x44440000u);
        CHECK(dn_attr() == 0xff, "nested FWB: attribute 0x%02x, want 0xff (S1 NC forced WB)",
              dn_attr());
        CHECK(mmio_rd(SOC_SYS_BASE, SYS_DN_RD_ADDR) == (uint32_t)src_pa + LEN - 64u,
              "nested: last read PA 0x%08lx", (unsigned long)mmio_rd(SOC_SYS_BASE, SYS_DN_RD_ADDR));

        /* The same tables without S2FWB: MemAttr 6 is then outer NC / inner WT, and
         * stage 1's NC survives the combine. The TLB holds the old attribute, so the
         * change needs a TLBI as well as the CFGI. */
        ste[1] &= ~STE_S2FWB_MASK;
        ste_write(3, ste);
        ste_publish(3, 0xf2);
        dma_expect_ok("nested, S2FWB = 0", 3, 0x40000000u, 0x40201000u, LEN, src, dst,
                      0x45450000u);
        CHECK(dn_attr() == 0x44, "nested no FWB: attribute 0x%02x, want 0x44", dn_attr());
        r = drain();
        CHECK(r == 0, "nested: %d unexpected events", r);

        /* Hand the hand-made streams back (abort STEs) and drop their TLB entries, so
         * the driver's own ASIDs/VMIDs in step 10 start clean. The hand-made ones are
         * 0xf1/0xf2/0xf7/0xf9, away from the driver's allocator, which starts at 1. */
        {
            uint64_t abort_ste[8] = {STE_V_MASK};
            smmu_cmd_t c;
            for (uint32_t sid = 1; sid <= 3; sid++) {
                ste_write(sid, abort_ste);
                ste_publish(sid, sid == 1 ? -1 : (int)(0xf0 + sid - 1));
            }
            r = smmu_cmd_tlbi_nh_all(&c, 0);
            r |= smmu_cmdq_submit(&S, &c, 1, true, SMMU_CS_NONE);
            CHECK(r == 0, "TLBI_NH_ALL: %s", smmu_strerror(r));
        }
    }

    /* 10: the driver's domains */
    printf("[10] driver domains (smmu_domain.h)\n");
    {
        static smmu_domain_t d1, d2;
        static smmu_master_t m1, m2;
        smmu_domain_cfg_t dc;
        int64_t un;

        memset(&dc, 0, sizeof dc);
        dc.ias = 32;
        r = smmu_domain_init(&d1, &S, SMMU_DOMAIN_S1, &dc);
        CHECK(r == 0, "S1 domain: %s", smmu_strerror(r));
        r = smmu_domain_init(&d2, &S, SMMU_DOMAIN_S2, &dc);
        CHECK(r == 0, "S2 domain: %s", smmu_strerror(r));
        if (fails)
            return (int)fails;
        printf("  S1 domain ASID %u, S2 domain VMID %u FWB %d\n", d1.asid, d2.vmid, d2.fwb);
        r = smmu_master_init(&m1, &S, 10) | smmu_master_init(&m2, &S, 11);
        CHECK(r == 0, "master init");
        r = smmu_attach(&m1, &d1);
        CHECK(r == 0, "attach sid 10 -> S1: %s", smmu_strerror(r));
        r = smmu_attach(&m2, &d2);
        CHECK(r == 0, "attach sid 11 -> S2: %s", smmu_strerror(r));
        r = smmu_domain_map(&d1, 0x10000000u, src_pa, SOC_POOL_PAGE,
                            SMMU_PROT_READ | SMMU_PROT_WRITE, SMMU_MAP_MEM);
        r |= smmu_domain_map(&d1, 0x10001000u, dst_pa, SOC_POOL_PAGE,
                             SMMU_PROT_READ | SMMU_PROT_WRITE, SMMU_MAP_MEM);
        CHECK(r == 0, "S1 map: %s", smmu_strerror(r));
        r = smmu_domain_map(&d2, 0x20000000u, src_pa, SOC_POOL_PAGE,
                            SMMU_PROT_READ | SMMU_PROT_WRITE, SMMU_MAP_MEM);
        r |= smmu_domain_map(&d2, 0x20001000u, dst_pa, SOC_POOL_PAGE,
                             SMMU_PROT_READ | SMMU_PROT_WRITE, SMMU_MAP_MEM);
        CHECK(r == 0, "S2 map: %s", smmu_strerror(r));
        dma_expect_ok("S1 domain IOVA 0x10000000", 10, 0x10000000u, 0x10001000u, LEN, src, dst,
                      0x55550000u);
        CHECK(dn_attr() == 0xff, "S1 domain: attribute 0x%02x, want 0xff", dn_attr());
        dma_expect_ok("S2 domain IPA 0x20000000", 11, 0x20000000u, 0x20001000u, LEN, src, dst,
                      0x56560000u);
        CHECK(dn_attr() == 0xff, "S2 domain: attribute 0x%02x, want 0xff", dn_attr());
        /* The translation of 0x10000000 is in the TLB now: only the unmap's TLBI makes
         * the next access fault. */
        un = (int64_t)smmu_domain_unmap(&d1, 0x10000000u, SOC_POOL_PAGE, &r);
        CHECK(un == (int64_t)SOC_POOL_PAGE && r == 0, "S1 unmap returned %ld", (long)un);
        dma_expect_abort("S1 domain after unmap", 10, 0x10000000u, 0x10001000u, 64, dst);
        r = drain();
        CHECK(r == 1 && (evs[0].dw[0] & EVT_TYPE_MASK) == EVT_F_TRANSLATION &&
                  evs[0].dw[2] == 0x10000000u,
              "want one F_TRANSLATION at 0x10000000 after unmap (got %d)", r);
        /* Move sid 10 to the stage-2 domain. */
        r = smmu_attach(&m1, &d2);
        CHECK(r == 0, "attach sid 10 -> S2: %s", smmu_strerror(r));
        printf("  sid 10 S1 -> S2: %u syncs, hitless %d\n", m1.last_syncs, m1.last_hitless);
        dma_expect_ok("sid 10 moved to the S2 domain", 10, 0x20000000u, 0x20001000u, LEN, src,
                      dst, 0x57570000u);
        r = smmu_detach(&m1) | smmu_detach(&m2);
        CHECK(r == 0, "detach");
        dma_expect_abort("sid 11 detached", 11, 0x20000000u, 0x20001000u, 64, dst);
        r = smmu_domain_free(&d1) | smmu_domain_free(&d2);
        CHECK(r == 0, "domain free");
        r = drain();
        CHECK(r == 0, "domains: %d unexpected events", r);
    }

    /* 11: nesting through the driver */
    printf("[11] nesting API (smmu_nested.h): sid %u as vSID 0x%x\n", G_PSID, G_VSID);
    nested_api_step();

    /* 11b: the PMCG through smmu_pmu.h, its overflow signalled by an MSI on the doorbell */
    printf("[11b] PMCG (smmu_pmu.h)\n");
    {
        static smmu_pmu_t pmu;
        int pc[6];
        uint64_t v[6] = {0, 0, 0, 0, 0, 0};
        static char stat[480];
        unsigned e, i;

        r = smmu_pmu_init(&pmu, &S);
        CHECK(r == 0 && pmu.ncounters >= 4 && pmu.msi, "smmu_pmu_init: %s, %u counters, MSI %d",
              smmu_strerror(r), pmu.ncounters, (int)pmu.msi);
        for (e = 0; e < 6 && r == 0; e++) {
            pc[e] = smmu_pmu_alloc(&pmu, e, SMMU_PMU_ALL_SIDS, true);
            CHECK(pc[e] >= 0 && smmu_pmu_start(&pmu, pc[e]) == 0, "counter for %s",
                  smmu_pmu_event_name(e));
        }
        if (fails)
            return (int)fails;
        /* a copy from a StreamID beyond the table: aborted, but a transaction */
        (void)dma_copy(0x70, src_pa, dst_pa, 64);
        for (e = 0; e < 6; e++) {
            smmu_pmu_stop(&pmu, pc[e]);
            smmu_pmu_read(&pmu, pc[e], &v[e]);
        }
        CHECK(v[0] > 0 && v[1] >= 1, "counted %lu cycles, %lu transactions",
              (unsigned long)v[0], (unsigned long)v[1]);
        r = smmu_pmu_format(&pmu, pc, 6, stat, sizeof stat);
        CHECK(r > 0, "summary");
        printf("%s", stat);
        smmu_irq(&S, SMMU_MSI_EVENTQ); /* the aborted copy's record */
        mmio_wr(SOC_SYS_BASE, SYS_MSI_PEND, 0xffffffffu);
        /* an overflow: the cycles counter 2000 below its wrap, then its MSI (vector 2) */
        {
            uint64_t top = pmu.bits >= 64 ? ~0ull : (1ull << pmu.bits) - 1u, before, after;
            uint32_t off = SMMU_PMCG_EVCNTR0 + (pmu.bits > 32 ? 8u : 4u) * (unsigned)pc[0];
            smmu_pmu_read(&pmu, pc[0], &before);
            mmio_wr(SOC_SMMU_BASE, off, (uint32_t)(top - 2000u));
            pmu.ctr[pc[0]].last = top - 2000u;
            smmu_pmu_start(&pmu, pc[0]);
            for (i = 0; i < 100000u && !(mmio_rd(SOC_SYS_BASE, SYS_MSI_PEND) & (1u << SMMU_MSI_PMCG)); i++)
                ;
            CHECK(mmio_rd(SOC_SYS_BASE, SYS_MSI_PEND) == 1u << SMMU_MSI_PMCG,
                  "PMCG overflow MSI: MSI_PEND 0x%lx", (unsigned long)mmio_rd(SOC_SYS_BASE, SYS_MSI_PEND));
            mmio_wr(SOC_SYS_BASE, SYS_MSI_PEND, 0xffffffffu);
            r = smmu_pmu_irq(&pmu);
            CHECK(r == 1 << pc[0], "smmu_pmu_irq: OVS 0x%x", (unsigned)r);
            smmu_pmu_read(&pmu, pc[0], &after);
            CHECK(after >= before + 2000u, "count across the wrap: %lu -> %lu",
                  (unsigned long)before, (unsigned long)after);
            CHECK(irq_pending() & IRQ_PMCG, "wired PMCG interrupt latched too");
            irq_clear(IRQ_PMCG);
        }
        r = smmu_pmu_teardown(&pmu);
        CHECK(r == 0, "smmu_pmu_teardown: %s", smmu_strerror(r));
    }

    /* 12: tear-down */
    printf("[12] teardown\n");
    CHECK(!(irq_pending() & IRQ_GERROR), "global error interrupt latched");
    printf("  driver stats: %lu commands, %lu syncs (%lu seen by their MSI), %lu events, "
           "%lu gerrors\n",
           (unsigned long)S.stats.cmds, (unsigned long)S.stats.syncs,
           (unsigned long)S.stats.msi_syncs, (unsigned long)S.stats.events,
           (unsigned long)S.stats.gerrors);
    /* every CMD_SYNC of the run completed by MSI polling (coherent SMMU with MSIs) */
    CHECK(S.msipoll && S.stats.msi_syncs == S.stats.syncs && S.stats.msi_abt == 0,
          "MSI polling: %lu of %lu syncs", (unsigned long)S.stats.msi_syncs,
          (unsigned long)S.stats.syncs);
    r = smmu_teardown(&S);
    CHECK(r == 0, "smmu_teardown: %s", smmu_strerror(r));
    test_free_all();
    CHECK(H.pool.allocs == 0, "%u DMA allocations leaked", H.pool.allocs);
    CHECK(H.log_count[SMMU_LOG_ERR] == 0, "%u driver error lines", H.log_count[SMMU_LOG_ERR]);

    printf("== %u checks, %u failed, %lu cycles: %s ==\n", checks, fails,
           (unsigned long)(soc_cycles() - t_start), fails ? "FAIL" : "PASS");
    mmio_wr(SOC_SYS_BASE, SYS_LEDS, fails ? 0x80 : 0x0f);
    return (int)fails;
}
