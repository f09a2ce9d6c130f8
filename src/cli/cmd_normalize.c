/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* `vanban normalize`: repair already-OCR'd text (encodings, NFC, diacritics). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "commands.h"
#include "vb_normalize.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: vanban normalize [--explain] [--tone-style old|new|keep] [--no-restore]\n"
               "                        [--encoding auto|tcvn3|vni|NAME] [FILE|-]\n"
               "  Writes the text restored: legacy encodings and mojibake converted, NFC,\n"
               "  whitespace and dashes cleaned, diacritics restored and OCR errors repaired.\n"
               "  --explain      one JSON line per change instead of the text\n"
               "                 (offset, before, after, score, why)\n"
               "  --tone-style   old: hòa, thủy; new: hoà, thuỷ; keep (default): as found\n"
               "  --no-restore   clean-up and NFC only\n"
               "  --encoding     how to read input that is not UTF-8 (default: refuse it)\n");
}

static int print_changes(const vb_change *ch, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:I,s:s,s:s,s:f,s:s}", "offset", (json_int_t)ch[i].offset, "before",
                              ch[i].before, "after", ch[i].after, "score", ch[i].score, "why",
                              ch[i].why ? ch[i].why : "");
        /* A token cut at 63 bytes may end inside a character: jansson refuses
         * it rather than write bad UTF-8, and so do we. */
        char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        if (line)
            puts(line);
        free(line);
        json_decref(o);
    }
    return VB_EXIT_OK;
}

int cmd_normalize(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"explain", no_argument, NULL, 'x'},    {"tone-style", required_argument, NULL, 't'},
        {"no-restore", no_argument, NULL, 'n'}, {"encoding", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0}};
    vb_normalize_opts o = {0};
    int explain = 0, opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "xh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'x': explain = 1; break;
        case 'n': o.restore = -1; break;
        case 'e': o.legacy_encoding = optarg; break;
        case 't':
            if (!strcmp(optarg, "old"))
                o.tone_style = VB_TONE_OLD;
            else if (!strcmp(optarg, "new"))
                o.tone_style = VB_TONE_NEW;
            else if (!strcmp(optarg, "keep"))
                o.tone_style = VB_TONE_KEEP;
            else {
                cli_errorf("--tone-style wants old, new or keep, not '%s'", optarg);
                return VB_EXIT_USAGE;
            }
            break;
        case 'h': usage(stdout); return VB_EXIT_OK;
        default: usage(stderr); return VB_EXIT_USAGE;
        }
    }
    if (argc - optind > 1) {
        usage(stderr);
        return VB_EXIT_USAGE;
    }
    const char *path = optind < argc ? argv[optind] : "-";
    vb_error err;
    vb_error_clear(&err);
    unsigned char *data = NULL;
    size_t len = 0;
    if (vb_read_file(path, 0, &data, &len, &err) != VB_OK) {
        cli_report("error", &err);
        return cli_exit_code(err.code);
    }
    vb_normalize *nz = NULL;
    if (vb_normalize_create(&nz, &o, &err) != VB_OK) {
        cli_report("error", &err);
        free(data);
        return cli_exit_code(err.code);
    }
    vb_text text = {0};
    vb_change *changes = NULL;
    size_t n_changes = 0;
    vb_status st = explain ? vb_normalize_explain(nz, (const char *)data, len, &text, &changes,
                                                  &n_changes, &err)
                           : vb_normalize_run(nz, (const char *)data, len, &text, &err);
    int code = VB_EXIT_OK;
    if (st != VB_OK) {
        vb_error_at(&err, strcmp(path, "-") ? path : "<stdin>", 0, 0);
        cli_report("error", &err);
        code = cli_exit_code(st);
    } else if (explain) {
        code = print_changes(changes, n_changes);
    } else {
        fwrite(text.text, 1, text.len, stdout);
    }
    vb_changes_free(changes, n_changes);
    vb_text_free(&text);
    vb_normalize_destroy(&nz);
    free(data);
    return code;
}
