/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * vb-normalize-bench: measure diacritic restoration on clean documents
 * (driven by scripts/bench-normalize on the held-out corpus files).
 *
 *   vb-normalize-bench [-m MODEL] [-c CONFUSIONS] [-k MARGIN] [-n NAMES] FILE...
 *   vb-normalize-bench [-m MODEL] [-c CONFUSIONS] [-n NAMES] [-v] -N SIGNERS
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
 *
 * With -N (scripts/bench-names), the same three inputs of held-out files are
 * scored on their signers' names only, restored without and with the name
 * lexicon (-n NAMES, default rules/normalize/names.tsv); -v lists the names
 * restored wrong with the lexicon.
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

/* ---- proper names (-N) ---- */

static const char *kinds[3] = {"strip", "eng", "clean"}; /* the kinds of input */

/* Right and counted names of one kind of input, for names seen in training
 * (k = 0), new ones (1), all (2). */
typedef struct name_tally {
    size_t names[3], base_ok[3], off_ok[3], on_ok[3];
} name_tally;

/* One distinct name: its occurrences and how many came out right without and
 * with the lexicon, per kind of input. */
typedef struct name_stat {
    char *name;
    size_t n[3], off_ok[3], on_ok[3];
} name_stat;

/* Tokens [i, i + n) of `out` read as the truth's (lower case, old tone style). */
static int same_words(const char *truth, const vb_tok *tt, const char *out, const vb_tok *ot,
                      size_t i, size_t n)
{
    for (size_t k = i; k < i + n; k++) {
        char a[128], b[128];
        size_t an = vb_syl_canonical(truth + tt[k].off, tt[k].len, a, sizeof a);
        size_t bn = vb_syl_canonical(out + ot[k].off, ot[k].len, b, sizeof b);
        if (!an || !bn || strcmp(a, b) != 0)
            return 0;
    }
    return 1;
}

/* A line or page break lies between tokens k - 1 and k (or either is missing). */
static int line_break(const char *t, const vb_tok *tt, size_t nt, size_t k)
{
    if (k == 0 || k >= nt)
        return 1;
    for (size_t i = tt[k - 1].off + tt[k - 1].len; i < tt[k].off; i++)
        if (t[i] == '\n' || t[i] == '\f')
            return 1;
    return 0;
}

/* The words of `name` are tokens [i, i + n) of the truth, alone on a line:
 * returns n, else 0. */
static size_t name_at(const char *t, const vb_tok *tt, size_t nt, size_t i, const char *name)
{
    if (!line_break(t, tt, nt, i))
        return 0;
    size_t k = i;
    for (const char *p = name; *p; k++) {
        size_t n = strcspn(p, " ");
        if (k >= nt || tt[k].kind != VB_TOK_WORD || tt[k].len != n ||
            memcmp(t + tt[k].off, p, n) != 0)
            return 0;
        p += n;
        while (*p == ' ')
            p++;
    }
    return line_break(t, tt, nt, k) ? k - i : 0;
}

/* One input restored without (0) and with (1) the name lexicon, tokenised. */
typedef struct restored {
    const char *in;
    vb_tok *it;
    size_t ni;
    vb_text r[2];
    vb_tok *ot[2];
    size_t no[2];
} restored;

static void restored_free(restored *x)
{
    free(x->it);
    for (int j = 0; j < 2; j++) {
        free(x->ot[j]);
        vb_text_free(&x->r[j]);
    }
}

/* Restore x->in with both handles; 1 when the outputs' tokens align with the
 * truth's (nt of them). */
static int restore_both(vb_normalize *off, vb_normalize *on, size_t nt, restored *x)
{
    vb_normalize *nz[2] = {off, on};
    vb_error err;
    vb_tokenize(x->in, strlen(x->in), &x->it, &x->ni);
    int ok = x->ni == nt;
    for (int j = 0; j < 2; j++) {
        if (vb_normalize_run(nz[j], x->in, strlen(x->in), &x->r[j], &err) != VB_OK) {
            memset(&x->r[j], 0, sizeof x->r[j]);
            ok = 0;
            continue;
        }
        vb_tokenize(x->r[j].text, x->r[j].len, &x->ot[j], &x->no[j]);
        ok &= x->no[j] == nt;
    }
    return ok;
}

/* Count the names of the list found right in one restored input; with
 * verbose, print the ones the lexicon changes. */
static void score_names(int kind, const char *truth, const vb_tok *tt, size_t nt, const restored *x,
                        char **names, const int *seen, name_stat **stat, size_t n_names,
                        name_tally *ty, int verbose)
{
    for (size_t i = 0; i < nt; i++)
        for (size_t k = 0; k < n_names; k++) {
            size_t n = name_at(truth, tt, nt, i, names[k]);
            if (!n)
                continue;
            int off = same_words(truth, tt, x->r[0].text, x->ot[0], i, n);
            int on = same_words(truth, tt, x->r[1].text, x->ot[1], i, n);
            stat[k]->n[kind]++;
            stat[k]->off_ok[kind] += off;
            stat[k]->on_ok[kind] += on;
            size_t g[2] = {(size_t)!seen[k], 2};
            for (int j = 0; j < 2; j++) {
                ty->names[g[j]]++;
                ty->base_ok[g[j]] += same_words(truth, tt, x->in, x->it, i, n);
                ty->off_ok[g[j]] += off;
                ty->on_ok[g[j]] += on;
            }
            if (verbose && !on) {
                size_t a = x->ot[0][i].off, b = x->ot[0][i + n - 1].off + x->ot[0][i + n - 1].len;
                size_t c = x->ot[1][i].off, d = x->ot[1][i + n - 1].off + x->ot[1][i + n - 1].len;
                printf("%s\t%s\twithout: %.*s\twith: %.*s\n", kinds[kind], names[k], (int)(b - a),
                       x->r[0].text + a, (int)(d - c), x->r[1].text + c);
            }
        }
}

static void report_names(int kind, const name_tally *t, const name_stat *st, size_t n_st)
{
    static const char *group[3] = {"seen in training", "new", "all"};
    for (int g = 0; g < 3; g++) {
        double n = t->names[g] ? (double)t->names[g] : 1;
        printf("names %-6s %-16s %4zu  input %6.2f%%  without lexicon %6.2f%%  with %6.2f%%\n",
               kinds[kind], group[g], t->names[g], 100.0 * t->base_ok[g] / n,
               100.0 * t->off_ok[g] / n, 100.0 * t->on_ok[g] / n);
    }
    /* every distinct name weighs the same, however often it signs */
    double off = 0, on = 0;
    size_t names = 0;
    for (size_t i = 0; i < n_st; i++)
        if (st[i].n[kind]) {
            names++;
            off += (double)st[i].off_ok[kind] / (double)st[i].n[kind];
            on += (double)st[i].on_ok[kind] / (double)st[i].n[kind];
        }
    printf("names %-6s %-16s %4zu  mean over names:        without lexicon %6.2f%%  with %6.2f%%\n",
           kinds[kind], "distinct", names, 100.0 * off / (names ? names : 1),
           100.0 * on / (names ? names : 1));
}

/* The entry of a distinct name, added if new (NULL when the table is full). */
static name_stat *name_entry(name_stat *st, size_t *n, size_t cap, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(st[i].name, name) == 0)
            return &st[i];
    if (*n == cap)
        return NULL;
    memset(&st[*n], 0, sizeof *st);
    st[*n].name = strdup(name);
    return &st[(*n)++];
}

/* Signers' names of held-out files ("PATH<TAB>NAME<TAB>seen|new" lines,
 * from scripts/build-name-lexicon --heldout-signers): each file's marks
 * stripped, or through the simulated English-model channel, or clean,
 * restored without and with the name lexicon; a name is right when every
 * syllable is. A file whose outputs do not align token by token is left out. */
static int bench_names(const char *list, vb_normalize *on, vb_normalize *off, vb_normalize *plain,
                       int verbose)
{
    FILE *f = fopen(list, "r");
    if (!f) {
        fprintf(stderr, "vb-normalize-bench: %s: cannot open\n", list);
        return 2;
    }
    name_tally ty[3];
    memset(ty, 0, sizeof ty);
    size_t files = 0, skipped = 0;
    char line[1024], path[1024] = "";
    char *names[64];
    int seen[64];
    size_t n_names = 0, n_stats = 0;
    name_stat stats[512], *stat[64];
    int more = 1;
    while (more) {
        more = fgets(line, sizeof line, f) != NULL;
        line[strcspn(line, "\r\n")] = '\0';
        char *name = more ? strchr(line, '\t') : NULL;
        if (name)
            *name++ = '\0';
        char *mark = name ? strchr(name, '\t') : NULL;
        if (mark)
            *mark++ = '\0';
        if (more && !mark)
            continue;
        if (n_names && (!more || strcmp(line, path) != 0 || n_names == 64)) {
            unsigned char *data;
            size_t len;
            vb_text truth;
            vb_error err;
            if (vb_read_file(path, 0, &data, &len, &err) != VB_OK ||
                vb_normalize_run(plain, (const char *)data, len, &truth, &err) != VB_OK) {
                fprintf(stderr, "vb-normalize-bench: %s: %s\n", path, err.message);
                return 2;
            }
            free(data);
            vb_tok *tt;
            size_t nt;
            vb_tokenize(truth.text, truth.len, &tt, &nt);
            char *in[2] = {degrade(truth.text, truth.len, tt, nt, strip_fn),
                           degrade(truth.text, truth.len, tt, nt, eng_word)};
            restored x[3] = {{.in = in[0]}, {.in = in[1]}, {.in = truth.text}};
            int ok = 1;
            for (int k = 0; k < 3; k++)
                ok &= restore_both(off, on, nt, &x[k]);
            for (int k = 0; ok && k < 3; k++)
                score_names(k, truth.text, tt, nt, &x[k], names, seen, stat, n_names, &ty[k],
                            verbose);
            files += ok;
            skipped += !ok;
            for (int k = 0; k < 3; k++)
                restored_free(&x[k]);
            free(in[0]);
            free(in[1]);
            free(tt);
            vb_text_free(&truth);
            for (size_t k = 0; k < n_names; k++)
                free(names[k]);
            n_names = 0;
        }
        if (more && (stat[n_names] = name_entry(stats, &n_stats, 512, name)) != NULL) {
            snprintf(path, sizeof path, "%s", line);
            seen[n_names] = strcmp(mark, "seen") == 0;
            names[n_names++] = strdup(name);
        }
    }
    fclose(f);
    printf("names: %zu held-out files (skipped %zu: tokens not aligned)\n", files, skipped);
    for (int k = 0; k < 3; k++)
        report_names(k, &ty[k], stats, n_stats);
    for (size_t i = 0; i < n_stats; i++)
        free(stats[i].name);
    return 0;
}

int main(int argc, char **argv)
{
    vb_normalize_opts o = {0}, off = {0};
    o.restore = 1;
    off.restore = -1;
    const char *signers = NULL;
    int opt, verbose = 0;
    while ((opt = getopt(argc, argv, "m:c:k:n:N:v")) != -1) {
        switch (opt) {
        case 'm': o.model_path = optarg; break;
        case 'c': o.confusions_path = optarg; break;
        case 'k': o.keep_margin = atof(optarg); break;
        case 'n': o.names_path = optarg; break;
        case 'N': signers = optarg; break;
        case 'v': verbose = 1; break;
        default:
            fprintf(stderr, "usage: vb-normalize-bench [-m MODEL] [-c CONFUSIONS] [-k MARGIN] "
                            "[-n NAMES] FILE...\n"
                            "       vb-normalize-bench [-m MODEL] [-c CONFUSIONS] [-n NAMES] "
                            "[-v] -N SIGNERS\n");
            return 1;
        }
    }
    if (signers) {
        vb_normalize_opts no = o;
        no.names_path = "";
        vb_error err;
        vb_normalize *on = NULL, *nn = NULL, *plain = NULL;
        if (vb_normalize_create(&on, &o, &err) != VB_OK ||
            vb_normalize_create(&nn, &no, &err) != VB_OK ||
            vb_normalize_create(&plain, &off, &err) != VB_OK) {
            fprintf(stderr, "vb-normalize-bench: %s%s%s\n", err.file, err.file[0] ? ": " : "",
                    err.message);
            return 2;
        }
        int rc = bench_names(signers, on, nn, plain, verbose);
        vb_normalize_destroy(&on);
        vb_normalize_destroy(&nn);
        vb_normalize_destroy(&plain);
        return rc;
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
