/* The scan handle as the library sees it: what the caller set (settings,
 * callbacks), what a run builds (engine state, kept services), and what
 * it reports (summary, error message). Every stage gets its part of it
 * through the sp_scan pointer; nothing here is process-wide. */
#ifndef SP_API_SCAN_H
#define SP_API_SCAN_H

#include "sipprobe/sipprobe.h"

#include "audit/candidates.h"
#include "classify/enumerate.h"
#include "classify/fingerprint.h"
#include "classify/vulns.h"
#include "common/util.h"
#include "engine/run.h"
#include "output/output.h"
#include "output/outthread.h"
#include "probe/probe.h"
#include "state/accept.h"
#include "state/baseline.h"
#include "state/resume.h"
#include "targets/targets.h"
#include "transport/source.h"

#include <signal.h>

#define SP__MAX_WRITERS 16

/* Modes as bits, for the setters that say which modes they belong to. */
#define SP__M_SCAN (1u << SP_MODE_SCAN)
#define SP__M_CAPTURE (1u << SP_MODE_CAPTURE)
#define SP__M_ALG (1u << SP_MODE_ALG_CHECK)
#define SP__M_REPORT (1u << SP_MODE_REPORT)
#define SP__M_ALL (SP__M_SCAN | SP__M_CAPTURE | SP__M_ALG | SP__M_REPORT)

/* What the caller asked for. Setters write here and nowhere else. */
typedef struct sp__settings {
    sp__targets targets;
    sp__strv target_specs, exclude_specs;
    uint16_t *ports; /* NULL: each transport's default port */
    size_t n_ports;
    char *ports_spec;
    unsigned transports; /* bits 1 << sp_transport */
    char transports_spec[32];
    unsigned max_conns; /* 0: from the rate */
    unsigned connect_timeout_ms;
    int methods[SP__MAX_PROBES];
    size_t n_methods;
    uint32_t method_mask;
    char methods_spec[128];
    uint32_t rate;
    unsigned retries, wait_ms;
    uint64_t seed;
    unsigned shard_index, shard_count; /* 0-based index */
    char *user_agent, *from_user, *to_user;
    sp__extlist exts;    /* extensions to enumerate; empty: no enumeration */
    int audit_passwords; /* the opt-in password audit */
    sp__passlist passwords;
    unsigned max_attempts; /* per extension; 0: every candidate */
    unsigned audit_rate;   /* attempts per second per host */
    int show_passwords;
    int check_invite;
    char *invite_to; /* NULL: a random non-numeric user */
    sp_severity fail_on;
    int color;
    unsigned columns;        /* text layout: terminal width, 0 none */
    int verbose;             /* text layout: info findings listed */
    char *resume_path;       /* journal for interrupt/resume */
    sp__resume_state resume; /* loaded by sp_scan_resume */
    int resuming;
    char *alg_host; /* alg-check mode: the reflector */
    uint16_t alg_port;
    char *alg_token;
    int alg_udp, alg_tcp;
    sp__strv captures; /* capture mode: --read files */
    char *live_iface;  /* --read-live */
    char *live_filter;
    unsigned live_seconds;
    char *write_pcap; /* evidence of a live scan */
    char *upload_url;
    unsigned upload_batch; /* 0: one json document; else ndjson, this many services per POST */
    sp__strv upload_headers;
    int dry_run;
    sp__source source; /* --source-ip, --source-port, --interface */
    char *vantage;     /* NULL: the host name */
    sp__strv results;  /* report mode: stored results to merge */
    int strict;        /* report mode: shard problems and bad input fail the run */
} sp__settings;

/* Who this run is, stamped on every service it reports (sp_observation):
 * filled by sp__begin from the run's settings. */
typedef struct sp__ident {
    char scan_id[20];
    char targets_id[20];
    char shard[24];
    char started[32];
    char vantage[256];
    uint64_t seed;
    int ready;
} sp__ident;

/* The caller's callbacks. */
typedef struct sp__hooks {
    sp_log_fn log_fn;
    void *log_data;
    sp_service_fn service_fn;
    void *service_data;
    sp_progress_fn progress_fn;
    void *progress_data;
    sp_probe_fn dry_fn;
    void *dry_data;
    const sp__dgram_ops *dgram; /* NULL: the UDP sockets (a unit test's fake otherwise) */
    void *dgram_ctx;
} sp__hooks;

struct sp_scan {
    char err[512];
    sp_mode mode;
    sp__settings set;
    sp__hooks hooks;

    /* Knowledge the classifier uses: user rules first, then the built-in ones. */
    sp__fpdb fpdb;
    sp__vulndb vulns;
    int builtin_loaded;
    sp__baseline baseline;
    sp__strv fixed;      /* baseline findings gone, filled by the finishing step */
    sp__strv not_seen;   /* baseline findings of services that did not answer this time */
    sp__strv answered;   /* with a baseline: "host:port/transport" of every service reported */
    sp__accepts accepts; /* --accept */
    time_t accept_now;   /* when accept entries are judged (the run's start) */
    sp__strv failures;   /* findings that make fail-on fail, one line each */
    sp__strv expired;    /* accept entries past their date */
    sp__ident ident;
    char left_out[256];      /* what the default excludes left out, as text */
    sp__strv excludes_shown; /* the excludes reports show: the caller's and the default ones */
    sp__strv warnings;       /* report mode: shard checks and bad input, shown in the reports */

    sp__writer *writers[SP__MAX_WRITERS];
    size_t n_writers;
    int keep_services; /* a document writer or the upload needs every service at the end */

    volatile sig_atomic_t stop;
    int running, ran;

    sp__run run;         /* the engine's per-run state (network scan) */
    sp__journal journal; /* resume journal, while a scan runs */
    sp__outthread out;   /* the output thread, while a scan runs */
    sp__svc **kept;      /* finished services the document writers get */
    size_t n_kept, cap_kept;
    size_t kept_lost; /* services the final report lacks (out of memory) */
    sp_summary summary;
};

/* Sets the handle's message and returns code. */
sp_code sp__fail(sp_scan *s, sp_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Logs through the caller's callback (level 0 warning, 1 info, 2 debug). */
void sp__log(sp_scan *s, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* SP_ESTATE with a message naming `what` unless the handle is idle and
 * its mode is one of `modes` (SP__M_* bits). */
sp_code sp__need_mode(sp_scan *s, unsigned modes, const char *what);
const char *sp__mode_name(sp_mode mode);
/* The settings a journal needs to continue the scan (api/resume.c). */
struct json_t *sp__settings_json(const sp_scan *s);
/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t sp__now_ns(void);

#endif
