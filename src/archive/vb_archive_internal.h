/*
 * vb_archive_internal.h: what the archive's two source files share (the
 * handle, the statement cache, small helpers). Not installed, not included
 * outside src/archive.
 */
#ifndef VB_ARCHIVE_INTERNAL_H
#define VB_ARCHIVE_INTERNAL_H

#include <sqlite3.h>

#include "vb_archive.h"

/* Statements prepared once per handle (SQLITE_PREPARE_PERSISTENT). */
enum vb_stmt_id {
    ST_DOC_BY_ID,
    ST_DOC_DELETE,
    ST_DOC_PREV_AT_PATH,
    ST_DOC_SUPERSEDE,
    ST_DOC_DELETE_FAILED_AT_PATH,
    ST_DOC_INSERT,
    ST_RECORD_INSERT,
    ST_PAGE_INSERT,
    ST_FTS_EXACT_INSERT,
    ST_FTS_FOLD_INSERT,
    ST_REF_INSERT,
    ST_AGENCY_INSERT,
    ST_AGENCY_ID,
    ST_TASK_INSERT,
    ST_TASK_AGENCY_INSERT,
    ST_TARGET_INSERT,
    ST_PAGES_OF_DOC,
    ST_SEARCH_EXACT,
    ST_SEARCH_FOLD,
    ST_HITS_EXACT,
    ST_HITS_FOLD,
    ST_FTS_EXACT_TEXT,
    ST_DOC_SUMMARY,
    ST_CITES,
    ST_COUNT
};

struct vb_archive {
    sqlite3 *db;
    char *path;
    int read_only;
    int depth; /* nesting of vb_archive_begin */
    sqlite3_stmt *st[ST_COUNT];
};

/* The cached statement `id`, reset with its bindings cleared; NULL with err set. */
sqlite3_stmt *vb_archive_stmt(vb_archive *a, enum vb_stmt_id id, vb_error *err);

/* VB_ERR_INTERNAL with SQLite's message, the database file and the result code. */
vb_status vb_archive_sqlerr(vb_archive *a, vb_error *err, const char *what);

/* Run SQL without results. */
vb_status vb_archive_exec(vb_archive *a, const char *sql, vb_error *err);

/* The record JSON of row `doc` with "text" restored from its pages (malloc'd). */
vb_status vb_archive_record_text(vb_archive *a, sqlite3_int64 doc, const char *record, char **json,
                                 vb_error *err);

/* vb_fold of s, with spaces removed when `squeeze` (symbol keys); malloc'd. */
char *vb_archive_fold(const char *s, int squeeze);

/* Lower-case ASCII letters and Đ, keep everything else: type codes compared
 * with their đ ("nđ", "hđ"). malloc'd. */
char *vb_archive_lower_keep_marks(const char *s);

/* `s` NFC-normalised (ICU); malloc'd, NULL on invalid input or no memory. */
char *vb_archive_nfc(const char *s);

#endif
