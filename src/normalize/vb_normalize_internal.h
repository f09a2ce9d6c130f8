/*
 * vb_normalize_internal.h: what the files of the normalize stage share; not
 * part of the stage's contract.
 */
#ifndef VB_NORMALIZE_INTERNAL_H
#define VB_NORMALIZE_INTERNAL_H

#include "vb_normalize.h"

#include <unicode/umachine.h>
#include <unicode/unorm2.h>

typedef struct vb_restorer vb_restorer;

/* A legacy single-byte encoding ICU lacks: what each byte decodes to (one or
 * two UTF-16 units: a letter, or combining marks for the letter before). */
typedef struct vb_bytemap {
    UChar cp[256][2];
    unsigned char n[256];
    int loaded;
} vb_bytemap;

struct vb_normalize {
    vb_normalize_opts opts;
    const UNormalizer2 *nfc;
    vb_restorer *restorer; /* NULL when restoration is off */
    UChar cp1252_c1[32];   /* what Windows-1252 bytes 0x80..0x9F decode to (ICU) */
    vb_bytemap tcvn3, vni; /* rules/normalize/{tcvn3,vni}.tsv, when asked for */
};

/* Fold `len` bytes of valid UTF-8 onto the end of `fold`; with map_out, a
 * malloc'd map of fold->len + 1 offsets (fold starts empty). */
vb_status vb_fold_internal(const char *in, size_t len, vb_buf *fold, size_t **map_out,
                           vb_error *err);

/* Load the model and the confusion table as the options say. */
vb_status vb_restore_setup(vb_normalize *nz, vb_error *err);
void vb_restore_teardown(vb_normalize *nz);
/* Restore diacritics and repair OCR errors in `text` (NFC UTF-8) in place;
 * append what changed to *changes when changes is not NULL. */
vb_status vb_restore_text(const vb_normalize *nz, vb_buf *text, vb_change **changes,
                          size_t *n_changes, vb_error *err);

#endif
