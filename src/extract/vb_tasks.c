/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Tasks and targets. Patterns are in rules/tasks.rules and rules/targets.rules.
 *
 * Tasks come in three shapes, taken in this order (a later shape never takes
 * text an earlier one has):
 *  - a parenthesis after the task: "(Công an tỉnh chủ trì, phối hợp với ...;
 *    thực hiện xong trong quý I/2026)";
 *  - a sentence: "Giao Công an tỉnh ...", "Đề nghị Ủy ban MTTQ ...";
 *  - the part "TỔ CHỨC THỰC HIỆN" with one heading per agency ("2.6. Sở Tài
 *    chính") and its items below.
 * Agencies are named canonically from rules/agencies.tsv when it knows them.
 */
#include "vb_extract_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ITEM_BACK_LINES 12
#define SENTENCE_MAX 800

typedef struct spans {
    size_t *s, *e;
    size_t n;
} spans;

static void spans_add(spans *sp, size_t s, size_t e)
{
    size_t *ns = realloc(sp->s, (sp->n + 1) * sizeof *ns);
    if (!ns)
        return;
    sp->s = ns;
    size_t *ne = realloc(sp->e, (sp->n + 1) * sizeof *ne);
    if (!ne)
        return;
    sp->e = ne;
    sp->s[sp->n] = s;
    sp->e[sp->n] = e;
    sp->n++;
}

static int spans_hit(const spans *sp, size_t s, size_t e)
{
    for (size_t i = 0; i < sp->n; i++)
        if (sp->s[i] < e && s < sp->e[i])
            return 1;
    return 0;
}

static void spans_free(spans *sp)
{
    free(sp->s);
    free(sp->e);
    memset(sp, 0, sizeof *sp);
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Numbering opening a line: "1.", "2.4.", "2 " before a capital (OCR lost the
 * dot), "a)". Returns the depth (numbers in it; 9 for a letter) or 0, and in
 * *text the offset of what follows. */
static int line_numbering(const char *p, size_t n, size_t *text)
{
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    size_t j = i, dot_end = 0;
    int depth = 0, dots = 0;
    while (j < n && p[j] >= '0' && p[j] <= '9') {
        size_t k = j;
        while (k < n && p[k] >= '0' && p[k] <= '9')
            k++;
        if (k - j > 2)
            return 0;
        depth++;
        j = k;
        if (j < n && p[j] == '.') {
            dot_end = ++j;
            dots = depth;
        } else {
            break;
        }
    }
    /* "24.86Yté": the text runs into the number; it starts after the last dot */
    if (depth > 1 && dots && p[j - 1] != '.' && j < n &&
        ((unsigned char)p[j] >= 0x80 || (p[j] >= 'A' && p[j] <= 'Z'))) {
        j = dot_end;
        depth = dots;
    }
    if (depth) {
        int dot = p[j - 1] == '.';
        /* "2 Ủy ban ...": a lone number before a capital */
        int cap = !dot && j + 1 < n && (p[j] == ' ' || p[j] == '\t') &&
                  ((unsigned char)p[j + 1] >= 0xC3 || (p[j + 1] >= 'A' && p[j + 1] <= 'Z'));
        if (!dot && !(cap && depth == 1))
            return 0;
    } else if (j + 1 < n && p[j] >= 'a' && p[j] <= 'z' && p[j + 1] == ')') {
        depth = 9;
        j += 2;
    } else {
        return 0;
    }
    while (j < n && (p[j] == ' ' || p[j] == '\t'))
        j++;
    *text = j;
    return depth;
}

/* ---- deadlines ---- */

static const struct {
    vb_deadline_kind kind;
    const char *family;
} kinds[] = {
    {VB_DEADLINE_BEFORE, "deadline.before"},       {VB_DEADLINE_DATE, "deadline.date"},
    {VB_DEADLINE_QUARTER, "deadline.quarter"},     {VB_DEADLINE_HALF, "deadline.half"},
    {VB_DEADLINE_YEAR, "deadline.year"},           {VB_DEADLINE_PERIOD, "deadline.period"},
    {VB_DEADLINE_RECURRING, "deadline.recurring"}, {VB_DEADLINE_ONGOING, "deadline.ongoing"},
};

static char *ymd(int y, int m, int d)
{
    char b[40];
    snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, d);
    return strdup(b);
}

static int quarter_num(const char *q)
{
    if (!q)
        return 0;
    /* Roman numerals, digits, and OCR's "11" for II */
    if (!strcmp(q, "I") || !strcmp(q, "i") || !strcmp(q, "1"))
        return 1;
    if (!strcmp(q, "II") || !strcmp(q, "ii") || !strcmp(q, "11") || !strcmp(q, "2"))
        return 2;
    if (!strcmp(q, "III") || !strcmp(q, "iii") || !strcmp(q, "111") || !strcmp(q, "3"))
        return 3;
    if (!strcmp(q, "IV") || !strcmp(q, "iv") || !strcmp(q, "1v") || !strcmp(q, "4"))
        return 4;
    return 0;
}

static void deadline_fill(vb_extract *ex, const vb_text *t, vb_deadline_kind kind, const vb_hit *h,
                          vb_deadline *dl)
{
    char *d = vb_hit_dup(h, t, "d"), *m = vb_hit_dup(h, t, "m"), *y = vb_hit_dup(h, t, "y");
    char *y1 = vb_hit_dup(h, t, "y1"), *y2 = vb_hit_dup(h, t, "y2");
    char *q = vb_hit_dup(h, t, "q"), *which = vb_hit_dup(h, t, "which");
    int partial;
    (void)ex;
    dl->kind = kind;
    dl->text = vb_squeeze(t->text + h->start, h->end - h->start);
    switch (kind) {
    case VB_DEADLINE_BEFORE:
        if (y)
            dl->end = vb_iso_date(d ? d : "", m ? m : "", y, &partial);
        break;
    case VB_DEADLINE_DATE:
        dl->end = vb_iso_date(d ? d : "", m ? m : "", y ? y : "", &partial);
        dl->start = vb_strdup(dl->end);
        break;
    case VB_DEADLINE_QUARTER: {
        int n = quarter_num(q);
        static const int last[] = {0, 31, 30, 30, 31};
        if (n && y) {
            dl->start = ymd(atoi(y), 3 * n - 2, 1);
            dl->end = ymd(atoi(y), 3 * n, last[n]);
        }
        break;
    }
    case VB_DEADLINE_HALF:
        if (y && which) {
            int first = strcmp(which, "đầu") == 0;
            dl->start = ymd(atoi(y), first ? 1 : 7, 1);
            dl->end = ymd(atoi(y), first ? 6 : 12, first ? 30 : 31);
        }
        break;
    case VB_DEADLINE_YEAR:
        if (y) {
            if (strncmp(dl->text, "trong", 5) == 0)
                dl->start = ymd(atoi(y), 1, 1);
            dl->end = ymd(atoi(y), 12, 31);
        }
        break;
    case VB_DEADLINE_PERIOD:
        if (y1)
            dl->start = ymd(atoi(y1), 1, 1);
        if (y2)
            dl->end = ymd(atoi(y2), 12, 31);
        break;
    default: break;
    }
    free(d), free(m), free(y), free(y1), free(y2), free(q), free(which);
}

/* A relative bound, "trong thời hạn 15 ngày kể từ ngày Quyết định này có hiệu
 * lực": the end, when the text says when the document takes effect (on
 * signing: the document's date; or on a date it gives). */
static void relative_deadline(vb_extract *ex, const vb_text *t, const vb_record *rec,
                              const vb_hit *h, vb_deadline *dl)
{
    char *days = vb_hit_dup(h, t, "days");
    vb_hit eff;
    char *start = NULL;
    if (days && vb_find(ex, "document.effective", t, 0, t->len, &eff)) {
        char *d = vb_hit_dup(&eff, t, "d"), *m = vb_hit_dup(&eff, t, "m"),
             *y = vb_hit_dup(&eff, t, "y");
        int partial = 0;
        if (y)
            start = vb_iso_date(d ? d : "", m ? m : "", y, &partial);
        else if (rec->doc.date && strlen(rec->doc.date) == 10)
            start = strdup(rec->doc.date);
        if (partial) {
            free(start);
            start = NULL;
        }
        free(d), free(m), free(y);
    }
    memset(dl, 0, sizeof *dl);
    dl->kind = VB_DEADLINE_BEFORE;
    dl->text = vb_squeeze(t->text + h->start, h->end - h->start);
    if (start) {
        struct tm tm = {0};
        tm.tm_year = atoi(start) - 1900;
        tm.tm_mon = atoi(start + 5) - 1;
        tm.tm_mday = atoi(start + 8) + atoi(days);
        tm.tm_hour = 12;
        time_t tt = timegm(&tm);
        struct tm out;
        if (gmtime_r(&tt, &out))
            dl->end = ymd(out.tm_year + 1900, out.tm_mon + 1, out.tm_mday);
    }
    free(start);
    free(days);
}

/* The first time bound in [from, to): the earliest expression of any kind,
 * leaving out those inside a name or a phrase that is no bound ("khen thưởng
 * đột xuất, định kỳ", "Đề án ... giai đoạn 2025 - 2030"). A date "before"
 * without a year is kept only when nothing better is there. */
static void find_deadline(vb_extract *ex, const vb_text *t, const vb_record *rec, size_t from,
                          size_t to, vb_deadline *dl)
{
    memset(dl, 0, sizeof *dl);
    spans veto = {0};
    vb_hit h, best, weak;
    size_t pos = from;
    while (pos < to && vb_find(ex, "deadline.not", t, pos, to, &h)) {
        spans_add(&veto, h.start, h.end);
        pos = h.end > pos ? h.end : pos + 1;
    }
    int have = 0, have_weak = 0, relative = 0;
    vb_deadline_kind best_kind = VB_DEADLINE_NONE;
    for (size_t k = 0; k <= sizeof kinds / sizeof *kinds; k++) {
        const char *family =
            k < sizeof kinds / sizeof *kinds ? kinds[k].family : "deadline.relative";
        for (pos = from; pos < to && vb_find(ex, family, t, pos, have ? best.start : to, &h);
             pos = h.start + 1) {
            int vetoed = 0;
            for (size_t i = 0; i < veto.n && !vetoed; i++)
                vetoed = veto.s[i] <= h.start && h.end <= veto.e[i];
            if (vetoed)
                continue;
            size_t s, e;
            if (k < sizeof kinds / sizeof *kinds && kinds[k].kind == VB_DEADLINE_BEFORE &&
                !vb_hit_field(&h, "y", &s, &e)) {
                if (!have_weak) {
                    weak = h;
                    have_weak = 1;
                }
                continue;
            }
            if (!have || h.start < best.start) {
                best = h;
                have = 1;
                relative = k == sizeof kinds / sizeof *kinds;
                best_kind = relative ? VB_DEADLINE_BEFORE : kinds[k].kind;
            }
            break;
        }
    }
    spans_free(&veto);
    if (have && relative)
        relative_deadline(ex, t, rec, &best, dl);
    else if (have)
        deadline_fill(ex, t, best_kind, &best, dl);
    else if (have_weak)
        deadline_fill(ex, t, VB_DEADLINE_BEFORE, &weak, dl);
}

/* ---- agencies ---- */

static int strv_has(char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return 1;
    return 0;
}

/* Skip white space, commas and "và" between the agencies of a list. */
static size_t skip_joiners(const vb_text *t, size_t pos, size_t to)
{
    for (;;) {
        while (pos < to && (is_ws(t->text[pos]) || t->text[pos] == ','))
            pos++;
        if (pos + 4 <= to && memcmp(t->text + pos, "và", 3) == 0 && is_ws(t->text[pos + 3]))
            pos += 3;
        else if (pos + 3 <= to && memcmp(t->text + pos, "va", 2) == 0 && is_ws(t->text[pos + 2]))
            pos += 2;
        else
            return pos;
    }
}

/* The agencies listed from `from` on, canonical, once each, the lead excluded
 * (text rules, then the fold key where the text had none). A list ends at the
 * first thing that is not an agency: "phối hợp với Công an tỉnh tham mưu Ủy
 * ban nhân dân tỉnh" has one partner. */
static void add_agencies(vb_extract *ex, const vb_text *t, size_t from, size_t to, vb_task *k)
{
    for (int fold = 0; fold < 2; fold++) {
        size_t before = k->n_partners, pos = skip_joiners(t, from, to);
        vb_hit h;
        while (pos < to && vb_find_kind(ex, "agency", fold, t, pos, to, &h)) {
            size_t s, e;
            if (h.start > pos)
                break;
            pos = skip_joiners(t, h.end > pos ? h.end : pos + 1, to);
            if (!vb_hit_field(&h, "name", &s, &e))
                continue;
            char *name = vb_agency_name(ex, t, s, e);
            if (!name || (k->lead && strcmp(name, k->lead) == 0) ||
                strv_has(k->partners, k->n_partners, name))
                free(name);
            else
                vb_strv_push(&k->partners, &k->n_partners, name);
        }
        if (k->n_partners > before)
            break;
    }
}

static void add_partners(vb_extract *ex, const vb_text *t, size_t from, size_t to, vb_task *k)
{
    size_t pos = from;
    vb_hit h;
    while (pos < to && vb_find(ex, "task.partners", t, pos, to, &h)) {
        size_t s, e;
        pos = h.end > pos ? h.end : pos + 1;
        if (vb_hit_field(&h, "list", &s, &e))
            add_agencies(ex, t, s, e, k);
    }
}

/* ---- task text ---- */

/* Start of the list item or paragraph holding `off`: a line opening with
 * "1.", "1.2.", "-", "+", or following a blank line. */
static size_t item_start(const vb_text *t, const vb_lines *l, size_t off, size_t *text_start)
{
    size_t li = vb_lines_at(l, off);
    for (int k = 0; k < ITEM_BACK_LINES; k++) {
        const char *p = t->text + l->starts[li];
        size_t n = l->ends[li] - l->starts[li], i = 0;
        while (i < n && (p[i] == ' ' || p[i] == '\t'))
            i++;
        size_t j = i;
        while (j < n && ((p[j] >= '0' && p[j] <= '9') || p[j] == '.'))
            j++;
        /* "1.", "1.2." or, where OCR lost the dot, "2 " before a capital */
        int numbered =
            j > i && j < n && p[j] == ' ' &&
            (p[j - 1] == '.' ||
             (j - i <= 2 && j + 1 < n &&
              ((unsigned char)p[j + 1] >= 0xC3 || (p[j + 1] >= 'A' && p[j + 1] <= 'Z'))));
        int bullet = i < n && (p[i] == '-' || p[i] == '+');
        if (numbered || bullet) {
            size_t s = numbered ? j : i + 1;
            while (s < n && (p[s] == ' ' || p[s] == '\t'))
                s++;
            *text_start = l->starts[li] + s;
            return l->starts[li];
        }
        if (li == 0 || l->ends[li - 1] == l->starts[li - 1])
            break;
        li--;
    }
    *text_start = l->starts[li];
    return l->starts[li];
}

/* A start no further than `max` bytes before `at` (at a space when cut), so a
 * text without line breaks cannot make every task or target span all of it. */
static size_t clamp_back(const vb_text *t, size_t start, size_t at, size_t max)
{
    if (at - start <= max)
        return start;
    size_t s = at - max;
    while (s < at && !is_ws(t->text[s]))
        s++;
    return s;
}

/* Does a lower-case letter follow the white space after `at`? A sentence
 * begins with a capital or a number, so a full stop before one is a speck OCR
 * read as punctuation ("100% cán bộ. công chức ... được tuyên truyền"). */
static int lower_follows(const vb_text *t, size_t at)
{
    size_t i = at;
    while (i < t->len && t->text[i] != '\n' && is_ws(t->text[i]))
        i++;
    size_t j = i + 1;
    while (j < t->len && ((unsigned char)t->text[j] & 0xC0) == 0x80)
        j++;
    if (i == at || i >= t->len)
        return 0;
    int up, lo;
    vb_case_count(t->text + i, j - i, &up, &lo);
    return lo > 0;
}

/* End of the sentence from `from`: '.' or ';' before white space (a '.' not
 * before a lower-case word), or a blank line. */
static size_t sentence_end(const vb_text *t, size_t from)
{
    size_t lim = from + SENTENCE_MAX < t->len ? from + SENTENCE_MAX : t->len;
    for (size_t i = from; i < lim; i++) {
        char c = t->text[i];
        if (c == '.' && i + 1 < t->len && lower_follows(t, i + 1))
            continue;
        if ((c == '.' || c == ';') && (i + 1 == t->len || is_ws(t->text[i + 1])))
            return i;
        if (c == '\n' && i + 1 < t->len && t->text[i + 1] == '\n')
            return i;
    }
    return lim;
}

static size_t sentence_start(const vb_text *t, size_t at)
{
    size_t lim = at > SENTENCE_MAX ? at - SENTENCE_MAX : 0;
    for (size_t i = at; i > lim; i--) {
        char c = t->text[i - 1];
        if ((c == '.' || c == ';' || c == ':') && i < t->len && is_ws(t->text[i])) {
            /* "1." opening a list item is not the end of a sentence */
            if (c == '.' && i >= 2 && t->text[i - 2] >= '0' && t->text[i - 2] <= '9')
                continue;
            if (c == '.' && lower_follows(t, i))
                continue;
            return i;
        }
        if (c == '\n' && i >= 2 && t->text[i - 2] == '\n')
            return i;
    }
    return lim;
}

static size_t trim_end(const vb_text *t, size_t s, size_t e)
{
    while (e > s && (is_ws(t->text[e - 1]) || t->text[e - 1] == ',' || t->text[e - 1] == ';'))
        e--;
    return e;
}

static vb_task *task_add(vb_record *rec)
{
    if (rec->n_tasks >= VB_MAX_TASKS)
        return NULL;
    vb_task *v = realloc(rec->tasks, (rec->n_tasks + 1) * sizeof *v);
    if (!v)
        return NULL;
    rec->tasks = v;
    vb_task *k = &v[rec->n_tasks++];
    memset(k, 0, sizeof *k);
    return k;
}

/* A new task whose text is [s, e) and whose lead is the agency at [ls, le);
 * NULL when the record is full or memory runs out, as task_add. */
static vb_task *task_at(vb_extract *ex, const vb_text *t, vb_record *rec, size_t s, size_t e,
                        size_t ls, size_t le)
{
    vb_task *k = task_add(rec);
    if (!k)
        return NULL;
    k->text = vb_squeeze(t->text + s, e - s);
    k->lead = vb_agency_name(ex, t, ls, le);
    k->start = s;
    k->end = e;
    return k;
}

/* ---- the three shapes ---- */

#define BLOCK_MAX_LINES 60

static int line_blank(const vb_text *t, const vb_lines *l, size_t li)
{
    for (size_t i = l->starts[li]; i < l->ends[li]; i++)
        if (!is_ws(t->text[i]))
            return 0;
    return 1;
}

/* Start of the block ending on line `li` that a parenthesis standing alone
 * after it assigns: the paragraphs back to a numbered heading (the heading
 * itself when it is the block's only paragraph), an earlier parenthesis, or
 * text another task has. *text_start: after the numbering or bullet. */
static size_t block_before(const vb_text *t, const vb_lines *l, size_t li, const spans *taken,
                           size_t *text_start)
{
    size_t first = li, off;
    int paragraphs = 0;
    for (size_t k = li + 1, n = 0; k-- > 0 && n < BLOCK_MAX_LINES; n++) {
        if (line_blank(t, l, k)) {
            paragraphs = 1;
            continue;
        }
        const char *p = t->text + l->starts[k];
        size_t len = l->ends[k] - l->starts[k], i = 0;
        while (i < len && is_ws(p[i]))
            i++;
        if (spans_hit(taken, l->starts[k], l->ends[k]))
            break;
        int numbered = line_numbering(p, len, &off) > 0;
        if (numbered && paragraphs)
            break;
        if (p[i] == '(' && (k == 0 || line_blank(t, l, k - 1)) && k < li && paragraphs)
            break;
        first = k;
        if (numbered)
            break;
    }
    const char *p = t->text + l->starts[first];
    size_t len = l->ends[first] - l->starts[first], s = 0;
    if (!line_numbering(p, len, &s)) {
        while (s < len && (is_ws(p[s]) || p[s] == '-' || p[s] == '+'))
            s++;
    }
    *text_start = l->starts[first] + s;
    return l->starts[first];
}

static vb_status paren_tasks(vb_extract *ex, const vb_text *t, const vb_lines *l, vb_record *rec,
                             spans *taken)
{
    for (int fold = 0; fold < 2; fold++) {
        size_t pos = 0;
        vb_hit h;
        while (pos < t->len && vb_find_kind(ex, "task.paren", fold, t, pos, t->len, &h)) {
            pos = h.end > pos ? h.end : pos + 1;
            size_t ls, le, rs, re;
            if (spans_hit(taken, h.start, h.end) || !vb_hit_field(&h, "lead", &ls, &le))
                continue;
            size_t ts, is, at = h.start;
            /* a parenthesis alone in its paragraph assigns the block before it */
            size_t pl = vb_lines_at(l, h.start);
            int alone = trim_end(t, l->starts[pl], h.start) == l->starts[pl];
            if (alone) {
                while (pl > 0 && l->ends[pl - 1] == l->starts[pl - 1])
                    pl--;
                alone = pl > 0;
            }
            if (alone) {
                at = l->ends[pl - 1];
                is = block_before(t, l, pl - 1, taken, &ts);
            } else {
                is = clamp_back(t, item_start(t, l, at, &ts), at, SENTENCE_MAX);
                ts = clamp_back(t, ts, at, SENTENCE_MAX);
            }
            size_t te = trim_end(t, ts, at);
            vb_task *k = task_add(rec);
            if (!k)
                return rec->n_tasks >= VB_MAX_TASKS ? VB_OK : VB_ERR_NOMEM;
            k->text = vb_squeeze(t->text + ts, te > ts ? te - ts : 0);
            k->lead = vb_agency_name(ex, t, ls, le);
            k->start = is;
            k->end = h.end;
            if (vb_hit_field(&h, "rest", &rs, &re)) {
                add_partners(ex, t, rs, re, k);
                find_deadline(ex, t, rec, rs, re, &k->deadline);
            }
            /* none in the parenthesis: the first in the block */
            if (k->deadline.kind == VB_DEADLINE_NONE && te > ts)
                find_deadline(ex, t, rec, ts, te, &k->deadline);
            spans_add(taken, is, h.end);
        }
    }
    return VB_OK;
}

static vb_status assign_tasks(vb_extract *ex, const vb_text *t, vb_record *rec, spans *taken)
{
    for (int fold = 0; fold < 2; fold++) {
        size_t pos = 0;
        vb_hit h;
        while (pos < t->len && vb_find_kind(ex, "task.assign", fold, t, pos, t->len, &h)) {
            pos = h.end > pos ? h.end : pos + 1;
            size_t vs, ve, ls, le;
            if (!vb_hit_field(&h, "verb", &vs, &ve) || !vb_hit_field(&h, "lead", &ls, &le))
                continue;
            size_t end = sentence_end(t, le);
            if (spans_hit(taken, vs, end))
                continue;
            vb_task *k = task_at(ex, t, rec, vs, end, ls, le);
            if (!k)
                return rec->n_tasks >= VB_MAX_TASKS ? VB_OK : VB_ERR_NOMEM;
            add_partners(ex, t, le, end, k);
            find_deadline(ex, t, rec, le, end, &k->deadline);
            spans_add(taken, vs, end);
            pos = end > pos ? end : pos;
        }
    }
    return VB_OK;
}

/* ---- the part that assigns tasks, and articles of duties ---- */

/* Who leads the items of a block: the agency at [ls, le) of the text, or a
 * canonical name (a heading read through OCR damage); partners named with it
 * at [ms, me). */
typedef struct block_lead {
    size_t ls, le, ms, me;
    const char *canon;
    int level; /* 't': the heading ends in "tỉnh", 'p': "thành phố", 0 */
    int item;  /* the block of a numbered item, not of a heading */
} block_lead;

static void lead_from_hit(const vb_hit *h, block_lead *bl)
{
    memset(bl, 0, sizeof *bl);
    if (!vb_hit_field(h, "lead", &bl->ls, &bl->le))
        bl->ls = bl->le = 0;
    if (!vb_hit_field(h, "more", &bl->ms, &bl->me))
        bl->ms = bl->me = 0;
}

static int is_bullet(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    if (i < n && (p[i] == '-' || p[i] == '+'))
        return 1;
    return i + 2 < n && (memcmp(p + i, "–", 3) == 0 || memcmp(p + i, "•", 3) == 0);
}

/* Characters (not bytes) of [p, p+n) once trimmed. */
static size_t trimmed_chars(const char *p, size_t n, char *last)
{
    size_t i = 0, e = n, c = 0;
    while (i < e && is_ws(p[i]))
        i++;
    while (e > i && is_ws(p[e - 1]))
        e--;
    for (size_t k = i; k < e; k++)
        c += ((unsigned char)p[k] & 0xC0) != 0x80;
    *last = e > i ? p[e - 1] : 0;
    return c;
}

static int is_page_number(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && (is_ws(p[i]) || (p[i] >= '0' && p[i] <= '9')))
        i++;
    return i == n;
}

/* A line that carries no text of the part: a page number or a running head. */
static int line_furniture(vb_extract *ex, const vb_text *t, const vb_lines *l, size_t li)
{
    vb_hit h;
    const char *p = t->text + l->starts[li];
    size_t n = l->ends[li] - l->starts[li];
    return is_page_number(p, n) || vb_find(ex, "task.furniture", t, l->starts[li], l->ends[li], &h);
}

#define SCRAP_CHARS 20

/* A scrap a page edge or a stamp left in the text ("Dư L", "| YN", "E", a
 * lone "-"): a short line without a sentence end that opens a paragraph and
 * is followed by a blank line, the next item, or a page's first line (which
 * this OCR indents by a space). */
static int line_scrap(const vb_text *t, const vb_lines *l, size_t li, int blank_before)
{
    const char *p = t->text + l->starts[li];
    size_t n = l->ends[li] - l->starts[li], off;
    char last;
    size_t c = trimmed_chars(p, n, &last);
    if (!blank_before || c > SCRAP_CHARS || strchr(".;:", last) || line_numbering(p, n, &off))
        return 0;
    if (is_bullet(p, n) && c > 2)
        return 0;
    if (li + 1 >= l->n)
        return 1;
    const char *q = t->text + l->starts[li + 1];
    size_t m = l->ends[li + 1] - l->starts[li + 1];
    return m == 0 || is_page_number(q, m) || is_bullet(q, m) || line_numbering(q, m, &off) ||
           (m > 1 && q[0] == ' ' && q[1] != ' ');
}

static int starts_lower(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && is_ws(p[i]))
        i++;
    if (i >= n)
        return 0;
    unsigned char c = (unsigned char)p[i];
    if (c < 0x80)
        return c >= 'a' && c <= 'z';
    char *low = vb_case_lower(p + i, n - i < 4 ? n - i : 4);
    int r = low && strncmp(low, p + i, strlen(low) < n - i ? strlen(low) : n - i) == 0;
    free(low);
    return r;
}

/* The level a heading's last word gives the bodies it names ("Ủy ban Mặt trận
 * Tổ quốc Việt Nam và các tổ chức chính trị - xã hội tỉnh"). */
static int heading_level(const vb_text *t, size_t s, size_t e)
{
    while (e > s && (is_ws(t->text[e - 1]) || t->text[e - 1] == '|'))
        e--;
    static const char tinh[] = " tỉnh", tp[] = " thành phố";
    if (e - s >= sizeof tinh - 1 &&
        memcmp(t->text + e - (sizeof tinh - 1), tinh, sizeof tinh - 1) == 0)
        return 't';
    if (e - s >= sizeof tp - 1 && memcmp(t->text + e - (sizeof tp - 1), tp, sizeof tp - 1) == 0)
        return 'p';
    return 0;
}

/* The lead's canonical name; a name the lexicon has only with its level gets
 * the level the heading gives. */
static char *block_lead_name(vb_extract *ex, const vb_text *t, const block_lead *bl)
{
    if (bl->canon)
        return strdup(bl->canon);
    if (bl->le <= bl->ls)
        return NULL;
    if (bl->level && !vb_agency_canon(ex, t->text + bl->ls, bl->le - bl->ls)) {
        vb_buf b = {0};
        vb_buf_printf(&b, "%.*s %s", (int)(bl->le - bl->ls), t->text + bl->ls,
                      bl->level == 't' ? "tỉnh" : "thành phố");
        const char *c = b.data ? vb_agency_canon(ex, b.data, b.len) : NULL;
        free(b.data);
        if (c)
            return strdup(c);
    }
    return vb_agency_name(ex, t, bl->ls, bl->le);
}

/* The text of an item in [s, e), without the page numbers, running heads and
 * scraps a page break left in it; squeezed, malloc'd. */
static char *item_text(vb_extract *ex, const vb_text *t, const vb_lines *l, size_t s, size_t e)
{
    vb_buf b = {0};
    int blank_before = 0;
    for (size_t li = vb_lines_at(l, s); li < l->n && l->starts[li] < e; li++) {
        size_t ps = l->starts[li] > s ? l->starts[li] : s, pe = l->ends[li] < e ? l->ends[li] : e;
        if (line_blank(t, l, li)) {
            blank_before = 1;
            continue;
        }
        if (li > vb_lines_at(l, s) &&
            (line_furniture(ex, t, l, li) || line_scrap(t, l, li, blank_before))) {
            blank_before = 1;
            continue;
        }
        blank_before = 0;
        vb_buf_printf(&b, "%s%.*s", b.len ? " " : "", (int)(pe - ps), t->text + ps);
    }
    char *raw = vb_buf_steal(&b, NULL), *sq = raw ? vb_squeeze(raw, strlen(raw)) : NULL;
    free(raw);
    return sq;
}

/* An item of a block: a bullet, a numbered item or a paragraph. An item that
 * opens with "Giao X" is X's, and so is one opening with "Đề nghị X" below a
 * numbered item; below a heading it is the heading's body that asks X ("1.
 * Công an thị trấn ... - Đề nghị Giám đốc Công an tỉnh tặng giấy khen"). An
 * item that introduces a list (ends with ':') or is the closing clause
 * ("... chịu trách nhiệm thi hành Quyết định này") is no task. */
static vb_status part_item(vb_extract *ex, const vb_text *t, const vb_lines *l,
                           const block_lead *bl, size_t s, size_t e, vb_record *rec, spans *taken)
{
    size_t off;
    size_t li = vb_lines_at(l, s);
    if (l->starts[li] == s && line_numbering(t->text + s, l->ends[li] - s, &off))
        s += off;
    e = trim_end(t, s, e);
    while (s < e && (is_ws(t->text[s]) || t->text[s] == '-' || t->text[s] == '+'))
        s++;
    if (e <= s || spans_hit(taken, s, e) || t->text[e - 1] == ':')
        return VB_OK;
    vb_hit as;
    size_t vs, ve, ls, le;
    if (vb_find(ex, "task.not", t, s, e, &as))
        return VB_OK;
    int assigned = vb_find(ex, "task.assign", t, l->starts[vb_lines_at(l, s)], e, &as) &&
                   vb_hit_field(&as, "verb", &vs, &ve) && vs == s &&
                   vb_hit_field(&as, "lead", &ls, &le) &&
                   (bl->item || vb_find(ex, "task.give", t, vs, ve, &as));
    char *lead = assigned ? vb_agency_name(ex, t, ls, le) : block_lead_name(ex, t, bl);
    if (!lead)
        return VB_OK;
    vb_task *k = task_add(rec);
    if (!k) {
        free(lead);
        return rec->n_tasks >= VB_MAX_TASKS ? VB_OK : VB_ERR_NOMEM;
    }
    k->text = item_text(ex, t, l, s, e);
    k->lead = lead;
    k->start = s;
    k->end = e;
    if (!assigned && bl->me > bl->ms) {
        size_t ms = bl->ms; /* "Sở ...; Báo và Phát thanh, Truyền hình" */
        while (ms < bl->me && (is_ws(t->text[ms]) || t->text[ms] == ';'))
            ms++;
        add_agencies(ex, t, ms, bl->me, k);
    }
    add_partners(ex, t, s, e, k);
    find_deadline(ex, t, rec, s, e, &k->deadline);
    spans_add(taken, s, e);
    return VB_OK;
}

/* The items of a block [block, bend): bullets, numbered items, else
 * paragraphs. A paragraph runs on over a page break (page number, running
 * head, scrap) or a blank line when it has not ended and the next line goes
 * on in lower case. After the last heading of a part, a paragraph that
 * follows a blank line and is no bullet closes the part ("Trong quá trình
 * thực hiện ..."). `skip_first`: the first paragraph is a heading, not an
 * item. */
static vb_status block_items(vb_extract *ex, const vb_text *t, const vb_lines *l,
                             const block_lead *bl, size_t block, size_t bend, int last,
                             int skip_first, vb_record *rec, spans *taken)
{
    size_t li = vb_lines_at(l, block), item = block;
    int in_item = 0, blank_before = 0, items = 0, page_break = 0, skipping = skip_first;
    char last_ch = '.'; /* last character of the item's text so far */
    for (; li < l->n && l->starts[li] < bend; li++) {
        const char *p = t->text + l->starts[li];
        size_t n = l->ends[li] - l->starts[li], off;
        if (l->starts[li] && t->text[l->starts[li] - 1] == '\f')
            page_break = 1;
        if (trimmed_chars(p, n, &(char){0}) == 0) {
            blank_before = 1;
            continue;
        }
        if (line_furniture(ex, t, l, li) || line_scrap(t, l, li, blank_before)) {
            page_break = 1;
            blank_before = 1;
            continue;
        }
        int opens = is_bullet(p, n) || line_numbering(p, n, &off);
        int starts = opens || blank_before;
        /* a sentence that runs on over a page break or a stray blank line */
        if (in_item && starts && !opens && !strchr(".;:", last_ch) &&
            (page_break || starts_lower(p, n)))
            starts = 0;
        page_break = 0;
        char lc;
        trimmed_chars(p, n, &lc);
        if (starts && skipping && in_item) {
            skipping = 0;
            in_item = 0;
        }
        if (in_item && starts) {
            vb_status st = part_item(ex, t, l, bl, item, l->starts[li], rec, taken);
            if (st != VB_OK)
                return st;
            in_item = 0;
            items++;
        }
        if (!in_item) {
            if (last && blank_before && !opens && items)
                return VB_OK;
            item = l->starts[li];
            in_item = 1;
        }
        last_ch = lc;
        blank_before = 0;
    }
    if (in_item && !skipping) {
        size_t ie = li < l->n ? l->starts[li] : t->len;
        return part_item(ex, t, l, bl, item, ie < bend ? ie : bend, rec, taken);
    }
    return VB_OK;
}

/* ---- headings OCR broke ---- */

#define FUZZ_MAX 96

/* Code points of a fold key with only its letters and digits. */
static size_t fuzz_units(const char *s, size_t n, uint32_t *u)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < FUZZ_MAX;) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (i + len > n)
            break;
        cp = len == 1   ? c
             : len == 2 ? (uint32_t)(c & 0x1F) << 6 | (s[i + 1] & 0x3F)
             : len == 3
                 ? (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[i + 1] & 0x3F) << 6 | (s[i + 2] & 0x3F)
                 : '?';
        i += len;
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == 0xA2 /* ¢ */ ||
            cp == '@' || cp == '&' || cp == 0x20AC /* € */)
            u[k++] = cp;
    }
    return k;
}

/* Signs the English model reads for Vietnamese letters (DOMAIN.md: ô/ố/ộ -> 6,
 * ơ/ở -> 0, ệ -> ¢ or €, S -> 8, l <-> 1): substituting one for the other
 * costs half an edit. */
static int fuzz_alike(uint32_t a, uint32_t b)
{
    static const char *const pairs[] = {"s8", "s5", "o0", "o6", "o9", "a4", "a3",
                                        "e3", "l1", "i1", "g9", "oa", "ao"};
    if (a > b) {
        uint32_t x = a;
        a = b;
        b = x;
    }
    if (b == 0xA2 || b == 0x20AC || b == '@' || b == '&')
        return a == 'o' || a == 'e' || a == 'a';
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        uint32_t x = (unsigned char)pairs[i][0], y = (unsigned char)pairs[i][1];
        if ((a == x && b == y) || (a == y && b == x))
            return 1;
    }
    return 0;
}

/* Edit distance in half edits. */
static int fuzz_distance(const uint32_t *a, size_t n, const uint32_t *b, size_t m)
{
    int row[FUZZ_MAX + 1];
    for (size_t j = 0; j <= m; j++)
        row[j] = 2 * (int)j;
    for (size_t i = 1; i <= n; i++) {
        int diag = row[0];
        row[0] = 2 * (int)i;
        for (size_t j = 1; j <= m; j++) {
            int sub = a[i - 1] == b[j - 1] ? 0 : fuzz_alike(a[i - 1], b[j - 1]) ? 1 : 2;
            int v = diag + sub;
            if (row[j] + 2 < v)
                v = row[j] + 2;
            if (row[j - 1] + 2 < v)
                v = row[j - 1] + 2;
            diag = row[j];
            row[j] = v;
        }
    }
    return row[m];
}

/* The agency a broken heading names: the lexicon name nearest to the line (at
 * most one edit in six), or to the rest of the line after a broken "Sở"/"Bộ"
 * (one in five of the rest); NULL unless one name is nearest. */
static const char *heading_fuzzy(vb_extract *ex, const vb_text *t, const vb_hit *h)
{
    size_t s, e, ns, ne;
    if (!vb_hit_field(h, "line", &s, &e) || !vb_hit_field(h, "name", &ns, &ne))
        return NULL;
    const char *head = NULL;
    size_t hs, he;
    if (vb_hit_field(h, "so", &hs, &he))
        head = "so ";
    else if (vb_hit_field(h, "bo", &hs, &he))
        head = "bo ";
    char *lf = vb_fold_str(t->text + s, e - s), *nf = vb_fold_str(t->text + ns, ne - ns);
    uint32_t lu[FUZZ_MAX], nu[FUZZ_MAX], ku[FUZZ_MAX];
    size_t ln = lf ? fuzz_units(lf, strlen(lf), lu) : 0,
           nn = nf ? fuzz_units(nf, strlen(nf), nu) : 0;
    free(lf);
    free(nf);
    size_t nk;
    const vb_agency_key *keys = vb_agency_keys(ex, &nk);
    const char *best = NULL;
    int best_score = 1 << 30, tie = 0;
    for (size_t i = 0; i < nk; i++) {
        if (!keys[i].fold)
            continue;
        /* scores in half edits per 60 units of the name, so both paths compare */
        int score = 1 << 30;
        size_t kn = fuzz_units(keys[i].fold, strlen(keys[i].fold), ku);
        if (kn >= 6 && ln && (ln > kn ? ln - kn : kn - ln) <= kn / 6) {
            int d = fuzz_distance(lu, ln, ku, kn);
            if (d * 6 <= 2 * (int)kn)
                score = d * 60 / (int)kn;
        }
        if (head && nn && strncmp(keys[i].fold, head, 3) == 0) {
            size_t tn = fuzz_units(keys[i].fold + 3, strlen(keys[i].fold + 3), ku);
            if (tn >= 3 && (nn > tn ? nn - tn : tn - nn) <= tn / 5) {
                int d = fuzz_distance(nu, nn, ku, tn);
                if (d * 5 <= 2 * (int)tn && d * 60 / (int)tn < score)
                    score = d * 60 / (int)tn;
            }
        }
        if (score == 1 << 30)
            continue;
        if (score < best_score) {
            best_score = score;
            best = keys[i].canon;
            tie = 0;
        } else if (score == best_score && strcmp(best, keys[i].canon) != 0) {
            tie = 1;
        }
    }
    return tie ? NULL : best;
}

/* ---- the part ---- */

enum { MARK_HEADING, MARK_ITEM, MARK_OTHER };

typedef struct marker {
    size_t li;   /* first line */
    size_t body; /* where its block starts */
    int kind, depth, heading_like;
    block_lead lead;
} marker;

/* A numbered item's first paragraph that reads as a heading: at most two
 * lines, no sentence end, followed by a blank line. */
static int paragraph_is_heading(const vb_text *t, const vb_lines *l, size_t li, size_t *next)
{
    for (size_t k = li; k < l->n && k < li + 3; k++) {
        const char *p = t->text + l->starts[k];
        size_t n = l->ends[k] - l->starts[k];
        char last;
        if (trimmed_chars(p, n, &last) == 0) {
            *next = l->starts[k];
            return k > li;
        }
        if (strchr(".;:", last) || k == li + 2)
            return 0;
    }
    return 0;
}

static int classify_line(vb_extract *ex, const vb_text *t, const vb_lines *l, size_t li, size_t end,
                         marker *m)
{
    const char *p = t->text + l->starts[li];
    size_t n = l->ends[li] - l->starts[li], off;
    memset(m, 0, sizeof *m);
    m->depth = line_numbering(p, n, &off);
    if (!m->depth)
        return 0;
    m->li = li;
    m->kind = MARK_OTHER;
    /* a heading may take two lines */
    size_t hend = li + 1 < l->n && l->starts[li + 1] < end ? l->ends[li + 1] : l->ends[li];
    vb_hit h;
    static const char *const heads[] = {"task.heading", "task.dutyhead"};
    for (size_t k = 0; k < 2; k++)
        if (vb_find(ex, heads[k], t, l->starts[li], hend, &h) && h.start < l->ends[li]) {
            m->kind = MARK_HEADING;
            lead_from_hit(&h, &m->lead);
            size_t hl = vb_lines_at(l, h.end > h.start ? h.end - 1 : h.start);
            m->body = hl + 1 < l->n ? l->starts[hl + 1] : t->len;
            return 1;
        }
    if (vb_find(ex, "task.item", t, l->starts[li], l->ends[li], &h)) {
        m->kind = MARK_ITEM;
        lead_from_hit(&h, &m->lead);
        m->lead.item = 1;
        m->body = l->starts[li];
        size_t next;
        if (paragraph_is_heading(t, l, li, &next)) {
            m->heading_like = 1;
            m->lead.level = heading_level(t, l->starts[li], next);
        }
        return 1;
    }
    if (vb_find(ex, "task.brokenhead", t, l->starts[li], l->ends[li], &h)) {
        const char *c = heading_fuzzy(ex, t, &h);
        if (c) {
            m->kind = MARK_HEADING;
            m->lead.canon = c;
            m->body = li + 1 < l->n ? l->starts[li + 1] : t->len;
        }
    }
    return 1;
}

static vb_status part_body(vb_extract *ex, const vb_text *t, const vb_lines *l, size_t from,
                           size_t end, vb_record *rec, spans *taken)
{
    marker *ms = NULL;
    size_t n = 0, cap = 0;
    vb_status st = VB_OK;
    for (size_t li = vb_lines_at(l, from); li < l->n && l->starts[li] < end; li++) {
        marker m;
        if (!classify_line(ex, t, l, li, end, &m))
            continue;
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 16;
            marker *nm = realloc(ms, nc * sizeof *nm);
            if (!nm) {
                free(ms);
                return VB_ERR_NOMEM;
            }
            ms = nm;
            cap = nc;
        }
        ms[n++] = m;
        if (m.kind == MARK_HEADING && m.body > l->ends[li]) /* a two-line heading */
            li++;
    }
    for (size_t i = 0; i < n && st == VB_OK; i++) {
        if (ms[i].kind == MARK_OTHER)
            continue;
        size_t bend = end, j;
        int last = 1;
        for (j = i + 1; j < n; j++)
            if (ms[j].kind != MARK_OTHER || ms[j].depth <= ms[i].depth)
                break;
        if (j < n)
            bend = l->starts[ms[j].li];
        for (size_t k = j; k < n; k++)
            last = last && ms[k].kind == MARK_OTHER;
        if (ms[i].kind == MARK_HEADING)
            spans_add(taken, l->starts[ms[i].li], ms[i].body);
        else if (ms[i].heading_like)
            spans_add(taken, l->starts[ms[i].li], l->ends[ms[i].li]);
        st = block_items(ex, t, l, &ms[i].lead, ms[i].body, bend, last, ms[i].heading_like, rec,
                         taken);
    }
    free(ms);
    return st;
}

static vb_status part_tasks(vb_extract *ex, const vb_text *t, const vb_lines *l, vb_record *rec,
                            spans *taken)
{
    size_t pos = 0;
    vb_hit part, h;
    while (pos < t->len && vb_find(ex, "task.part", t, pos, t->len, &part)) {
        size_t pl = vb_lines_at(l, part.end > part.start ? part.end - 1 : part.start);
        size_t from = pl + 1 < l->n ? l->starts[pl + 1] : t->len;
        /* the part ends at the next part, the recipients or the end of the text */
        size_t end = t->len;
        if (vb_find(ex, "recipients.start", t, from, t->len, &h))
            end = h.start;
        if (vb_find(ex, "task.partend", t, from, end, &h))
            end = h.start;
        vb_status st = part_body(ex, t, l, from, end, rec, taken);
        if (st != VB_OK)
            return st;
        pos = end > part.end ? end : part.end;
    }
    return VB_OK;
}

/* "Điều 2. Nhiệm vụ, quyền hạn của Tổ công tác ...": its numbered items. */
static vb_status duty_tasks(vb_extract *ex, const vb_text *t, const vb_lines *l, vb_record *rec,
                            spans *taken)
{
    size_t pos = 0;
    vb_hit head, next;
    while (pos < t->len && vb_find(ex, "task.duties", t, pos, t->len, &head)) {
        size_t il = vb_lines_at(l, head.end);
        size_t after = il + 1 < l->n ? l->starts[il + 1] : t->len;
        /* the article ends at the next one, a chapter or section, the signature */
        size_t end = vb_find(ex, "task.partend", t, after, t->len, &next) ? next.start : t->len;
        vb_hit rh;
        if (vb_find(ex, "recipients.start", t, after, end, &rh))
            end = rh.start;
        spans_add(taken, head.start, head.end);
        block_lead bl;
        lead_from_hit(&head, &bl);
        vb_status st = block_items(ex, t, l, &bl, after, end, 0, 0, rec, taken);
        if (st != VB_OK)
            return st;
        pos = end > head.end ? end : head.end;
    }
    return VB_OK;
}

static int cmp_task(const void *a, const void *b)
{
    const vb_task *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

vb_status vb_tasks_extract(vb_extract *ex, const vb_text *t, const vb_lines *l, vb_record *rec)
{
    spans taken = {0};
    vb_status st = paren_tasks(ex, t, l, rec, &taken);
    if (st == VB_OK)
        st = part_tasks(ex, t, l, rec, &taken);
    if (st == VB_OK)
        st = duty_tasks(ex, t, l, rec, &taken);
    if (st == VB_OK)
        st = assign_tasks(ex, t, rec, &taken);
    spans_free(&taken);
    if (st == VB_OK && rec->n_tasks >= VB_MAX_TASKS)
        st = vb_warn(rec, "tasks: more than %d, the rest skipped", VB_MAX_TASKS);
    if (rec->n_tasks)
        qsort(rec->tasks, rec->n_tasks, sizeof *rec->tasks, cmp_task);
    return st;
}

/* ---- targets ---- */

static vb_comparator comparator(const char *pre, const char *post)
{
    if (post)
        return strncmp(post, "trở lên", strlen("trở lên")) == 0 ? VB_CMP_AT_LEAST : VB_CMP_AT_MOST;
    if (!pre)
        return VB_CMP_EXACTLY;
    char *f = vb_fold_str(pre, strlen(pre));
    vb_comparator c = VB_CMP_EXACTLY;
    if (!f)
        return c;
    if (!strncmp(f, "it nh", 5) || !strncmp(f, "toi thi", 7) || !strcmp(f, "tu"))
        c = VB_CMP_AT_LEAST;
    else if (!strcmp(f, "tren") || !strcmp(f, "hon"))
        c = VB_CMP_ABOVE;
    else if (!strcmp(f, "duoi"))
        c = VB_CMP_BELOW;
    else if (!strcmp(f, "khong qua") || !strcmp(f, "toi da"))
        c = VB_CMP_AT_MOST;
    free(f);
    return c;
}

/* Subject words: trailing connectives and punctuation dropped. */
static char *subject_clean(char *s)
{
    if (!s)
        return NULL;
    static const char *tails[] = {" và", " có", " hoặc", ",", " các"};
    int changed = 1;
    while (changed) {
        changed = 0;
        size_t n = strlen(s);
        while (n && (s[n - 1] == ' ' || s[n - 1] == ','))
            s[--n] = '\0', changed = 1;
        for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
            size_t tl = strlen(tails[i]);
            if (n > tl && strcmp(s + n - tl, tails[i]) == 0) {
                s[n - tl] = '\0';
                changed = 1;
                break;
            }
        }
    }
    if (!*s) {
        free(s);
        return NULL;
    }
    return s;
}

/* "có từ 90% khu dân cư, 85% xã, phường": a value listed right after another
 * shares its comparator. */
static vb_status add_target(vb_extract *ex, const vb_text *t, const vb_hit *h, vb_record *rec,
                            size_t prev_end)
{
    char *value = vb_hit_dup(h, t, "value");
    char *repaired = value ? vb_digits_repair(ex, value, 1) : NULL;
    if (repaired) {
        vb_warn(rec, "targets: count '%s' read as %s", value, repaired);
        free(value);
        value = repaired;
    }
    if (!value || value[0] < '0' || value[0] > '9') {
        free(value); /* a number OCR garbled is no value */
        return VB_OK;
    }
    for (char *p = value; *p; p++)
        if (*p == ',')
            *p = '.';
    char *pre = vb_hit_dup(h, t, "cmp"), *post = vb_hit_dup(h, t, "post");
    char *unit = vb_hit_dup(h, t, "unit");
    vb_target *v = realloc(rec->targets, (rec->n_targets + 1) * sizeof *v);
    if (!v) {
        free(value), free(pre), free(post), free(unit);
        return VB_ERR_NOMEM;
    }
    rec->targets = v;
    vb_target *g = &v[rec->n_targets++];
    memset(g, 0, sizeof *g);
    g->value = strtod(value, NULL);
    g->unit = unit ? unit : strdup("%");
    g->comparator = comparator(pre, post);
    if (!pre && !post && rec->n_targets > 1 && skip_joiners(t, prev_end, h->start) == h->start)
        g->comparator = rec->targets[rec->n_targets - 2].comparator;
    g->subject = subject_clean(vb_hit_dup(h, t, "subject"));
    if (unit && g->subject) {
        /* "01 mô hình tự quản": the subject reads with its unit */
        vb_buf b = {0};
        vb_buf_printf(&b, "%s %s", unit, g->subject);
        free(g->subject);
        g->subject = vb_buf_steal(&b, NULL);
    } else if (unit) {
        g->subject = strdup(unit);
    }
    size_t ss = sentence_start(t, h->start), se = sentence_end(t, h->end);
    while (ss < se && is_ws(t->text[ss]))
        ss++;
    g->sentence = vb_squeeze(t->text + ss, se - ss);
    vb_hit y;
    if (vb_find(ex, "target.year", t, ss, se, &y)) {
        char *ys = vb_hit_dup(&y, t, "y");
        g->by_year = ys ? atoi(ys) : 0;
        free(ys);
    }
    g->recurring = vb_find(ex, "deadline.recurring", t, ss, se, &y);
    free(value), free(pre), free(post);
    return VB_OK;
}

vb_status vb_targets_extract(vb_extract *ex, const vb_text *t, const vb_lines *l, vb_record *rec)
{
    static const char *families[] = {"target.percent", "target.count"};
    spans seen = {0};
    size_t prev_end = 0;
    for (size_t f = 0; f < 2; f++) {
        for (int fold = 0; fold < 2; fold++) {
            size_t pos = 0;
            vb_hit h;
            while (pos < t->len && vb_find_kind(ex, families[f], fold, t, pos, t->len, &h)) {
                size_t vs, ve;
                pos = h.end > pos ? h.end : pos + 1;
                if (rec->n_targets >= VB_MAX_TARGETS) {
                    spans_free(&seen);
                    return vb_warn(rec, "targets: more than %d, the rest skipped", VB_MAX_TARGETS);
                }
                if (!vb_hit_field(&h, "value", &vs, &ve) || spans_hit(&seen, vs, ve))
                    continue;
                /* the cue may open the item: "Phấn đấu ... 85% ...; 100% ..." */
                vb_hit cue;
                size_t ts, ss = item_start(t, l, h.start, &ts), se = sentence_end(t, h.end);
                ss = clamp_back(t, ss, h.start, SENTENCE_MAX);
                if (!vb_find(ex, "target.cue", t, ss, se, &cue))
                    continue;
                spans_add(&seen, vs, ve);
                vb_status st = add_target(ex, t, &h, rec, prev_end);
                prev_end = h.end;
                if (st != VB_OK) {
                    spans_free(&seen);
                    return st;
                }
                /* the subject of one value may hold the next: "90% khu dân cư, 85% xã" */
                pos = ve;
            }
        }
    }
    spans_free(&seen);
    return VB_OK;
}
