/* The page clean-up on synthetic pages: text-like lines of "words" (small
 * black boxes, with dots as diacritics), then speckle noise and skew. */
#include <leptonica/allheaders.h>
#include <math.h>
#include <stdint.h>

#include "vb_ocr.h"
#include "vb_ocr_internal.h"
#include "vb_test.h"

static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
}

/* An A5-ish 8-bit page at 300 dpi with 30 lines of words and accent dots. */
static PIX *make_page(void)
{
    PIX *pix = pixCreate(1600, 2000, 8);
    pixSetAllArbitrary(pix, 235); /* paper, not pure white */
    pixSetResolution(pix, 300, 300);
    for (int line = 0; line < 30; line++) {
        int y = 150 + line * 55, x = 120;
        while (x < 1450) {
            int w = 40 + (int)(next_rand() % 120);
            pixRasterop(pix, x, y, w, 28, PIX_CLR, NULL, 0, 0);
            /* a 6x6 dot above the word, as a diacritic */
            pixRasterop(pix, x + w / 2, y - 12, 6, 6, PIX_CLR, NULL, 0, 0);
            x += w + 25;
        }
    }
    return pix;
}

/* vb_ocr_background_gray_map gives Leptonica's map pixel for pixel (1 if
 * both fail alike). */
static int same_background_map(PIX *gray, int sx, int sy, int thresh, int mincount)
{
    PIX *want = NULL;
    pixGetBackgroundGrayMap(gray, NULL, sx, sy, thresh, mincount, &want);
    PIX *got = vb_ocr_background_gray_map(gray, sx, sy, thresh, mincount);
    l_int32 same = 0;
    if (!want || !got)
        same = !want && !got;
    else
        pixEqual(want, got, &same);
    pixDestroy(&want);
    pixDestroy(&got);
    return same;
}

static void add_speckles(PIX *pix, int count)
{
    int w = pixGetWidth(pix), h = pixGetHeight(pix);
    for (int i = 0; i < count; i++)
        pixSetPixel(pix, (int)(next_rand() % (uint32_t)w), (int)(next_rand() % (uint32_t)h), 0);
}

static int black_components(PIX *bin)
{
    BOXA *boxa = pixConnComp(bin, NULL, 8);
    int n = boxaGetCount(boxa);
    boxaDestroy(&boxa);
    return n;
}

/* The speckle rule, written with Leptonica's component selection and brick
 * dilations: components at most 10x10 pixels (300 dpi) with whatever lies
 * within 1 pixel of them are removed unless
 * larger ink lies within 1 column and 10 rows, or, for those at least 5x5,
 * within 16 columns and 1 row (and, in vb_clean.c, where punctuation sits:
 * the pages compared here have no such dots). vb_clean.c computes it from
 * labelled runs. */
static PIX *reference_despeckle(PIX *bin)
{
    /* the size of a component is that of its group: components at most 1
     * pixel apart joined, as a 2x2 dilation joins them (on a bordered copy,
     * so that the page's edges clip no group) */
    PIX *framed = pixAddBorder(bin, 2, 0);
    PIX *joined = pixDilateBrick(NULL, framed, 2, 2);
    PIX *groups = pixSelectBySize(joined, 11, 11, 8, L_SELECT_IF_BOTH, L_SELECT_IF_LTE, NULL);
    PIX *in_small = pixRemoveBorder(groups, 2);
    PIX *small = pixAnd(NULL, bin, in_small);
    pixDestroy(&framed);
    pixDestroy(&joined);
    pixDestroy(&groups);
    pixDestroy(&in_small);
    PIX *large = pixSubtract(NULL, bin, small);
    PIX *above = pixDilateBrick(NULL, large, 3, 21);
    PIX *beside = pixDilateBrick(NULL, large, 33, 3);
    PIX *dots = pixSelectBySize(small, 5, 5, 8, L_SELECT_IF_BOTH, L_SELECT_IF_GTE, NULL);
    PIX *seed = pixAnd(NULL, small, above);
    pixAnd(dots, dots, beside);
    pixOr(seed, seed, dots);
    PIX *keep = pixSeedfillBinary(NULL, seed, small, 8);
    PIX *out = pixOr(NULL, large, keep);
    pixDestroy(&small);
    pixDestroy(&large);
    pixDestroy(&above);
    pixDestroy(&beside);
    pixDestroy(&dots);
    pixDestroy(&seed);
    pixDestroy(&keep);
    return out;
}

/* A binary page with specks of 1 to 12 pixels across, some touching the
 * page's edges, some under and over the words; none as tall as a dot (5). */
static PIX *make_speckled_binary(PIX *page)
{
    PIX *bin = pixThresholdToBinary(page, 128);
    int w = pixGetWidth(bin), h = pixGetHeight(bin);
    for (int i = 0; i < 6000; i++) {
        int s = 1 + (int)(next_rand() % 12);
        int x = (int)(next_rand() % (uint32_t)(w + 2 * s)) - s;
        int y = (int)(next_rand() % (uint32_t)(h + 2 * s)) - s;
        pixRasterop(bin, x, y, s, 1 + (int)(next_rand() % 4), PIX_SET, NULL, 0, 0);
    }
    pixSetResolution(bin, 300, 300);
    return bin;
}

/* One line of "words" (boxes 28 pixels high, baseline at row 227) with 6x6
 * dots beside them: a full stop after the first word, a speck in the lower
 * half of the line between the second and the third, the upper dot of a colon after the
 * fourth; and one-pixel specks away from the line, so the page is noisy. */
static PIX *make_punctuation_line(void)
{
    PIX *bin = pixCreate(1200, 400, 1);
    pixSetResolution(bin, 300, 300);
    for (int x = 100; x < 800; x += 185)
        pixRasterop(bin, x, 200, 160, 28, PIX_SET, NULL, 0, 0);
    pixRasterop(bin, 263, 222, 6, 6, PIX_SET, NULL, 0, 0); /* full stop */
    pixRasterop(bin, 455, 212, 6, 6, PIX_SET, NULL, 0, 0); /* speck */
    pixRasterop(bin, 818, 200, 6, 6, PIX_SET, NULL, 0, 0); /* colon */
    for (int i = 0; i < 2000; i++) {
        int y = (int)(next_rand() % 250);
        pixSetPixel(bin, (int)(next_rand() % 1200), y < 150 ? y : y + 150, 1);
    }
    return bin;
}

int main(void)
{
    vb_error e;
    vb_error_clear(&e);
    PIX *page = make_page();
    PIX *out = NULL;
    vb_ocr_clean_info info;

    /* A clean page: binarised, same resolution, not called noisy, no rotation. */
    VB_CHECK_INT(vb_ocr_clean(page, &out, &info, &e), VB_OK);
    VB_CHECK_INT(pixGetDepth(out), 1);
    VB_CHECK_INT(pixGetXRes(out), 300);
    VB_CHECK_INT(info.noisy, 0);
    VB_CHECK(fabs(info.skew_degrees) < 0.05);
    int clean_components = black_components(out);
    pixDestroy(&out);

    /* Speckled: found noisy, and the specks (1 px each) are gone while the
     * words and their dots stay. */
    PIX *noisy = pixCopy(NULL, page);
    add_speckles(noisy, 40000);
    VB_CHECK_INT(vb_ocr_clean(noisy, &out, &info, &e), VB_OK);
    VB_CHECK_INT(info.noisy, 1);
    int after = black_components(out);
    VB_CHECK(after <= clean_components + clean_components / 20);
    VB_CHECK(after >= clean_components - clean_components / 20);
    pixDestroy(&out);
    pixDestroy(&noisy);

    /* Small print, 1 bit: strokes 1 pixel wide, which a 2x2 opening takes
     * whole, and 5x5 full stops. Without specks the page is not noisy and
     * keeps every stop; with them it is. */
    PIX *thin = pixCreate(1600, 2000, 1);
    pixSetResolution(thin, 300, 300);
    for (int y = 100; y < 1900; y += 40)
        for (int x = 100; x < 1450; x += 60) {
            for (int k = 0; k < 10; k++) /* a word of ten thin strokes */
                pixRasterop(thin, x + 4 * k, y, 1, 20, PIX_SET, NULL, 0, 0);
            pixRasterop(thin, x + 42, y + 15, 5, 5, PIX_SET, NULL, 0, 0);
        }
    VB_CHECK_INT(vb_ocr_clean(thin, &out, &info, &e), VB_OK);
    VB_CHECK_INT(info.noisy, 0);
    VB_CHECK_INT(black_components(out), black_components(thin));
    pixDestroy(&out);
    PIX *thin_specks = pixCopy(NULL, thin);
    for (int i = 0; i < 3000; i++)
        pixSetPixel(thin_specks, (int)(next_rand() % 1600), (int)(next_rand() % 2000), 1);
    VB_CHECK_INT(vb_ocr_clean(thin_specks, &out, &info, &e), VB_OK);
    VB_CHECK_INT(info.noisy, 1);
    pixDestroy(&out);
    pixDestroy(&thin_specks);
    pixDestroy(&thin);

    /* A speckled binary page: the same pixels as the rule written with
     * Leptonica's component selection, at page widths that fill the last
     * word and that do not; but for the dots beside words that vb_clean.c
     * also judges by their place on the line: only whole dots (5 to 10
     * pixels each way) that the Leptonica rule keeps may be missing. */
    for (int width = 1600; width >= 1589; width -= 11) {
        BOX *box = boxCreate(0, 0, width, 2000);
        PIX *cut = pixClipRectangle(page, box, NULL);
        boxDestroy(&box);
        PIX *bin = make_speckled_binary(cut);
        PIX *want = reference_despeckle(bin);
        VB_CHECK_INT(vb_ocr_clean(bin, &out, &info, &e), VB_OK);
        VB_CHECK_INT(info.noisy, 1);
        VB_CHECK(info.skew_degrees == 0);
        PIX *diff = out && want ? pixXor(NULL, out, want) : NULL;
        PIX *extra = diff ? pixSubtract(NULL, diff, want) : NULL;
        l_int32 n_extra = -1;
        if (extra)
            pixCountPixels(extra, &n_extra, NULL);
        VB_CHECK_INT(n_extra, 0);
        BOXA *missing = diff ? pixConnCompBB(diff, 8) : NULL;
        VB_CHECK(missing != NULL);
        for (int i = 0; missing && i < boxaGetCount(missing); i++) {
            l_int32 bw, bh;
            boxaGetBoxGeometry(missing, i, NULL, NULL, &bw, &bh);
            VB_CHECK(bw >= 5 && bw <= 10 && bh >= 5 && bh <= 10);
        }
        boxaDestroy(&missing);
        pixDestroy(&extra);
        pixDestroy(&diff);
        pixDestroy(&out);
        pixDestroy(&want);
        pixDestroy(&bin);
        pixDestroy(&cut);
    }

    /* Dots beside words: kept where punctuation sits, removed in the lower
     * half of the line between two words. */
    PIX *line = make_punctuation_line();
    VB_CHECK_INT(vb_ocr_clean(line, &out, &info, &e), VB_OK);
    VB_CHECK_INT(info.noisy, 1);
    VB_CHECK(info.skew_degrees == 0);
    l_uint32 full_stop = 0, speck = 1, colon = 0;
    if (out) {
        pixGetPixel(out, 265, 225, &full_stop);
        pixGetPixel(out, 457, 214, &speck);
        pixGetPixel(out, 820, 202, &colon);
    }
    VB_CHECK_INT(full_stop, 1);
    VB_CHECK_INT(speck, 0);
    VB_CHECK_INT(colon, 1);
    pixDestroy(&out);
    pixDestroy(&line);

    /* Skewed by 1.2 degrees: found and corrected. */
    PIX *rot =
        pixRotate(page, (float)(1.2 * M_PI / 180), L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
    pixSetResolution(rot, 300, 300);
    VB_CHECK_INT(vb_ocr_clean(rot, &out, &info, &e), VB_OK);
    VB_CHECK(fabs(fabs(info.skew_degrees) - 1.2) < 0.15);
    pixDestroy(&out);
    pixDestroy(&rot);

    /* A page too small for a background map is still binarised. */
    PIX *tiny = pixCreate(8, 8, 8);
    pixSetAllArbitrary(tiny, 200);
    VB_CHECK_INT(vb_ocr_clean(tiny, &out, &info, &e), VB_OK);
    VB_CHECK(out && pixGetDepth(out) == 1 && pixGetWidth(out) == 8);
    pixDestroy(&out);
    pixDestroy(&tiny);

    /* The background map equals Leptonica's: a scanned page (JPEG, its width
     * and height no multiple of the tiles), a synthetic one with grain,
     * odd tile sizes, and a page all ink (no map: both fail). */
    PIX *scan = pixRead("fixtures/scans/hung-yen-kh-117.p1.jpg");
    VB_CHECK(scan != NULL);
    if (scan) {
        PIX *g = pixConvertTo8(scan, 0);
        VB_CHECK(g && same_background_map(g, 10, 15, 60, 40));
        VB_CHECK(g && same_background_map(g, 7, 9, 100, 30));
        pixDestroy(&g);
        pixDestroy(&scan);
    }
    PIX *grain = pixCopy(NULL, page);
    add_speckles(grain, 3000);
    BOX *cut = boxCreate(0, 0, 1597, 1993);
    PIX *grain_cut = pixClipRectangle(grain, cut, NULL);
    boxDestroy(&cut);
    VB_CHECK(same_background_map(grain, 10, 15, 60, 40));
    VB_CHECK(grain_cut && same_background_map(grain_cut, 10, 15, 60, 40));
    VB_CHECK(grain_cut && same_background_map(grain_cut, 33, 4, 240, 1));
    pixDestroy(&grain_cut);
    pixDestroy(&grain);
    PIX *ink = pixCreate(100, 90, 8);
    VB_CHECK(same_background_map(ink, 10, 15, 60, 40));
    pixDestroy(&ink);

    /* The noise test holds with a wrong resolution tag: the photocopied
     * fixture page saved as 72 dpi is still noisy, the clean one still not. */
    const char *tagged[] = {"fixtures/scans/hung-yen-kh-117.noisy.tif",
                            "fixtures/scans/hung-yen-kh-117.clean.tif"};
    for (int i = 0; i < 2; i++) {
        PIX *scan72 = pixRead(tagged[i]);
        VB_CHECK(scan72 != NULL);
        if (!scan72)
            continue;
        pixSetResolution(scan72, 72, 72);
        VB_CHECK_INT(vb_ocr_clean(scan72, &out, &info, &e), VB_OK);
        VB_CHECK_INT(info.noisy, i == 0);
        pixDestroy(&out);
        pixDestroy(&scan72);
    }

    /* The reduction comes from the text's size: the fixture page (14 pt at
     * 300 dpi, 1 bpp) is read reduced by 2, the same page at 200 dpi as it
     * is, at 600 dpi reduced by 4; a blank page, a page with a few words and
     * an 8-bit page are left alone. */
    PIX *fix = pixRead("fixtures/scans/hung-yen-kh-117.clean.tif");
    VB_CHECK(fix && pixGetDepth(fix) == 1);
    if (fix) {
        VB_CHECK_INT(vb_ocr_reduction(fix), 2);
        PIX *g200 = pixScaleToGray(fix, 2.0f / 3.0f);
        PIX *b200 = g200 ? pixThresholdToBinary(g200, 128) : NULL;
        VB_CHECK(b200 != NULL);
        VB_CHECK_INT(vb_ocr_reduction(b200), 1);
        PIX *b600 = pixExpandBinaryReplicate(fix, 2, 2);
        VB_CHECK(b600 != NULL);
        VB_CHECK_INT(vb_ocr_reduction(b600), 4);
        /* the header's first lines (about 110 letters and marks) alone on
         * a page of the same size */
        PIX *few = pixCreate(pixGetWidth(fix), pixGetHeight(fix), 1);
        VB_CHECK(few != NULL);
        if (few)
            pixRasterop(few, 0, 0, pixGetWidth(fix), 420, PIX_SRC, fix, 0, 0);
        VB_CHECK_INT(vb_ocr_reduction(few), 1);
        PIX *eight = pixConvertTo8(fix, 0);
        VB_CHECK_INT(vb_ocr_reduction(eight), 1);
        PIX *blank = pixCreate(2480, 3508, 1);
        VB_CHECK_INT(vb_ocr_reduction(blank), 1);
        /* reduced: gray, half the size and the resolution, the ink kept
         * (the page's mean darkness the same within 1%) */
        PIX *half = vb_ocr_reduce(fix, 2);
        VB_CHECK(half && pixGetDepth(half) == 8 && pixGetWidth(half) == 1240 &&
                 pixGetXRes(half) == 150 && pixGetYRes(half) == 150);
        l_int32 ink = 0;
        l_float32 mean = 255;
        pixCountPixels(fix, &ink, NULL);
        if (half)
            pixGetAverageMasked(half, NULL, 0, 0, 1, L_MEAN_ABSVAL, &mean);
        double dark = ink / ((double)pixGetWidth(fix) * pixGetHeight(fix));
        VB_CHECK(fabs((255.0 - mean) / 255.0 - dark) < 0.01 * dark);
        VB_CHECK(vb_ocr_reduce(fix, 1) == NULL && vb_ocr_reduce(fix, 5) == NULL);
        pixDestroy(&half);
        pixDestroy(&blank);
        pixDestroy(&eight);
        pixDestroy(&few);
        pixDestroy(&b600);
        pixDestroy(&b200);
        pixDestroy(&g200);
        pixDestroy(&fix);
    }

    /* Color input is accepted too. */
    PIX *rgb = pixConvertTo32(page);
    VB_CHECK_INT(vb_ocr_clean(rgb, &out, &info, &e), VB_OK);
    VB_CHECK_INT(pixGetDepth(out), 1);
    pixDestroy(&out);
    pixDestroy(&rgb);
    pixDestroy(&page);
    return vb_test_finish();
}
