#include "apply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common.h"

sp_scan *cli_scan_new(sp_mode mode)
{
    sp_scan *scan = sp_scan_new_mode(mode);
    if (!scan)
        fprintf(stderr, "sipprobe: out of memory\n");
    return scan;
}

/* Settings of every mode that go first: the baseline before the upload,
 * so that the order on the command line does not matter. */
static sp_code apply_common(sp_scan *s, const struct cli_options *o)
{
    sp_code rc = SP_OK;
    for (size_t i = 0; i < o->fingerprints.n && rc == SP_OK; i++)
        rc = sp_scan_add_fingerprints_file(s, o->fingerprints.v[i].value);
    if (rc == SP_OK && cli_given(o, CLI_OPT_FAIL_ON))
        rc = sp_scan_set_fail_on(s, o->fail_on);
    if (rc == SP_OK && o->baseline)
        rc = sp_scan_set_baseline(s, o->baseline);
    if (rc == SP_OK && o->accept)
        rc = sp_scan_set_accept_file(s, o->accept);
    if (rc == SP_OK && o->vantage)
        rc = sp_scan_set_vantage(s, o->vantage);
    return rc;
}

static sp_code apply_upload(sp_scan *s, const struct cli_options *o)
{
    sp_code rc = SP_OK;
    for (size_t i = 0; i < o->upload_headers.n && rc == SP_OK; i++)
        rc = sp_scan_add_upload_header(s, o->upload_headers.v[i].value);
    if (rc == SP_OK && o->upload)
        rc = sp_scan_set_upload(s, o->upload, o->upload_batch);
    return rc;
}

/* What the requests look like: scan and alg-check. */
static sp_code apply_requests(sp_scan *s, const struct cli_options *o)
{
    sp_code rc = SP_OK;
    if (o->user_agent)
        rc = sp_scan_set_user_agent(s, o->user_agent);
    if (rc == SP_OK && cli_given(o, CLI_OPT_WAIT))
        rc = sp_scan_set_wait_ms(s, o->wait_ms);
    return rc;
}

static sp_code apply_targets(sp_scan *s, const struct cli_options *o)
{
    sp_code rc = SP_OK;
    if (o->dns_server)
        rc = sp_scan_set_dns_server(s, o->dns_server);
    for (size_t i = 0; i < o->input_files.n && rc == SP_OK; i++)
        rc = sp_scan_add_targets_file(s, o->input_files.v[i].value);
    for (size_t i = 0; i < o->excludes.n && rc == SP_OK; i++) {
        const struct cli_arg *x = &o->excludes.v[i];
        rc = x->opt == CLI_OPT_EXCLUDE ? sp_scan_add_exclude(s, x->value)
                                       : sp_scan_add_excludes_file(s, x->value);
    }
    if (rc == SP_OK && o->no_default_excludes)
        rc = sp_scan_set_default_excludes(s, 0);
    return rc;
}

static sp_code apply_probes(sp_scan *s, const struct cli_options *o)
{
    sp_code rc = apply_requests(s, o);
    if (rc == SP_OK && o->ports)
        rc = sp_scan_set_ports(s, o->ports);
    if (rc == SP_OK && o->transports)
        rc = sp_scan_set_transports(s, o->transports);
    if (rc == SP_OK && o->methods)
        rc = sp_scan_set_methods(s, o->methods);
    if (rc == SP_OK && o->from_user)
        rc = sp_scan_set_from_user(s, o->from_user);
    if (rc == SP_OK && o->to_user)
        rc = sp_scan_set_to_user(s, o->to_user);
    for (size_t i = 0; i < o->extensions.n && rc == SP_OK; i++) {
        const struct cli_arg *x = &o->extensions.v[i];
        rc = x->opt == CLI_OPT_EXTENSIONS ? sp_scan_set_extensions(s, x->value)
                                          : sp_scan_add_extensions_file(s, x->value);
    }
    if (rc == SP_OK && o->write_pcap)
        rc = sp_scan_set_write_pcap(s, o->write_pcap);
    if (rc == SP_OK && o->check_invite)
        rc = sp_scan_set_invite_check(s, 1, o->invite_to);
    return rc;
}

/* The password audit: in a scan and over a capture alike. */
static sp_code apply_audit(sp_scan *s, const struct cli_options *o)
{
    if (!o->audit_passwords)
        return SP_OK;
    sp_code rc = sp_scan_set_password_audit(s, 1);
    if (rc == SP_OK && o->passwords)
        rc = sp_scan_add_passwords_file(s, o->passwords);
    if (rc == SP_OK && cli_given(o, CLI_OPT_MAX_ATTEMPTS))
        rc = sp_scan_set_max_attempts(s, o->max_attempts);
    if (rc == SP_OK && cli_given(o, CLI_OPT_AUDIT_RATE))
        rc = sp_scan_set_audit_rate(s, o->audit_rate);
    if (rc == SP_OK && o->show_passwords)
        rc = sp_scan_set_show_passwords(s, 1);
    return rc;
}

static sp_code apply_timing(sp_scan *s, const struct cli_options *o)
{
    sp_code rc = SP_OK;
    if (cli_given(o, CLI_OPT_RATE))
        rc = sp_scan_set_rate(s, o->rate);
    if (rc == SP_OK && cli_given(o, CLI_OPT_RETRIES))
        rc = sp_scan_set_retries(s, o->retries);
    if (rc == SP_OK && cli_given(o, CLI_OPT_SEED))
        rc = sp_scan_set_seed(s, o->seed);
    if (rc == SP_OK && cli_given(o, CLI_OPT_SHARD))
        rc = sp_scan_set_shard(s, o->shard_index, o->shard_count);
    if (rc == SP_OK && cli_given(o, CLI_OPT_MAX_CONNECTIONS))
        rc = sp_scan_set_max_connections(s, o->max_connections);
    if (rc == SP_OK && cli_given(o, CLI_OPT_CONNECT_TIMEOUT))
        rc = sp_scan_set_connect_timeout_ms(s, o->connect_timeout_ms);
    /* Where the probes come from may change on --resume, like the rate. */
    if (rc == SP_OK && (o->source_ip || o->source_port || o->iface))
        rc = sp_scan_set_source(s, o->source_ip, o->source_port, o->iface);
    return rc;
}

/* A scan keeps a journal, by default in the current directory. Said at
 * the start when there can be none, not after an interrupt. */
static sp_code apply_journal(sp_scan *s, const struct cli_options *o, struct cli_applied *a)
{
    if (o->dry_run)
        return SP_OK;
    if (o->extensions.n || o->check_invite) /* active phases cannot be resumed: no journal */
        return SP_OK;
    a->resume_file = o->resume_file;
    if (!a->resume_file) {
        if (access(".", W_OK) != 0) {
            if (!o->quiet)
                fprintf(stderr, "sipprobe: warning: the current directory is not writable: no "
                                "resume file (give one with --resume-file)\n");
            return SP_OK;
        }
        snprintf(a->default_resume, sizeof(a->default_resume), "sipprobe-%ld.resume",
                 (long)getpid());
        a->resume_file = a->default_resume;
    }
    return sp_scan_set_resume_file(s, a->resume_file);
}

static sp_code apply_scan(sp_scan *s, const struct cli_options *o, struct cli_applied *a)
{
    sp_code rc = SP_OK;
    /* --resume continues a journal with its targets and settings; what
     * may change (rate, waits, connection limits) is applied after it. */
    if (o->resume) {
        a->resume_file = o->resume;
        rc = sp_scan_resume(s, o->resume);
    } else {
        rc = apply_targets(s, o);
        if (rc == SP_OK)
            rc = apply_probes(s, o);
        if (rc == SP_OK)
            rc = apply_audit(s, o);
        if (rc == SP_OK)
            rc = apply_journal(s, o, a);
    }
    if (rc == SP_OK && o->resume)
        rc = apply_requests(s, o);
    if (rc == SP_OK)
        rc = apply_timing(s, o);
    for (int i = 0; i < o->n_operands && rc == SP_OK; i++)
        rc = sp_scan_add_target(s, o->operands[i]);
    return rc;
}

static sp_code apply_capture(sp_scan *s, const struct cli_options *o)
{
    sp_code rc = SP_OK;
    for (size_t i = 0; i < o->reads.n && rc == SP_OK; i++)
        rc = sp_scan_add_capture_file(s, o->reads.v[i].value);
    if (rc == SP_OK && o->read_live)
        rc = sp_scan_set_live_capture(s, o->read_live, o->filter,
                                      cli_given(o, CLI_OPT_DURATION) ? o->duration : 60);
    if (rc == SP_OK)
        rc = apply_audit(s, o);
    return rc;
}

static sp_code apply_alg_check(sp_scan *s, const struct cli_options *o)
{
    sp_code rc = apply_requests(s, o);
    if (rc == SP_OK)
        rc = sp_scan_set_alg_check(s, o->operands[0], o->token, o->alg_transports);
    return rc;
}

static sp_code apply_report(sp_scan *s, const struct cli_options *o)
{
    sp_code rc = SP_OK;
    for (int i = 0; i < o->n_operands && rc == SP_OK; i++)
        rc = sp_scan_add_result_file(s, o->operands[i]);
    if (rc == SP_OK && o->strict)
        rc = sp_scan_set_strict(s, 1);
    return rc;
}

int cli_apply(sp_scan *scan, const struct cli_options *o, struct cli_applied *a)
{
    memset(a, 0, sizeof(*a));
    sp_code rc = apply_common(scan, o);
    if (rc == SP_OK && o->mode == SP_MODE_SCAN)
        rc = apply_scan(scan, o, a);
    else if (rc == SP_OK && o->mode == SP_MODE_CAPTURE)
        rc = apply_capture(scan, o);
    else if (rc == SP_OK && o->mode == SP_MODE_REPORT)
        rc = apply_report(scan, o);
    else if (rc == SP_OK)
        rc = apply_alg_check(scan, o);
    if (rc == SP_OK)
        rc = apply_upload(scan, o);
    if (rc != SP_OK) {
        cli_lib_error(scan, rc);
        return EXIT_USAGE;
    }
    return EXIT_DONE;
}

/* The format an output file gets from its extension, or NULL. */
static const char *format_from_path(const char *path)
{
    static const struct {
        const char *ext, *format;
    } by_ext[] = {{".ndjson", "ndjson"}, {".jsonl", "ndjson"}, {".json", "json"},
                  {".csv", "csv"},       {".txt", "text"},     {".html", "html"},
                  {".htm", "html"},      {".md", "markdown"},  {".xml", "junit"}};
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof(by_ext) / sizeof(by_ext[0]); i++)
        if (!strcasecmp(dot, by_ext[i].ext))
            return by_ext[i].format;
    return NULL;
}

/* -o FILE takes its format from --format or the extension; without -o,
 * standard output gets --format (text on a terminal, ndjson otherwise). */
/* The terminal's width for the text table (COLUMNS first, as shells set it). */
static unsigned terminal_columns(void)
{
    const char *env = getenv("COLUMNS");
    if (env && atoi(env) > 0)
        return (unsigned)atoi(env);
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

int cli_apply_outputs(sp_scan *scan, const struct cli_options *o)
{
    sp_code rc = SP_OK;
    int tty = isatty(STDOUT_FILENO);
    sp_scan_set_text_layout(scan, tty ? terminal_columns() : 0, o->verbose > 0);
    /* Results going to files still show the table to a person at a terminal. */
    int to_stdout = 0;
    for (size_t i = 0; i < o->outputs.n; i++)
        to_stdout |= !strcmp(o->outputs.v[i].value, "-");
    if (o->outputs.n && tty && !to_stdout && !o->quiet && !o->dry_run && !o->format) {
        const char *no_color = getenv("NO_COLOR");
        sp_scan_set_color(scan, !(no_color && *no_color));
        rc = sp_scan_add_output(scan, "text", "-");
    }
    if (o->outputs.n == 0) {
        const char *fmt = o->format ? o->format : (isatty(STDOUT_FILENO) ? "text" : "ndjson");
        /* Colour only for a person at a terminal, and never with NO_COLOR (no-color.org). */
        const char *no_color = getenv("NO_COLOR");
        sp_scan_set_color(scan, isatty(STDOUT_FILENO) && !(no_color && *no_color));
        rc = o->dry_run ? SP_OK : sp_scan_add_output(scan, fmt, "-");
    }
    for (size_t i = 0; i < o->outputs.n && rc == SP_OK; i++) {
        const char *path = o->outputs.v[i].value;
        const char *fmt = o->format ? o->format : format_from_path(path);
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        /* A path that is also the journal or the capture gets the library's
         * sharper message ("the same file as ..."). */
        int other = (o->resume_file && !strcmp(path, o->resume_file)) ||
                    (o->write_pcap && !strcmp(path, o->write_pcap));
        if (!fmt && !other && strcmp(path, "-") != 0 && *base && strchr(base + 1, '.'))
            cli_usage_error("'%s': unknown output extension '%s' (.txt .ndjson .jsonl .json .csv "
                            ".html .htm .md .xml), or give the format with -f",
                            path, strrchr(base, '.'));
        rc = sp_scan_add_output(scan, fmt ? fmt : "text", path);
    }
    if (rc != SP_OK) {
        cli_lib_error(scan, rc);
        return EXIT_USAGE;
    }
    return EXIT_DONE;
}
