#include "progress.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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
    uint64_t sent = p->probes_sent + p->probes_resumed; /* a resumed run counts whole */
    char what[96];
    if (p->phase && strcmp(p->phase, "discovery") != 0) {
        snprintf(what, sizeof(what), "%s", p->phase);
    } else if (p->round >= p->rounds && p->rounds) {
        snprintf(what, sizeof(what), "waiting for late replies");
    } else if (p->round > 0) {
        /* Retries are not in the first round's 100%: say what is going on. */
        snprintf(what, sizeof(what), "retrying silent targets (round %u of %u)", p->round + 1,
                 p->rounds);
    } else {
        double pct = p->probes_total ? 100.0 * (double)sent / (double)p->probes_total : 0;
        snprintf(what, sizeof(what), "%.0f%%", pct > 100 ? 100 : pct);
    }
    /* ETA of the first round from the recent rate; the final wait comes on top. */
    char eta[32] = "";
    if (p->round == 0 && p->rate_pps > 0 && p->probes_total > sent)
        snprintf(eta, sizeof(eta), "  ETA %.0fs", (double)(p->probes_total - sent) / p->rate_pps);
    if (p->final) /* what the run did, on a line of its own: the outputs come next */
        snprintf(what, sizeof(what), "done");
    fprintf(stderr,
            "\r\033[Ksent %" PRIu64 " (%s)  replies %" PRIu64 "  services %" PRIu64
            "  %.0f probes/s  %.1fs%s%s",
            sent, what, p->replies, p->services, p->rate_pps, p->elapsed_s, p->final ? "" : eta,
            p->final ? "\n" : "");
    g_progress_shown = !p->final;
}
