/*
 * vb_test_extract.h: the set-up and runs the extractor's tests share, on top of
 * vb_test.h. The normaliser is opened with restore = -1, so the extractor is
 * tested on the text as given (restoration has its own tests); rules are read
 * from rules/, so the tests run from the source root.
 */
#ifndef VB_TEST_EXTRACT_H
#define VB_TEST_EXTRACT_H

#include <stdlib.h>
#include <string.h>

#include "vb_extract.h"
#include "vb_normalize.h"
#include "vb_test.h"

/* Open the normaliser and the extractor, checking both. Returns 0 (and says
 * why) when either is missing: the test cannot go on. */
static inline int vb_test_extract_open(vb_normalize **nz, vb_extract **ex)
{
    vb_error nerr, xerr;
    vb_normalize_opts nopts = {0};
    nopts.restore = -1;
    VB_CHECK_INT(vb_normalize_create(nz, &nopts, &nerr), VB_OK);
    vb_extract_opts opts = {0};
    opts.rules_dir = "rules";
    VB_CHECK_INT(vb_extract_create(ex, &opts, &xerr), VB_OK);
    if (!*nz || !*ex) {
        fprintf(stderr, "set-up failed: %s\n", (!*nz ? &nerr : &xerr)->message);
        return 0;
    }
    return 1;
}

/* Close both and report: the value main() returns. */
static inline int vb_test_extract_close(vb_normalize **nz, vb_extract **ex)
{
    vb_extract_destroy(ex);
    vb_normalize_destroy(nz);
    return vb_test_finish();
}

/* Normalise then extract [text, text+len); t and rec are the caller's to free. */
static inline void vb_test_extract_run(vb_normalize *nz, vb_extract *ex, const char *text,
                                       size_t len, vb_text *t, vb_record *rec)
{
    vb_error err;
    memset(t, 0, sizeof *t);
    memset(rec, 0, sizeof *rec);
    VB_CHECK_INT(vb_normalize_run(nz, text, len, t, &err), VB_OK);
    VB_CHECK_INT(vb_extract_run(ex, t, rec, &err), VB_OK);
}

/* The same on a NUL-terminated text. */
static inline void vb_test_extract_text(vb_normalize *nz, vb_extract *ex, const char *text,
                                        vb_text *t, vb_record *rec)
{
    vb_test_extract_run(nz, ex, text, strlen(text), t, rec);
}

/* The same on the contents of the file at path (left empty if it cannot be read). */
static inline void vb_test_extract_file(vb_normalize *nz, vb_extract *ex, const char *path,
                                        vb_text *t, vb_record *rec)
{
    unsigned char *data;
    size_t len;
    vb_error err;
    memset(t, 0, sizeof *t);
    memset(rec, 0, sizeof *rec);
    VB_CHECK_INT(vb_read_file(path, 0, &data, &len, &err), VB_OK);
    if (!data)
        return;
    vb_test_extract_run(nz, ex, (char *)data, len, t, rec);
    free(data);
}

#endif
