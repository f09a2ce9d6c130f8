/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * vb_archive_query.c: what the archive answers: full-text search (exact, then
 * folded), citations from loose input, statistics, exports.
 */
#include "vb_archive_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "vb_normalize.h"

/* ---- search ---- */

/* `s` as one FTS5 phrase: wrapped in double quotes, inner quotes doubled, so
 * nothing the user types is FTS5 syntax. */
static char *fts_phrase(const char *s)
{
    vb_buf b = {0};
    vb_buf_putc(&b, '"');
    for (; *s; s++) {
        if (*s == '"')
            vb_buf_putc(&b, '"');
        vb_buf_putc(&b, *s);
    }
    vb_buf_putc(&b, '"');
    return vb_buf_steal(&b, NULL);
}

/* True if `s` has at least one letter or digit (else FTS5 has no token). */
static int has_token(const char *s)
{
    int32_t i = 0, n = (int32_t)strlen(s);
    while (i < n) {
        UChar32 c;
        U8_NEXT((const uint8_t *)s, i, n, c);
        if (c > 0 && u_isalnum(c))
            return 1;
    }
    return 0;
}

/* Snippets are shown on one line: runs of white space (page breaks, line
 * ends) become one space. */
static void squeeze_space(char *s)
{
    char *w = s;
    int sp = 0;
    for (char *r = s; *r; r++) {
        if (isspace((unsigned char)*r)) {
            sp = w != s;
            continue;
        }
        if (sp)
            *w++ = ' ';
        sp = 0;
        *w++ = *r;
    }
    *w = '\0';
}

struct hit_row {
    sqlite3_int64 doc;
    double score;
    int exact;
};

static vb_status collect(vb_archive *a, enum vb_stmt_id id, const char *phrase, int limit,
                         struct hit_row *rows, int *n, int cap, int exact, vb_error *err)
{
    sqlite3_stmt *s = vb_archive_stmt(a, id, err);
    if (!s)
        return VB_ERR_INTERNAL;
    int first = *n;
    sqlite3_bind_text(s, 1, phrase, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, limit);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < cap) {
        sqlite3_int64 doc = sqlite3_column_int64(s, 0);
        int seen = 0;
        for (int i = 0; i < first && !seen; i++)
            seen = rows[i].doc == doc;
        if (seen)
            continue;
        rows[*n].doc = doc;
        rows[*n].score = sqlite3_column_double(s, 1);
        rows[*n].exact = exact;
        (*n)++;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return vb_archive_sqlerr(a, err, "searching");
    return VB_OK;
}

struct span {
    size_t start, end;
};

/* Byte ranges of `column` hits from vb_hits' "col start end;" list. */
static size_t parse_spans(const char *hits, int column, struct span *sp, size_t cap)
{
    size_t n = 0;
    const char *p = hits;
    while (*p && n < cap) {
        char *q;
        long c = strtol(p, &q, 10), s = strtol(q, &q, 10), e = strtol(q, &q, 10);
        if (*q != ';')
            break;
        p = q + 1;
        if (c == column && s >= 0 && e >= s)
            sp[n++] = (struct span){(size_t)s, (size_t)e};
    }
    return n;
}

/* A snippet of `text` around spans[0], every span inside the window marked. */
static char *make_snippet(const char *text, const struct span *sp, size_t nsp,
                          const vb_search_opts *o)
{
    size_t len = strlen(text), start = sp[0].start, end = sp[0].end;
    int words = o->snippet_tokens / 2;
    /* whole words of context either side, cut at white space only (so never
     * inside a UTF-8 sequence) */
    for (int w = 0; w < words && start > 0; w++) {
        while (start > 0 && isspace((unsigned char)text[start - 1]))
            start--;
        while (start > 0 && !isspace((unsigned char)text[start - 1]))
            start--;
    }
    for (int w = 0; w < words && end < len; w++) {
        while (end < len && isspace((unsigned char)text[end]))
            end++;
        while (end < len && !isspace((unsigned char)text[end]))
            end++;
    }
    vb_buf b = {0};
    if (start > 0)
        vb_buf_puts(&b, o->ellipsis);
    size_t at = start;
    for (size_t i = 0; i < nsp; i++) {
        if (sp[i].start < at || sp[i].end > end)
            continue;
        vb_buf_append(&b, text + at, sp[i].start - at);
        vb_buf_puts(&b, o->mark_open);
        vb_buf_append(&b, text + sp[i].start, sp[i].end - sp[i].start);
        vb_buf_puts(&b, o->mark_close);
        at = sp[i].end;
    }
    vb_buf_append(&b, text + at, end - at);
    if (end < len)
        vb_buf_puts(&b, o->ellipsis);
    return vb_buf_steal(&b, NULL);
}

/* The snippet of a hit. vb_hits gives the byte ranges of the phrase in the
 * row of the index that matched; for a folded hit vb_fold's map takes them
 * back into the NFC text, which is what the clerk reads. (FTS5's snippet()
 * is not used: it aligns its window on sentence starts and can cut a phrase
 * in two, and on the folded index it could only show folded text.) */
static vb_status hit_snippet(vb_archive *a, sqlite3_int64 doc, const char *phrase, int folded,
                             const vb_search_opts *o, char **out, vb_error *err)
{
    *out = NULL;
    /* the row's two columns as the clerk reads them, and folded as indexed */
    char *text[2] = {NULL, NULL}, *ftext[2] = {NULL, NULL}, *hits = NULL;
    size_t flen[2] = {0, 0}, *map[2] = {NULL, NULL};
    sqlite3_stmt *s = vb_archive_stmt(a, ST_FTS_EXACT_TEXT, err);
    if (!s)
        return VB_ERR_INTERNAL;
    sqlite3_bind_int64(s, 1, doc);
    vb_status st = VB_OK;
    if (sqlite3_step(s) == SQLITE_ROW)
        for (int c = 0; c < 2; c++)
            text[c] = vb_strdup((const char *)sqlite3_column_text(s, c));
    sqlite3_reset(s);
    for (int c = 0; c < 2 && folded && st == VB_OK; c++)
        if (text[c])
            st = vb_fold(text[c], strlen(text[c]), &ftext[c], &flen[c], &map[c], err);
    if (st == VB_OK && !(s = vb_archive_stmt(a, folded ? ST_HITS_FOLD : ST_HITS_EXACT, err)))
        st = VB_ERR_INTERNAL;
    if (st == VB_OK) {
        sqlite3_bind_text(s, 1, phrase, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, doc);
        for (int c = 0; c < 2; c++)
            sqlite3_bind_text(s, 3 + c, folded ? ftext[c] : text[c], -1, SQLITE_STATIC);
        int rc = sqlite3_step(s);
        if (rc == SQLITE_ROW)
            hits = vb_strdup((const char *)sqlite3_column_text(s, 0));
        else if (rc != SQLITE_DONE)
            st = vb_archive_sqlerr(a, err, "highlighting");
        sqlite3_reset(s);
    }
    if (st == VB_OK && hits) {
        /* the body when the phrase is in it, else the head (symbol, title, issuer) */
        int c = strncmp(hits, "1 ", 2) == 0 || strstr(hits, ";1 ") ? 1 : 0;
        struct span sp[64];
        size_t nsp = text[c] ? parse_spans(hits, c, sp, 64) : 0, k = 0;
        size_t len = text[c] ? strlen(text[c]) : 0;
        for (size_t i = 0; i < nsp; i++) {
            if (folded && sp[i].end <= flen[c])
                sp[k++] = (struct span){map[c][sp[i].start], map[c][sp[i].end]};
            else if (!folded && sp[i].end <= len)
                sp[k++] = sp[i];
        }
        if (k)
            *out = make_snippet(text[c], sp, k, o);
    }
    for (int c = 0; c < 2; c++) {
        free(text[c]);
        free(ftext[c]);
        free(map[c]);
    }
    free(hits);
    return st;
}

static vb_status report_hit(vb_archive *a, const struct hit_row *r, int rank, const char *snippet,
                            vb_search_fn fn, void *user, int *stop, vb_error *err)
{
    sqlite3_stmt *s = vb_archive_stmt(a, ST_DOC_SUMMARY, err);
    if (!s)
        return VB_ERR_INTERNAL;
    sqlite3_bind_int64(s, 1, r->doc);
    if (sqlite3_step(s) == SQLITE_ROW) {
        vb_search_hit h = {
            .rank = rank,
            .exact = r->exact,
            .score = r->score,
            .id = (const char *)sqlite3_column_text(s, 0),
            .path = (const char *)sqlite3_column_text(s, 1),
            .symbol = (const char *)sqlite3_column_text(s, 2),
            .issuer = (const char *)sqlite3_column_text(s, 3),
            .date = (const char *)sqlite3_column_text(s, 4),
            .title = (const char *)sqlite3_column_text(s, 5),
            .snippet = snippet ? snippet : "",
        };
        *stop = fn ? fn(user, &h) : 0;
    }
    sqlite3_reset(s);
    return VB_OK;
}

vb_status vb_archive_search(vb_archive *a, const char *query, const vb_search_opts *opts,
                            vb_search_fn fn, void *user, int *n_hits, vb_error *err)
{
    if (n_hits)
        *n_hits = 0;
    vb_search_opts o = {0};
    if (opts)
        o = *opts;
    if (o.limit <= 0)
        o.limit = 20;
    if (o.limit > 10000)
        o.limit = 10000;
    if (!o.mark_open)
        o.mark_open = "[";
    if (!o.mark_close)
        o.mark_close = "]";
    if (!o.ellipsis)
        o.ellipsis = "…";
    if (o.snippet_tokens <= 0)
        o.snippet_tokens = 16;
    if (!query || !vb_utf8_valid(query, strlen(query)))
        return vb_error_set(err, VB_ERR_INPUT, "the query is not valid UTF-8");
    char *nfc = vb_archive_nfc(query), *folded = nfc ? vb_archive_fold(nfc, 0) : NULL;
    char *pe = folded ? fts_phrase(nfc) : NULL, *pf = pe ? fts_phrase(folded) : NULL;
    struct hit_row *rows = malloc((size_t)o.limit * sizeof *rows);
    vb_status st = VB_OK;
    int n = 0;
    if (!pf || !rows) {
        st = vb_error_set(err, VB_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (!has_token(folded))
        goto done;
    /* Exact hits first. If they do not fill the page, the folded hits follow;
     * every exact hit is also a folded hit, so asking for limit + n folded
     * rows is enough to fill it after removing them. */
    st = collect(a, ST_SEARCH_EXACT, pe, o.limit, rows, &n, o.limit, 1, err);
    if (st == VB_OK && n < o.limit)
        st = collect(a, ST_SEARCH_FOLD, pf, o.limit + n, rows, &n, o.limit, 0, err);
    int stop = 0;
    for (int i = 0; i < n && st == VB_OK && !stop; i++) {
        char *snip = NULL;
        st = hit_snippet(a, rows[i].doc, rows[i].exact ? pe : pf, !rows[i].exact, &o, &snip, err);
        if (snip)
            squeeze_space(snip);
        if (st == VB_OK)
            st = report_hit(a, &rows[i], i + 1, snip, fn, user, &stop, err);
        free(snip);
        if (st == VB_OK && n_hits)
            *n_hits = i + 1;
    }
done:
    free(rows);
    free(nfc);
    free(folded);
    free(pe);
    free(pf);
    return st;
}

/* ---- citations ---- */

/* Type codes of Decree 30/2020 Appendix III and the normative and Party ones,
 * folded: a bare word in loose input is taken as a type only if it is one. */
static const char *const type_codes[] = {
    "nq", "qd", "ct", "qc",  "qyd",  "tc",  "tb",  "hd",     "ctr", "kh",  "pa",
    "da", "bc", "bb", "ttr", "cd",   "bgn", "btt", "guq",    "gm",  "ggt", "gnp",
    "pg", "pc", "pb", "tt",  "ttlt", "nd",  "qh",  "ubtvqh", "kl",  "cv",
};

/* Type names as written out, folded, with their code as printed. */
static const struct {
    const char *name, *code;
} type_names[] = {
    {"thong tu lien tich", "TTLT"},
    {"ban thoa thuan", "BTT"},
    {"giay uy quyen", "GUQ"},
    {"giay gioi thieu", "GGT"},
    {"ban ghi nho", "BGN"},
    {"thong tu", "TT"},
    {"nghi dinh", "NĐ"},
    {"nghi quyet", "NQ"},
    {"quyet dinh", "QĐ"},
    {"chi thi", "CT"},
    {"quy che", "QC"},
    {"quy dinh", "QyĐ"},
    {"thong cao", "TC"},
    {"thong bao", "TB"},
    {"huong dan", "HD"},
    {"chuong trinh", "CTr"},
    {"ke hoach", "KH"},
    {"phuong an", "PA"},
    {"de an", "ĐA"},
    {"du an", "DA"},
    {"bao cao", "BC"},
    {"bien ban", "BB"},
    {"to trinh", "TTr"},
    {"hop dong", "HĐ"},
    {"cong dien", "CĐ"},
    {"giay moi", "GM"},
    {"ket luan", "KL"},
};

#define MAX_TOKENS 32

struct token {
    char raw[64];  /* lower case, marks kept */
    char fold[64]; /* folded */
    char sep;      /* the character just before it: '/', '-', ' ' or 0 */
    int digits;    /* all ASCII digits */
};

/* Letters, digits, marks (NFD input) and '&' ("KH&CĐS") make up a token. */
static int is_token_char(UChar32 c)
{
    return c >= 0 && (u_isalnum(c) || c == '&' || u_charType(c) == U_NON_SPACING_MARK);
}

static int tokenize(const char *in, struct token *t, int cap)
{
    int n = 0;
    int32_t i = 0, len = (int32_t)strlen(in);
    char sep = 0;
    while (i < len && n < cap) {
        int32_t start = i;
        UChar32 c;
        U8_NEXT((const uint8_t *)in, i, len, c);
        if (!is_token_char(c)) {
            if (c == '/' || c == '-' || c == 0x2013 || c == 0x2010)
                sep = c == '/' ? '/' : '-';
            else if (c >= 0 && !sep)
                sep = ' ';
            continue;
        }
        int32_t end = i;
        while (end < len) {
            int32_t j = end;
            U8_NEXT((const uint8_t *)in, j, len, c);
            if (!is_token_char(c))
                break;
            end = j;
        }
        i = end;
        char buf[64];
        snprintf(buf, sizeof buf, "%.*s", (int)(end - start), in + start);
        char *raw = vb_archive_lower_keep_marks(buf), *fold = vb_archive_fold(buf, 1);
        if (raw && fold) {
            snprintf(t[n].raw, sizeof t[n].raw, "%s", raw);
            snprintf(t[n].fold, sizeof t[n].fold, "%s", fold);
            t[n].sep = sep;
            t[n].digits = 1;
            for (char *p = t[n].fold; *p; p++)
                t[n].digits &= isdigit((unsigned char)*p) != 0;
            n++;
        }
        free(raw);
        free(fold);
        sep = 0;
    }
    return n;
}

static int is_type_code(const char *folded)
{
    for (size_t i = 0; i < sizeof type_codes / sizeof *type_codes; i++)
        if (!strcmp(type_codes[i], folded))
            return 1;
    return 0;
}

/* Longest type name starting at token i; returns the tokens it spans. */
static int match_type_name(const struct token *t, int n, int i, const char **code)
{
    for (int k = 4; k >= 2; k--) {
        if (i + k > n)
            continue;
        char joined[160] = "";
        for (int j = 0; j < k; j++) {
            if (j)
                strcat(joined, " ");
            strncat(joined, t[i + j].fold, 63);
        }
        for (size_t m = 0; m < sizeof type_names / sizeof *type_names; m++)
            if (!strcmp(type_names[m].name, joined)) {
                *code = type_names[m].code;
                return k;
            }
    }
    return 0;
}

static void set_type(vb_cite_query *q, const struct token *t)
{
    int exact = strstr(t->raw, "đ") != NULL;
    snprintf(q->type, sizeof q->type, "%.*s", (int)sizeof q->type - 1, exact ? t->raw : t->fold);
    q->type_exact = exact;
}

vb_status vb_cite_parse(const char *input, vb_cite_query *q, vb_error *err)
{
    memset(q, 0, sizeof *q);
    if (!input || !vb_utf8_valid(input, strlen(input)))
        return vb_error_set(err, VB_ERR_USAGE, "the symbol is not valid UTF-8");
    struct token t[MAX_TOKENS];
    int n = tokenize(input, t, MAX_TOKENS);
    int in_symbol = 0; /* after the number, inside "124/2021/TT-BCA" */
    for (int i = 0; i < n; i++) {
        const char *code;
        int k = q->type[0] ? 0 : match_type_name(t, n, i, &code);
        if (k) {
            char *lc = vb_archive_lower_keep_marks(code);
            if (lc)
                snprintf(q->type, sizeof q->type, "%.*s", (int)sizeof q->type - 1, lc);
            free(lc);
            q->type_exact = 1;
            i += k - 1;
            continue;
        }
        if (t[i].digits) {
            const char *d = t[i].fold;
            int len = (int)strlen(d), v = atoi(d);
            if (!q->number[0]) {
                while (*d == '0' && d[1])
                    d++;
                snprintf(q->number, sizeof q->number, "%.*s", (int)sizeof q->number - 1, d);
                in_symbol = 1;
            } else if (!q->year && len == 4 && v >= 1945 && v <= 2100) {
                q->year = v;
            }
            continue;
        }
        int sym_pos = in_symbol && (t[i].sep == '/' || t[i].sep == '-');
        if (sym_pos) {
            if (!q->type[0])
                set_type(q, &t[i]);
            else if (!strcmp(q->type, t[i].raw) || !strcmp(q->type, t[i].fold))
                continue; /* "Chỉ thị số 01-CT/TU": the type again */
            else if (!q->issuer[0])
                snprintf(q->issuer, sizeof q->issuer, "%.*s", (int)sizeof q->issuer - 1, t[i].fold);
        } else if (!q->type[0] && is_type_code(t[i].fold)) {
            set_type(q, &t[i]);
        } else {
            in_symbol = 0;
        }
    }
    if (!q->number[0])
        return vb_error_set(err, VB_ERR_USAGE, "no document number in \"%s\"", input);
    return VB_OK;
}

static vb_status cites_pass(vb_archive *a, const vb_cite_query *q, int exact, vb_cite_fn fn,
                            void *user, int *n_hits, vb_error *err);

vb_status vb_archive_cites(vb_archive *a, const char *loose_symbol, vb_cite_fn fn, void *user,
                           int *n_hits, vb_error *err)
{
    if (n_hits)
        *n_hits = 0;
    vb_cite_query q;
    vb_status st = vb_cite_parse(loose_symbol, &q, err);
    if (st != VB_OK)
        return st;
    /* A type typed without đ ("HD", "QD") means the code as typed when the
     * archive has it (HD and HĐ are different types), else any code that
     * folds to it (a clerk who cannot type Đ). */
    int n = 0;
    st = cites_pass(a, &q, 1, fn, user, &n, err);
    if (st == VB_OK && n == 0 && !q.type_exact && q.type[0])
        st = cites_pass(a, &q, 0, fn, user, &n, err);
    if (n_hits)
        *n_hits = n;
    return st;
}

static vb_status cites_pass(vb_archive *a, const vb_cite_query *q, int exact, vb_cite_fn fn,
                            void *user, int *n_hits, vb_error *err)
{
    sqlite3_stmt *s = vb_archive_stmt(a, ST_CITES, err);
    if (!s)
        return VB_ERR_INTERNAL;
    sqlite3_bind_text(s, 1, q->number, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, q->year);
    sqlite3_bind_text(s, 3, q->type, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 4, exact);
    sqlite3_bind_text(s, 5, q->issuer, -1, SQLITE_STATIC);
    int rc, n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        vb_cite_hit h = {
            .cited_symbol = (const char *)sqlite3_column_text(s, 0),
            .role = (const char *)sqlite3_column_text(s, 1),
            .id = (const char *)sqlite3_column_text(s, 2),
            .path = (const char *)sqlite3_column_text(s, 3),
            .symbol = (const char *)sqlite3_column_text(s, 4),
            .issuer = (const char *)sqlite3_column_text(s, 5),
            .date = (const char *)sqlite3_column_text(s, 6),
            .title = (const char *)sqlite3_column_text(s, 7),
        };
        n++;
        if (fn && fn(user, &h)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(s);
    if (n_hits)
        *n_hits = n;
    if (rc != SQLITE_DONE)
        return vb_archive_sqlerr(a, err, "listing citations");
    return VB_OK;
}

/* ---- statistics ---- */

static vb_status stat_rows(vb_archive *a, const char *sql, int top, vb_stat_row **rows, size_t *n,
                           vb_error *err)
{
    *rows = NULL;
    *n = 0;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(a->db, sql, -1, &s, NULL) != SQLITE_OK)
        return vb_archive_sqlerr(a, err, "statistics");
    sqlite3_bind_int(s, 1, top);
    size_t cap = 0;
    int rc;
    vb_status st = VB_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            vb_stat_row *r = realloc(*rows, cap * sizeof *r);
            if (!r) {
                st = vb_error_set(err, VB_ERR_NOMEM, "out of memory");
                break;
            }
            *rows = r;
        }
        vb_stat_row *r = &(*rows)[(*n)++];
        r->key = vb_strdup((const char *)sqlite3_column_text(s, 0));
        r->label = vb_strdup((const char *)sqlite3_column_text(s, 1));
        r->count = (long)sqlite3_column_int64(s, 2);
    }
    if (st == VB_OK && rc != SQLITE_DONE)
        st = vb_archive_sqlerr(a, err, "statistics");
    sqlite3_finalize(s);
    return st;
}

vb_status vb_archive_stats_get(vb_archive *a, int top, vb_archive_stats *st, vb_error *err)
{
    memset(st, 0, sizeof *st);
    if (top <= 0)
        top = 10;
    sqlite3_stmt *s;
    static const char counts[] =
        "SELECT (SELECT count(*) FROM documents WHERE status = 'ok' AND latest = 1),"
        " (SELECT count(*) FROM documents WHERE status = 'failed'),"
        " (SELECT count(*) FROM documents WHERE status = 'ok' AND latest = 0),"
        " (SELECT count(*) FROM pages), (SELECT count(*) FROM refs),"
        " (SELECT count(*) FROM tasks), (SELECT count(*) FROM targets),"
        " (SELECT count(*) FROM agencies)";
    vb_status rs = vb_archive_exec(a, "BEGIN", err); /* one snapshot for every number */
    if (rs != VB_OK)
        return rs;
    if (sqlite3_prepare_v2(a->db, counts, -1, &s, NULL) != SQLITE_OK) {
        rs = vb_archive_sqlerr(a, err, "statistics");
        goto done;
    }
    if (sqlite3_step(s) == SQLITE_ROW) {
        long *v[] = {&st->documents, &st->failed,     &st->versions_superseded,
                     &st->pages,     &st->references, &st->tasks,
                     &st->targets,   &st->agencies};
        for (int i = 0; i < 8; i++)
            *v[i] = (long)sqlite3_column_int64(s, i);
    }
    sqlite3_finalize(s);
    rs = stat_rows(a,
                   /* the symbol and issuer as most documents write them: OCR
                    * leaves odd variants ("Bộ trưởng Ở Công an") */
                   "SELECT (SELECT symbol FROM refs WHERE symbol_key = g.k GROUP BY symbol"
                   "  ORDER BY count(*) DESC, symbol LIMIT 1),"
                   " (SELECT issuer FROM refs WHERE symbol_key = g.k AND issuer IS NOT NULL"
                   "  GROUP BY issuer ORDER BY count(*) DESC, issuer LIMIT 1), g.n"
                   " FROM (SELECT r.symbol_key AS k, count(DISTINCT r.doc) AS n FROM refs r"
                   "  JOIN documents d ON d.doc = r.doc AND d.latest = 1"
                   "  GROUP BY r.symbol_key ORDER BY n DESC, r.symbol_key LIMIT ?1) g"
                   " ORDER BY g.n DESC, g.k",
                   top, &st->most_cited, &st->n_most_cited, err);
    if (rs == VB_OK)
        rs = stat_rows(a,
                       "SELECT ag.name, NULL, count(*) AS n FROM task_agencies ta"
                       " JOIN agencies ag ON ag.agency = ta.agency"
                       " JOIN tasks t ON t.task = ta.task"
                       " JOIN documents d ON d.doc = t.doc AND d.latest = 1"
                       " WHERE ta.role = 'lead' GROUP BY ag.agency"
                       " ORDER BY n DESC, ag.name LIMIT ?1",
                       top, &st->tasks_per_agency, &st->n_tasks_per_agency, err);
    if (rs == VB_OK)
        rs = stat_rows(a,
                       "SELECT m, NULL, count(*) FROM (SELECT substr(coalesce(t.deadline_end,"
                       " t.deadline_start), 1, 7) AS m FROM tasks t"
                       " JOIN documents d ON d.doc = t.doc AND d.latest = 1)"
                       " WHERE m GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]' AND ?1 > 0"
                       " GROUP BY m ORDER BY m",
                       top, &st->deadlines_per_month, &st->n_deadlines_per_month, err);
done:
    sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL);
    if (rs != VB_OK)
        vb_archive_stats_free(st);
    return rs;
}

static void free_rows(vb_stat_row *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].key);
        free(r[i].label);
    }
    free(r);
}

void vb_archive_stats_free(vb_archive_stats *st)
{
    if (!st)
        return;
    free_rows(st->most_cited, st->n_most_cited);
    free_rows(st->tasks_per_agency, st->n_tasks_per_agency);
    free_rows(st->deadlines_per_month, st->n_deadlines_per_month);
    memset(st, 0, sizeof *st);
}

/* ---- export ---- */

/* Loaded with:
 *   curl -XPUT 'http://localhost:9200/_index_template/vanban' \
 *        -H 'Content-Type: application/json' --data-binary @vanban.template.json
 * icu_folding removes marks and folds đ→d like vb_fold; the exact fields keep
 * the marks (icu_normalizer: NFKC with case folding). */
static const char opensearch_template[] =
    "{\n"
    "  \"index_patterns\": [\"" VB_ARCHIVE_INDEX "*\"],\n"
    "  \"template\": {\n"
    "    \"settings\": {\n"
    "      \"analysis\": {\n"
    "        \"analyzer\": {\n"
    "          \"vi_exact\": {\"type\": \"custom\", \"tokenizer\": \"icu_tokenizer\",\n"
    "                       \"char_filter\": [\"icu_normalizer\"]},\n"
    "          \"vi_folded\": {\"type\": \"custom\", \"tokenizer\": \"icu_tokenizer\",\n"
    "                        \"filter\": [\"icu_folding\"]}\n"
    "        },\n"
    "        \"normalizer\": {\n"
    "          \"vi_key\": {\"type\": \"custom\", \"filter\": [\"icu_folding\"]}\n"
    "        }\n"
    "      }\n"
    "    },\n"
    "    \"mappings\": {\n"
    "      \"dynamic\": false,\n"
    "      \"properties\": {\n"
    "        \"schema\": {\"type\": \"keyword\"},\n"
    "        \"id\": {\"type\": \"keyword\"},\n"
    "        \"source\": {\"properties\": {\n"
    "          \"path\": {\"type\": \"keyword\"}, \"sha256\": {\"type\": \"keyword\"},\n"
    "          \"media_type\": {\"type\": \"keyword\"}, \"pages\": {\"type\": \"integer\"},\n"
    "          \"text_origin\": {\"type\": \"keyword\"}}},\n"
    "        \"document\": {\"properties\": {\n"
    "          \"type\": {\"type\": \"keyword\"}, \"type_name\": {\"type\": \"keyword\"},\n"
    "          \"number\": {\"type\": \"keyword\"},\n"
    "          \"symbol\": {\"type\": \"keyword\",\n"
    "                     \"fields\": {\"folded\": {\"type\": \"keyword\", \"normalizer\": "
    "\"vi_key\"}}},\n"
    "          \"issuer\": {\"type\": \"text\", \"analyzer\": \"vi_exact\",\n"
    "                     \"fields\": {\"folded\": {\"type\": \"text\", \"analyzer\": "
    "\"vi_folded\"},\n"
    "                                \"raw\": {\"type\": \"keyword\"}}},\n"
    "          \"place\": {\"type\": \"keyword\"},\n"
    "          \"date\": {\"type\": \"date\", \"format\": \"yyyy-MM-dd||yyyy-MM||yyyy\"},\n"
    "          \"title\": {\"type\": \"text\", \"analyzer\": \"vi_exact\",\n"
    "                    \"fields\": {\"folded\": {\"type\": \"text\", \"analyzer\": "
    "\"vi_folded\"}}},\n"
    "          \"signer\": {\"properties\": {\"authority\": {\"type\": \"keyword\"},\n"
    "                     \"title\": {\"type\": \"keyword\"}, \"name\": {\"type\": "
    "\"keyword\"}}},\n"
    "          \"recipients\": {\"type\": \"keyword\"}}},\n"
    "        \"cites\": {\"type\": \"keyword\",\n"
    "                  \"fields\": {\"folded\": {\"type\": \"keyword\", \"normalizer\": "
    "\"vi_key\"}}},\n"
    "        \"references\": {\"type\": \"nested\", \"properties\": {\n"
    "          \"symbol\": {\"type\": \"keyword\"}, \"type\": {\"type\": \"keyword\"},\n"
    "          \"number\": {\"type\": \"keyword\"}, \"year\": {\"type\": \"integer\"},\n"
    "          \"issuer\": {\"type\": \"keyword\"}, \"role\": {\"type\": \"keyword\"},\n"
    "          \"mentions\": {\"type\": \"object\", \"enabled\": false}}},\n"
    "        \"tasks\": {\"type\": \"nested\", \"properties\": {\n"
    "          \"text\": {\"type\": \"text\", \"analyzer\": \"vi_exact\",\n"
    "                   \"fields\": {\"folded\": {\"type\": \"text\", \"analyzer\": "
    "\"vi_folded\"}}},\n"
    "          \"lead\": {\"type\": \"keyword\"}, \"partners\": {\"type\": \"keyword\"},\n"
    "          \"deadline\": {\"properties\": {\"kind\": {\"type\": \"keyword\"},\n"
    "            \"start\": {\"type\": \"date\", \"format\": \"yyyy-MM-dd||yyyy-MM||yyyy\"},\n"
    "            \"end\": {\"type\": \"date\", \"format\": \"yyyy-MM-dd||yyyy-MM||yyyy\"},\n"
    "            \"text\": {\"type\": \"keyword\"}}}}},\n"
    "        \"targets\": {\"type\": \"object\", \"enabled\": false},\n"
    "        \"text\": {\"type\": \"text\", \"analyzer\": \"vi_exact\",\n"
    "                 \"fields\": {\"folded\": {\"type\": \"text\", \"analyzer\": "
    "\"vi_folded\"}}},\n"
    "        \"quality\": {\"properties\": {\"ocr_confidence\": {\"type\": \"float\"},\n"
    "                    \"warnings\": {\"type\": \"keyword\"}}}\n"
    "      }\n"
    "    }\n"
    "  }\n"
    "}\n";

static int write_csv_field(FILE *out, const char *s, int last)
{
    if (!s)
        s = "";
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    int ok = 1;
    if (quote) {
        ok &= fputc('"', out) != EOF;
        for (; *s && ok; s++) {
            if (*s == '"')
                ok &= fputc('"', out) != EOF;
            ok &= fputc(*s, out) != EOF;
        }
        ok &= fputc('"', out) != EOF;
    } else {
        ok &= fputs(s, out) != EOF;
    }
    ok &= fputs(last ? "\r\n" : ",", out) != EOF;
    return ok;
}

static vb_status export_tasks(vb_archive *a, FILE *out, long *rows, vb_error *err)
{
    static const char sql[] =
        "SELECT d.id, d.symbol, d.date, d.issuer, d.path, t.seq, t.text,"
        " (SELECT name FROM agencies WHERE agency = t.lead),"
        " (SELECT group_concat(name, '; ') FROM (SELECT ag.name FROM task_agencies ta"
        "  JOIN agencies ag ON ag.agency = ta.agency"
        "  WHERE ta.task = t.task AND ta.role = 'partner' ORDER BY ta.pos)),"
        " t.deadline_kind, t.deadline_start, t.deadline_end, t.deadline_text"
        " FROM tasks t JOIN documents d ON d.doc = t.doc"
        " WHERE d.latest = 1 AND d.status = 'ok' ORDER BY d.date, d.id, t.seq";
    static const char *const header[] = {
        "document_id",   "document_symbol", "document_date",  "issuer",
        "path",          "task_no",         "task",           "lead",
        "partners",      "deadline_kind",   "deadline_start", "deadline_end",
        "deadline_text",
    };
    enum { NCOL = sizeof header / sizeof *header };
    int ok = 1;
    for (int i = 0; i < NCOL; i++)
        ok &= write_csv_field(out, header[i], i == NCOL - 1);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(a->db, sql, -1, &s, NULL) != SQLITE_OK)
        return vb_archive_sqlerr(a, err, "exporting tasks");
    int rc;
    while (ok && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        for (int i = 0; i < NCOL; i++)
            ok &= write_csv_field(out, (const char *)sqlite3_column_text(s, i), i == NCOL - 1);
        (*rows)++;
    }
    sqlite3_finalize(s);
    if (!ok)
        return vb_error_set(err, VB_ERR_INPUT, "cannot write the export");
    if (rc != SQLITE_DONE)
        return vb_archive_sqlerr(a, err, "exporting tasks");
    return VB_OK;
}

/* The OpenSearch document: the record, plus "cites", the cited symbols as a
 * plain list for terms aggregations. */
static char *opensearch_doc(const char *record_json)
{
    json_t *rec = json_loads(record_json, 0, NULL);
    if (!rec)
        return NULL;
    json_t *cites = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(rec, "references"), i, r)
    {
        json_t *sym = json_object_get(r, "symbol");
        if (json_is_string(sym))
            json_array_append(cites, sym);
    }
    json_object_set_new(rec, "cites", cites);
    char *s = json_dumps(rec, JSON_COMPACT);
    json_decref(rec);
    return s;
}

static vb_status export_records(vb_archive *a, vb_export_format format, FILE *out, long *rows,
                                vb_error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(a->db,
                           "SELECT d.doc, d.id, r.json FROM documents d"
                           " JOIN records r ON r.doc = d.doc"
                           " WHERE d.latest = 1 OR d.status = 'failed' ORDER BY d.doc",
                           -1, &s, NULL) != SQLITE_OK)
        return vb_archive_sqlerr(a, err, "exporting");
    vb_status st = VB_OK;
    int rc, ok = 1;
    while (st == VB_OK && ok && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        char *json = NULL;
        st = vb_archive_record_text(a, sqlite3_column_int64(s, 0),
                                    (const char *)sqlite3_column_text(s, 2), &json, err);
        if (st != VB_OK)
            break;
        if (format == VB_EXPORT_OPENSEARCH) {
            char *doc = opensearch_doc(json);
            free(json);
            if (!(json = doc)) {
                st = vb_error_set(err, VB_ERR_NOMEM, "out of memory");
                break;
            }
            ok &= fprintf(out, "{\"index\":{\"_index\":\"%s\",\"_id\":\"%s\"}}\n", VB_ARCHIVE_INDEX,
                          sqlite3_column_text(s, 1)) > 0;
        }
        ok &= fputs(json, out) != EOF && fputc('\n', out) != EOF;
        free(json);
        (*rows)++;
    }
    if (st == VB_OK && rc != SQLITE_DONE && ok)
        st = vb_archive_sqlerr(a, err, "exporting");
    sqlite3_finalize(s);
    if (st == VB_OK && !ok)
        st = vb_error_set(err, VB_ERR_INPUT, "cannot write the export");
    return st;
}

vb_status vb_archive_export(vb_archive *a, vb_export_format format, FILE *out, long *n_rows,
                            vb_error *err)
{
    long rows = 0;
    vb_status st;
    if (format == VB_EXPORT_OPENSEARCH_TEMPLATE) {
        st = fputs(opensearch_template, out) == EOF
                 ? vb_error_set(err, VB_ERR_INPUT, "cannot write the export")
                 : VB_OK;
    } else if (format != VB_EXPORT_JSONL && format != VB_EXPORT_CSV_TASKS &&
               format != VB_EXPORT_OPENSEARCH) {
        st = vb_error_set(err, VB_ERR_USAGE, "unknown export format %d", (int)format);
    } else {
        /* One read transaction: a consistent snapshot while a batch writes. */
        int own = sqlite3_get_autocommit(a->db);
        if (own && (st = vb_archive_exec(a, "BEGIN", err)) != VB_OK)
            return st;
        st = format == VB_EXPORT_CSV_TASKS ? export_tasks(a, out, &rows, err)
                                           : export_records(a, format, out, &rows, err);
        if (own)
            sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL);
    }
    if (st == VB_OK && fflush(out) != 0)
        st = vb_error_set(err, VB_ERR_INPUT, "cannot write the export");
    if (n_rows)
        *n_rows = rows;
    return st;
}
