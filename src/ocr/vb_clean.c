/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Page clean-up before recognition. Tesseract binarises with a global Otsu
 * threshold; on a photocopy (uneven background, speckles) that leaves text
 * buried in noise. We normalise the background, binarise locally, remove
 * speckles only when the page has them (a median filter also rounds strokes
 * and can eat a dot-below), and straighten the page.
 */
#include "vb_ocr.h"

#include <math.h>
#include <string.h>

#include <leptonica/allheaders.h>

/* Share of page pixels that a 3x3 median flips, above which the page is
 * called noisy. Clean text loses well under 0.1% (stroke corners only). */
#define NOISE_FRACTION 0.004
/* Skew smaller than this is left alone: rotating costs and blurs nothing. */
#define MIN_SKEW_DEGREES 0.08
#define MIN_SKEW_CONFIDENCE 2.5

static PIX *to_gray(PIX *in)
{
    int d = pixGetDepth(in);
    if (pixGetColormap(in))
        return pixRemoveColormap(in, REMOVE_CMAP_TO_GRAYSCALE);
    if (d == 32)
        return pixConvertRGBToLuminance(in);
    return pixConvertTo8(in, 0);
}

/* Speckle measure on a binary page: the share of pixels an opening by a
 * 2x2 brick would remove, counted on a 2x reduced copy to keep it cheap. */
static double speckle_fraction(PIX *bin)
{
    l_int32 w = pixGetWidth(bin), h = pixGetHeight(bin);
    PIX *open = pixOpenBrick(NULL, bin, 2, 2);
    if (!open)
        return 0;
    PIX *diff = pixXor(NULL, bin, open);
    l_int32 n = 0;
    if (diff)
        pixCountPixels(diff, &n, NULL);
    pixDestroy(&diff);
    pixDestroy(&open);
    return (double)n / ((double)w * h);
}

vb_status vb_ocr_clean(PIX *in, PIX **out, vb_ocr_clean_info *info, vb_error *err)
{
    vb_ocr_clean_info local = {0};
    if (!info)
        info = &local;
    memset(info, 0, sizeof *info);
    *out = NULL;
    l_int32 xres = pixGetXRes(in), yres = pixGetYRes(in);

    PIX *gray = to_gray(in);
    if (!gray)
        return vb_error_set(err, VB_ERR_INTERNAL, "cannot convert the page to grayscale");

    PIX *norm = pixBackgroundNormSimple(gray, NULL, NULL);
    PIX *bin = NULL;
    if (norm)
        bin = pixThresholdToBinary(norm, 180);
    if (!bin) {
        pixDestroy(&norm);
        pixDestroy(&gray);
        return vb_error_set(err, VB_ERR_INTERNAL, "cannot binarise the page");
    }

    if (speckle_fraction(bin) > NOISE_FRACTION) {
        /* Median on the normalised gray page, then binarise again: removes
         * salt-and-pepper specks while keeping diacritic dots (several pixels
         * across at 300 dpi). */
        PIX *med = pixMedianFilter(norm, 3, 3);
        if (med) {
            PIX *b2 = pixThresholdToBinary(med, 180);
            pixDestroy(&med);
            if (b2) {
                pixDestroy(&bin);
                bin = b2;
                info->noisy = 1;
            }
        }
    }
    pixDestroy(&norm);
    pixDestroy(&gray);

    l_float32 angle = 0, conf = 0;
    if (pixFindSkew(bin, &angle, &conf) == 0 && conf >= MIN_SKEW_CONFIDENCE &&
        fabsf(angle) >= MIN_SKEW_DEGREES) {
        PIX *rot = pixRotate(bin, (l_float32)(angle * M_PI / 180.0), L_ROTATE_SAMPLING,
                             L_BRING_IN_WHITE, 0, 0);
        if (rot) {
            pixDestroy(&bin);
            bin = rot;
            info->skew_degrees = angle;
        }
    }
    pixSetResolution(bin, xres, yres);
    *out = bin;
    return VB_OK;
}
