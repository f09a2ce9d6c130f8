/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Is an image file whole? A file cut short by an interrupted copy decodes
 * "successfully" in part: a PNG or JPEG gives the top of the page and a blank
 * rest, a multi-page TIFF quietly loses its last pages. The decoders do not
 * say so (or say it on stderr with no file name), so ingest checks the
 * container first and names the file. */
#include "vb_ingest_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <tiffio.h>

/* Trailing bytes after the end marker (padding, a camera's trailer) are
 * tolerated up to this many. */
#define TAIL_WINDOW 4096
/* The name libtiff is given for the file (it puts it in its messages). */
#define MT_NAME "tiff"

static const unsigned char *tail(const unsigned char *d, size_t n, size_t *len)
{
    *len = n < TAIL_WINDOW ? n : TAIL_WINDOW;
    return d + n - *len;
}

int vb_png_complete(const unsigned char *d, size_t n)
{
    size_t len;
    const unsigned char *t = tail(d, n, &len);
    return memmem(t, len, "IEND", 4) != NULL;
}

int vb_jpeg_complete(const unsigned char *d, size_t n)
{
    size_t len;
    const unsigned char *t = tail(d, n, &len);
    return n > 4 && memmem(t, len, "\xFF\xD9", 2) != NULL;
}

/* ---- TIFF through libtiff, reading from memory ---- */

typedef struct mem_tiff {
    const unsigned char *data;
    toff_t len, pos;
    char error[160]; /* libtiff's first error for this file */
} mem_tiff;

static tmsize_t mt_read(thandle_t h, void *buf, tmsize_t size)
{
    mem_tiff *m = (mem_tiff *)h;
    toff_t left = m->pos < m->len ? m->len - m->pos : 0;
    toff_t n = (toff_t)size < left ? (toff_t)size : left;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (tmsize_t)n;
}

static tmsize_t mt_write(thandle_t h, void *buf, tmsize_t size)
{
    (void)h, (void)buf, (void)size;
    return -1;
}

static toff_t mt_seek(thandle_t h, toff_t off, int whence)
{
    mem_tiff *m = (mem_tiff *)h;
    toff_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? m->len : 0;
    m->pos = base + off;
    return m->pos;
}

static int mt_close(thandle_t h)
{
    (void)h;
    return 0;
}

static toff_t mt_size(thandle_t h)
{
    return ((mem_tiff *)h)->len;
}

static int mt_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
    (void)tif, (void)module;
    mem_tiff *m = user;
    if (m->error[0])
        return 1;
    vsnprintf(m->error, sizeof m->error, fmt, ap);
    /* Many messages start with the file's name, which is ours to give. */
    size_t name = strlen(MT_NAME ": ");
    if (!strncmp(m->error, MT_NAME ": ", name))
        memmove(m->error, m->error + name, strlen(m->error + name) + 1);
    return 1; /* handled: nothing on stderr */
}

static int mt_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
    (void)tif, (void)user, (void)module, (void)fmt, (void)ap;
    return 1; /* unknown tags and the like: not the clerk's concern */
}

/* Every strip (or tile) of the current directory lies inside the file. */
static int data_inside(TIFF *tif, toff_t len)
{
    int tiled = TIFFIsTiled(tif);
    uint64_t *offs = NULL, *counts = NULL;
    if (!TIFFGetField(tif, tiled ? TIFFTAG_TILEOFFSETS : TIFFTAG_STRIPOFFSETS, &offs) ||
        !TIFFGetField(tif, tiled ? TIFFTAG_TILEBYTECOUNTS : TIFFTAG_STRIPBYTECOUNTS, &counts) ||
        !offs || !counts)
        return 0;
    uint32_t n = tiled ? TIFFNumberOfTiles(tif) : TIFFNumberOfStrips(tif);
    for (uint32_t i = 0; i < n; i++)
        if (offs[i] > len || counts[i] > len - offs[i])
            return 0;
    return 1;
}

int vb_tiff_pages(const unsigned char *d, size_t n, int max_pages, char *why, size_t why_len)
{
    mem_tiff m = {.data = d, .len = n};
    why[0] = '\0';
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    if (!opts) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    TIFFOpenOptionsSetErrorHandlerExtR(opts, mt_error, &m);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, mt_warning, &m);
    /* "m": no memory mapping (the data is already in memory). */
    TIFF *tif = TIFFClientOpenExt(MT_NAME, "rm", (thandle_t)&m, mt_read, mt_write, mt_seek,
                                  mt_close, mt_size, NULL, NULL, opts);
    TIFFOpenOptionsFree(opts);
    if (!tif) {
        snprintf(why, why_len, "unreadable TIFF: %s", m.error[0] ? m.error : "no image directory");
        return -1;
    }
    int pages = 0;
    /* Counting stops past the limit: the caller refuses the file anyway. */
    while (pages <= max_pages) {
        pages++;
        if (!data_inside(tif, m.len)) {
            snprintf(
                why, why_len,
                "truncated or damaged TIFF: page %d's image data ends past the end of the file",
                pages);
            pages = -1;
            break;
        }
        if (!TIFFReadDirectory(tif)) {
            if (m.error[0]) {
                snprintf(why, why_len,
                         "truncated or damaged TIFF: the directory after page %d is unreadable "
                         "(%s)",
                         pages, m.error);
                pages = -1;
            }
            break;
        }
    }
    TIFFClose(tif);
    return pages;
}
