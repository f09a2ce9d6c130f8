/*
 * cli.h: what the `vanban` subcommands share: exit codes, messages, the
 * interrupt flag. Only src/cli prints and exits.
 */
#ifndef VB_CLI_H
#define VB_CLI_H

#include <signal.h>

#include "vb_common.h"

/* Exit codes (documented in README.md; never renumber). */
enum {
    VB_EXIT_OK = 0,
    VB_EXIT_USAGE = 1,    /* bad arguments */
    VB_EXIT_INPUT = 2,    /* an input could not be read or processed (others were) */
    VB_EXIT_CONFIG = 3,   /* rule or configuration error */
    VB_EXIT_INTERNAL = 4, /* internal error */
    VB_EXIT_INTERRUPTED = 130
};

/* The exit code a status calls for. */
int cli_exit_code(vb_status st);

/* "vanban: FILE[:LINE[:COL]][: page N]: error: MESSAGE" on stderr. */
void cli_report(const char *severity, const vb_error *e);
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A vb_diag_fn that reports each rule problem as an error (user unused). */
void cli_report_diag(void *user, const vb_error *diag);

/* Keep in *worst the most severe exit code seen (codes grow with severity). */
void cli_worsen(int *worst, int code);

/* Set by SIGINT/SIGTERM. */
extern volatile sig_atomic_t cli_stop;
void cli_install_signals(void);

/* Shared option: --jobs N (0 = cores). Parses "N"; -1 on error. */
int cli_parse_jobs(const char *s);

/* The --full-resolution option's help (ocr, extract, process). */
#define CLI_FULL_RESOLUTION_HELP                                                                   \
    "  --full-resolution\n"                                                                        \
    "               read clean pages at their scanned resolution; by default a\n"                  \
    "               page with large enough text is read reduced, which is faster\n"

#endif
