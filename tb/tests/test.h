/*
 * A minimal test framework for C tests that drive the Verilator model.
 *
 *   TEST(name) { ... }            defines and registers a test; `t` is its context
 *   CHECK(cond, fmt, ...)         records a failure (with file:line and message) and goes on
 *   CHECK_EQ(a, b)                CHECK on two integers, printing both in hex
 *   REQUIRE(cond, fmt, ...)       like CHECK, but ends the test at once
 *   t->sim                        a fresh model, created for the test (traced with --trace)
 *   test_log(t, fmt, ...)         a line of test output (shown with -v or on failure)
 *
 * The runner (test_main.c): `tests [-v] [--trace DIR] [--list] [NAME...]` runs the named
 * tests (default: all) in a fresh model each and ends with `N passed, N failed`.
 */
#ifndef SMMU_TEST_H
#define SMMU_TEST_H

#include <inttypes.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

#include "sim.h"

typedef struct test_ctx {
    const char *name;
    sim_t *sim;
    unsigned failures;
    unsigned checks;
    jmp_buf abort_jmp;
} test_ctx_t;

typedef void (*test_fn_t)(test_ctx_t *t);

void test_register(const char *name, test_fn_t fn, const sim_opts_t *opts);
void test_fail(test_ctx_t *t, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void test_log(test_ctx_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void test_abort(test_ctx_t *t);

/* TEST_OPTS(name, opts) registers a test whose model is built with non-default options
 * (a `static const sim_opts_t` the test file defines); TEST(name) uses the defaults. */
#define TEST_OPTS(name, opts)                                                          \
    static void name(test_ctx_t *t);                                                   \
    __attribute__((constructor)) static void name##_register(void)                     \
    {                                                                                  \
        test_register(#name, name, opts);                                              \
    }                                                                                  \
    static void name(test_ctx_t *t)
#define TEST(name) TEST_OPTS(name, NULL)

#define CHECK(cond, ...)                                                               \
    do {                                                                               \
        t->checks++;                                                                   \
        if (!(cond))                                                                   \
            test_fail(t, __FILE__, __LINE__, __VA_ARGS__);                             \
    } while (0)

#define CHECK_EQ(a, b)                                                                 \
    do {                                                                               \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                               \
        CHECK(a_ == b_, "%s == %s: 0x%" PRIx64 " != 0x%" PRIx64, #a, #b, a_, b_);      \
    } while (0)

#define REQUIRE(cond, ...)                                                             \
    do {                                                                               \
        t->checks++;                                                                   \
        if (!(cond)) {                                                                 \
            test_fail(t, __FILE__, __LINE__, __VA_ARGS__);                             \
            test_abort(t);                                                             \
        }                                                                              \
    } while (0)

#endif /* SMMU_TEST_H */
