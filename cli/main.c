/* sipprobe: the command-line front end. It parses options, calls the
 * library's setters, shows progress, and maps results to exit codes.
 * No protocol logic lives here. */
#define _GNU_SOURCE
#include "sipprobe/sipprobe.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "progress.h"
#include "usage.h"

enum {
    OPT_EXCLUDE = 256,
    OPT_EXCLUDE_FILE,
    OPT_USER_AGENT,
    OPT_FROM_USER,
    OPT_TO_USER,
    OPT_FINGERPRINTS,
    OPT_EXTENSIONS,
    OPT_EXTENSIONS_FILE,
    OPT_RETRIES,
    OPT_WAIT,
    OPT_SEED,
    OPT_SHARD,
    OPT_FAIL_ON,
    OPT_BASELINE,
    OPT_UPLOAD,
    OPT_RESUME,
    OPT_TOKEN,
    OPT_TRANSPORT,
    OPT_MAX_CONNECTIONS,
    OPT_READ,
    OPT_READ_LIVE,
    OPT_FILTER,
    OPT_DURATION,
    OPT_WRITE_PCAP,
    OPT_CONNECT_TIMEOUT,
    OPT_LISTEN,
    OPT_MAX_SECONDS,
    OPT_RESUME_FILE,
    OPT_UPLOAD_HEADER,
    OPT_UPLOAD_BATCH,
    OPT_DRY_RUN,
    OPT_LIST_PROBES,
    OPT_LIST_OUTPUTS,
    OPT_LIST_FINDINGS,
};

static const struct option long_options[] = {
    {"input-file", required_argument, NULL, 'i'},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"exclude-file", required_argument, NULL, OPT_EXCLUDE_FILE},
    {"ports", required_argument, NULL, 'p'},
    {"method", required_argument, NULL, 'm'},
    {"user-agent", required_argument, NULL, OPT_USER_AGENT},
    {"from-user", required_argument, NULL, OPT_FROM_USER},
    {"to-user", required_argument, NULL, OPT_TO_USER},
    {"fingerprints", required_argument, NULL, OPT_FINGERPRINTS},
    {"extensions", required_argument, NULL, OPT_EXTENSIONS},
    {"extensions-file", required_argument, NULL, OPT_EXTENSIONS_FILE},
    {"rate", required_argument, NULL, 'r'},
    {"retries", required_argument, NULL, OPT_RETRIES},
    {"wait", required_argument, NULL, OPT_WAIT},
    {"seed", required_argument, NULL, OPT_SEED},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"baseline", required_argument, NULL, OPT_BASELINE},
    {"upload", required_argument, NULL, OPT_UPLOAD},
    {"resume", required_argument, NULL, OPT_RESUME},
    {"token", required_argument, NULL, OPT_TOKEN},
    {"transport", required_argument, NULL, OPT_TRANSPORT},
    {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
    {"read", required_argument, NULL, OPT_READ},
    {"read-live", required_argument, NULL, OPT_READ_LIVE},
    {"filter", required_argument, NULL, OPT_FILTER},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"write-pcap", required_argument, NULL, OPT_WRITE_PCAP},
    {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"max-seconds", required_argument, NULL, OPT_MAX_SECONDS},
    {"resume-file", required_argument, NULL, OPT_RESUME_FILE},
    {"upload-header", required_argument, NULL, OPT_UPLOAD_HEADER},
    {"upload-ndjson-batch", required_argument, NULL, OPT_UPLOAD_BATCH},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"list-probes", no_argument, NULL, OPT_LIST_PROBES},
    {"list-outputs", no_argument, NULL, OPT_LIST_OUTPUTS},
    {"list-findings", no_argument, NULL, OPT_LIST_FINDINGS},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static sp_scan *g_scan;
static void on_signal(int sig)
{
    (void)sig;
    if (g_scan)
        sp_scan_stop(g_scan);
}

static void on_dry_probe(const char *dest, const char *bytes, size_t len, void *data)
{
    (void)data;
    printf("# to %s (%zu bytes)\n", dest, len);
    fwrite(bytes, 1, len, stdout);
    printf("\n");
}

/* The format an output file gets from its extension, or NULL. */
static const char *format_from_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return NULL;
    if (!strcasecmp(dot, ".ndjson") || !strcasecmp(dot, ".jsonl"))
        return "ndjson";
    if (!strcasecmp(dot, ".json"))
        return "json";
    if (!strcasecmp(dot, ".csv"))
        return "csv";
    if (!strcasecmp(dot, ".txt"))
        return "text";
    if (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm"))
        return "html";
    if (!strcasecmp(dot, ".md"))
        return "markdown";
    if (!strcasecmp(dot, ".xml"))
        return "junit";
    return NULL;
}

int main(int argc, char **argv)
{
    const char *outputs[16];
    size_t n_outputs = 0;
    const char *format = NULL;
    sp_severity fail_on = SP_SEV_NONE;
    int dry_run = 0, opt;
    unsigned long rate = 500;
    int has_baseline = 0;
    const char *upload_url = NULL;
    const char *resume = NULL, *resume_file = NULL;
    const char *token = NULL, *transports = NULL;
    const char *live_iface = NULL, *live_filter = NULL;
    unsigned duration = 0;
    int n_reads = 0;
    int alg_mode = 0;
    int quiet = 0, verbose = 0;
    char default_resume[64];
    unsigned upload_batch = 0;
    sp_code rc;

    if (argc > 1 && !strcmp(argv[1], "reflect"))
        return cmd_reflect(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "alg-check")) {
        alg_mode = 1;
        argc--;
        argv++;
    }
    /* The mode comes first: it decides which options apply. */
    sp_mode mode = alg_mode ? SP_MODE_ALG_CHECK : SP_MODE_SCAN;
    for (int i = 1; i < argc && !alg_mode; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        if (!strncmp(argv[i], "--read", 6) &&
            (argv[i][6] == '\0' || argv[i][6] == '=' || !strncmp(argv[i] + 6, "-live", 5)))
            mode = SP_MODE_CAPTURE;
    }
    sp_scan *scan = sp_scan_new_mode(mode);
    if (!scan) {
        fprintf(stderr, "sipprobe: out of memory\n");
        return EXIT_RUNTIME;
    }
    /* Targets are collected in a first pass so that options after targets
     * (e.g. --ports) apply to all of them. */
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "i:p:m:r:f:o:qvhV", long_options, NULL)) != -1) {
        rc = SP_OK;
        switch (opt) {
        case 'i':
            rc = sp_scan_add_targets_file(scan, optarg);
            break;
        case OPT_EXCLUDE:
            rc = sp_scan_add_exclude(scan, optarg);
            break;
        case OPT_EXCLUDE_FILE:
            rc = sp_scan_add_excludes_file(scan, optarg);
            break;
        case 'p':
            rc = sp_scan_set_ports(scan, optarg);
            break;
        case 'm':
            rc = sp_scan_set_methods(scan, optarg);
            break;
        case OPT_USER_AGENT:
            rc = sp_scan_set_user_agent(scan, optarg);
            break;
        case OPT_FROM_USER:
            rc = sp_scan_set_from_user(scan, optarg);
            break;
        case OPT_TO_USER:
            rc = sp_scan_set_to_user(scan, optarg);
            break;
        case OPT_FINGERPRINTS:
            rc = sp_scan_add_fingerprints_file(scan, optarg);
            break;
        case OPT_EXTENSIONS:
            rc = sp_scan_set_extensions(scan, optarg);
            break;
        case OPT_EXTENSIONS_FILE:
            rc = sp_scan_add_extensions_file(scan, optarg);
            break;
        case 'r':
            rate = cli_parse_number(optarg, "rate", 0, 10000000);
            rc = sp_scan_set_rate(scan, (uint32_t)rate);
            break;
        case OPT_RETRIES:
            rc =
                sp_scan_set_retries(scan, (unsigned)cli_parse_number(optarg, "retry count", 0, 10));
            break;
        case OPT_WAIT:
            rc = sp_scan_set_wait_ms(scan, (unsigned)cli_parse_number(optarg, "wait", 0, 600000));
            break;
        case OPT_SEED:
            rc = sp_scan_set_seed(scan, (uint64_t)cli_parse_number(optarg, "seed", 0, ULONG_MAX));
            break;
        case OPT_SHARD: {
            unsigned i, n;
            char extra;
            if (sscanf(optarg, "%u/%u%c", &i, &n, &extra) != 2)
                cli_usage_error("invalid shard '%s' (expected I/N, e.g. 1/4)", optarg);
            rc = sp_scan_set_shard(scan, i, n);
            break;
        }
        case 'f':
            format = optarg;
            break;
        case 'o':
            if (n_outputs == sizeof(outputs) / sizeof(outputs[0]))
                cli_usage_error("too many outputs (at most 16)");
            outputs[n_outputs++] = optarg;
            break;
        case OPT_FAIL_ON:
            if (sp_severity_parse(optarg, &fail_on) != SP_OK)
                cli_usage_error("invalid severity '%s' (info, low, medium, high, critical, never)",
                                optarg);
            rc = sp_scan_set_fail_on(scan, fail_on);
            break;
        case OPT_UPLOAD:
            upload_url = optarg;
            break;
        case OPT_RESUME:
            resume = optarg;
            break;
        case OPT_TOKEN:
            token = optarg;
            break;
        case OPT_TRANSPORT:
            transports = optarg;
            if (!alg_mode)
                rc = sp_scan_set_transports(scan, optarg);
            break;
        case OPT_READ:
            rc = sp_scan_add_capture_file(scan, optarg);
            n_reads++;
            break;
        case OPT_READ_LIVE:
            live_iface = optarg;
            break;
        case OPT_FILTER:
            live_filter = optarg;
            break;
        case OPT_DURATION:
            duration = (unsigned)cli_parse_number(optarg, "duration", 0, 86400);
            break;
        case OPT_WRITE_PCAP:
            rc = sp_scan_set_write_pcap(scan, optarg);
            break;
        case OPT_MAX_CONNECTIONS:
            rc = sp_scan_set_max_connections(
                scan, (unsigned)cli_parse_number(optarg, "connection limit", 0, 65536));
            break;
        case OPT_CONNECT_TIMEOUT:
            rc = sp_scan_set_connect_timeout_ms(
                scan, (unsigned)cli_parse_number(optarg, "connect timeout", 0, 600000));
            break;
        case OPT_LISTEN:
        case OPT_MAX_SECONDS:
            cli_usage_error("--listen and --max-seconds belong to 'sipprobe reflect'");
        case OPT_RESUME_FILE:
            resume_file = optarg;
            break;
        case OPT_UPLOAD_HEADER:
            rc = sp_scan_add_upload_header(scan, optarg);
            break;
        case OPT_UPLOAD_BATCH:
            upload_batch = (unsigned)cli_parse_number(optarg, "batch size", 0, 1000000);
            if (!upload_batch)
                cli_usage_error("invalid batch size '%s' (1-1000000)", optarg);
            break;
        case OPT_BASELINE:
            rc = sp_scan_set_baseline(scan, optarg);
            has_baseline = 1;
            break;
        case OPT_DRY_RUN:
            dry_run = 1;
            break;
        case OPT_LIST_PROBES:
            for (size_t i = 0; sp_probe_name(i); i++)
                printf("%-10s %s\n", sp_probe_name(i), sp_probe_description(i));
            sp_scan_free(scan);
            return EXIT_DONE;
        case OPT_LIST_OUTPUTS:
            for (size_t i = 0; sp_output_name(i); i++)
                printf("%-8s %s\n", sp_output_name(i), sp_output_description(i));
            sp_scan_free(scan);
            return EXIT_DONE;
        case OPT_LIST_FINDINGS:
            for (size_t i = 0; sp_finding_catalogue(i); i++) {
                const sp_finding_info *f = sp_finding_catalogue(i);
                printf("%-24s %-8s %s\n", f->id, sp_severity_name(f->severity), f->title);
            }
            sp_scan_free(scan);
            return EXIT_DONE;
        case 'q':
            quiet = 1;
            break;
        case 'v':
            verbose++;
            break;
        case 'h':
            print_usage(stdout);
            sp_scan_free(scan);
            return EXIT_DONE;
        case 'V':
            printf("sipprobe %s\n", SP_VERSION);
            sp_scan_free(scan);
            return EXIT_DONE;
        case '?':
        default:
            if (optopt)
                fprintf(stderr, "sipprobe: option '-%c' is unknown or needs an argument\n", optopt);
            else
                fprintf(stderr, "sipprobe: unknown option '%s'\n", argv[optind - 1]);
            fprintf(stderr, "Try 'sipprobe --help' for more information.\n");
            sp_scan_free(scan);
            return EXIT_USAGE;
        }
        if (rc != SP_OK) {
            cli_lib_error(scan, rc);
            sp_scan_free(scan);
            return EXIT_USAGE;
        }
    }
    if (alg_mode) {
        if (optind + 1 != argc)
            cli_usage_error("alg-check takes one reflector address, e.g. 'sipprobe alg-check "
                            "--token SECRET 198.51.100.7'");
        rc = sp_scan_set_alg_check(scan, argv[optind], token, transports);
        if (rc != SP_OK) {
            cli_lib_error(scan, rc);
            sp_scan_free(scan);
            return EXIT_USAGE;
        }
        optind = argc; /* the reflector is no scan target */
    } else if (token) {
        cli_usage_error("--token belongs to 'sipprobe alg-check' and 'sipprobe reflect'");
    }
    int read_mode = n_reads > 0 || live_iface;
    if (live_iface) {
        rc = sp_scan_set_live_capture(scan, live_iface, live_filter, duration ? duration : 60);
        if (rc != SP_OK) {
            cli_lib_error(scan, rc);
            sp_scan_free(scan);
            return EXIT_USAGE;
        }
    } else if (live_filter || duration) {
        cli_usage_error("--filter and --duration belong to --read-live");
    }
    if (read_mode && (optind < argc || alg_mode || resume || dry_run))
        cli_usage_error("--read and --read-live report what a capture shows; give no targets, "
                        "--resume or --dry-run with them");
    if (read_mode) {
        optind = argc;
    } else if (resume) {
        /* The journal holds the targets and settings of the scan to continue. */
        if (optind < argc)
            cli_usage_error("--resume takes targets and settings from '%s'; give no targets",
                            resume);
        rc = sp_scan_resume(scan, resume);
        if (rc != SP_OK) {
            cli_lib_error(scan, rc);
            sp_scan_free(scan);
            return EXIT_USAGE;
        }
        resume_file = resume;
    } else if (!dry_run && !alg_mode) {
        /* By default the resume file goes to the current directory, if it is writable. */
        if (!resume_file && access(".", W_OK) == 0) {
            snprintf(default_resume, sizeof(default_resume), "sipprobe-%ld.resume", (long)getpid());
            resume_file = default_resume;
        }
        if (resume_file)
            sp_scan_set_resume_file(scan, resume_file);
    }
    for (int i = optind; i < argc; i++) {
        rc = sp_scan_add_target(scan, argv[i]);
        if (rc != SP_OK) {
            cli_lib_error(scan, rc);
            sp_scan_free(scan);
            return EXIT_USAGE;
        }
    }

    if (upload_url) {
        rc = sp_scan_set_upload(scan, upload_url, upload_batch);
        if (rc != SP_OK) {
            cli_lib_error(scan, rc);
            sp_scan_free(scan);
            return EXIT_USAGE;
        }
    }

    uint64_t probes = 0, addresses = 0;
    rc = alg_mode || read_mode ? SP_OK : sp_scan_probe_count(scan, &probes);
    if (rc == SP_OK && !alg_mode && !read_mode)
        rc = sp_scan_address_count(scan, &addresses);
    if (rc != SP_OK) {
        if (rc == SP_ENOTARGETS && optind == argc)
            fprintf(stderr, "sipprobe: no targets given\nTry 'sipprobe --help' for more "
                            "information.\n");
        else
            cli_lib_error(scan, rc);
        sp_scan_free(scan);
        return EXIT_USAGE;
    }

    /* Outputs: -o FILE takes its format from --format or the extension;
     * without -o, standard output gets --format (text on a terminal, ndjson otherwise). */
    if (n_outputs == 0) {
        const char *fmt = format ? format : (isatty(STDOUT_FILENO) ? "text" : "ndjson");
        /* Colour only for a person at a terminal, and never with NO_COLOR (no-color.org). */
        const char *no_color = getenv("NO_COLOR");
        sp_scan_set_color(scan, isatty(STDOUT_FILENO) && !(no_color && *no_color));
        rc = dry_run ? SP_OK : sp_scan_add_output(scan, fmt, "-");
    } else {
        rc = SP_OK;
        for (size_t i = 0; i < n_outputs && rc == SP_OK; i++) {
            const char *fmt = format ? format : format_from_path(outputs[i]);
            rc = sp_scan_add_output(scan, fmt ? fmt : "text", outputs[i]);
        }
    }
    if (rc != SP_OK) {
        cli_lib_error(scan, rc);
        sp_scan_free(scan);
        return EXIT_USAGE;
    }

    if (addresses > (1ull << 24) && !quiet) {
        double eta = (double)probes / (double)(rate ? rate : 1);
        fprintf(stderr,
                "sipprobe: warning: %" PRIu64 " addresses (%" PRIu64 " probes) is more than "
                "2^24; at the chosen rate this takes about %.0f min\n",
                addresses, probes, eta / 60.0);
    }

    if (dry_run)
        sp_scan_set_dry_run(scan, on_dry_probe, NULL);
    /* alg-check's verdict "no ALG on this path" is worth saying even without -v. */
    if (alg_mode && !quiet && verbose < 1)
        verbose = 1;
    cli_log_level(quiet, verbose);
    sp_scan_set_log(scan, cli_on_log, NULL);
    if (!quiet && !dry_run && isatty(STDERR_FILENO))
        sp_scan_set_progress(scan, cli_on_progress, NULL);

    g_scan = scan;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    rc = sp_scan_run(scan);
    cli_progress_clear();
    g_scan = NULL;

    sp_summary sum;
    sp_scan_summary(scan, &sum);
    int status = EXIT_DONE;
    if (rc != SP_OK) {
        cli_lib_error(scan, rc);
        /* A capture that is missing, truncated or not a capture is bad input
         * (what it held before the damage was still reported). */
        status = read_mode && rc == SP_EDATA ? EXIT_USAGE : EXIT_RUNTIME;
    } else if (fail_on != SP_SEV_NONE &&
               (int)(has_baseline ? sum.max_new_severity : sum.max_severity) >= (int)fail_on) {
        /* With a baseline only new findings fail the run. */
        status = EXIT_FINDINGS;
    } else if (sum.interrupted) {
        /* A partial scan must not pass for a complete one in CI. */
        status = EXIT_RUNTIME;
    }
    if (dry_run && !quiet)
        fprintf(stderr, "sipprobe: dry run: %" PRIu64 " probes shown, none sent\n",
                sum.probes_sent);
    else if (sum.interrupted && !quiet)
        fprintf(stderr,
                "sipprobe: interrupted; results so far were written. Continue with:\n"
                "  sipprobe --resume %s [outputs]\n",
                resume_file ? resume_file : "?");
    sp_scan_free(scan);
    return status;
}
