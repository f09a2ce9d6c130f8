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
 * Clean-up, in this order: UTF-8 check (invalid input is VB_ERR_INPUT unless
 * opts.legacy_encoding says how to decode it); mojibake repair (UTF-8 read as
 * Windows-1252); CRLF and CR become LF (so do VT, NEL, U+2028, U+2029); tabs, NBSP and every
 * other Unicode space become one space and runs of spaces collapse; spaces at
 * the end of a line go; at most one blank line in a row; no whitespace around
 * a form feed '\f' (the page separator, kept) nor at the start or end of the
 * text; control and format characters (zero-width space/joiners, soft hyphen,
 * BOM, bidi marks) are removed; U+2010..U+2015 and U+2212 become '-' (curly
 * quotes stay); then ICU NFC.
 *
 * Then, when the language model is there (models/vi-syllable.lm; by default
 * restoration is on whenever the file exists), diacritics are restored and OCR
 * errors repaired: "Pjc 1ap - Tw do" → "Độc lập - Tự do", "S6: 36 /KH-UBND" →
 * "Số: 36/KH-UBND", "NĐ- CP" → "NĐ-CP", "quý 11/2026" → "quý II/2026". Text
 * that is already good Vietnamese is left alone (held-out corpus text: under
 * 0.03% of syllables change). Symbols, numbers and acronyms pass through.
 * src/normalize/README.md has the design and the measurements.
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

/* How tones are placed on "oa", "oe", "uy" syllables: hòa (old) / hoà (new). */
typedef enum vb_tone_style {
    VB_TONE_KEEP = 0, /* leave the input's placement as it is; restored
                         syllables take the style most of the text uses */
    VB_TONE_OLD = 1,  /* hòa, thủy: what the language model is trained on */
    VB_TONE_NEW = 2   /* hoà, thuỷ */
} vb_tone_style;

typedef struct vb_normalize_opts {
    int reserved; /* ignored; kept so existing initialisers still compile */
    /* Diacritic restoration and OCR repair: 0 = on when the model file exists,
     * 1 = on (a missing model is an error), -1 = off (clean-up and NFC only). */
    int restore;
    const char *model_path; /* NULL = VANBAN_DATA_DIR/models/vi-syllable.lm */
    /* NULL = VANBAN_DATA_DIR/rules/normalize/confusions.tsv and, after it,
     * confusions-learned.tsv beside it; a path = that one file only. */
    const char *confusions_path;
    vb_tone_style tone_style; /* 0 = keep */
    /* In text that is mostly good Vietnamese: how much more probable (in
     * natural-log units of the language model) the text must become before a
     * valid accented syllable is replaced. 0 = default, 9. */
    double keep_margin;
    /* Input that is not UTF-8: NULL or "" = an input error (VB_ERR_INPUT);
     * "auto" = decode it as Windows-1258, TCVN3 (.VnTime fonts) or VNI,
     * whichever reads as the most Vietnamese syllables; "tcvn3", "vni" = that
     * one (byte tables rules/normalize/{tcvn3,vni}.tsv); any other name = that
     * ICU converter (single-byte ones only). */
    const char *legacy_encoding;
    /* Repair, line by line, UTF-8 that was once read as Windows-1252
     * ("Cá»™ng hÃ²a" → "Cộng hòa"): 0 = on, -1 = off. */
    int mojibake;
    /* The proper-name lexicon (rules/normalize/names.tsv, made by
     * scripts/build-name-lexicon): the syllables of people's and places'
     * names, for restoring a name's diacritics. NULL = VANBAN_DATA_DIR/
     * rules/normalize/names.tsv when it exists; "" = none (names are read
     * with the general syllable model); a path = that file (must exist). */
    const char *names_path;
} vb_normalize_opts;

typedef struct vb_text {
    char *text; /* NUL-terminated UTF-8, NFC; pages separated by '\f' */
    size_t len;
    char *fold; /* NUL-terminated fold key */
    size_t fold_len;
    size_t *fold_map; /* fold_len + 1 entries: fold byte i comes from text byte
                         fold_map[i]; fold_map[fold_len] == len */
} vb_text;

vb_status vb_normalize_create(vb_normalize **out, const vb_normalize_opts *opts, vb_error *err);

/* Normalise `len` bytes of UTF-8 `in` into `out` (which the caller frees with
 * vb_text_free). Invalid UTF-8 is an input error unless opts.legacy_encoding
 * is set. */
vb_status vb_normalize_run(vb_normalize *nz, const char *in, size_t len, vb_text *out,
                           vb_error *err);

/* One change made by restoration or repair, for `vanban normalize --explain`. */
typedef struct vb_change {
    size_t offset;    /* byte offset of `after` in the output text (vb_text.text) */
    size_t in_offset; /* byte offset of `before` in the text after clean-up and NFC */
    char before[64];  /* the token as it was (NUL-terminated, may be cut at 63 bytes) */
    char after[64];   /* the token as written */
    double score;     /* log-probability gain of the chosen reading over keeping `before` */
    const char *why;  /* static string: "restore", "channel", "name" (a proper name's
                         syllable, read with the name lexicon), "rule", "tone-style",
                         "case" */
} vb_change;

/* vb_normalize_run plus the list of changes (one malloc'd array, in text
 * order; free it with vb_changes_free). `changes`/`n_changes` may be NULL.
 * This is what `vanban normalize --explain` calls: print one JSON line per
 * change: {"offset":..., "before":..., "after":..., "score":..., "why":...}. */
vb_status vb_normalize_explain(vb_normalize *nz, const char *in, size_t len, vb_text *out,
                               vb_change **changes, size_t *n_changes, vb_error *err);
void vb_changes_free(vb_change *changes, size_t n);

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
