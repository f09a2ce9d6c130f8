/*
 * vb_lm.h: the syllable trigram model file (models/vi-syllable.lm), internal
 * to the normalize stage. Written by vb-build-lm, read with mmap.
 *
 * Layout: a fixed header (magic "VBSYLLM", version, counts, section offsets;
 * little-endian, every section 8-byte aligned), then the sections named in
 * vb_lm_header. Log probabilities are natural logs; bigram and trigram ones are
 * stored as int16 in units of 1/VB_LM_QSCALE.
 *
 * Smoothing: interpolated Kneser-Ney (one discount per order, D = n1/(n1+2n2)),
 * stored in back-off form: p(w3|w1w2) for kept trigrams, else
 * bo(w1w2) * p(w3|w2), else bo(w2) * p(w3). Pruning drops trigrams (and
 * bigrams that are no trigram's context) seen fewer than the configured times
 * without renormalising: the dropped mass is small and decoding only compares.
 */
#ifndef VB_LM_H
#define VB_LM_H

#include "vb_common.h"

#include <stdint.h>

#define VB_LM_MAGIC "VBSYLLM"
#define VB_LM_VERSION 1u
#define VB_LM_QSCALE 1000.0f

enum { VB_LM_UNK = 0, VB_LM_BOS = 1, VB_LM_NUM = 2, VB_LM_SYM = 3, VB_LM_NSPECIAL = 4 };

/* vocabulary flags */
enum { VB_LM_WORD = 1, VB_LM_VALID = 2 };

typedef struct vb_lm_header {
    char magic[8]; /* "VBSYLLM\0" */
    uint32_t version;
    uint32_t header_size;
    uint64_t file_size;
    uint32_t n_vocab, n_bigram, n_trigram, n_fold, n_fold_cand;
    uint32_t vocab_hash_size, fold_hash_size; /* powers of two */
    uint32_t strings_size;
    uint64_t n_train_tokens;
    uint32_t n_train_docs, min_count, tri_min_count, valid_min_count;
    float d1, d2, d3; /* discounts, for the record */
    uint32_t pad;
    /* section offsets from the start of the file */
    uint64_t off_strings;     /* char[strings_size] */
    uint64_t off_vocab_str;   /* uint32[n_vocab]: offset of each word in strings */
    uint64_t off_vocab_flags; /* uint8[n_vocab] */
    uint64_t off_vocab_hash;  /* uint32[vocab_hash_size]: id + 1, 0 empty */
    uint64_t off_uni_p;       /* float[n_vocab] */
    uint64_t off_uni_bo;      /* float[n_vocab] */
    uint64_t off_uni_bi;      /* uint32[n_vocab + 1]: first bigram with w1 = id */
    uint64_t off_bi_w2;       /* uint16[n_bigram] */
    uint64_t off_bi_p;        /* int16[n_bigram] */
    uint64_t off_bi_bo;       /* int16[n_bigram] */
    uint64_t off_bi_tri;      /* uint32[n_bigram + 1]: first trigram with (w1, w2) */
    uint64_t off_tri_w3;      /* uint16[n_trigram] */
    uint64_t off_tri_p;       /* int16[n_trigram] */
    uint64_t off_fold_key;    /* uint32[n_fold]: offset of the fold key in strings */
    uint64_t off_fold_cand;   /* uint32[n_fold + 1]: first candidate */
    uint64_t off_cands;       /* uint16[n_fold_cand]: vocab ids, most frequent first */
    uint64_t off_fold_hash;   /* uint32[fold_hash_size]: fold index + 1, 0 empty */
} vb_lm_header;

typedef struct vb_lm {
    const unsigned char *map;
    size_t map_len;
    const vb_lm_header *h;
    const char *strings;
    const uint32_t *vocab_str;
    const uint8_t *vocab_flags;
    const uint32_t *vocab_hash;
    const float *uni_p, *uni_bo;
    const uint32_t *uni_bi;
    const uint16_t *bi_w2;
    const int16_t *bi_p, *bi_bo;
    const uint32_t *bi_tri;
    const uint16_t *tri_w3;
    const int16_t *tri_p;
    const uint32_t *fold_key, *fold_cand;
    const uint16_t *cands;
    const uint32_t *fold_hash;
} vb_lm;

uint32_t vb_lm_hash(const char *s, size_t n);

/* Map a model file and check it; the error names the file. */
vb_status vb_lm_open(vb_lm *lm, const char *path, vb_error *err);
void vb_lm_close(vb_lm *lm);

/* Vocabulary id of a canonical token, VB_LM_UNK if unknown. */
uint32_t vb_lm_id(const vb_lm *lm, const char *s, size_t n);
static inline const char *vb_lm_word(const vb_lm *lm, uint32_t id)
{
    return lm->strings + lm->vocab_str[id];
}

/* Candidates (vocab ids) whose fold key is `fold`; returns their count. */
uint32_t vb_lm_fold_cands(const vb_lm *lm, const char *fold, size_t n, const uint16_t **cands);

/* A context (w1 w2) looked up once, for scoring many w3. */
typedef struct vb_lm_ctx {
    uint32_t tri_lo, tri_hi, bi_lo, bi_hi;
    float bo3, bo2;
} vb_lm_ctx;
void vb_lm_context(const vb_lm *lm, uint32_t w1, uint32_t w2, vb_lm_ctx *ctx);
float vb_lm_score_ctx(const vb_lm *lm, const vb_lm_ctx *ctx, uint32_t w3);
/* The two halves of vb_lm_score_ctx, for callers that share the bigram half
 * between contexts with the same w2: ln p(w3 | w1 w2) when the trigram is
 * stored (returns 1), and the bigram back-off estimate ln p(w3 | w2), to
 * which ctx->bo3 is added when it is not. */
int vb_lm_trigram(const vb_lm *lm, const vb_lm_ctx *ctx, uint32_t w3, float *logp);
float vb_lm_bigram(const vb_lm *lm, const vb_lm_ctx *ctx, uint32_t w3);

/* ln p(w3 | w1 w2). */
float vb_lm_score(const vb_lm *lm, uint32_t w1, uint32_t w2, uint32_t w3);

#endif
