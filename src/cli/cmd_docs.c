/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* `vanban ocr` and `vanban extract`: documents in, text or JSON Lines out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli.h"
#include "commands.h"
#include "pipeline.h"
#include "records.h"
#include "vb_ocr.h"

typedef struct doc_cmd {
    int extract; /* 0: print text (ocr); 1: print records (extract) */
    int raw;     /* ocr --raw: Tesseract's text untouched */
    record_builder rb;
    int worst;   /* exit code so far */
    int printed; /* documents printed (ocr: separator) */
} doc_cmd;

static int on_document(void *user, pipeline_doc *doc)
{
    doc_cmd *c = user;
    if (doc->interrupted)
        return 0;
    if (c->extract) {
        record_result r;
        record_build(&c->rb, doc, &r);
        cli_worsen(&c->worst, r.exit_code);
        if (r.json)
            puts(r.json);
        free(r.json);
    } else {
        size_t len = 0;
        int code;
        char *text = record_text(&c->rb, doc, c->raw, &len, &code);
        cli_worsen(&c->worst, code);
        if (text) {
            if (c->printed++ > 0)
                putchar('\f');
            fwrite(text, 1, len, stdout);
            if (len > 0 && text[len - 1] != '\n')
                putchar('\n');
        }
        free(text);
    }
    fflush(stdout);
    return 0;
}

static void usage_docs(FILE *f, const char *cmd)
{
    fprintf(
        f,
        "usage: vanban %s [--jobs N] [--lang L] [--no-clean] [--full-resolution]%s\n"
        "       FILE...\n"
        "  FILE is a PDF, TIFF, PNG, JPEG or UTF-8 text file; - reads standard input.\n"
        "  --jobs N     OCR threads (default: the number of cores)\n"
        "  --lang L     Tesseract language (default: vie)\n"
        "  --no-clean   give Tesseract the page image without clean-up\n" CLI_FULL_RESOLUTION_HELP
        "  --stats      print timing (JSON) on standard error at the end\n",
        cmd, strcmp(cmd, "ocr") == 0 ? " [--raw]" : " [--rules DIR]");
    if (strcmp(cmd, "ocr") == 0)
        fprintf(f, "  --raw        print Tesseract's text without normalisation\n"
                   "Prints UTF-8 text; pages (and documents) are separated by a form feed.\n");
    else
        fprintf(f,
                "  --rules DIR  rule directory (default: %s)\n"
                "Prints one JSON record (vanban.record/1) per input, one per line.\n",
                vb_rules_default_dir());
}

static int run_docs(int argc, char **argv, int extract)
{
    const char *cmd = extract ? "extract" : "ocr";
    static const struct option longopts[] = {{"jobs", required_argument, NULL, 'j'},
                                             {"lang", required_argument, NULL, 'l'},
                                             {"no-clean", no_argument, NULL, 'C'},
                                             {"raw", no_argument, NULL, 'r'},
                                             {"rules", required_argument, NULL, 'R'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"stats", no_argument, NULL, 'S'},
                                             {"full-resolution", no_argument, NULL, 'F'},
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
        case 'F': po.full_resolution = 1; break;
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
    int code = record_builder_init(&c.rb, extract, rules_dir);
    if (code != VB_EXIT_OK)
        return code;
    vb_error err;
    vb_error_clear(&err);
    cli_install_signals();
    po.on_document = on_document;
    po.user = &c;
    po.stop = &cli_stop;
    pipeline_stats stats;
    double t0 = vb_now();
    vb_status st = pipeline_run(&po, argv + optind, (size_t)(argc - optind), &stats, &err);
    if (print_stats) {
        /* Process CPU (every thread: ingest, clean-up, recognition, layout,
         * records) against the workers' recognition CPU: what the pipeline
         * costs beyond the engine, whatever else the machine is running. */
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
        fprintf(stderr,
                "{\"documents\":%d,\"pages\":%d,\"pages_reduced\":%d,\"seconds\":%.3f,"
                "\"recognize_seconds\":%.3f,"
                "\"clean_seconds\":%.3f,\"layout_seconds\":%.3f,\"recognize_cpu\":%.3f,"
                "\"clean_cpu\":%.3f,\"layout_cpu\":%.3f,\"process_cpu\":%.3f,\"jobs\":%d}\n",
                stats.docs, stats.pages, stats.pages_reduced, vb_now() - t0,
                stats.recognize_seconds, stats.clean_seconds, stats.layout_seconds,
                stats.recognize_cpu, stats.clean_cpu, stats.layout_cpu, cpu,
                po.jobs ? po.jobs : vb_ocr_default_jobs());
    }
    if (st != VB_OK) {
        cli_report("error", &err);
        cli_worsen(&c.worst, cli_exit_code(st));
    }
    record_builder_free(&c.rb);
    if (stats.interrupted) {
        cli_errorf("interrupted: %d document(s) done", stats.docs);
        return VB_EXIT_INTERRUPTED;
    }
    return c.worst;
}

int cmd_ocr(int argc, char **argv)
{
    return run_docs(argc, argv, 0);
}

int cmd_extract(int argc, char **argv)
{
    return run_docs(argc, argv, 1);
}
