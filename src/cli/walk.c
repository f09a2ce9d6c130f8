/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Collecting the inputs of a batch: files named on the command line, and
 * every supported file under the folders named, symlinks followed, loops
 * detected. */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "vb_ingest.h"

typedef struct dir_id {
    dev_t dev;
    ino_t ino;
    int open; /* on the path being walked: meeting it again is a loop */
} dir_id;

typedef struct walker {
    walk_result *out;
    dir_id *seen; /* directories on the current path and already walked */
    size_t n_seen, cap_seen;
} walker;

static int push(char ***items, size_t *n, size_t *cap, char *s)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 64;
        char **p = realloc(*items, c * sizeof *p);
        if (!p)
            return -1;
        *items = p;
        *cap = c;
    }
    (*items)[(*n)++] = s;
    return 0;
}

static void add_problem(walker *w, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_problem(walker *w, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    walk_result *r = w->out;
    if (r->n_problems == r->cap_problems) {
        size_t c = r->cap_problems ? 2 * r->cap_problems : 8;
        struct walk_problem *p = realloc(r->problems, c * sizeof *p);
        if (!p)
            return;
        r->problems = p;
        r->cap_problems = c;
    }
    r->problems[r->n_problems].path = strdup(path);
    r->problems[r->n_problems].reason = strdup(msg);
    r->n_problems++;
}

/* In a folder, take what vanban can read: a PDF, TIFF, PNG or JPEG by its
 * first bytes, or a file named *.txt (text has no signature). */
static int supported(const char *path, const char *name)
{
    size_t n = strlen(name);
    if (n > 4 && strcasecmp(name + n - 4, ".txt") == 0)
        return 1;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 1; /* let the batch report why it cannot be read */
    unsigned char head[1024];
    size_t got = fread(head, 1, sizeof head, f);
    fclose(f);
    vb_media m = vb_media_detect(head, got);
    return m != VB_MEDIA_UNKNOWN && m != VB_MEDIA_TEXT;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_dir(walker *w, const char *dir, const struct stat *st)
{
    /* A folder met again below itself is a loop; met again elsewhere (two
     * links to one folder, or named twice), its files are already taken. */
    for (size_t i = 0; i < w->n_seen; i++) {
        if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino) {
            if (w->seen[i].open)
                add_problem(w, dir,
                            "directory loop: a symbolic link leads back to a folder "
                            "that contains it; not followed");
            return;
        }
    }
    if (w->n_seen == w->cap_seen) {
        size_t c = w->cap_seen ? 2 * w->cap_seen : 32;
        dir_id *p = realloc(w->seen, c * sizeof *p);
        if (!p)
            return;
        w->seen = p;
        w->cap_seen = c;
    }
    size_t self = w->n_seen;
    w->seen[w->n_seen++] = (dir_id){st->st_dev, st->st_ino, 1};

    DIR *d = opendir(dir);
    if (!d) {
        add_problem(w, dir, "cannot open folder: %s", strerror(errno));
        w->seen[self].open = 0;
        return;
    }
    /* Sorted, so a batch always meets its files in the same order. */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* ".", "..", and hidden files (.DS_Store, .git) */
        char *s = strdup(e->d_name);
        if (!s || push(&names, &n, &cap, s)) {
            free(s);
            break;
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(len);
        if (path) {
            snprintf(path, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
            struct stat s;
            if (stat(path, &s) != 0) {
                add_problem(w, path, "cannot read: %s", strerror(errno));
                free(path);
            } else if (S_ISDIR(s.st_mode)) {
                walk_dir(w, path, &s);
                free(path);
            } else if (S_ISREG(s.st_mode) && supported(path, names[i])) {
                if (push(&w->out->files, &w->out->n_files, &w->out->cap_files, path))
                    free(path);
            } else {
                w->out->n_ignored += S_ISREG(s.st_mode);
                free(path);
            }
        }
        free(names[i]);
    }
    free(names);
    w->seen[self].open = 0;
}

void walk_inputs(char *const *args, size_t n_args, walk_result *out)
{
    memset(out, 0, sizeof *out);
    walker w = {.out = out};
    for (size_t i = 0; i < n_args; i++) {
        struct stat st;
        if (strcmp(args[i], "-") != 0 && stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            walk_dir(&w, args[i], &st);
            continue;
        }
        /* A file named explicitly is always taken; if it cannot be read,
         * the batch says so. */
        char *p = strdup(args[i]);
        if (p && push(&out->files, &out->n_files, &out->cap_files, p))
            free(p);
    }
    free(w.seen);
}

void walk_result_free(walk_result *r)
{
    for (size_t i = 0; i < r->n_files; i++)
        free(r->files[i]);
    for (size_t i = 0; i < r->n_problems; i++) {
        free(r->problems[i].path);
        free(r->problems[i].reason);
    }
    free(r->files);
    free(r->problems);
    memset(r, 0, sizeof *r);
}

/* FNV-1a: stable across machines and runs, which is all a shard needs. */
static unsigned long long fnv1a(const char *s)
{
    unsigned long long h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

int walk_in_shard(const char *path, int k, int n)
{
    if (n <= 1)
        return 1;
    return (int)(fnv1a(path) % (unsigned long long)n) == k - 1;
}
