/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Inside the ingest stage: checks that an image file is whole. */
#ifndef VB_INGEST_INTERNAL_H
#define VB_INGEST_INTERNAL_H

#include <stddef.h>

/* 1 if the PNG ends with its IEND chunk (a few trailing bytes allowed). */
int vb_png_complete(const unsigned char *d, size_t n);

/* 1 if the JPEG ends with its end-of-image marker (a few trailing bytes
 * allowed). */
int vb_jpeg_complete(const unsigned char *d, size_t n);

/* The number of pages of a TIFF held in memory, counting at most max_pages + 1,
 * or -1 with the reason in `why` when a directory or a page's image data lies
 * past the end of the file (a file cut short) or the file is unreadable. */
int vb_tiff_pages(const unsigned char *d, size_t n, int max_pages, char *why, size_t why_len);

#endif
