/* vb_ocr_internal.h: what the ocr stage's files share. */
#ifndef VB_OCR_INTERNAL_H
#define VB_OCR_INTERNAL_H

#include <tesseract/capi.h>

#include "vb_ocr.h"

/* The recognised page as text (malloc'd), from the words: one line per line,
 * a blank line between paragraphs; with `header`, the two-column header at
 * the top is read left block first. `width` is the page width in pixels.
 * *confidence is set to the mean word confidence, the value
 * TessBaseAPIMeanTextConf gives, computed on the same walk. */
char *vb_layout_text(TessBaseAPI *api, int width, int header, int *confidence);

/* pixGetBackgroundGrayMap(gray, NULL, sx, sy, thresh, mincount, &map) with
 * the same pixels, faster; NULL where Leptonica fails. */
struct Pix *vb_ocr_background_gray_map(struct Pix *gray, int sx, int sy, int thresh, int mincount);

/* CPU time of the calling thread, in seconds. */
double vb_ocr_thread_cpu(void);

#endif
