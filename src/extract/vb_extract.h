/*
 * vb_extract.h: the extract stage. Loads the rule files under rules/ (PCRE2
 * patterns with variables, fields and examples), runs them over normalised
 * text and builds a vb_record.
 *
 * Rule errors are collected, each reported through the diagnostic callback
 * with file:line:column, and then loading fails once with VB_ERR_RULES.
 *
 * Thread-safety: a vb_extract handle (compiled rules plus match data) is used
 * by one thread at a time; create one per thread. A vb_record is owned by the
 * caller and freed with vb_record_free.
 */
#ifndef VB_EXTRACT_H
#define VB_EXTRACT_H

#include "vb_common.h"
#include "vb_normalize.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vb_extract vb_extract;

/* Called once per problem found while loading or checking rules. */
typedef void (*vb_diag_fn)(void *user, const vb_error *diag);

typedef struct vb_extract_opts {
    const char *rules_dir; /* NULL: the built-in default (VANBAN_DATA_DIR "/rules") */
    vb_diag_fn diag;       /* may be NULL */
    void *user;
} vb_extract_opts;

typedef struct vb_signer {
    char *authority; /* "TM.", "KT.", "Q.", "TL.", "TUQ." or NULL */
    char *title;     /* "PHÓ CHỦ TỊCH" as printed, or NULL */
    char *name;      /* "Nguyễn Văn A" or NULL */
} vb_signer;

typedef struct vb_document {
    char *type;      /* type code: "KH", "QĐ", ... or NULL */
    char *type_name; /* "Kế hoạch", ... or NULL */
    char *number;    /* "117" */
    char *symbol;    /* "117/KH-UBND" */
    char *issuer;    /* "Ủy ban nhân dân tỉnh Hưng Yên" */
    char *place;     /* "Hưng Yên" */
    char *date;      /* ISO 8601: "2025-11-14", or partial "2025-11" */
    char *title;     /* the summary (trích yếu) */
    vb_signer signer;
    char **recipients;
    size_t n_recipients;
} vb_document;

typedef struct vb_record {
    vb_document doc;
    char **warnings; /* "document.date: not found", ... */
    size_t n_warnings;
} vb_record;

vb_status vb_extract_create(vb_extract **out, const vb_extract_opts *opts, vb_error *err);

/* Fill `rec` (zeroed by the caller) from `text`. Fields not found are NULL and
 * each gets a warning. */
vb_status vb_extract_run(vb_extract *ex, const vb_text *text, vb_record *rec, vb_error *err);

/* Compile every rule file in `rules_dir` and run every example; each failure
 * goes to `diag`. Sets counts of rules that passed and failed. VB_OK only if
 * all passed. */
vb_status vb_rules_check(const char *rules_dir, vb_diag_fn diag, void *user, int *n_ok,
                         int *n_bad, vb_error *err);

/* The directory used when rules_dir is NULL. */
const char *vb_rules_default_dir(void);

void vb_record_free(vb_record *rec);
void vb_extract_destroy(vb_extract **ex);

#ifdef __cplusplus
}
#endif
#endif
