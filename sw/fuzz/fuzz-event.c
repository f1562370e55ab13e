/*
 * fuzz-event: any event records through smmu_evtq_dispatch, and smmu_event_decode into
 * a buffer of any size. Routing (an independent reading): a record of the guest's
 * master (nested stage-1 domain), not a stage-2 fault and not F_STE_FETCH, reaches the
 * guest with the vSID in place of the StreamID and, for F_CD_FETCH / F_WALK_EABT, no
 * FetchAddr, every other bit as written; every other record of it reaches the parent's
 * handler unchanged; a host master's reach its domain's handler, unknown StreamIDs the
 * SMMU's, unchanged. Never a record to the guest that the oracle keeps from it. The
 * decoder writes at most len bytes, NUL-terminated, and returns the length.
 */
#include "fuzz_common.h"

#define MAXE 16u

static unsigned long runs, records, guest_leaks;
static smmu_event_t got[4][MAXE];
static unsigned ngot[4];

static void summary(void)
{
    printf("fuzz-event: %lu runs, %lu records, %lu guest-leaks\n", runs, records, guest_leaks);
}

static void cb(void *arg, const smmu_event_t *ev)
{
    unsigned who = (unsigned)(uintptr_t)arg;

    if (ngot[who] < MAXE)
        got[who][ngot[who]] = *ev;
    ngot[who]++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static smmu_domain_t nested;
    static const uint32_t sids[4] = {FZ_PSID1, FZ_HOST_SID, 0x77, 0};
    smmu_event_t ev[MAXE], want[MAXE];
    unsigned dest[MAXE], n = 0, k[4] = {0, 0, 0, 0};
    char buf[300];

    if (!fz) {
        const uint64_t g[2] = {STE_V_MASK | (uint64_t)STE_CFG_S1 << STE_CONFIG_SHIFT | 0x1000, 0};
        fz_up();
        if (smmu_nested_domain_init(&nested, &fz->v, g) || smmu_attach(&fz->m1, &nested))
            fz_fail("set-up");
        fz->v.event_cb = cb;
        fz->v.event_arg = (void *)0;
        smmu_domain_set_fault_handler(&fz->parent, cb, (void *)1);
        smmu_domain_set_fault_handler(&fz->host, cb, (void *)2);
        smmu_set_event_handler(&fz->s, cb, (void *)3);
        atexit(summary);
    }
    runs++;
    memset(ngot, 0, sizeof ngot);
    for (; n < MAXE && (size_t)(n + 1) * 33u <= size; n++) {
        const uint8_t *p = data + 33u * n;
        uint32_t sid;
        unsigned type;
        for (unsigned i = 0; i < 4; i++)
            ev[n].dw[i] = fz_u64(p + 8 * i);
        sid = p[32] < 192 ? sids[p[32] % 3] : (uint32_t)(ev[n].dw[0] >> 32);
        ev[n].dw[0] = (ev[n].dw[0] & 0xffffffffull) | (uint64_t)sid << 32;
        type = (unsigned)(ev[n].dw[0] & 0xffu);
        want[n] = ev[n];
        if (sid == FZ_PSID1) {
            bool s2 = (ev[n].dw[EVT_S2_DW] & EVT_S2_MASK) != 0;
            if (!s2 && type != EVT_F_STE_FETCH) {
                dest[n] = 0;
                want[n].dw[0] = (want[n].dw[0] & 0xffffffffull) | (uint64_t)FZ_VSID1 << 32;
                if (type == EVT_F_CD_FETCH || type == EVT_F_WALK_EABT)
                    want[n].dw[EVT_FETCHADDR_DW] &= ~(uint64_t)EVT_FETCHADDR_MASK;
            } else {
                dest[n] = 1;
            }
        } else {
            dest[n] = sid == FZ_HOST_SID ? 2u : 3u;
        }
        if (!mock_inject_event(fz->m, &ev[n]))
            fz_fail("inject");
        /* The decoder, into a buffer of 1..256 bytes with a canary after it. */
        size_t len = 1u + p[31] % 256u;
        memset(buf, 0x5a, sizeof buf);
        size_t r = smmu_event_decode(&ev[n], buf, len);
        if (r >= len || buf[r] != '\0' || strlen(buf) != r || (unsigned char)buf[len] != 0x5a)
            fz_fail("decode: length, NUL or bounds");
    }
    records += n;
    if (smmu_evtq_dispatch(&fz->s, 0) != (int)n)
        fz_fail("dispatch count");
    for (unsigned i = 0; i < n; i++) {
        unsigned d = dest[i];
        if (k[d] >= ngot[d] || memcmp(&got[d][k[d]], &want[i], sizeof want[i])) {
            if (d != 0 && ngot[0] > k[0])
                guest_leaks++;
            fz_fail("a record went elsewhere or changed otherwise than the oracle says");
        }
        k[d]++;
    }
    for (unsigned d = 0; d < 4; d++)
        if (k[d] != ngot[d]) {
            if (d == 0)
                guest_leaks++;
            fz_fail("an unexpected record reached a handler");
        }
    return 0;
}
