#include "progress.h"

#include <inttypes.h>
#include <stdio.h>

static int g_verbose;
static int g_quiet;
static int g_progress_shown;

void cli_log_level(int quiet, int verbose)
{
    g_quiet = quiet;
    g_verbose = verbose;
}

void cli_progress_clear(void)
{
    if (g_progress_shown) {
        fputs("\r\033[K", stderr);
        g_progress_shown = 0;
    }
}

void cli_on_log(int level, const char *msg, void *data)
{
    (void)data;
    if (g_quiet || level > g_verbose)
        return;
    cli_progress_clear();
    fprintf(stderr, "sipprobe: %s%s\n", level == 0 ? "warning: " : "", msg);
}

void cli_on_progress(const sp_progress *p, void *data)
{
    (void)data;
    double pct = p->probes_total ? 100.0 * (double)p->probes_sent / (double)p->probes_total : 0;
    if (pct > 100)
        pct = 100;
    /* ETA of the first round from the recent rate; the final wait comes on top. */
    char eta[32] = "";
    if (p->rate_pps > 0 && p->probes_total > p->probes_sent)
        snprintf(eta, sizeof(eta), "  ETA %.0fs",
                 (double)(p->probes_total - p->probes_sent) / p->rate_pps);
    fprintf(stderr,
            "\r\033[Ksent %" PRIu64 " (%.0f%%)  replies %" PRIu64 "  services %" PRIu64
            "  %.0f probes/s  %.1fs%s",
            p->probes_sent, pct, p->replies, p->services, p->rate_pps, p->elapsed_s, eta);
    g_progress_shown = 1;
}
