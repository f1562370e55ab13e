// Unit bench: smmu_perm_check. Expectations are hand-written tables from Arm ARM D8.2-D8.4
// (ARM D8.4 AArch64.CheckPermission / CheckS2Permission, IHI 0070 13.4.1, 5.4 PAN/WXN/HAD).
#include "Vsmmu_perm_check.h"
#include "verilated.h"
#include "unit_check.h"

enum { W_EL1 = 0, W_EL2 = 1, W_E2H = 2 };
static Vsmmu_perm_check *m;

struct S1 {
    unsigned ap = 0; bool pxn = 0, uxn = 0; unsigned apt = 0; bool pxnt = 0, uxnt = 0, had = 0;
    bool pan = 0, wxn = 0, af = 1, affd = 0; int world = W_EL1;
};

// Access kinds
enum Acc { PR, PW, PX, UR, UW, UX };
static const char *acc_name[] = {"priv read", "priv write", "priv exec", "user read", "user write", "user exec"};

static void set_acc(Acc a) {
    m->priv = (a == PR || a == PW || a == PX);
    m->rnw = !(a == PW || a == UW);
    m->instr = (a == PX || a == UX);
}

static void run_s1(const S1 &s, Acc a) {
    m->stage2 = 0;
    m->ap = s.ap; m->pxn = s.pxn; m->uxn = s.uxn; m->ap_table = s.apt; m->pxn_table = s.pxnt;
    m->uxn_table = s.uxnt; m->had = s.had; m->pan = s.pan; m->wxn = s.wxn; m->world = s.world;
    m->af = s.af; m->affd = s.affd;
    m->s2ap = 0; m->s2xn = 2;                  // stage-2 inputs must not matter here
    set_acc(a);
    m->eval();
}

// exp[6] = expected permission fault for PR, PW, PX, UR, UW, UX
static void row(const char *what, const S1 &s, const int exp[6]) {
    for (int a = 0; a < 6; a++) {
        run_s1(s, (Acc)a);
        char buf[128];
        std::snprintf(buf, sizeof buf, "%s: %s", what, acc_name[a]);
        CHECK(buf, m->perm_fault, exp[a]);
        CHECK(buf, m->af_fault, 0);
    }
}

static void run_s2(unsigned s2ap, unsigned xn, Acc a, bool af = 1, bool affd = 0) {
    m->stage2 = 1; m->s2ap = s2ap; m->s2xn = xn; m->af = af; m->affd = affd;
    m->ap = 3; m->pxn = 1; m->uxn = 1; m->ap_table = 3; m->pxn_table = 1; m->uxn_table = 1;  // stage-1 inputs must not matter
    m->had = 0; m->pan = 1; m->wxn = 1; m->world = W_EL1;
    set_acc(a);
    m->eval();
}

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    m = new Vsmmu_perm_check;
    S1 s;

    // ---------------- stage 1, NS-EL1, AP x priv x rw x instr
    //                                  PR PW PX UR UW UX
    // AP 00 priv RW: no EL0 data; EL0 may still execute (execute-only, UXN = 0)
    { S1 t; t.ap = 0; const int e[6] = {0, 0, 0, 1, 1, 0}; row("ap00", t, e); }
    // AP 01 RW both: EL0-writable -> never privileged-executable
    { S1 t; t.ap = 1; const int e[6] = {0, 0, 1, 0, 0, 0}; row("ap01", t, e); }
    // AP 10 priv RO
    { S1 t; t.ap = 2; const int e[6] = {0, 1, 0, 1, 1, 0}; row("ap10", t, e); }
    // AP 11 RO both
    { S1 t; t.ap = 3; const int e[6] = {0, 1, 0, 0, 1, 0}; row("ap11", t, e); }
    // PXN / UXN
    { S1 t; t.ap = 0; t.pxn = 1; const int e[6] = {0, 0, 1, 1, 1, 0}; row("ap00 pxn", t, e); }
    { S1 t; t.ap = 3; t.uxn = 1; const int e[6] = {0, 1, 0, 0, 1, 1}; row("ap11 uxn", t, e); }
    { S1 t; t.ap = 3; t.pxn = 1; t.uxn = 1; const int e[6] = {0, 1, 1, 0, 1, 1}; row("ap11 xn", t, e); }
    // PAN: privileged data access to EL0-accessible pages faults; fetches unaffected
    { S1 t; t.ap = 1; t.pan = 1; const int e[6] = {1, 1, 1, 0, 0, 0}; row("ap01 pan", t, e); }
    { S1 t; t.ap = 3; t.pan = 1; const int e[6] = {1, 1, 0, 0, 1, 0}; row("ap11 pan", t, e); }
    { S1 t; t.ap = 0; t.pan = 1; const int e[6] = {0, 0, 0, 1, 1, 0}; row("ap00 pan", t, e); }
    { S1 t; t.ap = 2; t.pan = 1; const int e[6] = {0, 1, 0, 1, 1, 0}; row("ap10 pan", t, e); }
    // WXN: writable at a level -> not executable at that level
    { S1 t; t.ap = 0; t.wxn = 1; const int e[6] = {0, 0, 1, 1, 1, 0}; row("ap00 wxn", t, e); }
    { S1 t; t.ap = 1; t.wxn = 1; const int e[6] = {0, 0, 1, 0, 0, 1}; row("ap01 wxn", t, e); }
    { S1 t; t.ap = 2; t.wxn = 1; const int e[6] = {0, 1, 0, 1, 1, 0}; row("ap10 wxn", t, e); }
    { S1 t; t.ap = 3; t.wxn = 1; const int e[6] = {0, 1, 0, 0, 1, 0}; row("ap11 wxn", t, e); }
    // Hierarchical: APTable[0] removes EL0 access (then AP 01 is no longer EL0-writable, so
    // privileged execution is allowed), APTable[1] removes writes; PXNTable/UXNTable
    { S1 t; t.ap = 1; t.apt = 1; const int e[6] = {0, 0, 0, 1, 1, 0}; row("ap01 apt01", t, e); }
    { S1 t; t.ap = 1; t.apt = 2; const int e[6] = {0, 1, 0, 0, 1, 0}; row("ap01 apt10", t, e); }
    { S1 t; t.ap = 1; t.apt = 3; const int e[6] = {0, 1, 0, 1, 1, 0}; row("ap01 apt11", t, e); }
    { S1 t; t.ap = 0; t.pxnt = 1; const int e[6] = {0, 0, 1, 1, 1, 0}; row("pxntable", t, e); }
    { S1 t; t.ap = 3; t.uxnt = 1; const int e[6] = {0, 1, 0, 0, 1, 1}; row("uxntable", t, e); }
    // HAD: all hierarchical bits ignored
    { S1 t; t.ap = 1; t.apt = 3; t.pxnt = 1; t.uxnt = 1; t.had = 1; const int e[6] = {0, 0, 1, 0, 0, 0}; row("had", t, e); }

    // ---------------- stage 1, EL2-E2H: same two-privilege rules as EL1, PAN applies
    { S1 t; t.world = W_E2H; t.ap = 1; const int e[6] = {0, 0, 1, 0, 0, 0}; row("e2h ap01", t, e); }
    { S1 t; t.world = W_E2H; t.ap = 1; t.pan = 1; const int e[6] = {1, 1, 1, 0, 0, 0}; row("e2h pan", t, e); }
    { S1 t; t.world = W_E2H; t.ap = 0; const int e[6] = {0, 0, 0, 1, 1, 0}; row("e2h ap00", t, e); }

    // ---------------- stage 1, EL2: one privilege level. AP[1] acts as 1, PRIV plays no
    // part, bit 54 is XN, PXN/PXNTable/APTable[0]/PAN unused, no "EL0-writable" rule
    { S1 t; t.world = W_EL2; t.ap = 0; const int e[6] = {0, 0, 0, 0, 0, 0}; row("el2 ap00", t, e); }
    { S1 t; t.world = W_EL2; t.ap = 1; const int e[6] = {0, 0, 0, 0, 0, 0}; row("el2 ap01", t, e); }
    { S1 t; t.world = W_EL2; t.ap = 2; const int e[6] = {0, 1, 0, 0, 1, 0}; row("el2 ap10", t, e); }
    { S1 t; t.world = W_EL2; t.ap = 3; const int e[6] = {0, 1, 0, 0, 1, 0}; row("el2 ap11", t, e); }
    { S1 t; t.world = W_EL2; t.ap = 0; t.uxn = 1; const int e[6] = {0, 0, 1, 0, 0, 1}; row("el2 xn", t, e); }
    { S1 t; t.world = W_EL2; t.ap = 0; t.pxn = 1; const int e[6] = {0, 0, 0, 0, 0, 0}; row("el2 pxn unused", t, e); }
    { S1 t; t.world = W_EL2; t.ap = 0; t.wxn = 1; const int e[6] = {0, 0, 1, 0, 0, 1}; row("el2 wxn", t, e); }
    { S1 t; t.world = W_EL2; t.ap = 2; t.wxn = 1; const int e[6] = {0, 1, 0, 0, 1, 0}; row("el2 wxn ro", t, e); }
    { S1 t; t.world = W_EL2; t.ap = 1; t.pan = 1; const int e[6] = {0, 0, 0, 0, 0, 0}; row("el2 pan", t, e); }
    { S1 t; t.world = W_EL2; t.ap = 0; t.apt = 1; t.pxnt = 1; const int e[6] = {0, 0, 0, 0, 0, 0}; row("el2 apt0 pxnt", t, e); }
    { S1 t; t.world = W_EL2; t.ap = 0; t.apt = 2; const int e[6] = {0, 1, 0, 0, 1, 0}; row("el2 apt1", t, e); }
    { S1 t; t.world = W_EL2; t.ap = 0; t.uxnt = 1; const int e[6] = {0, 0, 1, 0, 0, 1}; row("el2 xntable", t, e); }
    { S1 t; t.world = W_EL2; t.ap = 0; t.uxnt = 1; t.apt = 2; t.had = 1; const int e[6] = {0, 0, 0, 0, 0, 0}; row("el2 had", t, e); }

    // ---------------- a write marked Instruction is a Data write
    s = S1(); s.ap = 3; s.pxn = 1; s.uxn = 1;
    run_s1(s, PW); m->instr = 1; m->eval(); CHECK("instr write RO", m->perm_fault, 1);
    s = S1(); s.ap = 0; s.pxn = 1;
    run_s1(s, PW); m->instr = 1; m->eval(); CHECK("instr write RW xn", m->perm_fault, 0);

    // ---------------- access flag first (7.3.22)
    s = S1(); s.ap = 3; s.af = 0;
    run_s1(s, PW); CHECK("af=0 af_fault", m->af_fault, 1); CHECK("af=0 no perm", m->perm_fault, 0);
    run_s1(s, PR); CHECK("af=0 read af_fault", m->af_fault, 1); CHECK("af=0 read perm", m->perm_fault, 0);
    s.affd = 1;
    run_s1(s, PW); CHECK("affd af_fault", m->af_fault, 0); CHECK("affd perm", m->perm_fault, 1);
    run_s1(s, PR); CHECK("affd read", m->perm_fault, 0);

    // ---------------- stage 2: S2AP ([0] read, [1] write), XN[1:0] with XNX; an instruction
    // fetch needs only execute permission
    //                      PR PW PX UR UW UX   for s2ap 0..3 with xn = 00
    const int s2ap_exp[4][6] = {{1, 1, 0, 1, 1, 0}, {0, 1, 0, 0, 1, 0}, {1, 0, 0, 1, 0, 0}, {0, 0, 0, 0, 0, 0}};
    for (unsigned ap = 0; ap < 4; ap++)
        for (int a = 0; a < 6; a++) {
            run_s2(ap, 0, (Acc)a);
            char buf[64]; std::snprintf(buf, sizeof buf, "s2ap %u %s", ap, acc_name[a]);
            CHECK(buf, m->perm_fault, s2ap_exp[ap][a]); CHECK(buf, m->af_fault, 0);
        }
    //                      PX UX   for XN 00, 01 (not EL1), 10 (none), 11 (not EL0)
    const int xn_exp[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
    for (unsigned xn = 0; xn < 4; xn++) {
        run_s2(3, xn, PX); CHECK("s2 xn priv", m->perm_fault, xn_exp[xn][0]);
        run_s2(3, xn, UX); CHECK("s2 xn user", m->perm_fault, xn_exp[xn][1]);
        run_s2(3, xn, PR); CHECK("s2 xn data read", m->perm_fault, 0);
        run_s2(3, xn, UW); CHECK("s2 xn data write", m->perm_fault, 0);
    }
    run_s2(0, 0, PX); CHECK("s2 exec-only", m->perm_fault, 0);
    run_s2(3, 0, PR, 0, 0); CHECK("s2 af", m->af_fault, 1); CHECK("s2 af no perm", m->perm_fault, 0);
    run_s2(0, 0, PR, 0, 0); CHECK("s2 af first", m->af_fault, 1); CHECK("s2 af first perm", m->perm_fault, 0);
    run_s2(0, 0, PR, 0, 1); CHECK("s2 affd", m->af_fault, 0); CHECK("s2 affd perm", m->perm_fault, 1);

    delete m;
    return unit_report("smmu_perm_check");
}
