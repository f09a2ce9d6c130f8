/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The rule-file loader, the matcher and the example checker. The format is
 * documented in rules/README.md; in short:
 *
 *   $SO = [0-9]{1,5}                    a variable (global to the directory)
 *   $TYPE = @doc-types.tsv:1            a variable from a lexicon column
 *   rule header.symbol                  starts a rule
 *     on        text | fold
 *     flags     multiline caseless dotall
 *     prefilter Số                      literal; any of several must occur
 *     pattern   Số:\s*(?<number>$SO)    repeated lines are concatenated
 *     fields    number
 *     match     Số: 117/KH-UBND         must match ...
 *     expect    number 117              ... with these field values
 *     nomatch   Số lượng 117            must not match
 *
 * Errors are collected with file:line:column (columns count characters) and
 * reported through the diagnostic callback; loading then fails once.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "vb_rules.h"
#include "vb_extract_int.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

/* Generous for real text (a 50 KB page scanned by every rule stays far below),
 * small enough that a catastrophic pattern fails in milliseconds. */
#define VB_MATCH_LIMIT 2000000u
#define VB_DEPTH_LIMIT 4000u
#define VB_MAX_GROUPS_PER_FIELD 4

typedef struct srcpos {
    const char *file;
    int line, col;
} srcpos;

typedef struct posbuf {
    srcpos *p;
    size_t len, cap;
} posbuf;

typedef struct example {
    char *text;
    size_t len;
    int line, col;
    int positive;
    char **want_field;
    char **want_value; /* NULL: the field must be unset or empty */
    int *want_line, *want_col;
    size_t n_want;
} example;

typedef struct variable {
    char *name;
    const char *file;
    int line, col;
    vb_buf src;
    posbuf src_pos;
    int state; /* 0 not expanded, 1 expanding, 2 done, 3 failed */
    vb_buf exp;
    posbuf exp_pos;
} variable;

struct vb_rule {
    char *id;
    const char *file;
    int line, col;
    vb_buf src;
    posbuf src_pos;
    srcpos end_pos; /* just after the last pattern character */
    int has_pattern;
    uint32_t flags;
    int on_fold;
    char **prefilters;
    size_t *prefilter_len;
    size_t n_prefilters;
    char *fields[VB_RULE_MAX_FIELDS];
    size_t n_fields;
    int fields_line, fields_col;
    uint32_t groups[VB_RULE_MAX_FIELDS][VB_MAX_GROUPS_PER_FIELD];
    size_t n_groups[VB_RULE_MAX_FIELDS];
    example *ex;
    size_t n_ex;
    pcre2_code *code;
    pcre2_match_data *md;
    int bad;
};

struct vb_ruleset {
    char **files; /* display paths, owned */
    size_t n_files;
    vb_lexicon *lex;
    size_t n_lex;
    variable *vars;
    size_t n_vars;
    vb_rule *rules;
    size_t n_rules;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit_stack;
    vb_diag_fn diag;
    void *user;
    int n_errors;
};

/* ---- small helpers ---- */

static void diag_at(vb_ruleset *rs, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void diag_at(vb_ruleset *rs, const char *file, int line, int col, const char *fmt, ...)
{
    rs->n_errors++;
    if (!rs->diag)
        return;
    vb_error e;
    vb_error_clear(&e);
    va_list ap;
    va_start(ap, fmt);
    vb_error_setv(&e, VB_ERR_RULES, fmt, ap);
    va_end(ap);
    vb_error_at(&e, file, line, col);
    rs->diag(rs->user, &e);
}

static int posbuf_push(posbuf *b, srcpos p)
{
    if (b->len == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        srcpos *n = realloc(b->p, cap * sizeof *n);
        if (!n)
            return -1;
        b->p = n;
        b->cap = cap;
    }
    b->p[b->len++] = p;
    return 0;
}

/* 1-based character column of byte `off` in `line`. */
static int char_col(const char *line, size_t off)
{
    int col = 1;
    for (size_t i = 0; i < off; i++)
        if (((unsigned char)line[i] & 0xC0) != 0x80)
            col++;
    return col;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz);
    return p;
}

static int grow(void **arr, size_t n, size_t elsz)
{
    /* grow to hold n + 1 elements, doubling at powers of two */
    if (n & (n - 1))
        return 0;
    size_t cap = n ? n * 2 : 4;
    void *p = realloc(*arr, cap * elsz);
    if (!p)
        return -1;
    memset((char *)p + n * elsz, 0, (cap - n) * elsz);
    *arr = p;
    return 0;
}

/* Undo \n \t \f \\ escapes of example text; returns -1 (with the offending
 * offset in *bad) on an unknown escape. */
static int unescape(const char *s, size_t len, char **out, size_t *out_len, size_t *bad)
{
    char *o = malloc(len + 1);
    size_t n = 0;
    if (!o)
        return -2;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '\\' || i + 1 == len) {
            o[n++] = s[i];
            continue;
        }
        char c = s[++i];
        switch (c) {
        case 'n': o[n++] = '\n'; break;
        case 't': o[n++] = '\t'; break;
        case 'f': o[n++] = '\f'; break;
        case '\\': o[n++] = '\\'; break;
        case 's': o[n++] = ' '; break;
        default:
            free(o);
            *bad = i - 1;
            return -1;
        }
    }
    o[n] = '\0';
    *out = o;
    *out_len = n;
    return 0;
}

/* Cut the next line of a rule or lexicon file off [*p, end) in place: NUL-
 * terminate it where its '\n' (or a '\r' before it) stood and move *p past the
 * '\n'. At a last line without one, the NUL goes at end: vb_read_file leaves a
 * byte there. The line is counted in *lineno; one that is not UTF-8 is
 * reported and gives NULL. */
static char *next_line(vb_ruleset *rs, const char *path, char **p, char *end, int *lineno)
{
    char *line = *p;
    char *nl = memchr(line, '\n', (size_t)(end - line));
    char *le = nl ? nl : end;
    if (le > line && le[-1] == '\r')
        le--;
    *le = '\0';
    *p = nl ? nl + 1 : end;
    ++*lineno;
    if (!vb_utf8_valid(line, (size_t)(le - line))) {
        diag_at(rs, path, *lineno, 1, "invalid UTF-8");
        return NULL;
    }
    return line;
}

/* ---- lexicons ---- */

static void lexicon_free(vb_lexicon *lx)
{
    for (size_t i = 0; i < lx->n_rows; i++) {
        for (size_t j = 0; j < lx->n_cols[i]; j++)
            free(lx->rows[i][j]);
        free(lx->rows[i]);
    }
    free(lx->rows);
    free(lx->n_cols);
    free(lx->lines);
    free(lx->name);
}

static vb_status lexicon_load(vb_ruleset *rs, const char *path, const char *name, vb_error *err)
{
    unsigned char *data;
    size_t len;
    vb_error rerr;
    (void)err;
    if (vb_read_file(path, 16u << 20, &data, &len, &rerr) != VB_OK) {
        diag_at(rs, path, 0, 0, "cannot read lexicon: %s", rerr.message);
        return VB_OK;
    }
    if (grow((void **)&rs->lex, rs->n_lex, sizeof *rs->lex) < 0) {
        free(data);
        return VB_ERR_NOMEM;
    }
    vb_lexicon *lx = &rs->lex[rs->n_lex++];
    lx->name = strdup(name);
    char *p = (char *)data, *end = p + len;
    int lineno = 0;
    while (p < end) {
        char *line = next_line(rs, path, &p, end, &lineno);
        if (line && *line && *line != '#') {
            size_t r = lx->n_rows;
            if (grow((void **)&lx->rows, r, sizeof *lx->rows) < 0 ||
                grow((void **)&lx->n_cols, r, sizeof *lx->n_cols) < 0 ||
                grow((void **)&lx->lines, r, sizeof *lx->lines) < 0) {
                free(data);
                return VB_ERR_NOMEM;
            }
            size_t ncols = 1;
            for (char *q = line; *q; q++)
                ncols += *q == '\t';
            lx->rows[r] = xcalloc(ncols, sizeof(char *));
            char *cell = line;
            for (size_t j = 0; j < ncols; j++) {
                char *tab = strchr(cell, '\t');
                size_t cl = tab ? (size_t)(tab - cell) : strlen(cell);
                lx->rows[r][j] = vb_strndup(cell, cl);
                cell = tab ? tab + 1 : cell + cl;
            }
            lx->n_cols[r] = ncols;
            lx->lines[r] = lineno;
            lx->n_rows++;
        }
    }
    free(data);
    return VB_OK;
}

const vb_lexicon *vb_ruleset_lexicon(const vb_ruleset *rs, const char *name)
{
    for (size_t i = 0; i < rs->n_lex; i++)
        if (strcmp(rs->lex[i].name, name) == 0)
            return &rs->lex[i];
    return NULL;
}

static int cmp_len_desc(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t lx = strlen(x), ly = strlen(y);
    if (lx != ly)
        return lx > ly ? -1 : 1;
    return strcmp(x, y);
}

/* "@doc-types.tsv:2" or "@fold:doc-types.tsv:2": an alternation of the cells of
 * one column (cells may hold several variants separated by '|'), longest first,
 * regex-escaped. */
static int lexicon_alternation(vb_ruleset *rs, const char *ref, srcpos at, vb_buf *out)
{
    int fold = 0, upper = 0;
    if (strncmp(ref, "fold:", 5) == 0)
        fold = 1, ref += 5;
    else if (strncmp(ref, "upper:", 6) == 0)
        upper = 1, ref += 6;
    char name[256];
    size_t cols[8], n_cols = 0;
    const char *colon = strrchr(ref, ':');
    size_t nl = colon ? (size_t)(colon - ref) : strlen(ref);
    if (colon) {
        /* ":2" or ":1+2" */
        const char *c = colon + 1;
        for (;;) {
            char *e;
            long v = strtol(c, &e, 10);
            if (e == c || v < 1 || n_cols == 8 || (*e && *e != '+')) {
                diag_at(rs, at.file, at.line, at.col, "bad lexicon column in '@%s'", ref);
                return -1;
            }
            cols[n_cols++] = (size_t)v;
            if (!*e)
                break;
            c = e + 1;
        }
    } else {
        cols[n_cols++] = 1;
    }
    if (nl >= sizeof name)
        nl = sizeof name - 1;
    memcpy(name, ref, nl);
    name[nl] = '\0';
    const vb_lexicon *lx = vb_ruleset_lexicon(rs, name);
    if (!lx) {
        diag_at(rs, at.file, at.line, at.col, "unknown lexicon '%s'", name);
        return -1;
    }
    char **items = NULL;
    size_t n = 0;
    for (size_t ri = 0; ri < lx->n_rows * n_cols; ri++) {
        size_t i = ri / n_cols, col = cols[ri % n_cols];
        if (lx->n_cols[i] < col || !*lx->rows[i][col - 1])
            continue;
        const char *c = lx->rows[i][col - 1];
        while (*c) {
            const char *bar = strchr(c, '|');
            size_t l = bar ? (size_t)(bar - c) : strlen(c);
            char *item = NULL;
            if (fold) {
                size_t fl;
                vb_error e;
                if (vb_fold(c, l, &item, &fl, NULL, &e) != VB_OK)
                    item = NULL;
            } else if (upper) {
                item = vb_case_upper(c, l);
            } else {
                item = vb_strndup(c, l);
            }
            if (item && *item && grow((void **)&items, n, sizeof *items) == 0)
                items[n++] = item;
            else
                free(item);
            c = bar ? bar + 1 : c + l;
        }
    }
    if (!n) {
        diag_at(rs, at.file, at.line, at.col, "lexicon '%s' has no entries in column %zu", name,
                cols[0]);
        free(items);
        return -1;
    }
    qsort(items, n, sizeof *items, cmp_len_desc);
    vb_buf_puts(out, "(?:");
    for (size_t i = 0; i < n; i++) {
        if (i && strcmp(items[i], items[i - 1]) == 0)
            continue;
        if (out->data[out->len - 1] != ':')
            vb_buf_putc(out, '|');
        for (const char *c = items[i]; *c; c++) {
            if (strchr("\\^$.|?*+()[]{}#", *c))
                vb_buf_putc(out, '\\');
            if (*c == ' ')
                vb_buf_puts(out, "\\s+");
            else
                vb_buf_putc(out, *c);
        }
    }
    vb_buf_putc(out, ')');
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
    return 0;
}

/* ---- variables and expansion ---- */

static variable *var_find(vb_ruleset *rs, const char *name, size_t len)
{
    for (size_t i = 0; i < rs->n_vars; i++)
        if (strlen(rs->vars[i].name) == len && memcmp(rs->vars[i].name, name, len) == 0)
            return &rs->vars[i];
    return NULL;
}

static int is_var_start(char c)
{
    return (c >= 'A' && c <= 'Z') || c == '_';
}
static int is_var_char(char c)
{
    return is_var_start(c) || (c >= '0' && c <= '9');
}

static int var_expand(vb_ruleset *rs, variable *v);

/* Expand $NAME references of src into out, with the source position of every
 * output byte in pos. Returns -1 if any reference failed (all reported). */
static int expand(vb_ruleset *rs, const vb_buf *src, const posbuf *spos, vb_buf *out, posbuf *opos)
{
    int ok = 0;
    for (size_t i = 0; i < src->len; i++) {
        const char *s = src->data;
        srcpos here = spos->p[i];
        if (s[i] == '\\' && i + 1 < src->len) {
            vb_buf_append(out, s + i, 2);
            posbuf_push(opos, here);
            posbuf_push(opos, spos->p[i + 1]);
            i++;
            continue;
        }
        if (s[i] == '$' && i + 1 < src->len && is_var_start(s[i + 1])) {
            size_t j = i + 1;
            while (j < src->len && is_var_char(s[j]))
                j++;
            variable *v = var_find(rs, s + i + 1, j - i - 1);
            if (!v) {
                diag_at(rs, here.file, here.line, here.col, "undefined variable $%.*s",
                        (int)(j - i - 1), s + i + 1);
                ok = -1;
            } else if (v->state == 1) {
                diag_at(rs, here.file, here.line, here.col, "variable $%s refers to itself",
                        v->name);
                ok = -1;
            } else if (var_expand(rs, v) < 0) {
                ok = -1;
            } else {
                vb_buf_puts(out, "(?:");
                for (int k = 0; k < 3; k++)
                    posbuf_push(opos, here);
                vb_buf_append(out, v->exp.data, v->exp.len);
                for (size_t k = 0; k < v->exp.len; k++)
                    posbuf_push(opos, v->exp_pos.p[k]);
                vb_buf_putc(out, ')');
                posbuf_push(opos, here);
            }
            i = j - 1;
            continue;
        }
        vb_buf_putc(out, s[i]);
        posbuf_push(opos, here);
    }
    if (!out->data)
        vb_buf_puts(out, "");
    return ok;
}

static int var_expand(vb_ruleset *rs, variable *v)
{
    if (v->state == 2)
        return 0;
    if (v->state == 3)
        return -1;
    v->state = 1;
    int r;
    if (v->src.len && v->src.data[0] == '@') {
        r = lexicon_alternation(rs, v->src.data + 1, v->src_pos.p[0], &v->exp);
        for (size_t k = 0; r == 0 && k < v->exp.len; k++)
            posbuf_push(&v->exp_pos, v->src_pos.p[0]);
    } else {
        r = expand(rs, &v->src, &v->src_pos, &v->exp, &v->exp_pos);
    }
    v->state = r < 0 ? 3 : 2;
    return r;
}

/* ---- parsing ---- */

static void example_free(example *e)
{
    free(e->text);
    for (size_t i = 0; i < e->n_want; i++) {
        free(e->want_field[i]);
        free(e->want_value[i]);
    }
    free(e->want_field);
    free(e->want_value);
    free(e->want_line);
    free(e->want_col);
}

static void rule_free(vb_rule *r)
{
    free(r->id);
    vb_buf_free(&r->src);
    free(r->src_pos.p);
    for (size_t i = 0; i < r->n_prefilters; i++)
        free(r->prefilters[i]);
    free(r->prefilters);
    free(r->prefilter_len);
    for (size_t i = 0; i < r->n_fields; i++)
        free(r->fields[i]);
    for (size_t i = 0; i < r->n_ex; i++)
        example_free(&r->ex[i]);
    free(r->ex);
    pcre2_match_data_free(r->md);
    pcre2_code_free(r->code);
}

/* Append the value [v, v+len) of line `line` (value starting at byte voff of
 * `text`) to a pattern buffer with its positions. */
static void append_src(vb_buf *b, posbuf *pos, const char *file, int line, const char *text,
                       size_t voff, size_t len)
{
    int col = char_col(text, voff);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[voff + i];
        if (i && (c & 0xC0) != 0x80)
            col++;
        vb_buf_putc(b, (char)c);
        posbuf_push(pos, (srcpos){file, line, col});
    }
}

static vb_status parse_file(vb_ruleset *rs, const char *path)
{
    unsigned char *data;
    size_t len;
    vb_error e;
    if (vb_read_file(path, 16u << 20, &data, &len, &e) != VB_OK) {
        diag_at(rs, path, 0, 0, "cannot read rule file: %s", e.message);
        return VB_OK;
    }
    vb_rule *cur = NULL;
    example *last_match = NULL;
    char *p = (char *)data, *end = p + len;
    int lineno = 0;
    while (p < end) {
        char *line = next_line(rs, path, &p, end, &lineno);
        if (!line) {
            if (cur)
                cur->bad = 1;
            continue;
        }
        size_t k = 0;
        while (is_space(line[k]))
            k++;
        if (!line[k] || line[k] == '#')
            continue;
        size_t kw = k, kwe = k;
        while (line[kwe] && !is_space(line[kwe]))
            kwe++;
        size_t v = kwe;
        while (is_space(line[v]))
            v++;
        size_t ve = strlen(line);
        while (ve > v && is_space(line[ve - 1]))
            ve--;
        size_t kwlen = kwe - kw, vlen = ve - v;
        const char *val = line + v;
        int kcol = char_col(line, kw), vcol = char_col(line, v);
#define KW(s) (kwlen == strlen(s) && memcmp(line + kw, s, kwlen) == 0)

        if (line[kw] == '$') {
            /* $NAME = value */
            size_t n = kw + 1;
            while (is_var_char(line[n]))
                n++;
            if (n == kw + 1 || !is_var_start(line[kw + 1]) || n != kwe || vlen == 0 ||
                val[0] != '=') {
                diag_at(rs, path, lineno, kcol,
                        "expected '$NAME = pattern' (names are A-Z, 0-9 and _)");
                continue;
            }
            size_t vv = v + 1;
            while (is_space(line[vv]))
                vv++;
            variable *old = var_find(rs, line + kw + 1, n - kw - 1);
            if (old) {
                diag_at(rs, path, lineno, kcol, "variable $%s redefined (first defined at %s:%d)",
                        old->name, old->file, old->line);
                continue;
            }
            if (vv >= ve) {
                diag_at(rs, path, lineno, kcol, "variable $%.*s is empty", (int)(n - kw - 1),
                        line + kw + 1);
                continue;
            }
            if (grow((void **)&rs->vars, rs->n_vars, sizeof *rs->vars) < 0)
                return VB_ERR_NOMEM;
            cur = NULL; /* a definition ends the rule before it */
            last_match = NULL;
            variable *var = &rs->vars[rs->n_vars++];
            var->name = vb_strndup(line + kw + 1, n - kw - 1);
            var->file = path;
            var->line = lineno;
            var->col = kcol;
            append_src(&var->src, &var->src_pos, path, lineno, line, vv, ve - vv);
            continue;
        }
        if (KW("rule")) {
            last_match = NULL;
            if (!vlen || memchr(val, ' ', vlen) || memchr(val, '\t', vlen)) {
                diag_at(rs, path, lineno, kcol, "'rule' needs one id");
                cur = NULL;
                continue;
            }
            for (size_t i = 0; i < rs->n_rules; i++) {
                if (strlen(rs->rules[i].id) == vlen && memcmp(rs->rules[i].id, val, vlen) == 0) {
                    diag_at(rs, path, lineno, vcol, "duplicate rule id '%.*s' (first at %s:%d)",
                            (int)vlen, val, rs->rules[i].file, rs->rules[i].line);
                    break;
                }
            }
            int dup = 0;
            for (size_t i = 0; i < rs->n_rules && !dup; i++)
                dup = strlen(rs->rules[i].id) == vlen && !memcmp(rs->rules[i].id, val, vlen);
            if (grow((void **)&rs->rules, rs->n_rules, sizeof *rs->rules) < 0)
                return VB_ERR_NOMEM;
            cur = &rs->rules[rs->n_rules++];
            cur->bad = dup;
            cur->id = vb_strndup(val, vlen);
            cur->file = path;
            cur->line = lineno;
            cur->col = kcol;
            continue;
        }
        if (!cur) {
            diag_at(rs, path, lineno, kcol, "'%.*s' outside a rule (start one with 'rule ID')",
                    (int)kwlen, line + kw);
            continue;
        }
        if (KW("pattern")) {
            if (!vlen) {
                diag_at(rs, path, lineno, kcol, "empty pattern");
                cur->bad = 1;
                continue;
            }
            append_src(&cur->src, &cur->src_pos, path, lineno, line, v, vlen);
            cur->end_pos = (srcpos){path, lineno, char_col(line, ve)};
            cur->has_pattern = 1;
        } else if (KW("flags")) {
            size_t i = 0;
            while (i < vlen) {
                size_t j = i;
                while (j < vlen && !is_space(val[j]))
                    j++;
                const char *f = val + i;
                size_t fl = j - i;
                if (fl == 9 && !memcmp(f, "multiline", 9))
                    cur->flags |= PCRE2_MULTILINE;
                else if (fl == 8 && !memcmp(f, "caseless", 8))
                    cur->flags |= PCRE2_CASELESS;
                else if (fl == 6 && !memcmp(f, "dotall", 6))
                    cur->flags |= PCRE2_DOTALL;
                else {
                    diag_at(rs, path, lineno, char_col(line, v + i),
                            "unknown flag '%.*s' (multiline, caseless, dotall)", (int)fl, f);
                    cur->bad = 1;
                }
                while (j < vlen && is_space(val[j]))
                    j++;
                i = j;
            }
        } else if (KW("on")) {
            if (vlen == 4 && !memcmp(val, "text", 4))
                cur->on_fold = 0;
            else if (vlen == 4 && !memcmp(val, "fold", 4))
                cur->on_fold = 1;
            else {
                diag_at(rs, path, lineno, vcol, "'on' is 'text' or 'fold', not '%.*s'", (int)vlen,
                        val);
                cur->bad = 1;
            }
        } else if (KW("prefilter")) {
            char *lit;
            size_t ll, bad;
            int r = vlen ? unescape(val, vlen, &lit, &ll, &bad) : -3;
            if (r == -3) {
                diag_at(rs, path, lineno, kcol, "empty prefilter");
                cur->bad = 1;
            } else if (r < 0) {
                diag_at(rs, path, lineno, char_col(line, v + bad), "unknown escape '\\%c'",
                        val[bad + 1]);
                cur->bad = 1;
            } else {
                size_t n = cur->n_prefilters;
                if (grow((void **)&cur->prefilters, n, sizeof(char *)) < 0 ||
                    grow((void **)&cur->prefilter_len, n, sizeof(size_t)) < 0)
                    return VB_ERR_NOMEM;
                cur->prefilters[n] = lit;
                cur->prefilter_len[n] = ll;
                cur->n_prefilters++;
            }
        } else if (KW("fields")) {
            cur->fields_line = lineno;
            cur->fields_col = vcol;
            size_t i = 0;
            while (i < vlen) {
                size_t j = i;
                while (j < vlen && !is_space(val[j]))
                    j++;
                if (cur->n_fields == VB_RULE_MAX_FIELDS) {
                    diag_at(rs, path, lineno, char_col(line, v + i), "more than %d fields",
                            VB_RULE_MAX_FIELDS);
                    cur->bad = 1;
                    break;
                }
                cur->fields[cur->n_fields++] = vb_strndup(val + i, j - i);
                while (j < vlen && is_space(val[j]))
                    j++;
                i = j;
            }
        } else if (KW("match") || KW("nomatch")) {
            size_t n = cur->n_ex, bad;
            if (grow((void **)&cur->ex, n, sizeof *cur->ex) < 0)
                return VB_ERR_NOMEM;
            example *ex = &cur->ex[n];
            int r = unescape(val, vlen, &ex->text, &ex->len, &bad);
            if (r < 0) {
                diag_at(rs, path, lineno, char_col(line, v + bad), "unknown escape '\\%c'",
                        val[bad + 1]);
                cur->bad = 1;
                last_match = NULL;
                continue;
            }
            ex->line = lineno;
            ex->col = vcol;
            ex->positive = KW("match");
            cur->n_ex++;
            last_match = ex->positive ? ex : NULL;
        } else if (KW("expect")) {
            if (!last_match) {
                diag_at(rs, path, lineno, kcol, "'expect' must follow a 'match' example");
                cur->bad = 1;
                continue;
            }
            size_t j = 0;
            while (j < vlen && !is_space(val[j]))
                j++;
            size_t vs = j;
            while (vs < vlen && is_space(val[vs]))
                vs++;
            if (!j) {
                diag_at(rs, path, lineno, kcol, "'expect' needs a field name");
                cur->bad = 1;
                continue;
            }
            example *ex = last_match;
            size_t n = ex->n_want, bad, wl;
            char *want = NULL;
            if (vs < vlen && unescape(val + vs, vlen - vs, &want, &wl, &bad) < 0) {
                diag_at(rs, path, lineno, char_col(line, v + vs + bad), "unknown escape '\\%c'",
                        val[vs + bad + 1]);
                cur->bad = 1;
                continue;
            }
            if (grow((void **)&ex->want_field, n, sizeof(char *)) < 0 ||
                grow((void **)&ex->want_value, n, sizeof(char *)) < 0 ||
                grow((void **)&ex->want_line, n, sizeof(int)) < 0 ||
                grow((void **)&ex->want_col, n, sizeof(int)) < 0)
                return VB_ERR_NOMEM;
            ex->want_field[n] = vb_strndup(val, j);
            ex->want_value[n] = want;
            ex->want_line[n] = lineno;
            ex->want_col[n] = vcol;
            ex->n_want++;
        } else {
            diag_at(rs, path, lineno, kcol,
                    "unknown keyword '%.*s' (rule, on, flags, prefilter, pattern, fields, "
                    "match, expect, nomatch)",
                    (int)kwlen, line + kw);
            cur->bad = 1;
        }
#undef KW
    }
    free(data);
    return VB_OK;
}

/* ---- compiling ---- */

static int field_index(const vb_rule *r, const char *name, size_t len)
{
    for (size_t i = 0; i < r->n_fields; i++)
        if (strlen(r->fields[i]) == len && memcmp(r->fields[i], name, len) == 0)
            return (int)i;
    return -1;
}

static void rule_compile(vb_ruleset *rs, vb_rule *r)
{
    if (!r->has_pattern) {
        diag_at(rs, r->file, r->line, r->col, "rule '%s' has no pattern", r->id);
        r->bad = 1;
        return;
    }
    vb_buf exp = {0};
    posbuf pos = {0};
    if (expand(rs, &r->src, &r->src_pos, &exp, &pos) < 0) {
        r->bad = 1;
        vb_buf_free(&exp);
        free(pos.p);
        return;
    }
    posbuf_push(&pos, r->end_pos);
    int ec;
    PCRE2_SIZE eoff;
    uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_DUPNAMES | r->flags;
    r->code = pcre2_compile((PCRE2_SPTR)exp.data, exp.len, opts, &ec, &eoff, NULL);
    if (!r->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        srcpos at = pos.p[eoff < pos.len ? eoff : pos.len - 1];
        if (strcmp(at.file, r->file) == 0 && at.line >= r->line)
            diag_at(rs, at.file, at.line, at.col, "rule '%s': pattern error: %s", r->id,
                    (char *)msg);
        else
            diag_at(rs, at.file, at.line, at.col,
                    "rule '%s': pattern error in a variable it uses: %s", r->id, (char *)msg);
        r->bad = 1;
        vb_buf_free(&exp);
        free(pos.p);
        return;
    }
    vb_buf_free(&exp);
    free(pos.p);
    /* JIT when the platform has it; the interpreter otherwise. */
    (void)pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE);
    r->md = pcre2_match_data_create_from_pattern(r->code, NULL);

    uint32_t count = 0, entsz = 0;
    PCRE2_SPTR table = NULL;
    pcre2_pattern_info(r->code, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(r->code, PCRE2_INFO_NAMEENTRYSIZE, &entsz);
    pcre2_pattern_info(r->code, PCRE2_INFO_NAMETABLE, &table);
    int fl = r->fields_line ? r->fields_line : r->line;
    int fc = r->fields_line ? r->fields_col : r->col;
    for (uint32_t i = 0; i < count; i++) {
        PCRE2_SPTR ent = table + (size_t)i * entsz;
        uint32_t num = ((uint32_t)ent[0] << 8) | ent[1];
        const char *name = (const char *)ent + 2;
        int fi = field_index(r, name, strlen(name));
        if (fi < 0) {
            diag_at(rs, r->file, fl, fc, "rule '%s': named group '%s' is not listed in 'fields'",
                    r->id, name);
            r->bad = 1;
        } else if (r->n_groups[fi] < VB_MAX_GROUPS_PER_FIELD) {
            r->groups[fi][r->n_groups[fi]++] = num;
        }
    }
    for (size_t i = 0; i < r->n_fields; i++) {
        if (!r->n_groups[i]) {
            diag_at(rs, r->file, fl, fc,
                    "rule '%s': field '%s' is not a named group of the pattern", r->id,
                    r->fields[i]);
            r->bad = 1;
        }
    }
    for (size_t i = 0; i < r->n_ex; i++) {
        example *ex = &r->ex[i];
        for (size_t j = 0; j < ex->n_want; j++)
            if (field_index(r, ex->want_field[j], strlen(ex->want_field[j])) < 0) {
                diag_at(rs, r->file, ex->want_line[j], ex->want_col[j],
                        "rule '%s': 'expect' names '%s', which is not a field", r->id,
                        ex->want_field[j]);
                r->bad = 1;
            }
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a > b && strcmp(s + a - b, suf) == 0;
}

vb_status vb_ruleset_load(vb_ruleset **out, const char *dir, int keep_on_error, vb_diag_fn diag,
                          void *user, int *n_ok, int *n_bad, vb_error *err)
{
    *out = NULL;
    if (n_ok)
        *n_ok = 0;
    if (n_bad)
        *n_bad = 0;
    vb_ruleset *rs = calloc(1, sizeof *rs);
    if (!rs)
        return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    rs->diag = diag;
    rs->user = user;
    DIR *d = opendir(dir);
    if (!d) {
        vb_ruleset_free(&rs);
        vb_error_at(err, dir, 0, 0);
        return vb_error_set(err, VB_ERR_RULES, "cannot open the rules directory");
    }
    struct dirent *de;
    char **names = NULL;
    size_t n = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' ||
            !(has_suffix(de->d_name, ".rules") || has_suffix(de->d_name, ".tsv")))
            continue;
        if (grow((void **)&names, n, sizeof *names) == 0)
            names[n++] = strdup(de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    rs->files = calloc(n ? n : 1, sizeof *rs->files);
    int n_rule_files = 0;
    vb_status st = VB_OK;
    /* Lexicons first: variables refer to them. */
    for (int pass = 0; pass < 2 && st == VB_OK; pass++) {
        for (size_t i = 0; i < n && st == VB_OK; i++) {
            int tsv = has_suffix(names[i], ".tsv");
            if (tsv != (pass == 0))
                continue;
            vb_buf path = {0};
            vb_buf_printf(&path, "%s/%s", dir, names[i]);
            rs->files[rs->n_files++] = path.data;
            if (tsv) {
                st = lexicon_load(rs, path.data, names[i], err);
            } else {
                n_rule_files++;
                st = parse_file(rs, path.data);
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (st != VB_OK) {
        vb_ruleset_free(&rs);
        return vb_error_set(err, st, "out of memory loading rules");
    }
    if (!n_rule_files) {
        vb_ruleset_free(&rs);
        vb_error_at(err, dir, 0, 0);
        return vb_error_set(err, VB_ERR_RULES, "no rule files (*.rules) in the directory");
    }
    for (size_t i = 0; i < rs->n_rules; i++)
        if (!rs->rules[i].bad)
            rule_compile(rs, &rs->rules[i]);
    int good = 0, bad = 0;
    for (size_t i = 0; i < rs->n_rules; i++)
        rs->rules[i].bad ? bad++ : good++;
    if (n_ok)
        *n_ok = good;
    if (n_bad)
        *n_bad = bad;
    rs->mctx = pcre2_match_context_create(NULL);
    rs->jit_stack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
    if (!rs->mctx) {
        vb_ruleset_free(&rs);
        return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    }
    pcre2_set_match_limit(rs->mctx, VB_MATCH_LIMIT);
    pcre2_set_depth_limit(rs->mctx, VB_DEPTH_LIMIT);
    if (rs->jit_stack)
        pcre2_jit_stack_assign(rs->mctx, NULL, rs->jit_stack);
    if (rs->n_errors) {
        int errors = rs->n_errors;
        if (keep_on_error)
            *out = rs;
        else
            vb_ruleset_free(&rs);
        vb_error_at(err, dir, 0, 0);
        return vb_error_set(err, VB_ERR_RULES, "%d error%s in the rules (%d rule%s good, %d bad)",
                            errors, errors == 1 ? "" : "s", good, good == 1 ? "" : "s", bad);
    }
    *out = rs;
    return VB_OK;
}

void vb_ruleset_free(vb_ruleset **prs)
{
    if (!prs || !*prs)
        return;
    vb_ruleset *rs = *prs;
    for (size_t i = 0; i < rs->n_rules; i++)
        rule_free(&rs->rules[i]);
    free(rs->rules);
    for (size_t i = 0; i < rs->n_vars; i++) {
        variable *v = &rs->vars[i];
        free(v->name);
        vb_buf_free(&v->src);
        vb_buf_free(&v->exp);
        free(v->src_pos.p);
        free(v->exp_pos.p);
    }
    free(rs->vars);
    for (size_t i = 0; i < rs->n_lex; i++)
        lexicon_free(&rs->lex[i]);
    free(rs->lex);
    for (size_t i = 0; i < rs->n_files; i++)
        free(rs->files[i]);
    free(rs->files);
    pcre2_match_context_free(rs->mctx);
    pcre2_jit_stack_free(rs->jit_stack);
    free(rs);
    *prs = NULL;
}

/* ---- matching ---- */

size_t vb_ruleset_family(const vb_ruleset *rs, const char *family, vb_rule **out, size_t max)
{
    size_t fl = strlen(family), n = 0;
    for (size_t i = 0; i < rs->n_rules && n < max; i++) {
        const char *id = rs->rules[i].id;
        if (strncmp(id, family, fl) == 0 && (id[fl] == '\0' || id[fl] == '.'))
            out[n++] = &rs->rules[i];
    }
    return n;
}

const char *vb_rule_id(const vb_rule *r)
{
    return r->id;
}
int vb_rule_on_fold(const vb_rule *r)
{
    return r->on_fold;
}

/* First fold offset whose text offset is >= off. */
static size_t fold_from_text(const vb_text *t, size_t off)
{
    size_t lo = 0, hi = t->fold_len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->fold_map[mid] < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int vb_rule_find(vb_rule *r, vb_ruleset *rs, const vb_text *t, size_t from, size_t to, vb_hit *hit)
{
    const char *subj;
    size_t len;
    if (!r->code)
        return VB_MATCH_NONE;
    if (to > t->len)
        to = t->len;
    if (from >= to)
        return VB_MATCH_NONE;
    if (r->on_fold) {
        if (!t->fold)
            return VB_MATCH_NONE;
        subj = t->fold;
        from = fold_from_text(t, from);
        len = fold_from_text(t, to);
    } else {
        subj = t->text;
        while (from < to && ((unsigned char)subj[from] & 0xC0) == 0x80)
            from++;
        len = to;
    }
    if (r->n_prefilters) {
        size_t i;
        for (i = 0; i < r->n_prefilters; i++)
            if (memmem(subj + from, len - from, r->prefilters[i], r->prefilter_len[i]))
                break;
        if (i == r->n_prefilters)
            return VB_MATCH_NONE;
    }
    int rc = pcre2_match(r->code, (PCRE2_SPTR)subj, len, from, PCRE2_NO_UTF_CHECK, r->md, rs->mctx);
    if (rc == PCRE2_ERROR_NOMATCH)
        return VB_MATCH_NONE;
    if (rc < 0)
        return VB_MATCH_LIMIT;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
    uint32_t pairs = pcre2_get_ovector_count(r->md);
    memset(hit, 0, sizeof *hit);
    hit->rule = r;
    hit->start = r->on_fold ? vb_text_from_fold(t, ov[0]) : ov[0];
    hit->end = r->on_fold ? vb_text_from_fold(t, ov[1]) : ov[1];
    hit->n_fields = r->n_fields;
    for (size_t f = 0; f < r->n_fields; f++) {
        hit->field_names[f] = r->fields[f];
        hit->fs[f] = hit->fe[f] = VB_NOPOS;
        for (size_t g = 0; g < r->n_groups[f]; g++) {
            uint32_t gn = r->groups[f][g];
            if (gn < pairs && ov[2 * gn] != PCRE2_UNSET) {
                size_t s = ov[2 * gn], e = ov[2 * gn + 1];
                hit->fs[f] = r->on_fold ? vb_text_from_fold(t, s) : s;
                hit->fe[f] = r->on_fold ? vb_text_from_fold(t, e) : e;
                break;
            }
        }
    }
    return VB_MATCH_FOUND;
}

int vb_hit_field(const vb_hit *h, const char *name, size_t *s, size_t *e)
{
    for (size_t f = 0; f < h->n_fields; f++)
        if (strcmp(h->field_names[f], name) == 0) {
            if (h->fs[f] == VB_NOPOS)
                return 0;
            *s = h->fs[f];
            *e = h->fe[f];
            return 1;
        }
    return 0;
}

/* ---- checking ---- */

/* Build a vb_text over an example (with a fold key for fold rules). */
static int example_text(const example *ex, int fold, vb_text *t)
{
    memset(t, 0, sizeof *t);
    t->text = ex->text;
    t->len = ex->len;
    if (!fold)
        return 0;
    vb_error e;
    size_t *map = NULL;
    if (vb_fold(ex->text, ex->len, &t->fold, &t->fold_len, &map, &e) != VB_OK)
        return -1;
    t->fold_map = malloc((t->fold_len + 1) * sizeof *t->fold_map);
    if (!t->fold_map) {
        free(map);
        free(t->fold);
        return -1;
    }
    memcpy(t->fold_map, map, t->fold_len * sizeof *map);
    t->fold_map[t->fold_len] = t->len;
    free(map);
    return 0;
}

static void check_rule(vb_ruleset *rs, vb_rule *r)
{
    size_t positives = 0;
    for (size_t i = 0; i < r->n_ex; i++) {
        example *ex = &r->ex[i];
        positives += ex->positive;
        vb_text t;
        if (example_text(ex, r->on_fold, &t) < 0) {
            diag_at(rs, r->file, ex->line, ex->col, "rule '%s': cannot fold the example", r->id);
            r->bad = 1;
            continue;
        }
        vb_hit hit;
        int m = vb_rule_find(r, rs, &t, 0, t.len, &hit);
        if (m == VB_MATCH_LIMIT) {
            diag_at(rs, r->file, ex->line, ex->col,
                    "rule '%s': match limit exceeded on this example (the pattern backtracks "
                    "too much)",
                    r->id);
            r->bad = 1;
        } else if (ex->positive && m == VB_MATCH_NONE) {
            int pre = !r->n_prefilters;
            for (size_t k = 0; k < r->n_prefilters && !pre; k++)
                pre = memmem(r->on_fold ? t.fold : t.text, r->on_fold ? t.fold_len : t.len,
                             r->prefilters[k], r->prefilter_len[k]) != NULL;
            diag_at(rs, r->file, ex->line, ex->col, "rule '%s': example does not match%s", r->id,
                    pre ? "" : " (it holds none of the prefilter literals)");
            r->bad = 1;
        } else if (!ex->positive && m == VB_MATCH_FOUND) {
            diag_at(rs, r->file, ex->line, ex->col,
                    "rule '%s': example must not match, but matched \"%.*s\"", r->id,
                    (int)(hit.end - hit.start), ex->text + hit.start);
            r->bad = 1;
        } else if (ex->positive) {
            for (size_t j = 0; j < ex->n_want; j++) {
                size_t s, e;
                const char *got = "";
                int gl = 0;
                if (vb_hit_field(&hit, ex->want_field[j], &s, &e)) {
                    got = ex->text + s;
                    gl = (int)(e - s);
                }
                const char *want = ex->want_value[j] ? ex->want_value[j] : "";
                if ((size_t)gl != strlen(want) || memcmp(got, want, (size_t)gl) != 0) {
                    diag_at(rs, r->file, ex->want_line[j], ex->want_col[j],
                            "rule '%s': field '%s' is \"%.*s\", expected \"%s\"", r->id,
                            ex->want_field[j], gl, got, want);
                    r->bad = 1;
                }
            }
        }
        if (r->on_fold) {
            free(t.fold);
            free(t.fold_map);
        }
    }
    if (!positives) {
        diag_at(rs, r->file, r->line, r->col, "rule '%s' has no example that must match ('match')",
                r->id);
        r->bad = 1;
    }
}

void vb_ruleset_check(vb_ruleset *rs, vb_diag_fn diag, void *user, int *n_ok, int *n_bad)
{
    rs->diag = diag;
    rs->user = user;
    int good = 0, bad = 0;
    for (size_t i = 0; i < rs->n_rules; i++) {
        vb_rule *r = &rs->rules[i];
        if (!r->bad)
            check_rule(rs, r);
        r->bad ? bad++ : good++;
    }
    if (n_ok)
        *n_ok = good;
    if (n_bad)
        *n_bad = bad;
}

int vb_ruleset_errors(const vb_ruleset *rs)
{
    return rs->n_errors;
}
