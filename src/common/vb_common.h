/*
 * vb_common.h: what every stage of vanban shares.
 *
 * - vb_status: a small, stable result code (0 is success; values are never
 *   renumbered, new ones are appended).
 * - vb_error: the detail behind a status (file, page, line, column, library
 *   sub-code, message). Stage code fills it and never prints or exits; only
 *   src/cli turns an error into text and an exit code.
 * - vb_buf: a growable byte buffer, always NUL-terminated.
 *
 * Thread-safety: all functions are reentrant; an object is used by one thread
 * at a time unless its own header says otherwise.
 */
#ifndef VB_COMMON_H
#define VB_COMMON_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VB_VERSION "0.1.0"

typedef enum vb_status {
    VB_OK = 0,
    VB_ERR_USAGE = 1,       /* the caller asked for something impossible */
    VB_ERR_INPUT = 2,       /* an input could not be read or processed */
    VB_ERR_RULES = 3,       /* a rule file or configuration is wrong */
    VB_ERR_INTERNAL = 4,    /* a library failed or a bug was hit */
    VB_ERR_NOMEM = 5,       /* out of memory */
    VB_ERR_INTERRUPTED = 6, /* stopped by a signal */
    VB_ERR_LIMIT = 7        /* an input exceeds a configured limit */
} vb_status;

typedef struct vb_error {
    vb_status code;
    char file[512]; /* the input or rule file concerned, "" if none */
    int page;       /* 1-based page, 0 if none */
    int line;       /* 1-based line in `file`, 0 if none */
    int column;     /* 1-based column in `file`, 0 if none */
    int subcode;    /* the library's own error code, 0 if none */
    char message[768];
} vb_error;

/* Reset to VB_OK with every field empty. Accepts NULL. */
void vb_error_clear(vb_error *err);

/* Set code and message (printf format); returns code. Accepts err == NULL. */
vb_status vb_error_set(vb_error *err, vb_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
vb_status vb_error_setv(vb_error *err, vb_status code, const char *fmt, va_list ap);

/* Set the file (and optionally line/column) the error is about. */
void vb_error_at(vb_error *err, const char *file, int line, int column);

/* Human name of a status ("input error", ...). */
const char *vb_status_name(vb_status code);

/* ---- growable buffer ---- */
typedef struct vb_buf {
    char *data; /* NUL-terminated, NULL until first append */
    size_t len;
    size_t cap;
} vb_buf;

vb_status vb_buf_reserve(vb_buf *b, size_t extra);
vb_status vb_buf_append(vb_buf *b, const void *data, size_t len);
vb_status vb_buf_puts(vb_buf *b, const char *s);
vb_status vb_buf_putc(vb_buf *b, char c);
vb_status vb_buf_printf(vb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the data to the caller (who frees it) and reset the buffer. */
char *vb_buf_steal(vb_buf *b, size_t *len);
void vb_buf_free(vb_buf *b);

/* ---- files ---- */
/* Read a whole file ("-" is stdin) into a NUL-terminated malloc'd buffer.
 * Refuses files larger than max_bytes (0 = no limit) with VB_ERR_LIMIT. */
vb_status vb_read_file(const char *path, size_t max_bytes, unsigned char **data, size_t *len,
                       vb_error *err);

/* strdup that returns NULL on NULL input. */
char *vb_strdup(const char *s);
char *vb_strndup(const char *s, size_t n);

/* Monotonic seconds, for measurement only. */
double vb_now(void);

/* True if [s, s+len) is valid UTF-8 (no overlongs, no surrogates). */
int vb_utf8_valid(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif
