/*
 * The host-only driver unit tests' framework (no Verilator model): the same TEST /
 * CHECK / CHECK_EQ / REQUIRE / test_log interface as tb/tests/test.h, so a test file
 * that needs no model builds in either binary.
 *
 *   TEST(name) { ... }        defines and registers a test; `t` is its context
 *   CHECK(cond, fmt, ...)     records a failure (file:line and message) and goes on
 *   CHECK_EQ(a, b)            CHECK on two integers, printing both in hex
 *   REQUIRE(cond, fmt, ...)   like CHECK, but ends the test at once
 *
 * The runner (unit_main.c): `drv_unit [-v] [--list] [NAME...]` ends with `N passed, N
 * failed`.
 */
#ifndef SMMU_UNIT_TEST_H
#define SMMU_UNIT_TEST_H

#include <inttypes.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

typedef struct test_ctx {
    const char *name;
    unsigned failures;
    unsigned checks;
    jmp_buf abort_jmp;
} test_ctx_t;

typedef void (*test_fn_t)(test_ctx_t *t);

void test_register(const char *name, test_fn_t fn);
void test_fail(test_ctx_t *t, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void test_log(test_ctx_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void test_abort(test_ctx_t *t);

#define TEST(name)                                                                     \
    static void name(test_ctx_t *t);                                                   \
    __attribute__((constructor)) static void name##_register(void)                     \
    {                                                                                  \
        test_register(#name, name);                                                    \
    }                                                                                  \
    static void name(test_ctx_t *t)

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

#endif /* SMMU_UNIT_TEST_H */
