/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * A field that allows only digits, as OCR may leave it: letters it reads for a
 * digit are put back from rules/digit-confusions.tsv ("f2" -> "12"). The repair
 * is refused unless the field also holds a real digit and every other character
 * is in the table: a field with nothing legible stays illegible.
 */
#include "vb_extract_int.h"

#include <stdlib.h>
#include <string.h>

/* The digit the table gives for the character at s (of n bytes), or 0. */
static char confused_digit(vb_extract *ex, const char *s, size_t n)
{
    const vb_lexicon *lx = vb_ruleset_lexicon(ex->rs, "digit-confusions.tsv");
    for (size_t i = 0; lx && i < lx->n_rows; i++)
        if (lx->n_cols[i] >= 2 && strlen(lx->rows[i][0]) == n &&
            memcmp(lx->rows[i][0], s, n) == 0 && strlen(lx->rows[i][1]) == 1 &&
            lx->rows[i][1][0] >= '0' && lx->rows[i][1][0] <= '9')
            return lx->rows[i][1][0];
    return 0;
}

/* Bytes of the UTF-8 character starting with c (1 for a stray byte). */
static size_t utf8_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

char *vb_digits_repair(vb_extract *ex, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    char *out = malloc(len + 1);
    size_t n = 0;
    int real = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len;) {
        size_t k = utf8_len((unsigned char)s[i]);
        if (k > len - i)
            k = len - i;
        char d = s[i] >= '0' && s[i] <= '9' ? s[i] : confused_digit(ex, s + i, k);
        if (!d) {
            free(out);
            return NULL;
        }
        real |= d == s[i];
        out[n++] = d;
        i += k;
    }
    out[n] = '\0';
    if (!real) {
        free(out);
        return NULL;
    }
    return out;
}
