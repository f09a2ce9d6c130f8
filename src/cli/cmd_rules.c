/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* `vanban rules check [DIR]`: compile every rule, run every example. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "vb_extract.h"

int cmd_rules(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "check") != 0 || argc > 3) {
        fprintf(stderr,
                "usage: vanban rules check [DIR]\n"
                "  Compiles every rule file in DIR (default: %s) and runs its examples.\n",
                vb_rules_default_dir());
        return VB_EXIT_USAGE;
    }
    const char *dir = argc == 3 ? argv[2] : vb_rules_default_dir();
    int ok = 0, bad = 0;
    vb_error err;
    vb_error_clear(&err);
    vb_status st = vb_rules_check(dir, cli_report_diag, NULL, &ok, &bad, &err);
    if (st != VB_OK && bad == 0) {
        cli_report("error", &err);
        return cli_exit_code(st);
    }
    printf("%s: %d rule(s) passed, %d failed\n", dir, ok, bad);
    return st == VB_OK ? VB_EXIT_OK : VB_EXIT_CONFIG;
}
