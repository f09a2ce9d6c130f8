/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * vb-normalize-tool: the normalize stage on its own, for scripts and for
 * development until `vanban normalize` exists.
 *
 *   vb-normalize-tool [-x] [-r on|off] [-t old|new|keep] [-m MODEL] [-c CONFUSIONS]
 *                     [-e auto|ENCODING] [FILE|-]
 *
 * Writes the normalised text to stdout; with -x, one JSON line per change
 * instead ({"offset":..,"before":..,"after":..,"score":..,"why":..}).
 */
#include "vb_normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

int main(int argc, char **argv)
{
    vb_normalize_opts o = {0};
    int explain = 0, opt;
    while ((opt = getopt(argc, argv, "xr:t:m:c:e:")) != -1) {
        switch (opt) {
        case 'x': explain = 1; break;
        case 'r': o.restore = strcmp(optarg, "off") == 0 ? -1 : 1; break;
        case 't':
            o.tone_style = strcmp(optarg, "old") == 0   ? VB_TONE_OLD
                           : strcmp(optarg, "new") == 0 ? VB_TONE_NEW
                                                        : VB_TONE_KEEP;
            break;
        case 'm': o.model_path = optarg; break;
        case 'c': o.confusions_path = optarg; break;
        case 'e': o.legacy_encoding = optarg; break;
        default:
            fprintf(stderr, "usage: vb-normalize-tool [-x] [-r on|off] [-t old|new|keep] "
                            "[-m MODEL] [-c CONFUSIONS] [-e auto|ENCODING] [FILE|-]\n");
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
    vb_change *ch = NULL;
    size_t nch = 0;
    if (vb_normalize_explain(nz, (const char *)data, len, &t, explain ? &ch : NULL, &nch,
                             &err) != VB_OK) {
        fprintf(stderr, "vb-normalize-tool: %s: %s\n", path, err.message);
        return 2;
    }
    if (explain) {
        for (size_t i = 0; i < nch; i++) {
            printf("{\"offset\":%zu,\"before\":", ch[i].offset);
            json_str(ch[i].before);
            printf(",\"after\":");
            json_str(ch[i].after);
            printf(",\"score\":%.2f,\"why\":\"%s\"}\n", ch[i].score, ch[i].why);
        }
    } else {
        fwrite(t.text, 1, t.len, stdout);
        putchar('\n');
    }
    vb_changes_free(ch, nch);
    vb_text_free(&t);
    free(data);
    vb_normalize_destroy(&nz);
    return 0;
}
