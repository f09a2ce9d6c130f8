/*
 * records.h: a finished document (pipeline_doc) to its JSON record line:
 * normalize, extract, emit, or a failure record when the input could not be
 * processed. Shared by `extract` and `process`; problems are reported on
 * stderr as they are found.
 */
#ifndef VB_CLI_RECORDS_H
#define VB_CLI_RECORDS_H

#include "pipeline.h"
#include "vb_extract.h"
#include "vb_normalize.h"

typedef struct record_builder {
    vb_normalize *nz;
    vb_extract *ex; /* NULL when only text is wanted */
} record_builder;

/* with_extract = 0 for text only (ocr). Reports its own errors; returns an
 * exit code. */
int record_builder_init(record_builder *rb, int with_extract, const char *rules_dir);
void record_builder_free(record_builder *rb);

typedef struct record_result {
    char *json;       /* the record line (malloc'd), or NULL if not even a failure
                         record could be made */
    int failed;       /* 1: the input failed; json is a failure record */
    vb_error failure; /* why, when failed */
    int exit_code;    /* what this document calls for (0 if all went well) */
} record_result;

/* The record for `doc`. */
void record_build(record_builder *rb, const pipeline_doc *doc, record_result *out);

/* Normalised text of `doc` (for `ocr`), malloc'd; NULL with *exit_code set on
 * failure (reported). */
char *record_text(record_builder *rb, const pipeline_doc *doc, int raw, size_t *len,
                  int *exit_code);

#endif
