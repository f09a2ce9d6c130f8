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

/* The digit the table gives for the character at s (of n bytes), or 0. A row
 * whose third column is "lead" holds only for the first of two characters. */
static char confused_digit(vb_extract *ex, const char *s, size_t n, int lead)
{
    const vb_lexicon *lx = vb_ruleset_lexicon(ex->rs, "digit-confusions.tsv");
    for (size_t i = 0; lx && i < lx->n_rows; i++) {
        const char *const *row = (const char *const *)lx->rows[i];
        if (lx->n_cols[i] < 2 || strlen(row[0]) != n || memcmp(row[0], s, n) != 0 ||
            strlen(row[1]) != 1 || row[1][0] < '0' || row[1][0] > '9')
            continue;
        if (lx->n_cols[i] >= 3 && !strcmp(row[2], "lead") && !lead)
            continue;
        return row[1][0];
    }
    return 0;
}

/* Bytes of the UTF-8 character starting with c (1 for a stray byte). */
static size_t utf8_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

char *vb_digits_repair(vb_extract *ex, const char *s, int lead_zero_only)
{
    size_t len = s ? strlen(s) : 0;
    size_t first = len ? utf8_len((unsigned char)s[0]) : 0;
    /* "lead" rows: a two-character field whose second character is a digit */
    int two = first < len && first + 1 == len && s[first] >= '0' && s[first] <= '9';
    if (lead_zero_only && !two)
        return NULL;
    char *out = malloc(len + 1);
    size_t n = 0;
    int real = 0, changed = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len;) {
        size_t k = utf8_len((unsigned char)s[i]);
        if (k > len - i)
            k = len - i;
        char d = s[i] >= '0' && s[i] <= '9' ? s[i] : 0;
        if (!d && (!lead_zero_only || i == 0))
            d = confused_digit(ex, s + i, k, i == 0 && two);
        if (!d || (lead_zero_only && i == 0 && d != s[i] && d != '0')) {
            free(out);
            return NULL;
        }
        real |= d == s[i];
        changed |= d != s[i];
        out[n++] = d;
        i += k;
    }
    out[n] = '\0';
    if (!real || !changed) {
        free(out);
        return NULL;
    }
    return out;
}
