/*
 * vb_ingest.h: the ingest stage. Opens an input (PDF, TIFF, PNG, JPEG or
 * UTF-8 text), detects its type from the bytes (never the name), hashes it
 * (SHA-256) and hands out its pages one at a time: an image to OCR, or text
 * when the page already has it (a PDF text layer, a text file).
 *
 * Pages are produced on demand so a long document never sits in memory whole.
 * Scanned PDF pages are rendered at opts.dpi through MuPDF, except that a page
 * made of exactly one image covering it yields that image at its own
 * resolution (faster and lossless). Images are read through Leptonica.
 *
 * Thread-safety: a vb_ingest handle (it owns a MuPDF context) and the sources
 * opened through it are used by one thread at a time. Pages (vb_page) are
 * independent of the handle once produced and may move to another thread.
 * Ownership: the caller owns what open/page return and releases it with
 * vb_source_close / vb_page_clear.
 */
#ifndef VB_INGEST_H
#define VB_INGEST_H

#include "vb_common.h"

#ifdef __cplusplus
extern "C" {
#endif

struct Pix; /* Leptonica image */

typedef enum vb_media {
    VB_MEDIA_UNKNOWN = 0,
    VB_MEDIA_PDF = 1,
    VB_MEDIA_TIFF = 2,
    VB_MEDIA_PNG = 3,
    VB_MEDIA_JPEG = 4,
    VB_MEDIA_TEXT = 5
} vb_media;

/* MIME type of a media kind ("application/pdf", ...). */
const char *vb_media_type(vb_media m);

/* The media kind of a byte prefix (at least 8 bytes where available). */
vb_media vb_media_detect(const unsigned char *data, size_t len);

typedef struct vb_ingest_opts {
    int dpi;              /* render resolution for PDF pages; 0 = 300 */
    int max_pages;        /* 0 = 5000 */
    long long max_pixels; /* per page; 0 = 200 million */
    size_t max_bytes;     /* per file; 0 = 2 GiB */
} vb_ingest_opts;

typedef struct vb_ingest vb_ingest;
typedef struct vb_source vb_source;

typedef enum vb_page_kind { VB_PAGE_IMAGE = 0, VB_PAGE_TEXT = 1 } vb_page_kind;

typedef struct vb_page {
    int index; /* 0-based */
    vb_page_kind kind;
    struct Pix *pix; /* VB_PAGE_IMAGE: owned by the page until taken */
    int dpi;         /* resolution of pix */
    int dpi_assumed; /* 1 if the file gave no resolution and dpi is a guess */
    char *text;      /* VB_PAGE_TEXT: UTF-8, NUL-terminated, malloc'd */
    size_t text_len;
} vb_page;

vb_status vb_ingest_create(vb_ingest **out, const vb_ingest_opts *opts, vb_error *err);

/* Open `path` ("-" = standard input). On failure err names the file. */
vb_status vb_ingest_open(vb_ingest *in, const char *path, vb_source **out, vb_error *err);

const char *vb_source_path(const vb_source *src);
const char *vb_source_sha256(const vb_source *src); /* 64 lowercase hex digits */
vb_media vb_source_media(const vb_source *src);
int vb_source_page_count(const vb_source *src);

/* Produce page `index` (0-based). Errors name the file and the page. */
vb_status vb_source_page(vb_ingest *in, vb_source *src, int index, vb_page *page, vb_error *err);

/* Release what a page still owns; safe to call twice. */
void vb_page_clear(vb_page *page);

void vb_source_close(vb_ingest *in, vb_source **src);
void vb_ingest_destroy(vb_ingest **in);

#ifdef __cplusplus
}
#endif
#endif
