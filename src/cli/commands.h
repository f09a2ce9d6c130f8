/* commands.h: one entry point per `vanban` subcommand; each returns an exit code. */
#ifndef VB_CLI_COMMANDS_H
#define VB_CLI_COMMANDS_H

int cmd_ocr(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_process(int argc, char **argv);
int cmd_normalize(int argc, char **argv);
int cmd_check(int argc, char **argv);

#endif
