/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * vb-archive-bench: the archive's numbers, driven by scripts/bench-archive.
 *
 *   vb-archive-bench DB RECORDS.jsonl QUERIES.tsv [REPEATS]
 *   vb-archive-bench --load DB RECORDS.jsonl
 *
 * Loads RECORDS.jsonl into a new archive DB in batches (as `vanban process`
 * does), then runs every query of QUERIES.tsv ("search-folded\tQUERY",
 * "search-exact\tQUERY", "cites\tQUERY") REPEATS times (default 20) and prints
 * ingest records/s and latency percentiles per kind. With --load it only
 * loads (for the command-line tests, until `vanban process` writes archives).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "vb_archive.h"

enum { KIND_FOLDED, KIND_EXACT, KIND_CITES, NKIND };
static const char *const kind_names[NKIND] = {"search (folded query)", "search (exact query)",
                                              "cites"};

struct lat {
    double *v;
    size_t n, cap;
};

static void lat_add(struct lat *l, double ms)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v)
            exit(4);
    }
    l->v[l->n++] = ms;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const struct lat *l, double p)
{
    if (!l->n)
        return 0;
    size_t i = (size_t)(p / 100.0 * (double)(l->n - 1) + 0.5);
    return l->v[i];
}

/* CPU seconds of this process: unlike wall time, not inflated when other
 * jobs share the cores. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count_hit(void *user, const void *hit)
{
    (void)hit;
    (*(int *)user)++;
    return 0;
}

static int on_search(void *u, const vb_search_hit *h)
{
    return count_hit(u, h);
}
static int on_cite(void *u, const vb_cite_hit *h)
{
    return count_hit(u, h);
}

static int die(const char *what, const vb_error *e)
{
    fprintf(stderr, "vb-archive-bench: %s: %s\n", what, e->message);
    return 4;
}

/* Every line of `path` into the archive, in batches of 200; the count in *n. */
static int load(vb_archive *a, const char *path, long *n, long *bytes)
{
    FILE *in = fopen(path, "r");
    if (!in) {
        perror(path);
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    vb_error e;
    vb_error_clear(&e);
    int rc = 0;
    if (vb_archive_begin(a, &e) != VB_OK)
        rc = die("begin", &e);
    while (!rc && (len = getline(&line, &cap, in)) > 0) {
        if (vb_archive_put_record(a, line, NULL, &e) != VB_OK)
            rc = die("put", &e);
        *bytes += len;
        if (!rc && ++*n % 200 == 0 &&
            (vb_archive_commit(a, &e) != VB_OK || vb_archive_begin(a, &e) != VB_OK))
            rc = die("commit", &e);
    }
    if (!rc && vb_archive_commit(a, &e) != VB_OK)
        rc = die("commit", &e);
    free(line);
    fclose(in);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--load")) {
        vb_archive *a;
        vb_error e;
        long n = 0, bytes = 0;
        if (vb_archive_open(&a, argv[2], NULL, &e) != VB_OK)
            return die("open", &e);
        int rc = load(a, argv[3], &n, &bytes);
        vb_archive_close(&a);
        return rc;
    }
    if (argc < 4) {
        fprintf(stderr, "usage: vb-archive-bench DB RECORDS.jsonl QUERIES.tsv [REPEATS]\n");
        return 1;
    }
    int repeats = argc > 4 ? atoi(argv[4]) : 20;
    vb_archive *a;
    vb_error e;
    vb_error_clear(&e);
    if (vb_archive_open(&a, argv[1], NULL, &e) != VB_OK)
        return die("open", &e);
    long n = 0, bytes = 0;
    double t0 = vb_now(), c0 = cpu_now();
    int rc = load(a, argv[2], &n, &bytes);
    if (rc)
        return rc;
    double load_s = vb_now() - t0, load_cpu = cpu_now() - c0;
    struct stat st;
    long size = stat(argv[1], &st) == 0 ? (long)st.st_size : 0;
    printf("ingest: %ld records (%.1f MB of JSON) in %.2f s (%.2f s CPU): %.0f records/s, "
           "%.2f ms per record (batches of 200)\n",
           n, (double)bytes / 1e6, load_s, load_cpu, (double)n / load_s,
           1000.0 * load_s / (double)n);
    printf("archive: %.1f MB\n", (double)size / 1e6);

    /* one transaction per record, as a single-document run would write */
    t0 = vb_now();
    int added = 0;
    const char *one =
        "{\"schema\":\"vanban.record/1\",\"id\":\"%064x\",\"source\":{\"path\":\"single/%d.txt\","
        "\"sha256\":\"%064x\",\"media_type\":\"text/plain\",\"pages\":1,\"text_origin\":\"text\"},"
        "\"document\":{\"symbol\":\"%d/TB-UBND\"},\"references\":[],\"targets\":[],\"tasks\":[],"
        "\"text\":\"Thông báo số %d về lịch tiếp công dân của Ủy ban nhân dân tỉnh.\","
        "\"quality\":{\"ocr_confidence\":null,\"warnings\":[]}}";
    char buf[1024];
    for (int i = 0; i < 200; i++) {
        snprintf(buf, sizeof buf, one, 0x7000000 + i, i, 0x7000000 + i, i, i);
        if (vb_archive_put_record(a, buf, &added, &e) != VB_OK)
            return die("put", &e);
    }
    printf("ingest, one transaction per record: %.2f ms per record\n",
           1000.0 * (vb_now() - t0) / 200);

    FILE *q = fopen(argv[3], "r");
    if (!q) {
        perror(argv[3]);
        return 2;
    }
    struct lat lat[NKIND] = {{0}}, cpu[NKIND] = {{0}};
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    vb_search_opts so = {.limit = 20};
    while ((len = getline(&line, &cap, q)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        const char *query = tab + 1;
        int kind = !strcmp(line, "search-folded")  ? KIND_FOLDED
                   : !strcmp(line, "search-exact") ? KIND_EXACT
                   : !strcmp(line, "cites")        ? KIND_CITES
                                                   : -1;
        if (kind < 0)
            continue;
        int hits = 0;
        double worst = 0;
        for (int r = 0; r < repeats; r++) {
            hits = 0;
            double s = vb_now(), c = cpu_now();
            vb_status rs = kind == KIND_CITES
                               ? vb_archive_cites(a, query, on_cite, &hits, NULL, &e)
                               : vb_archive_search(a, query, &so, on_search, &hits, NULL, &e);
            double ms = 1000.0 * (vb_now() - s), cms = 1000.0 * (cpu_now() - c);
            if (rs != VB_OK)
                return die(query, &e);
            lat_add(&lat[kind], ms);
            lat_add(&cpu[kind], cms);
            worst = ms > worst ? ms : worst;
        }
        printf("  %-14s %-40s %4d hits, worst %.2f ms\n", line, query, hits, worst);
    }
    fclose(q);
    free(line);
    printf("\nlatency over %d repeats of each query, ms (wall clock | CPU time):\n", repeats);
    printf("  %-24s %6s %8s %8s %8s | %8s %8s %8s\n", "", "runs", "p50", "p95", "max", "p50", "p95",
           "max");
    for (int k = 0; k < NKIND; k++) {
        qsort(lat[k].v, lat[k].n, sizeof *lat[k].v, cmp_double);
        qsort(cpu[k].v, cpu[k].n, sizeof *cpu[k].v, cmp_double);
        printf("  %-24s %6zu %8.2f %8.2f %8.2f | %8.2f %8.2f %8.2f\n", kind_names[k], lat[k].n,
               pct(&lat[k], 50), pct(&lat[k], 95), lat[k].n ? lat[k].v[lat[k].n - 1] : 0.0,
               pct(&cpu[k], 50), pct(&cpu[k], 95), cpu[k].n ? cpu[k].v[cpu[k].n - 1] : 0.0);
        free(lat[k].v);
        free(cpu[k].v);
    }
    t0 = vb_now();
    if (vb_archive_check(a, &e) != VB_OK)
        return die("check", &e);
    printf("\nintegrity_check + FTS5 integrity-check: ok in %.2f s\n", vb_now() - t0);
    vb_archive_close(&a);
    return 0;
}
