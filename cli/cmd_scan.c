/* The default command: probe targets over the network (SP_MODE_SCAN). */
#include <inttypes.h>
#include <stdio.h>

#include "apply.h"
#include "commands.h"
#include "common.h"
#include "progress.h"
#include "run.h"

/* A dry run shows its probes on standard output; when the reader goes
 * away (SIGPIPE is ignored while a scan runs), it stops as on an interrupt. */
static void on_dry_probe(const char *dest, const char *bytes, size_t len, void *data)
{
    printf("# to %s (%zu bytes)\n", dest, len);
    fwrite(bytes, 1, len, stdout);
    printf("\n");
    if (ferror(stdout))
        sp_scan_stop(data);
}

/* Validates the target set before any output file is created. */
static int count_targets(sp_scan *scan, const struct cli_options *o, uint64_t *probes,
                         uint64_t *addresses)
{
    /* Counting resolves domain targets: their warnings are said now. */
    cli_log_level(o->quiet, o->verbose);
    sp_scan_set_log(scan, cli_on_log, NULL);
    sp_code rc = sp_scan_probe_count(scan, probes);
    if (rc == SP_OK)
        rc = sp_scan_address_count(scan, addresses);
    if (rc == SP_ENOTARGETS && o->n_operands == 0) {
        fprintf(stderr, "sipprobe: no targets given\n"
                        "Try 'sipprobe --help' for more information.\n");
        return EXIT_USAGE;
    }
    if (rc != SP_OK) {
        cli_lib_error(scan, rc);
        return EXIT_USAGE;
    }
    return EXIT_DONE;
}

static void warn_if_large(const struct cli_options *o, sp_scan *scan, uint64_t probes,
                          uint64_t addresses)
{
    if (addresses <= (1ull << 24) || o->quiet)
        return;
    double eta = (double)probes / (double)(o->rate ? o->rate : 1);
    const char *left = sp_scan_left_out(scan);
    fprintf(stderr,
            "sipprobe: warning: %" PRIu64 " addresses (%" PRIu64 " probes) is more than "
            "2^24; at the chosen rate this takes about %.0f min%s%s%s\n",
            addresses, probes, eta / 60.0, *left ? " (left out: " : "", left, *left ? ")" : "");
}

int cmd_scan(const struct cli_options *o)
{
    sp_scan *scan = cli_scan_new(SP_MODE_SCAN);
    if (!scan)
        return EXIT_RUNTIME;
    struct cli_applied a;
    uint64_t probes = 0, addresses = 0;
    int status = cli_apply(scan, o, &a);
    if (status == EXIT_DONE)
        status = count_targets(scan, o, &probes, &addresses);
    if (status == EXIT_DONE)
        status = cli_apply_outputs(scan, o);
    if (status == EXIT_DONE) {
        warn_if_large(o, scan, probes, addresses);
        if (o->dry_run)
            sp_scan_set_dry_run(scan, on_dry_probe, scan);
        /* A journal that does not fit its targets is bad input, like a bad file. */
        struct cli_run_how how = {a.resume_file, 0, o->resume != NULL};
        status = cli_run(scan, o, &how);
    }
    sp_scan_free(scan);
    return status;
}
