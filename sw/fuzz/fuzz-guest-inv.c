/*
 * fuzz-guest-inv: smmu_viommu_invalidate on any array of guest commands. An independent
 * oracle translates each command (TLBI_NH_* get the vIOMMU's VMID, TLBI_NSNH_ALL becomes
 * TLBI_NH_ALL of it, CFGI_STE/CD/CD_ALL get the bound master's StreamID; the rest,
 * illegal ranges and SSec = 1, refused). Properties: the call refuses exactly where the oracle does,
 * with *done at the first refused command and nothing at all reaching the queue; an
 * accepted array reaches it exactly as translated, then one CMD_SYNC; no command ever
 * reaches the queue untranslated (a VMID other than the guest's, a StreamID not bound
 * to it, an opcode outside the set).
 */
#include "fuzz_common.h"

#define MAXC 40u

static unsigned long runs, accepted, untranslated;

static void summary(void)
{
    printf("fuzz-guest-inv: %lu runs, %lu accepted, %lu passed-untranslated\n", runs, accepted,
           untranslated);
}

static int sid_of(uint32_t vsid, uint32_t *sid)
{
    if (vsid == FZ_VSID1)
        *sid = FZ_PSID1;
    else if (vsid == FZ_VSID2)
        *sid = FZ_PSID2;
    else
        return SMMU_ENOENT;
    return 0;
}

/* The oracle: 0 and *out, or the error. */
static int oracle(const smmu_cmd_t *in, smmu_cmd_t *out, uint16_t vmid)
{
    unsigned op = (unsigned)(in->dw[0] & 0xffu);
    uint64_t vm = (uint64_t)vmid << 32, vmmask = 0xffffull << 32;
    uint32_t sid;

    *out = *in;
    switch (op) {
    case 0x12: /* TLBI_NH_VA */
    case 0x13: { /* TLBI_NH_VAA */
        unsigned tg = (unsigned)(in->dw[1] >> 10) & 3u, ttl = (unsigned)(in->dw[1] >> 8) & 3u;
        unsigned num = (unsigned)(in->dw[0] >> 12) & 31u, scale = (unsigned)(in->dw[0] >> 20) & 31u;
        /* The mock SMMU has RIL. Reserved (IHI 0070 4.4.1.1, DS = 0): no NUM/SCALE with
         * TTL 0, or with TTL 0b01 under a 16 KB granule (read as 0b00). */
        if (tg && !num && !scale && (ttl == 0u || (tg == 2u && ttl == 1u)))
            return SMMU_EINVAL;
    }
        /* fall through */
    case 0x10: /* TLBI_NH_ALL */
    case 0x11: /* TLBI_NH_ASID */
        out->dw[0] = (in->dw[0] & ~vmmask) | vm;
        return 0;
    case 0x30: /* TLBI_NSNH_ALL */
        out->dw[0] = 0x10u | vm;
        out->dw[1] = 0;
        return 0;
    case 0x03: /* CFGI_STE */
    case 0x05: /* CFGI_CD */
    case 0x06: /* CFGI_CD_ALL */
        if (in->dw[0] & (1ull << 10)) /* SSec: ILLEGAL on a Non-secure queue */
            return SMMU_EINVAL;
        if (sid_of((uint32_t)(in->dw[0] >> 32), &sid))
            return SMMU_ENOENT;
        out->dw[0] = (in->dw[0] & 0xffffffffull) | (uint64_t)sid << 32;
        return 0;
    default:
        return SMMU_EINVAL;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    smmu_cmd_t in[MAXC], want[MAXC];
    size_t n = size / 16u, done = 777, i, refuse_at = MAXC + 1;
    int ret, want_ret = 0;
    unsigned c0;
    uint16_t vmid;

    if (!fz) {
        fz_up();
        atexit(summary);
    }
    if (n > MAXC)
        n = MAXC;
    runs++;
    vmid = (uint16_t)smmu_viommu_vmid(&fz->v);
    for (i = 0; i < n; i++) {
        in[i].dw[0] = fz_u64(data + 16 * i);
        in[i].dw[1] = fz_u64(data + 16 * i + 8);
        /* Steer opcodes and vSIDs towards the interesting ones half of the time. */
        if (data[16 * i + 8] & 1u) {
            static const uint8_t ops[] = {0x10, 0x11, 0x12, 0x13, 0x30, 0x03, 0x05, 0x06,
                                          0x04, 0x28, 0x2a, 0x20, 0x46, 0x01};
            in[i].dw[0] = (in[i].dw[0] & ~0xffull) | ops[data[16 * i + 9] % sizeof ops];
        }
        if ((data[16 * i + 8] & 2u) && (in[i].dw[0] & 0xffu) <= 0x06u)
            in[i].dw[0] = (in[i].dw[0] & 0xffffffffull) | (uint64_t)(data[16 * i + 10] % 4u) << 32;
        if (refuse_at > MAXC) {
            int r = oracle(&in[i], &want[i], vmid);
            if (r) {
                refuse_at = i;
                want_ret = r;
            }
        }
    }
    c0 = fz->m->ncmds;
    ret = smmu_viommu_invalidate(&fz->v, in, n, &done);
    if (refuse_at <= MAXC) {
        if (ret != want_ret || done != refuse_at)
            fz_fail("refusal: wrong error or index");
        if (fz->m->ncmds != c0)
            fz_fail("a refused array reached the queue");
        return 0;
    }
    if (ret != 0 || done != n)
        fz_fail("an acceptable array was refused");
    accepted++;
    if (fz->m->ncmds - c0 != n + 1u)
        fz_fail("not one command per guest command plus one CMD_SYNC");
    for (i = 0; i <= n; i++) {
        const smmu_cmd_t *c = mock_cmd(fz->m, c0 + (unsigned)i);
        unsigned op = (unsigned)(c->dw[0] & 0xffu);
        bool tlbi = op >= 0x10u && op <= 0x13u, cfgi = op == 0x03u || op == 0x05u || op == 0x06u;
        uint32_t sid = (uint32_t)(c->dw[0] >> 32);
        if (i == n) {
            if (op != 0x46u)
                fz_fail("no CMD_SYNC at the end");
            break;
        }
        if ((tlbi && (uint16_t)(c->dw[0] >> 32) != vmid) ||
            (cfgi && sid != FZ_PSID1 && sid != FZ_PSID2) || (!tlbi && !cfgi)) {
            untranslated++;
            fprintf(stderr, "command %zu: %016llx %016llx (VMID %u)\n", i,
                    (unsigned long long)c->dw[0], (unsigned long long)c->dw[1], vmid);
            fz_fail("a command reached the queue untranslated");
        }
        if (c->dw[0] != want[i].dw[0] || c->dw[1] != want[i].dw[1])
            fz_fail("a command reached the queue otherwise than the oracle translates it");
    }
    return 0;
}
