/*
 * vb_extract.h: the extract stage. Loads the rule files under rules/ (PCRE2
 * patterns with variables, fields and examples; format in rules/README.md),
 * runs them over normalised text, and on its fold key where the text does not
 * match, and builds a vb_record: the header (document), the cited documents
 * (references), the assigned tasks and the targets.
 *
 * Rule errors are collected, each reported through the diagnostic callback
 * with file:line:column, and then loading fails once with VB_ERR_RULES. A
 * pattern that reaches its match or depth limit while extracting is reported
 * through the same callback (code VB_ERR_LIMIT) and as a warning in the record.
 * A record holds at most 1000 references, 2000 tasks and 2000 targets.
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

/* Where a reference was found: byte offsets into vb_text.text. */
typedef struct vb_mention {
    int page;          /* 1-based page ('\f' separates pages) */
    size_t start, end; /* [start, end) in the text */
    char *text;        /* the text as found ("Thông tư số 124/2021/TT-BCA") */
} vb_mention;

typedef enum vb_ref_role {
    VB_ROLE_DAN_CHIEU = 0, /* cited in the body ("dan_chieu") */
    VB_ROLE_CAN_CU = 1     /* legal basis, a "Căn cứ ...;" line ("can_cu") */
} vb_ref_role;

/* A cited document, once per canonical symbol. */
typedef struct vb_reference {
    char *symbol;    /* canonical: "124/2021/TT-BCA", "01-CT/TU", "521/QĐ-TTg" */
    char *type;      /* "TT" or NULL */
    char *type_name; /* "Thông tư" or NULL */
    char *number;    /* "124" */
    int year;        /* from the symbol or the date; 0 if unknown */
    char *date;      /* ISO 8601 or NULL */
    char *issuer;    /* "Bộ Công an" or NULL */
    vb_ref_role role;
    char *title; /* the quoted title ("về ...") or NULL */
    vb_mention *mentions;
    size_t n_mentions;
} vb_reference;

typedef enum vb_deadline_kind {
    VB_DEADLINE_NONE = 0,  /* no deadline stated */
    VB_DEADLINE_DATE,      /* "ngày 25/01/2026" */
    VB_DEADLINE_BEFORE,    /* "trước ngày 25/01/2026", "chậm nhất ngày ..." */
    VB_DEADLINE_QUARTER,   /* "quý I/2026" */
    VB_DEADLINE_HALF,      /* "6 tháng đầu năm 2026" */
    VB_DEADLINE_YEAR,      /* "đến năm 2030", "cuối năm 2026", "trong tháng 01/2026" */
    VB_DEADLINE_PERIOD,    /* "giai đoạn 2026 - 2030" */
    VB_DEADLINE_RECURRING, /* "hằng năm", "định kỳ" */
    VB_DEADLINE_ONGOING    /* "thường xuyên" */
} vb_deadline_kind;

typedef struct vb_deadline {
    vb_deadline_kind kind;
    char *start; /* ISO 8601 (possibly partial) or NULL */
    char *end;   /* ISO 8601 (possibly partial) or NULL */
    char *text;  /* the words as found, or NULL */
} vb_deadline;

typedef struct vb_task {
    char *text;      /* the task as written */
    char *lead;      /* canonical agency (chủ trì) or NULL */
    char **partners; /* canonical agencies (phối hợp) */
    size_t n_partners;
    vb_deadline deadline;
    size_t start, end; /* byte offsets of the task in the text */
} vb_task;

typedef enum vb_comparator {
    VB_CMP_NONE = 0,
    VB_CMP_AT_LEAST, /* "ít nhất", "từ 95% trở lên", "tối thiểu" */
    VB_CMP_ABOVE,    /* "trên", "hơn" */
    VB_CMP_EXACTLY,  /* a plain "100%" */
    VB_CMP_AT_MOST,  /* "không quá", "tối đa" */
    VB_CMP_BELOW     /* "dưới" */
} vb_comparator;

typedef struct vb_target {
    double value; /* 100, 80, 1 */
    char *unit;   /* "%" or a counted noun ("mô hình") */
    vb_comparator comparator;
    char *subject;  /* what the value is about */
    int by_year;    /* "đến năm 2030" -> 2030; 0 if none */
    int recurring;  /* "hằng năm" */
    char *sentence; /* the sentence it was found in */
} vb_target;

typedef struct vb_record {
    vb_document doc;
    char **warnings; /* "document.date: not found", ... */
    size_t n_warnings;
    vb_reference *references;
    size_t n_references;
    vb_task *tasks;
    size_t n_tasks;
    vb_target *targets;
    size_t n_targets;
} vb_record;

/* Names used in the JSON record: "can_cu"/"dan_chieu"; "date", "before", ...;
 * "at_least", "above", "exactly", "at_most" (NULL for NONE). */
const char *vb_ref_role_name(vb_ref_role role);
const char *vb_deadline_kind_name(vb_deadline_kind kind);
const char *vb_comparator_name(vb_comparator cmp);

vb_status vb_extract_create(vb_extract **out, const vb_extract_opts *opts, vb_error *err);

/* Fill `rec` (zeroed by the caller) from `text`. Fields not found are NULL and
 * each gets a warning. */
vb_status vb_extract_run(vb_extract *ex, const vb_text *text, vb_record *rec, vb_error *err);

/* Compile every rule file in `rules_dir` and run every example; each failure
 * goes to `diag`. Sets counts of rules that passed and failed. VB_OK only if
 * all passed. */
vb_status vb_rules_check(const char *rules_dir, vb_diag_fn diag, void *user, int *n_ok, int *n_bad,
                         vb_error *err);

/* The directory used when rules_dir is NULL. */
const char *vb_rules_default_dir(void);

void vb_record_free(vb_record *rec);
void vb_extract_destroy(vb_extract **ex);

#ifdef __cplusplus
}
#endif
#endif
