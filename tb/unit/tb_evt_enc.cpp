// Unit bench: smmu_evt_enc, the event record from an event description. The reference is
// an encoder written here from IHI 0070 7.3, one layout per event type (the field
// positions from the generated smmu_regs.h); every one of the 256 type values is encoded
// with random descriptions and compared dword by dword, then directed cases pin the rules
// that random fields hit only by chance. Build with -DBENCH_PA_W=40 against -GPA_W=40 for
// the OAS cut of FetchAddr and IPA.
#include "Vsmmu_evt_enc.h"
#include "verilated.h"
#include "unit_check.h"

#include <cstring>

#ifndef BENCH_PA_W
#define BENCH_PA_W 48
#endif

// The description (rtl/smmu_evt.vh): bit positions of its fields.
enum {
    D_TYPE = 0, D_SSV = 8, D_SSID = 9, D_SID = 29, D_PNU = 61, D_IND = 62, D_RNW = 63,
    D_S2 = 64, D_CLASS = 65, D_TTRNW = 67, D_REASON = 68, D_IADDR = 84, D_XADDR = 148,
    D_W = 212
};

struct Desc {
    unsigned type, ssv, ssid, pnu, ind, rnw, s2, cls, ttrnw, reason;
    uint32_t sid;
    uint64_t iaddr, xaddr;
};

struct Rec { uint64_t dw[4]; };

static uint64_t oas_mask() { return BENCH_PA_W >= 64 ? ~0ull : (1ull << BENCH_PA_W) - 1; }

static uint64_t put(uint64_t v, uint64_t mask, unsigned shift) { return (v << shift) & mask; }

// The reference: which fields each type's record has (IHI 0070 7.3.2-7.3.16).
static Rec reference(const Desc &d) {
    Rec r{};
    bool access = false, rnw_only = false, stage = false, reason = false, iaddr = false,
         fetch = false, ipa = false, ttrnw = false, ssv = true;
    switch (d.type) {
    case EVT_F_UUT:            access = reason = iaddr = true; break;         // 7.3.2
    case EVT_C_BAD_STREAMID:                                   break;         // 7.3.3
    case EVT_F_STE_FETCH:      reason = fetch = true;          break;         // 7.3.4
    case EVT_C_BAD_STE:                                        break;         // 7.3.5
    case EVT_F_STREAM_DISABLED: ssv = false;                   break;         // 7.3.7
    case EVT_F_TRANSL_FORBIDDEN: ssv = false; rnw_only = iaddr = true; break; // 7.3.8
    case EVT_C_BAD_SUBSTREAMID: ssv = false;                   break;         // 7.3.9
    case EVT_F_CD_FETCH:       reason = fetch = true;          break;         // 7.3.10
    case EVT_C_BAD_CD:                                         break;         // 7.3.11
    case EVT_F_WALK_EABT:      access = stage = reason = iaddr = fetch = true; break; // 7.3.12
    case EVT_F_PERMISSION:     ttrnw = d.cls == EVT_CLASS_TT;  /* fall through */     // 7.3.16
    case EVT_F_TRANSLATION:                                                   // 7.3.13
    case EVT_F_ADDR_SIZE:                                                     // 7.3.14
    case EVT_F_ACCESS:         access = stage = iaddr = true; ipa = d.s2; break; // 7.3.15
    default:                                                   break;  // not produced: header
    }
    r.dw[0] = put(d.type, EVT_TYPE_MASK, EVT_TYPE_SHIFT) | put(d.sid, EVT_SID_MASK, EVT_SID_SHIFT);
    if (d.type == EVT_C_BAD_SUBSTREAMID)            // SubstreamID always valid, no SSV
        r.dw[0] |= put(d.ssid, EVT_SSID_MASK, EVT_SSID_SHIFT);
    else if (ssv && d.ssv)
        r.dw[0] |= EVT_SSV_MASK | put(d.ssid, EVT_SSID_MASK, EVT_SSID_SHIFT);
    if (access)
        r.dw[1] |= put(d.pnu, EVT_PNU_MASK, EVT_PNU_SHIFT) | put(d.ind, EVT_IND_MASK, EVT_IND_SHIFT);
    if (access || rnw_only)
        r.dw[1] |= put(d.rnw, EVT_RNW_MASK, EVT_RNW_SHIFT);
    if (stage)
        r.dw[1] |= put(d.s2, EVT_S2_MASK, EVT_S2_SHIFT) | put(d.cls, EVT_CLASS_MASK, EVT_CLASS_SHIFT);
    if (ttrnw)
        r.dw[1] |= put(d.ttrnw, EVT_TTRNW_MASK, EVT_TTRNW_SHIFT);
    if (reason)
        r.dw[1] |= put(d.reason, EVT_REASON_MASK, EVT_REASON_SHIFT);
    if (iaddr)
        r.dw[2] = d.iaddr;
    if (fetch)
        r.dw[3] = d.xaddr & EVT_FETCHADDR_MASK & oas_mask();
    else if (ipa)
        r.dw[3] = d.xaddr & EVT_IPA_MASK & oas_mask();
    return r;
}

static Vsmmu_evt_enc *m;

static Rec run(const Desc &d) {
    Image<7> im;
    im.set(D_TYPE, 8, d.type); im.set(D_SSV, 1, d.ssv); im.set(D_SSID, 20, d.ssid);
    im.set(D_SID, 32, d.sid); im.set(D_PNU, 1, d.pnu); im.set(D_IND, 1, d.ind);
    im.set(D_RNW, 1, d.rnw); im.set(D_S2, 1, d.s2); im.set(D_CLASS, 2, d.cls);
    im.set(D_TTRNW, 1, d.ttrnw); im.set(D_REASON, 16, d.reason);
    im.set(D_IADDR, 64, d.iaddr); im.set(D_XADDR, 64, d.xaddr);
    im.to(m->desc);
    m->eval();
    Rec r;
    for (int i = 0; i < 4; i++)
        r.dw[i] = (uint64_t)m->rec[2 * i] | ((uint64_t)m->rec[2 * i + 1] << 32);
    return r;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd() {                      // xorshift64*
    rng_state ^= rng_state >> 12; rng_state ^= rng_state << 25; rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static Desc random_desc(unsigned type) {
    Desc d;
    d.type = type;
    d.ssv = rnd() & 1; d.ssid = rnd() & 0xFFFFF; d.sid = (uint32_t)rnd();
    d.pnu = rnd() & 1; d.ind = rnd() & 1; d.rnw = rnd() & 1; d.s2 = rnd() & 1;
    d.cls = rnd() & 3; d.ttrnw = rnd() & 1; d.reason = rnd() & 0xFFFF;
    d.iaddr = rnd(); d.xaddr = rnd();
    return d;
}

static int compare(const char *what, unsigned type, const Rec &got, const Rec &exp) {
    int bad = 0;
    for (int i = 0; i < 4; i++)
        if (got.dw[i] != exp.dw[i]) {
            if (g_fail < 20)
                std::printf("FAIL %s type 0x%02x dw%d: got 0x%016llx expected 0x%016llx\n", what,
                            type, i, (unsigned long long)got.dw[i], (unsigned long long)exp.dw[i]);
            bad = 1;
        }
    if (bad) g_fail++; else g_pass++;
    return bad;
}

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    m = new Vsmmu_evt_enc;

    // every type value, random fields (the descriptions also set the fields a layout lacks)
    for (unsigned type = 0; type < 256; type++)
        for (int n = 0; n < 200; n++) {
            Desc d = random_desc(type);
            compare("random", type, run(d), reference(d));
        }

    // directed: the rules, with the expected dwords written out
    Desc d{};
    d.sid = 0x1234; d.ssid = 0xABCDE; d.iaddr = 0xFF00'0000'0040'1000ull;
    d.xaddr = 0x00FF'FFFF'FFFF'FFFFull;
    d.pnu = d.ind = d.rnw = 1; d.ttrnw = 1; d.reason = 0x5A5A;

    d.type = EVT_F_TRANSLATION; d.ssv = 1; d.s2 = 0; d.cls = EVT_CLASS_IN;
    Rec r = run(d);   // stage 1: SubstreamID recorded, no IPA
    CHECK("xlat s1 dw0", r.dw[0], 0x0000123400000000ull | (0xABCDEull << 12) | (1u << 11) | 0x10);
    CHECK("xlat s1 dw1", r.dw[1], (1ull << 33) | (1ull << 34) | (1ull << 35) | (2ull << 40));
    CHECK("xlat s1 dw2", r.dw[2], d.iaddr);
    CHECK("xlat s1 dw3", r.dw[3], 0);
    d.s2 = 1; r = run(d);   // stage 2: IPA[55:12] cut to the OAS
    CHECK("xlat s2 dw1", r.dw[1], (1ull << 33) | (1ull << 34) | (1ull << 35) | (1ull << 39) |
                                  (2ull << 40));
    CHECK("xlat s2 dw3", r.dw[3], oas_mask() & ~0xFFFull);
    d.ssv = 0; r = run(d);  // no SubstreamID: SSV and SSID 0
    CHECK("xlat ssv0 dw0", r.dw[0], 0x0000123400000010ull);

    d.type = EVT_F_PERMISSION; d.ssv = 0; d.cls = EVT_CLASS_TT; r = run(d);
    CHECK("perm tt ttrnw", (r.dw[1] >> 44) & 1, 1);
    d.cls = EVT_CLASS_IN; r = run(d);
    CHECK("perm in ttrnw", (r.dw[1] >> 44) & 1, 0);
    d.type = EVT_F_ACCESS; d.cls = EVT_CLASS_TT; r = run(d);
    CHECK("access tt ttrnw", (r.dw[1] >> 44) & 1, 0);

    d.type = EVT_C_BAD_SUBSTREAMID; d.ssv = 0; r = run(d);   // SSID always, never SSV
    CHECK("bad ssid dw0", r.dw[0], 0x0000123400000008ull | (0xABCDEull << 12));
    CHECK("bad ssid dw1", r.dw[1], 0);
    d.ssv = 1; r = run(d);
    CHECK("bad ssid ssv1 dw0", r.dw[0], 0x0000123400000008ull | (0xABCDEull << 12));

    d.type = EVT_F_STE_FETCH; d.ssv = 1; d.s2 = 1; r = run(d);   // FetchAddr[55:3], Reason
    CHECK("ste fetch dw1", r.dw[1], 0x5A5A);
    CHECK("ste fetch dw2", r.dw[2], 0);
    CHECK("ste fetch dw3", r.dw[3], oas_mask() & ~7ull);

    d.type = EVT_F_WALK_EABT; d.cls = EVT_CLASS_TT; r = run(d);  // FetchAddr, not the IPA
    CHECK("walk dw1", r.dw[1], 0x5A5A | (1ull << 33) | (1ull << 34) | (1ull << 35) |
                               (1ull << 39) | (1ull << 40));
    CHECK("walk dw3", r.dw[3], oas_mask() & ~7ull);

    d.type = EVT_F_UUT; d.ind = 1; d.rnw = 1; r = run(d);
    CHECK("uut dw1", r.dw[1], 0x5A5A | (1ull << 33) | (1ull << 34) | (1ull << 35));
    CHECK("uut dw3", r.dw[3], 0);

    d.type = EVT_F_STREAM_DISABLED; d.ssv = 1; r = run(d);
    CHECK("disabled dw0", r.dw[0], 0x0000123400000006ull);
    d.type = EVT_F_TRANSL_FORBIDDEN; r = run(d);
    CHECK("forbidden dw0", r.dw[0], 0x0000123400000007ull);
    CHECK("forbidden dw1", r.dw[1], 1ull << 35);
    CHECK("forbidden dw2", r.dw[2], d.iaddr);

    delete m;
    return unit_report(BENCH_PA_W == 48 ? "evt_enc" : "evt_enc_pa40");
}
