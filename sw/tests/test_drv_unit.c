/*
 * Host-only unit tests of the driver's pure parts: queue index arithmetic, command
 * builders (against encodings written out from IHI 0070 chapter 4, not from the
 * generated header), TLBI range splitting, the event decoder, and probe/init against a
 * mock HAL (a register array; no model involved). t->sim exists but is not used.
 */
#include <stdlib.h>
#include <string.h>

#include "mock_smmu.h"
#include "smmu/smmu.h"
#include "smmu/smmu_queue.h"
#include "smmu/smmu_regs.h"
#include "test.h"

/* ---- queue arithmetic ------------------------------------------------------------------ */

TEST(drv_unit_queue_math)
{
    const unsigned l = 3; /* 8 entries: slot [2:0], wrap bit 3 */

    CHECK_EQ(smmu_q_entries(l), 8);
    CHECK(smmu_q_empty(0x0, 0x0, l), "0/0 empty");
    CHECK(smmu_q_empty(0xd, 0xd, l), "same slot and wrap is empty");
    CHECK(!smmu_q_empty(0x8, 0x0, l), "wraps differ: not empty");
    CHECK(smmu_q_full(0x8, 0x0, l), "slot equal, wrap differs: full");
    CHECK(smmu_q_full(0x3, 0xb, l), "full the other way round");
    CHECK_EQ(smmu_q_used(0x2, 0xe, l), 4);   /* cons slot 6 wrap 1, prod slot 2 wrap 0 */
    CHECK_EQ(smmu_q_space(0x2, 0xe, l), 4);
    CHECK_EQ(smmu_q_used(0x5, 0x3, l), 2);
    CHECK_EQ(smmu_q_add(0x7, 1, l), 0x8);    /* slot 7 -> slot 0 with the wrap toggled */
    CHECK_EQ(smmu_q_add(0xf, 1, l), 0x0);
    CHECK_EQ(smmu_q_add(0xe, 5, l), 0x3);
    CHECK_EQ(smmu_q_slot(0xb, l), 3);
    CHECK_EQ(smmu_q_wrap(0xb, l), 1);
    /* Bits above the wrap (ERR, OVFLG) are ignored. */
    CHECK_EQ(smmu_q_used(0x80000002u, 0x01000001u, l), 1);
    /* Consumption of the entry at pos: prod = 0xa (slot 2, wrap 1). */
    CHECK(!smmu_q_consumed(0x9, 0xa, 0x9, l), "cons at pos: not consumed");
    CHECK(smmu_q_consumed(0x9, 0xa, 0xa, l), "cons past pos: consumed");
    CHECK(!smmu_q_consumed(0x7, 0xa, 0x5, l), "pos across the wrap, still ahead of cons");
    CHECK(smmu_q_consumed(0x7, 0xa, 0x8, l), "pos across the wrap, consumed");
    /* Exhaustive: for every cons <= pos < prod window the answer matches a 64-bit
     * reference. */
    for (uint64_t base = 0; base < 32; base++)
        for (unsigned used = 0; used <= 8; used++)
            for (unsigned back = 1; back <= 8; back++) {
                uint64_t prod = base + 8, cons = prod - used, pos = prod - back;
                bool want = pos < cons;
                bool got = smmu_q_consumed((uint32_t)pos & 0xf, (uint32_t)prod & 0xf,
                                           (uint32_t)cons & 0xf, l);
                if (got != want)
                    CHECK(false, "consumed(pos=%u prod=%u cons=%u) = %d", (unsigned)pos,
                          (unsigned)prod, (unsigned)cons, got);
            }
    CHECK_EQ(smmu_q_entries(19), 1u << 19);
    CHECK(smmu_q_full(1u << 19, 0, 19), "largest queue full");
}

/* ---- command builders ------------------------------------------------------------------- */

#define CHECK_CMD(c, w0, w1)                                                              \
    do {                                                                                  \
        CHECK_EQ((c).dw[0], (w0));                                                        \
        CHECK_EQ((c).dw[1], (w1));                                                        \
    } while (0)

TEST(drv_unit_cmd_builders)
{
    smmu_cmd_t c;
    smmu_tlbi_range_t r = {.tg = 1, .scale = 2, .num = 3, .ttl = 3};

    CHECK_EQ(smmu_cmd_cfgi_ste(&c, 0x1234, true), 0);
    CHECK_CMD(c, 0x0000123400000003ull, 0x1);
    CHECK_EQ(smmu_cmd_cfgi_all(&c), 0);
    CHECK_CMD(c, 0x04, 31);
    CHECK_EQ(smmu_cmd_cfgi_ste_range(&c, 0x40, 4), 0); /* 32 StreamIDs from 0x40 */
    CHECK_CMD(c, 0x0000004000000004ull, 4);
    CHECK_EQ(smmu_cmd_cfgi_ste_range(&c, 0x41, 4), SMMU_EINVAL);
    CHECK_CMD(c, 0, 0);
    CHECK_EQ(smmu_cmd_cfgi_ste_range(&c, 0, 32), SMMU_EINVAL);
    CHECK_EQ(smmu_cmd_cfgi_cd(&c, 7, 0xabcde, false), 0);
    CHECK_CMD(c, 0x00000007abcde005ull, 0);
    CHECK_EQ(smmu_cmd_cfgi_cd(&c, 7, 0x100000, false), SMMU_EINVAL);
    CHECK_EQ(smmu_cmd_cfgi_cd_all(&c, 0xffff), 0);
    CHECK_CMD(c, 0x0000ffff00000006ull, 0);
    CHECK_EQ(smmu_cmd_prefetch_config(&c, 9), 0);
    CHECK_CMD(c, 0x0000000900000001ull, 0);
    CHECK_EQ(smmu_cmd_prefetch_addr(&c, 9, 0x12345678), 0);
    CHECK_CMD(c, 0x0000000900000002ull, 0x12345000);

    CHECK_EQ(smmu_cmd_tlbi_nh_all(&c, 0x55), 0);
    CHECK_CMD(c, 0x0000005500000010ull, 0);
    CHECK_EQ(smmu_cmd_tlbi_nh_asid(&c, 0x55, 0xaaaa), 0);
    CHECK_CMD(c, 0xaaaa005500000011ull, 0);
    /* NUM [16:12], SCALE [24:20]; LEAF b0, TTL [9:8], TG [11:10], address [63:12]. */
    CHECK_EQ(smmu_cmd_tlbi_nh_va(&c, 5, 7, 0xffff800012345000ull, true, &r), 0);
    CHECK_CMD(c, 0x0007000500203012ull, 0xffff800012345000ull | 0x1 | (3u << 8) | (1u << 10));
    CHECK_EQ(smmu_cmd_tlbi_nh_va(&c, 5, 7, 0x1000, false, NULL), 0);
    CHECK_CMD(c, 0x0007000500000012ull, 0x1000);
    CHECK_EQ(smmu_cmd_tlbi_nh_vaa(&c, 5, 0x2000, true, NULL), 0);
    CHECK_CMD(c, 0x0000000500000013ull, 0x2001);
    CHECK_EQ(smmu_cmd_tlbi_el2_all(&c), 0);
    CHECK_CMD(c, 0x20, 0);
    CHECK_EQ(smmu_cmd_tlbi_el2_asid(&c, 3), 0);
    CHECK_CMD(c, 0x0003000000000021ull, 0);
    CHECK_EQ(smmu_cmd_tlbi_el2_va(&c, 3, 0x5000, false, NULL), 0);
    CHECK_CMD(c, 0x0003000000000022ull, 0x5000);
    CHECK_EQ(smmu_cmd_tlbi_el2_vaa(&c, 0x6000, true, NULL), 0);
    CHECK_CMD(c, 0x23, 0x6001);
    CHECK_EQ(smmu_cmd_tlbi_s12_vmall(&c, 0x1234), 0);
    CHECK_CMD(c, 0x0000123400000028ull, 0);
    CHECK_EQ(smmu_cmd_tlbi_s2_ipa(&c, 2, 0x00ff000000001000ull, true, NULL), 0);
    CHECK_CMD(c, 0x000000020000002aull, 0x00ff000000001001ull);
    CHECK_EQ(smmu_cmd_tlbi_s2_ipa(&c, 2, 1ull << 56, true, NULL), SMMU_EINVAL);
    CHECK_EQ(smmu_cmd_tlbi_nsnh_all(&c), 0);
    CHECK_CMD(c, 0x30, 0);
    CHECK_EQ(smmu_cmd_sync(&c, SMMU_CS_NONE), 0);
    CHECK_CMD(c, 0x46, 0);
    CHECK_EQ(smmu_cmd_sync(&c, SMMU_CS_IRQ), 0);
    CHECK_CMD(c, 0x1046, 0);
    CHECK_EQ(smmu_cmd_sync(&c, SMMU_CS_SEV), 0);
    CHECK_CMD(c, 0x2046, 0);

    /* Invalid parameters: an error and a zeroed command, never a half-built one. */
    CHECK_EQ(smmu_cmd_sync(&c, 3), SMMU_EINVAL);
    CHECK_CMD(c, 0, 0);
    CHECK_EQ(smmu_cmd_tlbi_nh_va(&c, 1, 1, 0x1800, false, NULL), SMMU_EINVAL);
    CHECK_CMD(c, 0, 0);
    r = (smmu_tlbi_range_t){.tg = 1, .scale = 0, .num = 0, .ttl = 0}; /* Reserved */
    CHECK_EQ(smmu_cmd_tlbi_el2_va(&c, 1, 0x1000, false, &r), SMMU_EINVAL);
    /* 16 KB with TTL 1 and NUM = SCALE = 0 is Reserved only when IDR5.DS = 0: the pure
     * builder encodes it (TG 2 [11:10], TTL 1 [9:8]); submission checks the SMMU's DS */
    r = (smmu_tlbi_range_t){.tg = 2, .scale = 0, .num = 0, .ttl = 1};
    CHECK_EQ(smmu_cmd_tlbi_nh_va(&c, 1, 1, 0x1000, false, &r), 0);
    CHECK_CMD(c, 0x0001000100000012ull, 0x1900);
    r = (smmu_tlbi_range_t){.tg = 1, .scale = 0, .num = 0, .ttl = 1}; /* 4 KB level 1: legal */
    CHECK_EQ(smmu_cmd_tlbi_nh_va(&c, 1, 1, 0x1000, false, &r), 0);
    r = (smmu_tlbi_range_t){.tg = 0, .scale = 1};
    CHECK_EQ(smmu_cmd_tlbi_el2_va(&c, 1, 0x1000, false, &r), SMMU_EINVAL);
    r = (smmu_tlbi_range_t){.tg = 2, .scale = 32, .num = 0, .ttl = 1};
    CHECK_EQ(smmu_cmd_tlbi_nh_vaa(&c, 1, 0x1000, false, &r), SMMU_EINVAL);
    r = (smmu_tlbi_range_t){.tg = 0};
    CHECK_EQ(smmu_cmd_tlbi_nh_vaa(&c, 1, 0x1000, false, &r), 0);
    CHECK_CMD(c, 0x0000000100000013ull, 0x1000);

    CHECK(!strcmp(smmu_cmd_opcode_name(0x46), "CMD_SYNC"), "opcode name");
    CHECK(!strcmp(smmu_cmd_opcode_name(0xff), "UNKNOWN"), "unknown opcode name");
}

TEST(drv_unit_batch)
{
    smmu_batch_t b;
    smmu_cmd_t c;
    smmu_t s;
    unsigned i;

    /* An SMMU that was never initialised: a full batch's submission is refused. */
    memset(&s, 0, sizeof s);
    smmu_batch_init(&b);
    CHECK_EQ(b.n, 0);
    for (i = 0; i < SMMU_BATCH_MAX; i++) {
        smmu_cmd_cfgi_ste(&c, i, false);
        CHECK_EQ(smmu_batch_add(&s, &b, &c), 0);
    }
    CHECK_EQ(b.n, SMMU_BATCH_MAX);
    /* Full: the batch submits itself before taking the next command - here refused
     * (not initialised), which leaves the batch as it was. */
    smmu_cmd_cfgi_ste(&c, 99, false);
    CHECK_EQ(smmu_batch_add(&s, &b, &c), SMMU_EINVAL);
    CHECK_EQ(b.n, SMMU_BATCH_MAX);
    CHECK_EQ(b.cmds[5].dw[0], 0x0000000500000003ull);
    CHECK_EQ(b.cmds[SMMU_BATCH_MAX - 1].dw[0], 0x0000001f00000003ull);
    /* A refused submission leaves the batch unchanged too. */
    CHECK_EQ(smmu_batch_submit(&s, &b, true, SMMU_CS_NONE), SMMU_EINVAL);
    CHECK_EQ(b.n, SMMU_BATCH_MAX);
    CHECK_EQ(smmu_batch_submit(&s, &b, true, 3), SMMU_EINVAL);
    CHECK_EQ(b.n, SMMU_BATCH_MAX);
}

TEST(drv_unit_tlbi_range_split)
{
    static const uint64_t cases[] = {1, 2, 31, 32, 33, 63, 64, 100, 1000, 4097, 123456789,
                                     (1ull << 40) + 12345};
    smmu_tlbi_range_t r;

    CHECK_EQ(smmu_tlbi_range_chunk(0, 1, &r), 0);
    CHECK_EQ(smmu_tlbi_range_chunk(5, 0, &r), 0);
    CHECK_EQ(smmu_tlbi_range_chunk(5, 4, &r), 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t left = cases[i], addr = 0x10000000;
        unsigned cmds = 0;
        while (left) {
            smmu_cmd_t c;
            uint64_t n = smmu_tlbi_range_chunk(left, 1, &r);
            REQUIRE(n > 0 && n <= left, "chunk of %" PRIu64 " pages: %" PRIu64, left, n);
            if (r.tg)
                CHECK_EQ(n, (uint64_t)(r.num + 1) << r.scale);
            else
                CHECK_EQ(n, 1);
            CHECK_EQ(smmu_cmd_tlbi_nh_va(&c, 1, 1, addr & ~0xfffull, false, &r), 0);
            left -= n;
            addr += n << 12;
            cmds++;
            REQUIRE(cmds < 200, "too many commands for %" PRIu64 " pages", cases[i]);
        }
        test_log(t, "%" PRIu64 " pages: %u commands", cases[i], cmds);
    }
    /* 32 pages fit one command; the most one command covers is 32 << 31 pages. */
    CHECK_EQ(smmu_tlbi_range_chunk(32, 1, &r), 32);
    CHECK_EQ(smmu_tlbi_range_chunk(~0ull, 3, &r), 32ull << 31);
    CHECK(r.tg == 3 && r.scale == 31 && r.num == 31, "largest range");
}

/* ---- event decoder ------------------------------------------------------------------- */

TEST(drv_unit_event_decode)
{
    smmu_event_t ev;
    char buf[200];
    size_t n;

    memset(&ev, 0, sizeof ev);
    ev.dw[0] = 0x0000123400000002ull; /* C_BAD_STREAMID, sid 0x1234 */
    n = smmu_event_decode(&ev, buf, sizeof buf);
    CHECK(!strcmp(buf, "C_BAD_STREAMID sid=0x1234"), "got '%s'", buf);
    CHECK_EQ(n, strlen(buf));

    /* F_TRANSLATION, sid 5, SSV with ssid 2; read, privileged, data, S2 = 1, CLASS = IN,
     * input address and IPA. */
    ev.dw[0] = 0x0000000500002810ull;
    ev.dw[1] = (1ull << 35) | (1ull << 33) | (1ull << 39) | (2ull << 40);
    ev.dw[2] = 0x0000ffff40001234ull;
    ev.dw[3] = 0x0000000080042000ull;
    smmu_event_decode(&ev, buf, sizeof buf);
    CHECK(!strcmp(buf, "F_TRANSLATION sid=0x5 ssid=0x2 read priv data S2=1 class=IN "
                       "addr=0xffff40001234 ipa=0x80042000"),
          "got '%s'", buf);

    /* F_STE_FETCH: FetchAddr [55:3]. */
    memset(&ev, 0, sizeof ev);
    ev.dw[0] = 0x0000004200000003ull;
    ev.dw[3] = 0x80001040ull;
    smmu_event_decode(&ev, buf, sizeof buf);
    CHECK(!strcmp(buf, "F_STE_FETCH sid=0x42 fetch=0x80001040"), "got '%s'", buf);

    /* C_BAD_SUBSTREAMID: the SubstreamID is valid without an SSV bit (IHI 0070 7.3.9). */
    memset(&ev, 0, sizeof ev);
    ev.dw[0] = 0x00000007abcde008ull;
    smmu_event_decode(&ev, buf, sizeof buf);
    CHECK(!strcmp(buf, "C_BAD_SUBSTREAMID sid=0x7 ssid=0xabcde"), "got '%s'", buf);

        /* F_PERMISSION on a stage-1 table access: write, unprivileged, TTRnW. */
    memset(&ev, 0, sizeof ev);
    ev.dw[0] = 0x0000000100000013ull;
    ev.dw[1] = (1ull << 40) | (1ull << 44);
    ev.dw[2] = 0x1000;
    smmu_event_decode(&ev, buf, sizeof buf);
    CHECK(!strcmp(buf, "F_PERMISSION sid=0x1 write unpriv data S2=0 class=TT ttread "
                       "addr=0x1000"),
          "got '%s'", buf);

    /* Unknown types show the raw record. */
    memset(&ev, 0, sizeof ev);
    ev.dw[0] = 0xe5;
    ev.dw[3] = 0xabc;
    smmu_event_decode(&ev, buf, sizeof buf);
    CHECK(!strcmp(buf, "UNKNOWN type=0xe5 dw0=0xe5 dw1=0x0 dw2=0x0 dw3=0xabc"), "got '%s'",
          buf);

    /* Truncation: always NUL-terminated, never past len. */
    ev.dw[0] = 0x0000123400000002ull;
    memset(buf, 'x', sizeof buf);
    n = smmu_event_decode(&ev, buf, 8);
    CHECK_EQ(n, 7);
    CHECK(!strcmp(buf, "C_BAD_S"), "got '%s'", buf);
    CHECK_EQ((unsigned char)buf[8], 'x');
    n = smmu_event_decode(&ev, buf, 1);
    CHECK_EQ(n, 0);
    CHECK_EQ(buf[0], 0);

    CHECK(!strcmp(smmu_event_name(EVT_F_WALK_EABT), "F_WALK_EABT"), "event name");
    CHECK(!strcmp(smmu_strerror(SMMU_ETIMEDOUT), "timed out waiting for the SMMU"),
          "strerror");
    CHECK(!strcmp(smmu_strerror(-99), "unknown error"), "strerror unknown");
}

/* ---- probe and init against the mock SMMU (mock_smmu.h) ------------------------------------ */

TEST(drv_unit_probe_mock)
{
    mock_smmu_t *m = mock_new();
    smmu_hal_t hal;
    smmu_t s;

    REQUIRE(m, "mock");
    hal = m->hal;
    CHECK_EQ(smmu_probe(&s, &hal), 0);
    CHECK(s.feat.s1p && s.feat.s2p && s.feat.hyp && s.feat.cohacc && s.feat.st_2lvl,
          "IDR0 features");
    CHECK(s.feat.fwb && s.feat.ril && s.feat.xnx && s.feat.had, "IDR3 features");
    CHECK_EQ(s.feat.bbml, 1);
    CHECK_EQ(s.feat.sid_bits, 16);
    CHECK_EQ(s.feat.cmdq_log2, 8);
    CHECK_EQ(s.feat.eventq_log2, 7);
    CHECK_EQ(s.feat.oas_bits, 48);
    CHECK_EQ(s.feat.arch_minor, 2);
    CHECK_EQ(s.feat.implementer, 0x43b);
    CHECK_EQ(s.feat.productid, 0x001);

    /* Missing HAL functions. */
    smmu_hal_t bad = hal;
    bad.now_us = NULL;
    CHECK_EQ(smmu_probe(&s, &bad), SMMU_EINVAL);
    CHECK_EQ(smmu_probe(&s, NULL), SMMU_EINVAL);

    /* Each refusal names its field. */
    static const struct {
        uint32_t off, clear, set;
        const char *needle;
    } refusals[] = {
        {SMMU_IDR0, SMMU_IDR0_TTF_MASK, 1u << SMMU_IDR0_TTF_SHIFT, "IDR0.TTF"},
        {SMMU_IDR0, SMMU_IDR0_TTENDIAN_MASK, 3u << SMMU_IDR0_TTENDIAN_SHIFT, "IDR0.TTENDIAN"},
        {SMMU_IDR0, SMMU_IDR0_STALL_MODEL_MASK, 2u << SMMU_IDR0_STALL_MODEL_SHIFT,
         "IDR0.STALL_MODEL"},
        {SMMU_IDR0, SMMU_IDR0_S1P_MASK | SMMU_IDR0_S2P_MASK, 0, "IDR0.S1P|S2P"},
        {SMMU_IDR5, SMMU_IDR5_GRAN4K_MASK, SMMU_IDR5_GRAN64K_MASK, "IDR5.GRAN4K"},
        {SMMU_IDR5, SMMU_IDR5_OAS_MASK, 7, "IDR5.OAS"},
        {SMMU_AIDR, 0xff, 0x10, "AIDR.ArchMajorRev"},
        {SMMU_IDR1, 0, SMMU_IDR1_QUEUES_PRESET_MASK, "QUEUES_PRESET"},
    };
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        mock_ids(m);
        m->regs[refusals[i].off / 4] =
            (m->regs[refusals[i].off / 4] & ~refusals[i].clear) | refusals[i].set;
        m->last[0] = 0;
        CHECK_EQ(smmu_probe(&s, &hal), SMMU_ENODEV);
        CHECK(strstr(m->last, refusals[i].needle) && m->last_level == SMMU_LOG_ERR,
              "refusal %zu logged '%s'", i, m->last);
        CHECK(!s.probed, "refused SMMU not marked probed");
    }
    mock_free(m);
}

TEST(drv_unit_init_mock)
{
    mock_smmu_t *m = mock_new();
    smmu_hal_t hal;
    smmu_config_t cfg = {.timeout_us = 500};
    smmu_t s;

    REQUIRE(m, "mock");
    hal = m->hal;
    m->consume = false; /* nothing completes a CMD_SYNC */
    /* CR0ACK never follows: init times out, logs, and frees what it allocated. */
    m->ack_follows = false;
    m->regs[SMMU_CR0 / 4] = 0;
    REQUIRE(smmu_probe(&s, &hal) == 0, "probe");
    m->regs[SMMU_CR0ACK / 4] = 0;
    m->regs[SMMU_CR0 / 4] = SMMU_CR0_SMMUEN_MASK; /* "enabled": init must disable first */
    m->regs[SMMU_CR0ACK / 4] = SMMU_CR0_SMMUEN_MASK;
    uint64_t t0 = m->t;
    CHECK_EQ(smmu_init(&s, &cfg), SMMU_ETIMEDOUT);
    CHECK(m->t - t0 < 5000, "time-out bounded (%" PRIu64 " us)", m->t - t0);
    CHECK(strstr(m->last, "CR0ACK") != NULL, "time-out logged: '%s'", m->last);
    CHECK_EQ(m->pool.allocs, 0);

    /* ACKs follow: init programs the queues and then waits for the first CMD_SYNC,
     * which never completes (nothing consumes): a bounded time-out, memory freed. */
    m->ack_follows = true;
    REQUIRE(smmu_probe(&s, &hal) == 0, "probe");
    cfg.strtab_log2 = 4;
    cfg.cmdq_log2 = 3;
    CHECK_EQ(smmu_init(&s, &cfg), SMMU_ETIMEDOUT);
    CHECK_EQ(m->regs[SMMU_STRTAB_BASE_CFG / 4], 4); /* linear, 16 StreamIDs */
    CHECK_EQ(m->regs[SMMU_CMDQ_BASE / 4] & 0x1f, 3);
    CHECK_EQ(m->regs[SMMU_CMDQ_PROD / 4], 2);       /* CFGI_ALL + CMD_SYNC */
    CHECK_EQ(m->regs[SMMU_CR2 / 4], SMMU_CR2_RECINVSID_MASK);
    CHECK_EQ(m->regs[SMMU_CR1 / 4], 0xd75);         /* WB ISH for tables and queues */
    CHECK_EQ(m->regs[SMMU_CR0 / 4], 0);             /* undone */
    CHECK_EQ(m->pool.allocs, 0);

    /* 2-level: the whole 16-bit space with SPLIT 8 -> 256 level-1 descriptors. */
    REQUIRE(smmu_probe(&s, &hal) == 0, "probe");
    cfg.strtab_log2 = 0;
    CHECK_EQ(smmu_init(&s, &cfg), SMMU_ETIMEDOUT);
    CHECK_EQ(m->regs[SMMU_STRTAB_BASE_CFG / 4], (1u << 16) | (8u << 6) | 16u);
    CHECK_EQ(m->pool.allocs, 0);

    /* GBPA through the mock: UPDATE clears at once. */
    smmu_gbpa_t g = smmu_gbpa_incoming(false), r;
    CHECK_EQ(smmu_set_gbpa(&s, &g), 0);
    CHECK_EQ(m->regs[SMMU_GBPA / 4], 1u << SMMU_GBPA_SHCFG_SHIFT);
    g.abort = true;
    g.privcfg = 1; /* reserved */
    CHECK_EQ(smmu_set_gbpa(&s, &g), SMMU_EINVAL);
    g.privcfg = 3;
    CHECK_EQ(smmu_set_gbpa(&s, &g), 0);
    CHECK_EQ(smmu_get_gbpa(&s, &r), 0);
    CHECK(r.abort && r.privcfg == 3 && r.shcfg == 1, "GBPA read back");
    mock_free(m);
}
