/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Hostile and degenerate texts: the extractor finishes quickly on each, never
 * crashes, and reports rather than hangs when a pattern reaches its limits.
 * Inputs the fuzzer (fuzz_extract) once crashed on are kept in
 * tests/extract/data/fuzz/ and run here too. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "vb_test_extract.h"

static vb_normalize *nz;
static vb_extract *ex;

static void run(const char *what, const char *text, size_t len)
{
    vb_error err;
    vb_text t = {0};
    vb_record rec = {0};
    if (vb_normalize_run(nz, text, len, &t, &err) != VB_OK) {
        fprintf(stderr, "%s: normalize: %s\n", what, err.message);
        return;
    }
    double t0 = vb_now();
    VB_CHECK_INT(vb_extract_run(ex, &t, &rec, &err), VB_OK);
    double secs = vb_now() - t0;
    /* 1 MB/s is far below the measured speed: only a runaway pattern is this slow */
    if (secs > 1.0 + (double)len / 1e6) {
        fprintf(stderr, "%s: %.2f s for %zu bytes\n", what, secs, len);
        VB_CHECK(0);
    }
    vb_record_free(&rec);
    vb_text_free(&t);
}

static char *repeat(const char *unit, size_t times, size_t *len)
{
    size_t ul = strlen(unit);
    char *s = malloc(ul * times + 1);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * ul, unit, ul);
    s[ul * times] = '\0';
    *len = ul * times;
    return s;
}

int main(void)
{
    vb_error err;
    if (!vb_test_extract_open(&nz, &ex))
        return 1;
    static const struct {
        const char *what, *unit;
        size_t times;
    } cases[] = {
        {"empty", "", 1},
        {"form feeds", "\f", 5000},
        {"blank lines", "\n", 100000},
        {"one long line", "Kế hoạch ", 50000},
        {"symbol prefixes", "Số: 1/", 30000},
        {"dashes and slashes", "1-A/B-C/D-", 20000},
        {"open parentheses", "(Công an tỉnh chủ trì, phối hợp với ", 5000},
        {"percent signs", "100% ", 40000},
        {"agency heads", "Sở Ban Bộ Hội Đoàn ", 20000},
        {"quotes", "về “", 30000},
        {"Căn cứ lines", "Căn cứ Thông tư số 124 của\n", 20000},
        {"capitals", "ỦY BAN NHÂN DÂN\n", 20000},
        {"deadlines", "trước ngày 1/1/", 20000},
        {"numbered headings", "1. Công an tỉnh\n- \n", 20000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        char *s = repeat(cases[i].unit, cases[i].times, &len);
        run(cases[i].what, s, len);
        free(s);
    }
    DIR *d = opendir("tests/extract/data/fuzz");
    struct dirent *de;
    int n = 0;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof path, "tests/extract/data/fuzz/%s", de->d_name);
        unsigned char *data;
        size_t len;
        if (vb_read_file(path, 0, &data, &len, &err) == VB_OK) {
            run(path, (char *)data, len);
            free(data);
            n++;
        }
    }
    if (d)
        closedir(d);
    VB_CHECK(n > 0);
    return vb_test_extract_close(&nz, &ex);
}
