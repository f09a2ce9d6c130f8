/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The document header and footer: issuing body, number and symbol, place and
 * date, type, title, signer and recipients. The patterns live in
 * rules/header.rules and rules/signer.rules; this file decides where to look
 * (the first lines, the last lines), joins what the interleaved columns split,
 * and puts values in canonical form. A value not found stays NULL and gets a
 * warning: nothing is guessed.
 */
#include "vb_extract_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#define HEAD_MAX_BYTES 6000
#define TAIL_MAX_BYTES 8000
#define TITLE_MAX_LINES 6
#define HEAD_MAX_LINES 15

static int is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

static int all_digits(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* ---- issuing body ---- */

/* A Vietnamese syllable (folded): onset, vowels, a valid final. Acronyms such
 * as UBND, HĐND, MTTQ are not, and keep their capitals in sentence case. */
static int is_syllable(const char *w, size_t n)
{
    static const char *onsets[] = {"ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu",
                                   "th",  "tr", "b",  "c",  "d",  "g",  "h",  "k",  "l",
                                   "m",   "n",  "p",  "r",  "s",  "t",  "v",  "x",  ""};
    static const char *finals[] = {"ch", "ng", "nh", "c", "m", "n", "p",
                                   "t",  "i",  "o",  "u", "y", ""};
    size_t i = 0;
    for (size_t k = 0; k < sizeof onsets / sizeof *onsets; k++) {
        size_t l = strlen(onsets[k]);
        if (l <= n && strncmp(w, onsets[k], l) == 0) {
            i = l;
            break;
        }
    }
    size_t v = i;
    while (v < n && strchr("aeiouy", w[v]))
        v++;
    if (v == i)
        return 0;
    for (size_t k = 0; k < sizeof finals / sizeof *finals; k++)
        if (n - v == strlen(finals[k]) && strncmp(w + v, finals[k], n - v) == 0)
            return 1;
    return 0;
}

static int is_acronym(const char *w, size_t n)
{
    int up, lo;
    vb_case_count(w, n, &up, &lo);
    if (up < 2 || lo)
        return 0;
    char *f = vb_fold_str(w, n);
    int syl = f && is_syllable(f, strlen(f));
    free(f);
    return !syl;
}

/* Sentence case, acronyms kept, the proper name after an administrative unit
 * title-cased: "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN" -> "Ủy ban nhân dân tỉnh Hưng Yên". */
static char *issuer_case(vb_extract *ex, const char *s)
{
    vb_buf b = {0};
    size_t len = strlen(s), i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != ' ')
            j++;
        char *w = is_acronym(s + i, j - i) ? vb_strndup(s + i, j - i)
                  : i == 0                 ? vb_case_title(s + i, j - i)
                                           : vb_case_lower(s + i, j - i);
        if (b.len)
            vb_buf_putc(&b, ' ');
        vb_buf_puts(&b, w ? w : "");
        free(w);
        i = j + 1;
    }
    char *out = vb_buf_steal(&b, NULL);
    vb_hit h;
    size_t bs, be, us, ue, ns, ne;
    if (vb_find_str(ex, "case.proper", out, strlen(out), &h) &&
        vb_hit_field(&h, "unit", &us, &ue) && vb_hit_field(&h, "name", &ns, &ne)) {
        /* body, unit and place in their lexicon spelling when the fold key
         * identifies them (OCR: "Uy ban nhan dan thanh pho Hai Phong") */
        const char *body = NULL;
        if (vb_hit_field(&h, "body", &bs, &be) && be > bs)
            body = vb_lexicon_fold_lookup(ex, "issuer-bodies.tsv", out + bs, be - bs);
        const char *unit = vb_lexicon_fold_lookup(ex, "admin-units.tsv", out + us, ue - us);
        const char *place = vb_lexicon_fold_lookup(ex, "places.tsv", out + ns, ne - ns);
        /* "thành" and a garbled short word before a known place: of the
         * administrative units only "thành phố" begins with "thành" */
        if (!unit && place && ue - us > 7 && !strncmp(out + us, "thành ", 7))
            unit = "thành phố";
        char *name = place ? strdup(place) : vb_case_title(out + ns, ne - ns);
        if (name) {
            vb_buf r = {0};
            if (body)
                vb_buf_printf(&r, "%s ", body);
            else
                vb_buf_append(&r, out, us);
            if (unit && r.len == 0) {
                char *u = vb_case_sentence(unit, strlen(unit)); /* "Thị trấn Tân Khai" */
                vb_buf_puts(&r, u ? u : unit);
                free(u);
            } else if (unit) {
                vb_buf_puts(&r, unit);
            } else {
                vb_buf_append(&r, out + us, ue - us);
            }
            vb_buf_append(&r, out + ue, ns - ue);
            vb_buf_puts(&r, name);
            vb_buf_puts(&r, out + ne);
            free(name);
            free(out);
            out = vb_buf_steal(&r, NULL);
        }
    }
    return out;
}

/* Append the parts of [s, e) that are not the national motto to parts (one
 * string per part). */
static void strip_motto(vb_extract *ex, const vb_text *t, size_t s, size_t e, char ***parts,
                        size_t *n)
{
    while (s < e) {
        vb_hit h;
        size_t cut = e, next = e;
        if (vb_find(ex, "header.motto", t, s, e, &h)) {
            cut = h.start;
            next = h.end > s ? h.end : s + 1;
        }
        char *part = vb_squeeze(t->text + s, cut - s);
        int up, lo;
        vb_case_count(part, strlen(part), &up, &lo);
        /* The issuing body is printed in capitals; anything else on these lines
         * (the date column, speckles) is not it. */
        if (up >= 2 && lo * 4 <= up)
            vb_strv_push(parts, n, part);
        else
            free(part);
        s = next;
    }
}

/* A copy of a header line without the specks OCR read as punctuation after a
 * word inside a name ("SỞ TƯ. PHÁP"): a body's name has none there, but for
 * the abbreviation "TP." (thành phố). */
static char *drop_specks(const char *s)
{
    vb_buf b = {0};
    size_t len = strlen(s), i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != ' ')
            j++;
        size_t k = j;
        if (k - i > 1 && j < len && strchr(".,;:", s[k - 1]) &&
            !(k - i == 3 && !strncmp(s + i, "TP", 2)))
            k--;
        vb_buf_append(&b, s + i, k - i);
        if (j < len)
            vb_buf_putc(&b, ' ');
        i = j + 1;
    }
    return vb_buf_steal(&b, NULL);
}

/* A name in canonical form when the agency lexicon has it, else issuer case. */
static char *body_case(vb_extract *ex, const char *s)
{
    char *clean = drop_specks(s);
    if (!clean)
        return NULL;
    const char *canon = vb_agency_canon(ex, clean, strlen(clean));
    char *out = canon ? strdup(canon) : issuer_case(ex, clean);
    free(clean);
    return out;
}

static char *find_issuer(vb_extract *ex, const vb_text *t, const vb_lines *l, size_t end)
{
    char **parts = NULL;
    size_t n = 0;
    for (size_t i = 0; i < l->n && l->starts[i] < end; i++) {
        size_t e = l->ends[i] < end ? l->ends[i] : end;
        vb_hit h;
        if (vb_find(ex, "header.noise", t, l->starts[i], e, &h))
            continue;
        /* the number line, when its symbol could not be read */
        if (i > 0 && vb_find(ex, "header.numline", t, l->starts[i], e, &h))
            break;
        size_t before = n;
        strip_motto(ex, t, l->starts[i], e, &parts, &n);
        /* the Gazette repeats the issuing body ("CHÍNH PHỦ" / "CHÍNH PHỦ") */
        if (n == before + 1 && before && strcmp(parts[before], parts[before - 1]) == 0)
            free(parts[--n]);
    }
    if (!n) {
        free(parts);
        return NULL;
    }
    char *out = NULL;
    vb_hit h;
    size_t us, ue;
    /* "UBND TỈNH NGHỆ AN" / "SỞ TƯ PHÁP": the lower line issues, the upper is
     * its parent: "Sở Tư pháp tỉnh Nghệ An". */
    if (n >= 2 && vb_find_str(ex, "header.parent", parts[0], strlen(parts[0]), &h) &&
        vb_hit_field(&h, "unit", &us, &ue)) {
        vb_buf child = {0};
        for (size_t i = 1; i < n; i++) {
            if (child.len)
                vb_buf_putc(&child, ' ');
            vb_buf_puts(&child, parts[i]);
        }
        char *c = body_case(ex, child.data);
        char *unit = vb_strndup(parts[0] + us, ue - us);
        char *u = issuer_case(ex, unit);
        if (c && u) {
            vb_buf b = {0};
            vb_buf_puts(&b, c);
            vb_buf_putc(&b, ' ');
            /* the unit is not at the start of a sentence */
            char *first = vb_case_lower(u, strcspn(u, " "));
            vb_buf_puts(&b, first ? first : "");
            vb_buf_puts(&b, u + strcspn(u, " "));
            free(first);
            out = vb_buf_steal(&b, NULL);
        }
        free(c);
        free(u);
        free(unit);
        vb_buf_free(&child);
    } else {
        vb_buf all = {0};
        for (size_t i = 0; i < n; i++) {
            if (all.len)
                vb_buf_putc(&all, ' ');
            vb_buf_puts(&all, parts[i]);
        }
        /* the Gazette prints the body twice, once split over two lines */
        size_t half = all.len / 2;
        if (all.len > 4 && all.data[half] == ' ') {
            char *a = vb_fold_str(all.data, half),
                 *b = vb_fold_str(all.data + half + 1, all.len - half - 1);
            if (a && b && strcmp(a, b) == 0)
                all.data[half] = '\0';
            free(a);
            free(b);
        }
        out = body_case(ex, all.data);
        vb_buf_free(&all);
    }
    for (size_t i = 0; i < n; i++)
        free(parts[i]);
    free(parts);
    return out;
}

/* ---- date ---- */

static int days_in(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

/* ISO date from day/month/year strings; partial when day or month is not a
 * number. Sets *partial. */
char *vb_iso_date(const char *d, const char *m, const char *y, int *partial)
{
    char buf[40];
    *partial = 0;
    if (!all_digits(y) || strlen(y) != 4)
        return NULL;
    int yy = atoi(y);
    int mm = all_digits(m) ? atoi(m) : 0;
    int dd = all_digits(d) ? atoi(d) : 0;
    if (mm < 1 || mm > 12) {
        *partial = 1;
        snprintf(buf, sizeof buf, "%04d", yy);
    } else if (dd < 1 || dd > days_in(yy, mm)) {
        *partial = 1;
        snprintf(buf, sizeof buf, "%04d-%02d", yy, mm);
    } else {
        snprintf(buf, sizeof buf, "%04d-%02d-%02d", yy, mm, dd);
    }
    return strdup(buf);
}

/* The date of a hit with day, month and year fields. A day or a month that OCR
 * left with a letter or a speck read for a digit ("f2", "@1") is repaired when
 * rules/digit-confusions.tsv says how, with a warning naming what was read. */
static char *hit_date(vb_extract *ex, vb_record *rec, const vb_text *t, const vb_hit *h,
                      int *partial)
{
    static const char *what[2] = {"day", "month"};
    char *f[3] = {vb_hit_dup(h, t, "day"), vb_hit_dup(h, t, "month"), vb_hit_dup(h, t, "year")};
    for (int i = 0; i < 2; i++) {
        char *r = f[i] && !all_digits(f[i]) ? vb_digits_repair(ex, f[i], 0) : NULL;
        if (r) {
            vb_warn(rec, "document.date: %s '%s' read as %s", what[i], f[i], r);
            free(f[i]);
            f[i] = r;
        }
    }
    char *date = vb_iso_date(f[0] ? f[0] : "", f[1] ? f[1] : "", f[2] ? f[2] : "", partial);
    for (int i = 0; i < 3; i++)
        free(f[i]);
    return date;
}

/* Drop leading words in capitals ("UBND Tan Khai" -> "Tan Khai"): a place is
 * written in title case, the symbol's issuer code before it is not. */
static char *trim_place(char *p)
{
    if (!p)
        return NULL;
    char *s = p;
    for (;;) {
        char *sp = strchr(s, ' ');
        if (!sp)
            break;
        int up, lo;
        vb_case_count(s, (size_t)(sp - s), &up, &lo);
        if (!(up >= 2 && lo == 0))
            break;
        s = sp + 1;
    }
    memmove(p, s, strlen(s) + 1);
    return p;
}

/* ---- title ---- */

static int is_quote(UChar32 c)
{
    return c == '"' || c == '\'' || c == '`' || c == 0x2018 || c == 0x2019 || c == 0x201C ||
           c == 0x201D;
}

static int is_double_quote(UChar32 c)
{
    return c == '"' || c == 0x201C || c == 0x201D;
}

/* The quotes of a title that enclose something stay; the others are specks
 * OCR read as quotes and are dropped: glued to a word ("cơ’ quan", "cơ sở'",
 * what is left of o’ for ơ), or alone ("2030 ‘"). A quote opens before a
 * word and closes after one, the nearest opener of its kind (single, double). */
static void drop_quote_specks(char *s)
{
    int32_t n = (int32_t)strlen(s);
    size_t cap = (size_t)n + 1;
    int32_t *open = malloc(cap * sizeof *open);
    char *drop = calloc(cap, 1);
    if (!open || !drop) {
        free(open);
        free(drop);
        return;
    }
    size_t n_open = 0;
    for (int32_t i = 0; i < n;) {
        int32_t a = i;
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (!is_quote(c))
            continue;
        UChar32 prev = -1, next = -1;
        if (a > 0) {
            int32_t k = a;
            U8_PREV(s, 0, k, prev);
        }
        if (i < n) {
            int32_t k = i;
            U8_NEXT(s, k, n, next);
        }
        int prev_word = prev >= 0 && u_isalnum(prev);
        int next_word = next >= 0 && u_isalnum(next);
        if (next_word && !prev_word) {
            open[n_open++] = a;
        } else if (!next_word && (prev_word || (prev >= 0 && u_ispunct(prev) && prev != '('))) {
            size_t k = n_open;
            while (k > 0) {
                UChar32 o;
                int32_t j = open[k - 1];
                U8_NEXT(s, j, n, o);
                if (is_double_quote(o) == is_double_quote(c))
                    break;
                k--;
            }
            if (k == 0) {
                drop[a] = 1;
            } else {
                /* openers between the pair never closed */
                for (size_t m = k; m < n_open; m++)
                    drop[open[m]] = 1;
                n_open = k - 1;
            }
        } else {
            drop[a] = 1;
        }
    }
    for (size_t k = 0; k < n_open; k++)
        drop[open[k]] = 1;
    int32_t o = 0;
    for (int32_t i = 0; i < n;) {
        int32_t a = i;
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (!drop[a]) {
            memmove(s + o, s + a, (size_t)(i - a));
            o += i - a;
        }
    }
    s[o] = '\0';
    free(open);
    free(drop);
}

/* Length of the run of ASCII digits that ends before s[i] (backwards) or
 * starts at s[i] (forwards). */
static size_t digits_at(const char *s, size_t n, size_t i, int backwards)
{
    size_t k = 0;
    if (backwards)
        while (k < i && s[i - 1 - k] >= '0' && s[i - 1 - k] <= '9')
            k++;
    else
        while (i + k < n && s[i + k] >= '0' && s[i + k] <= '9')
            k++;
    return k;
}

/* A period between years read with a space on one side of its dash ("giai
 * đoạn 2026 -2030") is written "2026 - 2030". */
static char *space_year_dashes(const char *s)
{
    size_t n = strlen(s);
    vb_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '-') {
            int sp_before = i > 0 && s[i - 1] == ' ', sp_after = i + 1 < n && s[i + 1] == ' ';
            size_t y0 = digits_at(s, n, i - (size_t)sp_before, 1);
            size_t y1 = digits_at(s, n, i + 1 + (size_t)sp_after, 0);
            if (y0 == 4 && y1 == 4 && sp_before != sp_after) {
                vb_buf_puts(&b, sp_before ? "- " : " -");
                continue;
            }
        }
        vb_buf_putc(&b, s[i]);
    }
    if (!b.data)
        vb_buf_puts(&b, "");
    return vb_buf_steal(&b, NULL);
}

static int letter_at(const char *s, int32_t i, int32_t n, int before)
{
    UChar32 c;
    if (before ? i <= 0 : i >= n)
        return 0;
    if (before)
        U8_PREV(s, 0, i, c);
    else
        U8_NEXT(s, i, n, c);
    return u_isalnum(c);
}

/* An agency the lexicon knows, written with other capitals in a title ("Ban
 * Thường vụ Tỉnh Ủy", where OCR garbled the ủ) takes the lexicon's ("Tỉnh
 * ủy"): only a name that starts with a capital, not in all capitals. */
static void agency_case(vb_extract *ex, char *title)
{
    const vb_lexicon *lx = vb_ruleset_lexicon(ex->rs, "agencies.tsv");
    size_t n = strlen(title);
    char *low = vb_case_lower(title, n);
    if (!lx || !low || strlen(low) != n) {
        free(low);
        return;
    }
    /* the canonical names only: variants keep how others write them ("Chính Phủ") */
    for (size_t r = 0; r < lx->n_rows; r++) {
        const char *cell = lx->rows[r][0];
        size_t cl = strlen(cell);
        char *cw = vb_case_lower(cell, cl);
        const char *p = low;
        while (cw && strlen(cw) == cl && (p = strstr(p, cw)) != NULL) {
            size_t at = (size_t)(p - low);
            p += cl;
            int up, lo;
            vb_case_count(title + at, cl, &up, &lo);
            if (letter_at(title, (int32_t)at, (int32_t)n, 1) ||
                letter_at(title, (int32_t)(at + cl), (int32_t)n, 0) || (up >= 2 && lo == 0))
                continue;
            UChar32 c;
            int32_t k = (int32_t)at;
            U8_NEXT(title, k, (int32_t)n, c);
            if (u_isupper(c))
                memcpy(title + at, cell, cl);
        }
        free(cw);
    }
    free(low);
}

static char *find_title(vb_extract *ex, const vb_text *t, const vb_lines *l, size_t after)
{
    size_t i = vb_lines_at(l, after) + 1;
    while (i < l->n && is_blank(t->text + l->starts[i], l->ends[i] - l->starts[i]))
        i++;
    size_t first = i, last = i;
    for (size_t k = 0; i < l->n && k < TITLE_MAX_LINES; i++, k++) {
        size_t s = l->starts[i], e = l->ends[i];
        if (is_blank(t->text + s, e - s))
            break;
        vb_hit h;
        if (vb_find(ex, "header.title.stop", t, s, e, &h) && h.start <= s + 8)
            break;
        /* a line in capitals is the next block ("BỘ TRƯỞNG BỘ ...") */
        int up, lo;
        vb_case_count(t->text + s, e - s, &up, &lo);
        if (i > first && up >= 6 && lo == 0)
            break;
        last = i + 1;
    }
    if (last == first)
        return NULL;
    /* symbols as references write them ("33-NQ/T U" is 33-NQ/TU) */
    char *raw = vb_refs_canon_span(ex, t, l->starts[first], l->ends[last - 1]);
    if (!raw)
        return NULL;
    drop_quote_specks(raw);
    char *sq = vb_squeeze(raw, strlen(raw));
    free(raw);
    char *out = sq ? space_year_dashes(sq) : NULL;
    free(sq);
    if (out)
        agency_case(ex, out);
    if (out && !*out) {
        free(out);
        out = NULL;
    }
    return out;
}

/* ---- signer and recipients ---- */

typedef struct span {
    size_t s, e;
} span;

/* The last hit of a family in [from, to), text rules first; with need_caps the
 * text of a fold hit must be in capitals (titles) or title case (names). */
enum { CAPS_NONE, CAPS_ALL, CAPS_WORDS };

static int caps_ok(const vb_text *t, size_t s, size_t e, int need)
{
    int up, lo;
    if (need == CAPS_NONE)
        return 1;
    if (need == CAPS_ALL) {
        vb_case_count(t->text + s, e - s, &up, &lo);
        return lo == 0 && up > 0;
    }
    /* every word starts with a capital */
    size_t i = s;
    while (i < e) {
        while (i < e && (t->text[i] == ' ' || t->text[i] == '\t'))
            i++;
        size_t j = i;
        while (j < e && t->text[j] != ' ' && t->text[j] != '\t')
            j++;
        while (i < j && (t->text[i] == '\'' || t->text[i] == '`'))
            i++; /* a speck before the capital */
        if (j > i) {
            size_t k = i + 1;
            while (k < j && ((unsigned char)t->text[k] & 0xC0) == 0x80)
                k++;
            vb_case_count(t->text + i, k - i, &up, &lo);
            if (!up)
                return 0;
        }
        i = j;
    }
    return 1;
}

static int find_last(vb_extract *ex, const char *family, const vb_text *t, size_t from, size_t to,
                     const char *field, int need, const span *skip, size_t n_skip, vb_hit *last)
{
    for (int fold = 0; fold < 2; fold++) {
        int found = 0;
        size_t pos = from;
        vb_hit h;
        while (pos < to && vb_find_kind(ex, family, fold, t, pos, to, &h)) {
            size_t fs, fe;
            if (!vb_hit_field(&h, field, &fs, &fe)) {
                fs = h.start;
                fe = h.end;
            }
            int skipped = 0;
            for (size_t k = 0; k < n_skip; k++)
                skipped |= fs >= skip[k].s && fe <= skip[k].e;
            if (!skipped && caps_ok(t, fs, fe, need)) {
                *last = h;
                found = 1;
            }
            pos = h.end > pos ? h.end : pos + 1;
        }
        if (found)
            return 1;
    }
    return 0;
}

static int overlaps_line(const span *sp, size_t s, size_t e)
{
    return sp->s < e && sp->e > s;
}

static vb_status find_recipients(vb_extract *ex, const vb_text *t, const vb_lines *l,
                                 const vb_hit *start, const span *cuts, size_t n_cuts,
                                 vb_record *rec)
{
    vb_document *d = &rec->doc;
    size_t heading = vb_lines_at(l, start->start), i = heading;
    int misses = 0, below = 0; /* non-blank lines seen under the heading */
    for (; i < l->n; i++) {
        size_t s = i == heading ? start->end : l->starts[i];
        size_t e = l->ends[i];
        for (size_t c = 0; c < n_cuts; c++)
            if (cuts[c].s != cuts[c].e && overlaps_line(&cuts[c], s, e) && cuts[c].s >= s &&
                cuts[c].s < e)
                e = cuts[c].s;
        if (is_blank(t->text + s, e - s))
            continue;
        vb_hit h;
        size_t is, ie;
        /* once the list has begun, or on the line right under the heading, a
         * line whose bullet OCR lost or misread ("~ Bộ Công an") still counts */
        int first_below = i != heading && below++ == 0;
        if ((vb_find(ex, "recipients.item", t, s, e, &h) ||
             ((d->n_recipients || first_below) && vb_find(ex, "recipients.loose", t, s, e, &h))) &&
            vb_hit_field(&h, "item", &is, &ie) && ie > is) {
            misses = 0;
            /* "(b/c)", "(để biết)": how the copy is meant, not who gets it */
            vb_hit nh;
            char *item = vb_squeeze(t->text + is, ie - is);
            if (item && vb_find_str(ex, "recipients.note", item, strlen(item), &nh))
                item[nh.start] = '\0';
            vb_status st = vb_strv_push(&d->recipients, &d->n_recipients, item);
            if (st != VB_OK)
                return st;
            char *f = vb_fold_str(item, strlen(item));
            int last = f && strncmp(f, "luu", 3) == 0;
            free(f);
            if (last)
                break;
        } else if (d->n_recipients && ++misses > 3) {
            break;
        }
    }
    return VB_OK;
}

/* A title found on the fold key ("CHU TICH") in the form the lexicon prints
 * ("CHỦ TỊCH"): the fold identifies it, so nothing is guessed. */
static char *canonical_title(vb_extract *ex, char *title)
{
    const vb_lexicon *lx = vb_ruleset_lexicon(ex->rs, "signer-titles.tsv");
    char *f = title ? vb_fold_str(title, strlen(title)) : NULL;
    for (size_t i = 0; f && lx && i < lx->n_rows; i++) {
        char *g = vb_fold_str(lx->rows[i][0], strlen(lx->rows[i][0]));
        int same = g && strcmp(f, g) == 0;
        free(g);
        if (same) {
            free(title);
            title = strdup(lx->rows[i][0]);
            break;
        }
    }
    free(f);
    return title;
}

static vb_status find_signer(vb_extract *ex, const vb_text *t, const vb_lines *l, vb_record *rec)
{
    vb_document *d = &rec->doc;
    size_t tail = t->len > TAIL_MAX_BYTES ? t->len - TAIL_MAX_BYTES : 0;
    tail = l->starts[vb_lines_at(l, tail)];
    vb_hit rh;
    int have_rcpt =
        find_last(ex, "recipients.start", t, tail, t->len, "head", CAPS_NONE, NULL, 0, &rh);
    size_t from = have_rcpt ? rh.start : (t->len > 1500 ? t->len - 1500 : 0);
    /* the signature block can sit a few lines above the recipients */
    size_t li = vb_lines_at(l, from);
    li = li > 6 ? li - 6 : 0;
    from = l->starts[li];

    span cuts[3] = {{0, 0}, {0, 0}, {0, 0}};
    vb_hit h;
    /* "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH": the first prefix is
     * the one recorded; the words after any prefix are not the title. */
    span bodies[4];
    size_t n_bodies = 0;
    size_t pos = from;
    for (int fold = 0; fold < 2 && !d->signer.authority; fold++) {
        pos = from;
        while (pos < t->len && n_bodies < 4 &&
               vb_find_kind(ex, "signer.authority", fold, t, pos, t->len, &h)) {
            size_t s, e;
            pos = h.end > pos ? h.end : pos + 1;
            if (!d->signer.authority && vb_hit_field(&h, "authority", &s, &e)) {
                char *a = vb_case_upper(t->text + s, e - s);
                vb_buf b = {0};
                vb_buf_puts(&b, a ? a : "");
                vb_buf_putc(&b, '.');
                free(a);
                d->signer.authority = vb_buf_steal(&b, NULL);
                cuts[0] = (span){h.start, h.end};
            }
            if (vb_hit_field(&h, "body", &s, &e))
                bodies[n_bodies++] = (span){s, e};
        }
    }
    if (find_last(ex, "signer.title", t, from, t->len, "title", CAPS_ALL, bodies, n_bodies, &h)) {
        d->signer.title = canonical_title(ex, vb_hit_dup(&h, t, "title"));
        cuts[1] = (span){h.start, h.end};
    }
    if (find_last(ex, "signer.name", t, from, t->len, "name", CAPS_WORDS, NULL, 0, &h)) {
        d->signer.name = vb_hit_dup(&h, t, "name");
        /* OCR's specks before a capital: "Hoàng 'Thị Minh Nguyệt" */
        char *w = d->signer.name, *r = w;
        while (w && *r) {
            if (*r == '\'' || *r == '`')
                r++;
            else if (!strncmp(r, "’", 3) || !strncmp(r, "‘", 3))
                r += 3;
            else
                *w++ = *r++;
        }
        if (w)
            *w = '\0';
        cuts[2] = (span){h.start, h.end};
    }
    if (!d->signer.title)
        vb_warn(rec, "document.signer.title: not found");
    if (!d->signer.name)
        vb_warn(rec, "document.signer.name: not found");
    if (have_rcpt) {
        vb_status st = find_recipients(ex, t, l, &rh, cuts, 3, rec);
        if (st != VB_OK)
            return st;
    }
    if (!d->n_recipients)
        vb_warn(rec, "document.recipients: not found");
    return VB_OK;
}

/* ---- the header ---- */

vb_status vb_header_extract(vb_extract *ex, const vb_text *t, const vb_lines *l, vb_record *rec)
{
    vb_document *d = &rec->doc;
    size_t head = t->len < HEAD_MAX_BYTES ? t->len : HEAD_MAX_BYTES;
    vb_hit th, sh, dh;
    int have_type = vb_find(ex, "header.type", t, 0, head, &th);
    size_t head_end = have_type ? th.start : head;

    /* number and symbol: without a type line, only the first lines are the header */
    if (!have_type && l->n > HEAD_MAX_LINES && l->starts[HEAD_MAX_LINES] < head_end)
        head_end = l->starts[HEAD_MAX_LINES];
    int have_sym = vb_find(ex, "header.symbol", t, 0, head_end, &sh);
    ex->own_start = ex->own_end = 0;
    const char *type_code = NULL;
    if (have_sym) {
        size_t s, e;
        if (vb_hit_field(&sh, "symbol", &s, &e)) {
            ex->own_start = s;
            ex->own_end = e;
        }
        if (vb_hit_field(&sh, "symbol", &s, &e))
            d->symbol = vb_symbol_canon(ex, t->text + s, e - s, &type_code, &d->number, NULL, NULL);
        if (!d->symbol)
            vb_warn(rec, "document.number: illegible");
    }
    if (!d->number && !have_sym)
        vb_warn(rec, "document.number: not found");
    if (!d->symbol)
        vb_warn(rec, "document.symbol: not found");

    /* place and date */
    int have_date = vb_find(ex, "header.date", t, 0, head_end, &dh);
    if (have_date) {
        int partial;
        d->date = hit_date(ex, rec, t, &dh, &partial);
        if (d->date && partial)
            vb_warn(rec, "document.date: %s illegible, partial date %s",
                    strlen(d->date) == 4 ? "day and month" : "day", d->date);
        d->place = trim_place(vb_hit_dup(&dh, t, "place"));
        const char *known =
            d->place ? vb_lexicon_fold_lookup(ex, "places.tsv", d->place, strlen(d->place)) : NULL;
        if (known) { /* "Tuyén Quang" -> "Tuyên Quang" */
            free(d->place);
            d->place = strdup(known);
        }
    }
    if (!d->date) {
        /* laws and resolutions carry no "Place, ngày" line: their date is the
         * adoption, "Luật này đã được Quốc hội ... thông qua ngày ..." */
        vb_hit ah;
        int partial;
        if (vb_find(ex, "header.adopted", t, 0, t->len, &ah))
            d->date = hit_date(ex, rec, t, &ah, &partial);
    }
    if (!d->date)
        vb_warn(rec, "document.date: not found");
    if (!d->place)
        vb_warn(rec, "document.place: not found");

    /* issuing body: the capitals above the symbol, motto removed */
    size_t issuer_end = have_sym ? sh.start : have_date ? dh.start : head_end;
    d->issuer = find_issuer(ex, t, l, issuer_end);
    if (!d->issuer)
        vb_warn(rec, "document.issuer: not found");

    /* type: the symbol's code first, else the type line */
    const char *line_code = NULL, *line_name = NULL;
    if (have_type) {
        size_t s, e;
        if (vb_hit_field(&th, "type_name", &s, &e))
            vb_type_from_name(ex, t->text + s, e - s, &line_code, &line_name);
    }
    if (type_code) {
        d->type = strdup(type_code);
        d->type_name = vb_strdup(vb_type_name(ex, type_code));
    } else if (line_code) {
        d->type = strdup(line_code);
        d->type_name = strdup(line_name);
    } else if (d->symbol) {
        d->type_name = strdup("Công văn"); /* a symbol without a type code */
    } else {
        vb_warn(rec, "document.type: not found");
    }

    /* title */
    if (have_type)
        d->title = find_title(ex, t, l, th.start);
    if (!d->title) {
        vb_hit vh;
        if (vb_find(ex, "header.subject", t, 0, head, &vh))
            d->title = vb_hit_dup(&vh, t, "title");
    }
    if (!d->title)
        vb_warn(rec, "document.title: not found");

    return find_signer(ex, t, l, rec);
}
