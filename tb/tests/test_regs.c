/*
 * The register file over AXI4-Lite: reset values of the whole map against the model
 * parameters, which fields are writable, 64-bit registers as one access and as two
 * halves, the page-1 event-queue indexes and their page-0 aliases, undefined offsets,
 * Guarded registers (IHI 0070 6.3) and the CR0/IRQ_CTRL/GBPA handshakes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "smmu/smmu_regs.h"
#include "test.h"

/* Registers of features this SMMU does not have (IDR0.MSI = 0, IDR0.PRI = 0): RES0.
 * Offsets from IHI 0070 6.2; the generated header leaves out what is not implemented. */
#define OFF_GERROR_IRQ_CFG0 0x00068u /* 64-bit */
#define OFF_GERROR_IRQ_CFG1 0x00070u
#define OFF_GERROR_IRQ_CFG2 0x00074u
#define OFF_EVENTQ_IRQ_CFG0 0x000b0u /* 64-bit */
#define OFF_EVENTQ_IRQ_CFG1 0x000b8u
#define OFF_EVENTQ_IRQ_CFG2 0x000bcu
#define OFF_PRIQ_BASE 0x000c0u /* 64-bit */
#define OFF_PRIQ_PROD 0x100c8u
#define OFF_PRIQ_CONS 0x100ccu
#define OFF_PRIQ_IRQ_CFG0 0x000d0u /* 64-bit */
#define OFF_PRIQ_IRQ_CFG1 0x000d8u
#define OFF_PRIQ_IRQ_CFG2 0x000dcu

#define ACK_POLLS 100u /* register reads allowed for an ACK to follow */

struct reg {
    const char *name;
    uint32_t off;
    unsigned bits; /* 32 or 64 */
    uint64_t reset;
};

static unsigned oas_of(unsigned pa_bits)
{
    switch (pa_bits) {
    case 32: return 0;
    case 36: return 1;
    case 40: return 2;
    case 42: return 3;
    case 44: return 4;
    case 48: return 5;
    default: return 6;
    }
}

/* The ID register values the RTL must build from its parameters. */
/* Hyp only with both stages, XNX with stage 2, HAD with stage 1 (IHI 0070 6.3.1, 6.3.4) */
static bool eff_hyp(const sim_params_t *p) { return p->hyp && p->s1p && p->s2p; }
static bool eff_xnx(const sim_params_t *p) { return p->xnx && p->s2p; }
static bool eff_had(const sim_params_t *p) { return p->had && p->s1p; }

static uint32_t exp_idr0(const sim_params_t *p)
{
    return (uint32_t)(p->st_level_2 ? 1u : 0u) << SMMU_IDR0_ST_LEVEL_SHIFT |
           1u << SMMU_IDR0_TERM_MODEL_SHIFT | 1u << SMMU_IDR0_STALL_MODEL_SHIFT |
           2u << SMMU_IDR0_TTENDIAN_SHIFT | SMMU_IDR0_VMID16_MASK | SMMU_IDR0_ASID16_MASK |
           (eff_hyp(p) ? SMMU_IDR0_HYP_MASK : 0u) | (p->cohacc ? SMMU_IDR0_COHACC_MASK : 0u) |
           (p->msi ? SMMU_IDR0_MSI_MASK : 0u) |
           2u << SMMU_IDR0_TTF_SHIFT | (p->s1p ? SMMU_IDR0_S1P_MASK : 0u) |
           (p->s2p ? SMMU_IDR0_S2P_MASK : 0u);
}

static uint32_t exp_idr1(const sim_params_t *p)
{
    return (p->attr_ovr ? SMMU_IDR1_ATTR_TYPES_OVR_MASK | SMMU_IDR1_ATTR_PERMS_OVR_MASK : 0u) |
           p->cmdqs << SMMU_IDR1_CMDQS_SHIFT | p->eventqs << SMMU_IDR1_EVENTQS_SHIFT |
           p->sid_bits << SMMU_IDR1_SIDSIZE_SHIFT;
}

static uint32_t exp_idr3(const sim_params_t *p)
{
    return 2u << SMMU_IDR3_BBML_SHIFT | SMMU_IDR3_RIL_MASK |
           (p->fwb ? SMMU_IDR3_FWB_MASK : 0u) | (eff_xnx(p) ? SMMU_IDR3_XNX_MASK : 0u) |
           (eff_had(p) ? SMMU_IDR3_HAD_MASK : 0u);
}

/* The highest version whose mandatory features the build has (docs/subset.md). */
static uint32_t exp_aidr(const sim_params_t *p)
{
    bool v31 = (!p->s2p || eff_xnx(p)) && (!p->s1p || eff_had(p));
    bool v32 = v31 && p->fwb && (!(p->s1p && p->s2p) || eff_hyp(p));
    return v32 ? 2u : v31 ? 1u : 0u;
}

static uint32_t exp_idr5(const sim_params_t *p)
{
    /* GRAN4K always; GRAN16K / GRAN64K from the build's parameters */
    return SMMU_IDR5_GRAN4K_MASK | (p->gran16k ? SMMU_IDR5_GRAN16K_MASK : 0u) |
           (p->gran64k ? SMMU_IDR5_GRAN64K_MASK : 0u) | oas_of(p->pa_bits) << SMMU_IDR5_OAS_SHIFT;
}

static uint32_t exp_gbpa_reset(const sim_params_t *p)
{
    return (p->gbpa_abort ? SMMU_GBPA_ABORT_MASK : 0u) | 1u << SMMU_GBPA_SHCFG_SHIFT;
}

/* The whole map: every register, its width and its reset value. */
static unsigned reg_map(const sim_params_t *p, struct reg *r)
{
    unsigned n = 0;
#define R(nm, o, b, v) r[n++] = (struct reg){nm, o, b, v}
    R("IDR0", SMMU_IDR0, 32, exp_idr0(p));
    R("IDR1", SMMU_IDR1, 32, exp_idr1(p));
    R("IDR2", SMMU_IDR2, 32, 0);
    R("IDR3", SMMU_IDR3, 32, exp_idr3(p));
    R("IDR4", SMMU_IDR4, 32, 0);
    R("IDR5", SMMU_IDR5, 32, exp_idr5(p));
    R("IIDR", SMMU_IIDR, 32, 0x00100000u);
    R("AIDR", SMMU_AIDR, 32, exp_aidr(p));
    R("CR0", SMMU_CR0, 32, 0);
    R("CR0ACK", SMMU_CR0ACK, 32, 0);
    R("CR1", SMMU_CR1, 32, 0);
    R("CR2", SMMU_CR2, 32, 0);
    R("STATUSR", SMMU_STATUSR, 32, 0);
    R("GBPA", SMMU_GBPA, 32, exp_gbpa_reset(p));
    R("AGBPA", SMMU_AGBPA, 32, 0);
    R("IRQ_CTRL", SMMU_IRQ_CTRL, 32, 0);
    R("IRQ_CTRLACK", SMMU_IRQ_CTRLACK, 32, 0);
    R("GERROR", SMMU_GERROR, 32, 0);
    R("GERRORN", SMMU_GERRORN, 32, 0);
    R("GERROR_IRQ_CFG0", OFF_GERROR_IRQ_CFG0, 64, 0);
    R("GERROR_IRQ_CFG1", OFF_GERROR_IRQ_CFG1, 32, 0);
    R("GERROR_IRQ_CFG2", OFF_GERROR_IRQ_CFG2, 32, 0);
    R("STRTAB_BASE", SMMU_STRTAB_BASE, 64, 0);
    R("STRTAB_BASE_CFG", SMMU_STRTAB_BASE_CFG, 32, 0);
    R("CMDQ_BASE", SMMU_CMDQ_BASE, 64, 0);
    R("CMDQ_PROD", SMMU_CMDQ_PROD, 32, 0);
    R("CMDQ_CONS", SMMU_CMDQ_CONS, 32, 0);
    R("EVENTQ_BASE", SMMU_EVENTQ_BASE, 64, 0);
    R("EVENTQ_PROD", SMMU_EVENTQ_PROD, 32, 0);
    R("EVENTQ_PROD (page 0)", SMMU_EVENTQ_PROD_ALIAS0, 32, 0);
    R("EVENTQ_CONS", SMMU_EVENTQ_CONS, 32, 0);
    R("EVENTQ_CONS (page 0)", SMMU_EVENTQ_CONS_ALIAS0, 32, 0);
    R("EVENTQ_IRQ_CFG0", OFF_EVENTQ_IRQ_CFG0, 64, 0);
    R("EVENTQ_IRQ_CFG1", OFF_EVENTQ_IRQ_CFG1, 32, 0);
    R("EVENTQ_IRQ_CFG2", OFF_EVENTQ_IRQ_CFG2, 32, 0);
    R("PRIQ_BASE", OFF_PRIQ_BASE, 64, 0);
    R("PRIQ_PROD", OFF_PRIQ_PROD, 32, 0);
    R("PRIQ_CONS", OFF_PRIQ_CONS, 32, 0);
    R("PRIQ_IRQ_CFG0", OFF_PRIQ_IRQ_CFG0, 64, 0);
    R("PRIQ_IRQ_CFG1", OFF_PRIQ_IRQ_CFG1, 32, 0);
    R("PRIQ_IRQ_CFG2", OFF_PRIQ_IRQ_CFG2, 32, 0);
#undef R
    return n;
}
#define MAX_REGS 64

/* Offsets the map does not define (6.2: RES0, IMPLEMENTATION DEFINED space and the
 * ID_REGS page read as zero here) - a sample across both pages. */
static const uint32_t undefined_offs[] = {
    0x00030, 0x00034, 0x00038, 0x0003c, 0x0004c, 0x00058, 0x0005c, 0x00078, 0x0007c,
    0x0008c, 0x000e0, 0x000fc, 0x00100, 0x00800, 0x00e00, 0x00efc, 0x00fd0, 0x00ffc,
    0x01000, 0x03ffc, 0x04000, 0x0fff8, 0x0fffc, 0x10000, 0x10004, 0x10020, 0x10044,
    0x10080, 0x10098, 0x1009c, 0x100a0, 0x100a4, 0x100b0, 0x10100, 0x1fff8, 0x1fffc,
};

static uint64_t pa_mask(const sim_params_t *p)
{
    return p->pa_bits >= 64 ? ~0ull : (1ull << p->pa_bits) - 1;
}

/* Writes CR0 and waits for CR0ACK to match (6.3.9). */
static bool cr0_set(test_ctx_t *t, uint32_t v)
{
    sim_reg_write32(t->sim, SMMU_CR0, v);
    bool ok = sim_reg_poll32(t->sim, SMMU_CR0ACK, 0xffffffffu, v, ACK_POLLS);
    CHECK(ok, "CR0ACK did not reach 0x%x (reads 0x%x)", v, sim_reg_read32(t->sim, SMMU_CR0ACK));
    return ok;
}

/* GBPA update procedure (6.3.14.1). */
static bool gbpa_set(test_ctx_t *t, uint32_t v)
{
    sim_reg_write32(t->sim, SMMU_GBPA, v | SMMU_GBPA_UPDATE_MASK);
    bool ok = sim_reg_poll32(t->sim, SMMU_GBPA, SMMU_GBPA_UPDATE_MASK, 0, ACK_POLLS);
    CHECK(ok, "GBPA.Update did not clear");
    return ok;
}

/* Reads every register of the map (both halves of 64-bit ones). */
static unsigned snapshot(test_ctx_t *t, uint64_t *v)
{
    struct reg map[MAX_REGS];
    unsigned n = reg_map(sim_params(t->sim), map);
    for (unsigned i = 0; i < n; i++)
        v[i] = map[i].bits == 64 ? sim_reg_read64(t->sim, map[i].off)
                                 : sim_reg_read32(t->sim, map[i].off);
    return n;
}

TEST(regs_reset_values)
{
    const sim_params_t *p = sim_params(t->sim);
    struct reg map[MAX_REGS];
    unsigned n = reg_map(p, map);

    test_log(t, "params: SID_W %u PA_W %u CMDQS %u EVENTQS %u ST_LEVEL_2 %u FWB %u COHACC %u "
             "ATTR_OVR %u GBPA_ABORT %u", p->sid_bits, p->pa_bits, p->cmdqs, p->eventqs,
             p->st_level_2, p->fwb, p->cohacc, p->attr_ovr, p->gbpa_abort);
    for (unsigned i = 0; i < n; i++) {
        uint32_t lo = 0, hi = 0;
        int rl = sim_reg_read32_resp(t->sim, map[i].off, &lo);
        CHECK(rl == 0, "%s: read response %d", map[i].name, rl);
        CHECK(lo == (uint32_t)map[i].reset, "%s (0x%05x) resets to 0x%08x, expected 0x%08x",
              map[i].name, map[i].off, lo, (uint32_t)map[i].reset);
        if (map[i].bits == 64) {
            hi = sim_reg_read32(t->sim, map[i].off + 4);
            CHECK(hi == (uint32_t)(map[i].reset >> 32), "%s[63:32] resets to 0x%08x",
                  map[i].name, hi);
            uint64_t v = 0;
            int r = sim_reg_read64_resp(t->sim, map[i].off, &v);
            CHECK(r == 0, "%s: 64-bit read response %d", map[i].name, r);
            CHECK(v == map[i].reset, "%s 64-bit read 0x%016" PRIx64, map[i].name, v);
        }
    }
}

/* Writes all ones and then zero; only the implemented fields stick. */
static void check_rw32(test_ctx_t *t, const char *name, uint32_t off, uint32_t mask)
{
    sim_reg_write32(t->sim, off, 0xffffffffu);
    uint32_t v = sim_reg_read32(t->sim, off);
    CHECK(v == mask, "%s: all-ones write reads 0x%08x, expected 0x%08x", name, v, mask);
    sim_reg_write32(t->sim, off, 0);
    v = sim_reg_read32(t->sim, off);
    CHECK(v == 0, "%s: zero write reads 0x%08x", name, v);
}

static void check_rw64(test_ctx_t *t, const char *name, uint32_t off, uint64_t mask)
{
    sim_reg_write64(t->sim, off, ~0ull);
    uint64_t v = sim_reg_read64(t->sim, off);
    CHECK(v == mask, "%s: all-ones write reads 0x%016" PRIx64 ", expected 0x%016" PRIx64, name,
          v, mask);
    sim_reg_write64(t->sim, off, 0);
    v = sim_reg_read64(t->sim, off);
    CHECK(v == 0, "%s: zero write reads 0x%016" PRIx64, name, v);
}

TEST(regs_writable_fields)
{
    const sim_params_t *p = sim_params(t->sim);
    uint64_t pam = pa_mask(p);

    check_rw32(t, "CR1", SMMU_CR1, 0xfffu);
    /* PTM needs IDR0.BTM = 0: RES0; E2H exists with Hyp = 1. */
    check_rw32(t, "CR2", SMMU_CR2,
               SMMU_CR2_RECINVSID_MASK | (eff_hyp(p) ? SMMU_CR2_E2H_MASK : 0u));
    /* PRIQ_IRQEN: PRI absent. */
    check_rw32(t, "IRQ_CTRL", SMMU_IRQ_CTRL,
               SMMU_IRQ_CTRL_EVENTQ_IRQEN_MASK | SMMU_IRQ_CTRL_GERROR_IRQEN_MASK);
    /* Bits above the OAS are RES0 (6.3.24, 6.3.26, 6.3.29). */
    check_rw64(t, "STRTAB_BASE", SMMU_STRTAB_BASE,
               SMMU_STRTAB_BASE_RA_MASK | (SMMU_STRTAB_BASE_ADDR_MASK & pam));
    /* LOG2SIZE reads back as written even above IDR1.CMDQS (only its use is capped). */
    check_rw64(t, "CMDQ_BASE", SMMU_CMDQ_BASE,
               SMMU_CMDQ_BASE_RA_MASK | (SMMU_CMDQ_BASE_ADDR_MASK & pam) |
                   SMMU_CMDQ_BASE_LOG2SIZE_MASK);
    check_rw64(t, "EVENTQ_BASE", SMMU_EVENTQ_BASE,
               SMMU_EVENTQ_BASE_WA_MASK | (SMMU_EVENTQ_BASE_ADDR_MASK & pam) |
                   SMMU_EVENTQ_BASE_LOG2SIZE_MASK);

    /* STRTAB_BASE_CFG: legal values only (reserved FMT/SPLIT encodings are CONSTRAINED
     * UNPREDICTABLE); FMT and SPLIT are RES0 without 2-level support. Bits outside the
     * fields are written as ones and must read 0. */
    static const uint32_t cfgs[][3] = {{1, 8, 0x3f}, {0, 6, 0x2a}, {1, 10, 0x15}};
    uint32_t fields = SMMU_STRTAB_BASE_CFG_FMT_MASK | SMMU_STRTAB_BASE_CFG_SPLIT_MASK |
                      SMMU_STRTAB_BASE_CFG_LOG2SIZE_MASK;
    for (unsigned i = 0; i < 3; i++) {
        uint32_t v = cfgs[i][0] << SMMU_STRTAB_BASE_CFG_FMT_SHIFT |
                     cfgs[i][1] << SMMU_STRTAB_BASE_CFG_SPLIT_SHIFT |
                     cfgs[i][2] << SMMU_STRTAB_BASE_CFG_LOG2SIZE_SHIFT;
        uint32_t want = p->st_level_2 ? v : (v & SMMU_STRTAB_BASE_CFG_LOG2SIZE_MASK);
        sim_reg_write32(t->sim, SMMU_STRTAB_BASE_CFG, v | ~fields);
        uint32_t r = sim_reg_read32(t->sim, SMMU_STRTAB_BASE_CFG);
        CHECK(r == want, "STRTAB_BASE_CFG: wrote 0x%08x, reads 0x%08x, expected 0x%08x",
              v | ~fields, r, want);
    }

    /* Queue indexes (6.3.27-28, 6.3.95-96). QS = the configured LOG2SIZE. The SMMU's own
     * index (CMDQ_CONS.RD, EVENTQ_PROD.WR) reads zero above its wrap bit; software's
     * (CMDQ_PROD.WR, EVENTQ_CONS.RD) may keep bits up to IDR1.xQS (above: UNKNOWN), so
     * only the index, the wrap bit and the reserved bits are checked. */
    uint32_t cq_idx = (2u << p->cmdqs) - 1, eq_idx = (2u << p->eventqs) - 1;
    sim_reg_write64(t->sim, SMMU_CMDQ_BASE, p->cmdqs);
    sim_reg_write64(t->sim, SMMU_EVENTQ_BASE, p->eventqs);
    sim_reg_write32(t->sim, SMMU_CMDQ_PROD, 0xffffffffu);
    uint32_t v = sim_reg_read32(t->sim, SMMU_CMDQ_PROD);
    CHECK((v & cq_idx) == cq_idx && (v & 0xfff00000u) == 0, "CMDQ_PROD all ones reads 0x%08x", v);
    sim_reg_write32(t->sim, SMMU_EVENTQ_CONS, 0xffffffffu);
    v = sim_reg_read32(t->sim, SMMU_EVENTQ_CONS);
    CHECK((v & eq_idx) == eq_idx && (v & 0x7ff00000u) == 0 && (v & SMMU_EVENTQ_CONS_OVACKFLG_MASK),
          "EVENTQ_CONS all ones reads 0x%08x", v);
    sim_reg_write32(t->sim, SMMU_CMDQ_CONS, 0xffffffffu);
    v = sim_reg_read32(t->sim, SMMU_CMDQ_CONS);
    /* ERR may take the written value or not (6.3.28). */
    CHECK((v & ~SMMU_CMDQ_CONS_ERR_MASK) == cq_idx, "CMDQ_CONS all ones reads 0x%08x, RD 0x%x",
          v, cq_idx);
    sim_reg_write32(t->sim, SMMU_EVENTQ_PROD, 0xffffffffu);
    v = sim_reg_read32(t->sim, SMMU_EVENTQ_PROD);
    CHECK(v == (SMMU_EVENTQ_PROD_OVFLG_MASK | eq_idx), "EVENTQ_PROD all ones reads 0x%08x", v);

    for (uint32_t off = SMMU_CMDQ_PROD; off <= SMMU_CMDQ_CONS; off += 4)
        sim_reg_write32(t->sim, off, 0);
    sim_reg_write32(t->sim, SMMU_EVENTQ_PROD, 0);
    sim_reg_write32(t->sim, SMMU_EVENTQ_CONS, 0);
    sim_reg_write64(t->sim, SMMU_CMDQ_BASE, 0);
    sim_reg_write64(t->sim, SMMU_EVENTQ_BASE, 0);

    /* GERRORN: only reserved bits written (toggling an inactive error is CONSTRAINED
     * UNPREDICTABLE, 6.3.20), they read 0 and nothing activates. */
    sim_reg_write32(t->sim, SMMU_GERRORN, 0xfffffe02u);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_GERRORN), 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_GERROR), 0);
    sim_step(t->sim, 10);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_GERROR), 0);

    /* Read-only registers ignore writes. */
    static const uint32_t ro[] = {SMMU_IDR0, SMMU_IDR1, SMMU_IDR2, SMMU_IDR3, SMMU_IDR4,
                                  SMMU_IDR5, SMMU_IIDR, SMMU_AIDR, SMMU_CR0ACK, SMMU_STATUSR,
                                  SMMU_AGBPA, SMMU_IRQ_CTRLACK, SMMU_GERROR};
    for (unsigned i = 0; i < sizeof ro / sizeof ro[0]; i++) {
        uint32_t before = sim_reg_read32(t->sim, ro[i]);
        sim_reg_write32(t->sim, ro[i], ~before);
        uint32_t after = sim_reg_read32(t->sim, ro[i]);
        CHECK(after == before, "RO register 0x%05x changed from 0x%08x to 0x%08x", ro[i], before,
              after);
    }
}

/* 6.3.28 / 6.3.95: with QS = the configured LOG2SIZE, bits [19:QS+1] of the SMMU-owned
 * index (CMDQ_CONS.RD, EVENTQ_PROD.WR) are RAZ - also right after software wrote them. */
TEST(regs_queue_index_raz_above_wrap)
{
    sim_reg_write64(t->sim, SMMU_CMDQ_BASE, 3);
    sim_reg_write64(t->sim, SMMU_EVENTQ_BASE, 2);
    sim_reg_write32(t->sim, SMMU_CMDQ_CONS, 0x000fffffu);
    uint32_t v = sim_reg_read32(t->sim, SMMU_CMDQ_CONS) & SMMU_CMDQ_CONS_RD_MASK;
    CHECK(v == 0xfu, "CMDQ_CONS.RD with LOG2SIZE 3 reads 0x%05x, expected 0x0000f (6.3.28: RAZ "
          "above the wrap bit)", v);
    sim_reg_write32(t->sim, SMMU_EVENTQ_PROD, 0x000fffffu);
    v = sim_reg_read32(t->sim, SMMU_EVENTQ_PROD) & SMMU_EVENTQ_PROD_WR_MASK;
    CHECK(v == 0x7u, "EVENTQ_PROD.WR with LOG2SIZE 2 reads 0x%05x, expected 0x00007 (6.3.95: RAZ "
          "above the wrap bit)", v);
    /* LOG2SIZE above IDR1.xQS is capped: the index keeps xQS + 1 bits. */
    const sim_params_t *p = sim_params(t->sim);
    sim_reg_write64(t->sim, SMMU_CMDQ_BASE, 31);
    sim_reg_write32(t->sim, SMMU_CMDQ_CONS, 0x000fffffu);
    v = sim_reg_read32(t->sim, SMMU_CMDQ_CONS) & SMMU_CMDQ_CONS_RD_MASK;
    CHECK(v == (2u << p->cmdqs) - 1, "CMDQ_CONS.RD with LOG2SIZE 31 reads 0x%05x", v);
}

TEST(regs_cr0_ack)
{
    /* CR0 VMW, ATSCHK and PRIQEN are RES0 (IDR0.VMW = ATS = PRI = 0). */
    uint32_t impl = SMMU_CR0_CMDQEN_MASK | SMMU_CR0_EVENTQEN_MASK | SMMU_CR0_SMMUEN_MASK;
    sim_reg_write32(t->sim, SMMU_CR0, 0xffffffffu);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CR0), impl);
    CHECK(sim_reg_poll32(t->sim, SMMU_CR0ACK, 0xffffffffu, impl, ACK_POLLS),
          "CR0ACK 0x%x never matched CR0", sim_reg_read32(t->sim, SMMU_CR0ACK));
    /* One enable at a time, each acknowledged on its own. */
    cr0_set(t, SMMU_CR0_CMDQEN_MASK | SMMU_CR0_EVENTQEN_MASK);
    cr0_set(t, SMMU_CR0_EVENTQEN_MASK);
    cr0_set(t, 0);
    cr0_set(t, SMMU_CR0_SMMUEN_MASK);
    cr0_set(t, 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_GERROR), 0);
}

TEST(regs_irq_ctrl_ack)
{
    uint32_t impl = SMMU_IRQ_CTRL_EVENTQ_IRQEN_MASK | SMMU_IRQ_CTRL_GERROR_IRQEN_MASK;
    sim_reg_write32(t->sim, SMMU_IRQ_CTRL, 0xffffffffu);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_IRQ_CTRL), impl);
    CHECK(sim_reg_poll32(t->sim, SMMU_IRQ_CTRLACK, 0xffffffffu, impl, ACK_POLLS),
          "IRQ_CTRLACK 0x%x never matched", sim_reg_read32(t->sim, SMMU_IRQ_CTRLACK));
    sim_reg_write32(t->sim, SMMU_IRQ_CTRL, SMMU_IRQ_CTRL_GERROR_IRQEN_MASK);
    CHECK(sim_reg_poll32(t->sim, SMMU_IRQ_CTRLACK, 0xffffffffu, SMMU_IRQ_CTRL_GERROR_IRQEN_MASK,
                         ACK_POLLS), "IRQ_CTRLACK did not follow a single enable");
    sim_reg_write32(t->sim, SMMU_IRQ_CTRL, 0);
    CHECK(sim_reg_poll32(t->sim, SMMU_IRQ_CTRLACK, 0xffffffffu, 0, ACK_POLLS),
          "IRQ_CTRLACK did not clear");
    /* Enabling interrupts alone raises none. */
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_EVENTQ) + sim_irq_count(t->sim, SIM_IRQ_GERROR) +
                 sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC), 0);
}

TEST(regs_gbpa_update)
{
    const sim_params_t *p = sim_params(t->sim);
    uint32_t v = 3u << SMMU_GBPA_INSTCFG_SHIFT | 2u << SMMU_GBPA_PRIVCFG_SHIFT |
                 2u << SMMU_GBPA_SHCFG_SHIFT | 0xau << SMMU_GBPA_ALLOCCFG_SHIFT |
                 SMMU_GBPA_MTCFG_MASK | 0x5u << SMMU_GBPA_MEMATTR_SHIFT;
    /* Fields that stick: with ATTR_*_OVR = 0 the overrides may read 0 or as written
     * (6.3.14), so only ABORT is compared then. */
    uint32_t cmp = p->attr_ovr ? ~SMMU_GBPA_UPDATE_MASK : SMMU_GBPA_ABORT_MASK;

    sim_reg_write32(t->sim, SMMU_GBPA, v | SMMU_GBPA_UPDATE_MASK);
    /* The new value is visible at once, Update until it has taken effect. */
    uint32_t r = sim_reg_read32(t->sim, SMMU_GBPA);
    CHECK((r & cmp) == (v & cmp), "GBPA right after the write reads 0x%08x, wrote 0x%08x", r, v);
    CHECK(sim_reg_poll32(t->sim, SMMU_GBPA, SMMU_GBPA_UPDATE_MASK, 0, ACK_POLLS),
          "GBPA.Update never cleared");
    r = sim_reg_read32(t->sim, SMMU_GBPA);
    CHECK((r & cmp) == (v & cmp) && !(r & SMMU_GBPA_UPDATE_MASK),
          "GBPA after the update reads 0x%08x, wrote 0x%08x", r, v);

    /* A write without Update is IGNORED (v3.2). */
    sim_reg_write32(t->sim, SMMU_GBPA, SMMU_GBPA_ABORT_MASK | 0x1u << SMMU_GBPA_MEMATTR_SHIFT);
    sim_step(t->sim, 20);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_GBPA) & cmp, v & cmp);

    /* All ones: only the defined fields (Bits [30:21], [15:14], [7:5] are RES0). */
    gbpa_set(t, 0xffffffffu);
    uint32_t all = SMMU_GBPA_ABORT_MASK | SMMU_GBPA_INSTCFG_MASK | SMMU_GBPA_PRIVCFG_MASK |
                   SMMU_GBPA_SHCFG_MASK | SMMU_GBPA_ALLOCCFG_MASK | SMMU_GBPA_MTCFG_MASK |
                   SMMU_GBPA_MEMATTR_MASK;
    r = sim_reg_read32(t->sim, SMMU_GBPA);
    if (p->attr_ovr)
        CHECK(r == all, "GBPA all ones reads 0x%08x, expected 0x%08x", r, all);
    else
        CHECK((r & ~all) == 0 && (r & SMMU_GBPA_ABORT_MASK), "GBPA all ones reads 0x%08x", r);

    /* Back to the reset value. */
    gbpa_set(t, exp_gbpa_reset(p));
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_GBPA), exp_gbpa_reset(p));
}

TEST(regs_64bit_halves)
{
    const sim_params_t *p = sim_params(t->sim);
    uint64_t pam = pa_mask(p);
    static const struct {
        const char *name;
        uint32_t off;
        uint64_t hint;
        unsigned lsb;
    } r64[] = {
        {"STRTAB_BASE", SMMU_STRTAB_BASE, SMMU_STRTAB_BASE_RA_MASK, 6},
        {"CMDQ_BASE", SMMU_CMDQ_BASE, SMMU_CMDQ_BASE_RA_MASK, 0},
        {"EVENTQ_BASE", SMMU_EVENTQ_BASE, SMMU_EVENTQ_BASE_WA_MASK, 0},
    };
    for (unsigned i = 0; i < 3; i++) {
        /* ADDR (and LOG2SIZE) bits that exist at this OAS, the hint bit. */
        uint64_t m = r64[i].hint | (0x00ffffffffffffffull & pam & ~((1ull << r64[i].lsb) - 1));
        uint64_t a = 0x4000a5a55a5a1f3full & m, b = 0x0000123487654321ull & m;

        sim_reg_write64(t->sim, r64[i].off, a);
        CHECK(sim_reg_read64(t->sim, r64[i].off) == a, "%s: 64-bit write/read", r64[i].name);
        CHECK(sim_reg_read32(t->sim, r64[i].off) == (uint32_t)a, "%s[31:0] after a 64-bit write",
              r64[i].name);
        CHECK(sim_reg_read32(t->sim, r64[i].off + 4) == (uint32_t)(a >> 32),
              "%s[63:32] after a 64-bit write", r64[i].name);

        /* Halves are independent: the low write keeps the high half and vice versa. */
        sim_reg_write32(t->sim, r64[i].off, (uint32_t)b);
        uint64_t want = (a & 0xffffffff00000000ull) | (b & 0xffffffffull);
        uint64_t got = sim_reg_read64(t->sim, r64[i].off);
        CHECK(got == want, "%s: low-half write gives 0x%016" PRIx64 ", expected 0x%016" PRIx64,
              r64[i].name, got, want);
        sim_reg_write32(t->sim, r64[i].off + 4, (uint32_t)(b >> 32));
        got = sim_reg_read64(t->sim, r64[i].off);
        CHECK(got == b, "%s: two 32-bit writes give 0x%016" PRIx64 ", expected 0x%016" PRIx64,
              r64[i].name, got, b);
        sim_reg_write64(t->sim, r64[i].off, 0);
    }
}

TEST(regs_eventq_page1_alias)
{
    const sim_params_t *p = sim_params(t->sim);
    uint32_t idx = (2u << p->eventqs) - 1;
    sim_reg_write64(t->sim, SMMU_EVENTQ_BASE, p->eventqs);

    sim_reg_write32(t->sim, SMMU_EVENTQ_PROD, 0x15u & idx);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_EVENTQ_PROD_ALIAS0), 0x15u & idx);
    sim_reg_write32(t->sim, SMMU_EVENTQ_PROD_ALIAS0, 0x2au & idx);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_EVENTQ_PROD), 0x2au & idx);

    sim_reg_write32(t->sim, SMMU_EVENTQ_CONS, 0x33u & idx);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_EVENTQ_CONS_ALIAS0), 0x33u & idx);
    sim_reg_write32(t->sim, SMMU_EVENTQ_CONS_ALIAS0, SMMU_EVENTQ_CONS_OVACKFLG_MASK | (0x0cu & idx));
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_EVENTQ_CONS),
             SMMU_EVENTQ_CONS_OVACKFLG_MASK | (0x0cu & idx));
    /* The two indexes are distinct registers. */
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_EVENTQ_PROD), 0x2au & idx);
}

TEST(regs_undefined_offsets)
{
    uint64_t before[MAX_REGS], after[MAX_REGS];
    unsigned n = snapshot(t, before);

    for (unsigned i = 0; i < sizeof undefined_offs / sizeof undefined_offs[0]; i++) {
        uint32_t off = undefined_offs[i], v = 0;
        int r = sim_reg_read32_resp(t->sim, off, &v);
        CHECK(r == 0 && v == 0, "undefined 0x%05x reads 0x%08x (resp %d)", off, v, r);
        r = sim_reg_write32_resp(t->sim, off, 0xffffffffu);
        CHECK(r == 0, "undefined 0x%05x: write response %d", off, r);
        v = sim_reg_read32(t->sim, off);
        CHECK(v == 0, "undefined 0x%05x reads 0x%08x after a write", off, v);
        if (!(off & 4)) {
            uint64_t d = 0;
            sim_reg_write64(t->sim, off, ~0ull);
            r = sim_reg_read64_resp(t->sim, off, &d);
            CHECK(r == 0 && d == 0, "undefined 0x%05x: 64-bit read 0x%016" PRIx64, off, d);
        }
    }
    /* Absent-feature registers (PRI; MSI when IDR0.MSI = 0) ignore writes too. */
    static const uint32_t res0[] = {OFF_PRIQ_BASE, OFF_PRIQ_PROD, OFF_PRIQ_CONS,
                                    OFF_PRIQ_IRQ_CFG0, OFF_PRIQ_IRQ_CFG1, OFF_PRIQ_IRQ_CFG2,
                                    SMMU_STATUSR, SMMU_AGBPA,
                                    OFF_GERROR_IRQ_CFG0, OFF_GERROR_IRQ_CFG1, OFF_GERROR_IRQ_CFG2,
                                    OFF_EVENTQ_IRQ_CFG0, OFF_EVENTQ_IRQ_CFG1, OFF_EVENTQ_IRQ_CFG2};
    unsigned nres0 = sizeof res0 / sizeof res0[0] - (sim_params(t->sim)->msi ? 6u : 0u);
    for (unsigned i = 0; i < nres0; i++) {
        sim_reg_write32(t->sim, res0[i], 0xffffffffu);
        CHECK(sim_reg_read32(t->sim, res0[i]) == 0, "RES0 register 0x%05x keeps a write", res0[i]);
    }
    /* ... and none of it reached a defined register. */
    snapshot(t, after);
    struct reg map[MAX_REGS];
    reg_map(sim_params(t->sim), map);
    for (unsigned i = 0; i < n; i++)
        CHECK(before[i] == after[i], "%s changed from 0x%" PRIx64 " to 0x%" PRIx64,
              map[i].name, before[i], after[i]);
}

TEST(regs_guarded_ignore_writes)
{
    uint64_t pool;
    size_t pool_size;
    mem_dma_pool(t->sim, &pool, &pool_size);

    uint64_t st = pool + 0x10000, cq = (pool + 0x20000) | 4, eq = (pool + 0x30000) | 4;
    uint32_t stcfg = 5u; /* linear, 32 StreamIDs */
    sim_reg_write64(t->sim, SMMU_STRTAB_BASE, st);
    sim_reg_write32(t->sim, SMMU_STRTAB_BASE_CFG, stcfg);
    sim_reg_write32(t->sim, SMMU_CR2, SMMU_CR2_RECINVSID_MASK);
    sim_reg_write32(t->sim, SMMU_CR1, 0xfffu);
    sim_reg_write64(t->sim, SMMU_CMDQ_BASE, cq);
    sim_reg_write64(t->sim, SMMU_EVENTQ_BASE, eq);

    /* SMMUEN = 1 guards STRTAB_BASE(_CFG), CR2 and CR1.TABLE_* (6.3.9-12, 6.3.24-25). */
    REQUIRE(cr0_set(t, SMMU_CR0_SMMUEN_MASK), "SMMUEN not acknowledged");
    sim_reg_write64(t->sim, SMMU_STRTAB_BASE, pool + 0x40000);
    sim_reg_write32(t->sim, SMMU_STRTAB_BASE, 0x1000);
    sim_reg_write32(t->sim, SMMU_STRTAB_BASE + 4, 0x1);
    sim_reg_write32(t->sim, SMMU_STRTAB_BASE_CFG, 3);
    sim_reg_write32(t->sim, SMMU_CR2, SMMU_CR2_E2H_MASK);
    sim_reg_write32(t->sim, SMMU_CR1, 0);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_STRTAB_BASE), st);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_STRTAB_BASE_CFG), stcfg);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CR2), SMMU_CR2_RECINVSID_MASK);
    /* QUEUE_* still writable: the queues are off. */
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CR1), 0xfc0u);
    sim_reg_write32(t->sim, SMMU_CR1, 0xfffu);

    /* The queue enables guard their BASE and the SMMU-owned index (6.3.26-29, 6.3.95). */
    REQUIRE(cr0_set(t, SMMU_CR0_SMMUEN_MASK | SMMU_CR0_CMDQEN_MASK | SMMU_CR0_EVENTQEN_MASK),
            "queue enables not acknowledged");
    sim_reg_write64(t->sim, SMMU_CMDQ_BASE, pool + 0x50000);
    sim_reg_write32(t->sim, SMMU_CMDQ_BASE + 4, 0x1);
    sim_reg_write64(t->sim, SMMU_EVENTQ_BASE, pool + 0x60000);
    sim_reg_write32(t->sim, SMMU_EVENTQ_BASE, 0x100);
    sim_reg_write32(t->sim, SMMU_CMDQ_CONS, 3);
    sim_reg_write32(t->sim, SMMU_EVENTQ_PROD, 5);
    sim_reg_write32(t->sim, SMMU_EVENTQ_PROD_ALIAS0, 6);
    sim_reg_write32(t->sim, SMMU_CR1, 0);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_CMDQ_BASE), cq);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_EVENTQ_BASE), eq);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CMDQ_CONS) & SMMU_CMDQ_CONS_RD_MASK, 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_EVENTQ_PROD), 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CR1), 0xfffu);
    /* Software's event-queue index is never guarded. */
    sim_reg_write32(t->sim, SMMU_EVENTQ_CONS, 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_EVENTQ_CONS), 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_GERROR), 0);

    /* Everything off: writable again. */
    REQUIRE(cr0_set(t, 0), "disable not acknowledged");
    sim_reg_write64(t->sim, SMMU_STRTAB_BASE, pool + 0x40000);
    sim_reg_write32(t->sim, SMMU_CR2, 0);
    sim_reg_write32(t->sim, SMMU_CR1, 0);
    sim_reg_write64(t->sim, SMMU_CMDQ_BASE, 0);
    sim_reg_write32(t->sim, SMMU_EVENTQ_PROD, 2);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_STRTAB_BASE), pool + 0x40000);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CR2), 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CR1), 0);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_CMDQ_BASE), 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_EVENTQ_PROD), 2);
}
