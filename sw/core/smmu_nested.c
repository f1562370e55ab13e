/* Nested translation for a hypervisor: hw_info, vIOMMU, nested domains, guest
 * invalidation and event forwarding (smmu_nested.h). */
#include "smmu/smmu_nested.h"
#include "smmu_internal.h"

/* ---- hw_info ------------------------------------------------------------------------------ */

/* ID register fields a guest's virtual SMMU may report (smmu_nested.h lists why). */
#define GUEST_IDR0                                                                        \
    (SMMU_IDR0_S1P_MASK | SMMU_IDR0_TTF_MASK | SMMU_IDR0_COHACC_MASK |                    \
     SMMU_IDR0_ASID16_MASK | SMMU_IDR0_TTENDIAN_MASK | SMMU_IDR0_ST_LEVEL_MASK |          \
     SMMU_IDR0_TERM_MODEL_MASK | SMMU_IDR0_STALL_MODEL_MASK | SMMU_IDR0_CD2L_MASK |       \
     SMMU_IDR0_SEV_MASK)
#define GUEST_IDR1                                                                        \
    (SMMU_IDR1_SIDSIZE_MASK | SMMU_IDR1_SSIDSIZE_MASK | SMMU_IDR1_CMDQS_MASK |            \
     SMMU_IDR1_EVENTQS_MASK)
#define GUEST_IDR3                                                                        \
    (SMMU_IDR3_RIL_MASK | SMMU_IDR3_BBML_MASK | SMMU_IDR3_HAD_MASK | SMMU_IDR3_E0PD_MASK | \
     SMMU_IDR3_STT_MASK)
#define GUEST_IDR5                                                                        \
    (SMMU_IDR5_GRAN4K_MASK | SMMU_IDR5_GRAN16K_MASK | SMMU_IDR5_GRAN64K_MASK |            \
     SMMU_IDR5_VAX_MASK | SMMU_IDR5_OAS_MASK | SMMU_IDR5_STALL_MAX_MASK)

int smmu_hw_info(const smmu_t *smmu, smmu_hw_info_t *info)
{
    unsigned i;

    if (!smmu || !smmu->probed || !info)
        return SMMU_EINVAL;
    for (i = 0; i < 6u; i++)
        info->idr[i] = 0;
    info->idr[0] = smmu->feat.idr0 & (uint32_t)GUEST_IDR0;
    /* Coherency is the integration's (firmware's) word, not the ID register's. */
    info->idr[0] &= ~(uint32_t)SMMU_IDR0_COHACC_MASK;
    if (smmu->initialised ? smmu->coherent : smmu->feat.cohacc)
        info->idr[0] |= (uint32_t)SMMU_IDR0_COHACC_MASK;
    info->idr[1] = smmu->feat.idr1 & (uint32_t)GUEST_IDR1;
    info->idr[3] = smmu->feat.idr3 & (uint32_t)GUEST_IDR3;
    info->idr[5] = smmu->feat.idr5 & (uint32_t)GUEST_IDR5;
    info->iidr = smmu->feat.iidr;
    info->aidr = smmu->feat.aidr;
    return 0;
}

int smmu_viommu_hw_info(const smmu_viommu_t *v, smmu_hw_info_t *info)
{
    static const uint8_t oas_bits[7] = {32, 36, 40, 42, 44, 48, 52};
    unsigned ias, oas;
    int ret;

    if (!v || !v->smmu || !v->parent || !info)
        return SMMU_EINVAL;
    ret = smmu_hw_info(v->smmu, info);
    if (ret)
        return ret;
    /* The guest's stage 1 outputs IPAs: no more than the parent's stage 2 takes. */
    ias = v->parent->pgt.cfg.ias;
    oas = (info->idr[5] & SMMU_IDR5_OAS_MASK) >> SMMU_IDR5_OAS_SHIFT;
    while (oas > 0u && (oas >= 7u || oas_bits[oas] > ias))
        oas--;
    info->idr[5] = (info->idr[5] & ~(uint32_t)SMMU_IDR5_OAS_MASK) |
                   (uint32_t)(oas << SMMU_IDR5_OAS_SHIFT);
    return 0;
}

/* ---- vIOMMU -------------------------------------------------------------------------------- */

/* v is live when a live nest parent of smmu carries it. */
static bool viommu_live(const smmu_t *smmu, const smmu_viommu_t *v)
{
    const smmu_domain_t *d;

    for (d = smmu ? smmu->domains : 0; d; d = d->next)
        if (d->type == SMMU_DOMAIN_S2 && d->viommu == v)
            return true;
    return false;
}

int smmu_viommu_init(smmu_viommu_t *v, smmu_domain_t *parent, smmu_event_cb_t event_cb,
                     void *event_arg)
{
    if (!v)
        return SMMU_EINVAL;
    /* A live v (the parent's own, or another parent's) is left alone. */
    if (parent && parent->smmu && (parent->viommu == v || viommu_live(parent->smmu, v)))
        return SMMU_EBUSY;
    if (!parent || !parent->smmu || parent->type != SMMU_DOMAIN_S2 || !parent->nest_parent) {
        smmu_bzero(v, sizeof *v);
        return SMMU_EINVAL;
    }
    if (!parent->smmu->feat.s1p || !parent->smmu->feat.s2p) {
        smmu_bzero(v, sizeof *v);
        return SMMU_ENOTSUP;
    }
    if (parent->viommu) {
        smmu_bzero(v, sizeof *v);
        return SMMU_EBUSY;
    }
    smmu_bzero(v, sizeof *v);
    v->smmu = parent->smmu;
    v->parent = parent;
    v->vmid = parent->vmid;
    v->event_cb = event_cb;
    v->event_arg = event_arg;
    parent->viommu = v;
    return 0;
}

int smmu_viommu_free(smmu_viommu_t *v)
{
    if (!v || !v->smmu)
        return SMMU_EINVAL;
    if (v->nvdevs || v->nested)
        return SMMU_EBUSY;
    v->parent->viommu = 0;
    smmu_bzero(v, sizeof *v);
    return 0;
}

unsigned smmu_viommu_vmid(const smmu_viommu_t *v)
{
    return v && v->smmu ? v->vmid : 0u;
}

unsigned smmu_viommu_ias(const smmu_viommu_t *v)
{
    return v && v->smmu && v->parent ? v->parent->pgt.cfg.ias : 0u;
}

/* The master bound to v as vsid: each bound master carries its vSID. */
static smmu_master_t *vdev_by_vsid(const smmu_viommu_t *v, uint32_t vsid)
{
    smmu_master_t *m;

    for (m = v->smmu->masters; m; m = m->next)
        if (m->viommu == v && m->vsid == vsid)
            return m;
    return 0;
}

int smmu_viommu_vdev_add(smmu_viommu_t *v, smmu_master_t *m, uint32_t vsid)
{
    if (!v || !v->smmu || !m || m->smmu != v->smmu || !smmu_master_listed(v->smmu, m))
        return SMMU_EINVAL;
    if (m->viommu || vdev_by_vsid(v, vsid))
        return SMMU_EEXIST;
    /* Without S2FWB the guest's stage-1 attributes reach memory: a guest mapping its
     * buffer Non-cacheable would bypass the caches the host keeps coherent. Only a
     * master that is coherent whatever the attributes (CANWBS) is safe then. */
    if (!v->parent->fwb && !(m->fw_flags & SMMU_MASTER_CANWBS)) {
        smmu_log_hex(v->smmu, SMMU_LOG_ERR,
                     "viommu: nesting needs S2FWB (FWB on a coherent SMMU) or a CANWBS "
                     "master; refused sid=", m->sid);
        return SMMU_ENOTSUP;
    }
    v->nvdevs++;
    m->viommu = v;
    m->vsid = vsid;
    return 0;
}

int smmu_viommu_vdev_del(smmu_viommu_t *v, smmu_master_t *m)
{
    if (!v || !v->smmu || !m || !m->smmu)
        return SMMU_EINVAL;
    if (m->viommu != v)
        return SMMU_ENOENT;
    if (m->domain && m->domain->type == SMMU_DOMAIN_NESTED)
        return SMMU_EBUSY;
    v->nvdevs--;
    m->viommu = 0;
    m->vsid = 0;
    return 0;
}

int smmu_viommu_vsid_to_sid(const smmu_viommu_t *v, uint32_t vsid, uint32_t *sid)
{
    const smmu_master_t *m;

    if (!v || !v->smmu || !sid)
        return SMMU_EINVAL;
    m = vdev_by_vsid(v, vsid);
    if (!m)
        return SMMU_ENOENT;
    *sid = m->sid;
    return 0;
}

/* ---- nested domains ------------------------------------------------------------------------ */

int smmu_nested_domain_init(smmu_domain_t *d, smmu_viommu_t *v, const uint64_t guest_ste[2])
{
    uint64_t g0, g1;
    unsigned cfg;

    if (!d)
        return SMMU_EINVAL;
    /* A live domain (a VMM keeping one per vSID) is refused, never counted twice. */
    if (v && v->smmu && smmu_domain_listed(v->smmu, d))
        return SMMU_EBUSY;
    smmu_bzero(d, sizeof *d);
    if (!v || !v->smmu || !guest_ste)
        return SMMU_EINVAL;
    g0 = guest_ste[0];
    g1 = guest_ste[1];
    if (!(g0 & STE_V_MASK)) {
        /* An invalid guest STE: the guest's SMMU would abort its traffic; nothing else
         * in it means anything. */
        g0 = 0;
        g1 = 0;
    } else {
        if ((g0 & ~(uint64_t)SMMU_GUEST_STE0_ALLOWED) || (g1 & ~(uint64_t)SMMU_GUEST_STE1_ALLOWED)) {
            smmu_log(v->smmu, SMMU_LOG_ERR, "viommu: guest STE sets fields a guest may not set");
            return SMMU_EINVAL;
        }
        cfg = (unsigned)((g0 & STE_CONFIG_MASK) >> STE_CONFIG_SHIFT);
        if (cfg != STE_CFG_ABORT && cfg != STE_CFG_BYPASS && cfg != STE_CFG_S1) {
            smmu_log_hex(v->smmu, SMMU_LOG_ERR,
                         "viommu: guest STE Config must be abort, bypass or stage 1: ", cfg);
            return SMMU_EINVAL;
        }
        if (cfg != STE_CFG_S1) {
            /* Stage-1 fields mean nothing without stage 1: keep the STE canonical. */
            g0 &= STE_V_MASK | STE_CONFIG_MASK;
            g1 = 0;
        }
    }
    d->smmu = v->smmu;
    d->type = SMMU_DOMAIN_NESTED;
    d->viommu = v;
    d->coherent_walk = v->parent->coherent_walk;
    d->fwb = v->parent->fwb;
    d->vmid = v->vmid;
    d->guest_ste[0] = g0;
    d->guest_ste[1] = g1;
    smmu_domain_link(v->smmu, d);
    v->nested++;
    return 0;
}

/* ---- guest invalidation --------------------------------------------------------------------- */

/* Rewrite one guest command for the host: 0, SMMU_EINVAL (refused) or SMMU_ENOENT. */
static int convert_cmd(const smmu_viommu_t *v, const smmu_cmd_t *in, smmu_cmd_t *out)
{
    unsigned op = (unsigned)DW_GET(CMD, OPCODE, in->dw);
    uint32_t sid;
    int ret;

    out->dw[0] = in->dw[0];
    out->dw[1] = in->dw[1];
    switch (op) {
    case CMD_OP_TLBI_NH_VA:
    case CMD_OP_TLBI_NH_VAA:
        /* A range the SMMU would reject (CERROR_ILL on the host's queue, a global error
         * the guest could raise at will): TG != 0 without IDR3.RIL, or a Reserved
         * TG/TTL/NUM/SCALE combination (IHI 0070 4.4.1.1). */
        if (DW_GET(CMD, TG, in->dw) &&
            (!v->smmu->feat.ril ||
             smmu_tlbi_range_reserved(v->smmu->feat.ds, (uint32_t)DW_GET(CMD, TG, in->dw),
                                      (uint32_t)DW_GET(CMD, TTL, in->dw),
                                      (uint32_t)DW_GET(CMD, NUM, in->dw),
                                      (uint32_t)DW_GET(CMD, SCALE, in->dw))))
            return SMMU_EINVAL;
        /* fall through */
    case CMD_OP_TLBI_NH_ALL:
    case CMD_OP_TLBI_NH_ASID:
        /* The guest's ASIDs live in its VM's VMID: whatever VMID it wrote is replaced. */
        DW_SET(CMD, VMID, out->dw, v->vmid);
        return 0;
    case CMD_OP_TLBI_NSNH_ALL:
        /* A guest resetting its virtual SMMU: everything it can own is its VMID's
         * stage-1 entries (as Linux turns it into TLBI_NH_ALL). */
        return smmu_cmd_tlbi_nh_all(out, v->vmid);
    case CMD_OP_CFGI_STE:
    case CMD_OP_CFGI_CD:
    case CMD_OP_CFGI_CD_ALL:
        /* SSec = 1 is ILLEGAL on a Non-secure queue (IHI 0070 4.1.6): the host's queue
         * would stop with CERROR_ILL at the guest's will. */
        if (DW_GET(CMD, SSEC, in->dw))
            return SMMU_EINVAL;
        ret = smmu_viommu_vsid_to_sid(v, (uint32_t)DW_GET(CMD, SID, in->dw), &sid);
        if (ret)
            return ret;
        DW_SET(CMD, SID, out->dw, sid);
        return 0;
    default:
        return SMMU_EINVAL;
    }
}

int smmu_viommu_invalidate(smmu_viommu_t *v, const smmu_cmd_t *cmds, size_t n, size_t *done)
{
    smmu_batch_t b;
    smmu_cmd_t c;
    size_t i;
    int ret = 0;

    if (done)
        *done = 0;
    if (!v || !v->smmu || (n && !cmds))
        return SMMU_EINVAL;
    /* Check everything first: a refused array must have no effect at all. */
    for (i = 0; i < n; i++) {
        ret = convert_cmd(v, &cmds[i], &c);
        if (ret) {
            smmu_log_hex(v->smmu, SMMU_LOG_ERR, "viommu: guest command refused, opcode ",
                         DW_GET(CMD, OPCODE, cmds[i].dw));
            v->stats.refused++;
            if (done)
                *done = i;
            return ret;
        }
    }
    smmu_batch_init(&b);
    for (i = 0; i < n && ret == 0; i++) {
        (void)convert_cmd(v, &cmds[i], &c);
        ret = smmu_batch_add(v->smmu, &b, &c);
    }
    if (ret == 0)
        ret = smmu_batch_submit(v->smmu, &b, true, SMMU_CS_NONE);
    if (ret)
        return ret;
    v->stats.cmds += n;
    if (done)
        *done = n;
    return 0;
}

/* ---- events -------------------------------------------------------------------------------- */

bool smmu_viommu_report(struct smmu_viommu *v, const struct smmu_master *m,
                        const smmu_event_t *ev)
{
    smmu_event_t g;
    char line[SMMU_LINE];
    unsigned i;

    if (!v || !v->smmu || !m || m->viommu != v)
        return false;
    for (i = 0; i < 4u; i++)
        g.dw[i] = ev->dw[i];
    DW_SET(EVT, SID, g.dw, m->vsid);
    /* A fetch abort's FetchAddr is a host physical address: useless to the guest, and
     * not for it to learn. */
    if (DW_GET(EVT, TYPE, g.dw) == EVT_F_CD_FETCH || DW_GET(EVT, TYPE, g.dw) == EVT_F_WALK_EABT)
        DW_SET(EVT, FETCHADDR, g.dw, 0u);
    v->stats.events++;
    if (v->event_cb) {
        v->event_cb(v->event_arg, &g);
    } else {
        smmu_event_decode(&g, line, sizeof line);
        smmu_log(v->smmu, SMMU_LOG_WARN, line);
    }
    return true;
}
