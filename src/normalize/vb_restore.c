/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Diacritic restoration and OCR repair.
 *
 * Each word token gets candidates: the syllables of the model's fold table
 * that share its fold key (ma → mà, mã, ma, mạ, má, mả), plus, through the
 * confusion tables (rules/normalize/confusions.tsv, hand-written, and
 * confusions-learned.tsv, from aligned OCR pairs), those of the fold keys one
 * or two OCR rewrites away (ctia → của, 1ap → lập). A beam search over the
 * tokens picks the reading with the best trigram score minus channel costs.
 *
 * Do no harm: the channel cost of leaving a token as it is is 0, and of
 * replacing a valid syllable depends on what the text looks like:
 *  - clean text (most syllables accented and known): replacing a valid
 *    accented syllable costs keep_margin, a valid unaccented one
 *    UNMARKED_MARGIN; rewrites only for unknown tokens;
 *  - stripped text (almost no marks): every reading of the fold is free;
 *  - noisy text (many unknown tokens: English-model OCR): marks are weak
 *    evidence (NOISY_MARK_COST) and rewrites are tried on every token.
 * Tokens that are not words (numbers, symbols such as 124/2021/TT-BCA,
 * punctuation) and acronyms (an all-caps token between words that are not)
 * pass through and only serve as context.
 */
#include "vb_lm.h"
#include "vb_normalize_internal.h"
#include "vb_syllable.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#ifndef VANBAN_DATA_DIR
#define VANBAN_DATA_DIR "."
#endif

#define DEFAULT_KEEP_MARGIN 9.0f
#define UNMARKED_MARGIN 5.0f
#define NOISY_MARK_COST 0.5f
#define UNK_KEEP_COST 8.0f
#define UNK_KEEP_CLEAN 4.0f
#define BEAM 6
#define MAX_CANDS 40
#define MAX_DECODE 16
#define MAX_REWRITE_STATES 256
#define MAX_CHANNEL_COST 9.0f
#define CHUNK 2048
#define SEGMENT (256 * 1024)

enum { W_ANY, W_START, W_END, W_WORD };
enum { MODE_CLEAN, MODE_STRIPPED, MODE_NOISY };

typedef struct rewrite {
    char from[16], to[16];
    unsigned char flen, tlen;
    float cost;
    int where;
} rewrite;

/* The proper-name lexicon (rules/normalize/names.tsv). */
enum { NM_SURNAME, NM_MIDDLE, NM_GIVEN, NM_PLACE_FIRST, NM_PLACE_NEXT, NM_ROLES };
#define NM_ALL NM_ROLES                            /* every role together */
enum { NM_ROW_PLACENAME = NM_ROLES, NM_ROW_UNIT }; /* the other kinds of row */
#define NM_PLACENAME_WORDS 4

/* A place as the lexicon spells it: its fold key, its syllables' ids. */
typedef struct placename {
    char *fold;
    uint32_t id[NM_PLACENAME_WORDS];
    float count;
} placename;

typedef struct namelex {
    float *n[NM_ROLES + 1]; /* names with the syllable in that role, per vocabulary id */
    double total[NM_ROLES + 1];
    char **surnames, **units; /* fold keys ("nguyen", "thi tran"); surnames sorted */
    size_t n_surnames, n_units;
    placename *places; /* sorted by fold key */
    size_t n_places;
} namelex;

struct vb_restorer {
    vb_lm lm;
    namelex names;
    rewrite *rw; /* whole-word rewrites sorted by `from`, then substring ones by `from` */
    size_t nrw, cap_rw, nword;
    uint32_t sub_lo[256], sub_hi[256]; /* substring rewrites starting with a byte */
    char rw_chars[64]; /* non-letter characters rewrites read (UTF-8, concatenated) */
    float keep_margin;
    int style; /* 1 old, 2 new, 0 keep */
};

/* ---- the confusion table ---- */

/* The next row of a tab-separated table (comments and blank lines skipped),
 * split in place into at most max columns: their number, 0 at the end. */
static int next_row(FILE *f, char *line, int size, int *lineno, char **col, int max)
{
    while (fgets(line, size, f)) {
        (*lineno)++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        int nc = 1;
        col[0] = line;
        for (char *p = line; *p && nc < max; p++)
            if (*p == '\t') {
                *p = '\0';
                col[nc++] = p + 1;
            }
        return nc;
    }
    return 0;
}

static vb_status load_confusions(vb_restorer *r, const char *path, int must_exist, vb_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (!must_exist && errno == ENOENT)
            return VB_OK;
        vb_error_at(err, path, 0, 0);
        return vb_error_set(err, VB_ERR_RULES, "cannot open the confusion table: %s",
                            strerror(errno));
    }
    char line[512], *col[4];
    int lineno = 0, bad = 0, nc;
    size_t good = 0;
    vb_status st = VB_OK;
    while ((nc = next_row(f, line, sizeof line, &lineno, col, 4)) > 0) {
        char *end = NULL;
        double cost = nc >= 3 ? strtod(col[2], &end) : -1;
        int where = -1;
        const char *w = nc == 4 ? col[3] : "any";
        if (strcmp(w, "any") == 0)
            where = W_ANY;
        else if (strcmp(w, "start") == 0)
            where = W_START;
        else if (strcmp(w, "end") == 0)
            where = W_END;
        else if (strcmp(w, "word") == 0)
            where = W_WORD;
        if (nc < 3 || !end || *end || cost < 0 || where < 0 || !*col[0] || strlen(col[0]) >= 16 ||
            strlen(col[1]) >= 16) {
            if (!bad++) {
                vb_error_at(err, path, lineno, 1);
                st = vb_error_set(err, VB_ERR_RULES,
                                  "expected FROM<TAB>TO<TAB>COST[<TAB>any|start|end|word]");
            }
            continue;
        }
        if (r->nrw == r->cap_rw) {
            size_t cap = r->cap_rw ? r->cap_rw * 2 : 64;
            rewrite *p = realloc(r->rw, cap * sizeof *p);
            if (!p) {
                fclose(f);
                return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
            }
            r->rw = p;
            r->cap_rw = cap;
        }
        good++;
        rewrite *x = &r->rw[r->nrw++];
        snprintf(x->from, sizeof x->from, "%s", col[0]);
        snprintf(x->to, sizeof x->to, "%s", col[1]);
        x->flen = (unsigned char)strlen(x->from);
        x->tlen = (unsigned char)strlen(x->to);
        x->cost = cost < 0.05 ? 0.05f : (float)cost;
        x->where = where;
        /* remember the non-letter characters: tokens made of letters and
         * these are OCR words (S6, 1ap, v&i), not symbols */
        for (int32_t i = 0; i < (int32_t)x->flen;) {
            int32_t a = i;
            UChar32 c;
            U8_NEXT(x->from, i, (int32_t)x->flen, c);
            char one[8];
            memcpy(one, x->from + a, (size_t)(i - a));
            one[i - a] = '\0';
            /* the punctuation symbols are made of never makes an OCR word */
            if (!u_isalpha(c) && !(c < 0x80 && strchr("-/%?.,:;()", (int)c)) &&
                !strstr(r->rw_chars, one) && strlen(r->rw_chars) + strlen(one) < sizeof r->rw_chars)
                strcat(r->rw_chars, one);
        }
    }
    fclose(f);
    if (bad)
        snprintf(err->message + strlen(err->message), sizeof err->message - strlen(err->message),
                 " (%d bad lines, %zu good)", bad, good);
    return st;
}

static int cmp_rewrite(const void *a, const void *b)
{
    const rewrite *x = a, *y = b;
    int xs = x->where != W_WORD, ys = y->where != W_WORD;
    if (xs != ys)
        return xs - ys;
    return strcmp(x->from, y->from);
}

static void index_rewrites(vb_restorer *r)
{
    qsort(r->rw, r->nrw, sizeof *r->rw, cmp_rewrite);
    r->nword = 0;
    while (r->nword < r->nrw && r->rw[r->nword].where == W_WORD)
        r->nword++;
    memset(r->sub_lo, 0, sizeof r->sub_lo);
    memset(r->sub_hi, 0, sizeof r->sub_hi);
    for (size_t k = r->nrw; k-- > r->nword;) {
        unsigned char b = (unsigned char)r->rw[k].from[0];
        if (r->sub_hi[b] == 0)
            r->sub_hi[b] = (uint32_t)k + 1;
        r->sub_lo[b] = (uint32_t)k;
    }
}

/* ---- the proper-name lexicon ---- */

static int push_fold(char ***v, size_t *n, const char *s, size_t len)
{
    char *f = NULL;
    size_t fl = 0;
    if (vb_fold(s, len, &f, &fl, NULL, NULL) != VB_OK)
        return 0;
    char **p = realloc(*v, (*n + 1) * sizeof *p);
    if (!p) {
        free(f);
        return 0;
    }
    *v = p;
    p[(*n)++] = f;
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int in_sorted(char **v, size_t n, const char *s)
{
    return n && bsearch(&s, v, n, sizeof *v, cmp_str) != NULL;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static int cmp_place(const void *a, const void *b)
{
    return strcmp(((const placename *)a)->fold, ((const placename *)b)->fold);
}

static void names_free(namelex *nl)
{
    for (int k = 0; k <= NM_ROLES; k++)
        free(nl->n[k]);
    free_strv(nl->surnames, nl->n_surnames);
    free_strv(nl->units, nl->n_units);
    for (size_t i = 0; i < nl->n_places; i++)
        free(nl->places[i].fold);
    free(nl->places);
    memset(nl, 0, sizeof *nl);
}

/* The vocabulary id of a syllable as the lexicon writes it; VB_LM_UNK if
 * the model does not have it (it can then never be a reading). */
static uint32_t lexicon_id(const vb_lm *lm, const char *s, size_t n)
{
    char canon[VB_SYL_MAX * 2];
    size_t cn = vb_syl_canonical(s, n, canon, sizeof canon);
    uint32_t id = cn ? vb_lm_id(lm, canon, cn) : VB_LM_UNK;
    return id < VB_LM_NSPECIAL ? VB_LM_UNK : id;
}

/* A placename row: its fold key and the ids of its syllables. */
static int add_place(namelex *nl, const vb_lm *lm, const char *s, double count)
{
    placename pn = {NULL, {0}, (float)count};
    size_t k = 0;
    for (const char *p = s; *p && k < NM_PLACENAME_WORDS; k++) {
        size_t n = strcspn(p, " ");
        pn.id[k] = lexicon_id(lm, p, n);
        p += n;
        while (*p == ' ')
            p++;
    }
    char *f = NULL;
    size_t fl = 0;
    if (vb_fold(s, strlen(s), &f, &fl, NULL, NULL) != VB_OK)
        return 0;
    placename *v = realloc(nl->places, (nl->n_places + 1) * sizeof *v);
    if (!v) {
        free(f);
        return 0;
    }
    pn.fold = f;
    nl->places = v;
    v[nl->n_places++] = pn;
    return 1;
}

/* Rows "role<TAB>text<TAB>count": surname, middle, given, place-first and
 * place-next count a syllable (read in the model's vocabulary: one the model
 * lacks can never be a reading); surname rows also say which words begin a
 * person's name, placename rows spell whole places, unit rows are the words
 * before a place. */
static vb_status load_names(vb_restorer *r, const char *path, int must_exist, vb_error *err)
{
    static const char *roles[] = {"surname",    "middle",    "given", "place-first",
                                  "place-next", "placename", "unit"};
    FILE *f = fopen(path, "r");
    if (!f) {
        if (!must_exist && errno == ENOENT)
            return VB_OK;
        vb_error_at(err, path, 0, 0);
        return vb_error_set(err, VB_ERR_RULES, "cannot open the name lexicon: %s", strerror(errno));
    }
    namelex *nl = &r->names;
    for (int k = 0; k <= NM_ROLES; k++)
        if (!(nl->n[k] = calloc(r->lm.h->n_vocab, sizeof *nl->n[k]))) {
            fclose(f);
            return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
        }
    char line[512], *col[3];
    int lineno = 0, bad = 0, nc;
    vb_status st = VB_OK;
    while ((nc = next_row(f, line, sizeof line, &lineno, col, 3)) > 0) {
        int role = -1;
        for (int k = 0; k < (int)(sizeof roles / sizeof *roles); k++)
            if (strcmp(col[0], roles[k]) == 0)
                role = k;
        char *end = NULL, *text = nc == 3 ? col[1] : NULL;
        double count = nc == 3 ? strtod(col[2], &end) : -1;
        if (role < 0 || !text || !*text || !end || *end || !(count >= 0)) {
            if (!bad++) {
                vb_error_at(err, path, lineno, 1);
                st = vb_error_set(err, VB_ERR_RULES,
                                  "expected surname|middle|given|place-first|place-next|"
                                  "placename|unit<TAB>TEXT<TAB>COUNT");
            }
            continue;
        }
        size_t len = strlen(text);
        int ok = 1;
        if (role == NM_SURNAME)
            ok = push_fold(&nl->surnames, &nl->n_surnames, text, len);
        else if (role == NM_ROW_PLACENAME)
            ok = add_place(nl, &r->lm, text, count);
        else if (role == NM_ROW_UNIT)
            ok = push_fold(&nl->units, &nl->n_units, text, len);
        if (!ok) {
            fclose(f);
            return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
        }
        if (role >= NM_ROLES)
            continue;
        uint32_t id = lexicon_id(&r->lm, text, len);
        if (id == VB_LM_UNK)
            continue;
        nl->n[role][id] += (float)count;
        nl->n[NM_ALL][id] += (float)count;
        nl->total[role] += count;
        nl->total[NM_ALL] += count;
    }
    fclose(f);
    if (bad)
        snprintf(err->message + strlen(err->message), sizeof err->message - strlen(err->message),
                 " (%d bad lines)", bad);
    if (nl->n_surnames)
        qsort(nl->surnames, nl->n_surnames, sizeof *nl->surnames, cmp_str);
    if (nl->n_places)
        qsort(nl->places, nl->n_places, sizeof *nl->places, cmp_place);
    return st;
}

/* ---- set-up ---- */

vb_status vb_restore_setup(vb_normalize *nz, vb_error *err)
{
    nz->restorer = NULL;
    const vb_normalize_opts *o = &nz->opts;
    if (o->restore < 0)
        return VB_OK;
    char path[1024];
    if (o->model_path)
        snprintf(path, sizeof path, "%s", o->model_path);
    else
        snprintf(path, sizeof path, "%s/models/vi-syllable.lm", VANBAN_DATA_DIR);
    if (o->restore == 0 && access(path, R_OK) != 0)
        return VB_OK;
    vb_restorer *r = calloc(1, sizeof *r);
    if (!r)
        return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    vb_status st = vb_lm_open(&r->lm, path, err);
    if (st == VB_OK) {
        if (o->confusions_path) {
            st = load_confusions(r, o->confusions_path, 1, err);
        } else {
            snprintf(path, sizeof path, "%s/rules/normalize/confusions.tsv", VANBAN_DATA_DIR);
            st = load_confusions(r, path, 0, err);
            snprintf(path, sizeof path, "%s/rules/normalize/confusions-learned.tsv",
                     VANBAN_DATA_DIR);
            if (st == VB_OK)
                st = load_confusions(r, path, 0, err);
        }
        index_rewrites(r);
    }
    if (st == VB_OK && !(o->names_path && !*o->names_path)) {
        if (o->names_path) {
            st = load_names(r, o->names_path, 1, err);
        } else {
            snprintf(path, sizeof path, "%s/rules/normalize/names.tsv", VANBAN_DATA_DIR);
            st = load_names(r, path, 0, err);
        }
    }
    if (st != VB_OK) {
        vb_lm_close(&r->lm);
        names_free(&r->names);
        free(r->rw);
        free(r);
        return st;
    }
    r->keep_margin = o->keep_margin > 0 ? (float)o->keep_margin : DEFAULT_KEEP_MARGIN;
    r->style = o->tone_style == VB_TONE_NEW ? 2 : o->tone_style == VB_TONE_OLD ? 1 : 0;
    nz->restorer = r;
    return VB_OK;
}

void vb_restore_teardown(vb_normalize *nz)
{
    if (!nz->restorer)
        return;
    vb_lm_close(&nz->restorer->lm);
    names_free(&nz->restorer->names);
    free(nz->restorer->rw);
    free(nz->restorer);
    nz->restorer = NULL;
}

void vb_changes_free(vb_change *changes, size_t n)
{
    (void)n;
    free(changes);
}

/* ---- per-token analysis ---- */

typedef struct cand {
    uint32_t id;
    float cost;
    int rewritten; /* found through the confusion table, not the token's own fold */
} cand;

typedef struct tinfo {
    uint32_t id;     /* LM id of the token as it stands */
    uint32_t c0, nc; /* its candidates; nc == 0: fixed */
    uint32_t rep;    /* first token with the same bytes: analysis and candidates are shared */
    uint32_t k0, kn; /* (on the first token) the candidates, once computed */
    unsigned char done;
    int caps;
    unsigned char word, valid, marked, ocrword, tone, new_style, styled, nletters;
    unsigned char lone;      /* "6", "0", "&" standing alone: ở in English-model OCR */
    unsigned char foldless;  /* a word whose fold key is no syllable's: "phiic", "pjc" */
    unsigned char role;      /* in a proper name: NM_* + 1 (0: not in a name) */
    uint32_t nl0;            /* its readings' name scores start at w->nlp[nl0 - 1] (0: none) */
    const placename *place;  /* in a place the lexicon spells: that place, */
    unsigned char place_pos; /* and which of its words */
    char fold[VB_SYL_MAX];
    char base[VB_SYL_MAX];
} tinfo;

/* Direct-mapped cache of bigram-level scores: text repeats its word pairs,
 * and a lookup in a frequent word's successor list costs a dozen cache misses. */
#define BICACHE_BITS 16
typedef struct bicache {
    uint32_t key[1u << BICACHE_BITS]; /* (w2 << 16 | w3) + 1, 0 = empty */
    float val[1u << BICACHE_BITS];
    uint32_t ctx_key[1u << BICACHE_BITS]; /* (w1 << 16 | w2) + 1: contexts */
    vb_lm_ctx ctx[1u << BICACHE_BITS];
} bicache;

static void cached_context(bicache *bc, const vb_lm *lm, uint32_t w1, uint32_t w2, vb_lm_ctx *ctx)
{
    if (!bc) {
        vb_lm_context(lm, w1, w2, ctx);
        return;
    }
    uint32_t key = (w1 << 16 | w2) + 1;
    uint32_t slot = (key * 2654435761u) >> (32 - BICACHE_BITS);
    if (bc->ctx_key[slot] != key) {
        bc->ctx_key[slot] = key;
        vb_lm_context(lm, w1, w2, &bc->ctx[slot]);
    }
    *ctx = bc->ctx[slot];
}

static float cached_bigram(bicache *bc, const vb_lm *lm, const vb_lm_ctx *ctx, uint32_t w2,
                           uint32_t w3)
{
    if (!bc)
        return vb_lm_bigram(lm, ctx, w3);
    uint32_t key = (w2 << 16 | w3) + 1;
    uint32_t slot = (key * 2654435761u) >> (32 - BICACHE_BITS);
    if (bc->key[slot] != key) {
        bc->key[slot] = key;
        bc->val[slot] = vb_lm_bigram(lm, ctx, w3);
    }
    return bc->val[slot];
}

typedef struct work {
    const vb_restorer *r;
    const char *text;
    vb_tok *tok;
    size_t nt;
    tinfo *ti;
    cand *cands;
    size_t ncands, cap_cands;
    int mode;
    bicache *bc; /* bigram scores already looked up in this call */
    float *nlp;  /* name scores of the readings of tokens in names */
    size_t nnlp, cap_nlp;
} work;

/* A token made of letters and the non-letters rewrites read ("S6", "1ap"). */
static int is_ocr_word(const vb_restorer *r, const char *s, size_t n)
{
    if (n >= VB_SYL_MAX / 2)
        return 0;
    int letters = 0;
    for (int32_t i = 0; i < (int32_t)n;) {
        int32_t a = i;
        UChar32 c;
        U8_NEXT(s, i, (int32_t)n, c);
        if (u_isalpha(c)) {
            letters++;
            continue;
        }
        char one[8];
        memcpy(one, s + a, (size_t)(i - a));
        one[i - a] = '\0';
        if (!strstr(r->rw_chars, one))
            return 0;
    }
    return letters > 0;
}

static vb_status analyse(work *w)
{
    const vb_lm *lm = &w->r->lm;
    /* tokens repeat: analyse each distinct one once */
    uint32_t hsize = 1024;
    while (hsize < w->nt * 2)
        hsize <<= 1;
    uint32_t *seen = calloc(hsize, sizeof *seen);
    if (!seen)
        return VB_ERR_NOMEM;
    for (size_t i = 0; i < w->nt; i++) {
        const vb_tok *t = &w->tok[i];
        tinfo *x = &w->ti[i];
        uint32_t j = vb_lm_hash(w->text + t->off, t->len) & (hsize - 1);
        for (; seen[j]; j = (j + 1) & (hsize - 1)) {
            const vb_tok *u = &w->tok[seen[j] - 1];
            if (u->len == t->len && u->kind == t->kind &&
                memcmp(w->text + u->off, w->text + t->off, t->len) == 0)
                break;
        }
        if (seen[j]) {
            *x = w->ti[seen[j] - 1];
            continue;
        }
        seen[j] = (uint32_t)i + 1;
        memset(x, 0, sizeof *x);
        x->rep = (uint32_t)i;
        int ncp = 0;
        for (size_t k = 0; k < t->len; k++)
            ncp += ((unsigned char)w->text[t->off + k] & 0xC0) != 0x80;
        x->nletters = (unsigned char)(ncp > 255 ? 255 : ncp);
        char buf[VB_SYL_MAX * 2];
        size_t n = vb_lm_token(w->text, t, buf, sizeof buf);
        x->id = n ? vb_lm_id(lm, buf, n) : VB_LM_UNK;
        const char *s = w->text + t->off;
        vb_syl y;
        if (t->kind == VB_TOK_WORD && vb_syl_parse(s, t->len, &y)) {
            x->word = 1;
            x->caps = y.caps;
            x->marked = (unsigned char)y.marked;
            x->tone = (unsigned char)y.tone;
            x->new_style = (unsigned char)y.new_style;
            x->styled = (unsigned char)y.styled;
            memcpy(x->base, y.base, sizeof x->base);
            x->valid = x->id >= VB_LM_NSPECIAL && (lm->vocab_flags[x->id] & VB_LM_VALID);
        } else if (t->kind == VB_TOK_SYM && is_ocr_word(w->r, s, t->len)) {
            x->ocrword = 1;
            x->caps = vb_caps_of(s, t->len);
        } else if (t->len == 1 && (*s == '6' || *s == '0' || *s == '&')) {
            x->lone = 1;
        } else {
            continue;
        }
        char *f = NULL;
        size_t fl = 0;
        if (vb_fold(s, t->len, &f, &fl, NULL, NULL) == VB_OK && fl < sizeof x->fold) {
            memcpy(x->fold, f, fl + 1);
            const uint16_t *c;
            x->foldless = x->word && vb_lm_fold_cands(lm, f, fl, &c) == 0;
        } else {
            x->word = x->ocrword = x->lone = 0;
        }
        free(f);
    }
    free(seen);
    return VB_OK;
}

static int pick_mode(const work *w)
{
    size_t words = 0, marked = 0, unknown = 0, ocr = 0;
    for (size_t i = 0; i < w->nt; i++) {
        const tinfo *x = &w->ti[i];
        if (x->ocrword) {
            words++;
            unknown++;
            ocr++;
        } else if (x->word && !(x->caps == VB_CAPS_UPPER && !x->valid)) {
            /* all-caps unknown words are acronyms (UBND), not OCR damage */
            words++;
            marked += x->marked;
            unknown += !x->valid;
            /* "hién", "viée": marks no syllable has; "phiic": no syllable's
             * letters (stripped text has almost none of either) */
            ocr += (x->marked && !x->valid) || (!x->marked && x->foldless);
        }
    }
    if (words == 0)
        return MODE_CLEAN;
    /* held-out clean documents: ocr <= 3%, unknown <= 5% of words;
     * English-model OCR: ocr >= 16%, unknown >= 45% */
    if (ocr * 100 >= words * 8)
        return MODE_NOISY;
    if (marked * 100 < words * 15)
        return MODE_STRIPPED;
    if (unknown * 100 > words * 12)
        return MODE_NOISY;
    return MODE_CLEAN;
}

static int is_upper_word(const work *w, size_t i)
{
    return i < w->nt && (w->ti[i].word || w->ti[i].ocrword) && w->ti[i].caps == VB_CAPS_UPPER;
}

/* The neighbouring word tokens (skipping punctuation) are all caps. */
static int upper_context(const work *w, size_t i)
{
    size_t p = i, n = i + 1;
    while (p > 0 && w->tok[p - 1].kind == VB_TOK_PUNCT)
        p--;
    while (n < w->nt && w->tok[n].kind == VB_TOK_PUNCT)
        n++;
    return (p > 0 && is_upper_word(w, p - 1)) || is_upper_word(w, n);
}

/* Candidates of token i, appended to w->cands from c0 on. */
typedef struct cset {
    cand c[MAX_CANDS];
    int n;
} cset;

static void cset_add(cset *s, uint32_t id, float cost, int rewritten)
{
    for (int k = 0; k < s->n; k++)
        if (s->c[k].id == id) {
            if (cost < s->c[k].cost)
                s->c[k] = (cand){id, cost, rewritten};
            return;
        }
    if (s->n < MAX_CANDS) {
        s->c[s->n++] = (cand){id, cost, rewritten};
        return;
    }
    /* full: the dearest (never slot 0, the token itself) makes room */
    int worst = 1;
    for (int k = 2; k < s->n; k++)
        if (s->c[k].cost > s->c[worst].cost)
            worst = k;
    if (cost < s->c[worst].cost)
        s->c[worst] = (cand){id, cost, rewritten};
}

static void add_fold(const vb_lm *lm, cset *s, const char *fold, size_t n, float cost,
                     int rewritten)
{
    const uint16_t *c;
    uint32_t k = vb_lm_fold_cands(lm, fold, n, &c);
    for (uint32_t j = 0; j < k; j++)
        cset_add(s, c[j], cost, rewritten);
}

/* A string some rewrites away from a token's fold key. */
typedef struct rstate {
    char g[VB_SYL_MAX];
    size_t n;
    float cost;
} rstate;

static int push_state(rstate *out, int k, int max, const char *f, size_t n, size_t p,
                      const rewrite *x, float cost)
{
    size_t gn = p + x->tlen + (n - p - x->flen);
    if (k >= max || gn == 0 || gn >= VB_SYL_MAX || cost + x->cost > MAX_CHANNEL_COST)
        return k;
    rstate *st = &out[k];
    memcpy(st->g, f, p);
    memcpy(st->g + p, x->to, x->tlen);
    memcpy(st->g + p + x->tlen, f + p + x->flen, n - p - x->flen);
    st->g[gn] = '\0';
    st->n = gn;
    st->cost = cost + x->cost;
    return k + 1;
}

/* Every string one rewrite away from f (whole-word rules only when top). */
static int expand(const vb_restorer *r, const char *f, size_t n, float cost, int top, rstate *out,
                  int max)
{
    int k = 0;
    if (top && r->nword) {
        size_t lo = 0, hi = r->nword;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int c = strncmp(r->rw[mid].from, f, n);
            if (c < 0 || (c == 0 && r->rw[mid].flen < n))
                lo = mid + 1;
            else
                hi = mid;
        }
        for (; lo < r->nword && r->rw[lo].flen == n && memcmp(r->rw[lo].from, f, n) == 0; lo++)
            k = push_state(out, k, max, f, n, 0, &r->rw[lo], cost);
    }
    for (size_t p = 0; p < n; p++) {
        unsigned char b = (unsigned char)f[p];
        for (uint32_t i = r->sub_lo[b]; i < r->sub_hi[b]; i++) {
            const rewrite *x = &r->rw[i];
            if (p + x->flen > n || memcmp(f + p, x->from, x->flen) != 0)
                continue;
            if ((x->where == W_START && p != 0) || (x->where == W_END && p + x->flen != n))
                continue;
            k = push_state(out, k, max, f, n, p, x, cost);
        }
    }
    return k;
}

static int cmp_rstate(const void *a, const void *b)
{
    float x = ((const rstate *)a)->cost, y = ((const rstate *)b)->cost;
    return x < y ? -1 : x > y;
}

/* Candidates one rewrite away, then (depth 2) one more from the cheapest of
 * those, breadth first so that no single rewrite is crowded out. */
static void rewrites(const vb_restorer *r, cset *s, const char *f, size_t n, int depth, float cost)
{
    rstate one[MAX_REWRITE_STATES], two[MAX_REWRITE_STATES];
    int n1 = expand(r, f, n, cost, 1, one, MAX_REWRITE_STATES);
    for (int i = 0; i < n1; i++)
        add_fold(&r->lm, s, one[i].g, one[i].n, one[i].cost, 1);
    if (depth < 2)
        return;
    qsort(one, (size_t)n1, sizeof *one, cmp_rstate);
    int budget = MAX_REWRITE_STATES;
    for (int i = 0; i < n1 && budget > 0; i++) {
        int n2 = expand(r, one[i].g, one[i].n, one[i].cost, 0, two,
                        budget < MAX_REWRITE_STATES ? budget : MAX_REWRITE_STATES);
        for (int j = 0; j < n2; j++)
            add_fold(&r->lm, s, two[j].g, two[j].n, two[j].cost, 1);
        budget -= n2;
    }
}

/* Keep the MAX_DECODE best candidates by channel cost plus unigram cost: the
 * decoder's work grows with their number, and the tail never wins. */
static void prune(const vb_lm *lm, cset *s)
{
    if (s->n <= MAX_DECODE)
        return;
    float key[MAX_CANDS];
    for (int k = 0; k < s->n; k++)
        key[k] = s->c[k].cost - lm->uni_p[s->c[k].id];
    for (int k = 1; k < MAX_DECODE; k++) /* the token itself (slot 0) always stays */
        for (int j = k + 1; j < s->n; j++)
            if (key[j] < key[k]) {
                cand t = s->c[k];
                s->c[k] = s->c[j];
                s->c[j] = t;
                float f = key[k];
                key[k] = key[j];
                key[j] = f;
            }
    s->n = MAX_DECODE;
}

static vb_status token_cands(work *w, tinfo *x)
{
    const vb_restorer *r = w->r;
    cset s;
    s.n = 0;
    float same = 0;
    if (x->word && x->valid) {
        if (w->mode == MODE_CLEAN)
            same = x->marked ? r->keep_margin : UNMARKED_MARGIN;
        else if (w->mode == MODE_NOISY && x->marked)
            same = NOISY_MARK_COST;
    }
    /* Keeping a token the model does not know: <unk> stands for thousands
     * of rare words, so its own probability is spread over them. */
    cset_add(&s, x->id,
             x->id == VB_LM_UNK || x->id == VB_LM_SYM
                 ? (w->mode == MODE_CLEAN ? UNK_KEEP_CLEAN : UNK_KEEP_COST)
                 : 0,
             0);
    size_t fl = strlen(x->fold);
    add_fold(&r->lm, &s, x->fold, fl, same, 0);
    int depth = 0;
    if (w->mode == MODE_NOISY)
        depth = x->valid ? 1 : 2;
    else if (x->ocrword || x->lone)
        depth = 2;
    else if (!x->valid && (w->mode == MODE_CLEAN || s.n <= 1))
        depth = 1; /* in stripped text, only words whose fold is no syllable's */
    /* single letters outside noisy text are labels: điểm a, b, đ khoản 1 */
    if (w->mode != MODE_NOISY && x->nletters == 1)
        depth = 0;
    if (depth && r->nrw)
        rewrites(r, &s, x->fold, fl, depth, same > 0 ? same : 0);
    prune(&r->lm, &s);
    x->done = 1;
    x->k0 = (uint32_t)w->ncands;
    x->kn = 0;
    if (s.n <= 1)
        return VB_OK;
    if (w->ncands + (size_t)s.n > w->cap_cands) {
        size_t nc = (w->cap_cands + (size_t)s.n) * 2;
        cand *p = realloc(w->cands, nc * sizeof *p);
        if (!p)
            return VB_ERR_NOMEM;
        w->cands = p;
        w->cap_cands = nc;
    }
    memcpy(w->cands + w->ncands, s.c, (size_t)s.n * sizeof *s.c);
    w->ncands += (size_t)s.n;
    x->kn = (uint32_t)s.n;
    return VB_OK;
}

static int title_word(const work *w, size_t i)
{
    return i < w->nt && w->tok[i].kind != VB_TOK_PUNCT && w->ti[i].word &&
           w->ti[i].caps == VB_CAPS_TITLE;
}

/* An accented, well-formed word the model has never seen ("Khải"), in title
 * case beside another title-case word, is part of a proper name ("Trịnh Văn
 * Khải"): the model has no evidence about it, so in text that is mostly right
 * it stays as written rather than become the nearest word the model knows.
 * Known words in names ("Cống" for "Cổng") are still the model's to judge,
 * and English-model OCR (noisy mode), whose accents are mostly wrong, too. */
static int in_name(const work *w, size_t i)
{
    const tinfo *x = &w->ti[i];
    return w->mode != MODE_NOISY && x->word && x->marked && !x->valid && x->caps == VB_CAPS_TITLE &&
           vb_syl_shape_ok(x->base) && ((i > 0 && title_word(w, i - 1)) || title_word(w, i + 1));
}

/* Token i is a code OCR split off a document symbol, not a syllable: a lone
 * capital after a symbol that ends in one ("70- NQ/T W" is NQ/TW), or an
 * acronym glued to the dash after a symbol ("521/Qb- -TTg"). Restoring it
 * ("W" -> "U", "TTg" -> "Tô") would change the symbol. */
static int symbol_piece(const work *w, size_t i)
{
    const vb_tok *t = w->tok;
    const char *s = w->text + t[i].off;
    if (t[i].kind != VB_TOK_WORD || i == 0 || *s < 'A' || *s > 'Z')
        return 0;
    if (t[i].len == 1) {
        const char *p = w->text + t[i - 1].off;
        size_t n = t[i - 1].len;
        return t[i].space_before && t[i - 1].kind == VB_TOK_SYM && n >= 2 && p[n - 1] >= 'A' &&
               p[n - 1] <= 'Z' && (p[n - 2] == '/' || p[n - 2] == '-');
    }
    int caps = 0;
    for (size_t k = 0; k < t[i].len; k++) {
        if ((unsigned char)s[k] >= 0x80)
            return 0;
        caps += s[k] >= 'A' && s[k] <= 'Z';
    }
    if (caps < 2 || t[i].space_before)
        return 0;
    size_t k = i;
    while (k > 0 && t[k - 1].kind == VB_TOK_PUNCT && t[k - 1].len == 1 &&
           (w->text[t[k - 1].off] == '-' || w->text[t[k - 1].off] == '/'))
        k--;
    if (k == i || k == 0 || t[k - 1].kind != VB_TOK_SYM || t[k].space_before)
        return 0;
    const char *p = w->text + t[k - 1].off;
    size_t n = t[k - 1].len;
    return memchr(p, '/', n) && *p >= '0' && *p <= '9';
}

/* ---- proper names ----
 *
 * The general syllable model reads a name as ordinary text: "Phan Huy Ngọc"
 * becomes "Phân Hủy Ngọc" (phân hủy: to decompose), "Tân Khai" "Tấn Khai".
 * Where the text is a name, a syllable's readings are scored by the name
 * lexicon instead: the spelling of the whole place when the lexicon lists
 * it, backed off to the counts of the syllable's role (surname, middle,
 * given; first or later word of a place), to all roles', to the general
 * model's unigram. That distribution, divided by the general unigram's, is
 * a likelihood ratio that multiplies the general model's probability in
 * context: what the model knows of a name ("nguyễn sinh hùng") stays, what it
 * knows of ordinary text ("phân hủy") gives way. Where no name in the lexicon
 * has a reading of a syllable's fold key, the general model decides alone. A
 * name written with valid marks in text that is mostly right stays as
 * written. */

#define NM_BETA 1.0   /* weight of the backed-off reading distribution, in names */
#define NM_GAMMA 10.0 /* weight of the general model's word distribution, in names */
/* the same, in a place the lexicon spells: strong evidence */
#define NM_PLACE_BETA 0.01

/* A line or page break lies between tokens i - 1 and i. */
static int line_break(const work *w, size_t i)
{
    if (i == 0 || i >= w->nt)
        return 1;
    const vb_tok *a = &w->tok[i - 1], *b = &w->tok[i];
    if (a->kind == VB_TOK_PAGE || b->kind == VB_TOK_PAGE)
        return 1;
    for (size_t k = a->off + a->len; k < b->off; k++)
        if (w->text[k] == '\n' || w->text[k] == '\f')
            return 1;
    return 0;
}

static int name_word(const work *w, size_t i, int caps)
{
    return i < w->nt && (w->ti[i].word || w->ti[i].ocrword) && w->ti[i].caps == caps;
}

static int fold_is(const work *w, size_t i, const char *f)
{
    return i < w->nt && strcmp(w->ti[i].fold, f) == 0;
}

/* The lexicon has a name with a reading of token i's own fold key in role
 * (a token whose fold key is no syllable's has none). */
static int role_knows(const work *w, size_t i, int role)
{
    const tinfo *x = &w->ti[i];
    const uint16_t *c;
    uint32_t k =
        x->word && !x->foldless ? vb_lm_fold_cands(&w->r->lm, x->fold, strlen(x->fold), &c) : 0;
    for (uint32_t j = 0; j < k; j++)
        if (w->r->names.n[role][c[j]] > 0)
            return 1;
    return 0;
}

/* Tokens from i on, on one line, spell the fold-key phrase p ("thi tran"):
 * their number, else 0. */
static size_t phrase_at(const work *w, size_t i, const char *p)
{
    size_t k = 0;
    while (*p) {
        size_t n = strcspn(p, " ");
        if (i + k >= w->nt || (k && line_break(w, i + k)) || strlen(w->ti[i + k].fold) != n ||
            memcmp(w->ti[i + k].fold, p, n) != 0)
            return 0;
        k++;
        p += n;
        while (*p == ' ')
            p++;
    }
    return k;
}

/* The longest administrative unit ("thị trấn", "tỉnh") that starts at token
 * i (before = 0) or ends just before it (before = 1): its number of tokens. */
static size_t unit_phrase(const work *w, size_t i, int before)
{
    const namelex *nl = &w->r->names;
    size_t best = 0;
    for (size_t u = 0; u < nl->n_units; u++) {
        size_t m = 1;
        for (const char *p = nl->units[u]; *p; p++)
            m += *p == ' ';
        if (m <= best || (before && (i < m || line_break(w, i))))
            continue;
        size_t at = before ? i - m : i;
        if (phrase_at(w, at, nl->units[u]) != m)
            continue;
        /* "cơ quan" (an agency) is not "quận" */
        if (at > 0 && fold_is(w, at, "quan") && fold_is(w, at - 1, "co"))
            continue;
        best = m;
    }
    return best;
}

/* The place the lexicon spells with the fold key of tokens [a, b). */
static const placename *known_place(const work *w, size_t a, size_t b)
{
    const namelex *nl = &w->r->names;
    char key[256];
    size_t n = 0;
    if (b - a < 2 || b - a > NM_PLACENAME_WORDS || !nl->n_places)
        return NULL;
    for (size_t i = a; i < b; i++) {
        size_t l = strlen(w->ti[i].fold);
        if (!l || n + l + 2 > sizeof key)
            return NULL;
        if (i > a)
            key[n++] = ' ';
        memcpy(key + n, w->ti[i].fold, l);
        n += l;
    }
    key[n] = '\0';
    placename k = {key, {0}, 0};
    const placename *p = bsearch(&k, nl->places, nl->n_places, sizeof *nl->places, cmp_place);
    if (!p)
        return NULL;
    /* places that differ only by their marks: the most frequent */
    const placename *best = p, *end = nl->places + nl->n_places;
    while (p > nl->places && strcmp(p[-1].fold, key) == 0)
        p--;
    for (; p < end && strcmp(p->fold, key) == 0; p++)
        if (p->count > best->count)
            best = p;
    return best;
}

/* Mark [a, b) as a place, if it is one: a place the lexicon spells, or one
 * whose first word begins places in the lexicon. */
static int mark_place(work *w, size_t a, size_t b)
{
    if (b - a > NM_PLACENAME_WORDS)
        b = a + NM_PLACENAME_WORDS;
    const placename *pn = known_place(w, a, b);
    if (!pn && !role_knows(w, a, NM_PLACE_FIRST))
        return 0;
    for (size_t i = a; i < b; i++) {
        w->ti[i].role = (unsigned char)((i == a ? NM_PLACE_FIRST : NM_PLACE_NEXT) + 1);
        w->ti[i].place = pn;
        w->ti[i].place_pos = (unsigned char)(i - a);
    }
    return 1;
}

/* The run of title-case words ending at b is followed by ", ngày" or a
 * month on its line: the place of the date line ("Tan Khai, ngay 11 thang"). */
static int date_place(const work *w, size_t b)
{
    if (b >= w->nt || line_break(w, b) || w->tok[b].kind != VB_TOK_PUNCT ||
        w->text[w->tok[b].off] != ',')
        return 0;
    for (size_t i = b + 1; i < w->nt && i < b + 8 && !line_break(w, i); i++)
        if (fold_is(w, i, "ngay") || fold_is(w, i, "thang"))
            return 1;
    return 0;
}

/* "ông", "bà", "đồng chí" just before token a. */
static int honorific_before(const work *w, size_t a)
{
    if (a == 0 || line_break(w, a) || w->ti[a - 1].caps != VB_CAPS_LOWER)
        return 0;
    return fold_is(w, a - 1, "ong") || fold_is(w, a - 1, "ba") ||
           (a >= 2 && fold_is(w, a - 1, "chi") && fold_is(w, a - 2, "dong"));
}

/* Token i is a family name, or OCR's damage of one ("Nguy€n"): one of its
 * candidates is. */
static int surname_at(const work *w, size_t i)
{
    const namelex *nl = &w->r->names;
    const tinfo *x = &w->ti[i];
    if (in_sorted(nl->surnames, nl->n_surnames, x->fold))
        return 1;
    if (!(x->ocrword || x->foldless || (x->marked && !x->valid)))
        return 0;
    int found = 0;
    for (uint32_t c = 0; c < x->nc && !found; c++) {
        const char *word = vb_lm_word(&w->r->lm, w->cands[x->c0 + c].id);
        char *f = NULL;
        size_t fl = 0;
        if (vb_fold(word, strlen(word), &f, &fl, NULL, NULL) == VB_OK)
            found = in_sorted(nl->surnames, nl->n_surnames, f);
        free(f);
    }
    return found;
}

/* A person's name: a run of 2-4 words in title case that begins with a
 * family name, and is the end of its line (a signer), or follows "ông", "bà",
 * "đồng chí", or has three words or more, or holds a word kept as a name. */
static int person_name(const work *w, size_t *a, size_t b)
{
    if (b - *a >= 3 && (fold_is(w, *a, "ong") || fold_is(w, *a, "ba")) && surname_at(w, *a + 1))
        (*a)++; /* "Ông Nguyễn Văn An": the honorific */
    size_t k = b - *a;
    if (k < 2 || k > 4 || !surname_at(w, *a))
        return 0;
    if (k >= 3 || line_break(w, b) || honorific_before(w, *a))
        return 1;
    for (size_t i = *a; i < b; i++)
        if (in_name(w, i))
            return 1;
    return 0;
}

/* Mark the tokens of proper names with their role. Places: after an
 * administrative unit ("tỉnh Tuyên Quang"; in capitals at the start of the
 * issuer's line or after "ỦY BAN NHÂN DÂN", "UBND": "THỊ TRẤN TÂN KHAI"),
 * the place of the date line, a place the lexicon spells; then people. */
static void find_names(work *w)
{
    if (!w->r->names.total[NM_ALL])
        return;
    for (size_t a = 0; a < w->nt;) {
        int caps = w->ti[a].caps;
        if (!(name_word(w, a, VB_CAPS_TITLE) || name_word(w, a, VB_CAPS_UPPER)) ||
            (a > 0 && !line_break(w, a) && name_word(w, a - 1, caps))) {
            a++;
            continue;
        }
        size_t b = a + 1;
        while (b < w->nt && !line_break(w, b) && name_word(w, b, caps))
            b++;
        size_t p = a, u = 0;
        if (caps == VB_CAPS_UPPER) {
            for (; p < b; p++)
                if ((p == a ? line_break(w, a) || w->tok[a - 1].kind != VB_TOK_WORD
                            : fold_is(w, p - 1, "dan") || !w->ti[p - 1].valid) &&
                    (u = unit_phrase(w, p, 0)) != 0)
                    break;
            p += u;
        } else if ((u = unit_phrase(w, a, 0)) != 0) {
            p = a + u; /* "Tỉnh Tuyên Quang" */
        } else {
            u = unit_phrase(w, a, 1); /* "tỉnh Tuyên Quang" */
        }
        int title = caps == VB_CAPS_TITLE, placed = 0;
        size_t s = a;
        if (u && p < b && !fold_is(w, p, "uy")) /* "Tỉnh ủy": the Party committee */
            placed = mark_place(w, p, b);
        if (!placed && title && date_place(w, b))
            placed = mark_place(w, b - a > NM_PLACENAME_WORDS ? b - NM_PLACENAME_WORDS : a, b);
        if (!placed && title && known_place(w, a, b))
            placed = mark_place(w, a, b);
        if (!placed && title && person_name(w, &s, b))
            for (size_t i = s; i < b; i++) {
                int role = i == s ? NM_SURNAME : i + 1 == b ? NM_GIVEN : NM_MIDDLE;
                w->ti[i].role = (unsigned char)(role + 1);
            }
        a = b;
    }
}

/* ln [P(reading id | a syllable of a name in role) / P(id)]: the reading
 * given its fold key from the place's spelling, backed off to the role's
 * counts, to all roles', to the general unigram; the fold key from the
 * role's counts, backed off to the general unigram; over the general
 * unigram. *known: the lexicon has a name with a reading of the fold key. */
static float name_logp(const vb_restorer *r, const tinfo *x, uint32_t id, int *known)
{
    const vb_lm *lm = &r->lm;
    const namelex *nl = &r->names;
    int role = x->role - 1;
    *known = 0;
    if (id < VB_LM_NSPECIAL)
        return 0;
    const char *word = vb_lm_word(lm, id);
    char *f = NULL;
    size_t fl = 0;
    const uint16_t *c = NULL;
    uint32_t k = 0;
    if (vb_fold(word, strlen(word), &f, &fl, NULL, NULL) == VB_OK)
        k = vb_lm_fold_cands(lm, f, fl, &c);
    free(f);
    double uc = exp(lm->uni_p[id]), u = 0, na = 0, nr = 0;
    int spelt = 0; /* the place's spelling has a reading of this fold key */
    uint32_t pid = x->place ? x->place->id[x->place_pos] : VB_LM_UNK;
    for (uint32_t j = 0; j < k; j++) {
        u += exp(lm->uni_p[c[j]]);
        na += nl->n[NM_ALL][c[j]];
        nr += nl->n[role][c[j]];
        spelt |= c[j] == pid;
    }
    if (u < uc)
        u = uc;
    *known = na > 0 || spelt;
    double pa = (nl->n[NM_ALL][id] + NM_BETA * uc / u) / (na + NM_BETA);
    double pr = (nl->n[role][id] + NM_BETA * pa) / (nr + NM_BETA);
    if (spelt)
        pr = ((id == pid ? x->place->count : 0) + NM_PLACE_BETA * pr) /
             (x->place->count + NM_PLACE_BETA);
    double pf = (nr + NM_GAMMA * u) / (nl->total[role] + NM_GAMMA);
    return (float)(log(pf) + log(pr) - lm->uni_p[id]);
}

/* Name scores of the readings of each token in a name when the lexicon
 * knows a reading of its own fold key (of any candidate's, for a token
 * whose fold key is no syllable's: "Nggc"). */
static vb_status name_scores(work *w)
{
    for (size_t i = 0; i < w->nt; i++) {
        tinfo *x = &w->ti[i];
        /* a name written with valid marks, in text that is mostly right */
        if (x->role && w->mode != MODE_NOISY && x->marked && x->valid)
            x->nc = 0;
        if (!x->role || !x->nc)
            continue;
        if (w->nnlp + x->nc > w->cap_nlp) {
            size_t cap = (w->cap_nlp + x->nc) * 2;
            float *p = realloc(w->nlp, cap * sizeof *p);
            if (!p)
                return VB_ERR_NOMEM;
            w->nlp = p;
            w->cap_nlp = cap;
        }
        int any = 0, own = x->word && !x->foldless;
        for (uint32_t c = 0; c < x->nc; c++) {
            int known;
            const cand *cd = &w->cands[x->c0 + c];
            w->nlp[w->nnlp + c] = name_logp(w->r, x, cd->id, &known);
            any |= known && !(own && cd->rewritten);
        }
        if (any) {
            x->nl0 = (uint32_t)w->nnlp + 1;
            w->nnlp += x->nc;
        }
    }
    return VB_OK;
}

static vb_status candidates(work *w)
{
    for (size_t i = 0; i < w->nt; i++) {
        tinfo *x = &w->ti[i];
        x->c0 = 0;
        x->nc = 0;
        if (!x->word && !x->ocrword && !(x->lone && w->mode == MODE_NOISY))
            continue;
        /* acronyms: UBND, ANTQ, TW among ordinary words */
        if (x->caps == VB_CAPS_UPPER && !x->valid && !upper_context(w, i) && w->tok[i].len > 1)
            continue;
        if (in_name(w, i) || symbol_piece(w, i))
            continue;
        /* list labels: "a)", "d)" */
        if (w->tok[i].len == 1 && i + 1 < w->nt && w->tok[i + 1].kind == VB_TOK_PUNCT &&
            w->text[w->tok[i + 1].off] == ')')
            continue;
        tinfo *r = &w->ti[x->rep];
        if (!r->done && token_cands(w, r) != VB_OK)
            return VB_ERR_NOMEM;
        x->c0 = r->k0;
        x->nc = r->kn;
    }
    return VB_OK;
}

/* ---- beam search ---- */

typedef struct hyp {
    float score;
    uint32_t w1, w2;
    uint32_t back; /* index of the previous hypothesis in the previous column */
    uint32_t ci;   /* candidate index (0 for fixed tokens) */
} hyp;

/* Decode tokens [a, b) from the state (w1, w2); write the chosen candidate
 * index of each token to choice[]; return the final state. */
static void decode(const work *w, size_t a, size_t b, uint32_t *w1, uint32_t *w2, uint32_t *choice,
                   hyp *cols, hyp *tmp)
{
    const vb_lm *lm = &w->r->lm;
    hyp *prev = NULL;
    int nprev = 1;
    hyp start = {0, *w1, *w2, 0, 0};
    for (size_t i = a; i < b; i++) {
        const tinfo *x = &w->ti[i];
        hyp *col = cols + (i - a) * BEAM;
        int nt = 0;
        uint32_t nc = x->nc ? x->nc : 1;
        /* Hypotheses that share their last word lead to the same states:
         * slot (group of h, candidate) holds the best of them, no search. */
        int group[BEAM], ngroup = 0;
        for (int h = 0; h < nprev; h++) {
            const hyp *p = prev ? &prev[h] : &start;
            int g;
            for (g = 0; g < h; g++)
                if ((prev ? prev[g].w2 : start.w2) == p->w2)
                    break;
            group[h] = g < h ? group[g] : ngroup++;
        }
        for (int k = 0; k < ngroup * (int)nc; k++)
            tmp[k].score = -INFINITY;
        /* the bigram half of each score depends on w2 only: once per group */
        float bi[BEAM][MAX_CANDS];
        int bi_done[BEAM] = {0};
        for (int h = 0; h < nprev; h++) {
            const hyp *p = prev ? &prev[h] : &start;
            vb_lm_ctx ctx;
            cached_context(w->bc, lm, p->w1, p->w2, &ctx);
            int g = group[h];
            if (!bi_done[g]) {
                for (uint32_t c = 0; c < nc; c++)
                    bi[g][c] = cached_bigram(w->bc, lm, &ctx, p->w2,
                                             x->nc ? w->cands[x->c0 + c].id : x->id);
                bi_done[g] = 1;
            }
            hyp *row = tmp + g * (int)nc;
            for (uint32_t c = 0; c < nc; c++) {
                uint32_t id = x->nc ? w->cands[x->c0 + c].id : x->id;
                float cost = x->nc ? w->cands[x->c0 + c].cost : 0;
                float lp;
                if (!vb_lm_trigram(lm, &ctx, id, &lp))
                    lp = ctx.bo3 + bi[g][c];
                if (x->nl0)
                    lp += w->nlp[x->nl0 - 1 + c];
                float s = p->score + lp - cost;
                if (s > row[c].score)
                    row[c] = (hyp){s, p->w2, id, (uint32_t)h, c};
            }
        }
        nt = ngroup * (int)nc;
        /* keep the BEAM best, in order: one pass with insertion */
        int top[BEAM], ntop = 0;
        for (int k = 0; k < nt; k++) {
            float sc = tmp[k].score;
            if (ntop == BEAM && sc <= tmp[top[BEAM - 1]].score)
                continue;
            int j = ntop < BEAM ? ntop++ : BEAM - 1;
            while (j > 0 && tmp[top[j - 1]].score < sc) {
                top[j] = top[j - 1];
                j--;
            }
            top[j] = k;
        }
        for (int k = 0; k < ntop; k++)
            col[k] = tmp[top[k]];
        nt = ntop;
        prev = col;
        nprev = nt;
    }
    if (b == a)
        return;
    int best = 0;
    for (int h = 1; h < nprev; h++)
        if (prev[h].score > prev[best].score)
            best = h;
    *w1 = prev[best].w1;
    *w2 = prev[best].w2;
    for (size_t i = b; i-- > a;) {
        const hyp *hp = &cols[(i - a) * BEAM + best];
        choice[i] = hp->ci;
        best = (int)hp->back;
    }
}

/* ---- output ---- */

static vb_status add_change(vb_change **ch, size_t *n, size_t *cap, size_t off, size_t in_off,
                            const char *before, size_t blen, const char *after, size_t alen,
                            double score, const char *why)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        vb_change *p = realloc(*ch, nc * sizeof *p);
        if (!p)
            return VB_ERR_NOMEM;
        *ch = p;
        *cap = nc;
    }
    vb_change *c = &(*ch)[(*n)++];
    memset(c, 0, sizeof *c);
    c->offset = off;
    c->in_offset = in_off;
    /* cut long tokens at a character boundary, so the record stays UTF-8 */
    int32_t bl = blen < 63 ? (int32_t)blen : 63, al = alen < 63 ? (int32_t)alen : 63;
    U8_TRUNCATE_IF_INCOMPLETE(before, 0, bl);
    U8_TRUNCATE_IF_INCOMPLETE(after, 0, al);
    snprintf(c->before, sizeof c->before, "%.*s", (int)bl, before);
    snprintf(c->after, sizeof c->after, "%.*s", (int)al, after);
    c->score = score;
    c->why = why;
    return VB_OK;
}

/* The caps pattern to write token i in. */
static int out_caps(const work *w, size_t i)
{
    const tinfo *x = &w->ti[i];
    if (x->caps != VB_CAPS_MIXED)
        return x->caps;
    if (upper_context(w, i))
        return VB_CAPS_UPPER;
    UChar32 c;
    int32_t k = 0;
    U8_NEXT(w->text + w->tok[i].off, k, (int32_t)w->tok[i].len, c);
    return u_isupper(c) ? VB_CAPS_TITLE : VB_CAPS_LOWER;
}

/* Roman quarters read as digits: "quý 11/2026" → "quý II/2026". */
static size_t roman_quarter(const work *w, size_t i, char *out, size_t cap)
{
    const vb_tok *t = &w->tok[i];
    if (t->kind != VB_TOK_SYM || i == 0 || strcmp(w->ti[i - 1].fold, "quy") != 0)
        return 0;
    const char *s = w->text + t->off;
    size_t ones = 0;
    while (ones < t->len && s[ones] == '1')
        ones++;
    if ((ones != 2 && ones != 3) || ones >= t->len || s[ones] != '/' || t->len - ones > 16)
        return 0;
    for (size_t k = ones + 1; k < t->len; k++)
        if (s[k] < '0' || s[k] > '9')
            return 0;
    if (t->len + 1 > cap)
        return 0;
    memset(out, 'I', ones);
    memcpy(out + ones, s + ones, t->len - ones);
    out[t->len] = '\0';
    return t->len;
}

/* Token k is an acronym, or a symbol that ends (left side of a '-') or
 * starts (right side) with a capital: "02/2020/NĐ", "CP", "BCA-V05". */
static int acronym_like(const work *w, size_t k, int left)
{
    const tinfo *x = &w->ti[k];
    const vb_tok *t = &w->tok[k];
    if (t->kind == VB_TOK_WORD)
        return x->caps == VB_CAPS_UPPER && !x->valid;
    if (t->kind != VB_TOK_SYM)
        return 0;
    const char *s = w->text + t->off;
    unsigned char c = (unsigned char)(left ? s[t->len - 1] : s[0]);
    if (c >= 'A' && c <= 'Z')
        return 1;
    /* Đ is C4 90 */
    return left ? t->len >= 2 && (unsigned char)s[t->len - 2] == 0xC4 && c == 0x90 : c == 0xC4;
}

static int only_spaces(const work *w, size_t a, size_t b)
{
    for (size_t k = a; k < b; k++)
        if (w->text[k] != ' ')
            return 0;
    return b > a;
}

/* Spaces OCR puts inside a symbol: "NĐ- CP", "12/ 11/2021", "36 /KH-UBND".
 * True when the spaces before token i should go. */
static int join_symbol(const work *w, size_t i)
{
    const vb_tok *t = w->tok;
    if (i < 2 || !t[i].space_before || !only_spaces(w, t[i - 1].off + t[i - 1].len, t[i].off))
        return 0;
    if (t[i - 1].kind == VB_TOK_PUNCT && !t[i - 1].space_before && t[i - 1].len == 1) {
        char c = w->text[t[i - 1].off];
        if (c == '-')
            return acronym_like(w, i - 2, 1) && acronym_like(w, i, 0);
        if (c == '/')
            return t[i - 2].kind == VB_TOK_NUM && t[i - 2].len <= 2 &&
                   (t[i].kind == VB_TOK_NUM || t[i].kind == VB_TOK_SYM) &&
                   w->text[t[i].off] >= '0' && w->text[t[i].off] <= '9';
        return 0;
    }
    if (t[i].kind == VB_TOK_PUNCT && t[i].len == 1 && w->text[t[i].off] == '/' &&
        t[i - 1].kind == VB_TOK_NUM && i + 1 < w->nt && !t[i + 1].space_before)
        return acronym_like(w, i + 1, 0);
    return 0;
}

/* Restore the segment [seg, seg + len) of the text (which starts at byte
 * `base` of the whole), appending the result to `out`. */
static vb_status restore_segment(const vb_restorer *r, const char *seg, size_t base, size_t len,
                                 vb_buf *out, vb_change **changes, size_t *n_changes, size_t *ccap)
{
    work w = {0};
    w.r = r;
    w.text = seg;
    w.bc = calloc(1, sizeof *w.bc); /* NULL is fine: no cache */
    vb_status st = vb_tokenize(seg, len, &w.tok, &w.nt);
    uint32_t *choice = NULL, *ids = NULL;
    hyp *cols = NULL, *tmp = NULL;
    if (st != VB_OK)
        goto done;
    st = VB_ERR_NOMEM;
    w.ti = malloc((w.nt + 1) * sizeof *w.ti);
    choice = calloc(w.nt + 1, sizeof *choice);
    cols = malloc((size_t)CHUNK * BEAM * sizeof *cols);
    tmp = malloc((size_t)BEAM * MAX_CANDS * sizeof *tmp);
    if (!w.ti || !choice || !cols || !tmp)
        goto done;
    if (analyse(&w) != VB_OK)
        goto done;
    w.mode = pick_mode(&w);
    if (candidates(&w) != VB_OK)
        goto done;
    find_names(&w);
    if (name_scores(&w) != VB_OK)
        goto done;

    /* decode in chunks, cut after a fixed token where possible */
    uint32_t w1 = VB_LM_BOS, w2 = VB_LM_BOS;
    for (size_t a = 0; a < w.nt;) {
        size_t b = a + CHUNK < w.nt ? a + CHUNK : w.nt;
        if (b < w.nt) {
            size_t c = b;
            while (c > a + CHUNK / 2 && w.ti[c - 1].nc)
                c--;
            if (c > a + CHUNK / 2)
                b = c;
        }
        decode(&w, a, b, &w1, &w2, choice, cols, tmp);
        a = b;
    }

    /* write the text with the chosen readings */
    ids = malloc((w.nt + 1) * sizeof *ids);
    if (!ids)
        goto done;
    for (size_t i = 0; i < w.nt; i++)
        ids[i] = w.ti[i].nc ? w.cands[w.ti[i].c0 + choice[i]].id : w.ti[i].id;
    size_t pos = 0;
    const vb_lm *lm = &r->lm;
    /* VB_TONE_KEEP: restored syllables follow the text's own tone style */
    int restyle = r->style;
    if (!restyle) {
        size_t n_new = 0, n_old = 0;
        for (size_t i = 0; i < w.nt; i++)
            if (w.ti[i].word && w.ti[i].styled) {
                n_new += w.ti[i].new_style != 0;
                n_old += w.ti[i].new_style == 0;
            }
        restyle = n_new > n_old ? 2 : 1;
    }
    for (size_t i = 0; i < w.nt; i++) {
        const vb_tok *t = &w.tok[i];
        const tinfo *x = &w.ti[i];
        const char *src = seg + t->off;
        char rep[VB_SYL_MAX * 2];
        size_t rn = 0;
        const char *why = NULL;
        double score = 0;
        uint32_t id = x->nc ? w.cands[x->c0 + choice[i]].id : x->id;
        if (x->nc && id != x->id) {
            const cand *c = &w.cands[x->c0 + choice[i]];
            vb_syl y;
            const char *word = vb_lm_word(lm, id);
            if (vb_syl_parse(word, strlen(word), &y))
                rn = vb_syl_render(y.base, y.tone, restyle, out_caps(&w, i), rep, sizeof rep);
            why = x->nl0 ? "name" : c->rewritten ? "channel" : "restore";
            uint32_t p1 = i >= 2 ? ids[i - 2] : VB_LM_BOS, p2 = i >= 1 ? ids[i - 1] : VB_LM_BOS;
            score = vb_lm_score(lm, p1, p2, id) - c->cost - vb_lm_score(lm, p1, p2, x->id);
            if (x->nl0)
                score += w.nlp[x->nl0 - 1 + choice[i]] - w.nlp[x->nl0 - 1];
        } else if (x->word && (x->nc || x->valid)) {
            int caps = out_caps(&w, i);
            int style = r->style ? r->style : x->new_style ? 2 : 1;
            if (caps != x->caps || (r->style && x->tone && (style == 2) != (x->new_style != 0))) {
                rn = vb_syl_render(x->base, x->tone, style, caps, rep, sizeof rep);
                why = caps != x->caps ? "case" : "tone-style";
            }
        } else if ((rn = roman_quarter(&w, i, rep, sizeof rep)) != 0) {
            why = "rule";
        }
        if (join_symbol(&w, i)) {
            size_t a = w.tok[i - 1].off + w.tok[i - 1].len;
            if (vb_buf_append(out, seg + pos, a - pos) != VB_OK)
                goto done;
            if (changes && add_change(changes, n_changes, ccap, out->len, base + a, seg + a,
                                      t->off - a, "", 0, 0, "rule") != VB_OK)
                goto done;
            pos = t->off;
        }
        if (!rn || (rn == t->len && memcmp(rep, src, rn) == 0))
            continue;
        if (vb_buf_append(out, seg + pos, t->off - pos) != VB_OK)
            goto done;
        if (changes && add_change(changes, n_changes, ccap, out->len, base + t->off, src, t->len,
                                  rep, rn, score, why) != VB_OK)
            goto done;
        if (vb_buf_append(out, rep, rn) != VB_OK)
            goto done;
        pos = t->off + t->len;
    }
    if (vb_buf_append(out, seg + pos, len - pos) != VB_OK)
        goto done;
    st = VB_OK;
done:
    free(w.tok);
    free(w.ti);
    free(w.cands);
    free(w.nlp);
    free(w.bc);
    free(choice);
    free(ids);
    free(cols);
    free(tmp);
    return st;
}

vb_status vb_restore_text(const vb_normalize *nz, vb_buf *text, vb_change **changes,
                          size_t *n_changes, vb_error *err)
{
    const vb_restorer *r = nz->restorer;
    if (!r || text->len == 0)
        return VB_OK;
    /* Segments of about SEGMENT bytes, cut after a line break, bound the
     * memory per call; each picks its own mode (clean, stripped, noisy). */
    vb_buf out = {0};
    size_t ccap = 0;
    vb_status st = vb_buf_reserve(&out, text->len + text->len / 4);
    for (size_t s = 0; st == VB_OK && s < text->len;) {
        size_t e = s + SEGMENT;
        if (e >= text->len) {
            e = text->len;
        } else {
            while (e < text->len && text->data[e] != '\n' && text->data[e] != '\f')
                e++;
            if (e < text->len)
                e++;
        }
        st = restore_segment(r, text->data + s, s, e - s, &out, changes, n_changes, &ccap);
        s = e;
    }
    if (st != VB_OK) {
        vb_buf_free(&out);
        return vb_error_set(err, VB_ERR_NOMEM, "out of memory restoring diacritics");
    }
    vb_buf_free(text);
    *text = out;
    return VB_OK;
}
