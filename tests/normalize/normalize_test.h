/* What the normalize stage's test programs share. */
#ifndef NORMALIZE_TEST_H
#define NORMALIZE_TEST_H

#include "vb_normalize.h"

#include <stdio.h>
#include <string.h>

/* Normalise s; the text, or "ERROR: message" (a static buffer, overwritten
 * by the next call). */
static inline const char *vb_test_normalize(vb_normalize *nz, const char *s)
{
    static char buf[8192];
    vb_text t;
    vb_error e;
    vb_error_clear(&e);
    if (vb_normalize_run(nz, s, strlen(s), &t, &e) != VB_OK) {
        snprintf(buf, sizeof buf, "ERROR: %s", e.message);
        return buf;
    }
    snprintf(buf, sizeof buf, "%s", t.text);
    vb_text_free(&t);
    return buf;
}

#endif
