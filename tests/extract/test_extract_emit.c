/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Extract then emit every truth fixture and seed: the records (references,
 * tasks and targets filled) go to the JSON Lines file named by argv[1], which
 * the next test validates against schema/. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "vb_emit.h"
#include "vb_test_extract.h"

static void run_dir(vb_normalize *nz, vb_extract *ex, const char *dir, const char *suffix,
                    FILE *out, int *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t nl = strlen(de->d_name), sl = strlen(suffix);
        if (nl <= sl || strcmp(de->d_name + nl - sl, suffix) != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        vb_error err;
        vb_text t;
        vb_record rec;
        vb_test_extract_file(nz, ex, path, &t, &rec);
        VB_CHECK(rec.n_references > 0);
        vb_emit_input in = {0};
        in.source.path = path;
        in.source.sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
        in.source.media_type = "text/plain";
        in.source.pages = 1;
        in.source.text_origin = "text";
        in.record = &rec;
        in.text = &t;
        in.ocr_confidence = -1;
        char *json = NULL;
        VB_CHECK_INT(vb_emit_record(&in, &json, &err), VB_OK);
        if (json)
            fprintf(out, "%s\n", json);
        free(json);
        vb_record_free(&rec);
        vb_text_free(&t);
        (*n)++;
    }
    if (d)
        closedir(d);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_extract_emit OUT.jsonl\n");
        return 2;
    }
    vb_normalize *nz = NULL;
    vb_extract *ex = NULL;
    if (!vb_test_extract_open(&nz, &ex))
        return 1;
    FILE *out = fopen(argv[1], "w");
    if (!out)
        return 1;
    int n = 0;
    run_dir(nz, ex, "fixtures/truth", ".txt", out, &n);
    run_dir(nz, ex, "fixtures/seeds", ".ocr.txt", out, &n);
    fclose(out);
    VB_CHECK(n >= 3);
    return vb_test_extract_close(&nz, &ex);
}
