/* Command builders, command-queue submission and global-error recovery. */
#include "smmu/smmu_queue.h"
#include "smmu_internal.h"

int smmu_cmdq_submit_raw(smmu_t *smmu, const smmu_cmd_t *cmds, size_t n, bool sync,
                         unsigned cs);

/* ---- builders ---------------------------------------------------------------------- */

static void cmd_start(smmu_cmd_t *cmd, unsigned op)
{
    cmd->dw[0] = 0;
    cmd->dw[1] = 0;
    DW_SET(CMD, OPCODE, cmd->dw, op);
}

static int cmd_bad(smmu_cmd_t *cmd)
{
    cmd->dw[0] = 0;
    cmd->dw[1] = 0;
    return SMMU_EINVAL;
}

int smmu_cmd_prefetch_config(smmu_cmd_t *cmd, uint32_t sid)
{
    cmd_start(cmd, CMD_OP_PREFETCH_CONFIG);
    DW_SET(CMD, SID, cmd->dw, sid);
    return 0;
}

int smmu_cmd_prefetch_addr(smmu_cmd_t *cmd, uint32_t sid, uint64_t addr)
{
    cmd_start(cmd, CMD_OP_PREFETCH_ADDR);
    DW_SET(CMD, SID, cmd->dw, sid);
    DW_SET(CMD, ADDR, cmd->dw, addr >> 12);
    return 0;
}

int smmu_cmd_cfgi_ste(smmu_cmd_t *cmd, uint32_t sid, bool leaf)
{
    cmd_start(cmd, CMD_OP_CFGI_STE);
    DW_SET(CMD, SID, cmd->dw, sid);
    DW_SET(CMD, LEAF, cmd->dw, leaf ? 1u : 0u);
    return 0;
}

int smmu_cmd_cfgi_ste_range(smmu_cmd_t *cmd, uint32_t sid, unsigned range)
{
    uint64_t span_mask;

    if (range > 31u)
        return cmd_bad(cmd);
    /* 2^(range + 1) entries from an aligned StreamID. */
    span_mask = shl64(2, range) - 1u;
    if ((uint64_t)sid & span_mask)
        return cmd_bad(cmd);
    cmd_start(cmd, CMD_OP_CFGI_STE_RANGE);
    DW_SET(CMD, SID, cmd->dw, sid);
    DW_SET(CMD, RANGE, cmd->dw, range);
    return 0;
}

int smmu_cmd_cfgi_all(smmu_cmd_t *cmd)
{
    return smmu_cmd_cfgi_ste_range(cmd, 0, 31);
}

int smmu_cmd_cfgi_cd(smmu_cmd_t *cmd, uint32_t sid, uint32_t ssid, bool leaf)
{
    if (ssid >> 20)
        return cmd_bad(cmd);
    cmd_start(cmd, CMD_OP_CFGI_CD);
    DW_SET(CMD, SSID, cmd->dw, ssid);
    DW_SET(CMD, SID, cmd->dw, sid);
    DW_SET(CMD, LEAF, cmd->dw, leaf ? 1u : 0u);
    return 0;
}

int smmu_cmd_cfgi_cd_all(smmu_cmd_t *cmd, uint32_t sid)
{
    cmd_start(cmd, CMD_OP_CFGI_CD_ALL);
    DW_SET(CMD, SID, cmd->dw, sid);
    return 0;
}

/* Address, leaf and range fields shared by the TLBI-by-address commands. */
static int tlbi_addr(smmu_cmd_t *cmd, uint64_t addr, bool leaf, const smmu_tlbi_range_t *r)
{
    if (addr & 0xfffu)
        return cmd_bad(cmd);
    DW_SET(CMD, ADDR, cmd->dw, addr >> 12);
    DW_SET(CMD, LEAF, cmd->dw, leaf ? 1u : 0u);
    if (!r)
        return 0;
    if (r->tg > 3u || r->scale > 31u || r->num > 31u || r->ttl > 3u)
        return cmd_bad(cmd);
    if (r->tg == 0u) {
        if (r->scale || r->num || r->ttl)
            return cmd_bad(cmd);
        return 0;
    }
    /* Reserved whatever IDR5 reports (TTL = 0); the IDR5.DS-dependent form is refused
     * where a command meets an SMMU (smmu_cmd_range_refused) */
    if (smmu_tlbi_range_reserved(true, r->tg, r->ttl, r->num, r->scale))
        return cmd_bad(cmd);
    DW_SET(CMD, TG, cmd->dw, r->tg);
    DW_SET(CMD, SCALE, cmd->dw, r->scale);
    DW_SET(CMD, NUM, cmd->dw, r->num);
    DW_SET(CMD, TTL, cmd->dw, r->ttl);
    return 0;
}

int smmu_cmd_tlbi_nh_all(smmu_cmd_t *cmd, uint16_t vmid)
{
    cmd_start(cmd, CMD_OP_TLBI_NH_ALL);
    DW_SET(CMD, VMID, cmd->dw, vmid);
    return 0;
}

int smmu_cmd_tlbi_nh_asid(smmu_cmd_t *cmd, uint16_t vmid, uint16_t asid)
{
    cmd_start(cmd, CMD_OP_TLBI_NH_ASID);
    DW_SET(CMD, VMID, cmd->dw, vmid);
    DW_SET(CMD, ASID, cmd->dw, asid);
    return 0;
}

int smmu_cmd_tlbi_nh_va(smmu_cmd_t *cmd, uint16_t vmid, uint16_t asid, uint64_t va, bool leaf,
                        const smmu_tlbi_range_t *range)
{
    cmd_start(cmd, CMD_OP_TLBI_NH_VA);
    DW_SET(CMD, VMID, cmd->dw, vmid);
    DW_SET(CMD, ASID, cmd->dw, asid);
    return tlbi_addr(cmd, va, leaf, range);
}

int smmu_cmd_tlbi_nh_vaa(smmu_cmd_t *cmd, uint16_t vmid, uint64_t va, bool leaf,
                         const smmu_tlbi_range_t *range)
{
    cmd_start(cmd, CMD_OP_TLBI_NH_VAA);
    DW_SET(CMD, VMID, cmd->dw, vmid);
    return tlbi_addr(cmd, va, leaf, range);
}

int smmu_cmd_tlbi_el2_all(smmu_cmd_t *cmd)
{
    cmd_start(cmd, CMD_OP_TLBI_EL2_ALL);
    return 0;
}

int smmu_cmd_tlbi_el2_asid(smmu_cmd_t *cmd, uint16_t asid)
{
    cmd_start(cmd, CMD_OP_TLBI_EL2_ASID);
    DW_SET(CMD, ASID, cmd->dw, asid);
    return 0;
}

int smmu_cmd_tlbi_el2_va(smmu_cmd_t *cmd, uint16_t asid, uint64_t va, bool leaf,
                         const smmu_tlbi_range_t *range)
{
    cmd_start(cmd, CMD_OP_TLBI_EL2_VA);
    DW_SET(CMD, ASID, cmd->dw, asid);
    return tlbi_addr(cmd, va, leaf, range);
}

int smmu_cmd_tlbi_el2_vaa(smmu_cmd_t *cmd, uint64_t va, bool leaf,
                          const smmu_tlbi_range_t *range)
{
    cmd_start(cmd, CMD_OP_TLBI_EL2_VAA);
    return tlbi_addr(cmd, va, leaf, range);
}

int smmu_cmd_tlbi_s12_vmall(smmu_cmd_t *cmd, uint16_t vmid)
{
    cmd_start(cmd, CMD_OP_TLBI_S12_VMALL);
    DW_SET(CMD, VMID, cmd->dw, vmid);
    return 0;
}

int smmu_cmd_tlbi_s2_ipa(smmu_cmd_t *cmd, uint16_t vmid, uint64_t ipa, bool leaf,
                         const smmu_tlbi_range_t *range)
{
    /* IPA fields hold bits [55:12] (IHI 0070 4.1.6). */
    if (ipa >> 56)
        return cmd_bad(cmd);
    cmd_start(cmd, CMD_OP_TLBI_S2_IPA);
    DW_SET(CMD, VMID, cmd->dw, vmid);
    return tlbi_addr(cmd, ipa, leaf, range);
}

int smmu_cmd_tlbi_nsnh_all(smmu_cmd_t *cmd)
{
    cmd_start(cmd, CMD_OP_TLBI_NSNH_ALL);
    return 0;
}

int smmu_cmd_sync(smmu_cmd_t *cmd, unsigned cs)
{
    if (cs > SMMU_CS_SEV)
        return cmd_bad(cmd);
    cmd_start(cmd, CMD_OP_CMD_SYNC);
    DW_SET(CMD, CS, cmd->dw, cs);
    return 0;
}

uint64_t smmu_tlbi_range_chunk(uint64_t pages, unsigned tg, smmu_tlbi_range_t *range)
{
    unsigned msb = 0, scale;
    uint64_t count;

    if (pages == 0u || tg == 0u || tg > 3u)
        return 0;
    while (msb < 63u && shr64(pages, msb + 1u) != 0u)
        msb++;
    /* Keep the top five significant bits as NUM + 1 (<= 31) at SCALE = msb - 4; the
     * rest of the pages go to later chunks. */
    scale = msb > 4u ? msb - 4u : 0u;
    if (scale > 31u)
        scale = 31u;
    count = shr64(pages, scale);
    if (count > 32u)
        count = 32u;
    range->tg = tg;
    range->scale = scale;
    range->num = (unsigned)count - 1u;
    range->ttl = 0;
    if (range->scale == 0u && range->num == 0u)
        range->tg = 0; /* one page: a single-address command */
    return shl64(count, scale);
}

const char *smmu_cmd_opcode_name(unsigned op)
{
    switch (op) {
    case CMD_OP_PREFETCH_CONFIG: return "PREFETCH_CONFIG";
    case CMD_OP_PREFETCH_ADDR: return "PREFETCH_ADDR";
    case CMD_OP_CFGI_STE: return "CFGI_STE";
    case CMD_OP_CFGI_STE_RANGE: return "CFGI_STE_RANGE";
    case CMD_OP_CFGI_CD: return "CFGI_CD";
    case CMD_OP_CFGI_CD_ALL: return "CFGI_CD_ALL";
    case CMD_OP_TLBI_NH_ALL: return "TLBI_NH_ALL";
    case CMD_OP_TLBI_NH_ASID: return "TLBI_NH_ASID";
    case CMD_OP_TLBI_NH_VA: return "TLBI_NH_VA";
    case CMD_OP_TLBI_NH_VAA: return "TLBI_NH_VAA";
    case CMD_OP_TLBI_EL2_ALL: return "TLBI_EL2_ALL";
    case CMD_OP_TLBI_EL2_ASID: return "TLBI_EL2_ASID";
    case CMD_OP_TLBI_EL2_VA: return "TLBI_EL2_VA";
    case CMD_OP_TLBI_EL2_VAA: return "TLBI_EL2_VAA";
    case CMD_OP_TLBI_S12_VMALL: return "TLBI_S12_VMALL";
    case CMD_OP_TLBI_S2_IPA: return "TLBI_S2_IPA";
    case CMD_OP_TLBI_NSNH_ALL: return "TLBI_NSNH_ALL";
    case CMD_OP_CMD_SYNC: return "CMD_SYNC";
    default: return "UNKNOWN";
    }
}

/* ---- global errors -------------------------------------------------------------------- */

#define GERROR_KNOWN                                                                     \
    (SMMU_GERROR_SFM_ERR_MASK | SMMU_GERROR_MSI_GERROR_ABT_ERR_MASK |                    \
     SMMU_GERROR_MSI_PRIQ_ABT_ERR_MASK | SMMU_GERROR_MSI_EVENTQ_ABT_ERR_MASK |            \
     SMMU_GERROR_MSI_CMDQ_ABT_ERR_MASK | SMMU_GERROR_PRIQ_ABT_ERR_MASK |                  \
     SMMU_GERROR_EVENTQ_ABT_ERR_MASK | SMMU_GERROR_CMDQ_ERR_MASK)

#define GERROR_MSI_ABT                                                                   \
    (SMMU_GERROR_MSI_GERROR_ABT_ERR_MASK | SMMU_GERROR_MSI_EVENTQ_ABT_ERR_MASK |           \
     SMMU_GERROR_MSI_CMDQ_ABT_ERR_MASK)

static const char *cerror_name(uint32_t err)
{
    switch (err) {
    case CERROR_NONE: return "CERROR_NONE";
    case CERROR_ILL: return "CERROR_ILL";
    case CERROR_ABT: return "CERROR_ABT";
    case CERROR_ATC_INV_SYNC: return "CERROR_ATC_INV_SYNC";
    default: return "CERROR_?";
    }
}

static void log_cerror(smmu_t *smmu, int level, uint32_t err, uint32_t pos, unsigned op,
                       const char *action)
{
    char line[SMMU_LINE];
    smmu_fmt_t f;

    smmu_fmt_init(&f, line, sizeof line);
    smmu_fmt_str(&f, "smmu: command queue error ");
    smmu_fmt_str(&f, cerror_name(err));
    smmu_fmt_str(&f, " at index ");
    smmu_fmt_hex(&f, pos);
    smmu_fmt_str(&f, " (PA ");
    smmu_fmt_hex(&f, smmu->stats.last_cerror_pa);
    smmu_fmt_str(&f, "): opcode ");
    smmu_fmt_hex(&f, op);
    smmu_fmt_str(&f, " ");
    smmu_fmt_str(&f, smmu_cmd_opcode_name(op));
    smmu_fmt_str(&f, "; ");
    smmu_fmt_str(&f, action);
    smmu_log(smmu, level, line);
}

/* Step CONS past an entry the SMMU cannot fetch: CONS is writable only while the queue
 * is disabled (IHI 0070 6.3.28). */
static int cmdq_skip(smmu_t *smmu, uint32_t pos)
{
    uint32_t cr0 = smmu->cr0;
    int ret = smmu_write_cr0(smmu, cr0 & ~SMMU_CR0_CMDQEN_MASK);

    if (ret)
        return ret;
    wr32(smmu, SMMU_CMDQ_CONS, smmu_q_add(pos, 1, smmu->cmdq_log2));
    return smmu_write_cr0(smmu, cr0);
}

static int cmdq_recover(smmu_t *smmu)
{
    uint32_t cons = rd32(smmu, SMMU_CMDQ_CONS);
    uint32_t err = FIELD_GET(SMMU_CMDQ_CONS_ERR, cons);
    uint32_t pos = cons & smmu_q_ptr_mask(smmu->cmdq_log2);
    uint64_t *slot = cmdq_slot(smmu, pos);
    unsigned op = (unsigned)(slot[0] & CMD_OPCODE_MASK);
    smmu_cmd_t sync;
    int ret = 0;

    smmu->stats.last_cerror = err;
    smmu->stats.last_cerror_slot = smmu_q_slot(pos, smmu->cmdq_log2);
    smmu->stats.last_cerror_opcode = op;
    smmu->stats.last_cerror_pa =
        smmu->cmdq.pa + (uint64_t)smmu_q_slot(pos, smmu->cmdq_log2) * CMD_BYTES;

    if (err == CERROR_ABT) {
        smmu->stats.cmdq_abt++;
        if (!smmu->abt_retry_valid || smmu->abt_retry_pos != pos) {
            /* Maybe transient: acknowledging re-fetches the same entry. */
            smmu->abt_retry_valid = true;
            smmu->abt_retry_pos = pos;
            log_cerror(smmu, SMMU_LOG_WARN, err, pos, op, "retrying the fetch");
            return 0;
        }
        smmu->abt_retry_valid = false;
        log_cerror(smmu, SMMU_LOG_WARN, err, pos, op,
                   "aborted again: skipping the entry (command dropped)");
        ret = cmdq_skip(smmu, pos);
        smmu->stats.cmdq_skipped++;
        smmu->cmdq_drops++;
        return ret;
    }
    smmu->abt_retry_valid = false;
    if (err == CERROR_ILL)
        smmu->stats.cmdq_ill++;
    else
        smmu->stats.cmdq_other_err++;
    /* Dropping the bad command: a CMD_SYNC without signal is harmless in its place, and
     * the queue restarts at it when the error is acknowledged (IHI 0070 7.1). */
    log_cerror(smmu, SMMU_LOG_WARN, err, pos, op, "replaced by CMD_SYNC");
    smmu_cmd_sync(&sync, SMMU_CS_NONE);
    slot[0] = sync.dw[0];
    slot[1] = sync.dw[1];
    smmu->hal->wmb(smmu->hal->ctx);
    smmu->cmdq_drops++;
    return ret;
}

int smmu_gerror_handle(smmu_t *smmu)
{
    uint32_t gerror, active;
    int ret = 0;

    if (!smmu || !smmu->probed)
        return SMMU_EINVAL;
    gerror = rd32(smmu, SMMU_GERROR);
    active = (gerror ^ smmu->gerrorn) & GERROR_KNOWN;
    if (!active)
        return 0;
    smmu->stats.gerrors++;
    smmu_log_hex(smmu, SMMU_LOG_WARN, "smmu: global errors active: ", active);

    if ((active & SMMU_GERROR_CMDQ_ERR_MASK) && smmu->cmdq.cpu)
        ret = cmdq_recover(smmu);
    if (active & SMMU_GERROR_EVENTQ_ABT_ERR_MASK) {
        smmu->stats.evtq_abt++;
        smmu_log(smmu, SMMU_LOG_WARN,
                 "smmu: event queue write aborted: events were lost until now");
    }
    if (active & GERROR_MSI_ABT) {
        /* An MSI write was aborted: its notification is lost (the events or errors it
         * announced are still in the queue / GERROR), later MSIs are sent (IHI 0070
         * 6.3.19). A CMD_SYNC waited for by MSI polling falls back to CMDQ_CONS. */
        smmu->stats.msi_abt++;
        smmu_log_hex(smmu, SMMU_LOG_WARN, "smmu: MSI write aborted, GERROR bits ",
                     active & GERROR_MSI_ABT);
    }
    if (active & ~(SMMU_GERROR_CMDQ_ERR_MASK | SMMU_GERROR_EVENTQ_ABT_ERR_MASK | GERROR_MSI_ABT)) {
        smmu->stats.other_gerrors++;
        smmu_log_hex(smmu, SMMU_LOG_ERR, "smmu: unexpected global errors: ",
                     active & ~(SMMU_GERROR_CMDQ_ERR_MASK | SMMU_GERROR_EVENTQ_ABT_ERR_MASK |
                                GERROR_MSI_ABT));
    }
    /* Acknowledge: GERRORN[x] = GERROR[x] for each active bit; CMDQ_ERR restarts the
     * queue at CONS. */
    smmu->gerrorn ^= active;
    wr32(smmu, SMMU_GERRORN, smmu->gerrorn);
    return ret < 0 ? ret : (int)active;
}

/* ---- submission ------------------------------------------------------------------------ */

/* Bound on error recoveries within one wait, so errors that recur without end still
 * end in a time-out. */
#define CMDQ_MAX_RECOVERIES 64u

/*
 * Poll CMDQ_CONS until done(smmu, arg) holds. CONS not moving between two reads may mean
 * a stopped queue, so then GERROR is checked and any error handled. Bounded by the
 * configured time-out.
 */
static int cmdq_poll(smmu_t *smmu, bool (*done)(const smmu_t *, uint32_t), uint32_t arg,
                     const char *what)
{
    uint64_t start = now_us(smmu);
    uint32_t last = smmu->cmdq_cons;
    unsigned handled = 0;

    for (;;) {
        bool late = now_us(smmu) - start > timeout_us(smmu), recovered = false;
        uint32_t cons = rd32(smmu, SMMU_CMDQ_CONS) & smmu_q_ptr_mask(smmu->cmdq_log2);

        smmu->cmdq_cons = cons;
        /* A retried fetch abort that got past its slot was transient. */
        if (smmu->abt_retry_valid && cons != smmu->abt_retry_pos)
            smmu->abt_retry_valid = false;
        if (done(smmu, arg))
            return 0;
        if (cons == last && handled < CMDQ_MAX_RECOVERIES) {
            uint32_t gerror = rd32(smmu, SMMU_GERROR);
            if ((gerror ^ smmu->gerrorn) & GERROR_KNOWN) {
                int ret = smmu_gerror_handle(smmu);
                if (ret < 0)
                    return ret;
                handled++;
                recovered = true;
            }
        }
        last = cons;
        /* After a recovery, look at CONS once more before giving up. */
        if (late && !recovered)
            break;
    }
    smmu_log_hex(smmu, SMMU_LOG_ERR, what, smmu->cmdq_cons);
    return SMMU_ETIMEDOUT;
}

static bool has_space(const smmu_t *smmu, uint32_t unused)
{
    (void)unused;
    return smmu_q_space(smmu->cmdq_prod, smmu->cmdq_cons, smmu->cmdq_log2) != 0u;
}

static bool consumed(const smmu_t *smmu, uint32_t pos)
{
    return smmu_q_consumed(pos, smmu->cmdq_prod, smmu->cmdq_cons, smmu->cmdq_log2);
}

/*
 * Wait for the CMD_SYNC at `pos` through its MSI (MSI polling, as Linux): the command was
 * sent with CS = SIG_IRQ, MSIAddress = its own slot and MSIData = 0, so the SMMU
 * overwrites the slot's first word (opcode 0x46) with 0 once the CMD_SYNC has completed
 * and CONS has passed it (IHI 0070 4.7.3, 3.18). Polling memory costs no register
 * access. Every 16 polls, and at the time-out, GERROR is read: a command error is
 * recovered as in cmdq_poll (the queue then reaches the CMD_SYNC), and an aborted MSI
 * (MSI_CMDQ_ABT_ERR) means the word will not change, so CONS decides.
 */
static int sync_poll_msi(smmu_t *smmu, uint32_t pos)
{
    volatile const uint32_t *word = (volatile const uint32_t *)cmdq_slot(smmu, pos);
    uint64_t start = now_us(smmu);
    unsigned polls = 0, handled = 0;

    for (;;) {
        bool late = now_us(smmu) - start > timeout_us(smmu);

        smmu->hal->rmb(smmu->hal->ctx);
        if (*word == 0u) {
            smmu->cmdq_cons = smmu_q_add(pos, 1, smmu->cmdq_log2);
            smmu->stats.msi_syncs++;
            return 0;
        }
        if ((++polls & 15u) == 0u || late) {
            uint32_t active = (rd32(smmu, SMMU_GERROR) ^ smmu->gerrorn) & GERROR_KNOWN;

            if (active && handled < CMDQ_MAX_RECOVERIES) {
                int ret = smmu_gerror_handle(smmu);

                if (ret < 0)
                    return ret;
                handled++;
                if (active & SMMU_GERROR_MSI_CMDQ_ABT_ERR_MASK)
                    return cmdq_poll(smmu, consumed, pos, "smmu: CMD_SYNC not consumed, CONS ");
                continue;
            }
        }
        if (late)
            break;
    }
    smmu_log_hex(smmu, SMMU_LOG_ERR, "smmu: CMD_SYNC MSI not seen, CONS ",
                 rd32(smmu, SMMU_CMDQ_CONS));
    return SMMU_ETIMEDOUT;
}

int smmu_cmdq_submit_raw(smmu_t *smmu, const smmu_cmd_t *cmds, size_t n, bool sync,
                         unsigned cs)
{
    uint32_t drops = smmu->cmdq_drops, sync_pos = 0;
    size_t total = n + (sync ? 1u : 0u), i = 0;
    smmu_cmd_t sync_cmd;
    bool msi = false;
    int ret;

    if (!smmu->cmdq.cpu || !(smmu->cr0 & SMMU_CR0_CMDQEN_MASK) || (n && !cmds))
        return SMMU_EINVAL;
    if (sync && smmu_cmd_sync(&sync_cmd, cs))
        return SMMU_EINVAL;
    /* MSI polling: the CMD_SYNC signals completion by an MSI of 0 into its own slot
     * (a CS = SEV request keeps SEV: then CONS is polled). */
    msi = sync && smmu->msipoll && cs != SMMU_CS_SEV;
    if (msi)
        DW_SET(CMD, CS, sync_cmd.dw, SMMU_CS_IRQ);

    while (i < total) {
        uint32_t space = smmu_q_space(smmu->cmdq_prod, smmu->cmdq_cons, smmu->cmdq_log2);
        uint32_t prod = smmu->cmdq_prod, k;

        if (space < total - i) {
            /* The CONS we saw last may be stale: one read can save a split. */
            smmu->cmdq_cons = rd32(smmu, SMMU_CMDQ_CONS) & smmu_q_ptr_mask(smmu->cmdq_log2);
            space = smmu_q_space(prod, smmu->cmdq_cons, smmu->cmdq_log2);
        }
        if (space == 0u) {
            ret = cmdq_poll(smmu, has_space, 0, "smmu: command queue stayed full, CONS ");
            if (ret)
                return ret;
            continue;
        }
        if (space > total - i)
            space = (uint32_t)(total - i);
        for (k = 0; k < space; k++, i++) {
            const smmu_cmd_t *c = i < n ? &cmds[i] : &sync_cmd;
            uint32_t pos = smmu_q_add(prod, k, smmu->cmdq_log2);
            uint64_t *slot = cmdq_slot(smmu, pos);
            slot[0] = c->dw[0];
            slot[1] = c->dw[1];
            if (i == n) {
                sync_pos = pos;
                if (msi) {
                    /* MSIAddress = this slot (4-byte aligned), MSIData = 0, write-back
                     * inner shareable (the queue's own attributes on a coherent SMMU) */
                    uint64_t pa = smmu->cmdq.pa +
                                  (uint64_t)smmu_q_slot(pos, smmu->cmdq_log2) * CMD_BYTES;
                    DW_SET(CMD, MSIADDR, slot, pa >> 2);
                    DW_SET(CMD, MSIDATA, slot, 0u);
                    DW_SET(CMD, MSH, slot, 3u);
                    DW_SET(CMD, MSIATTR, slot, 0xfu);
                }
            }
        }
        /* Entries visible before the PROD write that hands them over. */
        smmu->hal->wmb(smmu->hal->ctx);
        smmu->cmdq_prod = smmu_q_add(prod, space, smmu->cmdq_log2);
        wr32(smmu, SMMU_CMDQ_PROD, smmu->cmdq_prod);
        smmu->stats.cmds += space;
    }
    if (sync) {
        ret = msi ? sync_poll_msi(smmu, sync_pos)
                  : cmdq_poll(smmu, consumed, sync_pos, "smmu: CMD_SYNC not consumed, CONS ");
        if (ret)
            return ret;
        smmu->stats.syncs++;
    }
    return smmu->cmdq_drops != drops ? SMMU_EIO : 0;
}

bool smmu_cmd_range_refused(const smmu_t *smmu, const smmu_cmd_t *cmd)
{
    uint32_t tg = (uint32_t)DW_GET(CMD, TG, cmd->dw);

    switch (DW_GET(CMD, OPCODE, cmd->dw)) {
    case CMD_OP_TLBI_NH_VA:
    case CMD_OP_TLBI_NH_VAA:
    case CMD_OP_TLBI_EL2_VA:
    case CMD_OP_TLBI_EL2_VAA:
    case CMD_OP_TLBI_S2_IPA:
        return tg != 0u &&
               (!smmu->feat.ril ||
                smmu_tlbi_range_reserved(smmu->feat.ds, tg, (uint32_t)DW_GET(CMD, TTL, cmd->dw),
                                         (uint32_t)DW_GET(CMD, NUM, cmd->dw),
                                         (uint32_t)DW_GET(CMD, SCALE, cmd->dw)));
    default:
        return false;
    }
}

int smmu_cmdq_submit(smmu_t *smmu, const smmu_cmd_t *cmds, size_t n, bool sync, unsigned cs)
{
    if (!smmu || !smmu->initialised || (n && !cmds))
        return SMMU_EINVAL;
    /* A command this SMMU would reject is refused before any is queued */
    for (size_t i = 0; i < n; i++)
        if (smmu_cmd_range_refused(smmu, &cmds[i]))
            return SMMU_EINVAL;
    return smmu_cmdq_submit_raw(smmu, cmds, n, sync, cs);
}

int smmu_cmdq_sync(smmu_t *smmu, unsigned cs)
{
    return smmu_cmdq_submit(smmu, 0, 0, true, cs);
}

void smmu_batch_init(smmu_batch_t *b)
{
    b->n = 0;
}

int smmu_batch_add(smmu_t *smmu, smmu_batch_t *b, const smmu_cmd_t *cmd)
{
    int ret;

    if (!b || !cmd || b->n > SMMU_BATCH_MAX || (smmu && smmu_cmd_range_refused(smmu, cmd)))
        return SMMU_EINVAL;
    if (b->n == SMMU_BATCH_MAX) {
        /* Full: it goes to the queue now (as Linux's arm_smmu_cmdq_batch_add). */
        ret = smmu_batch_submit(smmu, b, false, SMMU_CS_NONE);
        if (ret)
            return ret;
    }
    b->cmds[b->n].dw[0] = cmd->dw[0];
    b->cmds[b->n].dw[1] = cmd->dw[1];
    b->n++;
    return 0;
}

int smmu_batch_submit(smmu_t *smmu, smmu_batch_t *b, bool sync, unsigned cs)
{
    int ret;

    if (!b || b->n > SMMU_BATCH_MAX || !smmu || !smmu->initialised || cs > SMMU_CS_SEV)
        return SMMU_EINVAL; /* refused: the batch stays as it is */
    ret = smmu_cmdq_submit(smmu, b->cmds, b->n, sync, cs);
    if (ret != SMMU_EINVAL)
        b->n = 0;
    return ret;
}
