/*
 * The Verilator model of the SMMU behind a small C API.
 *
 * One `sim_t` is one instance of smmu_top with its surroundings:
 *   - a sparse memory model that serves both SMMU-side AXI4 masters (m_tbl_*: the SMMU's
 *     own table and queue traffic; m_dn_*: translated client traffic), with configurable
 *     latency, random back-pressure and error injection by address range;
 *   - a DMA master model on the upstream AXI4 slave (s_up_*): reads and writes with a
 *     StreamID, attributes and the response the SMMU gave;
 *   - an AXI4-Lite master for the registers;
 *   - interrupt pulse counters, a cycle counter, per-channel transaction counters and an
 *     optional FST trace.
 *
 * Every call that needs the bus advances the clock until it is done, so time passes
 * whenever software touches the model, as it would on hardware. Calls never hang: a bus
 * access that does not complete within `timeout_cycles` aborts the process with a
 * message naming the channel (a hang is a bug in the RTL, never a test result).
 *
 * Plain C API (extern "C") so tests and the driver's HAL are C11.
 */
#ifndef SMMU_SIM_H
#define SMMU_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sim sim_t;

/* Model parameters the Verilator model was built with (from the Makefile's -G flags). */
typedef struct {
    unsigned sid_bits;      /* SID_W */
    unsigned pa_bits;       /* PA_W */
    unsigned cmdqs;         /* CMDQS: log2 max command-queue entries */
    unsigned eventqs;       /* EVENTQS */
    unsigned st_level_2;    /* 2-level stream table supported */
    unsigned fwb;           /* IDR3.FWB */
    unsigned cohacc;        /* IDR0.COHACC */
    unsigned attr_ovr;      /* IDR1.ATTR_TYPES_OVR / ATTR_PERMS_OVR */
    unsigned gbpa_abort;    /* reset value of GBPA.ABORT */
} sim_params_t;

typedef struct {
    const char *trace_path; /* FST file to write, or NULL for no trace */
    uint64_t seed;          /* random back-pressure and latency; 0 = fixed default seed */
    uint64_t timeout_cycles;/* 0 = default (100000) */
    bool canwbs;            /* the upstream port's CANWBS integration input */
} sim_opts_t;

sim_t *sim_create(const sim_opts_t *opts);   /* NULL opts = defaults; comes out of reset */
void sim_destroy(sim_t *s);                  /* flushes and closes the trace */
const sim_params_t *sim_params(const sim_t *s);

/* Clock and reset. */
void sim_reset(sim_t *s, unsigned cycles);   /* hold rst_n low for `cycles`, then release */
void sim_step(sim_t *s, unsigned cycles);    /* advance the clock */
uint64_t sim_cycles(const sim_t *s);         /* rising edges since sim_create */

/* Registers over AXI4-Lite (64-bit data bus; 32-bit accesses use half the strobes).
 * `resp` variants return the AXI response (0 OKAY, 2 SLVERR, 3 DECERR). */
uint32_t sim_reg_read32(sim_t *s, uint32_t off);
uint64_t sim_reg_read64(sim_t *s, uint32_t off);
void sim_reg_write32(sim_t *s, uint32_t off, uint32_t val);
void sim_reg_write64(sim_t *s, uint32_t off, uint64_t val);
int sim_reg_read32_resp(sim_t *s, uint32_t off, uint32_t *val);
int sim_reg_read64_resp(sim_t *s, uint32_t off, uint64_t *val);
int sim_reg_write32_resp(sim_t *s, uint32_t off, uint32_t val);
int sim_reg_write64_resp(sim_t *s, uint32_t off, uint64_t val);
/* Reads `off` up to `max_reads` times until (value & mask) == want; false if it never
 * does (for ACK handshakes: CR0ACK, IRQ_CTRLACK, GBPA.Update). */
bool sim_reg_poll32(sim_t *s, uint32_t off, uint32_t mask, uint32_t want, unsigned max_reads);

/* Memory model: sparse, byte-addressed, little-endian. Unwritten bytes read as zero.
 * Backdoor accesses take no simulated time. */
void mem_write(sim_t *s, uint64_t pa, const void *buf, size_t len);
void mem_read(sim_t *s, uint64_t pa, void *buf, size_t len);
void mem_write64(sim_t *s, uint64_t pa, uint64_t val);
uint64_t mem_read64(sim_t *s, uint64_t pa);
/* The DMA pool: a contiguous region of model memory backed by one host buffer, so CPU
 * pointers into it and the model see the same bytes at once (a coherent system). The
 * driver's HAL allocates tables and queues from it. Returns the host pointer of its first
 * byte and sets *pa (its physical address, SIM_DMA_POOL_PA) and *size (SIM_DMA_POOL_SIZE).
 * Error ranges apply inside the pool too. */
#define SIM_DMA_POOL_PA   0x80000000ull
#define SIM_DMA_POOL_SIZE (64u << 20)
void *mem_dma_pool(sim_t *s, uint64_t *pa, size_t *size);

/* Response timing: the first read beat of a burst / the write response is delayed by a
 * latency drawn uniformly from [min, max] cycles after the address handshake (after the
 * last data beat for writes); `stall_pct` percent of cycles deassert READY/VALID on the
 * memory side at random (back-pressure, also between beats; capped at 95). Applies to
 * both memory ports. Default: latency [2, 2], no stalls. Random choices come from
 * sim_opts_t.seed, so a run is reproducible. */
void mem_set_timing(sim_t *s, unsigned lat_min, unsigned lat_max, unsigned stall_pct);

/* Error injection: accesses that touch [base, base + size) get SLVERR (reads: every beat
 * of the burst; writes: the B response, data not written). Up to 16 ranges. */
enum { MEM_ERR_READ = 1, MEM_ERR_WRITE = 2 };
int mem_add_error_range(sim_t *s, uint64_t base, uint64_t size, unsigned flags);
void mem_clear_error_ranges(sim_t *s);

/* Upstream DMA master. One transaction: INCR burst of `len` bytes (a multiple of 8,
 * at most 256 beats, not crossing 4 KB) at `addr` (8-byte aligned), 64-bit beats, all
 * write strobes set. A write presents its data with its address. */
typedef struct {
    uint32_t sid;      /* StreamID (AxUSER) */
    uint64_t addr;     /* input address as presented */
    uint32_t len;      /* bytes */
    uint8_t  prot;     /* AxPROT: [0] privileged, [1] non-secure, [2] instruction */
    uint8_t  cache;    /* AxCACHE */
    uint8_t  domain;   /* incoming shareability (AxUSER): 0 NSH, 2 OSH, 3 ISH */
    bool     nosnoop;  /* PCIe No_snoop (AxUSER) */
    bool     ssv;      /* presents a SubstreamID (AxUSER) */
    uint8_t  id;       /* AXI ID */
} dma_txn_t;

/* What the SMMU sent downstream for the transaction (valid when `seen`). */
typedef struct {
    bool     seen;     /* false: the SMMU answered without a downstream access */
    uint64_t addr;     /* output (physical) address of the first beat */
    uint8_t  cache;    /* AxCACHE */
    uint8_t  prot;     /* AxPROT */
    uint8_t  domain;   /* AxDOMAIN, AMBA encoding (unlike dma_txn_t.domain): 0 Non-shareable,
                          1 Inner, 2 Outer Shareable, 3 System (Device and Non-cacheable) */
    uint8_t  attr;     /* final MAIR-format attribute byte (AxUSER) */
} dn_obs_t;

typedef struct {
    int      resp;     /* worst AXI response of the transaction: 0 OKAY, 2 SLVERR, 3 DECERR */
    dn_obs_t dn;       /* downstream observation */
    uint64_t cycles;   /* from address handshake to last response */
    uint64_t tbl_reads;/* AR transactions on the table/queue port during the transaction */
} dma_result_t;

dma_result_t dma_read(sim_t *s, const dma_txn_t *t, void *buf);
dma_result_t dma_write(sim_t *s, const dma_txn_t *t, const void *buf);

/* Interrupt pulses counted since creation (each output is a one-cycle pulse). */
enum sim_irq { SIM_IRQ_EVENTQ = 0, SIM_IRQ_CMD_SYNC = 1, SIM_IRQ_GERROR = 2 };
uint64_t sim_irq_count(const sim_t *s, enum sim_irq which);

/* Traffic counters on the memory ports since creation. */
typedef struct {
    uint64_t tbl_ar, tbl_aw;  /* SMMU table/queue port: read and write transactions */
    uint64_t tbl_r_beats, tbl_w_beats;
    uint64_t dn_ar, dn_aw;    /* downstream port */
} sim_counters_t;
void sim_counters(const sim_t *s, sim_counters_t *out);

#ifdef __cplusplus
}
#endif
#endif /* SMMU_SIM_H */
