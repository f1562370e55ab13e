/* The test runner: runs registered tests, each in a fresh model, and prints a summary. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

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
    bool any_named = false, list = false;
    int i;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v"))
            verbose = true;
        else if (!strcmp(argv[i], "--list"))
            list = true;
        else if (!strcmp(argv[i], "--trace") && i + 1 < argc)
            trace_dir = argv[++i];
        else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: %s [-v] [--list] [--trace DIR] [TEST...]\n", argv[0]);
            return 2;
        } else
            any_named = true;
    }
    if (list) {
        for (unsigned k = 0; k < n_tests; k++)
            printf("%s\n", tests[k].name);
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
            printf("FAIL %s: no such test (try --list)\n", argv[i]);
            failed++;
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
    return failed ? 1 : 0;
}
