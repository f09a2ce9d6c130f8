/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * vb-normalize-tool: the normalize stage on its own, linked with nothing else,
 * for the model-building and benchmark scripts (a model or confusion table
 * other than the installed one: -m, -c). Clerks use `vanban normalize`, which
 * also explains its changes (--explain).
 *
 *   vb-normalize-tool [-r on|off] [-t old|new|keep] [-m MODEL] [-c CONFUSIONS]
 *                     [-n NAMES] [-e auto|ENCODING] [FILE|-]
 *
 * -n NAMES: the proper-name lexicon ("" = none: names read as ordinary text).
 */
#include "vb_normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    vb_normalize_opts o = {0};
    int opt;
    while ((opt = getopt(argc, argv, "r:t:m:c:n:e:")) != -1) {
        switch (opt) {
        case 'r': o.restore = strcmp(optarg, "off") == 0 ? -1 : 1; break;
        case 't':
            o.tone_style = strcmp(optarg, "old") == 0   ? VB_TONE_OLD
                           : strcmp(optarg, "new") == 0 ? VB_TONE_NEW
                                                        : VB_TONE_KEEP;
            break;
        case 'm': o.model_path = optarg; break;
        case 'c': o.confusions_path = optarg; break;
        case 'n': o.names_path = optarg; break;
        case 'e': o.legacy_encoding = optarg; break;
        default:
            fprintf(stderr, "usage: vb-normalize-tool [-r on|off] [-t old|new|keep] "
                            "[-m MODEL] [-c CONFUSIONS] [-n NAMES] [-e auto|ENCODING] [FILE|-]\n");
            return 1;
        }
    }
    const char *path = optind < argc ? argv[optind] : "-";
    vb_error err;
    vb_error_clear(&err);
    vb_normalize *nz = NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    if (vb_normalize_create(&nz, &o, &err) != VB_OK ||
        vb_read_file(path, 0, &data, &len, &err) != VB_OK) {
        fprintf(stderr, "vb-normalize-tool: %s%s%s\n", err.file, err.file[0] ? ": " : "",
                err.message);
        return 2;
    }
    vb_text t;
    if (vb_normalize_run(nz, (const char *)data, len, &t, &err) != VB_OK) {
        fprintf(stderr, "vb-normalize-tool: %s: %s\n", path, err.message);
        return 2;
    }
    fwrite(t.text, 1, t.len, stdout);
    putchar('\n');
    vb_text_free(&t);
    free(data);
    vb_normalize_destroy(&nz);
    return 0;
}
