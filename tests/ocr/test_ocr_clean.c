/* The page clean-up on synthetic pages: text-like lines of "words" (small
 * black boxes, with dots as diacritics), then speckle noise and skew. */
#include <leptonica/allheaders.h>
#include <math.h>
#include <stdint.h>

#include "vb_ocr.h"
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

    /* Skewed by 1.2 degrees: found and corrected. */
    PIX *rot =
        pixRotate(page, (float)(1.2 * M_PI / 180), L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
    pixSetResolution(rot, 300, 300);
    VB_CHECK_INT(vb_ocr_clean(rot, &out, &info, &e), VB_OK);
    VB_CHECK(fabs(fabs(info.skew_degrees) - 1.2) < 0.15);
    pixDestroy(&out);
    pixDestroy(&rot);

    /* Color input is accepted too. */
    PIX *rgb = pixConvertTo32(page);
    VB_CHECK_INT(vb_ocr_clean(rgb, &out, &info, &e), VB_OK);
    VB_CHECK_INT(pixGetDepth(out), 1);
    pixDestroy(&out);
    pixDestroy(&rgb);
    pixDestroy(&page);
    return vb_test_finish();
}
