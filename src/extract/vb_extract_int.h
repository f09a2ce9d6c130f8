/*
 * vb_extract_int.h: shared by the files of the extract stage (not public).
 * The handle, line splitting, rule-family search, ICU case helpers, lexicon
 * look-ups and the record builders of each part (header, references, tasks,
 * targets).
 */
#ifndef VB_EXTRACT_INT_H
#define VB_EXTRACT_INT_H

#include "vb_extract.h"
#include "vb_rules.h"

#define VB_FAMILY_MAX 32

/* Caps per record: a hostile text cannot make the builders quadratic. Past a
 * cap the rest is skipped with a warning. */
#define VB_MAX_REFERENCES 1000
#define VB_MAX_MENTIONS 1000
#define VB_MAX_TASKS 2000
#define VB_MAX_TARGETS 2000

typedef struct vb_agency_key {
    char *fold;        /* folded, squeezed variant */
    const char *canon; /* canonical name (in the lexicon) */
} vb_agency_key;

/* Rules of a family, looked up once per family name (names are literals, so
 * the cache is keyed by pointer). */
typedef struct vb_family_cache {
    const char *family;
    vb_rule *rules[VB_FAMILY_MAX];
    size_t n;
} vb_family_cache;

#define VB_FAMILY_CACHE 128 /* far more than the families the code names */

struct vb_extract {
    vb_family_cache families[VB_FAMILY_CACHE];
    size_t n_families;
    vb_ruleset *rs;
    vb_agency_key *agencies; /* every name and variant of rules/agencies.tsv */
    size_t n_agencies;
    vb_diag_fn diag;
    void *user;
    int limit_hits;            /* patterns that hit the match limit during the current run */
    size_t own_start, own_end; /* the document's own symbol in the header, if found */
};

/* Lines of the text: starts[i] .. ends[i] (ends exclude the newline). */
typedef struct vb_lines {
    size_t *starts, *ends;
    size_t n;
} vb_lines;

int vb_lines_split(const vb_text *t, vb_lines *l);
void vb_lines_free(vb_lines *l);
/* Index of the line holding byte `off`. */
size_t vb_lines_at(const vb_lines *l, size_t off);

/* First match in [from, to) of any rule of `family`: rules on the text are
 * tried before rules on the fold key; the earliest match among rules of the
 * same kind wins. Returns 1 if found. */
int vb_find(vb_extract *ex, const char *family, const vb_text *t, size_t from, size_t to,
            vb_hit *hit);
/* Same, but trying only rules on the text (fold = 0) or on the fold key (1). */
int vb_find_kind(vb_extract *ex, const char *family, int fold, const vb_text *t, size_t from,
                 size_t to, vb_hit *hit);
/* Match `family` against a standalone string (folded on the fly for fold
 * rules); spans are offsets in s. */
int vb_find_str(vb_extract *ex, const char *family, const char *s, size_t len, vb_hit *hit);

/* malloc'd copy of a hit field, or NULL if unset/empty. */
char *vb_hit_dup(const vb_hit *h, const vb_text *t, const char *field);

/* ICU case conversion (locale "vi"); results are malloc'd UTF-8. */
char *vb_case_lower(const char *s, size_t len);
char *vb_case_upper(const char *s, size_t len);
char *vb_case_title(const char *s, size_t len);    /* every word */
char *vb_case_sentence(const char *s, size_t len); /* first letter only */
/* Counts of upper- and lower-case letters. */
void vb_case_count(const char *s, size_t len, int *upper, int *lower);

/* Whitespace collapsed to single spaces, trimmed; malloc'd. */
char *vb_squeeze(const char *s, size_t len);
/* malloc'd fold key of s (vb_fold without the map). */
char *vb_fold_str(const char *s, size_t len);

/* Lexicon look-ups */
/* Name of a type code ("KH" -> "Kế hoạch") or NULL; exact code match. */
const char *vb_type_name(vb_extract *ex, const char *code);
/* Code for a type name in any case or fold ("KẾ HOẠCH" -> "KH"), and the
 * canonical name; returns 0 if unknown. */
int vb_type_from_name(vb_extract *ex, const char *name, size_t len, const char **code,
                      const char **canon);
/* Canonical symbol: spaces removed, OCR variants of type codes repaired where
 * the repair is unambiguous. malloc'd. Sets *type (pointer into the lexicon)
 * to the type code found in it, or NULL. */
char *vb_symbol_canon(vb_extract *ex, const char *s, size_t len, const char **type, char **number,
                      char **year, char **issuer_code);

/* Cell of column 1 of a lexicon whose fold key equals that of [s, s+len)
 * ("Hai Phong" -> "Hải Phòng" in places.tsv), or NULL. */
const char *vb_lexicon_fold_lookup(vb_extract *ex, const char *lexicon, const char *s, size_t len);
/* Canonical agency for a name as found ("UBND tỉnh" -> "Ủy ban nhân dân tỉnh"),
 * compared on the fold key; NULL if the lexicon does not have it. */
const char *vb_agency_canon(vb_extract *ex, const char *s, size_t len);
/* Every name and variant of the agency lexicon, folded (loaded on first use). */
const vb_agency_key *vb_agency_keys(vb_extract *ex, size_t *n);
/* Canonical agency for an issuer code of a symbol ("BCA" -> "Bộ Công an"). */
const char *vb_agency_from_code(vb_extract *ex, const char *code);
/* Name of the agency found at [s, e): canonical if known, else as written;
 * malloc'd. */
char *vb_agency_name(vb_extract *ex, const vb_text *t, size_t s, size_t e);
/* ISO date from day, month and year strings; partial ("2025-11", "2025") when
 * the day or month is not a valid number. NULL without a year. */
char *vb_iso_date(const char *d, const char *m, const char *y, int *partial);
/* A field that allows only digits with the letters and specks OCR read for a
 * digit put back (rules/digit-confusions.tsv: "f2" -> "12", "@1" -> "01"),
 * malloc'd; NULL when s is not such a field or has no real digit. With
 * lead_zero_only, only a leading zero of a two-character field is repaired
 * (counts: "Q1 mô hình"). */
char *vb_digits_repair(vb_extract *ex, const char *s, int lead_zero_only);
/* 1-based page of a byte offset ('\f' separates pages). */
int vb_page_at(const vb_text *t, size_t off);

/* Record helpers */
vb_status vb_warn(vb_record *rec, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
vb_status vb_strv_push(char ***v, size_t *n, char *s);

/* The parts of the record */
vb_status vb_header_extract(vb_extract *ex, const vb_text *t, const vb_lines *l, vb_record *rec);
vb_status vb_refs_extract(vb_extract *ex, const vb_text *t, const vb_lines *l, vb_record *rec);
/* The text of [from, to) with every symbol in it written canonically ("33-NQ/T U"
 * -> "33-NQ/TU"); malloc'd, NULL when out of memory. */
char *vb_refs_canon_span(vb_extract *ex, const vb_text *t, size_t from, size_t to);
vb_status vb_tasks_extract(vb_extract *ex, const vb_text *t, const vb_lines *l, vb_record *rec);
vb_status vb_targets_extract(vb_extract *ex, const vb_text *t, const vb_lines *l, vb_record *rec);

#endif
