/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * vb-eval-extract: precision, recall and F1 per field of the extractor against
 * hand-checked gold records (fixtures/gold/NAME.gold.json), and its speed.
 *
 *   vb-eval-extract [-v] [--no-restore] [--rules DIR] [--repeat N] GOLD.json...
 *   vb-eval-extract --draft TEXT      print a gold record to review by hand
 *   vb-eval-extract --bench TEXT...   extraction speed alone on any texts
 *
 * A gold record names its text ("source", relative to the repository) and
 * holds the values a person checked: "document" (header fields, null where
 * illegible), "references" (symbol, type, issuer, date, role), "tasks" (lead,
 * deadline kind/start/end) and "targets" (value, unit, comparator). Header
 * fields score per field (a wrong value is a false positive and a false
 * negative); lists score as multisets of their items' key tuples. The text is
 * normalised as the pipeline does (restoration on when the model exists).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "vb_extract.h"
#include "vb_normalize.h"

typedef struct score {
    const char *name;
    long tp, fp, fn;
} score;

static score scores[64];
static size_t n_scores;

static score *sc(const char *name)
{
    for (size_t i = 0; i < n_scores; i++)
        if (strcmp(scores[i].name, name) == 0)
            return &scores[i];
    scores[n_scores].name = name;
    return &scores[n_scores++];
}

static int verbose;

/* gold == NULL: the field is not in the gold record (not checked): not scored. */
static void field(const char *doc, const char *name, json_t *gold, const char *got)
{
    if (!gold)
        return;
    const char *want = json_is_string(gold) ? json_string_value(gold) : NULL;
    score *s = sc(name);
    if (want && got && strcmp(want, got) == 0) {
        s->tp++;
        return;
    }
    if (got)
        s->fp++;
    if (want)
        s->fn++;
    if (verbose && (want || got))
        fprintf(stderr, "%s: %s: got %s%s%s, want %s%s%s\n", doc, name, got ? "\"" : "",
                got ? got : "null", got ? "\"" : "", want ? "\"" : "", want ? want : "null",
                want ? "\"" : "");
}

/* Multiset F1 of string keys. */
static void keys(const char *doc, const char *name, char **gold, size_t ng, char **got, size_t nt)
{
    score *s = sc(name);
    char *used = calloc(ng ? ng : 1, 1);
    for (size_t i = 0; i < nt; i++) {
        size_t j;
        for (j = 0; j < ng; j++)
            if (!used[j] && strcmp(gold[j], got[i]) == 0)
                break;
        if (j < ng) {
            used[j] = 1;
            s->tp++;
        } else {
            s->fp++;
            if (verbose)
                fprintf(stderr, "%s: %s: extra %s\n", doc, name, got[i]);
        }
    }
    for (size_t j = 0; j < ng; j++)
        if (!used[j]) {
            s->fn++;
            if (verbose)
                fprintf(stderr, "%s: %s: missed %s\n", doc, name, gold[j]);
        }
    free(used);
}

static char *jkey(json_t *o, const char *const *members)
{
    vb_buf b = {0};
    for (size_t i = 0; members[i]; i++) {
        json_t *v = json_object_get(o, members[i]);
        char *s =
            v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS) : strdup("null");
        vb_buf_printf(&b, "%s%s", i ? "|" : "", s ? s : "null");
        free(s);
    }
    return vb_buf_steal(&b, NULL);
}

static json_t *js(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *deadline_json(const vb_deadline *d)
{
    if (d->kind == VB_DEADLINE_NONE)
        return json_null();
    return json_pack("{s:s,s:o,s:o}", "kind", vb_deadline_kind_name(d->kind), "start", js(d->start),
                     "end", js(d->end));
}

/* The record's lists as gold-shaped JSON. */
static json_t *record_json(const vb_record *r)
{
    const vb_document *d = &r->doc;
    json_t *rcpt = json_array();
    for (size_t i = 0; i < d->n_recipients; i++)
        json_array_append_new(rcpt, json_string(d->recipients[i]));
    json_t *doc =
        json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:{s:o,s:o,s:o},s:o}", "type", js(d->type),
                  "type_name", js(d->type_name), "number", js(d->number), "symbol", js(d->symbol),
                  "issuer", js(d->issuer), "place", js(d->place), "date", js(d->date), "title",
                  js(d->title), "signer", "authority", js(d->signer.authority), "title",
                  js(d->signer.title), "name", js(d->signer.name), "recipients", rcpt);
    json_t *refs = json_array(), *tasks = json_array(), *targets = json_array();
    for (size_t i = 0; i < r->n_references; i++) {
        const vb_reference *x = &r->references[i];
        json_array_append_new(refs, json_pack("{s:o,s:o,s:o,s:o,s:s}", "symbol", js(x->symbol),
                                              "type", js(x->type), "issuer", js(x->issuer), "date",
                                              js(x->date), "role", vb_ref_role_name(x->role)));
    }
    /* as the record does (src/emit): a task without text is left out */
    for (size_t i = 0; i < r->n_tasks; i++)
        if (r->tasks[i].text && *r->tasks[i].text)
            json_array_append_new(tasks, json_pack("{s:o,s:o,s:o}", "lead", js(r->tasks[i].lead),
                                                   "deadline", deadline_json(&r->tasks[i].deadline),
                                                   "text", js(r->tasks[i].text)));
    for (size_t i = 0; i < r->n_targets; i++) {
        const vb_target *g = &r->targets[i];
        const char *c = vb_comparator_name(g->comparator);
        json_array_append_new(targets, json_pack("{s:f,s:o,s:o}", "value", g->value, "unit",
                                                 js(g->unit), "comparator", js(c)));
    }
    return json_pack("{s:o,s:o,s:o,s:o}", "document", doc, "references", refs, "tasks", tasks,
                     "targets", targets);
}

static void list_keys(const char *doc, const char *name, json_t *gold, json_t *got,
                      const char *const *members)
{
    size_t ng = json_array_size(gold), nt = json_array_size(got);
    char **g = calloc(ng + 1, sizeof *g), **t = calloc(nt + 1, sizeof *t);
    for (size_t i = 0; i < ng; i++)
        g[i] = jkey(json_array_get(gold, i), members);
    for (size_t i = 0; i < nt; i++)
        t[i] = jkey(json_array_get(got, i), members);
    keys(doc, name, g, ng, t, nt);
    for (size_t i = 0; i < ng; i++)
        free(g[i]);
    for (size_t i = 0; i < nt; i++)
        free(t[i]);
    free(g);
    free(t);
}

static void compare(const char *doc, json_t *gold, json_t *got)
{
    static const char *hdr[] = {"type",  "type_name", "number", "symbol", "issuer",
                                "place", "date",      "title",  NULL};
    json_t *gd = json_object_get(gold, "document"), *td = json_object_get(got, "document");
    if (gd) {
        for (size_t i = 0; hdr[i]; i++) {
            char name[64];
            snprintf(name, sizeof name, "document.%s", hdr[i]);
            field(doc, strdup(name), json_object_get(gd, hdr[i]),
                  json_string_value(json_object_get(td, hdr[i])));
        }
        static const char *sg[] = {"authority", "title", "name", NULL};
        json_t *gs = json_object_get(gd, "signer"), *ts = json_object_get(td, "signer");
        for (size_t i = 0; gs && sg[i]; i++) {
            char name[64];
            snprintf(name, sizeof name, "document.signer.%s", sg[i]);
            field(doc, strdup(name), json_object_get(gs, sg[i]),
                  json_string_value(json_object_get(ts, sg[i])));
        }
        json_t *gr = json_object_get(gd, "recipients");
        if (gr) {
            size_t ng = json_array_size(gr),
                   nt = json_array_size(json_object_get(td, "recipients"));
            char **g = calloc(ng + 1, sizeof *g), **t = calloc(nt + 1, sizeof *t);
            for (size_t i = 0; i < ng; i++)
                g[i] = (char *)json_string_value(json_array_get(gr, i));
            for (size_t i = 0; i < nt; i++)
                t[i] =
                    (char *)json_string_value(json_array_get(json_object_get(td, "recipients"), i));
            keys(doc, "document.recipients", g, ng, t, nt);
            free(g);
            free(t);
        }
    }
    static const char *const sym[] = {"symbol", NULL}, *const rtype[] = {"symbol", "type", NULL},
                             *const riss[] = {"symbol", "issuer", NULL},
                             *const rdate[] = {"symbol", "date", NULL},
                             *const rrole[] = {"symbol", "role", NULL};
    json_t *gr = json_object_get(gold, "references"), *tr = json_object_get(got, "references");
    if (gr) {
        list_keys(doc, "references.symbol", gr, tr, sym);
        list_keys(doc, "references.type", gr, tr, rtype);
        list_keys(doc, "references.issuer", gr, tr, riss);
        list_keys(doc, "references.date", gr, tr, rdate);
        list_keys(doc, "references.role", gr, tr, rrole);
    }
    static const char *const lead[] = {"lead", NULL}, *const dl[] = {"deadline", NULL},
                             *const ld[] = {"lead", "deadline", NULL};
    json_t *gt = json_object_get(gold, "tasks"), *tt = json_object_get(got, "tasks");
    if (gt) {
        list_keys(doc, "tasks.lead", gt, tt, lead);
        list_keys(doc, "tasks.deadline", gt, tt, dl);
        list_keys(doc, "tasks.lead+deadline", gt, tt, ld);
    }
    static const char *const tg[] = {"value", "unit", "comparator", NULL};
    json_t *gg = json_object_get(gold, "targets"), *tg_ = json_object_get(got, "targets");
    if (gg)
        list_keys(doc, "targets", gg, tg_, tg);
}

/* CPU time of this thread: "per core" speed, whatever else the machine runs. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int load_text(vb_normalize *nz, const char *path, vb_text *t)
{
    unsigned char *data;
    size_t len;
    vb_error err;
    if (vb_read_file(path, 0, &data, &len, &err) != VB_OK) {
        fprintf(stderr, "vb-eval-extract: %s: %s\n", path, err.message);
        return -1;
    }
    vb_status st = vb_normalize_run(nz, (char *)data, len, t, &err);
    free(data);
    if (st != VB_OK) {
        fprintf(stderr, "vb-eval-extract: %s: %s\n", path, err.message);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *rules = NULL, *draft = NULL;
    int repeat = 20, first = 1, no_restore = 0, bench = 0;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (!strcmp(argv[first], "--rules") && first + 1 < argc)
            rules = argv[++first];
        else if (!strcmp(argv[first], "--repeat") && first + 1 < argc)
            repeat = atoi(argv[++first]);
        else if (!strcmp(argv[first], "--draft") && first + 1 < argc)
            draft = argv[++first];
        else if (!strcmp(argv[first], "-v"))
            verbose = 1;
        else if (!strcmp(argv[first], "--no-restore"))
            no_restore = 1;
        else if (!strcmp(argv[first], "--bench"))
            bench = 1;
        else {
            fprintf(stderr, "usage: vb-eval-extract [-v] [--no-restore] [--rules DIR] [--repeat N] "
                            "GOLD.json...\n"
                            "       vb-eval-extract --draft TEXT\n"
                            "       vb-eval-extract [--no-restore] --bench TEXT...\n");
            return 1;
        }
    }
    vb_error err;
    vb_normalize *nz = NULL;
    vb_extract *ex = NULL;
    vb_normalize_opts nopts = {0};
    nopts.restore = no_restore ? -1 : 0;
    vb_extract_opts opts = {0};
    opts.rules_dir = rules;
    if (vb_normalize_create(&nz, &nopts, &err) != VB_OK ||
        vb_extract_create(&ex, &opts, &err) != VB_OK) {
        fprintf(stderr, "vb-eval-extract: %s\n", err.message);
        return 3;
    }
    if (draft) {
        vb_text t = {0};
        vb_record rec = {0};
        if (load_text(nz, draft, &t) < 0 || vb_extract_run(ex, &t, &rec, &err) != VB_OK)
            return 2;
        json_t *j = record_json(&rec);
        json_object_set_new(j, "source", json_string(draft));
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        printf("\n");
        return 0;
    }
    size_t bytes = 0;
    double secs = 0;
    int docs = 0;
    int limited = 0;
    if (bench) {
        /* speed alone, on any texts: normalise each, then time the extraction */
        for (int i = first; i < argc; i++) {
            vb_text t = {0};
            vb_record rec = {0};
            if (load_text(nz, argv[i], &t) < 0)
                continue;
            double t0 = cpu_now();
            vb_status st = vb_extract_run(ex, &t, &rec, &err);
            secs += cpu_now() - t0;
            if (st != VB_OK)
                fprintf(stderr, "vb-eval-extract: %s: %s\n", argv[i], err.message);
            bytes += t.len;
            docs++;
            for (size_t w = 0; w < rec.n_warnings; w++)
                if (strstr(rec.warnings[w], "match limit")) {
                    limited++;
                    fprintf(stderr, "%s: %s\n", argv[i], rec.warnings[w]);
                }
            vb_record_free(&rec);
            vb_text_free(&t);
        }
        printf("%d texts, %.1f MB extracted in %.3f s of CPU: %.1f MB/s per core; %d hit a match "
               "limit\n",
               docs, (double)bytes / 1e6, secs, secs > 0 ? (double)bytes / secs / 1e6 : 0, limited);
        vb_extract_destroy(&ex);
        vb_normalize_destroy(&nz);
        return 0;
    }
    for (int i = first; i < argc; i++) {
        json_error_t jerr;
        json_t *gold = json_load_file(argv[i], 0, &jerr);
        const char *src = json_string_value(json_object_get(gold, "source"));
        if (!gold || !src) {
            fprintf(stderr, "vb-eval-extract: %s: %s\n", argv[i], gold ? "no source" : jerr.text);
            return 2;
        }
        vb_text t = {0};
        if (load_text(nz, src, &t) < 0)
            return 2;
        vb_record rec = {0};
        /* speed: the extraction alone, repeated to be measurable */
        double t0 = cpu_now();
        for (int k = 0; k < repeat; k++) {
            vb_record_free(&rec);
            memset(&rec, 0, sizeof rec);
            if (vb_extract_run(ex, &t, &rec, &err) != VB_OK) {
                fprintf(stderr, "vb-eval-extract: %s: %s\n", src, err.message);
                return 4;
            }
        }
        secs += cpu_now() - t0;
        bytes += t.len * (size_t)repeat;
        json_t *got = record_json(&rec);
        const char *slash = strrchr(argv[i], '/');
        compare(slash ? slash + 1 : argv[i], gold, got);
        json_decref(got);
        json_decref(gold);
        vb_record_free(&rec);
        vb_text_free(&t);
        docs++;
    }
    printf("%-28s %6s %6s %6s %9s %7s %7s\n", "field", "tp", "fp", "fn", "precision", "recall",
           "F1");
    for (size_t i = 0; i < n_scores; i++) {
        score *s = &scores[i];
        double p = s->tp + s->fp ? (double)s->tp / (double)(s->tp + s->fp) : 1.0;
        double r = s->tp + s->fn ? (double)s->tp / (double)(s->tp + s->fn) : 1.0;
        double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
        printf("%-28s %6ld %6ld %6ld %9.3f %7.3f %7.3f\n", s->name, s->tp, s->fp, s->fn, p, r, f);
    }
    printf("%d documents, %.1f KB of text x %d runs in %.3f s of CPU: %.1f MB/s per core\n", docs,
           (double)bytes / repeat / 1024.0, repeat, secs,
           secs > 0 ? (double)bytes / secs / 1e6 : 0);
    vb_extract_destroy(&ex);
    vb_normalize_destroy(&nz);
    return 0;
}
