/* What the command line said, parsed before anything is applied: the
 * subcommand, every option with whether (and how) it was given, and the
 * mode those make. cli_options_check refuses options of another mode. */
#ifndef SIPPROBE_CLI_OPTIONS_H
#define SIPPROBE_CLI_OPTIONS_H
#include <stddef.h>
#include <stdint.h>

#include "sipprobe/sipprobe.h"

/* Every option of the scan, capture and alg-check modes (reflect has its own). */
enum cli_opt {
    CLI_OPT_INPUT_FILE,
    CLI_OPT_EXCLUDE,
    CLI_OPT_EXCLUDE_FILE,
    CLI_OPT_DNS_SERVER,
    CLI_OPT_PORTS,
    CLI_OPT_METHOD,
    CLI_OPT_USER_AGENT,
    CLI_OPT_FROM_USER,
    CLI_OPT_TO_USER,
    CLI_OPT_FINGERPRINTS,
    CLI_OPT_EXTENSIONS,
    CLI_OPT_EXTENSIONS_FILE,
    CLI_OPT_RATE,
    CLI_OPT_RETRIES,
    CLI_OPT_WAIT,
    CLI_OPT_SEED,
    CLI_OPT_SHARD,
    CLI_OPT_SHARD_COUNT,
    CLI_OPT_NO_DEFAULT_EXCLUDES,
    CLI_OPT_FORMAT,
    CLI_OPT_OUTPUT,
    CLI_OPT_FAIL_ON,
    CLI_OPT_BASELINE,
    CLI_OPT_ACCEPT,
    CLI_OPT_UPLOAD,
    CLI_OPT_UPLOAD_HEADER,
    CLI_OPT_UPLOAD_BATCH,
    CLI_OPT_RESUME,
    CLI_OPT_RESUME_FILE,
    CLI_OPT_TOKEN,
    CLI_OPT_TRANSPORT,
    CLI_OPT_MAX_CONNECTIONS,
    CLI_OPT_CONNECT_TIMEOUT,
    CLI_OPT_READ,
    CLI_OPT_READ_LIVE,
    CLI_OPT_FILTER,
    CLI_OPT_DURATION,
    CLI_OPT_WRITE_PCAP,
    CLI_OPT_SOURCE_IP,
    CLI_OPT_SOURCE_PORT,
    CLI_OPT_INTERFACE,
    CLI_OPT_AUDIT_PASSWORDS,
    CLI_OPT_PASSWORDS,
    CLI_OPT_MAX_ATTEMPTS,
    CLI_OPT_AUDIT_RATE,
    CLI_OPT_SHOW_PASSWORDS,
    CLI_OPT_CHECK_INVITE,
    CLI_OPT_INVITE_TO,
    CLI_OPT_LISTEN,
    CLI_OPT_MAX_SECONDS,
    CLI_OPT_DRY_RUN,
    CLI_OPT_VANTAGE,
    CLI_OPT_STRICT,
    CLI_OPT_LIST_PROBES,
    CLI_OPT_LIST_OUTPUTS,
    CLI_OPT_LIST_FINDINGS,
    CLI_OPT_QUIET,
    CLI_OPT_VERBOSE,
    CLI_OPT_HELP,
    CLI_OPT_VERSION,
    CLI_OPT_COUNT
};

/* An option that only prints something: it ends parsing and is done at once. */
enum cli_action {
    CLI_ACTION_NONE,
    CLI_ACTION_HELP,
    CLI_ACTION_VERSION,
    CLI_ACTION_LIST_PROBES,
    CLI_ACTION_LIST_OUTPUTS,
    CLI_ACTION_LIST_FINDINGS
};

/* The values of a repeatable option, in command-line order; opt tells
 * apart options that share a list (--exclude and --exclude-file). */
struct cli_arg {
    enum cli_opt opt;
    const char *value;
};
struct cli_args {
    struct cli_arg *v;
    size_t n;
};

struct cli_given {
    int seq;           /* 1 + how many options came before its first use; 0: not given */
    char spelling[24]; /* as typed: "-r" or "--rate" */
};

struct cli_options {
    int alg_check; /* the alg-check subcommand */
    int report;    /* the report subcommand */
    enum cli_action action;
    sp_mode mode; /* set by cli_options_check */
    struct cli_given given[CLI_OPT_COUNT];
    char **operands; /* targets, or alg-check's reflector */
    int n_operands;

    /* Targets */
    struct cli_args input_files;
    struct cli_args excludes; /* --exclude and --exclude-file */
    /* Probes */
    const char *dns_server;
    const char *ports, *transports, *methods, *user_agent, *from_user, *to_user;
    char alg_transports[8]; /* alg-check: --transport checked and spelled "udp,tcp" */
    struct cli_args fingerprints;
    struct cli_args extensions; /* --extensions and --extensions-file */
    /* Timing */
    unsigned rate, retries, wait_ms, max_connections, connect_timeout_ms;
    uint64_t seed;
    unsigned shard_index, shard_count;
    int shard_auto;             /* --shard auto: from the job runner's environment */
    unsigned shard_count_given; /* --shard-count */
    /* Output */
    const char *format;
    struct cli_args outputs;
    sp_severity fail_on;
    const char *baseline, *upload, *accept;
    struct cli_args upload_headers;
    unsigned upload_batch;
    /* Captures */
    struct cli_args reads;
    const char *read_live, *filter, *write_pcap;
    unsigned duration;
    /* Where probes come from */
    const char *source_ip, *iface;
    unsigned source_port;
    /* Active checks (opt-in) */
    int audit_passwords, show_passwords, check_invite;
    const char *passwords, *invite_to;
    unsigned max_attempts, audit_rate;
    /* ALG check */
    const char *token;
    /* Interrupt and resume */
    const char *resume, *resume_file;
    /* Other */
    const char *vantage;
    int strict; /* report */
    int no_default_excludes;
    int dry_run, quiet, verbose;
};

/* Parses argv (argv[1] may be "alg-check" or "report") into o. A malformed option or
 * value is a usage error (exit 2). Parsing stops at an action option. */
void cli_options_parse(struct cli_options *o, int argc, char **argv);
/* Decides the mode and refuses options that do not belong to it, naming
 * them as typed (exit 2). */
void cli_options_check(struct cli_options *o);
void cli_options_free(struct cli_options *o);

/* From the table of options: the modes an option applies to (bits
 * 1 << SP_MODE_*; 0 for reflect's), and where it belongs when a scan is
 * given an option of another mode (NULL when it belongs to a scan). */
unsigned cli_opt_modes(enum cli_opt id);
const char *cli_opt_home(enum cli_opt id);

static inline int cli_given(const struct cli_options *o, enum cli_opt opt)
{
    return o->given[opt].seq > 0;
}
#endif
