/* Running a configured handle to the end, shared by every mode: log and
 * progress callbacks, SIGINT/SIGTERM, and the exit status of the result. */
#ifndef SIPPROBE_CLI_RUN_H
#define SIPPROBE_CLI_RUN_H
#include "options.h"
#include "sipprobe/sipprobe.h"

/* What differs between the modes once a handle is set up. */
struct cli_run_how {
    const char *resume_file; /* named when an interrupted run is continued */
    int min_verbose;         /* log level shown even without -v */
    int bad_data_is_usage;   /* SP_EDATA from the run is bad input (exit 2) */
};

/* Runs scan; returns EXIT_DONE, EXIT_FINDINGS (--fail-on), EXIT_USAGE or
 * EXIT_RUNTIME (an error, or an interrupted run). */
int cli_run(sp_scan *scan, const struct cli_options *o, const struct cli_run_how *how);
/* A handle of mode, the options and outputs applied, run as how says, freed. */
int cli_run_mode(const struct cli_options *o, sp_mode mode, const struct cli_run_how *how);
#endif
