/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Must-fail cases of the rule loader and checker: every error of a broken rule
 * directory is reported, with its exact file:line:column and text, and loading
 * then fails once. */
#include <stdlib.h>
#include <string.h>

#include "vb_extract.h"
#include "vb_test.h"

typedef struct diags {
    char *lines[64];
    size_t n;
} diags;

static void collect(void *user, const vb_error *e)
{
    diags *d = user;
    char buf[1400];
    snprintf(buf, sizeof buf, "%s:%d:%d: %s", e->file, e->line, e->column, e->message);
    if (d->n < 64)
        d->lines[d->n++] = strdup(buf);
}

static void expect_diags(diags *d, const char *const *want, size_t n_want)
{
    VB_CHECK_INT(d->n, n_want);
    for (size_t i = 0; i < d->n || i < n_want; i++)
        VB_CHECK_STR(i < d->n ? d->lines[i] : NULL, i < n_want ? want[i] : NULL);
    for (size_t i = 0; i < d->n; i++)
        free(d->lines[i]);
    d->n = 0;
}

#define L "tests/extract/data/bad/load/"
static const char *const load_errors[] = {
    L "a-vars.rules:5:1: variable $SO redefined (first defined at " L "a-vars.rules:2)",
    L "b-rules.rules:22:6: duplicate rule id 'ok.one' (first at " L "b-rules.rules:1)",
    L "b-rules.rules:26:3: unknown keyword 'patern' (rule, on, flags, prefilter, pattern, "
      "fields, match, expect, nomatch)",
    L "b-rules.rules:28:13: 'on' is 'text' or 'fold', not 'both'",
    L "b-rules.rules:37:1: 'pattern' outside a rule (start one with 'rule ID')",
    L "b-rules.rules:8:29: undefined variable $NOPE",
    L "b-rules.rules:12:35: rule 'bad.syntax': pattern error: missing closing parenthesis",
    L "b-rules.rules:16:21: rule 'bad.in-variable': pattern error: missing closing parenthesis",
    L "b-rules.rules:20:13: rule 'bad.fields': named group 'b' is not listed in 'fields'",
    L "b-rules.rules:20:13: rule 'bad.fields': field 'c' is not a named group of the pattern",
    L "a-vars.rules:4:10: variable $LOOP refers to itself",
    L "b-rules.rules:36:14: unknown lexicon 'missing.tsv'",
    /* an error inside the pattern points at its character, in the rule ... */
    L "b-rules.rules:40:19: rule 'bad.middle': pattern error: subpattern name must start with "
      "a non-digit",
    /* ... or in the variable it came from */
    L "a-vars.rules:6:15: rule 'bad.order': pattern error in a variable it uses: numbers out of "
      "order in {} quantifier",
};

#define C "tests/extract/data/bad/check/check.rules"
static const char *const check_errors[] = {
    C ":12:13: rule 'wrong-value': field 'number' is \"117\", expected \"118\"",
    C ":17:13: rule 'no-match': example does not match",
    C ":22:13: rule 'matches-negative': example must not match, but matched \"117\"",
    C ":24:1: rule 'no-positive' has no example that must match ('match')",
    C ":30:13: rule 'backtrack': match limit exceeded on this example (the pattern backtracks "
      "too much)",
    C ":35:13: rule 'prefilter-missing': example does not match (it holds none of the "
      "prefilter literals)",
};

static void print_all(const diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "  got: %s\n", d->lines[i]);
}

int main(void)
{
    diags d = {0};
    vb_error err;
    vb_extract *ex = NULL;

    /* Loading collects every error, then fails once. */
    vb_extract_opts opts = {0};
    opts.rules_dir = "tests/extract/data/bad/load";
    opts.diag = collect;
    opts.user = &d;
    VB_CHECK_INT(vb_extract_create(&ex, &opts, &err), VB_ERR_RULES);
    VB_CHECK(ex == NULL);
    VB_CHECK_STR(err.file, "tests/extract/data/bad/load");
    VB_CHECK_STR(err.message, "14 errors in the rules (1 rule good, 10 bad)");
    print_all(&d);
    expect_diags(&d, load_errors, sizeof load_errors / sizeof *load_errors);

    /* The checker runs the examples of the rules that compiled. */
    int ok = -1, bad = -1;
    VB_CHECK_INT(vb_rules_check("tests/extract/data/bad/check", collect, &d, &ok, &bad, &err),
                 VB_ERR_RULES);
    VB_CHECK_INT(ok, 1);
    VB_CHECK_INT(bad, 6);
    VB_CHECK_STR(err.message, "6 errors in the rules (1 rule good, 6 bad)");
    print_all(&d);
    expect_diags(&d, check_errors, sizeof check_errors / sizeof *check_errors);

    /* A directory that does not exist, or holds no rule file. */
    VB_CHECK_INT(vb_rules_check("tests/extract/data/bad/none", collect, &d, &ok, &bad, &err),
                 VB_ERR_RULES);
    VB_CHECK_STR(err.message, "cannot open the rules directory");
    VB_CHECK_INT(vb_rules_check("tests/extract/data", collect, &d, &ok, &bad, &err), VB_ERR_RULES);
    VB_CHECK_STR(err.message, "no rule files (*.rules) in the directory");
    VB_CHECK_INT(d.n, 0);
    return vb_test_finish();
}
