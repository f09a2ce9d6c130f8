/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "vb_ingest.h"
#include "vb_ingest_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>
#include <mupdf/fitz.h>

#define DEFAULT_DPI 300
#define DEFAULT_MAX_PAGES 5000
#define DEFAULT_MAX_PIXELS 200000000LL
#define DEFAULT_MAX_BYTES ((size_t)2 << 30)
/* A PDF page with at least this many non-space characters in its text layer
 * is taken as text; fewer (a stray page number, a scanner stamp) means a scan. */
#define TEXT_LAYER_MIN_CHARS 32

struct vb_ingest {
    fz_context *ctx;
    vb_ingest_opts opts;
    char last_warning[256]; /* MuPDF's last warning, for error messages */
};

struct vb_source {
    char *path;
    char sha256[65];
    vb_media media;
    unsigned char *data;
    size_t len;
    int pages;
    fz_document *doc; /* PDF */
};

const char *vb_media_type(vb_media m)
{
    switch (m) {
    case VB_MEDIA_PDF: return "application/pdf";
    case VB_MEDIA_TIFF: return "image/tiff";
    case VB_MEDIA_PNG: return "image/png";
    case VB_MEDIA_JPEG: return "image/jpeg";
    case VB_MEDIA_TEXT: return "text/plain";
    case VB_MEDIA_UNKNOWN: break;
    }
    return "application/octet-stream";
}

vb_media vb_media_detect(const unsigned char *d, size_t n)
{
    /* PDF readers accept the header anywhere in the first KiB. */
    size_t scan = n < 1024 ? n : 1024;
    if (n >= 5 && memmem(d, scan, "%PDF-", 5))
        return VB_MEDIA_PDF;
    if (n >= 4 && (!memcmp(d, "II*\0", 4) || !memcmp(d, "MM\0*", 4)))
        return VB_MEDIA_TIFF;
    if (n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8))
        return VB_MEDIA_PNG;
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
        return VB_MEDIA_JPEG;
    if (n > 0 && !memchr(d, 0, n))
        return VB_MEDIA_TEXT;
    return VB_MEDIA_UNKNOWN;
}

static void on_mupdf_warning(void *user, const char *message)
{
    vb_ingest *in = user;
    snprintf(in->last_warning, sizeof in->last_warning, "%s", message);
}

static void on_mupdf_error(void *user, const char *message)
{
    (void)user;
    (void)message; /* reported through fz_caught_message instead */
}

vb_status vb_ingest_create(vb_ingest **out, const vb_ingest_opts *opts, vb_error *err)
{
    *out = NULL;
    vb_ingest *in = calloc(1, sizeof *in);
    if (!in)
        return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    if (opts)
        in->opts = *opts;
    if (in->opts.dpi <= 0)
        in->opts.dpi = DEFAULT_DPI;
    if (in->opts.max_pages <= 0)
        in->opts.max_pages = DEFAULT_MAX_PAGES;
    if (in->opts.max_pixels <= 0)
        in->opts.max_pixels = DEFAULT_MAX_PIXELS;
    if (in->opts.max_bytes == 0)
        in->opts.max_bytes = DEFAULT_MAX_BYTES;
    in->ctx = fz_new_context(NULL, NULL, FZ_STORE_DEFAULT);
    if (!in->ctx) {
        free(in);
        return vb_error_set(err, VB_ERR_INTERNAL, "cannot create a MuPDF context");
    }
    fz_set_warning_callback(in->ctx, on_mupdf_warning, in);
    fz_set_error_callback(in->ctx, on_mupdf_error, in);
    fz_try(in->ctx) fz_register_document_handlers(in->ctx);
    fz_catch(in->ctx)
    {
        fz_drop_context(in->ctx);
        free(in);
        return vb_error_set(err, VB_ERR_INTERNAL, "cannot register MuPDF handlers");
    }
    *out = in;
    return VB_OK;
}

void vb_ingest_destroy(vb_ingest **pin)
{
    if (!pin || !*pin)
        return;
    fz_drop_context((*pin)->ctx);
    free(*pin);
    *pin = NULL;
}

static void hash_hex(const unsigned char *data, size_t len, char out[65])
{
    fz_sha256 st;
    unsigned char digest[32];
    fz_sha256_init(&st);
    fz_sha256_update(&st, data, len);
    fz_sha256_final(&st, digest);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

static vb_status source_fail(vb_source *src, vb_error *err, vb_status code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static vb_status source_fail(vb_source *src, vb_error *err, vb_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vb_error_setv(err, code, fmt, ap);
    va_end(ap);
    vb_error_at(err, src->path, 0, 0);
    return code;
}

static size_t count_pages_text(const unsigned char *d, size_t n)
{
    size_t pages = 1;
    for (size_t i = 0; i < n; i++)
        pages += d[i] == '\f';
    /* A trailing form feed ends the last page rather than opening a new one. */
    if (n > 0 && d[n - 1] == '\f')
        pages--;
    return pages ? pages : 1;
}

static vb_status open_pdf(vb_ingest *in, vb_source *src, vb_error *err)
{
    fz_context *ctx = in->ctx;
    fz_stream *volatile stm = NULL;
    volatile vb_status st = VB_OK;
    /* MuPDF repairs a file cut short without a word; a clerk should know. */
    size_t tail = src->len < 2048 ? src->len : 2048;
    if (!memmem(src->data + src->len - tail, tail, "%%EOF", 5))
        return source_fail(src, err, VB_ERR_INPUT,
                           "truncated or damaged PDF: no end-of-file marker (%%%%EOF)");
    in->last_warning[0] = '\0';
    fz_try(ctx)
    {
        stm = fz_open_memory(ctx, src->data, src->len);
        src->doc = fz_open_document_with_stream(ctx, "application/pdf", stm);
        if (fz_needs_password(ctx, src->doc))
            st = source_fail(src, err, VB_ERR_INPUT, "encrypted PDF: a password is needed");
        else
            src->pages = fz_count_pages(ctx, src->doc);
    }
    fz_always(ctx) fz_drop_stream(ctx, stm);
    fz_catch(ctx)
    {
        st = source_fail(src, err, VB_ERR_INPUT, "cannot open PDF: %s", fz_caught_message(ctx));
    }
    if (st == VB_OK && src->pages <= 0)
        st = source_fail(src, err, VB_ERR_INPUT, "PDF has no pages%s%s",
                         in->last_warning[0] ? ": " : "", in->last_warning);
    return st;
}

static vb_status open_tiff(vb_ingest *in, vb_source *src, vb_error *err)
{
    char why[256];
    int n = vb_tiff_pages(src->data, src->len, in->opts.max_pages, why, sizeof why);
    if (n <= 0)
        return source_fail(src, err, VB_ERR_INPUT, "%s", why);
    src->pages = n;
    return VB_OK;
}

/* PNG and JPEG decoders fill a page cut short with blank (and libjpeg says so
 * on stderr, nameless): such a file is refused, as a truncated PDF is. */
static vb_status open_single_image(vb_source *src, vb_error *err)
{
    if (src->media == VB_MEDIA_PNG && !vb_png_complete(src->data, src->len))
        return source_fail(src, err, VB_ERR_INPUT, "truncated or damaged PNG: no end chunk (IEND)");
    if (src->media == VB_MEDIA_JPEG && !vb_jpeg_complete(src->data, src->len))
        return source_fail(src, err, VB_ERR_INPUT,
                           "truncated or damaged JPEG: no end-of-image marker");
    src->pages = 1;
    return VB_OK;
}

vb_status vb_ingest_open(vb_ingest *in, const char *path, vb_source **out, vb_error *err)
{
    *out = NULL;
    vb_source *src = calloc(1, sizeof *src);
    if (!src || !(src->path = strdup(path))) {
        free(src);
        return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    }
    vb_status st = vb_read_file(path, in->opts.max_bytes, &src->data, &src->len, err);
    if (st != VB_OK) {
        vb_source_close(in, &src);
        return st == VB_ERR_LIMIT ? VB_ERR_INPUT : st;
    }
    hash_hex(src->data, src->len, src->sha256);
    src->media = vb_media_detect(src->data, src->len);
    if (src->len == 0)
        st = source_fail(src, err, VB_ERR_INPUT, "empty file");
    else {
        switch (src->media) {
        case VB_MEDIA_PDF: st = open_pdf(in, src, err); break;
        case VB_MEDIA_TIFF: st = open_tiff(in, src, err); break;
        case VB_MEDIA_PNG:
        case VB_MEDIA_JPEG: st = open_single_image(src, err); break;
        case VB_MEDIA_TEXT: src->pages = (int)count_pages_text(src->data, src->len); break;
        case VB_MEDIA_UNKNOWN:
            st = source_fail(src, err, VB_ERR_INPUT,
                             "unknown file type (not PDF, TIFF, PNG, JPEG or text)");
            break;
        }
    }
    if (st == VB_OK && src->pages > in->opts.max_pages)
        st = source_fail(src, err, VB_ERR_INPUT, "%d pages, more than the limit of %d", src->pages,
                         in->opts.max_pages);
    if (st != VB_OK) {
        vb_source_close(in, &src);
        return st;
    }
    *out = src;
    return VB_OK;
}

const char *vb_source_path(const vb_source *src)
{
    return src->path;
}
const char *vb_source_sha256(const vb_source *src)
{
    return src->sha256;
}
vb_media vb_source_media(const vb_source *src)
{
    return src->media;
}
int vb_source_page_count(const vb_source *src)
{
    return src->pages;
}

void vb_page_clear(vb_page *page)
{
    if (!page)
        return;
    if (page->pix) {
        PIX *p = page->pix;
        pixDestroy(&p);
    }
    free(page->text);
    memset(page, 0, sizeof *page);
}

void vb_source_close(vb_ingest *in, vb_source **psrc)
{
    if (!psrc || !*psrc)
        return;
    vb_source *src = *psrc;
    if (src->doc)
        fz_drop_document(in->ctx, src->doc);
    free(src->data);
    free(src->path);
    free(src);
    *psrc = NULL;
}

static vb_status page_fail(vb_source *src, int index, vb_error *err, vb_status code,
                           const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static vb_status page_fail(vb_source *src, int index, vb_error *err, vb_status code,
                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vb_error_setv(err, code, fmt, ap);
    va_end(ap);
    vb_error_at(err, src->path, 0, 0);
    if (err)
        err->page = index + 1;
    return code;
}

/* ---- text ---- */

static vb_status text_page(vb_source *src, int index, vb_page *page, vb_error *err)
{
    const char *p = (const char *)src->data, *end = p + src->len;
    for (int i = 0; i < index; i++) {
        const char *ff = memchr(p, '\f', (size_t)(end - p));
        p = ff ? ff + 1 : end;
    }
    const char *ff = memchr(p, '\f', (size_t)(end - p));
    size_t n = (size_t)((ff ? ff : end) - p);
    if (!vb_utf8_valid(p, n))
        return page_fail(src, index, err, VB_ERR_INPUT, "text is not valid UTF-8");
    page->kind = VB_PAGE_TEXT;
    page->text = vb_strndup(p, n);
    page->text_len = n;
    return page->text ? VB_OK : vb_error_set(err, VB_ERR_NOMEM, "out of memory");
}

/* ---- images through Leptonica ---- */

static vb_status check_pixels(vb_ingest *in, vb_source *src, int index, long long w, long long h,
                              vb_error *err)
{
    if (w <= 0 || h <= 0)
        return page_fail(src, index, err, VB_ERR_INPUT, "image has no pixels");
    if (w * h > in->opts.max_pixels)
        return page_fail(src, index, err, VB_ERR_INPUT,
                         "image is %lldx%lld pixels, more than the limit of %lld", w, h,
                         in->opts.max_pixels);
    return VB_OK;
}

static void set_page_image(vb_ingest *in, vb_page *page, PIX *pix)
{
    page->kind = VB_PAGE_IMAGE;
    page->pix = pix;
    page->dpi = pixGetXRes(pix);
    /* A resolution below 50 dpi is a missing or nonsense header value. */
    if (page->dpi < 50) {
        page->dpi = in->opts.dpi;
        page->dpi_assumed = 1;
        pixSetResolution(pix, page->dpi, page->dpi);
    }
}

static vb_status image_page(vb_ingest *in, vb_source *src, int index, vb_page *page, vb_error *err)
{
    l_int32 fmt, w, h, bps, spp, cmap;
    if (index == 0 || src->media != VB_MEDIA_TIFF) {
        if (pixReadHeaderMem(src->data, src->len, &fmt, &w, &h, &bps, &spp, &cmap) != 0)
            return page_fail(src, index, err, VB_ERR_INPUT, "unreadable %s header",
                             vb_media_type(src->media));
        vb_status st = check_pixels(in, src, index, w, h, err);
        if (st != VB_OK)
            return st;
    }
    PIX *pix = src->media == VB_MEDIA_TIFF ? pixReadMemTiff(src->data, src->len, index)
                                           : pixReadMem(src->data, src->len);
    if (!pix)
        return page_fail(src, index, err, VB_ERR_INPUT, "cannot decode %s image (damaged?)",
                         vb_media_type(src->media));
    vb_status st = check_pixels(in, src, index, pixGetWidth(pix), pixGetHeight(pix), err);
    if (st != VB_OK) {
        pixDestroy(&pix);
        return st;
    }
    set_page_image(in, page, pix);
    return VB_OK;
}

/* ---- PDF through MuPDF ---- */

/* A device that records whether a page is exactly one image and nothing else. */
typedef struct single_image_dev {
    fz_device super;
    int images;
    int other;
    fz_image *image;
    fz_matrix ctm;
} single_image_dev;

static void sid_image(fz_context *ctx, fz_device *dev, fz_image *img, fz_matrix ctm, float alpha,
                      fz_color_params cp)
{
    (void)alpha;
    (void)cp;
    single_image_dev *d = (single_image_dev *)dev;
    if (d->images++ == 0) {
        d->image = fz_keep_image(ctx, img);
        d->ctm = ctm;
    }
}

/* MuPDF's device callbacks have many parameters these counters don't need. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#define SID_OTHER(name, ...)                                                                       \
    static void name(fz_context *ctx, fz_device *dev, __VA_ARGS__)                                 \
    {                                                                                              \
        (void)ctx;                                                                                 \
        ((single_image_dev *)dev)->other++;                                                        \
    }

SID_OTHER(sid_fill_path, const fz_path *p, int eo, fz_matrix m, fz_colorspace *cs, const float *c,
          float a, fz_color_params cp)
SID_OTHER(sid_stroke_path, const fz_path *p, const fz_stroke_state *s, fz_matrix m,
          fz_colorspace *cs, const float *c, float a, fz_color_params cp)
SID_OTHER(sid_fill_text, const fz_text *t, fz_matrix m, fz_colorspace *cs, const float *c, float a,
          fz_color_params cp)
SID_OTHER(sid_stroke_text, const fz_text *t, const fz_stroke_state *s, fz_matrix m,
          fz_colorspace *cs, const float *c, float a, fz_color_params cp)
SID_OTHER(sid_fill_shade, fz_shade *s, fz_matrix m, float a, fz_color_params cp)
SID_OTHER(sid_fill_mask, fz_image *i, fz_matrix m, fz_colorspace *cs, const float *c, float a,
          fz_color_params cp)
#pragma GCC diagnostic pop

static void sid_drop(fz_context *ctx, fz_device *dev)
{
    single_image_dev *d = (single_image_dev *)dev;
    fz_drop_image(ctx, d->image);
    d->image = NULL;
}

static int near(float a, float b, float tol)
{
    return a - b <= tol && b - a <= tol;
}

/* Copy a gray (n == 1) MuPDF pixmap into a Leptonica image of depth 8, or
 * of depth 1 (black as 1) for a 1-bit image, whose samples are 0 and 255: a
 * bilevel scan (CCITT, JBIG2, 1-bpp flate) stays bilevel, and the clean-up
 * takes its 1-bit path instead of normalising a background with no grey. */
static PIX *pix_from_gray_pixmap(fz_pixmap *pm, int depth, int dpi)
{
    int w = pm->w, h = pm->h;
    PIX *pix = pixCreate(w, h, depth);
    if (!pix)
        return NULL;
    l_uint32 *data = pixGetData(pix);
    l_int32 wpl = pixGetWpl(pix);
    for (int y = 0; y < h; y++) {
        const unsigned char *src = pm->samples + (size_t)y * pm->stride;
        l_uint32 *line = data + (size_t)y * wpl;
        for (int x = 0; x < w; x++) {
            if (depth == 8)
                SET_DATA_BYTE(line, x, src[x * pm->n]);
            else if (src[x * pm->n] < 128)
                SET_DATA_BIT(line, x);
        }
    }
    pixSetResolution(pix, dpi, dpi);
    return pix;
}

/* The page's single image, taken out directly: NULL if the page is not exactly
 * one upright image covering it (then the caller renders). */
static PIX *pdf_single_image(vb_ingest *in, fz_page *fzpage, int *dpi_out)
{
    fz_context *ctx = in->ctx;
    single_image_dev *volatile dev = NULL;
    fz_pixmap *volatile pm = NULL;
    fz_pixmap *volatile gray = NULL;
    PIX *volatile pix = NULL;
    fz_try(ctx)
    {
        dev = fz_new_derived_device(ctx, single_image_dev);
        dev->super.fill_image = sid_image;
        dev->super.fill_path = sid_fill_path;
        dev->super.stroke_path = sid_stroke_path;
        dev->super.fill_text = sid_fill_text;
        dev->super.stroke_text = sid_stroke_text;
        dev->super.fill_shade = sid_fill_shade;
        dev->super.fill_image_mask = sid_fill_mask;
        dev->super.drop_device = sid_drop;
        fz_run_page(ctx, fzpage, &dev->super, fz_identity, NULL);
        fz_close_device(ctx, &dev->super);
        fz_rect bounds = fz_bound_page(ctx, fzpage);
        fz_matrix m = dev->ctm;
        float pw = bounds.x1 - bounds.x0, ph = bounds.y1 - bounds.y0;
        fz_rect r = fz_transform_rect(fz_unit_rect, m);
        if (dev->images == 1 && dev->other == 0 && m.b == 0 && m.c == 0 && m.a > 0 && m.d != 0 &&
            near(r.x0, bounds.x0, pw * 0.01f) && near(r.x1, bounds.x1, pw * 0.01f) &&
            near(r.y0, bounds.y0, ph * 0.01f) && near(r.y1, bounds.y1, ph * 0.01f)) {
            fz_image *img = dev->image;
            int dpi = (int)(img->w / (pw / 72.0f) + 0.5f);
            fz_compressed_buffer *cb = fz_compressed_image_buffer(ctx, img);
            /* A JPEG goes to Leptonica whole: one decode, no copy. Only when
             * the image is drawn upright (m.d < 0 in PDF space flips it). */
            if (cb && cb->params.type == FZ_IMAGE_JPEG && m.d > 0 && !img->decode[0] &&
                img->n != 4) {
                unsigned char *data;
                size_t len = fz_buffer_storage(ctx, cb->buffer, &data);
                /* A stream cut short goes through MuPDF, whose warnings
                 * don't reach stderr. */
                if (vb_jpeg_complete(data, len))
                    pix = pixReadMem(data, len);
            }
            if (!pix && m.d > 0) {
                pm = fz_get_pixmap_from_image(ctx, img, NULL, NULL, NULL, NULL);
                if (pm->n - pm->alpha != 1 || pm->alpha)
                    gray = fz_convert_pixmap(ctx, pm, fz_device_gray(ctx), NULL, NULL,
                                             fz_default_color_params, 0);
                pix = pix_from_gray_pixmap(gray ? gray : pm, img->bpc == 1 && !gray ? 1 : 8, dpi);
            }
            if (pix) {
                pixSetResolution(pix, dpi, dpi);
                *dpi_out = dpi;
            }
        }
    }
    fz_always(ctx)
    {
        fz_drop_pixmap(ctx, gray);
        fz_drop_pixmap(ctx, pm);
        if (dev)
            fz_drop_device(ctx, &dev->super);
    }
    fz_catch(ctx)
    {
        if (pix) {
            PIX *p = pix;
            pixDestroy(&p);
        }
        return NULL;
    }
    return pix;
}

static char *pdf_page_text(fz_context *ctx, fz_page *fzpage, size_t *len)
{
    fz_stext_page *volatile tp = NULL;
    fz_buffer *volatile buf = NULL;
    char *volatile text = NULL;
    fz_try(ctx)
    {
        tp = fz_new_stext_page_from_page(ctx, fzpage, NULL);
        buf = fz_new_buffer_from_stext_page(ctx, tp);
        unsigned char *data;
        size_t n = fz_buffer_storage(ctx, buf, &data);
        size_t visible = 0;
        for (size_t i = 0; i < n; i++)
            visible += data[i] > ' ' && (data[i] & 0xC0) != 0x80;
        if (visible >= TEXT_LAYER_MIN_CHARS) {
            text = vb_strndup((const char *)data, n);
            *len = n;
        }
    }
    fz_always(ctx)
    {
        fz_drop_buffer(ctx, buf);
        fz_drop_stext_page(ctx, tp);
    }
    fz_catch(ctx) return NULL;
    return text;
}

static vb_status pdf_page(vb_ingest *in, vb_source *src, int index, vb_page *page, vb_error *err)
{
    fz_context *ctx = in->ctx;
    fz_page *volatile fzpage = NULL;
    fz_pixmap *volatile pm = NULL;
    volatile vb_status st = VB_OK;
    fz_try(ctx)
    {
        fzpage = fz_load_page(ctx, src->doc, index);
        size_t len = 0;
        char *text = pdf_page_text(ctx, fzpage, &len);
        if (text) {
            page->kind = VB_PAGE_TEXT;
            page->text = text;
            page->text_len = len;
        } else {
            int dpi = 0;
            PIX *pix = pdf_single_image(in, fzpage, &dpi);
            if (pix) {
                if (check_pixels(in, src, index, pixGetWidth(pix), pixGetHeight(pix), err) !=
                    VB_OK) {
                    pixDestroy(&pix);
                    st = VB_ERR_INPUT;
                } else {
                    set_page_image(in, page, pix);
                }
            } else {
                fz_rect b = fz_bound_page(ctx, fzpage);
                float scale = in->opts.dpi / 72.0f;
                long long w = (long long)((b.x1 - b.x0) * scale + 0.5f);
                long long h = (long long)((b.y1 - b.y0) * scale + 0.5f);
                st = check_pixels(in, src, index, w, h, err);
                if (st == VB_OK) {
                    pm = fz_new_pixmap_from_page(ctx, fzpage, fz_scale(scale, scale),
                                                 fz_device_gray(ctx), 0);
                    pix = pix_from_gray_pixmap(pm, 8, in->opts.dpi);
                    if (!pix)
                        st = page_fail(src, index, err, VB_ERR_NOMEM, "out of memory");
                    else
                        set_page_image(in, page, pix);
                }
            }
        }
    }
    fz_always(ctx)
    {
        fz_drop_pixmap(ctx, pm);
        fz_drop_page(ctx, fzpage);
    }
    fz_catch(ctx)
    {
        st = page_fail(src, index, err, VB_ERR_INPUT, "cannot read PDF page: %s",
                       fz_caught_message(ctx));
    }
    return st;
}

vb_status vb_source_page(vb_ingest *in, vb_source *src, int index, vb_page *page, vb_error *err)
{
    memset(page, 0, sizeof *page);
    page->index = index;
    if (index < 0 || index >= src->pages)
        return page_fail(src, index, err, VB_ERR_USAGE, "no page %d (the file has %d)", index + 1,
                         src->pages);
    switch (src->media) {
    case VB_MEDIA_PDF: return pdf_page(in, src, index, page, err);
    case VB_MEDIA_TIFF:
    case VB_MEDIA_PNG:
    case VB_MEDIA_JPEG: return image_page(in, src, index, page, err);
    case VB_MEDIA_TEXT: return text_page(src, index, page, err);
    case VB_MEDIA_UNKNOWN: break;
    }
    return page_fail(src, index, err, VB_ERR_INTERNAL, "unknown media");
}
