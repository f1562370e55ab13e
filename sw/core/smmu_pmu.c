/*
 * The PMCG's perf-like API (smmu_pmu.h; IHI 0070 chapter 10). The counters are
 * CFGR.SIZE + 1 bits wide; each keeps a 64-bit software count: `base` plus what the
 * hardware counted since the value `last` (modulo the counter size), with each overflow
 * interrupt folding one full wrap in. A counter must therefore be read (or its overflow
 * handled) at least once per wrap: for 32-bit cycle counters at 100 MHz every 42 s.
 */
#include "smmu/smmu_pmu.h"
#include "smmu/smmu_regs.h"
#include "smmu_internal.h"

static uint32_t evtyper(unsigned n) { return SMMU_PMCG_EVTYPER0 + 4u * n; }
static uint32_t smr(unsigned n) { return SMMU_PMCG_SMR0 + 4u * n; }

static uint32_t ctr_off(const smmu_pmu_t *p, unsigned n)
{
    return SMMU_PMCG_EVCNTR0 + (p->bits > 32 ? 8u : 4u) * n;
}

static uint64_t ctr_mask(const smmu_pmu_t *p)
{
    return p->bits >= 64 ? ~0ull : shl64(1u, p->bits) - 1u;
}

static uint64_t hw_read(const smmu_pmu_t *p, unsigned n)
{
    return p->bits > 32 ? smmu_rd64(p->smmu, ctr_off(p, n)) : rd32(p->smmu, ctr_off(p, n));
}

static void hw_write(const smmu_pmu_t *p, unsigned n, uint64_t v)
{
    if (p->bits > 32)
        smmu_wr64(p->smmu, ctr_off(p, n), v);
    else
        wr32(p->smmu, ctr_off(p, n), (uint32_t)v);
}

static bool valid_idx(const smmu_pmu_t *p, int idx)
{
    return p && p->ready && idx >= 0 && (unsigned)idx < p->ncounters && p->ctr[idx].used;
}

static int irq_enable(smmu_pmu_t *p, bool on)
{
    wr32(p->smmu, SMMU_PMCG_IRQ_CTRL, on ? SMMU_PMCG_IRQ_CTRL_IRQEN_MASK : 0u);
    return smmu_poll32(p->smmu, SMMU_PMCG_IRQ_CTRLACK, SMMU_PMCG_IRQ_CTRLACK_IRQEN_MASK,
                       on ? SMMU_PMCG_IRQ_CTRLACK_IRQEN_MASK : 0u, "PMCG_IRQ_CTRLACK");
}

int smmu_pmu_init(smmu_pmu_t *pmu, smmu_t *smmu)
{
    uint32_t cfgr;
    unsigned n;
    int ret;

    if (!pmu || !smmu || !smmu->initialised)
        return SMMU_EINVAL;
    cfgr = rd32(smmu, SMMU_PMCG_CFGR);
    if (cfgr == 0u)
        return SMMU_ENODEV;
    smmu_bzero(pmu, sizeof *pmu);
    pmu->smmu = smmu;
    pmu->ncounters = (cfgr & SMMU_PMCG_CFGR_NCTR_MASK) + 1u;
    if (pmu->ncounters > SMMU_PMU_MAX_COUNTERS)
        pmu->ncounters = SMMU_PMU_MAX_COUNTERS;
    pmu->bits = ((cfgr & SMMU_PMCG_CFGR_SIZE_MASK) >> SMMU_PMCG_CFGR_SIZE_SHIFT) + 1u;
    pmu->events = smmu_rd64(smmu, SMMU_PMCG_CEID0);

    /* quiesce: no counting, no interrupt, then the MSI target (Guarded by IRQEN) */
    wr32(smmu, SMMU_PMCG_CR, 0);
    smmu_wr64(smmu, SMMU_PMCG_CNTENCLR0, ~0ull);
    smmu_wr64(smmu, SMMU_PMCG_INTENCLR0, ~0ull);
    ret = irq_enable(pmu, false);
    if (ret)
        return ret;
    smmu_wr64(smmu, SMMU_PMCG_OVSCLR0, ~0ull);
    if ((cfgr & SMMU_PMCG_CFGR_MSI_MASK) && !smmu->cfg.no_msi && smmu->hal->msi_msg) {
        smmu_msi_msg_t m;
        smmu_bzero(&m, sizeof m);
        if (smmu->hal->msi_msg(smmu->hal->ctx, SMMU_MSI_PMCG, &m) == 0 &&
            smmu_msi_msg_ok(smmu, &m)) {
            smmu_wr64(smmu, SMMU_PMCG_IRQ_CFG0, m.addr & SMMU_PMCG_IRQ_CFG0_ADDR_MASK);
            wr32(smmu, SMMU_PMCG_IRQ_CFG1, m.data);
            wr32(smmu, SMMU_PMCG_IRQ_CFG2,
                 FIELD_PREP(SMMU_PMCG_IRQ_CFG2_SH, (uint32_t)m.sh) |
                     FIELD_PREP(SMMU_PMCG_IRQ_CFG2_MEMATTR, (uint32_t)m.memattr));
            pmu->msi = true;
        }
    }
    if (!pmu->msi && (cfgr & SMMU_PMCG_CFGR_MSI_MASK))
        smmu_wr64(smmu, SMMU_PMCG_IRQ_CFG0, 0); /* ADDR = 0: wired only */
    for (n = 0; n < pmu->ncounters; n++) {
        wr32(smmu, evtyper(n), 0);
        wr32(smmu, smr(n), 0);
        hw_write(pmu, n, 0);
    }
    smmu_wr64(smmu, SMMU_PMCG_INTENSET0, shl64(1u, pmu->ncounters) - 1u);
    ret = irq_enable(pmu, true);
    if (ret)
        return ret;
    wr32(smmu, SMMU_PMCG_CR, SMMU_PMCG_CR_E_MASK);
    pmu->ready = true;
    return 0;
}

int smmu_pmu_teardown(smmu_pmu_t *pmu)
{
    if (!pmu || !pmu->ready)
        return SMMU_EINVAL;
    wr32(pmu->smmu, SMMU_PMCG_CR, 0);
    smmu_wr64(pmu->smmu, SMMU_PMCG_CNTENCLR0, ~0ull);
    smmu_wr64(pmu->smmu, SMMU_PMCG_INTENCLR0, ~0ull);
    pmu->ready = false;
    return irq_enable(pmu, false);
}

const char *smmu_pmu_event_name(unsigned event)
{
    static const char *const names[] = {"cycles", "transactions", "tlb-misses",
                                        "config-cache-misses", "walk-reads", "config-reads"};
    return event < 6u ? names[event] : "?";
}

int smmu_pmu_alloc(smmu_pmu_t *pmu, unsigned event, uint32_t sid, bool sid_span)
{
    unsigned n;

    if (!pmu || !pmu->ready || event >= 64u || !(shr64(pmu->events, event) & 1u))
        return SMMU_EINVAL;
    for (n = 0; n < pmu->ncounters; n++)
        if (!pmu->ctr[n].used)
            break;
    if (n == pmu->ncounters)
        return SMMU_ENOSPC;
    smmu_wr64(pmu->smmu, SMMU_PMCG_CNTENCLR0, shl64(1u, n));
    wr32(pmu->smmu, evtyper(n),
         event | (sid_span ? SMMU_PMCG_EVTYPER0_FILTER_SID_SPAN_MASK : 0u));
    wr32(pmu->smmu, smr(n), sid);
    hw_write(pmu, n, 0);
    smmu_wr64(pmu->smmu, SMMU_PMCG_OVSCLR0, shl64(1u, n));
    smmu_bzero(&pmu->ctr[n], sizeof pmu->ctr[n]);
    pmu->ctr[n].used = true;
    pmu->ctr[n].event = event;
    return (int)n;
}

int smmu_pmu_free(smmu_pmu_t *pmu, int idx)
{
    if (!valid_idx(pmu, idx))
        return SMMU_EINVAL;
    smmu_wr64(pmu->smmu, SMMU_PMCG_CNTENCLR0, shl64(1u, (unsigned)idx));
    pmu->ctr[idx].used = false;
    pmu->ctr[idx].running = false;
    return 0;
}

int smmu_pmu_start(smmu_pmu_t *pmu, int idx)
{
    if (!valid_idx(pmu, idx))
        return SMMU_EINVAL;
    if (!pmu->ctr[idx].running) {
        pmu->ctr[idx].running = true;
        smmu_wr64(pmu->smmu, SMMU_PMCG_CNTENSET0, shl64(1u, (unsigned)idx));
    }
    return 0;
}

int smmu_pmu_stop(smmu_pmu_t *pmu, int idx)
{
    if (!valid_idx(pmu, idx))
        return SMMU_EINVAL;
    if (pmu->ctr[idx].running) {
        smmu_wr64(pmu->smmu, SMMU_PMCG_CNTENCLR0, shl64(1u, (unsigned)idx));
        pmu->ctr[idx].running = false;
    }
    return 0;
}

/* Fold the hardware counter into the software count: `wrapped` says an overflow of this
 * counter happened since `last` was read (OVS was set and is being cleared). */
static void fold(smmu_pmu_t *p, unsigned n, bool wrapped)
{
    smmu_pmu_counter_t *c = &p->ctr[n];
    uint64_t m = ctr_mask(p), v = hw_read(p, n) & m;
    uint64_t delta = (v - c->last) & m;

    if (wrapped && v >= c->last)
        delta += m + 1u; /* a whole wrap beyond the difference (not with 64-bit counters) */
    c->base += delta;
    c->last = v;
}

int smmu_pmu_read(smmu_pmu_t *pmu, int idx, uint64_t *count)
{
    if (!valid_idx(pmu, idx) || !count)
        return SMMU_EINVAL;
    fold(pmu, (unsigned)idx, false);
    *count = pmu->ctr[idx].base;
    return 0;
}

int smmu_pmu_irq(smmu_pmu_t *pmu)
{
    uint64_t ovs;
    unsigned n;

    if (!pmu || !pmu->ready)
        return SMMU_EINVAL;
    ovs = smmu_rd64(pmu->smmu, SMMU_PMCG_OVSSET0);
    for (n = 0; n < pmu->ncounters; n++) {
        if (!(shr64(ovs, n) & 1u))
            continue;
        smmu_wr64(pmu->smmu, SMMU_PMCG_OVSCLR0, shl64(1u, n));
        if (pmu->ctr[n].used)
            fold(pmu, n, true);
    }
    if (ovs)
        pmu->overflows++;
    return (int)(uint32_t)(ovs & 0x7fffffffu);
}

/* Unsigned 64-bit decimal without a 64-bit division (rv32 has none in hardware). */
static void fmt_u64(smmu_fmt_t *f, uint64_t v)
{
    static const uint64_t pow10[] = {10000000000000000000ull, 1000000000000000000ull,
                                     100000000000000000ull, 10000000000000000ull,
                                     1000000000000000ull, 100000000000000ull,
                                     10000000000000ull, 1000000000000ull, 100000000000ull,
                                     10000000000ull, 1000000000ull, 100000000ull, 10000000ull,
                                     1000000ull, 100000ull, 10000ull, 1000ull, 100ull, 10ull,
                                     1ull};
    bool lead = true;
    unsigned i;

    for (i = 0; i < sizeof pow10 / sizeof pow10[0]; i++) {
        char d = '0';
        while (v >= pow10[i]) {
            v -= pow10[i];
            d++;
        }
        if (d != '0' || !lead || i + 1 == sizeof pow10 / sizeof pow10[0]) {
            smmu_fmt_char(f, d);
            lead = false;
        }
    }
}

int smmu_pmu_format(smmu_pmu_t *pmu, const int *idx, unsigned n, char *buf, unsigned len)
{
    smmu_fmt_t f;
    uint64_t walks = 0, txns = 0;
    bool have_w = false, have_t = false;
    unsigned i;

    if (!pmu || !pmu->ready || !idx || !buf || len == 0)
        return SMMU_EINVAL;
    smmu_fmt_init(&f, buf, len);
    for (i = 0; i < n; i++) {
        uint64_t v;
        const char *name;
        size_t w;
        if (smmu_pmu_read(pmu, idx[i], &v))
            return SMMU_EINVAL;
        name = smmu_pmu_event_name(pmu->ctr[idx[i]].event);
        {
            smmu_fmt_t g;
            char num[24];
            smmu_fmt_init(&g, num, sizeof num);
            fmt_u64(&g, v);
            for (w = g.pos; w < 16; w++)
                smmu_fmt_char(&f, ' ');
            smmu_fmt_str(&f, num);
        }
        smmu_fmt_str(&f, "  smmu/");
        smmu_fmt_str(&f, name);
        smmu_fmt_str(&f, "/\n");
        if (pmu->ctr[idx[i]].event == SMMU_PMU_WALK_ACCESS) {
            walks = v;
            have_w = true;
        }
        if (pmu->ctr[idx[i]].event == SMMU_PMU_TRANSACTIONS) {
            txns = v;
            have_t = true;
        }
    }
    if (have_w && have_t && txns) {
        /* walk reads per transaction, 2 decimals, in 32-bit arithmetic */
        while (walks > 0x1ffffffull || txns > 0xffffffffull) {
            walks >>= 1;
            txns >>= 1;
        }
        if (txns) {
            uint32_t r = (uint32_t)(walks * 100u) / (uint32_t)txns;
            smmu_fmt_str(&f, "            ");
            smmu_fmt_dec(&f, r / 100u);
            smmu_fmt_char(&f, '.');
            smmu_fmt_char(&f, (char)('0' + (r / 10u) % 10u));
            smmu_fmt_char(&f, (char)('0' + r % 10u));
            smmu_fmt_str(&f, "  walk reads per transaction\n");
        }
    }
    return (int)f.pos;
}
