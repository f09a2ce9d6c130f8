/* Golden tests of the normalize stage: every tests/normalize/golden/NAME.in.txt
 * is normalised with the default options (restoration on, the committed
 * model and confusion tables) plus legacy_encoding "auto", and compared byte
 * for byte with NAME.out.txt.
 * UPDATE_GOLDEN=1 rewrites the .out.txt files; review the diff. */
#include "vb_normalize.h"
#include "vb_test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIR_GOLDEN "tests/normalize/golden"

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok ? 0 : -1;
}

int main(void)
{
    vb_normalize_opts o = {0};
    o.restore = 1;
    o.legacy_encoding = "auto"; /* windows-1258, tcvn3, vni .in.txt are not UTF-8 */
    vb_normalize *nz = NULL;
    vb_error e;
    vb_error_clear(&e);
    if (vb_normalize_create(&nz, &o, &e) != VB_OK) {
        fprintf(stderr, "%s: %s\n", e.file, e.message);
        return 1;
    }
    int update = getenv("UPDATE_GOLDEN") && strcmp(getenv("UPDATE_GOLDEN"), "1") == 0;
    DIR *d = opendir(DIR_GOLDEN);
    VB_CHECK(d != NULL);
    int cases = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 8 || strcmp(de->d_name + n - 7, ".in.txt") != 0)
            continue;
        char in[1024], want[1024];
        snprintf(in, sizeof in, "%s/%s", DIR_GOLDEN, de->d_name);
        snprintf(want, sizeof want, "%s/%.*s.out.txt", DIR_GOLDEN, (int)(n - 7), de->d_name);
        unsigned char *data = NULL, *exp = NULL;
        size_t len = 0, elen = 0;
        vb_text t;
        VB_CHECK_INT(vb_read_file(in, 0, &data, &len, &e), VB_OK);
        VB_CHECK_INT(vb_normalize_run(nz, (const char *)data, len, &t, &e), VB_OK);
        cases++;
        if (update) {
            VB_CHECK_INT(write_file(want, t.text, t.len), 0);
        } else if (vb_read_file(want, 0, &exp, &elen, &e) != VB_OK) {
            VB_CHECK_STR(want, "(missing: run with UPDATE_GOLDEN=1)");
        } else {
            int same = elen == t.len && memcmp(exp, t.text, elen) == 0;
            if (!same)
                fprintf(stderr, "%s: output differs from %s\n", in, want);
            VB_CHECK(same);
        }
        free(data);
        free(exp);
        vb_text_free(&t);
    }
    if (d)
        closedir(d);
    VB_CHECK(cases >= 11);
    vb_normalize_destroy(&nz);
    return vb_test_finish();
}
