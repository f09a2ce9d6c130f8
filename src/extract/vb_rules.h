/*
 * vb_rules.h: internal to the extract stage. The rule-file loader (rules/NAME.rules
 * and the lexicons rules/NAME.tsv, format in rules/README.md), the PCRE2 matcher
 * and the example checker.
 *
 * A vb_ruleset owns its compiled patterns, one match-data block per pattern and
 * one match context (match and depth limits, JIT stack), so it is used by one
 * thread at a time.
 */
#ifndef VB_RULES_H
#define VB_RULES_H

#include <stddef.h>

#include "vb_extract.h"

#define VB_RULE_MAX_FIELDS 16

typedef struct vb_lexicon {
    char *name;     /* file name: "doc-types.tsv" */
    char ***rows;   /* rows[i][j]: cell j of row i (NUL-terminated) */
    size_t *n_cols; /* cells in row i */
    int *lines;     /* source line of row i */
    size_t n_rows;
} vb_lexicon;

typedef struct vb_rule vb_rule;
typedef struct vb_ruleset vb_ruleset;

/* A match, with spans in the text the caller gave (mapped back from the fold key
 * for rules that run on it). Unset groups have start == VB_NOPOS. */
#define VB_NOPOS ((size_t)-1)
typedef struct vb_hit {
    const vb_rule *rule;
    size_t start, end;
    size_t n_fields;
    const char *field_names[VB_RULE_MAX_FIELDS];
    size_t fs[VB_RULE_MAX_FIELDS], fe[VB_RULE_MAX_FIELDS];
} vb_hit;

/* Result of one attempt, apart from VB_OK (found) */
enum { VB_MATCH_FOUND = 1, VB_MATCH_NONE = 0, VB_MATCH_LIMIT = -1 };

/* Load every *.tsv lexicon and *.rules file of `dir`. Each problem goes to
 * diag; then VB_ERR_RULES. With keep_on_error the ruleset is returned even
 * then (its bad rules never match), so a checker can go on to the examples. */
vb_status vb_ruleset_load(vb_ruleset **out, const char *dir, int keep_on_error, vb_diag_fn diag,
                          void *user, int *n_ok, int *n_bad, vb_error *err);
int vb_ruleset_errors(const vb_ruleset *rs);
void vb_ruleset_free(vb_ruleset **rs);

/* Run every example of every rule; failures go to diag. Counts rules. */
void vb_ruleset_check(vb_ruleset *rs, vb_diag_fn diag, void *user, int *n_ok, int *n_bad);

const vb_lexicon *vb_ruleset_lexicon(const vb_ruleset *rs, const char *name);

/* Rules whose id is `family` or starts with `family.`, in file order. */
size_t vb_ruleset_family(const vb_ruleset *rs, const char *family, vb_rule **out, size_t max);
const char *vb_rule_id(const vb_rule *r);
int vb_rule_on_fold(const vb_rule *r);

/* Find the first match of `r` in the text within [from, to) (byte offsets in
 * t->text). Rules on the fold key run on the fold key over the same range and
 * report text offsets. Returns VB_MATCH_FOUND, VB_MATCH_NONE or VB_MATCH_LIMIT
 * (the match or depth limit was hit; treated as no match by callers, who warn). */
int vb_rule_find(vb_rule *r, vb_ruleset *rs, const vb_text *t, size_t from, size_t to, vb_hit *hit);

/* Span of a named field in the hit; 0 if the field is unset. */
int vb_hit_field(const vb_hit *h, const char *name, size_t *s, size_t *e);

#endif
