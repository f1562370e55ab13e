/*
 * The FuseSoC simulation target's main (open-smmuv3.core, target sim): the Verilator
 * harness (tb/harness, its C API in sim.h) around smmu_top, built by FuseSoC instead of
 * the Makefile, and a short self-check through it: the ID registers match the build
 * parameters, SMMU_GBPA aborts client traffic out of reset, and after software clears
 * GBPA.ABORT (IHI 0070 §6.3.14) a DMA write and read pass untranslated. The full test
 * suite is `make test`; this shows an integrator the harness works in a FuseSoC flow.
 * Prints `N passed, N failed` and exits non-zero on a failure.
 */
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "sim.h"
#include "smmu_regs.h"

static unsigned passed, failed;

static void check(bool ok, const char *what)
{
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    (ok ? passed : failed)++;
}

int main()
{
    sim_t *s = sim_create(nullptr);
    if (!s) {
        std::printf("could not create the model\n0 passed, 1 failed\n");
        return 1;
    }
    const sim_params_t *p = sim_params(s);
    uint32_t idr1 = sim_reg_read32(s, SMMU_IDR1);
    check((idr1 & SMMU_IDR1_SIDSIZE_MASK) == p->sid_bits, "IDR1.SIDSIZE is the SID_W the core sets");
    check(sim_reg_read32(s, SMMU_AIDR) == 0x2, "AIDR: SMMUv3.2");

    const uint64_t pa = 0x40001000, pattern = 0x0123456789abcdefull;
    uint64_t back = 0;
    dma_txn_t t = {};
    t.sid = 1;
    t.addr = pa;
    t.len = 8;
    t.prot = 2;
    dma_result_t w = dma_write(s, &t, &pattern);
    check(w.resp != 0 && !w.dn.seen, "GBPA.ABORT out of reset: a DMA write aborts, nothing downstream");

    sim_reg_write32(s, SMMU_GBPA, SMMU_GBPA_UPDATE_MASK); /* ABORT = 0, other fields 0 */
    check(sim_reg_poll32(s, SMMU_GBPA, SMMU_GBPA_UPDATE_MASK, 0, 100), "GBPA.Update completes");
    w = dma_write(s, &t, &pattern);
    dma_result_t r = dma_read(s, &t, &back);
    check(w.resp == 0 && w.dn.seen && w.dn.addr == pa, "bypass: the write goes out at its own address");
    check(r.resp == 0 && back == pattern && mem_read64(s, pa) == pattern, "bypass: the data reads back");

    std::printf("%" PRIu64 " cycles\n%u passed, %u failed\n", sim_cycles(s), passed, failed);
    sim_destroy(s);
    return failed ? 1 : 0;
}
