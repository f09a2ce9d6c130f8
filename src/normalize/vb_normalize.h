/*
 * vb_normalize.h: the normalize stage. Turns raw text (OCR output, a PDF text
 * layer, a text file) into clean NFC text plus a fold key for searching and
 * for matching broken text.
 *
 * The fold key is the text with every combining mark removed, đ/Đ mapped to d
 * and lower-cased; fold_map maps each byte of the fold key back to the byte of
 * the normalised text it came from, so a match found in the fold key can be
 * reported in the text.
 *
 * Thread-safety: a vb_normalize handle is read-only after create and may be
 * shared by threads. vb_text is owned by the caller (vb_text_free).
 */
#ifndef VB_NORMALIZE_H
#define VB_NORMALIZE_H

#include "vb_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vb_normalize vb_normalize;

typedef struct vb_normalize_opts {
    int reserved; /* zero; options (tone style, model path) arrive with restoration */
} vb_normalize_opts;

typedef struct vb_text {
    char *text;        /* NUL-terminated UTF-8, NFC; pages separated by '\f' */
    size_t len;
    char *fold;        /* NUL-terminated fold key */
    size_t fold_len;
    size_t *fold_map;  /* fold_len + 1 entries: fold byte i comes from text byte
                          fold_map[i]; fold_map[fold_len] == len */
} vb_text;

vb_status vb_normalize_create(vb_normalize **out, const vb_normalize_opts *opts, vb_error *err);

/* Normalise `len` bytes of UTF-8 `in` into `out` (which the caller frees with
 * vb_text_free). Invalid UTF-8 is an input error. */
vb_status vb_normalize_run(vb_normalize *nz, const char *in, size_t len, vb_text *out,
                           vb_error *err);

/* Fold only (no clean-up): for search queries and rule prefilters. `*out` is
 * malloc'd and NUL-terminated; `map` may be NULL. */
vb_status vb_fold(const char *in, size_t len, char **out, size_t *out_len, size_t **map,
                  vb_error *err);

/* Byte offset in the text of fold offset `fold_off` (clamped). */
size_t vb_text_from_fold(const vb_text *t, size_t fold_off);

void vb_text_free(vb_text *t);
void vb_normalize_destroy(vb_normalize **nz);

#ifdef __cplusplus
}
#endif
#endif
