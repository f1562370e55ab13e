/*
 * The platform interface of the SMMUv3 driver.
 *
 * The driver core never includes a platform header. Everything it needs from the
 * platform (register access, DMA-able memory, barriers, time, logging) comes through one
 * table of function pointers plus an opaque context pointer that is handed back on every
 * call, so the same driver runs on the Verilator model (sw/hal/sim), on the FPGA soft
 * core and on a test mock. A platform fills an smmu_hal_t and passes it to smmu_probe();
 * the table must stay valid (and unchanged) until smmu_teardown() returns.
 *
 * Unless a member says it is optional, every pointer must be non-NULL; smmu_probe()
 * checks this and returns SMMU_EINVAL otherwise. No function may block indefinitely.
 */
#ifndef SMMU_HAL_H
#define SMMU_HAL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Log levels, most severe first. */
enum smmu_log_level {
    SMMU_LOG_ERR = 0,   /* the driver refused or failed an operation */
    SMMU_LOG_WARN = 1,  /* a hardware error that was recovered, an overflow, ... */
    SMMU_LOG_INFO = 2,  /* bring-up and tear-down milestones */
    SMMU_LOG_DEBUG = 3, /* per-operation detail */
};

/* Platform capabilities (smmu_hal_t.caps). */
#define SMMU_HAL_CAP_STORE64 0x1u /* an aligned 64-bit store of the CPU to DMA memory is
                                   * single-copy atomic (Arm ARM B2.2.1): the SMMU, which
                                   * reads STEs, CDs and descriptors a dword at a time,
                                   * never sees half of one. Without it (a 32-bit CPU) the
                                   * driver orders the two 32-bit halves of every live
                                   * structure dword (smmu_domain.h). */

/* Interrupt sources an MSI may be set up for (smmu_hal_t.msi_msg). */
enum smmu_msi_src {
    SMMU_MSI_EVENTQ = 0, /* event queue: records arrived (SMMU_EVENTQ_IRQ_CFG0-2) */
    SMMU_MSI_GERROR = 1, /* global errors (SMMU_GERROR_IRQ_CFG0-2) */
    SMMU_MSI_PMCG = 2,   /* a PMCG counter overflowed (SMMU_PMCG_IRQ_CFG0-2) */
    SMMU_MSI_SOURCES = 3,
};

/* An MSI target: the SMMU writes `data` (32 bits) to physical address `addr` (4-byte
 * aligned, not 0) with the memory type `memattr` (STE.MemAttr encoding: 0x1 Device-nGnRE
 * for an interrupt controller's doorbell register, 0xF write-back for memory) and the
 * shareability `sh` (0 NSH, 2 OSH, 3 ISH; ignored for Device). */
typedef struct smmu_msi_msg {
    uint64_t addr;
    uint32_t data;
    uint8_t memattr;
    uint8_t sh;
} smmu_msi_msg_t;

typedef struct smmu_hal {
    /* Opaque platform state, passed unchanged as the first argument of every call. */
    void *ctx;

    /* SMMU_HAL_CAP_* bits; 0 is always safe (every dword written as two halves). */
    uint32_t caps;

    /* 32-bit register read at byte offset `off` from the SMMU base (page 0 at 0x0,
     * page 1 at 0x10000). `off` is 4-byte aligned. Must not be reordered with other
     * register accesses (device-memory semantics). */
    uint32_t (*read32)(void *ctx, uint32_t off);

    /* 32-bit register write at byte offset `off` (4-byte aligned); ordered after every
     * earlier register access of this HAL. */
    void (*write32)(void *ctx, uint32_t off, uint32_t val);

    /* 64-bit register read at an 8-byte aligned offset. Optional: a platform without
     * 64-bit bus accesses sets it to NULL, and the driver then reads the two 32-bit
     * halves, low half (off) first, then high half (off + 4), as IHI 0070 6.2 permits.
     * A platform may equally implement it that way itself. */
    uint64_t (*read64)(void *ctx, uint32_t off);

    /* 64-bit register write at an 8-byte aligned offset. Optional, like read64: NULL
     * means two 32-bit writes, low half first. The driver only writes 64-bit registers
     * (the table and queue bases) while the unit they configure is disabled, so the
     * split is never observable. */
    void (*write64)(void *ctx, uint32_t off, uint64_t val);

    /* Allocate `size` bytes of DMA-able memory that the SMMU can read and write,
     * aligned (both the CPU pointer and the physical address) to `align` bytes, which is
     * a power of two no larger than the size rounded up to a power of two. The memory is
     * zero-filled. On success stores the CPU pointer in *cpu and the physical address
     * in *pa and returns 0; on failure returns a negative smmu_err (SMMU_ENOMEM when
     * there is no room, SMMU_EINVAL for a bad size or alignment) and leaves *cpu and
     * *pa unchanged. The memory must be coherent with the SMMU's accesses as far as the
     * barriers below require (write barrier before a register write publishes it, read
     * barrier after a register read reports new contents). */
    int (*dma_alloc)(void *ctx, size_t size, size_t align, void **cpu, uint64_t *pa);

    /* Free memory from dma_alloc; `cpu`, `pa` and `size` are the values of that
     * allocation. Freeing NULL is a no-op. */
    void (*dma_free)(void *ctx, void *cpu, uint64_t pa, size_t size);

    /* The CPU pointer of physical address `pa` inside memory from dma_alloc (any byte
     * of a live allocation). Optional for bring-up; page tables (smmu_pgtable.h) need
     * it, since table descriptors hold only physical addresses. NULL when `pa` is not
     * in such memory. On a flat physical system it is the identity. */
    void *(*pa_to_cpu)(void *ctx, uint64_t pa);

    /* Write barrier: every CPU access to DMA memory issued before it is complete
     * before any register write issued after it: stores are visible to the SMMU
     * (publishing queue entries or a stream table before a PROD or CR0 write) and loads
     * have their data (event records copied out before EVENTQ_CONS hands the slots
     * back). */
    void (*wmb)(void *ctx);

    /* Read barrier: CPU loads from DMA memory issued after it observe at least what the
     * SMMU had written when a register read issued before it returned (reading event
     * records after EVENTQ_PROD). */
    void (*rmb)(void *ctx);

    /* A monotonic clock in microseconds, used only to bound waits. It must advance
     * while the driver polls (on a simulator, each register access takes time). */
    uint64_t (*now_us)(void *ctx);

    /* One line of driver log at `level` (enum smmu_log_level). `msg` is NUL-terminated,
     * has no trailing newline, and is valid only during the call. */
    void (*log)(void *ctx, int level, const char *msg);

    /* The platform's MSI target for interrupt source `src` (enum smmu_msi_src), as an
     * interrupt controller would allocate it (Linux: platform MSI domain). Optional: NULL,
     * or a negative return for a source, means that source is wired. Fills *msg and
     * returns 0 otherwise. The platform routes a write to msg->addr to its handler of
     * `src`, which calls smmu_irq() (or smmu_pmu_irq() for the PMCG). */
    int (*msi_msg)(void *ctx, unsigned src, smmu_msi_msg_t *msg);
} smmu_hal_t;

#ifdef __cplusplus
}
#endif
#endif /* SMMU_HAL_H */
