/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * vb-normalize-bench: measure diacritic restoration on clean documents
 * (driven by scripts/bench-normalize on the held-out corpus files).
 *
 *   vb-normalize-bench [-m MODEL] [-c CONFUSIONS] [-k MARGIN] FILE...
 *
 * For each file, the truth is the file after clean-up and NFC. Three inputs
 * are made from it and restored:
 *   strip: every mark removed, đ → d (case kept);
 *   eng:   a simulated English-model OCR channel (seeded, reproducible):
 *          marks removed, and some letters replaced the way the seeds show
 *          (ô-family → 6, ư → w, ê with a tone → € or ¢, Đ → P, của → ctia,
 *          Số → S6, l → 1);
 *   clean: the truth itself (share of syllables changed: do no harm).
 * A syllable is a word token of syllable shape in the truth; it is right when
 * its lower-case, old-tone-style form equals the truth's (tone placement and
 * case are not counted; case is reported separately).
 */
#include "vb_lm.h"
#include "vb_normalize.h"
#include "vb_syllable.h"

#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

typedef struct tally {
    size_t syl, base_ok, ok, case_ok, changed, files, skipped;
    double secs, cpu;
} tally;

/* CPU time of this process: the speed per core even when the machine is busy. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static double rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* Remove every mark from a word, đ → d, keeping case. */
static size_t strip_word(const char *s, size_t n, char *out, size_t cap)
{
    UChar u[256], d[256];
    int32_t un = 0;
    UErrorCode ec = U_ZERO_ERROR;
    u_strFromUTF8(u, 256, &un, s, (int32_t)n, &ec);
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&ec);
    int32_t dn = unorm2_normalize(nfd, u, un, d, 256, &ec);
    if (U_FAILURE(ec))
        return 0;
    int32_t k = 0;
    for (int32_t i = 0; i < dn; i++) {
        if (u_charType(d[i]) == U_NON_SPACING_MARK)
            continue;
        d[k++] = d[i] == 0x0111 ? 'd' : d[i] == 0x0110 ? 'D' : d[i];
    }
    int32_t on = 0;
    u_strToUTF8(out, (int32_t)cap, &on, d, k, &ec);
    return U_FAILURE(ec) || (size_t)on >= cap ? 0 : (size_t)on;
}

/* The simulated English-model channel on one word. */
static size_t eng_word(const char *s, size_t n, char *out, size_t cap)
{
    char low[VB_SYL_MAX * 2];
    size_t ln = vb_syl_canonical(s, n, low, sizeof low);
    int caps = vb_caps_of(s, n);
    if (ln && strcmp(low, "của") == 0 && rnd() < 0.7) {
        const char *r = rnd() < 0.5 ? "ctia" : "cia";
        snprintf(out, cap, "%s", r);
        return strlen(out);
    }
    if (ln && strcmp(low, "số") == 0 && caps == VB_CAPS_TITLE && rnd() < 0.7) {
        snprintf(out, cap, "S6");
        return 2;
    }
    /* walk the original letters, replacing some, stripping the rest */
    size_t o = 0;
    int32_t i = 0;
    int first = 1;
    while (i < (int32_t)n && o + 8 < cap) {
        int32_t a = i;
        UChar32 c;
        U8_NEXT(s, i, (int32_t)n, c);
        UChar32 lc = u_tolower(c);
        const char *rep = NULL;
        UChar dec[8];
        UErrorCode ec = U_ZERO_ERROR;
        int32_t dn = unorm2_getDecomposition(unorm2_getNFDInstance(&ec), lc, dec, 8, &ec);
        int circ = 0, horn = 0, tone = 0;
        for (int32_t k = 0; k < dn; k++) {
            circ |= dec[k] == 0x0302;
            horn |= dec[k] == 0x031B;
            tone |= dec[k] == 0x0300 || dec[k] == 0x0301 || dec[k] == 0x0303 || dec[k] == 0x0309 ||
                    dec[k] == 0x0323;
        }
        UChar32 b0 = dn > 0 ? dec[0] : lc;
        double p = rnd();
        if (b0 == 'o' && circ && p < 0.35)
            rep = "6";
        else if (b0 == 'u' && horn && p < 0.35)
            rep = "w";
        else if (b0 == 'e' && circ && tone && p < 0.3)
            rep = p < 0.15 ? "€" : "¢";
        else if (c == 0x0110 && first && p < 0.6)
            rep = "P";
        else if (lc == 'l' && p < 0.05)
            rep = "1";
        else if (b0 == 'a' && tone && p < 0.1)
            rep = "d";
        if (rep) {
            size_t rl = strlen(rep);
            memcpy(out + o, rep, rl);
            o += rl;
        } else {
            size_t k = strip_word(s + a, (size_t)(i - a), out + o, cap - o);
            o += k;
        }
        first = 0;
    }
    out[o] = '\0';
    return o;
}

/* Make the degraded input: every word token passes through fn. */
static char *degrade(const char *t, size_t len, const vb_tok *tok, size_t nt,
                     size_t (*fn)(const char *, size_t, char *, size_t))
{
    vb_buf b = {0};
    size_t pos = 0;
    for (size_t i = 0; i < nt; i++) {
        if (tok[i].kind != VB_TOK_WORD)
            continue;
        char w[256];
        size_t wn = fn(t + tok[i].off, tok[i].len, w, sizeof w);
        if (!wn)
            continue;
        vb_buf_append(&b, t + pos, tok[i].off - pos);
        vb_buf_append(&b, w, wn);
        pos = tok[i].off + tok[i].len;
    }
    vb_buf_append(&b, t + pos, len - pos);
    return vb_buf_steal(&b, NULL);
}

static size_t strip_fn(const char *s, size_t n, char *o, size_t c)
{
    return strip_word(s, n, o, c);
}

static int is_syllable(const char *s, size_t n)
{
    vb_syl y;
    return vb_syl_parse(s, n, &y) && vb_syl_shape_ok(y.base);
}

static void score(const char *truth, const vb_tok *tt, size_t nt, const char *in, const char *out,
                  size_t out_len, tally *ty, int count_changes)
{
    vb_tok *ot = NULL, *it = NULL;
    size_t no = 0, ni = 0;
    vb_tokenize(out, out_len, &ot, &no);
    vb_tokenize(in, strlen(in), &it, &ni);
    if (no != nt || ni != nt) {
        ty->skipped++;
        free(ot);
        free(it);
        return;
    }
    ty->files++;
    for (size_t i = 0; i < nt; i++) {
        if (tt[i].kind != VB_TOK_WORD || !is_syllable(truth + tt[i].off, tt[i].len))
            continue;
        char a[128], b[128], c[128];
        size_t an = vb_syl_canonical(truth + tt[i].off, tt[i].len, a, sizeof a);
        size_t bn = vb_syl_canonical(out + ot[i].off, ot[i].len, b, sizeof b);
        size_t cn = vb_syl_canonical(in + it[i].off, it[i].len, c, sizeof c);
        ty->syl++;
        int ok = an && bn && strcmp(a, b) == 0;
        ty->ok += ok;
        ty->base_ok += an && cn && strcmp(a, c) == 0;
        ty->case_ok += ok && vb_caps_of(truth + tt[i].off, tt[i].len) ==
                                 vb_caps_of(out + ot[i].off, ot[i].len);
        if (count_changes)
            ty->changed += !ok;
    }
    free(ot);
    free(it);
}

static void report(const char *name, const tally *t)
{
    printf("%-6s files %zu (skipped %zu)  syllables %zu  baseline %.2f%%  restored %.2f%%  "
           "(with case %.2f%%)  changed %.3f%%  %.0f syllables/s (CPU), %.0f/s (wall)\n",
           name, t->files, t->skipped, t->syl, 100.0 * t->base_ok / (t->syl ? t->syl : 1),
           100.0 * t->ok / (t->syl ? t->syl : 1), 100.0 * t->case_ok / (t->syl ? t->syl : 1),
           100.0 * t->changed / (t->syl ? t->syl : 1), t->cpu > 0 ? t->syl / t->cpu : 0,
           t->secs > 0 ? t->syl / t->secs : 0);
}

int main(int argc, char **argv)
{
    vb_normalize_opts o = {0}, off = {0};
    o.restore = 1;
    off.restore = -1;
    int opt;
    while ((opt = getopt(argc, argv, "m:c:k:")) != -1) {
        switch (opt) {
        case 'm': o.model_path = optarg; break;
        case 'c': o.confusions_path = optarg; break;
        case 'k': o.keep_margin = atof(optarg); break;
        default:
            fprintf(stderr, "usage: vb-normalize-bench [-m MODEL] [-c CONFUSIONS] [-k MARGIN] "
                            "FILE...\n");
            return 1;
        }
    }
    vb_error err;
    vb_normalize *nz = NULL, *plain = NULL;
    if (vb_normalize_create(&nz, &o, &err) != VB_OK ||
        vb_normalize_create(&plain, &off, &err) != VB_OK) {
        fprintf(stderr, "vb-normalize-bench: %s%s%s\n", err.file, err.file[0] ? ": " : "",
                err.message);
        return 2;
    }
    tally ts = {0}, te = {0}, tc = {0};
    for (int a = optind; a < argc; a++) {
        unsigned char *data;
        size_t len;
        vb_text truth;
        if (vb_read_file(argv[a], 0, &data, &len, &err) != VB_OK ||
            vb_normalize_run(plain, (const char *)data, len, &truth, &err) != VB_OK) {
            fprintf(stderr, "vb-normalize-bench: %s: %s\n", argv[a], err.message);
            return 2;
        }
        free(data);
        vb_tok *tt;
        size_t nt;
        vb_tokenize(truth.text, truth.len, &tt, &nt);
        char *in[3];
        in[0] = degrade(truth.text, truth.len, tt, nt, strip_fn);
        in[1] = degrade(truth.text, truth.len, tt, nt, eng_word);
        in[2] = strdup(truth.text);
        tally *ty[3] = {&ts, &te, &tc};
        for (int k = 0; k < 3; k++) {
            vb_text r;
            double t0 = vb_now(), c0 = cpu_now();
            if (vb_normalize_run(nz, in[k], strlen(in[k]), &r, &err) != VB_OK) {
                fprintf(stderr, "vb-normalize-bench: %s: %s\n", argv[a], err.message);
                return 2;
            }
            ty[k]->secs += vb_now() - t0;
            ty[k]->cpu += cpu_now() - c0;
            score(truth.text, tt, nt, in[k], r.text, r.len, ty[k], k == 2);
            if (getenv("BENCH_DUMP") && a == optind) {
                char p[256];
                snprintf(p, sizeof p, "%s.%d.in", getenv("BENCH_DUMP"), k);
                FILE *f = fopen(p, "w");
                if (f) {
                    fputs(in[k], f);
                    fclose(f);
                }
                snprintf(p, sizeof p, "%s.%d.out", getenv("BENCH_DUMP"), k);
                f = fopen(p, "w");
                if (f) {
                    fputs(r.text, f);
                    fclose(f);
                }
            }
            vb_text_free(&r);
            free(in[k]);
        }
        free(tt);
        vb_text_free(&truth);
    }
    report("strip", &ts);
    report("eng", &te);
    report("clean", &tc);
    vb_normalize_destroy(&nz);
    vb_normalize_destroy(&plain);
    return 0;
}
