/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Page clean-up before recognition. Tesseract binarises with a global Otsu
 * threshold; on a photocopy (uneven background, speckles) that leaves text
 * buried in noise. We normalise the background, binarise locally, remove
 * speckles only when the page has them (a median filter also rounds strokes
 * and can eat a dot-below), and straighten the page.
 */
#include "vb_ocr_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>

/* Share of page pixels that a 2x2 opening removes, above which the page is
 * called noisy. Measured on the fixtures at 300 dpi: clean pages 0.02%
 * (stroke corners), photocopied ones 0.12% to 0.3% (specks). */
#define NOISE_FRACTION 0.0006
/* Skew smaller than this is left alone: rotating costs and blurs nothing. */
/* Background normalisation maps paper to 200 and ink towards 0. */
#define CLEAN_THRESHOLD 150
/* On noisy pages a lower threshold keeps grain out; the median has already
 * evened the ink. */
#define NOISY_THRESHOLD 135
/* Speckles: at most 10x10 pixels at 300 dpi (a dot-below is about 6x6, so it
 * is kept only through SPECKLE_REACH), more than 10 pixels above or below ink. */
#define SPECKLE_SIZE 10
#define SPECKLE_REACH 10
/* Punctuation dots are 5 pixels and more across at 300 dpi, and follow ink
 * within 16 pixels on the same line; specks are mostly smaller. Measured on
 * the noisy fixtures: CER 2.6-3.7% without this, 1.8-3.2% with it. */
#define DOT_SIZE 5
#define DOT_REACH 16
#define MIN_SKEW_DEGREES 0.08
#define MIN_SKEW_CONFIDENCE 2.5

/* Step timing for vb_ocr_clean_info: the CPU time since *mark, under `name`. */
static void step_done(vb_ocr_clean_info *info, const char *name, double *mark)
{
    double now = vb_ocr_thread_cpu();
    if (info->n_steps < VB_OCR_CLEAN_MAX_STEPS) {
        info->step_name[info->n_steps] = name;
        info->step_cpu[info->n_steps++] = now - *mark;
    }
    *mark = now;
}

static PIX *to_gray(PIX *in)
{
    int d = pixGetDepth(in);
    if (pixGetColormap(in))
        return pixRemoveColormap(in, REMOVE_CMAP_TO_GRAYSCALE);
    if (d == 32)
        return pixConvertRGBToLuminance(in);
    if (d == 8)
        return pixClone(in); /* read-only from here on: no copy needed */
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

/* Remove speckles: components no bigger than `size` pixels each way that are
 * neither just above or below larger ink (where accents sit: Vietnamese
 * marks stack over and under the letter), nor, when they are at least `dot`
 * pixels each way, just beside it (full stops, commas, the dots of ";" and
 * ":", which follow a letter on its line). */
static PIX *remove_speckles(PIX *bin, int size, int reach, int dot, int side)
{
    PIX *small = pixSelectBySize(bin, size, size, 8, L_SELECT_IF_BOTH, L_SELECT_IF_LTE, NULL);
    if (!small)
        return NULL;
    PIX *large = pixSubtract(NULL, bin, small);
    PIX *above = large ? pixDilateBrick(NULL, large, 3, 2 * reach + 1) : NULL;
    PIX *beside = large ? pixDilateBrick(NULL, large, 2 * side + 1, 3) : NULL;
    PIX *dots = pixSelectBySize(small, dot, dot, 8, L_SELECT_IF_BOTH, L_SELECT_IF_GTE, NULL);
    PIX *seed = above ? pixAnd(NULL, small, above) : NULL;
    PIX *dot_seed = beside && dots ? pixAnd(NULL, dots, beside) : NULL;
    if (seed && dot_seed)
        pixOr(seed, seed, dot_seed);
    PIX *keep = seed ? pixSeedfillBinary(NULL, seed, small, 8) : NULL;
    PIX *out = keep ? pixOr(NULL, large, keep) : NULL;
    pixDestroy(&small);
    pixDestroy(&large);
    pixDestroy(&above);
    pixDestroy(&beside);
    pixDestroy(&dots);
    pixDestroy(&seed);
    pixDestroy(&dot_seed);
    pixDestroy(&keep);
    return out;
}

/* remove_speckles at a page's resolution (the constants are for 300 dpi). */
static PIX *remove_speckles_at(PIX *bin, int dpi)
{
    return remove_speckles(bin, SPECKLE_SIZE * dpi / 300, SPECKLE_REACH * dpi / 300,
                           DOT_SIZE * dpi / 300, DOT_REACH * dpi / 300);
}

/* 3x3 median of a binary page: a pixel is black when at least 5 of the 9 in
 * its neighbourhood are (outside the page counts as white). Computed on the
 * packed words, 32 pixels at a time, by adding the neighbours' bits with
 * bitwise adders: Leptonica's pixBlockrank gives the same image through an
 * 8-bpp block sum and a 32-bpp accumulator, at twenty times the cost. */
static PIX *median3_binary(PIX *bin)
{
    l_int32 w = pixGetWidth(bin), h = pixGetHeight(bin), wpl = pixGetWpl(bin);
    PIX *out = pixCreateTemplate(bin);
    l_uint32 *v0 = calloc((size_t)wpl + 2, sizeof *v0);
    l_uint32 *v1 = calloc((size_t)wpl + 2, sizeof *v1);
    if (!out || !v0 || !v1) {
        free(v0);
        free(v1);
        pixDestroy(&out);
        return NULL;
    }
    /* the pad bits past the page's width count as white */
    l_uint32 last = w % 32 ? ~0u << (32 - w % 32) : ~0u;
    const l_uint32 *sd = pixGetData(bin);
    l_uint32 *od = pixGetData(out);
    for (l_int32 y = 0; y < h; y++) {
        const l_uint32 *b = sd + (size_t)y * wpl;
        const l_uint32 *a = y > 0 ? b - wpl : NULL, *c = y + 1 < h ? b + wpl : NULL;
        /* vertical sums of three rows, two bits each: v0 + 2 v1; v0[0] and
         * v0[wpl + 1] stay white, as margins */
        for (l_int32 i = 0; i < wpl; i++) {
            l_uint32 x = a ? a[i] : 0, m = b[i], z = c ? c[i] : 0;
            v0[i + 1] = x ^ m ^ z;
            v1[i + 1] = (x & m) | (z & (x ^ m));
        }
        v0[wpl] &= last;
        v1[wpl] &= last;
        l_uint32 *o = od + (size_t)y * wpl;
        for (l_int32 i = 1; i <= wpl; i++) {
            /* pixel 0 is a word's high bit: the left neighbour shifts right */
            l_uint32 l0 = (v0[i] >> 1) | (v0[i - 1] << 31), r0 = (v0[i] << 1) | (v0[i + 1] >> 31);
            l_uint32 l1 = (v1[i] >> 1) | (v1[i - 1] << 31), r1 = (v1[i] << 1) | (v1[i + 1] >> 31);
            l_uint32 c0 = v0[i], c1 = v1[i];
            /* total = s0 + 2 (t0 + 2 (u1 + k)) */
            l_uint32 s0 = l0 ^ c0 ^ r0, carry = (l0 & c0) | (r0 & (l0 ^ c0));
            l_uint32 u0 = l1 ^ c1 ^ r1, u1 = (l1 & c1) | (r1 & (l1 ^ c1));
            l_uint32 t0 = u0 ^ carry, k = u0 & carry;
            l_uint32 at_least_3 = (u1 & k) | ((u1 ^ k) & t0), exactly_2 = (u1 ^ k) & ~t0;
            o[i - 1] = at_least_3 | (exactly_2 & s0);
        }
    }
    free(v0);
    free(v1);
    pixSetPadBits(out, 0);
    return out;
}

/* The noisy-page path: binarise, a 3x3 median against grain, open away
 * one-pixel specks, then drop isolated speckles. The median runs on the
 * binary page: thresholding is monotone, so it commutes with the median. */
static PIX *clean_noisy(PIX *norm, int scale, vb_ocr_clean_info *info, double *mark)
{
    PIX *bin = pixThresholdToBinary(norm, NOISY_THRESHOLD);
    step_done(info, "noisy threshold", mark);
    PIX *med = bin ? median3_binary(bin) : NULL;
    step_done(info, "median", mark);
    PIX *open = med ? pixOpenBrick(NULL, med, 2, 2) : NULL;
    step_done(info, "opening", mark);
    PIX *out = open ? remove_speckles_at(open, scale) : NULL;
    step_done(info, "speckles", mark);
    pixDestroy(&bin);
    pixDestroy(&med);
    pixDestroy(&open);
    return out;
}

vb_status vb_ocr_clean(PIX *in, PIX **out, vb_ocr_clean_info *info, vb_error *err)
{
    vb_ocr_clean_info local = {0};
    if (!info)
        info = &local;
    memset(info, 0, sizeof *info);
    *out = NULL;
    l_int32 xres = pixGetXRes(in), yres = pixGetYRes(in);
    double mark = vb_ocr_thread_cpu();

    PIX *bin = NULL;
    int scale = xres > 0 ? xres : 300;
    if (pixGetDepth(in) == 1 && !pixGetColormap(in)) {
        /* Already binary (a fax or a thresholded photocopy): strokes are thin
         * and broken, so no median and no opening; speckles only. */
        bin = pixCopy(NULL, in);
        double noise = bin ? speckle_fraction(bin) : 0;
        step_done(info, "noise test", &mark);
        if (noise > NOISE_FRACTION) {
            PIX *b2 = remove_speckles_at(bin, scale);
            step_done(info, "speckles", &mark);
            if (b2) {
                pixDestroy(&bin);
                bin = b2;
                info->noisy = 1;
            }
        }
    } else {
        PIX *gray = to_gray(in);
        step_done(info, "gray", &mark);
        PIX *norm = gray ? pixBackgroundNormSimple(gray, NULL, NULL) : NULL;
        step_done(info, "background", &mark);
        if (norm)
            bin = pixThresholdToBinary(norm, CLEAN_THRESHOLD);
        step_done(info, "threshold", &mark);
        double noise = bin ? speckle_fraction(bin) : 0;
        step_done(info, "noise test", &mark);
        if (noise > NOISE_FRACTION) {
            PIX *b2 = clean_noisy(norm, scale, info, &mark);
            if (b2) {
                pixDestroy(&bin);
                bin = b2;
                info->noisy = 1;
            }
        }
        pixDestroy(&norm);
        pixDestroy(&gray);
        step_done(info, "free", &mark);
    }
    if (!bin)
        return vb_error_set(err, VB_ERR_INTERNAL, "cannot binarise the page");

    l_float32 angle = 0, conf = 0;
    int found = pixFindSkew(bin, &angle, &conf) == 0;
    step_done(info, "skew", &mark);
    if (found && conf >= MIN_SKEW_CONFIDENCE && fabsf(angle) >= MIN_SKEW_DEGREES) {
        PIX *rot = pixRotate(bin, (l_float32)(angle * M_PI / 180.0), L_ROTATE_SAMPLING,
                             L_BRING_IN_WHITE, 0, 0);
        if (rot) {
            pixDestroy(&bin);
            bin = rot;
            info->skew_degrees = angle;
        }
        step_done(info, "rotate", &mark);
    }
    pixSetResolution(bin, xres, yres);
    *out = bin;
    return VB_OK;
}
