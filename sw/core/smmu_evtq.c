/* Event queue: draining with overflow acknowledgement, and the event decoder. */
#include "smmu/smmu_queue.h"
#include "smmu_internal.h"

const char *smmu_event_name(unsigned type)
{
    switch (type) {
    case EVT_F_UUT: return "F_UUT";
    case EVT_C_BAD_STREAMID: return "C_BAD_STREAMID";
    case EVT_F_STE_FETCH: return "F_STE_FETCH";
    case EVT_C_BAD_STE: return "C_BAD_STE";
    case EVT_F_BAD_ATS_TREQ: return "F_BAD_ATS_TREQ";
    case EVT_F_STREAM_DISABLED: return "F_STREAM_DISABLED";
    case EVT_F_TRANSL_FORBIDDEN: return "F_TRANSL_FORBIDDEN";
    case EVT_C_BAD_SUBSTREAMID: return "C_BAD_SUBSTREAMID";
    case EVT_F_CD_FETCH: return "F_CD_FETCH";
    case EVT_C_BAD_CD: return "C_BAD_CD";
    case EVT_F_WALK_EABT: return "F_WALK_EABT";
    case EVT_F_TRANSLATION: return "F_TRANSLATION";
    case EVT_F_ADDR_SIZE: return "F_ADDR_SIZE";
    case EVT_F_ACCESS: return "F_ACCESS";
    case EVT_F_PERMISSION: return "F_PERMISSION";
    case EVT_F_TLB_CONFLICT: return "F_TLB_CONFLICT";
    case EVT_F_CFG_CONFLICT: return "F_CFG_CONFLICT";
    case EVT_E_PAGE_REQUEST: return "E_PAGE_REQUEST";
    case EVT_F_VMS_FETCH: return "F_VMS_FETCH";
    default: return "UNKNOWN";
    }
}

/* Which fields an event type carries (IHI 0070 7.3). */
enum {
    EF_ACCESS = 1u << 0, /* RnW, PnU, InD, InputAddr */
    EF_STAGE = 1u << 1,  /* S2, CLASS */
    EF_IPA = 1u << 2,    /* IPA, when S2 = 1 */
    EF_FETCH = 1u << 3,  /* FetchAddr */
    EF_STALL = 1u << 4,  /* Stall, STAG */
};

static unsigned event_fields(unsigned type)
{
    switch (type) {
    case EVT_C_BAD_STREAMID:
    case EVT_C_BAD_STE:
    case EVT_C_BAD_SUBSTREAMID:
    case EVT_C_BAD_CD:
    case EVT_F_STREAM_DISABLED:
    case EVT_F_CFG_CONFLICT:
        return 0;
    case EVT_F_STE_FETCH:
    case EVT_F_CD_FETCH:
    case EVT_F_VMS_FETCH:
        return EF_FETCH;
    case EVT_F_UUT:
    case EVT_F_BAD_ATS_TREQ:
    case EVT_F_TRANSL_FORBIDDEN:
    case EVT_E_PAGE_REQUEST:
        return EF_ACCESS;
    case EVT_F_WALK_EABT:
        return EF_ACCESS | EF_STAGE | EF_FETCH | EF_STALL;
    case EVT_F_TRANSLATION:
    case EVT_F_ADDR_SIZE:
    case EVT_F_ACCESS:
    case EVT_F_PERMISSION:
        return EF_ACCESS | EF_STAGE | EF_IPA | EF_STALL;
    case EVT_F_TLB_CONFLICT:
        return EF_ACCESS | EF_STAGE | EF_IPA;
    default:
        return ~0u;
    }
}

size_t smmu_event_decode(const smmu_event_t *ev, char *buf, size_t len)
{
    static const char *const class_names[4] = {"CD", "TT", "IN", "?"};
    const uint64_t *d = ev->dw;
    unsigned type = (unsigned)DW_GET(EVT, TYPE, d);
    unsigned fields = event_fields(type);
    smmu_fmt_t f;

    smmu_fmt_init(&f, buf, len);
    if (fields == ~0u) {
        /* Unknown or IMPLEMENTATION DEFINED: show the raw record. */
        smmu_fmt_str(&f, "UNKNOWN type=");
        smmu_fmt_hex(&f, type);
        for (unsigned i = 0; i < EVT_DWORDS; i++) {
            smmu_fmt_str(&f, " dw");
            smmu_fmt_dec(&f, i);
            smmu_fmt_char(&f, '=');
            smmu_fmt_hex(&f, d[i]);
        }
        return f.pos;
    }
    smmu_fmt_str(&f, smmu_event_name(type));
    smmu_fmt_str(&f, " sid=");
    smmu_fmt_hex(&f, DW_GET(EVT, SID, d));
    if (DW_GET(EVT, SSV, d) || type == EVT_C_BAD_SUBSTREAMID) { /* 7.3.9: no SSV */
        smmu_fmt_str(&f, " ssid=");
        smmu_fmt_hex(&f, DW_GET(EVT, SSID, d));
    }
    if (fields & EF_ACCESS) {
        smmu_fmt_str(&f, DW_GET(EVT, RNW, d) ? " read" : " write");
        smmu_fmt_str(&f, DW_GET(EVT, PNU, d) ? " priv" : " unpriv");
        smmu_fmt_str(&f, DW_GET(EVT, IND, d) ? " insn" : " data");
    }
    if (fields & EF_STAGE) {
        unsigned cls = (unsigned)DW_GET(EVT, CLASS, d);
        smmu_fmt_str(&f, " S2=");
        smmu_fmt_dec(&f, (uint32_t)DW_GET(EVT, S2, d));
        smmu_fmt_str(&f, " class=");
        smmu_fmt_str(&f, class_names[cls & 3u]);
        if (type == EVT_F_PERMISSION && cls == EVT_CLASS_TT)
            smmu_fmt_str(&f, DW_GET(EVT, TTRNW, d) ? " ttread" : " ttwrite");
    }
    if ((fields & EF_STALL) && DW_GET(EVT, STALL, d)) {
        smmu_fmt_str(&f, " stall stag=");
        smmu_fmt_hex(&f, DW_GET(EVT, STAG, d));
    }
    if (fields & EF_ACCESS) {
        smmu_fmt_str(&f, " addr=");
        smmu_fmt_hex(&f, DW_GET(EVT, INPUTADDR, d));
    }
    if ((fields & EF_IPA) && DW_GET(EVT, S2, d)) {
        smmu_fmt_str(&f, " ipa=");
        smmu_fmt_hex(&f, DW_GET(EVT, IPA, d) << 12);
    }
    if (fields & EF_FETCH) {
        smmu_fmt_str(&f, " fetch=");
        smmu_fmt_hex(&f, DW_GET(EVT, FETCHADDR, d) << 3);
    }
    return f.pos;
}

int smmu_evtq_drain(smmu_t *smmu, smmu_event_cb_t cb, void *arg, unsigned max)
{
    unsigned log2, limit, count = 0;
    const uint64_t *q;

    if (!smmu || !smmu->initialised)
        return SMMU_EINVAL;
    log2 = smmu->eventq_log2;
    limit = max ? max : 4u << log2;
    q = (const uint64_t *)smmu->evtq.cpu;

    while (count < limit) {
        uint32_t prod = rd32(smmu, SMMU_EVENTQ_PROD);
        uint32_t ovf = prod & SMMU_EVENTQ_PROD_OVFLG_MASK;
        uint32_t cons = smmu->evtq_cons & smmu_q_ptr_mask(log2);
        uint32_t ack = smmu->evtq_cons & SMMU_EVENTQ_CONS_OVACKFLG_MASK;
        bool overflow = ovf != ack;

        if (overflow) {
            /* Records were dropped on a full queue; the ones in it are still good. */
            smmu->stats.evtq_overflows++;
            smmu_log(smmu, SMMU_LOG_WARN, "smmu: event queue overflowed: events were lost");
            ack = ovf;
        }
        prod &= smmu_q_ptr_mask(log2);
        if (smmu_q_empty(prod, cons, log2) && !overflow)
            break;
        /* Records are read only after the PROD value that covers them. */
        smmu->hal->rmb(smmu->hal->ctx);
        while (!smmu_q_empty(prod, cons, log2) && count < limit) {
            const uint64_t *rec = q + (size_t)smmu_q_slot(cons, log2) * EVT_DWORDS;
            smmu_event_t ev;

            for (unsigned i = 0; i < EVT_DWORDS; i++)
                ev.dw[i] = rec[i];
            if (cb)
                cb(arg, &ev);
            count++;
            smmu->stats.events++;
            cons = smmu_q_add(cons, 1, log2);
        }
        /* Hand the slots back (and acknowledge any overflow) in one write, after the
         * records have been read. */
        smmu->hal->wmb(smmu->hal->ctx);
        smmu->evtq_cons = ack | cons;
        wr32(smmu, SMMU_EVENTQ_CONS, smmu->evtq_cons);
    }
    return (int)count;
}
