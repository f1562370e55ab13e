/*
 * The Verilator model of the SMMU behind a small C API.
 *
 * One `sim_t` is one instance of smmu_top with its surroundings:
 *   - a sparse memory model that serves both SMMU-side AXI4 masters (m_tbl_*: the SMMU's
 *     own table and queue traffic; m_dn_*: translated client traffic), with configurable
 *     latency, random back-pressure and error injection by address range;
 *   - a traffic master on the upstream AXI4 slave (s_up_*): many reads and writes in
 *     flight with a StreamID and attributes each, an AXI ordering checker, and the
 *     blocking dma_* calls; in wire mode it drives the downstream memory port directly
 *     (the physical reference for benchmarks);
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
    unsigned gran16k;       /* IDR5.GRAN16K: 16 KB translation granule */
    unsigned gran64k;       /* IDR5.GRAN64K: 64 KB translation granule */
    unsigned s1p, s2p;      /* S1P, S2P: the translation stages built (IDR0.S1P/S2P) */
    unsigned hyp;           /* HYP as given (IDR0.Hyp reports it only with both stages) */
    unsigned xnx;           /* XNX as given (IDR3.XNX reports it only with stage 2) */
    unsigned had;           /* HAD as given (IDR3.HAD reports it only with stage 1) */
    unsigned msi;           /* MSI: message-signalled interrupts (IDR0.MSI) */
} sim_params_t;

typedef struct {
    const char *trace_path; /* FST file to write, or NULL for no trace */
    uint64_t seed;          /* random back-pressure and latency; 0 = fixed default seed */
    uint64_t timeout_cycles;/* 0 = default (100000) */
    bool canwbs;            /* the upstream port's CANWBS integration input */
    bool wire;              /* the physical reference: client traffic goes straight from the
                               traffic master to the downstream memory port, the SMMU is
                               bypassed by a direct connection (registers still reach it) */
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

/* The two memory ports: the SMMU's own table and queue traffic (m_tbl_*) and the
 * translated client traffic (m_dn_*; in wire mode, the traffic master's). */
enum mem_port { MEM_PORT_TBL = 0, MEM_PORT_DN = 1 };
#define MEM_PORTS 2

/* Response timing: the first read beat of a burst / the write response is delayed by a
 * latency drawn uniformly from [min, max] cycles after the address handshake (after the
 * last data beat for writes); `stall_pct` percent of cycles deassert READY/VALID on the
 * memory side at random (back-pressure, also between beats; capped at 95).
 * mem_set_timing sets both ports, mem_set_port_timing one. Default: latency [2, 2], no
 * stalls. Random choices come from sim_opts_t.seed, so a run is reproducible. */
void mem_set_timing(sim_t *s, unsigned lat_min, unsigned lat_max, unsigned stall_pct);
void mem_set_port_timing(sim_t *s, enum mem_port port, unsigned lat_min, unsigned lat_max,
                         unsigned stall_pct);

/* Response order of one port. Default (0): bursts are returned whole, the earliest ready
 * first, in order per ID. MEM_ORDER_REORDER: among the ready bursts of different IDs pick
 * one at random (responses reordered across IDs; writes too). MEM_ORDER_INTERLEAVE: read
 * data beats of different IDs interleave (a new burst may start between two beats of
 * another). Same-ID order always holds. MEM_READ_EARLY: a read takes its data from memory
 * at its address handshake (a memory that performs reads early and returns them late)
 * instead of when each beat is returned: a write to the location in between is not seen.
 * `depth`: how many reads and how many writes the port accepts before it holds
 * ARREADY/AWREADY low (0 = keep; default 64, at most 1024). */
enum { MEM_ORDER_REORDER = 1, MEM_ORDER_INTERLEAVE = 2, MEM_READ_EARLY = 4 };
void mem_set_order(sim_t *s, enum mem_port port, unsigned flags, unsigned depth);

/* Error injection: accesses that touch [base, base + size) get SLVERR (reads: every beat
 * of the burst; writes: the B response, data not written), or DECERR with
 * mem_add_error_range_resp(..., 3). Both ports; up to 16 ranges; the first that matches
 * gives the response. */
enum { MEM_ERR_READ = 1, MEM_ERR_WRITE = 2 };
int mem_add_error_range(sim_t *s, uint64_t base, uint64_t size, unsigned flags);
int mem_add_error_range_resp(sim_t *s, uint64_t base, uint64_t size, unsigned flags,
                             int resp);
/* A long stall instead of an error: accesses that touch the range (reads: the first
 * beat; writes: the B response) come `cycles` later than the port's latency says. Shares
 * the 16 ranges with the error ranges and goes with mem_clear_error_ranges. */
int mem_add_stall_range(sim_t *s, uint64_t base, uint64_t size, unsigned flags,
                        unsigned cycles);
void mem_clear_error_ranges(sim_t *s);

/* What reached memory, for isolation checks: while logging is on for a port, every data
 * beat it performs is recorded (reads and writes; an errored access is recorded with its
 * response and, for writes, no bytes written). Byte-exact: `addr` and `bytes` are the
 * bytes the beat touched (the strobes for writes, the beat's size lanes for reads). */
typedef struct {
    uint64_t cycle;
    uint64_t addr;     /* first byte touched */
    uint8_t  mask;     /* bytes touched: bit i = addr_dword + i (addr & ~7 is the dword) */
    bool     write;
    uint8_t  resp;     /* 0 OKAY, 2 SLVERR, 3 DECERR */
    uint8_t  id;       /* AXI ID of the burst */
} mem_log_entry_t;
void mem_log_enable(sim_t *s, enum mem_port port, bool on);
size_t mem_log_count(const sim_t *s, enum mem_port port);
const mem_log_entry_t *mem_log_entries(const sim_t *s, enum mem_port port);
void mem_log_clear(sim_t *s, enum mem_port port);

/* Every address handshake on a port, for attribute and concurrency checks (always on,
 * bounded: the newest MEM_ADDR_LOG_MAX are kept). */
typedef struct {
    uint64_t cycle;    /* the address handshake */
    uint64_t addr;
    uint8_t  id, len, size, burst, cache, prot, domain;
    bool     write;
    uint32_t user;
    uint64_t done;     /* the cycle of its last R beat / its B handshake; 0 until then
                          (a write is in memory, and visible, from its last W beat) */
    uint8_t  resp;     /* the response it got (valid once done) */
} mem_addr_log_t;
#define MEM_ADDR_LOG_MAX 65536u
size_t mem_addr_log_count(const sim_t *s, enum mem_port port); /* ever logged */
/* The i-th handshake ever logged, or NULL when it is no longer (or not yet) kept. */
const mem_addr_log_t *mem_addr_log_get(const sim_t *s, enum mem_port port, size_t i);

/* Bursts accepted and not yet answered on a port, now and at most since the last
 * mem_port_peak_reset (reads: AR accepted, last R beat not yet; writes: AW accepted, B
 * not yet). */
typedef struct {
    unsigned rd_now, wr_now, rd_peak, wr_peak;
} mem_port_load_t;
void mem_port_load(const sim_t *s, enum mem_port port, mem_port_load_t *out);
void mem_port_peak_reset(sim_t *s, enum mem_port port);

/* Deliberate protocol bugs in a memory port (test-only): used in wire mode to show that
 * the traffic master's checker catches each violation it claims to. Each fires once. */
enum mem_bug {
    MEM_BUG_NONE = 0,
    MEM_BUG_SAME_ID_REORDER,  /* return the second of two same-ID reads first */
    MEM_BUG_SAME_ID_B_REORDER,/* answer the second of two same-ID writes first */
    MEM_BUG_EARLY_RLAST,      /* RLAST one beat early */
    MEM_BUG_MISSING_RLAST,    /* no RLAST on the last beat (the burst then ends) */
    MEM_BUG_WRONG_RID,        /* a read answered with an ID nothing waits for */
    MEM_BUG_B_BEFORE_WLAST,   /* BVALID after the AW, before the last W beat */
    MEM_BUG_RVALID_DROP,      /* RVALID dropped before RREADY */
};
void mem_inject_bug(sim_t *s, enum mem_port port, enum mem_bug bug);
/* Strict W order (default off: AXI4 lets write data lead the address): a W beat before
 * the AW handshake of its burst is a protocol violation. */
void mem_set_w_after_aw(sim_t *s, enum mem_port port, bool strict);

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
    uint32_t ssid;     /* the SubstreamID (AxUSER, 20 bits; meaningful with ssv) */
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

/* Blocking: issue one transaction on the traffic master (below) and wait for it. */
dma_result_t dma_read(sim_t *s, const dma_txn_t *t, void *buf);
dma_result_t dma_write(sim_t *s, const dma_txn_t *t, const void *buf);

/* ---- the traffic master: many transactions in flight --------------------------------
 *
 * What a DMA engine or a PCIe root port looks like to the SMMU: independent read and
 * write channels, up to `max_rd` / `max_wr` transactions outstanding per direction (a
 * run-time setting, at most TM_MAX_OUTSTANDING), an AXI ID per transaction, responses
 * matched by ID. Transactions are issued on their channel in the order tm_issue was
 * called for that direction; write data follow the AW order (AXI4 has no WID).
 *
 * Any burst can be requested, illegal ones included, for negative tests: INCR crossing
 * 4 KB, reserved AxBURST, WRAP with a bad length or alignment, AxSIZE wider than the
 * 64-bit bus, early or missing WLAST.
 *
 * The checker (on every response from the port it drives): RID/BID must name an
 * outstanding transaction; same-ID responses come in issue order (detected when the test
 * gave the data or response it expects and a younger same-ID transaction expects what
 * arrived); RLAST exactly on the last beat; no B before the AW handshake and the last W
 * beat; RVALID/BVALID and their payload held until READY. A violation aborts the run
 * (like a time-out), or is counted when tm_config_t.record_violations is set (to test the
 * checker itself). A transaction not answered within the time-out aborts with its
 * details. */
#define TM_MAX_OUTSTANDING 256u

typedef struct {
    bool     write;
    uint32_t sid;      /* StreamID (AxUSER) */
    uint64_t addr;     /* AxADDR as presented */
    uint8_t  id;       /* AXI ID */
    uint8_t  len;      /* AxLEN: beats - 1 */
    uint8_t  size;     /* AxSIZE: bytes per beat = 1 << size (the bus is 8 bytes) */
    uint8_t  burst;    /* AxBURST: 0 FIXED, 1 INCR, 2 WRAP, 3 reserved */
    uint8_t  prot;     /* AxPROT */
    uint8_t  cache;    /* AxCACHE */
    uint8_t  domain;   /* incoming shareability (AxUSER): 0 NSH, 2 OSH, 3 ISH */
    bool     nosnoop;
    bool     ssv;
    uint32_t ssid;     /* SubstreamID (AxUSER, 20 bits; meaningful with ssv) */
    /* Writes: (len + 1) bus beats of 8 bytes each as they appear on WDATA (NULL: a
     * pattern from the transaction's handle); strobes one byte per beat (NULL: the lanes
     * of each beat's address and size). */
    const uint8_t *wdata;
    const uint8_t *wstrb;
    /* Writes: the beat that carries WLAST: -1 the last (legal), else 0..len (early), or
     * len + 1 (missing: len + 1 beats without WLAST). */
    int      wlast_at;
    /* Writes: send only this many beats, then nothing more on the W channel (a stuck
     * client: the transaction never ends); 0 = all. */
    unsigned wbeats_max;
    /* Checker expectations (optional): expect_resp >= 0: the response every beat / the B
     * must carry; expect_rdata: (len + 1) * 8 bytes the read must return. */
    int      expect_resp;
    const uint8_t *expect_rdata;
    /* What the downstream side may see (optional): TM_DN_UNKNOWN; TM_DN_NONE (no
     * downstream access); TM_DN_AT (at most one, at one of expect_dn_addr[0 ..
     * expect_dn_n - 1]: a transaction whose outcome is one of a few, some of them
     * faults, lists the addresses of the others). Downstream accesses are attributed to transactions by ID
     * order; with these expectations an access is never attributed to a transaction
     * that expects none or another address, so aborts between forwarded transactions of
     * one ID do not shift the attribution, and an access no transaction can own is
     * counted as an orphan (tm_stats_t.dn_orphans). */
    uint8_t  expect_dn;
    uint8_t  expect_dn_n;
    uint64_t expect_dn_addr[2];
    uint64_t tag;      /* the test's own, returned in the result */
} tm_txn_t;
enum { TM_DN_UNKNOWN = 0, TM_DN_NONE = 1, TM_DN_AT = 2 };

/* A default transaction: INCR, 64-bit beats, `len` beats - 1, expect nothing. */
tm_txn_t tm_txn(bool write, uint32_t sid, uint64_t addr, unsigned beats);

typedef struct {
    int      handle;
    uint64_t tag;
    bool     write;
    int      resp;        /* worst AXI response of the transaction */
    unsigned beats;       /* R beats received */
    uint64_t t_issue;     /* cycle tm_issue was called */
    uint64_t t_addr;      /* address handshake */
    uint64_t t_first;     /* first R beat / the B */
    uint64_t t_done;      /* last R beat / the B */
    uint64_t tbl_reads;   /* table-port ARs between t_issue and t_done (all of them) */
    dn_obs_t dn;          /* what went downstream (see tm_result_t.dn_ambiguous) */
    bool     dn_ambiguous;/* the downstream access was attributed by ID order while
                             another same-ID transaction of the direction was unattributed */
} tm_result_t;

typedef struct {
    unsigned max_rd, max_wr;   /* outstanding per direction (1..TM_MAX_OUTSTANDING) */
    unsigned rready_low_pct;   /* percent of cycles RREADY is low (random, capped at 95) */
    unsigned bready_low_pct;   /* the same for BREADY */
    bool     w_before_aw;      /* present a write's data before its AW handshake */
    bool     record_violations;/* count checker violations instead of aborting */
} tm_config_t;

void tm_config(sim_t *s, const tm_config_t *cfg);    /* default: 64, 64, 0, 0, true, false */
void tm_get_config(const sim_t *s, tm_config_t *cfg);
/* Queue a transaction; `rbuf` receives a read's (len + 1) * 8 bytes of beat data and must
 * stay valid until the transaction is done. Returns its handle (>= 0). Never blocks:
 * the transaction waits in the issue queue while its direction has max outstanding. */
int tm_issue(sim_t *s, const tm_txn_t *t, void *rbuf);
/* True when done; fills *out and releases the handle. */
bool tm_poll(sim_t *s, int handle, tm_result_t *out);
/* Change a live transaction's downstream expectation (tm_txn_t.expect_dn): a test that
 * learns of more possible outcomes while it is in flight. False when it is done. */
bool tm_expect_dn(sim_t *s, int handle, uint8_t kind, unsigned n, const uint64_t *addr);
/* A write stopped by wbeats_max sends the rest of its beats from now on (the stuck client
 * goes on). False when it is done or not a write. */
bool tm_release_w(sim_t *s, int handle);
/* Steps the clock until the transaction is done (time-out: abort); releases the handle. */
tm_result_t tm_wait(sim_t *s, int handle);
/* Steps until every issued transaction is done (results stay for tm_poll). */
void tm_wait_all(sim_t *s);
/* Forget the results of done transactions nobody polled (long runs). */
void tm_discard_done(sim_t *s);
/* Hold RREADY and/or BREADY low from now for `cycles` cycles (0: release); with
 * `cycles` = TM_HOLD_FOREVER until released (a stuck client). */
#define TM_HOLD_FOREVER (~0ull)
void tm_hold_ready(sim_t *s, bool rready, bool bready, uint64_t cycles);
/* Transactions issued and not done, per direction (queued ones included). */
unsigned tm_pending(const sim_t *s, bool write);

typedef struct {
    uint64_t issued_rd, issued_wr, done_rd, done_wr;
    unsigned peak_rd, peak_wr;    /* most transactions outstanding at once on the bus
                                     (address accepted, not done) per direction */
    uint64_t r_beats, w_beats;    /* data beats handed over */
    uint64_t violations;          /* with record_violations */
    uint64_t dn_orphans;          /* downstream accesses no outstanding transaction of
                                     their ID and direction could own */
    uint64_t dn_orphan_addr;      /* the last one's address */
} tm_stats_t;
void tm_stats(const sim_t *s, tm_stats_t *out);
void tm_stats_reset(sim_t *s);
/* The i-th recorded violation's message (the first 1000 are kept), or NULL. */
const char *tm_violation(const sim_t *s, size_t i);

/* Interrupt pulses counted since creation (each output is a one-cycle pulse). */
enum sim_irq { SIM_IRQ_EVENTQ = 0, SIM_IRQ_CMD_SYNC = 1, SIM_IRQ_GERROR = 2, SIM_IRQ_PMCG = 3 };
uint64_t sim_irq_count(const sim_t *s, enum sim_irq which);
/* The cycle of the latest pulse (0 if none yet). */
uint64_t sim_irq_last_cycle(const sim_t *s, enum sim_irq which);

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
