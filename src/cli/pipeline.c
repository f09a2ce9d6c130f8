/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "pipeline.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vb_ocr.h"

typedef struct pipeline {
    const pipeline_opts *opts;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pipeline_doc **docs; /* in input order; NULL once handed out */
    size_t n_docs;
    size_t next_out; /* first document not yet handed out */
    pipeline_stats *stats;
    int pages_done;
    int pages_seen;
    vb_ocr *ocr;
} pipeline;

static void doc_free(pipeline_doc *doc)
{
    if (!doc)
        return;
    for (int i = 0; i < doc->n_pages; i++)
        free(doc->page_text ? doc->page_text[i] : NULL);
    for (size_t i = 0; i < doc->n_warnings; i++)
        free(doc->warnings[i]);
    free(doc->warnings);
    free(doc->page_text);
    free(doc->page_conf);
    free(doc->path);
    free(doc);
}

static void doc_warn(pipeline_doc *doc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void doc_warn(pipeline_doc *doc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[1024];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    char *copy = strdup(tmp);
    char **w = copy ? realloc(doc->warnings, (doc->n_warnings + 1) * sizeof *w) : NULL;
    if (!w) {
        free(copy);
        return;
    }
    doc->warnings = w;
    doc->warnings[doc->n_warnings++] = copy;
}

static void doc_page_failed(pipeline_doc *doc, const vb_error *e)
{
    if (doc->failed_pages++ == 0)
        doc->page_err = *e;
    doc_warn(doc, "page %d: %s", e->page, e->message);
}

char *pipeline_doc_text(const pipeline_doc *doc, size_t *len)
{
    vb_buf b = {0};
    for (int i = 0; i < doc->n_pages; i++) {
        if (i > 0)
            vb_buf_putc(&b, '\f');
        if (doc->page_text[i])
            vb_buf_puts(&b, doc->page_text[i]);
    }
    return vb_buf_steal(&b, len);
}

const char *pipeline_doc_origin(const pipeline_doc *doc)
{
    if (doc->ocr_pages > 0)
        return "ocr";
    return doc->media == VB_MEDIA_PDF ? "pdf-text" : "text";
}

double pipeline_doc_confidence(const pipeline_doc *doc)
{
    double sum = 0;
    int n = 0;
    for (int i = 0; i < doc->n_pages; i++) {
        if (doc->page_conf[i] >= 0) {
            sum += doc->page_conf[i];
            n++;
        }
    }
    return n ? sum / n : -1;
}

/* Hand out, in input order, every document that is complete. Called on the
 * main thread, with the lock held; releases it around the callback. */
static void flush_ready(pipeline *pl)
{
    while (pl->next_out < pl->n_docs) {
        pipeline_doc *doc = pl->docs[pl->next_out];
        if (!doc->submitted_all || doc->pending > 0)
            break;
        pl->docs[pl->next_out++] = NULL;
        pthread_mutex_unlock(&pl->lock);
        if (doc->open_err.code != VB_OK)
            pl->stats->docs_failed++;
        /* a document left unfinished means the batch was */
        if (doc->interrupted)
            pl->stats->interrupted = 1;
        pl->stats->docs++;
        pl->stats->pages_failed += doc->failed_pages;
        pl->opts->on_document(pl->opts->user, doc);
        doc_free(doc);
        pthread_mutex_lock(&pl->lock);
    }
}

static void on_page(void *user, vb_ocr_result *r)
{
    pipeline *pl = user;
    pipeline_doc *doc = r->tag;
    pthread_mutex_lock(&pl->lock);
    if (r->err.code == VB_ERR_INTERRUPTED) {
        doc->interrupted = 1;
    } else if (r->err.code != VB_OK) {
        vb_error_at(&r->err, doc->path, 0, 0);
        doc_page_failed(doc, &r->err);
        free(r->text);
    } else {
        doc->page_text[r->page] = r->text;
        doc->page_conf[r->page] = r->confidence;
        if (r->noisy)
            doc_warn(doc, "page %d: speckle noise removed before OCR", r->page + 1);
        if (r->reread)
            doc_warn(doc,
                     "page %d: the number line read a second time, from a median-filtered copy",
                     r->page + 1);
    }
    pl->stats->pages_reduced += r->reduce > 1;
    pl->stats->recognize_seconds += r->recognize_seconds;
    pl->stats->clean_seconds += r->clean_seconds;
    pl->stats->layout_seconds += r->layout_seconds;
    pl->stats->recognize_cpu += r->recognize_cpu;
    pl->stats->clean_cpu += r->clean_cpu;
    pl->stats->layout_cpu += r->layout_cpu;
    if (r->err.code != VB_ERR_INTERRUPTED)
        pl->stats->pages++; /* abandoned pages were not OCR'd */
    pl->pages_done++;
    doc->pending--;
    pthread_cond_broadcast(&pl->changed);
    pthread_mutex_unlock(&pl->lock);
}

static vb_status ensure_ocr(pipeline *pl, vb_error *err)
{
    if (pl->ocr)
        return VB_OK;
    vb_ocr_opts o = {
        .jobs = pl->opts->jobs,
        .lang = pl->opts->lang,
        .no_clean = pl->opts->no_clean,
        .full_resolution = pl->opts->full_resolution,
        .done = on_page,
        .user = pl,
    };
    return vb_ocr_create(&pl->ocr, &o, err);
}

static int stopping(const pipeline *pl)
{
    return pl->opts->stop && *pl->opts->stop;
}

static void report_progress(pipeline *pl)
{
    if (!pl->opts->progress)
        return;
    pthread_mutex_lock(&pl->lock);
    int docs = (int)pl->next_out, done = pl->pages_done, seen = pl->pages_seen;
    pthread_mutex_unlock(&pl->lock);
    pl->opts->progress(pl->opts->user, docs, done, seen);
}

/* Open one input and queue its pages. Returns a fatal status only when OCR
 * cannot start at all; per-input problems stay in the document. */
static vb_status feed_document(pipeline *pl, vb_ingest *in, pipeline_doc *doc, vb_error *fatal)
{
    vb_source *src = NULL;
    if (vb_ingest_open(in, doc->path, &src, &doc->open_err) != VB_OK)
        return VB_OK;
    snprintf(doc->sha256, sizeof doc->sha256, "%s", vb_source_sha256(src));
    doc->media = vb_source_media(src);
    if (pl->opts->skip && pl->opts->skip(pl->opts->user, doc->path, doc->sha256)) {
        vb_source_close(in, &src);
        doc->skipped = 1;
        return VB_OK;
    }
    int n = vb_source_page_count(src);
    doc->page_text = calloc((size_t)n, sizeof *doc->page_text);
    doc->page_conf = malloc((size_t)n * sizeof *doc->page_conf);
    if (!doc->page_text || !doc->page_conf) {
        vb_error_set(&doc->open_err, VB_ERR_NOMEM, "out of memory");
        vb_source_close(in, &src);
        return VB_OK;
    }
    doc->n_pages = n;
    vb_status st = VB_OK;
    for (int i = 0; i < n && !stopping(pl); i++) {
        doc->page_conf[i] = -1;
        vb_page page;
        vb_error perr;
        vb_error_clear(&perr);
        pthread_mutex_lock(&pl->lock);
        pl->pages_seen++;
        pthread_mutex_unlock(&pl->lock);
        if (vb_source_page(in, src, i, &page, &perr) != VB_OK) {
            pthread_mutex_lock(&pl->lock);
            doc_page_failed(doc, &perr);
            pl->pages_done++;
            pthread_mutex_unlock(&pl->lock);
            continue;
        }
        if (page.kind == VB_PAGE_TEXT) {
            doc->page_text[i] = page.text;
            page.text = NULL;
            doc->text_pages++;
            pthread_mutex_lock(&pl->lock);
            pl->pages_done++;
            pthread_mutex_unlock(&pl->lock);
        } else {
            if ((st = ensure_ocr(pl, fatal)) != VB_OK) {
                vb_page_clear(&page);
                break;
            }
            if (page.dpi_assumed)
                doc_warn(doc, "page %d: no resolution in the file, assumed %d dpi", i + 1,
                         page.dpi);
            doc->ocr_pages++;
            pthread_mutex_lock(&pl->lock);
            doc->pending++;
            pthread_mutex_unlock(&pl->lock);
            vb_error serr;
            vb_error_clear(&serr);
            if (vb_ocr_submit(pl->ocr, &page.pix, page.dpi, doc, i, &serr) != VB_OK) {
                /* never delivered: the document must not wait for it */
                vb_error_at(&serr, doc->path, 0, 0);
                serr.page = i + 1;
                pthread_mutex_lock(&pl->lock);
                doc->pending--;
                doc_page_failed(doc, &serr);
                pl->pages_done++;
                pthread_mutex_unlock(&pl->lock);
            }
        }
        vb_page_clear(&page);
        report_progress(pl);
    }
    if (stopping(pl))
        doc->interrupted = 1;
    vb_source_close(in, &src);
    return st;
}

vb_status pipeline_run(const pipeline_opts *opts, char *const *paths, size_t n_paths,
                       pipeline_stats *stats, vb_error *err)
{
    pipeline pl = {.opts = opts, .stats = stats};
    memset(stats, 0, sizeof *stats);
    pl.docs = calloc(n_paths ? n_paths : 1, sizeof *pl.docs);
    if (!pl.docs)
        return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    pthread_mutex_init(&pl.lock, NULL);
    pthread_cond_init(&pl.changed, NULL);

    vb_ingest *in = NULL;
    vb_ingest_opts io = {.dpi = opts->dpi};
    vb_status st = vb_ingest_create(&in, &io, err);
    for (size_t i = 0; st == VB_OK && i < n_paths; i++) {
        if (stopping(&pl)) {
            stats->interrupted = 1;
            break;
        }
        pipeline_doc *doc = calloc(1, sizeof *doc);
        if (!doc || !(doc->path = strdup(paths[i]))) {
            free(doc);
            st = vb_error_set(err, VB_ERR_NOMEM, "out of memory");
            break;
        }
        doc->seq = i;
        pthread_mutex_lock(&pl.lock);
        pl.docs[pl.n_docs++] = doc;
        pthread_mutex_unlock(&pl.lock);
        st = feed_document(&pl, in, doc, err);
        pthread_mutex_lock(&pl.lock);
        doc->submitted_all = 1;
        flush_ready(&pl);
        pthread_mutex_unlock(&pl.lock);
    }
    int cancelled = 0;
    /* Wait for the last pages, handing documents out as they complete. A
     * Ctrl-C here (every page queued, the queue long) must not wait for the
     * whole queue: the wait wakes up now and then to look at the flag, and
     * cancelling abandons the queued pages; the pages being recognised
     * finish, and their documents are handed out if complete. */
    pthread_mutex_lock(&pl.lock);
    while (pl.next_out < pl.n_docs) {
        if (!cancelled && stopping(&pl)) {
            cancelled = 1;
            stats->interrupted = 1;
            pthread_mutex_unlock(&pl.lock);
            if (pl.ocr)
                vb_ocr_cancel(pl.ocr);
            pthread_mutex_lock(&pl.lock);
            continue;
        }
        pipeline_doc *doc = pl.docs[pl.next_out];
        if (doc->submitted_all && doc->pending == 0) {
            flush_ready(&pl);
            continue;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 200 * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&pl.changed, &pl.lock, &until);
        pthread_mutex_unlock(&pl.lock);
        report_progress(&pl);
        pthread_mutex_lock(&pl.lock);
    }
    pthread_mutex_unlock(&pl.lock);
    if (pl.ocr)
        vb_ocr_wait(pl.ocr);
    report_progress(&pl);
    vb_ocr_destroy(&pl.ocr);
    vb_ingest_destroy(&in);
    for (size_t i = 0; i < pl.n_docs; i++)
        doc_free(pl.docs[i]);
    free(pl.docs);
    pthread_mutex_destroy(&pl.lock);
    pthread_cond_destroy(&pl.changed);
    return st;
}
