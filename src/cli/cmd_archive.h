/*
 * cmd_archive.h: the `vanban` subcommands that read the archive (search,
 * cites, show, stats, export). Each gets argv with argv[0] = its own name,
 * parses its options with getopt_long, prints, and returns the exit code
 * (cli.h): 0 ok, 1 usage, 2 input error (missing archive, unknown document),
 * 3 configuration error (archive from a newer vanban), 4 internal error.
 */
#ifndef VB_CLI_CMD_ARCHIVE_H
#define VB_CLI_CMD_ARCHIVE_H

int cmd_search(int argc, char **argv);
int cmd_cites(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif
