/* sipprobe reflect: the ALG-check reflector, for a host outside the office.
 * It has options of its own and no scan handle. */
#define _GNU_SOURCE
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "progress.h"
#include "usage.h"

static sp_reflector *g_reflector;

static void on_signal(int sig)
{
    (void)sig;
    if (g_reflector)
        sp_reflector_stop(g_reflector);
}

struct reflect_options {
    const char *listen;
    const char *token;
    unsigned max_seconds;
    int quiet;
};

/* Returns -1 to go on, or the exit status (after --help). */
static int parse(int argc, char **argv, struct reflect_options *o)
{
    static const struct option opts[] = {{"listen", required_argument, NULL, 'l'},
                                         {"token", required_argument, NULL, 't'},
                                         {"max-seconds", required_argument, NULL, 'm'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":l:t:m:qh", opts, NULL)) != -1) {
        switch (opt) {
        case 'l':
            o->listen = optarg;
            break;
        case 't':
            o->token = optarg;
            break;
        case 'm':
            o->max_seconds = (unsigned)cli_parse_number(optarg, "max-seconds", 0, 86400 * 30);
            break;
        case 'q':
            o->quiet = 1;
            break;
        case 'h':
            print_usage(stdout);
            return EXIT_DONE;
        case ':':
            cli_usage_error("option '%s' of reflect needs an argument", argv[optind - 1]);
        default:
            cli_usage_error("reflect does not take '%s' (usage: sipprobe reflect --token SECRET "
                            "[--listen ADDR:PORT] [--max-seconds N] [-q])",
                            argv[optind - 1]);
        }
    }
    if (optind != argc)
        cli_usage_error("reflect takes no targets ('%s')", argv[optind]);
    return -1;
}

int cmd_reflect(int argc, char **argv)
{
    struct reflect_options o = {"0.0.0.0:5060", NULL, 0, 0};
    int status = parse(argc, argv, &o);
    if (status >= 0)
        return status;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    cli_log_level(o.quiet, 1);
    char err[512] = "";
    g_reflector = sp_reflector_new();
    if (!g_reflector) {
        fprintf(stderr, "sipprobe: out of memory\n");
        return EXIT_RUNTIME;
    }
    sp_code rc = sp_reflector_run(g_reflector, o.listen, o.token, o.max_seconds, cli_on_log, NULL,
                                  err, sizeof(err));
    sp_reflector *r = g_reflector;
    g_reflector = NULL;
    sp_reflector_free(r);
    if (rc != SP_OK) {
        fprintf(stderr, "sipprobe: %s\n", err[0] ? err : sp_strerror(rc));
        return rc == SP_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
    }
    return EXIT_DONE;
}
