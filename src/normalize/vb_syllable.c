/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "vb_syllable.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

/* ---- tokens ---- */

static int is_peeled_punct(UChar32 c)
{
    /* '&' and '§' stand for letters in English-model OCR output ("v&i", "s§"). */
    if (c == '&' || c == 0xA7)
        return 0;
    return u_ispunct(c);
}

static vb_tok_kind core_kind(const uint8_t *s, size_t a, size_t b)
{
    int letters = 1, digits = 0, numeric = 1;
    size_t i = a;
    UChar32 first = -1, last = -1;
    while (i < b) {
        UChar32 c;
        U8_NEXT(s, i, b, c);
        if (first < 0)
            first = c;
        last = c;
        if (!u_isalpha(c) && u_charType(c) != U_NON_SPACING_MARK)
            letters = 0;
        if (c >= '0' && c <= '9')
            digits++;
        else if (c != '.' && c != ',')
            numeric = 0;
    }
    if (letters)
        return VB_TOK_WORD;
    if (numeric && digits && first >= '0' && first <= '9' && last >= '0' && last <= '9')
        return VB_TOK_NUM;
    return VB_TOK_SYM;
}

static vb_status push_tok(vb_tok **t, size_t *n, size_t *cap, size_t off, size_t len,
                          vb_tok_kind kind, int space)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        vb_tok *p = realloc(*t, nc * sizeof *p);
        if (!p)
            return VB_ERR_NOMEM;
        *t = p;
        *cap = nc;
    }
    (*t)[(*n)++] = (vb_tok){off, len, kind, space};
    return VB_OK;
}

vb_status vb_tokenize(const char *str, size_t n, vb_tok **toks, size_t *ntok)
{
    const uint8_t *s = (const uint8_t *)str;
    vb_tok *t = NULL;
    size_t nt = 0, cap = 0;
    size_t i = 0;
    int space = 1;
    int32_t n32 = n > INT32_MAX ? INT32_MAX : (int32_t)n;
    while ((int32_t)i < n32) {
        uint8_t ch = s[i];
        if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
            i++;
            space = 1;
            continue;
        }
        if (ch == '\f') {
            if (push_tok(&t, &nt, &cap, i, 1, VB_TOK_PAGE, 1) != VB_OK)
                goto nomem;
            i++;
            space = 1;
            continue;
        }
        /* a colon before a digit splits a chunk: "S6:354", "Số:117/KH-UBND"
         * (not "Thu:c", an OCR speck inside a word) */
        if (ch == ':') {
            if (push_tok(&t, &nt, &cap, i, 1, VB_TOK_PUNCT, space) != VB_OK)
                goto nomem;
            i++;
            space = 0;
            continue;
        }
        size_t a = i;
        while ((int32_t)i < n32 && s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r' &&
               s[i] != '\f' &&
               !(s[i] == ':' && (int32_t)i + 1 < n32 && s[i + 1] >= '0' && s[i + 1] <= '9'))
            i++;
        size_t b = i;
        /* peel leading punctuation */
        while (a < b) {
            int32_t j = (int32_t)a;
            UChar32 c;
            U8_NEXT(s, j, (int32_t)b, c);
            if (!is_peeled_punct(c))
                break;
            if (push_tok(&t, &nt, &cap, a, (size_t)j - a, VB_TOK_PUNCT, space) != VB_OK)
                goto nomem;
            space = 0;
            a = (size_t)j;
        }
        /* find where trailing punctuation starts */
        size_t e = b;
        while (e > a) {
            int32_t j = (int32_t)e;
            UChar32 c;
            U8_PREV(s, (int32_t)a, j, c);
            if (!is_peeled_punct(c))
                break;
            e = (size_t)j;
        }
        if (e > a) {
            if (push_tok(&t, &nt, &cap, a, e - a, core_kind(s, a, e), space) != VB_OK)
                goto nomem;
            space = 0;
        }
        while (e < b) {
            int32_t j = (int32_t)e;
            UChar32 c;
            U8_NEXT(s, j, (int32_t)b, c);
            if (push_tok(&t, &nt, &cap, e, (size_t)j - e, VB_TOK_PUNCT, space) != VB_OK)
                goto nomem;
            space = 0;
            e = (size_t)j;
        }
    }
    *toks = t;
    *ntok = nt;
    return VB_OK;
nomem:
    free(t);
    *toks = NULL;
    *ntok = 0;
    return VB_ERR_NOMEM;
}

/* ---- syllables ---- */

static const UNormalizer2 *nfd_instance(void)
{
    UErrorCode ec = U_ZERO_ERROR;
    return unorm2_getNFDInstance(&ec);
}

static const UNormalizer2 *nfc_instance(void)
{
    UErrorCode ec = U_ZERO_ERROR;
    return unorm2_getNFCInstance(&ec);
}

static int tone_of_mark(UChar c)
{
    switch (c) {
    case 0x0300: return VB_TONE_GRAVE;
    case 0x0301: return VB_TONE_ACUTE;
    case 0x0309: return VB_TONE_HOOK;
    case 0x0303: return VB_TONE_TILDE;
    case 0x0323: return VB_TONE_DOT;
    }
    return 0;
}

static const UChar tone_mark[] = {0, 0x0300, 0x0301, 0x0309, 0x0303, 0x0323};

static int is_quality_mark(UChar c)
{
    return c == 0x0302 || c == 0x0306 || c == 0x031B;
}

static int is_vowel(UChar c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

typedef struct letter {
    UChar base, mark;
} letter;

/* Index of the letter that takes the tone, -1 if none. */
static int tone_position(const letter *L, int n, int style)
{
    int i = 0;
    while (i < n && !is_vowel(L[i].base))
        i++;
    if (i >= n)
        return -1;
    /* "qu": u belongs to the initial; "gi" + vowel: i does */
    if (i > 0 && L[i - 1].base == 'q' && L[i].base == 'u' && !L[i].mark && i + 1 < n &&
        is_vowel(L[i + 1].base))
        i++;
    else if (i == 1 && L[0].base == 'g' && L[1].base == 'i' && !L[1].mark && i + 1 < n &&
             is_vowel(L[i + 1].base))
        i++;
    int a = i;
    while (i < n && is_vowel(L[i].base))
        i++;
    int b = i; /* nucleus [a, b) */
    int has_final = b < n;
    int marked = -1;
    for (int k = a; k < b; k++)
        if (L[k].mark)
            marked = k;
    if (marked >= 0)
        return marked;
    if (has_final)
        return b - 1;
    int len = b - a;
    if (len >= 3)
        return a + 1;
    if (len == 2) {
        UChar x = L[a].base, y = L[a + 1].base;
        int pair = (x == 'o' && (y == 'a' || y == 'e')) || (x == 'u' && y == 'y');
        return style == 2 && pair ? a + 1 : a;
    }
    return a;
}

static int caps_of_utf16(const UChar *u, int32_t n)
{
    int letters = 0, upper = 0, first_upper = 0;
    for (int32_t i = 0; i < n;) {
        UChar32 c;
        U16_NEXT(u, i, n, c);
        if (!u_isalpha(c))
            continue;
        int up = u_isupper(c) || u_istitle(c);
        if (letters == 0)
            first_upper = up;
        letters++;
        upper += up;
    }
    if (upper == 0)
        return VB_CAPS_LOWER;
    if (upper == letters)
        return letters == 1 ? VB_CAPS_TITLE : VB_CAPS_UPPER;
    if (upper == 1 && first_upper)
        return VB_CAPS_TITLE;
    return VB_CAPS_MIXED;
}

int vb_caps_of(const char *s, size_t n)
{
    UChar u[VB_SYL_MAX * 2];
    int32_t un = 0;
    UErrorCode ec = U_ZERO_ERROR;
    u_strFromUTF8(u, VB_SYL_MAX * 2, &un, s, (int32_t)n, &ec);
    if (U_FAILURE(ec) || ec == U_STRING_NOT_TERMINATED_WARNING)
        return VB_CAPS_MIXED;
    return caps_of_utf16(u, un);
}

int vb_syl_parse(const char *s, size_t n, vb_syl *out)
{
    UChar u[VB_SYL_MAX], low[VB_SYL_MAX], d[VB_SYL_MAX], base[VB_SYL_MAX];
    int32_t un = 0;
    UErrorCode ec = U_ZERO_ERROR;
    memset(out, 0, sizeof *out);
    if (n == 0 || n >= VB_SYL_MAX)
        return 0;
    u_strFromUTF8(u, VB_SYL_MAX, &un, s, (int32_t)n, &ec);
    if (U_FAILURE(ec) || un >= VB_SYL_MAX)
        return 0;
    for (int32_t i = 0; i < un;) {
        UChar32 c;
        U16_NEXT(u, i, un, c);
        if (!u_isalpha(c) && u_charType(c) != U_NON_SPACING_MARK)
            return 0;
    }
    out->caps = caps_of_utf16(u, un);
    int32_t ln = u_strToLower(low, VB_SYL_MAX, u, un, "vi", &ec);
    if (U_FAILURE(ec) || ln >= VB_SYL_MAX)
        return 0;
    int32_t dn = unorm2_normalize(nfd_instance(), low, ln, d, VB_SYL_MAX, &ec);
    if (U_FAILURE(ec) || dn >= VB_SYL_MAX)
        return 0;
    letter L[VB_SYL_MAX];
    int nl = 0, tone_at = -1;
    int32_t bn = 0;
    for (int32_t i = 0; i < dn; i++) {
        UChar c = d[i];
        int t = tone_of_mark(c);
        if (t) {
            if (out->tone)
                return 0; /* two tones: not a syllable */
            out->tone = t;
            tone_at = nl - 1;
            out->marked = 1;
            continue;
        }
        if (is_quality_mark(c)) {
            if (nl > 0)
                L[nl - 1].mark = c;
            out->marked = 1;
        } else {
            if (c == 0x0111)
                out->marked = 1;
            L[nl++] = (letter){c, 0};
        }
        base[bn++] = c;
    }
    if (out->tone && tone_at >= 0) {
        int old_pos = tone_position(L, nl, 1);
        int new_pos = tone_position(L, nl, 2);
        out->new_style = old_pos != tone_at && new_pos == tone_at;
        out->styled = old_pos != new_pos && (tone_at == old_pos || tone_at == new_pos);
    }
    UChar comp[VB_SYL_MAX];
    int32_t cn = unorm2_normalize(nfc_instance(), base, bn, comp, VB_SYL_MAX, &ec);
    if (U_FAILURE(ec) || cn >= VB_SYL_MAX)
        return 0;
    int32_t on = 0;
    u_strToUTF8(out->base, VB_SYL_MAX, &on, comp, cn, &ec);
    if (U_FAILURE(ec) || on >= VB_SYL_MAX)
        return 0;
    return 1;
}

static size_t utf16_caps_to_utf8(const UChar *w, int32_t wn, int caps, char *out, size_t cap)
{
    UChar c2[VB_SYL_MAX * 2];
    UErrorCode ec = U_ZERO_ERROR;
    const UChar *src = w;
    int32_t sn = wn;
    if (caps == VB_CAPS_UPPER) {
        sn = u_strToUpper(c2, VB_SYL_MAX * 2, w, wn, "vi", &ec);
        src = c2;
    } else if (caps == VB_CAPS_TITLE && wn > 0) {
        int32_t i = 0;
        UChar32 c;
        U16_NEXT(w, i, wn, c);
        c = u_toupper(c);
        sn = 0;
        U16_APPEND_UNSAFE(c2, sn, c);
        memcpy(c2 + sn, w + i, (size_t)(wn - i) * sizeof *w);
        sn += wn - i;
        src = c2;
    }
    if (U_FAILURE(ec) || sn >= VB_SYL_MAX * 2)
        return 0;
    int32_t on = 0;
    u_strToUTF8(out, (int32_t)cap, &on, src, sn, &ec);
    if (U_FAILURE(ec) || (size_t)on >= cap)
        return 0;
    return (size_t)on;
}

size_t vb_syl_render(const char *base, int tone, int style, int caps, char *out, size_t cap)
{
    UChar u[VB_SYL_MAX], d[VB_SYL_MAX], w[VB_SYL_MAX * 2];
    int32_t un = 0;
    UErrorCode ec = U_ZERO_ERROR;
    u_strFromUTF8(u, VB_SYL_MAX, &un, base, -1, &ec);
    if (U_FAILURE(ec) || un >= VB_SYL_MAX)
        return 0;
    int32_t dn = unorm2_normalize(nfd_instance(), u, un, d, VB_SYL_MAX, &ec);
    if (U_FAILURE(ec) || dn >= VB_SYL_MAX - 1)
        return 0;
    letter L[VB_SYL_MAX];
    int idx[VB_SYL_MAX]; /* end position in d of each letter (after its mark) */
    int nl = 0;
    for (int32_t i = 0; i < dn; i++) {
        if (is_quality_mark(d[i]) && nl > 0) {
            L[nl - 1].mark = d[i];
            idx[nl - 1] = i + 1;
        } else {
            L[nl] = (letter){d[i], 0};
            idx[nl++] = i + 1;
        }
    }
    int32_t wn = 0;
    if (tone > 0 && tone <= VB_TONE_DOT) {
        int p = tone_position(L, nl, style == 2 ? 2 : 1);
        if (p < 0)
            return 0;
        UChar t[VB_SYL_MAX];
        int32_t tn = 0;
        for (int32_t i = 0; i < dn; i++) {
            t[tn++] = d[i];
            if (i + 1 == idx[p])
                t[tn++] = tone_mark[tone];
        }
        wn = unorm2_normalize(nfc_instance(), t, tn, w, VB_SYL_MAX * 2, &ec);
    } else {
        wn = unorm2_normalize(nfc_instance(), d, dn, w, VB_SYL_MAX * 2, &ec);
    }
    if (U_FAILURE(ec))
        return 0;
    return utf16_caps_to_utf8(w, wn, caps, out, cap);
}

size_t vb_syl_canonical(const char *s, size_t n, char *out, size_t cap)
{
    vb_syl y;
    if (!vb_syl_parse(s, n, &y))
        return 0;
    return vb_syl_render(y.base, y.tone, 1, VB_CAPS_LOWER, out, cap);
}

size_t vb_apply_caps(const char *lower, int caps, char *out, size_t cap)
{
    UChar u[VB_SYL_MAX * 2];
    int32_t un = 0;
    UErrorCode ec = U_ZERO_ERROR;
    u_strFromUTF8(u, VB_SYL_MAX * 2, &un, lower, -1, &ec);
    if (U_FAILURE(ec) || un >= VB_SYL_MAX * 2)
        return 0;
    return utf16_caps_to_utf8(u, un, caps, out, cap);
}

size_t vb_lm_token(const char *text, const vb_tok *t, char *out, size_t cap)
{
    const char *lit = NULL;
    switch (t->kind) {
    case VB_TOK_WORD: {
        size_t n = vb_syl_canonical(text + t->off, t->len, out, cap);
        if (n)
            return n;
        lit = "<unk>";
        break;
    }
    case VB_TOK_NUM: lit = "<num>"; break;
    case VB_TOK_SYM: lit = "<sym>"; break;
    case VB_TOK_PAGE: lit = "<s>"; break;
    case VB_TOK_PUNCT:
        if (t->len < cap) {
            memcpy(out, text + t->off, t->len);
            out[t->len] = '\0';
            return t->len;
        }
        lit = "<unk>";
        break;
    }
    size_t n = strlen(lit);
    if (n >= cap)
        return 0;
    memcpy(out, lit, n + 1);
    return n;
}

static size_t vowel_len(const char *s)
{
    static const char *const v[] = {"a", "e", "i", "o", "u", "y", "ă", "â", "ê", "ô", "ơ", "ư"};
    for (size_t k = 0; k < sizeof v / sizeof *v; k++) {
        size_t n = strlen(v[k]);
        if (strncmp(s, v[k], n) == 0)
            return n;
    }
    return 0;
}

static int coda_ok(const char *s)
{
    static const char *const c[] = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"};
    for (size_t k = 0; k < sizeof c / sizeof *c; k++)
        if (strcmp(s, c[k]) == 0)
            return 1;
    return 0;
}

int vb_syl_shape_ok(const char *base)
{
    static const char *const onset[] = {"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th",
                                        "tr",  "b",  "c",  "d",  "đ",  "g",  "h",  "k",  "l",  "m",
                                        "n",   "p",  "r",  "s",  "t",  "v",  "x",  ""};
    for (size_t k = 0; k < sizeof onset / sizeof *onset; k++) {
        size_t n = strlen(onset[k]);
        if (strncmp(base, onset[k], n) != 0)
            continue;
        const char *p = base + n;
        int nv = 0;
        size_t l;
        while ((l = vowel_len(p)) != 0) {
            p += l;
            nv++;
        }
        if (nv >= 1 && nv <= 3 && coda_ok(p))
            return 1;
    }
    return 0;
}
