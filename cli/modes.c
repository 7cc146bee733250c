/* The mode a command line makes, and the options and operands that do not
 * fit it. Each refusal names the option as typed, or the value. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "options.h"
#include "shard_env.h"

/* The option that made a capture inventory, as typed: the first of
 * --read and --read-live. */
static const char *capture_option(const struct cli_options *o)
{
    const struct cli_given *r = &o->given[CLI_OPT_READ], *l = &o->given[CLI_OPT_READ_LIVE];
    return !l->seq || (r->seq && r->seq < l->seq) ? r->spelling : l->spelling;
}

static void refuse(const struct cli_options *o, enum cli_opt id)
{
    const char *name = o->given[id].spelling, *home = cli_opt_home(id);
    if (o->mode == SP_MODE_ALG_CHECK)
        cli_usage_error("%s does not apply to alg-check", name);
    if (o->mode == SP_MODE_REPORT)
        cli_usage_error("%s does not apply to report (it merges stored results)", name);
    if (o->mode == SP_MODE_CAPTURE)
        cli_usage_error("%s does not apply to %s (a capture inventory)", name, capture_option(o));
    cli_usage_error("%s belongs to %s", name, home ? home : "another mode");
}

/* Refuses the first option on the command line that its mode does not take. */
static void check_table(const struct cli_options *o)
{
    int first = CLI_OPT_COUNT;
    for (int id = 0; id < CLI_OPT_COUNT; id++) {
        if (!cli_given(o, id) || (cli_opt_modes(id) & (1u << o->mode)))
            continue;
        if (first == CLI_OPT_COUNT || o->given[id].seq < o->given[first].seq)
            first = id;
    }
    if (first != CLI_OPT_COUNT)
        refuse(o, first);
}

/* What a journal fixes: a resumed scan must probe what the interrupted one
 * would have. Rate, wait, connection limits and outputs may change. */
static const enum cli_opt fixed_on_resume[] = {
    CLI_OPT_EXCLUDE,         CLI_OPT_EXCLUDE_FILE, CLI_OPT_PORTS,   CLI_OPT_METHOD,
    CLI_OPT_USER_AGENT,      CLI_OPT_FROM_USER,    CLI_OPT_TO_USER, CLI_OPT_EXTENSIONS,
    CLI_OPT_EXTENSIONS_FILE, CLI_OPT_RETRIES,      CLI_OPT_SEED,    CLI_OPT_SHARD,
    CLI_OPT_TRANSPORT,       CLI_OPT_RESUME_FILE,  CLI_OPT_DRY_RUN, CLI_OPT_NO_DEFAULT_EXCLUDES,
};

/* The audit's own options mean nothing without it. */
static void check_active(const struct cli_options *o)
{
    static const enum cli_opt audit_opts[] = {CLI_OPT_PASSWORDS, CLI_OPT_MAX_ATTEMPTS,
                                              CLI_OPT_AUDIT_RATE, CLI_OPT_SHOW_PASSWORDS};
    for (size_t i = 0; !o->audit_passwords && i < sizeof(audit_opts) / sizeof(audit_opts[0]); i++)
        if (cli_given(o, audit_opts[i]))
            cli_usage_error("%s belongs to --audit-passwords", o->given[audit_opts[i]].spelling);
    if (!o->check_invite && cli_given(o, CLI_OPT_INVITE_TO))
        cli_usage_error("%s belongs to --check-invite", o->given[CLI_OPT_INVITE_TO].spelling);
    if (o->mode == SP_MODE_SCAN && o->audit_passwords && !o->extensions.n && !o->resume)
        cli_usage_error("--audit-passwords needs the extensions to audit: give --extensions or "
                        "--extensions-file (enumeration then narrows them to those that exist)");
    if (o->resume && (o->audit_passwords || o->check_invite))
        cli_usage_error(
            "%s cannot be resumed: run it as a new scan",
            o->given[o->audit_passwords ? CLI_OPT_AUDIT_PASSWORDS : CLI_OPT_CHECK_INVITE].spelling);
    if (o->check_invite && cli_given(o, CLI_OPT_RESUME_FILE))
        cli_usage_error("%s: a scan with %s cannot be resumed",
                        o->given[CLI_OPT_RESUME_FILE].spelling,
                        o->given[CLI_OPT_CHECK_INVITE].spelling);
}

static void check_scan(const struct cli_options *o)
{
    for (size_t i = 0; o->resume && i < sizeof(fixed_on_resume) / sizeof(fixed_on_resume[0]); i++)
        if (cli_given(o, fixed_on_resume[i]))
            cli_usage_error("%s cannot change on --resume: the scan continues with the settings "
                            "in '%s'",
                            o->given[fixed_on_resume[i]].spelling, o->resume);
    /* A scan that enumerates extensions cannot be resumed: keep no journal. */
    if ((o->extensions.n) && cli_given(o, CLI_OPT_RESUME_FILE))
        cli_usage_error("%s: a scan with %s cannot be resumed",
                        o->given[CLI_OPT_RESUME_FILE].spelling,
                        o->given[cli_given(o, CLI_OPT_EXTENSIONS) ? CLI_OPT_EXTENSIONS
                                                                  : CLI_OPT_EXTENSIONS_FILE]
                            .spelling);
    /* The journal holds the targets of the scan to continue. */
    if (o->resume && o->n_operands)
        cli_usage_error("--resume takes targets and settings from '%s'; give no targets ('%s')",
                        o->resume, o->operands[0]);
    if (o->resume && o->input_files.n)
        cli_usage_error("--resume takes targets and settings from '%s'; give no targets (%s '%s')",
                        o->resume, o->given[CLI_OPT_INPUT_FILE].spelling,
                        o->input_files.v[0].value);
}

/* --shard auto takes the shard from the job runner and says which it used. */
static void decide_shard(struct cli_options *o)
{
    if (cli_given(o, CLI_OPT_SHARD_COUNT) && !o->shard_auto)
        cli_usage_error("%s goes with --shard auto (a runner that does not give the count)",
                        o->given[CLI_OPT_SHARD_COUNT].spelling);
    if (!o->shard_auto)
        return;
    char msg[512];
    if (cli_shard_auto(cli_getenv, NULL, o->shard_count_given, &o->shard_index, &o->shard_count,
                       msg, sizeof(msg)) != 0)
        cli_usage_error("%s", msg);
    if (!o->quiet)
        fprintf(stderr, "sipprobe: %s\n", msg);
}

static void check_capture(const struct cli_options *o)
{
    /* --filter and --duration shape a live capture only. */
    if (!o->read_live && (cli_given(o, CLI_OPT_FILTER) || cli_given(o, CLI_OPT_DURATION)))
        cli_usage_error(
            "%s belongs to --read-live",
            o->given[cli_given(o, CLI_OPT_FILTER) ? CLI_OPT_FILTER : CLI_OPT_DURATION].spelling);
    if (o->n_operands)
        cli_usage_error("%s reports what a capture shows and takes no targets ('%s')",
                        capture_option(o), o->operands[0]);
}

/* alg-check speaks UDP and TCP. Checked here: the library would take
 * "udpx" for udp. */
static void check_alg_transports(struct cli_options *o)
{
    const char *list = o->transports;
    int udp = !list, tcp = 0;
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ",");
        if (n == 3 && !strncasecmp(p, "udp", 3))
            udp = 1;
        else if (n == 3 && !strncasecmp(p, "tcp", 3))
            tcp = 1;
        else if (n)
            cli_usage_error("unknown alg-check transport '%.*s' (udp, tcp or udp,tcp)", (int)n, p);
        p += n + (p[n] == ',');
    }
    if (!udp && !tcp)
        cli_usage_error("no transport in --transport '%s' (udp, tcp or udp,tcp)", list);
    snprintf(o->alg_transports, sizeof(o->alg_transports), "%s%s%s", udp ? "udp" : "",
             udp && tcp ? "," : "", tcp ? "tcp" : "");
}

static void check_alg(struct cli_options *o)
{
    if (o->n_operands == 0)
        cli_usage_error("alg-check takes one reflector address, e.g. 'sipprobe alg-check "
                        "--token SECRET 198.51.100.7'");
    if (o->n_operands > 1)
        cli_usage_error("alg-check takes one reflector address; '%s' is a second one",
                        o->operands[1]);
    check_alg_transports(o);
}

static void check_report(const struct cli_options *o)
{
    if (o->n_operands == 0)
        cli_usage_error("report takes one or more results (json or ndjson), e.g. 'sipprobe "
                        "report -o all.html shard-*.json'");
}

void cli_options_check(struct cli_options *o)
{
    if (o->report)
        o->mode = SP_MODE_REPORT;
    else if (o->alg_check)
        o->mode = SP_MODE_ALG_CHECK;
    else if (o->reads.n || o->read_live)
        o->mode = SP_MODE_CAPTURE;
    else
        o->mode = SP_MODE_SCAN;
    check_table(o);
    check_active(o);
    if (o->mode == SP_MODE_SCAN) {
        check_scan(o);
        decide_shard(o);
    } else if (o->mode == SP_MODE_CAPTURE)
        check_capture(o);
    else if (o->mode == SP_MODE_REPORT)
        check_report(o);
    else
        check_alg(o);
}
