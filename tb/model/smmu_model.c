/*
 * Reference model of the project's SMMUv3 subset: one uncached translation.
 * See smmu_model.h for the API and the read-counting rule.
 *
 * Written from IHI 0070 (cited as §x.y), the Arm ARM VMSAv8-64 walk and permission
 * rules (AArch64 translation pseudocode) and the project decisions in docs/subset.md.
 * Every place where the architecture leaves a choice and docs/subset.md records a
 * [project decision], the decision is implemented and cited. Choices it does not
 * record are marked "model choice" and listed in the report; an RTL that differs there
 * is not necessarily wrong, but the two must agree before comparing.
 */
#include "smmu_model.h"

#include <stddef.h>
#include <string.h>

#include "../../sw/include/smmu/smmu_regs.h"

/* Field of a multi-dword structure: F(ste, STE_S2T0SZ). */
#define F(arr, name) (((arr)[name##_DW] & (name##_MASK)) >> (name##_SHIFT))
/* Field of a 32-bit register value: R(gbpa, SMMU_GBPA_ABORT). */
#define R(val, name) (((uint64_t)(val) & (name##_MASK)) >> (name##_SHIFT))

#define BIT(n) (1ULL << (n))
/* Bits [hi:lo] set (hi <= 63). */
static uint64_t bits(unsigned hi, unsigned lo)
{
    uint64_t top = hi >= 63 ? ~0ULL : (BIT(hi + 1) - 1);
    return top & ~(BIT(lo) - 1);
}
/* Does addr have any bit set at or above bit n (n may be 64)? */
static bool above(uint64_t addr, unsigned n)
{
    return n < 64 && (addr >> n) != 0;
}

/* ---- attributes --------------------------------------------------------------------
 * An architectural attribute: Device with a subtype, or Normal with per-level type and
 * hints; shareability beside it. Converted to/from the MAIR byte at the edges. */

enum { CT_NC = 1, CT_WT = 2, CT_WB = 3 };
enum { SH_NSH = 0, SH_OSH = 2, SH_ISH = 3 };
enum { DEV_nGnRnE = 0, DEV_nGnRE = 1, DEV_nGRE = 2, DEV_GRE = 3 };

typedef struct {
    uint8_t type; /* CT_* */
    bool ra, wa, tr;
} lvl_t;

typedef struct {
    bool dev;
    uint8_t devtype; /* DEV_*: smaller is stronger */
    lvl_t in, out;
    uint8_t sh;
} mattr_t;

static bool cacheable(lvl_t l)
{
    return l.type != CT_NC;
}

static bool is_ncnc(const mattr_t *a)
{
    return !a->dev && a->in.type == CT_NC && a->out.type == CT_NC;
}

static mattr_t mk_dev(uint8_t devtype)
{
    mattr_t a;
    memset(&a, 0, sizeof a);
    a.dev = true;
    a.devtype = devtype;
    a.sh = SH_OSH;
    return a;
}

static lvl_t mk_lvl(uint8_t type, bool ra, bool wa, bool tr)
{
    lvl_t l = { type, ra, wa, tr };
    return l;
}

static mattr_t mk_normal(lvl_t out, lvl_t in, uint8_t sh)
{
    mattr_t a;
    memset(&a, 0, sizeof a);
    a.out = out;
    a.in = in;
    a.sh = sh;
    return a;
}

/* §13.1.7: Device and iNC-oNC are OSH; an NC level has no hints; a cacheable level that
 * allocates on neither read nor write is non-transient. SH 0b01 (reserved) acts as NSH
 * (model choice, as the register fields' "reserved, behaves as 0b00"). */
static void consistent(mattr_t *a)
{
    lvl_t *l[2] = { &a->in, &a->out };
    if (a->sh == 1)
        a->sh = SH_NSH;
    if (a->dev) {
        memset(&a->in, 0, sizeof a->in);
        memset(&a->out, 0, sizeof a->out);
        a->sh = SH_OSH;
        return;
    }
    for (int i = 0; i < 2; i++) {
        if (!cacheable(*l[i]))
            l[i]->ra = l[i]->wa = l[i]->tr = false;
        else if (!l[i]->ra && !l[i]->wa)
            l[i]->tr = false;
    }
    if (is_ncnc(a))
        a->sh = SH_OSH;
}

/* One MAIR nibble of a Normal attribute (outer nibble != 0). Inner 0b0000 is the SMMU's
 * reserved "iWT transient RW = 11" (§5.4 MAIR table). */
static lvl_t nib_decode(uint8_t n)
{
    bool ra = (n >> 1) & 1, wa = n & 1;
    if (n == 0x4)
        return mk_lvl(CT_NC, false, false, false);
    if (n == 0x0)
        return mk_lvl(CT_WT, true, true, true);
    switch (n >> 2) {
    case 0: return mk_lvl(CT_WT, ra, wa, true);  /* 0b00RW, RW != 0 */
    case 1: return mk_lvl(CT_WB, ra, wa, true);  /* 0b01RW, RW != 0 */
    case 2: return mk_lvl(CT_WT, ra, wa, false); /* 0b10RW */
    default: return mk_lvl(CT_WB, ra, wa, false); /* 0b11RW */
    }
}

static uint8_t nib_encode(lvl_t l)
{
    uint8_t rw = (uint8_t)((l.ra ? 2 : 0) | (l.wa ? 1 : 0));
    if (l.type == CT_NC)
        return 0x4;
    if (l.type == CT_WT)
        return (uint8_t)((l.tr ? 0x0 : 0x8) | rw);
    return (uint8_t)((l.tr ? 0x4 : 0xC) | rw);
}

/* MAIR byte -> attribute. Outer nibble 0 is Device: 0bTT00 is the architected subtype
 * TT, and the SMMU's reserved 0bTTRW (RW != 0) behaves as Device subtype TT (§5.4 MAIR
 * table), so the subtype is always bits [3:2]. 0xF0 (Tagged, unsupported) falls into the
 * "inner 0b0000" reserved row. */
static mattr_t mair_decode(uint8_t b, uint8_t sh)
{
    mattr_t a;
    if ((b >> 4) == 0)
        a = mk_dev((b >> 2) & 3);
    else
        a = mk_normal(nib_decode(b >> 4), nib_decode(b & 0xF), sh);
    consistent(&a);
    return a;
}

static uint8_t mair_encode(const mattr_t *a)
{
    if (a->dev)
        return (uint8_t)(a->devtype << 2);
    return (uint8_t)(nib_encode(a->out) << 4 | nib_encode(a->in));
}

/* A cacheability field of a stage-2 MemAttr (no FWB) or override MemAttr: 01 NC, 10 WT,
 * 11 WB. 00 as the inner field of a Normal type (0b0100/0b1000/0b1100) is reserved; for a
 * stage-2 descriptor Arm ARM D8.2-D8.4 [project decision, docs/subset.md]: Non-cacheable for that nibble. */
static lvl_t memattr_field(unsigned f)
{
    switch (f) {
    case 2: return mk_lvl(CT_WT, false, false, false);
    case 3: return mk_lvl(CT_WB, false, false, false);
    default: return mk_lvl(CT_NC, false, false, false);
    }
}

/* Stage-2 MemAttr without FWB (ARM S2DecodeMemAttrs; IHI 0070 13 and Arm ARM D8.6). Hints are meaningless
 * at stage 2 (the combine keeps the input's). */
static mattr_t s2_memattr_decode(unsigned m, uint8_t sh)
{
    mattr_t a;
    if ((m >> 2) == 0)
        a = mk_dev(m & 3);
    else
        a = mk_normal(memattr_field(m >> 2), memattr_field(m & 3), sh);
    consistent(&a);
    return a;
}

/* STE.MemAttr / GBPA.MemAttr: the no-FWB stage-2 encoding except that 0b0100, 0b1000,
 * 0b1100 are reserved and behave as Device-nGnRnE (§5.2 STE.MemAttr; IHI 0070 5.2). */
static mattr_t ovr_memattr_decode(unsigned m)
{
    if (m == 0x4 || m == 0x8 || m == 0xC)
        return mk_dev(DEV_nGnRnE);
    return s2_memattr_decode(m, SH_NSH);
}

static uint8_t sh_combine(uint8_t a, uint8_t b)
{
    if (a == SH_OSH || b == SH_OSH)
        return SH_OSH;
    if (a == SH_ISH || b == SH_ISH)
        return SH_ISH;
    return SH_NSH;
}

/* Stage 2 without FWB (ARM S2CombineS1MemAttrs / S2CombineS1AttrHints; IHI 0070 13 and Arm ARM D8.6):
 * Device wins with the stronger subtype; per level NC beats WT beats WB; a cacheable
 * result keeps the input's (stage 1's) RA/WA/TR. */
static mattr_t s2_combine_nofwb(const mattr_t *in, unsigned memattr, uint8_t s2sh)
{
    mattr_t s2 = s2_memattr_decode(memattr, s2sh);
    mattr_t r;
    if (in->dev || s2.dev) {
        uint8_t t = in->dev && s2.dev ? (in->devtype < s2.devtype ? in->devtype : s2.devtype)
                    : in->dev ? in->devtype : s2.devtype;
        r = mk_dev(t);
    } else {
        const lvl_t *a[2] = { &in->in, &in->out }, *b[2] = { &s2.in, &s2.out };
        lvl_t o[2];
        for (int i = 0; i < 2; i++) {
            uint8_t ty;
            if (a[i]->type == CT_NC || b[i]->type == CT_NC)
                ty = CT_NC;
            else if (a[i]->type == CT_WT || b[i]->type == CT_WT)
                ty = CT_WT;
            else
                ty = CT_WB;
            o[i] = mk_lvl(ty, a[i]->ra, a[i]->wa, a[i]->tr);
        }
        r = mk_normal(o[1], o[0], 0);
    }
    r.sh = sh_combine(in->sh, s2.sh);
    consistent(&r);
    return r;
}

/* Stage 2 with FWB (ARM AArch64.S2ApplyFWBMemAttrs; IHI 0070 13 and Arm ARM D8.6 table). */
static mattr_t s2_combine_fwb(const mattr_t *in, unsigned memattr, uint8_t s2sh)
{
    mattr_t r;
    uint8_t sh2 = s2sh;
    if (memattr >= 8 || memattr == 4) {
        /* 4: reserved; 8..15: MemAttr[3] RES0. IHI 0070 13 and Arm ARM D8.6 [project decision, docs/subset.md]: both are
         * Device-nGnRnE (the strongest type, so a stage-1 Device cannot weaken it). */
        r = mk_dev(DEV_nGnRnE);
    } else if (memattr < 4) {
        uint8_t t = memattr & 3;
        if (in->dev && in->devtype < t)
            t = in->devtype;
        r = mk_dev(t);
    } else if (memattr == 5) {
        /* Non-cacheable unless stage 1 is Device. */
        if (in->dev)
            r = *in;
        else
            r = mk_normal(mk_lvl(CT_NC, 0, 0, 0), mk_lvl(CT_NC, 0, 0, 0), 0);
    } else if (memattr == 6) {
        /* Force write-back: a cacheable input level keeps its hints and transient bit,
         * anything else becomes RWA non-transient (stage-1 Device -> 0xFF). */
        lvl_t o[2];
        const lvl_t *a[2] = { &in->in, &in->out };
        for (int i = 0; i < 2; i++) {
            if (!in->dev && cacheable(*a[i]))
                o[i] = mk_lvl(CT_WB, a[i]->ra, a[i]->wa, a[i]->tr);
            else
                o[i] = mk_lvl(CT_WB, true, true, false);
        }
        r = mk_normal(o[1], o[0], 0);
    } else {
        r = *in; /* 7: stage 1 unchanged */
    }
    /* The input's shareability for a Device / iNC-oNC stage 1: IHI 0070 13 and Arm ARM D8.6 [project
     * decision] OSH (the input already carries OSH for those, see consistent()). */
    r.sh = sh_combine(in->sh, sh2 == 1 ? SH_NSH : sh2);
    consistent(&r);
    return r;
}

static mattr_t s2_apply(const mattr_t *in, unsigned memattr, uint8_t s2sh, bool fwb)
{
    return fwb ? s2_combine_fwb(in, memattr, s2sh) : s2_combine_nofwb(in, memattr, s2sh);
}

/* Does a stage-2 leaf by itself describe Device memory (for STE.S2PTW)? Without FWB
 * MemAttr[3:2] = 00; with FWB MemAttr[2] = 0, plus the values IHI 0070 13 and Arm ARM D8.6 decides act as
 * Device-nGnRnE (4, 8..15). */
static bool s2_leaf_is_device(unsigned memattr, bool fwb)
{
    if (fwb)
        return memattr >= 8 || memattr == 4 || memattr < 4;
    return (memattr >> 2) == 0;
}

/* §16.7.5.1 AMBA input. Device: AxCACHE[1] = 0 (bufferable bit -> nGnRE). Normal NC
 * (AxCACHE[3:2] = 0): iNC-oNC-OSH whatever the domain (model choice of the two IMP DEF
 * options). Cacheable: WB if AxCACHE[0] else WT (model choice: iWT-oWT, the other IMP
 * DEF option being iNC-oNC), RA = AxCACHE[2], WA = AxCACHE[3], non-transient, SH from
 * the domain input. Device/NC inputs are OSH whatever the domain (System in AMBA). */
static mattr_t amba_in(uint8_t c, uint8_t domain)
{
    mattr_t a;
    if (!(c & 2))
        a = mk_dev((c & 1) ? DEV_nGnRE : DEV_nGnRnE);
    else if (!(c & 0xC))
        a = mk_normal(mk_lvl(CT_NC, 0, 0, 0), mk_lvl(CT_NC, 0, 0, 0), SH_OSH);
    else {
        lvl_t l = mk_lvl((c & 1) ? CT_WB : CT_WT, (c >> 2) & 1, (c >> 3) & 1, false);
        a = mk_normal(l, l, (uint8_t)(domain & 3));
    }
    consistent(&a);
    return a;
}

/* §16.7.5.2 + IHI 0070 13 and Arm ARM D8.6 [project decision, docs/subset.md]: iWB-oWB goes out as WB with the (outer)
 * RA/WA and its domain; every other Normal type as Normal Non-cacheable bufferable,
 * System; Device non-bufferable (nGnRnE) or bufferable, System. WB with no allocate
 * hint at all uses the AXI4 "no-allocate" encodings (ARCACHE 1011, AWCACHE 0111), since
 * 0011 would mean Non-cacheable. */
static void amba_out(const mattr_t *a, bool write, uint8_t *axcache, uint8_t *axdomain)
{
    if (a->dev) {
        *axcache = a->devtype == DEV_nGnRnE ? 0x0 : 0x1;
        *axdomain = 3;
    } else if (a->in.type == CT_WB && a->out.type == CT_WB) {
        bool ra = a->out.ra, wa = a->out.wa;
        if (!ra && !wa)
            *axcache = write ? 0x7 : 0xB;
        else
            *axcache = (uint8_t)(0x3 | (ra ? 4 : 0) | (wa ? 8 : 0));
        *axdomain = a->sh == SH_ISH ? 1 : a->sh == SH_OSH ? 2 : 0;
    } else {
        *axcache = 0x3;
        *axdomain = 3;
    }
}

/* STE / GBPA type overrides (§13.1.4 replace): MTCFG/MemAttr, ALLOCCFG, SHCFG. A level
 * made cacheable by MTCFG from a non-cacheable input takes the default RA, WA, nTR
 * (§13.1.4, §13.1.3). ALLOCCFG applies to cacheable levels whether or not MTCFG is set
 * (model choice for the STE's CONSTRAINED UNPREDICTABLE "MTCFG = 0" case). */
static mattr_t apply_type_ovr(const mattr_t *inp, unsigned mtcfg, unsigned memattr,
                              unsigned alloccfg, unsigned shcfg)
{
    mattr_t a = *inp;
    if (mtcfg) {
        mattr_t n = ovr_memattr_decode(memattr);
        if (!n.dev) {
            lvl_t *nl[2] = { &n.in, &n.out };
            const lvl_t *ol[2] = { &inp->in, &inp->out };
            for (int i = 0; i < 2; i++) {
                if (!cacheable(*nl[i]))
                    continue;
                if (!inp->dev && cacheable(*ol[i])) {
                    nl[i]->ra = ol[i]->ra;
                    nl[i]->wa = ol[i]->wa;
                    nl[i]->tr = ol[i]->tr;
                } else {
                    nl[i]->ra = nl[i]->wa = true;
                    nl[i]->tr = false;
                }
            }
        }
        n.sh = inp->sh;
        a = n;
    }
    if (alloccfg & 8) {
        lvl_t *l[2] = { &a.in, &a.out };
        for (int i = 0; i < 2; i++) {
            if (a.dev || !cacheable(*l[i]))
                continue;
            l[i]->ra = (alloccfg >> 2) & 1;
            l[i]->wa = (alloccfg >> 1) & 1;
            l[i]->tr = alloccfg & 1;
        }
    }
    switch (shcfg) {
    case 0: a.sh = SH_NSH; break;
    case 2: a.sh = SH_OSH; break;
    case 3: a.sh = SH_ISH; break;
    default: break; /* 1: use incoming */
    }
    consistent(&a);
    return a;
}

/* ---- exported attribute helpers -------------------------------------------------- */

uint8_t smmu_model_mair_canon(uint8_t mair)
{
    mattr_t a = mair_decode(mair, SH_NSH);
    return mair_encode(&a);
}

uint8_t smmu_model_s2_combine(uint8_t in_attr, uint8_t in_sh, uint8_t memattr, uint8_t s2sh,
                              bool fwb, uint8_t *out_sh)
{
    mattr_t in = mair_decode(in_attr, in_sh);
    mattr_t r = s2_apply(&in, memattr & 0xF, s2sh & 3, fwb);
    if (out_sh)
        *out_sh = r.sh;
    return mair_encode(&r);
}

uint8_t smmu_model_attr_from_amba(uint8_t axcache, uint8_t domain, uint8_t *sh)
{
    mattr_t a = amba_in(axcache, domain);
    if (sh)
        *sh = a.sh;
    return mair_encode(&a);
}

void smmu_model_attr_to_amba(uint8_t attr, uint8_t sh, bool write, uint8_t *axcache,
                             uint8_t *axdomain)
{
    mattr_t a = mair_decode(attr, sh);
    amba_out(&a, write, axcache, axdomain);
}

/* ---- parameters -------------------------------------------------------------------- */

void smmu_model_default_params(smmu_model_params_t *p)
{
    memset(p, 0, sizeof *p);
    p->oas_bits = 48;
    p->sid_bits = 16;
    p->st_level_2 = true;
    p->fwb = true;
    p->attr_types_ovr = true;
    p->attr_perms_ovr = true;
    p->hyp = true;
    p->gran16k = true;
    p->gran64k = true;
    p->had = true;
    p->xnx = true;
    p->vmid16 = true;
    p->asid16 = true;
    p->bbml = 2;
}

void smmu_model_init(smmu_model_t *m, const smmu_model_params_t *p)
{
    memset(m, 0, sizeof *m);
    if (p)
        m->params = *p;
    else
        smmu_model_default_params(&m->params);
    m->gbpa = SMMU_GBPA_ABORT_MASK;
}

/* ---- translation ------------------------------------------------------------------- */

enum { SW_EL1 = 0, SW_EL2 = 1, SW_EL2_E2H = 2 };

typedef struct {
    unsigned t0sz, start, ps;
    unsigned gb;       /* granule: log2 of its size, 12 (4 KB), 14 (16 KB), 16 (64 KB) */
    uint64_t ttb;
    bool affd, ptw, fwb, record;
    uint8_t wcache, wdomain; /* its descriptor reads: S2IR0/S2OR0/S2SH0 (§13.8) */
} s2cfg_t;

/* Where and how a fetch reads (the r.rd[] entry besides its PA). */
typedef struct {
    uint8_t kind, level, cls, cache, domain;
} rdinfo_t;

typedef struct {
    const smmu_model_t *m;
    const smmu_model_txn_t *t;
    smmu_model_result_t *r;
    unsigned oas;      /* = IAS */
    bool rd, priv, instr; /* post-override access properties (§13.1.2: writes are Data) */
    bool s2_on;
    s2cfg_t s2;
    bool cd_record;    /* CD.R */
    int sw;            /* StreamWorld */
} ctx_t;

static uint64_t oas_mask(const ctx_t *c)
{
    return c->oas >= 64 ? ~0ULL : BIT(c->oas) - 1;
}

/* STE and CD fetches read dwords 0..3: the fields of this subset (STE: Config, S1*, S2*,
 * overrides; CD: TxSZ .. ASID, TTB0, TTB1, MAIR). Project decision, docs/subset.md. */
#define STRUCT_READ_DWORDS 4u

/* ---- attributes of the SMMU's own reads (IHI 0070 §13.8) ---------------------------- */

/* A walk-attribute cacheability field. CD.IRx/ORx and STE.S2IR0/S2OR0 (§5.4, §5.2): 00 NC,
 * 01 WB RA WA, 10 WT RA, 11 WB RA no-WA. STE.S1CIR/S1COR (cd_fetch, §5.2): 00 NC, 01 WB
 * RA, 10 WT RA, 11 WB no-RA; a CD is read-only and the write-allocate hint of its read is
 * IMPLEMENTATION DEFINED: 1 (model choice; it shows in ARCACHE only for 01 with RA,
 * 1111 rather than 0111, both "write-back read-allocate" reads in AXI4). A WT level's
 * write-allocate hint has no AMBA effect here (WT goes out as Non-cacheable): 0. */
static lvl_t walk_lvl(unsigned f, bool cd_fetch)
{
    switch (f & 3) {
    case 1: return mk_lvl(CT_WB, true, true, false);
    case 2: return mk_lvl(CT_WT, true, false, false);
    case 3: return cd_fetch ? mk_lvl(CT_WB, false, true, false)
                            : mk_lvl(CT_WB, true, false, false);
    default: return mk_lvl(CT_NC, false, false, false);
    }
}

/* The Normal attribute of a walk or CD read from its IR/OR/SH fields; Non-cacheable at
 * both levels is Outer Shareable whatever SH says (§5.2 S1CSH, §5.4 SH0). */
static mattr_t walk_attr(unsigned ir, unsigned orr, unsigned sh, bool cd_fetch)
{
    mattr_t a = mk_normal(walk_lvl(orr, cd_fetch), walk_lvl(ir, cd_fetch), (uint8_t)(sh & 3));
    consistent(&a);
    return a;
}

/* A CR1 cacheability field: 00 NC, 01 WB, 10 WT, 11 reserved, treated as 00 (§6.3.11). */
static lvl_t cr1_lvl(unsigned f, bool ra, bool wa)
{
    switch (f & 3) {
    case 1: return mk_lvl(CT_WB, ra, wa, false);
    case 2: return mk_lvl(CT_WT, ra, wa, false);
    default: return mk_lvl(CT_NC, false, false, false);
    }
}

void smmu_model_cr1_attr(uint32_t cr1, bool queue, bool hint, bool write, uint8_t *axcache,
                         uint8_t *axdomain)
{
    unsigned ic = queue ? (unsigned)R(cr1, SMMU_CR1_QUEUE_IC) : (unsigned)R(cr1, SMMU_CR1_TABLE_IC);
    unsigned oc = queue ? (unsigned)R(cr1, SMMU_CR1_QUEUE_OC) : (unsigned)R(cr1, SMMU_CR1_TABLE_OC);
    unsigned sh = queue ? (unsigned)R(cr1, SMMU_CR1_QUEUE_SH) : (unsigned)R(cr1, SMMU_CR1_TABLE_SH);
    /* the hint the architecture gives (RA of a read, WA of a write); the other is 1 */
    bool ra = write ? true : hint, wa = write ? hint : true;
    mattr_t a = mk_normal(cr1_lvl(oc, ra, wa), cr1_lvl(ic, ra, wa), (uint8_t)sh);
    consistent(&a); /* SH IGNORED (Outer Shareable) when both are Non-cacheable */
    uint8_t c = 0, d = 0;
    amba_out(&a, write, &c, &d);
    if (axcache)
        *axcache = c;
    if (axdomain)
        *axdomain = d;
}

void smmu_model_msi_attr(unsigned memattr, unsigned sh, uint8_t *axcache, uint8_t *axdomain)
{
    mattr_t a = ovr_memattr_decode(memattr & 0xFu);
    if (!a.dev) {
        lvl_t *l[2] = { &a.in, &a.out };
        for (int i = 0; i < 2; i++)
            if (cacheable(*l[i]))
                l[i]->ra = l[i]->wa = true;
        a.sh = (uint8_t)(sh & 3u);
        consistent(&a);
    }
    uint8_t c = 0, d = 0;
    amba_out(&a, true, &c, &d);
    if (axcache)
        *axcache = c;
    if (axdomain)
        *axdomain = d;
}

/* A stream table read (L1STD or STE). */
static rdinfo_t strtab_rd(const ctx_t *c, uint8_t kind)
{
    rdinfo_t ri = { kind, 0, 0, 0, 0 };
    smmu_model_cr1_attr(c->m->cr1, false, (c->m->strtab_base >> SMMU_STRTAB_BASE_RA_SHIFT) & 1,
                        false, &ri.cache, &ri.domain);
    return ri;
}

/* AxCACHE/AxDOMAIN of a CD or stage-1 descriptor read with walk attribute *w: combined with
 * the stage-2 leaf *s2leaf of its IPA when nested (the client rules of §13.4.3, S2FWB
 * included), then the AMBA mapping of a read. */
static void table_read_attr(const ctx_t *c, const mattr_t *w, const uint64_t *s2leaf,
                            rdinfo_t *ri)
{
    mattr_t a = *w;
    if (s2leaf)
        a = s2_apply(w, (unsigned)(*s2leaf >> 2) & 0xF, (uint8_t)((*s2leaf >> 8) & 3),
                     c->s2.fwb);
    amba_out(&a, false, &ri->cache, &ri->domain);
}

/* One fetch = one count and one r.rd[] entry; a structure is nwords 64-bit reads at
 * consecutive addresses. */
static int fetch(ctx_t *c, uint64_t pa, uint64_t *buf, unsigned nwords, rdinfo_t ri)
{
    int err = 0;
    smmu_model_result_t *r = c->r;
    if (r->nrd < SMMU_MODEL_MAX_RD) {
        smmu_model_rd_t *e = &r->rd[r->nrd++];
        e->pa = pa;
        e->kind = ri.kind;
        e->level = ri.level;
        e->cls = ri.cls;
        e->axcache = ri.cache;
        e->axdomain = ri.domain;
    }
    r->reads++;
    for (unsigned i = 0; i < nwords; i++) {
        uint64_t v = 0;
        if (c->m->read64(c->m->ctx, pa + 8ULL * i, &v) != 0)
            err = -1;
        buf[i] = v;
    }
    return err;
}

/* dword 0 with SSV/SSID/StreamID. */
static void evt_dw0(ctx_t *c, uint8_t type)
{
    smmu_model_result_t *r = c->r;
    const smmu_model_txn_t *t = c->t;
    r->evt[0] = (uint64_t)type | ((uint64_t)t->sid << EVT_SID_SHIFT);
    r->evt_mask[0] = ~0ULL;
    if (t->ssv)
        r->evt[0] |= EVT_SSV_MASK | (((uint64_t)t->ssid << EVT_SSID_SHIFT) & EVT_SSID_MASK);
    else
        r->evt_mask[0] &= ~EVT_SSID_MASK; /* SSID UNKNOWN without SSV (§7.3) */
}

static void fault_begin(ctx_t *c, uint8_t type, bool record)
{
    smmu_model_result_t *r = c->r;
    r->outcome = SMMU_MODEL_FAULT;
    r->fault = type;
    r->evt_valid = record;
    memset(r->evt, 0, sizeof r->evt);
    for (int i = 0; i < 4; i++)
        r->evt_mask[i] = ~0ULL;
}

/* C_BAD_STREAMID, C_BAD_STE, C_BAD_CD: SSV/SSID and StreamID only (IHI 0070 7.3). */
static void fault_config(ctx_t *c, uint8_t type, bool record)
{
    fault_begin(c, type, record);
    evt_dw0(c, type);
}

/* F_STE_FETCH, F_CD_FETCH: FetchAddr[55:3]; dw1[15:0] is the IMP DEF Reason. */
static void fault_fetch(ctx_t *c, uint8_t type, uint64_t pa)
{
    fault_begin(c, type, true);
    evt_dw0(c, type);
    c->r->evt_mask[1] &= ~0xFFFFULL;
    c->r->evt[3] = pa & EVT_FETCHADDR_MASK & oas_mask(c);
}

/* C_BAD_SUBSTREAMID: SubstreamID always valid, no SSV bit (§7.3.9). */
static void fault_substream(ctx_t *c)
{
    fault_begin(c, EVT_C_BAD_SUBSTREAMID, true);
    c->r->evt[0] = (uint64_t)EVT_C_BAD_SUBSTREAMID |
                   (((uint64_t)c->t->ssid << EVT_SSID_SHIFT) & EVT_SSID_MASK) |
                   ((uint64_t)c->t->sid << EVT_SID_SHIFT);
}

/* Translation-related faults and F_WALK_EABT. dw3: the IPA (stage 2), FetchAddr
 * (F_WALK_EABT) or nothing (stage 1: IPA UNKNOWN). */
static void fault_xlat(ctx_t *c, uint8_t type, bool s2, unsigned cls, uint64_t dw3val,
                       bool record)
{
    smmu_model_result_t *r = c->r;
    fault_begin(c, type, record);
    evt_dw0(c, type);
    r->evt[1] = (c->priv ? EVT_PNU_MASK : 0) | (c->instr ? EVT_IND_MASK : 0) |
                (c->rd ? EVT_RNW_MASK : 0) | (s2 ? EVT_S2_MASK : 0) |
                (((uint64_t)cls << EVT_CLASS_SHIFT) & EVT_CLASS_MASK);
    r->evt_mask[1] &= ~0xFFFFULL; /* STAG (Stall = 0) / Reason */
    if (type == EVT_F_PERMISSION && cls == EVT_CLASS_TT)
        r->evt[1] |= EVT_TTRNW_MASK; /* a table walk only reads (no HTTU) */
    else if (type != EVT_F_WALK_EABT)
        r->evt_mask[1] &= ~EVT_TTRNW_MASK; /* UNKNOWN unless CLASS = TT (§7.3.16) */
    r->evt[2] = c->t->addr;
    if (type == EVT_F_WALK_EABT)
        r->evt[3] = dw3val & EVT_FETCHADDR_MASK & oas_mask(c);
    else if (s2)
        r->evt[3] = dw3val & EVT_IPA_MASK & oas_mask(c);
    else
        r->evt_mask[3] &= ~EVT_IPA_MASK; /* stage 1: IPA UNKNOWN (§7.3.13) */
}

/* Record control (§5.5, IHI 0070 5.2): CD.R / STE.S2R = 0 suppress only the four
 * translation-related faults of their stage. */
static void s1_fault(ctx_t *c, uint8_t type)
{
    fault_xlat(c, type, false, EVT_CLASS_IN, 0, c->cd_record);
}

static void s2_fault(ctx_t *c, uint8_t type, unsigned cls, uint64_t ipa)
{
    fault_xlat(c, type, true, cls, ipa, c->s2.record);
}

/* Decoded PS / IPS fields (§5.2 S2PS, §5.4 IPS), capped to the OAS. 0b110 = 52 bits and
 * 0b111 behaves as 0b110 in v3.1..v3.3; either way the OAS (<= 48) caps it. */
static unsigned ps_bits(unsigned ps, unsigned oas)
{
    static const unsigned tab[8] = { 32, 36, 40, 42, 44, 48, 52, 52 };
    unsigned b = tab[ps & 7];
    return b < oas ? b : oas;
}

/* ---- granules (Arm ARM D8.2, VMSAv8-64; DS = 0, no FEAT_LPA) -------------------------
 * A granule is carried as gb = log2 of its size: 12 (4 KB), 14 (16 KB), 16 (64 KB). A
 * table holds 2^(gb - 3) descriptors, so each level resolves `stride` = gb - 3 bits:
 * 9, 11 or 13. Level L maps 2^(gb + stride * (3 - L)) bytes per entry. */

static unsigned stride_of(unsigned gb)
{
    return gb - 3;
}

/* log2 of the region one entry at `level` maps: the page (level 3) or block size. */
static unsigned level_shift(unsigned gb, unsigned level)
{
    return gb + stride_of(gb) * (3 - level);
}

/* TG0 and S2TG encoding (IHI 0070 5.4 CD.TG0, 5.2 STE.S2TG): 00 4 KB, 01 64 KB, 10 16 KB,
 * 11 Reserved. 0 for Reserved or a granule the SMMU lacks (SMMU_IDR5.GRAN16K/GRAN64K):
 * ILLEGAL where it is used. */
static unsigned tg0_bits(const smmu_model_params_t *p, unsigned tg)
{
    switch (tg & 3) {
    case 0: return 12;
    case 1: return p->gran64k ? 16 : 0;
    case 2: return p->gran16k ? 14 : 0;
    default: return 0;
    }
}

/* TG1 has its own encoding (5.4 CD.TG1): 00 Reserved, 01 16 KB, 10 4 KB, 11 64 KB. */
static unsigned tg1_bits(const smmu_model_params_t *p, unsigned tg)
{
    switch (tg & 3) {
    case 1: return p->gran16k ? 14 : 0;
    case 2: return 12;
    case 3: return p->gran64k ? 16 : 0;
    default: return 0;
    }
}

/* Stage-1 start level for an input of `ia` bits (Arm ARM AArch64.S1StartLevel): as many
 * levels as it takes to resolve ia - gb bits, stride bits each. */
static unsigned s1_start_level(unsigned ia, unsigned gb)
{
    unsigned st = stride_of(gb);
    return 4 - (ia - gb + st - 1) / st;
}

/* Bits resolved by the start-level table: ia - gb - stride * (3 - start) (more than
 * stride when stage-2 start tables are concatenated). */
static unsigned start_bits(unsigned ia, unsigned start, unsigned gb)
{
    return ia - level_shift(gb, start);
}

/* Descriptor bits[1:0] = 0b01 is a block only where the granule has one (Arm ARM D8.3,
 * AArch64.BlockDescSupported with DS = 0 and no 52-bit PA): 4 KB at levels 1 (1 GB) and 2
 * (2 MB), 16 KB at level 2 (32 MB), 64 KB at level 2 (512 MB). Elsewhere it is a
 * translation fault. */
static bool block_ok(unsigned gb, unsigned level)
{
    return level == 2 || (level == 1 && gb == 12);
}

/* ---- stage 2 -------------------------------------------------------------------------
 * Translates ipa for `cls` (CD, TT or IN). ttw: the access is an SMMU table/CD read
 * (Data read, S2PTW applies) rather than the client access. Returns 0 with *pa and the
 * leaf, or -1 with the fault recorded in c->r. */
static int s2_translate(ctx_t *c, uint64_t ipa, unsigned cls, bool ttw, uint64_t *pa,
                        uint64_t *leaf)
{
    const s2cfg_t *s = &c->s2;
    unsigned ia = 64 - s->t0sz;
    unsigned sb = start_bits(ia, s->start, s->gb);
    /* Start table(s), concatenated ones included, aligned to their total size. */
    uint64_t base = s->ttb & bits(47, 4) & ~(BIT(sb + 3) - 1);
    uint64_t d = 0;
    unsigned level, shift = 0;

    if (above(ipa, ia)) {
        s2_fault(c, EVT_F_TRANSLATION, cls, ipa);
        return -1;
    }
    for (level = s->start;; level++) {
        unsigned idxbits = level == s->start ? sb : stride_of(s->gb);
        uint64_t daddr;
        shift = level_shift(s->gb, level);
        daddr = base + (((ipa >> shift) & (BIT(idxbits) - 1)) << 3);
        rdinfo_t ri = { SMMU_MODEL_RD_S2, (uint8_t)level, (uint8_t)cls, s->wcache, s->wdomain };
        if (fetch(c, daddr, &d, 1, ri) != 0) {
            fault_xlat(c, EVT_F_WALK_EABT, true, cls, daddr, true);
            return -1;
        }
        if (!(d & 1) || ((d & 3) == 1 && !block_ok(s->gb, level))) {
            s2_fault(c, EVT_F_TRANSLATION, cls, ipa);
            return -1;
        }
        if ((d & 3) == 3 && level < 3) {
            /* the next table is granule-aligned: bits below the granule are ignored
             * (AArch64.NextTableBase; RES0 without 52-bit addresses) */
            uint64_t next = d & bits(47, s->gb);
            if (above(next, s->ps)) {
                s2_fault(c, EVT_F_ADDR_SIZE, cls, ipa);
                return -1;
            }
            base = next;
            continue;
        }
        break; /* block or page */
    }
    *pa = (d & bits(47, shift)) | (ipa & (BIT(shift) - 1));
    if (above(*pa, s->ps)) {
        s2_fault(c, EVT_F_ADDR_SIZE, cls, ipa);
        return -1;
    }
    if (!((d >> 10) & 1) && !s->affd) {
        s2_fault(c, EVT_F_ACCESS, cls, ipa);
        return -1;
    }
    {
        bool r = (d >> 6) & 1, w = (d >> 7) & 1;
        bool xn1 = (d >> 54) & 1, xn0 = (d >> 53) & 1;
        bool ok;
        if (ttw) {
            /* S2PTW: a CD fetch or stage-1 walk to stage-2 Device memory is a stage-2
             * permission fault (§5.2 S2PTW), checked before the read permission. */
            ok = !(s->ptw && s2_leaf_is_device((unsigned)(d >> 2) & 0xF, s->fwb)) && r;
        } else if (c->instr) {
            /* An instruction fetch needs only execute permission (Arm ARM D8.2-D8.4). XN[1:0]
             * with XNX: 00 all, 01 not privileged, 10 none, 11 not unprivileged. */
            bool px = xn1 == xn0, ux = !xn1;
            ok = c->m->params.xnx ? (c->priv ? px : ux) : !xn1; /* no XNX: XN[0] ignored */
        } else {
            ok = c->rd ? r : w;
        }
        if (!ok) {
            s2_fault(c, EVT_F_PERMISSION, cls, ipa);
            return -1;
        }
    }
    *leaf = d;
    return 0;
}

/* ---- stage 1 ---------------------------------------------------------------------- */

typedef struct {
    uint64_t ipa;
    uint64_t leaf;
} s1out_t;

static int s1_translate(ctx_t *c, const uint64_t *cd, s1out_t *o)
{
    const smmu_model_params_t *p = &c->m->params;
    uint64_t va = c->t->addr;
    bool el2 = c->sw == SW_EL2;
    unsigned half = el2 ? 0 : (unsigned)((va >> 55) & 1);
    unsigned tsz = (unsigned)(half ? F(cd, CD_T1SZ) : F(cd, CD_T0SZ));
    bool tbi = half ? F(cd, CD_TBI1) : F(cd, CD_TBI0);
    bool epd = el2 ? false : (half ? F(cd, CD_EPD1) : F(cd, CD_EPD0));
    bool had = p->had && (half ? F(cd, CD_HAD1) : F(cd, CD_HAD0));
    uint64_t ttb = (half ? F(cd, CD_TTB1) : F(cd, CD_TTB0)) << CD_TTB0_SHIFT;
    unsigned ips = ps_bits((unsigned)F(cd, CD_IPS), c->oas);
    /* the half's granule (C_BAD_CD has refused a Reserved or unsupported one) */
    unsigned gb = half ? tg1_bits(p, (unsigned)F(cd, CD_TG1)) : tg0_bits(p, (unsigned)F(cd, CD_TG0));
    unsigned ia, start, sb, level, shift = 0;
    uint64_t base, d = 0, mask, expect;
    unsigned aptable = 0;
    bool pxnt = false, uxnt = false;
    /* Its descriptor reads: CD.IRx/ORx/SHx of the half (§5.4, §13.8). */
    mattr_t wattr = walk_attr((unsigned)(half ? F(cd, CD_IR1) : F(cd, CD_IR0)),
                              (unsigned)(half ? F(cd, CD_OR1) : F(cd, CD_OR0)),
                              (unsigned)(half ? F(cd, CD_SH1) : F(cd, CD_SH0)), false);

    /* Range check (§3.4.1): VA[AddrTop:ia] must all equal VA[55] (two VA ranges) or be
     * zero (EL2: one range from TTB0, ARM VAIsOutOfRange for single-range regimes);
     * AddrTop = 55 with TBI. A half disabled by EPDx faults the same way (§5.4.1.1). */
    if (epd) {
        s1_fault(c, EVT_F_TRANSLATION);
        return -1;
    }
    ia = 64 - tsz; /* 25..48: C_BAD_CD checked TxSZ of an enabled half */
    mask = bits(tbi ? 55 : 63, ia);
    expect = (half && !el2) ? mask : 0;
    if ((va & mask) != expect) {
        s1_fault(c, EVT_F_TRANSLATION);
        return -1;
    }
    start = s1_start_level(ia, gb);
    sb = start_bits(ia, start, gb);
    base = ttb & bits(47, 4) & ~(BIT(sb + 3) - 1);

    for (level = start;; level++) {
        unsigned idxbits = level == start ? sb : stride_of(gb);
        uint64_t daddr, dpa;
        shift = level_shift(gb, level);
        daddr = base + (((va >> shift) & (BIT(idxbits) - 1)) << 3);
        rdinfo_t ri = { SMMU_MODEL_RD_S1, (uint8_t)level, 0, 0, 0 };
        if (c->s2_on) {
            uint64_t l2;
            /* Nested: the descriptor's IPA goes through stage 2 first (§7.3.22), and the
             * read combines the walk attribute with that stage-2 leaf (§13.8). */
            if (s2_translate(c, daddr, EVT_CLASS_TT, true, &dpa, &l2) != 0)
                return -1;
            table_read_attr(c, &wattr, &l2, &ri);
        } else {
            dpa = daddr;
            table_read_attr(c, &wattr, NULL, &ri);
        }
        if (fetch(c, dpa, &d, 1, ri) != 0) {
            fault_xlat(c, EVT_F_WALK_EABT, false, EVT_CLASS_TT, dpa, true);
            return -1;
        }
        if (!(d & 1) || ((d & 3) == 1 && !block_ok(gb, level))) {
            s1_fault(c, EVT_F_TRANSLATION);
            return -1;
        }
        if ((d & 3) == 3 && level < 3) {
            uint64_t next = d & bits(47, gb);
            if (above(next, ips)) {
                s1_fault(c, EVT_F_ADDR_SIZE);
                return -1;
            }
            if (!had) {
                aptable |= (unsigned)((d >> 61) & 3);
                pxnt |= (d >> 59) & 1;
                uxnt |= (d >> 60) & 1;
            }
            base = next;
            continue;
        }
        break;
    }
    o->ipa = (d & bits(47, shift)) | (va & (BIT(shift) - 1));
    o->leaf = d;
    if (above(o->ipa, ips)) {
        s1_fault(c, EVT_F_ADDR_SIZE);
        return -1;
    }
    if (!((d >> 10) & 1) && !F(cd, CD_AFFD)) {
        s1_fault(c, EVT_F_ACCESS);
        return -1;
    }

    /* Direct permissions (ARM AArch64.S1DirectBasePermissions; §13.4.1). */
    {
        unsigned ap = (unsigned)((d >> 6) & 3);
        bool pxn = (d >> 53) & 1, uxn = (d >> 54) & 1;
        bool wxn = F(cd, CD_WXN);
        bool r, w, x;
        if (!el2) {
            /* EL1 and EL2-E2H: two privilege levels, AP[1] = EL0 access. */
            bool pr = true, pw = !(ap & 2), ur = ap & 1, uw = ap == 1;
            bool px, ux;
            if (aptable & 1)
                ur = uw = false;
            if (aptable & 2)
                pw = uw = false;
            px = !(pxn || pxnt || uw); /* EL0-writable is never privileged-executable */
            ux = !(uxn || uxnt);
            /* PAN: a privileged data access to an EL0-accessible page (CD.EPAN RES0). */
            if (F(cd, CD_PAN) && c->priv && !c->instr && ur)
                pr = pw = false;
            r = c->priv ? pr : ur;
            w = c->priv ? pw : uw;
            x = c->priv ? px : ux;
        } else {
            /* EL2: AP[1] acts as 1 (PnU plays no part), bit 54 is XN, UXNTable (bit 60)
             * is XNTable, only APTable[1] matters (§13.4.1, §5.4.1). */
            r = true;
            w = !(ap & 2) && !(aptable & 2);
            x = !(uxn || uxnt);
        }
        x = x && !(wxn && w);
        if (c->instr ? !x : c->rd ? !r : !w) {
            s1_fault(c, EVT_F_PERMISSION);
            return -1;
        }
    }
    return 0;
}

/* ---- configuration checks ------------------------------------------------------------ */

/* SteIllegal() (§5.2.2) for this subset: STALL_MODEL = 0b01, TTF = AArch64 only,
 * TTENDIAN = LE only, HTTU = 0, the granules of the parameters (4 KB always), no
 * STT/DS/D128, no ATS, S1P = S2P = 1, SSIDSIZE = 0 (S1CDMax, S1Fmt, S1DSS ignored). */
static bool ste_illegal(const ctx_t *c, const uint64_t *ste)
{
    const smmu_model_params_t *p = &c->m->params;
    unsigned cfg = (unsigned)F(ste, STE_CONFIG);
    bool s1 = (cfg & 5) == 5, s2 = (cfg & 6) == 6;
    bool strw_used = p->hyp && cfg == 5;
    unsigned strw = (unsigned)F(ste, STE_STRW);

    if (!F(ste, STE_V))
        return true;
    if (!(cfg & 4))
        return false; /* 0b0xx: abort, nothing else is looked at */
    if (strw_used && (strw & 1))
        return true;
    if (s1) {
        uint64_t ctxptr = F(ste, STE_S1CONTEXTPTR) << STE_S1CONTEXTPTR_SHIFT;
        if (F(ste, STE_S1STALLD))
            return true; /* STALL_MODEL != 0b00 */
        /* Stage-1-only: a PA at/above the OAS (v3.1+: C_BAD_STE, §3.4.3). Nested: an
         * IPA beyond the IAS, IHI 0070 5.2 [project decision, docs/subset.md] C_BAD_STE. IAS = OAS. */
        if (above(ctxptr, c->oas))
            return true;
    }
    if (s2) {
        unsigned t0sz = (unsigned)F(ste, STE_S2T0SZ), sl0 = (unsigned)F(ste, STE_S2SL0);
        unsigned ps = ps_bits((unsigned)F(ste, STE_S2PS), c->oas);
        uint64_t ttb = F(ste, STE_S2TTB) << STE_S2TTB_SHIFT;
        /* S2TG: Reserved or a granule IDR5 does not report is ILLEGAL (§5.2 S2TG) */
        unsigned gb = tg0_bits(p, (unsigned)F(ste, STE_S2TG));
        unsigned tmin, ia, start, minia, maxia;
        if (F(ste, STE_S2S) || !F(ste, STE_S2AA64) || F(ste, STE_S2ENDI) ||
            F(ste, STE_S2HA) || F(ste, STE_S2HD) || gb == 0)
            return true;
        if (above(ttb, ps) || above(ttb, 48))
            return true;
        /* S2T0SZ (§5.2, v3.1+: out of range is ILLEGAL): at most 39 without STT; at least
         * MAX(16, 64 - IAS) for 4 KB and 16 KB (S2DS = 0), MAX(12, 64 - IAS) for 64 KB. */
        tmin = 64 - c->oas;
        if (tmin < (gb == 16 ? 12u : 16u))
            tmin = gb == 16 ? 12u : 16u;
        if (t0sz < tmin || t0sz > 39)
            return true;
        /* AArch64.S2InvalidSL: 4 KB: SL0 = 3 (level 3) needs STT, SL0 = 2 (level 0) a PA
         * size of at least 44 bits; 16 KB: SL0 = 3 (level 0) needs DS, SL0 = 2 (level 1)
         * at least 42 bits; 64 KB: SL0 = 3 is reserved, SL0 = 2 (level 1) needs at least 44
         * bits - Arm ARM D8.2-D8.4 [project decision, docs/subset.md] C_BAD_STE. */
        if (sl0 == 3)
            return true;
        if (sl0 == 2 && c->oas < (gb == 14 ? 42u : 44u))
            return true;
        /* AArch64.S2StartLevel: 4 KB 2 - SL0, 16 KB and 64 KB 3 - SL0.
         * AArch64.S2InconsistentSL: the IPA size must need at least two entries at the
         * start level and at most 16 concatenated tables. */
        start = (gb == 12 ? 2 : 3) - sl0;
        ia = 64 - t0sz;
        minia = (3 - start) * stride_of(gb) + gb + 1;
        maxia = minia + stride_of(gb) - 1 + 4;
        if (ia < minia || ia > maxia)
            return true;
    }
    /* S2VMID[15:8] with 8-bit VMIDs, when S2VMID is used: every translating config
     * except stage-1-only in an EL2 StreamWorld. */
    if (!p->vmid16 && (F(ste, STE_S2VMID) >> 8) != 0 && !(strw_used && strw != 0))
        return true;
    return false;
}

/* CdIllegal() (§5.4.2) for this subset. */
static bool cd_illegal(const ctx_t *c, const uint64_t *cd)
{
    const smmu_model_params_t *p = &c->m->params;
    bool el2 = c->sw == SW_EL2;
    bool en[2];
    unsigned ips = ps_bits((unsigned)F(cd, CD_IPS), c->oas);

    if (!F(cd, CD_V))
        return true;
    if (F(cd, CD_S))
        return true; /* STALL_MODEL = 0b01 (and S1STALLD irrelevant then) */
    if (!F(cd, CD_A))
        return true; /* TERM_MODEL = 1 */
    /* EPDx act as 0 in EL2; TTB1 is unreachable there (§5.4.1). */
    en[0] = el2 ? true : !F(cd, CD_EPD0);
    en[1] = el2 ? false : !F(cd, CD_EPD1);
    if ((en[0] || en[1]) && F(cd, CD_ENDI))
        return true;
    if (!F(cd, CD_AA64))
        return true; /* TTF = AArch64 only */
    if (F(cd, CD_HA) || F(cd, CD_HD))
        return true; /* HTTU = 0 */
    if (!el2 && !p->asid16 && (F(cd, CD_ASID) >> 8) != 0)
        return true;
    for (int i = 0; i < 2; i++) {
        unsigned tsz, tg;
        uint64_t ttb;
        if (!en[i])
            continue;
        tsz = (unsigned)(i ? F(cd, CD_T1SZ) : F(cd, CD_T0SZ));
        tg = (unsigned)(i ? F(cd, CD_TG1) : F(cd, CD_TG0));
        ttb = (i ? F(cd, CD_TTB1) : F(cd, CD_TTB0)) << CD_TTB0_SHIFT;
        /* §5.4 T0SZ: 16..39 for every granule (IDR5.VAX = 0, no STT) */
        if (tsz < 16 || tsz > 39)
            return true;
        /* TGx: Reserved or a granule IDR5 does not report (TG1 has its own encoding) */
        if ((i ? tg1_bits(p, tg) : tg0_bits(p, tg)) == 0)
            return true;
        if (above(ttb, ips) || above(ttb, 48))
            return true;
    }
    return false;
}

/* ---- the top level ------------------------------------------------------------------- */

static void result_ok(ctx_t *c, uint64_t pa, mattr_t a)
{
    smmu_model_result_t *r = c->r;
    /* No_snoop (§13.1.6, IHI 0070 13 and Arm ARM D8.6 [project decision, docs/subset.md]): honoured unless the port's
     * CANWBS input declares the master coherent; after FWB, bypass too; a Normal
     * cacheable result becomes iNC-oNC-OSH, Device is untouched. */
    if (c->t->nosnoop && !c->m->canwbs && !a.dev && !is_ncnc(&a)) {
        a = mk_normal(mk_lvl(CT_NC, 0, 0, 0), mk_lvl(CT_NC, 0, 0, 0), SH_OSH);
        consistent(&a);
    }
    r->outcome = SMMU_MODEL_OK;
    r->pa = pa;
    r->attr = mair_encode(&a);
    r->sh = a.sh;
    amba_out(&a, c->t->write, &r->axcache, &r->axdomain);
    r->axprot = (uint8_t)((c->priv ? 1 : 0) | 2 | (c->instr ? 4 : 0));
}

/* PRIVCFG / INSTCFG (STE or GBPA): 0 and 1 incoming, 2 unprivileged / data, 3
 * privileged / instruction; INSTCFG only affects reads (§13.1.2). */
static void apply_perm_ovr(ctx_t *c, unsigned privcfg, unsigned instcfg)
{
    if (!c->m->params.attr_perms_ovr)
        return;
    if (privcfg >= 2)
        c->priv = privcfg == 3;
    if (instcfg >= 2 && c->rd)
        c->instr = instcfg == 3;
}

/* Stream table lookup: returns 0 with the STE, or -1 with the fault set. */
static int ste_lookup(ctx_t *c, uint64_t *ste)
{
    const smmu_model_t *m = c->m;
    uint32_t cfg = m->strtab_base_cfg;
    unsigned log2 = (unsigned)R(cfg, SMMU_STRTAB_BASE_CFG_LOG2SIZE);
    unsigned eff = log2 < m->params.sid_bits ? log2 : m->params.sid_bits;
    unsigned fmt = m->params.st_level_2 ? (unsigned)R(cfg, SMMU_STRTAB_BASE_CFG_FMT) : 0;
    /* ADDR bits above the OAS are RES0 and need not be stored: truncated (model choice;
     * §3.4.3 allows truncation or F_STE_FETCH for an out-of-range STE address). */
    uint64_t addr = m->strtab_base & SMMU_STRTAB_BASE_ADDR_MASK & oas_mask(c);
    bool recinvsid = R(m->cr2, SMMU_CR2_RECINVSID);
    uint64_t sid = c->t->sid, ste_pa;

    if (eff < 64 && (sid >> eff) != 0) {
        fault_config(c, EVT_C_BAD_STREAMID, recinvsid);
        return -1;
    }
    if (fmt == 1) {
        unsigned split = (unsigned)R(cfg, SMMU_STRTAB_BASE_CFG_SPLIT);
        unsigned al, span;
        uint64_t l1pa, l1d = 0, l2idx, l2base;
        if (split != 8 && split != 10)
            split = 6; /* reserved values behave as 6 (§6.3.25) */
        /* The level-1 table is aligned to MAX(64, its size), from the literal LOG2SIZE. */
        al = log2 > split ? log2 - split + 3 : 0;
        if (al < 6)
            al = 6;
        if (al < 64)
            addr &= ~(BIT(al) - 1);
        else
            addr = 0;
        l1pa = (addr + ((sid >> split) << 3)) & oas_mask(c);
        if (fetch(c, l1pa, &l1d, 1, strtab_rd(c, SMMU_MODEL_RD_L1STD)) != 0) {
            fault_fetch(c, EVT_F_STE_FETCH, l1pa);
            return -1;
        }
        span = (unsigned)F(&l1d, L1STD_SPAN);
        l2idx = sid & (BIT(split) - 1);
        /* Span 0, reserved (12..31), beyond SPLIT + 1, or the StreamID outside it:
         * C_BAD_STREAMID (§7.3.3). */
        if (span == 0 || span > 11 || span > split + 1 || l2idx >= BIT(span - 1)) {
            fault_config(c, EVT_C_BAD_STREAMID, recinvsid);
            return -1;
        }
        l2base = (F(&l1d, L1STD_L2PTR) << L1STD_L2PTR_SHIFT) & ~(BIT(6 + span - 1) - 1);
        ste_pa = (l2base + (l2idx << 6)) & oas_mask(c);
    } else {
        unsigned al = log2 + 6;
        if (al < 64)
            addr &= ~(BIT(al) - 1);
        else
            addr = 0;
        ste_pa = (addr + (sid << 6)) & oas_mask(c);
    }
    /* Only dwords 0..3 hold fields this subset uses; the SMMU may read a structure in any
     * size and order (IHI 0070 3.21.3), and reading the unused half is IMPLEMENTATION
     * DEFINED: project decision (docs/subset.md) the first 32 bytes, so an abort on
     * dwords 4..7 alone is not a fetch fault. */
    memset(ste, 0, 8 * sizeof ste[0]);
    if (fetch(c, ste_pa, ste, STRUCT_READ_DWORDS, strtab_rd(c, SMMU_MODEL_RD_STE)) != 0) {
        fault_fetch(c, EVT_F_STE_FETCH, ste_pa);
        return -1;
    }
    return 0;
}

int smmu_model_translate(const smmu_model_t *m, const smmu_model_txn_t *t,
                         smmu_model_result_t *r)
{
    ctx_t c;
    uint64_t ste[8], cd[8];
    mattr_t in;
    unsigned cfg;

    if (!m || !t || !r || !m->read64)
        return -1;
    memset(r, 0, sizeof *r);
    memset(&c, 0, sizeof c);
    c.m = m;
    c.t = t;
    c.r = r;
    c.oas = m->params.oas_bits;
    c.rd = !t->write;
    c.priv = t->prot & 1;
    c.instr = c.rd && ((t->prot >> 2) & 1); /* writes are always Data (§13.1.2) */
    in = amba_in(t->cache, t->domain);

    /* SMMUEN = 0: GBPA (§3.3.2 step 1, §3.4, §13.2). */
    if (!m->smmuen) {
        uint32_t g = m->gbpa;
        r->path = SMMU_MODEL_PATH_GBPA;
        if (R(g, SMMU_GBPA_ABORT) || above(t->addr, c.oas)) {
            r->outcome = SMMU_MODEL_ABORT_NO_EVENT;
            return 0;
        }
        apply_perm_ovr(&c, (unsigned)R(g, SMMU_GBPA_PRIVCFG), (unsigned)R(g, SMMU_GBPA_INSTCFG));
        if (m->params.attr_types_ovr)
            in = apply_type_ovr(&in, (unsigned)R(g, SMMU_GBPA_MTCFG),
                                (unsigned)R(g, SMMU_GBPA_MEMATTR),
                                (unsigned)R(g, SMMU_GBPA_ALLOCCFG),
                                (unsigned)R(g, SMMU_GBPA_SHCFG));
        result_ok(&c, t->addr, in);
        return 0;
    }

    if (ste_lookup(&c, ste) != 0)
        return 0;
    if (ste_illegal(&c, ste)) {
        fault_config(&c, EVT_C_BAD_STE, true);
        return 0;
    }
    cfg = (unsigned)F(ste, STE_CONFIG);
    if (!(cfg & 4)) {
        r->path = SMMU_MODEL_PATH_STE_ABORT;
        r->outcome = SMMU_MODEL_ABORT_NO_EVENT;
        return 0;
    }
    r->path = cfg == 4 ? SMMU_MODEL_PATH_BYPASS : cfg == 5 ? SMMU_MODEL_PATH_S1
            : cfg == 6 ? SMMU_MODEL_PATH_S2 : SMMU_MODEL_PATH_NESTED;

    /* STE overrides apply to every translating or bypassing config (§13.4 pseudocode:
     * i = replace_attrs(ste, input_attrs)); event InD/PnU are post-override. */
    apply_perm_ovr(&c, (unsigned)F(ste, STE_PRIVCFG), (unsigned)F(ste, STE_INSTCFG));
    if (m->params.attr_types_ovr)
        in = apply_type_ovr(&in, (unsigned)F(ste, STE_MTCFG), (unsigned)F(ste, STE_MEMATTR),
                            (unsigned)F(ste, STE_ALLOCCFG), (unsigned)F(ste, STE_SHCFG));

    /* SSIDSIZE = 0: any SubstreamID is C_BAD_SUBSTREAMID (§7.3.9), ahead of every
     * translation fault (§7.3.22). */
    if (t->ssv) {
        fault_substream(&c);
        return 0;
    }

    c.s2_on = (cfg & 6) == 6;
    if (c.s2_on) {
        c.s2.t0sz = (unsigned)F(ste, STE_S2T0SZ);
        c.s2.gb = tg0_bits(&m->params, (unsigned)F(ste, STE_S2TG));
        c.s2.start = (c.s2.gb == 12 ? 2u : 3u) - (unsigned)F(ste, STE_S2SL0);
        c.s2.ps = ps_bits((unsigned)F(ste, STE_S2PS), c.oas);
        c.s2.ttb = F(ste, STE_S2TTB) << STE_S2TTB_SHIFT;
        c.s2.affd = F(ste, STE_S2AFFD);
        c.s2.ptw = F(ste, STE_S2PTW);
        c.s2.fwb = m->params.fwb && F(ste, STE_S2FWB);
        c.s2.record = F(ste, STE_S2R);
        {
            mattr_t w = walk_attr((unsigned)F(ste, STE_S2IR0), (unsigned)F(ste, STE_S2OR0),
                                  (unsigned)F(ste, STE_S2SH0), false);
            amba_out(&w, false, &c.s2.wcache, &c.s2.wdomain);
        }
    }

    if (cfg == 4) {
        /* STE bypass: an input beyond the OAS is a stage-1 F_ADDR_SIZE (§3.4). */
        if (above(t->addr, c.oas)) {
            fault_xlat(&c, EVT_F_ADDR_SIZE, false, EVT_CLASS_IN, 0, true);
            return 0;
        }
        result_ok(&c, t->addr, in);
        return 0;
    }

    if (cfg == 6) {
        uint64_t pa, leaf;
        /* Stage 1 bypassed: an input beyond the IAS is a stage-1 F_ADDR_SIZE (§3.4),
         * recorded (no CD, so no CD.R - model reading of §5.5). */
        if (above(t->addr, c.oas)) {
            fault_xlat(&c, EVT_F_ADDR_SIZE, false, EVT_CLASS_IN, 0, true);
            return 0;
        }
        if (s2_translate(&c, t->addr, EVT_CLASS_IN, false, &pa, &leaf) != 0)
            return 0;
        result_ok(&c, pa, s2_apply(&in, (unsigned)(leaf >> 2) & 0xF,
                                   (uint8_t)((leaf >> 8) & 3), c.s2.fwb));
        return 0;
    }

    /* Stage 1 (0b101, 0b111). StreamWorld: STRW = 0b10 with Config 0b101 (Hyp = 1) is
     * EL2, or EL2-E2H with CR2.E2H; otherwise NS-EL1 (§5.2 STRW). */
    if (cfg == 5 && m->params.hyp && F(ste, STE_STRW) == 2)
        c.sw = R(m->cr2, SMMU_CR2_E2H) ? SW_EL2_E2H : SW_EL2;
    else
        c.sw = SW_EL1;
    {
        uint64_t cdaddr = F(ste, STE_S1CONTEXTPTR) << STE_S1CONTEXTPTR_SHIFT, cdpa, leaf;
        s1out_t o;
        mattr_t s1;
        /* The CD read: STE.S1CIR/S1COR/S1CSH, combined with the stage-2 leaf of the CD's
         * IPA when stage 2 is on (§5.2 S1CIR, §13.8). */
        mattr_t cattr = walk_attr((unsigned)F(ste, STE_S1CIR), (unsigned)F(ste, STE_S1COR),
                                  (unsigned)F(ste, STE_S1CSH), true);
        rdinfo_t ri = { SMMU_MODEL_RD_CD, 0, 0, 0, 0 };
        if (c.s2_on) {
            if (s2_translate(&c, cdaddr, EVT_CLASS_CD, true, &cdpa, &leaf) != 0)
                return 0;
            table_read_attr(&c, &cattr, &leaf, &ri);
        } else {
            cdpa = cdaddr;
            table_read_attr(&c, &cattr, NULL, &ri);
        }
        memset(cd, 0, sizeof cd); /* dwords 4..7 (AMAIR, IMP DEF, RES0) not read */
        if (fetch(&c, cdpa, cd, STRUCT_READ_DWORDS, ri) != 0) {
            fault_fetch(&c, EVT_F_CD_FETCH, cdpa);
            return 0;
        }
        if (cd_illegal(&c, cd)) {
            fault_config(&c, EVT_C_BAD_CD, true);
            return 0;
        }
        c.cd_record = F(cd, CD_R);
        if (s1_translate(&c, cd, &o) != 0)
            return 0;

        /* Stage-1 attributes replace MT and SH; the input's RA/WA/TR combine (the
         * stronger: no-allocate, transient) only for a cacheable input level (§13.4.2). */
        {
            unsigned idx = (unsigned)((o.leaf >> 2) & 7);
            uint8_t byte = (uint8_t)(F(cd, CD_MAIR) >> (8 * idx));
            lvl_t *sl[2], il[2];
            s1 = mair_decode(byte, (uint8_t)((o.leaf >> 8) & 3));
            sl[0] = &s1.in;
            sl[1] = &s1.out;
            il[0] = in.in;
            il[1] = in.out;
            for (int i = 0; i < 2; i++) {
                if (in.dev || !cacheable(il[i]) || !cacheable(*sl[i]))
                    continue;
                sl[i]->ra = sl[i]->ra && il[i].ra;
                sl[i]->wa = sl[i]->wa && il[i].wa;
                sl[i]->tr = sl[i]->tr || il[i].tr;
            }
            consistent(&s1);
        }
        if (!c.s2_on) {
            /* Stage 2 bypassed: the IPA is truncated / zero-extended to the OAS. */
            result_ok(&c, o.ipa & oas_mask(&c), s1);
            return 0;
        }
        {
            uint64_t pa;
            if (s2_translate(&c, o.ipa, EVT_CLASS_IN, false, &pa, &leaf) != 0)
                return 0;
            result_ok(&c, pa, s2_apply(&s1, (unsigned)(leaf >> 2) & 0xF,
                                       (uint8_t)((leaf >> 8) & 3), c.s2.fwb));
        }
    }
    return 0;
}
