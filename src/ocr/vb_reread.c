/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * A second reading of one line, from a median-filtered copy. On a speckled
 * 1-bit scan a speck that touches a letter survives the clean-up (only loose
 * specks go) and changes what the letter reads as: a speck on the top of the
 * "/" in "117/KH-UBND" makes it a "7". A 3x3 median takes such a speck off
 * the stroke, but over a whole 1-bit page it also breaks thin strokes and
 * costs more than it mends (measured on the noisy TIFFs: dates and recipients
 * of the header goldens read wrong). So it is applied to one line, and the
 * line is read again on its own, as a single text line.
 */
#include "vb_ocr_internal.h"

#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

/* White margin around the line image, in pixels at 300 dpi: Tesseract finds
 * a line's edges less reliably when ink touches the image border. */
#define BORDER 12

void vb_ocr_words_free(vb_ocr_word *w, int n)
{
    for (int i = 0; i < n; i++)
        free(w[i].text);
    free(w);
}

/* The words Tesseract has read, moved by (dx, dy) into page coordinates. */
static int take_words(TessBaseAPI *api, int dx, int dy, vb_ocr_word **out, int *n_out)
{
    TessResultIterator *it = TessBaseAPIGetIterator(api);
    if (!it)
        return 0;
    const TessPageIterator *pit = TessResultIteratorGetPageIteratorConst(it);
    vb_ocr_word *w = NULL;
    int n = 0, cap = 0, ok = 1;
    do {
        char *t = TessResultIteratorGetUTF8Text(it, RIL_WORD);
        if (!t)
            continue;
        if (n == cap) {
            int c = cap ? 2 * cap : 8;
            vb_ocr_word *p = realloc(w, (size_t)c * sizeof *p);
            if (!p) {
                TessDeleteText(t);
                ok = 0;
                break;
            }
            w = p;
            cap = c;
        }
        int l, top, r, b;
        TessPageIteratorBoundingBox(pit, RIL_WORD, &l, &top, &r, &b);
        w[n] = (vb_ocr_word){strdup(t), l + dx, r + dx, top + dy, b + dy};
        TessDeleteText(t);
        if (!w[n++].text) {
            ok = 0;
            break;
        }
    } while (TessResultIteratorNext(it, RIL_WORD));
    TessResultIteratorDelete(it);
    if (!ok) {
        vb_ocr_words_free(w, n);
        return -1;
    }
    *out = w;
    *n_out = n;
    return n > 0;
}

int vb_reread_line(TessBaseAPI *api, struct Pix *page, int dpi, int left, int top, int right,
                   int bottom, vb_ocr_word **words, int *n_words)
{
    *words = NULL;
    *n_words = 0;
    if (right <= left || bottom <= top)
        return 0;
    BOX *box = boxCreate(left, top, right - left, bottom - top);
    PIX *crop = box ? pixClipRectangle(page, box, NULL) : NULL;
    boxDestroy(&box);
    if (!crop)
        return -1;
    int border = BORDER * (dpi > 0 ? dpi : 300) / 300;
    PIX *framed = pixGetDepth(crop) == 1 ? pixAddBorder(crop, border, 0) : NULL;
    pixDestroy(&crop);
    PIX *med = framed ? vb_ocr_median3(framed) : NULL;
    pixDestroy(&framed);
    if (!med)
        return -1;
    pixSetResolution(med, dpi, dpi);

    TessPageSegMode psm = TessBaseAPIGetPageSegMode(api);
    TessBaseAPISetPageSegMode(api, PSM_SINGLE_LINE);
    TessBaseAPISetImage2(api, med);
    TessBaseAPISetSourceResolution(api, dpi);
    int got = TessBaseAPIRecognize(api, NULL) == 0
                  ? take_words(api, left - border, top - border, words, n_words)
                  : -1;
    TessBaseAPIClear(api);
    TessBaseAPISetPageSegMode(api, psm);
    pixDestroy(&med);
    return got;
}
