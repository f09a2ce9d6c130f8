/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The page text, rebuilt from Tesseract's words so that the two-column
 * official header reads as a person reads it. Tesseract joins the left block
 * ("ỦY BAN NHÂN DÂN" / "TỈNH HƯNG YÊN" / "Số: 117/KH-UBND") and the right one
 * (the national motto, place and date) line by line into single lines; here
 * the lines at the top of a document's first page that have a wide gap
 * across the middle of the page are split, and the left parts come out
 * before the right parts. Everything else is laid out as Tesseract's own
 * text output does: a line per line, a blank line between paragraphs, where
 * the page's geometry corrects Tesseract's paragraphs (see paragraphs()).
 */
#include "vb_ocr_internal.h"

#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <leptonica/allheaders.h>
#include <pcre2.h>
#include <tesseract/capi.h>

typedef vb_ocr_word word;

typedef struct line {
    word *words;
    int n, cap;
    int para_start;  /* first line of a paragraph */
    int left, right; /* extent */
    int base;        /* baseline height at the line's left end */
} line;

typedef struct page_lines {
    line *lines;
    int n, cap;
} page_lines;

/* A gap this wide (share of the page width) between two words of one line,
 * near the middle of the page, separates the header's two columns. The left
 * column is the narrower (about 40% of the text width), and the motto, the
 * widest line of the right one, starts left of the middle: on
 * hung-yen-kh-117.p1.png the gap before "CỘNG HÒA" ends at 47% of the page
 * width, 1 pixel short of a window of the middle +-3% (the header was read as
 * one block when that page was read at 150 dpi). So the gap must end right of
 * COLUMN_BAND_LEFT and start left of the middle plus COLUMN_GAP. */
#define COLUMN_GAP 0.03
#define COLUMN_BAND_LEFT 0.35
/* The header sits in the first lines of the page; the recipients ("Nơi
 * nhận:") and the signer block in the last lines. */
#define HEADER_MAX_LINES 8
#define FOOTER_MAX_LINES 24
/* Paragraph geometry (shares of the page width; of the line pitch): a margin
 * or a line end within MARGIN_TOL of the page's usual one is at it; a first
 * line indented by INDENT_MIN or more is indented (Decree 30/2020: 1-1.27
 * cm); paragraphs are spaced (at least 6 pt on 13-14 pt lines, a third of a
 * line) where baselines are more than PARA_GAP pitches apart. */
#define MARGIN_TOL 0.015
#define INDENT_MIN 0.03
#define PARA_GAP 1.15

static void lines_free(page_lines *pl)
{
    for (int i = 0; i < pl->n; i++) {
        for (int j = 0; j < pl->lines[i].n; j++)
            free(pl->lines[i].words[j].text);
        free(pl->lines[i].words);
    }
    free(pl->lines);
}

/* Opens a line at the current word. */
static line *open_line(page_lines *pl)
{
    if (pl->n == pl->cap) {
        int c = pl->cap ? 2 * pl->cap : 64;
        line *p = realloc(pl->lines, (size_t)c * sizeof *p);
        if (!p)
            return NULL;
        pl->lines = p;
        pl->cap = c;
    }
    line *ln = &pl->lines[pl->n++];
    memset(ln, 0, sizeof *ln);
    return ln;
}

/* Both iterators to the next word: 1 while there is one, 0 at the end; 0 and
 * *ret = -1 if one ends before the other. */
static int next_word(TessResultIterator *it, TessPageIterator *pit, int *ret)
{
    int more = TessResultIteratorNext(it, RIL_WORD) != 0;
    if (pit && (TessPageIteratorNext(pit, RIL_WORD) != 0) != more) {
        *ret = -1;
        return 0;
    }
    return more;
}

/* The words in reading order, with the mean word confidence as
 * TessBaseAPIMeanTextConf computes it (0 on a page without words).
 *
 * Tesseract's ResultIterator orders every line's words for bidirectional
 * text, and its word steps and its IsAtBeginningOf(RIL_TEXTLINE) each reorder
 * the whole line, so asking it where lines start costs a line's length per
 * word. A plain PageIterator copied from it (its base class alone) steps the
 * same words in their left-to-right order at a constant cost: with `lockstep`
 * it answers the line and paragraph questions and gives the geometry, and is
 * checked against the ResultIterator's word box at every word. Returns 1, 0
 * if there are no results, -1 if the two ever part (a right-to-left run: the
 * caller walks again without lockstep). */
static int collect(TessBaseAPI *api, page_lines *pl, int lockstep, int *confidence)
{
    *confidence = 0;
    TessResultIterator *it = TessBaseAPIGetIterator(api);
    if (!it)
        return 0;
    const TessPageIterator *rit = TessResultIteratorGetPageIteratorConst(it);
    TessPageIterator *pit = lockstep ? TessPageIteratorCopy(rit) : NULL;
    if (lockstep && !pit) {
        TessResultIteratorDelete(it);
        return -1;
    }
    const TessPageIterator *geo = pit ? pit : rit;
    int ret = 1, words = 0, conf_sum = 0;
    int new_line = 1, new_para = 0;
    do {
        char *t = TessResultIteratorGetUTF8Text(it, RIL_WORD);
        if (!t)
            continue;
        words++;
        conf_sum += (int)TessResultIteratorConfidence(it, RIL_WORD);
        int l, top, r, b;
        TessPageIteratorBoundingBox(geo, RIL_WORD, &l, &top, &r, &b);
        if (pit) {
            int l2, t2, r2, b2;
            TessPageIteratorBoundingBox(rit, RIL_WORD, &l2, &t2, &r2, &b2);
            if (l2 != l || t2 != top || r2 != r || b2 != b) {
                TessDeleteText(t);
                ret = -1;
                break;
            }
        }
        if (TessPageIteratorIsAtBeginningOf(geo, RIL_TEXTLINE)) {
            /* a paragraph a skipped blank line opened stays opened */
            new_para = (new_line && new_para) || TessPageIteratorIsAtBeginningOf(geo, RIL_PARA);
            new_line = 1;
        }
        /* A word without text (a rule under a header line, read as a text
         * line of its own when the page is read reduced) is no word: its
         * line would come out blank and count as a header line. It still
         * counts in the confidence, as in TessBaseAPIMeanTextConf. */
        if (!t[strspn(t, " ")]) {
            TessDeleteText(t);
            continue;
        }
        if (new_line || pl->n == 0) {
            line *ln = open_line(pl);
            if (!ln) {
                TessDeleteText(t);
                break;
            }
            new_line = 0;
            ln->para_start = new_para;
            ln->left = l;
            int x1, y1, x2, y2;
            ln->base = TessPageIteratorBaseline(geo, RIL_TEXTLINE, &x1, &y1, &x2, &y2) ? y1 : b;
        }
        line *ln = &pl->lines[pl->n - 1];
        if (ln->n == ln->cap) {
            int c = ln->cap ? 2 * ln->cap : 16;
            word *p = realloc(ln->words, (size_t)c * sizeof *p);
            if (!p) {
                TessDeleteText(t);
                break;
            }
            ln->words = p;
            ln->cap = c;
        }
        ln->words[ln->n++] = (word){strdup(t), l, r, top, b};
        ln->right = r;
        TessDeleteText(t);
    } while (next_word(it, pit, &ret));
    if (pit)
        TessPageIteratorDelete(pit);
    TessResultIteratorDelete(it);
    *confidence = words ? conf_sum / words : 0;
    return ret;
}

/* Words [from, to) of a line, joined by spaces. */
static void append_words(vb_buf *b, const line *ln, int from, int to)
{
    for (int j = from; j < to; j++) {
        if (j > from)
            vb_buf_putc(b, ' ');
        vb_buf_puts(b, ln->words[j].text ? ln->words[j].text : "");
    }
}

static void put_words(vb_buf *b, const line *ln, int from, int to)
{
    append_words(b, ln, from, to);
    vb_buf_putc(b, '\n');
}

/* Where a header line splits: the index of the first right-column word, 0 if
 * the line is all right of the middle, ln->n if all left, -1 if it spans the
 * middle without a gap (the end of the header). */
static int split_point(const line *ln, int width)
{
    int mid = width / 2, gap = (int)(COLUMN_GAP * width);
    if (ln->right <= mid)
        return ln->n;
    if (ln->left >= mid - gap / 2)
        return 0;
    int band_left = (int)(COLUMN_BAND_LEFT * width);
    for (int j = 1; j < ln->n; j++) {
        int g0 = ln->words[j - 1].right, g1 = ln->words[j].left;
        if (g1 - g0 >= gap && g0 < mid + gap && g1 > band_left)
            return j;
    }
    return -1;
}

/* Lines [from, to) as two columns: every left part, then every right part. */
static void put_columns(vb_buf *b, const page_lines *pl, int from, int to, int width)
{
    for (int i = from; i < to; i++) {
        int s = split_point(&pl->lines[i], width);
        if (s > 0)
            put_words(b, &pl->lines[i], 0, s);
    }
    for (int i = from; i < to; i++) {
        int s = split_point(&pl->lines[i], width);
        if (s < pl->lines[i].n)
            put_words(b, &pl->lines[i], s, pl->lines[i].n);
    }
}

/* Does [from, to) hold a line split in two columns? */
static int has_split(const page_lines *pl, int from, int to, int width)
{
    for (int i = from; i < to; i++) {
        int s = split_point(&pl->lines[i], width);
        if (s > 0 && s < pl->lines[i].n)
            return 1;
    }
    return 0;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

/* The value most of v[0..n) lie within tol of (the smallest on a tie). */
static int usual(const int *v, int n, int tol)
{
    int best = 0, best_n = -1;
    for (int i = 0; i < n; i++) {
        int k = 0;
        for (int j = 0; j < n; j++)
            k += abs(v[j] - v[i]) <= tol;
        if (k > best_n || (k == best_n && v[i] < best)) {
            best = v[i];
            best_n = k;
        }
    }
    return best;
}

/* Tesseract's paragraphs, checked against the page: on speckled pages it
 * starts paragraphs inside a justified one and misses the spacing between
 * two. A line it starts a paragraph with is a continuation when nothing on
 * the page says otherwise: the line above runs to the right margin, this one
 * starts at the left margin (not indented) and no spacing separates them. A
 * line it continues with starts a paragraph when the page says so twice: the
 * spacing above it and its indent. Lines [from, to) of the body only: the
 * centred type line and title have neither margins nor indents to read. */
static void paragraphs(page_lines *pl, int from, int to, int width)
{
    int n = to - from;
    if (n < 3)
        return;
    int *lefts = malloc((size_t)n * sizeof *lefts), *rights = malloc((size_t)n * sizeof *rights),
        *pitch = malloc((size_t)n * sizeof *pitch);
    if (!lefts || !rights || !pitch) {
        free(lefts);
        free(rights);
        free(pitch);
        return;
    }
    int np = 0;
    for (int i = from; i < to; i++) {
        lefts[i - from] = pl->lines[i].left;
        rights[i - from] = pl->lines[i].right;
        if (i > from && pl->lines[i].base > pl->lines[i - 1].base)
            pitch[np++] = pl->lines[i].base - pl->lines[i - 1].base;
    }
    int tol = (int)(MARGIN_TOL * width), indent = (int)(INDENT_MIN * width);
    int left = usual(lefts, n, tol), right = usual(rights, n, tol);
    qsort(pitch, (size_t)np, sizeof *pitch, cmp_int);
    int step = np ? pitch[np / 2] : 0;
    for (int i = from + 1; step > 0 && i < to; i++) {
        line *ln = &pl->lines[i];
        const line *up = &pl->lines[i - 1];
        int spaced = ln->base - up->base > PARA_GAP * step;
        int gap_known = ln->base > up->base;
        if (ln->para_start && gap_known && !spaced && up->right >= right - tol &&
            ln->left <= left + tol)
            ln->para_start = 0;
        else if (!ln->para_start && gap_known && spaced && ln->left >= left + indent)
            ln->para_start = 1;
    }
    free(lefts);
    free(rights);
    free(pitch);
}

/* The header's number line: "Số" (as OCR reads it) and a number. It is
 * well formed when a symbol follows the number the way symbols are written
 * (Decree 30/2020: "117/KH-UBND", "15/2025/QĐ-UBND"; party documents
 * "70-NQ/TW"): rules/ holds the full grammar, this only tells a line worth a
 * second reading ("Số: 1177KH:UBND", "Số: 22/HD-ST P"). */
#define NUMBER_LINE "^S\\X\\s*[:;.]?\\s*\\d"
#define WELL_FORMED "^S\\X\\s*:\\s*\\d+(?:/\\d{4})?[/-][\\p{Lu}\\d]+(?:[-/][\\p{Lu}\\d]+)*$"

static int matches(const char *pattern, const char *text)
{
    int ec;
    PCRE2_SIZE eoff;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_UCP, &ec, &eoff, NULL);
    pcre2_match_data *md = re ? pcre2_match_data_create_from_pattern(re, NULL) : NULL;
    int rc = md ? pcre2_match(re, (PCRE2_SPTR)text, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL) : -1;
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return rc >= 0;
}

int vb_layout_number_line(const char *text)
{
    if (!matches(NUMBER_LINE, text))
        return -1;
    return matches(WELL_FORMED, text);
}

/* Words [from, to) of a line joined by spaces (malloc'd). */
static char *join_words(const line *ln, int from, int to)
{
    vb_buf b = {0};
    append_words(&b, ln, from, to);
    return vb_buf_steal(&b, NULL);
}

/* Words [0, to) of header line `ln`, the left column's part, replaced by a
 * second reading when they read as a number line that is not well formed and
 * the second reading is. Returns 1 when replaced. */
static int reread_number_line(TessBaseAPI *api, const vb_layout_page *page, line *ln, int to)
{
    char *text = join_words(ln, 0, to);
    int doubtful = text && vb_layout_number_line(text) == 0;
    free(text);
    if (!doubtful)
        return 0;
    int l = ln->words[0].left, r = ln->words[to - 1].right, t = ln->words[0].top,
        b = ln->words[0].bottom;
    for (int j = 1; j < to; j++) {
        if (ln->words[j].top < t)
            t = ln->words[j].top;
        if (ln->words[j].bottom > b)
            b = ln->words[j].bottom;
    }
    vb_ocr_word *w = NULL;
    int n = 0;
    /* a reduced pixel covers k x k full ones: the box's last row and column
     * end k - 1 pixels further (the crop is clipped to the page) */
    int k = page->reduce;
    if (vb_reread_line(api, page->full, page->dpi, l * k, t * k, (r + 1) * k, (b + 1) * k, &w,
                       &n) <= 0)
        return 0;
    for (int j = 0; j < n; j++) { /* back into the reduced page */
        w[j].left /= k;
        w[j].right /= k;
        w[j].top /= k;
        w[j].bottom /= k;
    }
    line again = {.words = w, .n = n};
    char *text2 = join_words(&again, 0, n);
    int good = text2 && vb_layout_number_line(text2) == 1;
    free(text2);
    if (!good) {
        vb_ocr_words_free(w, n);
        return 0;
    }
    /* the rest of the line (the right column's words) after the new ones */
    word *all = malloc((size_t)(n + ln->n - to) * sizeof *all);
    if (!all) {
        vb_ocr_words_free(w, n);
        return 0;
    }
    memcpy(all, w, (size_t)n * sizeof *all);
    memcpy(all + n, ln->words + to, (size_t)(ln->n - to) * sizeof *all);
    for (int j = 0; j < to; j++)
        free(ln->words[j].text);
    free(ln->words);
    free(w);
    ln->n = ln->cap = n + ln->n - to;
    ln->words = all;
    ln->left = all[0].left;
    return 1;
}

char *vb_layout_text(TessBaseAPI *api, const vb_layout_page *page, int header, int *confidence,
                     int *reread)
{
    int width = page->width;
    *reread = 0;
    page_lines pl = {0};
    int got = collect(api, &pl, 1, confidence);
    if (got < 0) {
        lines_free(&pl);
        memset(&pl, 0, sizeof pl);
        got = collect(api, &pl, 0, confidence);
    }
    if (got <= 0) {
        lines_free(&pl);
        return NULL;
    }
    /* The header: the first run of lines with no line across the middle. */
    int head_end = 0;
    if (header) {
        while (head_end < pl.n && head_end < HEADER_MAX_LINES &&
               split_point(&pl.lines[head_end], width) >= 0)
            head_end++;
        if (!has_split(&pl, 0, head_end, width))
            head_end = 0;
        for (int i = 0; i < head_end; i++) {
            int s = split_point(&pl.lines[i], width);
            if (s > 0 && reread_number_line(api, page, &pl.lines[i], s))
                *reread = 1;
        }
    }
    /* The foot: the last run of such lines. */
    int foot_start = pl.n;
    while (foot_start > head_end && pl.n - foot_start < FOOTER_MAX_LINES &&
           split_point(&pl.lines[foot_start - 1], width) >= 0)
        foot_start--;
    if (!has_split(&pl, foot_start, pl.n, width))
        foot_start = pl.n;
    paragraphs(&pl, head_end, foot_start, width);

    vb_buf b = {0};
    put_columns(&b, &pl, 0, head_end, width);
    for (int i = head_end; i < foot_start; i++) {
        if (pl.lines[i].para_start && b.len > 0)
            vb_buf_putc(&b, '\n');
        put_words(&b, &pl.lines[i], 0, pl.lines[i].n);
    }
    if (foot_start < pl.n && b.len > 0)
        vb_buf_putc(&b, '\n');
    put_columns(&b, &pl, foot_start, pl.n, width);
    lines_free(&pl);
    return vb_buf_steal(&b, NULL);
}
