/* SPDX-License-Identifier: AGPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "vb_common.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicode/ustring.h>

void vb_error_clear(vb_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

vb_status vb_error_setv(vb_error *err, vb_status code, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    err->code = code;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    return code;
}

vb_status vb_error_set(vb_error *err, vb_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vb_error_setv(err, code, fmt, ap);
    va_end(ap);
    return code;
}

void vb_error_at(vb_error *err, const char *file, int line, int column)
{
    if (!err)
        return;
    if (file)
        snprintf(err->file, sizeof err->file, "%s", file);
    err->line = line;
    err->column = column;
}

const char *vb_status_name(vb_status code)
{
    switch (code) {
    case VB_OK: return "ok";
    case VB_ERR_USAGE: return "usage error";
    case VB_ERR_INPUT: return "input error";
    case VB_ERR_RULES: return "rule error";
    case VB_ERR_INTERNAL: return "internal error";
    case VB_ERR_NOMEM: return "out of memory";
    case VB_ERR_INTERRUPTED: return "interrupted";
    case VB_ERR_LIMIT: return "limit exceeded";
    }
    return "unknown error";
}

vb_status vb_buf_reserve(vb_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return VB_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return VB_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return VB_OK;
}

vb_status vb_buf_append(vb_buf *b, const void *data, size_t len)
{
    if (vb_buf_reserve(b, len) != VB_OK)
        return VB_ERR_NOMEM;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return VB_OK;
}

vb_status vb_buf_puts(vb_buf *b, const char *s)
{
    return vb_buf_append(b, s, strlen(s));
}

vb_status vb_buf_putc(vb_buf *b, char c)
{
    return vb_buf_append(b, &c, 1);
}

vb_status vb_buf_printf(vb_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return VB_ERR_INTERNAL;
    if (vb_buf_reserve(b, (size_t)n) != VB_OK)
        return VB_ERR_NOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return VB_OK;
}

char *vb_buf_steal(vb_buf *b, size_t *len)
{
    char *p = b->data;
    if (!p)
        p = calloc(1, 1);
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void vb_buf_free(vb_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

vb_status vb_read_file(const char *path, size_t max_bytes, unsigned char **data, size_t *len,
                       vb_error *err)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    *data = NULL;
    *len = 0;
    if (!f) {
        vb_error_at(err, path, 0, 0);
        return vb_error_set(err, VB_ERR_INPUT, "cannot open: %s", strerror(errno));
    }
    vb_buf b = {0};
    char chunk[65536];
    size_t n;
    vb_status st = VB_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (max_bytes && b.len + n > max_bytes) {
            vb_error_at(err, path, 0, 0);
            st = vb_error_set(err, VB_ERR_LIMIT, "file is larger than the limit of %zu bytes",
                              max_bytes);
            break;
        }
        if (vb_buf_append(&b, chunk, n) != VB_OK) {
            st = vb_error_set(err, VB_ERR_NOMEM, "out of memory reading %s", path);
            break;
        }
    }
    if (st == VB_OK && ferror(f)) {
        vb_error_at(err, path, 0, 0);
        st = vb_error_set(err, VB_ERR_INPUT, "read error: %s", strerror(errno));
    }
    if (!is_stdin)
        fclose(f);
    if (st != VB_OK) {
        vb_buf_free(&b);
        return st;
    }
    *data = (unsigned char *)vb_buf_steal(&b, len);
    return VB_OK;
}

char *vb_strdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

char *vb_strndup(const char *s, size_t n)
{
    return s ? strndup(s, n) : NULL;
}

double vb_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int vb_utf8_valid(const char *str, size_t len)
{
    /* ICU's converter is the reference for what well-formed UTF-8 is. */
    if (len > INT32_MAX)
        return 0;
    UErrorCode status = U_ZERO_ERROR;
    int32_t need = 0;
    u_strFromUTF8(NULL, 0, &need, str, (int32_t)len, &status);
    return status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING ||
           U_SUCCESS(status);
}
