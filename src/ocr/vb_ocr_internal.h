/* vb_ocr_internal.h: what the ocr stage's files share. */
#ifndef VB_OCR_INTERNAL_H
#define VB_OCR_INTERNAL_H

#include <tesseract/capi.h>

#include "vb_ocr.h"

/* A recognised word: its text (malloc'd) and its box on the page. */
typedef struct vb_ocr_word {
    char *text;
    int left, right, top, bottom;
} vb_ocr_word;

void vb_ocr_words_free(vb_ocr_word *words, int n);

/* The page Tesseract read, for vb_layout_text: `full` at its own resolution,
 * read reduced by `reduce` to an image `width` pixels wide, in which the
 * words' boxes are. */
typedef struct vb_layout_page {
    struct Pix *full; /* the page at its own resolution (1 bpp once cleaned) */
    int dpi;          /* its resolution */
    int reduce;       /* the factor Tesseract read it reduced by (1: as it is) */
    int width;        /* the width of the image Tesseract read */
} vb_layout_page;

/* The recognised page as text (malloc'd), from the words: one line per line,
 * a blank line between paragraphs; with `header`, the two-column header at
 * the top is read left block first, and a number line ("Số: ...") that does
 * not read as a number and symbol is read a second time (vb_reread_line).
 * The second reading crops `page->full`.
 * *confidence is set to the mean word confidence, the value
 * TessBaseAPIMeanTextConf gives, computed on the same walk; *reread to 1 when
 * a second reading was kept. */
char *vb_layout_text(TessBaseAPI *api, const vb_layout_page *page, int header, int *confidence,
                     int *reread);

/* A header line read as a number line ("Số: 117/KH-UBND"): 1 when its
 * symbol is well formed, 0 when it is not ("Số: 1177KH:UBND"), -1 when the
 * line is no number line. */
int vb_layout_number_line(const char *text);

/* The line in the box (left, top, right, bottom) of the 1-bpp `page`, read
 * again on its own as one text line from a 3x3-median copy. Sets *words (page
 * coordinates; free with vb_ocr_words_free) and *n_words. Returns 1 when
 * words were read, 0 when none, -1 on failure. Leaves the engine cleared, its
 * page segmentation mode as it was. */
int vb_reread_line(TessBaseAPI *api, struct Pix *page, int dpi, int left, int top, int right,
                   int bottom, vb_ocr_word **words, int *n_words);

/* 3x3 median of a 1-bpp image: black where at least 5 of the 9 pixels are
 * (vb_clean.c). */
struct Pix *vb_ocr_median3(struct Pix *bin);

/* pixGetBackgroundGrayMap(gray, NULL, sx, sy, thresh, mincount, &map) with
 * the same pixels, faster; NULL where Leptonica fails. */
struct Pix *vb_ocr_background_gray_map(struct Pix *gray, int sx, int sy, int thresh, int mincount);

/* vb_ocr_clean, and the page to recognise in *reduced: NULL (*k = 1) when it
 * is *out itself, else *out reduced by *k to gray (vb_ocr_reduction,
 * vb_ocr_reduce). Noisy pages are not reduced. The caller destroys both.
 * With `reduced` NULL (k unused), vb_ocr_clean. */
vb_status vb_ocr_clean_reduced(struct Pix *in, struct Pix **out, struct Pix **reduced, int *k,
                               vb_ocr_clean_info *info, vb_error *err);

/* The factor (1 to 4) by which a clean 1-bpp page can be reduced before
 * recognition without its text falling below the size Tesseract's LSTM reads
 * lines at: measured from the text itself (its components' median height),
 * 1 when the page has too little text to tell or is not 1 bpp. */
int vb_ocr_reduction(struct Pix *bin);

/* `bin` (1 bpp) reduced by k (2 to 4) to an 8-bpp gray page, each pixel the
 * mean of k x k; its resolution divided by k. NULL for another k or no
 * memory. */
struct Pix *vb_ocr_reduce(struct Pix *bin, int k);

/* CPU time of the calling thread, in seconds. */
double vb_ocr_thread_cpu(void);

#endif
