/* libFuzzer target for the normalize stage: any bytes in, no crash, no leak,
 * and either an input error or NFC text whose fold map is consistent.
 * Build with -DVANBAN_FUZZ=ON and clang; run from the source directory so the
 * model is found: build/tests/normalize/fuzz_normalize tests/normalize/golden */
#include "vb_normalize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static vb_normalize *nz_utf8, *nz_legacy;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vb_error err;
    if (!nz_utf8) {
        vb_normalize_opts o = {0};
        if (vb_normalize_create(&nz_utf8, &o, &err) != VB_OK)
            abort();
        o.legacy_encoding = "auto"; /* bytes that are not UTF-8 get decoded too */
        if (vb_normalize_create(&nz_legacy, &o, &err) != VB_OK)
            abort();
    }
    /* the first byte picks the handle, so both paths are explored */
    vb_normalize *nz = size && (data[0] & 1) ? nz_legacy : nz_utf8;
    vb_text t;
    vb_change *ch = NULL;
    size_t n = 0;
    vb_status st = vb_normalize_explain(nz, (const char *)data, size, &t, &ch, &n, &err);
    if (st == VB_OK) {
        if (!vb_utf8_valid(t.text, t.len) || t.fold_map[t.fold_len] != t.len)
            abort();
        for (size_t i = 0; i < t.fold_len; i++)
            if (t.fold_map[i] > t.fold_map[i + 1] || t.fold_map[i] >= t.len)
                abort();
        for (size_t i = 0; i < n; i++)
            if (ch[i].offset > t.len)
                abort();
        vb_changes_free(ch, n);
        vb_text_free(&t);
    } else if (st != VB_ERR_INPUT && st != VB_ERR_LIMIT) {
        abort();
    }
    char *f = NULL;
    size_t fl = 0, *map = NULL;
    if (vb_fold((const char *)data, size, &f, &fl, &map, &err) == VB_OK) {
        if (map[fl] != size)
            abort();
        free(f);
        free(map);
    }
    return 0;
}
