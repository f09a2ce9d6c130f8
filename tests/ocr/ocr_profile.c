/*
 * ocr-profile: where a page's CPU goes outside recognition, measured as
 * thread CPU time, which other processes on a shared machine do not inflate.
 *
 *   build/tests/ocr/ocr-profile [--no-recognize] [--repeat N] FILE...
 *
 * For every image page of every FILE: the ingest (decode) time on the calling
 * thread, each clean-up step (vb_ocr_clean_info), and, unless --no-recognize,
 * the worker's clean-up, recognition (TessBaseAPIRecognize alone) and layout
 * times through a one-engine vb_ocr pool. The clean-up steps (the reduction
 * included) are timed on a separate run of vb_ocr_clean_reduced, repeated N
 * times (best of N) to smooth out the cache and frequency noise. The last line sums the pages:
 * non-recognition CPU (ingest + clean-up + layout) against recognition CPU.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <leptonica/allheaders.h>

#include "vb_ingest.h"
#include "vb_ocr.h"
#include "vb_ocr_internal.h"

typedef struct totals {
    pthread_mutex_t lock;
    pthread_cond_t done;
    int pending;
    double clean, recognize, layout;
    vb_ocr_result last;
} totals;

static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_page(void *user, vb_ocr_result *r)
{
    totals *t = user;
    pthread_mutex_lock(&t->lock);
    free(r->text);
    r->text = NULL;
    t->last = *r;
    t->pending--;
    pthread_cond_signal(&t->done);
    pthread_mutex_unlock(&t->lock);
}

int main(int argc, char **argv)
{
    int recognize = 1, repeat = 1, first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (strcmp(argv[first], "--no-recognize") == 0)
            recognize = 0;
        else if (strcmp(argv[first], "--repeat") == 0 && first + 1 < argc)
            repeat = atoi(argv[++first]);
        else
            break;
    }
    if (first >= argc || repeat < 1) {
        fprintf(stderr, "usage: ocr-profile [--no-recognize] [--repeat N] FILE...\n");
        return 1;
    }
    vb_error err;
    vb_error_clear(&err);
    vb_ingest *in = NULL;
    if (vb_ingest_create(&in, NULL, &err) != VB_OK) {
        fprintf(stderr, "ocr-profile: %s\n", err.message);
        return 1;
    }
    totals t = {.pending = 0};
    pthread_mutex_init(&t.lock, NULL);
    pthread_cond_init(&t.done, NULL);
    vb_ocr *ocr = NULL;
    vb_ocr_opts o = {.jobs = 1, .done = on_page, .user = &t};
    if (recognize && vb_ocr_create(&ocr, &o, &err) != VB_OK) {
        fprintf(stderr, "ocr-profile: %s\n", err.message);
        return 1;
    }

    const char *names[VB_OCR_CLEAN_MAX_STEPS * 2];
    double steps[VB_OCR_CLEAN_MAX_STEPS * 2] = {0};
    int n_names = 0, pages = 0, status = 0;
    double ingest_sum = 0, clean_sum = 0;
    for (int a = first; a < argc; a++) {
        vb_source *src = NULL;
        if (vb_ingest_open(in, argv[a], &src, &err) != VB_OK) {
            fprintf(stderr, "ocr-profile: %s: %s\n", argv[a], err.message);
            status = 1;
            continue;
        }
        for (int p = 0; p < vb_source_page_count(src); p++) {
            vb_page page;
            double c0 = thread_cpu();
            if (vb_source_page(in, src, p, &page, &err) != VB_OK) {
                fprintf(stderr, "ocr-profile: %s: page %d: %s\n", argv[a], p + 1, err.message);
                status = 1;
                continue;
            }
            double ingest = thread_cpu() - c0;
            if (page.kind != VB_PAGE_IMAGE) {
                vb_page_clear(&page);
                continue;
            }
            vb_ocr_clean_info best = {0};
            double best_total = 1e30;
            for (int r = 0; r < repeat; r++) {
                vb_ocr_clean_info info;
                PIX *out = NULL, *reduced = NULL;
                int k = 1;
                if (vb_ocr_clean_reduced(page.pix, &out, &reduced, &k, &info, &err) != VB_OK) {
                    fprintf(stderr, "ocr-profile: %s: page %d: %s\n", argv[a], p + 1, err.message);
                    status = 1;
                    break;
                }
                pixDestroy(&out);
                pixDestroy(&reduced);
                double total = 0;
                for (int s = 0; s < info.n_steps; s++)
                    total += info.step_cpu[s];
                if (total < best_total) {
                    best_total = total;
                    best = info;
                }
            }
            printf("%s page %d: %s ingest %.1f ms, clean-up %.1f ms (", argv[a], p + 1,
                   best.noisy ? "noisy," : "clean,", ingest * 1e3, best_total * 1e3);
            for (int s = 0; s < best.n_steps; s++) {
                printf("%s%s %.1f", s ? ", " : "", best.step_name[s], best.step_cpu[s] * 1e3);
                int k = 0;
                while (k < n_names && strcmp(names[k], best.step_name[s]) != 0)
                    k++;
                if (k == n_names && n_names < VB_OCR_CLEAN_MAX_STEPS * 2)
                    names[n_names++] = best.step_name[s];
                if (k < n_names)
                    steps[k] += best.step_cpu[s];
            }
            printf(")");
            ingest_sum += ingest;
            clean_sum += best_total;
            pages++;
            if (recognize) {
                PIX *pix = page.pix;
                page.pix = NULL;
                pthread_mutex_lock(&t.lock);
                t.pending++;
                pthread_mutex_unlock(&t.lock);
                vb_ocr_submit(ocr, &pix, page.dpi, NULL, p, &err);
                pthread_mutex_lock(&t.lock);
                while (t.pending > 0)
                    pthread_cond_wait(&t.done, &t.lock);
                vb_ocr_result r = t.last;
                t.clean += r.clean_cpu;
                t.recognize += r.recognize_cpu;
                t.layout += r.layout_cpu;
                pthread_mutex_unlock(&t.lock);
                printf("; worker: clean-up %.1f ms, recognition %.1f ms, layout %.1f ms",
                       r.clean_cpu * 1e3, r.recognize_cpu * 1e3, r.layout_cpu * 1e3);
            }
            printf("\n");
            vb_page_clear(&page);
        }
        vb_source_close(in, &src);
    }
    if (pages > 0) {
        printf("%d pages, per page: ingest %.1f ms, clean-up %.1f ms (", pages,
               ingest_sum / pages * 1e3, clean_sum / pages * 1e3);
        for (int k = 0; k < n_names; k++)
            printf("%s%s %.1f", k ? ", " : "", names[k], steps[k] / pages * 1e3);
        printf(")\n");
        if (recognize) {
            double other = ingest_sum + t.clean + t.layout;
            printf("worker per page: clean-up %.1f ms, recognition %.1f ms, layout %.1f ms\n",
                   t.clean / pages * 1e3, t.recognize / pages * 1e3, t.layout / pages * 1e3);
            printf("non-recognition CPU (ingest + clean-up + layout) = %.1f%% of recognition "
                   "CPU\n",
                   t.recognize > 0 ? other / t.recognize * 100 : 0);
        }
    }
    vb_ocr_destroy(&ocr);
    vb_ingest_destroy(&in);
    return status;
}
