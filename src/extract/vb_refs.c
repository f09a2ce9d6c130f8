/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * References: every cited document once per canonical symbol, with each place
 * it is mentioned. Patterns are in rules/refs.rules: ref.cite finds a symbol
 * (with its type word), then ref.date, ref.issuer and ref.title are tried
 * anchored right after it. Citations in a "Căn cứ ...;" paragraph are the legal
 * basis. Short forms ("Thông tư số 124") are resolved to a full citation found
 * elsewhere in the text, never guessed.
 */
#include "vb_extract_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

#define BASIS_MAX_LINES 20

typedef struct cite {
    size_t start, end;     /* the mention: type word (if any) to symbol end */
    size_t sym_s, sym_e;   /* the symbol */
    size_t word_s, word_e; /* the type word, word_s == word_e if none */
    int fold;
} cite;

typedef struct cites {
    cite *v;
    size_t n, cap;
} cites;

static int cites_push(cites *c, cite x)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        cite *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return -1;
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = x;
    return 0;
}

static int cmp_cite(const void *a, const void *b)
{
    const cite *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int overlaps(const cites *c, size_t s, size_t e)
{
    /* c is sorted by start; spans do not nest */
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->v[mid].end <= s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->n && c->v[lo].start < e;
}

/* The symbols in [from, to) found by the ref.cite rules on the text (fold =
 * 0) or on the fold key (1, where text_hits found none). */
static int collect(vb_extract *ex, const vb_text *t, size_t from, size_t to, int fold,
                   const cites *text_hits, cites *out)
{
    size_t pos = from;
    vb_hit h;
    while (pos < to && vb_find_kind(ex, "ref.cite", fold, t, pos, to, &h)) {
        size_t ss, se, ws = 0, we = 0;
        pos = h.end > pos ? h.end : pos + 1;
        if (!vb_hit_field(&h, "symbol", &ss, &se))
            continue;
        /* the type word just before the symbol ("Thông tư số ") */
        vb_hit wh;
        size_t from = ss > 80 ? ss - 80 : 0;
        if (!(vb_find(ex, "ref.word", t, from, ss, &wh) && vb_hit_field(&wh, "word", &ws, &we)))
            ws = we = ss;
        if (fold) {
            if (text_hits && overlaps(text_hits, ss, se))
                continue;
            /* the fold key has no case: the symbol must be in capitals in the text */
            int up, lo;
            vb_case_count(t->text + ss, se - ss, &up, &lo);
            if (up < 2 || lo > 2)
                continue;
        }
        cite c = {ws < ss ? ws : ss, se, ss, se, ws, we, fold};
        if (cites_push(out, c) < 0)
            return -1;
    }
    return 0;
}

/* Every symbol in [from, to), text hits first, sorted by position. */
static int collect_all(vb_extract *ex, const vb_text *t, size_t from, size_t to, cites *out)
{
    cites fold_hits = {0};
    int rc = 0;
    if (collect(ex, t, from, to, 0, NULL, out) < 0 ||
        collect(ex, t, from, to, 1, out, &fold_hits) < 0)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < fold_hits.n; i++)
        if (cites_push(out, fold_hits.v[i]) < 0)
            rc = -1;
    free(fold_hits.v);
    if (rc == 0 && out->n)
        qsort(out->v, out->n, sizeof *out->v, cmp_cite);
    return rc;
}

/* The symbol as written with the specks ref.cite lets through put right: a
 * quote-like speck inside a code's letters goes ("124/2021/T'T-BCA"), a colon
 * stands for a dash ("06/CT:BCA-V05", "80:KL/TW"). malloc'd. */
static char *despeck(const char *s, size_t len)
{
    vb_buf b = {0};
    vb_status st = VB_OK;
    for (size_t i = 0; st == VB_OK && i < len; i++) {
        if (s[i] == '\'' || s[i] == '`')
            continue;
        if (len - i >= 3 && (memcmp(s + i, "’", 3) == 0 || memcmp(s + i, "‘", 3) == 0)) {
            i += 2;
            continue;
        }
        st = vb_buf_putc(&b, s[i] == ':' ? '-' : s[i]);
    }
    if (st != VB_OK) {
        vb_buf_free(&b);
        return NULL;
    }
    return vb_buf_steal(&b, NULL);
}

/* D, Đ, Ð, d, đ: a slip between two of them is the one that tells HD from HĐ
 * and DA from ĐA, which no type word may decide. */
static int d_like(UChar32 c)
{
    return c == 'D' || c == 'd' || c == 0x110 || c == 0x111 || c == 0xD0;
}

/* Is the code segment [s, s+n) one OCR slip from `code`: one letter more
 * ("TTTr" for TTr, "QĐÐ" for QĐ), one less, or one other ("TTT")? */
static int one_slip(const char *s, size_t n, const char *code)
{
    UChar32 a[16], b[16];
    int na = 0, nb = 0;
    for (int32_t i = 0; (size_t)i < n;) {
        if (na == 16)
            return 0;
        U8_NEXT(s, i, (int32_t)n, a[na]);
        na++;
    }
    for (int32_t i = 0, m = (int32_t)strlen(code); i < m;) {
        if (nb == 16)
            return 0;
        U8_NEXT(code, i, m, b[nb]);
        nb++;
    }
    int p = 0;
    while (p < na && p < nb && a[p] == b[p])
        p++;
    int q = 0; /* common suffix, not overlapping the prefix */
    while (q < na - p && q < nb - p && a[na - 1 - q] == b[nb - 1 - q])
        q++;
    int da = na - p - q, db = nb - p - q;
    if (da == 1 && db == 1)
        return !(d_like(a[p]) && d_like(b[p]));
    return da + db == 1;
}

/* "Tờ trình số 2318/TTTr-CAT-PV05": a type segment that is no type code but one
 * slip from the code of the type word before it is that code. The segment must
 * be followed by another (a type code always is) and must not be an issuer
 * code ("5/TTg" is a letter of the Prime Minister). Returns the symbol with
 * the segment replaced, malloc'd, or NULL. */
static char *retype(vb_extract *ex, const char *sym, const char *code)
{
    size_t k = strspn(sym, "0123456789"), s, e;
    if (!k || (sym[k] != '/' && sym[k] != '-'))
        return NULL;
    s = k + 1;
    if (sym[k] == '/' && strspn(sym + s, "0123456789") == 4 && sym[s + 4] == '/')
        s += 5;
    e = s + strcspn(sym + s, "-/");
    if (e - s < 2 || !sym[e] || (sym[k] == '-' && sym[e] != '/'))
        return NULL;
    char seg[64];
    if (e - s >= sizeof seg)
        return NULL;
    memcpy(seg, sym + s, e - s);
    seg[e - s] = '\0';
    if (vb_agency_from_code(ex, seg) || !one_slip(seg, e - s, code))
        return NULL;
    vb_buf b = {0};
    if (vb_buf_append(&b, sym, s) != VB_OK || vb_buf_puts(&b, code) != VB_OK ||
        vb_buf_puts(&b, sym + e) != VB_OK) {
        vb_buf_free(&b);
        return NULL;
    }
    return vb_buf_steal(&b, NULL);
}

/* The canonical symbol of a citation (vb_symbol_canon on the despecked
 * symbol, then its type put back from the type word when OCR slipped). */
static char *cite_symbol(vb_extract *ex, const vb_text *t, const cite *c, const char **type,
                         char **number, char **year, char **icode)
{
    char *raw = despeck(t->text + c->sym_s, c->sym_e - c->sym_s);
    if (!raw)
        return NULL;
    char *sym = vb_symbol_canon(ex, raw, strlen(raw), type, number, year, icode);
    free(raw);
    const char *wcode = NULL, *canon;
    if (!sym || *type || c->word_e <= c->word_s ||
        !vb_type_from_name(ex, t->text + c->word_s, c->word_e - c->word_s, &wcode, &canon))
        return sym;
    char *fixed = retype(ex, sym, wcode);
    if (!fixed)
        return sym;
    const char *type2;
    char *number2 = NULL, *year2 = NULL, *icode2 = NULL;
    char *sym2 = vb_symbol_canon(ex, fixed, strlen(fixed), &type2, number ? &number2 : NULL,
                                 year ? &year2 : NULL, icode ? &icode2 : NULL);
    free(fixed);
    if (!sym2 || !type2) {
        free(sym2), free(number2), free(year2), free(icode2);
        return sym;
    }
    free(sym);
    *type = type2;
    if (number)
        free(*number), *number = number2;
    if (year)
        free(*year), *year = year2;
    if (icode)
        free(*icode), *icode = icode2;
    return sym2;
}

char *vb_refs_canon_span(vb_extract *ex, const vb_text *t, size_t from, size_t to)
{
    cites hits = {0};
    vb_buf b = {0};
    size_t pos = from;
    int ok = collect_all(ex, t, from, to, &hits) == 0;
    for (size_t i = 0; ok && i < hits.n; i++) {
        const cite *c = &hits.v[i];
        const char *type;
        if (c->sym_s < pos)
            continue;
        char *sym = cite_symbol(ex, t, c, &type, NULL, NULL, NULL);
        if (!sym)
            continue;
        ok = vb_buf_append(&b, t->text + pos, c->sym_s - pos) == VB_OK &&
             vb_buf_puts(&b, sym) == VB_OK;
        free(sym);
        pos = c->sym_e;
    }
    free(hits.v);
    if (!ok || vb_buf_append(&b, t->text + pos, to - pos) != VB_OK) {
        vb_buf_free(&b);
        return NULL;
    }
    return vb_buf_steal(&b, NULL);
}

/* Is `off` inside a paragraph that opens with "Căn cứ"? A paragraph starts
 * after a blank line or a line ending in ';', '.' or ':'. */
static int in_basis(vb_extract *ex, const vb_text *t, const vb_lines *l, size_t off)
{
    size_t li = vb_lines_at(l, off);
    for (int k = 0; k < BASIS_MAX_LINES; k++) {
        vb_hit h;
        if (vb_find(ex, "ref.basis", t, l->starts[li], l->ends[li], &h))
            return 1;
        if (li == 0)
            return 0;
        size_t ps = l->starts[li - 1], pe = l->ends[li - 1];
        while (pe > ps &&
               (t->text[pe - 1] == ' ' || t->text[pe - 1] == '\t' || t->text[pe - 1] == '\r'))
            pe--;
        if (pe == ps || strchr(";.:", t->text[pe - 1]))
            return 0;
        li--;
    }
    return 0;
}

static vb_reference *ref_find(vb_record *rec, const char *symbol)
{
    for (size_t i = 0; i < rec->n_references; i++)
        if (rec->references[i].symbol && strcmp(rec->references[i].symbol, symbol) == 0)
            return &rec->references[i];
    return NULL;
}

static vb_reference *ref_add(vb_record *rec)
{
    vb_reference *v = realloc(rec->references, (rec->n_references + 1) * sizeof *v);
    if (!v)
        return NULL;
    rec->references = v;
    vb_reference *r = &v[rec->n_references++];
    memset(r, 0, sizeof *r);
    return r;
}

static vb_status mention_add(vb_reference *r, const vb_text *t, size_t s, size_t e)
{
    if (r->n_mentions >= VB_MAX_MENTIONS)
        return VB_OK;
    for (size_t i = 0; i < r->n_mentions; i++)
        if (r->mentions[i].start < e && s < r->mentions[i].end)
            return VB_OK;
    vb_mention *m = realloc(r->mentions, (r->n_mentions + 1) * sizeof *m);
    if (!m)
        return VB_ERR_NOMEM;
    r->mentions = m;
    m[r->n_mentions].page = vb_page_at(t, s);
    m[r->n_mentions].start = s;
    m[r->n_mentions].end = e;
    m[r->n_mentions].text = vb_strndup(t->text + s, e - s);
    r->n_mentions++;
    return VB_OK;
}

/* Date, issuer and quoted title after a citation; returns where they end.
 * *joint is set when the citation says the document is "between" bodies. */
static size_t cite_details(vb_extract *ex, const vb_text *t, size_t at, char **date, char **issuer,
                           char **title, int *joint)
{
    vb_hit h;
    size_t lim = at + 600 < t->len ? at + 600 : t->len;
    if (vb_find(ex, "ref.date", t, at, lim, &h)) {
        char *d = vb_hit_dup(&h, t, "day"), *m = vb_hit_dup(&h, t, "month"),
             *y = vb_hit_dup(&h, t, "year");
        int partial;
        *date = vb_iso_date(d ? d : "", m ? m : "", y ? y : "", &partial);
        free(d);
        free(m);
        free(y);
        at = h.end;
    }
    *joint = vb_find(ex, "ref.joint", t, at, lim, &h);
    if (vb_find(ex, "ref.issuer", t, at, lim, &h)) {
        size_t s, e;
        if (vb_hit_field(&h, "issuer", &s, &e))
            *issuer = vb_agency_name(ex, t, s, e);
        at = h.end;
    }
    if (vb_find(ex, "ref.title", t, at, lim, &h)) {
        *title = vb_hit_dup(&h, t, "title");
        at = h.end;
    }
    return at;
}

/* "Thông tư" -> type name as a type (sentence case). */
static char *word_name(vb_extract *ex, const vb_text *t, const cite *c, const char **code)
{
    const char *canon = NULL;
    *code = NULL;
    if (c->word_e <= c->word_s)
        return NULL;
    if (vb_type_from_name(ex, t->text + c->word_s, c->word_e - c->word_s, code, &canon))
        return strdup(canon);
    char *sq = vb_squeeze(t->text + c->word_s, c->word_e - c->word_s);
    char *out = vb_case_sentence(sq, strlen(sq));
    free(sq);
    return out;
}

/* Does the symbol name several issuers ("07/CTr-BCA-MTTW", "01/2012/TTLT-BNV-
 * BTC")? After a type code, a segment past the first that has no digit is
 * another body's code; one with a digit is a unit of the first ("BCA-V05",
 * "CAT-PV05"). Without a type code the second segment is the drafting unit of a
 * letter ("UBND-NC"). */
static int joint_symbol(const char *type, const char *icode)
{
    if (!type || !icode)
        return 0;
    const char *seg = strpbrk(icode, "-/");
    while (seg) {
        seg++;
        size_t n = strcspn(seg, "-/");
        int digit = 0;
        for (size_t i = 0; i < n; i++)
            digit |= seg[i] >= '0' && seg[i] <= '9';
        if (n && !digit)
            return 1;
        seg = seg[n] ? seg + n : NULL;
    }
    return 0;
}

static vb_status add_cite(vb_extract *ex, const vb_text *t, const vb_lines *l, const cite *c,
                          vb_record *rec)
{
    const char *type = NULL;
    char *number = NULL, *year = NULL, *icode = NULL;
    char *sym = cite_symbol(ex, t, c, &type, &number, &year, &icode);
    vb_status st = VB_OK;
    if (!sym || (c->sym_s < ex->own_end && ex->own_start < c->sym_e)) {
        /* the document's own number in its header is not a reference */
        goto done;
    }
    cite law = *c;
    if (c->word_e == c->word_s) {
        /* "Luật Căn cước số 26/2023/QH15": the word stands before the name */
        vb_hit h;
        size_t from = c->sym_s > 240 ? c->sym_s - 240 : 0;
        size_t ws, we;
        if (vb_find(ex, "ref.law", t, from, c->sym_s, &h) && vb_hit_field(&h, "word", &ws, &we)) {
            law.word_s = law.start = ws;
            law.word_e = we;
            c = &law;
        }
    }
    char *date = NULL, *issuer = NULL, *title = NULL;
    int joint;
    cite_details(ex, t, c->sym_e, &date, &issuer, &title, &joint);
    if (joint || joint_symbol(type, icode)) {
        /* a joint document: the record holds one issuer, none is right */
        free(issuer);
        issuer = NULL;
    } else if (!issuer && icode) {
        /* the issuer code alone, when it names one body: BCA, TTg, QH15 */
        size_t k = strcspn(icode, "-/");
        char first[64];
        if (k >= sizeof first)
            k = sizeof first - 1;
        snprintf(first, sizeof first, "%.*s", (int)k, icode);
        const char *a = vb_agency_from_code(ex, first);
        while (!a && k > 1 && first[k - 1] >= '0' && first[k - 1] <= '9') {
            first[--k] = '\0';
            a = vb_agency_from_code(ex, first);
        }
        issuer = vb_strdup(a);
    }
    vb_reference *r = ref_find(rec, sym);
    if (!r && rec->n_references >= VB_MAX_REFERENCES) {
        free(date), free(issuer), free(title);
        goto done;
    }
    if (!r) {
        r = ref_add(rec);
        if (!r) {
            free(date), free(issuer), free(title);
            st = VB_ERR_NOMEM;
            goto done;
        }
        r->symbol = sym;
        sym = NULL;
        r->number = number;
        number = NULL;
        const char *wcode;
        char *wname = word_name(ex, t, c, &wcode);
        if (type) {
            r->type = strdup(type);
            r->type_name = vb_strdup(vb_type_name(ex, type));
            free(wname);
        } else {
            r->type = vb_strdup(wcode);
            r->type_name = wname;
        }
        r->year = year ? atoi(year) : 0;
    }
    if (!r->date && date) {
        r->date = date;
        date = NULL;
    }
    if (!r->year && r->date)
        r->year = atoi(r->date);
    if (!r->issuer && issuer) {
        r->issuer = issuer;
        issuer = NULL;
    }
    if (!r->title && title) {
        r->title = title;
        title = NULL;
    }
    free(date), free(issuer), free(title);
    if (in_basis(ex, t, l, c->start))
        r->role = VB_ROLE_CAN_CU;
    st = mention_add(r, t, c->start, c->end);
done:
    free(sym);
    free(number);
    free(year);
    free(icode);
    return st;
}

static int same_number(const char *a, const char *b)
{
    while (*a == '0' && a[1])
        a++;
    while (*b == '0' && b[1])
        b++;
    return strcmp(a, b) == 0;
}

/* "Thông tư số 124 (của Bộ Công an)": a mention of the one full citation with
 * that type and number (and issuer, when both say). */
static vb_status resolve_short(vb_extract *ex, const vb_text *t, const vb_lines *l, vb_record *rec)
{
    size_t pos = 0;
    vb_hit h;
    while (pos < t->len && vb_find(ex, "ref.short", t, pos, t->len, &h)) {
        pos = h.end > pos ? h.end : pos + 1;
        size_t ws, we, ns, ne;
        const char *code = NULL, *canon = NULL;
        if (!vb_hit_field(&h, "word", &ws, &we) || !vb_hit_field(&h, "number", &ns, &ne) ||
            !vb_type_from_name(ex, t->text + ws, we - ws, &code, &canon))
            continue;
        char *num = vb_strndup(t->text + ns, ne - ns);
        char *issuer = NULL, *date = NULL, *title = NULL;
        int joint;
        cite_details(ex, t, ne, &date, &issuer, &title, &joint);
        vb_reference *found = NULL;
        int n = 0;
        for (size_t i = 0; i < rec->n_references; i++) {
            vb_reference *r = &rec->references[i];
            if (!r->type || strcmp(r->type, code) != 0 || !r->number ||
                !same_number(r->number, num))
                continue;
            if (issuer && r->issuer && strcmp(issuer, r->issuer) != 0)
                continue;
            found = r;
            n++;
        }
        free(num), free(issuer), free(date), free(title);
        if (n == 1) {
            vb_status st = mention_add(found, t, h.start, h.end);
            if (st != VB_OK)
                return st;
            if (in_basis(ex, t, l, h.start))
                found->role = VB_ROLE_CAN_CU;
        }
    }
    return VB_OK;
}

/* The reference a citation made (NULL for the document's own number). */
static vb_reference *cite_ref(vb_extract *ex, const vb_text *t, const cite *c, vb_record *rec)
{
    const char *type;
    char *sym = cite_symbol(ex, t, c, &type, NULL, NULL, NULL);
    vb_reference *r = sym ? ref_find(rec, sym) : NULL;
    free(sym);
    return r;
}

/* Is there a blank line in [s, e)? */
static int paragraph_break(const vb_text *t, size_t s, size_t e)
{
    int nl = 0;
    for (size_t i = s; i < e; i++) {
        if (t->text[i] == '\n' || t->text[i] == '\f') {
            if (nl || t->text[i] == '\f')
                return 1;
            nl = 1;
        } else if (t->text[i] != ' ' && t->text[i] != '\t' && t->text[i] != '\r') {
            nl = 0;
        }
    }
    return 0;
}

typedef struct group {
    size_t first, n;  /* citations c->v[first .. first + n) */
    const char *code; /* their type */
    char *issuer;     /* the one a group phrase gives them */
    int ambiguous;    /* phrases gave different issuers */
} group;

/* Runs of citations in one paragraph, all of one type and without issuer. */
static size_t find_groups(vb_extract *ex, const vb_text *t, const cites *c, vb_record *rec,
                          vb_reference **refs, group *g, size_t max)
{
    size_t ng = 0;
    for (size_t i = 0; i < c->n && ng < max;) {
        refs[i] = cite_ref(ex, t, &c->v[i], rec);
        size_t j = i + 1;
        if (refs[i] && !refs[i]->issuer && refs[i]->type) {
            for (; j < c->n; j++) {
                refs[j] = cite_ref(ex, t, &c->v[j], rec);
                if (!refs[j] || refs[j]->issuer || !refs[j]->type ||
                    strcmp(refs[j]->type, refs[i]->type) != 0 ||
                    paragraph_break(t, c->v[j - 1].end, c->v[j].start))
                    break;
                size_t k = i;
                while (k < j && refs[k] != refs[j])
                    k++;
                if (k < j) /* cited twice: the run is not a list */
                    break;
            }
            if (j - i >= 2)
                g[ng++] = (group){i, j - i, refs[i]->type, NULL, 0};
        }
        i = j;
    }
    return ng;
}

static void group_issuer(group *g, const char *issuer)
{
    if (g->issuer && strcmp(g->issuer, issuer) != 0)
        g->ambiguous = 1;
    else if (!g->issuer)
        g->issuer = strdup(issuer);
}

/* "07 Nghị quyết ... của Bộ Chính trị" names the issuer of a list of citations
 * that have none: the list right after it (after a colon), or, with a count,
 * the one run of that many citations of that type (a footnote's). */
static vb_status group_issuers(vb_extract *ex, const vb_text *t, const cites *c, vb_record *rec)
{
    if (c->n < 2)
        return VB_OK;
    vb_reference **refs = calloc(c->n, sizeof *refs);
    group *g = calloc(c->n / 2 + 1, sizeof *g);
    if (!refs || !g) {
        free(refs), free(g);
        return VB_ERR_NOMEM;
    }
    size_t ng = find_groups(ex, t, c, rec, refs, g, c->n / 2 + 1);
    size_t pos = 0;
    vb_hit h;
    while (ng && pos < t->len && vb_find(ex, "ref.group", t, pos, t->len, &h)) {
        pos = h.end > pos ? h.end : pos + 1;
        size_t ws, we, is, ie;
        const char *code = NULL, *canon = NULL;
        if (!vb_hit_field(&h, "word", &ws, &we) || !vb_hit_field(&h, "issuer", &is, &ie) ||
            !vb_type_from_name(ex, t->text + ws, we - ws, &code, &canon))
            continue;
        char *count = vb_hit_dup(&h, t, "count");
        char *issuer = vb_agency_name(ex, t, is, ie);
        size_t after = h.end;
        while (after < t->len && (t->text[after] == ' ' || t->text[after] == '\t'))
            after++;
        for (size_t k = 0; issuer && k < ng; k++) {
            const cite *first = &c->v[g[k].first];
            if (strcmp(g[k].code, code) != 0)
                continue;
            if (count ? (size_t)atoi(count) == g[k].n
                      : after < t->len && t->text[after] == ':' && first->start > after &&
                            first->start - after < 20)
                group_issuer(&g[k], issuer);
        }
        free(count);
        free(issuer);
    }
    /* a count that fits two runs names neither */
    for (size_t k = 0; k < ng; k++)
        for (size_t m = k + 1; m < ng; m++)
            if (g[k].issuer && g[m].issuer && g[k].n == g[m].n && strcmp(g[k].code, g[m].code) == 0)
                g[k].ambiguous = g[m].ambiguous = 1;
    vb_status st = VB_OK;
    for (size_t k = 0; k < ng; k++) {
        for (size_t i = 0; st == VB_OK && g[k].issuer && !g[k].ambiguous && i < g[k].n; i++) {
            vb_reference *r = refs[g[k].first + i];
            if (!r->issuer && !(r->issuer = strdup(g[k].issuer)))
                st = VB_ERR_NOMEM;
        }
        free(g[k].issuer);
    }
    free(refs);
    free(g);
    return st;
}

static int cmp_mention(const void *a, const void *b)
{
    const vb_mention *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

vb_status vb_refs_extract(vb_extract *ex, const vb_text *t, const vb_lines *l, vb_record *rec)
{
    cites text_hits = {0};
    vb_status st = VB_OK;
    if (collect_all(ex, t, 0, t->len, &text_hits) < 0)
        st = VB_ERR_NOMEM;
    for (size_t i = 0; st == VB_OK && i < text_hits.n; i++)
        st = add_cite(ex, t, l, &text_hits.v[i], rec);
    if (st == VB_OK)
        st = group_issuers(ex, t, &text_hits, rec);
    free(text_hits.v);
    if (st == VB_OK)
        st = resolve_short(ex, t, l, rec);
    if (st == VB_OK && rec->n_references >= VB_MAX_REFERENCES)
        st = vb_warn(rec, "references: more than %d, the rest skipped", VB_MAX_REFERENCES);
    for (size_t i = 0; i < rec->n_references; i++)
        if (rec->references[i].n_mentions)
            qsort(rec->references[i].mentions, rec->references[i].n_mentions, sizeof(vb_mention),
                  cmp_mention);
    return st;
}
