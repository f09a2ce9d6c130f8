/* cer GOT TRUTH: prints the character error rate of GOT against TRUTH (see
 * tests/cer.h). Used by scripts/bench-ocr. */
#include <stdio.h>

#include "cer.h"
#include "vb_common.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: cer GOT TRUTH\n");
        return 1;
    }
    unsigned char *a, *b;
    size_t na, nb;
    vb_error e;
    vb_error_clear(&e);
    if (vb_read_file(argv[1], 0, &a, &na, &e) != VB_OK ||
        vb_read_file(argv[2], 0, &b, &nb, &e) != VB_OK) {
        fprintf(stderr, "cer: %s: %s\n", e.file, e.message);
        return 2;
    }
    printf("%.5f\n", cer_compute((const char *)a, na, (const char *)b, nb));
    free(a);
    free(b);
    return 0;
}
