/* Probe, bring-up, tear-down, CR0/IRQ_CTRL handshakes and GBPA. */
#include "smmu_internal.h"

/* Command-path entry used during init, before smmu->initialised is set. */
int smmu_cmdq_submit_raw(smmu_t *smmu, const smmu_cmd_t *cmds, size_t n, bool sync,
                         unsigned cs);

/* ---- register helpers --------------------------------------------------------------- */

uint64_t smmu_rd64(const smmu_t *s, uint32_t off)
{
    uint64_t lo, hi;

    if (s->hal->read64)
        return s->hal->read64(s->hal->ctx, off);
    lo = rd32(s, off);
    hi = rd32(s, off + 4u);
    return lo | (hi << 32);
}

void smmu_wr64(const smmu_t *s, uint32_t off, uint64_t v)
{
    if (s->hal->write64) {
        s->hal->write64(s->hal->ctx, off, v);
        return;
    }
    wr32(s, off, (uint32_t)v);
    wr32(s, off + 4u, (uint32_t)(v >> 32));
}

int smmu_poll32(const smmu_t *s, uint32_t off, uint32_t mask, uint32_t want, const char *what)
{
    uint64_t start = now_us(s);
    uint32_t v;
    char line[SMMU_LINE];
    smmu_fmt_t f;

    for (;;) {
        bool late = now_us(s) - start > timeout_us(s);
        /* Read after the clock check, so a late first read still gets its chance. */
        v = rd32(s, off);
        if ((v & mask) == want)
            return 0;
        if (late)
            break;
    }
    smmu_fmt_init(&f, line, sizeof line);
    smmu_fmt_str(&f, "smmu: timed out waiting for ");
    smmu_fmt_str(&f, what);
    smmu_fmt_str(&f, ": reg ");
    smmu_fmt_hex(&f, off);
    smmu_fmt_str(&f, " = ");
    smmu_fmt_hex(&f, v);
    smmu_fmt_str(&f, ", want ");
    smmu_fmt_hex(&f, want);
    smmu_fmt_str(&f, " under mask ");
    smmu_fmt_hex(&f, mask);
    smmu_log(s, SMMU_LOG_ERR, line);
    return SMMU_ETIMEDOUT;
}

#define CR0_ACK_MASK                                                                      \
    (SMMU_CR0ACK_VMW_MASK | SMMU_CR0ACK_ATSCHK_MASK | SMMU_CR0ACK_CMDQEN_MASK |           \
     SMMU_CR0ACK_EVENTQEN_MASK | SMMU_CR0ACK_PRIQEN_MASK | SMMU_CR0ACK_SMMUEN_MASK)

int smmu_write_cr0(smmu_t *smmu, uint32_t cr0)
{
    int ret;

    if (!smmu || !smmu->probed)
        return SMMU_EINVAL;
    wr32(smmu, SMMU_CR0, cr0);
    ret = smmu_poll32(smmu, SMMU_CR0ACK, CR0_ACK_MASK, cr0 & CR0_ACK_MASK, "CR0ACK");
    if (ret == 0)
        smmu->cr0 = cr0;
    return ret;
}

#define IRQ_ACK_MASK                                                                      \
    (SMMU_IRQ_CTRLACK_EVENTQ_IRQEN_MASK | SMMU_IRQ_CTRLACK_PRIQ_IRQEN_MASK |              \
     SMMU_IRQ_CTRLACK_GERROR_IRQEN_MASK)

int smmu_set_irq_ctrl(smmu_t *smmu, uint32_t irq_ctrl)
{
    if (!smmu || !smmu->probed)
        return SMMU_EINVAL;
    wr32(smmu, SMMU_IRQ_CTRL, irq_ctrl);
    return smmu_poll32(smmu, SMMU_IRQ_CTRLACK, IRQ_ACK_MASK, irq_ctrl & IRQ_ACK_MASK,
                       "IRQ_CTRLACK");
}

/* ---- probe --------------------------------------------------------------------------- */

static const uint8_t oas_bits_of[7] = {32, 36, 40, 42, 44, 48, 52};

static int refuse(smmu_t *smmu, const char *field, uint32_t val, const char *why)
{
    char line[SMMU_LINE];
    smmu_fmt_t f;

    smmu_fmt_init(&f, line, sizeof line);
    smmu_fmt_str(&f, "smmu: cannot drive this SMMU: ");
    smmu_fmt_str(&f, field);
    smmu_fmt_str(&f, " = ");
    smmu_fmt_dec(&f, val);
    smmu_fmt_str(&f, " (");
    smmu_fmt_str(&f, why);
    smmu_fmt_char(&f, ')');
    smmu_log(smmu, SMMU_LOG_ERR, line);
    return SMMU_ENODEV;
}

static void decode_features(smmu_features_t *ft)
{
    uint32_t r;

    r = ft->idr0;
    ft->st_2lvl = FIELD_GET(SMMU_IDR0_ST_LEVEL, r) == 1u;
    ft->term_model = FIELD_GET(SMMU_IDR0_TERM_MODEL, r);
    ft->stall_model = FIELD_GET(SMMU_IDR0_STALL_MODEL, r);
    ft->ttendian = FIELD_GET(SMMU_IDR0_TTENDIAN, r);
    ft->vatos = FIELD_GET(SMMU_IDR0_VATOS, r);
    ft->cd2l = FIELD_GET(SMMU_IDR0_CD2L, r);
    ft->vmid16 = FIELD_GET(SMMU_IDR0_VMID16, r);
    ft->vmw = FIELD_GET(SMMU_IDR0_VMW, r);
    ft->pri = FIELD_GET(SMMU_IDR0_PRI, r);
    ft->atos = FIELD_GET(SMMU_IDR0_ATOS, r);
    ft->sev = FIELD_GET(SMMU_IDR0_SEV, r);
    ft->msi = FIELD_GET(SMMU_IDR0_MSI, r);
    ft->asid16 = FIELD_GET(SMMU_IDR0_ASID16, r);
    ft->ats = FIELD_GET(SMMU_IDR0_ATS, r);
    ft->hyp = FIELD_GET(SMMU_IDR0_HYP, r);
    ft->dormhint = FIELD_GET(SMMU_IDR0_DORMHINT, r);
    ft->httu = FIELD_GET(SMMU_IDR0_HTTU, r);
    ft->btm = FIELD_GET(SMMU_IDR0_BTM, r);
    ft->cohacc = FIELD_GET(SMMU_IDR0_COHACC, r);
    ft->ttf = FIELD_GET(SMMU_IDR0_TTF, r);
    ft->s1p = FIELD_GET(SMMU_IDR0_S1P, r);
    ft->s2p = FIELD_GET(SMMU_IDR0_S2P, r);

    r = ft->idr1;
    ft->ecmdq = FIELD_GET(SMMU_IDR1_ECMDQ, r);
    ft->tables_preset = FIELD_GET(SMMU_IDR1_TABLES_PRESET, r);
    ft->queues_preset = FIELD_GET(SMMU_IDR1_QUEUES_PRESET, r);
    ft->rel = FIELD_GET(SMMU_IDR1_REL, r);
    ft->attr_types_ovr = FIELD_GET(SMMU_IDR1_ATTR_TYPES_OVR, r);
    ft->attr_perms_ovr = FIELD_GET(SMMU_IDR1_ATTR_PERMS_OVR, r);
    ft->cmdq_log2 = FIELD_GET(SMMU_IDR1_CMDQS, r);
    ft->eventq_log2 = FIELD_GET(SMMU_IDR1_EVENTQS, r);
    ft->priq_log2 = FIELD_GET(SMMU_IDR1_PRIQS, r);
    ft->ssid_bits = FIELD_GET(SMMU_IDR1_SSIDSIZE, r);
    ft->sid_bits = FIELD_GET(SMMU_IDR1_SIDSIZE, r);

    r = ft->idr3;
    ft->ptwnnc = FIELD_GET(SMMU_IDR3_PTWNNC, r);
    ft->e0pd = FIELD_GET(SMMU_IDR3_E0PD, r);
    ft->bbml = FIELD_GET(SMMU_IDR3_BBML, r);
    ft->ril = FIELD_GET(SMMU_IDR3_RIL, r);
    ft->stt = FIELD_GET(SMMU_IDR3_STT, r);
    ft->fwb = FIELD_GET(SMMU_IDR3_FWB, r);
    ft->mpam = FIELD_GET(SMMU_IDR3_MPAM, r);
    ft->pps = FIELD_GET(SMMU_IDR3_PPS, r);
    ft->xnx = FIELD_GET(SMMU_IDR3_XNX, r);
    ft->pbha = FIELD_GET(SMMU_IDR3_PBHA, r);
    ft->had = FIELD_GET(SMMU_IDR3_HAD, r);

    r = ft->idr5;
    ft->stall_max = FIELD_GET(SMMU_IDR5_STALL_MAX, r);
    ft->vax = FIELD_GET(SMMU_IDR5_VAX, r);
    ft->d128 = FIELD_GET(SMMU_IDR5_D128, r);
    ft->ds = FIELD_GET(SMMU_IDR5_DS, r);
    ft->gran64k = FIELD_GET(SMMU_IDR5_GRAN64K, r);
    ft->gran16k = FIELD_GET(SMMU_IDR5_GRAN16K, r);
    ft->gran4k = FIELD_GET(SMMU_IDR5_GRAN4K, r);
    ft->oas = FIELD_GET(SMMU_IDR5_OAS, r);
    ft->oas_bits = ft->oas < 7u ? oas_bits_of[ft->oas] : 0u;

    r = ft->iidr;
    ft->productid = FIELD_GET(SMMU_IIDR_PRODUCTID, r);
    ft->variant = FIELD_GET(SMMU_IIDR_VARIANT, r);
    ft->revision = FIELD_GET(SMMU_IIDR_REVISION, r);
    ft->implementer = FIELD_GET(SMMU_IIDR_IMPLEMENTER, r);
    ft->arch_major = FIELD_GET(SMMU_AIDR_ARCHMAJORREV, ft->aidr);
    ft->arch_minor = FIELD_GET(SMMU_AIDR_ARCHMINORREV, ft->aidr);
}

int smmu_probe(smmu_t *smmu, const smmu_hal_t *hal)
{
    smmu_features_t *ft;
    char line[SMMU_LINE];
    smmu_fmt_t f;

    if (!smmu)
        return SMMU_EINVAL;
    /* The caller's storage may be anything. */
    smmu_bzero(smmu, sizeof *smmu);
    if (!hal || !hal->read32 || !hal->write32 || !hal->dma_alloc || !hal->dma_free ||
        !hal->wmb || !hal->rmb || !hal->now_us || !hal->log)
        return SMMU_EINVAL;
    smmu->hal = hal;
    ft = &smmu->feat;

    ft->idr0 = rd32(smmu, SMMU_IDR0);
    ft->idr1 = rd32(smmu, SMMU_IDR1);
    ft->idr3 = rd32(smmu, SMMU_IDR3);
    ft->idr5 = rd32(smmu, SMMU_IDR5);
    ft->iidr = rd32(smmu, SMMU_IIDR);
    ft->aidr = rd32(smmu, SMMU_AIDR);
    decode_features(ft);

    smmu_fmt_init(&f, line, sizeof line);
    smmu_fmt_str(&f, "smmu: probe: SMMUv3.");
    smmu_fmt_dec(&f, ft->arch_minor);
    smmu_fmt_str(&f, " (AIDR ");
    smmu_fmt_hex(&f, ft->aidr);
    smmu_fmt_str(&f, ") IIDR ");
    smmu_fmt_hex(&f, ft->iidr);
    smmu_fmt_str(&f, " IDR0 ");
    smmu_fmt_hex(&f, ft->idr0);
    smmu_fmt_str(&f, " IDR1 ");
    smmu_fmt_hex(&f, ft->idr1);
    smmu_fmt_str(&f, " IDR3 ");
    smmu_fmt_hex(&f, ft->idr3);
    smmu_fmt_str(&f, " IDR5 ");
    smmu_fmt_hex(&f, ft->idr5);
    smmu_log(smmu, SMMU_LOG_INFO, line);

    /* An all-ones or all-zero IDR0 is no SMMU at all (absent device, bus error). */
    if (ft->idr0 == 0u || ft->idr0 == 0xffffffffu)
        return refuse(smmu, "IDR0", ft->idr0, "no SMMU at this address");
    if (ft->arch_major != 0u)
        return refuse(smmu, "AIDR.ArchMajorRev", ft->arch_major, "not an SMMUv3");
    if (!(ft->ttf & 2u))
        return refuse(smmu, "IDR0.TTF", ft->ttf, "no AArch64 translation tables");
    if (ft->ttendian == 1u || ft->ttendian == 3u)
        return refuse(smmu, "IDR0.TTENDIAN", ft->ttendian,
                      "no little-endian translation tables");
    if (ft->stall_model >= 2u)
        return refuse(smmu, "IDR0.STALL_MODEL", ft->stall_model,
                      "stall forced or reserved; the driver only terminates faults");
    if (!ft->s1p && !ft->s2p)
        return refuse(smmu, "IDR0.S1P|S2P", 0, "no translation stage");
    if (ft->tables_preset || ft->queues_preset)
        return refuse(smmu, "IDR1.TABLES_PRESET|QUEUES_PRESET",
                      (unsigned)ft->tables_preset << 1 | ft->queues_preset,
                      "preset table or queue bases are not supported");
    if (ft->sid_bits > 32u)
        return refuse(smmu, "IDR1.SIDSIZE", ft->sid_bits, "more than 32 StreamID bits");
    if (ft->cmdq_log2 > 19u || ft->eventq_log2 > 19u)
        return refuse(smmu, "IDR1.CMDQS|EVENTQS", ft->cmdq_log2 > 19u ? ft->cmdq_log2
                                                                      : ft->eventq_log2,
                      "queue size above the architectural maximum of 19");
    if (!ft->gran4k)
        return refuse(smmu, "IDR5.GRAN4K", 0, "no 4 KB translation granule");
    if (ft->oas_bits == 0u)
        return refuse(smmu, "IDR5.OAS", ft->oas, "reserved output address size");
    if (FIELD_GET(SMMU_IDR0_ST_LEVEL, ft->idr0) > 1u)
        smmu_log(smmu, SMMU_LOG_WARN, "smmu: reserved IDR0.ST_LEVEL, using linear tables");

    smmu->probed = true;
    return 0;
}

/* ---- init and tear-down ---------------------------------------------------------------- */

static int dma_get(smmu_t *smmu, smmu_dma_t *d, size_t size, size_t align)
{
    void *cpu = 0;
    uint64_t pa = 0;
    int ret = smmu->hal->dma_alloc(smmu->hal->ctx, size, align, &cpu, &pa);

    if (ret < 0 || !cpu) {
        smmu_log_hex(smmu, SMMU_LOG_ERR, "smmu: DMA allocation failed, bytes ", size);
        return ret < 0 ? ret : SMMU_ENOMEM;
    }
    if ((pa & (align - 1u)) != 0u || shr64(pa, smmu->feat.oas_bits) != 0u) {
        smmu_log_hex(smmu, SMMU_LOG_ERR, "smmu: HAL returned an unusable DMA address ", pa);
        smmu->hal->dma_free(smmu->hal->ctx, cpu, pa, size);
        return SMMU_ENOMEM;
    }
    d->cpu = cpu;
    d->pa = pa;
    d->size = size;
    return 0;
}

static void dma_put(smmu_t *smmu, smmu_dma_t *d)
{
    if (d->cpu)
        smmu->hal->dma_free(smmu->hal->ctx, d->cpu, d->pa, d->size);
    d->cpu = 0;
    d->pa = 0;
    d->size = 0;
}

static unsigned min_u(unsigned a, unsigned b)
{
    return a < b ? a : b;
}

/* Fill in the defaults and the IDR caps of a configuration. */
static int settle_config(smmu_t *smmu, const smmu_config_t *in)
{
    smmu_config_t c;
    const smmu_features_t *ft = &smmu->feat;

    if (in)
        smmu_bcopy(&c, in, sizeof c);
    else
        smmu_bzero(&c, sizeof c);
    if (c.cmdq_log2 == 0u)
        c.cmdq_log2 = SMMU_DEF_CMDQ_LOG2;
    if (c.eventq_log2 == 0u)
        c.eventq_log2 = SMMU_DEF_EVENTQ_LOG2;
    if (c.linear_max_log2 == 0u)
        c.linear_max_log2 = SMMU_DEF_LINEAR_MAX_LOG2;
    if (c.split == 0u)
        c.split = SMMU_DEF_SPLIT;
    if (c.timeout_us == 0u)
        c.timeout_us = SMMU_DEF_TIMEOUT_US;
    if (c.split != 6u && c.split != 8u && c.split != 10u)
        return SMMU_EINVAL;
    if (c.cmdq_log2 > 19u || c.eventq_log2 > 19u || c.strtab_log2 > 32u ||
        c.fw_coherent > SMMU_FW_COH_NO || c.asid_bits > 16u || c.vmid_bits > 16u)
        return SMMU_EINVAL;
    c.cmdq_log2 = min_u(c.cmdq_log2, ft->cmdq_log2);
    c.eventq_log2 = min_u(c.eventq_log2, ft->eventq_log2);
    c.strtab_log2 = c.strtab_log2 ? min_u(c.strtab_log2, ft->sid_bits) : ft->sid_bits;
    smmu_bcopy(&smmu->cfg, &c, sizeof c);
    /* Firmware describes the integration; IDR0.COHACC only the SMMU's ability. Say so
     * when they disagree (as Linux does). */
    smmu->coherent = c.fw_coherent == SMMU_FW_COH_IDR ? ft->cohacc
                                                      : c.fw_coherent == SMMU_FW_COH_YES;
    if (c.fw_coherent != SMMU_FW_COH_IDR && smmu->coherent != ft->cohacc)
        smmu_log(smmu, SMMU_LOG_WARN, smmu->coherent
                                          ? "smmu: IDR0.COHACC = 0 overridden: firmware says coherent"
                                          : "smmu: IDR0.COHACC = 1 overridden: firmware says not coherent");
    return 0;
}

static int alloc_strtab(smmu_t *smmu)
{
    unsigned log2 = smmu->cfg.strtab_log2;
    bool two = smmu->feat.st_2lvl && log2 > smmu->cfg.linear_max_log2 &&
               log2 > smmu->cfg.split;
    size_t size;
    int ret;

    smmu->strtab_log2 = log2;
    smmu->strtab_2lvl = two;
    if (two) {
        /* Level-1 descriptors start invalid (SPAN = 0): zero-filled memory is exactly
         * that. Level-2 tables come with the first stream attached to a range. */
        smmu->strtab_split = smmu->cfg.split;
        smmu->l1_count = 1u << (log2 - smmu->cfg.split);
        size = (size_t)smmu->l1_count * L1STD_BYTES;
        ret = dma_get(smmu, &smmu->strtab, size, size < 64u ? 64u : size);
        if (ret)
            return ret;
    } else {
        uint64_t *ste;
        size_t n = (size_t)1 << log2, i;

        if (log2 > 26u) /* 4 GB of STEs: not a table anyone can allocate */
            return SMMU_ENOMEM;
        size = n * STE_BYTES;
        /* Hardware aligns a linear table to its size (STRTAB_BASE.ADDR). */
        ret = dma_get(smmu, &smmu->strtab, size, size);
        if (ret)
            return ret;
        ste = (uint64_t *)smmu->strtab.cpu;
        for (i = 0; i < n; i++) {
            /* V = 1, Config = abort: a stream nobody attached aborts without an event. */
            uint64_t *e = ste + i * STE_DWORDS;
            e[0] = 0;
            DW_SET(STE, V, e, 1u);
            DW_SET(STE, CONFIG, e, STE_CFG_ABORT);
        }
    }
    return 0;
}

static int alloc_queue(smmu_t *smmu, smmu_dma_t *d, unsigned log2, size_t entry)
{
    size_t size = ((size_t)1 << log2) * entry;

    if (size < 32u)
        size = 32u;
    /* Hardware aligns a queue base to its size (IHI 0070 6.3.26). */
    return dma_get(smmu, d, size, size);
}

static void free_all(smmu_t *smmu)
{
    if (smmu->l2_ptrs.cpu) {
        /* Level-2 stream tables (smmu_domain.c allocates them on first attach). */
        void **l2 = (void **)smmu->l2_ptrs.cpu;
        const uint64_t *l1 = (const uint64_t *)smmu->strtab.cpu;
        size_t l2_size = ((size_t)1 << smmu->strtab_split) * STE_BYTES;
        unsigned i;
        for (i = 0; i < smmu->l1_count; i++)
            if (l2[i] && l1)
                smmu->hal->dma_free(smmu->hal->ctx, l2[i], l1[i] & L1STD_L2PTR_MASK, l2_size);
        dma_put(smmu, &smmu->l2_ptrs);
    }
    dma_put(smmu, &smmu->strtab);
    dma_put(smmu, &smmu->cmdq);
    dma_put(smmu, &smmu->evtq);
}

static uint32_t cr1_value(const smmu_t *smmu)
{
    /* Write-back inner shareable when the SMMU's own accesses are coherent; otherwise
     * non-cacheable, for which shareability is ignored (reads as OSH). */
    uint32_t sh = smmu->coherent ? 3u : 2u, c = smmu->coherent ? 1u : 0u;

    return FIELD_PREP(SMMU_CR1_TABLE_SH, sh) | FIELD_PREP(SMMU_CR1_TABLE_OC, c) |
           FIELD_PREP(SMMU_CR1_TABLE_IC, c) | FIELD_PREP(SMMU_CR1_QUEUE_SH, sh) |
           FIELD_PREP(SMMU_CR1_QUEUE_OC, c) | FIELD_PREP(SMMU_CR1_QUEUE_IC, c);
}

/* Acknowledge whatever global errors a previous owner left active. */
static void clear_stale_gerror(smmu_t *smmu)
{
    uint32_t gerror = rd32(smmu, SMMU_GERROR);

    smmu->gerrorn = rd32(smmu, SMMU_GERRORN);
    if (gerror ^ smmu->gerrorn) {
        smmu_log_hex(smmu, SMMU_LOG_WARN, "smmu: acknowledging stale GERROR bits ",
                     gerror ^ smmu->gerrorn);
        wr32(smmu, SMMU_GERRORN, gerror);
        smmu->gerrorn = gerror;
    }
}

static int reset_invalidate(smmu_t *smmu)
{
    smmu_cmd_t cmd;
    int ret;

    smmu_cmd_cfgi_all(&cmd);
    ret = smmu_cmdq_submit_raw(smmu, &cmd, 1, true, SMMU_CS_NONE);
    if (ret == 0 && smmu->feat.hyp) {
        smmu_cmd_tlbi_el2_all(&cmd);
        ret = smmu_cmdq_submit_raw(smmu, &cmd, 1, true, SMMU_CS_NONE);
    }
    if (ret == 0) {
        smmu_cmd_tlbi_nsnh_all(&cmd);
        ret = smmu_cmdq_submit_raw(smmu, &cmd, 1, true, SMMU_CS_NONE);
    }
    return ret;
}

/* The MSI configuration registers of each interrupt source (IHI 0070 6.3.21-23,
 * 6.3.30-32). */
static const uint32_t msi_cfg0[2] = {SMMU_EVENTQ_IRQ_CFG0, SMMU_GERROR_IRQ_CFG0};
static const uint32_t msi_cfg1[2] = {SMMU_EVENTQ_IRQ_CFG1, SMMU_GERROR_IRQ_CFG1};
static const uint32_t msi_cfg2[2] = {SMMU_EVENTQ_IRQ_CFG2, SMMU_GERROR_IRQ_CFG2};

/* An MSI target the SMMU can write: a non-zero word address below the OAS. */
bool smmu_msi_msg_ok(const smmu_t *smmu, const smmu_msi_msg_t *m)
{
    return m->addr != 0u && (m->addr & 3u) == 0u && shr64(m->addr, smmu->feat.oas_bits) == 0u &&
           m->memattr <= 15u && m->sh <= 3u;
}

/* Program the MSI of each source the HAL has a target for (the IRQ enables are still 0,
 * so the Guarded registers are writable); the others stay wired (ADDR = 0). */
static void setup_msis(smmu_t *smmu)
{
    unsigned src;

    smmu->msi_srcs = 0;
    for (src = SMMU_MSI_EVENTQ; src <= SMMU_MSI_GERROR; src++) {
        smmu_msi_msg_t m;

        if (!smmu->feat.msi)
            break;
        smmu_bzero(&m, sizeof m);
        if (!smmu->cfg.no_msi && smmu->hal->msi_msg &&
            smmu->hal->msi_msg(smmu->hal->ctx, src, &m) == 0) {
            if (smmu_msi_msg_ok(smmu, &m))
                smmu->msi_srcs |= 1u << src;
            else
                smmu_log_hex(smmu, SMMU_LOG_WARN,
                             "smmu: unusable MSI target from the HAL, wired instead: ", m.addr);
        }
        if (!(smmu->msi_srcs & (1u << src)))
            smmu_bzero(&m, sizeof m); /* ADDR = 0: no MSI */
        smmu_wr64(smmu, msi_cfg0[src], m.addr & SMMU_GERROR_IRQ_CFG0_ADDR_MASK);
        wr32(smmu, msi_cfg1[src], m.data);
        wr32(smmu, msi_cfg2[src], FIELD_PREP(SMMU_GERROR_IRQ_CFG2_SH, (uint32_t)m.sh) |
                                      FIELD_PREP(SMMU_GERROR_IRQ_CFG2_MEMATTR, (uint32_t)m.memattr));
    }
}

static void log_enabled(smmu_t *smmu)
{
    char line[SMMU_LINE];
    smmu_fmt_t f;

    smmu_fmt_init(&f, line, sizeof line);
    smmu_fmt_str(&f, "smmu: up: stream table ");
    smmu_fmt_str(&f, smmu->strtab_2lvl ? "2-level" : "linear");
    smmu_fmt_str(&f, ", 2^");
    smmu_fmt_dec(&f, smmu->strtab_log2);
    smmu_fmt_str(&f, " StreamIDs at ");
    smmu_fmt_hex(&f, smmu->strtab.pa);
    smmu_fmt_str(&f, "; cmdq 2^");
    smmu_fmt_dec(&f, smmu->cmdq_log2);
    smmu_fmt_str(&f, " at ");
    smmu_fmt_hex(&f, smmu->cmdq.pa);
    smmu_fmt_str(&f, "; evtq 2^");
    smmu_fmt_dec(&f, smmu->eventq_log2);
    smmu_fmt_str(&f, " at ");
    smmu_fmt_hex(&f, smmu->evtq.pa);
    smmu_fmt_str(&f, "; interrupts: events ");
    smmu_fmt_str(&f, smmu->msi_srcs & (1u << SMMU_MSI_EVENTQ) ? "MSI" : "wired");
    smmu_fmt_str(&f, ", errors ");
    smmu_fmt_str(&f, smmu->msi_srcs & (1u << SMMU_MSI_GERROR) ? "MSI" : "wired");
    smmu_fmt_str(&f, ", CMD_SYNC by ");
    smmu_fmt_str(&f, smmu->msipoll ? "MSI polling" : "CONS polling");
    smmu_fmt_str(&f, "; CR0ACK ");
    smmu_fmt_hex(&f, rd32(smmu, SMMU_CR0ACK));
    smmu_log(smmu, SMMU_LOG_INFO, line);
}

int smmu_init(smmu_t *smmu, const smmu_config_t *cfg)
{
    uint32_t cr0, cr2, irq;
    uint64_t base;
    int ret;

    if (!smmu || !smmu->probed || smmu->initialised)
        return SMMU_EINVAL;
    ret = settle_config(smmu, cfg);
    if (ret)
        return ret;
    smmu_bzero(&smmu->stats, sizeof smmu->stats);
    smmu->domains = 0;
    smmu->asid_bits = smmu->feat.asid16 ? 16u : 8u;
    smmu->vmid_bits = smmu->feat.vmid16 ? 16u : 8u;
    if (smmu->cfg.asid_bits)
        smmu->asid_bits = min_u(smmu->asid_bits, smmu->cfg.asid_bits);
    if (smmu->cfg.vmid_bits)
        smmu->vmid_bits = min_u(smmu->vmid_bits, smmu->cfg.vmid_bits);
    /* Whether a 64-bit store is single-copy atomic is the platform's to say. */
    smmu->split64 = smmu->cfg.split_stores || !(smmu->hal->caps & SMMU_HAL_CAP_STORE64);
    smmu->cmdq_drops = 0;
    smmu->abt_retry_valid = false;
    smmu->masters = 0;
    smmu->msipoll = false;
    smmu->msi_srcs = 0;

    /* Quiesce: nothing may be using the old tables or queues while they are replaced. */
    cr0 = rd32(smmu, SMMU_CR0);
    if (cr0 != 0u) {
        smmu_log_hex(smmu, SMMU_LOG_WARN, "smmu: was enabled, disabling first: CR0 ", cr0);
        smmu->cr0 = cr0;
    }
    ret = smmu_write_cr0(smmu, 0);
    if (ret == 0)
        ret = smmu_set_irq_ctrl(smmu, 0);
    if (ret)
        return ret;

    ret = alloc_strtab(smmu);
    if (ret == 0) {
        smmu->cmdq_log2 = smmu->cfg.cmdq_log2;
        ret = alloc_queue(smmu, &smmu->cmdq, smmu->cmdq_log2, CMD_BYTES);
    }
    if (ret == 0) {
        smmu->eventq_log2 = smmu->cfg.eventq_log2;
        ret = alloc_queue(smmu, &smmu->evtq, smmu->eventq_log2, EVT_BYTES);
    }
    if (ret)
        goto fail;
    /* Tables are in memory before any register points the SMMU at them. */
    smmu->hal->wmb(smmu->hal->ctx);

    wr32(smmu, SMMU_CR1, cr1_value(smmu));
    cr2 = smmu->cfg.no_recinvsid ? 0u : SMMU_CR2_RECINVSID_MASK;
    if (smmu->feat.hyp && smmu->cfg.e2h)
        cr2 |= SMMU_CR2_E2H_MASK;
    wr32(smmu, SMMU_CR2, cr2);

    base = SMMU_STRTAB_BASE_RA_MASK | (smmu->strtab.pa & SMMU_STRTAB_BASE_ADDR_MASK);
    smmu_wr64(smmu, SMMU_STRTAB_BASE, base);
    wr32(smmu, SMMU_STRTAB_BASE_CFG,
         FIELD_PREP(SMMU_STRTAB_BASE_CFG_FMT, smmu->strtab_2lvl ? 1u : 0u) |
             FIELD_PREP(SMMU_STRTAB_BASE_CFG_SPLIT, smmu->strtab_2lvl ? smmu->strtab_split : 0u) |
             FIELD_PREP(SMMU_STRTAB_BASE_CFG_LOG2SIZE, smmu->strtab_log2));

    base = SMMU_CMDQ_BASE_RA_MASK | (smmu->cmdq.pa & SMMU_CMDQ_BASE_ADDR_MASK) |
           FIELD_PREP(SMMU_CMDQ_BASE_LOG2SIZE, (uint64_t)smmu->cmdq_log2);
    smmu_wr64(smmu, SMMU_CMDQ_BASE, base);
    wr32(smmu, SMMU_CMDQ_PROD, 0);
    wr32(smmu, SMMU_CMDQ_CONS, 0);
    smmu->cmdq_prod = 0;
    smmu->cmdq_cons = 0;

    base = SMMU_EVENTQ_BASE_WA_MASK | (smmu->evtq.pa & SMMU_EVENTQ_BASE_ADDR_MASK) |
           FIELD_PREP(SMMU_EVENTQ_BASE_LOG2SIZE, (uint64_t)smmu->eventq_log2);
    smmu_wr64(smmu, SMMU_EVENTQ_BASE, base);
    wr32(smmu, SMMU_EVENTQ_PROD, 0);
    wr32(smmu, SMMU_EVENTQ_CONS, 0);
    smmu->evtq_cons = 0;

    /* A stale CMDQ_ERR would stop the queue before the first command. */
    clear_stale_gerror(smmu);
    /* CMD_SYNC completion through the MSI each sync writes into its own slot: the CPU
     * must see the SMMU's write, so only on a coherent SMMU (as Linux's MSI polling). */
    smmu->msipoll = smmu->feat.msi && smmu->coherent && !smmu->cfg.no_msipoll;
    setup_msis(smmu);

    ret = smmu_write_cr0(smmu, SMMU_CR0_CMDQEN_MASK);
    if (ret)
        goto fail;
    /* Nothing cached from before may survive (IHI 0070 3.11): configuration first,
     * then the TLBs, each completed by a CMD_SYNC, before translation is enabled. */
    ret = reset_invalidate(smmu);
    if (ret)
        goto fail;
    ret = smmu_write_cr0(smmu, SMMU_CR0_CMDQEN_MASK | SMMU_CR0_EVENTQEN_MASK);
    if (ret)
        goto fail;

    irq = (smmu->cfg.irq_gerror ? SMMU_IRQ_CTRL_GERROR_IRQEN_MASK : 0u) |
          (smmu->cfg.irq_eventq ? SMMU_IRQ_CTRL_EVENTQ_IRQEN_MASK : 0u);
    ret = smmu_set_irq_ctrl(smmu, irq);
    if (ret)
        goto fail;
    if (!smmu->cfg.no_smmuen) {
        ret = smmu_write_cr0(smmu, smmu->cr0 | SMMU_CR0_SMMUEN_MASK);
        if (ret)
            goto fail;
    }
    smmu->initialised = true;
    log_enabled(smmu);
    return 0;

fail:
    {
        char line[SMMU_LINE];
        smmu_fmt_t f;

        smmu_fmt_init(&f, line, sizeof line);
        smmu_fmt_str(&f, "smmu: init failed: ");
        smmu_fmt_str(&f, smmu_strerror(ret));
        smmu_fmt_str(&f, "; disabling and freeing");
        smmu_log(smmu, SMMU_LOG_ERR, line);
    }
    (void)smmu_write_cr0(smmu, 0);
    (void)smmu_set_irq_ctrl(smmu, 0);
    free_all(smmu);
    return ret;
}

int smmu_teardown(smmu_t *smmu)
{
    int ret, r2;

    if (!smmu || !smmu->probed)
        return SMMU_EINVAL;
    ret = smmu_set_irq_ctrl(smmu, 0);
    /* Translation off first, then the queues (the reverse of bring-up). */
    r2 = smmu_write_cr0(smmu, smmu->cr0 & ~SMMU_CR0_SMMUEN_MASK);
    if (ret == 0)
        ret = r2;
    r2 = smmu_write_cr0(smmu, 0);
    if (ret == 0)
        ret = r2;
    /* Caller-owned objects still live become dead (their STEs go with the table). */
    if (smmu->initialised) {
        smmu_masters_forget(smmu);
        smmu_domains_forget(smmu);
    }
    free_all(smmu);
    smmu->initialised = false;
    smmu_log(smmu, SMMU_LOG_INFO, ret ? "smmu: torn down (with errors)" : "smmu: torn down");
    return ret;
}

/* ---- GBPA ------------------------------------------------------------------------------ */

smmu_gbpa_t smmu_gbpa_incoming(bool abort)
{
    smmu_gbpa_t g;

    g.abort = abort;
    g.instcfg = 0;
    g.privcfg = 0;
    g.shcfg = 1; /* SHCFG 0b01: incoming shareability (0 would force NSH) */
    g.alloccfg = 0;
    g.mtcfg = 0;
    g.memattr = 0;
    return g;
}

int smmu_set_gbpa(smmu_t *smmu, const smmu_gbpa_t *g)
{
    bool types_in, perms_in;
    uint32_t v;
    int ret;

    if (!smmu || !smmu->probed || !g)
        return SMMU_EINVAL;
    if (g->instcfg > 3u || g->instcfg == 1u || g->privcfg > 3u || g->privcfg == 1u ||
        g->shcfg > 3u || g->alloccfg > 15u || g->mtcfg > 1u || g->memattr > 15u)
        return SMMU_EINVAL;
    types_in = g->mtcfg == 0u && g->alloccfg < 8u && g->shcfg == 1u;
    perms_in = g->instcfg == 0u && g->privcfg == 0u;
    if ((!types_in && !smmu->feat.attr_types_ovr) || (!perms_in && !smmu->feat.attr_perms_ovr))
        return SMMU_EINVAL;

    v = FIELD_PREP(SMMU_GBPA_ABORT, g->abort ? 1u : 0u);
    if (smmu->feat.attr_types_ovr)
        v |= FIELD_PREP(SMMU_GBPA_SHCFG, (uint32_t)g->shcfg) |
             FIELD_PREP(SMMU_GBPA_ALLOCCFG, (uint32_t)g->alloccfg) |
             FIELD_PREP(SMMU_GBPA_MTCFG, (uint32_t)g->mtcfg) |
             FIELD_PREP(SMMU_GBPA_MEMATTR, (uint32_t)g->memattr);
    if (smmu->feat.attr_perms_ovr)
        v |= FIELD_PREP(SMMU_GBPA_INSTCFG, (uint32_t)g->instcfg) |
             FIELD_PREP(SMMU_GBPA_PRIVCFG, (uint32_t)g->privcfg);

    /* A write while an update is pending would be ignored (SMMUv3.2). */
    ret = smmu_poll32(smmu, SMMU_GBPA, SMMU_GBPA_UPDATE_MASK, 0, "GBPA.UPDATE (idle)");
    if (ret)
        return ret;
    wr32(smmu, SMMU_GBPA, v | SMMU_GBPA_UPDATE_MASK);
    ret = smmu_poll32(smmu, SMMU_GBPA, SMMU_GBPA_UPDATE_MASK, 0, "GBPA.UPDATE");
    if (ret == 0)
        smmu_log_hex(smmu, SMMU_LOG_DEBUG, "smmu: GBPA = ", v);
    return ret;
}

int smmu_get_gbpa(smmu_t *smmu, smmu_gbpa_t *g)
{
    uint32_t v;

    if (!smmu || !smmu->probed || !g)
        return SMMU_EINVAL;
    v = rd32(smmu, SMMU_GBPA);
    if (v & SMMU_GBPA_UPDATE_MASK)
        return SMMU_EBUSY;
    g->abort = FIELD_GET(SMMU_GBPA_ABORT, v);
    g->instcfg = (uint8_t)FIELD_GET(SMMU_GBPA_INSTCFG, v);
    g->privcfg = (uint8_t)FIELD_GET(SMMU_GBPA_PRIVCFG, v);
    g->shcfg = (uint8_t)FIELD_GET(SMMU_GBPA_SHCFG, v);
    g->alloccfg = (uint8_t)FIELD_GET(SMMU_GBPA_ALLOCCFG, v);
    g->mtcfg = (uint8_t)FIELD_GET(SMMU_GBPA_MTCFG, v);
    g->memattr = (uint8_t)FIELD_GET(SMMU_GBPA_MEMATTR, v);
    return 0;
}
