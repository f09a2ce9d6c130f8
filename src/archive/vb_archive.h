/*
 * vb_archive.h: the archive stage. Stores "vanban.record/1" JSON records in an
 * embedded SQLite database (WAL) and answers the clerk's questions: full-text
 * search without diacritics, which documents cite a given symbol, one record,
 * statistics, and exports (JSON Lines, CSV of tasks, OpenSearch _bulk).
 *
 * The database: documents (id = SHA-256 of the input; a changed file at the
 * same path is a new version pointing to the previous one), pages, references
 * (edges from the citing document to the cited canonical symbol), tasks,
 * targets, agencies, and two FTS5 indexes: "exact" over the NFC text and
 * "folded" over the text folded by vb_fold (marks removed, đ→d, lower case).
 * The schema is versioned with PRAGMA user_version and migrated on open.
 *
 * Writing is idempotent by content: putting a record whose id is already
 * stored, as the latest version, with the same JSON changes nothing; with
 * different JSON (reprocessed with --force) it replaces it; an earlier version
 * put again (a file changed back) becomes the latest again. Only the latest
 * version of each path is in the search indexes. Each put is one transaction,
 * or a savepoint in the caller's vb_archive_begin/commit batch. A process
 * killed at any point leaves a consistent database (WAL), and the next run
 * redoes only what was not committed.
 *
 * Thread-safety: a vb_archive handle is used by one thread at a time. Several
 * handles, in one process or several, may use the same file: readers run while
 * a writer writes (WAL); writers wait for each other up to the busy timeout.
 * Strings passed to callbacks are valid only during the call. Strings and
 * structures returned through out-parameters are owned by the caller and freed
 * as documented next to each function.
 */
#ifndef VB_ARCHIVE_H
#define VB_ARCHIVE_H

#include <stdio.h>

#include "vb_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The schema version this code writes (PRAGMA user_version). */
#define VB_ARCHIVE_SCHEMA_VERSION 1

typedef struct vb_archive vb_archive;

typedef struct vb_archive_opts {
    int read_only;       /* open for queries only; the file must exist */
    int busy_timeout_ms; /* 0: 10000 */
    int no_sync;         /* synchronous=OFF: faster bulk loads, but a power cut or an
                            OS crash may corrupt the file (a killed process cannot) */
} vb_archive_opts;

/* Open (creating and migrating when needed) the archive at `path`. A file
 * written by a newer vanban (higher user_version) is refused with
 * VB_ERR_RULES, a file that is not an SQLite database with VB_ERR_INPUT. */
vb_status vb_archive_open(vb_archive **out, const char *path, const vb_archive_opts *opts,
                          vb_error *err);

/* Close; accepts NULL and sets *a to NULL. A batch still open is rolled back. */
void vb_archive_close(vb_archive **a);

/* ---- writing ---- */

/* Group the following puts into one transaction (much faster for batches).
 * Nested calls are counted; the outermost commit commits. */
vb_status vb_archive_begin(vb_archive *a, vb_error *err);
vb_status vb_archive_commit(vb_archive *a, vb_error *err);
vb_status vb_archive_rollback(vb_archive *a, vb_error *err);

/* Store one emitted record (one line of JSON, schema "vanban.record/1") with
 * its pages, references, tasks, targets and agencies. `*added` (may be NULL)
 * is 1 if the archive changed, 0 if the same record was already there.
 * A JSON or schema problem is VB_ERR_INPUT and stores nothing. */
vb_status vb_archive_put_record(vb_archive *a, const char *record_json, int *added, vb_error *err);

/* Record an input that failed. `sha256` may be NULL when the content could not
 * be read (the id is then "path:" + path); `record_json` (may be NULL) is the
 * record emitted for the failure, kept for export. A failure never replaces a
 * document stored as ok; a later successful put at the same path removes it. */
vb_status vb_archive_put_failure(vb_archive *a, const char *sha256, const char *path,
                                 const char *reason, const char *record_json, vb_error *err);

/* ---- looking up ---- */

typedef enum vb_archive_state {
    VB_ARCHIVE_ABSENT = 0,
    VB_ARCHIVE_STORED = 1,    /* stored as ok */
    VB_ARCHIVE_FAILED = 2,    /* stored as a failure */
    VB_ARCHIVE_SUPERSEDED = 3 /* stored as ok, but a newer version of its path came since
                                 (a file changed back to this content must be put again) */
} vb_archive_state;

vb_status vb_archive_lookup(vb_archive *a, const char *sha256, vb_archive_state *state,
                            vb_error *err);

/* 1 if a document with this id is stored as ok, 0 otherwise (or on error). */
int vb_archive_has(vb_archive *a, const char *sha256);

/* The record of one document: `key` is a full id, an id prefix of at least 6
 * hex digits, or a symbol (matched folded and case-insensitively; the newest
 * document wins when several share it). `*json` is malloc'd (free()), with
 * "text" restored from the pages. Not found: VB_ERR_INPUT; an ambiguous id
 * prefix: VB_ERR_USAGE. */
vb_status vb_archive_get(vb_archive *a, const char *key, char **json, vb_error *err);

/* ---- full-text search ---- */

typedef struct vb_search_opts {
    int limit;              /* 0: 20; at most 10000 */
    const char *mark_open;  /* put before each highlighted hit; NULL: "[" */
    const char *mark_close; /* NULL: "]" */
    const char *ellipsis;   /* NULL: "…" */
    int snippet_tokens;     /* words of context per snippet, both sides together; 0: 16 */
} vb_search_opts;

typedef struct vb_search_hit {
    int rank;     /* 1-based */
    int exact;    /* 1: matched with the diacritics as typed; 0: folded only */
    double score; /* bm25 score, lower is better (within one tier) */
    const char *id;
    const char *path;
    const char *symbol; /* may be NULL */
    const char *issuer; /* may be NULL */
    const char *date;   /* may be NULL */
    const char *title;  /* may be NULL */
    const char *snippet;
} vb_search_hit;

/* Return non-zero to stop. */
typedef int (*vb_search_fn)(void *user, const vb_search_hit *hit);

/* Search the latest version of every document (earlier versions are not
 * indexed) for `query`, taken as one phrase: the user's text is always quoted
 * for FTS5, so symbols, quotes and operators are plain text. Documents where
 * the phrase occurs with its diacritics as typed (NFC, any case) come first,
 * by bm25 (title, symbol and issuer weigh 4 times the body); then those where
 * it occurs once both sides are folded with vb_fold. The snippet is the NFC
 * text around the first hit, every hit in it between the marks, on one line.
 * Invalid UTF-8: VB_ERR_INPUT. A query with no letter or digit finds nothing.
 * `*n_hits` (may be NULL) is the number of hits reported. */
vb_status vb_archive_search(vb_archive *a, const char *query, const vb_search_opts *opts,
                            vb_search_fn fn, void *user, int *n_hits, vb_error *err);

/* ---- citations ---- */

/* A loose citation parsed from user input: "thong tu 124/2021", "TT 124",
 * "124/2021/TT-BCA", "Chỉ thị số 01-CT/TU". */
typedef struct vb_cite_query {
    char number[32]; /* without leading zeros: "124"; required */
    int year;        /* 0: any */
    char type[32];   /* lower case; folded when the input had no marks: "tt", "nđ"; "" any */
    int type_exact;  /* 1: type was written with đ, compare it unfolded */
    char issuer[64]; /* issuer code folded ("bca", "ubnd") or "" */
} vb_cite_query;

/* Parse loose input; VB_ERR_USAGE if no document number is found. */
vb_status vb_cite_parse(const char *input, vb_cite_query *q, vb_error *err);

typedef struct vb_cite_hit {
    const char *cited_symbol; /* the canonical symbol as stored in the reference */
    const char *role;         /* "can_cu", "dan_chieu" or NULL */
    const char *id;           /* the citing document */
    const char *path;
    const char *symbol; /* citing document's symbol, may be NULL */
    const char *issuer; /* may be NULL */
    const char *date;   /* may be NULL */
    const char *title;  /* may be NULL */
} vb_cite_hit;

typedef int (*vb_cite_fn)(void *user, const vb_cite_hit *hit);

/* The latest documents citing what `loose_symbol` names, newest first, one
 * call per (citing document, cited symbol). */
vb_status vb_archive_cites(vb_archive *a, const char *loose_symbol, vb_cite_fn fn, void *user,
                           int *n_hits, vb_error *err);

/* ---- statistics ---- */

typedef struct vb_stat_row {
    char *key;   /* a symbol, an agency, a month "2026-03" */
    char *label; /* for symbols: the issuer if known; may be NULL */
    long count;
} vb_stat_row;

typedef struct vb_archive_stats {
    long documents, failed, versions_superseded, pages, references, tasks, targets, agencies;
    vb_stat_row *most_cited; /* by number of citing documents */
    size_t n_most_cited;
    vb_stat_row *tasks_per_agency; /* as lead */
    size_t n_tasks_per_agency;
    vb_stat_row *deadlines_per_month; /* by the month a task's deadline ends */
    size_t n_deadlines_per_month;
} vb_archive_stats;

/* `top` (0: 10) bounds each list. Free with vb_archive_stats_free. */
vb_status vb_archive_stats_get(vb_archive *a, int top, vb_archive_stats *st, vb_error *err);
void vb_archive_stats_free(vb_archive_stats *st);

/* ---- export ---- */

typedef enum vb_export_format {
    VB_EXPORT_JSONL = 0,              /* every stored record, one per line */
    VB_EXPORT_CSV_TASKS = 1,          /* one row per task, RFC 4180, UTF-8 */
    VB_EXPORT_OPENSEARCH = 2,         /* _bulk NDJSON, _id = SHA-256 */
    VB_EXPORT_OPENSEARCH_TEMPLATE = 3 /* the index template (ICU analysis plugin) */
} vb_export_format;

/* Index name used in the _bulk action lines and the template's pattern. */
#define VB_ARCHIVE_INDEX "vanban"

/* Write the export to `out`; `*n_rows` (may be NULL) counts records or rows.
 * A write error is VB_ERR_INPUT. */
vb_status vb_archive_export(vb_archive *a, vb_export_format format, FILE *out, long *n_rows,
                            vb_error *err);

/* ---- checks ---- */

/* PRAGMA integrity_check, foreign_key_check and the FTS5 'integrity-check' of
 * both indexes (which needs a handle that is not read-only), and that the
 * indexes hold exactly the latest documents; VB_ERR_INTERNAL with the first
 * problem in err otherwise. */
vb_status vb_archive_check(vb_archive *a, vb_error *err);

#ifdef __cplusplus
}
#endif
#endif
