/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "vb_ocr_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

typedef struct job {
    PIX *pix;
    int dpi;
    void *tag;
    int page;
} job;

typedef struct worker {
    struct vb_ocr *pool;
    pthread_t thread;
    TessBaseAPI *api;
    int started;
    int init; /* 0 loading the language, 1 ready, -1 could not load it */
} worker;

struct vb_ocr {
    vb_ocr_opts opts;
    pthread_mutex_t lock;
    pthread_cond_t not_empty; /* a job is queued, or shutting down */
    pthread_cond_t not_full;  /* room in the queue */
    pthread_cond_t idle;      /* in_flight reached zero */
    pthread_cond_t ready;     /* a worker's engine is loaded, or failed to */
    job *queue;               /* ring buffer */
    int cap, head, count;
    int in_flight; /* queued plus being recognised */
    int shutdown;
    int cancelled;
    worker *workers;
    int n_workers;
};

int vb_ocr_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

double vb_ocr_thread_cpu(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void deliver(vb_ocr *pool, vb_ocr_result *r)
{
    pool->opts.done(pool->opts.user, r);
    pthread_mutex_lock(&pool->lock);
    if (--pool->in_flight == 0)
        pthread_cond_broadcast(&pool->idle);
    pthread_mutex_unlock(&pool->lock);
}

static void recognise(worker *w, job *j, vb_ocr_result *r)
{
    vb_ocr *pool = w->pool;
    PIX *img = j->pix;
    PIX *clean = NULL, *reduced = NULL;
    int reduce = 1;
    double t0 = vb_now(), c0 = vb_ocr_thread_cpu();
    if (!pool->opts.no_clean) {
        vb_ocr_clean_info info;
        PIX **to_read = pool->opts.full_resolution ? NULL : &reduced;
        if (vb_ocr_clean_reduced(j->pix, &clean, to_read, &reduce, &info, &r->err) != VB_OK)
            return;
        r->noisy = info.noisy;
        r->skew_degrees = info.skew_degrees;
        img = reduced ? reduced : clean;
    }
    r->reduce = reduce;
    /* The words' boxes are in the reduced page; the number line's second
     * reading crops the full page. */
    vb_layout_page page = {
        .full = clean ? clean : j->pix, .dpi = j->dpi, .reduce = reduce, .width = pixGetWidth(img)};
    int dpi = (j->dpi + reduce / 2) / reduce;
    double t1 = vb_now(), c1 = vb_ocr_thread_cpu();
    TessBaseAPISetImage2(w->api, img);
    TessBaseAPISetSourceResolution(w->api, dpi);
    int failed = TessBaseAPIRecognize(w->api, NULL) != 0;
    double t2 = vb_now(), c2 = vb_ocr_thread_cpu();
    if (failed) {
        vb_error_set(&r->err, VB_ERR_INTERNAL, "Tesseract could not recognise the page");
    } else {
        int conf = 0, reread = 0;
        r->text = vb_layout_text(w->api, &page, j->page == 0, &conf, &reread);
        r->reread = reread;
        if (!r->text)
            vb_error_set(&r->err, VB_ERR_NOMEM, "out of memory");
        r->confidence = conf;
    }
    TessBaseAPIClear(w->api);
    pixDestroy(&reduced);
    pixDestroy(&clean);
    double t3 = vb_now(), c3 = vb_ocr_thread_cpu();
    r->clean_seconds = t1 - t0;
    r->recognize_seconds = t2 - t1;
    r->layout_seconds = t3 - t2;
    r->clean_cpu = c1 - c0;
    r->recognize_cpu = c2 - c1;
    r->layout_cpu = c3 - c2;
}

/* The worker's engine, loaded in its own thread so that the pool's engines
 * load in parallel (TessBaseAPIInit3 reads and sets up the language data,
 * ~65 ms of CPU each); vb_ocr_create waits for all of them. */
static int load_engine(worker *w)
{
    vb_ocr *pool = w->pool;
    w->api = TessBaseAPICreate();
    if (!w->api || TessBaseAPIInit3(w->api, pool->opts.datapath, pool->opts.lang) != 0)
        return -1;
    TessBaseAPISetPageSegMode(w->api, (TessPageSegMode)pool->opts.psm);
    /* Tesseract's own chatter ("Estimating resolution ...") stays out of
     * our stderr: stage code never prints. */
    TessBaseAPISetVariable(w->api, "debug_file", "/dev/null");
    /* Tesseract reads a line a second time inverted (white on black) when
     * it is unsure of it. The page it gets is black on white, binarised here,
     * so on these documents the retry only turns a speck row into letters
     * (nghe-an-hd-22.clean.pdf: ": R ~" for "~") and costs time. */
    TessBaseAPISetVariable(w->api, "tessedit_do_invert", "0");
    return 1;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    vb_ocr *pool = w->pool;
    int init = load_engine(w);
    pthread_mutex_lock(&pool->lock);
    w->init = init;
    pthread_cond_broadcast(&pool->ready);
    pthread_mutex_unlock(&pool->lock);
    if (init < 0)
        return NULL;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        while (pool->count == 0 && !pool->shutdown)
            pthread_cond_wait(&pool->not_empty, &pool->lock);
        if (pool->count == 0) {
            pthread_mutex_unlock(&pool->lock);
            return NULL;
        }
        job j = pool->queue[pool->head];
        pool->head = (pool->head + 1) % pool->cap;
        pool->count--;
        int cancelled = pool->cancelled;
        pthread_cond_signal(&pool->not_full);
        pthread_mutex_unlock(&pool->lock);

        vb_ocr_result r;
        memset(&r, 0, sizeof r);
        r.tag = j.tag;
        r.page = j.page;
        r.confidence = -1;
        if (cancelled)
            vb_error_set(&r.err, VB_ERR_INTERRUPTED, "interrupted before recognition");
        else
            recognise(w, &j, &r);
        if (r.err.code != VB_OK)
            r.err.page = j.page + 1;
        pixDestroy(&j.pix);
        deliver(pool, &r);
    }
}

static void stop_workers(vb_ocr *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->shutdown = 1;
    pthread_cond_broadcast(&pool->not_empty);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 0; i < pool->n_workers; i++) {
        worker *w = &pool->workers[i];
        if (w->started)
            pthread_join(w->thread, NULL);
        if (w->api) {
            TessBaseAPIEnd(w->api);
            TessBaseAPIDelete(w->api);
        }
    }
}

vb_status vb_ocr_create(vb_ocr **out, const vb_ocr_opts *opts, vb_error *err)
{
    *out = NULL;
    if (!opts || !opts->done)
        return vb_error_set(err, VB_ERR_USAGE, "vb_ocr_create: a done callback is required");
    vb_ocr *pool = calloc(1, sizeof *pool);
    if (!pool)
        return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    pool->opts = *opts;
    if (pool->opts.jobs <= 0)
        pool->opts.jobs = vb_ocr_default_jobs();
    if (!pool->opts.lang)
        pool->opts.lang = "vie";
    if (pool->opts.psm <= 0)
        pool->opts.psm = PSM_AUTO;
    /* Two pages per worker keep every engine busy while the producer renders
     * the next page, and bound the memory held in page images. */
    pool->cap = 2 * pool->opts.jobs;
    pool->queue = calloc((size_t)pool->cap, sizeof *pool->queue);
    pool->workers = calloc((size_t)pool->opts.jobs, sizeof *pool->workers);
    if (!pool->queue || !pool->workers) {
        free(pool->queue);
        free(pool->workers);
        free(pool);
        return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    }
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->not_empty, NULL);
    pthread_cond_init(&pool->not_full, NULL);
    pthread_cond_init(&pool->idle, NULL);
    pthread_cond_init(&pool->ready, NULL);

    /* Every worker loads its engine in its own thread; the pool is ready, or
     * fails, once all of them have. */
    vb_status st = VB_OK;
    for (int i = 0; i < pool->opts.jobs; i++) {
        worker *w = &pool->workers[i];
        w->pool = pool;
        pool->n_workers++;
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            st = vb_error_set(err, VB_ERR_INTERNAL, "cannot start an OCR thread");
            break;
        }
        w->started = 1;
    }
    int loaded = 1;
    pthread_mutex_lock(&pool->lock);
    for (int i = 0; i < pool->n_workers; i++) {
        worker *w = &pool->workers[i];
        while (w->started && w->init == 0)
            pthread_cond_wait(&pool->ready, &pool->lock);
        if (w->started && w->init < 0)
            loaded = 0;
    }
    pthread_mutex_unlock(&pool->lock);
    if (!loaded)
        st = vb_error_set(err, VB_ERR_RULES,
                          "cannot load the Tesseract language '%s' (is tesseract-ocr-%s "
                          "installed?)",
                          pool->opts.lang, pool->opts.lang);
    if (st != VB_OK) {
        vb_ocr_destroy(&pool);
        return st;
    }
    *out = pool;
    return VB_OK;
}

vb_status vb_ocr_submit(vb_ocr *pool, PIX **pix, int dpi, void *tag, int page, vb_error *err)
{
    if (!pix || !*pix)
        return vb_error_set(err, VB_ERR_USAGE, "vb_ocr_submit: no image");
    pthread_mutex_lock(&pool->lock);
    while (pool->count == pool->cap)
        pthread_cond_wait(&pool->not_full, &pool->lock);
    job *j = &pool->queue[(pool->head + pool->count) % pool->cap];
    j->pix = *pix;
    j->dpi = dpi > 0 ? dpi : 300;
    j->tag = tag;
    j->page = page;
    pool->count++;
    pool->in_flight++;
    *pix = NULL;
    pthread_cond_signal(&pool->not_empty);
    pthread_mutex_unlock(&pool->lock);
    return VB_OK;
}

void vb_ocr_wait(vb_ocr *pool)
{
    pthread_mutex_lock(&pool->lock);
    while (pool->in_flight > 0)
        pthread_cond_wait(&pool->idle, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}

void vb_ocr_cancel(vb_ocr *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->cancelled = 1;
    pthread_mutex_unlock(&pool->lock);
}

void vb_ocr_destroy(vb_ocr **ppool)
{
    if (!ppool || !*ppool)
        return;
    vb_ocr *pool = *ppool;
    stop_workers(pool);
    for (int i = 0; i < pool->count; i++)
        pixDestroy(&pool->queue[(pool->head + i) % pool->cap].pix);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->not_empty);
    pthread_cond_destroy(&pool->not_full);
    pthread_cond_destroy(&pool->idle);
    pthread_cond_destroy(&pool->ready);
    free(pool->queue);
    free(pool->workers);
    free(pool);
    *ppool = NULL;
}
