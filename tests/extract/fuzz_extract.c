/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libFuzzer target: any bytes, normalised (invalid UTF-8 is refused there),
 * then extracted with the repository's rules. Crashes, leaks and runaway
 * patterns are what it looks for; every crash input is kept under
 * tests/extract/data/fuzz/ as a regression case. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vb_extract.h"
#include "vb_normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* created once per process: loading the rules takes longer than a run */
    static vb_normalize *nz;
    static vb_extract *ex;
    vb_error err;
    if (!ex) {
        vb_normalize_opts nopts = {0};
        nopts.restore = -1;
        if (vb_normalize_create(&nz, &nopts, &err) != VB_OK ||
            vb_extract_create(&ex, NULL, &err) != VB_OK) {
            fprintf(stderr, "fuzz_extract: %s\n", err.message);
            return 0;
        }
    }
    vb_text t = {0};
    if (vb_normalize_run(nz, (const char *)data, size, &t, &err) != VB_OK)
        return 0;
    vb_record rec = {0};
    vb_extract_run(ex, &t, &rec, &err);
    vb_record_free(&rec);
    vb_text_free(&t);
    return 0;
}
