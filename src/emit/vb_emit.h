/*
 * vb_emit.h: the emit stage. Serialises a document's record as one line of
 * JSON (schema "vanban.record/1", see schema/vanban.record-1.schema.json)
 * through jansson.
 *
 * Thread-safety: stateless; every function is reentrant. The returned string
 * is owned by the caller (free()).
 */
#ifndef VB_EMIT_H
#define VB_EMIT_H

#include "vb_common.h"
#include "vb_extract.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VB_RECORD_SCHEMA "vanban.record/1"

typedef struct vb_emit_source {
    const char *path;
    const char *sha256;     /* 64 lowercase hex digits */
    const char *media_type; /* "application/pdf", "image/tiff", "text/plain", ... */
    int pages;
    const char *text_origin; /* "ocr", "pdf-text" or "text" */
} vb_emit_source;

typedef struct vb_emit_input {
    vb_emit_source source;
    const vb_record *record; /* may be NULL for a failed input */
    const vb_text *text;     /* may be NULL for a failed input */
    double ocr_confidence;   /* mean page confidence 0-100; < 0 when not OCR'd */
    const char *const *extra_warnings; /* warnings from earlier stages */
    size_t n_extra_warnings;
} vb_emit_input;

/* One JSON object, no trailing newline, keys in schema order. */
vb_status vb_emit_record(const vb_emit_input *in, char **json, vb_error *err);

#ifdef __cplusplus
}
#endif
#endif
