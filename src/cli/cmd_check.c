/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* `vanban check --db ARCHIVE`: is the archive sound? (after a crash, a full
 * disk, a copy from elsewhere). */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "vb_archive.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: vanban check --db ARCHIVE\n"
               "  SQLite's integrity and foreign key checks, the FTS5 integrity-check of\n"
               "  both full-text indexes, and that they index exactly the latest documents.\n"
               "  Exit 0 when all pass, 4 with the first problem otherwise, 2 when\n"
               "  ARCHIVE is missing or not an archive.\n");
}

int cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *db_path = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'd': db_path = optarg; break;
        case 'h': usage(stdout); return VB_EXIT_OK;
        default: usage(stderr); return VB_EXIT_USAGE;
        }
    }
    if (!db_path || optind != argc) {
        usage(stderr);
        return VB_EXIT_USAGE;
    }
    vb_error err;
    vb_error_clear(&err);
    /* The FTS5 check writes (it is an INSERT), so the handle is read-write;
     * opening read-write would also create a missing file, which a check
     * must not. */
    if (access(db_path, F_OK) != 0) {
        vb_error_set(&err, VB_ERR_INPUT, "no archive here");
        vb_error_at(&err, db_path, 0, 0);
        cli_report("error", &err);
        return VB_EXIT_INPUT;
    }
    vb_archive *a = NULL;
    vb_status st = vb_archive_open(&a, db_path, NULL, &err);
    if (st == VB_OK)
        st = vb_archive_check(a, &err);
    vb_archive_close(&a);
    if (st != VB_OK) {
        if (!err.file[0])
            vb_error_at(&err, db_path, 0, 0);
        cli_report("error", &err);
        return cli_exit_code(st);
    }
    printf("%s: ok\n", db_path);
    return VB_EXIT_OK;
}
