/* struct cli_options applied to a scan handle: the one place that calls
 * the library's sp_scan_* setters. A setter's error is printed as
 * "sipprobe: MESSAGE" and makes the call return EXIT_USAGE. */
#ifndef SIPPROBE_CLI_APPLY_H
#define SIPPROBE_CLI_APPLY_H
#include "options.h"
#include "sipprobe/sipprobe.h"

struct cli_applied {
    const char *resume_file; /* scan: where an interrupted scan can be continued from */
    char default_resume[64];
};

/* A handle of mode, or NULL after "sipprobe: out of memory". */
sp_scan *cli_scan_new(sp_mode mode);
/* Every setting of o but the outputs, for a handle of o->mode. */
int cli_apply(sp_scan *scan, const struct cli_options *o, struct cli_applied *a);
/* The outputs: -o FILE in its format, or standard output. Last, so that a
 * usage error leaves no output file behind. */
int cli_apply_outputs(sp_scan *scan, const struct cli_options *o);
#endif
