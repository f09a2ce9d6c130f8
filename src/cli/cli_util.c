/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

volatile sig_atomic_t cli_stop;

int cli_exit_code(vb_status st)
{
    switch (st) {
    case VB_OK: return VB_EXIT_OK;
    case VB_ERR_USAGE: return VB_EXIT_USAGE;
    case VB_ERR_INPUT:
    case VB_ERR_LIMIT: return VB_EXIT_INPUT;
    case VB_ERR_RULES: return VB_EXIT_CONFIG;
    case VB_ERR_INTERRUPTED: return VB_EXIT_INTERRUPTED;
    case VB_ERR_INTERNAL:
    case VB_ERR_NOMEM: break;
    }
    return VB_EXIT_INTERNAL;
}

void cli_report(const char *severity, const vb_error *e)
{
    fputs("vanban: ", stderr);
    if (e->file[0]) {
        fputs(e->file, stderr);
        if (e->line > 0) {
            fprintf(stderr, ":%d", e->line);
            if (e->column > 0)
                fprintf(stderr, ":%d", e->column);
        }
        if (e->page > 0)
            fprintf(stderr, ": page %d", e->page);
        fputs(": ", stderr);
    }
    fprintf(stderr, "%s: %s\n", severity, e->message);
}

void cli_errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vanban: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_report_diag(void *user, const vb_error *diag)
{
    (void)user;
    cli_report("error", diag);
}

void cli_worsen(int *worst, int code)
{
    if (code > *worst)
        *worst = code;
}

static void on_signal(int sig)
{
    /* A second Ctrl-C means "now": restore the default and let it kill us. */
    if (cli_stop)
        signal(sig, SIG_DFL);
    cli_stop = 1;
}

void cli_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cli_parse_jobs(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || n < 1 || n > 256)
        return -1;
    return (int)n;
}
