/* The test runner: runs registered tests, each in a fresh model, and prints a summary. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "testplan.h" /* generated from tb/tests/testplan.toml */

#define MAX_TESTS 256

static struct {
    const char *name;
    test_fn_t fn;
    const sim_opts_t *opts;
} tests[MAX_TESTS];
static unsigned n_tests;
static bool verbose;

void test_register(const char *name, test_fn_t fn, const sim_opts_t *opts)
{
    if (n_tests == MAX_TESTS) {
        fprintf(stderr, "test_main: more than %d tests, raise MAX_TESTS\n", MAX_TESTS);
        exit(2);
    }
    tests[n_tests].name = name;
    tests[n_tests].fn = fn;
    tests[n_tests].opts = opts;
    n_tests++;
}

void test_fail(test_ctx_t *t, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    t->failures++;
    fprintf(stdout, "  FAIL %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}

void test_log(test_ctx_t *t, const char *fmt, ...)
{
    va_list ap;
    (void)t;
    if (!verbose)
        return;
    fputs("  ", stdout);
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}

_Noreturn void test_abort(test_ctx_t *t)
{
    longjmp(t->abort_jmp, 1);
}

/* --list: each test with its feature and what it checks (tb/tests/testplan.toml). */
static void list_tests(void)
{
    size_t w = 0;
    for (unsigned k = 0; k < n_tests; k++)
        if (strlen(tests[k].name) > w)
            w = strlen(tests[k].name);
    printf("%-*s  %-10s  %s\n", (int)w, "test", "feature", "what it checks");
    for (unsigned k = 0; k < n_tests; k++) {
        const char *feature = "?", *desc = "(not in tb/tests/testplan.toml)";
        for (size_t p = 0; p < sizeof testplan / sizeof testplan[0]; p++)
            if (!strcmp(testplan[p].name, tests[k].name)) {
                feature = testplan[p].feature;
                desc = testplan[p].desc;
                break;
            }
        printf("%-*s  %-10s  %s\n", (int)w, tests[k].name, feature, desc);
    }
    printf("%u tests. One alone, verbose: make check TEST=name (TRACE=1: waves too)\n", n_tests);
}

/* Edit distance, for the names nearest a mistyped one. */
static size_t distance(const char *a, const char *b)
{
    size_t lb = strlen(b), row[128];
    if (lb >= sizeof row / sizeof row[0])
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; a[i - 1]; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* The up to five registered names nearest NAME: containing it first, then closest. */
static void suggest(const char *name)
{
    bool used[MAX_TESTS] = {false};
    unsigned shown = 0;
    printf("     nearest:");
    for (unsigned k = 0; k < n_tests && shown < 5; k++)
        if (strstr(tests[k].name, name)) {
            used[k] = true;
            printf(" %s", tests[k].name);
            shown++;
        }
    while (shown < 5 && shown < n_tests) {
        unsigned best = n_tests;
        size_t bd = (size_t)-1;
        for (unsigned k = 0; k < n_tests; k++) {
            size_t d = used[k] ? (size_t)-1 : distance(name, tests[k].name);
            if (!used[k] && (best == n_tests || d < bd)) {
                best = k;
                bd = d;
            }
        }
        used[best] = true;
        printf(" %s", tests[best].name);
        shown++;
    }
    printf("\n     (--list prints every test with what it checks)\n");
}

static int run_one(unsigned i, const char *trace_dir)
{
    static char trace_path[1024];
    sim_opts_t opts = {0};
    test_ctx_t ctx = {0};
    volatile bool aborted = false;

    if (tests[i].opts)
        opts = *tests[i].opts;
    if (trace_dir) {
        snprintf(trace_path, sizeof trace_path, "%s/%s.fst", trace_dir, tests[i].name);
        opts.trace_path = trace_path;
    }
    ctx.name = tests[i].name;
    ctx.sim = sim_create(&opts);
    if (!ctx.sim) {
        printf("FAIL %s: could not create the model\n", tests[i].name);
        return 1;
    }
    if (setjmp(ctx.abort_jmp) == 0)
        tests[i].fn(&ctx);
    else
        aborted = true;
    if (ctx.checks == 0) {
        /* A test that asserts nothing proves nothing. */
        printf("  FAIL %s: made no checks\n", tests[i].name);
        ctx.failures++;
    }
    printf("%s %s (%u checks, %" PRIu64 " cycles%s)\n", ctx.failures ? "FAIL" : "ok  ",
           tests[i].name, ctx.checks, sim_cycles(ctx.sim), aborted ? ", stopped early" : "");
    fflush(stdout);
    sim_destroy(ctx.sim);
    return ctx.failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    const char *trace_dir = NULL;
    unsigned passed = 0, failed = 0;
    bool any_named = false, list = false, names = false, unknown = false;
    int i;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v"))
            verbose = true;
        else if (!strcmp(argv[i], "--list"))
            list = true;
        else if (!strcmp(argv[i], "--names"))
            names = true;
        else if (!strcmp(argv[i], "--trace") && i + 1 < argc)
            trace_dir = argv[++i];
        else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: %s [-v] [--list | --names] [--trace DIR] [TEST...]\n"
                            "  --list: every test with its feature and what it checks; "
                            "--names: the names alone\n", argv[0]);
            return 2;
        } else
            any_named = true;
    }
    if (names) {
        for (unsigned k = 0; k < n_tests; k++)
            printf("%s\n", tests[k].name);
        return 0;
    }
    if (list) {
        list_tests();
        return 0;
    }
    for (i = 1; i < argc; i++) {
        if (argv[i][0] == '-') {
            if (!strcmp(argv[i], "--trace"))
                i++;
            continue;
        }
        unsigned k;
        for (k = 0; k < n_tests; k++)
            if (!strcmp(argv[i], tests[k].name))
                break;
        if (k == n_tests) {
            printf("FAIL %s: no such test\n", argv[i]);
            suggest(argv[i]);
            failed++;
            unknown = true;
            continue;
        }
        if (run_one(k, trace_dir))
            failed++;
        else
            passed++;
    }
    if (!any_named) {
        for (unsigned k = 0; k < n_tests; k++) {
            if (run_one(k, trace_dir))
                failed++;
            else
                passed++;
        }
    }
    printf("%u passed, %u failed\n", passed, failed);
    return unknown ? 2 : failed ? 1 : 0;
}
