/*
 * End-to-end demo (`make run`): the driver brings up the SMMU model, runs commands,
 * decodes an event, bypasses a DMA through GBPA and tears down. Exits 0 only if every
 * step worked.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sim.h"
#include "smmu/smmu.h"
#include "smmu/smmu_regs.h"
#include "smmu_hal_sim.h"

static unsigned failures;

static void step(const char *name, bool ok, const char *detail)
{
    printf("%-28s %s%s%s\n", name, ok ? "ok" : "FAILED", detail && *detail ? ": " : "",
           detail ? detail : "");
    if (!ok)
        failures++;
}

static void print_features(const smmu_features_t *f)
{
    static const char *const stall[4] = {"stall+terminate", "terminate only", "stall forced",
                                         "reserved"};
    printf("  identity     SMMUv3.%u (AIDR 0x%02x), IIDR 0x%08x: implementer 0x%03x, "
           "product 0x%03x, variant %u, revision %u\n",
           f->arch_minor, f->aidr, f->iidr, f->implementer, f->productid, f->variant,
           f->revision);
    printf("  translation  stage 1 %s, stage 2 %s, AArch64 tables %s, 4K granule %s, "
           "OAS %u bits\n",
           f->s1p ? "yes" : "no", f->s2p ? "yes" : "no", (f->ttf & 2) ? "yes" : "no",
           f->gran4k ? "yes" : "no", f->oas_bits);
    printf("  streams      %u StreamID bits, %u SubstreamID bits, stream tables: %s\n",
           f->sid_bits, f->ssid_bits, f->st_2lvl ? "linear and 2-level" : "linear");
    printf("  queues       command 2^%u, event 2^%u entries max\n", f->cmdq_log2,
           f->eventq_log2);
    printf("  v3.2         S2FWB %u, HYP %u, RIL %u, BBML %u, XNX %u, HAD %u, VMID16 %u, "
           "ASID16 %u\n",
           f->fwb, f->hyp, f->ril, f->bbml, f->xnx, f->had, f->vmid16, f->asid16);
    printf("  system       COHACC %u, attribute overrides types %u perms %u, "
           "TERM_MODEL %u, %s, TTENDIAN %u, MSI %u, ATS %u, PRI %u\n",
           f->cohacc, f->attr_types_ovr, f->attr_perms_ovr, f->term_model,
           stall[f->stall_model & 3], f->ttendian, f->msi, f->ats, f->pri);
}

static char event_text[160];
static unsigned events_seen;

static void on_event(void *arg, const smmu_event_t *ev)
{
    (void)arg;
    if (events_seen++ == 0)
        smmu_event_decode(ev, event_text, sizeof event_text);
}

static smmu_hal_sim_t hal;

int main(void)
{
    sim_t *sim = sim_create(NULL);
    smmu_t smmu;
    char detail[256];
    int ret;

    if (!sim) {
        printf("could not create the model\n");
        return 1;
    }
    if (smmu_hal_sim_init(&hal, sim) != 0) {
        printf("could not set up the simulator HAL\n");
        sim_destroy(sim);
        return 1;
    }
    hal.log_level = SMMU_LOG_WARN;
    printf("SMMUv3 driver demo on the Verilator model (clock taken as %u MHz)\n\n",
           SMMU_HAL_SIM_MHZ);

    /* 1. Probe. */
    ret = smmu_probe(&smmu, &hal.hal);
    step("probe", ret == 0, smmu_strerror(ret));
    if (ret) {
        smmu_hal_sim_fini(&hal);
        sim_destroy(sim);
        return 1;
    }
    print_features(&smmu.feat);

    /* 2. Init and enable: 256 StreamIDs (linear), 8-entry command queue. */
    smmu_config_t cfg = {.strtab_log2 = 8, .cmdq_log2 = 3, .eventq_log2 = 4,
                         .irq_gerror = true, .irq_eventq = true};
    uint64_t c0 = sim_cycles(sim);
    ret = smmu_init(&smmu, &cfg);
    uint32_t ack = sim_reg_read32(sim, SMMU_CR0ACK);
    snprintf(detail, sizeof detail, "%s in %" PRIu64 " cycles; CR0ACK 0x%x =%s%s%s",
             smmu_strerror(ret), sim_cycles(sim) - c0, ack,
             (ack & SMMU_CR0ACK_SMMUEN_MASK) ? " SMMUEN" : "",
             (ack & SMMU_CR0ACK_CMDQEN_MASK) ? " CMDQEN" : "",
             (ack & SMMU_CR0ACK_EVENTQEN_MASK) ? " EVENTQEN" : "");
    step("init and enable", ret == 0 && ack == (SMMU_CR0ACK_SMMUEN_MASK |
                                                SMMU_CR0ACK_CMDQEN_MASK |
                                                SMMU_CR0ACK_EVENTQEN_MASK), detail);
    if (ret) {
        smmu_hal_sim_fini(&hal);
        sim_destroy(sim);
        return 1;
    }
    printf("  stream table %s, 2^%u StreamIDs at 0x%" PRIx64 "; command queue 2^%u at 0x%" PRIx64
           "; event queue 2^%u at 0x%" PRIx64 "\n",
           smmu.strtab_2lvl ? "2-level" : "linear", smmu.strtab_log2, smmu.strtab.pa,
           smmu.cmdq_log2, smmu.cmdq.pa, smmu.eventq_log2, smmu.evtq.pa);

    /* 3. Command round-trip: four invalidations and a CMD_SYNC that interrupts. */
    smmu_batch_t b;
    smmu_cmd_t c;
    smmu_batch_init(&b);
    smmu_cmd_cfgi_ste(&c, 5, false);
    smmu_batch_add(&b, &c);
    smmu_cmd_tlbi_nh_asid(&c, 1, 7);
    smmu_batch_add(&b, &c);
    smmu_cmd_tlbi_s12_vmall(&c, 1);
    smmu_batch_add(&b, &c);
    smmu_cmd_tlbi_el2_all(&c);
    smmu_batch_add(&b, &c);
    uint64_t irq0 = sim_irq_count(sim, SIM_IRQ_CMD_SYNC);
    c0 = sim_cycles(sim);
    ret = smmu_batch_submit(&smmu, &b, true, SMMU_CS_IRQ);
    uint64_t cycles = sim_cycles(sim) - c0;
    sim_step(sim, 10);
    uint64_t irqs = sim_irq_count(sim, SIM_IRQ_CMD_SYNC) - irq0;
    snprintf(detail, sizeof detail,
             "4 commands + CMD_SYNC(CS=IRQ): %s, %" PRIu64 " cycles, %" PRIu64
             " CMD_SYNC interrupt(s)",
             smmu_strerror(ret), cycles, irqs);
    step("command round-trip", ret == 0 && irqs == 1, detail);

    /* 4. An event: a client read with a StreamID beyond the table. */
    uint64_t data = 0;
    dma_txn_t txn = {.sid = 0x1234, .addr = 0x40001000, .len = 8, .prot = 2};
    dma_result_t r = dma_read(sim, &txn, &data);
    sim_step(sim, 20);
    ret = smmu_evtq_drain(&smmu, on_event, NULL, 0);
    snprintf(detail, sizeof detail, "read resp %d, %d event(s): %s", r.resp, ret,
             events_seen ? event_text : "(none)");
    step("decoded event", r.resp != 0 && ret == 1 &&
                              !strcmp(event_text, "C_BAD_STREAMID sid=0x1234"),
         detail);

    /* 5. GBPA bypass: translation off, GBPA set to bypass, a DMA write and read. */
    const uint64_t pa = 0x40002000, pattern = 0x5a5a0123456789a5ull;
    smmu_gbpa_t g = smmu_gbpa_incoming(false);
    ret = smmu_write_cr0(&smmu, smmu.cr0 & ~SMMU_CR0_SMMUEN_MASK);
    if (ret == 0)
        ret = smmu_set_gbpa(&smmu, &g);
    txn.sid = 3;
    txn.addr = pa;
    dma_result_t w = dma_write(sim, &txn, &pattern);
    data = 0;
    r = dma_read(sim, &txn, &data);
    bool ok = ret == 0 && w.resp == 0 && r.resp == 0 && w.dn.seen && w.dn.addr == pa &&
              data == pattern && mem_read64(sim, pa) == pattern;
    snprintf(detail, sizeof detail,
             "%s; write resp %d at PA 0x%" PRIx64 ", read back 0x%016" PRIx64,
             smmu_strerror(ret), w.resp, w.dn.addr, data);
    step("GBPA bypass DMA", ok, detail);
    g.abort = true; /* leave the system safe: abort while translation is off */
    ret = smmu_set_gbpa(&smmu, &g);
    step("GBPA back to abort", ret == 0, smmu_strerror(ret));

    /* 6. Tear-down. */
    ret = smmu_teardown(&smmu);
    ack = sim_reg_read32(sim, SMMU_CR0ACK);
    snprintf(detail, sizeof detail, "%s; CR0ACK 0x%x, %u DMA allocations live",
             smmu_strerror(ret), ack, hal.allocs);
    step("tear-down", ret == 0 && ack == 0 && hal.allocs == 0, detail);

    printf("\ndriver statistics: %" PRIu64 " commands, %" PRIu64 " syncs, %" PRIu64
           " events, %u global errors; %" PRIu64 " cycles in all\n",
           smmu.stats.cmds, smmu.stats.syncs, smmu.stats.events, smmu.stats.gerrors,
           sim_cycles(sim));
    smmu_hal_sim_fini(&hal);
    sim_destroy(sim);
    printf("%s\n", failures ? "DEMO FAILED" : "demo passed");
    return failures ? 1 : 0;
}
