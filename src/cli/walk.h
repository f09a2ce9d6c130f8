/* walk.h: the inputs of a batch (files, and supported files under folders). */
#ifndef VB_CLI_WALK_H
#define VB_CLI_WALK_H

#include <stdarg.h>
#include <stddef.h>

typedef struct walk_result {
    char **files; /* in command-line order; each folder's files sorted by name */
    size_t n_files, cap_files;
    /* what could not be walked: unreadable folders, directory loops */
    struct walk_problem {
        char *path;
        char *reason;
    } * problems;
    size_t n_problems, cap_problems;
    size_t n_ignored; /* files in folders that are of no type vanban reads */
} walk_result;

void walk_inputs(char *const *args, size_t n_args, walk_result *out);
void walk_result_free(walk_result *r);

/* 1 if `path` belongs to shard k of n (1 <= k <= n), by a hash of the path. */
int walk_in_shard(const char *path, int k, int n);

#endif
