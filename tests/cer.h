/*
 * cer.h: character error rate between an OCR result and its truth, the
 * measure the OCR tests and scripts/bench-ocr use. Both texts are put in NFC
 * and every run of whitespace (form feeds included) becomes one space, so
 * layout differences don't count; what remains is compared code point by
 * code point (Levenshtein distance / truth length).
 */
#ifndef VB_CER_H
#define VB_CER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

/* UTF-8 to NFC code points with whitespace collapsed; *n gets the count. */
static UChar32 *cer_codepoints(const char *s, size_t len, int32_t *n)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t ulen = 0;
    u_strFromUTF8(NULL, 0, &ulen, s, (int32_t)len, &st);
    st = U_ZERO_ERROR;
    UChar *u = malloc(sizeof(UChar) * (size_t)(ulen + 1));
    u_strFromUTF8WithSub(u, ulen + 1, &ulen, s, (int32_t)len, 0xFFFD, NULL, &st);
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
    UChar *v = malloc(sizeof(UChar) * (size_t)(2 * ulen + 16));
    int32_t vlen = unorm2_normalize(nfc, u, ulen, v, 2 * ulen + 16, &st);
    free(u);
    UChar32 *cp = malloc(sizeof(UChar32) * (size_t)(vlen + 1));
    int32_t k = 0, i = 0;
    int space = 1; /* drop leading whitespace */
    while (i < vlen) {
        UChar32 c;
        U16_NEXT(v, i, vlen, c);
        if (u_isUWhiteSpace(c)) {
            space = 1;
            continue;
        }
        if (space && k > 0)
            cp[k++] = ' ';
        space = 0;
        cp[k++] = c;
    }
    free(v);
    *n = k;
    return cp;
}

/* Edit distance over code points, two rows. */
static double cer_compute(const char *got, size_t got_len, const char *truth, size_t truth_len)
{
    int32_t n, m;
    UChar32 *a = cer_codepoints(got, got_len, &n);
    UChar32 *b = cer_codepoints(truth, truth_len, &m);
    int32_t *prev = malloc(sizeof(int32_t) * (size_t)(m + 1));
    int32_t *cur = malloc(sizeof(int32_t) * (size_t)(m + 1));
    for (int32_t j = 0; j <= m; j++)
        prev[j] = j;
    for (int32_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (int32_t j = 1; j <= m; j++) {
            int32_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            int32_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        int32_t *t = prev;
        prev = cur;
        cur = t;
    }
    double d = m ? (double)prev[m] / m : (n ? 1.0 : 0.0);
    free(prev);
    free(cur);
    free(a);
    free(b);
    return d;
}

#endif
