/*
 * test_emit: build records in C, emit them, parse them back with jansson and
 * check every field. With an argument, also writes every record it emitted to
 * that file (JSON Lines) for the schema test (validate-schema.py).
 */
#include "vb_emit.h"
#include "vb_test.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define SHA_A "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define SHA_B "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"

static FILE *samples;

/* Emit, keep the line for the schema test, parse it back. */
static json_t *parse_back(char *json)
{
    VB_CHECK(json != NULL);
    if (!json)
        return NULL;
    VB_CHECK(strchr(json, '\n') == NULL); /* one JSON Lines line */
    if (samples)
        fprintf(samples, "%s\n", json);
    json_error_t jerr;
    json_t *root = json_loads(json, 0, &jerr);
    if (!root)
        fprintf(stderr, "unparsable record: %s: %s\n", jerr.text, json);
    VB_CHECK(root != NULL);
    free(json);
    return root;
}

static json_t *emit(const vb_emit_input *in)
{
    char *json = NULL;
    vb_error err;
    vb_error_clear(&err);
    vb_status st = vb_emit_record(in, &json, &err);
    if (st != VB_OK)
        fprintf(stderr, "emit failed: %s\n", err.message);
    VB_CHECK_INT(st, VB_OK);
    return parse_back(json);
}

/* The string at a slash-separated path ("document/signer/name"), NULL if the
 * value is not a string. */
static json_t *at(json_t *root, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *j = root;
    for (char *save, *k = strtok_r(buf, "/", &save); j && k; k = strtok_r(NULL, "/", &save))
        j = json_is_array(j) ? json_array_get(j, (size_t)atoi(k)) : json_object_get(j, k);
    return j;
}

static const char *str_at(json_t *root, const char *path)
{
    return json_string_value(at(root, path));
}

static int null_at(json_t *root, const char *path)
{
    return json_is_null(at(root, path));
}

static int has_warning(json_t *root, const char *want)
{
    json_t *w = at(root, "quality/warnings");
    size_t i;
    json_t *v;
    json_array_foreach(w, i, v) if (strcmp(json_string_value(v), want) == 0) return 1;
    return 0;
}

static void check_keys(json_t *obj, const char *const *want, const char *what)
{
    size_t i = 0;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        (void)v;
        if (!want[i] || strcmp(key, want[i]) != 0) {
            fprintf(stderr, "%s: key %zu is \"%s\", want \"%s\"\n", what, i, key,
                    want[i] ? want[i] : "(end)");
            VB_CHECK(!"keys in schema order");
            return;
        }
        i++;
    }
    VB_CHECK(want[i] == NULL);
}

static const char *const top_keys[] = {"schema",  "id",    "source", "document", "references",
                                       "targets", "tasks", "text",   "quality",  NULL};
static const char *const failure_keys[] = {"schema",     "id",      "source", "document",
                                           "references", "targets", "tasks",  "text",
                                           "quality",    "error",   NULL};
static const char *const source_keys[] = {"path",  "sha256",      "media_type",
                                          "pages", "text_origin", NULL};
static const char *const document_keys[] = {"type",   "type_name",  "number", "symbol",
                                            "issuer", "place",      "date",   "title",
                                            "signer", "recipients", NULL};

static void test_full_record(void)
{
    char *recipients[] = {"Bộ Công an;", "Thường trực Tỉnh ủy;", "Lưu: VT, NC."};
    char *warnings[] = {"document.place: repaired diacritics"};
    vb_record rec = {
        .doc = {.type = "KH",
                .type_name = "Kế hoạch",
                .number = "117",
                .symbol = "117/KH-UBND",
                .issuer = "Ủy ban nhân dân tỉnh Hưng Yên",
                .place = "Hưng Yên",
                .date = "2025-11-14",
                .title = "Triển khai thực hiện Đề án 06 năm 2026",
                .signer = {.authority = "KT.", .title = "PHÓ CHỦ TỊCH", .name = "Nguyễn Văn Đức"},
                .recipients = recipients,
                .n_recipients = 3},
        .warnings = warnings,
        .n_warnings = 1,
    };
    char body[] = "ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN\nSố: 117/KH-UBND\fTrang 2 \"trích\"";
    vb_text text = {.text = body, .len = strlen(body)};
    const char *extra[] = {"ocr: page 2 skewed 3.1°", "ingest: page 3 empty"};
    vb_emit_input in = {
        .source = {.path = "fixtures/kế-hoạch-117.pdf",
                   .sha256 = SHA_A,
                   .media_type = "application/pdf",
                   .pages = 3,
                   .text_origin = "ocr"},
        .record = &rec,
        .text = &text,
        .ocr_confidence = 87.25,
        .extra_warnings = extra,
        .n_extra_warnings = 2,
    };

    char *json = NULL;
    VB_CHECK_INT(vb_emit_record(&in, &json, NULL), VB_OK);
    /* Readable UTF-8 (no \u escapes), compact, confidence rounded to 0.1. */
    VB_CHECK(json && strstr(json, "\"issuer\":\"Ủy ban nhân dân tỉnh Hưng Yên\""));
    VB_CHECK(json && strstr(json, "\"ocr_confidence\":87.3,"));
    const char *head = "{\"schema\":\"vanban.record/1\",\"id\":\"" SHA_A "\",\"source\":{";
    VB_CHECK(json && strncmp(json, head, strlen(head)) == 0);
    json_t *r = parse_back(json);

    check_keys(r, top_keys, "record");
    check_keys(at(r, "source"), source_keys, "source");
    check_keys(at(r, "document"), document_keys, "document");
    VB_CHECK_STR(str_at(r, "schema"), "vanban.record/1");
    VB_CHECK_STR(str_at(r, "id"), SHA_A);
    VB_CHECK_STR(str_at(r, "source/path"), "fixtures/kế-hoạch-117.pdf");
    VB_CHECK_STR(str_at(r, "source/sha256"), SHA_A);
    VB_CHECK_STR(str_at(r, "source/media_type"), "application/pdf");
    VB_CHECK_INT(json_integer_value(at(r, "source/pages")), 3);
    VB_CHECK_STR(str_at(r, "source/text_origin"), "ocr");
    VB_CHECK_STR(str_at(r, "document/type"), "KH");
    VB_CHECK_STR(str_at(r, "document/type_name"), "Kế hoạch");
    VB_CHECK_STR(str_at(r, "document/number"), "117");
    VB_CHECK_STR(str_at(r, "document/symbol"), "117/KH-UBND");
    VB_CHECK_STR(str_at(r, "document/issuer"), "Ủy ban nhân dân tỉnh Hưng Yên");
    VB_CHECK_STR(str_at(r, "document/place"), "Hưng Yên");
    VB_CHECK_STR(str_at(r, "document/date"), "2025-11-14");
    VB_CHECK_STR(str_at(r, "document/title"), "Triển khai thực hiện Đề án 06 năm 2026");
    VB_CHECK_STR(str_at(r, "document/signer/authority"), "KT.");
    VB_CHECK_STR(str_at(r, "document/signer/title"), "PHÓ CHỦ TỊCH");
    VB_CHECK_STR(str_at(r, "document/signer/name"), "Nguyễn Văn Đức");
    VB_CHECK_INT(json_array_size(at(r, "document/recipients")), 3);
    VB_CHECK_STR(str_at(r, "document/recipients/0"), "Bộ Công an;");
    VB_CHECK_STR(str_at(r, "document/recipients/2"), "Lưu: VT, NC.");
    VB_CHECK(json_is_array(at(r, "references")) && json_array_size(at(r, "references")) == 0);
    VB_CHECK(json_is_array(at(r, "targets")) && json_array_size(at(r, "targets")) == 0);
    VB_CHECK(json_is_array(at(r, "tasks")) && json_array_size(at(r, "tasks")) == 0);
    VB_CHECK_STR(str_at(r, "text"), body);
    VB_CHECK(json_real_value(at(r, "quality/ocr_confidence")) == 87.3);
    /* record warnings, then the earlier stages', and nothing from emit */
    VB_CHECK_INT(json_array_size(at(r, "quality/warnings")), 3);
    VB_CHECK_STR(str_at(r, "quality/warnings/0"), "document.place: repaired diacritics");
    VB_CHECK_STR(str_at(r, "quality/warnings/1"), "ocr: page 2 skewed 3.1°");
    VB_CHECK_STR(str_at(r, "quality/warnings/2"), "ingest: page 3 empty");
    VB_CHECK(at(r, "error") == NULL);
    json_decref(r);
}

/* Fields extract could not find stay null, with extract's warnings passed on;
 * a text input has no confidence and needs no warning for it. */
static void test_unknown_fields(void)
{
    char *warnings[] = {"document.number: not found", "document.date: not found",
                        "document.signer.name: not found"};
    vb_record rec = {.doc = {.type = "CV", .type_name = "Công văn", .issuer = "Sở Tài chính"},
                     .warnings = warnings,
                     .n_warnings = 3};
    char body[] = "SỞ TÀI CHÍNH";
    vb_text text = {.text = body, .len = strlen(body)};
    vb_emit_input in = {.source = {.path = "-",
                                   .sha256 = SHA_B,
                                   .media_type = "text/plain",
                                   .pages = 1,
                                   .text_origin = "text"},
                        .record = &rec,
                        .text = &text,
                        .ocr_confidence = -1};
    json_t *r = emit(&in);
    VB_CHECK_STR(str_at(r, "document/type"), "CV");
    VB_CHECK_STR(str_at(r, "document/issuer"), "Sở Tài chính");
    const char *nulls[] = {
        "document/number",       "document/symbol",      "document/place",
        "document/date",         "document/title",       "document/signer/authority",
        "document/signer/title", "document/signer/name", "quality/ocr_confidence"};
    for (size_t i = 0; i < sizeof nulls / sizeof *nulls; i++) {
        if (!null_at(r, nulls[i]))
            fprintf(stderr, "%s is not null\n", nulls[i]);
        VB_CHECK(null_at(r, nulls[i]));
    }
    VB_CHECK(json_is_array(at(r, "document/recipients")));
    VB_CHECK_INT(json_array_size(at(r, "document/recipients")), 0);
    VB_CHECK_INT(json_array_size(at(r, "quality/warnings")), 3);
    VB_CHECK_STR(str_at(r, "quality/warnings/1"), "document.date: not found");
    json_decref(r);
}

/* Values the schema would refuse are null with a warning, never passed on;
 * partial dates are kept. */
static void test_bad_values(void)
{
    char *recipients[] = {"", NULL, "Như trên;"};
    vb_record rec = {.doc = {.date = "2025-02-30",
                             .title = "",
                             .signer = {.authority = "KT", .name = "Trần Thị B\xC3"},
                             .recipients = recipients,
                             .n_recipients = 3}};
    char body[] = "Hà N\xE1\xBB\x99i \xFF ngày";
    vb_text text = {.text = body, .len = strlen(body)};
    vb_emit_input in = {.source = {.path = "scans/h\xE0-n\xF4i.tif",
                                   .sha256 = SHA_B,
                                   .media_type = "image/tiff",
                                   .pages = 2,
                                   .text_origin = "ocr"},
                        .record = &rec,
                        .text = &text,
                        .ocr_confidence = -1};
    json_t *r = emit(&in);
    VB_CHECK(null_at(r, "document/date"));
    VB_CHECK(has_warning(r, "document.date: \"2025-02-30\" is not an ISO 8601 date (YYYY, "
                            "YYYY-MM or YYYY-MM-DD); left null"));
    VB_CHECK(null_at(r, "document/title"));
    VB_CHECK(has_warning(r, "document.title: empty; left null"));
    VB_CHECK(null_at(r, "document/signer/authority"));
    VB_CHECK(has_warning(r, "document.signer.authority: \"KT\" is not one of TM., KT., Q., "
                            "TL., TUQ.; left null"));
    VB_CHECK_STR(str_at(r, "document/signer/name"), "Trần Thị B\xEF\xBF\xBD");
    VB_CHECK(has_warning(r, "document.signer.name: not valid UTF-8; invalid bytes replaced"));
    VB_CHECK_STR(str_at(r, "source/path"), "scans/h\xEF\xBF\xBD-n\xEF\xBF\xBDi.tif");
    VB_CHECK(has_warning(r, "source.path: not valid UTF-8; invalid bytes replaced"));
    VB_CHECK_STR(str_at(r, "text"), "Hà Nội \xEF\xBF\xBD ngày");
    VB_CHECK(has_warning(r, "text: not valid UTF-8; invalid bytes replaced"));
    VB_CHECK_INT(json_array_size(at(r, "document/recipients")), 1);
    VB_CHECK_STR(str_at(r, "document/recipients/0"), "Như trên;");
    VB_CHECK(null_at(r, "quality/ocr_confidence"));
    VB_CHECK(has_warning(r, "quality.ocr_confidence: unknown"));
    json_decref(r);

    const char *dates[][2] = {
        {"2025-11", "2025-11"}, {"2025", "2025"},  {"2024-02-29", "2024-02-29"},
        {"2025-02-29", NULL},   {"2025-13", NULL}, {"14/11/2025", NULL},
        {"2025-1-5", NULL}};
    for (size_t i = 0; i < sizeof dates / sizeof *dates; i++) {
        vb_record d = {.doc = {.date = (char *)dates[i][0]}};
        in.record = &d;
        in.source.path = "x.txt";
        in.text = NULL;
        r = emit(&in);
        VB_CHECK_STR(str_at(r, "document/date"), dates[i][1]);
        VB_CHECK(dates[i][1] || null_at(r, "document/date"));
        json_decref(r);
    }
}

static void test_confidence(void)
{
    const double in_conf[] = {0, 0.04, 0.05, 99.96, 100, 100.5, 55.55};
    const char *want[] = {"0.0", "0.0", "0.1", "100.0", "100.0", "null", "55.6"};
    for (size_t i = 0; i < sizeof in_conf / sizeof *in_conf; i++) {
        vb_emit_input in = {.source = {.path = "a.png",
                                       .sha256 = SHA_A,
                                       .media_type = "image/png",
                                       .pages = 1,
                                       .text_origin = "ocr"},
                            .ocr_confidence = in_conf[i]};
        char *json = NULL;
        VB_CHECK_INT(vb_emit_record(&in, &json, NULL), VB_OK);
        char key[64];
        snprintf(key, sizeof key, "\"ocr_confidence\":%s,", want[i]);
        if (!json || !strstr(json, key))
            fprintf(stderr, "confidence %g: want %s in %s\n", in_conf[i], key, json);
        VB_CHECK(json && strstr(json, key));
        json_t *r = parse_back(json);
        if (i == 5)
            VB_CHECK(has_warning(r, "quality.ocr_confidence: 100.5 is above 100; left null"));
        json_decref(r);
    }
}

/* Without a record or text, every field is null and the record says why. */
static void test_no_record(void)
{
    vb_emit_input in = {.source = {.path = "empty.pdf", .sha256 = SHA_A, .text_origin = "pdf-text"},
                        .ocr_confidence = -1};
    json_t *r = emit(&in);
    check_keys(r, top_keys, "record without content");
    VB_CHECK(null_at(r, "document/title") && null_at(r, "document/signer/name"));
    VB_CHECK(null_at(r, "text") && null_at(r, "source/pages") && null_at(r, "source/media_type"));
    VB_CHECK_INT(json_array_size(at(r, "quality/warnings")), 4);
    VB_CHECK_STR(str_at(r, "quality/warnings/0"), "document: not extracted");
    VB_CHECK_STR(str_at(r, "quality/warnings/1"), "text: not available");
    VB_CHECK_STR(str_at(r, "quality/warnings/2"), "source.pages: unknown");
    VB_CHECK_STR(str_at(r, "quality/warnings/3"), "source.media_type: unknown");
    json_decref(r);
}

static void test_failure(void)
{
    /* An unreadable file: no hash, no type, no pages. */
    vb_emit_source src = {.path = "hồ-sơ/mất.pdf"};
    vb_error f;
    vb_error_clear(&f);
    vb_error_set(&f, VB_ERR_INPUT, "cannot open: No such file or directory");
    char *json = NULL;
    VB_CHECK_INT(vb_emit_failure(&src, &f, &json, NULL), VB_OK);
    json_t *r = parse_back(json);
    check_keys(r, failure_keys, "failure record");
    VB_CHECK_STR(str_at(r, "schema"), "vanban.record/1");
    VB_CHECK(null_at(r, "id") && null_at(r, "source/sha256") && null_at(r, "source/pages"));
    VB_CHECK(null_at(r, "source/media_type") && null_at(r, "source/text_origin"));
    VB_CHECK_STR(str_at(r, "source/path"), "hồ-sơ/mất.pdf");
    check_keys(at(r, "document"), document_keys, "failure document");
    VB_CHECK(null_at(r, "document/type") && null_at(r, "document/date"));
    VB_CHECK(null_at(r, "document/signer/authority"));
    VB_CHECK_INT(json_array_size(at(r, "document/recipients")), 0);
    VB_CHECK_INT(json_array_size(at(r, "references")), 0);
    VB_CHECK(null_at(r, "text") && null_at(r, "quality/ocr_confidence"));
    VB_CHECK_INT(json_array_size(at(r, "quality/warnings")), 0);
    VB_CHECK_STR(str_at(r, "error/code"), "input");
    VB_CHECK_STR(str_at(r, "error/message"), "cannot open: No such file or directory");
    VB_CHECK(null_at(r, "error/page"));
    json_decref(r);

    /* Failed on page 3 of an identified PDF: the source is known. */
    vb_emit_source pdf = {.path = "kh-117.pdf",
                          .sha256 = SHA_B,
                          .media_type = "application/pdf",
                          .pages = 40,
                          .text_origin = "ocr"};
    vb_error_clear(&f);
    vb_error_set(&f, VB_ERR_LIMIT, "trang 3: ảnh quá lớn (%d × %d điểm ảnh)", 30000, 40000);
    f.page = 3;
    VB_CHECK_INT(vb_emit_failure(&pdf, &f, &json, NULL), VB_OK);
    r = parse_back(json);
    VB_CHECK_STR(str_at(r, "id"), SHA_B);
    VB_CHECK_INT(json_integer_value(at(r, "source/pages")), 40);
    VB_CHECK_STR(str_at(r, "error/code"), "limit");
    VB_CHECK_STR(str_at(r, "error/message"), "trang 3: ảnh quá lớn (30000 × 40000 điểm ảnh)");
    VB_CHECK_INT(json_integer_value(at(r, "error/page")), 3);
    VB_CHECK_INT(json_array_size(at(r, "quality/warnings")), 0);
    json_decref(r);

    /* No message: the status name stands in. */
    vb_error_clear(&f);
    f.code = VB_ERR_INTERRUPTED;
    VB_CHECK_INT(vb_emit_failure(&pdf, &f, &json, NULL), VB_OK);
    r = parse_back(json);
    VB_CHECK_STR(str_at(r, "error/code"), "interrupted");
    VB_CHECK_STR(str_at(r, "error/message"), vb_status_name(VB_ERR_INTERRUPTED));
    json_decref(r);

    VB_CHECK_STR(vb_emit_error_code(VB_ERR_USAGE), "usage");
    VB_CHECK_STR(vb_emit_error_code(VB_ERR_RULES), "rules");
    VB_CHECK_STR(vb_emit_error_code(VB_ERR_NOMEM), "nomem");
    VB_CHECK_STR(vb_emit_error_code(VB_ERR_INTERNAL), "internal");
    VB_CHECK_STR(vb_emit_error_code(VB_OK), "internal");
}

/* Caller bugs are usage errors and produce nothing. */
static void test_usage_errors(void)
{
    vb_error err;
    char *json = (char *)"unchanged";
    vb_emit_input in = {.source = {.path = "a.txt", .sha256 = "ABC", .text_origin = "text"}};
    VB_CHECK_INT(vb_emit_record(&in, &json, &err), VB_ERR_USAGE);
    VB_CHECK(json == NULL);
    VB_CHECK_STR(err.message, "emit: source.sha256 is not 64 lowercase hex digits");

    in.source.sha256 = SHA_A;
    in.source.text_origin = "scan";
    VB_CHECK_INT(vb_emit_record(&in, &json, &err), VB_ERR_USAGE);
    VB_CHECK_STR(err.message, "emit: source.text_origin \"scan\" is not ocr, pdf-text or text");

    in.source.text_origin = NULL;
    VB_CHECK_INT(vb_emit_record(&in, &json, &err), VB_ERR_USAGE);
    VB_CHECK_STR(err.message, "emit: source.text_origin is required");

    in.source.sha256 = NULL;
    VB_CHECK_INT(vb_emit_record(&in, &json, &err), VB_ERR_USAGE);
    VB_CHECK_STR(err.message, "emit: source.sha256 is required");

    vb_error f;
    vb_error_clear(&f);
    vb_emit_source bad = {.sha256 = SHA_A "0"};
    VB_CHECK_INT(vb_emit_failure(&bad, &f, &json, &err), VB_ERR_USAGE);
    VB_CHECK(json == NULL);
    VB_CHECK_INT(vb_emit_record(NULL, &json, &err), VB_ERR_USAGE);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        samples = fopen(argv[1], "w");
        if (!samples) {
            perror(argv[1]);
            return 1;
        }
    }
    test_full_record();
    test_unknown_fields();
    test_bad_values();
    test_confidence();
    test_no_record();
    test_failure();
    test_usage_errors();
    if (samples && fclose(samples) != 0) {
        perror(argv[1]);
        return 1;
    }
    return vb_test_finish();
}
