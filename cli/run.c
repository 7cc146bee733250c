#include "run.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "common.h"
#include "progress.h"

static sp_scan *g_scan;
static volatile sig_atomic_t g_signalled;

static void on_signal(int sig)
{
    (void)sig;
    g_signalled = 1;
    if (g_scan)
        sp_scan_stop(g_scan);
}

/* SIGINT and SIGTERM stop the scan. SIGPIPE is ignored: a reader that goes
 * away is EPIPE, which ends the scan as an interrupt does (the library
 * stops it when an output loses its reader), quietly. */
static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}

static int status_of(const sp_scan *scan, const struct cli_run_how *how, sp_code rc,
                     const sp_summary *sum)
{
    if (rc != SP_OK)
        return how->bad_data_is_usage && rc == SP_EDATA ? EXIT_USAGE : EXIT_RUNTIME;
    /* A partial scan must not pass for a complete one in CI, nor for one
     * whose findings are all there is. */
    if (sum->interrupted)
        return EXIT_RUNTIME;
    /* The library counts what fails: at or above --fail-on, new against a
     * baseline, not accepted; an expired acceptance fails the run too. */
    if (sum->failing || sp_scan_expired_accept(scan, 0))
        return EXIT_FINDINGS;
    return EXIT_DONE;
}

/* Why the job fails, where CI shows it: one line per failing finding and
 * per expired acceptance, then the count; printed even with -q. */
static void explain_failure(const sp_scan *scan, const struct cli_options *o, const sp_summary *sum)
{
    const char *line;
    for (size_t i = 0; (line = sp_scan_expired_accept(scan, i)) != NULL; i++)
        fprintf(stderr, "sipprobe: %s\n", line);
    for (size_t i = 0; (line = sp_scan_failure(scan, i)) != NULL; i++)
        fprintf(stderr, "sipprobe: fail-on %s: %s\n", sp_severity_name(o->fail_on), line);
    size_t expired = 0;
    while (sp_scan_expired_accept(scan, expired))
        expired++;
    if (sum->failing || expired) {
        fprintf(stderr, "sipprobe: failing: %llu finding%s at or above %s%s",
                (unsigned long long)sum->failing, sum->failing == 1 ? "" : "s",
                sp_severity_name(o->fail_on), o->baseline ? " (new since the baseline)" : "");
        if (sum->accepted)
            fprintf(stderr, ", %llu accepted", (unsigned long long)sum->accepted);
        if (expired)
            fprintf(stderr, ", %zu expired acceptance%s", expired, expired == 1 ? "" : "s");
        fputs("\n", stderr);
    }
}

/* After an interrupt: how to continue, only when there is a journal to
 * continue from (none for captures, enumeration or an unwritable path). */
static void report_interrupt(const char *resume_file)
{
    if (resume_file && access(resume_file, R_OK) == 0)
        fprintf(stderr,
                "sipprobe: interrupted; results so far were written. Continue with:\n"
                "  sipprobe --resume %s [outputs]\n",
                resume_file);
    else
        fprintf(stderr, "sipprobe: interrupted; results so far were written (nothing to resume "
                        "from)\n");
}

int cli_run(sp_scan *scan, const struct cli_options *o, const struct cli_run_how *how)
{
    cli_log_level(o->quiet, o->verbose > how->min_verbose ? o->verbose : how->min_verbose);
    sp_scan_set_log(scan, cli_on_log, NULL);
    if (!o->quiet && !o->dry_run && isatty(STDERR_FILENO))
        sp_scan_set_progress(scan, cli_on_progress, NULL);

    g_scan = scan;
    catch_signals();
    sp_code rc = sp_scan_run(scan);
    cli_progress_clear();
    g_scan = NULL;

    sp_summary sum;
    sp_scan_summary(scan, &sum);
    if (rc != SP_OK)
        cli_lib_error(scan, rc);
    /* Stopped with no signal: the reader of an output went away (`| head`).
     * Like any filter whose reader left, nothing more to say; exit 3. */
    int reader_gone = sum.interrupted && !g_signalled;
    if (reader_gone || o->quiet)
        ;
    else if (o->dry_run)
        fprintf(stderr, "sipprobe: dry run: %" PRIu64 " probe%s shown, none sent\n",
                sum.probes_sent, sum.probes_sent == 1 ? "" : "s");
    else if (sum.interrupted)
        report_interrupt(how->resume_file);
    if (rc == SP_OK && !sum.interrupted && !o->dry_run)
        explain_failure(scan, o, &sum);
    return status_of(scan, how, rc, &sum);
}

int cli_run_mode(const struct cli_options *o, sp_mode mode, const struct cli_run_how *how)
{
    sp_scan *scan = cli_scan_new(mode);
    if (!scan)
        return EXIT_RUNTIME;
    struct cli_applied a;
    int status = cli_apply(scan, o, &a);
    if (status == EXIT_DONE)
        status = cli_apply_outputs(scan, o);
    if (status == EXIT_DONE)
        status = cli_run(scan, o, how);
    sp_scan_free(scan);
    return status;
}
