/* Unit tests of the normalize stage: clean-up, NFC, fold key and its map. */
#include "normalize_test.h"
#include "vb_normalize.h"
#include "vb_test.h"

#include <stdlib.h>
#include <string.h>

static vb_normalize *nz_plain; /* restoration off: clean-up and NFC only */

/* Normalise s with restoration off. */
static const char *norm(const char *s)
{
    return vb_test_normalize(nz_plain, s);
}

static const char *fold(const char *s)
{
    static char buf[4096];
    char *f = NULL;
    size_t n = 0;
    vb_error e;
    if (vb_fold(s, strlen(s), &f, &n, NULL, &e) != VB_OK)
        return "ERROR";
    snprintf(buf, sizeof buf, "%s", f);
    free(f);
    return buf;
}

static void test_nfc(void)
{
    /* "Độc lập" decomposed: o + circumflex + dot below, a + circumflex + dot below. */
    VB_CHECK_STR(norm("\xc4\x90o\xcc\x82\xcc\xa3\x63 la\xcc\x82\xcc\xa3p"), "Độc lập");
    VB_CHECK_STR(norm("hoa\xcc\x80"), "hoà"); /* NFC keeps the tone where it was */
    VB_CHECK_STR(norm("Độc lập"), "Độc lập");
}

static void test_whitespace(void)
{
    VB_CHECK_STR(norm("a\r\nb\rc\n"), "a\nb\nc");
    VB_CHECK_STR(norm("a\t\tb\xc2\xa0 c\xe2\x80\x83\xe3\x80\x80"
                      "d"),
                 "a b c d");
    VB_CHECK_STR(norm("a   \nb  "), "a\nb");
    VB_CHECK_STR(norm("a\n\n\n\n\nb"), "a\n\nb");
    VB_CHECK_STR(norm("a\n  \n \n\nb"), "a\n\nb");
    VB_CHECK_STR(norm("   a"), "a");
    VB_CHECK_STR(norm("a\n   - b"), "a\n - b");
    /* zero-width space, ZWJ, soft hyphen, BOM, LRM removed */
    VB_CHECK_STR(norm("\xef\xbb\xbfth\xe1\xbb\xb1\xe2\x80\x8b"
                      "c hi\xc3\xaa\xcc\xa3n"
                      "\xc2\xad\xe2\x80\x8d\xe2\x80\x8e"),
                 "thực hiện");
    /* control characters other than \n and \f removed */
    VB_CHECK_STR(norm("a\x01\x1b"
                      "b\x7f"
                      "c"),
                 "abc");
    /* form feed kept, whitespace around it stripped */
    VB_CHECK_STR(norm("trang 1 \n\n\f\n  trang 2\n\f\ftrang 4"), "trang 1\ftrang 2\f\ftrang 4");
    VB_CHECK_STR(norm(""), "");
    VB_CHECK_STR(norm(" \n\t "), "");
}

static void test_dashes(void)
{
    VB_CHECK_STR(norm("Độc lập \xe2\x80\x93 Tự do \xe2\x80\x94 Hạnh phúc"),
                 "Độc lập - Tự do - Hạnh phúc");
    VB_CHECK_STR(norm("NĐ\xe2\x80\x90"
                      "CP \xe2\x88\x92"
                      "5"),
                 "NĐ-CP -5");
    VB_CHECK_STR(norm("\xe2\x80\x9cKế hoạch\xe2\x80\x9d"), "\xe2\x80\x9cKế hoạch\xe2\x80\x9d");
}

static void test_invalid(void)
{
    vb_text t;
    vb_error e;
    vb_error_clear(&e);
    VB_CHECK_INT(vb_normalize_run(nz_plain, "ab\xc3\x28", 4, &t, &e), VB_ERR_INPUT);
    VB_CHECK_INT(e.code, VB_ERR_INPUT);
    VB_CHECK_STR(e.message, "the text is not valid UTF-8");
    VB_CHECK(t.text == NULL);
    vb_text_free(&t);
    char *f = NULL;
    VB_CHECK_INT(vb_fold("\xed\xa0\x80", 3, &f, NULL, NULL, &e), VB_ERR_INPUT); /* surrogate */
    VB_CHECK(f == NULL);
}

static void test_empty(void)
{
    vb_text t;
    vb_error e;
    VB_CHECK_INT(vb_normalize_run(nz_plain, "", 0, &t, &e), VB_OK);
    VB_CHECK_STR(t.text, "");
    VB_CHECK_STR(t.fold, "");
    VB_CHECK_INT(t.len, 0);
    VB_CHECK_INT(t.fold_len, 0);
    VB_CHECK(t.fold_map != NULL && t.fold_map[0] == 0);
    VB_CHECK_INT(vb_text_from_fold(&t, 5), 0);
    vb_text_free(&t);
    VB_CHECK_INT(vb_normalize_run(nz_plain, NULL, 0, &t, &e), VB_OK);
    vb_text_free(&t);
    vb_text_free(NULL);
}

static void test_fold(void)
{
    VB_CHECK_STR(fold("Độc lập – Tự do"), "doc lap – tu do"); /* vb_fold does no clean-up */
    VB_CHECK_STR(fold("ĐỒNG"), "dong");
    VB_CHECK_STR(fold("đường Hòa Bình, THUỶ"), "duong hoa binh, thuy");
    VB_CHECK_STR(fold("Số: 117/KH-UBND"), "so: 117/kh-ubnd");
    /* decomposed input folds the same */
    VB_CHECK_STR(fold("\xc4\x90O\xcc\x82\xcc\xa3\x63"), "doc");

    vb_text t;
    vb_error e;
    const char *in = "Độc lập \xe2\x80\x93 Tự do";
    VB_CHECK_INT(vb_normalize_run(nz_plain, in, strlen(in), &t, &e), VB_OK);
    VB_CHECK_STR(t.fold, "doc lap - tu do");
    VB_CHECK_INT(t.fold_map[t.fold_len], t.len);
    const char *hit = strstr(t.fold, "tu do");
    VB_CHECK(hit != NULL);
    if (hit) {
        size_t fo = (size_t)(hit - t.fold);
        size_t to = vb_text_from_fold(&t, fo);
        size_t te = vb_text_from_fold(&t, fo + strlen("tu do"));
        VB_CHECK_INT(to, strstr(t.text, "Tự do") - t.text);
        VB_CHECK_INT(te, t.len);
        VB_CHECK(strncmp(t.text + to, "Tự do", te - to) == 0);
    }
    /* every fold byte of "ự" (one byte 'u') points at the start of "ự" */
    size_t u = (size_t)(strstr(t.fold, "tu") - t.fold) + 1;
    VB_CHECK_INT(t.fold_map[u], strstr(t.text, "ự") - t.text);
    VB_CHECK_INT(vb_text_from_fold(&t, 100000), t.len);
    /* the map is monotonic */
    int mono = 1;
    for (size_t i = 0; i < t.fold_len; i++)
        if (t.fold_map[i] > t.fold_map[i + 1])
            mono = 0;
    VB_CHECK(mono);
    vb_text_free(&t);

    size_t *map = NULL;
    char *f = NULL;
    size_t n = 0;
    VB_CHECK_INT(vb_fold("ĐỒNG a", strlen("ĐỒNG a"), &f, &n, &map, &e), VB_OK);
    VB_CHECK_STR(f, "dong a");
    VB_CHECK_INT(n, 6);
    VB_CHECK_INT(map[0], 0);
    VB_CHECK_INT(map[1], 2); /* Ồ starts after the two bytes of Đ */
    VB_CHECK_INT(map[2], 5);
    VB_CHECK_INT(map[5], 8);
    VB_CHECK_INT(map[6], strlen("ĐỒNG a"));
    free(f);
    free(map);
}

static void test_encodings(void)
{
    /* "Cộng hòa, Độc lập" in UTF-8 read as Windows-1252 (Đ's second byte 0x90
     * is undefined there and arrives as U+0090) */
    VB_CHECK_STR(norm("C\xc3\xa1\xc2\xbb\xe2\x84\xa2ng h\xc3\x83\xc2\xb2"
                      "a, "
                      "\xc3\x84\xc2\x90\xc3\xa1\xc2\xbb\xe2\x84\xa2"
                      "c "
                      "l\xc3\xa1\xc2\xba\xc2\xad"
                      "p"),
                 "Cộng hòa, Độc lập");
    /* Latin-1 letters that do not make UTF-8 stay */
    VB_CHECK_STR(norm("café và bò"), "café và bò");

    vb_normalize_opts o = {0};
    vb_normalize *nz = NULL;
    vb_error e;
    o.restore = -1;
    o.legacy_encoding = "auto";
    VB_CHECK_INT(vb_normalize_create(&nz, &o, &e), VB_OK);
    /* Windows-1258 puts tones after the letter: C 0xF4 (ô) 0xF2 (dot below) ng,
     * h o 0xCC (grave) a */
    const char *w = "C\xf4\xf2ng ho\xcc"
                    "a";
    vb_text t;
    VB_CHECK_INT(vb_normalize_run(nz, w, strlen(w), &t, &e), VB_OK);
    VB_CHECK_STR(t.text, "Cộng hòa");
    vb_text_free(&t);
    vb_normalize_destroy(&nz);

    /* TCVN3 (.VnTime): "Độc lập" is A7 E9 63 20 6C CB 70; "auto" tells it from 1258 */
    o.legacy_encoding = "auto";
    VB_CHECK_INT(vb_normalize_create(&nz, &o, &e), VB_OK);
    const char *tc = "\xa7\xe9"
                     "c l\xcbp - T\xf9 do - H\xb9nh ph\xf3"
                     "c";
    VB_CHECK_INT(vb_normalize_run(nz, tc, strlen(tc), &t, &e), VB_OK);
    VB_CHECK_STR(t.text, "Độc lập - Tự do - Hạnh phúc");
    vb_text_free(&t);
    vb_normalize_destroy(&nz);

    /* VNI-Windows: a letter, then its marks as a Latin-1 byte: "Vieät" */
    VB_CHECK_INT(vb_normalize_create(&nz, &o, &e), VB_OK);
    const char *vni = "Vie\xe4t Nam, \xd1o\xe4"
                      "c la\xe4p, t\xe6nh";
    VB_CHECK_INT(vb_normalize_run(nz, vni, strlen(vni), &t, &e), VB_OK);
    VB_CHECK_STR(t.text, "Việt Nam, Độc lập, tỉnh");
    vb_text_free(&t);
    vb_normalize_destroy(&nz);

    o.legacy_encoding = "no-such-encoding";
    vb_error_clear(&e);
    VB_CHECK_INT(vb_normalize_create(&nz, &o, &e), VB_ERR_USAGE);
    VB_CHECK(nz == NULL);
    VB_CHECK(strncmp(e.message, "unknown encoding \"no-such-encoding\"", 34) == 0);
}

int main(void)
{
    vb_error e;
    vb_normalize_opts o = {0};
    o.restore = -1;
    VB_CHECK_INT(vb_normalize_create(&nz_plain, &o, &e), VB_OK);
    test_nfc();
    test_whitespace();
    test_dashes();
    test_invalid();
    test_empty();
    test_fold();
    test_encodings();
    vb_normalize_destroy(&nz_plain);
    VB_CHECK(nz_plain == NULL);
    vb_normalize_destroy(NULL);
    return vb_test_finish();
}
