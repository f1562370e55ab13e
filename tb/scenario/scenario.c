/*
 * The scenario runner: a plain-text script drives the Verilator model of the SMMU (memory,
 * registers, client transactions, commands, events) and states what must happen. The
 * format is in docs/scenario.md.
 *
 *   scenario [-v] [--trace FILE.fst] [--seed N] [--canwbs] [--no-model] SCRIPT
 *
 * Every transaction prints what went downstream (or the abort), every event record the
 * SMMU wrote is printed decoded. A failed expectation prints the script line, what was
 * expected and what happened, and the run goes on; the exit code is 0 only when every
 * expectation held (1: some failed, 2: the script could not be run).
 *
 * Each transaction is also checked against the reference model (tb/model), unless
 * --no-model or `model off`: response, output address, attributes, and the event record
 * the model predicts. The model is uncached, so a script that changes tables must
 * invalidate (cmd CFGI_* / TLBI_*) before relying on the change, as software must.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/smmu_model.h"
#include "scn_names.h"
#include "sim.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

enum { MAX_TOK = 96, MAX_VARS = 256, MAX_PEND = 256, MAX_LINE = 4096 };
enum { DEF_POLL = 1000, DEF_EVT_POLLS = 200, DEF_QUIET_CYCLES = 200 };

typedef struct {
    uint64_t d[4];
    int line; /* script line of the transaction that produced it (model queue) */
    uint64_t mask[4];
} evt_rec_t;

typedef struct {
    sim_t *sim;
    const sim_params_t *p;
    const char *path;
    int line;
    bool verbose;
    unsigned checks, failures;

    /* variables */
    struct { char name[48]; uint64_t val; } vars[MAX_VARS];
    unsigned nvars;

    /* the last transaction, and its table-port address log entries [tbl0, tbl1) */
    bool have_txn, txn_write;
    dma_txn_t txn;
    dma_result_t res;
    uint64_t data[256];
    size_t tbl0, tbl1;

    /* reference model */
    bool model_on, canwbs;
    smmu_model_t m;

    /* event records read from the queue and not yet matched by expect-event */
    evt_rec_t pend[MAX_PEND];
    unsigned npend;
    /* records the model predicts, in order, not yet seen */
    evt_rec_t mexp[MAX_PEND];
    unsigned nmexp;
    uint32_t last_ovf; /* EVENTQ_PROD.OVFLG last reported */

    /* the memory error ranges, mirrored so the model's table reads abort as the RTL's do */
    struct { uint64_t base, size; unsigned flags; } err[16];
    unsigned nerr;
} scn_t;

static _Noreturn void die(scn_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(scn_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A script error (bad syntax, unknown name): the run stops, exit code 2. */
static _Noreturn void die(scn_t *s, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: error: ", s->path, s->line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (s->sim)
        sim_destroy(s->sim);
    exit(2);
}

/* A failed expectation: reported with its line, the run goes on. */
static void fail(scn_t *s, const char *fmt, ...)
{
    va_list ap;
    s->failures++;
    printf("FAIL %s:%d: ", s->path, s->line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static void check(scn_t *s, bool ok, const char *what, uint64_t want, uint64_t got)
{
    s->checks++;
    if (!ok)
        fail(s, "%s: expected 0x%" PRIx64 ", got 0x%" PRIx64, what, want, got);
}

/* ---- names ------------------------------------------------------------------------- */

static bool name_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (toupper((unsigned char)*a) != toupper((unsigned char)*b))
            return false;
    return *a == *b;
}

static int enc_find(const scn_enc_t *t, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (name_eq(t[i].name, name))
            return (int)t[i].val;
    return -1;
}

static const char *enc_name(const scn_enc_t *t, size_t n, unsigned v)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].val == v)
            return t[i].name;
    return NULL;
}

static int reg_find(const char *name)
{
    if (!strncmp(name, "SMMU_", 5) || !strncmp(name, "smmu_", 5))
        name += 5;
    for (size_t i = 0; i < NELEM(scn_regs); i++)
        if (name_eq(scn_regs[i].name, name))
            return (int)i;
    return -1;
}

static int struct_find(const char *name)
{
    for (size_t i = 0; i < NELEM(scn_structs); i++)
        if (name_eq(scn_structs[i].name, name))
            return (int)i;
    return -1;
}

static const scn_sfield_t *sfield_find(int st, const char *name)
{
    for (size_t i = 0; i < NELEM(scn_sfields); i++)
        if (scn_sfields[i].st == st && name_eq(scn_sfields[i].name, name))
            return &scn_sfields[i];
    return NULL;
}

static const scn_reg_field_t *rfield_find(int reg, const char *name)
{
    int owner = scn_regs[reg].fields_of;
    for (size_t i = 0; i < NELEM(scn_reg_fields); i++)
        if (scn_reg_fields[i].reg == owner && name_eq(scn_reg_fields[i].name, name))
            return &scn_reg_fields[i];
    return NULL;
}

/* Fields that hold an address (ADDR, L2PTR, S1CONTEXTPTR, TTB0, S2TTB, IPA, FETCHADDR,
 * INPUTADDR) take the address itself: its bits go in place, and must lie inside the
 * field. Every other field takes its value, shifted into place. */
static bool field_is_addr(const char *name)
{
    char u[64];
    size_t i;
    for (i = 0; name[i] && i < sizeof u - 1; i++)
        u[i] = (char)toupper((unsigned char)name[i]);
    u[i] = 0;
    return strstr(u, "ADDR") || strstr(u, "PTR") || strstr(u, "TTB") || !strcmp(u, "IPA");
}

static uint64_t field_place(scn_t *s, const char *name, unsigned shift, uint64_t mask,
                            uint64_t v)
{
    uint64_t placed;
    if (field_is_addr(name)) {
        placed = v;
        if (placed & ~mask)
            die(s, "%s = 0x%" PRIx64 " has bits outside the field (mask 0x%" PRIx64 ")", name,
                v, mask);
    } else {
        if (shift >= 64 || (v << shift) >> shift != v || ((v << shift) & ~mask))
            die(s, "%s = 0x%" PRIx64 " does not fit the field (mask 0x%" PRIx64 ")", name, v,
                mask);
        placed = v << shift;
    }
    return placed;
}

static uint64_t field_get(const char *name, unsigned shift, uint64_t mask, uint64_t word)
{
    return field_is_addr(name) ? (word & mask) : (word & mask) >> shift;
}

/* ---- variables and expressions ------------------------------------------------------- */

static bool var_get(scn_t *s, const char *name, size_t len, uint64_t *v)
{
    for (unsigned i = 0; i < s->nvars; i++)
        if (strlen(s->vars[i].name) == len && !strncmp(s->vars[i].name, name, len)) {
            *v = s->vars[i].val;
            return true;
        }
    return false;
}

static void var_set(scn_t *s, const char *name, uint64_t v)
{
    for (unsigned i = 0; i < s->nvars; i++)
        if (!strcmp(s->vars[i].name, name)) {
            s->vars[i].val = v;
            return;
        }
    if (s->nvars == MAX_VARS)
        die(s, "too many variables");
    if (strlen(name) >= sizeof s->vars[0].name)
        die(s, "variable name too long: %s", name);
    snprintf(s->vars[s->nvars].name, sizeof s->vars[0].name, "%s", name);
    s->vars[s->nvars++].val = v;
}

typedef struct {
    scn_t *s;
    const char *p, *src;
} expr_t;

static uint64_t ex_or(expr_t *e);

static void ex_ws(expr_t *e)
{
    while (*e->p == ' ' || *e->p == '\t')
        e->p++;
}

static uint64_t ex_primary(expr_t *e)
{
    ex_ws(e);
    const char *p = e->p;
    if (*p == '(') {
        e->p++;
        uint64_t v = ex_or(e);
        ex_ws(e);
        if (*e->p != ')')
            die(e->s, "missing ')' in '%s'", e->src);
        e->p++;
        return v;
    }
    if (*p == '~') {
        e->p++;
        return ~ex_primary(e);
    }
    if (*p == '-') {
        e->p++;
        return (uint64_t)0 - ex_primary(e);
    }
    if (isdigit((unsigned char)*p)) {
        unsigned base = 10;
        uint64_t v = 0;
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
            base = 16;
            p += 2;
        } else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
            base = 2;
            p += 2;
        }
        const char *start = p;
        for (;; p++) {
            unsigned d;
            if (*p == '_')
                continue;
            if (isdigit((unsigned char)*p))
                d = (unsigned)(*p - '0');
            else if (isxdigit((unsigned char)*p))
                d = (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
            else
                break;
            if (d >= base)
                die(e->s, "bad digit in '%s'", e->src);
            if (v > (UINT64_MAX - d) / base)
                die(e->s, "number too large in '%s'", e->src);
            v = v * base + d;
        }
        if (p == start)
            die(e->s, "bad number in '%s'", e->src);
        if (isalpha((unsigned char)*p))
            die(e->s, "bad number in '%s'", e->src);
        e->p = p;
        return v;
    }
    if (isalpha((unsigned char)*p) || *p == '_' || *p == '$') {
        if (*p == '$')
            p++;
        const char *n = p;
        while (isalnum((unsigned char)*p) || *p == '_')
            p++;
        uint64_t v;
        if (!var_get(e->s, n, (size_t)(p - n), &v))
            die(e->s, "unknown variable '%.*s' in '%s'", (int)(p - n), n, e->src);
        e->p = p;
        return v;
    }
    die(e->s, "bad expression '%s'", e->src);
}

static uint64_t ex_mul(expr_t *e)
{
    uint64_t v = ex_primary(e);
    for (;;) {
        ex_ws(e);
        char op = *e->p;
        if (op != '*' && op != '/' && op != '%')
            return v;
        e->p++;
        uint64_t r = ex_primary(e);
        if (op != '*' && r == 0)
            die(e->s, "division by zero in '%s'", e->src);
        v = op == '*' ? v * r : op == '/' ? v / r : v % r;
    }
}

static uint64_t ex_add(expr_t *e)
{
    uint64_t v = ex_mul(e);
    for (;;) {
        ex_ws(e);
        char op = *e->p;
        if (op != '+' && op != '-')
            return v;
        e->p++;
        uint64_t r = ex_mul(e);
        v = op == '+' ? v + r : v - r;
    }
}

static uint64_t ex_shift(expr_t *e)
{
    uint64_t v = ex_add(e);
    for (;;) {
        ex_ws(e);
        if (!((e->p[0] == '<' && e->p[1] == '<') || (e->p[0] == '>' && e->p[1] == '>')))
            return v;
        bool left = e->p[0] == '<';
        e->p += 2;
        uint64_t r = ex_add(e);
        if (r >= 64)
            die(e->s, "shift by %" PRIu64 " in '%s'", r, e->src);
        v = left ? v << r : v >> r;
    }
}

static uint64_t ex_and(expr_t *e)
{
    uint64_t v = ex_shift(e);
    for (;;) {
        ex_ws(e);
        if (*e->p != '&')
            return v;
        e->p++;
        v &= ex_shift(e);
    }
}

static uint64_t ex_xor(expr_t *e)
{
    uint64_t v = ex_and(e);
    for (;;) {
        ex_ws(e);
        if (*e->p != '^')
            return v;
        e->p++;
        v ^= ex_and(e);
    }
}

static uint64_t ex_or(expr_t *e)
{
    uint64_t v = ex_xor(e);
    for (;;) {
        ex_ws(e);
        if (*e->p != '|')
            return v;
        e->p++;
        v |= ex_xor(e);
    }
}

static uint64_t eval(scn_t *s, const char *src)
{
    expr_t e = {s, src, src};
    uint64_t v = ex_or(&e);
    ex_ws(&e);
    if (*e.p)
        die(s, "junk after expression: '%s'", src);
    return v;
}

/* Splits "a,b,c" and evaluates each; returns the count. */
static unsigned eval_list(scn_t *s, const char *src, uint64_t *out, unsigned max)
{
    char buf[MAX_LINE];
    unsigned n = 0;
    snprintf(buf, sizeof buf, "%s", src);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (n == max)
            die(s, "too many values (at most %u)", max);
        out[n++] = eval(s, tok);
    }
    return n;
}

/* ---- registers ----------------------------------------------------------------------- */

typedef struct {
    uint32_t off;
    bool is64;
    int reg; /* index into scn_regs, or -1 for a raw offset */
    char name[48];
} regref_t;

static regref_t reg_ref(scn_t *s, const char *tok, int width)
{
    regref_t r;
    memset(&r, 0, sizeof r);
    r.reg = reg_find(tok);
    if (r.reg >= 0) {
        r.off = scn_regs[r.reg].off;
        r.is64 = width ? width == 64 : scn_regs[r.reg].is64;
        snprintf(r.name, sizeof r.name, "%s", scn_regs[r.reg].name);
    } else {
        if (!isdigit((unsigned char)tok[0]) && tok[0] != '(')
            die(s, "unknown register '%s'", tok);
        uint64_t off = eval(s, tok);
        if (off >= 0x20000 || (off & 3))
            die(s, "register offset 0x%" PRIx64 " is not a 32-bit aligned offset in the "
                   "128 KB window", off);
        r.off = (uint32_t)off;
        r.is64 = width == 64;
        snprintf(r.name, sizeof r.name, "0x%05x", r.off);
    }
    if (r.is64 && (r.off & 7))
        die(s, "64-bit access to %s at an offset that is not 8-byte aligned", r.name);
    return r;
}

static uint64_t reg_read(scn_t *s, const regref_t *r)
{
    return r->is64 ? sim_reg_read64(s->sim, r->off) : sim_reg_read32(s->sim, r->off);
}

static uint32_t rd32(scn_t *s, uint32_t off)
{
    return sim_reg_read32(s->sim, off);
}

/* A register value from tokens: an expression and/or FIELD=value pairs (OR-ed). `mask`
 * (if not NULL) gets the union of the named fields, or all ones for a raw value. Tokens
 * the caller handles itself (mask=, max=) are skipped. */
static uint64_t reg_value(scn_t *s, const regref_t *r, char **tok, int ntok, uint64_t *mask)
{
    uint64_t v = 0, m = 0;
    bool raw = false;
    for (int i = 0; i < ntok; i++) {
        char *eq = strchr(tok[i], '=');
        if (!eq) {
            v |= eval(s, tok[i]);
            raw = true;
            continue;
        }
        *eq = 0;
        if (name_eq(tok[i], "mask") || name_eq(tok[i], "max")) {
            *eq = '=';
            continue;
        }
        if (r->reg < 0)
            die(s, "fields need a register name, not an offset");
        const scn_reg_field_t *f = rfield_find(r->reg, tok[i]);
        if (!f)
            die(s, "register %s has no field %s", r->name, tok[i]);
        /* CMDQ_CONS.ERR takes a CERROR name too. */
        int en = name_eq(f->name, "ERR") ? enc_find(scn_cerrors, NELEM(scn_cerrors), eq + 1) : -1;
        v |= field_place(s, f->name, f->shift, f->mask, en >= 0 ? (uint64_t)en : eval(s, eq + 1));
        m |= f->mask;
        *eq = '=';
    }
    if (mask)
        *mask = raw || !m ? (r->is64 ? UINT64_MAX : 0xffffffffu) : m;
    return v;
}

static const char *opt_value(char **tok, int ntok, const char *key)
{
    size_t n = strlen(key);
    for (int i = 0; i < ntok; i++)
        if (!strncmp(tok[i], key, n) && tok[i][n] == '=')
            return tok[i] + n + 1;
    return NULL;
}

/* ---- event queue --------------------------------------------------------------------- */

static bool evt_is_fetch(unsigned type)
{
    return type == EVT_F_STE_FETCH || type == EVT_F_CD_FETCH || type == EVT_F_WALK_EABT ||
           type == EVT_F_VMS_FETCH;
}

/* C_BAD_* records carry only SSV/SSID and the StreamID (7.3). */
static bool evt_sid_only(unsigned type)
{
    return type == EVT_C_BAD_STREAMID || type == EVT_C_BAD_STE || type == EVT_C_BAD_CD ||
           type == EVT_C_BAD_SUBSTREAMID;
}

static void evt_format(const uint64_t *d, char *out, size_t n)
{
    unsigned type = (unsigned)((d[EVT_TYPE_DW] & EVT_TYPE_MASK) >> EVT_TYPE_SHIFT);
    const char *tn = enc_name(scn_evt_types, NELEM(scn_evt_types), type);
    int st = struct_find("EVT");
    size_t k = 0;
    if (tn)
        k += (size_t)snprintf(out + k, n - k, "%s", tn);
    else
        k += (size_t)snprintf(out + k, n - k, "type 0x%02x", type);
    k += (size_t)snprintf(out + k, n - k, " sid=0x%" PRIx64,
                          (uint64_t)((d[EVT_SID_DW] & EVT_SID_MASK) >> EVT_SID_SHIFT));
    if ((d[EVT_SSV_DW] & EVT_SSV_MASK) || type == EVT_C_BAD_SUBSTREAMID) /* no SSV there */
        k += (size_t)snprintf(out + k, n - k, " ssid=0x%" PRIx64,
                              (uint64_t)((d[EVT_SSID_DW] & EVT_SSID_MASK) >> EVT_SSID_SHIFT));
    /* The other fields: RnW, S2, CLASS and InputAddr always, FetchAddr for fetch aborts
     * (F_STE_FETCH has nothing else), IPA otherwise, the rest when non-zero. */
    for (size_t i = 0; i < NELEM(scn_sfields) && k < n && !evt_sid_only(type); i++) {
        const scn_sfield_t *f = &scn_sfields[i];
        if (f->st != st || !strcmp(f->name, "TYPE") || !strcmp(f->name, "SID") ||
            !strcmp(f->name, "SSV") || !strcmp(f->name, "SSID"))
            continue;
        bool fetch_addr = !strcmp(f->name, "FETCHADDR");
        if (fetch_addr != evt_is_fetch(type) && (fetch_addr || !strcmp(f->name, "IPA")))
            continue;
        if (type == EVT_F_STE_FETCH && !fetch_addr)
            continue;
        /* dword 1 [15:0] is Reason in F_UUT, F_*_FETCH, F_WALK_EABT, else STAG */
        bool has_reason = type == EVT_F_UUT || type == EVT_F_WALK_EABT || evt_is_fetch(type);
        if ((!strcmp(f->name, "REASON") && !has_reason) ||
            (!strcmp(f->name, "STAG") && has_reason))
            continue;
        uint64_t v = field_get(f->name, f->shift, f->mask, d[f->dw]);
        bool always = fetch_addr || !strcmp(f->name, "RNW") || !strcmp(f->name, "S2") ||
                      !strcmp(f->name, "CLASS") || !strcmp(f->name, "INPUTADDR");
        if (!v && !always)
            continue;
        if (!strcmp(f->name, "CLASS")) {
            const char *cn = enc_name(scn_evt_classes, NELEM(scn_evt_classes), (unsigned)v);
            k += (size_t)snprintf(out + k, n - k, " CLASS=%s", cn ? cn : "?");
        } else if (field_is_addr(f->name)) {
            k += (size_t)snprintf(out + k, n - k, " %s=0x%" PRIx64, f->name, v);
        } else {
            k += (size_t)snprintf(out + k, n - k, " %s=%" PRIu64, f->name, v);
        }
    }
    if (k < n)
        snprintf(out + k, n - k, "  [%016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64 "]",
                 d[0], d[1], d[2], d[3]);
}

/* The model's record against the RTL's, on the bits the architecture defines. */
static void model_match_event(scn_t *s, const evt_rec_t *got)
{
    if (!s->nmexp) {
        if (s->model_on) {
            char b[512];
            evt_format(got->d, b, sizeof b);
            s->checks++;
            fail(s, "model: the SMMU wrote an event the model does not predict: %s", b);
        }
        return;
    }
    evt_rec_t want = s->mexp[0];
    memmove(&s->mexp[0], &s->mexp[1], (s->nmexp - 1) * sizeof s->mexp[0]);
    s->nmexp--;
    bool ok = true;
    for (int i = 0; i < 4; i++)
        ok = ok && !((got->d[i] ^ want.d[i]) & want.mask[i]);
    s->checks++;
    if (!ok) {
        char a[512], b[512];
        evt_format(want.d, a, sizeof a);
        evt_format(got->d, b, sizeof b);
        fail(s, "model: event of the transaction at line %d: expected %s, got %s", want.line, a,
             b);
    }
}

/* Reads every record the SMMU has written since the last call (the runner is the queue's
 * consumer: it advances EVENTQ_CONS), prints each and queues it for expect-event. */
static void pull_events(scn_t *s)
{
    if (!(rd32(s, SMMU_CR0ACK) & SMMU_CR0_EVENTQEN_MASK))
        return;
    uint64_t base = sim_reg_read64(s->sim, SMMU_EVENTQ_BASE);
    unsigned log2 = (unsigned)((base & SMMU_EVENTQ_BASE_LOG2SIZE_MASK) >>
                               SMMU_EVENTQ_BASE_LOG2SIZE_SHIFT);
    if (log2 > s->p->eventqs)
        log2 = s->p->eventqs;
    uint64_t qpa = base & SMMU_EVENTQ_BASE_ADDR_MASK;
    uint32_t wm = (2u << log2) - 1, im = (1u << log2) - 1;
    uint32_t prod = rd32(s, SMMU_EVENTQ_PROD), cons = rd32(s, SMMU_EVENTQ_CONS);
    if (((prod ^ cons) & SMMU_EVENTQ_PROD_OVFLG_MASK) &&
        s->last_ovf != (prod & SMMU_EVENTQ_PROD_OVFLG_MASK)) {
        printf("  event queue overflow flagged (EVENTQ_PROD.OVFLG = %u)\n",
               (unsigned)!!(prod & SMMU_EVENTQ_PROD_OVFLG_MASK));
        s->last_ovf = prod & SMMU_EVENTQ_PROD_OVFLG_MASK;
    }
    unsigned guard = 0;
    bool moved = false;
    while ((cons & wm) != (prod & wm) && guard++ <= im) {
        evt_rec_t r;
        memset(&r, 0, sizeof r);
        r.line = s->line;
        for (unsigned i = 0; i < 4; i++)
            r.d[i] = mem_read64(s->sim, qpa + 32ull * (cons & im) + 8 * i);
        char b[512];
        evt_format(r.d, b, sizeof b);
        printf("  event: %s\n", b);
        model_match_event(s, &r);
        if (s->npend == MAX_PEND) {
            printf("  (event list full: dropping the oldest unexpected record)\n");
            memmove(&s->pend[0], &s->pend[1], (MAX_PEND - 1) * sizeof s->pend[0]);
            s->npend--;
        }
        s->pend[s->npend++] = r;
        cons = (cons & ~wm) | ((cons + 1) & wm);
        moved = true;
    }
    if (moved)
        sim_reg_write32(s->sim, SMMU_EVENTQ_CONS, cons);
}

/* ---- reference model --------------------------------------------------------------------- */

static int model_read64(void *ctx, uint64_t pa, uint64_t *val)
{
    const scn_t *s = ctx;
    for (unsigned i = 0; i < s->nerr; i++)
        if ((s->err[i].flags & MEM_ERR_READ) && pa + 8 > s->err[i].base &&
            pa - s->err[i].base < s->err[i].size)
            return -1;
    *val = mem_read64(s->sim, pa);
    return 0;
}

static void model_sync(scn_t *s)
{
    s->m.smmuen = rd32(s, SMMU_CR0ACK) & SMMU_CR0_SMMUEN_MASK;
    s->m.gbpa = rd32(s, SMMU_GBPA);
    s->m.cr2 = rd32(s, SMMU_CR2);
    s->m.strtab_base = sim_reg_read64(s->sim, SMMU_STRTAB_BASE);
    s->m.strtab_base_cfg = rd32(s, SMMU_STRTAB_BASE_CFG);
    s->m.cr1 = rd32(s, SMMU_CR1);
    s->m.canwbs = s->canwbs;
}

/* The last transaction's table reads (command fetches and event writes left out) must be,
 * in order, a subsequence of `want` (the reads an uncached SMMU makes; a cache skips
 * some): address, ARCACHE and ARDOMAIN each (IHI 0070 §13.8). */
static void check_tbl_reads(scn_t *s, const smmu_model_rd_t *want, unsigned n, const char *who)
{
    uint64_t cq = sim_reg_read64(s->sim, SMMU_CMDQ_BASE);
    unsigned lg = (unsigned)((cq & SMMU_CMDQ_BASE_LOG2SIZE_MASK) >> SMMU_CMDQ_BASE_LOG2SIZE_SHIFT);
    uint64_t cq_pa = cq & SMMU_CMDQ_BASE_ADDR_MASK, cq_size = 16ull << lg;
    unsigned j = 0;
    s->checks++;
    for (size_t i = s->tbl0; i < s->tbl1; i++) {
        const mem_addr_log_t *a = mem_addr_log_get(s->sim, MEM_PORT_TBL, i);
        if (!a || a->write || (a->addr >= cq_pa && a->addr - cq_pa < cq_size))
            continue;
        while (j < n && !(want[j].pa == a->addr && want[j].axcache == a->cache &&
                          want[j].axdomain == a->domain))
            j++;
        if (j == n) {
            fail(s, "%s: table read at 0x%" PRIx64 " ARCACHE 0x%x ARDOMAIN %u is not one the "
                    "transaction needs next (%u listed)", who, a->addr, a->cache, a->domain, n);
            return;
        }
        j++;
    }
}

/* ---- commands ------------------------------------------------------------------------ */

static const char *dom_name(unsigned d)
{
    static const char *n[] = {"NSH", "ISH", "OSH", "SYS"};
    return n[d & 3];
}

static const char *resp_name(int r)
{
    return r == 0 ? "OKAY" : r == 1 ? "EXOKAY" : r == 2 ? "SLVERR" : "DECERR";
}

static void print_result(scn_t *s)
{
    const dma_result_t *r = &s->res;
    printf("  %s sid=0x%x addr=0x%" PRIx64 " len=%u: %s", s->txn_write ? "write" : "read",
           s->txn.sid, s->txn.addr, s->txn.len, resp_name(r->resp));
    if (r->dn.seen)
        printf(" pa=0x%" PRIx64 " cache=0x%x domain=%s attr=0x%02x prot=0x%x", r->dn.addr,
               r->dn.cache, dom_name(r->dn.domain), r->dn.attr, r->dn.prot);
    else
        printf(", no downstream access");
    printf(" [%" PRIu64 " cycles, %" PRIu64 " table reads]\n", r->cycles, r->tbl_reads);
    if (s->verbose && !s->txn_write && r->resp == 0) {
        unsigned n = s->txn.len / 8 < 4 ? s->txn.len / 8 : 4;
        printf("    data:");
        for (unsigned i = 0; i < n; i++)
            printf(" 0x%016" PRIx64, s->data[i]);
        printf("%s\n", s->txn.len / 8 > n ? " ..." : "");
    }
}

static bool flag_value(scn_t *s, const char *tok, const char *name, bool *out)
{
    size_t n = strlen(name);
    if (name_eq(tok, name)) {
        *out = true;
        return true;
    }
    if (!strncmp(tok, name, n) && tok[n] == '=') {
        *out = eval(s, tok + n + 1) != 0;
        return true;
    }
    return false;
}

static unsigned parse_domain_in(scn_t *s, const char *v)
{
    if (name_eq(v, "nsh"))
        return 0;
    if (name_eq(v, "osh"))
        return 2;
    if (name_eq(v, "ish"))
        return 3;
    uint64_t d = eval(s, v);
    if (d > 3)
        die(s, "domain %" PRIu64 " out of range", d);
    return (unsigned)d;
}

static unsigned parse_domain_out(scn_t *s, const char *v)
{
    for (unsigned d = 0; d < 4; d++)
        if (name_eq(v, dom_name(d)))
            return d;
    if (name_eq(v, "system"))
        return 3;
    uint64_t d = eval(s, v);
    if (d > 3)
        die(s, "AxDOMAIN %" PRIu64 " out of range", d);
    return (unsigned)d;
}

static void cmd_dma(scn_t *s, char **tok, int ntok)
{
    if (ntok < 2 || !(name_eq(tok[1], "read") || name_eq(tok[1], "write")))
        die(s, "usage: dma read|write sid=N addr=A [len=8] ...");
    bool wr = name_eq(tok[1], "write");
    dma_txn_t t;
    memset(&t, 0, sizeof t);
    t.len = 8;
    t.cache = 0xf;
    t.prot = 2; /* Non-secure, unprivileged, data */
    bool have_addr = false, b;
    uint64_t wdata[256];
    unsigned nw = 0;
    memset(wdata, 0, sizeof wdata);
    for (int i = 2; i < ntok; i++) {
        const char *v = strchr(tok[i], '=');
        v = v ? v + 1 : NULL;
        if (!strncmp(tok[i], "sid=", 4)) {
            t.sid = (uint32_t)eval(s, v);
        } else if (!strncmp(tok[i], "addr=", 5)) {
            t.addr = eval(s, v);
            have_addr = true;
        } else if (!strncmp(tok[i], "len=", 4)) {
            t.len = (uint32_t)eval(s, v);
        } else if (!strncmp(tok[i], "cache=", 6)) {
            t.cache = (uint8_t)(eval(s, v) & 0xf);
        } else if (!strncmp(tok[i], "domain=", 7)) {
            t.domain = (uint8_t)parse_domain_in(s, v);
        } else if (!strncmp(tok[i], "id=", 3)) {
            t.id = (uint8_t)eval(s, v);
        } else if (!strncmp(tok[i], "prot=", 5)) {
            t.prot = (uint8_t)(eval(s, v) & 7);
        } else if (!strncmp(tok[i], "ssid=", 5)) {
            t.ssid = (uint32_t)(eval(s, v) & 0xfffff);
        } else if (!strncmp(tok[i], "data=", 5)) {
            nw = eval_list(s, v, wdata, 256);
        } else if (flag_value(s, tok[i], "priv", &b)) {
            t.prot = (uint8_t)((t.prot & ~1u) | (b ? 1 : 0));
        } else if (flag_value(s, tok[i], "instr", &b)) {
            t.prot = (uint8_t)((t.prot & ~4u) | (b ? 4 : 0));
        } else if (flag_value(s, tok[i], "nosnoop", &b)) {
            t.nosnoop = b;
        } else if (flag_value(s, tok[i], "ssv", &b)) {
            t.ssv = b;
        } else {
            die(s, "unknown dma option '%s'", tok[i]);
        }
    }
    if (!have_addr)
        die(s, "dma needs addr=");
    if (t.len == 0 || t.len % 8 || t.len > 2048 || (t.addr & 7) ||
        (t.addr & 0xfff) + t.len > 0x1000)
        die(s, "dma: len must be a multiple of 8 up to 2048, addr 8-byte aligned, and the "
               "burst must not cross 4 KB");
    if (nw > t.len / 8)
        die(s, "dma: %u data words for %u bytes", nw, t.len);
    if (nw && !wr)
        die(s, "dma read: data= is for writes (check read data with expect-txn data=)");

    smmu_model_result_t mr;
    bool model = s->model_on;
    if (model) {
        model_sync(s);
        smmu_model_txn_t mt = {.sid = t.sid, .ssv = t.ssv, .ssid = t.ssid, .addr = t.addr,
                               .write = wr,
                               .prot = t.prot, .cache = t.cache, .domain = t.domain,
                               .nosnoop = t.nosnoop};
        if (smmu_model_translate(&s->m, &mt, &mr) != 0)
            die(s, "reference model rejected the transaction");
    }

    s->txn = t;
    s->txn_write = wr;
    s->have_txn = true;
    memset(s->data, 0, sizeof s->data);
    s->tbl0 = mem_addr_log_count(s->sim, MEM_PORT_TBL);
    if (wr) {
        memcpy(s->data, wdata, t.len);
        s->res = dma_write(s->sim, &t, wdata);
    } else {
        s->res = dma_read(s->sim, &t, s->data);
    }
    s->tbl1 = mem_addr_log_count(s->sim, MEM_PORT_TBL);
    print_result(s);

    if (model) {
        const dma_result_t *r = &s->res;
        s->checks++;
        if (mr.outcome == SMMU_MODEL_OK) {
            if (r->resp != 0 || !r->dn.seen || r->dn.addr != mr.pa || r->dn.cache != mr.axcache ||
                r->dn.domain != mr.axdomain || r->dn.attr != mr.attr || r->dn.prot != mr.axprot)
                fail(s, "model: expected OKAY pa=0x%" PRIx64 " cache=0x%x domain=%s attr=0x%02x "
                        "prot=0x%x (path %d)", mr.pa, mr.axcache, dom_name(mr.axdomain), mr.attr,
                     mr.axprot, (int)mr.path);
        } else if (r->resp != 2 || r->dn.seen) {
            const char *fn = enc_name(scn_evt_types, NELEM(scn_evt_types), mr.fault);
            fail(s, "model: expected SLVERR with no downstream access (%s%s)",
                 mr.outcome == SMMU_MODEL_ABORT_NO_EVENT ? "abort, no event" : "fault ",
                 mr.outcome == SMMU_MODEL_ABORT_NO_EVENT ? "" : fn ? fn : "?");
        }
        check_tbl_reads(s, mr.rd, mr.nrd, "model");
        if (mr.evt_valid) {
            if (s->nmexp == MAX_PEND)
                die(s, "too many predicted events outstanding");
            evt_rec_t e;
            memset(&e, 0, sizeof e);
            memcpy(e.d, mr.evt, sizeof e.d);
            memcpy(e.mask, mr.evt_mask, sizeof e.mask);
            e.line = s->line;
            s->mexp[s->nmexp++] = e;
        }
    }
    pull_events(s);
}

static void cmd_expect_txn(scn_t *s, char **tok, int ntok)
{
    if (!s->have_txn)
        die(s, "expect-txn before any dma");
    const dma_result_t *r = &s->res;
    for (int i = 1; i < ntok; i++) {
        const char *v = strchr(tok[i], '=');
        v = v ? v + 1 : NULL;
        s->checks++;
        if (name_eq(tok[i], "okay") || name_eq(tok[i], "slverr") || name_eq(tok[i], "decerr") ||
            name_eq(tok[i], "abort")) {
            int want = name_eq(tok[i], "okay") ? 0 : name_eq(tok[i], "decerr") ? 3 : 2;
            if (r->resp != want)
                fail(s, "response: expected %s, got %s", resp_name(want), resp_name(r->resp));
            if (name_eq(tok[i], "abort") && r->dn.seen) {
                s->checks++;
                fail(s, "expected no downstream access, got one at pa=0x%" PRIx64, r->dn.addr);
            }
        } else if (name_eq(tok[i], "nodown")) {
            if (r->dn.seen)
                fail(s, "expected no downstream access, got one at pa=0x%" PRIx64, r->dn.addr);
        } else if (!v) {
            die(s, "unknown expect-txn item '%s'", tok[i]);
        } else if (!r->dn.seen && strncmp(tok[i], "data=", 5) && strncmp(tok[i], "reads=", 6)) {
            fail(s, "%.*s: expected a downstream access, there was none (%s)",
                 (int)(v - 1 - tok[i]), tok[i], resp_name(r->resp));
        } else if (!strncmp(tok[i], "pa=", 3)) {
            check(s, r->dn.addr == eval(s, v), "downstream address", eval(s, v), r->dn.addr);
        } else if (!strncmp(tok[i], "cache=", 6)) {
            check(s, r->dn.cache == eval(s, v), "AxCACHE", eval(s, v), r->dn.cache);
        } else if (!strncmp(tok[i], "attr=", 5)) {
            check(s, r->dn.attr == eval(s, v), "attribute", eval(s, v), r->dn.attr);
        } else if (!strncmp(tok[i], "prot=", 5)) {
            check(s, r->dn.prot == eval(s, v), "AxPROT", eval(s, v), r->dn.prot);
        } else if (!strncmp(tok[i], "domain=", 7)) {
            unsigned d = parse_domain_out(s, v);
            if (r->dn.domain != d)
                fail(s, "AxDOMAIN: expected %s, got %s", dom_name(d), dom_name(r->dn.domain));
        } else if (!strncmp(tok[i], "reads=", 6)) {
            check(s, r->tbl_reads == eval(s, v), "table reads", eval(s, v), r->tbl_reads);
        } else if (!strncmp(tok[i], "data=", 5)) {
            uint64_t w[256];
            unsigned n = eval_list(s, v, w, 256);
            if (n > s->txn.len / 8)
                die(s, "%u data words for a %u-byte transaction", n, s->txn.len);
            for (unsigned k = 0; k < n; k++)
                if (s->data[k] != w[k]) {
                    fail(s, "data word %u: expected 0x%" PRIx64 ", got 0x%" PRIx64, k, w[k],
                         s->data[k]);
                    break;
                }
        } else {
            die(s, "unknown expect-txn item '%s'", tok[i]);
        }
    }
}

/* expect-tbl-reads PA/CACHE/DOMAIN ...: the last transaction's table reads, in order, a
 * subsequence of the list. */
static void cmd_expect_tbl_reads(scn_t *s, char **tok, int ntok)
{
    if (!s->have_txn)
        die(s, "expect-tbl-reads before any dma");
    static smmu_model_rd_t want[SMMU_MODEL_MAX_RD];
    unsigned n = 0;
    for (int i = 1; i < ntok; i++) {
        char *p1 = strchr(tok[i], '/'), *p2 = p1 ? strchr(p1 + 1, '/') : NULL;
        if (!p2 || n == SMMU_MODEL_MAX_RD)
            die(s, "expect-tbl-reads: expected PA/CACHE/DOMAIN, got '%s'", tok[i]);
        *p1 = *p2 = 0;
        memset(&want[n], 0, sizeof want[n]);
        want[n].pa = eval(s, tok[i]);
        want[n].axcache = (uint8_t)eval(s, p1 + 1);
        want[n].axdomain = (uint8_t)eval(s, p2 + 1);
        *p1 = *p2 = '/';
        n++;
    }
    check_tbl_reads(s, want, n, "expect-tbl-reads");
}

static void cmd_cmd(scn_t *s, char **tok, int ntok)
{
    if (ntok < 2)
        die(s, "usage: cmd OPCODE [FIELD=value ...] [error=ILL|ABT] [nowait]");
    int st = struct_find("CMD");
    int op = enc_find(scn_cmd_ops, NELEM(scn_cmd_ops), tok[1]);
    uint64_t d[2] = {0, 0};
    if (op < 0) {
        if (!isdigit((unsigned char)tok[1][0]))
            die(s, "unknown command '%s'", tok[1]);
        uint64_t v = eval(s, tok[1]);
        if (v > 0xff)
            die(s, "opcode 0x%" PRIx64 " does not fit 8 bits", v);
        op = (int)v;
    }
    d[CMD_OPCODE_DW] |= ((uint64_t)op << CMD_OPCODE_SHIFT) & CMD_OPCODE_MASK;
    int want_err = -1;
    bool wait = true;
    unsigned max = DEF_POLL;
    for (int i = 2; i < ntok; i++) {
        char *eq = strchr(tok[i], '=');
        if (name_eq(tok[i], "nowait")) {
            wait = false;
            continue;
        }
        if (!eq)
            die(s, "expected FIELD=value, got '%s'", tok[i]);
        *eq = 0;
        const char *v = eq + 1;
        if (name_eq(tok[i], "error")) {
            want_err = enc_find(scn_cerrors, NELEM(scn_cerrors), v);
            if (want_err < 0)
                want_err = (int)eval(s, v);
        } else if (name_eq(tok[i], "max")) {
            max = (unsigned)eval(s, v);
        } else if (name_eq(tok[i], "dw0") || name_eq(tok[i], "dw1")) {
            d[tok[i][2] - '0'] |= eval(s, v); /* raw bits, for RES0 and odd encodings */
        } else {
            const scn_sfield_t *f = sfield_find(st, tok[i]);
            if (!f)
                die(s, "commands have no field %s", tok[i]);
            d[f->dw] |= field_place(s, f->name, f->shift, f->mask, eval(s, v));
        }
        *eq = '=';
    }

    uint64_t base = sim_reg_read64(s->sim, SMMU_CMDQ_BASE);
    unsigned log2 = (unsigned)((base & SMMU_CMDQ_BASE_LOG2SIZE_MASK) >> SMMU_CMDQ_BASE_LOG2SIZE_SHIFT);
    if (log2 > s->p->cmdqs)
        log2 = s->p->cmdqs;
    uint32_t wm = (2u << log2) - 1, im = (1u << log2) - 1;
    uint32_t prod = rd32(s, SMMU_CMDQ_PROD) & SMMU_CMDQ_PROD_WR_MASK;
    uint64_t pa = (base & SMMU_CMDQ_BASE_ADDR_MASK) + 16ull * (prod & im);
    mem_write64(s->sim, pa, d[0]);
    mem_write64(s->sim, pa + 8, d[1]);
    var_set(s, "LAST_CMD", pa);
    uint32_t np = (prod & ~wm) | ((prod + 1) & wm);
    sim_reg_write32(s->sim, SMMU_CMDQ_PROD, np);
    const char *on = enc_name(scn_cmd_ops, NELEM(scn_cmd_ops), (unsigned)op);
    if (s->verbose)
        printf("  cmd %s at 0x%" PRIx64 " [%016" PRIx64 " %016" PRIx64 "], PROD 0x%x\n",
               on ? on : "(raw)", pa, d[0], d[1], np);
    if (!wait) {
        pull_events(s);
        return;
    }
    /* Until CONS reaches the new PROD, or a command-queue error stops consumption. */
    uint32_t cons = 0;
    int err = -1;
    bool done = false;
    for (unsigned n = 0; n < max && !done && err < 0; n++) {
        cons = rd32(s, SMMU_CMDQ_CONS);
        if ((cons & wm) == (np & wm))
            done = true;
        else if ((rd32(s, SMMU_GERROR) ^ rd32(s, SMMU_GERRORN)) & SMMU_GERROR_CMDQ_ERR_MASK) {
            cons = rd32(s, SMMU_CMDQ_CONS); /* ERR is set with GERROR.CMDQ_ERR */
            err = (int)((cons & SMMU_CMDQ_CONS_ERR_MASK) >> SMMU_CMDQ_CONS_ERR_SHIFT);
        }
    }
    s->checks++;
    if (err >= 0) {
        const char *en = enc_name(scn_cerrors, NELEM(scn_cerrors), (unsigned)err);
        printf("  cmd %s: command-queue error CERROR_%s at CONS 0x%x\n", on ? on : tok[1],
               en ? en : "?", cons & wm);
        if (want_err < 0)
            fail(s, "cmd %s: command-queue error CERROR_%s (0x%x) at CONS 0x%x", on ? on : tok[1],
                 en ? en : "?", (unsigned)err, cons & wm);
        else if (want_err != err)
            fail(s, "cmd %s: expected CERROR 0x%x, got 0x%x", on ? on : tok[1],
                 (unsigned)want_err, (unsigned)err);
    } else if (!done) {
        fail(s, "cmd %s: CMDQ_CONS 0x%x did not reach PROD 0x%x within %u reads", on ? on : tok[1],
             cons, np, max);
    } else if (want_err >= 0) {
        fail(s, "cmd %s: expected command-queue error 0x%x, the command completed",
             on ? on : tok[1], (unsigned)want_err);
    }
    pull_events(s);
}

static void cmd_expect_event(scn_t *s, char **tok, int ntok)
{
    if (ntok < 2)
        die(s, "usage: expect-event TYPE [sid=N] [FIELD=value ...]");
    int st = struct_find("EVT");
    int type = enc_find(scn_evt_types, NELEM(scn_evt_types), tok[1]);
    if (type < 0) {
        if (!isdigit((unsigned char)tok[1][0]))
            die(s, "unknown event type '%s'", tok[1]);
        type = (int)eval(s, tok[1]);
    }
    uint64_t want[4] = {0}, mask[4] = {0};
    want[EVT_TYPE_DW] |= ((uint64_t)type << EVT_TYPE_SHIFT) & EVT_TYPE_MASK;
    mask[EVT_TYPE_DW] |= EVT_TYPE_MASK;
    unsigned polls = DEF_EVT_POLLS;
    for (int i = 2; i < ntok; i++) {
        char *eq = strchr(tok[i], '=');
        if (!eq)
            die(s, "expected FIELD=value, got '%s'", tok[i]);
        *eq = 0;
        const char *v = eq + 1;
        if (name_eq(tok[i], "polls")) {
            polls = (unsigned)eval(s, v);
        } else if (strlen(tok[i]) == 3 && (tok[i][0] == 'd' || tok[i][0] == 'D') &&
                   (tok[i][1] == 'w' || tok[i][1] == 'W') && tok[i][2] >= '0' && tok[i][2] <= '3') {
            unsigned k = (unsigned)(tok[i][2] - '0'); /* a whole dword */
            want[k] = eval(s, v);
            mask[k] = UINT64_MAX;
        } else {
            const scn_sfield_t *f = sfield_find(st, tok[i]);
            if (!f)
                die(s, "event records have no field %s", tok[i]);
            uint64_t val;
            int cls = name_eq(f->name, "CLASS") ? enc_find(scn_evt_classes, NELEM(scn_evt_classes), v) : -1;
            val = cls >= 0 ? (uint64_t)cls : eval(s, v);
            want[f->dw] |= field_place(s, f->name, f->shift, f->mask, val);
            mask[f->dw] |= f->mask;
        }
        *eq = '=';
    }
    for (unsigned n = 0; !s->npend && n < polls; n++) {
        pull_events(s);
        if (!s->npend)
            sim_step(s->sim, 10);
    }
    s->checks++;
    char wb[512];
    evt_format(want, wb, sizeof wb);
    if (!s->npend) {
        fail(s, "expected event %s, none arrived", tok[1]);
        return;
    }
    evt_rec_t got = s->pend[0];
    memmove(&s->pend[0], &s->pend[1], (s->npend - 1) * sizeof s->pend[0]);
    s->npend--;
    for (int i = 0; i < 4; i++)
        if ((got.d[i] ^ want[i]) & mask[i]) {
            char gb[512];
            evt_format(got.d, gb, sizeof gb);
            /* Name the differing fields. */
            char diff[512];
            size_t k = 0;
            diff[0] = 0;
            for (size_t j = 0; j < NELEM(scn_sfields); j++) {
                const scn_sfield_t *f = &scn_sfields[j];
                if (f->st != st || !(mask[f->dw] & f->mask) ||
                    !((got.d[f->dw] ^ want[f->dw]) & f->mask) || k >= sizeof diff)
                    continue;
                k += (size_t)snprintf(diff + k, sizeof diff - k, " %s (expected 0x%" PRIx64
                                      ", got 0x%" PRIx64 ")", f->name,
                                      field_get(f->name, f->shift, f->mask, want[f->dw]),
                                      field_get(f->name, f->shift, f->mask, got.d[f->dw]));
            }
            if (!diff[0])
                snprintf(diff, sizeof diff, " dw%d (expected 0x%" PRIx64 ", got 0x%" PRIx64 ")", i,
                         want[i], got.d[i]);
            fail(s, "event differs:%s; got %s", diff, gb);
            return;
        }
}

static void cmd_expect_no_event(scn_t *s, char **tok, int ntok)
{
    unsigned cycles = DEF_QUIET_CYCLES;
    const char *v = opt_value(tok, ntok, "cycles");
    if (v)
        cycles = (unsigned)eval(s, v);
    sim_step(s->sim, cycles);
    pull_events(s);
    s->checks++;
    if (s->npend) {
        for (unsigned i = 0; i < s->npend; i++) {
            char b[512];
            evt_format(s->pend[i].d, b, sizeof b);
            fail(s, "expected no event, got %s", b);
        }
        s->npend = 0;
    }
}

/* struct NAME ADDR FIELD=value ...: the structure zeroed, the fields set, written. */
static void cmd_struct(scn_t *s, int st, char **tok, int ntok)
{
    if (ntok < 1)
        die(s, "usage: %s ADDR FIELD=value ...", scn_structs[st].name);
    uint64_t pa = eval(s, tok[0]);
    uint64_t d[8] = {0};
    unsigned dws = scn_structs[st].bytes / 8;
    if (pa & 7)
        die(s, "%s at 0x%" PRIx64 ": not 8-byte aligned", scn_structs[st].name, pa);
    for (int i = 1; i < ntok; i++) {
        char *eq = strchr(tok[i], '=');
        if (!eq)
            die(s, "expected FIELD=value, got '%s'", tok[i]);
        *eq = 0;
        if (name_eq(tok[i], "dw0") || name_eq(tok[i], "dw1") || name_eq(tok[i], "dw2") ||
            name_eq(tok[i], "dw3") || name_eq(tok[i], "dw4") || name_eq(tok[i], "dw5") ||
            name_eq(tok[i], "dw6") || name_eq(tok[i], "dw7")) {
            unsigned k = (unsigned)(tok[i][2] - '0');
            if (k >= dws)
                die(s, "%s has %u dwords", scn_structs[st].name, dws);
            d[k] |= eval(s, eq + 1);
        } else {
            const scn_sfield_t *f = sfield_find(st, tok[i]);
            if (!f)
                die(s, "%s has no field %s", scn_structs[st].name, tok[i]);
            d[f->dw] |= field_place(s, f->name, f->shift, f->mask, eval(s, eq + 1));
        }
        *eq = '=';
    }
    for (unsigned i = 0; i < dws; i++)
        mem_write64(s->sim, pa + 8 * i, d[i]);
    if (s->verbose) {
        printf("  %s at 0x%" PRIx64 ":", scn_structs[st].name, pa);
        for (unsigned i = 0; i < dws; i++)
            printf(" %016" PRIx64, d[i]);
        printf("\n");
    }
}

/* ---- translation tables ---------------------------------------------------------------- */

/* A VMSAv8-64 leaf descriptor (4 KB granule) from tokens "OA s1|s2 [level=3] [FIELD=v]...":
 * stage 1 AttrIndx[4:2], AP[7:6], nG[11], PXN[53], UXN[54]; stage 2 MemAttr[5:2],
 * S2AP[7:6], XN[54:53]; both SH[9:8], AF[10] (default 1), DBM[51]; level 3 is a page,
 * 1 or 2 a block; desc=RAW replaces the whole value. `start` (map only) is returned. */
static uint64_t leaf_desc(scn_t *s, char **tok, int ntok, uint64_t *level_out, uint64_t *start_out)
{
    if (ntok < 2 || !(name_eq(tok[1], "s1") || name_eq(tok[1], "s2")))
        die(s, "expected OA s1|s2 [level=N] [FIELD=value ...]");
    bool s2 = name_eq(tok[1], "s2");
    uint64_t oa = eval(s, tok[0]);
    uint64_t level = 3, start = 0, af = 1, d = 0, raw = 0;
    bool have_raw = false;
    static const struct { const char *name; unsigned shift, bits; bool s1, s2; } f[] = {
        {"attrindx", 2, 3, true, false}, {"ap", 6, 2, true, false},
        {"memattr", 2, 4, false, true},  {"s2ap", 6, 2, false, true},
        {"sh", 8, 2, true, true},        {"ng", 11, 1, true, false},
        {"pxn", 53, 1, true, false},     {"uxn", 54, 1, true, false},
        {"xn", 53, 2, false, true},      {"dbm", 51, 1, true, true},
    };
    for (int i = 2; i < ntok; i++) {
        char *eq = strchr(tok[i], '=');
        if (!eq)
            die(s, "expected FIELD=value, got '%s'", tok[i]);
        *eq = 0;
        uint64_t v = eval(s, eq + 1);
        const char *k = tok[i];
        size_t j;
        if (name_eq(k, "level"))
            level = v;
        else if (name_eq(k, "start") && start_out)
            start = v;
        else if (name_eq(k, "af"))
            af = v;
        else if (name_eq(k, "desc")) {
            raw = v;
            have_raw = true;
        } else {
            for (j = 0; j < NELEM(f); j++)
                if (name_eq(k, f[j].name) && (s2 ? f[j].s2 : f[j].s1))
                    break;
            if (j == NELEM(f))
                die(s, "%s descriptor: unknown field %s", s2 ? "s2" : "s1", k);
            if (v >> f[j].bits)
                die(s, "%s = 0x%" PRIx64 " does not fit %u bits", k, v, f[j].bits);
            d |= v << f[j].shift;
        }
        *eq = '=';
    }
    if (level < 1 || level > 3 || start > level || af > 1)
        die(s, "need 1 <= level <= 3, start <= level, af 0 or 1");
    uint64_t blk = 1ull << (39 - 9 * level); /* bytes one leaf at `level` maps */
    if ((oa & (blk - 1)) || (oa >> 48))
        die(s, "OA 0x%" PRIx64 " is not aligned to the leaf size 0x%" PRIx64 " (or above 48 bits)",
            oa, blk);
    *level_out = level;
    if (start_out)
        *start_out = start;
    return have_raw ? raw : oa | d | (af << 10) | (level == 3 ? 3 : 1);
}

/* desc NAME OA s1|s2 [level=3] [FIELD=value ...]: sets variable NAME to the descriptor. */
static void cmd_desc(scn_t *s, char **tok, int ntok)
{
    uint64_t level;
    if (ntok < 4)
        die(s, "usage: desc NAME OA s1|s2 [level=3] [FIELD=value ...]");
    var_set(s, tok[1], leaf_desc(s, tok + 2, ntok - 2, &level, NULL));
}

/* map ROOT IA OA s1|s2 [level=3] [start=0] [FIELD=value ...]: walks from ROOT (a PA) at
 * level `start`, creating missing table descriptors (4 KB tables taken from NEXT_TABLE),
 * and writes the leaf for IA. The start level's index is not limited to 9 bits, so
 * concatenated stage-2 start tables work. Sets LAST_DESC to the leaf's PA. */
static void cmd_map(scn_t *s, char **tok, int ntok)
{
    if (ntok < 5)
        die(s, "usage: map ROOT IA OA s1|s2 [level=3] [start=0] [FIELD=value ...]");
    uint64_t root = eval(s, tok[1]), ia = eval(s, tok[2]), level, start;
    uint64_t desc = leaf_desc(s, tok + 3, ntok - 3, &level, &start);
    if (root & 0xfff)
        die(s, "map: ROOT 0x%" PRIx64 " is not 4 KB aligned", root);
    uint64_t tbl = root;
    for (uint64_t l = start; l < level; l++) {
        uint64_t idx = (ia >> (39 - 9 * l)) & (l == start ? 0xffff : 511);
        uint64_t da = tbl + 8 * idx, cur = mem_read64(s->sim, da);
        if ((cur & 3) != 3) {
            uint64_t nt;
            if (!var_get(s, "NEXT_TABLE", 10, &nt))
                die(s, "map: NEXT_TABLE is not set");
            for (unsigned w = 0; w < 512; w++)
                mem_write64(s->sim, nt + 8 * w, 0);
            var_set(s, "NEXT_TABLE", nt + 0x1000);
            cur = nt | 3;
            mem_write64(s->sim, da, cur);
        }
        tbl = cur & 0x0000fffffffff000ull;
    }
    uint64_t la = tbl + 8 * ((ia >> (39 - 9 * level)) & (level == start ? 0xffff : 511));
    mem_write64(s->sim, la, desc);
    var_set(s, "LAST_DESC", la);
    if (s->verbose)
        printf("  map 0x%" PRIx64 ": descriptor 0x%016" PRIx64 " at 0x%" PRIx64 "\n", ia, desc, la);
}

/* ---- the interpreter ------------------------------------------------------------------- */

static int tokenize(char *line, char **tok)
{
    int n = 0;
    char *h = strchr(line, '#');
    if (h)
        *h = 0;
    for (char *p = strtok(line, " \t\r\n"); p; p = strtok(NULL, " \t\r\n")) {
        if (n == MAX_TOK)
            return -1;
        tok[n++] = p;
    }
    return n;
}

static void run_line(scn_t *s, char **tok, int ntok)
{
    const char *c = tok[0];
    if (name_eq(c, "set") || name_eq(c, "let")) {
        if (ntok < 3)
            die(s, "usage: set NAME EXPR");
        if (!isalpha((unsigned char)tok[1][0]) && tok[1][0] != '_')
            die(s, "bad variable name '%s'", tok[1]);
        for (const char *q = tok[1]; *q; q++)
            if (!isalnum((unsigned char)*q) && *q != '_')
                die(s, "bad variable name '%s'", tok[1]);
        /* The rest of the line is one expression (spaces allowed). */
        char buf[MAX_LINE];
        size_t k = 0;
        buf[0] = 0;
        for (int i = 2; i < ntok; i++)
            k += (size_t)snprintf(buf + k, sizeof buf - k, "%s ", tok[i]);
        var_set(s, tok[1], eval(s, buf));
    } else if (name_eq(c, "require")) {
        /* require EXPR: skip the rest of the script (exit 0) unless EXPR is non-zero, for
         * scripts written for particular model parameters (e.g. require FWB). */
        char buf[MAX_LINE];
        size_t k = 0;
        buf[0] = 0;
        for (int i = 1; i < ntok; i++)
            k += (size_t)snprintf(buf + k, sizeof buf - k, "%s ", tok[i]);
        if (ntok < 2)
            die(s, "usage: require EXPR");
        if (!eval(s, buf)) {
            printf("%s: skipped: requires %s\n", s->path, buf);
            sim_destroy(s->sim);
            exit(s->failures ? 1 : 0);
        }
    } else if (name_eq(c, "print") || name_eq(c, "echo")) {
        printf("  --");
        for (int i = 1; i < ntok; i++)
            printf(" %s", tok[i]);
        printf("\n");
    } else if (name_eq(c, "mem")) {
        if (ntok < 3)
            die(s, "usage: mem ADDR WORD [WORD ...]");
        uint64_t pa = eval(s, tok[1]);
        if (pa & 7)
            die(s, "mem: address 0x%" PRIx64 " is not 8-byte aligned", pa);
        for (int i = 2; i < ntok; i++)
            mem_write64(s->sim, pa + 8ull * (unsigned)(i - 2), eval(s, tok[i]));
    } else if (name_eq(c, "mem-expect") || name_eq(c, "expect-mem")) {
        if (ntok < 3)
            die(s, "usage: mem-expect ADDR WORD [WORD ...]");
        uint64_t pa = eval(s, tok[1]);
        for (int i = 2; i < ntok; i++) {
            uint64_t a = pa + 8ull * (unsigned)(i - 2), w = eval(s, tok[i]), g = mem_read64(s->sim, a);
            s->checks++;
            if (g != w)
                fail(s, "memory at 0x%" PRIx64 ": expected 0x%" PRIx64 ", got 0x%" PRIx64, a, w, g);
        }
    } else if (name_eq(c, "mem-print")) {
        if (ntok < 2)
            die(s, "usage: mem-print ADDR [WORDS]");
        uint64_t pa = eval(s, tok[1]), n = ntok > 2 ? eval(s, tok[2]) : 1;
        for (uint64_t i = 0; i < n && i < 512; i++)
            printf("  mem 0x%" PRIx64 " = 0x%016" PRIx64 "\n", pa + 8 * i, mem_read64(s->sim, pa + 8 * i));
    } else if (name_eq(c, "struct")) {
        if (ntok < 3)
            die(s, "usage: struct NAME ADDR FIELD=value ...");
        int st = struct_find(tok[1]);
        if (st < 0)
            die(s, "unknown structure '%s'", tok[1]);
        cmd_struct(s, st, tok + 2, ntok - 2);
    } else if (struct_find(c) >= 0 && !name_eq(c, "cmd")) {
        cmd_struct(s, struct_find(c), tok + 1, ntok - 1);
    } else if (name_eq(c, "write") || name_eq(c, "write32") || name_eq(c, "write64")) {
        if (ntok < 3)
            die(s, "usage: %s REG VALUE|FIELD=value ...", c);
        regref_t r = reg_ref(s, tok[1], name_eq(c, "write32") ? 32 : name_eq(c, "write64") ? 64 : 0);
        uint64_t v = reg_value(s, &r, tok + 2, ntok - 2, NULL);
        if (!r.is64 && (v >> 32))
            die(s, "value 0x%" PRIx64 " does not fit 32-bit %s", v, r.name);
        int resp = r.is64 ? sim_reg_write64_resp(s->sim, r.off, v)
                          : sim_reg_write32_resp(s->sim, r.off, (uint32_t)v);
        if (s->verbose)
            printf("  write %s = 0x%" PRIx64 "%s\n", r.name, v, resp ? " (error response)" : "");
        if (resp) {
            s->checks++;
            fail(s, "write %s: AXI response %s", r.name, resp_name(resp));
        }
    } else if (name_eq(c, "read") || name_eq(c, "read32") || name_eq(c, "read64")) {
        if (ntok != 2)
            die(s, "usage: %s REG", c);
        regref_t r = reg_ref(s, tok[1], name_eq(c, "read32") ? 32 : name_eq(c, "read64") ? 64 : 0);
        printf("  %s = 0x%" PRIx64 "\n", r.name, reg_read(s, &r));
    } else if (name_eq(c, "expect") || name_eq(c, "expect32") || name_eq(c, "expect64")) {
        if (ntok < 3)
            die(s, "usage: %s REG VALUE|FIELD=value ... [mask=M]", c);
        regref_t r = reg_ref(s, tok[1], name_eq(c, "expect32") ? 32 : name_eq(c, "expect64") ? 64 : 0);
        uint64_t mask, v = reg_value(s, &r, tok + 2, ntok - 2, &mask);
        const char *mv = opt_value(tok, ntok, "mask");
        if (mv)
            mask = eval(s, mv);
        uint64_t g = reg_read(s, &r);
        s->checks++;
        if ((g & mask) != (v & mask))
            fail(s, "%s: expected 0x%" PRIx64 " (mask 0x%" PRIx64 "), got 0x%" PRIx64, r.name, v,
                 mask, g);
    } else if (name_eq(c, "poll") || name_eq(c, "poll32") || name_eq(c, "poll64")) {
        if (ntok < 3)
            die(s, "usage: %s REG VALUE|FIELD=value ... [mask=M] [max=N]", c);
        regref_t r = reg_ref(s, tok[1], name_eq(c, "poll32") ? 32 : name_eq(c, "poll64") ? 64 : 0);
        uint64_t mask, v = reg_value(s, &r, tok + 2, ntok - 2, &mask), g = 0;
        const char *mv = opt_value(tok, ntok, "mask"), *xv = opt_value(tok, ntok, "max");
        if (mv)
            mask = eval(s, mv);
        unsigned max = xv ? (unsigned)eval(s, xv) : DEF_POLL, n;
        for (n = 0; n < max; n++) {
            g = reg_read(s, &r);
            if ((g & mask) == (v & mask))
                break;
        }
        s->checks++;
        if (n == max)
            fail(s, "poll %s: 0x%" PRIx64 " (mask 0x%" PRIx64 ") not reached in %u reads, last 0x%" PRIx64,
                 r.name, v, mask, max, g);
    } else if (name_eq(c, "dma")) {
        cmd_dma(s, tok, ntok);
    } else if (name_eq(c, "map")) {
        cmd_map(s, tok, ntok);
    } else if (name_eq(c, "desc")) {
        cmd_desc(s, tok, ntok);
    } else if (name_eq(c, "expect-txn") || name_eq(c, "expect-dma")) {
        cmd_expect_txn(s, tok, ntok);
    } else if (name_eq(c, "expect-tbl-reads")) {
        cmd_expect_tbl_reads(s, tok, ntok);
    } else if (name_eq(c, "cmd")) {
        cmd_cmd(s, tok, ntok);
    } else if (name_eq(c, "expect-event")) {
        cmd_expect_event(s, tok, ntok);
    } else if (name_eq(c, "expect-no-event")) {
        cmd_expect_no_event(s, tok, ntok);
    } else if (name_eq(c, "events")) {
        pull_events(s);
    } else if (name_eq(c, "ack-gerror")) {
        sim_reg_write32(s->sim, SMMU_GERRORN, rd32(s, SMMU_GERROR));
    } else if (name_eq(c, "step")) {
        if (ntok != 2)
            die(s, "usage: step CYCLES");
        uint64_t n = eval(s, tok[1]);
        if (n > 100000000)
            die(s, "step: %" PRIu64 " cycles is too many", n);
        sim_step(s->sim, (unsigned)n);
        pull_events(s);
    } else if (name_eq(c, "timing")) {
        if (ntok != 4)
            die(s, "usage: timing LAT_MIN LAT_MAX STALL_PCT");
        uint64_t a = eval(s, tok[1]), b = eval(s, tok[2]), p = eval(s, tok[3]);
        if (a > b || b > 10000 || p > 95)
            die(s, "timing: need LAT_MIN <= LAT_MAX <= 10000 and STALL_PCT <= 95");
        mem_set_timing(s->sim, (unsigned)a, (unsigned)b, (unsigned)p);
    } else if (name_eq(c, "mem-error")) {
        if (ntok < 3 || ntok > 4)
            die(s, "usage: mem-error BASE SIZE [r|w|rw]");
        unsigned fl = MEM_ERR_READ | MEM_ERR_WRITE;
        if (ntok == 4)
            fl = name_eq(tok[3], "r") ? MEM_ERR_READ : name_eq(tok[3], "w") ? MEM_ERR_WRITE
               : name_eq(tok[3], "rw") ? (MEM_ERR_READ | MEM_ERR_WRITE) : 0;
        if (!fl)
            die(s, "mem-error: the kind is r, w or rw");
        uint64_t base = eval(s, tok[1]), size = eval(s, tok[2]);
        if (s->nerr == NELEM(s->err) || mem_add_error_range(s->sim, base, size, fl) != 0)
            die(s, "mem-error: no room for another range");
        s->err[s->nerr].base = base;
        s->err[s->nerr].size = size;
        s->err[s->nerr++].flags = fl;
    } else if (name_eq(c, "mem-error-clear")) {
        mem_clear_error_ranges(s->sim);
        s->nerr = 0;
    } else if (name_eq(c, "expect-irq")) {
        static const char *names[] = {"eventq", "cmd_sync", "gerror"};
        for (int i = 1; i < ntok; i++) {
            char *eq = strchr(tok[i], '=');
            unsigned k;
            if (!eq)
                die(s, "usage: expect-irq eventq=N cmd_sync=N gerror=N");
            *eq = 0;
            for (k = 0; k < 3 && !name_eq(tok[i], names[k]); k++)
                ;
            if (k == 3)
                die(s, "unknown interrupt '%s'", tok[i]);
            uint64_t w = eval(s, eq + 1), g = sim_irq_count(s->sim, (enum sim_irq)k);
            s->checks++;
            if (w != g)
                fail(s, "%s interrupts: expected %" PRIu64 ", got %" PRIu64, names[k], w, g);
            *eq = '=';
        }
    } else if (name_eq(c, "model")) {
        if (ntok != 2 || !(name_eq(tok[1], "on") || name_eq(tok[1], "off")))
            die(s, "usage: model on|off");
        s->model_on = name_eq(tok[1], "on");
        if (!s->model_on)
            s->nmexp = 0;
    } else {
        die(s, "unknown command '%s'", c);
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: scenario [-v] [--trace FILE.fst] [--seed N] [--canwbs] [--no-model] "
                    "SCRIPT\n");
    exit(2);
}

int main(int argc, char **argv)
{
    static scn_t sc;
    scn_t *s = &sc;
    sim_opts_t o;
    memset(&o, 0, sizeof o);
    s->model_on = true;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v")) {
            s->verbose = true;
        } else if (!strcmp(argv[i], "--trace") && i + 1 < argc) {
            o.trace_path = argv[++i];
        } else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            char *end;
            o.seed = strtoull(argv[++i], &end, 0);
            if (*end)
                usage();
        } else if (!strcmp(argv[i], "--canwbs")) {
            o.canwbs = true;
        } else if (!strcmp(argv[i], "--no-model")) {
            s->model_on = false;
        } else if (argv[i][0] == '-' || path) {
            usage();
        } else {
            path = argv[i];
        }
    }
    if (!path)
        usage();
    s->path = path;
    s->canwbs = o.canwbs;
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 2;
    }
    s->sim = sim_create(&o);
    s->p = sim_params(s->sim);
    smmu_model_init(&s->m, NULL);
    s->m.params.oas_bits = s->p->pa_bits;
    s->m.params.sid_bits = s->p->sid_bits;
    s->m.params.st_level_2 = s->p->st_level_2;
    s->m.params.fwb = s->p->fwb;
    s->m.params.gran16k = s->p->gran16k;
    s->m.params.gran64k = s->p->gran64k;
    s->m.params.attr_types_ovr = s->m.params.attr_perms_ovr = s->p->attr_ovr;
    s->m.read64 = model_read64;
    s->m.ctx = s;
    /* The model parameters as variables, so scripts can adapt (e.g. PA_W). */
    var_set(s, "PA_W", s->p->pa_bits);
    var_set(s, "SID_W", s->p->sid_bits);
    var_set(s, "CMDQS", s->p->cmdqs);
    var_set(s, "EVENTQS", s->p->eventqs);
    var_set(s, "FWB", s->p->fwb);
    var_set(s, "ATTR_OVR", s->p->attr_ovr);
    var_set(s, "GBPA_ABORT_RESET", s->p->gbpa_abort);
    var_set(s, "GRAN16K", s->p->gran16k);
    var_set(s, "GRAN64K", s->p->gran64k);
    var_set(s, "MSI", s->p->msi);
    /* Encodings by their header names (CMD_OP_CMD_SYNC, EVT_F_TRANSLATION, CERROR_ILL). */
    for (size_t i = 0; i < NELEM(scn_cmd_ops); i++) {
        char n[64];
        snprintf(n, sizeof n, "CMD_OP_%s", scn_cmd_ops[i].name);
        var_set(s, n, scn_cmd_ops[i].val);
    }
    for (size_t i = 0; i < NELEM(scn_evt_types); i++) {
        char n[64];
        snprintf(n, sizeof n, "EVT_%s", scn_evt_types[i].name);
        var_set(s, n, scn_evt_types[i].val);
    }
    for (size_t i = 0; i < NELEM(scn_cerrors); i++) {
        char n[64];
        snprintf(n, sizeof n, "CERROR_%s", scn_cerrors[i].name);
        var_set(s, n, scn_cerrors[i].val);
    }
    uint64_t pool;
    size_t pool_size;
    mem_dma_pool(s->sim, &pool, &pool_size);
    var_set(s, "POOL", pool);
    var_set(s, "NEXT_TABLE", pool + pool_size / 2); /* map's table allocator */

    setvbuf(stdout, NULL, _IOLBF, 0); /* keep FAIL lines in order with stderr */
    printf("scenario %s\n", path);
    char line[MAX_LINE];
    while (fgets(line, sizeof line, f)) {
        s->line++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n')
            die(s, "line too long");
        char *tok[MAX_TOK];
        int n = tokenize(line, tok);
        if (n < 0)
            die(s, "too many words on a line");
        if (n == 0)
            continue;
        if (s->verbose) {
            printf("%d:", s->line);
            for (int i = 0; i < n; i++)
                printf(" %s", tok[i]);
            printf("\n");
        }
        run_line(s, tok, n);
    }
    fclose(f);
    s->line++;
    pull_events(s);
    for (unsigned i = 0; i < s->npend; i++) {
        char b[512];
        evt_format(s->pend[i].d, b, sizeof b);
        s->checks++;
        fail(s, "end of script: event never expected: %s", b);
    }
    for (unsigned i = 0; i < s->nmexp; i++) {
        char b[512];
        evt_format(s->mexp[i].d, b, sizeof b);
        s->checks++;
        fail(s, "model: the transaction at line %d should have recorded %s; no record came",
             s->mexp[i].line, b);
    }
    printf("%s: %u checks, %u failed (%" PRIu64 " cycles)\n", path, s->checks, s->failures,
           sim_cycles(s->sim));
    sim_destroy(s->sim);
    return s->failures ? 1 : 0;
}
