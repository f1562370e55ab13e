/* The host-only unit-test runner: runs registered tests and prints a summary. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#define MAX_TESTS 128

static struct {
    const char *name;
    test_fn_t fn;
} tests[MAX_TESTS];
static unsigned n_tests;
static bool verbose;

void test_register(const char *name, test_fn_t fn)
{
    if (n_tests == MAX_TESTS) {
        fprintf(stderr, "unit_main: more than %d tests, raise MAX_TESTS\n", MAX_TESTS);
        exit(2);
    }
    tests[n_tests].name = name;
    tests[n_tests].fn = fn;
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

static int run_one(unsigned i)
{
    test_ctx_t ctx = {0};
    volatile bool aborted = false;

    ctx.name = tests[i].name;
    if (setjmp(ctx.abort_jmp) == 0)
        tests[i].fn(&ctx);
    else
        aborted = true;
    if (ctx.checks == 0) {
        printf("  FAIL %s: made no checks\n", tests[i].name);
        ctx.failures++;
    }
    printf("%s %s (%u checks%s)\n", ctx.failures ? "FAIL" : "ok  ", tests[i].name, ctx.checks,
           aborted ? ", stopped early" : "");
    fflush(stdout);
    return ctx.failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    unsigned passed = 0, failed = 0;
    bool any_named = false;
    int i;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v")) {
            verbose = true;
        } else if (!strcmp(argv[i], "--list")) {
            for (unsigned k = 0; k < n_tests; k++)
                printf("%s\n", tests[k].name);
            return 0;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: %s [-v] [--list] [TEST...]\n", argv[0]);
            return 2;
        }
    }
    for (i = 1; i < argc; i++) {
        unsigned k;
        if (argv[i][0] == '-')
            continue;
        any_named = true;
        for (k = 0; k < n_tests; k++)
            if (!strcmp(argv[i], tests[k].name))
                break;
        if (k == n_tests) {
            printf("FAIL %s: no such test (try --list)\n", argv[i]);
            failed++;
        } else if (run_one(k)) {
            failed++;
        } else {
            passed++;
        }
    }
    if (!any_named)
        for (unsigned k = 0; k < n_tests; k++) {
            if (run_one(k))
                failed++;
            else
                passed++;
        }
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
