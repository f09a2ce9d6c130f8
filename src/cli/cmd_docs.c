/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* `vanban ocr` and `vanban extract`: documents in, text or JSON Lines out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "pipeline.h"
#include "vb_emit.h"
#include "vb_extract.h"
#include "vb_normalize.h"
#include "vb_ocr.h"

typedef struct doc_cmd {
    int extract;        /* 0: print text (ocr); 1: print records (extract) */
    int raw;            /* ocr --raw: Tesseract's text untouched */
    vb_normalize *nz;
    vb_extract *ex;
    int worst;          /* exit code so far */
    int printed;        /* documents printed (ocr: separator) */
} doc_cmd;

static void worsen(doc_cmd *c, int code)
{
    if (c->worst == VB_EXIT_OK || (code != VB_EXIT_OK && code > c->worst))
        c->worst = code;
}

static vb_emit_source emit_source(const pipeline_doc *doc)
{
    vb_emit_source s = {
        .path = doc->path,
        .sha256 = doc->sha256[0] ? doc->sha256 : NULL,
        .media_type = vb_media_type(doc->media),
        .pages = doc->n_pages,
        .text_origin = pipeline_doc_origin(doc),
    };
    return s;
}

static void print_failure(doc_cmd *c, const pipeline_doc *doc, const vb_error *e)
{
    cli_report("error", e);
    worsen(c, cli_exit_code(e->code));
    if (!c->extract)
        return;
    vb_emit_source src = emit_source(doc);
    char *json = NULL;
    vb_error ee;
    vb_error_clear(&ee);
    if (vb_emit_failure(&src, e, &json, &ee) == VB_OK) {
        puts(json);
        free(json);
    }
}

static void print_text(doc_cmd *c, const pipeline_doc *doc, const char *text, size_t len)
{
    if (c->printed++ > 0)
        putchar('\f');
    fwrite(text, 1, len, stdout);
    if (len > 0 && text[len - 1] != '\n')
        putchar('\n');
    (void)doc;
}

static int on_document(void *user, pipeline_doc *doc)
{
    doc_cmd *c = user;
    if (doc->interrupted)
        return 0;
    if (doc->open_err.code != VB_OK) {
        print_failure(c, doc, &doc->open_err);
        return 0;
    }
    if (doc->failed_pages) {
        cli_report("error", &doc->page_err);
        if (doc->failed_pages > 1)
            cli_errorf("%s: %d more page(s) failed; see the record's warnings", doc->path,
                       doc->failed_pages - 1);
        worsen(c, cli_exit_code(doc->page_err.code));
    }

    size_t len;
    char *raw = pipeline_doc_text(doc, &len);
    if (!c->extract && c->raw) {
        print_text(c, doc, raw, len);
        free(raw);
        return 0;
    }
    vb_text text = {0};
    vb_error e;
    vb_error_clear(&e);
    vb_status st = vb_normalize_run(c->nz, raw, len, &text, &e);
    free(raw);
    if (st != VB_OK) {
        vb_error_at(&e, doc->path, 0, 0);
        print_failure(c, doc, &e);
        return 0;
    }
    if (!c->extract) {
        print_text(c, doc, text.text, text.len);
        vb_text_free(&text);
        return 0;
    }
    vb_record rec;
    memset(&rec, 0, sizeof rec);
    st = vb_extract_run(c->ex, &text, &rec, &e);
    if (st != VB_OK) {
        vb_error_at(&e, doc->path, 0, 0);
        print_failure(c, doc, &e);
    } else {
        vb_emit_input in = {
            .source = emit_source(doc),
            .record = &rec,
            .text = &text,
            .ocr_confidence = pipeline_doc_confidence(doc),
            .extra_warnings = (const char *const *)doc->warnings,
            .n_extra_warnings = doc->n_warnings,
        };
        char *json = NULL;
        if (vb_emit_record(&in, &json, &e) == VB_OK) {
            puts(json);
            free(json);
        } else {
            vb_error_at(&e, doc->path, 0, 0);
            cli_report("error", &e);
            worsen(c, cli_exit_code(e.code));
        }
    }
    fflush(stdout);
    vb_record_free(&rec);
    vb_text_free(&text);
    return 0;
}

static void usage_docs(FILE *f, const char *cmd)
{
    fprintf(f,
            "usage: vanban %s [--jobs N] [--lang L] [--no-clean]%s FILE...\n"
            "  FILE is a PDF, TIFF, PNG, JPEG or UTF-8 text file; - reads standard input.\n"
            "  --jobs N     OCR threads (default: the number of cores)\n"
            "  --lang L     Tesseract language (default: vie)\n"
            "  --no-clean   give Tesseract the page image without clean-up\n"
            "  --stats      print timing (JSON) on standard error at the end\n",
            cmd, strcmp(cmd, "ocr") == 0 ? " [--raw]" : " [--rules DIR]");
    if (strcmp(cmd, "ocr") == 0)
        fprintf(f, "  --raw        print Tesseract's text without normalisation\n"
                   "Prints UTF-8 text; pages (and documents) are separated by a form feed.\n");
    else
        fprintf(f, "  --rules DIR  rule directory (default: %s)\n"
                   "Prints one JSON record (vanban.record/1) per input, one per line.\n",
                vb_rules_default_dir());
}

static void print_rule_diag(void *user, const vb_error *d)
{
    (void)user;
    cli_report("error", d);
}

static int run_docs(int argc, char **argv, int extract)
{
    const char *cmd = extract ? "extract" : "ocr";
    static const struct option longopts[] = {
        {"jobs", required_argument, NULL, 'j'}, {"lang", required_argument, NULL, 'l'},
        {"no-clean", no_argument, NULL, 'C'},   {"raw", no_argument, NULL, 'r'},
        {"rules", required_argument, NULL, 'R'}, {"help", no_argument, NULL, 'h'},
        {"stats", no_argument, NULL, 'S'},
        {NULL, 0, NULL, 0}};
    pipeline_opts po = {0};
    doc_cmd c = {.extract = extract};
    const char *rules_dir = NULL;
    int print_stats = 0;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "j:l:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j':
            if ((po.jobs = cli_parse_jobs(optarg)) < 0) {
                cli_errorf("--jobs wants a number from 1 to 256, not '%s'", optarg);
                return VB_EXIT_USAGE;
            }
            break;
        case 'l': po.lang = optarg; break;
        case 'C': po.no_clean = 1; break;
        case 'r': c.raw = 1; break;
        case 'R': rules_dir = optarg; break;
        case 'S': print_stats = 1; break;
        case 'h': usage_docs(stdout, cmd); return VB_EXIT_OK;
        default: usage_docs(stderr, cmd); return VB_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage_docs(stderr, cmd);
        return VB_EXIT_USAGE;
    }
    vb_error err;
    vb_error_clear(&err);
    if (vb_normalize_create(&c.nz, NULL, &err) != VB_OK) {
        cli_report("error", &err);
        return cli_exit_code(err.code);
    }
    if (extract) {
        vb_extract_opts eo = {.rules_dir = rules_dir, .diag = print_rule_diag};
        if (vb_extract_create(&c.ex, &eo, &err) != VB_OK) {
            cli_report("error", &err);
            vb_normalize_destroy(&c.nz);
            return cli_exit_code(err.code);
        }
    }
    cli_install_signals();
    po.on_document = on_document;
    po.user = &c;
    po.stop = &cli_stop;
    pipeline_stats stats;
    double t0 = vb_now();
    vb_status st = pipeline_run(&po, argv + optind, (size_t)(argc - optind), &stats, &err);
    if (print_stats)
        fprintf(stderr,
                "{\"documents\":%d,\"pages\":%d,\"seconds\":%.3f,\"recognize_seconds\":%.3f,"
                "\"clean_seconds\":%.3f,\"jobs\":%d}\n",
                stats.docs, stats.pages, vb_now() - t0, stats.recognize_seconds,
                stats.clean_seconds, po.jobs ? po.jobs : vb_ocr_default_jobs());
    if (st != VB_OK) {
        cli_report("error", &err);
        worsen(&c, cli_exit_code(st));
    }
    vb_extract_destroy(&c.ex);
    vb_normalize_destroy(&c.nz);
    if (stats.interrupted) {
        cli_errorf("interrupted: %d document(s) done", stats.docs);
        return VB_EXIT_INTERRUPTED;
    }
    return c.worst;
}

int cmd_ocr(int argc, char **argv) { return run_docs(argc, argv, 0); }

int cmd_extract(int argc, char **argv) { return run_docs(argc, argv, 1); }
