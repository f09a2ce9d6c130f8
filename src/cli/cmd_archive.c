/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * `vanban search|cites|show|stats|export --db ARCHIVE ...`: questions to the
 * archive that `vanban process` fills.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_archive.h"
#include "vb_archive.h"

/* ---- shared ---- */

struct common_opts {
    const char *db;
    int json;
    int limit;
    const char *format;
    const char *out;
    int help;
};

enum { OPT_DB = 256, OPT_JSON, OPT_LIMIT, OPT_FORMAT, OPT_OUT, OPT_TOP };

static const struct option long_opts[] = {
    {"db", required_argument, NULL, OPT_DB},
    {"json", no_argument, NULL, OPT_JSON},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {"top", required_argument, NULL, OPT_TOP},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"out", required_argument, NULL, OPT_OUT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Parse the options in `allowed` (OPT_* codes) for command `name`;
 * returns -1 on a usage error (already reported), else optind. */
static int parse_opts(int argc, char **argv, const char *name, const int *allowed, size_t n,
                      struct common_opts *o)
{
    memset(o, 0, sizeof *o);
    optind = 1;
    opterr = 0;
    int c, li = -1;
    while ((c = getopt_long(argc, argv, "h", long_opts, &li)) != -1) {
        int ok = c == 'h';
        for (size_t i = 0; i < n; i++)
            ok |= allowed[i] == c;
        if (c == '?' || c == ':') {
            cli_errorf("%s: unknown or incomplete option '%s' (vanban %s --help)", name,
                       argv[optind - 1], name);
            return -1;
        }
        if (!ok) {
            cli_errorf("%s: no option --%s here (vanban %s --help)", name, long_opts[li].name,
                       name);
            return -1;
        }
        char *end;
        long v;
        switch (c) {
        case 'h': o->help = 1; break;
        case OPT_DB: o->db = optarg; break;
        case OPT_JSON: o->json = 1; break;
        case OPT_FORMAT: o->format = optarg; break;
        case OPT_OUT: o->out = optarg; break;
        case OPT_LIMIT:
        case OPT_TOP:
            v = strtol(optarg, &end, 10);
            o->limit = (int)v;
            if (*optarg == '\0' || *end != '\0' || v < 1 || v > 10000) {
                cli_errorf("%s: %s wants a number from 1 to 10000, not '%s'", name,
                           c == OPT_TOP ? "--top" : "--limit", optarg);
                return -1;
            }
            break;
        }
    }
    if (!o->help && !o->db) {
        cli_errorf("%s: which archive? (--db FILE)", name);
        return -1;
    }
    return optind;
}

/* The start every command shares: options, --help, and at most `nargs`
 * arguments after the options (-1: any number); the caller checks for a
 * missing one. Returns -1 to go on, else the exit code to return now. */
static int command_start(int argc, char **argv, const char *name, const int *allowed,
                         size_t n_allowed, const char *help, int nargs, struct common_opts *o,
                         int *first)
{
    *first = parse_opts(argc, argv, name, allowed, n_allowed, o);
    if (o->help) {
        fputs(help, stdout);
        return VB_EXIT_OK;
    }
    if (*first < 0)
        return VB_EXIT_USAGE;
    int have = argc - *first;
    if (nargs >= 0 && have > nargs) {
        cli_errorf("%s: unexpected argument '%s'", name, argv[*first + nargs]);
        return VB_EXIT_USAGE;
    }
    return -1;
}

static vb_archive *open_archive(const char *path, int *code)
{
    vb_archive *a = NULL;
    vb_error err;
    vb_error_clear(&err);
    vb_archive_opts o = {.read_only = 1};
    vb_status st = vb_archive_open(&a, path, &o, &err);
    if (st != VB_OK) {
        if (!err.file[0])
            vb_error_at(&err, path, 0, 0);
        cli_report("error", &err);
        *code = cli_exit_code(st);
    }
    return a;
}

static int fail(const vb_error *err, vb_status st)
{
    cli_report("error", err);
    return cli_exit_code(st);
}

/* A JSON string (or null) for JSON Lines output. */
static void put_json_string(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        case '\f': fputs("\\f", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

static void put_field(FILE *f, const char *key, const char *value, int first)
{
    fprintf(f, "%s\"%s\":", first ? "{" : ",", key);
    put_json_string(f, value);
}

/* The words after the options, joined by spaces: `vanban search --db F dang uy`. */
static char *join_args(int argc, char **argv, int from)
{
    vb_buf b = {0};
    for (int i = from; i < argc; i++) {
        if (i > from)
            vb_buf_putc(&b, ' ');
        vb_buf_puts(&b, argv[i]);
    }
    return b.data ? vb_buf_steal(&b, NULL) : NULL;
}

/* search and cites: options, the words after them as the argument, one
 * call to the archive that prints through its callback. */
struct query_command {
    const char *name;
    const int *allowed;
    size_t n_allowed;
    const char *help;
    const char *missing; /* the argument is missing */
    const char *none;    /* printf format for "nothing found" (on a terminal) */
    vb_status (*run)(vb_archive *a, const char *arg, const struct common_opts *o, int *n,
                     vb_error *err);
};

static int query_command(const struct query_command *c, int argc, char **argv)
{
    struct common_opts o;
    int first, code = command_start(argc, argv, c->name, c->allowed, c->n_allowed, c->help, -1, &o,
                                    &first);
    if (code >= 0)
        return code;
    char *arg = join_args(argc, argv, first);
    if (!arg) {
        cli_errorf("%s: %s", c->name, c->missing);
        return VB_EXIT_USAGE;
    }
    int n = 0;
    code = VB_EXIT_OK;
    vb_archive *a = open_archive(o.db, &code);
    if (a) {
        vb_error err;
        vb_error_clear(&err);
        vb_status st = c->run(a, arg, &o, &n, &err);
        if (st == VB_ERR_USAGE) {
            cli_errorf("%s: %s", c->name, err.message);
            code = VB_EXIT_USAGE;
        } else if (st != VB_OK) {
            code = fail(&err, st);
        } else if (n == 0 && !o.json && isatty(STDERR_FILENO)) {
            fputs("vanban: ", stderr);
            fprintf(stderr, c->none, arg);
            fputc('\n', stderr);
        }
        vb_archive_close(&a);
    }
    free(arg);
    if (fflush(stdout) != 0 && code == VB_EXIT_OK) {
        cli_errorf("%s: cannot write the results", c->name);
        code = VB_EXIT_INPUT;
    }
    return code;
}

/* ---- search ---- */

static int print_hit(void *user, const vb_search_hit *h)
{
    const int *json = user;
    if (*json) {
        fprintf(stdout, "{\"rank\":%d,\"exact\":%s,\"score\":%.6g", h->rank,
                h->exact ? "true" : "false", h->score);
        put_field(stdout, "id", h->id, 0);
        put_field(stdout, "path", h->path, 0);
        put_field(stdout, "symbol", h->symbol, 0);
        put_field(stdout, "issuer", h->issuer, 0);
        put_field(stdout, "date", h->date, 0);
        put_field(stdout, "title", h->title, 0);
        put_field(stdout, "snippet", h->snippet, 0);
        fputs("}\n", stdout);
    } else {
        printf("%d. %s  %s  %s\n   %s  (%.12s)\n   %s\n", h->rank, h->symbol ? h->symbol : "-",
               h->date ? h->date : "-", h->issuer ? h->issuer : "-", h->path ? h->path : "-", h->id,
               h->snippet);
    }
    return ferror(stdout) != 0;
}

static vb_status run_search(vb_archive *a, const char *query, const struct common_opts *o, int *n,
                            vb_error *err)
{
    int tty = isatty(STDOUT_FILENO) && !o->json;
    vb_search_opts so = {
        .limit = o->limit,
        .mark_open = tty ? "\033[1m" : "[",
        .mark_close = tty ? "\033[0m" : "]",
    };
    return vb_archive_search(a, query, &so, print_hit, (void *)&o->json, n, err);
}

int cmd_search(int argc, char **argv)
{
    static const int allowed[] = {OPT_DB, OPT_JSON, OPT_LIMIT};
    static const struct query_command c = {
        "search",
        allowed,
        3,
        "usage: vanban search --db ARCHIVE QUERY... [--limit N] [--json]\n"
        "  The documents containing QUERY as a phrase, best first; diacritics are\n"
        "  optional (\"dang uy\" finds \"Đảng ủy\"), and documents with the phrase as\n"
        "  typed come first. --limit N (default 20); --json: JSON Lines.\n",
        "what to search for? (vanban search --db FILE QUERY)",
        "no document contains \"%s\"",
        run_search};
    return query_command(&c, argc, argv);
}

/* ---- cites ---- */

static int print_cite(void *user, const vb_cite_hit *h)
{
    const int *json = user;
    if (*json) {
        put_field(stdout, "symbol", h->symbol, 1);
        put_field(stdout, "issuer", h->issuer, 0);
        put_field(stdout, "date", h->date, 0);
        put_field(stdout, "path", h->path, 0);
        put_field(stdout, "id", h->id, 0);
        put_field(stdout, "title", h->title, 0);
        put_field(stdout, "cites", h->cited_symbol, 0);
        put_field(stdout, "role", h->role, 0);
        fputs("}\n", stdout);
    } else {
        printf("%s\t%s\t%s\t%s\n", h->symbol ? h->symbol : "-", h->issuer ? h->issuer : "-",
               h->date ? h->date : "-", h->path ? h->path : "-");
    }
    return ferror(stdout) != 0;
}

static vb_status run_cites(vb_archive *a, const char *symbol, const struct common_opts *o, int *n,
                           vb_error *err)
{
    return vb_archive_cites(a, symbol, print_cite, (void *)&o->json, n, err);
}

int cmd_cites(int argc, char **argv)
{
    static const int allowed[] = {OPT_DB, OPT_JSON};
    static const struct query_command c = {
        "cites",
        allowed,
        2,
        "usage: vanban cites --db ARCHIVE SYMBOL [--json]\n"
        "  The documents that cite SYMBOL, one per line: symbol, issuer, date, path\n"
        "  (tab-separated; --json: JSON Lines with the cited symbol and the role,\n"
        "  can_cu or dan_chieu). SYMBOL may be loose: \"124/2021/TT-BCA\",\n"
        "  \"thong tu 124/2021\", \"TT 124\", \"Chỉ thị số 01-CT/TU\".\n",
        "which document? (vanban cites --db FILE SYMBOL)",
        "no document cites \"%s\"",
        run_cites};
    return query_command(&c, argc, argv);
}

/* ---- show ---- */

int cmd_show(int argc, char **argv)
{
    static const int allowed[] = {OPT_DB};
    struct common_opts o;
    int first, code = command_start(argc, argv, "show", allowed, 1,
                                    "usage: vanban show --db ARCHIVE ID|SYMBOL\n"
                                    "  The stored record (one line of JSON) of the document\n"
                                    "  with that SHA-256, or a prefix of 6 hex digits or more,\n"
                                    "  or with that symbol (the newest if several have it).\n",
                                    1, &o, &first);
    if (code >= 0)
        return code;
    if (first != argc - 1) {
        cli_errorf("show: which document? (vanban show --db FILE ID|SYMBOL)");
        return VB_EXIT_USAGE;
    }
    code = VB_EXIT_OK;
    vb_archive *a = open_archive(o.db, &code);
    if (!a)
        return code;
    char *json = NULL;
    vb_error err;
    vb_error_clear(&err);
    vb_status st = vb_archive_get(a, argv[first], &json, &err);
    if (st != VB_OK)
        code = fail(&err, st);
    else
        printf("%s\n", json);
    free(json);
    vb_archive_close(&a);
    return code;
}

/* ---- stats ---- */

static void print_rows(const char *title, const vb_stat_row *r, size_t n)
{
    printf("\n%s\n", title);
    if (!n)
        printf("  (none)\n");
    for (size_t i = 0; i < n; i++)
        printf("  %6ld  %s%s%s\n", r[i].count, r[i].key ? r[i].key : "-", r[i].label ? "  " : "",
               r[i].label ? r[i].label : "");
}

int cmd_stats(int argc, char **argv)
{
    static const int allowed[] = {OPT_DB, OPT_TOP};
    struct common_opts o;
    int first, code = command_start(argc, argv, "stats", allowed, 2,
                                    "usage: vanban stats --db ARCHIVE [--top N]\n"
                                    "  Counts, the most-cited documents, tasks per lead agency\n"
                                    "  (N of each, default 10) and task deadlines per month.\n",
                                    0, &o, &first);
    if (code >= 0)
        return code;
    code = VB_EXIT_OK;
    vb_archive *a = open_archive(o.db, &code);
    if (!a)
        return code;
    vb_archive_stats s;
    vb_error err;
    vb_error_clear(&err);
    vb_status st = vb_archive_stats_get(a, o.limit, &s, &err);
    if (st != VB_OK) {
        code = fail(&err, st);
    } else {
        printf("documents   %ld (and %ld earlier versions)\n"
               "failed      %ld\n"
               "pages       %ld\n"
               "references  %ld\n"
               "tasks       %ld\n"
               "targets     %ld\n"
               "agencies    %ld\n",
               s.documents, s.versions_superseded, s.failed, s.pages, s.references, s.tasks,
               s.targets, s.agencies);
        print_rows("most cited (citing documents, symbol, issuer)", s.most_cited, s.n_most_cited);
        print_rows("tasks per lead agency", s.tasks_per_agency, s.n_tasks_per_agency);
        print_rows("task deadlines per month", s.deadlines_per_month, s.n_deadlines_per_month);
        vb_archive_stats_free(&s);
    }
    vb_archive_close(&a);
    return code;
}

/* ---- export ---- */

/* Write through FILE.tmp and rename, so a failed export never leaves a
 * half-written file under the real name. */
static int export_to(vb_archive *a, vb_export_format f, const char *path, long *rows)
{
    vb_error err;
    vb_error_clear(&err);
    if (!path) {
        vb_status st = vb_archive_export(a, f, stdout, rows, &err);
        return st == VB_OK ? VB_EXIT_OK : fail(&err, st);
    }
    size_t n = strlen(path) + 5;
    char *tmp = malloc(n);
    if (!tmp)
        return VB_EXIT_INTERNAL;
    snprintf(tmp, n, "%s.tmp", path);
    FILE *out = fopen(tmp, "w");
    if (!out) {
        vb_error_set(&err, VB_ERR_INPUT, "cannot create the file");
        vb_error_at(&err, tmp, 0, 0);
        free(tmp);
        return fail(&err, VB_ERR_INPUT);
    }
    vb_status st = vb_archive_export(a, f, out, rows, &err);
    if (fclose(out) != 0 && st == VB_OK)
        st = vb_error_set(&err, VB_ERR_INPUT, "cannot write the export");
    if (st == VB_OK && rename(tmp, path) != 0)
        st = vb_error_set(&err, VB_ERR_INPUT, "cannot rename %s to it", tmp);
    if (st != VB_OK) {
        remove(tmp);
        vb_error_at(&err, path, 0, 0);
    }
    free(tmp);
    return st == VB_OK ? VB_EXIT_OK : fail(&err, st);
}

/* "x.ndjson" → "x.template.json"; anything else gets ".template.json" added. */
static char *template_path(const char *out)
{
    size_t n = strlen(out);
    const char *ext = ".ndjson";
    size_t e = strlen(ext);
    vb_buf b = {0};
    if (n > e && !strcmp(out + n - e, ext))
        vb_buf_append(&b, out, n - e);
    else
        vb_buf_puts(&b, out);
    vb_buf_puts(&b, ".template.json");
    return vb_buf_steal(&b, NULL);
}

int cmd_export(int argc, char **argv)
{
    static const int allowed[] = {OPT_DB, OPT_FORMAT, OPT_OUT};
    struct common_opts o;
    int first, code = command_start(
                   argc, argv, "export", allowed, 3,
                   "usage: vanban export --db ARCHIVE --format FORMAT [--out FILE]\n"
                   "  jsonl                 every current record, one per line\n"
                   "  csv                   one row per task, with lead, partners, deadline\n"
                   "  opensearch            _bulk NDJSON (_id = SHA-256); with --out X.ndjson\n"
                   "                        the index template goes to X.template.json\n"
                   "  opensearch-template   the index template alone (ICU analysis plugin)\n"
                   "  Without --out the export goes to standard output.\n",
                   0, &o, &first);
    if (code >= 0)
        return code;
    static const struct {
        const char *name;
        vb_export_format f;
    } formats[] = {
        {"jsonl", VB_EXPORT_JSONL},
        {"csv", VB_EXPORT_CSV_TASKS},
        {"opensearch", VB_EXPORT_OPENSEARCH},
        {"opensearch-template", VB_EXPORT_OPENSEARCH_TEMPLATE},
    };
    int fi = -1;
    for (size_t i = 0; o.format && i < sizeof formats / sizeof *formats; i++)
        if (!strcmp(o.format, formats[i].name))
            fi = (int)i;
    if (fi < 0) {
        cli_errorf("export: --format jsonl, csv, opensearch or opensearch-template%s%s%s",
                   o.format ? " (not '" : "", o.format ? o.format : "", o.format ? "')" : "");
        return VB_EXIT_USAGE;
    }
    code = VB_EXIT_OK;
    vb_archive *a = open_archive(o.db, &code);
    if (!a)
        return code;
    long rows = 0, trows = 0;
    code = export_to(a, formats[fi].f, o.out, &rows);
    if (code == VB_EXIT_OK && o.out && formats[fi].f == VB_EXPORT_OPENSEARCH) {
        char *tp = template_path(o.out);
        code = tp ? export_to(a, VB_EXPORT_OPENSEARCH_TEMPLATE, tp, &trows) : VB_EXIT_INTERNAL;
        if (code == VB_EXIT_OK)
            fprintf(stderr,
                    "vanban: %ld documents in %s, index template in %s; load them with\n"
                    "  curl -XPUT 'http://localhost:9200/_index_template/" VB_ARCHIVE_INDEX
                    "' -H 'Content-Type: application/json' --data-binary @%s\n"
                    "  curl -XPOST 'http://localhost:9200/_bulk' -H 'Content-Type: "
                    "application/x-ndjson' --data-binary @%s\n",
                    rows, o.out, tp, tp, o.out);
        free(tp);
    } else if (code == VB_EXIT_OK && o.out) {
        fprintf(stderr, "vanban: %ld %s written to %s\n", rows,
                formats[fi].f == VB_EXPORT_CSV_TASKS ? "tasks" : "records", o.out);
    }
    vb_archive_close(&a);
    return code;
}
