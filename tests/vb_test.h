/*
 * vb_test.h: the few macros vanban's unit tests use. A test program calls
 * VB_CHECK* freely and returns vb_test_finish(): non-zero if any check failed,
 * so ctest reports it.
 */
#ifndef VB_TEST_H
#define VB_TEST_H

#include <stdio.h>
#include <string.h>

static int vb_test_failures;
static int vb_test_checks;

#define VB_CHECK(cond)                                                                             \
    do {                                                                                           \
        vb_test_checks++;                                                                          \
        if (!(cond)) {                                                                             \
            vb_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define VB_CHECK_STR(got, want)                                                                    \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        vb_test_checks++;                                                                          \
        if ((g_ == NULL) != (w_ == NULL) || (g_ && strcmp(g_, w_) != 0)) {                         \
            vb_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: %s: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got,      \
                    g_ ? g_ : "(null)", w_ ? w_ : "(null)");                                       \
        }                                                                                          \
    } while (0)

#define VB_CHECK_INT(got, want)                                                                    \
    do {                                                                                           \
        long long g_ = (long long)(got), w_ = (long long)(want);                                   \
        vb_test_checks++;                                                                          \
        if (g_ != w_) {                                                                            \
            vb_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: %s: got %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_); \
        }                                                                                          \
    } while (0)

static inline int vb_test_finish(void)
{
    fprintf(stderr, "%d checks, %d failed\n", vb_test_checks, vb_test_failures);
    return vb_test_failures ? 1 : 0;
}

#endif
