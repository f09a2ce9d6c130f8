/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * vb_archive.c: opening and migrating the database, storing records and
 * failures, reading one record back, integrity checks. Queries (search,
 * cites, stats, export) are in vb_archive_query.c.
 */
#include "vb_archive_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "vb_normalize.h"

/* Version 1 of the schema.
 *
 * The text is stored once, in pages. fts_exact is an external-content index
 * over the view fts_exact_source (head: symbol, type name, title, issuer;
 * body: the pages joined by form feeds), fts_fold holds the folded text
 * itself, so that removing a row never depends on vb_fold giving today what
 * it gave when the row was indexed. FTS rowids are documents.doc.
 *
 * The indexes hold the latest successful version of each document only, so a
 * search needs no join to filter old versions out. The view shows exactly
 * those documents, and the triggers remove a document's index rows while its
 * row and pages are still there (an external-content 'delete' must be given
 * the indexed text) when it is replaced or superseded. */
static const char schema_v1[] =
    "CREATE TABLE documents("
    " doc INTEGER PRIMARY KEY,"
    " id TEXT NOT NULL UNIQUE,"
    " path TEXT,"
    " previous_id TEXT REFERENCES documents(id) DEFERRABLE INITIALLY DEFERRED,"
    " latest INTEGER NOT NULL DEFAULT 1,"
    " symbol TEXT, symbol_key TEXT, type TEXT, type_name TEXT, number TEXT, issuer TEXT,"
    " date TEXT, title TEXT,"
    " media_type TEXT, pages INTEGER, text_origin TEXT, ocr_confidence REAL,"
    " status TEXT NOT NULL CHECK (status IN ('ok','failed')),"
    " reason TEXT,"
    " created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));"
    "CREATE INDEX documents_path ON documents(path, latest);"
    "CREATE INDEX documents_symbol ON documents(symbol_key);"
    "CREATE INDEX documents_previous ON documents(previous_id);"
    /* apart, so that document rows stay small and dense for the joins */
    "CREATE TABLE records("
    " doc INTEGER PRIMARY KEY REFERENCES documents(doc) ON DELETE CASCADE,"
    " json TEXT NOT NULL);"
    /* a rowid table: WITHOUT ROWID stores rows of several kB badly */
    "CREATE TABLE pages("
    " doc INTEGER NOT NULL REFERENCES documents(doc) ON DELETE CASCADE,"
    " page INTEGER NOT NULL, confidence REAL, text TEXT NOT NULL,"
    " UNIQUE (doc, page));"
    "CREATE TABLE refs("
    " ref INTEGER PRIMARY KEY,"
    " doc INTEGER NOT NULL REFERENCES documents(doc) ON DELETE CASCADE,"
    " symbol TEXT NOT NULL, symbol_key TEXT NOT NULL,"
    " number_key TEXT, year INTEGER, type TEXT, type_lc TEXT, type_key TEXT, issuer_code TEXT,"
    " type_name TEXT, issuer TEXT, date TEXT, role TEXT, title TEXT, mentions TEXT);"
    "CREATE INDEX refs_doc ON refs(doc);"
    /* covering for vb_archive_cites: no visit of the refs rows themselves */
    "CREATE INDEX refs_number ON refs(number_key, year, type_key, type_lc, issuer_code, doc,"
    " role, symbol);"
    "CREATE INDEX refs_symbol ON refs(symbol_key);"
    "CREATE TABLE agencies("
    " agency INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, name_key TEXT NOT NULL);"
    "CREATE INDEX agencies_key ON agencies(name_key);"
    "CREATE TABLE tasks("
    " task INTEGER PRIMARY KEY,"
    " doc INTEGER NOT NULL REFERENCES documents(doc) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL, text TEXT,"
    " lead INTEGER REFERENCES agencies(agency),"
    " deadline_kind TEXT, deadline_start TEXT, deadline_end TEXT, deadline_text TEXT);"
    "CREATE INDEX tasks_doc ON tasks(doc);"
    "CREATE INDEX tasks_lead ON tasks(lead);"
    "CREATE TABLE task_agencies("
    " task INTEGER NOT NULL REFERENCES tasks(task) ON DELETE CASCADE,"
    " agency INTEGER NOT NULL REFERENCES agencies(agency),"
    " role TEXT NOT NULL CHECK (role IN ('lead','partner')),"
    " pos INTEGER NOT NULL," /* order in the record */
    " PRIMARY KEY (task, agency, role)) WITHOUT ROWID;"
    "CREATE INDEX task_agencies_agency ON task_agencies(agency, role);"
    "CREATE TABLE targets("
    " target INTEGER PRIMARY KEY,"
    " doc INTEGER NOT NULL REFERENCES documents(doc) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL, value REAL, unit TEXT, comparator TEXT, subject TEXT,"
    " by_year INTEGER, recurring INTEGER, text TEXT);"
    "CREATE INDEX targets_doc ON targets(doc);"
    "CREATE VIEW fts_exact_source(doc, head, body) AS SELECT d.doc,"
    " substr(coalesce(char(10) || nullif(d.symbol, ''), '')"
    "  || coalesce(char(10) || nullif(d.type_name, ''), '')"
    "  || coalesce(char(10) || nullif(d.title, ''), '')"
    "  || coalesce(char(10) || nullif(d.issuer, ''), ''), 2),"
    " (SELECT group_concat(text, char(12)) FROM"
    "  (SELECT text FROM pages p WHERE p.doc = d.doc ORDER BY p.page))"
    " FROM documents d WHERE d.latest = 1 AND d.status = 'ok';"
    "CREATE VIRTUAL TABLE fts_exact USING fts5(head, body,"
    " content = 'fts_exact_source', content_rowid = 'doc',"
    " tokenize = 'unicode61 remove_diacritics 0');"
    "CREATE VIRTUAL TABLE fts_fold USING fts5(head, body,"
    " tokenize = 'unicode61 remove_diacritics 0');"
    "CREATE TRIGGER documents_fts_delete BEFORE DELETE ON documents"
    " WHEN old.latest = 1 AND old.status = 'ok' BEGIN"
    " INSERT INTO fts_exact(fts_exact, rowid, head, body)"
    "  SELECT 'delete', doc, head, body FROM fts_exact_source WHERE doc = old.doc;"
    " DELETE FROM fts_fold WHERE rowid = old.doc;"
    " END;"
    "CREATE TRIGGER documents_fts_supersede BEFORE UPDATE OF latest ON documents"
    " WHEN old.latest = 1 AND new.latest = 0 AND old.status = 'ok' BEGIN"
    " INSERT INTO fts_exact(fts_exact, rowid, head, body)"
    "  SELECT 'delete', doc, head, body FROM fts_exact_source WHERE doc = old.doc;"
    " DELETE FROM fts_fold WHERE rowid = old.doc;"
    " END;";

static const char *const stmt_sql[ST_COUNT] = {
    [ST_DOC_BY_ID] = "SELECT d.doc, d.status, r.json, d.path, d.previous_id, d.latest"
                     " FROM documents d LEFT JOIN records r ON r.doc = d.doc WHERE d.id = ?1",
    [ST_DOC_DELETE] = "DELETE FROM documents WHERE doc = ?1",
    [ST_DOC_PREV_AT_PATH] = "SELECT id FROM documents WHERE path = ?1 AND latest = 1"
                            " AND id <> ?2 AND status = 'ok' ORDER BY doc DESC LIMIT 1",
    [ST_DOC_SUPERSEDE] = "UPDATE documents SET latest = 0 WHERE path = ?1 AND latest = 1"
                         " AND id <> ?2",
    [ST_DOC_DELETE_FAILED_AT_PATH] = "DELETE FROM documents WHERE path = ?1"
                                     " AND status = 'failed' AND id <> ?2",
    [ST_DOC_INSERT] =
        "INSERT INTO documents(id, path, previous_id, latest, symbol, symbol_key, type,"
        " number, issuer, date, title, media_type, pages, text_origin, ocr_confidence,"
        " status, reason, type_name)"
        " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)",
    [ST_RECORD_INSERT] = "INSERT INTO records(doc, json) VALUES (?1,?2)",
    [ST_PAGE_INSERT] = "INSERT INTO pages(doc, page, confidence, text) VALUES (?1,?2,?3,?4)",
    [ST_FTS_EXACT_INSERT] = "INSERT INTO fts_exact(rowid, head, body)"
                            " SELECT doc, head, body FROM fts_exact_source WHERE doc = ?1",
    [ST_FTS_FOLD_INSERT] = "INSERT INTO fts_fold(rowid, head, body)"
                           " SELECT doc, vb_fold(head), vb_fold(body) FROM fts_exact_source"
                           " WHERE doc = ?1",
    [ST_REF_INSERT] = "INSERT INTO refs(doc, symbol, symbol_key, number_key, year, type,"
                      " type_lc, type_key, issuer_code, type_name, issuer, date, role, title,"
                      " mentions) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
    [ST_AGENCY_INSERT] = "INSERT OR IGNORE INTO agencies(name, name_key) VALUES (?1,?2)",
    [ST_AGENCY_ID] = "SELECT agency FROM agencies WHERE name = ?1",
    [ST_TASK_INSERT] = "INSERT INTO tasks(doc, seq, text, lead, deadline_kind, deadline_start,"
                       " deadline_end, deadline_text) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
    [ST_TASK_AGENCY_INSERT] = "INSERT OR IGNORE INTO task_agencies(task, agency, role, pos)"
                              " VALUES (?1,?2,?3,?4)",
    [ST_TARGET_INSERT] = "INSERT INTO targets(doc, seq, value, unit, comparator, subject,"
                         " by_year, recurring, text) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
    [ST_PAGES_OF_DOC] = "SELECT text FROM pages WHERE doc = ?1 ORDER BY page",
    [ST_SEARCH_EXACT] = "SELECT rowid, bm25(fts_exact, 4.0, 1.0) AS score FROM fts_exact"
                        " WHERE fts_exact MATCH ?1 ORDER BY score LIMIT ?2",
    [ST_SEARCH_FOLD] = "SELECT rowid, bm25(fts_fold, 4.0, 1.0) AS score FROM fts_fold"
                       " WHERE fts_fold MATCH ?1 ORDER BY score LIMIT ?2",
    [ST_HITS_EXACT] = "SELECT vb_hits(fts_exact, ?3, ?4) FROM fts_exact WHERE fts_exact MATCH ?1"
                      " AND rowid = ?2",
    [ST_HITS_FOLD] = "SELECT vb_hits(fts_fold, ?3, ?4) FROM fts_fold WHERE fts_fold MATCH ?1"
                     " AND rowid = ?2",
    [ST_FTS_EXACT_TEXT] = "SELECT head, body FROM fts_exact_source WHERE doc = ?1",
    [ST_DOC_SUMMARY] = "SELECT id, path, symbol, issuer, date, title FROM documents"
                       " WHERE doc = ?1",
    [ST_CITES] = "SELECT r.symbol, r.role, d.id, d.path, d.symbol, d.issuer, d.date, d.title"
                 " FROM refs r JOIN documents d ON d.doc = r.doc"
                 " WHERE r.number_key = ?1 AND (?2 = 0 OR r.year = ?2)"
                 " AND (?3 = '' OR (CASE WHEN ?4 THEN r.type_lc ELSE r.type_key END) = ?3)"
                 " AND (?5 = '' OR r.issuer_code = ?5"
                 "      OR substr(r.issuer_code, 1, length(?5) + 1) = ?5 || '-')"
                 " AND d.latest = 1 AND d.status = 'ok'"
                 " ORDER BY d.date DESC, d.id, r.symbol",
};

/* ---- helpers shared with vb_archive_query.c ---- */

vb_status vb_archive_sqlerr(vb_archive *a, vb_error *err, const char *what)
{
    int rc = sqlite3_extended_errcode(a->db);
    vb_error_set(err, VB_ERR_INTERNAL, "%s: %s", what, sqlite3_errmsg(a->db));
    if (err) {
        err->subcode = rc;
        vb_error_at(err, a->path, 0, 0);
    }
    return VB_ERR_INTERNAL;
}

vb_status vb_archive_exec(vb_archive *a, const char *sql, vb_error *err)
{
    if (sqlite3_exec(a->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return vb_archive_sqlerr(a, err, "SQLite");
    return VB_OK;
}

sqlite3_stmt *vb_archive_stmt(vb_archive *a, enum vb_stmt_id id, vb_error *err)
{
    sqlite3_stmt *s = a->st[id];
    if (!s) {
        if (sqlite3_prepare_v3(a->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) !=
            SQLITE_OK) {
            vb_archive_sqlerr(a, err, "preparing a query");
            return NULL;
        }
        a->st[id] = s;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return s;
}

char *vb_archive_fold(const char *s, int squeeze)
{
    char *f = NULL;
    size_t n = 0;
    if (vb_fold(s ? s : "", s ? strlen(s) : 0, &f, &n, NULL, NULL) != VB_OK)
        return NULL;
    if (squeeze) {
        size_t j = 0;
        for (size_t i = 0; i < n; i++)
            if (!isspace((unsigned char)f[i]))
                f[j++] = f[i];
        f[j] = '\0';
    }
    return f;
}

char *vb_archive_lower_keep_marks(const char *s)
{
    char *out = vb_strdup(s ? s : "");
    if (!out)
        return NULL;
    for (unsigned char *p = (unsigned char *)out; *p; p++) {
        if (*p < 0x80)
            *p = (unsigned char)tolower(*p);
        else if (p[0] == 0xC4 && p[1] == 0x90) /* Đ → đ */
            p[1] = 0x91;
    }
    return out;
}

char *vb_archive_nfc(const char *s)
{
    UErrorCode ec = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&ec);
    if (U_FAILURE(ec) || !s)
        return NULL;
    int32_t n16 = 0;
    u_strFromUTF8(NULL, 0, &n16, s, -1, &ec);
    if (ec != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(ec))
        return NULL;
    ec = U_ZERO_ERROR;
    UChar *u = malloc(((size_t)n16 + 1) * sizeof *u);
    UChar *v = malloc(((size_t)n16 * 3 + 1) * sizeof *v);
    char *out = malloc((size_t)n16 * 9 + 1);
    if (!u || !v || !out)
        goto fail;
    u_strFromUTF8(u, n16 + 1, NULL, s, -1, &ec);
    int32_t nv = unorm2_normalize(nfc, u, n16, v, n16 * 3 + 1, &ec);
    int32_t n8 = 0;
    if (U_FAILURE(ec))
        goto fail;
    u_strToUTF8(out, n16 * 9 + 1, &n8, v, nv, &ec);
    if (U_FAILURE(ec))
        goto fail;
    free(u);
    free(v);
    return out;
fail:
    free(u);
    free(v);
    free(out);
    return NULL;
}

/* ---- open, migrate, close ---- */

/* vb_hits(fts, head, body): the byte ranges, in the texts given (the row's
 * columns as indexed), of every phrase instance in the current row, as
 * "column start end;" triples. The search highlights with it: FTS5's
 * snippet() aligns on sentences and can cut a phrase, and on the folded index
 * it could only show folded text. */
struct hit_span {
    int col, first, last; /* token indices */
};

struct hits_ctx {
    struct hit_span *spans;
    int n, col, tok;
    vb_buf *out;
};

static int hits_token(void *p, int tflags, const char *tok, int ntok, int start, int end)
{
    (void)tok;
    (void)ntok;
    struct hits_ctx *h = p;
    if (tflags & FTS5_TOKEN_COLOCATED)
        return SQLITE_OK;
    for (int i = 0; i < h->n; i++) {
        struct hit_span *s = &h->spans[i];
        if (s->col != h->col)
            continue;
        if (h->tok == s->first && vb_buf_printf(h->out, "%d %d ", s->col, start) != VB_OK)
            return SQLITE_NOMEM;
        if (h->tok == s->last && vb_buf_printf(h->out, "%d;", end) != VB_OK)
            return SQLITE_NOMEM;
    }
    h->tok++;
    return SQLITE_OK;
}

static void fts_hits(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
                     sqlite3_value **val)
{
    int n = 0, rc = api->xInstCount(fts, &n);
    vb_buf out = {0};
    struct hit_span *spans = n > 0 ? calloc((size_t)n, sizeof *spans) : NULL;
    if (rc != SQLITE_OK || (n > 0 && !spans)) {
        free(spans);
        sqlite3_result_error_code(ctx, rc != SQLITE_OK ? rc : SQLITE_NOMEM);
        return;
    }
    int ncol = api->xColumnCount(fts);
    for (int i = 0; i < n && rc == SQLITE_OK; i++) {
        int phrase, col, off;
        rc = api->xInst(fts, i, &phrase, &col, &off);
        spans[i].col = col;
        spans[i].first = off;
        spans[i].last = off + api->xPhraseSize(fts, phrase) - 1;
    }
    for (int c = 0; c < ncol && rc == SQLITE_OK && n > 0; c++) {
        if (c >= nval)
            break;
        const char *text = (const char *)sqlite3_value_text(val[c]);
        int len = sqlite3_value_bytes(val[c]);
        if (!text)
            continue;
        struct hits_ctx h = {spans, n, c, 0, &out};
        rc = api->xTokenize(fts, text, len, &h, hits_token);
    }
    free(spans);
    if (rc != SQLITE_OK) {
        vb_buf_free(&out);
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    sqlite3_result_text(ctx, out.data ? out.data : "", -1, SQLITE_TRANSIENT);
    vb_buf_free(&out);
}

/* vb_fold(text): the fold key, for indexing fts_fold from SQL. */
static void sql_fold(sqlite3_context *ctx, int nval, sqlite3_value **val)
{
    (void)nval;
    if (sqlite3_value_type(val[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *in = (const char *)sqlite3_value_text(val[0]);
    char *out = NULL;
    size_t n = 0;
    vb_error e;
    if (vb_fold(in, (size_t)sqlite3_value_bytes(val[0]), &out, &n, NULL, &e) != VB_OK) {
        sqlite3_result_error(ctx, e.message, -1);
        return;
    }
    sqlite3_result_text(ctx, out, (int)n, free);
}

static vb_status register_functions(vb_archive *a, vb_error *err)
{
    if (sqlite3_create_function_v2(a->db, "vb_fold", 1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                   sql_fold, NULL, NULL, NULL) != SQLITE_OK)
        return vb_archive_sqlerr(a, err, "registering vb_fold");
    fts5_api *api = NULL;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(a->db, "SELECT fts5(?1)", -1, &s, NULL) != SQLITE_OK)
        return vb_archive_sqlerr(a, err, "FTS5 is not available");
    sqlite3_bind_pointer(s, 1, &api, "fts5_api_ptr", NULL);
    sqlite3_step(s);
    sqlite3_finalize(s);
    if (!api || api->iVersion < 2)
        return vb_error_set(err, VB_ERR_INTERNAL, "this SQLite has no usable FTS5");
    if (api->xCreateFunction(api, "vb_hits", NULL, fts_hits, NULL) != SQLITE_OK)
        return vb_archive_sqlerr(a, err, "registering vb_hits");
    return VB_OK;
}

static vb_status migrate(vb_archive *a, vb_error *err)
{
    sqlite3_stmt *s;
    int version = -1;
    if (sqlite3_prepare_v2(a->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK) {
        vb_status st = vb_archive_sqlerr(a, err, "reading the schema version");
        if (sqlite3_errcode(a->db) == SQLITE_NOTADB)
            err->code = VB_ERR_INPUT;
        return err ? err->code : st;
    }
    if (sqlite3_step(s) == SQLITE_ROW)
        version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (version < 0) {
        vb_archive_sqlerr(a, err, "not a vanban archive");
        if (err && sqlite3_errcode(a->db) == SQLITE_NOTADB)
            err->code = VB_ERR_INPUT;
        return err ? err->code : VB_ERR_INTERNAL;
    }
    if (version > VB_ARCHIVE_SCHEMA_VERSION) {
        vb_error_set(err, VB_ERR_RULES,
                     "the archive has schema version %d, newer than this vanban's %d", version,
                     VB_ARCHIVE_SCHEMA_VERSION);
        vb_error_at(err, a->path, 0, 0);
        return VB_ERR_RULES;
    }
    if (version == VB_ARCHIVE_SCHEMA_VERSION)
        return VB_OK;
    if (a->read_only) {
        vb_error_set(err, VB_ERR_INPUT, "not a vanban archive (schema version %d)", version);
        vb_error_at(err, a->path, 0, 0);
        return VB_ERR_INPUT;
    }
    vb_status st = vb_archive_exec(a, "BEGIN IMMEDIATE", err);
    if (st != VB_OK)
        return st;
    /* Another process may have migrated while we waited for the lock. */
    if (sqlite3_prepare_v2(a->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (version == 0) {
        /* A non-empty database that is not ours must not be written into. */
        if (sqlite3_prepare_v2(a->db, "SELECT count(*) FROM sqlite_schema", -1, &s, NULL) ==
                SQLITE_OK &&
            sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) > 0) {
            sqlite3_finalize(s);
            vb_archive_exec(a, "ROLLBACK", NULL);
            vb_error_set(err, VB_ERR_INPUT, "an SQLite database that is not a vanban archive");
            vb_error_at(err, a->path, 0, 0);
            return VB_ERR_INPUT;
        }
        sqlite3_finalize(s);
        st = vb_archive_exec(a, schema_v1, err);
        if (st == VB_OK)
            st = vb_archive_exec(a, "PRAGMA user_version = 1", err);
    }
    /* Later versions: `if (version < 2) { ALTER ...; PRAGMA user_version = 2; }` */
    if (st == VB_OK)
        st = vb_archive_exec(a, "COMMIT", err);
    if (st != VB_OK)
        vb_archive_exec(a, "ROLLBACK", NULL);
    return st;
}

vb_status vb_archive_open(vb_archive **out, const char *path, const vb_archive_opts *opts,
                          vb_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return vb_error_set(err, VB_ERR_USAGE, "no archive path given");
    vb_archive_opts o = {0};
    if (opts)
        o = *opts;
    vb_archive *a = calloc(1, sizeof *a);
    if (!a || !(a->path = vb_strdup(path))) {
        free(a);
        return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    }
    a->read_only = o.read_only;
    int flags = o.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    vb_status st = VB_OK;
    if (o.read_only && access(path, F_OK) != 0) {
        st =
            vb_error_set(err, VB_ERR_INPUT, "no archive here (vanban process --db FILE makes one)");
        vb_error_at(err, path, 0, 0);
        goto fail;
    }
    if (sqlite3_open_v2(path, &a->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        st = vb_error_set(err, VB_ERR_INPUT, "cannot open the archive: %s",
                          a->db ? sqlite3_errmsg(a->db) : "out of memory");
        vb_error_at(err, path, 0, 0);
        goto fail;
    }
    sqlite3_extended_result_codes(a->db, 1);
    sqlite3_busy_timeout(a->db, o.busy_timeout_ms > 0 ? o.busy_timeout_ms : 10000);
    if ((st = migrate(a, err)) != VB_OK)
        goto fail;
    if (!o.read_only) {
        /* WAL: readers never block the writer nor the writer them; NORMAL sync
         * is durable against a crash of the process, which is what kill -9 is. */
        if ((st = vb_archive_exec(a, "PRAGMA journal_mode = WAL", err)) != VB_OK)
            goto fail;
        st = vb_archive_exec(
            a, o.no_sync ? "PRAGMA synchronous = OFF" : "PRAGMA synchronous = NORMAL", err);
        if (st != VB_OK)
            goto fail;
    }
    /* Reads through mmap (256 MB) and 64 MB of page cache (the default is
     * 2 MB): a short-lived `vanban search` reads the FTS doclists straight
     * from the OS cache instead of copying them page by page. */
    st = vb_archive_exec(a,
                         "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;"
                         " PRAGMA mmap_size = 268435456",
                         err);
    if (st != VB_OK)
        goto fail;
    if ((st = register_functions(a, err)) != VB_OK)
        goto fail;
    *out = a;
    return VB_OK;
fail:
    vb_archive_close(&a);
    return st;
}

void vb_archive_close(vb_archive **ap)
{
    if (!ap || !*ap)
        return;
    vb_archive *a = *ap;
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(a->st[i]);
    if (a->db) {
        if (!sqlite3_get_autocommit(a->db))
            sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close_v2(a->db);
    }
    free(a->path);
    free(a);
    *ap = NULL;
}

/* ---- transactions ---- */

vb_status vb_archive_begin(vb_archive *a, vb_error *err)
{
    if (a->depth == 0) {
        /* IMMEDIATE: take the write lock now, waiting up to the busy timeout,
         * instead of failing later when a read would have to become a write. */
        vb_status st = vb_archive_exec(a, "BEGIN IMMEDIATE", err);
        if (st != VB_OK)
            return st;
    }
    a->depth++;
    return VB_OK;
}

vb_status vb_archive_commit(vb_archive *a, vb_error *err)
{
    if (a->depth == 0)
        return vb_error_set(err, VB_ERR_USAGE, "commit without begin");
    if (--a->depth > 0)
        return VB_OK;
    vb_status st = vb_archive_exec(a, "COMMIT", err);
    if (st != VB_OK)
        vb_archive_exec(a, "ROLLBACK", NULL);
    return st;
}

vb_status vb_archive_rollback(vb_archive *a, vb_error *err)
{
    if (a->depth == 0)
        return vb_error_set(err, VB_ERR_USAGE, "rollback without begin");
    a->depth = 0;
    return vb_archive_exec(a, "ROLLBACK", err);
}

/* One put: its own transaction, or a savepoint inside the caller's batch so a
 * bad record leaves the rest of the batch alone. */
static vb_status put_begin(vb_archive *a, vb_error *err)
{
    return vb_archive_exec(a, a->depth ? "SAVEPOINT put" : "BEGIN IMMEDIATE", err);
}

static vb_status put_end(vb_archive *a, vb_status st, vb_error *err)
{
    if (st == VB_OK) {
        st = vb_archive_exec(a, a->depth ? "RELEASE put" : "COMMIT", err);
        if (st == VB_OK)
            return VB_OK;
    }
    if (a->depth)
        sqlite3_exec(a->db, "ROLLBACK TO put; RELEASE put", NULL, NULL, NULL);
    else
        sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

/* ---- binding helpers ---- */

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

static const char *jstr(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void bind_jnum(sqlite3_stmt *s, int i, const json_t *v)
{
    if (json_is_integer(v))
        sqlite3_bind_int64(s, i, (sqlite3_int64)json_integer_value(v));
    else if (json_is_real(v))
        sqlite3_bind_double(s, i, json_real_value(v));
    else if (json_is_boolean(v))
        sqlite3_bind_int(s, i, json_is_true(v));
    else
        sqlite3_bind_null(s, i);
}

static void bind_json(sqlite3_stmt *s, int i, const json_t *v)
{
    char *t = v && !json_is_null(v) ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    if (t)
        sqlite3_bind_text(s, i, t, -1, free);
    else
        sqlite3_bind_null(s, i);
}

static vb_status step_done(vb_archive *a, sqlite3_stmt *s, vb_error *err, const char *what)
{
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return vb_archive_sqlerr(a, err, what);
    sqlite3_reset(s);
    return VB_OK;
}

/* ---- symbols ---- */

/* Number, year, type and issuer code of a folded, space-free symbol key:
 * "124/2021/tt-bca", "117/kh-ubnd", "22/hd-bca-v05", "01-ct/tu", "80/2015/qh13". */
static void symbol_parts(const char *key, char number[32], int *year, char type[32],
                         char issuer[64])
{
    number[0] = type[0] = issuer[0] = '\0';
    *year = 0;
    const char *p = key;
    while (*p == '0' && isdigit((unsigned char)p[1]))
        p++;
    size_t n = 0;
    while (isdigit((unsigned char)*p) && n < 31)
        number[n++] = *p++;
    number[n] = '\0';
    if (!n)
        return;
    const char *t, *te, *is;
    if (*p == '-') { /* party: number-TYPE/ISSUER */
        t = p + 1;
        te = strchr(t, '/');
        is = te ? te + 1 : NULL;
        if (!te)
            te = t + strlen(t);
    } else if (*p == '/') {
        t = p + 1;
        if (isdigit((unsigned char)t[0]) && isdigit((unsigned char)t[1]) &&
            isdigit((unsigned char)t[2]) && isdigit((unsigned char)t[3]) && t[4] == '/') {
            *year = atoi(t);
            t += 5;
        }
        te = strchr(t, '-');
        is = te ? te + 1 : NULL;
        if (!te)
            te = t + strlen(t);
    } else {
        return;
    }
    snprintf(type, 32, "%.*s", (int)(te - t), t);
    if (is)
        snprintf(issuer, 64, "%s", is);
}

/* ---- put ---- */

static vb_status put_json(vb_archive *a, sqlite3_int64 doc, const char *json, vb_error *err)
{
    sqlite3_stmt *s = vb_archive_stmt(a, ST_RECORD_INSERT, err);
    if (!s)
        return VB_ERR_INTERNAL;
    sqlite3_bind_int64(s, 1, doc);
    bind_text(s, 2, json);
    return step_done(a, s, err, "storing a record");
}

static vb_status put_pages(vb_archive *a, sqlite3_int64 doc, const char *text, const json_t *rec,
                           vb_error *err)
{
    const json_t *quality = json_object_get(rec, "quality");
    const json_t *confs = json_object_get(quality, "page_confidence");
    const json_t *mean = json_object_get(quality, "ocr_confidence");
    const char *origin = jstr(json_object_get(rec, "source"), "text_origin");
    int page = 1;
    const char *p = text;
    for (;;) {
        const char *ff = strchr(p, '\f');
        size_t n = ff ? (size_t)(ff - p) : strlen(p);
        sqlite3_stmt *s = vb_archive_stmt(a, ST_PAGE_INSERT, err);
        if (!s)
            return VB_ERR_INTERNAL;
        sqlite3_bind_int64(s, 1, doc);
        sqlite3_bind_int(s, 2, page);
        const json_t *c = json_array_get(confs, (size_t)page - 1);
        if (json_is_number(c))
            sqlite3_bind_double(s, 3, json_number_value(c));
        else if (json_is_number(mean) && json_number_value(mean) >= 0 && origin &&
                 !strcmp(origin, "ocr"))
            sqlite3_bind_double(s, 3, json_number_value(mean));
        sqlite3_bind_text(s, 4, p, (int)n, SQLITE_TRANSIENT);
        vb_status st = step_done(a, s, err, "storing a page");
        if (st != VB_OK)
            return st;
        if (!ff)
            return VB_OK;
        p = ff + 1;
        page++;
    }
}

/* Index the document just stored (its row and pages): both indexes read it
 * through fts_exact_source, so what is indexed is what a 'delete' gives back. */
static vb_status put_fts(vb_archive *a, sqlite3_int64 doc, vb_error *err)
{
    for (int k = 0; k < 2; k++) {
        sqlite3_stmt *s = vb_archive_stmt(a, k ? ST_FTS_FOLD_INSERT : ST_FTS_EXACT_INSERT, err);
        if (!s)
            return VB_ERR_INTERNAL;
        sqlite3_bind_int64(s, 1, doc);
        vb_status st = step_done(a, s, err, "indexing the text");
        if (st != VB_OK)
            return st;
    }
    return VB_OK;
}

static vb_status put_refs(vb_archive *a, sqlite3_int64 doc, const json_t *refs, vb_error *err)
{
    size_t i;
    const json_t *r;
    json_array_foreach(refs, i, r)
    {
        const char *symbol = jstr(r, "symbol");
        if (!symbol || !*symbol)
            continue; /* a reference the extractor could not name has no edge */
        char *key = vb_archive_fold(symbol, 1);
        if (!key)
            return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
        char number[32], type[32], issuer[64];
        int year;
        symbol_parts(key, number, &year, type, issuer);
        const char *jnum = jstr(r, "number");
        if (jnum && *jnum) {
            while (*jnum == '0' && jnum[1])
                jnum++;
            snprintf(number, sizeof number, "%s", jnum);
        }
        const json_t *jy = json_object_get(r, "year");
        if (json_is_integer(jy))
            year = (int)json_integer_value(jy);
        const char *date = jstr(r, "date");
        if (!year && date && strlen(date) >= 4)
            year = atoi(date);
        const char *jtype = jstr(r, "type");
        char *type_lc = vb_archive_lower_keep_marks(jtype ? jtype : symbol);
        if (type_lc && !jtype) { /* the type as printed in the symbol, đ kept */
            char n2[32], t2[32], i2[64];
            int y2;
            size_t j = 0;
            for (size_t k = 0; type_lc[k]; k++)
                if (!isspace((unsigned char)type_lc[k]))
                    type_lc[j++] = type_lc[k];
            type_lc[j] = '\0';
            symbol_parts(type_lc, n2, &y2, t2, i2);
            strcpy(type_lc, t2);
        }
        char *type_key = vb_archive_fold(jtype ? jtype : type, 1);
        sqlite3_stmt *s = vb_archive_stmt(a, ST_REF_INSERT, err);
        vb_status st = VB_ERR_INTERNAL;
        if (s && type_lc && type_key) {
            sqlite3_bind_int64(s, 1, doc);
            bind_text(s, 2, symbol);
            bind_text(s, 3, key);
            bind_text(s, 4, number[0] ? number : NULL);
            if (year)
                sqlite3_bind_int(s, 5, year);
            bind_text(s, 6, jtype ? jtype : (type[0] ? type : NULL));
            bind_text(s, 7, type_lc);
            bind_text(s, 8, type_key);
            bind_text(s, 9, issuer[0] ? issuer : NULL);
            bind_text(s, 10, jstr(r, "type_name"));
            bind_text(s, 11, jstr(r, "issuer"));
            bind_text(s, 12, date);
            bind_text(s, 13, jstr(r, "role"));
            bind_text(s, 14, jstr(r, "title"));
            bind_json(s, 15, json_object_get(r, "mentions"));
            st = step_done(a, s, err, "storing a reference");
        } else if (s) {
            st = vb_error_set(err, VB_ERR_NOMEM, "out of memory");
        }
        free(key);
        free(type_lc);
        free(type_key);
        if (st != VB_OK)
            return st;
    }
    return VB_OK;
}

/* The agencies table row of `name`, created when new; 0 for no name. */
static vb_status agency_id(vb_archive *a, const char *name, sqlite3_int64 *id, vb_error *err)
{
    *id = 0;
    if (!name || !*name)
        return VB_OK;
    sqlite3_stmt *s = vb_archive_stmt(a, ST_AGENCY_INSERT, err);
    if (!s)
        return VB_ERR_INTERNAL;
    char *key = vb_archive_fold(name, 0);
    if (!key)
        return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    bind_text(s, 1, name);
    sqlite3_bind_text(s, 2, key, -1, free);
    vb_status st = step_done(a, s, err, "storing an agency");
    if (st != VB_OK)
        return st;
    if (sqlite3_changes(a->db) > 0) {
        *id = sqlite3_last_insert_rowid(a->db);
        return VB_OK;
    }
    if (!(s = vb_archive_stmt(a, ST_AGENCY_ID, err)))
        return VB_ERR_INTERNAL;
    bind_text(s, 1, name);
    if (sqlite3_step(s) == SQLITE_ROW)
        *id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return *id ? VB_OK : vb_archive_sqlerr(a, err, "finding an agency");
}

static vb_status link_agency(vb_archive *a, sqlite3_int64 task, const char *name, const char *role,
                             int pos, sqlite3_int64 *id_out, vb_error *err)
{
    sqlite3_int64 id;
    vb_status st = agency_id(a, name, &id, err);
    if (st != VB_OK || !id)
        return st;
    if (id_out)
        *id_out = id;
    sqlite3_stmt *s = vb_archive_stmt(a, ST_TASK_AGENCY_INSERT, err);
    if (!s)
        return VB_ERR_INTERNAL;
    sqlite3_bind_int64(s, 1, task);
    sqlite3_bind_int64(s, 2, id);
    bind_text(s, 3, role);
    sqlite3_bind_int(s, 4, pos);
    return step_done(a, s, err, "storing a task's agency");
}

/* A task's "lead" and "partners" are names; a list is accepted for either. */
static vb_status link_agencies(vb_archive *a, sqlite3_int64 task, const json_t *v, const char *role,
                               sqlite3_int64 *first, vb_error *err)
{
    if (json_is_string(v))
        return link_agency(a, task, json_string_value(v), role, 0, first, err);
    size_t i;
    const json_t *e;
    json_array_foreach(v, i, e)
    {
        const char *name = json_is_string(e) ? json_string_value(e) : jstr(e, "name");
        vb_status st = link_agency(a, task, name, role, (int)i, first, err);
        if (st != VB_OK)
            return st;
        if (first && *first)
            first = NULL;
    }
    return VB_OK;
}

static vb_status put_tasks(vb_archive *a, sqlite3_int64 doc, const json_t *tasks, vb_error *err)
{
    size_t i;
    const json_t *t;
    json_array_foreach(tasks, i, t)
    {
        if (!json_is_object(t))
            continue;
        const json_t *dl = json_object_get(t, "deadline");
        sqlite3_stmt *s = vb_archive_stmt(a, ST_TASK_INSERT, err);
        if (!s)
            return VB_ERR_INTERNAL;
        sqlite3_bind_int64(s, 1, doc);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i + 1);
        bind_text(s, 3, jstr(t, "text"));
        bind_text(s, 5, jstr(dl, "kind"));
        bind_text(s, 6, jstr(dl, "start"));
        bind_text(s, 7, jstr(dl, "end"));
        bind_text(s, 8, json_is_string(dl) ? json_string_value(dl) : jstr(dl, "text"));
        vb_status st = step_done(a, s, err, "storing a task");
        if (st != VB_OK)
            return st;
        sqlite3_int64 task = sqlite3_last_insert_rowid(a->db), lead = 0;
        st = link_agencies(a, task, json_object_get(t, "lead"), "lead", &lead, err);
        if (st == VB_OK)
            st = link_agencies(a, task, json_object_get(t, "partners"), "partner", NULL, err);
        if (st == VB_OK && lead) {
            sqlite3_stmt *u;
            if (sqlite3_prepare_v2(a->db, "UPDATE tasks SET lead = ?1 WHERE task = ?2", -1, &u,
                                   NULL) != SQLITE_OK)
                return vb_archive_sqlerr(a, err, "storing a task");
            sqlite3_bind_int64(u, 1, lead);
            sqlite3_bind_int64(u, 2, task);
            st = step_done(a, u, err, "storing a task");
            sqlite3_finalize(u);
        }
        if (st != VB_OK)
            return st;
    }
    return VB_OK;
}

static vb_status put_targets(vb_archive *a, sqlite3_int64 doc, const json_t *targets, vb_error *err)
{
    size_t i;
    const json_t *t;
    json_array_foreach(targets, i, t)
    {
        if (!json_is_object(t))
            continue;
        sqlite3_stmt *s = vb_archive_stmt(a, ST_TARGET_INSERT, err);
        if (!s)
            return VB_ERR_INTERNAL;
        sqlite3_bind_int64(s, 1, doc);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i + 1);
        bind_jnum(s, 3, json_object_get(t, "value"));
        bind_text(s, 4, jstr(t, "unit"));
        bind_text(s, 5, jstr(t, "comparator"));
        bind_text(s, 6, jstr(t, "subject"));
        bind_jnum(s, 7, json_object_get(t, "by_year"));
        bind_jnum(s, 8, json_object_get(t, "recurring"));
        const char *text = jstr(t, "sentence");
        bind_text(s, 9, text ? text : jstr(t, "text"));
        vb_status st = step_done(a, s, err, "storing a target");
        if (st != VB_OK)
            return st;
    }
    return VB_OK;
}

static int is_sha256(const char *s)
{
    if (!s || strlen(s) != 64)
        return 0;
    for (; *s; s++)
        if (!isxdigit((unsigned char)*s) || isupper((unsigned char)*s))
            return 0;
    return 1;
}

struct existing {
    sqlite3_int64 doc; /* 0: none */
    int ok;
    char *record, *path, *previous_id;
    int latest;
};

static vb_status find_existing(vb_archive *a, const char *id, struct existing *ex, vb_error *err)
{
    memset(ex, 0, sizeof *ex);
    sqlite3_stmt *s = vb_archive_stmt(a, ST_DOC_BY_ID, err);
    if (!s)
        return VB_ERR_INTERNAL;
    bind_text(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        ex->doc = sqlite3_column_int64(s, 0);
        ex->ok = !strcmp((const char *)sqlite3_column_text(s, 1), "ok");
        ex->record = vb_strdup((const char *)sqlite3_column_text(s, 2));
        ex->path = vb_strdup((const char *)sqlite3_column_text(s, 3));
        ex->previous_id = vb_strdup((const char *)sqlite3_column_text(s, 4));
        ex->latest = sqlite3_column_int(s, 5);
    } else if (rc != SQLITE_DONE) {
        return vb_archive_sqlerr(a, err, "looking up a document");
    }
    sqlite3_reset(s);
    return VB_OK;
}

static void existing_free(struct existing *ex)
{
    free(ex->record);
    free(ex->path);
    free(ex->previous_id);
}

/* Remove the old row of a re-put id, link the version chain at `path`, and
 * drop failures recorded at the same path. `*previous` is malloc'd or NULL. */
static vb_status place_version(vb_archive *a, const char *id, const char *path,
                               const struct existing *ex, int ok, char **previous, vb_error *err)
{
    *previous = ex->previous_id ? vb_strdup(ex->previous_id) : NULL;
    sqlite3_stmt *s;
    vb_status st;
    if (ex->doc) {
        if (!(s = vb_archive_stmt(a, ST_DOC_DELETE, err)))
            return VB_ERR_INTERNAL;
        sqlite3_bind_int64(s, 1, ex->doc);
        if ((st = step_done(a, s, err, "replacing a document")) != VB_OK)
            return st;
    }
    if (!path)
        return VB_OK;
    if (ok && !ex->doc) { /* a re-put keeps its place in the chain: no cycles */
        if (!(s = vb_archive_stmt(a, ST_DOC_PREV_AT_PATH, err)))
            return VB_ERR_INTERNAL;
        bind_text(s, 1, path);
        bind_text(s, 2, id);
        if (sqlite3_step(s) == SQLITE_ROW)
            *previous = vb_strdup((const char *)sqlite3_column_text(s, 0));
        sqlite3_reset(s);
    }
    if (ok) {
        if (!(s = vb_archive_stmt(a, ST_DOC_DELETE_FAILED_AT_PATH, err)))
            return VB_ERR_INTERNAL;
        bind_text(s, 1, path);
        bind_text(s, 2, id);
        if ((st = step_done(a, s, err, "removing an old failure")) != VB_OK)
            return st;
        if (!(s = vb_archive_stmt(a, ST_DOC_SUPERSEDE, err)))
            return VB_ERR_INTERNAL;
        bind_text(s, 1, path);
        bind_text(s, 2, id);
        if ((st = step_done(a, s, err, "marking the previous version")) != VB_OK)
            return st;
    }
    return VB_OK;
}

static vb_status put_parsed(vb_archive *a, json_t *rec, const char *stored, const char *text,
                            int *added, vb_error *err)
{
    const char *id = jstr(rec, "id");
    const json_t *src = json_object_get(rec, "source");
    const json_t *d = json_object_get(rec, "document");
    const char *path = jstr(src, "path");
    struct existing ex;
    vb_status st = find_existing(a, id, &ex, err);
    if (st != VB_OK)
        return st;
    if (ex.doc && ex.ok && ex.latest && ex.record && !strcmp(ex.record, stored)) {
        existing_free(&ex);
        return VB_OK;
    }
    char *previous = NULL, *symbol_key = NULL;
    st = place_version(a, id, path, &ex, 1, &previous, err);
    existing_free(&ex);
    if (st != VB_OK)
        goto done;
    const char *symbol = jstr(d, "symbol");
    if (symbol && !(symbol_key = vb_archive_fold(symbol, 1))) {
        st = vb_error_set(err, VB_ERR_NOMEM, "out of memory");
        goto done;
    }
    sqlite3_stmt *s = vb_archive_stmt(a, ST_DOC_INSERT, err);
    if (!s) {
        st = VB_ERR_INTERNAL;
        goto done;
    }
    bind_text(s, 1, id);
    bind_text(s, 2, path);
    bind_text(s, 3, previous);
    sqlite3_bind_int(s, 4, 1);
    bind_text(s, 5, symbol);
    bind_text(s, 6, symbol_key);
    bind_text(s, 7, jstr(d, "type"));
    bind_text(s, 8, jstr(d, "number"));
    bind_text(s, 9, jstr(d, "issuer"));
    bind_text(s, 10, jstr(d, "date"));
    bind_text(s, 11, jstr(d, "title"));
    bind_text(s, 12, jstr(src, "media_type"));
    bind_jnum(s, 13, json_object_get(src, "pages"));
    bind_text(s, 14, jstr(src, "text_origin"));
    const json_t *conf = json_object_get(json_object_get(rec, "quality"), "ocr_confidence");
    if (json_is_number(conf) && json_number_value(conf) >= 0)
        sqlite3_bind_double(s, 15, json_number_value(conf));
    bind_text(s, 16, "ok");
    bind_text(s, 18, jstr(d, "type_name"));
    if ((st = step_done(a, s, err, "storing a document")) != VB_OK)
        goto done;
    sqlite3_int64 doc = sqlite3_last_insert_rowid(a->db);
    if ((st = put_json(a, doc, stored, err)) != VB_OK ||
        (text && (st = put_pages(a, doc, text, rec, err)) != VB_OK) ||
        (st = put_fts(a, doc, err)) != VB_OK ||
        (st = put_refs(a, doc, json_object_get(rec, "references"), err)) != VB_OK ||
        (st = put_tasks(a, doc, json_object_get(rec, "tasks"), err)) != VB_OK ||
        (st = put_targets(a, doc, json_object_get(rec, "targets"), err)) != VB_OK)
        goto done;
    if (added)
        *added = 1;
done:
    free(previous);
    free(symbol_key);
    return st;
}

vb_status vb_archive_put_record(vb_archive *a, const char *record_json, int *added, vb_error *err)
{
    if (added)
        *added = 0;
    if (!a || !record_json)
        return vb_error_set(err, VB_ERR_USAGE, "vb_archive_put_record: NULL argument");
    json_error_t je;
    json_t *rec = json_loads(record_json, JSON_REJECT_DUPLICATES, &je);
    if (!rec) {
        vb_error_set(err, VB_ERR_INPUT, "record is not JSON: %s", je.text);
        if (err) {
            err->line = je.line;
            err->column = je.column;
        }
        return VB_ERR_INPUT;
    }
    vb_status st = VB_OK;
    const char *schema = jstr(rec, "schema");
    const char *id = jstr(rec, "id");
    const json_t *src = json_object_get(rec, "source");
    const json_t *text = json_object_get(rec, "text");
    if (!json_is_object(rec) || !schema || strcmp(schema, "vanban.record/1"))
        st = vb_error_set(err, VB_ERR_INPUT, "not a \"vanban.record/1\" record");
    else if (!is_sha256(id))
        st = vb_error_set(err, VB_ERR_INPUT, "record id is not a lowercase SHA-256");
    else if (!json_is_object(src) || !jstr(src, "path"))
        st = vb_error_set(err, VB_ERR_INPUT, "record %.12s has no source.path", id);
    else if (!json_is_string(text) && !json_is_null(text) && text)
        st = vb_error_set(err, VB_ERR_INPUT, "record %.12s: \"text\" is not a string", id);
    if (st != VB_OK) {
        json_decref(rec);
        return st;
    }
    /* The text lives in pages; the stored record keeps "text": null in its
     * place so that the record read back has its keys in the same order. A
     * record without text has no pages and keeps its null. */
    int has_text = json_is_string(text);
    char *body = has_text ? vb_strdup(json_string_value(text)) : NULL;
    char *stored = NULL;
    if (has_text)
        json_object_set_new(rec, "text", json_null());
    if (body || !has_text)
        stored = json_dumps(rec, JSON_COMPACT);
    if ((has_text && !body) || !stored) {
        st = vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    } else if ((st = put_begin(a, err)) == VB_OK) {
        st = put_parsed(a, rec, stored, body, added, err);
        st = put_end(a, st, err);
    }
    free(body);
    free(stored);
    json_decref(rec);
    return st;
}

vb_status vb_archive_put_failure(vb_archive *a, const char *sha256, const char *path,
                                 const char *reason, const char *record_json, vb_error *err)
{
    if (!a || (!sha256 && !path))
        return vb_error_set(err, VB_ERR_USAGE, "a failure needs a SHA-256 or a path");
    if (sha256 && !is_sha256(sha256))
        return vb_error_set(err, VB_ERR_USAGE, "not a lowercase SHA-256: %.70s", sha256);
    vb_buf idb = {0};
    if (sha256)
        vb_buf_puts(&idb, sha256);
    else
        vb_buf_printf(&idb, "path:%s", path);
    if (!idb.data)
        return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    vb_status st = put_begin(a, err);
    if (st != VB_OK) {
        vb_buf_free(&idb);
        return st;
    }
    struct existing ex;
    char *previous = NULL;
    st = find_existing(a, idb.data, &ex, err);
    if (st == VB_OK && ex.doc && ex.ok) {
        existing_free(&ex);
        vb_buf_free(&idb);
        return put_end(a, VB_OK, err);
    }
    if (st == VB_OK)
        st = place_version(a, idb.data, path, &ex, 0, &previous, err);
    existing_free(&ex);
    sqlite3_stmt *s = st == VB_OK ? vb_archive_stmt(a, ST_DOC_INSERT, err) : NULL;
    if (st == VB_OK && !s)
        st = VB_ERR_INTERNAL;
    if (st == VB_OK) {
        bind_text(s, 1, idb.data);
        bind_text(s, 2, path);
        bind_text(s, 3, previous);
        sqlite3_bind_int(s, 4, 1);
        bind_text(s, 16, "failed");
        bind_text(s, 17, reason ? reason : "unknown reason");
        st = step_done(a, s, err, "storing a failure");
    }
    if (st == VB_OK && record_json)
        st = put_json(a, sqlite3_last_insert_rowid(a->db), record_json, err);
    free(previous);
    vb_buf_free(&idb);
    return put_end(a, st, err);
}

/* ---- lookups ---- */

vb_status vb_archive_lookup(vb_archive *a, const char *sha256, vb_archive_state *state,
                            vb_error *err)
{
    *state = VB_ARCHIVE_ABSENT;
    struct existing ex;
    vb_status st = find_existing(a, sha256, &ex, err);
    if (st == VB_OK && ex.doc)
        *state = !ex.ok ? VB_ARCHIVE_FAILED : ex.latest ? VB_ARCHIVE_STORED : VB_ARCHIVE_SUPERSEDED;
    existing_free(&ex);
    return st;
}

int vb_archive_has(vb_archive *a, const char *sha256)
{
    vb_archive_state state;
    return vb_archive_lookup(a, sha256, &state, NULL) == VB_OK &&
           (state == VB_ARCHIVE_STORED || state == VB_ARCHIVE_SUPERSEDED);
}

vb_status vb_archive_record_text(vb_archive *a, sqlite3_int64 doc, const char *record, char **json,
                                 vb_error *err)
{
    *json = NULL;
    json_t *rec = json_loads(record, 0, NULL);
    if (!rec)
        return vb_error_set(err, VB_ERR_INTERNAL, "stored record of row %lld is not JSON",
                            (long long)doc);
    vb_status st = VB_OK;
    if (json_object_get(rec, "text")) {
        sqlite3_stmt *s = vb_archive_stmt(a, ST_PAGES_OF_DOC, err);
        vb_buf text = {0};
        int rc = SQLITE_DONE, n = 0;
        if (!s)
            st = VB_ERR_INTERNAL;
        else {
            sqlite3_bind_int64(s, 1, doc);
            while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
                if (n++)
                    vb_buf_putc(&text, '\f');
                vb_buf_append(&text, sqlite3_column_text(s, 0), (size_t)sqlite3_column_bytes(s, 0));
            }
            sqlite3_reset(s);
            if (rc != SQLITE_DONE)
                st = vb_archive_sqlerr(a, err, "reading pages");
        }
        if (st == VB_OK && n > 0)
            json_object_set_new(rec, "text", json_string(text.data ? text.data : ""));
        vb_buf_free(&text);
    }
    if (st == VB_OK && !(*json = json_dumps(rec, JSON_COMPACT)))
        st = vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    json_decref(rec);
    return st;
}

static int is_hex(const char *s)
{
    for (; *s; s++)
        if (!isxdigit((unsigned char)*s))
            return 0;
    return 1;
}

vb_status vb_archive_get(vb_archive *a, const char *key, char **json, vb_error *err)
{
    *json = NULL;
    if (!key || !*key)
        return vb_error_set(err, VB_ERR_USAGE, "no id or symbol given");
    sqlite3_stmt *s;
    const char *sql;
    char *bound = NULL;
    size_t klen = strlen(key);
    if (klen >= 6 && klen <= 64 && is_hex(key)) {
        sql = "SELECT d.doc, r.json, d.id, d.status, d.reason, d.path FROM documents d"
              " LEFT JOIN records r ON r.doc = d.doc"
              " WHERE d.id >= ?1 AND d.id < ?1 || 'g' ORDER BY d.id LIMIT 2";
        bound = vb_archive_lower_keep_marks(key);
    } else if (!strncmp(key, "path:", 5)) {
        sql = "SELECT d.doc, r.json, d.id, d.status, d.reason, d.path FROM documents d"
              " LEFT JOIN records r ON r.doc = d.doc WHERE d.id = ?1";
        bound = vb_strdup(key);
    } else {
        sql = "SELECT d.doc, r.json, d.id, d.status, d.reason, d.path FROM documents d"
              " LEFT JOIN records r ON r.doc = d.doc WHERE d.symbol_key = ?1"
              " ORDER BY d.latest DESC, d.date DESC, d.doc DESC LIMIT 1";
        bound = vb_archive_fold(key, 1);
    }
    if (!bound)
        return vb_error_set(err, VB_ERR_NOMEM, "out of memory");
    if (sqlite3_prepare_v2(a->db, sql, -1, &s, NULL) != SQLITE_OK) {
        free(bound);
        return vb_archive_sqlerr(a, err, "looking up a document");
    }
    sqlite3_bind_text(s, 1, bound, -1, free);
    vb_status st = VB_OK;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        st = vb_error_set(err, VB_ERR_INPUT, "no document \"%s\" in the archive", key);
        vb_error_at(err, a->path, 0, 0);
    } else if (rc != SQLITE_ROW) {
        st = vb_archive_sqlerr(a, err, "looking up a document");
    } else {
        sqlite3_int64 doc = sqlite3_column_int64(s, 0);
        char *record = vb_strdup((const char *)sqlite3_column_text(s, 1));
        char *id = vb_strdup((const char *)sqlite3_column_text(s, 2));
        char *reason = vb_strdup((const char *)sqlite3_column_text(s, 4));
        char *path = vb_strdup((const char *)sqlite3_column_text(s, 5));
        int failed = !strcmp((const char *)sqlite3_column_text(s, 3), "failed");
        if (sqlite3_step(s) == SQLITE_ROW) {
            st = vb_error_set(err, VB_ERR_USAGE,
                              "id prefix \"%s\" is ambiguous (%.12s..., %.12s...)", key,
                              id ? id : "", sqlite3_column_text(s, 2));
        } else if (record) {
            st = vb_archive_record_text(a, doc, record, json, err);
        } else if (failed) {
            /* a failure stored without a record: what is known of it */
            json_t *o =
                json_pack("{s:s, s:s?, s:{s:s?}, s:s, s:s?}", "schema", "vanban.record/1", "id", id,
                          "source", "path", path, "status", "failed", "reason", reason);
            *json = o ? json_dumps(o, JSON_COMPACT) : NULL;
            json_decref(o);
            if (!*json)
                st = vb_error_set(err, VB_ERR_NOMEM, "out of memory");
        } else {
            st = vb_error_set(err, VB_ERR_INTERNAL, "document %s has no record", id ? id : "?");
        }
        free(record);
        free(id);
        free(reason);
        free(path);
    }
    sqlite3_finalize(s);
    return st;
}

/* ---- checks ---- */

vb_status vb_archive_check(vb_archive *a, vb_error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(a->db, "PRAGMA integrity_check", -1, &s, NULL) != SQLITE_OK)
        return vb_archive_sqlerr(a, err, "integrity_check");
    vb_status st = VB_OK;
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW)
        st = vb_archive_sqlerr(a, err, "integrity_check");
    else if (strcmp((const char *)sqlite3_column_text(s, 0), "ok"))
        st = vb_error_set(err, VB_ERR_INTERNAL, "integrity_check: %s", sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    if (st != VB_OK)
        return st;
    if (sqlite3_prepare_v2(a->db, "PRAGMA foreign_key_check", -1, &s, NULL) != SQLITE_OK)
        return vb_archive_sqlerr(a, err, "foreign_key_check");
    if (sqlite3_step(s) == SQLITE_ROW)
        st = vb_error_set(err, VB_ERR_INTERNAL, "foreign_key_check: a row of %s points nowhere",
                          sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    if (st != VB_OK)
        return st;
    static const char *const fts[] = {
        /* rank 1: also compare the index with its content (the view) */
        "INSERT INTO fts_exact(fts_exact, rank) VALUES ('integrity-check', 1)",
        "INSERT INTO fts_fold(fts_fold) VALUES ('integrity-check')",
        /* the folded index holds the same documents as the exact one */
        "SELECT 1 FROM fts_exact_source s WHERE NOT EXISTS"
        " (SELECT 1 FROM fts_fold WHERE rowid = s.doc)",
        "SELECT 1 FROM fts_fold f WHERE NOT EXISTS"
        " (SELECT 1 FROM fts_exact_source WHERE doc = f.rowid)",
    };
    for (size_t i = 0; i < sizeof fts / sizeof *fts && st == VB_OK; i++) {
        if (sqlite3_prepare_v2(a->db, fts[i], -1, &s, NULL) != SQLITE_OK)
            return vb_archive_sqlerr(a, err, "FTS5 integrity-check");
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW)
            st = vb_error_set(err, VB_ERR_INTERNAL, "the full-text index and documents disagree");
        else if (rc != SQLITE_DONE)
            st = vb_archive_sqlerr(a, err, "FTS5 integrity-check");
        sqlite3_finalize(s);
    }
    return st;
}
