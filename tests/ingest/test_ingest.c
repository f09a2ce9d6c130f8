/* ingest: type detection from bytes, hashing, pages, and every kind of bad
 * input answered with a clear error naming the file. */
#include <leptonica/allheaders.h>
#include <stdlib.h>
#include <unistd.h>

#include "vb_ingest.h"
#include "vb_test.h"

static vb_ingest *in;

/* Open `path` expecting failure; return the message. */
static const char *open_fails(const char *path, vb_error *e)
{
    vb_source *src = NULL;
    vb_error_clear(e);
    vb_status st = vb_ingest_open(in, path, &src, e);
    VB_CHECK_INT(st, VB_ERR_INPUT);
    VB_CHECK(src == NULL);
    VB_CHECK_STR(e->file, path);
    return e->message;
}

static void test_detect(void)
{
    VB_CHECK_INT(vb_media_detect((const unsigned char *)"%PDF-1.7\n", 9), VB_MEDIA_PDF);
    VB_CHECK_INT(vb_media_detect((const unsigned char *)"II*\0\x08\0\0\0", 8), VB_MEDIA_TIFF);
    VB_CHECK_INT(vb_media_detect((const unsigned char *)"MM\0*\0\0\0\x08", 8), VB_MEDIA_TIFF);
    VB_CHECK_INT(vb_media_detect((const unsigned char *)"\x89PNG\r\n\x1a\n", 8), VB_MEDIA_PNG);
    VB_CHECK_INT(vb_media_detect((const unsigned char *)"\xff\xd8\xff\xe0", 4), VB_MEDIA_JPEG);
    VB_CHECK_INT(vb_media_detect((const unsigned char *)"Kế hoạch", 10), VB_MEDIA_TEXT);
    VB_CHECK_INT(vb_media_detect((const unsigned char *)"a\0b", 3), VB_MEDIA_UNKNOWN);
    VB_CHECK_STR(vb_media_type(VB_MEDIA_TIFF), "image/tiff");
}

static void test_bad_inputs(void)
{
    vb_error e;
    /* These do not open. Image files cut short are among them: their
     * decoders would give part of a page (or the first pages of a TIFF)
     * without a word. */
    const char *open_failures[][2] = {
        {"tests/data/bad/empty.txt", "empty file"},
        {"tests/data/bad/unknown.bin", "unknown file type (not PDF, TIFF, PNG, JPEG or text)"},
        {"tests/data/bad/truncated.pdf", "truncated or damaged PDF: no end-of-file marker (%%EOF)"},
        {"tests/data/bad/encrypted.pdf", "encrypted PDF: a password is needed"},
        {"tests/data/bad/no-such-file.pdf", "cannot open: No such file or directory"},
        {"tests/data/bad/truncated.jpg", "truncated or damaged JPEG: no end-of-image marker"},
        {"tests/data/bad/truncated.png", "truncated or damaged PNG: no end chunk (IEND)"},
        {"tests/data/bad/truncated.tif",
         "truncated or damaged TIFF: page 2's image data ends past the end of the file"},
        {"tests/data/bad/cut-after-page1.tif",
         "truncated or damaged TIFF: the directory after page 1 is unreadable (Can not "
         "read TIFF directory count)"},
    };
    for (size_t i = 0; i < sizeof open_failures / sizeof *open_failures; i++)
        VB_CHECK_STR(open_fails(open_failures[i][0], &e), open_failures[i][1]);

    /* These open (the header is fine) but their page cannot be had. */
    const char *page_fails[][2] = {
        {"tests/data/bad/huge.png",
         "image is 60000x60000 pixels, more than the limit of 200000000"},
        {"tests/data/bad/latin.txt", "text is not valid UTF-8"},
    };
    for (size_t i = 0; i < sizeof page_fails / sizeof *page_fails; i++) {
        vb_source *src = NULL;
        vb_error_clear(&e);
        VB_CHECK_INT(vb_ingest_open(in, page_fails[i][0], &src, &e), VB_OK);
        if (!src)
            continue;
        vb_page page;
        vb_error_clear(&e);
        VB_CHECK_INT(vb_source_page(in, src, 0, &page, &e), VB_ERR_INPUT);
        VB_CHECK_STR(e.message, page_fails[i][1]);
        VB_CHECK_STR(e.file, page_fails[i][0]);
        VB_CHECK_INT(e.page, 1);
        VB_CHECK(page.pix == NULL && page.text == NULL);
        vb_source_close(in, &src);
    }
}

static void test_blank_pdf(void)
{
    /* A PDF page with no text layer is rendered at 300 dpi: A4 at 595x842 pt. */
    vb_source *src = NULL;
    vb_error e;
    vb_error_clear(&e);
    VB_CHECK_INT(vb_ingest_open(in, "tests/data/bad/blank.pdf", &src, &e), VB_OK);
    if (!src)
        return;
    VB_CHECK_INT(vb_source_page_count(src), 1);
    VB_CHECK_INT(vb_source_media(src), VB_MEDIA_PDF);
    vb_page page;
    VB_CHECK_INT(vb_source_page(in, src, 0, &page, &e), VB_OK);
    VB_CHECK_INT(page.kind, VB_PAGE_IMAGE);
    VB_CHECK_INT(page.dpi, 300);
    VB_CHECK_INT(pixGetWidth(page.pix), 2480); /* MuPDF rounds the page box outwards */
    VB_CHECK_INT(pixGetHeight(page.pix), 3509);
    vb_page_clear(&page);
    VB_CHECK_INT(vb_source_page(in, src, 1, &page, &e), VB_ERR_USAGE);
    vb_source_close(in, &src);
}

/* The page image of page `index` of `path`, or NULL. */
static PIX *page_image(const char *path, int index)
{
    vb_source *src = NULL;
    vb_error e;
    vb_error_clear(&e);
    VB_CHECK_INT(vb_ingest_open(in, path, &src, &e), VB_OK);
    if (!src)
        return NULL;
    vb_page page;
    PIX *pix = NULL;
    VB_CHECK_INT(vb_source_page(in, src, index, &page, &e), VB_OK);
    if (page.kind == VB_PAGE_IMAGE && page.pix)
        pix = pixClone(page.pix);
    vb_page_clear(&page);
    vb_source_close(in, &src);
    return pix;
}

static void test_bilevel_pdf(void)
{
    /* A PDF page that is one 1-bit image comes out 1-bit, black as 1: the
     * same pixels as the page's TIFF scan; a JPEG page comes out gray. */
    PIX *pdf = page_image("fixtures/scans/hung-yen-kh-117.clean.pdf", 0);
    PIX *tif = page_image("fixtures/scans/hung-yen-kh-117.clean.tif", 0);
    PIX *jpeg = page_image("fixtures/scans/hung-yen-kh-117.noisy.pdf", 0);
    VB_CHECK(pdf && tif && jpeg);
    if (pdf && tif && jpeg) {
        VB_CHECK_INT(pixGetDepth(pdf), 1);
        VB_CHECK_INT(pixGetXRes(pdf), 300);
        l_int32 same = 0;
        pixEqual(pdf, tif, &same);
        VB_CHECK(same);
        VB_CHECK_INT(pixGetDepth(jpeg), 8);
    }
    pixDestroy(&pdf);
    pixDestroy(&tif);
    pixDestroy(&jpeg);
}

static void test_text_and_hash(void)
{
    char path[] = "/tmp/vanban-test-XXXXXX";
    int fd = mkstemp(path);
    const char body[] = "trang một\ftrang hai\f";
    VB_CHECK(write(fd, body, sizeof body - 1) == (ssize_t)(sizeof body - 1));
    close(fd);
    vb_source *src = NULL;
    vb_error e;
    vb_error_clear(&e);
    VB_CHECK_INT(vb_ingest_open(in, path, &src, &e), VB_OK);
    if (src) {
        VB_CHECK_INT(vb_source_page_count(src), 2);
        /* sha256 of the bytes, as `sha256sum` prints it */
        VB_CHECK_STR(vb_source_sha256(src),
                     "2d7a3b1f5c71853d52729aeb74c8d7d08f6c1b440c06b8768486f6dc415ccb47");
        vb_page page;
        VB_CHECK_INT(vb_source_page(in, src, 1, &page, &e), VB_OK);
        VB_CHECK_INT(page.kind, VB_PAGE_TEXT);
        VB_CHECK_STR(page.text, "trang hai");
        vb_page_clear(&page);
        vb_source_close(in, &src);
    }
    unlink(path);
}

static void test_images(void)
{
    /* A two-page TIFF and a PNG made with Leptonica, one without resolution. */
    PIX *a = pixCreate(200, 100, 1), *b = pixCreate(300, 120, 8);
    pixSetResolution(a, 300, 300);
    pixSetAllArbitrary(b, 255);
    const char *tif = "/tmp/vanban-test.tif", *png = "/tmp/vanban-test.png";
    pixWriteTiff(tif, a, IFF_TIFF_G4, "w");
    pixWriteTiff(tif, b, IFF_TIFF_ZIP, "a");
    pixWrite(png, b, IFF_PNG);
    vb_source *src = NULL;
    vb_error e;
    vb_error_clear(&e);
    VB_CHECK_INT(vb_ingest_open(in, tif, &src, &e), VB_OK);
    if (src) {
        VB_CHECK_INT(vb_source_media(src), VB_MEDIA_TIFF);
        VB_CHECK_INT(vb_source_page_count(src), 2);
        vb_page page;
        VB_CHECK_INT(vb_source_page(in, src, 1, &page, &e), VB_OK);
        VB_CHECK_INT(pixGetWidth(page.pix), 300);
        vb_page_clear(&page);
        VB_CHECK_INT(vb_source_page(in, src, 0, &page, &e), VB_OK);
        VB_CHECK_INT(page.dpi, 300);
        VB_CHECK_INT(page.dpi_assumed, 0);
        vb_page_clear(&page);
        vb_source_close(in, &src);
    }
    VB_CHECK_INT(vb_ingest_open(in, png, &src, &e), VB_OK);
    if (src) {
        vb_page page;
        VB_CHECK_INT(vb_source_page(in, src, 0, &page, &e), VB_OK);
        VB_CHECK_INT(page.dpi_assumed, 1);
        VB_CHECK_INT(page.dpi, 300);
        vb_page_clear(&page);
        vb_source_close(in, &src);
    }
    pixDestroy(&a);
    pixDestroy(&b);
    unlink(tif);
    unlink(png);
}

int main(void)
{
    vb_error e;
    vb_error_clear(&e);
    if (vb_ingest_create(&in, NULL, &e) != VB_OK) {
        fprintf(stderr, "create: %s\n", e.message);
        return 1;
    }
    test_detect();
    test_bad_inputs();
    test_blank_pdf();
    test_bilevel_pdf();
    test_text_and_hash();
    test_images();
    vb_ingest_destroy(&in);
    VB_CHECK(in == NULL);
    vb_ingest_destroy(&in); /* NULL is fine */
    return vb_test_finish();
}
