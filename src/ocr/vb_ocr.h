/*
 * vb_ocr.h: the ocr stage. Cleans a page image with Leptonica (grayscale,
 * background normalisation, binarisation, deskew, despeckle when the page is
 * noisy) and recognises it with Tesseract through its C API, automatic page
 * segmentation, the page's resolution set. A clean page whose text is large
 * enough is read from a gray copy reduced by an integer factor (see
 * vb_clean.c). On a document's first page the two-column header is
 * read left block first, and a number line whose symbol OCR broke is read a
 * second time from a median-filtered copy.
 *
 * A vb_ocr handle is a pool of `jobs` threads, each with its own Tesseract
 * engine. Pages go in with vb_ocr_submit (which blocks while the bounded queue
 * is full, so memory stays flat on long batches) and come back, in completion
 * order, through the `done` callback, called on a worker thread.
 *
 * Tesseract's OpenMP threads must be limited (OMP_THREAD_LIMIT=1) in the
 * environment before the process starts; the caller (src/cli) sees to it.
 *
 * Thread-safety: vb_ocr_submit and vb_ocr_wait may be called from any one
 * thread; the callback must be thread-safe. Ownership: submit takes the image;
 * the callback's result text belongs to the receiver (free()).
 */
#ifndef VB_OCR_H
#define VB_OCR_H

#include "vb_common.h"

#ifdef __cplusplus
extern "C" {
#endif

struct Pix;

typedef struct vb_ocr_result {
    void *tag;                /* as submitted */
    int page;                 /* as submitted */
    char *text;               /* UTF-8, malloc'd, the receiver frees; NULL on failure */
    double confidence;        /* Tesseract's mean word confidence 0-100 */
    double clean_seconds;     /* clean-up time */
    double recognize_seconds; /* TessBaseAPIRecognize alone: the engine's own time */
    double layout_seconds;    /* the text rebuilt from Tesseract's words, the engine cleared */
    /* The same three as CPU time of the worker thread, which the other
     * processes on a shared machine do not inflate. */
    double clean_cpu, recognize_cpu, layout_cpu;
    int noisy;           /* 1 if the clean-up found speckle noise and removed it */
    int reread;          /* 1 if the header's number line was read a second time */
    int reduce;          /* the page was read reduced by this factor (1: as it is) */
    double skew_degrees; /* skew corrected */
    vb_error err;        /* err.code != VB_OK if the page failed */
} vb_ocr_result;

typedef void (*vb_ocr_done_fn)(void *user, vb_ocr_result *result);

typedef struct vb_ocr_opts {
    int jobs;             /* worker threads; 0 = number of cores */
    const char *lang;     /* NULL = "vie" */
    const char *datapath; /* NULL = Tesseract's default tessdata */
    int psm;              /* page segmentation mode; 0 = 3 (fully automatic) */
    int no_clean;         /* 1: give Tesseract the image as it is */
    int full_resolution;  /* 1: clean pages are read at their own resolution, not
                           * reduced (see vb_ocr_reduction) */
    vb_ocr_done_fn done;  /* required */
    void *user;
} vb_ocr_opts;

typedef struct vb_ocr vb_ocr;

vb_status vb_ocr_create(vb_ocr **out, const vb_ocr_opts *opts, vb_error *err);

/* Queue one page. Takes ownership of *pix (sets it to NULL). Blocks while the
 * queue is full. */
vb_status vb_ocr_submit(vb_ocr *ocr, struct Pix **pix, int dpi, void *tag, int page, vb_error *err);

/* Block until every submitted page has been delivered. */
void vb_ocr_wait(vb_ocr *ocr);

/* Stop taking new pages: pages still queued are delivered with
 * VB_ERR_INTERRUPTED instead of being recognised. */
void vb_ocr_cancel(vb_ocr *ocr);

void vb_ocr_destroy(vb_ocr **ocr);

#define VB_OCR_CLEAN_MAX_STEPS 12

typedef struct vb_ocr_clean_info {
    int noisy;
    double skew_degrees;
    /* The thread CPU time of each step the clean-up took, in order, named by
     * a static string ("threshold", "deskew", ...), for profiling. */
    int n_steps;
    const char *step_name[VB_OCR_CLEAN_MAX_STEPS];
    double step_cpu[VB_OCR_CLEAN_MAX_STEPS];
} vb_ocr_clean_info;

/* The clean-up alone (thread-safe, for tests and benchmarks): a new 1-bpp
 * image in *out, the caller destroys it. */
vb_status vb_ocr_clean(struct Pix *in, struct Pix **out, vb_ocr_clean_info *info, vb_error *err);

/* Number of online cores (at least 1). */
int vb_ocr_default_jobs(void);

#ifdef __cplusplus
}
#endif
#endif
