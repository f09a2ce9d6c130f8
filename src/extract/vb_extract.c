/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The extract handle: loads the rules once, runs each part of the record
 * (header, references, tasks, targets) over a normalised text, and the helpers
 * those parts share (lines, rule families, ICU case, lexicon look-ups, symbol
 * canonicalisation).
 */
#include "vb_extract_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

const char *vb_rules_default_dir(void)
{
    return VANBAN_DATA_DIR "/rules";
}

vb_status vb_extract_create(vb_extract **out, const vb_extract_opts *opts, vb_error *err)
{
    *out = NULL;
    vb_extract *ex = calloc(1, sizeof *ex);
    if (!ex)
        return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    const char *dir = opts && opts->rules_dir ? opts->rules_dir : vb_rules_default_dir();
    ex->diag = opts ? opts->diag : NULL;
    ex->user = opts ? opts->user : NULL;
    vb_status st = vb_ruleset_load(&ex->rs, dir, 0, ex->diag, ex->user, NULL, NULL, err);
    if (st != VB_OK) {
        free(ex);
        return st;
    }
    *out = ex;
    return VB_OK;
}

void vb_extract_destroy(vb_extract **ex)
{
    if (!ex || !*ex)
        return;
    for (size_t i = 0; i < (*ex)->n_agencies; i++)
        free((*ex)->agencies[i].fold);
    free((*ex)->agencies);
    vb_ruleset_free(&(*ex)->rs);
    free(*ex);
    *ex = NULL;
}

vb_status vb_rules_check(const char *rules_dir, vb_diag_fn diag, void *user, int *n_ok, int *n_bad,
                         vb_error *err)
{
    vb_ruleset *rs = NULL;
    int ok = 0, bad = 0;
    const char *dir = rules_dir ? rules_dir : vb_rules_default_dir();
    vb_status st = vb_ruleset_load(&rs, dir, 1, diag, user, &ok, &bad, err);
    if (!rs) {
        if (n_ok)
            *n_ok = 0;
        if (n_bad)
            *n_bad = 0;
        return st;
    }
    vb_ruleset_check(rs, diag, user, &ok, &bad);
    int errors = vb_ruleset_errors(rs);
    vb_ruleset_free(&rs);
    if (n_ok)
        *n_ok = ok;
    if (n_bad)
        *n_bad = bad;
    if (errors) {
        vb_error_at(err, dir, 0, 0);
        return vb_error_set(err, VB_ERR_RULES, "%d error%s in the rules (%d rule%s good, %d bad)",
                            errors, errors == 1 ? "" : "s", ok, ok == 1 ? "" : "s", bad);
    }
    return VB_OK;
}

/* ---- record ---- */

static void strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

vb_status vb_strv_push(char ***v, size_t *n, char *s)
{
    if (!s)
        return VB_ERR_NOMEM;
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv) {
        free(s);
        return VB_ERR_NOMEM;
    }
    nv[(*n)++] = s;
    *v = nv;
    return VB_OK;
}

vb_status vb_warn(vb_record *rec, const char *fmt, ...)
{
    vb_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    vb_buf_puts(&b, tmp);
    return vb_strv_push(&rec->warnings, &rec->n_warnings, vb_buf_steal(&b, NULL));
}

static void mention_free(vb_mention *m)
{
    free(m->text);
}

void vb_record_free(vb_record *rec)
{
    if (!rec)
        return;
    vb_document *d = &rec->doc;
    free(d->type);
    free(d->type_name);
    free(d->number);
    free(d->symbol);
    free(d->issuer);
    free(d->place);
    free(d->date);
    free(d->title);
    free(d->signer.authority);
    free(d->signer.title);
    free(d->signer.name);
    strv_free(d->recipients, d->n_recipients);
    strv_free(rec->warnings, rec->n_warnings);
    for (size_t i = 0; i < rec->n_references; i++) {
        vb_reference *r = &rec->references[i];
        free(r->symbol);
        free(r->type);
        free(r->type_name);
        free(r->number);
        free(r->date);
        free(r->issuer);
        free(r->title);
        for (size_t j = 0; j < r->n_mentions; j++)
            mention_free(&r->mentions[j]);
        free(r->mentions);
    }
    free(rec->references);
    for (size_t i = 0; i < rec->n_tasks; i++) {
        vb_task *k = &rec->tasks[i];
        free(k->text);
        free(k->lead);
        strv_free(k->partners, k->n_partners);
        free(k->deadline.start);
        free(k->deadline.end);
        free(k->deadline.text);
    }
    free(rec->tasks);
    for (size_t i = 0; i < rec->n_targets; i++) {
        vb_target *g = &rec->targets[i];
        free(g->unit);
        free(g->subject);
        free(g->sentence);
    }
    free(rec->targets);
    memset(rec, 0, sizeof *rec);
}

/* ---- lines ---- */

int vb_lines_split(const vb_text *t, vb_lines *l)
{
    size_t n = 1;
    for (size_t i = 0; i < t->len; i++)
        n += t->text[i] == '\n' || t->text[i] == '\f';
    l->starts = malloc(n * sizeof *l->starts);
    l->ends = malloc(n * sizeof *l->ends);
    if (!l->starts || !l->ends) {
        free(l->starts);
        free(l->ends);
        return -1;
    }
    size_t k = 0, s = 0;
    for (size_t i = 0; i <= t->len; i++) {
        if (i == t->len || t->text[i] == '\n' || t->text[i] == '\f') {
            l->starts[k] = s;
            l->ends[k] = i;
            k++;
            s = i + 1;
        }
    }
    l->n = k;
    return 0;
}

void vb_lines_free(vb_lines *l)
{
    free(l->starts);
    free(l->ends);
    memset(l, 0, sizeof *l);
}

size_t vb_lines_at(const vb_lines *l, size_t off)
{
    size_t lo = 0, hi = l->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* ---- rule families ---- */

static void note_limit(vb_extract *ex, const vb_rule *r)
{
    ex->limit_hits++;
    if (!ex->diag)
        return;
    vb_error e;
    vb_error_clear(&e);
    vb_error_set(&e, VB_ERR_LIMIT, "rule '%s': match limit exceeded, rule skipped", vb_rule_id(r));
    ex->diag(ex->user, &e);
}

static vb_rule *const *family_rules(vb_extract *ex, const char *family, size_t *n)
{
    for (size_t i = 0; i < ex->n_families; i++)
        if (ex->families[i].family == family) {
            *n = ex->families[i].n;
            return ex->families[i].rules;
        }
    if (ex->n_families == VB_FAMILY_CACHE) {
        *n = 0;
        return NULL; /* more families than the code has names: a bug */
    }
    vb_family_cache *c = &ex->families[ex->n_families++];
    c->family = family;
    c->n = vb_ruleset_family(ex->rs, family, c->rules, VB_FAMILY_MAX);
    *n = c->n;
    return c->rules;
}

int vb_find_kind(vb_extract *ex, const char *family, int fold, const vb_text *t, size_t from,
                 size_t to, vb_hit *hit)
{
    size_t n;
    vb_rule *const *rules = family_rules(ex, family, &n);
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        if (vb_rule_on_fold(rules[i]) != fold)
            continue;
        vb_hit h;
        /* Earlier matches win; a later rule only needs to look before the best. */
        size_t lim = found ? hit->start + 1 : to;
        int m = vb_rule_find(rules[i], ex->rs, t, from, lim, &h);
        if (m == VB_MATCH_LIMIT)
            note_limit(ex, rules[i]);
        if (m == VB_MATCH_FOUND && (!found || h.start < hit->start)) {
            *hit = h;
            found = 1;
        }
    }
    return found;
}

int vb_find(vb_extract *ex, const char *family, const vb_text *t, size_t from, size_t to,
            vb_hit *hit)
{
    return vb_find_kind(ex, family, 0, t, from, to, hit) ||
           vb_find_kind(ex, family, 1, t, from, to, hit);
}

int vb_find_str(vb_extract *ex, const char *family, const char *s, size_t len, vb_hit *hit)
{
    vb_text t = {0};
    t.text = (char *)s;
    t.len = len;
    size_t *map = NULL;
    vb_error e;
    int found = 0;
    if (vb_find_kind(ex, family, 0, &t, 0, len, hit))
        return 1;
    if (vb_fold(s, len, &t.fold, &t.fold_len, &map, &e) != VB_OK)
        return 0;
    t.fold_map = malloc((t.fold_len + 1) * sizeof *t.fold_map);
    if (t.fold_map) {
        memcpy(t.fold_map, map, t.fold_len * sizeof *map);
        t.fold_map[t.fold_len] = len;
        found = vb_find_kind(ex, family, 1, &t, 0, len, hit);
    }
    free(map);
    free(t.fold);
    free(t.fold_map);
    return found;
}

char *vb_hit_dup(const vb_hit *h, const vb_text *t, const char *field)
{
    size_t s, e;
    if (!vb_hit_field(h, field, &s, &e) || e <= s)
        return NULL;
    return vb_squeeze(t->text + s, e - s);
}

/* ---- text helpers ---- */

char *vb_squeeze(const char *s, size_t len)
{
    vb_buf b = {0};
    int space = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            space = b.len > 0;
            continue;
        }
        if (space)
            vb_buf_putc(&b, ' ');
        space = 0;
        vb_buf_putc(&b, c);
    }
    return vb_buf_steal(&b, NULL);
}

char *vb_fold_str(const char *s, size_t len)
{
    char *out = NULL;
    size_t ol;
    vb_error e;
    if (vb_fold(s, len, &out, &ol, NULL, &e) != VB_OK)
        return NULL;
    return out;
}

/* ---- ICU case ---- */

typedef int32_t (*case_fn)(UChar *, int32_t, const UChar *, int32_t, const char *, UErrorCode *);

static int32_t to_title(UChar *d, int32_t cap, const UChar *s, int32_t n, const char *loc,
                        UErrorCode *st)
{
    return u_strToTitle(d, cap, s, n, NULL, loc, st);
}

static char *case_convert(const char *s, size_t len, case_fn fn)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t ul = 0;
    u_strFromUTF8(NULL, 0, &ul, s, (int32_t)len, &st);
    st = U_ZERO_ERROR;
    UChar *u = malloc(((size_t)ul + 1) * sizeof *u);
    UChar *v = malloc(((size_t)ul * 3 + 4) * sizeof *v);
    char *out = NULL;
    if (!u || !v)
        goto done;
    u_strFromUTF8(u, ul + 1, NULL, s, (int32_t)len, &st);
    int32_t vl = fn(v, ul * 3 + 4, u, ul, "vi", &st);
    if (U_FAILURE(st))
        goto done;
    int32_t ol = 0;
    u_strToUTF8(NULL, 0, &ol, v, vl, &st);
    st = U_ZERO_ERROR;
    out = malloc((size_t)ol + 1);
    if (out)
        u_strToUTF8(out, ol + 1, NULL, v, vl, &st);
done:
    free(u);
    free(v);
    return out;
}

char *vb_case_lower(const char *s, size_t len)
{
    return case_convert(s, len, u_strToLower);
}
char *vb_case_upper(const char *s, size_t len)
{
    return case_convert(s, len, u_strToUpper);
}
char *vb_case_title(const char *s, size_t len)
{
    return case_convert(s, len, to_title);
}

char *vb_case_sentence(const char *s, size_t len)
{
    size_t w = 0;
    while (w < len && s[w] != ' ')
        w++;
    char *first = vb_case_title(s, w);
    char *rest = vb_case_lower(s + w, len - w);
    vb_buf b = {0};
    if (first && rest) {
        vb_buf_puts(&b, first);
        vb_buf_puts(&b, rest);
    }
    free(first);
    free(rest);
    return first && rest ? vb_buf_steal(&b, NULL) : NULL;
}

void vb_case_count(const char *s, size_t len, int *upper, int *lower)
{
    *upper = *lower = 0;
    int32_t i = 0;
    while ((size_t)i < len) {
        UChar32 c;
        U8_NEXT(s, i, (int32_t)len, c);
        if (c < 0)
            continue;
        if (u_isupper(c))
            (*upper)++;
        else if (u_islower(c))
            (*lower)++;
    }
}

/* ---- lexicons ---- */

const char *vb_type_name(vb_extract *ex, const char *code)
{
    const vb_lexicon *lx = vb_ruleset_lexicon(ex->rs, "doc-types.tsv");
    if (!lx || !code)
        return NULL;
    for (size_t i = 0; i < lx->n_rows; i++)
        if (lx->n_cols[i] >= 2 && strcmp(lx->rows[i][0], code) == 0)
            return lx->rows[i][1];
    return NULL;
}

int vb_type_from_name(vb_extract *ex, const char *name, size_t len, const char **code,
                      const char **canon)
{
    const vb_lexicon *lx = vb_ruleset_lexicon(ex->rs, "doc-types.tsv");
    char *want = vb_fold_str(name, len);
    int found = 0;
    if (!lx || !want) {
        free(want);
        return 0;
    }
    char *sq = vb_squeeze(want, strlen(want));
    for (size_t i = 0; i < lx->n_rows && !found; i++) {
        if (lx->n_cols[i] < 2)
            continue;
        char *f = vb_fold_str(lx->rows[i][1], strlen(lx->rows[i][1]));
        if (f && strcmp(f, sq) == 0) {
            *code = lx->rows[i][0];
            *canon = lx->rows[i][1];
            found = 1;
        }
        free(f);
    }
    free(sq);
    free(want);
    return found;
}

static const char *is_type_code(vb_extract *ex, const char *seg, size_t len)
{
    const vb_lexicon *lx = vb_ruleset_lexicon(ex->rs, "doc-types.tsv");
    for (size_t i = 0; lx && i < lx->n_rows; i++)
        if (strlen(lx->rows[i][0]) == len && memcmp(lx->rows[i][0], seg, len) == 0)
            return lx->rows[i][0];
    return NULL;
}

/* rules/symbol-repairs.tsv: variant, canonical, scope (type|issuer). */
static const char *repair(vb_extract *ex, const char *seg, size_t len, const char *scope)
{
    const vb_lexicon *lx = vb_ruleset_lexicon(ex->rs, "symbol-repairs.tsv");
    for (size_t i = 0; lx && i < lx->n_rows; i++)
        if (lx->n_cols[i] >= 3 && strcmp(lx->rows[i][2], scope) == 0 &&
            strlen(lx->rows[i][0]) == len && memcmp(lx->rows[i][0], seg, len) == 0)
            return lx->rows[i][1];
    return NULL;
}

/* Issuer segments joined by '-': each repaired if listed. */
static void put_issuer(vb_extract *ex, vb_buf *b, const char *s, size_t len)
{
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && s[j] != '-' && s[j] != '/')
            j++;
        const char *r = repair(ex, s + i, j - i, "issuer");
        if (r)
            vb_buf_puts(b, r);
        else
            vb_buf_append(b, s + i, j - i);
        if (j < len)
            vb_buf_putc(b, s[j]);
        i = j + 1;
    }
}

static const char *type_segment(vb_extract *ex, const char *seg, size_t len)
{
    const char *c = is_type_code(ex, seg, len);
    if (c)
        return c;
    const char *r = repair(ex, seg, len, "type");
    return r ? is_type_code(ex, r, strlen(r)) : NULL;
}

char *vb_symbol_canon(vb_extract *ex, const char *s, size_t len, const char **type, char **number,
                      char **year, char **issuer_code)
{
    vb_buf c = {0};
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f')
            continue;
        if (s[i] == '-' && c.len && c.data[c.len - 1] == '-')
            continue; /* OCR doubles dashes: "521/Qb- -TTg" */
        vb_buf_putc(&c, s[i]);
    }
    if (!c.data)
        vb_buf_puts(&c, "");
    /* OCR's l for 1 inside the leading number ("7l-NQ/TW") */
    for (size_t i = 0; i < c.len && c.data[i] != '/' && c.data[i] != '-'; i++) {
        if (c.data[i] == 'l' && i > 0 && c.data[0] >= '0' && c.data[0] <= '9')
            c.data[i] = '1';
        else if (c.data[i] < '0' || c.data[i] > '9')
            break;
    }
    const char *p = c.data;
    size_t n = c.len, k = 0;
    *type = NULL;
    if (number)
        *number = NULL;
    if (year)
        *year = NULL;
    if (issuer_code)
        *issuer_code = NULL;
    while (k < n && p[k] >= '0' && p[k] <= '9')
        k++;
    size_t numlen = k;
    if (!numlen) {
        /* illegible number: skip it to still learn the type */
        while (k < n && p[k] != '/' && p[k] != '-')
            k++;
    }
    vb_buf out = {0};
    if (k < n && p[k] == '-' && numlen) {
        /* Party style: 01-CT/TU */
        size_t t0 = k + 1, t1 = t0;
        while (t1 < n && p[t1] != '/')
            t1++;
        const char *tc = type_segment(ex, p + t0, t1 - t0);
        vb_buf_append(&out, p, numlen);
        vb_buf_putc(&out, '-');
        if (tc)
            vb_buf_puts(&out, tc);
        else
            vb_buf_append(&out, p + t0, t1 - t0);
        *type = tc;
        if (t1 < n) {
            vb_buf_putc(&out, '/');
            size_t o = out.len;
            put_issuer(ex, &out, p + t1 + 1, n - t1 - 1);
            if (issuer_code)
                *issuer_code = vb_strdup(out.data + o);
        }
    } else if (k < n && p[k] == '/') {
        size_t r = k + 1;
        size_t y = r;
        while (y < n && p[y] >= '0' && p[y] <= '9')
            y++;
        int has_year = y - r == 4 && y < n && p[y] == '/';
        if (numlen)
            vb_buf_append(&out, p, numlen);
        vb_buf_putc(&out, '/');
        if (has_year) {
            if (year)
                *year = vb_strndup(p + r, 4);
            vb_buf_append(&out, p + r, 5);
            r = y + 1;
        }
        size_t t1 = r;
        while (t1 < n && p[t1] != '-' && p[t1] != '/')
            t1++;
        const char *tc = type_segment(ex, p + r, t1 - r);
        if (!tc && t1 == n) {
            /* OCR lost the dash: "77/QDTTg" is a type code and an issuer code */
            for (size_t k = 2; k <= 4 && r + k < n && !tc; k++) {
                char code[64];
                snprintf(code, sizeof code, "%.*s", (int)(n - r - k), p + r + k);
                const char *tk = type_segment(ex, p + r, k);
                if (tk && vb_agency_from_code(ex, code)) {
                    *type = tk;
                    vb_buf_puts(&out, tk);
                    vb_buf_putc(&out, '-');
                    r += k;
                    tc = tk;
                    t1 = n;
                }
            }
            if (tc) {
                size_t o = out.len;
                put_issuer(ex, &out, p + r, n - r);
                if (issuer_code)
                    *issuer_code = vb_strdup(out.data + o);
                vb_buf_free(&c);
                goto number;
            }
        }
        if (tc && t1 < n) {
            *type = tc;
            vb_buf_puts(&out, tc);
            vb_buf_putc(&out, p[t1]);
            r = t1 + 1;
        } else if (tc && has_year && t1 == n) {
            *type = tc;
        }
        size_t o = out.len;
        put_issuer(ex, &out, p + r, n - r);
        if (issuer_code && o < out.len)
            *issuer_code = vb_strdup(out.data + o);
    }
    vb_buf_free(&c);
number:
    if (!numlen || !out.data) {
        vb_buf_free(&out);
        return NULL;
    }
    if (number) {
        /* number as printed: the leading digits */
        size_t i = 0;
        while (i < out.len && out.data[i] >= '0' && out.data[i] <= '9')
            i++;
        *number = vb_strndup(out.data, i);
    }
    return vb_buf_steal(&out, NULL);
}

/* ---- the run ---- */

vb_status vb_extract_run(vb_extract *ex, const vb_text *text, vb_record *rec, vb_error *err)
{
    vb_lines lines;
    if (!text || !text->text)
        return vb_error_set(err, VB_ERR_USAGE, "no text to extract from");
    if (vb_lines_split(text, &lines) < 0)
        return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    ex->limit_hits = 0;
    vb_status st = vb_header_extract(ex, text, &lines, rec);
    if (st == VB_OK)
        st = vb_refs_extract(ex, text, &lines, rec);
    if (st == VB_OK)
        st = vb_tasks_extract(ex, text, &lines, rec);
    if (st == VB_OK)
        st = vb_targets_extract(ex, text, &lines, rec);
    if (st == VB_OK && ex->limit_hits)
        st = vb_warn(rec, "extract: %d rule match%s stopped at the match limit", ex->limit_hits,
                     ex->limit_hits == 1 ? "" : "es");
    vb_lines_free(&lines);
    if (st != VB_OK)
        return vb_error_set(err, st, "out of memory extracting");
    return VB_OK;
}

const char *vb_ref_role_name(vb_ref_role role)
{
    return role == VB_ROLE_CAN_CU ? "can_cu" : "dan_chieu";
}

const char *vb_deadline_kind_name(vb_deadline_kind kind)
{
    switch (kind) {
    case VB_DEADLINE_NONE: return NULL;
    case VB_DEADLINE_DATE: return "date";
    case VB_DEADLINE_BEFORE: return "before";
    case VB_DEADLINE_QUARTER: return "quarter";
    case VB_DEADLINE_HALF: return "half";
    case VB_DEADLINE_YEAR: return "year";
    case VB_DEADLINE_PERIOD: return "period";
    case VB_DEADLINE_RECURRING: return "recurring";
    case VB_DEADLINE_ONGOING: return "ongoing";
    }
    return NULL;
}

const char *vb_comparator_name(vb_comparator cmp)
{
    switch (cmp) {
    case VB_CMP_NONE: return NULL;
    case VB_CMP_AT_LEAST: return "at_least";
    case VB_CMP_ABOVE: return "above";
    case VB_CMP_EXACTLY: return "exactly";
    case VB_CMP_AT_MOST: return "at_most";
    case VB_CMP_BELOW: return "below";
    }
    return NULL;
}

/* ---- agencies ---- */

static char *fold_key(const char *s, size_t len)
{
    char *f = vb_fold_str(s, len);
    if (!f)
        return NULL;
    /* dashes and spaces vary between writers: "Lao động - Thương binh" */
    for (char *p = f; *p; p++) {
        if (*p == '-' || *p == '\n' || *p == '\t')
            *p = ' ';
    }
    char *sq = vb_squeeze(f, strlen(f));
    free(f);
    return sq;
}

static void agencies_load(vb_extract *ex)
{
    const vb_lexicon *lx = vb_ruleset_lexicon(ex->rs, "agencies.tsv");
    if (!lx || ex->agencies)
        return;
    size_t n = 0;
    for (size_t i = 0; i < lx->n_rows; i++) {
        n++;
        if (lx->n_cols[i] >= 2)
            for (const char *c = lx->rows[i][1]; *c; c++)
                n += *c == '|';
        n++;
    }
    ex->agencies = calloc(n, sizeof *ex->agencies);
    if (!ex->agencies)
        return;
    for (size_t i = 0; i < lx->n_rows; i++) {
        const char *canon = lx->rows[i][0];
        ex->agencies[ex->n_agencies++] = (vb_agency_key){fold_key(canon, strlen(canon)), canon};
        if (lx->n_cols[i] < 2)
            continue;
        const char *c = lx->rows[i][1];
        while (*c) {
            const char *bar = strchr(c, '|');
            size_t l = bar ? (size_t)(bar - c) : strlen(c);
            if (l)
                ex->agencies[ex->n_agencies++] = (vb_agency_key){fold_key(c, l), canon};
            c = bar ? bar + 1 : c + l;
        }
    }
}

const char *vb_agency_canon(vb_extract *ex, const char *s, size_t len)
{
    agencies_load(ex);
    char *k = fold_key(s, len);
    const char *found = NULL;
    for (size_t i = 0; k && i < ex->n_agencies && !found; i++)
        if (ex->agencies[i].fold && strcmp(ex->agencies[i].fold, k) == 0)
            found = ex->agencies[i].canon;
    free(k);
    return found;
}

const vb_agency_key *vb_agency_keys(vb_extract *ex, size_t *n)
{
    agencies_load(ex);
    *n = ex->n_agencies;
    return ex->agencies;
}

const char *vb_agency_from_code(vb_extract *ex, const char *code)
{
    const vb_lexicon *lx = vb_ruleset_lexicon(ex->rs, "agencies.tsv");
    if (!lx || !code)
        return NULL;
    size_t cl = strlen(code);
    for (size_t i = 0; i < lx->n_rows; i++) {
        if (lx->n_cols[i] < 3)
            continue;
        const char *c = lx->rows[i][2];
        while (*c) {
            const char *bar = strchr(c, '|');
            size_t l = bar ? (size_t)(bar - c) : strlen(c);
            if (l == cl && memcmp(c, code, l) == 0)
                return lx->rows[i][0];
            c = bar ? bar + 1 : c + l;
        }
    }
    return NULL;
}

char *vb_agency_name(vb_extract *ex, const vb_text *t, size_t s, size_t e)
{
    const char *c = vb_agency_canon(ex, t->text + s, e - s);
    return c ? strdup(c) : vb_squeeze(t->text + s, e - s);
}

int vb_page_at(const vb_text *t, size_t off)
{
    int page = 1;
    const char *p = t->text, *end = t->text + (off < t->len ? off : t->len);
    while ((p = memchr(p, '\f', (size_t)(end - p))) != NULL) {
        page++;
        p++;
    }
    return page;
}

const char *vb_lexicon_fold_lookup(vb_extract *ex, const char *lexicon, const char *s, size_t len)
{
    const vb_lexicon *lx = vb_ruleset_lexicon(ex->rs, lexicon);
    char *want = lx ? fold_key(s, len) : NULL;
    const char *found = NULL;
    for (size_t i = 0; want && i < lx->n_rows && !found; i++) {
        char *k = fold_key(lx->rows[i][0], strlen(lx->rows[i][0]));
        if (k && strcmp(k, want) == 0)
            found = lx->rows[i][0];
        free(k);
    }
    free(want);
    return found;
}
