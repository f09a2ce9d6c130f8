/* libFuzzer target for ingest: any bytes as an input file. Type detection,
 * the PDF/TIFF/PNG/JPEG/text openers and the first pages must answer with a
 * status, never crash. Run: build-fuzz/tests/ingest/fuzz_ingest CORPUS_DIR
 * (seed it with fixtures/scans and tests/data/bad). */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vb_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static vb_ingest *in;
    if (!in) {
        /* small limits: the fuzzer should spend its time on parsing */
        vb_ingest_opts o = {.dpi = 72, .max_pages = 4, .max_pixels = 4000000};
        vb_error e;
        if (vb_ingest_create(&in, &o, &e) != VB_OK)
            return 0;
    }
    int fd = memfd_create("fuzz", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    vb_source *src = NULL;
    vb_error e;
    if (vb_ingest_open(in, path, &src, &e) == VB_OK) {
        int n = vb_source_page_count(src);
        for (int i = 0; i < n && i < 2; i++) {
            vb_page page;
            vb_source_page(in, src, i, &page, &e);
            vb_page_clear(&page);
        }
        vb_source_close(in, &src);
    }
    close(fd);
    return 0;
}
