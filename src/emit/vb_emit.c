/*
 * vb_emit.c: the "vanban.record/1" record through jansson. One function per
 * sub-object, called in schema order; each adds its key to the record and
 * reports what it could not emit faithfully as a warning in the context.
 */
#include "vb_emit.h"

#include <jansson.h>
#include <math.h> /* isnan: a macro, no libm */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Compact one-line output for JSON Lines, UTF-8 left readable (no
 * JSON_ENSURE_ASCII). 15 significant digits print 87.3 as "87.3" rather than
 * jansson's default 17 ("87.299999999999997") and still keep every digit of
 * the numbers a record holds. */
#define EMIT_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

typedef struct emit_ctx {
    json_t *warnings; /* emit's own, appended after the caller's */
    vb_error *err;
} emit_ctx;

static vb_status nomem(emit_ctx *c)
{
    return vb_error_set(c->err, VB_ERR_NOMEM, "emit: out of memory");
}

/* Takes ownership of val (NULL means allocation failed). */
static vb_status put(emit_ctx *c, json_t *obj, const char *key, json_t *val)
{
    if (!val || json_object_set_new(obj, key, val) != 0)
        return nomem(c);
    return VB_OK;
}

static vb_status append(emit_ctx *c, json_t *arr, json_t *val)
{
    if (!val || json_array_append_new(arr, val) != 0)
        return nomem(c);
    return VB_OK;
}

/* A JSON string of [s, s+len); bytes that are not UTF-8 become U+FFFD and
 * *repaired is set. NULL only when out of memory. */
static json_t *utf8_string(const char *s, size_t len, int *repaired)
{
    *repaired = 0;
    json_t *j = json_stringn(s, len);
    if (j || vb_utf8_valid(s, len))
        return j;
    *repaired = 1;
    vb_buf b = {0};
    for (size_t i = 0; i < len;) {
        /* The shortest valid prefix is the next character, if there is one. */
        size_t n = 1;
        while (n <= 4 && i + n <= len && !vb_utf8_valid(s + i, n))
            n++;
        int ok = n <= 4 && i + n <= len;
        vb_status st = ok ? vb_buf_append(&b, s + i, n) : vb_buf_puts(&b, "\xEF\xBF\xBD");
        if (st != VB_OK) {
            vb_buf_free(&b);
            return NULL;
        }
        i += ok ? n : 1;
    }
    j = json_stringn(b.data ? b.data : "", b.len);
    vb_buf_free(&b);
    return j;
}

static vb_status warn(emit_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Warnings are short: a field path and at most a quoted value cut at 80 bytes
 * (a cut inside a character is repaired like any other bad byte). */
static vb_status warn(emit_ctx *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        return vb_error_set(c->err, VB_ERR_INTERNAL, "emit: cannot format a warning");
    int repaired;
    return append(c, c->warnings, utf8_string(msg, strlen(msg), &repaired));
}

/* A string value, null when s is NULL. An empty string is null with a warning:
 * the schema wants unknown values as null, and "" carries nothing. */
static json_t *string_value(emit_ctx *c, const char *s, const char *path, vb_status *st)
{
    *st = VB_OK;
    if (!s)
        return json_null();
    if (!*s) {
        *st = warn(c, "%s: empty; left null", path);
        return json_null();
    }
    int repaired;
    json_t *j = utf8_string(s, strlen(s), &repaired);
    if (j && repaired)
        *st = warn(c, "%s: not valid UTF-8; invalid bytes replaced", path);
    return j;
}

static vb_status put_str(emit_ctx *c, json_t *obj, const char *key, const char *s, const char *path)
{
    vb_status st;
    json_t *j = string_value(c, s, path, &st);
    if (st != VB_OK) {
        json_decref(j);
        return st;
    }
    return put(c, obj, key, j);
}

/* Like put_str, but a value `valid` rejects is emitted as null with a warning
 * quoting it: never pass on a value the schema would refuse. */
static vb_status put_checked(emit_ctx *c, json_t *obj, const char *key, const char *s,
                             const char *path, int (*valid)(const char *), const char *what)
{
    if (s && *s && !valid(s)) {
        vb_status st = warn(c, "%s: \"%.80s\" is not %s; left null", path, s, what);
        return st != VB_OK ? st : put(c, obj, key, json_null());
    }
    return put_str(c, obj, key, s, path);
}

/* A run of string members in schema order; `valid` NULL means any string. */
typedef struct str_field {
    const char *key;
    const char *value;
    int (*valid)(const char *);
    const char *what; /* what `valid` accepts, for the warning */
} str_field;

static vb_status put_fields(emit_ctx *c, json_t *obj, const char *prefix, const str_field *f,
                            size_t n)
{
    vb_status st = VB_OK;
    for (size_t i = 0; st == VB_OK && i < n; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s.%s", prefix, f[i].key);
        st = f[i].valid ? put_checked(c, obj, f[i].key, f[i].value, path, f[i].valid, f[i].what)
                        : put_str(c, obj, f[i].key, f[i].value, path);
    }
    return st;
}

#define N_FIELDS(a) (sizeof(a) / sizeof *(a))

/* parent[key] = a new object holding the string fields; *out is that object
 * (borrowed), for the members that follow. path names it in warnings. */
static vb_status put_object(emit_ctx *c, json_t *parent, const char *key, const char *path,
                            const str_field *f, size_t n, json_t **out)
{
    json_t *o = json_object();
    vb_status st = put(c, parent, key, o);
    *out = st == VB_OK ? o : NULL;
    return st != VB_OK ? st : put_fields(c, o, path, f, n);
}

static vb_status put_string_array(emit_ctx *c, json_t *obj, const char *key, char *const *items,
                                  size_t n, const char *path)
{
    json_t *arr = json_array();
    vb_status st = put(c, obj, key, arr);
    for (size_t i = 0; st == VB_OK && i < n; i++) {
        if (!items[i] || !*items[i])
            continue;
        char item_path[128];
        snprintf(item_path, sizeof item_path, "%s[%zu]", path, i);
        json_t *j = string_value(c, items[i], item_path, &st);
        if (st == VB_OK)
            st = append(c, arr, j);
        else
            json_decref(j);
    }
    return st;
}

/* ---- value checks, mirroring the schema's patterns and enums ---- */

static int is_sha256(const char *s)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return i == 64;
}

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static const char *const text_origins[] = {"ocr", "pdf-text", "text", NULL};
static const char *const authorities[] = {"TM.", "KT.", "Q.", "TL.", "TUQ.", NULL};

static int is_authority(const char *s)
{
    return in_list(s, authorities);
}

static int digits(const char *s, int n, int *value)
{
    *value = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        *value = *value * 10 + (s[i] - '0');
    }
    return 1;
}

/* "YYYY", "YYYY-MM" or "YYYY-MM-DD", and a day that exists in that month:
 * the schema only checks 01-31, but 30 February is an OCR error, not a date. */
static int is_iso_date(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;
    size_t len = strlen(s);
    if ((len != 4 && len != 7 && len != 10) || !digits(s, 4, &y))
        return 0;
    if (len == 4)
        return 1;
    if (s[4] != '-' || !digits(s + 5, 2, &m) || m < 1 || m > 12)
        return 0;
    if (len == 7)
        return 1;
    if (s[7] != '-' || !digits(s + 8, 2, &d) || d < 1 || d > mdays[m - 1])
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

/* ---- sub-objects, in schema order ---- */

static vb_status emit_source(emit_ctx *c, json_t *rec, const vb_emit_source *src)
{
    const str_field fields[] = {
        {"path", src->path, NULL, NULL},
        {"sha256", src->sha256, NULL, NULL},
        {"media_type", src->media_type, NULL, NULL},
    };
    json_t *o;
    vb_status st = put_object(c, rec, "source", "source", fields, N_FIELDS(fields), &o);
    if (st == VB_OK)
        st = put(c, o, "pages", src->pages > 0 ? json_integer(src->pages) : json_null());
    if (st == VB_OK)
        st = put_str(c, o, "text_origin", src->text_origin, "source.text_origin");
    return st;
}

static vb_status emit_signer(emit_ctx *c, json_t *doc, const vb_signer *s)
{
    const str_field fields[] = {
        {"authority", s->authority, is_authority, "one of TM., KT., Q., TL., TUQ."},
        {"title", s->title, NULL, NULL},
        {"name", s->name, NULL, NULL},
    };
    json_t *o;
    return put_object(c, doc, "signer", "document.signer", fields, N_FIELDS(fields), &o);
}

/* d == NULL: every field null (the warning, if one is due, is the caller's). */
static vb_status emit_document(emit_ctx *c, json_t *rec, const vb_document *d)
{
    static const vb_document none;
    if (!d)
        d = &none;
    const str_field fields[] = {
        {"type", d->type, NULL, NULL},
        {"type_name", d->type_name, NULL, NULL},
        {"number", d->number, NULL, NULL},
        {"symbol", d->symbol, NULL, NULL},
        {"issuer", d->issuer, NULL, NULL},
        {"place", d->place, NULL, NULL},
        {"date", d->date, is_iso_date, "an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)"},
        {"title", d->title, NULL, NULL},
    };
    json_t *o;
    vb_status st = put_object(c, rec, "document", "document", fields, N_FIELDS(fields), &o);
    if (st == VB_OK)
        st = emit_signer(c, o, &d->signer);
    if (st == VB_OK)
        st = put_string_array(c, o, "recipients", d->recipients, d->n_recipients,
                              "document.recipients");
    return st;
}

/* ---- references, targets, tasks (issue 4) ---- */

static json_t *year_value(int y)
{
    return y >= 1900 && y <= 2200 ? json_integer(y) : json_null();
}

/* A required text member: NULL or "" make the item unusable, so the caller
 * drops the item with a warning. */
static int has_text(const char *s)
{
    return s && *s;
}

static vb_status emit_mentions(emit_ctx *c, json_t *ref, const vb_reference *r, size_t ri)
{
    json_t *arr = json_array();
    vb_status st = put(c, ref, "mentions", arr);
    for (size_t i = 0; st == VB_OK && i < r->n_mentions; i++) {
        const vb_mention *m = &r->mentions[i];
        char path[96];
        snprintf(path, sizeof path, "references[%zu].mentions[%zu].text", ri, i);
        json_t *o = json_object();
        st = append(c, arr, o);
        if (st == VB_OK)
            st = put(c, o, "page", json_integer(m->page > 0 ? m->page : 1));
        if (st == VB_OK)
            st = put(c, o, "start", json_integer((json_int_t)m->start));
        if (st == VB_OK)
            st = put(c, o, "end", json_integer((json_int_t)m->end));
        if (st == VB_OK)
            st = put_str(c, o, "text", m->text, path);
    }
    return st;
}

static vb_status emit_references(emit_ctx *c, json_t *rec, const vb_record *r)
{
    json_t *arr = json_array();
    vb_status st = put(c, rec, "references", arr);
    for (size_t i = 0; r && st == VB_OK && i < r->n_references; i++) {
        const vb_reference *x = &r->references[i];
        if (!x->n_mentions) {
            st = warn(c, "references[%zu]: no mention; left out", i);
            continue;
        }
        char prefix[48];
        snprintf(prefix, sizeof prefix, "references[%zu]", i);
        const str_field head[] = {
            {"symbol", x->symbol, NULL, NULL},
            {"type", x->type, NULL, NULL},
            {"type_name", x->type_name, NULL, NULL},
            {"number", x->number, NULL, NULL},
        };
        const str_field mid[] = {
            {"date", x->date, is_iso_date, "an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)"},
            {"issuer", x->issuer, NULL, NULL},
        };
        json_t *o = json_object();
        st = append(c, arr, o);
        if (st == VB_OK)
            st = put_fields(c, o, prefix, head, N_FIELDS(head));
        if (st == VB_OK)
            st = put(c, o, "year", year_value(x->year));
        if (st == VB_OK)
            st = put_fields(c, o, prefix, mid, N_FIELDS(mid));
        if (st == VB_OK)
            st = put(c, o, "role", json_string(vb_ref_role_name(x->role)));
        if (st == VB_OK) {
            const str_field tail[] = {{"title", x->title, NULL, NULL}};
            st = put_fields(c, o, prefix, tail, N_FIELDS(tail));
        }
        if (st == VB_OK)
            st = emit_mentions(c, o, x, i);
    }
    return st;
}

static vb_status emit_targets(emit_ctx *c, json_t *rec, const vb_record *r)
{
    json_t *arr = json_array();
    vb_status st = put(c, rec, "targets", arr);
    for (size_t i = 0; r && st == VB_OK && i < r->n_targets; i++) {
        const vb_target *g = &r->targets[i];
        char prefix[48];
        snprintf(prefix, sizeof prefix, "targets[%zu]", i);
        if (!has_text(g->sentence) || isnan(g->value)) {
            st = warn(c, "%s: no sentence or value; left out", prefix);
            continue;
        }
        json_t *o = json_object();
        const char *cmp = vb_comparator_name(g->comparator);
        const str_field unit[] = {{"unit", g->unit, NULL, NULL}};
        const str_field subject[] = {{"subject", g->subject, NULL, NULL}};
        const str_field sentence[] = {{"sentence", g->sentence, NULL, NULL}};
        st = append(c, arr, o);
        if (st == VB_OK)
            st = put(c, o, "value", json_real(g->value));
        if (st == VB_OK)
            st = put_fields(c, o, prefix, unit, 1);
        if (st == VB_OK)
            st = put(c, o, "comparator", cmp ? json_string(cmp) : json_null());
        if (st == VB_OK)
            st = put_fields(c, o, prefix, subject, 1);
        if (st == VB_OK)
            st = put(c, o, "by_year", year_value(g->by_year));
        if (st == VB_OK)
            st = put(c, o, "recurring", json_boolean(g->recurring));
        if (st == VB_OK)
            st = put_fields(c, o, prefix, sentence, 1);
    }
    return st;
}

static vb_status emit_deadline(emit_ctx *c, json_t *task, const vb_deadline *d, const char *prefix)
{
    const char *kind = vb_deadline_kind_name(d->kind);
    if (!kind || !has_text(d->text))
        return put(c, task, "deadline", json_null());
    json_t *o = json_object();
    vb_status st = put(c, task, "deadline", o);
    char path[64];
    snprintf(path, sizeof path, "%s.deadline", prefix);
    const str_field f[] = {
        {"start", d->start, is_iso_date, "an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)"},
        {"end", d->end, is_iso_date, "an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)"},
        {"text", d->text, NULL, NULL},
    };
    if (st == VB_OK)
        st = put(c, o, "kind", json_string(kind));
    if (st == VB_OK)
        st = put_fields(c, o, path, f, N_FIELDS(f));
    return st;
}

static vb_status emit_tasks(emit_ctx *c, json_t *rec, const vb_record *r)
{
    json_t *arr = json_array();
    vb_status st = put(c, rec, "tasks", arr);
    for (size_t i = 0; r && st == VB_OK && i < r->n_tasks; i++) {
        const vb_task *k = &r->tasks[i];
        char prefix[48];
        snprintf(prefix, sizeof prefix, "tasks[%zu]", i);
        if (!has_text(k->text)) {
            st = warn(c, "%s: no text; left out", prefix);
            continue;
        }
        json_t *o = json_object();
        const str_field f[] = {
            {"text", k->text, NULL, NULL},
            {"lead", k->lead, NULL, NULL},
        };
        char path[64];
        snprintf(path, sizeof path, "%s.partners", prefix);
        st = append(c, arr, o);
        if (st == VB_OK)
            st = put_fields(c, o, prefix, f, N_FIELDS(f));
        if (st == VB_OK)
            st = put_string_array(c, o, "partners", k->partners, k->n_partners, path);
        if (st == VB_OK)
            st = emit_deadline(c, o, &k->deadline, prefix);
    }
    return st;
}

static vb_status emit_text(emit_ctx *c, json_t *rec, const vb_text *t)
{
    if (!t || !t->text)
        return put(c, rec, "text", json_null());
    int repaired;
    json_t *j = utf8_string(t->text, t->len, &repaired);
    vb_status st = put(c, rec, "text", j);
    if (st == VB_OK && repaired)
        st = warn(c, "text: not valid UTF-8; invalid bytes replaced");
    return st;
}

/* Unknown for an OCR'd input is worth a warning; for a text layer there is
 * nothing to know. */
static vb_status emit_confidence(emit_ctx *c, json_t *q, double conf, const char *origin,
                                 int failed)
{
    if (isnan(conf) || conf < 0) {
        vb_status st = VB_OK;
        if (!failed && origin && strcmp(origin, "ocr") == 0)
            st = warn(c, "quality.ocr_confidence: unknown");
        return st != VB_OK ? st : put(c, q, "ocr_confidence", json_null());
    }
    if (conf > 100) {
        vb_status st = warn(c, "quality.ocr_confidence: %g is above 100; left null", conf);
        return st != VB_OK ? st : put(c, q, "ocr_confidence", json_null());
    }
    /* 0 <= conf <= 100, so the cast is exact rounding to 0.1 (no libm). */
    return put(c, q, "ocr_confidence", json_real((double)(long)(conf * 10.0 + 0.5) / 10.0));
}

/* Called last among the record's own keys, when every warning is known. */
static vb_status emit_quality(emit_ctx *c, json_t *rec, const vb_emit_input *in, int failed)
{
    json_t *o = json_object();
    vb_status st = put(c, rec, "quality", o);
    if (st == VB_OK)
        st = emit_confidence(c, o, in->ocr_confidence, in->source.text_origin, failed);
    json_t *all = json_array();
    if (st == VB_OK)
        st = put(c, o, "warnings", all);
    else
        json_decref(all);
    const vb_record *r = in->record;
    for (size_t i = 0; st == VB_OK && r && i < r->n_warnings; i++) {
        if (r->warnings[i] && *r->warnings[i]) {
            int repaired;
            st = append(c, all, utf8_string(r->warnings[i], strlen(r->warnings[i]), &repaired));
        }
    }
    for (size_t i = 0; st == VB_OK && i < in->n_extra_warnings; i++) {
        const char *w = in->extra_warnings[i];
        if (w && *w) {
            int repaired;
            st = append(c, all, utf8_string(w, strlen(w), &repaired));
        }
    }
    if (st == VB_OK && json_array_extend(all, c->warnings) != 0)
        st = nomem(c);
    return st;
}

static vb_status emit_error(emit_ctx *c, json_t *rec, const vb_error *f)
{
    json_t *o = json_object();
    vb_status st = put(c, rec, "error", o);
    if (st == VB_OK)
        st = put(c, o, "code", json_string(vb_emit_error_code(f->code)));
    if (st == VB_OK) {
        const char *msg = f->message[0] ? f->message : vb_status_name(f->code);
        int repaired;
        st = put(c, o, "message", utf8_string(msg, strnlen(msg, sizeof f->message), &repaired));
    }
    if (st == VB_OK)
        st = put(c, o, "page", f->page > 0 ? json_integer(f->page) : json_null());
    return st;
}

/* ---- the record ---- */

static vb_status check_source(const vb_emit_source *src, int required, vb_error *err)
{
    if (required && (!src->sha256 || !src->text_origin))
        return vb_error_set(err, VB_ERR_USAGE, "emit: source.%s is required",
                            !src->sha256 ? "sha256" : "text_origin");
    if (src->sha256 && !is_sha256(src->sha256))
        return vb_error_set(err, VB_ERR_USAGE,
                            "emit: source.sha256 is not 64 lowercase hex digits");
    if (src->text_origin && !in_list(src->text_origin, text_origins))
        return vb_error_set(err, VB_ERR_USAGE,
                            "emit: source.text_origin \"%.40s\" is not ocr, pdf-text or text",
                            src->text_origin);
    return VB_OK;
}

static vb_status emit(const vb_emit_input *in, const vb_error *failure, char **json, vb_error *err)
{
    *json = NULL;
    vb_status st = check_source(&in->source, failure == NULL, err);
    if (st != VB_OK)
        return st;
    emit_ctx c = {.warnings = json_array(), .err = err};
    json_t *rec = json_object();
    if (!c.warnings || !rec) {
        json_decref(c.warnings);
        json_decref(rec);
        return nomem(&c);
    }
    const vb_record *r = in->record;
    if (!failure && !r)
        st = warn(&c, "document: not extracted");
    if (!failure && (!in->text || !in->text->text) && st == VB_OK)
        st = warn(&c, "text: not available");
    if (!failure && in->source.pages <= 0 && st == VB_OK)
        st = warn(&c, "source.pages: unknown");
    if (!failure && !in->source.media_type && st == VB_OK)
        st = warn(&c, "source.media_type: unknown");

    if (st == VB_OK)
        st = put(&c, rec, "schema", json_string(VB_RECORD_SCHEMA));
    if (st == VB_OK)
        st = put(&c, rec, "id", in->source.sha256 ? json_string(in->source.sha256) : json_null());
    if (st == VB_OK)
        st = emit_source(&c, rec, &in->source);
    if (st == VB_OK)
        st = emit_document(&c, rec, r ? &r->doc : NULL);
    if (st == VB_OK)
        st = emit_references(&c, rec, r);
    if (st == VB_OK)
        st = emit_targets(&c, rec, r);
    if (st == VB_OK)
        st = emit_tasks(&c, rec, r);
    if (st == VB_OK)
        st = emit_text(&c, rec, in->text);
    if (st == VB_OK)
        st = emit_quality(&c, rec, in, failure != NULL);
    if (st == VB_OK && failure)
        st = emit_error(&c, rec, failure);
    if (st == VB_OK) {
        *json = json_dumps(rec, EMIT_FLAGS);
        if (!*json)
            st = nomem(&c);
    }
    json_decref(rec);
    json_decref(c.warnings);
    return st;
}

vb_status vb_emit_record(const vb_emit_input *in, char **json, vb_error *err)
{
    if (!in || !json)
        return vb_error_set(err, VB_ERR_USAGE, "emit: no input or no output");
    return emit(in, NULL, json, err);
}

vb_status vb_emit_failure(const vb_emit_source *src, const vb_error *failure, char **json,
                          vb_error *err)
{
    if (!src || !failure || !json)
        return vb_error_set(err, VB_ERR_USAGE, "emit: no source, error or output");
    vb_emit_input in = {.source = *src, .ocr_confidence = -1};
    return emit(&in, failure, json, err);
}

const char *vb_emit_error_code(vb_status code)
{
    switch (code) {
    case VB_ERR_USAGE: return "usage";
    case VB_ERR_INPUT: return "input";
    case VB_ERR_RULES: return "rules";
    case VB_ERR_INTERNAL: return "internal";
    case VB_ERR_NOMEM: return "nomem";
    case VB_ERR_INTERRUPTED: return "interrupted";
    case VB_ERR_LIMIT: return "limit";
    case VB_OK: break;
    }
    return "internal";
}
