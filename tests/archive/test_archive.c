/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_archive: the archive stage. Records in, search (folded and exact,
 * quoting), cites from loose input, idempotent puts and versions, exports,
 * integrity checks, a search while another process writes, and a writer
 * killed with SIGKILL.
 */
#define _POSIX_C_SOURCE 200809L
#include "vb_archive.h"
#include "vb_test.h"

#include <jansson.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A plan as the emit stage writes it (one line; pretty here for reading). */
static const char plan_117[] =
    "{\"schema\":\"vanban.record/1\","
    "\"id\":\"a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1\","
    "\"source\":{\"path\":\"scans/2025/kh-117.pdf\","
    "\"sha256\":\"a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1\","
    "\"media_type\":\"application/pdf\",\"pages\":2,\"text_origin\":\"ocr\"},"
    "\"document\":{\"type\":\"KH\",\"type_name\":\"Kế hoạch\",\"number\":\"117\","
    "\"symbol\":\"117/KH-UBND\",\"issuer\":\"Ủy ban nhân dân tỉnh Hưng Yên\","
    "\"place\":\"Hưng Yên\",\"date\":\"2025-11-14\","
    "\"title\":\"Triển khai thực hiện Chỉ thị số 01-CT/TU về phòng cháy, chữa cháy\","
    "\"signer\":{\"authority\":\"KT.\",\"title\":\"PHÓ CHỦ TỊCH\",\"name\":\"Nguyễn Văn An\"},"
    "\"recipients\":[\"Công an tỉnh\",\"Sở Tài chính\"]},"
    "\"references\":["
    "{\"symbol\":\"124/2021/TT-BCA\",\"type\":\"TT\",\"type_name\":\"Thông tư\","
    "\"number\":\"124\",\"year\":2021,\"date\":\"2021-12-28\",\"issuer\":\"Bộ Công an\","
    "\"role\":\"can_cu\",\"title\":null,"
    "\"mentions\":[{\"page\":1,\"start\":512,\"end\":541,\"text\":\"Thông tư số "
    "124/2021/TT-BCA\"}]},"
    "{\"symbol\":\"01-CT/TU\",\"type\":\"CT\",\"type_name\":\"Chỉ thị\",\"number\":\"01\","
    "\"year\":2021,\"date\":null,\"issuer\":\"Tỉnh ủy Hưng Yên\",\"role\":\"dan_chieu\","
    "\"title\":null,\"mentions\":[{\"page\":1,\"start\":90,\"end\":115,"
    "\"text\":\"Chỉ thị số 01-CT/TU\"}]},"
    "{\"symbol\":\"15/HĐ-UBND\",\"type\":\"HĐ\",\"type_name\":\"Hợp đồng\",\"number\":\"15\","
    "\"year\":2024,\"date\":null,\"issuer\":null,\"role\":\"dan_chieu\",\"title\":null,"
    "\"mentions\":[]}],"
    "\"targets\":[{\"value\":100,\"unit\":\"%\",\"comparator\":\"exactly\","
    "\"subject\":\"cán bộ, đảng viên được tuyên truyền\",\"by_year\":2026,\"recurring\":false,"
    "\"sentence\":\"100% cán bộ, đảng viên được tuyên truyền\"}],"
    "\"tasks\":[{\"text\":\"Tuyên truyền, phổ biến Thông tư số 124/2021/TT-BCA\","
    "\"lead\":\"Công an tỉnh\",\"partners\":[\"Sở Tài chính\",\"Ủy ban MTTQ Việt Nam tỉnh\"],"
    "\"deadline\":{\"kind\":\"quarter\",\"start\":\"2026-01-01\",\"end\":\"2026-03-31\","
    "\"text\":\"quý I/2026\"}},"
    "{\"text\":\"Bố trí kinh phí thực hiện\",\"lead\":\"Sở Tài chính\",\"partners\":[],"
    "\"deadline\":{\"kind\":\"before\",\"start\":null,\"end\":\"2026-01-25\","
    "\"text\":\"trước ngày 25/01/2026\"}}],"
    "\"text\":\"ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\\nTỈNH HƯNG YÊN "
    "Độc lập - Tự do - Hạnh phúc\\nSố: 117/KH-UBND Hưng Yên, ngày 14 tháng 11 năm 2025\\n"
    "KẾ HOẠCH\\nTriển khai thực hiện Chỉ thị số 01-CT/TU về phòng cháy, chữa cháy\\n"
    "Căn cứ Thông tư số 124/2021/TT-BCA ngày 28/12/2021 của Bộ Công an;\\n"
    "Thực hiện Chỉ thị số 01-CT/TU của Ban Thường vụ Tỉnh ủy và sự chỉ đạo của Đảng ủy "
    "Công an tỉnh,\\fII. PHÂN CÔNG TRÁCH NHIỆM\\n1. Công an tỉnh chủ trì, phối hợp với Sở "
    "Tài chính (thực hiện xong trong quý I/2026).\\\"Nơi nhận\\\"\","
    "\"quality\":{\"ocr_confidence\":91.5,\"page_confidence\":[93.0,90.0],\"warnings\":[]}}";

#define SHA_117 "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"

/* A record built from parts; refs is a JSON array (or NULL). */
static char *record(const char *sha, const char *path, const char *symbol, const char *type,
                    const char *issuer, const char *date, const char *title, const char *text,
                    const char *refs_json)
{
    json_t *refs = refs_json ? json_loads(refs_json, 0, NULL) : json_array();
    json_t *r =
        json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:i, s:s}, s:{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?},"
                  " s:o, s:[], s:[], s:s, s:{s:n, s:[]}}",
                  "schema", "vanban.record/1", "id", sha, "source", "path", path, "sha256", sha,
                  "media_type", "text/plain", "pages", 1, "text_origin", "text", "document", "type",
                  type, "number", "1", "symbol", symbol, "issuer", issuer, "date", date, "title",
                  title, "references", refs ? refs : json_array(), "targets", "tasks", "text", text,
                  "quality", "ocr_confidence", "warnings");
    char *s = json_dumps(r, JSON_COMPACT);
    json_decref(r);
    return s;
}

static char *sha_of(int i)
{
    char *s = malloc(65);
    snprintf(s, 65, "%064x", i);
    return s;
}

static long count(const char *db, const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *s;
    long n = -1;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, sql, -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW)
            n = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
    }
    sqlite3_close(h);
    return n;
}

/* ---- collecting callback results ---- */

struct hits {
    int n;
    char ids[32][65];
    int exact[32];
    char snippet[32][512];
    char symbols[32][64];
};

static int on_hit(void *u, const vb_search_hit *h)
{
    struct hits *x = u;
    if (x->n < 32) {
        snprintf(x->ids[x->n], 65, "%s", h->id);
        x->exact[x->n] = h->exact;
        snprintf(x->snippet[x->n], 512, "%s", h->snippet);
        x->n++;
    }
    return 0;
}

static struct hits search(vb_archive *a, const char *q, vb_status *st)
{
    struct hits x = {0};
    vb_error e;
    vb_error_clear(&e);
    vb_search_opts o = {.limit = 10};
    *st = vb_archive_search(a, q, &o, on_hit, &x, NULL, &e);
    if (*st != VB_OK)
        fprintf(stderr, "search \"%s\": %s\n", q, e.message);
    return x;
}

static int on_cite(void *u, const vb_cite_hit *h)
{
    struct hits *x = u;
    if (x->n < 32) {
        snprintf(x->ids[x->n], 65, "%s", h->id);
        snprintf(x->symbols[x->n], 64, "%s", h->cited_symbol);
        x->n++;
    }
    return 0;
}

static int cites(vb_archive *a, const char *q)
{
    struct hits x = {0};
    vb_error e;
    vb_error_clear(&e);
    vb_status st = vb_archive_cites(a, q, on_cite, &x, NULL, &e);
    if (st != VB_OK) {
        fprintf(stderr, "cites \"%s\": %s\n", q, e.message);
        return -1;
    }
    return x.n;
}

static int has_id(const struct hits *x, const char *id)
{
    for (int i = 0; i < x->n; i++)
        if (!strcmp(x->ids[i], id))
            return i + 1;
    return 0;
}

static void put(vb_archive *a, const char *json, int want_added)
{
    vb_error e;
    vb_error_clear(&e);
    int added = -1;
    vb_status st = vb_archive_put_record(a, json, &added, &e);
    if (st != VB_OK)
        fprintf(stderr, "put: %s\n", e.message);
    VB_CHECK_INT(st, VB_OK);
    VB_CHECK_INT(added, want_added);
}

static char dir[] = "/tmp/vb-test-archive-XXXXXX";
static char db[256];

#define SHA_B "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
#define SHA_C "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"
#define SHA_D "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4"

static void load(vb_archive *a)
{
    put(a, plan_117, 1);
    char *b = record(SHA_B, "scans/2025/kh-22.txt", "22/KH-CAT", "KH", "Công an tỉnh Hưng Yên",
                     "2025-10-22", "Kế hoạch tuyên truyền pháp luật",
                     "Đảng ủy Công an tỉnh chỉ đạo. Thực hiện Nghị định số 02/2020/NĐ-CP và "
                     "Thông tư số 124/2021/TT-BCA của Bộ Công an.",
                     "[{\"symbol\":\"124/2021/TT-BCA\",\"type\":\"TT\",\"type_name\":\"Thông tư\","
                     "\"number\":\"124\",\"year\":2021,\"date\":\"2021-12-28\","
                     "\"issuer\":\"Bộ Công an\",\"role\":\"dan_chieu\",\"title\":null,"
                     "\"mentions\":[]},"
                     "{\"symbol\":\"02/2020/NĐ-CP\",\"type\":\"NĐ\",\"type_name\":\"Nghị định\","
                     "\"number\":\"02\",\"year\":2020,\"date\":null,\"issuer\":\"Chính phủ\","
                     "\"role\":\"can_cu\",\"title\":null,\"mentions\":[]},"
                     "{\"symbol\":\"521/QĐ-TTg\",\"type\":\"QĐ\",\"number\":\"521\","
                     "\"year\":2022,\"role\":\"dan_chieu\",\"mentions\":[]}]");
    /* Text OCR'd with the English model: no marks at all. */
    char *c = record(SHA_C, "scans/2025/bc-9.txt", "9/BC-DU", "BC", "Dang uy xa", "2025-09-01",
                     "Bao cao", "Dang uy xa bao cao ket qua. Can cu 124/2021/TT-BCA.",
                     "[{\"symbol\":\"124/2021/TT-BCA\",\"type\":\"TT\",\"number\":\"124\","
                     "\"year\":2021,\"role\":\"can_cu\",\"mentions\":[]},"
                     "{\"symbol\":\"15/HD-UBND\",\"type\":\"HD\",\"number\":\"15\","
                     "\"year\":2024,\"role\":\"dan_chieu\",\"mentions\":[]}]");
    put(a, b, 1);
    put(a, c, 1);
    free(b);
    free(c);
}

static void test_search(vb_archive *a)
{
    vb_status st;
    struct hits x = search(a, "doc lap", &st);
    VB_CHECK_INT(st, VB_OK);
    VB_CHECK_INT(x.n, 1);
    VB_CHECK(has_id(&x, SHA_117));
    VB_CHECK(x.n && strstr(x.snippet[0], "[Độc lập]") != NULL); /* unfolded, highlighted */

    x = search(a, "Độc lập", &st);
    VB_CHECK_INT(x.n, 1);
    VB_CHECK(x.n && x.exact[0] == 1);
    VB_CHECK(x.n && strstr(x.snippet[0], "[Độc lập]") != NULL);

    /* "Đảng ủy": exact in 117 and B, folded only in C (no marks) which ranks last. */
    x = search(a, "Đảng ủy", &st);
    VB_CHECK_INT(x.n, 3);
    VB_CHECK_INT(has_id(&x, SHA_C), 3);
    VB_CHECK(x.exact[0] && x.exact[1] && !x.exact[2]);
    /* typed without marks: C has exactly that form, so it comes first */
    x = search(a, "dang uy", &st);
    VB_CHECK_INT(x.n, 3);
    VB_CHECK_INT(has_id(&x, SHA_C), 1);
    VB_CHECK(x.exact[0] && !x.exact[1] && !x.exact[2]);
    VB_CHECK(x.n == 3 && (strstr(x.snippet[1], "[Đảng ủy]") || strstr(x.snippet[2], "[Đảng ủy]")));
    /* NFD input folds and matches the same */
    x = search(a,
               "\xC4\x90"
               "a\xCC\x89ng u\xCC\x89y",
               &st);
    VB_CHECK_INT(x.n, 3);
    /* case and đ: "ĐẢNG ỦY" */
    x = search(a, "ĐẢNG ỦY", &st);
    VB_CHECK_INT(x.n, 3);
    VB_CHECK(x.exact[0] && x.exact[1] && !x.exact[2]); /* case does not matter, marks do */

    /* quoting: a symbol, a quote, FTS5 operators, nothing searchable */
    x = search(a, "124/2021/TT-BCA", &st);
    VB_CHECK_INT(st, VB_OK);
    VB_CHECK_INT(x.n, 3);
    x = search(a, "\"124/2021/TT-BCA\"", &st);
    VB_CHECK_INT(st, VB_OK);
    VB_CHECK_INT(x.n, 3);
    x = search(a, "Nơi nhận\"", &st);
    VB_CHECK_INT(st, VB_OK);
    VB_CHECK_INT(x.n, 1);
    x = search(a, "tinh OR NEAR(a b) * -x ^y:", &st);
    VB_CHECK_INT(st, VB_OK);
    VB_CHECK_INT(x.n, 0);
    x = search(a, "\"", &st);
    VB_CHECK_INT(st, VB_OK);
    VB_CHECK_INT(x.n, 0);
    x = search(a, "", &st);
    VB_CHECK_INT(st, VB_OK);
    VB_CHECK_INT(x.n, 0);
    /* title and symbol are indexed too */
    x = search(a, "117/KH-UBND", &st);
    VB_CHECK(has_id(&x, SHA_117));
    vb_error e;
    VB_CHECK_INT(vb_archive_search(a, "\xC3\x28", NULL, on_hit, &x, NULL, &e), VB_ERR_INPUT);
}

static void test_cites(vb_archive *a)
{
    VB_CHECK_INT(cites(a, "124/2021/TT-BCA"), 3);
    VB_CHECK_INT(cites(a, "thong tu 124/2021"), 3);
    VB_CHECK_INT(cites(a, "Thông tư số 124 của Bộ Công an"), 3);
    VB_CHECK_INT(cites(a, "TT 124"), 3);
    VB_CHECK_INT(cites(a, "tt-124"), 3);
    VB_CHECK_INT(cites(a, "124/2021/tt-bca"), 3);
    VB_CHECK_INT(cites(a, "124/2020/TT-BCA"), 0); /* wrong year */
    VB_CHECK_INT(cites(a, "124/2021/TT-BTC"), 0); /* wrong issuer */
    VB_CHECK_INT(cites(a, "NĐ 124"), 0);          /* wrong type */
    VB_CHECK_INT(cites(a, "TT 125"), 0);
    VB_CHECK_INT(cites(a, "01-CT/TU"), 1);
    VB_CHECK_INT(cites(a, "Chỉ thị số 01-CT/TU"), 1);
    VB_CHECK_INT(cites(a, "chi thi 1"), 1);
    VB_CHECK_INT(cites(a, "CTr 01"), 0); /* CT and CTr stay apart */
    VB_CHECK_INT(cites(a, "nghi dinh 02/2020"), 1);
    VB_CHECK_INT(cites(a, "02/2020/ND-CP"), 1); /* typed without Đ */
    VB_CHECK_INT(cites(a, "QD 521"), 1);
    /* HĐ and HD are different types; typed without đ the exact code wins */
    VB_CHECK_INT(cites(a, "15/HĐ-UBND"), 1);
    VB_CHECK_INT(cites(a, "15/HD-UBND"), 1);
    VB_CHECK_INT(cites(a, "hợp đồng 15"), 1);
    VB_CHECK_INT(cites(a, "15"), 2);
    vb_error e;
    VB_CHECK_INT(vb_archive_cites(a, "thông tư", on_cite, NULL, NULL, &e), VB_ERR_USAGE);

    vb_cite_query q;
    VB_CHECK_INT(vb_cite_parse("124/2021/TT-BCA", &q, NULL), VB_OK);
    VB_CHECK_STR(q.number, "124");
    VB_CHECK_INT(q.year, 2021);
    VB_CHECK_STR(q.type, "tt");
    VB_CHECK_STR(q.issuer, "bca");
    VB_CHECK_INT(vb_cite_parse("Nghị định 02/2020/NĐ-CP", &q, NULL), VB_OK);
    VB_CHECK_STR(q.number, "2");
    VB_CHECK_STR(q.type, "nđ");
    VB_CHECK_INT(q.type_exact, 1);
    VB_CHECK_STR(q.issuer, "cp");
    VB_CHECK_INT(vb_cite_parse("22/HD-BCA-V05", &q, NULL), VB_OK);
    VB_CHECK_STR(q.type, "hd");
    VB_CHECK_INT(q.type_exact, 0);
}

static void test_get_versions(vb_archive *a)
{
    vb_error e;
    char *json = NULL;
    VB_CHECK_INT(vb_archive_get(a, SHA_117, &json, &e), VB_OK);
    json_t *got = json ? json_loads(json, 0, NULL) : NULL, *want = json_loads(plan_117, 0, NULL);
    VB_CHECK(got && json_equal(got, want)); /* the text comes back from the pages */
    json_decref(got);
    json_decref(want);
    free(json);
    VB_CHECK_INT(vb_archive_get(a, "a1a1a1a1", &json, &e), VB_OK);
    free(json);
    VB_CHECK_INT(vb_archive_get(a, "117/kh-ubnd", &json, &e), VB_OK);
    VB_CHECK(json && strstr(json, SHA_117));
    free(json);
    VB_CHECK_INT(vb_archive_get(a, "999/KH-UBND", &json, &e), VB_ERR_INPUT);
    VB_CHECK(json == NULL);

    /* the tasks as CSV, partners in the record's order, quoted where needed */
    char *csv = NULL;
    size_t csv_len = 0;
    FILE *mem = open_memstream(&csv, &csv_len);
    long rows = 0;
    VB_CHECK_INT(vb_archive_export(a, VB_EXPORT_CSV_TASKS, mem, &rows, &e), VB_OK);
    fclose(mem);
    VB_CHECK_INT(rows, 2);
    VB_CHECK(csv && strstr(csv, "\"Tuyên truyền, phổ biến Thông tư số 124/2021/TT-BCA\","
                                "Công an tỉnh,Sở Tài chính; Ủy ban MTTQ Việt Nam tỉnh,quarter,"
                                "2026-01-01,2026-03-31,quý I/2026\r\n"));
    free(csv);

    /* idempotent: the same record again changes nothing */
    put(a, plan_117, 0);
    VB_CHECK_INT(count(db, "SELECT count(*) FROM documents WHERE id = '" SHA_117 "'"), 1);
    VB_CHECK_INT(count(db, "SELECT count(*) FROM refs"), 8);
    VB_CHECK_INT(count(db, "SELECT count(*) FROM fts_exact"), 3);
    VB_CHECK_INT(count(db, "SELECT count(*) FROM tasks"), 2);
    VB_CHECK_INT(count(db, "SELECT count(*) FROM agencies"), 3);

    /* a changed file at the same path: a new version pointing to the old one */
    char *d =
        record(SHA_D, "scans/2025/kh-117.pdf", "117/KH-UBND", "KH", "Ủy ban nhân dân tỉnh Hưng Yên",
               "2025-11-20", "Kế hoạch sửa đổi", "Độc lập - Tự do - Hạnh phúc. Bản sửa đổi.", NULL);
    put(a, d, 1);
    VB_CHECK_INT(count(db, "SELECT count(*) FROM documents WHERE id = '" SHA_D
                           "' AND previous_id = '" SHA_117 "' AND latest = 1"),
                 1);
    VB_CHECK_INT(count(db, "SELECT latest FROM documents WHERE id = '" SHA_117 "'"), 0);
    vb_status st;
    struct hits x = search(a, "doc lap", &st);
    VB_CHECK_INT(x.n, 1);
    VB_CHECK(has_id(&x, SHA_D));
    VB_CHECK_INT(cites(a, "01-CT/TU"), 0); /* the old version no longer counts */
    VB_CHECK_INT(vb_archive_get(a, "117/KH-UBND", &json, &e), VB_OK);
    VB_CHECK(json && strstr(json, SHA_D));
    free(json);
    /* re-putting the new version with different content replaces it in place */
    char *d2 = record(SHA_D, "scans/2025/kh-117.pdf", "117/KH-UBND", "KH",
                      "Ủy ban nhân dân tỉnh Hưng Yên", "2025-11-20", "Kế hoạch sửa đổi lần 2",
                      "Độc lập - Tự do - Hạnh phúc. Bản sửa đổi lần 2.", NULL);
    put(a, d2, 1);
    VB_CHECK_INT(count(db, "SELECT count(*) FROM documents WHERE id = '" SHA_D
                           "' AND previous_id = '" SHA_117 "'"),
                 1);
    VB_CHECK_INT(count(db, "SELECT count(*) FROM documents"), 4);
    free(d);
    free(d2);

    /* failures */
    VB_CHECK_INT(vb_archive_put_failure(a, NULL, "scans/bad.pdf", "encrypted PDF", NULL, &e),
                 VB_OK);
    VB_CHECK_INT(vb_archive_put_failure(a, SHA_117, "scans/2025/kh-117.pdf", "x", NULL, &e),
                 VB_OK); /* never replaces an ok document */
    VB_CHECK(vb_archive_has(a, SHA_117));
    vb_archive_state state;
    char *s5 = sha_of(5);
    VB_CHECK_INT(vb_archive_put_failure(a, s5, "scans/e.txt", "not UTF-8", NULL, &e), VB_OK);
    VB_CHECK_INT(vb_archive_lookup(a, s5, &state, &e), VB_OK);
    VB_CHECK_INT(state, VB_ARCHIVE_FAILED);
    VB_CHECK(!vb_archive_has(a, s5));
    VB_CHECK_INT(vb_archive_get(a, "path:scans/bad.pdf", &json, &e), VB_OK);
    VB_CHECK(json && strstr(json, "encrypted PDF"));
    free(json);
    /* the file fixed: a success at the same path removes the failure */
    char *s6 = sha_of(6);
    char *ok = record(s6, "scans/e.txt", "3/TB-UBND", "TB", "UBND", "2025-01-02", "Thông báo",
                      "Thông báo lịch họp", NULL);
    free(s6);
    put(a, ok, 1);
    VB_CHECK_INT(vb_archive_lookup(a, s5, &state, &e), VB_OK);
    VB_CHECK_INT(state, VB_ARCHIVE_ABSENT);
    free(ok);
    free(s5);

    /* bad records are refused whole */
    VB_CHECK_INT(vb_archive_put_record(a, "{\"schema\":", NULL, &e), VB_ERR_INPUT);
    VB_CHECK_INT(vb_archive_put_record(a, "{\"schema\":\"other\"}", NULL, &e), VB_ERR_INPUT);
    VB_CHECK_INT(vb_archive_put_record(
                     a, "{\"schema\":\"vanban.record/1\",\"id\":\"XYZ\",\"source\":{}}", NULL, &e),
                 VB_ERR_INPUT);
}

static void test_stats_export(vb_archive *a)
{
    vb_error e;
    vb_archive_stats st;
    VB_CHECK_INT(vb_archive_stats_get(a, 5, &st, &e), VB_OK);
    VB_CHECK_INT(st.documents, 4);
    VB_CHECK_INT(st.failed, 1);
    VB_CHECK_INT(st.versions_superseded, 1);
    VB_CHECK(st.n_most_cited >= 1);
    VB_CHECK_STR(st.n_most_cited ? st.most_cited[0].key : NULL, "124/2021/TT-BCA");
    VB_CHECK_INT(st.n_most_cited ? st.most_cited[0].count : 0, 2); /* B and C; 117 is old */
    vb_archive_stats_free(&st);

    char path[300];
    snprintf(path, sizeof path, "%s/export.out", dir);
    for (int f = 0; f <= 3; f++) {
        FILE *out = fopen(path, "w");
        long rows = -1;
        VB_CHECK_INT(vb_archive_export(a, (vb_export_format)f, out, &rows, &e), VB_OK);
        fclose(out);
        unsigned char *data;
        size_t len;
        VB_CHECK_INT(vb_read_file(path, 0, &data, &len, &e), VB_OK);
        long lines = 0;
        for (size_t i = 0; i < len; i++)
            lines += data[i] == '\n';
        if (f == VB_EXPORT_JSONL) {
            VB_CHECK_INT(rows, 4); /* the latest documents; the failure has no record */
            VB_CHECK_INT(lines, 4);
        } else if (f == VB_EXPORT_OPENSEARCH) {
            VB_CHECK_INT(lines, 2 * rows);
            VB_CHECK(strstr((char *)data, "\"_id\":\"" SHA_D "\"") != NULL);
        } else if (f == VB_EXPORT_CSV_TASKS) {
            VB_CHECK_INT(rows, 0); /* 117, which had the tasks, is superseded */
            VB_CHECK(!strncmp((char *)data, "document_id,document_symbol", 27));
        } else {
            json_t *t = json_loads((char *)data, 0, NULL);
            VB_CHECK(t != NULL);
            VB_CHECK(strstr((char *)data, "icu_folding") != NULL);
            json_decref(t);
        }
        free(data);
    }
}

/* ---- processes ---- */

static char *synthetic(int i)
{
    char *sha = sha_of(1000 + i), path[64], sym[32], text[512];
    snprintf(path, sizeof path, "batch/%05d.txt", i);
    snprintf(sym, sizeof sym, "%d/KH-UBND", i);
    snprintf(text, sizeof text,
             "Kế hoạch số %d. Căn cứ Thông tư số 124/2021/TT-BCA; Đảng ủy xã %d "
             "triển khai thực hiện, Độc lập - Tự do - Hạnh phúc.",
             i, i);
    char *r = record(sha, path, sym, "KH", "Ủy ban nhân dân xã", "2025-06-01", "Kế hoạch", text,
                     "[{\"symbol\":\"124/2021/TT-BCA\",\"type\":\"TT\",\"number\":\"124\","
                     "\"year\":2021,\"role\":\"can_cu\",\"mentions\":[]}]");
    free(sha);
    return r;
}

/* A writer process: puts records [0, n) in batches of 5, forever if `loop`. */
static void writer(const char *path, int n, int loop)
{
    vb_archive *a;
    vb_error e;
    if (vb_archive_open(&a, path, NULL, &e) != VB_OK)
        _exit(3);
    do {
        for (int i = 0; i < n; i += 5) {
            if (vb_archive_begin(a, &e) != VB_OK)
                _exit(4);
            for (int k = i; k < i + 5 && k < n; k++) {
                char *r = synthetic(k);
                if (vb_archive_put_record(a, r, NULL, &e) != VB_OK)
                    _exit(5);
                free(r);
            }
            if (vb_archive_commit(a, &e) != VB_OK)
                _exit(6);
        }
    } while (loop);
    vb_archive_close(&a);
    _exit(0);
}

static void test_search_while_writing(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/wal.db", dir);
    vb_archive *a;
    vb_error e;
    VB_CHECK_INT(vb_archive_open(&a, path, NULL, &e), VB_OK);
    pid_t pid = fork();
    if (pid == 0)
        writer(path, 400, 0);
    int searches = 0, failures = 0, max_seen = 0, status = 0;
    for (;;) {
        struct hits x = {0};
        vb_search_opts o = {.limit = 5};
        int n = 0;
        vb_error_clear(&e);
        if (vb_archive_search(a, "dang uy xa", &o, on_hit, &x, &n, &e) != VB_OK) {
            fprintf(stderr, "search while writing: %s\n", e.message);
            failures++;
        }
        if (cites(a, "TT 124") < 0)
            failures++;
        searches++;
        max_seen = n > max_seen ? n : max_seen;
        if (waitpid(pid, &status, WNOHANG) == pid)
            break;
    }
    VB_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    VB_CHECK_INT(failures, 0);
    VB_CHECK(searches > 1);
    VB_CHECK_INT(count(path, "SELECT count(*) FROM documents"), 400);
    VB_CHECK_INT(vb_archive_check(a, &e), VB_OK);
    vb_archive_close(&a);
    fprintf(stderr, "%d searches ran while another process wrote 400 records\n", searches);
}

static void test_kill9(void)
{
    enum { N = 1200 };
    for (int round = 0; round < 3; round++) {
        char path[300];
        snprintf(path, sizeof path, "%s/kill-%d.db", dir, round);
        pid_t pid = fork();
        if (pid == 0)
            writer(path, N, 1);
        /* kill it in the middle of the batch, at a different point each round */
        long want = (round + 1) * N / 4;
        for (int t = 0; t < 2000 && count(path, "SELECT count(*) FROM documents") < want; t++) {
            struct timespec ts = {0, 1000000L};
            nanosleep(&ts, NULL);
        }
        struct timespec ts = {0, round * 3000000L};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        VB_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        vb_archive *a;
        vb_error e;
        VB_CHECK_INT(vb_archive_open(&a, path, NULL, &e), VB_OK);
        if (!a)
            return;
        vb_error_clear(&e);
        VB_CHECK_INT(vb_archive_check(a, &e), VB_OK);
        if (e.code)
            fprintf(stderr, "after kill -9: %s\n", e.message);
        long before = count(path, "SELECT count(*) FROM documents");
        VB_CHECK(before >= 0 && before <= N);
        /* the re-run: everything, again */
        VB_CHECK_INT(vb_archive_begin(a, &e), VB_OK);
        for (int i = 0; i < N; i++) {
            char *r = synthetic(i);
            VB_CHECK_INT(vb_archive_put_record(a, r, NULL, &e), VB_OK);
            free(r);
        }
        VB_CHECK_INT(vb_archive_commit(a, &e), VB_OK);
        VB_CHECK_INT(vb_archive_check(a, &e), VB_OK);
        vb_archive_close(&a);
        VB_CHECK_INT(count(path, "SELECT count(*) FROM documents"), N);
        VB_CHECK_INT(count(path, "SELECT count(DISTINCT path) FROM documents"), N);
        VB_CHECK_INT(count(path, "SELECT count(*) FROM refs"), N);
        VB_CHECK_INT(count(path, "SELECT count(*) FROM pages"), N);
        VB_CHECK_INT(count(path, "SELECT count(*) FROM fts_fold"), N);
        fprintf(stderr, "kill -9 round %d: %ld documents had been committed\n", round, before);
    }
}

/* A file changed, then changed back: the old content is the latest again,
 * searchable, with no cycle in the version chain. */
static void test_revert(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/revert.db", dir);
    vb_archive *a;
    vb_error e;
    VB_CHECK_INT(vb_archive_open(&a, path, NULL, &e), VB_OK);
    if (!a)
        return;
    char *v1 = record(SHA_B, "p.txt", "1/TB-X", "TB", "X", "2025-01-01", "v1", "bản một", NULL);
    char *v2 = record(SHA_C, "p.txt", "1/TB-X", "TB", "X", "2025-01-02", "v2", "bản hai", NULL);
    put(a, v1, 1);
    put(a, v2, 1);
    put(a, v1, 1);
    VB_CHECK_INT(count(path, "SELECT latest FROM documents WHERE id = '" SHA_B "'"), 1);
    VB_CHECK_INT(count(path, "SELECT latest FROM documents WHERE id = '" SHA_C "'"), 0);
    VB_CHECK_INT(count(path, "SELECT count(*) FROM documents WHERE previous_id IS NOT NULL"), 1);
    vb_status st;
    struct hits x = search(a, "ban mot", &st);
    VB_CHECK_INT(x.n, 1);
    x = search(a, "ban hai", &st);
    VB_CHECK_INT(x.n, 0);
    put(a, v1, 0);

    /* a record without text (a failure's record, say) keeps its null */
    const char *no_text = "{\"schema\":\"vanban.record/1\",\"id\":\"" SHA_D "\","
                          "\"source\":{\"path\":\"q.txt\"},\"document\":null,\"references\":[],"
                          "\"targets\":[],\"tasks\":[],\"text\":null,\"quality\":null}";
    put(a, no_text, 1);
    char *json = NULL;
    VB_CHECK_INT(vb_archive_get(a, SHA_D, &json, &e), VB_OK);
    VB_CHECK_STR(json, no_text);
    free(json);
    VB_CHECK_INT(vb_archive_check(a, &e), VB_OK);
    vb_archive_close(&a);

    /* the check is not a formality: text changed behind the index is found */
    sqlite3 *h;
    sqlite3_open(path, &h);
    sqlite3_exec(h, "UPDATE pages SET text = 'bản khác' WHERE text = 'bản một'", NULL, NULL, NULL);
    sqlite3_close(h);
    VB_CHECK_INT(vb_archive_open(&a, path, NULL, &e), VB_OK);
    VB_CHECK_INT(vb_archive_check(a, &e), VB_ERR_INTERNAL);
    vb_archive_close(&a);
    free(v1);
    free(v2);
}

static void test_open_errors(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/not-a-db.txt", dir);
    FILE *f = fopen(path, "w");
    for (int i = 0; i < 40; i++)
        fputs("Độc lập - Tự do - Hạnh phúc: not an SQLite database\n", f);
    fclose(f);
    vb_archive *a = NULL;
    vb_error e;
    vb_error_clear(&e);
    VB_CHECK_INT(vb_archive_open(&a, path, NULL, &e), VB_ERR_INPUT);
    VB_CHECK(a == NULL);
    VB_CHECK_STR(e.file, path);
    snprintf(path, sizeof path, "%s/missing.db", dir);
    vb_archive_opts ro = {.read_only = 1};
    VB_CHECK_INT(vb_archive_open(&a, path, &ro, &e), VB_ERR_INPUT);
    /* a newer schema is refused */
    snprintf(path, sizeof path, "%s/newer.db", dir);
    sqlite3 *h;
    sqlite3_open(path, &h);
    sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL, NULL);
    sqlite3_close(h);
    VB_CHECK_INT(vb_archive_open(&a, path, NULL, &e), VB_ERR_RULES);
    vb_archive_close(&a);
    vb_archive_close(NULL);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(db, sizeof db, "%s/archive.db", dir);
    vb_archive *a;
    vb_error e;
    vb_error_clear(&e);
    VB_CHECK_INT(vb_archive_open(&a, db, NULL, &e), VB_OK);
    if (!a) {
        fprintf(stderr, "open: %s\n", e.message);
        return vb_test_finish();
    }
    VB_CHECK_INT(vb_archive_begin(a, &e), VB_OK);
    load(a);
    VB_CHECK_INT(vb_archive_commit(a, &e), VB_OK);
    VB_CHECK_INT(count(db, "PRAGMA user_version"), VB_ARCHIVE_SCHEMA_VERSION);
    VB_CHECK_INT(count(db, "SELECT count(*) FROM pages WHERE doc = 1"), 2);
    VB_CHECK_INT(count(db, "SELECT round(confidence) FROM pages WHERE doc = 1 AND page = 2"), 90);
    test_search(a);
    test_cites(a);
    test_get_versions(a);
    test_stats_export(a);
    VB_CHECK_INT(vb_archive_check(a, &e), VB_OK);
    vb_archive_close(&a);
    VB_CHECK(a == NULL);
    /* reopened read-only: the queries still work */
    vb_archive_opts ro = {.read_only = 1};
    VB_CHECK_INT(vb_archive_open(&a, db, &ro, &e), VB_OK);
    VB_CHECK_INT(cites(a, "TT 124"), 2);
    vb_archive_close(&a);

    test_open_errors();
    test_revert();
    test_search_while_writing();
    test_kill9();

    if (!vb_test_failures) {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
    }
    return vb_test_finish();
}
