/* The command line into struct cli_options, and which options belong to
 * which mode. Nothing here calls the library's setters: apply.c does. */
#define _GNU_SOURCE
#include "options.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"

#define SCAN (1u << SP_MODE_SCAN)
#define CAPTURE (1u << SP_MODE_CAPTURE)
#define ALG (1u << SP_MODE_ALG_CHECK)
#define REPORT (1u << SP_MODE_REPORT)
#define ALL (SCAN | CAPTURE | ALG)
#define OUT (ALL | REPORT) /* what a report writes, like a scan */

struct opt_info {
    const char *name;
    char short_name;
    int has_arg;
    unsigned modes;   /* where it applies; 0: only 'sipprobe reflect' */
    const char *home; /* where it belongs, said when a scan is given it */
};

/* The one table of options and the modes they apply to. */
static const struct opt_info opt_table[CLI_OPT_COUNT] = {
    [CLI_OPT_INPUT_FILE] = {"input-file", 'i', 1, SCAN, NULL},
    [CLI_OPT_EXCLUDE] = {"exclude", 0, 1, SCAN, NULL},
    [CLI_OPT_EXCLUDE_FILE] = {"exclude-file", 0, 1, SCAN, NULL},
    [CLI_OPT_NO_DEFAULT_EXCLUDES] = {"no-default-excludes", 0, 0, SCAN, NULL},
    [CLI_OPT_DNS_SERVER] = {"dns-server", 0, 1, SCAN, NULL},
    [CLI_OPT_PORTS] = {"ports", 'p', 1, SCAN, NULL},
    [CLI_OPT_METHOD] = {"method", 'm', 1, SCAN, NULL},
    [CLI_OPT_USER_AGENT] = {"user-agent", 0, 1, SCAN | ALG, NULL},
    [CLI_OPT_FROM_USER] = {"from-user", 0, 1, SCAN, NULL},
    [CLI_OPT_TO_USER] = {"to-user", 0, 1, SCAN, NULL},
    [CLI_OPT_FINGERPRINTS] = {"fingerprints", 0, 1, ALL, NULL},
    [CLI_OPT_EXTENSIONS] = {"extensions", 0, 1, SCAN, NULL},
    [CLI_OPT_EXTENSIONS_FILE] = {"extensions-file", 0, 1, SCAN, NULL},
    [CLI_OPT_RATE] = {"rate", 'r', 1, SCAN, NULL},
    [CLI_OPT_RETRIES] = {"retries", 0, 1, SCAN, NULL},
    [CLI_OPT_WAIT] = {"wait", 0, 1, SCAN | ALG, NULL},
    [CLI_OPT_SEED] = {"seed", 0, 1, SCAN, NULL},
    [CLI_OPT_SHARD] = {"shard", 0, 1, SCAN, NULL},
    [CLI_OPT_SHARD_COUNT] = {"shard-count", 0, 1, SCAN, NULL},
    [CLI_OPT_FORMAT] = {"format", 'f', 1, OUT, NULL},
    [CLI_OPT_OUTPUT] = {"output", 'o', 1, OUT, NULL},
    [CLI_OPT_FAIL_ON] = {"fail-on", 0, 1, OUT, NULL},
    [CLI_OPT_BASELINE] = {"baseline", 0, 1, OUT, NULL},
    [CLI_OPT_ACCEPT] = {"accept", 0, 1, OUT, NULL},
    [CLI_OPT_UPLOAD] = {"upload", 0, 1, OUT, NULL},
    [CLI_OPT_UPLOAD_HEADER] = {"upload-header", 0, 1, OUT, NULL},
    [CLI_OPT_UPLOAD_BATCH] = {"upload-ndjson-batch", 0, 1, OUT, NULL},
    [CLI_OPT_RESUME] = {"resume", 0, 1, SCAN, NULL},
    [CLI_OPT_RESUME_FILE] = {"resume-file", 0, 1, SCAN, NULL},
    [CLI_OPT_TOKEN] = {"token", 0, 1, ALG, "'sipprobe alg-check' and 'sipprobe reflect'"},
    [CLI_OPT_TRANSPORT] = {"transport", 0, 1, SCAN | ALG, NULL},
    [CLI_OPT_MAX_CONNECTIONS] = {"max-connections", 0, 1, SCAN, NULL},
    [CLI_OPT_CONNECT_TIMEOUT] = {"connect-timeout", 0, 1, SCAN, NULL},
    [CLI_OPT_READ] = {"read", 0, 1, CAPTURE, NULL},
    [CLI_OPT_READ_LIVE] = {"read-live", 0, 1, CAPTURE, NULL},
    [CLI_OPT_FILTER] = {"filter", 0, 1, CAPTURE, "--read-live"},
    [CLI_OPT_DURATION] = {"duration", 0, 1, CAPTURE, "--read-live"},
    [CLI_OPT_WRITE_PCAP] = {"write-pcap", 0, 1, SCAN, NULL},
    [CLI_OPT_SOURCE_IP] = {"source-ip", 0, 1, SCAN, NULL},
    [CLI_OPT_SOURCE_PORT] = {"source-port", 0, 1, SCAN, NULL},
    [CLI_OPT_INTERFACE] = {"interface", 0, 1, SCAN, NULL},
    [CLI_OPT_AUDIT_PASSWORDS] = {"audit-passwords", 0, 0, SCAN | CAPTURE, NULL},
    [CLI_OPT_PASSWORDS] = {"passwords", 0, 1, SCAN | CAPTURE, NULL},
    [CLI_OPT_MAX_ATTEMPTS] = {"max-attempts", 0, 1, SCAN | CAPTURE, NULL},
    [CLI_OPT_AUDIT_RATE] = {"audit-rate", 0, 1, SCAN, NULL},
    [CLI_OPT_SHOW_PASSWORDS] = {"show-passwords", 0, 0, SCAN | CAPTURE, NULL},
    [CLI_OPT_CHECK_INVITE] = {"check-invite", 0, 0, SCAN, NULL},
    [CLI_OPT_INVITE_TO] = {"invite-to", 0, 1, SCAN, NULL},
    [CLI_OPT_LISTEN] = {"listen", 0, 1, 0, "'sipprobe reflect'"},
    [CLI_OPT_MAX_SECONDS] = {"max-seconds", 0, 1, 0, "'sipprobe reflect'"},
    [CLI_OPT_DRY_RUN] = {"dry-run", 0, 0, SCAN, NULL},
    [CLI_OPT_VANTAGE] = {"vantage", 0, 1, ALL, NULL},
    [CLI_OPT_STRICT] = {"strict", 0, 0, REPORT, "'sipprobe report'"},
    [CLI_OPT_LIST_PROBES] = {"list-probes", 0, 0, OUT, NULL},
    [CLI_OPT_LIST_OUTPUTS] = {"list-outputs", 0, 0, OUT, NULL},
    [CLI_OPT_LIST_FINDINGS] = {"list-findings", 0, 0, OUT, NULL},
    [CLI_OPT_QUIET] = {"quiet", 'q', 0, OUT, NULL},
    [CLI_OPT_VERBOSE] = {"verbose", 'v', 0, OUT, NULL},
    [CLI_OPT_HELP] = {"help", 'h', 0, OUT, NULL},
    [CLI_OPT_VERSION] = {"version", 'V', 0, OUT, NULL},
};

#define LONG_VAL 256 /* getopt_long returns LONG_VAL + id for a long option */

static void push(struct cli_args *l, enum cli_opt opt, const char *value)
{
    struct cli_arg *v = realloc(l->v, (l->n + 1) * sizeof(*v));
    if (!v) {
        fprintf(stderr, "sipprobe: out of memory\n");
        exit(EXIT_RUNTIME);
    }
    v[l->n++] = (struct cli_arg){opt, value};
    l->v = v;
}

/* Options given more than once keep every value, in order. */
static struct cli_args *list_of(struct cli_options *o, enum cli_opt id)
{
    switch (id) {
    case CLI_OPT_INPUT_FILE:
        return &o->input_files;
    case CLI_OPT_EXCLUDE:
    case CLI_OPT_EXCLUDE_FILE:
        return &o->excludes;
    case CLI_OPT_FINGERPRINTS:
        return &o->fingerprints;
    case CLI_OPT_EXTENSIONS:
    case CLI_OPT_EXTENSIONS_FILE:
        return &o->extensions;
    case CLI_OPT_OUTPUT:
        return &o->outputs;
    case CLI_OPT_UPLOAD_HEADER:
        return &o->upload_headers;
    case CLI_OPT_READ:
        return &o->reads;
    default:
        return NULL;
    }
}

/* Options that take a string keep the last one given. */
static const char **string_of(struct cli_options *o, enum cli_opt id)
{
    switch (id) {
    case CLI_OPT_PORTS:
        return &o->ports;
    case CLI_OPT_DNS_SERVER:
        return &o->dns_server;
    case CLI_OPT_TRANSPORT:
        return &o->transports;
    case CLI_OPT_METHOD:
        return &o->methods;
    case CLI_OPT_USER_AGENT:
        return &o->user_agent;
    case CLI_OPT_FROM_USER:
        return &o->from_user;
    case CLI_OPT_TO_USER:
        return &o->to_user;
    case CLI_OPT_FORMAT:
        return &o->format;
    case CLI_OPT_BASELINE:
        return &o->baseline;
    case CLI_OPT_ACCEPT:
        return &o->accept;
    case CLI_OPT_UPLOAD:
        return &o->upload;
    case CLI_OPT_RESUME:
        return &o->resume;
    case CLI_OPT_RESUME_FILE:
        return &o->resume_file;
    case CLI_OPT_TOKEN:
        return &o->token;
    case CLI_OPT_READ_LIVE:
        return &o->read_live;
    case CLI_OPT_FILTER:
        return &o->filter;
    case CLI_OPT_WRITE_PCAP:
        return &o->write_pcap;
    case CLI_OPT_PASSWORDS:
        return &o->passwords;
    case CLI_OPT_SOURCE_IP:
        return &o->source_ip;
    case CLI_OPT_INTERFACE:
        return &o->iface;
    case CLI_OPT_INVITE_TO:
        return &o->invite_to;
    case CLI_OPT_VANTAGE:
        return &o->vantage;
    default:
        return NULL;
    }
}

static void parse_shard(struct cli_options *o, const char *s)
{
    unsigned i = 0, n = 0;
    char extra;
    if (!strcmp(s, "auto")) { /* decided by cli_options_check, from the environment */
        o->shard_auto = 1;
        return;
    }
    o->shard_auto = 0;
    if (strlen(s) > 21 || strspn(s, "0123456789/") != strlen(s) ||
        sscanf(s, "%u/%u%c", &i, &n, &extra) != 2 || i == 0 || i > n)
        cli_usage_error("invalid shard '%s' (expected I/N with 1 <= I <= N, e.g. 1/4, or auto)", s);
    o->shard_index = i;
    o->shard_count = n;
}

/* A bare number of milliseconds that small is most likely meant as seconds
 * ("--wait 5"): said, not refused. */
static void warn_small(const char *arg, const char *name, unsigned ms, unsigned below)
{
    if (ms < below && strspn(arg, "0123456789") == strlen(arg) && ms > 0)
        fprintf(stderr, "sipprobe: warning: %s %s is %u milliseconds; for seconds write %ss\n",
                name, arg, ms, arg);
}

/* Numbers are checked here, so that the error names the value as typed. */
static void store_value(struct cli_options *o, enum cli_opt id, const char *arg)
{
    switch (id) {
    case CLI_OPT_RATE:
        o->rate = (unsigned)cli_parse_rate(arg, "rate", 1, 10000000);
        break;
    case CLI_OPT_RETRIES:
        o->retries = (unsigned)cli_parse_number(arg, "retry count", 0, 10);
        break;
    case CLI_OPT_WAIT:
        o->wait_ms = (unsigned)cli_parse_duration_ms(arg, "wait", 1, 0, 600000);
        warn_small(arg, "--wait", o->wait_ms, 100);
        break;
    case CLI_OPT_SEED:
        o->seed = (uint64_t)cli_parse_number(arg, "seed", 0, ULONG_MAX);
        break;
    case CLI_OPT_SHARD:
        parse_shard(o, arg);
        break;
    case CLI_OPT_SHARD_COUNT:
        o->shard_count_given = (unsigned)cli_parse_number(arg, "shard count", 1, 1000000);
        break;
    case CLI_OPT_MAX_CONNECTIONS:
        o->max_connections = (unsigned)cli_parse_number(arg, "connection limit", 1, 65536);
        break;
    case CLI_OPT_CONNECT_TIMEOUT:
        o->connect_timeout_ms =
            (unsigned)cli_parse_duration_ms(arg, "connect timeout", 1, 10, 600000);
        warn_small(arg, "--connect-timeout", o->connect_timeout_ms, 100);
        break;
    case CLI_OPT_DURATION:
        o->duration =
            (unsigned)(cli_parse_duration_ms(arg, "duration", 1000, 1000, 86400000) / 1000);
        break;
    case CLI_OPT_SOURCE_PORT:
        o->source_port = (unsigned)cli_parse_number(arg, "source port", 1, 65535);
        break;
    case CLI_OPT_MAX_ATTEMPTS:
        o->max_attempts = (unsigned)cli_parse_number(arg, "attempt limit", 1, 1000000);
        break;
    case CLI_OPT_AUDIT_RATE:
        o->audit_rate = (unsigned)cli_parse_rate(arg, "audit rate", 1, 1000);
        break;
    case CLI_OPT_UPLOAD_BATCH:
        o->upload_batch = (unsigned)cli_parse_number(arg, "batch size", 1, 1000000);
        break;
    case CLI_OPT_FAIL_ON:
        if (sp_severity_parse(arg, &o->fail_on) != SP_OK)
            cli_usage_error("invalid severity '%s' (info, low, medium, high, critical, never)",
                            arg);
        break;
    default:
        break;
    }
}

static void store_flag(struct cli_options *o, enum cli_opt id)
{
    switch (id) {
    case CLI_OPT_DRY_RUN:
        o->dry_run = 1;
        break;
    case CLI_OPT_AUDIT_PASSWORDS:
        o->audit_passwords = 1;
        break;
    case CLI_OPT_SHOW_PASSWORDS:
        o->show_passwords = 1;
        break;
    case CLI_OPT_CHECK_INVITE:
        o->check_invite = 1;
        break;
    case CLI_OPT_STRICT:
        o->strict = 1;
        break;
    case CLI_OPT_NO_DEFAULT_EXCLUDES:
        o->no_default_excludes = 1;
        break;
    case CLI_OPT_QUIET:
        o->quiet = 1;
        break;
    case CLI_OPT_VERBOSE:
        o->verbose++;
        break;
    case CLI_OPT_HELP:
        o->action = CLI_ACTION_HELP;
        break;
    case CLI_OPT_VERSION:
        o->action = CLI_ACTION_VERSION;
        break;
    case CLI_OPT_LIST_PROBES:
        o->action = CLI_ACTION_LIST_PROBES;
        break;
    case CLI_OPT_LIST_OUTPUTS:
        o->action = CLI_ACTION_LIST_OUTPUTS;
        break;
    case CLI_OPT_LIST_FINDINGS:
        o->action = CLI_ACTION_LIST_FINDINGS;
        break;
    default:
        break;
    }
}

static void store(struct cli_options *o, enum cli_opt id, const char *arg)
{
    struct cli_args *list = list_of(o, id);
    const char **str = string_of(o, id);
    if (id == CLI_OPT_OUTPUT && o->outputs.n == 16)
        cli_usage_error("too many outputs at '%s' (at most 16)", arg);
    if (opt_table[id].modes == 0) /* reflect's options: no mode of the scan takes them */
        cli_usage_error("%s belongs to %s", o->given[id].spelling, opt_table[id].home);
    if (list)
        push(list, id, arg);
    else if (str)
        *str = arg;
    else if (opt_table[id].has_arg)
        store_value(o, id, arg);
    else
        store_flag(o, id);
}

/* The option getopt_long refused, as typed: "--name" without "=value", or "-c". */
static void refused(char **argv, char *buf, size_t len)
{
    const char *arg = argv[optind - 1];
    if (!strncmp(arg, "--", 2))
        snprintf(buf, len, "%.*s", (int)strcspn(arg, "="), arg);
    else if (optopt > 0 && optopt < LONG_VAL)
        snprintf(buf, len, "-%c", optopt);
    else
        snprintf(buf, len, "%s", arg);
}

static void getopt_error(int c, char **argv)
{
    char name[64];
    refused(argv, name, sizeof(name));
    if (c == ':')
        cli_usage_error("option '%s' needs an argument", name);
    if (optopt >= LONG_VAL && strchr(argv[optind - 1], '='))
        cli_usage_error("option '%s' takes no argument", name);
    /* getopt_long takes a prefix of one long option, and refuses one of several. */
    char all[256] = "";
    size_t n = strlen(name), matches = 0;
    for (int id = 0; n > 2 && id < CLI_OPT_COUNT; id++)
        if (!strncmp(opt_table[id].name, name + 2, n - 2))
            snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s--%s", matches++ ? ", " : "",
                     opt_table[id].name);
    if (matches > 1)
        cli_usage_error("ambiguous option '%s' (%s)", name, all);
    cli_usage_error("unknown option '%s'", name);
}

static enum cli_opt id_of(int c)
{
    if (c >= LONG_VAL)
        return (enum cli_opt)(c - LONG_VAL);
    for (int id = 0; id < CLI_OPT_COUNT; id++)
        if (opt_table[id].short_name == c)
            return (enum cli_opt)id;
    return CLI_OPT_COUNT;
}

static void getopt_tables(struct option *lo, char *shorts)
{
    char *s = shorts;
    *s++ = ':'; /* ':' for a missing argument, '?' for an unknown option */
    for (int id = 0; id < CLI_OPT_COUNT; id++) {
        const struct opt_info *t = &opt_table[id];
        lo[id] = (struct option){t->name, t->has_arg ? required_argument : no_argument, NULL,
                                 LONG_VAL + id};
        if (t->short_name) {
            *s++ = t->short_name;
            if (t->has_arg)
                *s++ = ':';
        }
    }
    lo[CLI_OPT_COUNT] = (struct option){NULL, 0, NULL, 0};
    *s = '\0';
}

/* What nmap and masscan users type: -iL FILE is taken as --input-file FILE;
 * -oX, -oN, -oJ ... (one argument, a format letter glued to -o) would make
 * a file named "X" and a target of the file name, so it is refused with
 * what to write instead. Stops at "--". */
static void nmap_habits(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            return;
        if (!strcmp(argv[i], "-iL")) {
            argv[i] = (char *)"--input-file";
        } else if (strlen(argv[i]) == 3 && !strncmp(argv[i], "-o", 2) &&
                   strchr("XNGJASMBLHD", argv[i][2])) {
            cli_usage_error("%s is nmap/masscan's form; here -o FILE takes its format from the "
                            "file's extension (.xml JUnit, .json, .ndjson, .csv, .html, .md, "
                            ".txt) or from -f FORMAT, e.g. -o %s",
                            argv[i], argv[i][2] == 'X' ? "results.xml" : "results.json");
        }
    }
}

void cli_options_parse(struct cli_options *o, int argc, char **argv)
{
    struct option lo[CLI_OPT_COUNT + 1];
    char shorts[2 + 3 * CLI_OPT_COUNT];
    memset(o, 0, sizeof(*o));
    o->fail_on = SP_SEV_NONE;
    o->rate = 500; /* the library's default, for the large-scan estimate */
    if (argc > 1 && !strcmp(argv[1], "alg-check")) {
        o->alg_check = 1;
        argc--;
        argv++;
    } else if (argc > 1 && !strcmp(argv[1], "report")) {
        o->report = 1;
        argc--;
        argv++;
    }
    nmap_habits(argc, argv);
    getopt_tables(lo, shorts);
    opterr = 0;
    optind = 1;
    int c, li, seq = 0;
    while (o->action == CLI_ACTION_NONE &&
           (li = -1, c = getopt_long(argc, argv, shorts, lo, &li)) != -1) {
        enum cli_opt id = c == ':' || c == '?' ? CLI_OPT_COUNT : id_of(c);
        if (id == CLI_OPT_COUNT)
            getopt_error(c, argv);
        struct cli_given *g = &o->given[id];
        if (!g->seq) {
            g->seq = ++seq;
            if (li >= 0)
                snprintf(g->spelling, sizeof(g->spelling), "--%s", opt_table[id].name);
            else
                snprintf(g->spelling, sizeof(g->spelling), "-%c", opt_table[id].short_name);
        }
        store(o, id, optarg);
    }
    o->operands = argv + optind;
    o->n_operands = argc - optind;
}

unsigned cli_opt_modes(enum cli_opt id)
{
    return opt_table[id].modes;
}

const char *cli_opt_home(enum cli_opt id)
{
    return opt_table[id].home;
}

void cli_options_free(struct cli_options *o)
{
    struct cli_args *lists[] = {&o->input_files, &o->excludes, &o->fingerprints,
                                &o->extensions,  &o->outputs,  &o->upload_headers,
                                &o->reads};
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        free(lists[i]->v);
        lists[i]->v = NULL;
        lists[i]->n = 0;
    }
}
