/*
 * pipeline.h: runs inputs through ingest and the OCR pool and hands back each
 * document, whole and in input order, to the command that asked. Used by
 * `ocr`, `extract` and `process`.
 *
 * The main thread opens inputs and renders pages (MuPDF is single-threaded
 * here); worker threads clean and recognise pages from several documents at
 * once; a document is handed to on_document on the main thread as soon as it
 * and every document before it are complete.
 */
#ifndef VB_CLI_PIPELINE_H
#define VB_CLI_PIPELINE_H

#include <signal.h>

#include "vb_common.h"
#include "vb_ingest.h"

typedef struct pipeline_doc {
    size_t seq; /* position in the input list */
    char *path;
    char sha256[65];
    vb_media media;
    int n_pages;
    char **page_text;  /* n_pages entries; NULL where a page failed */
    double *page_conf; /* -1 where not OCR'd */
    int ocr_pages;     /* pages that went through OCR */
    int text_pages;    /* pages that had text (PDF text layer or text file) */
    vb_error open_err; /* set when the input could not be opened at all */
    vb_error page_err; /* the first page that failed, if any */
    int failed_pages;
    char **warnings; /* "page 2: no resolution in the file, assumed 300 dpi" */
    size_t n_warnings;
    int skipped;     /* the skip callback left it out */
    int interrupted; /* stopped before every page was recognised */
    /* private */
    int pending;
    int submitted_all;
} pipeline_doc;

/* Joined page texts (form feed between pages), malloc'd. */
char *pipeline_doc_text(const pipeline_doc *doc, size_t *len);
/* "ocr", "pdf-text" or "text". */
const char *pipeline_doc_origin(const pipeline_doc *doc);
/* Mean confidence of the OCR'd pages, or -1. */
double pipeline_doc_confidence(const pipeline_doc *doc);

typedef int (*pipeline_doc_fn)(void *user, pipeline_doc *doc);
/* Return non-zero from skip to leave an input out before it is OCR'd. */
typedef int (*pipeline_skip_fn)(void *user, const char *path, const char *sha256);
typedef void (*pipeline_progress_fn)(void *user, int docs_done, int pages_done, int pages_seen);

typedef struct pipeline_opts {
    int jobs;
    const char *lang;
    int no_clean;
    int full_resolution; /* clean pages read unreduced (vb_ocr_opts.full_resolution) */
    int dpi;
    pipeline_doc_fn on_document;   /* required */
    pipeline_skip_fn skip;         /* optional */
    pipeline_progress_fn progress; /* optional, main thread */
    void *user;
    volatile sig_atomic_t *stop; /* set by a signal handler: finish in-flight pages, stop */
} pipeline_opts;

typedef struct pipeline_stats {
    int docs;
    int docs_failed;
    int pages;
    int pages_failed;
    int pages_reduced; /* read reduced (vb_ocr_result.reduce > 1) */
    int interrupted;
    double recognize_seconds; /* summed over pages: TessBaseAPIRecognize alone */
    double clean_seconds;
    double layout_seconds;
    double recognize_cpu, clean_cpu, layout_cpu; /* the same as worker-thread CPU time */
} pipeline_stats;

/* Runs every input. Returns VB_OK, or the status of a fatal set-up error
 * (OCR engine not loadable) in err. Per-input failures are in the docs. */
vb_status pipeline_run(const pipeline_opts *opts, char *const *paths, size_t n_paths,
                       pipeline_stats *stats, vb_error *err);

#endif
