/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The normalize stage: UTF-8 check, clean-up of whitespace, dashes and
 * invisible characters, ICU NFC, then the fold key with its byte map.
 *
 * Clean-up runs before NFC, on UTF-16 code points: clean-up only ever
 * replaces a character by a shorter one or removes it, and NFC cannot create
 * the characters clean-up removes, so one NFC pass at the end is enough.
 */
#include "vb_normalize.h"
#include "vb_normalize_internal.h"
#include "vb_syllable.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

/* ---- clean-up ---- */

enum cp_class { CP_KEEP, CP_DROP, CP_SPACE, CP_NEWLINE, CP_FORMFEED, CP_DASH };

static enum cp_class classify(UChar32 c)
{
    if (c >= 0x20 && c < 0x7f)
        return c == ' ' ? CP_SPACE : CP_KEEP;
    switch (c) {
    case '\n':
    case '\v':
    case 0x85:   /* NEL */
    case 0x2028: /* line separator */
    case 0x2029: /* paragraph separator */ return CP_NEWLINE;
    case '\f': return CP_FORMFEED;
    case '\t': return CP_SPACE;
    case 0x2212: /* minus sign */ return CP_DASH;
    default: break;
    }
    if (c >= 0x2010 && c <= 0x2015)
        return CP_DASH;
    int8_t t = u_charType(c);
    if (t == U_CONTROL_CHAR || t == U_FORMAT_CHAR) /* Cf: ZWSP, ZWJ, SHY, BOM, bidi marks */
        return CP_DROP;
    if (t == U_SPACE_SEPARATOR || u_isUWhiteSpace(c))
        return CP_SPACE;
    return CP_KEEP;
}

/*
 * Whitespace rules (see the header): spaces collapse to one, trailing spaces
 * go, at most one blank line in a row, nothing around a form feed, nothing at
 * the start or end of the text. Writes at most n units into out.
 */
static int32_t clean_utf16(const UChar *in, int32_t n, UChar *out)
{
    int32_t o = 0;
    int pending_space = 0, pending_nl = 0;
    int at_page_start = 1; /* start of text or just after '\f' */
    int32_t i = 0;
    while (i < n) {
        UChar32 c;
        U16_NEXT(in, i, n, c);
        if (c == '\r') {
            if (i < n && in[i] == '\n')
                i++;
            c = '\n';
        }
        switch (classify(c)) {
        case CP_DROP: continue;
        case CP_SPACE: pending_space = 1; continue;
        case CP_NEWLINE:
            pending_space = 0;
            pending_nl++;
            continue;
        case CP_FORMFEED:
            pending_space = 0;
            pending_nl = 0;
            out[o++] = '\f';
            at_page_start = 1;
            continue;
        case CP_DASH: c = '-'; break;
        case CP_KEEP: break;
        }
        if (!at_page_start) {
            for (int k = 0; k < pending_nl && k < 2; k++)
                out[o++] = '\n';
            if (pending_space)
                out[o++] = ' ';
        }
        pending_space = 0;
        pending_nl = 0;
        at_page_start = 0;
        U16_APPEND_UNSAFE(out, o, c);
    }
    return o;
}

/* ---- fold key ---- */

/* Fold one code point into UTF-8 at dst (room for 4 * 8 bytes); returns bytes. */
static int fold_cp(const UNormalizer2 *nfd, UChar32 c, uint8_t *dst)
{
    if (c < 0x80) {
        dst[0] = (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        return 1;
    }
    UChar dec[8];
    UErrorCode ec = U_ZERO_ERROR;
    int32_t dn = unorm2_getDecomposition(nfd, c, dec, 8, &ec);
    if (dn < 0 || U_FAILURE(ec)) {
        dec[0] = 0; /* no decomposition: the code point itself */
        dn = 0;
        U16_APPEND_UNSAFE(dec, dn, c);
    }
    int n = 0;
    for (int32_t i = 0; i < dn;) {
        UChar32 d;
        U16_NEXT(dec, i, dn, d);
        int8_t t = u_charType(d);
        if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK)
            continue;
        if (d == 0x0110 || d == 0x0111) /* Đ đ have no decomposition */
            d = 'd';
        d = u_foldCase(d, U_FOLD_CASE_DEFAULT);
        U8_APPEND_UNSAFE(dst, n, d);
    }
    return n;
}

vb_status vb_fold_internal(const char *in, size_t len, vb_buf *fold, size_t **map_out,
                           vb_error *err)
{
    UErrorCode ec = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&ec);
    if (U_FAILURE(ec))
        return vb_error_set(err, VB_ERR_INTERNAL, "ICU NFD: %s", u_errorName(ec));
    size_t *map = NULL;
    size_t map_cap = 0;
    if (map_out) {
        map_cap = len + 1;
        map = malloc(map_cap * sizeof *map);
        if (!map)
            return vb_error_set(err, VB_ERR_NOMEM, "out of memory folding %zu bytes", len);
    }
    if (vb_buf_reserve(fold, len) != VB_OK) {
        free(map);
        return vb_error_set(err, VB_ERR_NOMEM, "out of memory folding %zu bytes", len);
    }
    const uint8_t *s = (const uint8_t *)in;
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        UChar32 c;
        if (s[i] < 0x80) {
            c = s[i++];
        } else {
            int32_t ii = 0, n = len - i > INT32_MAX ? INT32_MAX : (int32_t)(len - i);
            U8_NEXT(s + i, ii, n, c);
            i += (size_t)ii;
            if (c < 0)
                c = 0xFFFD;
        }
        uint8_t tmp[32];
        int tn = fold_cp(nfd, c, tmp);
        if (vb_buf_reserve(fold, (size_t)tn) != VB_OK) {
            free(map);
            return vb_error_set(err, VB_ERR_NOMEM, "out of memory folding %zu bytes", len);
        }
        if (map && fold->len + (size_t)tn + 1 > map_cap) {
            size_t cap = map_cap * 2 + (size_t)tn;
            size_t *m = realloc(map, cap * sizeof *m);
            if (!m) {
                free(map);
                return vb_error_set(err, VB_ERR_NOMEM, "out of memory folding %zu bytes", len);
            }
            map = m;
            map_cap = cap;
        }
        for (int k = 0; k < tn; k++) {
            if (map)
                map[fold->len] = start;
            fold->data[fold->len++] = (char)tmp[k];
        }
    }
    fold->data[fold->len] = '\0';
    if (map) {
        map[fold->len] = len;
        *map_out = map;
    }
    return VB_OK;
}

vb_status vb_fold(const char *in, size_t len, char **out, size_t *out_len, size_t **map,
                  vb_error *err)
{
    *out = NULL;
    if (out_len)
        *out_len = 0;
    if (map)
        *map = NULL;
    if (!in && len)
        return vb_error_set(err, VB_ERR_USAGE, "vb_fold: NULL input");
    if (!vb_utf8_valid(in ? in : "", len))
        return vb_error_set(err, VB_ERR_INPUT, "the text is not valid UTF-8");
    vb_buf b = {0};
    vb_status st = vb_fold_internal(in ? in : "", len, &b, map, err);
    if (st != VB_OK) {
        vb_buf_free(&b);
        return st;
    }
    *out = vb_buf_steal(&b, out_len);
    return VB_OK;
}

size_t vb_text_from_fold(const vb_text *t, size_t fold_off)
{
    if (!t || !t->fold_map)
        return 0;
    if (fold_off > t->fold_len)
        fold_off = t->fold_len;
    return t->fold_map[fold_off];
}

/* ---- legacy encodings ---- */

#ifndef VANBAN_DATA_DIR
#define VANBAN_DATA_DIR "."
#endif

static vb_status load_bytemap(vb_bytemap *m, const char *name, int must, vb_error *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/rules/normalize/%s.tsv", VANBAN_DATA_DIR, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (!must)
            return VB_OK;
        vb_error_at(err, path, 0, 0);
        return vb_error_set(err, VB_ERR_RULES, "cannot open the %s table", name);
    }
    for (int b = 0; b < 256; b++) {
        m->cp[b][0] = (UChar)b;
        m->n[b] = 1;
    }
    char line[128];
    int lineno = 0;
    vb_status st = VB_OK;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        unsigned b, c1, c2;
        int k = sscanf(line, "%x\t%x %x", &b, &c1, &c2);
        if (k < 2 || b == 0 || b > 255 || c1 == 0 || c1 > 0xFFFF || (k == 3 && c2 > 0xFFFF)) {
            vb_error_at(err, path, lineno, 1);
            st = vb_error_set(err, VB_ERR_RULES, "expected BYTE<TAB>CODEPOINT[ CODEPOINT] in hex");
            break;
        }
        m->cp[b][0] = (UChar)c1;
        m->cp[b][1] = k == 3 ? (UChar)c2 : 0;
        m->n[b] = (unsigned char)(k - 1);
    }
    fclose(f);
    m->loaded = st == VB_OK;
    return st;
}

/* u has room for 2 * len + 1 units. */
static int32_t decode_bytemap(const vb_bytemap *m, const char *in, size_t len, UChar *u)
{
    int32_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)in[i];
        for (int k = 0; k < m->n[b]; k++)
            u[o++] = m->cp[b][k];
    }
    return o;
}

static int32_t decode_icu(const char *name, const char *in, size_t len, UChar *u, UErrorCode *ec)
{
    UConverter *cv = ucnv_open(name, ec);
    int32_t n = 0;
    /* single-byte code pages give one unit per byte: u has len + 1 */
    if (U_SUCCESS(*ec) && ucnv_getMaxCharSize(cv) == 1)
        n = ucnv_toUChars(cv, u, (int32_t)len + 1, in, (int32_t)len, ec);
    else if (U_SUCCESS(*ec))
        *ec = U_UNSUPPORTED_ERROR;
    ucnv_close(cv);
    return n;
}

/* How Vietnamese a decoding looks: accented words that are syllables count
 * for it, words with other non-ASCII letters and stray symbols against. */
static long vietnamese_score(const vb_normalize *nz, const UChar *u, int32_t n)
{
    UErrorCode ec = U_ZERO_ERROR;
    UChar *c = malloc(((size_t)n * 2 + 16) * sizeof *c);
    if (!c)
        return 0;
    int32_t cn = unorm2_normalize(nz->nfc, u, n, c, n * 2 + 16, &ec);
    long sc = 0;
    for (int32_t i = 0; U_SUCCESS(ec) && i < cn;) {
        UChar32 ch;
        int32_t a = i;
        U16_NEXT(c, i, cn, ch);
        if (!u_isalpha(ch)) {
            if ((ch >= 0x80 && ch <= 0xBF) || ch == 0xD7 || ch == 0xF7)
                sc--;
            continue;
        }
        int high = ch >= 0x80;
        while (i < cn) {
            int32_t j = i;
            U16_NEXT(c, j, cn, ch);
            if (!u_isalpha(ch) && u_charType(ch) != U_NON_SPACING_MARK)
                break;
            high |= ch >= 0x80;
            i = j;
        }
        if (!high)
            continue;
        char w[VB_SYL_MAX * 2];
        int32_t wn = 0;
        UErrorCode e2 = U_ZERO_ERROR;
        u_strToUTF8(w, sizeof w, &wn, c + a, i - a, &e2);
        vb_syl y;
        if (U_SUCCESS(e2) && wn < (int32_t)sizeof w && vb_syl_parse(w, (size_t)wn, &y) &&
            vb_syl_shape_ok(y.base))
            sc++;
        else
            sc--;
    }
    free(c);
    return sc;
}

/* Decode non-UTF-8 input into u (room for 2 * len + 1 units). */
static vb_status decode_legacy(const vb_normalize *nz, const char *in, size_t len, UChar *u,
                               int32_t *n16, vb_error *err)
{
    const char *name = nz->opts.legacy_encoding;
    UErrorCode ec = U_ZERO_ERROR;
    if (strcmp(name, "tcvn3") == 0) {
        *n16 = decode_bytemap(&nz->tcvn3, in, len, u);
        return VB_OK;
    }
    if (strcmp(name, "vni") == 0) {
        *n16 = decode_bytemap(&nz->vni, in, len, u);
        return VB_OK;
    }
    if (strcmp(name, "auto") != 0) {
        *n16 = decode_icu(name, in, len, u, &ec);
    } else {
        /* the decoding that reads as the most Vietnamese syllables wins */
        *n16 = decode_icu("windows-1258", in, len, u, &ec);
        const vb_bytemap *maps[2] = {&nz->tcvn3, &nz->vni};
        UChar *t = malloc((2 * len + 1) * sizeof *t);
        if (!t)
            return vb_error_set(err, VB_ERR_NOMEM, "out of memory decoding %zu bytes", len);
        long best = U_SUCCESS(ec) ? vietnamese_score(nz, u, *n16) : -(long)len - 1;
        for (int k = 0; k < 2; k++) {
            if (!maps[k]->loaded)
                continue;
            int32_t tn = decode_bytemap(maps[k], in, len, t);
            long sc = vietnamese_score(nz, t, tn);
            if (sc > best) {
                memcpy(u, t, (size_t)tn * sizeof *t);
                *n16 = tn;
                best = sc;
                ec = U_ZERO_ERROR;
            }
        }
        free(t);
    }
    if (U_FAILURE(ec))
        return vb_error_set(err, VB_ERR_INPUT, "the text cannot be decoded as %s (%s)", name,
                            u_errorName(ec));
    return VB_OK;
}

/* ---- the stage ---- */

vb_status vb_normalize_create(vb_normalize **out, const vb_normalize_opts *opts, vb_error *err)
{
    *out = NULL;
    vb_normalize *nz = calloc(1, sizeof *nz);
    if (!nz)
        return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    if (opts)
        nz->opts = *opts;
    UErrorCode ec = U_ZERO_ERROR;
    nz->nfc = unorm2_getNFCInstance(&ec);
    if (U_FAILURE(ec)) {
        free(nz);
        return vb_error_set(err, VB_ERR_INTERNAL, "ICU NFC: %s", u_errorName(ec));
    }
    /* Mojibake repair maps text back to the Windows-1252 bytes it was decoded
     * from; ICU knows what bytes 0x80..0x9F decode to. */
    UConverter *cv = ucnv_open("windows-1252", &ec);
    if (U_SUCCESS(ec)) {
        ucnv_setToUCallBack(cv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &ec);
        for (int b = 0; b < 32; b++) {
            char byte = (char)(0x80 + b);
            UChar out[4];
            UErrorCode e2 = U_ZERO_ERROR;
            ucnv_reset(cv);
            int32_t n = ucnv_toUChars(cv, out, 4, &byte, 1, &e2);
            nz->cp1252_c1[b] = U_SUCCESS(e2) && n == 1 ? out[0] : (UChar)(0x80 + b);
        }
        ucnv_close(cv);
    }
    ec = U_ZERO_ERROR;
    const char *enc = nz->opts.legacy_encoding;
    if (enc && (strcmp(enc, "auto") == 0 || strcmp(enc, "tcvn3") == 0 || strcmp(enc, "vni") == 0)) {
        int is_auto = strcmp(enc, "auto") == 0;
        vb_status tst = VB_OK;
        if (is_auto || strcmp(enc, "tcvn3") == 0)
            tst = load_bytemap(&nz->tcvn3, "tcvn3", !is_auto, err);
        if (tst == VB_OK && (is_auto || strcmp(enc, "vni") == 0))
            tst = load_bytemap(&nz->vni, "vni", !is_auto, err);
        if (tst != VB_OK) {
            free(nz);
            return tst;
        }
    } else if (enc && *enc) {
        cv = ucnv_open(nz->opts.legacy_encoding, &ec);
        ucnv_close(cv);
        if (U_FAILURE(ec)) {
            vb_error_set(err, VB_ERR_USAGE, "unknown encoding \"%s\" (%s)",
                         nz->opts.legacy_encoding, u_errorName(ec));
            free(nz);
            return VB_ERR_USAGE;
        }
    }
    vb_status st = vb_restore_setup(nz, err);
    if (st != VB_OK) {
        vb_normalize_destroy(&nz);
        return st;
    }
    *out = nz;
    return VB_OK;
}

/* The Windows-1252 byte that decodes to c, or -1. */
static int cp1252_byte(const vb_normalize *nz, UChar c)
{
    if (c < 0x80 || (c >= 0xA0 && c <= 0xFF))
        return c;
    for (int b = 0; b < 32; b++)
        if (nz->cp1252_c1[b] == c)
            return 0x80 + b;
    return -1;
}

/* Lines that are UTF-8 read as Windows-1252 ("Cá»™ng") go back to what they
 * were: the line maps to 1252 bytes, those bytes are valid UTF-8 and hold at
 * least one multi-byte character. Rewrites u in place; returns the new length. */
static int32_t repair_mojibake(const vb_normalize *nz, UChar *u, int32_t n)
{
    char bytes[4096];
    int32_t o = 0;
    for (int32_t a = 0; a < n;) {
        int32_t e = a;
        while (e < n && u[e] != '\n')
            e++;
        int32_t k = 0, high = 0;
        int ok = e - a < (int32_t)sizeof bytes;
        for (int32_t i = a; ok && i < e; i++) {
            int b = cp1252_byte(nz, u[i]);
            if (b < 0)
                ok = 0;
            else {
                bytes[k++] = (char)b;
                high += b >= 0x80;
            }
        }
        int32_t got = 0;
        UErrorCode ec = U_ZERO_ERROR;
        if (ok && high >= 2 && vb_utf8_valid(bytes, (size_t)k)) {
            /* UTF-8 needs no more UTF-16 units than bytes: fits in [o, e) */
            u_strFromUTF8(u + o, k, &got, bytes, k, &ec);
            ok = U_SUCCESS(ec);
        } else {
            ok = 0;
        }
        if (!ok) {
            memmove(u + o, u + a, (size_t)(e - a) * sizeof *u);
            got = e - a;
        }
        o += got;
        if (e < n)
            u[o++] = '\n';
        a = e + 1;
    }
    return o;
}

/* Decode `in` (UTF-8, or the legacy encoding when utf8 is 0) → mojibake
 * repair → clean-up → NFC → UTF-8 in `clean`. */
static vb_status clean_and_nfc(const vb_normalize *nz, const char *in, size_t len, int utf8,
                               vb_buf *clean, vb_error *err)
{
    if (len >= INT32_MAX / 2)
        return vb_error_set(err, VB_ERR_LIMIT, "the text is too large (%zu bytes)", len);
    vb_status st = VB_ERR_NOMEM;
    UErrorCode ec = U_ZERO_ERROR;
    int32_t n16 = 0;
    /* UTF-16 never needs more units than UTF-8 has bytes; a legacy byte
     * decodes to at most two. */
    size_t ucap = utf8 ? (size_t)len + 1 : 2 * (size_t)len + 1;
    UChar *u = malloc(ucap * sizeof *u);
    UChar *c = malloc(ucap * sizeof *c);
    UChar *nfc = NULL;
    if (!u || !c)
        goto done;
    if (utf8) {
        u_strFromUTF8(u, (int32_t)len + 1, &n16, in, (int32_t)len, &ec);
        if (U_FAILURE(ec)) {
            st = vb_error_set(err, VB_ERR_INPUT, "the text is not valid UTF-8 (%s)",
                              u_errorName(ec));
            goto done;
        }
    } else if ((st = decode_legacy(nz, in, len, u, &n16, err)) != VB_OK) {
        goto done;
    }
    if (nz->opts.mojibake >= 0)
        n16 = repair_mojibake(nz, u, n16);
    int32_t nc = clean_utf16(u, n16, c);
    int32_t cap = nc + 16;
    for (int attempt = 0; attempt < 2; attempt++) {
        free(nfc);
        nfc = malloc((size_t)cap * sizeof *nfc);
        if (!nfc)
            goto done;
        ec = U_ZERO_ERROR;
        int32_t got = unorm2_normalize(nz->nfc, c, nc, nfc, cap, &ec);
        if (ec == U_BUFFER_OVERFLOW_ERROR) {
            cap = got + 16;
            continue;
        }
        if (U_FAILURE(ec)) {
            st = vb_error_set(err, VB_ERR_INTERNAL, "ICU NFC: %s", u_errorName(ec));
            goto done;
        }
        int32_t n8 = 0;
        ec = U_ZERO_ERROR;
        u_strToUTF8(NULL, 0, &n8, nfc, got, &ec);
        if (vb_buf_reserve(clean, (size_t)n8) != VB_OK)
            goto done;
        ec = U_ZERO_ERROR;
        u_strToUTF8(clean->data, n8 + 1, &n8, nfc, got, &ec);
        if (U_FAILURE(ec)) {
            st = vb_error_set(err, VB_ERR_INTERNAL, "ICU UTF-8: %s", u_errorName(ec));
            goto done;
        }
        clean->len = (size_t)n8;
        clean->data[n8] = '\0';
        st = VB_OK;
        goto done;
    }
    st = vb_error_set(err, VB_ERR_INTERNAL, "ICU NFC: buffer size");
done:
    if (st == VB_ERR_NOMEM)
        vb_error_set(err, st, "out of memory normalising %zu bytes", len);
    free(u);
    free(c);
    free(nfc);
    return st;
}

vb_status vb_normalize_run(vb_normalize *nz, const char *in, size_t len, vb_text *out,
                           vb_error *err)
{
    return vb_normalize_explain(nz, in, len, out, NULL, NULL, err);
}

vb_status vb_normalize_explain(vb_normalize *nz, const char *in, size_t len, vb_text *out,
                               vb_change **changes, size_t *n_changes, vb_error *err)
{
    memset(out, 0, sizeof *out);
    if (changes)
        *changes = NULL;
    if (n_changes)
        *n_changes = 0;
    if (!nz || (!in && len))
        return vb_error_set(err, VB_ERR_USAGE, "vb_normalize_run: NULL argument");
    if (!in)
        in = "";
    int utf8 = vb_utf8_valid(in, len);
    if (!utf8 && !(nz->opts.legacy_encoding && *nz->opts.legacy_encoding))
        return vb_error_set(err, VB_ERR_INPUT, "the text is not valid UTF-8");
    vb_buf clean = {0}, fold = {0};
    vb_status st = clean_and_nfc(nz, in, len, utf8, &clean, err);
    if (st == VB_OK && clean.data == NULL && vb_buf_reserve(&clean, 0) != VB_OK)
        st = vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    if (st == VB_OK)
        st = vb_restore_text(nz, &clean, changes, n_changes, err);
    if (st == VB_OK)
        st = vb_fold_internal(clean.data, clean.len, &fold, &out->fold_map, err);
    if (st != VB_OK) {
        vb_buf_free(&clean);
        vb_buf_free(&fold);
        if (changes) {
            vb_changes_free(*changes, *n_changes);
            *changes = NULL;
            *n_changes = 0;
        }
        return st;
    }
    out->text = vb_buf_steal(&clean, &out->len);
    out->fold = vb_buf_steal(&fold, &out->fold_len);
    return VB_OK;
}

void vb_text_free(vb_text *t)
{
    if (!t)
        return;
    free(t->text);
    free(t->fold);
    free(t->fold_map);
    memset(t, 0, sizeof *t);
}

void vb_normalize_destroy(vb_normalize **nz)
{
    if (!nz || !*nz)
        return;
    vb_restore_teardown(*nz);
    free(*nz);
    *nz = NULL;
}
