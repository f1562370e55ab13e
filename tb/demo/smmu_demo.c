/*
 * End-to-end demo (`make run`), written as a guided tour for a newcomer: the driver
 * brings up the SMMU model, runs commands, decodes an event, plays a hypervisor giving a
 * guest a device through nested translation (nest-parent stage 2, vIOMMU, the guest's own
 * CD and stage-1 tables in guest memory, DMA through both stages with S2FWB, guest
 * invalidation, a guest fault forwarded with the virtual StreamID), bypasses a DMA
 * through GBPA and tears down. Each part says what it shows and what its numbers mean;
 * terms are explained at first use; a table sums the run up. Exits 0 only if every step
 * worked. Sections cited are of IHI 0070, the SMMUv3 specification.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sim.h"
#include "smmu/smmu.h"
#include "smmu/smmu_pmu.h"
#include "smmu/smmu_domain.h"
#include "smmu/smmu_nested.h"
#include "smmu/smmu_regs.h"
#include "smmu/smmu_guest.h"
#include "smmu_hal_sim.h"

static unsigned failures;
static sim_t *g_sim;

/* The summary table: one row per step, with the cycles it took. */
#define MAX_STEPS 24
static struct {
    const char *name;
    bool ok;
    uint64_t cycles;
} rows[MAX_STEPS];
static unsigned n_rows;
static uint64_t mark; /* the cycle count when the last step ended */

static void step(const char *name, bool ok, const char *detail)
{
    uint64_t now = sim_cycles(g_sim);
    printf("  %-6s %s%s%s\n", ok ? "ok" : "FAILED", name, detail && *detail ? ": " : "",
           detail ? detail : "");
    if (n_rows < MAX_STEPS) {
        rows[n_rows].name = name;
        rows[n_rows].ok = ok;
        rows[n_rows].cycles = now - mark;
        n_rows++;
    }
    mark = now;
    if (!ok)
        failures++;
}

/* A part of the tour: its number, title and what it shows. */
static void part(unsigned n, const char *title, const char *what)
{
    printf("\n%u. %s\n   %s\n", n, title, what);
    mark = sim_cycles(g_sim);
}

/* A line on what the numbers above mean, or a term at its first use. */
static void note(const char *text)
{
    printf("         %s\n", text);
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

/* ---- the hypervisor-style nested flow ----------------------------------------------- */

#define GUEST_RAM_IPA 0x40000000ull /* where the guest sees its 2 MB of RAM */
#define GUEST_RAM_SIZE 0x200000ull
#define GUEST_BUF_IPA (GUEST_RAM_IPA + 0x100000) /* two guest buffers in it */
#define GUEST_BUF2_IPA (GUEST_RAM_IPA + 0x101000)
#define GUEST_VA 0x7f0000000000ull              /* where the guest maps them for DMA */
#define GUEST_VA_NC (GUEST_VA + 0x1000)
#define VSID 0x10u                               /* the device as the guest numbers it */
#define PSID 0x05u                               /* ... and as the SMMU does */
#define GUEST_ASID 3u

static char guest_event[160];
static unsigned guest_events, host_faults;

static void on_guest_event(void *arg, const smmu_event_t *ev)
{
    (void)arg;
    if (guest_events++ == 0)
        smmu_event_decode(ev, guest_event, sizeof guest_event);
}

static void on_host_fault(void *arg, const smmu_event_t *ev)
{
    (void)arg;
    (void)ev;
    host_faults++;
}

static smmu_hal_guest_t guest_hal;

static void demo_nested(sim_t *sim, smmu_t *smmu)
{
    smmu_domain_cfg_t pcfg = {.nest_parent = true};
    smmu_domain_t parent, nested;
    smmu_viommu_t viommu;
    smmu_master_t dev;
    smmu_pgtable_t gpt;
    smmu_hw_info_t info;
    void *ram = NULL, *cd_cpu = NULL;
    uint64_t ram_pa = 0, cd_ipa = 0, data = 0, gcd[8];
    char detail[256];
    int ret;

    part(5, "Nested translation: a virtual machine gets a device",
         "A hypervisor (the host) gives a guest OS a DMA device. The guest writes its own\n"
         "   stage-1 tables and configuration in its RAM, with its own numbers; the host's stage 2\n"
         "   maps the guest's RAM (IPAs, intermediate physical addresses) to real memory. Every\n"
         "   DMA goes through both stages (IHI 0070 §3.3, the nesting API in sw/include/smmu/smmu_nested.h).");
    /* The host: what the guest's virtual SMMU may advertise, the VM's stage 2 (the
     * nest parent) mapping the guest's RAM, and a vIOMMU with the device at vSID. */
    ret = smmu_hw_info(smmu, &info);
    snprintf(detail, sizeof detail, "guest IDR0 0x%08x (S1P %u, S2P %u, HYP %u), IDR3 0x%08x "
             "(FWB %u)", info.idr[0], (info.idr[0] >> 1) & 1u, info.idr[0] & 1u,
             (info.idr[0] >> 9) & 1u, info.idr[3], (unsigned)((info.idr[3] & SMMU_IDR3_FWB_MASK) != 0));
    step("hw_info for the guest", ret == 0 && !(info.idr[0] & SMMU_IDR0_S2P_MASK) &&
                                      (info.idr[0] & SMMU_IDR0_S1P_MASK), detail);
    note("the ID registers the guest's virtual SMMU shows: stage 1 only (S1P 1, S2P 0), since");
    note("stage 2 stays the host's.");
    ret = hal.hal.dma_alloc(hal.hal.ctx, GUEST_RAM_SIZE, GUEST_RAM_SIZE, &ram, &ram_pa);
    if (ret == 0)
        ret = smmu_domain_init(&parent, smmu, SMMU_DOMAIN_S2, &pcfg);
    if (ret == 0)
        ret = smmu_domain_map(&parent, GUEST_RAM_IPA, ram_pa, GUEST_RAM_SIZE,
                              SMMU_PROT_READ | SMMU_PROT_WRITE, SMMU_MAP_MEM);
    if (ret == 0)
        smmu_domain_set_fault_handler(&parent, on_host_fault, NULL);
    if (ret == 0)
        ret = smmu_viommu_init(&viommu, &parent, on_guest_event, NULL);
    if (ret == 0)
        ret = smmu_master_init_fw(&dev, smmu, PSID, SMMU_MASTER_DMA_COHERENT);
    if (ret == 0)
        ret = smmu_viommu_vdev_add(&viommu, &dev, VSID);
    snprintf(detail, sizeof detail, "%s; VMID %u, S2FWB %u, guest RAM IPA 0x%llx -> PA 0x%llx, "
             "vSID 0x%x -> pSID 0x%x", smmu_strerror(ret), parent.vmid, parent.fwb,
             (unsigned long long)GUEST_RAM_IPA, (unsigned long long)ram_pa, VSID, PSID);
    step("nest parent and vIOMMU", ret == 0, detail);
    note("nest parent: the host's stage-2 domain for the VM, tagged by a VMID (virtual machine");
    note("ID). vIOMMU: the host's object for the guest's virtual SMMU. vSID: the StreamID the");
    note("guest uses for the device; the vIOMMU maps it to the real one (pSID). S2FWB 1: Stage-2");
    note("Forced Write-Back (STE.S2FWB, IHI 0070 §5.2; chapter 13): stage 2 can force");
    note("write-back cacheable memory whatever the guest's stage 1 says.");
    if (ret)
        return;

    /* The guest: its stage-1 tables and CD in its own RAM, holding IPAs (the driver's
     * table code through a HAL that hands out guest pages). One page write-back, one
     * mapped Non-cacheable, which S2FWB forces back to write-back. */
    ret = smmu_hal_guest_init(&guest_hal, &hal.hal, (uint8_t *)ram + 0x180000,
                              GUEST_RAM_IPA + 0x180000, 0x80000);
    smmu_pgtable_cfg_t gcfg = {.stage = 1, .ias = 48, .oas = parent.pgt.cfg.ias,
                               .bbml2 = smmu->feat.bbml >= 2};
    if (ret == 0)
        ret = smmu_pgtable_init(&gpt, &guest_hal.hal, &gcfg);
    smmu_gather_t gg;
    smmu_guest_flush_t gflush = {.viommu = &viommu, .asid = GUEST_ASID};
    smmu_gather_init(&gg, smmu_guest_flush, &gflush);
    if (ret == 0)
        ret = smmu_pgtable_map(&gpt, GUEST_VA, GUEST_BUF_IPA, 0x1000,
                               SMMU_PROT_READ | SMMU_PROT_WRITE, SMMU_MAP_MEM, &gg);
    if (ret == 0)
        ret = smmu_pgtable_map(&gpt, GUEST_VA_NC, GUEST_BUF2_IPA, 0x1000,
                               SMMU_PROT_READ | SMMU_PROT_WRITE, SMMU_MAP_IO, &gg);
    if (ret == 0)
        ret = guest_hal.hal.dma_alloc(guest_hal.hal.ctx, 64, 64, &cd_cpu, &cd_ipa);
    if (ret == 0) {
        smmu_domain_t g = {0}; /* only what smmu_make_cd reads: the guest's view */
        g.pgt = gpt;
        g.asid = GUEST_ASID;
        g.coherent_walk = smmu->coherent;
        smmu_make_cd(&g, gcd);
        memcpy(cd_cpu, gcd, sizeof gcd);
    }
    /* The guest's STE: stage 1 with one CD at an IPA. */
    const uint64_t gste[2] = {STE_V_MASK | (uint64_t)STE_CFG_S1 << STE_CONFIG_SHIFT |
                                  (cd_ipa & STE_S1CONTEXTPTR_MASK), 0};
    if (ret == 0)
        ret = smmu_nested_domain_init(&nested, &viommu, gste);
    if (ret == 0)
        ret = smmu_attach(&dev, &nested);
    snprintf(detail, sizeof detail, "%s; CD at IPA 0x%llx, tables at IPA 0x%llx, STE update %u "
             "syncs (%s)", smmu_strerror(ret), (unsigned long long)cd_ipa,
             (unsigned long long)gpt.root_pa, dev.last_syncs, dev.last_hitless ? "hitless" : "breaking");
    step("guest STE validated, attached", ret == 0, detail);
    note("STE: Stream Table Entry (IHI 0070 §5.2), the per-StreamID configuration: which stages");
    note("translate and where their tables are. CD: Context Descriptor (§5.4), stage 1's");
    note("configuration (table base, ASID). The guest's STE points at its CD by IPA; the host");
    note("checks it and merges it with its stage 2. \"syncs\": CMD_SYNCs the update needed;");
    note("hitless: no DMA in flight could see a half-written STE (§3.21).");
    if (ret)
        return;

    /* DMA by the device at the guest's VA: through stage 1 and stage 2. */
    const uint64_t pat = 0x6e65737465642121ull; /* "nested!!" */
    dma_txn_t txn = {.sid = PSID, .addr = GUEST_VA + 0x40, .len = 8, .prot = 2, .cache = 0xf,
                     .domain = 3};
    dma_result_t w = dma_write(sim, &txn, &pat);
    uint64_t host_pa = ram_pa + (GUEST_BUF_IPA - GUEST_RAM_IPA) + 0x40;
    dma_result_t r = dma_read(sim, &txn, &data);
    snprintf(detail, sizeof detail, "VA 0x%llx -> PA 0x%llx: miss %llu cycles/%llu table reads, "
             "hit %llu cycles; attr 0x%02x", (unsigned long long)txn.addr,
             (unsigned long long)w.dn.addr, (unsigned long long)w.cycles,
             (unsigned long long)w.tbl_reads, (unsigned long long)r.cycles, w.dn.attr);
    step("DMA through both stages", w.resp == 0 && r.resp == 0 && w.dn.addr == host_pa &&
                                        mem_read64(sim, host_pa) == pat && data == pat, detail);
    note("miss: nothing cached yet, so the SMMU read the tables: each stage-1 level's address");
    note("is an IPA that stage 2 walks first (the table reads). hit: the TLB had the result, so");
    note("the write's translation is reused. attr: the memory attributes sent downstream (MAIR");
    note("encoding; 0xff = Normal write-back cacheable).");

    /* The guest maps a buffer Non-cacheable; S2FWB (MemAttr 0x6) forces write-back. */
    txn.addr = GUEST_VA_NC;
    w = dma_write(sim, &txn, &pat);
    snprintf(detail, sizeof detail, "guest MAIR NC, output attr 0x%02x AxCACHE 0x%x%s",
             w.dn.attr, w.dn.cache, parent.fwb ? "" : " (no FWB on this SMMU)");
    step("S2FWB forces write-back", w.resp == 0 && (!parent.fwb || w.dn.attr == 0xff), detail);
    note("the guest asked for Non-cacheable (NC); S2FWB turned it into write-back (0xff),");
    note("AxCACHE 0xf on the bus, so a guest cannot make the device bypass the caches.");

    /* The guest moves its VA to the second buffer; its unmap invalidates through the
     * vIOMMU (smmu_guest_flush: TLBI_NH_VA with the guest's ASID; the host puts in the
     * VMID). */
    smmu_gather_init(&gg, smmu_guest_flush, &gflush);
    int64_t un = smmu_pgtable_unmap(&gpt, GUEST_VA, 0x1000, &gg);
    uint64_t accepted = viommu.stats.cmds;
    ret = un == 0x1000 ? smmu_guest_flush(&gflush, &gg) : SMMU_EIO;
    if (ret == 0)
        ret = smmu_pgtable_map(&gpt, GUEST_VA, GUEST_BUF2_IPA, 0x1000,
                               SMMU_PROT_READ | SMMU_PROT_WRITE, SMMU_MAP_MEM, &gg);
    txn.addr = GUEST_VA;
    r = dma_read(sim, &txn, &data);
    snprintf(detail, sizeof detail, "%s; %llu guest command(s); VA now reads PA 0x%llx",
             smmu_strerror(ret), (unsigned long long)(viommu.stats.cmds - accepted),
             (unsigned long long)r.dn.addr);
    step("guest TLBI_NH_VA via vIOMMU", ret == 0 && viommu.stats.cmds == accepted + 1 &&
                                            r.dn.addr == ram_pa + (GUEST_BUF2_IPA - GUEST_RAM_IPA),
         detail);
    note("TLBI_NH_VA: invalidate the TLB entries of one address for one ASID (IHI 0070 §4.4.2.4;");
    note("NH = non-hypervisor, the EL1 regime). The guest moved its buffer; its invalidation went");
    note("through the vIOMMU, which added the VM's VMID. The new address proves the old entry left.");
    /* A guest may not invalidate the host's stage 2: refused, nothing issued. The driver
     * logs the refusal as an error; the demo keeps that line and shows it after saying
     * why it is expected. */
    note("next, a guest asks for TLBI_S12_VMALL (drop every stage-1 and stage-2 entry of the VM,");
    note("§4.4.3): stage 2 is the host's, so the vIOMMU must refuse the whole batch, issuing nothing.");
    smmu_cmd_t gcmd[2];
    size_t done = 0;
    uint64_t cmds_before = smmu->stats.cmds;
    smmu_cmd_tlbi_nh_va(&gcmd[0], 0, GUEST_ASID, GUEST_VA, true, NULL);
    smmu_cmd_tlbi_s12_vmall(&gcmd[1], 1);
    int level = hal.log_level;
    hal.log_level = -1; /* the expected error line is printed below, with its context */
    hal.last_warn[0] = 0;
    ret = smmu_viommu_invalidate(&viommu, gcmd, 2, &done);
    hal.log_level = level;
    snprintf(detail, sizeof detail, "[TLBI_NH_VA, TLBI_S12_VMALL] -> %s at index %zu, %llu "
             "commands issued", smmu_strerror(ret), done,
             (unsigned long long)(smmu->stats.cmds - cmds_before));
    step("guest TLBI_S12_VMALL refused", ret == SMMU_EINVAL && done == 1 &&
                                             smmu->stats.cmds == cmds_before && hal.last_warn[0],
         detail);
    printf("         the driver logged, as expected: [ERR] %s\n", hal.last_warn);

    /* A guest fault: DMA to a VA the guest never mapped. The event carries the vSID. */
    txn.addr = GUEST_VA + 0x10000;
    r = dma_read(sim, &txn, &data);
    /* The record may land after the read's error response: a CMD_SYNC orders it. */
    ret = smmu_cmdq_sync(smmu, SMMU_CS_NONE);
    if (ret == 0)
        ret = smmu_evtq_dispatch(smmu, 0);
    snprintf(detail, sizeof detail, "read resp %d; to the guest: %s", r.resp,
             guest_events ? guest_event : "(nothing)");
    step("guest fault forwarded", r.resp != 0 && ret == 1 && guest_events == 1 &&
                                      host_faults == 0 && strstr(guest_event, "sid=0x10 "),
         detail);
    note("a DMA to an address the guest never mapped: the SMMU aborts it (read resp 2 = SLVERR)");
    note("and writes an event record (F_TRANSLATION, IHI 0070 chapter 7). The host forwards it to");
    note("the guest with the guest's vSID 0x10, not the real StreamID.");

    /* Tear-down, guest first. */
    ret = smmu_detach(&dev);
    if (ret == 0)
        ret = smmu_domain_free(&nested);
    if (ret == 0)
        ret = smmu_viommu_vdev_del(&viommu, &dev);
    if (ret == 0)
        ret = smmu_viommu_free(&viommu);
    if (ret == 0)
        ret = smmu_master_fini(&dev);
    guest_hal.hal.dma_free(guest_hal.hal.ctx, cd_cpu, cd_ipa, 64);
    smmu_pgtable_free(&gpt);
    if (ret == 0)
        ret = smmu_domain_free(&parent);
    hal.hal.dma_free(hal.hal.ctx, ram, ram_pa, GUEST_RAM_SIZE);
    snprintf(detail, sizeof detail, "%s; vIOMMU accepted %llu guest commands, forwarded %llu "
             "events, refused %llu calls", smmu_strerror(ret),
             (unsigned long long)viommu.stats.cmds, (unsigned long long)viommu.stats.events,
             (unsigned long long)viommu.stats.refused);
    step("nested tear-down", ret == 0 && guest_hal.pool.allocs == 0, detail);
}

static void intro(void)
{
    printf(
        "open-smmuv3 demo: the driver in sw/ runs an SMMUv3 built from rtl/, simulated cycle by\n"
        "cycle by Verilator.\n"
        "\n"
        "An SMMU (System Memory Management Unit; Arm's architecture is IHI 0070) is the MMU of\n"
        "the devices that read and write memory by DMA. Each transaction carries a StreamID\n"
        "naming its device; the SMMU looks up that device's configuration in tables in memory,\n"
        "translates the address through page tables (stage 1: set up by an OS or a guest OS;\n"
        "stage 2: by a hypervisor, for a virtual machine), and aborts and reports (an \"event\")\n"
        "whatever the tables do not allow. Software drives it through registers and two queues\n"
        "in memory: commands in, events out.\n"
        "\n"
        "Numbers: times are cycles of the SMMU's clock. The simulation has no wall clock; the\n"
        "driver's time-outs take it as %u MHz (SMMU_HAL_SIM_MHZ in sw/hal/sim), so 100 cycles\n"
        "= 1 us, and traces (make waves) draw it as a 10 ns clock. Memory answers in a few\n"
        "cycles here. Each step prints ok or FAILED, then its numbers; a table sums up.\n",
        SMMU_HAL_SIM_MHZ);
}

static void summary(const smmu_t *smmu)
{
    printf("\nSummary (cycles: SMMU clock cycles the step took, at %u MHz)\n", SMMU_HAL_SIM_MHZ);
    printf("  %-32s %-7s %8s\n", "step", "result", "cycles");
    for (unsigned i = 0; i < n_rows; i++)
        printf("  %-32s %-7s %8" PRIu64 "\n", rows[i].name, rows[i].ok ? "ok" : "FAILED",
               rows[i].cycles);
    printf("  driver: %" PRIu64 " commands, %" PRIu64 " CMD_SYNCs, %" PRIu64
           " events, %u global errors; %" PRIu64 " cycles (%" PRIu64 " us) in all\n",
           smmu->stats.cmds, smmu->stats.syncs, smmu->stats.events, smmu->stats.gerrors,
           sim_cycles(g_sim), sim_cycles(g_sim) / SMMU_HAL_SIM_MHZ);
}

int main(void)
{
    sim_t *sim = sim_create(NULL);
    smmu_t smmu;
    char detail[256];
    int ret;

    g_sim = sim;
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
    intro();

    /* 1. Probe. */
    part(1, "Probe: what does this SMMU implement?",
         "The driver reads the ID registers (SMMU_IDR0-5, IHI 0070 §6.3) and decodes them.");
    ret = smmu_probe(&smmu, &hal.hal);
    step("probe", ret == 0, smmu_strerror(ret));
    if (ret) {
        smmu_hal_sim_fini(&hal);
        sim_destroy(sim);
        return 1;
    }
    print_features(&smmu.feat);
    note("SMMUv3.2 with both stages; the widths are the model build's parameters (Makefile");
    note("SID_W, PA_W, CMDQS, EVENTQS). OAS: output address size. S2FWB, HYP (EL2 support),");
    note("RIL (range invalidation), BBML (block splitting), XNX, HAD: the v3.2 features used.");

    /* 2. Init and enable: 256 StreamIDs (linear), 8-entry command queue. */
    part(2, "Init and enable",
         "The driver allocates the stream table and the queues in memory, programs their\n"
         "   base registers, and turns on the queues and translation (SMMU_CR0), waiting for\n"
         "   each acknowledgement in SMMU_CR0ACK.");
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
    note("cycles: the register writes, the first CMD_SYNC and the acknowledgements. CR0ACK");
    note("0xd: SMMUEN (translation), CMDQEN and EVENTQEN (the two queues) are on.");

    /* The PMCG counts what the rest of the demo makes the SMMU do (printed in part 7). */
    static smmu_pmu_t pmu;
    int pmc[6];
    int pmu_ret = smmu_pmu_init(&pmu, &smmu);
    for (unsigned e = 0; e < 6; e++) {
        pmc[e] = pmu_ret ? -1 : smmu_pmu_alloc(&pmu, e, SMMU_PMU_ALL_SIDS, true);
        if (pmc[e] >= 0)
            smmu_pmu_start(&pmu, pmc[e]);
    }

    part(3, "Commands",
         "Four invalidation commands and a CMD_SYNC go into the command queue; CMD_SYNC\n"
         "   (IHI 0070 §4.7.3) completes when everything before it has, here with an interrupt.");
    /* 3. Command round-trip: four invalidations and a CMD_SYNC that interrupts. */
    smmu_batch_t b;
    smmu_cmd_t c;
    smmu_batch_init(&b);
    smmu_cmd_cfgi_ste(&c, 5, false);
    smmu_batch_add(&smmu, &b, &c);
    smmu_cmd_tlbi_nh_asid(&c, 1, 7);
    smmu_batch_add(&smmu, &b, &c);
    smmu_cmd_tlbi_s12_vmall(&c, 1);
    smmu_batch_add(&smmu, &b, &c);
    smmu_cmd_tlbi_el2_all(&c);
    smmu_batch_add(&smmu, &b, &c);
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
    note("CFGI_STE drops a cached STE; TLBI_NH_ASID, TLBI_S12_VMALL and TLBI_EL2_ALL drop TLB");
    note("entries of an address space, a VM and the hypervisor (§4.3, §4.4). The cycles are");
    note("from the driver writing CMDQ_PROD to the SMMU consuming the CMD_SYNC.");

    /* 4. An event: a client read with a StreamID beyond the table. */
    part(4, "An event",
         "A device reads with StreamID 0x1234, beyond the 256-entry stream table: the SMMU\n"
         "   aborts the read and writes an event record; the driver drains and decodes it.");
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
    note("resp 2: the AXI SLVERR the device gets. C_BAD_STREAMID: the event for a StreamID");
    note("outside the stream table (IHI 0070 chapter 7).");

    /* 5. Nested translation, as a hypervisor would set it up. */
    demo_nested(sim, &smmu);

    /* 6. GBPA bypass: translation off, GBPA set to bypass, a DMA write and read. */
    part(6, "Translation off: global bypass",
         "With SMMUEN = 0 nothing is translated; SMMU_GBPA (IHI 0070 §6.3.14) says whether\n"
         "   traffic passes unchanged or is aborted. The driver sets bypass, a DMA goes through\n"
         "   at its own address, then abort again, the safe default.");
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

    /* 7. What the PMCG counted since part 2. */
    part(7, "Counting: the PMCG",
         "The Performance Monitor Counter Group (IHI 0070 chapter 10) counted parts 3-6:\n"
         "   one counter per architected event, every StreamID, read through smmu_pmu.h.");
    char stat[512] = "";
    int slen = -1;
    if (pmu_ret == 0 && pmc[0] >= 0 && pmc[5] >= 0) {
        for (unsigned e = 0; e < 6; e++)
            smmu_pmu_stop(&pmu, pmc[e]);
        slen = smmu_pmu_format(&pmu, pmc, 6, stat, sizeof stat);
        printf(" Performance counter stats for 'smmu demo':\n\n%s\n", stat);
        smmu_pmu_teardown(&pmu);
    }
    snprintf(detail, sizeof detail, "%s, %u counters of %u bits", smmu_strerror(pmu_ret),
             pmu.ncounters, pmu.bits);
    step("perf stat", pmu_ret == 0 && slen > 0, detail);
    note("transactions: client reads and writes the SMMU took; walk-reads and config-reads:");
    note("its own table reads (event 4 and 5); the misses: TLB and configuration cache.");

    /* 8. Tear-down. */
    part(8, "Tear-down", "The driver turns the SMMU off and frees every allocation.");
    ret = smmu_teardown(&smmu);
    ack = sim_reg_read32(sim, SMMU_CR0ACK);
    snprintf(detail, sizeof detail, "%s; CR0ACK 0x%x, %u DMA allocations live",
             smmu_strerror(ret), ack, hal.pool.allocs);
    step("tear-down", ret == 0 && ack == 0 && hal.pool.allocs == 0, detail);

    summary(&smmu);
    smmu_hal_sim_fini(&hal);
    sim_destroy(sim);
    printf("%s\n", failures ? "DEMO FAILED" : "demo passed");
    return failures ? 1 : 0;
}
