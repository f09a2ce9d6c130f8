/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* `vanban rules check` over the repository's rules/: every rule compiles and
 * every example passes both ways. Each problem is printed in GNU form. */
#include <stdio.h>

#include "vb_extract.h"
#include "vb_test.h"

static void print_diag(void *user, const vb_error *e)
{
    (void)user;
    fprintf(stderr, "%s:%d:%d: error: %s\n", e->file, e->line, e->column, e->message);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "rules";
    int ok = 0, bad = 0;
    vb_error err;
    vb_error_clear(&err);
    vb_status st = vb_rules_check(dir, print_diag, NULL, &ok, &bad, &err);
    if (st != VB_OK)
        fprintf(stderr, "%s: error: %s\n", err.file, err.message);
    fprintf(stderr, "%s: %d rules passed, %d failed\n", dir, ok, bad);
    VB_CHECK_INT(st, VB_OK);
    VB_CHECK_INT(bad, 0);
    VB_CHECK(ok > 0);
    return vb_test_finish();
}
