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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The first kind (in order of precision) that occurs in [from, to). A date
 * "before" without a year is kept only when nothing better is there. */
static void find_deadline(vb_extract *ex, const vb_text *t, size_t from, size_t to, vb_deadline *dl)
{
    memset(dl, 0, sizeof *dl);
    vb_hit weak;
    int have_weak = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        vb_hit h;
        if (!vb_find(ex, kinds[k].family, t, from, to, &h))
            continue;
        size_t s, e;
        if (kinds[k].kind == VB_DEADLINE_BEFORE && !vb_hit_field(&h, "y", &s, &e)) {
            weak = h;
            have_weak = 1;
            continue;
        }
        deadline_fill(ex, t, kinds[k].kind, &h, dl);
        return;
    }
    if (have_weak)
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
            size_t ts;
            size_t is = clamp_back(t, item_start(t, l, h.start, &ts), h.start, SENTENCE_MAX);
            ts = clamp_back(t, ts, h.start, SENTENCE_MAX);
            size_t te = trim_end(t, ts, h.start);
            vb_task *k = task_add(rec);
            if (!k)
                return rec->n_tasks >= VB_MAX_TASKS ? VB_OK : VB_ERR_NOMEM;
            k->text = vb_squeeze(t->text + ts, te > ts ? te - ts : 0);
            k->lead = vb_agency_name(ex, t, ls, le);
            k->start = is;
            k->end = h.end;
            if (vb_hit_field(&h, "rest", &rs, &re)) {
                add_partners(ex, t, rs, re, k);
                find_deadline(ex, t, rs, re, &k->deadline);
            }
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
            find_deadline(ex, t, le, end, &k->deadline);
            spans_add(taken, vs, end);
            pos = end > pos ? end : pos;
        }
    }
    return VB_OK;
}

/* An item below an agency heading: a bullet, or a paragraph. */
static vb_status part_item(vb_extract *ex, const vb_text *t, const vb_hit *head, size_t s, size_t e,
                           vb_record *rec, spans *taken)
{
    size_t ls, le, ms, me;
    e = trim_end(t, s, e);
    while (s < e && (is_ws(t->text[s]) || t->text[s] == '-' || t->text[s] == '+'))
        s++;
    if (e <= s || spans_hit(taken, s, e) || !vb_hit_field(head, "lead", &ls, &le))
        return VB_OK;
    vb_task *k = task_at(ex, t, rec, s, e, ls, le);
    if (!k)
        return rec->n_tasks >= VB_MAX_TASKS ? VB_OK : VB_ERR_NOMEM;
    if (vb_hit_field(head, "more", &ms, &me) && me > ms)
        add_agencies(ex, t, ms, me, k);
    add_partners(ex, t, s, e, k);
    find_deadline(ex, t, s, e, &k->deadline);
    spans_add(taken, s, e);
    return VB_OK;
}

static int is_page_number(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && (is_ws(p[i]) || (p[i] >= '0' && p[i] <= '9')))
        i++;
    return i == n;
}

/* The items below a heading: bullets, else paragraphs. After the last heading a
 * paragraph that follows a blank line and is no bullet closes the part ("Trong
 * quá trình thực hiện ..."). */
static vb_status heading_block(vb_extract *ex, const vb_text *t, const vb_lines *l,
                               const vb_hit *head, size_t block, size_t bend, int last,
                               vb_record *rec, spans *taken)
{
    size_t li = vb_lines_at(l, block), item = block;
    int in_item = 0, blank_before = 0, items = 0, page_break = 0;
    char last_ch = '.'; /* last character of the previous text line */
    for (; li < l->n && l->starts[li] < bend; li++) {
        const char *p = t->text + l->starts[li];
        size_t n = l->ends[li] - l->starts[li], i = 0;
        while (i < n && (p[i] == ' ' || p[i] == '\t'))
            i++;
        if (i == n || is_page_number(p, n)) {
            blank_before = blank_before || i == n;
            page_break =
                page_break || i < n || (l->starts[li] && t->text[l->starts[li] - 1] == '\f');
            continue;
        }
        int bullet = p[i] == '-' || p[i] == '+';
        /* a sentence that runs on over a page break is one item */
        if (in_item && blank_before && page_break && !bullet && !strchr(".;:", last_ch))
            blank_before = 0;
        page_break = 0;
        size_t e = n;
        while (e > i && (p[e - 1] == ' ' || p[e - 1] == '\t' || p[e - 1] == '\r'))
            e--;
        last_ch = e > i ? p[e - 1] : last_ch;
        if (in_item && (bullet || blank_before)) {
            vb_status st = part_item(ex, t, head, item, l->starts[li], rec, taken);
            if (st != VB_OK)
                return st;
            in_item = 0;
            items++;
        }
        if (!in_item) {
            if (last && blank_before && !bullet && items)
                return VB_OK;
            item = l->starts[li];
            in_item = 1;
        }
        blank_before = 0;
    }
    if (in_item) {
        size_t ie = li < l->n ? l->starts[li] : t->len;
        return part_item(ex, t, head, item, ie < bend ? ie : bend, rec, taken);
    }
    return VB_OK;
}

/* End of the paragraph holding `from`: a blank line, or `lim`. */
static size_t paragraph_end(const vb_text *t, const vb_lines *l, size_t from, size_t lim)
{
    size_t li = vb_lines_at(l, from) + 1;
    for (; li < l->n && l->starts[li] < lim; li++)
        if (l->ends[li] == l->starts[li] ||
            is_page_number(t->text + l->starts[li], l->ends[li] - l->starts[li]))
            return l->starts[li];
    return lim;
}

static vb_status part_tasks(vb_extract *ex, const vb_text *t, const vb_lines *l, vb_record *rec,
                            spans *taken)
{
    vb_hit part, h;
    if (!vb_find(ex, "task.part", t, 0, t->len, &part))
        return VB_OK;
    /* the part ends at the recipients or the end of the text */
    size_t end = t->len;
    if (vb_find(ex, "recipients.start", t, part.end, t->len, &h))
        end = h.start;
    vb_hit item;
    int have = vb_find(ex, "task.item", t, part.end, end, &item);
    while (have) {
        size_t il = vb_lines_at(l, item.start);
        size_t after = il + 1 < l->n ? l->starts[il + 1] : t->len;
        vb_hit next, head;
        int more = vb_find(ex, "task.item", t, after, end, &next);
        size_t nstart = more ? next.start : end;
        vb_status st;
        if (vb_find(ex, "task.heading", t, l->starts[il], l->ends[il], &head)) {
            spans_add(taken, head.start, head.end);
            st = heading_block(ex, t, l, &head, after, nstart, !more, rec, taken);
        } else {
            /* "1. Các sở, ban, ngành cấp tỉnh căn cứ ...": the item is the task */
            size_t ts;
            item_start(t, l, item.start, &ts);
            st = part_item(ex, t, &item, ts, paragraph_end(t, l, item.start, nstart), rec, taken);
        }
        if (st != VB_OK)
            return st;
        item = next;
        have = more;
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
        size_t end = vb_find(ex, "task.article", t, after, t->len, &next) ? next.start : t->len;
        vb_hit rh;
        if (vb_find(ex, "recipients.start", t, after, end, &rh))
            end = rh.start;
        spans_add(taken, head.start, head.end);
        vb_status st = heading_block(ex, t, l, &head, after, end, 0, rec, taken);
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
