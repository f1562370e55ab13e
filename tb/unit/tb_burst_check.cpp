// Unit bench: smmu_burst_check, exhaustive over AxADDR[11:0], AxLEN and AxSIZE for INCR
// (8,388,608 cases); for FIXED, WRAP and the reserved encoding (whose rules look only at
// AxADDR's low 7 bits) every low-7-bit pattern under four patterns of the bits above. The expectation is the AXI4 rule written the direct way (AMBA AXI
// A3.4: an INCR burst must not cross a 4 KB boundary; WRAP lengths 2, 4, 8, 16 with an
// aligned start; FIXED at most 16 beats; AxBURST 0b11 reserved), with the byte address
// of the end computed by multiplication, independently of the RTL's per-size carries.
#include "Vsmmu_burst_check.h"
#include "verilated.h"
#include "unit_check.h"

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    Vsmmu_burst_check *m = new Vsmmu_burst_check;
    unsigned long long bad_seen = 0, cross_seen = 0;
    for (unsigned burst = 0; burst < 4; burst++)
        for (unsigned size = 0; size < 8; size++)
            for (unsigned len = 0; len < 256; len++)
                for (unsigned addr = 0; addr < 4096; addr++) {
                    unsigned hi = addr >> 7;
                    if (burst != 1 && hi != 0 && hi != 0x01 && hi != 0x15 && hi != 0x1f)
                        continue;
                    m->addr = addr;
                    m->len = len;
                    m->size = size;
                    m->burst = burst;
                    m->eval();
                    unsigned bytes = 1u << size;
                    unsigned base = addr & ~(bytes - 1);
                    bool wide = size > 3;
                    bool rsvd = burst == 3;
                    bool wrap_len = len == 1 || len == 3 || len == 7 || len == 15;
                    bool bad_wrap = burst == 2 && (!wrap_len || (addr & (bytes - 1)) != 0);
                    bool crosses = burst == 1 && base + (len + 1) * bytes > 4096;
                    bool long_fix = burst == 0 && len > 15;
                    bool bad = wide || rsvd || bad_wrap || crosses || long_fix;
                    unsigned reason = wide ? 4 : rsvd ? 2 : bad_wrap ? 3 : crosses ? 1 : 5;
                    bad_seen += bad;
                    cross_seen += crosses && !wide;
                    // one count per case, failures printed (at most the first few)
                    if (m->bad != bad || (bad && m->reason != reason)) {
                        if (g_fail < 8)
                            std::printf("FAIL addr 0x%03x len %u size %u burst %u: bad %u "
                                        "reason %u, expected %u %u\n", addr, len, size,
                                        burst, m->bad, m->reason, bad, reason);
                        g_fail++;
                    } else {
                        g_pass++;
                    }
                }
    // the space holds both outcomes of every rule (the loops above are not vacuous)
    CHECK("some bursts refused", bad_seen > 0 && bad_seen < (unsigned long long)g_pass, 1);
    CHECK("INCR crossings seen", cross_seen > 0, 1);
    delete m;
    return unit_report("burst_check");
}
