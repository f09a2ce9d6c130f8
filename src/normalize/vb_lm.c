/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "vb_lm.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

uint32_t vb_lm_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static int section_ok(const vb_lm_header *h, uint64_t off, uint64_t count, uint64_t size)
{
    return off % 8 == 0 && off >= h->header_size && off <= h->file_size &&
           count <= (h->file_size - off) / size;
}

vb_status vb_lm_open(vb_lm *lm, const char *path, vb_error *err)
{
    memset(lm, 0, sizeof *lm);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        vb_error_at(err, path, 0, 0);
        return vb_error_set(err, VB_ERR_INPUT, "cannot open the language model: %s",
                            strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || (size_t)st.st_size < sizeof(vb_lm_header)) {
        close(fd);
        vb_error_at(err, path, 0, 0);
        return vb_error_set(err, VB_ERR_INPUT, "not a vanban language model (too short)");
    }
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        vb_error_at(err, path, 0, 0);
        return vb_error_set(err, VB_ERR_INPUT, "cannot map the language model: %s",
                            strerror(errno));
    }
    const vb_lm_header *h = m;
    const char *why = NULL;
    if (memcmp(h->magic, VB_LM_MAGIC, 8) != 0)
        why = "not a vanban language model (bad magic)";
    else if (h->version != VB_LM_VERSION)
        why = "unsupported language model version (rebuild it with scripts/build-lm)";
    else if (h->header_size != sizeof *h || h->file_size != (uint64_t)st.st_size)
        why = "the language model file is truncated or damaged";
    else if (!section_ok(h, h->off_strings, h->strings_size, 1) ||
             !section_ok(h, h->off_vocab_str, h->n_vocab, 4) ||
             !section_ok(h, h->off_vocab_flags, h->n_vocab, 1) ||
             !section_ok(h, h->off_vocab_hash, h->vocab_hash_size, 4) ||
             !section_ok(h, h->off_uni_p, h->n_vocab, 4) ||
             !section_ok(h, h->off_uni_bo, h->n_vocab, 4) ||
             !section_ok(h, h->off_uni_bi, (uint64_t)h->n_vocab + 1, 4) ||
             !section_ok(h, h->off_bi_w2, h->n_bigram, 2) ||
             !section_ok(h, h->off_bi_p, h->n_bigram, 2) ||
             !section_ok(h, h->off_bi_bo, h->n_bigram, 2) ||
             !section_ok(h, h->off_bi_tri, (uint64_t)h->n_bigram + 1, 4) ||
             !section_ok(h, h->off_tri_w3, h->n_trigram, 2) ||
             !section_ok(h, h->off_tri_p, h->n_trigram, 2) ||
             !section_ok(h, h->off_fold_key, h->n_fold, 4) ||
             !section_ok(h, h->off_fold_cand, (uint64_t)h->n_fold + 1, 4) ||
             !section_ok(h, h->off_cands, h->n_fold_cand, 2) ||
             !section_ok(h, h->off_fold_hash, h->fold_hash_size, 4) ||
             h->n_vocab < VB_LM_NSPECIAL || h->n_vocab > 65536 || h->vocab_hash_size == 0 ||
             (h->vocab_hash_size & (h->vocab_hash_size - 1)) || h->fold_hash_size == 0 ||
             (h->fold_hash_size & (h->fold_hash_size - 1)) || h->strings_size == 0)
        why = "the language model file is damaged (bad section table)";
    if (why) {
        munmap(m, (size_t)st.st_size);
        vb_error_at(err, path, 0, 0);
        return vb_error_set(err, VB_ERR_INPUT, "%s", why);
    }
    const unsigned char *b = m;
    lm->map = b;
    lm->map_len = (size_t)st.st_size;
    lm->h = h;
    lm->strings = (const char *)(b + h->off_strings);
    lm->vocab_str = (const uint32_t *)(b + h->off_vocab_str);
    lm->vocab_flags = b + h->off_vocab_flags;
    lm->vocab_hash = (const uint32_t *)(b + h->off_vocab_hash);
    lm->uni_p = (const float *)(b + h->off_uni_p);
    lm->uni_bo = (const float *)(b + h->off_uni_bo);
    lm->uni_bi = (const uint32_t *)(b + h->off_uni_bi);
    lm->bi_w2 = (const uint16_t *)(b + h->off_bi_w2);
    lm->bi_p = (const int16_t *)(b + h->off_bi_p);
    lm->bi_bo = (const int16_t *)(b + h->off_bi_bo);
    lm->bi_tri = (const uint32_t *)(b + h->off_bi_tri);
    lm->tri_w3 = (const uint16_t *)(b + h->off_tri_w3);
    lm->tri_p = (const int16_t *)(b + h->off_tri_p);
    lm->fold_key = (const uint32_t *)(b + h->off_fold_key);
    lm->fold_cand = (const uint32_t *)(b + h->off_fold_cand);
    lm->cands = (const uint16_t *)(b + h->off_cands);
    lm->fold_hash = (const uint32_t *)(b + h->off_fold_hash);
    /* The strings section must end with a NUL so every lookup stays inside. */
    if (lm->strings[h->strings_size - 1] != '\0' || lm->uni_bi[h->n_vocab] != h->n_bigram ||
        lm->bi_tri[h->n_bigram] != h->n_trigram || lm->fold_cand[h->n_fold] != h->n_fold_cand) {
        vb_lm_close(lm);
        vb_error_at(err, path, 0, 0);
        return vb_error_set(err, VB_ERR_INPUT, "the language model file is damaged");
    }
    return VB_OK;
}

void vb_lm_close(vb_lm *lm)
{
    if (lm && lm->map)
        munmap((void *)lm->map, lm->map_len);
    if (lm)
        memset(lm, 0, sizeof *lm);
}

static int str_eq(const char *z, const char *s, size_t n)
{
    return strncmp(z, s, n) == 0 && z[n] == '\0';
}

uint32_t vb_lm_id(const vb_lm *lm, const char *s, size_t n)
{
    uint32_t mask = lm->h->vocab_hash_size - 1;
    for (uint32_t i = vb_lm_hash(s, n) & mask, k = 0; k <= mask; i = (i + 1) & mask, k++) {
        uint32_t v = lm->vocab_hash[i];
        if (v == 0 || v > lm->h->n_vocab)
            return VB_LM_UNK;
        if (str_eq(vb_lm_word(lm, v - 1), s, n))
            return v - 1;
    }
    return VB_LM_UNK;
}

uint32_t vb_lm_fold_cands(const vb_lm *lm, const char *fold, size_t n, const uint16_t **cands)
{
    uint32_t mask = lm->h->fold_hash_size - 1;
    for (uint32_t i = vb_lm_hash(fold, n) & mask, k = 0; k <= mask; i = (i + 1) & mask, k++) {
        uint32_t v = lm->fold_hash[i];
        if (v == 0 || v > lm->h->n_fold)
            break;
        if (str_eq(lm->strings + lm->fold_key[v - 1], fold, n)) {
            *cands = lm->cands + lm->fold_cand[v - 1];
            return lm->fold_cand[v] - lm->fold_cand[v - 1];
        }
    }
    *cands = NULL;
    return 0;
}

/* Index of the bigram (w1, w2), or UINT32_MAX. */
static uint32_t find_bigram(const vb_lm *lm, uint32_t w1, uint32_t w2)
{
    uint32_t lo = lm->uni_bi[w1], hi = lm->uni_bi[w1 + 1];
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint16_t v = lm->bi_w2[mid];
        if (v == w2)
            return mid;
        if (v < w2)
            lo = mid + 1;
        else
            hi = mid;
    }
    return UINT32_MAX;
}

void vb_lm_context(const vb_lm *lm, uint32_t w1, uint32_t w2, vb_lm_ctx *ctx)
{
    uint32_t b12 = find_bigram(lm, w1, w2);
    if (b12 != UINT32_MAX) {
        ctx->tri_lo = lm->bi_tri[b12];
        ctx->tri_hi = lm->bi_tri[b12 + 1];
        ctx->bo3 = lm->bi_bo[b12] / VB_LM_QSCALE;
    } else {
        ctx->tri_lo = ctx->tri_hi = 0;
        ctx->bo3 = 0;
    }
    ctx->bi_lo = lm->uni_bi[w2];
    ctx->bi_hi = lm->uni_bi[w2 + 1];
    ctx->bo2 = lm->uni_bo[w2];
}

int vb_lm_trigram(const vb_lm *lm, const vb_lm_ctx *ctx, uint32_t w3, float *logp)
{
    uint32_t lo = ctx->tri_lo, hi = ctx->tri_hi;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint16_t v = lm->tri_w3[mid];
        if (v == w3) {
            *logp = lm->tri_p[mid] / VB_LM_QSCALE;
            return 1;
        }
        if (v < w3)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

float vb_lm_bigram(const vb_lm *lm, const vb_lm_ctx *ctx, uint32_t w3)
{
    uint32_t lo = ctx->bi_lo, hi = ctx->bi_hi;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint16_t v = lm->bi_w2[mid];
        if (v == w3)
            return lm->bi_p[mid] / VB_LM_QSCALE;
        if (v < w3)
            lo = mid + 1;
        else
            hi = mid;
    }
    return ctx->bo2 + lm->uni_p[w3];
}

float vb_lm_score_ctx(const vb_lm *lm, const vb_lm_ctx *ctx, uint32_t w3)
{
    float p;
    if (vb_lm_trigram(lm, ctx, w3, &p))
        return p;
    return ctx->bo3 + vb_lm_bigram(lm, ctx, w3);
}

float vb_lm_score(const vb_lm *lm, uint32_t w1, uint32_t w2, uint32_t w3)
{
    vb_lm_ctx ctx;
    vb_lm_context(lm, w1, w2, &ctx);
    return vb_lm_score_ctx(lm, &ctx, w3);
}
