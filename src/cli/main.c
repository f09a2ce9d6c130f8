/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* vanban: scanned Vietnamese administrative documents to searchable records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <leptonica/allheaders.h>

#include "cli.h"
#include "cmd_archive.h"
#include "commands.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    int ocr; /* runs Tesseract: needs OMP_THREAD_LIMIT in the environment */
    const char *summary;
} command;

static const command commands[] = {
    {"ocr", cmd_ocr, 1, "OCR scans to UTF-8 text (pages separated by form feeds)"},
    {"extract", cmd_extract, 1, "one JSON record per input document (JSON Lines)"},
    {"normalize", cmd_normalize, 0, "repair OCR'd text: encodings, NFC, diacritics (--explain)"},
    {"process", cmd_process, 1, "a batch of files and folders into the archive (resumable)"},
    {"search", cmd_search, 0, "full-text search of the archive, diacritics optional"},
    {"cites", cmd_cites, 0, "the documents that cite a given symbol"},
    {"show", cmd_show, 0, "one record of the archive, by id or symbol"},
    {"stats", cmd_stats, 0, "most-cited documents, tasks per agency, deadlines per month"},
    {"export", cmd_export, 0, "the archive as JSON Lines, CSV of tasks, or OpenSearch bulk"},
    {"check", cmd_check, 0, "integrity checks of the archive (SQLite and full-text indexes)"},
    {"rules", cmd_rules, 0, "rules check [DIR]: compile every rule and run its examples"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: vanban COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nvanban COMMAND --help describes a command's options.\n"
               "exit codes: 0 success, 1 usage, 2 an input could not be read or processed "
               "(the others were), 3 rule or configuration error, 4 internal error, "
               "130 interrupted\n");
}

/* Tesseract's OpenMP threads fight each other unless OMP_THREAD_LIMIT=1 is in
 * the environment when the process starts: setting it later has no effect.
 * So set it and start again. */
static void ensure_omp_limit(char **argv)
{
    if (getenv("OMP_THREAD_LIMIT"))
        return;
    setenv("OMP_THREAD_LIMIT", "1", 1);
    execv("/proc/self/exe", argv);
    /* exec failed: carry on, slower but correct. */
}

static void quiet_leptonica(const char *msg)
{
    (void)msg;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return VB_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return VB_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("vanban %s\n", VB_VERSION);
        return VB_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        if (commands[i].ocr)
            ensure_omp_limit(argv);
        /* Leptonica reports damaged images on stderr itself; we report them
         * once, naming the file. */
        leptSetStderrHandler(quiet_leptonica);
        return commands[i].run(argc - 1, argv + 1);
    }
    cli_errorf("unknown command '%s' (vanban --help lists them)", argv[1]);
    return VB_EXIT_USAGE;
}
