/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Golden test: for every fixtures/truth/NAME.txt that has a hand-written
 * fixtures/expected/NAME.header.json, extract the header and compare every
 * field exactly (null included). UPDATE_GOLDEN=1 rewrites the expected files
 * from what is extracted, for review with git diff. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "vb_test_extract.h"

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *header_json(const vb_document *d)
{
    json_t *signer = json_pack("{s:o,s:o,s:o}", "authority", jstr(d->signer.authority), "title",
                               jstr(d->signer.title), "name", jstr(d->signer.name));
    json_t *rcpt = json_array();
    for (size_t i = 0; i < d->n_recipients; i++)
        json_array_append_new(rcpt, json_string(d->recipients[i]));
    json_t *o = json_object();
    json_object_set_new(o, "type", jstr(d->type));
    json_object_set_new(o, "type_name", jstr(d->type_name));
    json_object_set_new(o, "number", jstr(d->number));
    json_object_set_new(o, "symbol", jstr(d->symbol));
    json_object_set_new(o, "issuer", jstr(d->issuer));
    json_object_set_new(o, "place", jstr(d->place));
    json_object_set_new(o, "date", jstr(d->date));
    json_object_set_new(o, "title", jstr(d->title));
    json_object_set_new(o, "signer", signer);
    json_object_set_new(o, "recipients", rcpt);
    return o;
}

/* Compare the expected object's fields (only those it lists) with the actual. */
static void compare(const char *name, const char *path, json_t *want, json_t *got)
{
    const char *key;
    json_t *wv;
    json_object_foreach(want, key, wv)
    {
        json_t *gv = json_object_get(got, key);
        vb_test_checks++;
        if (!gv || !json_equal(wv, gv)) {
            char *ws = json_dumps(wv, JSON_ENCODE_ANY | JSON_COMPACT);
            char *gs = gv ? json_dumps(gv, JSON_ENCODE_ANY | JSON_COMPACT) : strdup("(missing)");
            fprintf(stderr, "%s: %s%s%s: got %s, want %s\n", name, path, *path ? "." : "", key, gs,
                    ws);
            free(ws);
            free(gs);
            vb_test_failures++;
        }
    }
}

int main(void)
{
    vb_normalize *nz = NULL;
    vb_extract *ex = NULL;
    /* truth texts are clean; restoration is tested by normalize */
    if (!vb_test_extract_open(&nz, &ex))
        return 1;
    int update = getenv("UPDATE_GOLDEN") && *getenv("UPDATE_GOLDEN") == '1';
    DIR *d = opendir("fixtures/truth");
    struct dirent *de;
    int n = 0;
    while (d && (de = readdir(d))) {
        size_t nl = strlen(de->d_name);
        if (nl < 5 || strcmp(de->d_name + nl - 4, ".txt") != 0)
            continue;
        char name[256], tpath[512], epath[512];
        snprintf(name, sizeof name, "%.*s", (int)(nl - 4), de->d_name);
        snprintf(tpath, sizeof tpath, "fixtures/truth/%s", de->d_name);
        snprintf(epath, sizeof epath, "fixtures/expected/%s.header.json", name);
        json_error_t jerr;
        json_t *want = json_load_file(epath, 0, &jerr);
        if (!want && !update)
            continue;
        vb_text t;
        vb_record rec;
        vb_test_extract_file(nz, ex, tpath, &t, &rec);
        json_t *got = header_json(&rec.doc);
        if (update) {
            json_dump_file(got, epath, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            fprintf(stderr, "wrote %s\n", epath);
        } else {
            /* Either the document object itself or a record holding it. */
            json_t *doc = json_object_get(want, "document");
            json_t *w = doc ? doc : want;
            json_t *ws = json_object_get(w, "signer");
            json_t *gs = json_object_get(got, "signer");
            if (json_is_object(ws)) {
                compare(name, "signer", ws, gs);
                json_t *copy = json_copy(w);
                json_object_del(copy, "signer");
                compare(name, "", copy, got);
                json_decref(copy);
            } else {
                compare(name, "", w, got);
            }
        }
        n++;
        json_decref(got);
        json_decref(want);
        vb_record_free(&rec);
        vb_text_free(&t);
    }
    if (d)
        closedir(d);
    fprintf(stderr, "%d golden header%s compared\n", n, n == 1 ? "" : "s");
    return vb_test_extract_close(&nz, &ex);
}
