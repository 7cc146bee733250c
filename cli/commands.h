/* The subcommands main() dispatches to; each returns the exit status. */
#ifndef SIPPROBE_CLI_COMMANDS_H
#define SIPPROBE_CLI_COMMANDS_H

/* sipprobe reflect: argv[0] is "reflect", the rest its own options. */
int cmd_reflect(int argc, char **argv);
#endif
