/* The subcommands main() dispatches to; each returns the exit status. */
#ifndef SIPPROBE_CLI_COMMANDS_H
#define SIPPROBE_CLI_COMMANDS_H
#include "options.h"

/* The default command: probe targets over the network. */
int cmd_scan(const struct cli_options *o);
/* The default command with --read or --read-live: an inventory from captured traffic. */
int cmd_capture(const struct cli_options *o);
/* sipprobe alg-check: is the path to a reflector rewriting SIP? */
int cmd_alg_check(const struct cli_options *o);
/* sipprobe report RESULT...: one report from stored results (shards, vantages). */
int cmd_report(const struct cli_options *o);
/* sipprobe reflect: argv[0] is "reflect", the rest its own options. */
int cmd_reflect(int argc, char **argv);
#endif
