/*
 * vb_emit.h: the emit stage. Serialises a document's record as one line of
 * JSON (schema "vanban.record/1", see schema/vanban.record-1.schema.json)
 * through jansson.
 *
 * Every key of the schema is always present, in schema order; a value that is
 * unknown is null, never invented. Values that would break the schema (a date
 * that is not ISO 8601, an unknown signer authority, bytes that are not UTF-8)
 * are emitted as null or repaired, with a warning naming the field, so one bad
 * field never loses a record.
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
    vb_emit_source source;             /* sha256 and text_origin are required */
    const vb_record *record;           /* NULL: document fields null, with a warning */
    const vb_text *text;               /* NULL: "text" null, with a warning */
    double ocr_confidence;             /* mean page confidence 0-100; < 0 when not OCR'd */
    const char *const *extra_warnings; /* warnings from earlier stages */
    size_t n_extra_warnings;
} vb_emit_input;

/* One JSON object, no trailing newline, keys in schema order.
 * "quality.warnings" holds the record's warnings, then the extra warnings,
 * then emit's own. "quality.ocr_confidence" is rounded to 0.1, null when < 0.
 * VB_ERR_USAGE if source.sha256 is not 64 lowercase hex digits or
 * source.text_origin is not one of the three values; VB_ERR_NOMEM. */
vb_status vb_emit_record(const vb_emit_input *in, char **json, vb_error *err);

/* The record of an input that failed, so a batch can go on and still say why:
 * the same keys as vb_emit_record (document fields null, "text" null, empty
 * arrays) plus "error":{"code","message","page"}. `code` is the stable name of
 * failure->code (vb_emit_error_code), `page` is null when failure->page is 0.
 * Every source field may be NULL (or pages 0): a file that could not be read
 * has no hash. VB_ERR_USAGE if a sha256 or text_origin that is given is
 * malformed; VB_ERR_NOMEM. */
vb_status vb_emit_failure(const vb_emit_source *src, const vb_error *failure, char **json,
                          vb_error *err);

/* The token used for "error.code": "usage", "input", "rules", "internal",
 * "nomem", "interrupted", "limit"; "internal" for VB_OK or an unknown code. */
const char *vb_emit_error_code(vb_status code);

#ifdef __cplusplus
}
#endif
#endif
