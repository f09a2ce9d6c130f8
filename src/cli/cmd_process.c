/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* `vanban process`: a batch of files and folders into the archive, with a
 * progress bar, Ctrl-C that keeps what is done, and resume by content. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "pipeline.h"
#include "records.h"
#include "vb_archive.h"
#include "vb_emit.h"
#include "walk.h"

/* Text documents arrive by the hundred per second: they are committed in
 * batches, at least this often, so a crash loses little and readers see
 * progress without a transaction per document. An OCR'd document is committed
 * at once: the next one may be minutes away, and an open transaction holds
 * the archive's write lock against other writers (shards sharing a file). */
#define COMMIT_SECONDS 2.0
#define COMMIT_DOCS 200

/* The contents met in this run (SHA-256, binary), so that a second copy of a
 * file is not processed again before the first is even stored. */
typedef struct content_set {
    unsigned char (*slot)[32]; /* all zero: empty */
    size_t cap, n;
} content_set;

static int hex_value(char h)
{
    return h <= '9' ? h - '0' : h - 'a' + 10;
}

static int slot_empty(const unsigned char *k)
{
    static const unsigned char zero[32];
    return !memcmp(k, zero, sizeof zero);
}

/* Where `key` is, or the empty slot where it goes (linear probing; the set
 * is at most half full). A hash needs no hashing: its first bytes will do. */
static size_t slot_for(unsigned char (*slot)[32], size_t cap, const unsigned char *key)
{
    size_t j;
    memcpy(&j, key, sizeof j);
    for (j %= cap; !slot_empty(slot[j]) && memcmp(slot[j], key, 32); j = (j + 1) % cap)
        ;
    return j;
}

/* 1 if `sha256` (64 lowercase hex digits) was already in the set, 0 if it was
 * added (or could not be: memory is short, and processing twice is harmless). */
static int content_seen(content_set *set, const char *sha256)
{
    unsigned char key[32];
    for (int i = 0; i < 32; i++)
        key[i] = (unsigned char)(hex_value(sha256[2 * i]) << 4 | hex_value(sha256[2 * i + 1]));
    if (2 * (set->n + 1) > set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 1024;
        unsigned char(*slot)[32] = calloc(cap, sizeof *slot);
        if (!slot)
            return 0;
        for (size_t i = 0; i < set->cap; i++)
            if (!slot_empty(set->slot[i]))
                memcpy(slot[slot_for(slot, cap, set->slot[i])], set->slot[i], 32);
        free(set->slot);
        set->slot = slot;
        set->cap = cap;
    }
    size_t j = slot_for(set->slot, set->cap, key);
    if (!slot_empty(set->slot[j]))
        return 1;
    memcpy(set->slot[j], key, 32);
    set->n++;
    return 0;
}

typedef struct process_cmd {
    record_builder rb;
    vb_archive *db;
    FILE *out; /* --out, or NULL */
    const char *out_path;
    int out_broken; /* a write to --out failed (reported once) */
    int force;
    content_set seen;
    int worst;
    size_t total;
    int skipped, stored, failed;
    int partial;        /* stored, but some pages could not be read (exit code 2) */
    int pending_commit; /* puts in the open batch; 0 when none is open */
    double batch_started;
    double started;
    double last_draw;
    int pages_done, pages_seen; /* as last reported by the pipeline */
    int progress;               /* draw a progress bar (stderr is a terminal) */
    int bar_shown;              /* the bar is on the last line of stderr */
} process_cmd;

/* A message must not be glued to the end of the bar: erase the bar, and let
 * the next tick draw it again under the message. */
static void clear_bar(process_cmd *c)
{
    if (!c->bar_shown)
        return;
    fputs("\r\033[K", stderr);
    c->bar_shown = 0;
    c->last_draw = 0;
}

static void report(process_cmd *c, const vb_error *e)
{
    clear_bar(c);
    cli_report("error", e);
}

static void commit(process_cmd *c, int force)
{
    if (!c->pending_commit)
        return;
    if (!force && c->pending_commit < COMMIT_DOCS && vb_now() - c->batch_started < COMMIT_SECONDS)
        return;
    vb_error e;
    vb_error_clear(&e);
    if (vb_archive_commit(c->db, &e) != VB_OK) {
        report(c, &e);
        cli_worsen(&c->worst, cli_exit_code(e.code));
    }
    c->pending_commit = 0;
}

/* Open a batch if none is open. If that fails (another writer kept the lock
 * past the busy timeout), each put runs as its own transaction and reports
 * its own failure. */
static void ensure_batch(process_cmd *c)
{
    if (c->pending_commit > 0) {
        c->pending_commit++;
        return;
    }
    vb_error e;
    vb_error_clear(&e);
    if (vb_archive_begin(c->db, &e) != VB_OK) {
        report(c, &e);
        return;
    }
    c->pending_commit = 1;
    c->batch_started = vb_now();
}

/* One record to --out, whole: flushed at once so that the lines written
 * before a Ctrl-C or a kill are complete. A full disk is reported once; the
 * archive still has every record (vanban export writes them again). */
static void write_line(process_cmd *c, const char *json)
{
    if (!c->out || !json || c->out_broken)
        return;
    fputs(json, c->out);
    fputc('\n', c->out);
    if (fflush(c->out) != 0 || ferror(c->out)) {
        vb_error e;
        vb_error_clear(&e);
        vb_error_set(&e, VB_ERR_INPUT, "cannot write the records: %s", strerror(errno));
        vb_error_at(&e, c->out_path, 0, 0);
        report(c, &e);
        cli_worsen(&c->worst, VB_EXIT_INPUT);
        c->out_broken = 1;
    }
}

static void store_failure(process_cmd *c, const char *sha256, const char *path, const vb_error *why,
                          const char *json)
{
    vb_error e;
    vb_error_clear(&e);
    ensure_batch(c);
    if (vb_archive_put_failure(c->db, sha256, path, why->message, json, &e) != VB_OK) {
        report(c, &e);
        cli_worsen(&c->worst, cli_exit_code(e.code));
    }
    write_line(c, json);
    c->failed++;
}

/* A failure found by process itself (the walk, the archive refusing a
 * record), with a failure record made for it. */
static void store_own_failure(process_cmd *c, const char *sha256, const char *path,
                              const vb_error *why)
{
    vb_emit_source src = {.path = path, .sha256 = sha256, .text_origin = "text"};
    char *json = NULL;
    vb_error e;
    vb_error_clear(&e);
    vb_emit_failure(&src, why, &json, &e);
    store_failure(c, sha256, path, why, json);
    free(json);
}

static int skip_stored(void *user, const char *path, const char *sha256)
{
    (void)path;
    process_cmd *c = user;
    if (content_seen(&c->seen, sha256)) {
        c->skipped++;
        return 1;
    }
    if (c->force)
        return 0;
    vb_archive_state state = VB_ARCHIVE_ABSENT;
    vb_error e;
    vb_error_clear(&e);
    /* A failure is tried again: the cause may have been fixed. */
    if (vb_archive_lookup(c->db, sha256, &state, &e) == VB_OK && state == VB_ARCHIVE_STORED) {
        c->skipped++;
        return 1;
    }
    return 0;
}

static int on_document(void *user, pipeline_doc *doc)
{
    process_cmd *c = user;
    if (doc->interrupted || doc->skipped)
        return 0;
    /* record_build reports a document's own problems */
    if (doc->open_err.code != VB_OK || doc->failed_pages > 0)
        clear_bar(c);
    record_result r;
    record_build(&c->rb, doc, &r);
    cli_worsen(&c->worst, r.exit_code);
    if (r.failed) {
        store_failure(c, doc->sha256[0] ? doc->sha256 : NULL, doc->path, &r.failure, r.json);
    } else if (r.json) {
        vb_error e;
        vb_error_clear(&e);
        ensure_batch(c);
        if (vb_archive_put_record(c->db, r.json, NULL, &e) != VB_OK) {
            vb_error_at(&e, doc->path, 0, 0);
            report(c, &e);
            cli_worsen(&c->worst, cli_exit_code(e.code));
            store_own_failure(c, doc->sha256[0] ? doc->sha256 : NULL, doc->path, &e);
        } else {
            c->stored++;
            c->partial += doc->failed_pages > 0;
            write_line(c, r.json);
        }
    }
    free(r.json);
    commit(c, doc->ocr_pages > 0);
    return 0;
}

static void draw_progress(process_cmd *c, int docs_done, int pages_done, int pages_seen)
{
    double now = vb_now();
    if (!c->progress || now - c->last_draw < 0.25)
        return;
    c->last_draw = now;
    double elapsed = now - c->started;
    int worked = docs_done - c->skipped;
    double rate = elapsed > 0 ? pages_done / elapsed : 0;
    char eta[32] = "--:--:--";
    if (worked > 0 && (size_t)docs_done < c->total) {
        long s = (long)(elapsed / worked * (double)(c->total - (size_t)docs_done));
        snprintf(eta, sizeof eta, "%02ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    }
    int width = 24, filled = c->total ? (int)((size_t)docs_done * (size_t)width / c->total) : 0;
    char bar[32];
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    /* \033[K: clear what a longer previous line left. */
    fprintf(stderr,
            "\r[%s] %d/%zu docs, %d/%d pages, %.2f pages/s, ETA %s, %d skipped, %d failed\033[K",
            bar, docs_done, c->total, pages_done, pages_seen, rate, eta, c->skipped, c->failed);
    fflush(stderr);
    c->bar_shown = 1;
}

/* Called by the pipeline as pages advance, even when no document completes
 * for a while: the place to end a batch that has been open too long. */
static void on_progress(void *user, int docs_done, int pages_done, int pages_seen)
{
    process_cmd *c = user;
    c->pages_done = pages_done;
    c->pages_seen = pages_seen;
    commit(c, 0);
    draw_progress(c, docs_done, pages_done, pages_seen);
}

/* K/N from --shard, or from the cluster scheduler's environment. */
static int parse_shard(const char *arg, int *k, int *n)
{
    *k = 1;
    *n = 1;
    if (arg) {
        char extra;
        if (sscanf(arg, "%d/%d%c", k, n, &extra) != 2 || *n < 1 || *k < 1 || *k > *n)
            return -1;
        return 0;
    }
    const char *id = getenv("SLURM_ARRAY_TASK_ID"), *count = getenv("SLURM_ARRAY_TASK_COUNT");
    const char *min = getenv("SLURM_ARRAY_TASK_MIN"), *step = getenv("SLURM_ARRAY_TASK_STEP");
    if (id && count) {
        /* --array=1-8 and --array=0-14:2 both number their tasks 1..8 here */
        int by = step && atoi(step) > 0 ? atoi(step) : 1;
        int from = atoi(id) - (min ? atoi(min) : 0);
        if (from % by != 0)
            return -1;
        *k = from / by + 1;
        *n = atoi(count);
    } else if ((id = getenv("JOB_COMPLETION_INDEX")) && (count = getenv("VANBAN_SHARDS"))) {
        *k = atoi(id) + 1; /* Kubernetes indexed jobs count from 0 */
        *n = atoi(count);
    }
    return *n >= 1 && *k >= 1 && *k <= *n ? 0 : -1;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: vanban process PATH... --db ARCHIVE.db [--jobs N] [--out RECORDS.jsonl]\n"
               "                      [--shard K/N] [--force] [--quiet] [--full-resolution]\n"
               "  Walks folders (every PDF, TIFF, PNG, JPEG and *.txt file), processes each\n"
               "  document and stores its record in the archive. Documents already stored\n"
               "  (same content) are skipped unless --force; Ctrl-C stops cleanly and the\n"
               "  next run resumes.\n"
               "  --shard K/N  take only the K-th of N deterministic shares of the inputs,\n"
               "               by path: run every share with the same PATH arguments\n"
               "               (default from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or\n"
               "               JOB_COMPLETION_INDEX/VANBAN_SHARDS)\n"
               "  --out FILE   also append the record of every input processed (stored or\n"
               "               failed; not the skipped ones) to FILE, JSON Lines\n"
               "  --quiet      no progress bar and no summary; errors are still "
               "reported\n" CLI_FULL_RESOLUTION_HELP
               "  Exit code 0: every input stored or skipped; 2: some failed (each recorded\n"
               "  in the archive and --out with its reason); 130: interrupted, run again.\n");
}

int cmd_process(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},        {"jobs", required_argument, NULL, 'j'},
        {"out", required_argument, NULL, 'o'},       {"shard", required_argument, NULL, 's'},
        {"force", no_argument, NULL, 'f'},           {"quiet", no_argument, NULL, 'q'},
        {"rules", required_argument, NULL, 'R'},     {"help", no_argument, NULL, 'h'},
        {"full-resolution", no_argument, NULL, 'F'}, {NULL, 0, NULL, 0}};
    const char *db_path = NULL, *out_path = NULL, *shard = NULL, *rules_dir = NULL;
    process_cmd c = {0};
    pipeline_opts po = {0};
    int quiet = 0, opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "j:o:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'd': db_path = optarg; break;
        case 'j':
            if ((po.jobs = cli_parse_jobs(optarg)) < 0) {
                cli_errorf("--jobs wants a number from 1 to 256, not '%s'", optarg);
                return VB_EXIT_USAGE;
            }
            break;
        case 'o': out_path = optarg; break;
        case 's': shard = optarg; break;
        case 'f': c.force = 1; break;
        case 'q': quiet = 1; break;
        case 'F': po.full_resolution = 1; break;
        case 'R': rules_dir = optarg; break;
        case 'h': usage(stdout); return VB_EXIT_OK;
        default: usage(stderr); return VB_EXIT_USAGE;
        }
    }
    if (optind >= argc || !db_path) {
        usage(stderr);
        return VB_EXIT_USAGE;
    }
    int k, n;
    if (parse_shard(shard, &k, &n) != 0) {
        if (shard)
            cli_errorf("--shard wants K/N with 1 <= K <= N, not '%s'", shard);
        else
            cli_errorf("cannot tell this task's shard from the environment "
                       "(SLURM_ARRAY_TASK_ID=%s SLURM_ARRAY_TASK_COUNT=%s, or "
                       "JOB_COMPLETION_INDEX=%s VANBAN_SHARDS=%s); give --shard K/N",
                       getenv("SLURM_ARRAY_TASK_ID") ? getenv("SLURM_ARRAY_TASK_ID") : "",
                       getenv("SLURM_ARRAY_TASK_COUNT") ? getenv("SLURM_ARRAY_TASK_COUNT") : "",
                       getenv("JOB_COMPLETION_INDEX") ? getenv("JOB_COMPLETION_INDEX") : "",
                       getenv("VANBAN_SHARDS") ? getenv("VANBAN_SHARDS") : "");
        return VB_EXIT_USAGE;
    }
    int code = record_builder_init(&c.rb, 1, rules_dir);
    if (code != VB_EXIT_OK)
        return code;
    vb_error err;
    vb_error_clear(&err);
    if (vb_archive_open(&c.db, db_path, NULL, &err) != VB_OK) {
        cli_report("error", &err);
        record_builder_free(&c.rb);
        return cli_exit_code(err.code);
    }
    c.out_path = out_path;
    if (out_path && !(c.out = fopen(out_path, "a"))) {
        vb_error_set(&err, VB_ERR_INPUT, "cannot open for writing: %s", strerror(errno));
        vb_error_at(&err, out_path, 0, 0);
        cli_report("error", &err);
        vb_archive_close(&c.db);
        record_builder_free(&c.rb);
        return VB_EXIT_INPUT;
    }

    /* From here on Ctrl-C stops cleanly: what is stored stays stored. */
    cli_install_signals();
    walk_result w;
    walk_inputs(argv + optind, (size_t)(argc - optind), &w);
    for (size_t i = 0; i < w.n_problems; i++) {
        /* Each shard reports its share of the problems, so N copies report
         * each once. */
        if (!walk_in_shard(w.problems[i].path, k, n))
            continue;
        vb_error why;
        vb_error_clear(&why);
        vb_error_at(&why, w.problems[i].path, 0, 0);
        vb_error_set(&why, VB_ERR_INPUT, "%s", w.problems[i].reason);
        cli_report("error", &why);
        cli_worsen(&c.worst, VB_EXIT_INPUT);
        store_own_failure(&c, NULL, w.problems[i].path, &why);
    }
    /* Keep only this shard's share, in place. */
    size_t kept = 0;
    for (size_t i = 0; i < w.n_files; i++) {
        if (walk_in_shard(w.files[i], k, n))
            w.files[kept++] = w.files[i];
        else
            free(w.files[i]);
    }
    w.n_files = kept;
    c.total = kept;

    c.progress = !quiet && isatty(STDERR_FILENO);
    c.started = vb_now();
    po.on_document = on_document;
    po.skip = skip_stored;
    po.progress = on_progress;
    po.user = &c;
    po.stop = &cli_stop;
    pipeline_stats stats;
    vb_status st = pipeline_run(&po, w.files, w.n_files, &stats, &err);
    if (st != VB_OK) {
        report(&c, &err);
        cli_worsen(&c.worst, cli_exit_code(st));
    }
    commit(&c, 1);
    if (c.progress) {
        c.last_draw = 0;
        draw_progress(&c, stats.docs, c.pages_done, c.pages_seen);
        fputc('\n', stderr);
    }
    if (!quiet) {
        char partial[64] = "", ignored[96] = "";
        if (c.partial)
            snprintf(partial, sizeof partial, " (%d with pages that could not be read)", c.partial);
        if (w.n_ignored)
            snprintf(ignored, sizeof ignored,
                     "; %zu other file(s) left out (not PDF, TIFF, PNG, JPEG or *.txt)",
                     w.n_ignored);
        fprintf(stderr,
                "vanban: %s: %d stored%s, %d skipped (already in the archive), %d failed, "
                "%d pages OCR'd in %.1f s%s%s\n",
                db_path, c.stored, partial, c.skipped, c.failed, stats.pages, vb_now() - c.started,
                ignored, stats.interrupted ? "; interrupted, run again to resume" : "");
    }
    walk_result_free(&w);
    free(c.seen.slot);
    if (c.out && fclose(c.out) != 0 && !c.out_broken) {
        vb_error_set(&err, VB_ERR_INPUT, "cannot write the records: %s", strerror(errno));
        vb_error_at(&err, out_path, 0, 0);
        cli_report("error", &err);
        cli_worsen(&c.worst, VB_EXIT_INPUT);
    }
    vb_archive_close(&c.db);
    record_builder_free(&c.rb);
    if (stats.interrupted)
        return VB_EXIT_INTERRUPTED;
    return c.failed ? (c.worst > VB_EXIT_INPUT ? c.worst : VB_EXIT_INPUT) : c.worst;
}
