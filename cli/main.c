/* sipprobe: the command-line front end. main() parses the command line
 * into struct cli_options, checks it against its mode and hands it to the
 * subcommand; no protocol logic lives in the CLI. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "options.h"
#include "sipprobe/sipprobe.h"
#include "usage.h"

/* --help, --version and the --list-* catalogues. */
static int show(enum cli_action action)
{
    switch (action) {
    case CLI_ACTION_HELP:
        print_usage(stdout);
        break;
    case CLI_ACTION_VERSION:
        printf("sipprobe %s\n", SP_VERSION);
        break;
    case CLI_ACTION_LIST_PROBES:
        for (size_t i = 0; sp_probe_name(i); i++)
            printf("%-10s %s\n", sp_probe_name(i), sp_probe_description(i));
        break;
    case CLI_ACTION_LIST_OUTPUTS:
        for (size_t i = 0; sp_output_name(i); i++)
            printf("%-8s %s\n", sp_output_name(i), sp_output_description(i));
        break;
    case CLI_ACTION_LIST_FINDINGS:
        for (size_t i = 0; sp_finding_catalogue(i); i++) {
            const sp_finding_info *f = sp_finding_catalogue(i);
            printf("%-24s %-8s %s\n", f->id, sp_severity_name(f->severity), f->title);
        }
        break;
    case CLI_ACTION_NONE:
        break;
    }
    return EXIT_DONE;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "reflect"))
        return cmd_reflect(argc - 1, argv + 1);
    struct cli_options o;
    cli_options_parse(&o, argc, argv);
    int status;
    if (o.action != CLI_ACTION_NONE) {
        status = show(o.action);
    } else {
        cli_options_check(&o);
        status = o.mode == SP_MODE_CAPTURE     ? cmd_capture(&o)
                 : o.mode == SP_MODE_ALG_CHECK ? cmd_alg_check(&o)
                 : o.mode == SP_MODE_REPORT    ? cmd_report(&o)
                                               : cmd_scan(&o);
    }
    cli_options_free(&o);
    return status;
}
