/*
 * vb_syllable.h: tokens and Vietnamese syllables, shared by the restorer and
 * the language-model trainer (internal to the normalize stage).
 *
 * A syllable is taken apart into its toneless base (lower case, NFC, with
 * the vowel-quality marks â ă ê ô ơ ư and đ kept) and its tone; rendering
 * puts the tone back on the vowel the chosen style (hòa / hoà) says.
 */
#ifndef VB_SYLLABLE_H
#define VB_SYLLABLE_H

#include "vb_common.h"

#include <stddef.h>

typedef enum vb_tok_kind {
    VB_TOK_WORD,  /* letters only */
    VB_TOK_NUM,   /* digits, possibly with inner '.' or ',' */
    VB_TOK_SYM,   /* anything else without spaces: 124/2021/TT-BCA, S6, 2025-2030 */
    VB_TOK_PUNCT, /* one punctuation character peeled off a chunk */
    VB_TOK_PAGE   /* a form feed */
} vb_tok_kind;

typedef struct vb_tok {
    size_t off, len;
    vb_tok_kind kind;
    int space_before; /* whitespace (or the start of text) precedes the token */
} vb_tok;

/* Split NFC text into tokens; *toks is malloc'd (free it). */
vb_status vb_tokenize(const char *s, size_t n, vb_tok **toks, size_t *ntok);

enum { VB_TONE_NONE, VB_TONE_GRAVE, VB_TONE_ACUTE, VB_TONE_HOOK, VB_TONE_TILDE, VB_TONE_DOT };
enum { VB_CAPS_LOWER, VB_CAPS_TITLE, VB_CAPS_UPPER, VB_CAPS_MIXED };

#define VB_SYL_MAX 48

typedef struct vb_syl {
    char base[VB_SYL_MAX]; /* lower case, NFC, tone removed */
    int tone;              /* VB_TONE_* */
    int caps;              /* VB_CAPS_* of the input */
    int marked;            /* the input carries a tone, a quality mark or đ */
    int new_style;         /* the input put the tone as in "hoà" (only meaningful
                              for open oa/oe/uy syllables) */
    int styled;            /* the two styles differ for this syllable (hòa/hoà,
                              not hoàng): new_style tells which one it uses */
} vb_syl;

/* Take a word apart. Returns 0 when it is not letters only or too long. */
int vb_syl_parse(const char *s, size_t n, vb_syl *out);

/* The toneless base (as vb_syl_parse makes it) has the shape of a Vietnamese
 * syllable: onset, one to three vowels, one of the eight codas. */
int vb_syl_shape_ok(const char *base);

/* Render base + tone (style: 1 = old hòa, 2 = new hoà) in the given caps
 * pattern; returns the length written (NUL-terminated), 0 if it does not fit. */
size_t vb_syl_render(const char *base, int tone, int style, int caps, char *out, size_t cap);

/* The canonical LM form of a word: lower case, old tone style. */
size_t vb_syl_canonical(const char *s, size_t n, char *out, size_t cap);

/* Caps pattern of an arbitrary UTF-8 word. */
int vb_caps_of(const char *s, size_t n);

/* Apply a caps pattern to a lower-case UTF-8 word. */
size_t vb_apply_caps(const char *lower, int caps, char *out, size_t cap);

/* The language-model token of `t` in `text`: the canonical word, "<num>",
 * "<sym>", the punctuation itself, "<s>" for a page break, "<unk>" for a word
 * that is not a syllable shape. Returns the length written. */
size_t vb_lm_token(const char *text, const vb_tok *t, char *out, size_t cap);

#endif
