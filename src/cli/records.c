/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vb_emit.h"

int record_builder_init(record_builder *rb, int with_extract, const char *rules_dir)
{
    memset(rb, 0, sizeof *rb);
    vb_error err;
    vb_error_clear(&err);
    if (vb_normalize_create(&rb->nz, NULL, &err) != VB_OK) {
        cli_report("error", &err);
        return cli_exit_code(err.code);
    }
    if (with_extract) {
        vb_extract_opts eo = {.rules_dir = rules_dir, .diag = cli_report_diag};
        if (vb_extract_create(&rb->ex, &eo, &err) != VB_OK) {
            cli_report("error", &err);
            vb_normalize_destroy(&rb->nz);
            return cli_exit_code(err.code);
        }
    }
    return VB_EXIT_OK;
}

void record_builder_free(record_builder *rb)
{
    vb_extract_destroy(&rb->ex);
    vb_normalize_destroy(&rb->nz);
}

static vb_emit_source emit_source(const pipeline_doc *doc)
{
    vb_emit_source s = {
        .path = doc->path,
        .sha256 = doc->sha256[0] ? doc->sha256 : NULL,
        .media_type = vb_media_type(doc->media),
        .pages = doc->n_pages,
        .text_origin = pipeline_doc_origin(doc),
    };
    return s;
}

static void fail(const pipeline_doc *doc, const vb_error *e, record_result *out)
{
    out->failed = 1;
    out->failure = *e;
    if (!out->failure.file[0])
        vb_error_at(&out->failure, doc->path, 0, 0);
    cli_report("error", &out->failure);
    out->exit_code = cli_exit_code(e->code);
    vb_emit_source src = emit_source(doc);
    vb_error ee;
    vb_error_clear(&ee);
    free(out->json);
    out->json = NULL;
    vb_emit_failure(&src, &out->failure, &out->json, &ee);
}

/* Page failures do not fail the document: they are reported and the
 * document goes on with its other pages. */
static int report_pages(const pipeline_doc *doc)
{
    if (!doc->failed_pages)
        return VB_EXIT_OK;
    cli_report("error", &doc->page_err);
    if (doc->failed_pages > 1)
        cli_errorf("%s: %d more page(s) failed; see the record's warnings", doc->path,
                   doc->failed_pages - 1);
    return cli_exit_code(doc->page_err.code);
}

char *record_text(record_builder *rb, const pipeline_doc *doc, int raw, size_t *len, int *exit_code)
{
    *exit_code = VB_EXIT_OK;
    if (doc->open_err.code != VB_OK) {
        cli_report("error", &doc->open_err);
        *exit_code = cli_exit_code(doc->open_err.code);
        return NULL;
    }
    *exit_code = report_pages(doc);
    char *text = pipeline_doc_text(doc, len);
    if (raw || !text)
        return text;
    vb_text t = {0};
    vb_error e;
    vb_error_clear(&e);
    vb_status st = vb_normalize_run(rb->nz, text, *len, &t, &e);
    free(text);
    if (st != VB_OK) {
        vb_error_at(&e, doc->path, 0, 0);
        cli_report("error", &e);
        *exit_code = cli_exit_code(st);
        return NULL;
    }
    *len = t.len;
    char *out = t.text;
    t.text = NULL;
    vb_text_free(&t);
    return out;
}

void record_build(record_builder *rb, const pipeline_doc *doc, record_result *out)
{
    memset(out, 0, sizeof *out);
    if (doc->open_err.code != VB_OK) {
        fail(doc, &doc->open_err, out);
        return;
    }
    /* With no page read there is no document to store: a record of empty
     * text would be skipped as done on every later run. */
    if (doc->n_pages > 0 && doc->failed_pages >= doc->n_pages) {
        fail(doc, &doc->page_err, out);
        return;
    }
    int pages_exit = report_pages(doc);
    size_t len;
    char *raw = pipeline_doc_text(doc, &len);
    vb_text text = {0};
    vb_record rec;
    memset(&rec, 0, sizeof rec);
    vb_error e;
    vb_error_clear(&e);
    if (!raw) {
        vb_error_set(&e, VB_ERR_NOMEM, "out of memory");
        fail(doc, &e, out);
        return;
    }
    vb_status st = vb_normalize_run(rb->nz, raw, len, &text, &e);
    free(raw);
    if (st == VB_OK)
        st = vb_extract_run(rb->ex, &text, &rec, &e);
    if (st == VB_OK) {
        vb_emit_input in = {
            .source = emit_source(doc),
            .record = &rec,
            .text = &text,
            .ocr_confidence = pipeline_doc_confidence(doc),
            .extra_warnings = (const char *const *)doc->warnings,
            .n_extra_warnings = doc->n_warnings,
        };
        st = vb_emit_record(&in, &out->json, &e);
    }
    if (st != VB_OK)
        fail(doc, &e, out);
    else
        out->exit_code = pages_exit;
    vb_record_free(&rec);
    vb_text_free(&text);
}
