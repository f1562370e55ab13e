// Unit bench of smmu_txn_order (Verilator): the client port's slots and the AXI4 ordering
// between them, against a reference of what AXI asks (same ID: issued downstream, answered
// and matched to downstream responses in arrival order; different IDs independent).
//
// A randomized environment plays the client read/write side: it allocates slots with few
// IDs (long same-ID chains), decides each slot late (forwarded or aborted, as translations
// do), takes issues and answers at random, returns downstream responses per ID in order
// after random delays, and answers aborts as soon as they are answer heads (possibly
// before the order has let them leave the issue order, as the read side may). Every cycle
// it checks the answer heads exactly, the owner of each downstream response (and per ID
// whether it may be answered at once), allocations that go downstream at once (the fast
// path, only when id_clear says nothing of the ID waits), and that an
// issued slot has no older same-ID slot that could still go downstream. Each run ends with
// a drain: everything allocated must be answered (no hang). Prints "N passed, N failed".
#include "Vsmmu_txn_order.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <random>
#include <vector>

#ifndef BENCH_N
#define BENCH_N 16
#endif
#ifndef BENCH_IDS
#define BENCH_IDS 4
#endif

static Vsmmu_txn_order *top;
static long n_pass, n_fail;

#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (cond) {                                                             \
            n_pass++;                                                           \
        } else {                                                                \
            if (n_fail++ < 20) {                                                \
                printf("FAIL %s:%d cycle %lu: ", __FILE__, __LINE__, cyc);      \
                printf(__VA_ARGS__);                                            \
                printf("\n");                                                   \
            }                                                                   \
        }                                                                       \
    } while (0)

static unsigned long cyc;
static long n_fast;

struct Slot {
    bool used = false;
    uint64_t seq = 0;       // arrival order
    unsigned id = 0;
    bool decided = false, ok = false;
    bool issued = false, dn_done = false;
    int decide_at = 0;      // cycle the translation answers
};

static Slot s[BENCH_N];
static std::deque<int> dn_fifo[BENCH_IDS];   // issued, response not ended, per ID
static std::vector<int> dn_delay;            // per ID: cycles until the next response

static bool older_same_id(int a, int b) {    // a is older than b, same ID, both used
    return s[a].used && s[b].used && s[a].id == s[b].id && s[a].seq < s[b].seq;
}

static bool resp_head(int k) {
    if (!s[k].used)
        return false;
    for (int j = 0; j < BENCH_N; j++)
        if (older_same_id(j, k))
            return false;
    return true;
}

// One run: `cycles` of random traffic with the given pressures, then a drain.
static void run(std::mt19937_64 &rng, int cycles, int p_alloc, int p_take, int p_free,
                int max_decide) {
    uint64_t seq = 1;
    unsigned long start = cyc;
    auto pct = [&](int p) { return (int)(rng() % 100) < p; };
    int withheld = 0;
    for (int c = 0;; c++) {
        bool drain = c >= cycles;
        if (drain && c > cycles + 20000) {
            CHECK(false, "drain did not finish (a hang)");
            printf("txn_order: %ld passed, %ld failed\n", n_pass, n_fail);
            exit(1);
        }
        // inputs, from the reference state
        uint32_t can = 0, ab = 0;
        for (int k = 0; k < BENCH_N; k++) {
            if (s[k].used && !s[k].decided && (int)(cyc - start) >= s[k].decide_at) {
                s[k].decided = true;
                s[k].ok = !pct(30);
            }
            if (s[k].used && s[k].decided && !s[k].issued) {
                if (s[k].ok && (drain || pct(80)))
                    can |= 1u << k;
                if (!s[k].ok)
                    ab |= 1u << k;
            }
        }
        top->can_issue = can;
        top->is_abort = ab;
        bool alloc = !drain && pct(p_alloc);
        unsigned aid = (unsigned)(rng() % BENCH_IDS);
        top->alloc_valid = alloc;
        top->alloc_id = aid;
        top->issue_take = drain || pct(p_take);
        top->alloc_issue = 0;
        top->eval();
        // the fast path: allocate and issue at once when the ID has nothing waiting and
        // no regular issue goes this cycle
        bool fast = alloc && top->alloc_ready && top->id_clear &&
                    !(top->issue_valid && top->issue_take) && pct(50);
        if (alloc && top->id_clear) {
            for (int j = 0; j < BENCH_N; j++)
                if (s[j].used && s[j].id == aid)
                    CHECK(s[j].issued || (s[j].decided && !s[j].ok),
                          "id_clear with slot %d of ID %u still to go", j, aid);
        }
        top->alloc_issue = fast;

        // downstream: a response of a random ID with something outstanding
        int did = -1;
        {
            int first = (int)(rng() % BENCH_IDS);
            for (int t = 0; t < BENCH_IDS; t++) {
                int i = (first + t) % BENCH_IDS;
                if (!dn_fifo[i].empty() && dn_delay[i] == 0) {
                    did = i;
                    break;
                }
            }
        }
        top->dn_id = did < 0 ? 0 : did;
        top->dn_done = did >= 0;

        // free: one answer head whose answer can end (aborted, or downstream ended)
        int fk = -1;
        if (drain || pct(p_free)) {
            int first = (int)(rng() % BENCH_N);
            for (int t = 0; t < BENCH_N; t++) {
                int k = (first + t) % BENCH_N;
                if (resp_head(k) && s[k].decided &&
                    ((!s[k].ok) || (s[k].issued && s[k].dn_done))) {
                    fk = k;
                    break;
                }
            }
        }
        // or the read whose last beat passes straight to the client in this cycle
        if (fk < 0 && did >= 0 && resp_head(dn_fifo[did].front()) && pct(50))
            fk = dn_fifo[did].front();
        top->free_valid = fk >= 0;
        top->free_idx = fk < 0 ? 0 : fk;
        top->eval();

        // checks of the outputs
        uint32_t want_head = 0, used = 0;
        for (int k = 0; k < BENCH_N; k++) {
            if (resp_head(k))
                want_head |= 1u << k;
            if (s[k].used)
                used |= 1u << k;
        }
        CHECK(top->is_resp_head == want_head, "answer heads 0x%x, expected 0x%x",
              (unsigned)top->is_resp_head, want_head);
        CHECK(top->in_use == used, "in_use 0x%x, expected 0x%x", (unsigned)top->in_use, used);
        {
            unsigned want = 0;
            for (int i = 0; i < BENCH_IDS; i++)
                if (!dn_fifo[i].empty() && resp_head(dn_fifo[i].front()))
                    want |= 1u << i;
            CHECK(top->dn_head_by_id == want, "dn_head_by_id 0x%x, expected 0x%x",
                  (unsigned)top->dn_head_by_id, want);
        }
        if (did >= 0) {
            CHECK(top->dn_any && (int)top->dn_idx == dn_fifo[did].front(),
                  "response of ID %d owned by slot %u (any %u), expected %d", did,
                  (unsigned)top->dn_idx, (unsigned)top->dn_any, dn_fifo[did].front());
        }
        int ik = -1;
        if (top->issue_valid && top->issue_take) {
            ik = top->issue_idx;
            CHECK((can >> ik) & 1, "issued slot %d that cannot go", ik);
            for (int j = 0; j < BENCH_N; j++)
                if (older_same_id(j, ik))
                    CHECK(s[j].issued || (s[j].decided && !s[j].ok),
                          "slot %d (ID %u) issued before older slot %d that may still go",
                          ik, s[ik].id, j);
        }
        // an issue head that can go is not withheld: issue_valid follows within N
        // cycles whenever some slot could go in order (aborts leave the issue order one
        // per cycle before their successors can go)
        {
            bool some = false;
            for (int k = 0; k < BENCH_N; k++) {
                if (!((can >> k) & 1))
                    continue;
                bool head = true;
                for (int j = 0; j < BENCH_N; j++)
                    if (older_same_id(j, k) && !s[j].issued && !(s[j].decided && !s[j].ok))
                        head = false;
                some = some || head;
            }
            withheld = some && !top->issue_valid ? withheld + 1 : 0;
            CHECK(withheld <= BENCH_N, "a slot could go in order but none is offered");
        }
        int ak = alloc && top->alloc_ready ? (int)top->alloc_idx : -1;
        if (ak >= 0)
            CHECK(!s[ak].used, "allocated slot %d is in use", ak);

        top->clk = 1;
        top->eval();
        top->clk = 0;
        top->eval();
        cyc++;

        // the reference follows
        if (did >= 0) {
            int k = dn_fifo[did].front();
            dn_fifo[did].pop_front();
            s[k].dn_done = true;
            dn_delay[did] = (int)(rng() % 4);
        }
        for (int i = 0; i < BENCH_IDS; i++)
            if (dn_delay[i] > 0 && (i != did))
                dn_delay[i]--;
        if (ik >= 0) {
            s[ik].issued = true;
            dn_fifo[s[ik].id].push_back(ik);
        }
        if (fk >= 0)
            s[fk] = Slot();
        if (ak >= 0) {
            s[ak] = Slot();
            s[ak].used = true;
            s[ak].seq = seq++;
            s[ak].id = aid;
            s[ak].decide_at = (int)(cyc - start) + (int)(rng() % (max_decide + 1));
            if (fast) {
                s[ak].decided = s[ak].ok = s[ak].issued = true;
                dn_fifo[aid].push_back(ak);
                n_fast++;
            }
        }
        if (drain && !used && fk < 0 && ak < 0) {
            bool dn_empty = true;
            for (int i = 0; i < BENCH_IDS; i++)
                dn_empty = dn_empty && dn_fifo[i].empty();
            CHECK(dn_empty, "drained with downstream responses owed");
            return;
        }
    }
}

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    top = new Vsmmu_txn_order;
    dn_delay.assign(BENCH_IDS, 0);
    top->clk = 0;
    top->rst_n = 0;
    for (int i = 0; i < 4; i++) {
        top->clk = 1; top->eval(); top->clk = 0; top->eval();
    }
    top->rst_n = 1;
    std::mt19937_64 rng(0x0d3e5eedULL);
    // pressures: {alloc %, issue take %, free %, translation latency}
    static const int mix[][4] = {
        {90, 90, 90, 0},   // fast decisions, full slots
        {50, 30, 60, 8},   // slow issue: long blocked chains
        {80, 95, 20, 3},   // slow answers: full table, aborts piling up at the heads
        {30, 60, 90, 30},  // slow translations: decisions far out of order
        {95, 50, 50, 12},
    };
    // long runs, then many short ones (a drain soon after slots were reused)
    for (int r = 0; r < 100; r++) {
        const int *m = mix[r % 5];
        run(rng, 400, m[0], m[1], m[2], m[3]);
    }
    for (int r = 0; r < 2000; r++) {
        const int *m = mix[r % 5];
        run(rng, 10 + (int)(rng() % 40), m[0], m[1], m[2], m[3]);
    }
    CHECK(n_fast > 1000, "the fast path was exercised (%ld times)", n_fast);
    printf("txn_order (N=%d, %d IDs, %ld fast allocations): %ld passed, %ld failed\n", BENCH_N,
           BENCH_IDS, n_fast, n_pass, n_fail);
    delete top;
    return n_fail ? 1 : 0;
}
