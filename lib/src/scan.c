/* The scan: the public handle, its setters, and the engine that walks the
 * permutation, paces and sends probes, matches replies by token, hands them
 * to classification and the finished services to the writers. */
#include "sipprobe/sipprobe.h"

#include "alg/alg.h"
#include "state/baseline.h"
#include "capture/capture.h"
#include "classify/classify.h"
#include "classify/enumerate.h"
#include "classify/fingerprint.h"
#include "capture/inventory.h"
#include "output/outthread.h"
#include "output/output.h"
#include "targets/permute.h"
#include "probe/probe.h"
#include "engine/ratelimit.h"
#include "state/resume.h"
#include "model/service.h"
#include "match/siphash.h"
#include "transport/stream.h"
#include "targets/targets.h"
#include "model/tlscert.h"
#include "match/token.h"
#include "transport/udp.h"
#include "output/upload.h"
#include "classify/vulns.h"
#include "common/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <jansson.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define MAX_WRITERS 16
#define PROBE_MAX 1400 /* our requests are ~400 bytes; this bounds user-supplied strings */

/* One row of the service table: small, kept for every responder so that
 * retransmissions and retries are recognised after a service is emitted. */
typedef struct entry {
    uint8_t used;
    uint8_t family;
    uint8_t transport;
    uint16_t port;
    uint32_t seen_mask;
    uint32_t final_mask;
    uint8_t addr[16];
    sp__svc *svc; /* full record while not yet emitted */
} entry;

struct sp_scan {
    char err[512];
    sp_mode mode;

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
    sp__extlist exts;       /* extensions to enumerate; empty: no enumeration */
    char baseline_user[32]; /* random, surely non-existent */
    int enumerating;        /* the enumeration phase is running */
    uint64_t enum_expected, enum_done;
    sp__fpdb fpdb;
    sp__vulndb vulns;
    int builtin_loaded;
    sp__baseline baseline;
    sp__strv fixed;
    sp_severity fail_on;
    int color;
    char *resume_path; /* journal for interrupt/resume */
    sp__journal journal;
    sp__outthread out;       /* the output thread, while a scan runs */
    sp__resume_state resume; /* loaded by sp_scan_resume */
    int resuming;
    unsigned pos_round; /* where sending is: the round and the walk index */
    uint64_t pos_j;
    char *alg_host; /* alg-check mode: the reflector */
    uint16_t alg_port;
    char *alg_token;
    int alg_udp, alg_tcp;
    sp__strv captures; /* --read files: inventory mode */
    char *live_iface;  /* --read-live */
    char *live_filter;
    unsigned live_seconds;
    char *write_pcap;          /* evidence of a live scan */
    sp__pcap_writer *pcap_out; /* while the scan runs */
    sp__addr local_addr[2];    /* the UDP sockets' addresses, for the pcap */
    uint16_t local_port[2];
    char *upload_url;
    unsigned upload_batch; /* 0: one json document; else ndjson, this many services per POST */
    sp__strv upload_headers;

    sp__writer *writers[MAX_WRITERS];
    size_t n_writers;
    int keep_services; /* a document writer needs every service at the end */

    sp_log_fn log_fn;
    void *log_data;
    sp_service_fn service_fn;
    void *service_data;
    sp_progress_fn progress_fn;
    void *progress_data;
    sp_probe_fn dry_fn;
    void *dry_data;
    int dry_run;

    volatile sig_atomic_t stop;
    int running, ran;

    /* Run state. */
    uint8_t key[16];
    sp__template tmpl[SP__MAX_PROBES][3]; /* per probe and transport */
    char local[2][80];
    uint64_t start_ns;
    entry *table;
    size_t table_cap, table_used;
    sp__svc **kept;
    size_t n_kept, cap_kept;
    size_t kept_lost;       /* services the final report lacks (out of memory) */
    uint64_t expected;      /* probes in the first round */
    uint64_t planned;       /* probes the first round will send (for progress) */
    double max_rtt_ms;      /* slowest round trip seen so far */
    uint64_t finals;        /* UDP (target, probe) pairs with a final reply */
    uint64_t streams_ended; /* TCP/TLS probes whose connection is over */
    int use_streams;        /* some target is scanned over TCP or TLS */
    sp_summary summary;
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void logf_(sp_scan *s, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void logf_(sp_scan *s, int level, const char *fmt, ...)
{
    if (!s->log_fn)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    s->log_fn(level, msg, s->log_data);
}

static sp_code fail(sp_scan *s, sp_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static sp_code fail(sp_scan *s, sp_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof(s->err), fmt, ap);
    va_end(ap);
    return code;
}

/* ---- Handle and setters ---- */

sp_scan *sp_scan_new_mode(sp_mode mode)
{
    if (mode != SP_MODE_SCAN && mode != SP_MODE_CAPTURE && mode != SP_MODE_ALG_CHECK)
        return NULL;
    sp_scan *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->mode = mode;
    sp__targets_init(&s->targets);
    sp__fpdb_init(&s->fpdb);
    sp__vulndb_init(&s->vulns);
    sp__baseline_init(&s->baseline);
    s->fail_on = SP_SEV_NONE;
    s->rate = 500;
    s->retries = 1;
    s->wait_ms = 2000;
    s->connect_timeout_ms = 3000;
    s->transports = 1u << SP_TRANSPORT_UDP;
    snprintf(s->transports_spec, sizeof(s->transports_spec), "udp");
    s->shard_count = 1;
    s->user_agent = strdup("sipprobe/" SP_VERSION);
    s->from_user = strdup("100");
    s->to_user = strdup("100");
    s->methods[0] = sp__probe_find("OPTIONS");
    s->n_methods = 1;
    s->method_mask = 1u << s->methods[0];
    snprintf(s->methods_spec, sizeof(s->methods_spec), "OPTIONS");
    if (getrandom(&s->seed, sizeof(s->seed), 0) != sizeof(s->seed))
        s->seed = (uint64_t)time(NULL) ^ (uint64_t)now_ns();
    if (!s->user_agent || !s->from_user || !s->to_user) {
        sp_scan_free(s);
        return NULL;
    }
    return s;
}

sp_scan *sp_scan_new(void)
{
    return sp_scan_new_mode(SP_MODE_SCAN);
}

sp_mode sp_scan_mode(const sp_scan *s)
{
    return s->mode;
}

void sp_scan_free(sp_scan *s)
{
    if (!s)
        return;
    sp__targets_free(&s->targets);
    sp__extlist_free(&s->exts);
    sp__strv_free(&s->target_specs);
    sp__strv_free(&s->exclude_specs);
    free(s->ports);
    free(s->ports_spec);
    free(s->user_agent);
    free(s->from_user);
    free(s->to_user);
    for (size_t i = 0; i < s->n_writers; i++)
        sp__writer_abort(s->writers[i]);
    for (size_t i = 0; i < SP__MAX_PROBES; i++)
        for (size_t t = 0; t < 3; t++)
            sp__template_free(&s->tmpl[i][t]);
    for (size_t i = 0; i < s->table_cap; i++)
        sp__svc_free(s->table[i].svc);
    free(s->table);
    for (size_t i = 0; i < s->n_kept; i++)
        sp__svc_free(s->kept[i]);
    free(s->kept);
    sp__fpdb_free(&s->fpdb); /* after services: they point into it */
    sp__vulndb_free(&s->vulns);
    sp__baseline_free(&s->baseline);
    free(s->upload_url);
    sp__strv_free(&s->captures);
    free(s->live_iface);
    free(s->live_filter);
    free(s->write_pcap);
    sp__pcap_writer_close(s->pcap_out);
    free(s->alg_host);
    free(s->alg_token);
    free(s->resume_path);
    sp__journal_close(&s->journal, 1);
    sp__resume_free(&s->resume);
    sp__strv_free(&s->upload_headers);
    sp__strv_free(&s->fixed);
    free(s);
}

const char *sp_scan_errmsg(const sp_scan *s)
{
    return s->err;
}

static sp_code check_idle(sp_scan *s)
{
    if (s->running || s->ran)
        return fail(s, SP_ESTATE, "the scan has already run");
    return SP_OK;
}

#define M_SCAN (1u << SP_MODE_SCAN)
#define M_CAPTURE (1u << SP_MODE_CAPTURE)
#define M_ALG (1u << SP_MODE_ALG_CHECK)

static const char *mode_name(sp_mode m)
{
    return m == SP_MODE_SCAN      ? "a network scan"
           : m == SP_MODE_CAPTURE ? "a capture inventory"
                                  : "an ALG check";
}

/* A setting that does not belong to the handle's mode is an error, not
 * silently ignored; the message names the setting. */
static sp_code need_mode(sp_scan *s, unsigned modes, const char *what)
{
    if (check_idle(s))
        return SP_ESTATE;
    if (!(modes & (1u << s->mode)))
        return fail(s, SP_ESTATE, "%s does not apply to %s", what, mode_name(s->mode));
    return SP_OK;
}

/* Targets and excludes: parsed now (errors name the token), and the spec
 * kept as typed for reports and resume files. */
static sp_code add_spec(sp_scan *s, const char *spec, int exclude)
{
    if (need_mode(s, M_SCAN, exclude ? "excludes" : "targets"))
        return SP_ESTATE;
    if (!spec)
        return fail(s, SP_EINVAL, "no %s given", exclude ? "exclude" : "target");
    int rc = exclude ? sp__targets_exclude(&s->targets, spec, s->err, sizeof(s->err))
                     : sp__targets_add(&s->targets, spec, s->err, sizeof(s->err));
    if (rc)
        return (sp_code)rc;
    if (sp__strv_push(exclude ? &s->exclude_specs : &s->target_specs, spec, strlen(spec)))
        return fail(s, SP_ENOMEM, "out of memory");
    return SP_OK;
}

sp_code sp_scan_add_target(sp_scan *s, const char *spec)
{
    return add_spec(s, spec, 0);
}

sp_code sp_scan_add_exclude(sp_scan *s, const char *spec)
{
    return add_spec(s, spec, 1);
}

/* Reads a list file: one spec per line, '#' comments, "-" is stdin. */
static sp_code add_file(sp_scan *s, const char *path, int exclude)
{
    FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!fp)
        return fail(s, SP_EIO, "cannot read '%s': %s", path, strerror(errno));
    char line[1024];
    unsigned lineno = 0;
    sp_code rc = SP_OK;
    while (fgets(line, sizeof(line), fp)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
            rc = fail(s, SP_ETARGET, "%s:%u: line longer than %zu characters", path, lineno,
                      sizeof(line) - 2);
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            continue;
        if (exclude == 2) {
            char *end = p + strlen(p);
            while (end > p && isspace((unsigned char)end[-1]))
                *--end = '\0';
            rc = (sp_code)sp__extlist_add(&s->exts, p, s->err, sizeof(s->err));
        } else {
            rc = exclude ? sp_scan_add_exclude(s, p) : sp_scan_add_target(s, p);
        }
        if (rc) {
            char inner[sizeof(s->err)];
            snprintf(inner, sizeof(inner), "%s", s->err);
            fail(s, rc, "%s:%u: %s", path, lineno, inner);
            break;
        }
    }
    if (!rc && ferror(fp))
        rc = fail(s, SP_EIO, "cannot read '%s': %s", path, strerror(errno));
    if (fp != stdin)
        fclose(fp);
    return rc;
}

sp_code sp_scan_add_targets_file(sp_scan *s, const char *path)
{
    if (need_mode(s, M_SCAN, "targets"))
        return SP_ESTATE;
    return add_file(s, path, 0);
}

sp_code sp_scan_add_excludes_file(sp_scan *s, const char *path)
{
    if (need_mode(s, M_SCAN, "excludes"))
        return SP_ESTATE;
    return add_file(s, path, 1);
}

sp_code sp_scan_set_extensions(sp_scan *s, const char *list)
{
    if (need_mode(s, M_SCAN, "extension enumeration"))
        return SP_ESTATE;
    return (sp_code)sp__extlist_add(&s->exts, list ? list : "", s->err, sizeof(s->err));
}

sp_code sp_scan_add_extensions_file(sp_scan *s, const char *path)
{
    if (need_mode(s, M_SCAN, "extension enumeration"))
        return SP_ESTATE;
    return add_file(s, path, 2);
}

sp_code sp_scan_set_ports(sp_scan *s, const char *list)
{
    uint16_t *ports;
    size_t n;
    if (need_mode(s, M_SCAN, "ports"))
        return SP_ESTATE;
    int rc = sp__ports_parse(list ? list : "", &ports, &n, s->err, sizeof(s->err));
    if (rc)
        return (sp_code)rc;
    free(s->ports);
    free(s->ports_spec);
    s->ports = ports;
    s->n_ports = n;
    s->ports_spec = strdup(list);
    return SP_OK;
}

sp_code sp_scan_set_transports(sp_scan *s, const char *list)
{
    if (need_mode(s, M_SCAN, "the transport list"))
        return SP_ESTATE;
    unsigned mask = 0;
    char buf[64];
    if (!list || strlen(list) >= sizeof(buf))
        return fail(s, SP_EINVAL, "bad transport list (udp, tcp, tls)");
    snprintf(buf, sizeof(buf), "%s", list);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int t = !strcasecmp(tok, "udp")   ? SP_TRANSPORT_UDP
                : !strcasecmp(tok, "tcp") ? SP_TRANSPORT_TCP
                : !strcasecmp(tok, "tls") ? SP_TRANSPORT_TLS
                                          : -1;
        if (t < 0)
            return fail(s, SP_EINVAL, "unknown transport '%s' (udp, tcp, tls)", tok);
        mask |= 1u << t;
    }
    if (!mask)
        return fail(s, SP_EINVAL, "no transport given (udp, tcp, tls)");
    s->transports = mask;
    s->transports_spec[0] = '\0';
    for (int t = 0; t < 3; t++)
        if (mask & (1u << t)) {
            if (s->transports_spec[0])
                strcat(s->transports_spec, ",");
            strcat(s->transports_spec, sp_transport_name((sp_transport)t));
        }
    return SP_OK;
}

sp_code sp_scan_add_capture_file(sp_scan *s, const char *path)
{
    if (need_mode(s, M_CAPTURE, "reading a capture"))
        return SP_ESTATE;
    if (!path || !*path)
        return fail(s, SP_EINVAL, "empty capture file name");
    if (sp__strv_push(&s->captures, path, strlen(path)))
        return fail(s, SP_ENOMEM, "out of memory");
    return SP_OK;
}

sp_code sp_scan_set_live_capture(sp_scan *s, const char *iface, const char *filter,
                                 unsigned seconds)
{
    if (need_mode(s, M_CAPTURE, "a live capture"))
        return SP_ESTATE;
    if (!iface || !*iface)
        return fail(s, SP_EINVAL, "no interface given for live capture");
    if (seconds == 0 || seconds > 86400)
        return fail(s, SP_EINVAL, "capture duration must be 1 to 86400 seconds");
    free(s->live_iface);
    free(s->live_filter);
    s->live_iface = strdup(iface);
    s->live_filter = filter ? strdup(filter) : NULL;
    s->live_seconds = seconds;
    return s->live_iface ? SP_OK : fail(s, SP_ENOMEM, "out of memory");
}

sp_code sp_scan_set_write_pcap(sp_scan *s, const char *path)
{
    if (need_mode(s, M_SCAN, "writing a pcap of probes"))
        return SP_ESTATE;
    free(s->write_pcap);
    s->write_pcap = path ? strdup(path) : NULL;
    return SP_OK;
}

sp_code sp_scan_set_max_connections(sp_scan *s, unsigned n)
{
    if (need_mode(s, M_SCAN, "max connections"))
        return SP_ESTATE;
    if (n == 0 || n > 65536)
        return fail(s, SP_EINVAL, "max connections must be between 1 and 65536");
    s->max_conns = n;
    return SP_OK;
}

sp_code sp_scan_set_connect_timeout_ms(sp_scan *s, unsigned ms)
{
    if (need_mode(s, M_SCAN, "connect timeout"))
        return SP_ESTATE;
    if (ms < 10 || ms > 600000)
        return fail(s, SP_EINVAL, "connect timeout must be between 10 and 600000 ms");
    s->connect_timeout_ms = ms;
    return SP_OK;
}

sp_code sp_scan_set_methods(sp_scan *s, const char *list)
{
    if (need_mode(s, M_SCAN, "probe methods"))
        return SP_ESTATE;
    int methods[SP__MAX_PROBES];
    size_t n = 0;
    uint32_t mask = 0;
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", list ? list : "");
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int idx = sp__probe_find(tok);
        if (idx < 0)
            return fail(s, SP_EMETHOD, "unknown probe method '%s' (see --list-probes)", tok);
        if (mask & (1u << idx))
            continue;
        mask |= 1u << idx;
        methods[n++] = idx;
    }
    if (n == 0)
        return fail(s, SP_EMETHOD, "no probe method given");
    memcpy(s->methods, methods, sizeof(methods));
    s->n_methods = n;
    s->method_mask = mask;
    s->methods_spec[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strncat(s->methods_spec, i ? "," : "",
                sizeof(s->methods_spec) - strlen(s->methods_spec) - 1);
        strncat(s->methods_spec, sp__probe_get((size_t)methods[i])->name,
                sizeof(s->methods_spec) - strlen(s->methods_spec) - 1);
    }
    return SP_OK;
}

sp_code sp_scan_set_rate(sp_scan *s, uint32_t pps)
{
    if (need_mode(s, M_SCAN, "rate"))
        return SP_ESTATE;
    if (pps == 0 || pps > 10000000)
        return fail(s, SP_EINVAL, "rate must be between 1 and 10000000 probes per second");
    s->rate = pps;
    return SP_OK;
}

sp_code sp_scan_set_retries(sp_scan *s, unsigned retries)
{
    if (need_mode(s, M_SCAN, "retries"))
        return SP_ESTATE;
    if (retries > 10)
        return fail(s, SP_EINVAL, "retries must be between 0 and 10");
    s->retries = retries;
    return SP_OK;
}

sp_code sp_scan_set_wait_ms(sp_scan *s, unsigned wait_ms)
{
    if (need_mode(s, M_SCAN | M_ALG, "wait"))
        return SP_ESTATE;
    if (wait_ms > 600000)
        return fail(s, SP_EINVAL, "wait must be at most 600000 ms");
    s->wait_ms = wait_ms;
    return SP_OK;
}

sp_code sp_scan_set_seed(sp_scan *s, uint64_t seed)
{
    if (need_mode(s, M_SCAN, "seed"))
        return SP_ESTATE;
    s->seed = seed;
    return SP_OK;
}

sp_code sp_scan_set_shard(sp_scan *s, unsigned index, unsigned count)
{
    if (need_mode(s, M_SCAN, "shard"))
        return SP_ESTATE;
    if (count == 0 || index == 0 || index > count)
        return fail(s, SP_EINVAL, "shard must be I/N with 1 <= I <= N");
    s->shard_index = index - 1;
    s->shard_count = count;
    return SP_OK;
}

static sp_code set_string(sp_scan *s, char **dst, const char *v, const char *what, int allow_empty)
{
    if (!v || (!allow_empty && !*v))
        return fail(s, SP_EINVAL, "%s must not be empty", what);
    if (strlen(v) > 200)
        return fail(s, SP_EINVAL, "%s is longer than 200 characters", what);
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return fail(s, SP_EINVAL, "%s contains a control character", what);
    char *copy = strdup(v);
    if (!copy)
        return fail(s, SP_ENOMEM, "out of memory");
    free(*dst);
    *dst = copy;
    return SP_OK;
}

/* SIP user parts we put in URIs: unreserved characters only, so the
 * request stays well-formed whatever the user types. */
static sp_code set_user(sp_scan *s, char **dst, const char *v, const char *what)
{
    if (!v || !*v)
        return fail(s, SP_EINVAL, "%s must not be empty", what);
    for (const char *p = v; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("-_.!~*'()&=+$,;?/", *p))
            return fail(s, SP_EINVAL, "%s '%s' has a character not allowed in a SIP user part",
                        what, v);
    return set_string(s, dst, v, what, 0);
}

sp_code sp_scan_set_user_agent(sp_scan *s, const char *ua)
{
    if (need_mode(s, M_SCAN | M_ALG, "user agent"))
        return SP_ESTATE;
    return set_string(s, &s->user_agent, ua, "user agent", 1);
}

sp_code sp_scan_set_from_user(sp_scan *s, const char *user)
{
    if (need_mode(s, M_SCAN, "from user"))
        return SP_ESTATE;
    return set_user(s, &s->from_user, user, "from user");
}

sp_code sp_scan_set_to_user(sp_scan *s, const char *user)
{
    if (need_mode(s, M_SCAN, "to user"))
        return SP_ESTATE;
    return set_user(s, &s->to_user, user, "to user");
}

sp_code sp_scan_add_fingerprints_file(sp_scan *s, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return fail(s, SP_EIO, "cannot read fingerprints '%s': %s", path, strerror(errno));
    sp__buf b;
    sp__buf_init(&b);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0 && b.len < (16u << 20))
        sp__buf_append(&b, chunk, n);
    int rerr = ferror(fp);
    fclose(fp);
    if (rerr || b.failed) {
        sp__buf_free(&b);
        return fail(s, SP_EIO, "cannot read fingerprints '%s'", path);
    }
    /* User rules go first so they can override built-in ones. */
    int rc = sp__fpdb_load(&s->fpdb, sp__buf_cstr(&b), b.len, path, 1, s->err, sizeof(s->err));
    sp__buf_free(&b);
    return (sp_code)rc;
}

sp_code sp_scan_add_output(sp_scan *s, const char *format, const char *path)
{
    const sp__writer_type *type = sp__writer_find(format ? format : "");
    if (!type)
        return fail(s, SP_EFORMAT, "unknown output format '%s' (see --list-outputs)",
                    format ? format : "");
    if (s->n_writers >= MAX_WRITERS)
        return fail(s, SP_EINVAL, "at most %d outputs", MAX_WRITERS);
    sp__writer *w = sp__writer_open(type, path, s->err, sizeof(s->err));
    if (!w)
        return SP_EIO;
    s->writers[s->n_writers++] = w;
    if (!type->streaming)
        s->keep_services = 1;
    return SP_OK;
}

sp_code sp_scan_set_baseline(sp_scan *s, const char *path)
{
    if (check_idle(s))
        return SP_ESTATE;
    sp__baseline_free(&s->baseline);
    free(s->upload_url);
    sp__strv_free(&s->upload_headers);
    return (sp_code)sp__baseline_load(&s->baseline, path, s->err, sizeof(s->err));
}

sp_code sp_scan_set_fail_on(sp_scan *s, sp_severity severity)
{
    if (severity != SP_SEV_NONE && (severity < SP_SEV_INFO || severity > SP_SEV_CRITICAL))
        return fail(s, SP_EINVAL, "invalid severity");
    s->fail_on = severity;
    return SP_OK;
}

sp_code sp_scan_set_upload(sp_scan *s, const char *url, unsigned ndjson_batches)
{
    if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)))
        return fail(s, SP_EINVAL, "upload URL must start with http:// or https://: '%s'",
                    url ? url : "");
    char *copy = strdup(url);
    if (!copy)
        return fail(s, SP_ENOMEM, "out of memory");
    free(s->upload_url);
    s->upload_url = copy;
    s->upload_batch = ndjson_batches;
    s->keep_services = 1; /* the upload needs every service at the end */
    return SP_OK;
}

sp_code sp_scan_add_upload_header(sp_scan *s, const char *header)
{
    const char *colon = header ? strchr(header, ':') : NULL;
    if (!colon || colon == header || strpbrk(header, "\r\n"))
        return fail(s, SP_EINVAL, "upload header must look like 'Name: value'");
    if (sp__strv_push(&s->upload_headers, header, strlen(header)))
        return fail(s, SP_ENOMEM, "out of memory");
    return SP_OK;
}

sp_code sp_scan_set_resume_file(sp_scan *s, const char *path)
{
    if (need_mode(s, M_SCAN, "a resume file"))
        return SP_ESTATE;
    free(s->resume_path);
    s->resume_path = path ? strdup(path) : NULL;
    return path && !s->resume_path ? fail(s, SP_ENOMEM, "out of memory") : SP_OK;
}

/* The settings a journal needs to continue the scan. */
static json_t *settings_json(const sp_scan *s)
{
    json_t *o = json_object();
    json_t *t = json_array(), *x = json_array();
    for (size_t i = 0; i < s->target_specs.n; i++)
        json_array_append_new(t, json_string(s->target_specs.v[i]));
    for (size_t i = 0; i < s->exclude_specs.n; i++)
        json_array_append_new(x, json_string(s->exclude_specs.v[i]));
    json_object_set_new(o, "targets", t);
    json_object_set_new(o, "excludes", x);
    if (s->ports_spec)
        json_object_set_new(o, "ports", json_string(s->ports_spec));
    json_object_set_new(o, "transports", json_string(s->transports_spec));
    json_object_set_new(o, "methods", json_string(s->methods_spec));
    json_object_set_new(o, "rate", json_integer(s->rate));
    json_object_set_new(o, "retries", json_integer(s->retries));
    json_object_set_new(o, "wait_ms", json_integer(s->wait_ms));
    char seed[32];
    snprintf(seed, sizeof(seed), "%llu", (unsigned long long)s->seed);
    json_object_set_new(o, "seed", json_string(seed)); /* a string: JSON numbers lose 64 bits */
    json_object_set_new(o, "shard", json_pack("[ii]", s->shard_index + 1, s->shard_count));
    json_object_set_new(o, "user_agent", json_string(s->user_agent));
    json_object_set_new(o, "from_user", json_string(s->from_user));
    json_object_set_new(o, "to_user", json_string(s->to_user));
    json_object_set_new(o, "extensions", json_boolean(s->exts.count > 0));
    return o;
}

sp_code sp_scan_resume(sp_scan *s, const char *path)
{
    if (need_mode(s, M_SCAN, "resume"))
        return SP_ESTATE;
    sp__resume_free(&s->resume);
    int rc = sp__resume_load(path, &s->resume, s->err, sizeof(s->err));
    if (rc)
        return (sp_code)rc;
    json_t *st = s->resume.settings;
    if (json_is_true(json_object_get(st, "extensions")))
        return fail(s, SP_EDATA, "'%s': a scan with --extensions cannot be resumed", path);
    sp_code r = SP_OK;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(st, "targets"), i, v) if (!r) r =
        sp_scan_add_target(s, json_string_value(v) ? json_string_value(v) : "");
    json_array_foreach(json_object_get(st, "excludes"), i, v) if (!r) r =
        sp_scan_add_exclude(s, json_string_value(v) ? json_string_value(v) : "");
    const char *seed = json_string_value(json_object_get(st, "seed"));
    json_t *shard = json_object_get(st, "shard");
    if (!r && json_object_get(st, "ports"))
        r = sp_scan_set_ports(s, json_string_value(json_object_get(st, "ports")));
    if (!r && json_object_get(st, "transports"))
        r = sp_scan_set_transports(s, json_string_value(json_object_get(st, "transports")));
    if (!r)
        r = sp_scan_set_methods(s, json_string_value(json_object_get(st, "methods")));
    if (!r)
        r = sp_scan_set_rate(s, (uint32_t)json_integer_value(json_object_get(st, "rate")));
    if (!r)
        r = sp_scan_set_retries(s, (unsigned)json_integer_value(json_object_get(st, "retries")));
    if (!r)
        r = sp_scan_set_wait_ms(s, (unsigned)json_integer_value(json_object_get(st, "wait_ms")));
    if (!r && seed)
        r = sp_scan_set_seed(s, strtoull(seed, NULL, 10));
    if (!r)
        r = sp_scan_set_shard(s, (unsigned)json_integer_value(json_array_get(shard, 0)),
                              (unsigned)json_integer_value(json_array_get(shard, 1)));
    if (!r)
        r = sp_scan_set_user_agent(s, json_string_value(json_object_get(st, "user_agent")));
    if (!r)
        r = sp_scan_set_from_user(s, json_string_value(json_object_get(st, "from_user")));
    if (!r)
        r = sp_scan_set_to_user(s, json_string_value(json_object_get(st, "to_user")));
    if (r) {
        char inner[sizeof(s->err)];
        snprintf(inner, sizeof(inner), "%s", s->err);
        return fail(s, SP_EDATA, "'%s': bad settings: %s", path, inner);
    }
    if (sp_scan_set_resume_file(s, path))
        return SP_ENOMEM;
    s->resuming = 1;
    return SP_OK;
}

sp_code sp_scan_set_alg_check(sp_scan *s, const char *reflector, const char *token,
                              const char *transports)
{
    if (need_mode(s, M_ALG, "alg-check"))
        return SP_ESTATE;
    sp__range r;
    int rc = sp__target_parse(reflector ? reflector : "", 1, &r, s->err, sizeof(s->err));
    if (rc)
        return (sp_code)rc;
    if (r.lo != r.hi)
        return fail(s, SP_ETARGET, "alg-check needs one reflector address, not '%s'", reflector);
    if (!token || strlen(token) < 8)
        return fail(s, SP_EINVAL, "alg-check needs the reflector's --token (8+ characters)");
    sp__addr a;
    memset(&a, 0, sizeof(a));
    a.family = r.family;
    for (int i = (r.family == 4 ? 3 : 15), k = 0; i >= 0; i--, k++)
        a.bytes[i] = (uint8_t)(r.lo >> (8 * k));
    char text[64];
    sp__addr_format(&a, text, sizeof(text));
    free(s->alg_host);
    free(s->alg_token);
    s->alg_host = strdup(text);
    s->alg_token = strdup(token);
    s->alg_port = r.port > 0 ? (uint16_t)r.port : 5060;
    s->alg_udp = !transports || strstr(transports, "udp") != NULL;
    s->alg_tcp = transports && strstr(transports, "tcp") != NULL;
    if (transports && !s->alg_udp && !s->alg_tcp)
        return fail(s, SP_EINVAL, "transports are udp and/or tcp, not '%s'", transports);
    return s->alg_host && s->alg_token ? SP_OK : fail(s, SP_ENOMEM, "out of memory");
}

void sp_scan_set_color(sp_scan *s, int on)
{
    s->color = on;
}

void sp_scan_set_log(sp_scan *s, sp_log_fn fn, void *data)
{
    s->log_fn = fn;
    s->log_data = data;
}

void sp_scan_set_service_callback(sp_scan *s, sp_service_fn fn, void *data)
{
    s->service_fn = fn;
    s->service_data = data;
}

void sp_scan_set_progress(sp_scan *s, sp_progress_fn fn, void *data)
{
    s->progress_fn = fn;
    s->progress_data = data;
}

void sp_scan_set_dry_run(sp_scan *s, sp_probe_fn fn, void *data)
{
    s->dry_run = 1;
    s->dry_fn = fn;
    s->dry_data = data;
}

void sp_scan_stop(sp_scan *s)
{
    if (s->stop < 2)
        s->stop++;
}

void sp_scan_summary(const sp_scan *s, sp_summary *out)
{
    *out = s->summary;
}

const char *sp_probe_name(size_t i)
{
    const sp__probe_type *t = sp__probe_get(i);
    return t ? t->name : NULL;
}

const char *sp_probe_description(size_t i)
{
    const sp__probe_type *t = sp__probe_get(i);
    return t ? t->description : NULL;
}

/* ---- Preparation ---- */

static sp_code prepare_targets(sp_scan *s)
{
    int rc = sp__targets_finalize(&s->targets, s->ports, s->n_ports, s->transports, s->err,
                                  sizeof(s->err));
    if (rc)
        return (sp_code)rc;
    s->use_streams = 0;
    for (size_t i = 0; i < s->targets.n_eps; i++)
        if (s->targets.eps[i].transport != SP_TRANSPORT_UDP)
            s->use_streams = 1;
    if ((uint64_t)s->targets.pairs * s->n_methods > SP__MAX_PAIRS * 4)
        return fail(s, SP_ETOOBIG, "target set too large");
    return SP_OK;
}

sp_code sp_scan_address_count(sp_scan *s, uint64_t *out)
{
    if (need_mode(s, M_SCAN, "counting addresses"))
        return SP_ESTATE;
    sp_code rc = prepare_targets(s);
    if (rc)
        return rc;
    *out = s->targets.addresses;
    return SP_OK;
}

sp_code sp_scan_probe_count(sp_scan *s, uint64_t *out)
{
    if (need_mode(s, M_SCAN, "counting probes"))
        return SP_ESTATE;
    sp_code rc = prepare_targets(s);
    if (rc)
        return rc;
    uint64_t n = s->targets.pairs * s->n_methods;
    if (s->shard_count > 1) {
        sp__perm perm;
        sp__perm_init(&perm, n, s->seed);
        n = sp__walk_count(&perm, s->shard_index, s->shard_count);
    }
    *out = n;
    return SP_OK;
}

static sp_code prepare(sp_scan *s)
{
    sp_code rc = prepare_targets(s);
    if (rc)
        return rc;
    if (!s->builtin_loaded) {
        rc = (sp_code)sp__fpdb_load_builtin(&s->fpdb, s->err, sizeof(s->err));
        if (!rc)
            rc = (sp_code)sp__vulndb_load_builtin(&s->vulns, s->err, sizeof(s->err));
        if (rc)
            return rc;
        s->builtin_loaded = 1;
    }
    if (getrandom(s->key, sizeof(s->key), 0) != sizeof(s->key))
        return fail(s, SP_EIO, "cannot get random bytes for the scan key");
    sp__probe_params params = {s->from_user, s->to_user, s->user_agent, 0};
    int needed[SP__MAX_PROBES + 1];
    size_t n_needed = 0;
    for (size_t i = 0; i < s->n_methods; i++)
        needed[n_needed++] = s->methods[i];
    if (s->exts.count) {
        /* Enumeration asks REGISTER of a user no PBX has: "sp" + 10 random characters. */
        uint8_t r[10];
        static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
        if (getrandom(r, sizeof(r), 0) != sizeof(r))
            return fail(s, SP_EIO, "cannot get random bytes");
        s->baseline_user[0] = 's';
        s->baseline_user[1] = 'p';
        for (size_t i = 0; i < sizeof(r); i++)
            s->baseline_user[2 + i] = alphabet[r[i] % 32];
        s->baseline_user[12] = '\0';
        if (!(s->method_mask & (1u << sp__probe_find("REGISTER"))))
            needed[n_needed++] = sp__probe_find("REGISTER");
    }
    for (size_t i = 0; i < n_needed; i++) {
        int idx = needed[i];
        for (int t = 0; t < 3; t++) {
            params.transport = t;
            sp__template_free(&s->tmpl[idx][t]);
            if (sp__template_build(&s->tmpl[idx][t], sp__probe_get((size_t)idx), &params) != 0)
                return fail(s, SP_EINVAL, "cannot build the %s probe from these settings",
                            sp__probe_get((size_t)idx)->name);
        }
    }
    return SP_OK;
}

/* ---- Probes ---- */

static uint32_t now_units(const sp_scan *s)
{
    return (uint32_t)((now_ns() - s->start_ns) / 100000); /* 0.1 ms */
}

/* The probe for id; local is our "ip:port" (NULL: the UDP socket's). */
static size_t build_probe(const sp_scan *s, const sp__probe_id *id, const char *local, char *out,
                          size_t cap)
{
    char target[128], callid[SP__TOKEN_MAX], mac_hex[17];
    uint64_t mac;
    sp__addr plain = id->addr;
    plain.scope = 0; /* a zone is local to us: it never goes into a URI */
    sp__addr_format_port(&plain, id->port, target, sizeof(target));
    if (id->transport != SP_TRANSPORT_UDP) {
        size_t tl = strlen(target);
        snprintf(target + tl, sizeof(target) - tl, ";transport=%s",
                 sp_transport_name((sp_transport)id->transport));
    }
    if (!sp__token_encode(s->key, id, callid, sizeof(callid), &mac))
        return 0;
    for (int i = 0; i < 16; i++)
        mac_hex[i] = "0123456789abcdef"[(mac >> (60 - 4 * i)) & 15];
    mac_hex[16] = '\0';
    char user[80];
    const char *fixed = id->ext == 0                  ? s->to_user
                        : id->ext == SP__EXT_BASELINE ? s->baseline_user
                                                      : NULL;
    if (fixed) {
        size_t ul = strnlen(fixed, sizeof(user) - 1);
        memcpy(user, fixed, ul);
        user[ul] = '\0';
    } else {
        sp__extlist_get(&s->exts, id->ext - 1, user, sizeof(user));
    }
    char host[80];
    sp__addr_format(&plain, host + 1, sizeof(host) - 2);
    if (id->addr.family == 6) {
        host[0] = '[';
        strcat(host, "]");
    }
    sp__probe_fields f = {target, local ? local : s->local[id->addr.family == 6], mac_hex, callid,
                          user,   id->addr.family == 6 ? host : host + 1};
    return sp__template_fill(&s->tmpl[id->probe][id->transport < 3 ? id->transport : 0], &f, out,
                             cap);
}

/* ---- Service table ---- */

static uint64_t key_hash(const sp_scan *s, uint8_t family, const uint8_t *addr, uint16_t port,
                         uint8_t transport)
{
    uint8_t k[20];
    memcpy(k, addr, 16);
    k[16] = family;
    k[17] = transport;
    k[18] = (uint8_t)(port >> 8);
    k[19] = (uint8_t)port;
    return sp__siphash24(s->key, k, sizeof(k));
}

static int table_grow(sp_scan *s)
{
    size_t cap = s->table_cap ? s->table_cap * 2 : 1024;
    entry *t = calloc(cap, sizeof(*t));
    if (!t)
        return -1;
    for (size_t i = 0; i < s->table_cap; i++) {
        entry *e = &s->table[i];
        if (!e->used)
            continue;
        size_t j = key_hash(s, e->family, e->addr, e->port, e->transport) & (cap - 1);
        while (t[j].used)
            j = (j + 1) & (cap - 1);
        t[j] = *e;
    }
    free(s->table);
    s->table = t;
    s->table_cap = cap;
    return 0;
}

static entry *table_find(sp_scan *s, const sp__addr *a, uint16_t port, uint8_t transport, int add)
{
    uint8_t addr[16] = {0};
    memcpy(addr, a->bytes, a->family == 4 ? 4 : 16);
    if (add && (s->table_used + 1) * 10 > s->table_cap * 7 && table_grow(s) < 0)
        return NULL;
    if (!s->table_cap)
        return NULL;
    size_t j = key_hash(s, a->family, addr, port, transport) & (s->table_cap - 1);
    while (s->table[j].used) {
        entry *e = &s->table[j];
        if (e->family == a->family && e->port == port && e->transport == transport &&
            !memcmp(e->addr, addr, 16))
            return e;
        j = (j + 1) & (s->table_cap - 1);
    }
    if (!add)
        return NULL;
    entry *e = &s->table[j];
    e->used = 1;
    e->family = a->family;
    e->port = port;
    e->transport = transport;
    memcpy(e->addr, addr, 16);
    s->table_used++;
    return e;
}

/* Finishes a service and hands it to everyone: fingerprint and findings,
 * baseline marks and counts, the callback, the journal and the streaming
 * writers (one JSON line for all), and the list the document writers get at
 * the end. A service read back from a journal is classified and journaled
 * already. Runs on the output thread when there is one (never with a
 * service callback), else on the scan thread. */
static void finish_service(sp_scan *s, sp__svc *svc, int from_journal)
{
    if (!from_journal)
        sp__classify_finish(svc, &s->fpdb, &s->vulns);
    /* Against a baseline, each finding is new or known. */
    for (size_t i = 0; i < svc->n_findings; i++) {
        sp_finding *f = &svc->findings[i];
        if (!s->baseline.loaded) {
            f->is_new = -1;
            continue;
        }
        char key[256];
        sp__service_address(&svc->pub, key, sizeof(key) - 64);
        strcat(key, " ");
        strcat(key, f->id);
        f->is_new = !sp__baseline_check(&s->baseline, key);
        if (f->is_new) {
            s->summary.new_findings++;
            if ((int)f->severity > (int)s->summary.max_new_severity)
                s->summary.max_new_severity = f->severity;
        }
    }
    for (size_t i = 0; i < svc->n_findings; i++) {
        sp_severity sev = svc->findings[i].severity;
        s->summary.findings_by_severity[sev]++;
        if ((int)sev > (int)s->summary.max_severity)
            s->summary.max_severity = sev;
    }
    if (s->service_fn)
        s->service_fn(&svc->pub, s->service_data);
    int streaming = 0;
    for (size_t i = 0; i < s->n_writers; i++)
        streaming |= s->writers[i]->type->streaming;
    int journal = s->journal.fp && !from_journal;
    char *line = journal || streaming ? sp__service_line(&svc->pub) : NULL;
    if (journal)
        sp__journal_service(&s->journal, line);
    for (size_t i = 0; i < s->n_writers; i++) {
        sp__writer *w = s->writers[i];
        if (!w->type->streaming)
            continue;
        if (line && w->type->service_line)
            w->type->service_line(w, line);
        else
            w->type->service(w, &svc->pub);
    }
    free(line);
    if (s->keep_services) {
        if (s->n_kept == s->cap_kept) {
            size_t cap = s->cap_kept ? s->cap_kept * 2 : 64;
            sp__svc **k = realloc(s->kept, cap * sizeof(*k));
            if (!k) {
                s->kept_lost++; /* said after the scan, from the scan thread */
                sp__svc_free(svc);
                return;
            }
            s->kept = k;
            s->cap_kept = cap;
        }
        s->kept[s->n_kept++] = svc;
    } else {
        sp__svc_free(svc);
    }
}

static void out_work(void *ctx, void *item, int from_journal)
{
    finish_service(ctx, item, from_journal);
}

/* While idle, the output thread pushes out what the streams have buffered. */
static void flush_streams(void *ctx)
{
    sp_scan *s = ctx;
    for (size_t i = 0; i < s->n_writers; i++)
        if (s->writers[i]->type->streaming)
            fflush(s->writers[i]->fp);
}

/* A service has all its answers: it leaves the table, counted, and is
 * finished here or by the output thread. */
static void emit_service(sp_scan *s, entry *e, int from_journal)
{
    sp__svc *svc = e->svc;
    e->svc = NULL;
    svc->emitted = 1;
    s->summary.services++;
    if (s->out.running)
        sp__outthread_push(&s->out, svc, from_journal);
    else
        finish_service(s, svc, from_journal);
}

static void emit(sp_scan *s, entry *e)
{
    emit_service(s, e, 0);
}

/* ---- Replies ---- */

/* Finds the Call-ID header value (full or compact form "i") without a full
 * parse, so that datagrams that are not ours cost almost nothing. */
static int find_call_id(const char *buf, size_t len, const char **val, size_t *vlen)
{
    const char *p = memchr(buf, '\n', len);
    const char *end = buf + len;
    while (p && p + 1 < end) {
        const char *line = p + 1;
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol)
            eol = end;
        if (line == eol || (line[0] == '\r' && line + 1 == eol))
            return 0; /* end of headers */
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        if (colon) {
            size_t nlen = (size_t)(colon - line);
            while (nlen && (line[nlen - 1] == ' ' || line[nlen - 1] == '\t'))
                nlen--;
            if ((nlen == 7 && sp__strncaseeq(line, "call-id", 7)) ||
                (nlen == 1 && (line[0] == 'i' || line[0] == 'I'))) {
                size_t n = (size_t)(eol - colon - 1);
                *val = sp__trim(colon + 1, &n);
                *vlen = n;
                return 1;
            }
        }
        p = eol;
    }
    return 0;
}

/* A reply to an enumeration REGISTER: only its status and reason count. */
static void on_enum_reply(sp_scan *s, const sp__udp_in *in, const sp__probe_id *id)
{
    entry *e = table_find(s, &id->addr, id->port, id->transport, 0);
    if (!e || !e->svc || !e->svc->en)
        return; /* a late reply after the phase ended */
    sp__parsed msg;
    if (sp__sipmsg_parse(in->buf, in->len, &msg) == 0) {
        sp__enum *en = e->svc->en;
        uint32_t index = id->ext == SP__EXT_BASELINE ? SP__EXT_BASELINE : id->ext - 1;
        if (sp__enum_record(en, index, msg.status, msg.reason)) {
            en->last_reply_ns = now_ns();
            s->enum_done++;
            s->summary.replies++;
        }
    } else {
        s->summary.bad_replies++;
    }
    sp__parsed_free(&msg);
}

/* A reply, from a datagram or framed from a TCP/TLS connection (with the
 * handshake's evidence in tls). Matched by its token either way. */
static void on_reply(sp_scan *s, const sp__udp_in *in, uint8_t transport, const sp_tls_info *tls)
{
    const char *cid;
    size_t clen;
    sp__probe_id id;

    if (in->len < 12 || memcmp(in->buf, "SIP/2.0 ", 8) != 0 ||
        !find_call_id(in->buf, in->len, &cid, &clen) ||
        !sp__token_decode(s->key, cid, clen, &id, NULL) || id.probe >= SP__MAX_PROBES ||
        id.transport != transport ||
        !(id.ext ? s->exts.count > 0 : (s->method_mask & (1u << id.probe)) != 0)) {
        s->summary.bad_replies++;
        return;
    }
    if (sp__addr_equal(&id.addr, &in->from))
        id.addr.scope = in->from.scope; /* the token does not carry the zone */
    if (id.ext) {
        on_enum_reply(s, in, &id);
        return;
    }
    entry *e = table_find(s, &id.addr, id.port, id.transport, 1);
    if (!e) {
        logf_(s, 0, "out of memory: reply from %s dropped", "a responder");
        return;
    }
    uint32_t bit = 1u << id.probe;
    if (e->final_mask & bit)
        return;                  /* a retransmission */
    if (!e->svc && e->seen_mask) /* emitted already: nothing to add */
        return;

    sp__parsed msg;
    if (sp__sipmsg_parse(in->buf, in->len, &msg) != 0 || msg.status < 100 || msg.status > 699) {
        char from[80];
        sp__addr_format_port(&in->from, in->from_port, from, sizeof(from));
        logf_(s, 1, "unparseable SIP reply from %s (%zu bytes) ignored", from, in->len);
        sp__parsed_free(&msg);
        s->summary.bad_replies++;
        return;
    }
    if (!e->svc) {
        e->svc = sp__svc_new(&id.addr, id.port, id.transport);
        if (!e->svc) {
            sp__parsed_free(&msg);
            return;
        }
    }
    sp__svc_set_responder(e->svc, &in->from, in->from_port);
    if (tls && !e->svc->tls)
        e->svc->tls = sp__tls_cert_new(tls);
    /* Round trip to the arrival in our socket, not to this moment. */
    uint32_t got =
        in->rx_ns > s->start_ns ? (uint32_t)((in->rx_ns - s->start_ns) / 100000) : now_units(s);
    if (got < id.sent_ms)
        got = id.sent_ms; /* stamps a hair apart across two clocks */
    double rtt = (double)(got - id.sent_ms) / 10.0;
    if (rtt > s->max_rtt_ms && rtt < 60000)
        s->max_rtt_ms = rtt;
    /* The request size matters for amplification, a UDP-only concern. */
    char probe[PROBE_MAX];
    size_t req_len =
        transport == SP_TRANSPORT_UDP ? build_probe(s, &id, NULL, probe, sizeof(probe)) : 0;
    const char *name = sp__probe_get(id.probe)->name;
    char sent_to[128], host[64];
    sp__addr_format(&id.addr, host, sizeof(host));
    snprintf(sent_to, sizeof(sent_to), id.addr.family == 6 ? "sip:%s@[%s]" : "sip:%s@%s",
             s->to_user, host);
    sp__classify_echo(e->svc, sent_to, &msg);
    if (sp__classify_reply(e->svc, id.probe, name, &msg, rtt, in->len, req_len)) {
        s->summary.replies++;
        e->seen_mask |= bit;
        if (msg.status >= 200) {
            e->final_mask |= bit;
            if (transport == SP_TRANSPORT_UDP)
                s->finals++; /* a stream probe counts when its connection ends */
        }
    }
    sp__parsed_free(&msg);
    /* With enumeration ahead, services are emitted once it is done. */
    if ((e->final_mask & s->method_mask) == s->method_mask && !s->exts.count)
        emit(s, e);
}

/* ---- The engine ---- */

static void on_datagram(sp_scan *s, const sp__udp_in *in)
{
    if (s->pcap_out) {
        int f = in->from.family == 6;
        sp__pcap_write(s->pcap_out, SP_TRANSPORT_UDP, &in->from, in->from_port, &s->local_addr[f],
                       s->local_port[f], in->buf, in->len);
    }
    on_reply(s, in, SP_TRANSPORT_UDP, NULL);
}

/* ---- TCP and TLS connections (stream.c) call back here ---- */

static size_t stream_build(void *ctx, const sp__probe_id *id, const char *local, char *out,
                           size_t cap)
{
    return build_probe(ctx, id, local, out, cap);
}

static void stream_wrote(void *ctx, const sp__probe_id *id, const char *buf, size_t len,
                         const sp__addr *local, uint16_t local_port)
{
    sp_scan *s = ctx;
    s->summary.probes_sent++;
    /* Over TLS the pcap holds what went inside the encryption. */
    if (s->pcap_out)
        sp__pcap_write(s->pcap_out, SP_TRANSPORT_TCP, local, local_port, &id->addr, id->port, buf,
                       len);
}

static void stream_message(void *ctx, const sp__probe_id *id, const char *buf, size_t len,
                           const sp__addr *from, uint16_t from_port, const sp__addr *local,
                           uint16_t local_port, const sp_tls_info *tls)
{
    sp_scan *s = ctx;
    if (s->pcap_out)
        sp__pcap_write(s->pcap_out, SP_TRANSPORT_TCP, from, from_port, local, local_port, buf, len);
    sp__udp_in in = {.buf = (char *)buf, .len = len, .from = *from, .from_port = from_port};
    on_reply(ctx, &in, id->transport, tls);
}

static void stream_ended(void *ctx, const sp__probe_id *id, sp__conn_end how)
{
    sp_scan *s = ctx;
    if (!id->ext)
        s->streams_ended++;
    switch (how) {
    case SP__CONN_REFUSED:
        s->summary.conn_refused++;
        break;
    case SP__CONN_FILTERED:
        s->summary.conn_filtered++;
        break;
    case SP__CONN_NO_REPLY:
        s->summary.conn_no_reply++;
        break;
    case SP__CONN_TLS_FAILED:
        s->summary.tls_failed++;
        break;
    default:
        break;
    }
}

static const sp__stream_ops stream_ops = {stream_build, stream_wrote, stream_message, stream_ended};

typedef struct run_state {
    sp__udp udp;
    sp__udp_rx rx;
    sp__streams streams;
    uint64_t last_send_ns;
    uint64_t last_progress_ns;
    uint64_t sent_at_last_progress;
    double recent_rate;
} run_state;

static void progress(sp_scan *s, run_state *rs, int force)
{
    uint64_t t = now_ns();
    /* Streamed lines wait in their buffer at most 50 ms, even when no new
     * service comes to push them out (the output thread, when it runs,
     * sees to that itself). */
    for (size_t i = 0; i < s->n_writers && !s->out.running; i++) {
        sp__writer *w = s->writers[i];
        if (w->type->streaming && t - w->flushed_ns >= 50000000ull) {
            w->flushed_ns = t;
            fflush(w->fp);
        }
    }
    if (!s->progress_fn)
        return;
    if (!force && t - rs->last_progress_ns < 200000000ull)
        return;
    double dt = (double)(t - rs->last_progress_ns) / 1e9;
    if (rs->last_progress_ns && dt > 0)
        rs->recent_rate = (double)(s->summary.probes_sent - rs->sent_at_last_progress) / dt;
    rs->last_progress_ns = t;
    rs->sent_at_last_progress = s->summary.probes_sent;
    sp_progress p = {
        .probes_total = s->planned,
        .probes_sent = s->summary.probes_sent,
        .replies = s->summary.replies,
        .services = s->summary.services + 0,
        .bad_replies = s->summary.bad_replies,
        .elapsed_s = (double)(t - s->start_ns) / 1e9,
        .rate_pps = rs->recent_rate,
    };
    s->progress_fn(&p, s->progress_data);
}

/* Processes waiting replies, at most `rounds` receive batches per family:
 * bounded so that a flood of datagrams cannot starve sending. */
static int drain_some(sp_scan *s, run_state *rs, int rounds)
{
    int total = 0;
    for (int round = 0; round < rounds; round++) {
        int got = sp__streams_poll(&rs->streams, now_ns());
        for (int fam = 4; fam <= 6; fam += 2) {
            int n = sp__udp_recv(&rs->udp, fam, &rs->rx);
            for (int i = 0; i < n; i++)
                on_datagram(s, &rs->rx.pkt[i]);
            got += n;
        }
        total += got;
        if (got == 0)
            break;
    }
    return total;
}

static int drain(sp_scan *s, run_state *rs)
{
    return drain_some(s, rs, 16);
}

static int all_answered(const sp_scan *s)
{
    if (s->enumerating)
        return s->enum_done >= s->enum_expected;
    return s->expected > 0 && s->finals + s->streams_ended >= s->expected;
}

/* Sleeps until a UDP socket or a TCP/TLS connection has something, or timeout_ns. */
static void io_wait(run_state *rs, uint64_t timeout_ns)
{
    sp__udp_wait(&rs->udp, rs->streams.active ? sp__streams_fd(&rs->streams) : -1, timeout_ns);
}

/* How long to listen after the last send: --wait at most (1 s at most
 * before a retry round). Once replies have shown how far away services
 * are, 8 times the slowest round trip seen is enough (but at least 500 ms),
 * so that silent addresses do not make every scan last --wait. */
static uint64_t wait_ns(const sp_scan *s, int final)
{
    uint64_t ms = final ? s->wait_ms : (s->wait_ms < 1000 ? s->wait_ms : 1000);
    if (s->max_rtt_ms > 0) {
        double adaptive = 8 * s->max_rtt_ms;
        if (adaptive < 500)
            adaptive = 500;
        if (adaptive < (double)ms)
            ms = (uint64_t)adaptive;
    }
    return ms * 1000000ull;
}

/* Receives until the wait after the last send is over, everything is
 * answered, or a stop request. Replies already waiting in the socket buffer
 * are processed even past the deadline (they arrived in time), within a
 * bound against floods. */
static void wait_phase(sp_scan *s, run_state *rs, int final, int stop_level)
{
    uint64_t start = now_ns(), last_new = start, replies = s->summary.replies;
    for (;;) {
        int got = drain(s, rs);
        progress(s, rs, 0);
        uint64_t t = now_ns();
        if (s->summary.replies != replies) {
            replies = s->summary.replies;
            last_new = t;
        }
        uint64_t until = rs->last_send_ns + wait_ns(s, final);
        /* Open connections end by their own deadlines, at the latest. */
        uint64_t cap = wait_ns(s, 1) + s->connect_timeout_ms * 1000000ull + 10000000000ull;
        int open = rs->streams.active > 0;
        if ((all_answered(s) && !open) || s->stop >= stop_level || t >= start + cap)
            return;
        /* Past the deadline, replies that still come in (from a loaded
         * responder) keep the wait going until they pause for 100 ms:
         * otherwise their targets would be probed again. Forged or stray
         * datagrams are not replies and do not count; cap bounds it all. */
        if (t >= until && !got && !open && t - last_new >= 100000000ull)
            return;
        if (got)
            continue;
        uint64_t left = until > t ? until - t : 1000000ull;
        if (open && left > 5000000ull)
            left = 5000000ull; /* deadlines are swept every few ms */
        io_wait(rs, left < 50000000ull ? left : 50000000ull);
    }
}

static int send_batch(sp_scan *s, run_state *rs, int family, sp__udp_out *out, unsigned n)
{
    unsigned dropped = 0;
    if (n == 0)
        return 0;
    if (sp__udp_send(&rs->udp, family, out, n, &dropped) < 0) {
        fail(s, SP_ESOCKET, "sending failed: %s", strerror(errno));
        return -1;
    }
    if (dropped)
        logf_(s, 1, "%u probe(s) refused by the local network stack", dropped);
    for (unsigned i = 0; s->pcap_out && i < n; i++)
        sp__pcap_write(s->pcap_out, SP_TRANSPORT_UDP, &s->local_addr[family == 6],
                       s->local_port[family == 6], &out[i].dst, out[i].port, out[i].buf,
                       out[i].len);
    s->summary.probes_sent += n - dropped;
    rs->last_send_ns = now_ns();
    return 0;
}

/* A paced sender: probes go out in batches through one token bucket. */
typedef struct sender {
    char bufs[SP__UDP_BATCH][PROBE_MAX];
    sp__udp_out out[SP__UDP_BATCH];
    unsigned n;
    int family;
    sp__bucket bucket;
    double burst;
    unsigned tokens;
} sender;

static void sender_init(sp_scan *s, sender *snd)
{
    snd->n = 0;
    snd->family = 0;
    snd->tokens = 0;
    snd->burst = s->rate / 100.0;
    if (snd->burst > 4096)
        snd->burst = 4096;
    sp__bucket_init(&snd->bucket, s->rate, snd->burst, now_ns());
}

static int sender_flush(sp_scan *s, run_state *rs, sender *snd)
{
    int rc = snd->n ? send_batch(s, rs, snd->family, snd->out, snd->n) : 0;
    snd->n = 0;
    return rc;
}

/* A TCP/TLS probe: a connection as soon as one of the --max-connections
 * slots is free. The rate token is taken already. */
static sp_code stream_push(sp_scan *s, run_state *rs, sender *snd, sp__probe_id *id, int *queued)
{
    if (sender_flush(s, rs, snd) < 0) /* keep the order of UDP probes before this one */
        return SP_ESOCKET;
    for (;;) {
        id->sent_ms = now_units(s);
        int r = sp__streams_start(&rs->streams, id, now_ns(), s->err, sizeof(s->err));
        if (r == 0)
            break;
        if (r != 1)
            return (sp_code)r;
        if (s->stop)
            return SP_OK;
        /* Every slot is busy: serve connections until one ends (each is
         * bounded by its deadline). */
        if (drain_some(s, rs, 4) == 0)
            io_wait(rs, 5000000ull);
        progress(s, rs, 0);
    }
    s->summary.connections++;
    rs->last_send_ns = now_ns();
    snd->tokens--;
    if (queued)
        *queued = 1;
    progress(s, rs, 0);
    return SP_OK;
}

/* Sends one probe when the rate allows, processing replies meanwhile.
 * Returns SP_OK, or an error; a stop request makes it return SP_OK unsent. */
static sp_code sender_push(sp_scan *s, run_state *rs, sender *snd, sp__probe_id *id, int *queued)
{
    if (queued)
        *queued = 0;
    while (snd->tokens == 0 && !s->dry_run) {
        unsigned want = snd->burst < SP__UDP_BATCH ? (unsigned)(snd->burst < 1 ? 1 : snd->burst)
                                                   : SP__UDP_BATCH;
        snd->tokens = sp__bucket_take(&snd->bucket, now_ns(), want);
        if (snd->tokens || s->stop)
            break;
        if (sender_flush(s, rs, snd) < 0)
            return SP_ESOCKET;
        /* Use the time until the next tokens for replies, no longer. */
        uint64_t due = now_ns() + sp__bucket_wait_ns(&snd->bucket, now_ns(), want);
        while (now_ns() < due && drain_some(s, rs, 1) > 0)
            ;
        progress(s, rs, 0);
        uint64_t w = sp__bucket_wait_ns(&snd->bucket, now_ns(), want);
        if (w)
            io_wait(rs, w > 20000000ull ? 20000000ull : w);
    }
    if (s->stop)
        return SP_OK;
    if (id->transport != SP_TRANSPORT_UDP && !s->dry_run)
        return stream_push(s, rs, snd, id, queued);
    if (snd->n && (snd->n == SP__UDP_BATCH || snd->family != id->addr.family)) {
        if (sender_flush(s, rs, snd) < 0)
            return SP_ESOCKET;
        drain(s, rs);
    }
    id->sent_ms = now_units(s);
    char *buf = snd->bufs[snd->n];
    size_t len = build_probe(s, id, NULL, buf, PROBE_MAX);
    if (!len)
        return fail(s, SP_EINVAL, "a probe did not fit in %d bytes", PROBE_MAX);
    if (s->dry_run) {
        char dest[96];
        sp__addr_format_port(&id->addr, id->port, dest, sizeof(dest) - 8);
        strcat(dest, "/");
        strcat(dest, sp_transport_name((sp_transport)id->transport));
        if (s->dry_fn)
            s->dry_fn(dest, buf, len, s->dry_data);
        s->summary.probes_sent++;
        if (queued)
            *queued = 1;
        return SP_OK;
    }
    snd->out[snd->n].dst = id->addr;
    snd->out[snd->n].port = id->port;
    snd->out[snd->n].buf = buf;
    snd->out[snd->n].len = len;
    snd->family = id->addr.family;
    snd->n++;
    snd->tokens--;
    if (queued)
        *queued = 1;
    /* Sending comes first: replies wait in the socket buffer (sized for the
     * rate) and are processed while the bucket refills and after the last send. */
    if ((snd->tokens == 0 || snd->n == SP__UDP_BATCH) && sender_flush(s, rs, snd) < 0)
        return SP_ESOCKET;
    progress(s, rs, 0);
    return SP_OK;
}

/* One pass over this shard's permutation. Round 0 sends everything; later
 * rounds only re-probe (target, probe) pairs that got no reply at all. */
static sp_code send_round(sp_scan *s, run_state *rs, const sp__perm *perm, unsigned round,
                          uint64_t start_j)
{
    static sender snd;
    sp__walk walk;
    uint64_t p;
    sender_init(s, &snd);
    sp__walk_init(&walk, perm, s->shard_index, s->shard_count);
    if (start_j > walk.next_j)
        walk.next_j = start_j; /* resuming: start_j lies on this shard's stride */
    s->pos_round = round;
    s->pos_j = walk.next_j;
    for (;;) {
        if (s->stop)
            break;
        uint64_t j_before = walk.next_j;
        if (!sp__walk_next(&walk, &p))
            break;
        sp__probe_id id;
        memset(&id, 0, sizeof(id));
        id.probe = (uint8_t)s->methods[p % s->n_methods];
        sp__targets_get(&s->targets, p / s->n_methods, &id.addr, &id.port, &id.transport);
        id.attempt = (uint8_t)round;
        if (round == 0) {
            s->expected++;
        } else {
            if (id.transport != SP_TRANSPORT_UDP)
                continue; /* TCP retransmits by itself; a retry would not see more */
            entry *e = table_find(s, &id.addr, id.port, id.transport, 0);
            if (e && (e->seen_mask & (1u << id.probe)))
                continue;
        }
        int queued;
        sp_code rc = sender_push(s, rs, &snd, &id, &queued);
        if (rc)
            return rc;
        /* A probe a stop request kept back is sent again on resume. */
        s->pos_j = queued ? walk.next_j : j_before;
    }
    if (!s->stop) {
        s->pos_round = round + 1;
        s->pos_j = 0;
    }
    return sender_flush(s, rs, &snd) < 0 ? SP_ESOCKET : SP_OK;
}

/* Per-service early stop: a server that goes silent or refuses everything
 * (as rate limits and IPSs do) is left alone, with a note why. */
static int enum_should_stop(sp__enum *en, uint64_t now, uint64_t started)
{
    uint64_t last = en->last_reply_ns ? en->last_reply_ns : started;
    if (en->refusals_in_row >= 16) {
        snprintf(en->note, sizeof(en->note),
                 "stopped after %u probes: the server answered 429/503 %u times in a row "
                 "(rate limiting or an IPS?)",
                 en->sent, en->refusals_in_row);
        return 1;
    }
    if (en->sent >= 20 && en->replies + 16 <= en->sent && now - last > 2000000000ull) {
        snprintf(en->note, sizeof(en->note),
                 "stopped after %u probes: the server stopped answering "
                 "(rate limiting or an IPS?)",
                 en->sent);
        return 1;
    }
    return 0;
}

/* After discovery: a baseline REGISTER for a surely non-existent user to
 * every service, then one per extension, interleaved across services and
 * paced by the rate; silent ones are retried. */
static sp_code enumerate_phase(sp_scan *s, run_state *rs)
{
    static sender snd;
    size_t n = 0;
    entry **list = malloc((s->table_used ? s->table_used : 1) * sizeof(*list));
    if (!list)
        return fail(s, SP_ENOMEM, "out of memory");
    for (size_t i = 0; i < s->table_cap; i++) {
        entry *e = &s->table[i];
        if (!e->svc || e->svc->en)
            continue;
        e->svc->en = sp__enum_new((uint32_t)s->exts.count);
        if (!e->svc->en)
            continue;
        snprintf(e->svc->en->baseline_user, sizeof(e->svc->en->baseline_user), "%s",
                 s->baseline_user);
        list[n++] = e;
    }
    if (n == 0) {
        free(list);
        return SP_OK;
    }
    logf_(s, 1, "enumerating %llu extensions on %zu service(s)", (unsigned long long)s->exts.count,
          n);
    s->enumerating = 1;
    s->enum_done = 0;
    s->enum_expected = n;
    sp_code rc = SP_OK;
    int probe = sp__probe_find("REGISTER");
    uint64_t started = now_ns();
    sender_init(s, &snd);

    for (size_t j = 0; j < n && !rc && !s->stop; j++) {
        sp__probe_id id;
        memset(&id, 0, sizeof(id));
        id.addr = list[j]->svc->host;
        id.port = list[j]->port;
        id.transport = list[j]->transport;
        id.probe = (uint8_t)probe;
        id.ext = SP__EXT_BASELINE;
        rc = sender_push(s, rs, &snd, &id, NULL);
    }
    if (!rc && sender_flush(s, rs, &snd) < 0)
        rc = SP_ESOCKET;
    if (!rc)
        wait_phase(s, rs, 0, 1);

    s->enum_expected += n * s->exts.count;
    for (unsigned round = 0; round <= s->retries && !rc && !s->stop; round++) {
        if (round > 0)
            wait_phase(s, rs, 0, 1);
        if (all_answered(s))
            break;
        for (uint64_t i = 0; i < s->exts.count && !rc && !s->stop; i++) {
            for (size_t j = 0; j < n && !rc && !s->stop; j++) {
                sp__enum *en = list[j]->svc->en;
                if (en->stopped || en->answer[i])
                    continue;
                if (enum_should_stop(en, now_ns(), started)) {
                    en->stopped = 1;
                    /* What it will never answer is no longer expected. */
                    uint32_t answered = en->replies - (en->baseline ? 1 : 0);
                    s->enum_expected -= en->n - answered;
                    continue;
                }
                sp__probe_id id;
                memset(&id, 0, sizeof(id));
                id.addr = list[j]->svc->host;
                id.port = list[j]->port;
                id.transport = list[j]->transport;
                id.probe = (uint8_t)probe;
                id.attempt = (uint8_t)round;
                id.ext = (uint32_t)i + 1;
                en->sent++;
                rc = sender_push(s, rs, &snd, &id, NULL);
            }
        }
        if (!rc && sender_flush(s, rs, &snd) < 0)
            rc = SP_ESOCKET;
    }
    if (!rc)
        wait_phase(s, rs, 1, 2);
    for (size_t j = 0; j < n; j++)
        sp__svc_finish_enumeration(list[j]->svc, &s->exts);
    s->enumerating = 0;
    free(list);
    return rc;
}

static void iso_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int svc_cmp(const void *a, const void *b)
{
    const sp__svc *x = *(sp__svc *const *)a, *y = *(sp__svc *const *)b;
    if (x->host.family != y->host.family)
        return x->host.family < y->host.family ? -1 : 1;
    int c = memcmp(x->host.bytes, y->host.bytes, 16);
    if (c)
        return c;
    if (x->port != y->port)
        return x->port < y->port ? -1 : 1;
    return (int)x->transport - (int)y->transport;
}

static sp_code open_sockets(sp_scan *s, run_state *rs)
{
    for (int fam = 4; fam <= 6; fam += 2) {
        size_t first = s->targets.n_ranges;
        for (size_t i = 0; i < s->targets.n_ranges && first == s->targets.n_ranges; i++)
            if (s->targets.ranges[i].family == fam)
                first = i;
        if (first == s->targets.n_ranges)
            continue;
        int rc = sp__udp_open(&rs->udp, fam, s->rate, s->err, sizeof(s->err));
        if (rc)
            return (sp_code)rc;
        sp__addr a;
        uint16_t port;
        /* The source address toward the family's first target stands for all. */
        sp__targets_get(&s->targets, first ? s->targets.cum[first - 1] : 0, &a, &port, NULL);
        if (sp__udp_local_for(&rs->udp, &a, port, s->local[fam == 6], sizeof(s->local[0])) < 0) {
            if (s->dry_run) { /* no route is no reason not to show the probes */
                snprintf(s->local[fam == 6], sizeof(s->local[0]),
                         fam == 6 ? "[::]:%u" : "0.0.0.0:%u", rs->udp.port[fam == 6]);
                continue;
            }
            char t[80];
            sp__addr_format(&a, t, sizeof(t));
            return fail(s, SP_ESOCKET, "no route to %s: %s", t, strerror(errno));
        }
        /* The same address as a value, for the packets --write-pcap records. */
        char ip[80];
        const char *l = s->local[fam == 6];
        const char *colon = strrchr(l, ':');
        int f = fam == 6;
        if (colon) {
            snprintf(ip, sizeof(ip), "%.*s", (int)(colon - l), l);
            char *p = ip;
            if (*p == '[') {
                p++;
                p[strcspn(p, "]")] = '\0';
            }
            s->local_addr[f].family = (uint8_t)fam;
            inet_pton(fam == 6 ? AF_INET6 : AF_INET, p, s->local_addr[f].bytes);
            s->local_port[f] = (uint16_t)atoi(colon + 1);
        }
    }
    return SP_OK;
}

static int upload_results(sp_scan *s, const sp__scan_meta *meta, const sp_service **views,
                          size_t n);

/* Inventory mode (--read, --read-live): services from captured traffic,
 * through the same classifier and writers as a scan. */
typedef struct capture_ctx {
    sp_scan *s;
    sp__inventory *inv;
} capture_ctx;

static void on_wire(void *ctx, const sp__wire_msg *m)
{
    capture_ctx *cc = ctx;
    if (sp__inventory_add(cc->inv, m) == 0)
        cc->s->summary.replies++;
    else
        cc->s->summary.bad_replies++;
}

static void on_inventory_service(void *ctx, sp__svc *svc)
{
    sp_scan *s = ctx;
    entry *e = table_find(s, &svc->host, svc->port, svc->transport, 1);
    if (!e || e->svc) {
        sp__svc_free(svc);
        return;
    }
    e->svc = svc;
    emit_service(s, e, 1); /* classified already */
}

static sp_code run_capture(sp_scan *s)
{
    char started[32], finished[32];
    iso_now(started, sizeof(started));
    s->start_ns = now_ns();
    sp__strv sources = {0};
    for (size_t i = 0; i < s->captures.n; i++)
        sp__strv_push(&sources, s->captures.v[i], strlen(s->captures.v[i]));
    char live[300] = "";
    if (s->live_iface) {
        snprintf(live, sizeof(live), "live:%s%s%s", s->live_iface, s->live_filter ? " " : "",
                 s->live_filter ? s->live_filter : "");
        sp__strv_push(&sources, live, strlen(live));
    }
    sp__scan_meta meta = {.version = SP_VERSION,
                          .targets = &sources,
                          .excludes = &s->exclude_specs,
                          .ports = "any (from the capture)",
                          .transports = "udp,tcp",
                          .methods = "none sent (capture)",
                          .shard_index = 1,
                          .shard_count = 1,
                          .user_agent = "",
                          .started = started,
                          .fail_on = s->fail_on,
                          .color = s->color};
    s->summary.max_severity = SP_SEV_NONE;
    s->summary.max_new_severity = SP_SEV_NONE;
    sp_code rc = SP_OK;
    for (size_t i = 0; i < s->n_writers; i++)
        if (s->writers[i]->type->begin)
            s->writers[i]->type->begin(s->writers[i], &meta);
    if (!s->builtin_loaded) {
        rc = (sp_code)sp__fpdb_load_builtin(&s->fpdb, s->err, sizeof(s->err));
        if (!rc)
            rc = (sp_code)sp__vulndb_load_builtin(&s->vulns, s->err, sizeof(s->err));
        s->builtin_loaded = !rc;
    }
    int failed = 0;
    capture_ctx cc = {s, sp__inventory_new()};
    if (!cc.inv && !rc)
        rc = fail(s, SP_ENOMEM, "out of memory");
    /* Every source is read even when one fails: a bad file costs only itself. */
    for (size_t i = 0; !rc && i <= s->captures.n && !s->stop; i++) {
        sp__capture cap;
        char err[512];
        int r;
        uint64_t until = 0;
        if (i < s->captures.n) {
            r = sp__capture_open_file(&cap, s->captures.v[i], on_wire, &cc, err, sizeof(err));
        } else if (s->live_iface) {
            r = sp__capture_open_live(&cap, s->live_iface, s->live_filter, on_wire, &cc, err,
                                      sizeof(err));
            until = now_ns() + s->live_seconds * 1000000000ull;
        } else {
            break;
        }
        if (!r) {
            r = sp__capture_run(&cap, (volatile int *)&s->stop, until, err, sizeof(err));
            logf_(s, 1, "%s: %llu packets, %llu SIP messages%s", cap.name,
                  (unsigned long long)cap.packets, (unsigned long long)cap.sip,
                  cap.undecodable ? " (some packets could not be decoded)" : "");
            sp__capture_close(&cap);
        }
        if (r) {
            /* The first failure is the scan's error; later ones are logged.
             * Every capture problem is bad input data. */
            if (!failed)
                fail(s, SP_EDATA, "%s", err);
            else
                logf_(s, 0, "%s", err);
            failed = SP_EDATA;
        }
    }
    if (cc.inv) {
        sp__inventory_finish(cc.inv, &s->fpdb, &s->vulns, on_inventory_service, s);
        sp__inventory_free(cc.inv);
    }
    s->summary.interrupted = s->stop > 0;
    s->summary.elapsed_s = (double)(now_ns() - s->start_ns) / 1e9;
    if (s->kept_lost)
        logf_(s, 0, "out of memory: %zu services left out of the final report", s->kept_lost);
    if (s->n_kept > 1)
        qsort(s->kept, s->n_kept, sizeof(*s->kept), svc_cmp);
    iso_now(finished, sizeof(finished));
    meta.finished = finished;
    meta.summary = &s->summary;
    if (s->baseline.loaded) {
        sp__baseline_fixed(&s->baseline, NULL, &s->fixed);
        meta.fixed = &s->fixed;
    }
    const sp_service **views = malloc((s->n_kept ? s->n_kept : 1) * sizeof(*views));
    for (size_t i = 0; views && i < s->n_kept; i++)
        views[i] = &s->kept[i]->pub;
    for (size_t i = 0; i < s->n_writers; i++) {
        sp__writer *w = s->writers[i];
        if (views && w->type->end)
            w->type->end(w, &meta, views, s->n_kept);
        char werr[512];
        int wrc = sp__writer_close(w, werr, sizeof(werr));
        if (wrc && !rc)
            rc = fail(s, (sp_code)wrc, "%s", werr);
        s->writers[i] = NULL;
    }
    s->n_writers = 0;
    if (s->upload_url && views) {
        int urc = upload_results(s, &meta, views, s->n_kept);
        if (urc && !rc)
            rc = (sp_code)urc;
    }
    free(views);
    sp__strv_free(&sources);
    if (!rc && failed)
        rc = (sp_code)failed; /* a source was unreadable; what the others held is reported */
    s->ran = 1;
    s->running = 0;
    return rc;
}

/* alg-check mode: one exchange per transport with the reflector; the
 * reflector's record carries sip-alg-detected when the path rewrote. */
static sp_code run_alg_check(sp_scan *s)
{
    char started[32], finished[32];
    iso_now(started, sizeof(started));
    s->start_ns = now_ns();
    sp__strv target = {0};
    sp__strv_push(&target, s->alg_host, strlen(s->alg_host));
    char port[8];
    snprintf(port, sizeof(port), "%u", s->alg_port);
    sp__scan_meta meta = {.version = SP_VERSION,
                          .targets = &target,
                          .excludes = &s->exclude_specs,
                          .ports = port,
                          .methods = "INVITE,REGISTER (alg-check)",
                          .rate = s->rate,
                          .wait_ms = s->wait_ms,
                          .shard_index = 1,
                          .shard_count = 1,
                          .user_agent = s->user_agent,
                          .started = started,
                          .fail_on = s->fail_on,
                          .color = s->color};
    s->summary.max_severity = SP_SEV_NONE;
    s->summary.max_new_severity = SP_SEV_NONE;
    sp_code rc = SP_OK;
    int transports[2] = {s->alg_udp ? 0 : -1, s->alg_tcp ? 1 : -1};
    for (int t = 0; t < 2; t++) {
        if (transports[t] < 0)
            continue;
        sp__svc *svc = NULL;
        int r = sp__alg_check(s->alg_host, s->alg_port, transports[t], s->alg_token, s->user_agent,
                              s->wait_ms, &svc, s->err, sizeof(s->err));
        s->summary.probes_sent += 2;
        if (r) {
            logf_(s, 0, "%s", s->err);
            if (!rc)
                rc = (sp_code)r;
            continue;
        }
        s->summary.replies += 2;
        if (!svc->n_findings)
            logf_(s, 1, "no ALG on this path (%s)", transports[t] ? "tcp" : "udp");
        entry *e = table_find(s, &svc->host, svc->port, svc->transport, 1);
        if (e) {
            e->svc = svc;
            emit_service(s, e, 1);
            continue;
        }
        sp__svc_free(svc);
    }
    s->summary.elapsed_s = (double)(now_ns() - s->start_ns) / 1e9;
    iso_now(finished, sizeof(finished));
    meta.finished = finished;
    meta.summary = &s->summary;
    const sp_service **views = malloc((s->n_kept ? s->n_kept : 1) * sizeof(*views));
    for (size_t i = 0; views && i < s->n_kept; i++)
        views[i] = &s->kept[i]->pub;
    for (size_t i = 0; i < s->n_writers; i++) {
        sp__writer *w = s->writers[i];
        if (views && w->type->end)
            w->type->end(w, &meta, views, s->n_kept);
        char werr[512];
        int wrc = sp__writer_close(w, werr, sizeof(werr));
        if (wrc && !rc)
            rc = fail(s, (sp_code)wrc, "%s", werr);
        s->writers[i] = NULL;
    }
    s->n_writers = 0;
    free(views);
    sp__strv_free(&target);
    s->ran = 1;
    return rc;
}

/* Posts the results once every local output is safely written. */
static int upload_results(sp_scan *s, const sp__scan_meta *meta, const sp_service **views, size_t n)
{
    sp__upload_result res;
    char uerr[512];
    if (s->upload_batch == 0) {
        char *body = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&body, &len);
        if (!mem)
            return fail(s, SP_ENOMEM, "out of memory");
        sp__writer w = {.type = &sp__writer_json, .fp = mem};
        sp__writer_json.end(&w, meta, views, n);
        fclose(mem);
        int rc = sp__upload(s->upload_url, &s->upload_headers, "application/json", body, len, &res,
                            uerr, sizeof(uerr));
        free(body);
        if (rc)
            return fail(s, (sp_code)rc, "%s", uerr);
        logf_(s, 1, "uploaded %zu bytes to %s (HTTP %ld)", len, s->upload_url, res.http_status);
        return 0;
    }
    /* ndjson in batches: one POST per upload_batch services. */
    for (size_t first = 0; first < n || (n == 0 && first == 0); first += s->upload_batch) {
        sp__buf body;
        sp__buf_init(&body);
        for (size_t i = first; i < n && i < first + s->upload_batch; i++) {
            json_t *j = sp__service_json(views[i]);
            char *line = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
            json_decref(j);
            if (line) {
                sp__buf_puts(&body, line);
                sp__buf_puts(&body, "\n");
                free(line);
            }
        }
        int rc = sp__upload(s->upload_url, &s->upload_headers, "application/x-ndjson",
                            sp__buf_cstr(&body), body.len, &res, uerr, sizeof(uerr));
        sp__buf_free(&body);
        if (rc)
            return fail(s, (sp_code)rc, "%s", uerr);
        if (n == 0)
            break;
    }
    logf_(s, 1, "uploaded %zu services to %s in batches of %u", n, s->upload_url, s->upload_batch);
    return 0;
}

/* "5060 (udp, tcp), 5061 (tls)" or "5060-5070 (udp)": what reports show. */
static void describe_ports(const sp_scan *s, char *out, size_t len)
{
    if (s->ports_spec) {
        snprintf(out, len, "%s (%s)", s->ports_spec, s->transports_spec);
        return;
    }
    int stream = (s->transports & 3u) != 0, tls = (s->transports & 4u) != 0;
    char lower[32] = "";
    for (int t = 0; t < 2; t++)
        if (s->transports & (1u << t)) {
            if (lower[0])
                strcat(lower, ",");
            strcat(lower, sp_transport_name((sp_transport)t));
        }
    snprintf(out, len, "%s%s%s%s%s", stream ? "5060 (" : "", lower, stream ? ")" : "",
             stream && tls ? ", " : "", tls ? "5061 (tls)" : "");
}

sp_code sp_scan_run(sp_scan *s)
{
    if (s->running || s->ran)
        return fail(s, SP_ESTATE, "the scan has already run");
    s->running = 1;
    s->err[0] = '\0';
    memset(&s->summary, 0, sizeof(s->summary));
    s->summary.max_severity = SP_SEV_NONE;
    s->summary.max_new_severity = SP_SEV_NONE;

    run_state rs;
    memset(&rs, 0, sizeof(rs));
    sp__udp_init(&rs.udp);
    rs.streams.epfd = -1;
    if (s->dry_run && s->mode != SP_MODE_SCAN) {
        s->running = 0;
        return fail(s, SP_ESTATE, "a dry run does not apply to %s", mode_name(s->mode));
    }
    if (s->mode == SP_MODE_ALG_CHECK) {
        if (!s->alg_host) {
            s->running = 0;
            return fail(s, SP_ESTATE, "an ALG check needs its reflector (sp_scan_set_alg_check)");
        }
        return run_alg_check(s);
    }
    if (s->mode == SP_MODE_CAPTURE) {
        if (!s->captures.n && !s->live_iface) {
            s->running = 0;
            return fail(s, SP_ESTATE, "a capture inventory needs a capture file or interface");
        }
        return run_capture(s);
    }
    sp_code rc = prepare(s);
    if (!rc && sp__udp_rx_init(&rs.rx) < 0)
        rc = fail(s, SP_ENOMEM, "out of memory");
    /* Dry runs bind sockets too (binding sends nothing) so that the probes
     * shown carry the real local address and port. */
    if (!rc)
        rc = open_sockets(s, &rs);
    if (!rc && s->write_pcap && !s->dry_run) {
        s->pcap_out = sp__pcap_writer_open(s->write_pcap, s->err, sizeof(s->err));
        if (!s->pcap_out)
            rc = s->err[0] ? SP_EIO : fail(s, SP_ENOMEM, "out of memory");
    }
    if (!rc && s->use_streams && !s->dry_run) {
        unsigned conns = s->max_conns;
        if (!conns) /* about a second's worth of connections at the rate */
            conns = s->rate < 64 ? 64 : s->rate > 1024 ? 1024 : s->rate;
        rc = (sp_code)sp__streams_open(&rs.streams, conns, s->connect_timeout_ms * 1000000ull,
                                       s->wait_ms * 1000000ull, &stream_ops, s, s->err,
                                       sizeof(s->err));
    }

    char started[32], finished[32], ports_desc[200];
    iso_now(started, sizeof(started));
    describe_ports(s, ports_desc, sizeof(ports_desc));
    sp__scan_meta meta = {
        .version = SP_VERSION,
        .targets = &s->target_specs,
        .excludes = &s->exclude_specs,
        .ports = ports_desc,
        .transports = s->transports_spec,
        .methods = s->methods_spec,
        .rate = s->rate,
        .retries = s->retries,
        .wait_ms = s->wait_ms,
        .seed = s->seed,
        .shard_index = s->shard_index + 1,
        .shard_count = s->shard_count,
        .user_agent = s->user_agent,
        .started = started,
    };
    for (size_t i = 0; i < s->n_writers && !rc; i++)
        if (s->writers[i]->type->begin)
            s->writers[i]->type->begin(s->writers[i], &meta);

    s->start_ns = now_ns();
    if (!rc && !s->dry_run && s->resume_path) {
        json_t *settings = settings_json(s);
        if (sp__journal_open(&s->journal, s->resume_path, settings, s->resuming, s->err,
                             sizeof(s->err)) != 0)
            logf_(s, 0, "%s; continuing without one", s->err);
        json_decref(settings);
    }
    /* With a service callback everything stays on this thread, as the
     * header promises. */
    if (!rc && !s->dry_run && !s->service_fn &&
        sp__outthread_start(&s->out, out_work, flush_streams, s) != 0)
        logf_(s, 1, "no output thread; finishing services on the scan thread");
    unsigned first_round = 0;
    uint64_t first_j = 0;
    if (!rc && s->resuming) {
        /* What the interrupted scan found goes to the outputs again and
         * counts as answered, so those targets are not probed twice. */
        size_t i;
        json_t *o;
        json_array_foreach(s->resume.services, i, o)
        {
            sp__svc *svc = sp__service_from_json(o);
            entry *e = svc ? table_find(s, &svc->host, svc->port, svc->transport, 1) : NULL;
            if (!e || e->svc || e->seen_mask) {
                sp__svc_free(svc);
                continue;
            }
            e->seen_mask = svc->seen_mask;
            e->final_mask = svc->final_mask;
            for (uint32_t m = svc->final_mask & s->method_mask; m; m &= m - 1)
                s->finals++;
            e->svc = svc;
            emit_service(s, e, 1);
        }
        if (s->resume.has_position) {
            first_round = s->resume.round;
            first_j = s->resume.next_j;
        }
        logf_(s, 1, "resuming: %zu services found before, sending from round %u", i, first_round);
    }
    if (!rc) {
        sp__perm perm;
        sp__perm_init(&perm, s->targets.pairs * s->n_methods, s->seed);
        s->planned = s->targets.pairs * s->n_methods / s->shard_count;
        if (first_round > 0 || first_j > 0) {
            /* The probes sent before the interrupt still count as expected. */
            sp__walk w;
            uint64_t v;
            sp__walk_init(&w, &perm, s->shard_index, s->shard_count);
            while ((first_round > 0 || w.next_j < first_j) && sp__walk_next(&w, &v))
                s->expected++;
        }
        unsigned rounds = s->dry_run ? 1 : s->retries + 1;
        for (unsigned r = first_round; r < rounds && !rc && !s->stop; r++) {
            if (r > first_round || (r > 0 && first_j == 0)) {
                /* Give replies to the previous round time to arrive first. */
                wait_phase(s, &rs, 0, 1);
                if (all_answered(s))
                    break;
            }
            uint64_t before = s->summary.probes_sent, t0 = now_ns();
            rc = send_round(s, &rs, &perm, r, r == first_round ? first_j : 0);
            double dt = (double)(now_ns() - t0) / 1e9;
            if (!s->dry_run)
                logf_(s, 1, "round %u: sent %llu probes in %.2f s (%.0f probes/s)", r,
                      (unsigned long long)(s->summary.probes_sent - before), dt,
                      dt > 0 ? (double)(s->summary.probes_sent - before) / dt : 0.0);
        }
        if (!rc && !s->dry_run) {
            if (!rs.last_send_ns)
                rs.last_send_ns = now_ns();
            wait_phase(s, &rs, 1, 2);
        }
    }
    if (!rc && !s->dry_run && s->exts.count && !s->stop)
        rc = enumerate_phase(s, &rs);
    sp__outthread_stop(&s->out); /* every service written before the journal closes */
    s->summary.interrupted = s->stop > 0;
    if (s->journal.fp) {
        if (s->summary.interrupted)
            sp__journal_position(&s->journal, s->pos_round, s->pos_j);
        /* A completed scan needs no journal; an interrupted one keeps it. */
        sp__journal_close(&s->journal, s->summary.interrupted);
    }

    /* Services still waiting for a final reply to some probe are reported as they are. */
    for (size_t i = 0; i < s->table_cap; i++)
        if (s->table[i].svc)
            emit(s, &s->table[i]);
    s->summary.elapsed_s = (double)(now_ns() - s->start_ns) / 1e9;
    progress(s, &rs, 1);

    if (s->kept_lost)
        logf_(s, 0, "out of memory: %zu services left out of the final report", s->kept_lost);
    if (s->n_kept > 1)
        qsort(s->kept, s->n_kept, sizeof(*s->kept), svc_cmp);
    iso_now(finished, sizeof(finished));
    meta.finished = finished;
    meta.summary = &s->summary;
    meta.fail_on = s->fail_on;
    meta.color = s->color;
    if (s->baseline.loaded) {
        sp__baseline_fixed(&s->baseline, &s->targets, &s->fixed);
        meta.fixed = &s->fixed;
    }
    const sp_service **views = malloc((s->n_kept ? s->n_kept : 1) * sizeof(*views));
    for (size_t i = 0; views && i < s->n_kept; i++)
        views[i] = &s->kept[i]->pub;
    /* Writers run even after a failure, so nothing gathered is lost. */
    for (size_t i = 0; i < s->n_writers; i++) {
        sp__writer *w = s->writers[i];
        if (!s->dry_run && views && w->type->end)
            w->type->end(w, &meta, views, s->n_kept);
        char werr[512];
        int wrc = s->dry_run ? (sp__writer_abort(w), 0) : sp__writer_close(w, werr, sizeof(werr));
        if (wrc && !rc)
            rc = fail(s, (sp_code)wrc, "%s", werr);
        s->writers[i] = NULL;
    }
    s->n_writers = 0;
    if (s->upload_url && !s->dry_run && views) {
        int urc = upload_results(s, &meta, views, s->n_kept);
        if (urc && !rc)
            rc = (sp_code)urc;
    }
    free(views);
    if (s->pcap_out) {
        if (sp__pcap_writer_close(s->pcap_out) != 0 && !rc)
            rc = fail(s, SP_EIO, "cannot write the packets to '%s'", s->write_pcap);
        s->pcap_out = NULL;
    }
    sp__udp_rx_free(&rs.rx);
    sp__udp_close(&rs.udp);
    sp__streams_close(&rs.streams);
    s->running = 0;
    s->ran = 1;
    return rc;
}
