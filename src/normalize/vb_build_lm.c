/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * vb-build-lm: train the syllable trigram model (see vb_lm.h) from text files.
 *
 *   vb-build-lm -o models/vi-syllable.lm [-m MIN] [-t TRIMIN] [-b BIMIN] [-v VALIDMIN] FILE...
 *
 * Every file goes through the normalize stage's clean-up and NFC (restoration
 * off), then the same tokenizer the restorer uses; words become lower-case
 * syllables in the old tone style (hòa), numbers <num>, other symbols <sym>,
 * page breaks and document starts <s>. Words seen fewer than MIN times become
 * <unk>; trigrams seen fewer than TRIMIN times and bigrams seen fewer than
 * BIMIN times (and no kept trigram's context) are pruned. Words of syllable
 * shape seen at least VALIDMIN times are "valid" and enter the fold table the restorer draws its
 * candidates from.
 *
 * This is a build tool: it prints progress and errors on stderr and exits 1
 * on failure.
 */
#include "vb_lm.h"
#include "vb_normalize.h"
#include "vb_syllable.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "vb-build-lm: error: %s\n", what);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

static void *xcalloc(size_t n, size_t s)
{
    void *p = calloc(n ? n : 1, s);
    if (!p)
        die("out of memory");
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p)
        die("out of memory");
    return p;
}

/* ---- string interning ---- */
typedef struct intern {
    char **keys;
    uint32_t *ids;
    uint32_t size, n;
    char **by_id;
    uint64_t *count;
    uint32_t cap_id;
} intern;

static uint32_t intern_id(intern *t, const char *s, size_t n)
{
    if (t->n * 2 >= t->size) {
        uint32_t ns = t->size ? t->size * 2 : 1u << 16;
        char **nk = xcalloc(ns, sizeof *nk);
        uint32_t *ni = xcalloc(ns, sizeof *ni);
        for (uint32_t i = 0; i < t->size; i++) {
            if (!t->keys[i])
                continue;
            uint32_t j = vb_lm_hash(t->keys[i], strlen(t->keys[i])) & (ns - 1);
            while (nk[j])
                j = (j + 1) & (ns - 1);
            nk[j] = t->keys[i];
            ni[j] = t->ids[i];
        }
        free(t->keys);
        free(t->ids);
        t->keys = nk;
        t->ids = ni;
        t->size = ns;
    }
    uint32_t mask = t->size - 1;
    uint32_t j = vb_lm_hash(s, n) & mask;
    while (t->keys[j]) {
        if (strncmp(t->keys[j], s, n) == 0 && t->keys[j][n] == '\0')
            return t->ids[j];
        j = (j + 1) & mask;
    }
    if (t->n == t->cap_id) {
        t->cap_id = t->cap_id ? t->cap_id * 2 : 1024;
        t->by_id = xrealloc(t->by_id, t->cap_id * sizeof *t->by_id);
        t->count = xrealloc(t->count, t->cap_id * sizeof *t->count);
    }
    char *k = xmalloc(n + 1);
    memcpy(k, s, n);
    k[n] = '\0';
    t->keys[j] = k;
    t->ids[j] = t->n;
    t->by_id[t->n] = k;
    t->count[t->n] = 0;
    return t->n++;
}

/* ---- sorting ---- */
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static const uint64_t *g_counts;
static int cmp_by_count(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (g_counts[x] != g_counts[y])
        return g_counts[x] > g_counts[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

typedef struct fold_ent {
    char *key;
    uint32_t id;
    uint64_t count;
} fold_ent;

static int cmp_fold(const void *a, const void *b)
{
    const fold_ent *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Sorted distinct n-grams (order 2 or 3) of the stream as packed keys
 * (w1 << 32 | w2 << 16 | w3; <s> before the start), with their counts. */
static size_t count_ngrams(const uint32_t *stream, size_t ns, int order, uint64_t **keys_out,
                           uint32_t **counts_out)
{
    uint64_t *k = xmalloc((ns + 1) * sizeof *k);
    for (size_t i = 0; i < ns; i++) {
        uint64_t w1 = i >= 2 ? stream[i - 2] : VB_LM_BOS, w2 = i >= 1 ? stream[i - 1] : VB_LM_BOS;
        k[i] = (order == 3 ? w1 << 32 : 0) | w2 << 16 | stream[i];
    }
    qsort(k, ns, sizeof *k, cmp_u64);
    uint32_t *c = xmalloc((ns + 1) * sizeof *c);
    size_t n = 0;
    for (size_t i = 0; i < ns; i++) {
        if (n && k[n - 1] == k[i]) {
            c[n - 1]++;
        } else {
            k[n] = k[i];
            c[n++] = 1;
        }
    }
    *keys_out = k;
    *counts_out = c;
    return n;
}

static int16_t quant(double lp)
{
    double q = lp * VB_LM_QSCALE;
    if (q < -32767)
        q = -32767;
    if (q > 0)
        q = 0;
    return (int16_t)lrint(q);
}

/* ---- output ---- */
typedef struct out {
    FILE *f;
    uint64_t off;
} out;

static uint64_t put(out *o, const void *p, size_t n)
{
    static const char zero[8];
    while (o->off % 8) {
        if (fwrite(zero, 1, 1, o->f) != 1)
            die("write failed");
        o->off++;
    }
    uint64_t at = o->off;
    if (n && fwrite(p, 1, n, o->f) != n)
        die("write failed");
    o->off += n;
    return at;
}

static uint32_t pow2_at_least(uint32_t n)
{
    uint32_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

int main(int argc, char **argv)
{
    const char *outpath = NULL;
    unsigned min_count = 2, tri_min = 2, bi_min = 2, valid_min = 3;
    int opt;
    while ((opt = getopt(argc, argv, "o:m:t:b:v:")) != -1) {
        switch (opt) {
        case 'o': outpath = optarg; break;
        case 'm': min_count = (unsigned)atoi(optarg); break;
        case 't': tri_min = (unsigned)atoi(optarg); break;
        case 'b': bi_min = (unsigned)atoi(optarg); break;
        case 'v': valid_min = (unsigned)atoi(optarg); break;
        default:
            fprintf(stderr, "usage: vb-build-lm -o OUT [-m MIN] [-t TRIMIN] [-b BIMIN] "
                            "[-v VALIDMIN] FILE...\n");
            return 2;
        }
    }
    if (!outpath || optind >= argc) {
        fprintf(stderr, "usage: vb-build-lm -o OUT [-m MIN] [-t TRIMIN] [-b BIMIN] "
                        "[-v VALIDMIN] FILE...\n");
        return 2;
    }
    double t0 = vb_now();
    vb_error err;
    vb_normalize *nz = NULL;
    vb_normalize_opts nopts = {0};
    nopts.restore = -1;
    if (vb_normalize_create(&nz, &nopts, &err) != VB_OK)
        die(err.message);

    intern vocab = {0};
    static const char *special[] = {"<unk>", "<s>", "<num>", "<sym>"};
    for (int i = 0; i < VB_LM_NSPECIAL; i++)
        intern_id(&vocab, special[i], strlen(special[i]));

    uint32_t *stream = NULL;
    size_t ns = 0, cap = 0;
    unsigned ndocs = 0;
    for (int a = optind; a < argc; a++) {
        unsigned char *data;
        size_t len;
        if (vb_read_file(argv[a], 0, &data, &len, &err) != VB_OK) {
            fprintf(stderr, "vb-build-lm: %s: error: %s\n", argv[a], err.message);
            return 1;
        }
        vb_text t;
        if (vb_normalize_run(nz, (const char *)data, len, &t, &err) != VB_OK) {
            fprintf(stderr, "vb-build-lm: %s: warning: skipped: %s\n", argv[a], err.message);
            free(data);
            continue;
        }
        free(data);
        vb_tok *toks;
        size_t nt;
        if (vb_tokenize(t.text, t.len, &toks, &nt) != VB_OK)
            die("out of memory");
        if (ns + nt + 2 > cap) {
            cap = (ns + nt + 2) * 2;
            stream = xrealloc(stream, cap * sizeof *stream);
        }
        stream[ns++] = VB_LM_BOS;
        vocab.count[VB_LM_BOS]++;
        for (size_t i = 0; i < nt; i++) {
            char buf[VB_SYL_MAX * 2];
            size_t n = vb_lm_token(t.text, &toks[i], buf, sizeof buf);
            uint32_t id = n ? intern_id(&vocab, buf, n) : VB_LM_UNK;
            vocab.count[id]++;
            stream[ns++] = id;
        }
        free(toks);
        vb_text_free(&t);
        ndocs++;
    }
    vb_normalize_destroy(&nz);
    fprintf(stderr, "vb-build-lm: %u documents, %zu tokens, %u types (%.1f s)\n", ndocs, ns,
            vocab.n, vb_now() - t0);

    /* vocabulary: specials, then words by falling count, at most 65535 */
    uint32_t *order = xmalloc(vocab.n * sizeof *order);
    uint32_t no = 0;
    for (uint32_t i = VB_LM_NSPECIAL; i < vocab.n; i++)
        if (vocab.count[i] >= min_count)
            order[no++] = i;
    g_counts = vocab.count;
    qsort(order, no, sizeof *order, cmp_by_count);
    if (no > 65535 - VB_LM_NSPECIAL)
        no = 65535 - VB_LM_NSPECIAL;
    uint32_t V = no + VB_LM_NSPECIAL;
    uint32_t *remap = xmalloc(vocab.n * sizeof *remap);
    for (uint32_t i = 0; i < vocab.n; i++)
        remap[i] = VB_LM_UNK;
    uint32_t *newid_old = xmalloc(V * sizeof *newid_old);
    for (uint32_t i = 0; i < VB_LM_NSPECIAL; i++)
        remap[i] = newid_old[i] = i;
    for (uint32_t i = 0; i < no; i++) {
        remap[order[i]] = VB_LM_NSPECIAL + i;
        newid_old[VB_LM_NSPECIAL + i] = order[i];
    }
    uint64_t *count = xcalloc(V, sizeof *count);
    for (size_t i = 0; i < ns; i++) {
        stream[i] = remap[stream[i]];
        count[stream[i]]++;
    }

    /* trigram and bigram counts */
    uint64_t *tk, *bk;
    uint32_t *c3, *c2;
    size_t n3 = count_ngrams(stream, ns, 3, &tk, &c3);
    size_t n2 = count_ngrams(stream, ns, 2, &bk, &c2);
    free(stream);
    fprintf(stderr, "vb-build-lm: %u words, %zu bigrams, %zu trigrams (%.1f s)\n", V, n2, n3,
            vb_now() - t0);

    /* Kneser-Ney continuation counts: N1+(. w2 w3) for bigrams, N1+(. w) for words */
    uint32_t *suf = xmalloc(n3 * sizeof *suf);
    for (size_t i = 0; i < n3; i++)
        suf[i] = (uint32_t)(tk[i] & 0xffffffffu);
    qsort(suf, n3, sizeof *suf, cmp_u32);
    uint32_t *kn2 = xcalloc(n2, sizeof *kn2);
    for (size_t i = 0, j = 0; i < n3; i++) {
        while (j < n2 && bk[j] < suf[i])
            j++;
        if (j < n2 && bk[j] == suf[i])
            kn2[j]++;
    }
    free(suf);
    for (size_t j = 0; j < n2; j++)
        if (kn2[j] == 0)
            kn2[j] = 1;
    uint64_t *kn1 = xcalloc(V, sizeof *kn1);
    uint64_t kn1_total = 0;
    for (size_t j = 0; j < n2; j++) {
        kn1[bk[j] & 0xffff]++;
        kn1_total++;
    }
    double cc[2][3] = {{0}};
    for (size_t j = 0; j < n2; j++)
        if (kn2[j] <= 2)
            cc[0][kn2[j]]++;
    for (size_t i = 0; i < n3; i++)
        if (c3[i] <= 2)
            cc[1][c3[i]]++;
    double D2 = cc[0][1] / (cc[0][1] + 2 * cc[0][2]);
    double D3 = cc[1][1] / (cc[1][1] + 2 * cc[1][2]);

    float *uni_p = xmalloc(V * sizeof *uni_p);
    float *uni_bo = xcalloc(V, sizeof *uni_bo);
    for (uint32_t w = 0; w < V; w++)
        uni_p[w] = (float)log((kn1[w] + 0.5) / (kn1_total + 0.5 * V));

    /* bigram level */
    double *p2 = xmalloc(n2 * sizeof *p2);
    for (size_t j = 0; j < n2;) {
        uint32_t a = (uint32_t)(bk[j] >> 16);
        size_t e = j;
        double tot = 0;
        while (e < n2 && (uint32_t)(bk[e] >> 16) == a)
            tot += kn2[e++];
        double gamma = D2 * (double)(e - j) / tot;
        uni_bo[a] = (float)log(gamma);
        for (size_t k = j; k < e; k++) {
            double d = kn2[k] - D2;
            p2[k] = (d > 0 ? d / tot : 0) + gamma * exp(uni_p[bk[k] & 0xffff]);
        }
        j = e;
    }

    /* trigram level, then pruning */
    double *bo3 = xcalloc(n2, sizeof *bo3); /* log gamma of the context (w1 w2) */
    uint8_t *keep3 = xcalloc(n3, 1);
    int16_t *q3 = xmalloc(n3 * sizeof *q3);
    uint8_t *ctx_kept = xcalloc(n2, 1);
    size_t kept3 = 0;
    for (size_t i = 0, jb = 0; i < n3;) {
        uint32_t ctx = (uint32_t)(tk[i] >> 16);
        size_t e = i;
        double tot = 0;
        while (e < n3 && (uint32_t)(tk[e] >> 16) == ctx)
            tot += c3[e++];
        double gamma = D3 * (double)(e - i) / tot;
        while (jb < n2 && bk[jb] < ctx)
            jb++;
        if (jb < n2 && bk[jb] == ctx)
            bo3[jb] = log(gamma);
        for (size_t k = i; k < e; k++) {
            if (c3[k] < tri_min)
                continue;
            uint32_t key2 = (uint32_t)(tk[k] & 0xffffffffu);
            size_t lo = 0, hi = n2;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (bk[mid] < key2)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            double d = c3[k] - D3;
            double p = (d > 0 ? d / tot : 0) + gamma * p2[lo];
            q3[k] = quant(log(p));
            keep3[k] = 1;
            kept3++;
            if (jb < n2 && bk[jb] == ctx)
                ctx_kept[jb] = 1;
        }
        i = e;
    }

    /* assemble the kept bigrams and trigrams in trie order */
    uint32_t *uni_bi = xcalloc(V + 1, sizeof *uni_bi);
    uint16_t *bi_w2 = xmalloc(n2 * sizeof *bi_w2);
    int16_t *bi_p = xmalloc(n2 * sizeof *bi_p), *bi_bo = xmalloc(n2 * sizeof *bi_bo);
    uint32_t *bi_tri = xmalloc((n2 + 1) * sizeof *bi_tri);
    uint16_t *tri_w3 = xmalloc((kept3 + 1) * sizeof *tri_w3);
    int16_t *tri_p = xmalloc((kept3 + 1) * sizeof *tri_p);
    uint32_t nb = 0, nt3 = 0;
    size_t it = 0;
    for (size_t j = 0; j < n2; j++) {
        uint32_t a = (uint32_t)(bk[j] >> 16);
        /* skip trigrams of pruned contexts that sort before this one */
        while (it < n3 && (uint32_t)(tk[it] >> 16) < bk[j])
            it++;
        if (c2[j] < bi_min && !ctx_kept[j])
            continue;
        uni_bi[a + 1]++;
        bi_w2[nb] = (uint16_t)(bk[j] & 0xffff);
        bi_p[nb] = quant(log(p2[j]));
        bi_bo[nb] = quant(bo3[j]);
        bi_tri[nb] = nt3;
        while (it < n3 && (uint32_t)(tk[it] >> 16) == bk[j]) {
            if (keep3[it]) {
                tri_w3[nt3] = (uint16_t)(tk[it] & 0xffff);
                tri_p[nt3] = q3[it];
                nt3++;
            }
            it++;
        }
        nb++;
    }
    bi_tri[nb] = nt3;
    for (uint32_t w = 0; w < V; w++)
        uni_bi[w + 1] += uni_bi[w];

    /* strings, vocabulary hash, flags, fold table */
    vb_buf strings = {0};
    uint32_t *vocab_str = xmalloc(V * sizeof *vocab_str);
    uint8_t *flags = xcalloc(V, 1);
    uint32_t vhs = pow2_at_least(V * 2);
    uint32_t *vhash = xcalloc(vhs, sizeof *vhash);
    fold_ent *fe = xmalloc(V * sizeof *fe);
    uint32_t nfe = 0;
    vb_buf_putc(&strings, '\0');
    for (uint32_t w = 0; w < V; w++) {
        const char *s = vocab.by_id[newid_old[w]];
        size_t n = strlen(s);
        vocab_str[w] = (uint32_t)strings.len;
        if (vb_buf_append(&strings, s, n + 1) != VB_OK)
            die("out of memory");
        uint32_t j = vb_lm_hash(s, n) & (vhs - 1);
        while (vhash[j])
            j = (j + 1) & (vhs - 1);
        vhash[j] = w + 1;
        vb_syl y;
        if (w >= VB_LM_NSPECIAL && vb_syl_parse(s, n, &y)) {
            flags[w] |= VB_LM_WORD;
            if (count[w] >= valid_min && vb_syl_shape_ok(y.base)) {
                flags[w] |= VB_LM_VALID;
                char *f;
                size_t fl;
                if (vb_fold(s, n, &f, &fl, NULL, &err) != VB_OK)
                    die(err.message);
                fe[nfe++] = (fold_ent){f, w, count[w]};
            }
        }
    }
    qsort(fe, nfe, sizeof *fe, cmp_fold);
    uint32_t *fold_key = xmalloc(nfe * sizeof *fold_key);
    uint32_t *fold_cand = xmalloc((nfe + 1) * sizeof *fold_cand);
    uint16_t *cands = xmalloc((nfe + 1) * sizeof *cands);
    uint32_t nf = 0;
    for (uint32_t i = 0; i < nfe; i++) {
        if (i == 0 || strcmp(fe[i].key, fe[i - 1].key) != 0) {
            fold_key[nf] = (uint32_t)strings.len;
            fold_cand[nf++] = i;
            if (vb_buf_append(&strings, fe[i].key, strlen(fe[i].key) + 1) != VB_OK)
                die("out of memory");
        }
        cands[i] = (uint16_t)fe[i].id;
    }
    fold_cand[nf] = nfe;
    uint32_t fhs = pow2_at_least(nf * 2 + 2);
    uint32_t *fhash = xcalloc(fhs, sizeof *fhash);
    for (uint32_t i = 0; i < nf; i++) {
        const char *k = strings.data + fold_key[i];
        uint32_t j = vb_lm_hash(k, strlen(k)) & (fhs - 1);
        while (fhash[j])
            j = (j + 1) & (fhs - 1);
        fhash[j] = i + 1;
    }

    /* write: header first as a placeholder, then the sections, then the header again */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", outpath);
    out o = {fopen(tmp, "wb"), 0};
    if (!o.f)
        die("cannot create the output file");
    vb_lm_header h;
    memset(&h, 0, sizeof h);
    put(&o, &h, sizeof h);
    memcpy(h.magic, VB_LM_MAGIC, 8);
    h.version = VB_LM_VERSION;
    h.header_size = sizeof h;
    h.n_vocab = V;
    h.n_bigram = nb;
    h.n_trigram = nt3;
    h.n_fold = nf;
    h.n_fold_cand = nfe;
    h.vocab_hash_size = vhs;
    h.fold_hash_size = fhs;
    h.strings_size = (uint32_t)strings.len;
    h.n_train_tokens = ns;
    h.n_train_docs = ndocs;
    h.min_count = min_count;
    h.tri_min_count = tri_min;
    h.valid_min_count = valid_min;
    h.d1 = 0;
    h.d2 = (float)D2;
    h.d3 = (float)D3;
    h.off_strings = put(&o, strings.data, strings.len);
    h.off_vocab_str = put(&o, vocab_str, V * sizeof *vocab_str);
    h.off_vocab_flags = put(&o, flags, V);
    h.off_vocab_hash = put(&o, vhash, vhs * sizeof *vhash);
    h.off_uni_p = put(&o, uni_p, V * sizeof *uni_p);
    h.off_uni_bo = put(&o, uni_bo, V * sizeof *uni_bo);
    h.off_uni_bi = put(&o, uni_bi, (V + 1) * sizeof *uni_bi);
    h.off_bi_w2 = put(&o, bi_w2, nb * sizeof *bi_w2);
    h.off_bi_p = put(&o, bi_p, nb * sizeof *bi_p);
    h.off_bi_bo = put(&o, bi_bo, nb * sizeof *bi_bo);
    h.off_bi_tri = put(&o, bi_tri, (nb + 1) * sizeof *bi_tri);
    h.off_tri_w3 = put(&o, tri_w3, nt3 * sizeof *tri_w3);
    h.off_tri_p = put(&o, tri_p, nt3 * sizeof *tri_p);
    h.off_fold_key = put(&o, fold_key, nf * sizeof *fold_key);
    h.off_fold_cand = put(&o, fold_cand, (nf + 1) * sizeof *fold_cand);
    h.off_cands = put(&o, cands, nfe * sizeof *cands);
    h.off_fold_hash = put(&o, fhash, fhs * sizeof *fhash);
    put(&o, NULL, 0);
    h.file_size = o.off;
    if (fseek(o.f, 0, SEEK_SET) != 0 || fwrite(&h, sizeof h, 1, o.f) != 1 || fclose(o.f) != 0)
        die("write failed");
    if (rename(tmp, outpath) != 0)
        die("cannot rename the output file into place");
    fprintf(stderr,
            "vb-build-lm: wrote %s: %llu bytes; %u words, %u bigrams, %u trigrams, %u fold keys, "
            "D2=%.3f D3=%.3f (%.1f s)\n",
            outpath, (unsigned long long)h.file_size, V, nb, nt3, nf, D2, D3, vb_now() - t0);
    return 0;
}
