// Minimal check helpers for the Verilator unit benches of the pure combinational modules.
// Each bench prints "N passed, N failed" and exits non-zero on any failure.
#ifndef UNIT_CHECK_H
#define UNIT_CHECK_H
#include <cstdint>
#include <cstdio>
#include "smmu_regs.h"

static int g_pass, g_fail;

// Compare one output against a hand-computed expectation.
#define CHECK(what, got, exp)                                                            \
    do {                                                                                 \
        unsigned long long g_ = (unsigned long long)(got), e_ = (unsigned long long)(exp); \
        if (g_ == e_) {                                                                  \
            g_pass++;                                                                    \
        } else {                                                                         \
            g_fail++;                                                                    \
            std::printf("FAIL %s:%d %s: got 0x%llx expected 0x%llx\n", __FILE__, __LINE__, \
                        (what), g_, e_);                                                 \
        }                                                                                \
    } while (0)

static inline int unit_report(const char *bench) {
    std::printf("%s: %d passed, %d failed\n", bench, g_pass, g_fail);
    return g_fail ? 1 : 0;
}

// A flat little-endian structure image (STE, CD) as 32-bit words, and field writers.
template <int N> struct Image {
    uint32_t w[N] = {};
    void set(int lsb, int width, uint64_t v) {
        for (int i = 0; i < width; i++) {
            int b = lsb + i;
            uint32_t m = 1u << (b % 32);
            if ((v >> i) & 1) w[b / 32] |= m; else w[b / 32] &= ~m;
        }
    }
    uint64_t get(int lsb, int width) const {
        uint64_t v = 0;
        for (int i = 0; i < width; i++) v |= (uint64_t)((w[(lsb + i) / 32] >> ((lsb + i) % 32)) & 1) << i;
        return v;
    }
    template <typename W> void to(W &dst) const { for (int i = 0; i < N; i++) dst[i] = w[i]; }
};



// Structure field position from the generated C header: FLD(STE_S2T0SZ) expands to
// "absolute lsb, width" for Image::set/get.
#define FLD(n) ((n##_DW) * 64 + (n##_SHIFT)), (__builtin_popcountll(n##_MASK))
#endif
