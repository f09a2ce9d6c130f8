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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>

/* Share of page pixels that a 2x2 opening removes, above which the page is
 * called noisy. Measured on the fixtures at 300 dpi: clean pages 0.02%
 * (stroke corners), photocopied ones 0.12% to 0.3% (specks). */
#define NOISE_FRACTION 0.0006
/* Small print has thin strokes, and the opening takes more of them: clean
 * 12 and 11 pt pages measure 0.07% to 0.17% (scripts/eval-ocr's small12 and
 * small11), and the speckle removal then took their full stops. So a page is
 * noisy only if it also has specks: components of at most 4x4 pixels at
 * 300 dpi, smaller than an 11 pt full stop or dot-below. Clean pages have
 * none, at 14, 12 or 11 pt; photocopied ones (the fixtures' and the held-out
 * noisy pages, binarised here) 10,700 to 12,900 an A4 page at 300 dpi (over
 * 1,200 a megapixel). The bound is 55 a megapixel (about 480 a page). */
#define SPECK_SIDE 4
#define NOISE_SPECKS_PER_MEGAPIXEL 55
/* Skew smaller than this is left alone: rotating costs and blurs nothing. */
/* Background normalisation maps paper to 200 and ink towards 0: the paper's
 * level is measured in tiles of 10x15 pixels (Leptonica's defaults). */
#define BG_TILE_W 10
#define BG_TILE_H 15
#define BG_VALUE 200
#define CLEAN_THRESHOLD 150
/* On noisy pages a lower threshold keeps grain out; the median has already
 * evened the ink. */
#define NOISY_THRESHOLD 135
/* Speckles: at most 10x10 pixels at 300 dpi (a dot-below is about 6x6, so it
 * is kept only through SPECKLE_REACH), more than 10 pixels above or below ink. */
#define SPECKLE_SIZE 10
#define SPECKLE_REACH 10
/* On a 1-bit scan thin strokes come broken ("/" in "117/KH", in pieces each
 * within 10x10 pixels, 1 pixel apart), and the pieces would go as speckles: their
 * size is measured with pieces 1 pixel apart joined. Measured on the noisy
 * TIFFs: CER 2.3-3.0% -> 2.2-2.8%; 2 pixels join the specks of a dense
 * patch into ink (hai-phong 2.2% -> 4.5%). The gray path's median already
 * mends strokes; joining there made the noisy PDFs worse (1.6-2.1% ->
 * 1.8-2.1%). */
#define SPECKLE_GAP 1
/* Punctuation dots are 5 pixels and more across at 300 dpi, and follow ink
 * within 16 pixels on the same line; specks are mostly smaller. Measured on
 * the noisy fixtures: CER 2.6-3.7% without this, 1.8-3.2% with it. Such a
 * dot is kept only where punctuation sits on its line (see on_punctuation_row):
 * the specks between two words that Tesseract read as '.', '-' or ':' went,
 * CER 1.8-3.2% -> 1.6-3.0%. */
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
 * 2x2 brick would remove. */
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

/* The page's ink as runs of black pixels, row by row, labelled into 8-connected
 * components by union-find: one pass over the packed words instead of a seed
 * fill and an image per component (pixConnComp), so that the speckles of a
 * noisy page (thousands) cost little more than its letters. */
typedef struct ink_run {
    l_int32 y, x0, x1; /* the row and the first and last black pixel */
    l_int32 root;      /* union-find parent; after label_runs, the component's first run */
} ink_run;

typedef struct ink_comp {
    l_int32 x0, x1, y0, y1; /* bounding box, inclusive */
    int small, dot, keep, beside;
} ink_comp;

typedef struct ink_runs {
    ink_run *run;
    ink_comp *comp; /* indexed by root */
    l_int32 n, cap;
} ink_runs;

static int add_run(ink_runs *ir, l_int32 y, l_int32 x0, l_int32 x1)
{
    if (ir->n == ir->cap) {
        l_int32 cap = ir->cap ? 2 * ir->cap : 1 << 14;
        ink_run *p = realloc(ir->run, (size_t)cap * sizeof *p);
        if (!p)
            return 0;
        ir->run = p;
        ir->cap = cap;
    }
    ir->run[ir->n] = (ink_run){y, x0, x1, ir->n};
    ir->n++;
    return 1;
}

static int find_runs(PIX *bin, ink_runs *ir)
{
    l_int32 w = pixGetWidth(bin), h = pixGetHeight(bin), wpl = pixGetWpl(bin);
    const l_uint32 *data = pixGetData(bin);
    /* the pad bits past the page's width count as white */
    l_uint32 last = w % 32 ? ~0u << (32 - w % 32) : ~0u;
    for (l_int32 y = 0; y < h; y++) {
        const l_uint32 *line = data + (size_t)y * wpl;
        l_int32 start = -1;
        for (l_int32 i = 0; i < wpl; i++) {
            l_uint32 v = i == wpl - 1 ? line[i] & last : line[i];
            /* pixel 0 is the word's high bit; look for the next change of
             * colour from bit `pos` on */
            int pos = 0;
            while (pos < 32) {
                l_uint32 rest = (start < 0 ? v : ~v) << pos;
                if (!rest)
                    break;
                pos += __builtin_clz(rest);
                if (start < 0) {
                    start = i * 32 + pos;
                } else {
                    if (!add_run(ir, y, start, i * 32 + pos - 1))
                        return 0;
                    start = -1;
                }
            }
        }
        if (start >= 0 && !add_run(ir, y, start, w - 1))
            return 0;
    }
    return 1;
}

static l_int32 find_root(ink_run *run, l_int32 i)
{
    while (run[i].root != i) {
        run[i].root = run[run[i].root].root;
        i = run[i].root;
    }
    return i;
}

/* Join each run to the runs that touch it in the row above (8-connected),
 * or, with `gap` > 0, that come within `gap` white pixels of it in this row
 * or the `gap` + 1 rows above: a stroke a 1-bit scan broke into pieces is
 * measured as the one component it was. Then give every run its
 * component's root and every root its box. */
static int label_runs(ink_runs *ir, l_int32 gap)
{
    ink_run *run = ir->run;
    /* first runs of the rows above, nearest first, and of this row */
    l_int32 first[8] = {0}, rows = 0, cur = 0;
    gap = gap < 0 ? 0 : gap > 6 ? 6 : gap;
    while (cur < ir->n) {
        l_int32 y = run[cur].y, end = cur;
        while (end < ir->n && run[end].y == y)
            end++;
        for (l_int32 i = cur + 1; i < end; i++) {
            if (run[i].x0 - run[i - 1].x1 - 1 <= gap) {
                l_int32 a = find_root(run, i), b = find_root(run, i - 1);
                run[a > b ? a : b].root = a > b ? b : a;
            }
        }
        for (l_int32 d = 0; d < rows; d++) {
            l_int32 from = first[d], to = d == 0 ? cur : first[d - 1];
            if (run[from].y < y - 1 - gap)
                break;
            l_int32 reach = 1 + gap;
            l_int32 above = from;
            for (l_int32 i = cur; i < end; i++) {
                while (above < to && run[above].x1 < run[i].x0 - reach)
                    above++;
                for (l_int32 k = above; k < to && run[k].x0 <= run[i].x1 + reach; k++) {
                    l_int32 a = find_root(run, i), b = find_root(run, k);
                    if (a < b)
                        run[b].root = a;
                    else if (b < a)
                        run[a].root = b;
                }
            }
        }
        memmove(first + 1, first, (sizeof first / sizeof *first - 1) * sizeof *first);
        first[0] = cur;
        rows = rows < (l_int32)(sizeof first / sizeof *first) ? rows + 1 : rows;
        cur = end;
    }
    ir->comp = malloc(((size_t)(l_uint32)ir->n + 1) * sizeof *ir->comp);
    if (!ir->comp)
        return 0;
    for (l_int32 i = 0; i < ir->n; i++) {
        /* a root is its component's first run: its row is the top */
        l_int32 r = run[i].root = find_root(run, i);
        ink_comp *c = &ir->comp[r];
        if (r == i) {
            *c = (ink_comp){run[i].x0, run[i].x1, run[i].y, run[i].y, 0, 0, 0, 0};
        } else {
            c->x0 = run[i].x0 < c->x0 ? run[i].x0 : c->x0;
            c->x1 = run[i].x1 > c->x1 ? run[i].x1 : c->x1;
            c->y1 = run[i].y;
        }
    }
    return 1;
}

/* The page's ink as 8-connected components (ir->comp, indexed by their
 * first run); 0 if out of memory. The caller frees ir->run and ir->comp. */
static int label_page(PIX *bin, ink_runs *ir)
{
    return find_runs(bin, ir) && label_runs(ir, 0);
}

/* The number of 8-connected components of at most side x side pixels, -1
 * if out of memory. */
static l_int32 count_specks(PIX *bin, l_int32 side)
{
    ink_runs ir = {0};
    l_int32 n = -1;
    if (label_page(bin, &ir)) {
        n = 0;
        for (l_int32 i = 0; i < ir.n; i++) {
            const ink_comp *c = &ir.comp[i];
            n += ir.run[i].root == i && c->x1 - c->x0 + 1 <= side && c->y1 - c->y0 + 1 <= side;
        }
    }
    free(ir.run);
    free(ir.comp);
    return n;
}

/* Is the page noisy? The opening's share first (cheap), then the specks. A
 * resolution tag can be wrong (a 300 dpi scan saved as 72 dpi), so the one
 * the speck size is scaled by is held within 150-600 dpi, and their number is
 * counted per pixel, not per inch. Out of memory: the opening's share alone. */
static int is_noisy(PIX *bin, int dpi)
{
    if (speckle_fraction(bin) <= NOISE_FRACTION)
        return 0;
    dpi = dpi < 150 ? 150 : dpi > 600 ? 600 : dpi;
    l_int32 specks = count_specks(bin, SPECK_SIDE * dpi / 300);
    double megapixels = (double)pixGetWidth(bin) * pixGetHeight(bin) / 1e6;
    return specks < 0 || specks >= NOISE_SPECKS_PER_MEGAPIXEL * megapixels;
}

/* Set or clear pixels x0..x1 of a row of packed words. */
static void paint_span(l_uint32 *line, l_int32 x0, l_int32 x1, int black)
{
    l_int32 w0 = x0 >> 5, w1 = x1 >> 5;
    l_uint32 m0 = ~0u >> (x0 & 31), m1 = ~0u << (31 - (x1 & 31));
    if (w0 == w1)
        m0 &= m1;
    line[w0] = black ? line[w0] | m0 : line[w0] & ~m0;
    for (l_int32 i = w0 + 1; i < w1; i++)
        line[i] = black ? ~0u : 0;
    if (w1 > w0)
        line[w1] = black ? line[w1] | m1 : line[w1] & ~m1;
}

/* Whether `pix` has ink within dx columns and dy rows of a run: the run's
 * pixels dilated by a (2 dx + 1) x (2 dy + 1) brick meet it. */
static int ink_near(PIX *pix, const ink_run *r, l_int32 dx, l_int32 dy)
{
    l_int32 w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
    l_int32 x0 = r->x0 - dx < 0 ? 0 : r->x0 - dx, x1 = r->x1 + dx >= w ? w - 1 : r->x1 + dx;
    l_int32 y0 = r->y - dy < 0 ? 0 : r->y - dy, y1 = r->y + dy >= h ? h - 1 : r->y + dy;
    l_int32 w0 = x0 >> 5, w1 = x1 >> 5;
    l_uint32 m0 = ~0u >> (x0 & 31), m1 = ~0u << (31 - (x1 & 31));
    if (w0 == w1)
        m0 &= m1;
    const l_uint32 *data = pixGetData(pix);
    for (l_int32 y = y0; y <= y1; y++) {
        const l_uint32 *line = data + (size_t)y * wpl;
        if (line[w0] & m0)
            return 1;
        for (l_int32 i = w0 + 1; i < w1; i++)
            if (line[i])
                return 1;
        if (w1 > w0 && (line[w1] & m1))
            return 1;
    }
    return 0;
}

/* Whether a dot-sized component beside a text line sits where punctuation
 * does. The line is measured left of the component (punctuation follows a
 * letter), over four times `side` columns: its rows' counts of larger ink
 * give the body of the line, from the first row from the top to the last
 * holding at least half as much ink as the fullest row (ascenders,
 * descenders and marks hold less), and so the baseline. A full stop, a
 * comma or the lower dot of ':' and ';' touches the baseline; the upper dot
 * of ':' and a mark stacked over another sit in the upper half of the body
 * or above it. A speck in the lower half, between two words, or under the
 * baseline, or with no letter to its left, is none of these. */
static int on_punctuation_row(PIX *large, const ink_comp *c, int size, int side)
{
    l_int32 w = pixGetWidth(large), h = pixGetHeight(large), wpl = pixGetWpl(large);
    l_int32 xa = c->x0 - 4 * side < 0 ? 0 : c->x0 - 4 * side, xb = c->x0 - 1;
    l_int32 ya = c->y0 - 3 * size < 0 ? 0 : c->y0 - 3 * size;
    l_int32 yb = c->y1 + 2 * size >= h ? h - 1 : c->y1 + 2 * size;
    if (xb < xa || xb >= w || yb < ya)
        return 0;
    l_int32 n = yb - ya + 1;
    l_int32 *count = malloc((size_t)n * sizeof *count);
    if (!count)
        return 1; /* keep what cannot be judged */
    const l_uint32 *data = pixGetData(large);
    l_int32 w0 = xa >> 5, w1 = xb >> 5, most = 0;
    l_uint32 m0 = ~0u >> (xa & 31), m1 = ~0u << (31 - (xb & 31));
    if (w0 == w1)
        m0 &= m1;
    for (l_int32 k = 0; k < n; k++) {
        const l_uint32 *line = data + (size_t)(ya + k) * wpl;
        l_int32 m = __builtin_popcount(line[w0] & m0);
        for (l_int32 i = w0 + 1; i < w1; i++)
            m += __builtin_popcount(line[i]);
        if (w1 > w0)
            m += __builtin_popcount(line[w1] & m1);
        count[k] = m;
        most = m > most ? m : most;
    }
    l_int32 top = -1, base = -1;
    for (l_int32 k = 0; most > 0 && k < n; k++) {
        if (2 * count[k] >= most) {
            top = top < 0 ? ya + k : top;
            base = ya + k;
        }
    }
    free(count);
    if (base < 0)
        return 0;
    int on_baseline = c->y0 <= base + 1 && c->y1 >= base - 2;
    int upper_half = 2 * (base - c->y1) >= base - top;
    return on_baseline || upper_half;
}

/* Remove speckles: components no bigger than `size` pixels each way that are
 * neither just above or below larger ink (within one column and `reach`
 * rows: Vietnamese marks stack over and under the letter), nor, when they
 * are at least `dot` pixels each way, just beside it (within `side` columns
 * and one row) where punctuation sits (full stops, commas, the dots of ";"
 * and ":", which follow a letter on its line). A component's size is that
 * of the pieces within `gap` pixels of each other it belongs to. */
static PIX *remove_speckles(PIX *bin, int size, int gap, int reach, int dot, int side)
{
    ink_runs ir = {0};
    PIX *out = NULL;
    unsigned char *large = NULL;
    if (!find_runs(bin, &ir) || !(out = pixCopy(NULL, bin)))
        goto done;
    if (gap > 0) {
        /* the size of the pieces of a broken stroke is the stroke's: which
         * runs belong to larger ink is decided on the pieces joined across
         * gaps; each piece is then judged as itself */
        if (!(large = calloc((size_t)ir.n + 1, 1)) || !label_runs(&ir, gap))
            goto done;
        for (l_int32 i = 0; i < ir.n; i++) {
            const ink_comp *c = &ir.comp[ir.run[i].root];
            large[i] = c->x1 - c->x0 + 1 > size || c->y1 - c->y0 + 1 > size;
        }
        free(ir.comp);
        ir.comp = NULL;
        for (l_int32 i = 0; i < ir.n; i++)
            ir.run[i].root = i;
    }
    if (!label_runs(&ir, 0))
        goto done;
    l_uint32 *data = pixGetData(out);
    l_int32 wpl = pixGetWpl(out);
    /* `out` holds the larger ink alone while the small components are judged */
    for (l_int32 i = 0; i < ir.n; i++) {
        ink_run *r = &ir.run[i];
        ink_comp *c = &ir.comp[r->root];
        if (r->root == i) {
            l_int32 cw = c->x1 - c->x0 + 1, ch = c->y1 - c->y0 + 1;
            c->small = cw <= size && ch <= size && !(large && large[i]);
            c->dot = c->small && cw >= dot && ch >= dot;
        }
        if (c->small)
            paint_span(data + (size_t)r->y * wpl, r->x0, r->x1, 0);
    }
    for (l_int32 i = 0; i < ir.n; i++) {
        ink_run *r = &ir.run[i];
        ink_comp *c = &ir.comp[r->root];
        if (c->small && !c->keep)
            c->keep = ink_near(out, r, 1, reach);
        if (c->dot && !c->keep && !c->beside)
            c->beside = ink_near(out, r, side, 1);
    }
    for (l_int32 i = 0; i < ir.n; i++) {
        ink_comp *c = &ir.comp[i];
        if (ir.run[i].root == i && c->beside && !c->keep)
            c->keep = on_punctuation_row(out, c, size, side);
    }
    for (l_int32 i = 0; i < ir.n; i++) {
        ink_run *r = &ir.run[i];
        if (ir.comp[r->root].keep)
            paint_span(data + (size_t)r->y * wpl, r->x0, r->x1, 1);
    }
done:
    free(large);
    free(ir.run);
    free(ir.comp);
    return out;
}

/* remove_speckles at a page's resolution (the constants are for 300 dpi). */
static PIX *remove_speckles_at(PIX *bin, int dpi, int gap)
{
    return remove_speckles(bin, SPECKLE_SIZE * dpi / 300, (gap * dpi + 150) / 300,
                           SPECKLE_REACH * dpi / 300, DOT_SIZE * dpi / 300, DOT_REACH * dpi / 300);
}

/* Paper pixels (keep 0xff) added to their columns' sums and counts, 16
 * columns at a time (blocks of known length GCC vectorises at -O2); the
 * arrays hold whole blocks. */
static void add_paper(uint16_t *restrict sum, uint16_t *restrict count, const uint8_t *restrict px,
                      const uint8_t *restrict keep, l_int32 n)
{
    for (l_int32 x = 0; x < n; x += 16)
        for (int t = 0; t < 16; t++) {
            sum[x + t] += px[x + t] & keep[x + t];
            count[x + t] += keep[x + t] & 1;
        }
}

/* Leptonica's pixGetBackgroundGrayMap(gray, NULL, sx, sy, thresh, mincount)
 * with the same pixels out: the mean of the paper pixels (those not within 3
 * pixels of a pixel darker than `thresh`) in every full sx x sy tile that has
 * at least `mincount` of them, the other tiles filled from their neighbours.
 * Leptonica tests the mask bit by bit with a branch per pixel (20-25 ms of a
 * noisy page's clean-up); here every pixel row is put in pixel order, the
 * mask unpacked to a byte per pixel (0xff on paper), and the paper pixels
 * summed per column down a tile row without branches (the compiler
 * vectorises it), then per tile across the columns. */
PIX *vb_ocr_background_gray_map(PIX *gray, int sx, int sy, int thresh, int mincount)
{
    if (!gray || pixGetDepth(gray) != 8 || pixGetColormap(gray) || sx < 4 || sy < 4)
        return NULL;
    if (sy > 256) { /* a column's sum would overflow 16 bits */
        PIX *map = NULL;
        pixGetBackgroundGrayMap(gray, NULL, sx, sy, thresh, mincount, &map);
        return map;
    }
    PIX *ink = pixThresholdToBinary(gray, thresh);
    PIX *fg = ink ? pixMorphSequence(ink, "d7.1 + d1.7", 0) : NULL;
    pixDestroy(&ink);
    if (!fg)
        return NULL;
    l_int32 w = pixGetWidth(gray), h = pixGetHeight(gray);
    l_int32 nx = w / sx, ny = h / sy;
    l_int32 wpls = pixGetWpl(gray), wplf = pixGetWpl(fg);
    l_int32 cols =
        (l_int32)(((size_t)wplf * 32 + 15) / 16 * 16); /* >= the tiles' width, whole blocks */
    PIX *map = pixCreate((w + sx - 1) / sx, (h + sy - 1) / sy, 8);
    uint8_t *px = calloc((size_t)cols + (size_t)wpls * 4, 1), *keep = calloc((size_t)cols, 1);
    uint16_t *colsum = calloc((size_t)cols, sizeof *colsum);
    uint16_t *colcnt = calloc((size_t)cols, sizeof *colcnt);
    if (!map || !px || !keep || !colsum || !colcnt) {
        pixDestroy(&fg);
        pixDestroy(&map);
        free(px);
        free(keep);
        free(colsum);
        free(colcnt);
        return NULL;
    }
    /* A mask byte (its first pixel in the high bit) as 8 keep bytes. */
    uint64_t unpack[256];
    for (int v = 0; v < 256; v++) {
        uint8_t bytes[8];
        for (int bit = 0; bit < 8; bit++)
            bytes[bit] = (v >> (7 - bit)) & 1 ? 0 : 0xff;
        memcpy(&unpack[v], bytes, 8);
    }
    l_int32 wpld = pixGetWpl(map);
    const l_uint32 *datas = pixGetData(gray), *dataf = pixGetData(fg);
    l_uint32 *datad = pixGetData(map);
    for (l_int32 i = 0; i < ny; i++) {
        memset(colsum, 0, (size_t)cols * sizeof *colsum);
        memset(colcnt, 0, (size_t)cols * sizeof *colcnt);
        for (l_int32 k = 0; k < sy; k++) {
            const l_uint32 *lines = datas + (size_t)(sy * i + k) * wpls;
            const l_uint32 *linef = dataf + (size_t)(sy * i + k) * wplf;
            /* Leptonica keeps a word's first pixel in its high byte */
            for (l_int32 q = 0; q < wpls; q++) {
                l_uint32 v = lines[q];
                uint8_t b4[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
                                 (uint8_t)v};
                memcpy(px + 4 * q, b4, 4);
            }
            for (l_int32 q = 0; q < wplf; q++) {
                l_uint32 m = linef[q];
                for (int k8 = 0; k8 < 4; k8++)
                    memcpy(keep + 32 * q + 8 * k8, &unpack[(m >> (24 - 8 * k8)) & 0xff], 8);
            }
            add_paper(colsum, colcnt, px, keep, cols);
        }
        l_uint32 *lined = datad + (size_t)i * wpld;
        for (l_int32 j = 0; j < nx; j++) {
            l_int32 sum = 0, count = 0;
            for (l_int32 x = j * sx; x < (j + 1) * sx; x++) {
                sum += (l_int32)colsum[x];
                count += (l_int32)colcnt[x];
            }
            if (count >= mincount)
                SET_DATA_BYTE(lined, j, sum / count);
        }
    }
    pixDestroy(&fg);
    free(px);
    free(keep);
    free(colsum);
    free(colcnt);
    if (pixFillMapHoles(map, nx, ny, L_FILL_BLACK) != 0) {
        pixDestroy(&map);
        return NULL;
    }
    pixCopyResolution(map, gray);
    return map;
}

/* The paper's level across the page, as Leptonica's inverse background map:
 * one 16-bit factor per tile, 256 * BG_VALUE / background. */
static PIX *background_map(PIX *gray)
{
    /* Leptonica's pixBackgroundNormSimple parameters: ink below 60, at
     * least 40 paper pixels in a tile, smoothing over 5x3 tiles */
    PIX *map = vb_ocr_background_gray_map(gray, BG_TILE_W, BG_TILE_H, 60, 40);
    if (!map)
        return NULL;
    PIX *inv = pixGetInvBackgroundMap(map, BG_VALUE, 2, 1);
    pixDestroy(&map);
    return inv;
}

/* Byte by byte, 8 at a time: the high bit of each byte of x < y (unsigned),
 * gathered into 8 bits, the first byte (the highest) first. */
static inline l_uint32 bytes_below(uint64_t x, uint64_t y)
{
    const uint64_t high = 0x8080808080808080ull;
    /* the low 7 bits compared without borrows between bytes */
    uint64_t low_ge = (x | high) - (y & ~high);
    uint64_t lt = ((~x & y) | (~(x ^ y) & ~low_ge)) & high;
    return (l_uint32)(((lt >> 7) * 0x0102040810204080ull) >> 56);
}

/* The page binarised as pixThresholdToBinary would binarise it after
 * pixApplyInvBackgroundGrayMap, at two thresholds at once, without making
 * the normalised page: a pixel is ink when p * factor / 256 < threshold,
 * that is when p is below its tile's threshold ceil(256 threshold / factor).
 * A quarter of the time of normalising, then thresholding twice. */
static int binarise(PIX *gray, PIX *inv, int threshold1, int threshold2, PIX **out1, PIX **out2)
{
    l_int32 w = pixGetWidth(gray), h = pixGetHeight(gray), wpl = pixGetWpl(gray);
    l_int32 mw = pixGetWidth(inv), mh = pixGetHeight(inv), mwpl = pixGetWpl(inv);
    *out1 = pixCreate(w, h, 1);
    *out2 = pixCreate(w, h, 1);
    l_int32 owpl = *out2 ? pixGetWpl(*out2) : 0;
    /* 8-bit words per row, rounded up to whole 1-bit words */
    size_t gwpl = (size_t)owpl * 8;
    l_uint32 *t1 = calloc(gwpl, sizeof *t1), *t2 = calloc(gwpl, sizeof *t2);
    l_uint32 *row = calloc(gwpl, sizeof *row);
    int ok = *out1 && *out2 && t1 && t2 && row;
    const l_uint32 *gd = pixGetData(gray), *md = pixGetData(inv);
    for (l_int32 y = 0; ok && y < h; y++) {
        if (y % BG_TILE_H == 0) {
            /* this band of tiles' thresholds, one byte per pixel as in gray */
            const l_uint32 *mline =
                md + (size_t)(y / BG_TILE_H < mh ? y / BG_TILE_H : mh - 1) * mwpl;
            memset(t1, 0, gwpl * sizeof *t1);
            memset(t2, 0, gwpl * sizeof *t2);
            for (l_int32 tx = 0; tx < mw; tx++) {
                l_uint32 f = GET_DATA_TWO_BYTES(mline, tx);
                /* f >= BG_VALUE (the paper is at most 255), so the
                 * thresholds stay below 256; clamped all the same */
                l_uint32 a = f ? (256u * (l_uint32)threshold1 + f - 1) / f : 255;
                l_uint32 b = f ? (256u * (l_uint32)threshold2 + f - 1) / f : 255;
                a = a > 255 ? 255 : a;
                b = b > 255 ? 255 : b;
                l_int32 end = tx == mw - 1 ? w : (tx + 1) * BG_TILE_W;
                for (l_int32 x = tx * BG_TILE_W; x < end && x < w; x++) {
                    t1[x >> 2] |= a << (24 - 8 * (x & 3));
                    t2[x >> 2] |= b << (24 - 8 * (x & 3));
                }
            }
        }
        memcpy(row, gd + (size_t)y * wpl, (size_t)wpl * sizeof *row);
        l_uint32 *o1 = pixGetData(*out1) + (size_t)y * owpl;
        l_uint32 *o2 = pixGetData(*out2) + (size_t)y * owpl;
        for (l_int32 i = 0; i < owpl; i++) {
            l_uint32 b1 = 0, b2 = 0;
            for (l_int32 k = 8 * i; k < 8 * i + 8; k += 2) {
                uint64_t p = (uint64_t)row[k] << 32 | row[k + 1];
                b1 = b1 << 8 | bytes_below(p, (uint64_t)t1[k] << 32 | t1[k + 1]);
                b2 = b2 << 8 | bytes_below(p, (uint64_t)t2[k] << 32 | t2[k + 1]);
            }
            o1[i] = b1;
            o2[i] = b2;
        }
    }
    free(t1);
    free(t2);
    free(row);
    if (!ok) {
        pixDestroy(out1);
        pixDestroy(out2);
    }
    return ok;
}

/* 3x3 median of a binary page: a pixel is black when at least 5 of the 9 in
 * its neighbourhood are (outside the page counts as white). Computed on the
 * packed words, 32 pixels at a time, by adding the neighbours' bits with
 * bitwise adders: Leptonica's pixBlockrank gives the same image through an
 * 8-bpp block sum and a 32-bpp accumulator, at twenty times the cost. */
PIX *vb_ocr_median3(PIX *bin)
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
static PIX *clean_noisy(PIX *bin, int scale, vb_ocr_clean_info *info, double *mark)
{
    PIX *med = vb_ocr_median3(bin);
    step_done(info, "median", mark);
    PIX *open = med ? pixOpenBrick(NULL, med, 2, 2) : NULL;
    step_done(info, "opening", mark);
    PIX *out = open ? remove_speckles_at(open, scale, 0) : NULL;
    step_done(info, "speckles", mark);
    pixDestroy(&med);
    pixDestroy(&open);
    return out;
}

vb_status vb_ocr_clean_reduced(PIX *in, PIX **out, PIX **reduced, int *k, vb_ocr_clean_info *info,
                               vb_error *err)
{
    vb_ocr_clean_info local = {0};
    if (!info)
        info = &local;
    memset(info, 0, sizeof *info);
    *out = NULL;
    if (reduced) {
        *reduced = NULL;
        *k = 1;
    }
    l_int32 xres = pixGetXRes(in), yres = pixGetYRes(in);
    double mark = vb_ocr_thread_cpu();

    PIX *bin = NULL;
    int scale = xres > 0 ? xres : 300;
    if (pixGetDepth(in) == 1 && !pixGetColormap(in)) {
        /* Already binary (a fax or a thresholded photocopy): strokes are thin
         * and broken, so no median and no opening; speckles only. */
        bin = pixCopy(NULL, in);
        int noisy = bin && is_noisy(bin, scale);
        step_done(info, "noise test", &mark);
        if (noisy) {
            PIX *b2 = remove_speckles_at(bin, scale, SPECKLE_GAP);
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
        PIX *inv = gray ? background_map(gray) : NULL;
        step_done(info, "background", &mark);
        PIX *bin_noisy = NULL;
        if (inv) {
            binarise(gray, inv, CLEAN_THRESHOLD, NOISY_THRESHOLD, &bin, &bin_noisy);
        } else if (gray) {
            /* too small or too blank for a map: the page as it is */
            bin = pixThresholdToBinary(gray, CLEAN_THRESHOLD);
            bin_noisy = pixThresholdToBinary(gray, NOISY_THRESHOLD);
        }
        step_done(info, "threshold", &mark);
        int noisy = bin && is_noisy(bin, scale);
        step_done(info, "noise test", &mark);
        if (noisy) {
            PIX *b2 = clean_noisy(bin_noisy, scale, info, &mark);
            if (b2) {
                pixDestroy(&bin);
                bin = b2;
                info->noisy = 1;
            }
        }
        pixDestroy(&bin_noisy);
        pixDestroy(&inv);
        pixDestroy(&gray);
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
    if (reduced && !info->noisy) {
        *k = vb_ocr_reduction(bin);
        *reduced = *k > 1 ? vb_ocr_reduce(bin, *k) : NULL;
        if (!*reduced)
            *k = 1;
        step_done(info, "reduce", &mark);
    }
    *out = bin;
    return VB_OK;
}

vb_status vb_ocr_clean(PIX *in, PIX **out, vb_ocr_clean_info *info, vb_error *err)
{
    return vb_ocr_clean_reduced(in, out, NULL, NULL, info, err);
}

/* Reduction for recognition. Tesseract's LSTM reads each text line scaled to
 * a fixed height (36 pixels for `vie`, ascenders and marks included), so a
 * line of 14 pt type at 300 dpi (about 50 pixels with its padding) is scaled
 * down by the engine anyway, after its layout analysis has worked on every
 * pixel of the page. A clean page is read instead from a gray copy reduced by
 * an integer factor k (each gray pixel the mean of k x k binary ones: the
 * letters keep their edges as gray levels). Measured at 300 dpi, k = 2:
 * - the clean fixtures (`ctest -L ocr -V`): CER 0.43/0.40/0.46% ->
 *   0.41/0.30/0.38%, recognition CPU -31%;
 * - held-out pages (`scripts/eval-ocr --compare --full-resolution ""`, 12
 *   pages each): 1-bit 0.31% -> 0.31% (6 pages better, 2 worse), gray
 *   0.29% -> 0.26% (7 better, 4 worse), at 0.77 and 0.74 of the CPU.
 * Tried and dropped: the binary page reduced to 1 bpp (CER 1.3-1.6% before
 * normalisation); gray pages reduced from their own levels, background
 * normalised (held-out gray 0.29% -> 0.41%); noisy pages reduced (nghe-an
 * noisy 3.9% -> 4.9%), which stay at full resolution.
 * The factor comes from the text's size, not the file's resolution (which a
 * scanner or a conversion may have got wrong): the median height of the
 * page's connected components is about the x-height (marks count too, but
 * letters outnumber them); it must stay at least REDUCED_HEIGHT pixels after
 * reduction. At 300 dpi the held-out pages measure 28 at 14 pt (k = 2), 27 at
 * 13 pt, 25 at 12 pt and 23 at 11 pt (k = 1); the 14 pt page at 200 dpi 19
 * (k = 1), at 600 dpi 56 (k = 4). Reduced, 13 pt read worse (0.30% -> 0.36%,
 * 4 pages better, 5 worse), and 12 pt too (0.21% -> 0.25%, worst page 0.46%
 * -> 0.93%): the bound is 14, and a 14 pt scan whose letters come out a pixel
 * thinner is read at full resolution. At k = 2 the fixtures' 11 pt
 * recipient lines (x-height ~10 pixels reduced) still read exactly. */
#define REDUCED_HEIGHT 14
#define REDUCE_MAX 4
/* Fewer letter-sized components than this (a blank page, a photograph): the
 * median says little, and the page is left as it is. */
#define REDUCE_MIN_COMPONENTS 200

int vb_ocr_reduction(PIX *bin)
{
    if (!bin || pixGetDepth(bin) != 1)
        return 1;
    ink_runs ir = {0};
    NUMA *heights = label_page(bin, &ir) ? numaCreate(ir.n > 0 ? ir.n : 1) : NULL;
    l_int32 max_h = pixGetHeight(bin) / 16;
    for (l_int32 i = 0; heights && i < ir.n; i++) {
        const ink_comp *c = &ir.comp[i];
        l_int32 w = c->x1 - c->x0 + 1, h = c->y1 - c->y0 + 1;
        /* specks and rules out: ink at least 4 pixels high, not a line */
        if (ir.run[i].root == i && h >= 4 && h <= max_h && w <= 8 * h)
            numaAddNumber(heights, (l_float32)h);
    }
    free(ir.run);
    free(ir.comp);
    l_float32 median = 0;
    int k = 1;
    if (heights && numaGetCount(heights) >= REDUCE_MIN_COMPONENTS &&
        numaGetMedian(heights, &median) == 0) {
        k = (int)(median / REDUCED_HEIGHT);
        k = k < 1 ? 1 : k > REDUCE_MAX ? REDUCE_MAX : k;
    }
    numaDestroy(&heights);
    return k;
}

PIX *vb_ocr_reduce(PIX *bin, int k)
{
    PIX *gray = NULL;
    switch (k) {
    case 2: gray = pixScaleToGray2(bin); break;
    case 3: gray = pixScaleToGray3(bin); break;
    case 4: gray = pixScaleToGray4(bin); break;
    default: return NULL;
    }
    if (gray)
        pixSetResolution(gray, (pixGetXRes(bin) + k / 2) / k, (pixGetYRes(bin) + k / 2) / k);
    return gray;
}
