/* The network scan mode: prepare, open, discovery rounds over the
 * permutation (with retries for silent targets and a final wait), the
 * optional enumeration phase, then the shared finishing step. The resume
 * journal is kept meanwhile, and a resumed scan replays what it found. */
#include "api/scan.h"

#include "classify/classify.h"
#include "output/service_json.h"
#include "run/deliver.h"
#include "run/finish.h"
#include "run/modes.h"

#include <jansson.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "5060 (udp, tcp), 5061 (tls)" or "5060-5070 (udp)": what reports show. */
static void describe_ports(const sp_scan *s, char *out, size_t len)
{
    if (s->set.ports_spec) {
        snprintf(out, len, "%s (%s)", s->set.ports_spec, s->set.transports_spec);
        return;
    }
    int stream = (s->set.transports & 3u) != 0, tls = (s->set.transports & 4u) != 0;
    char lower[32] = "";
    for (int t = 0; t < 2; t++)
        if (s->set.transports & (1u << t)) {
            if (lower[0])
                strcat(lower, ",");
            strcat(lower, sp_transport_name((sp_transport)t));
        }
    snprintf(out, len, "%s%s%s%s%s", stream ? "5060 (" : "", lower, stream ? ")" : "",
             stream && tls ? ", " : "", tls ? "5061 (tls)" : "");
}

/* The journal and the output thread, before the first probe. */
static void start_delivery(sp_scan *s)
{
    if (s->set.dry_run)
        return;
    if (s->set.resume_path) {
        json_t *settings = sp__settings_json(s);
        long keep = s->set.resuming ? s->set.resume.good_bytes : 0;
        if (sp__journal_open(&s->journal, s->set.resume_path, settings, s->set.resuming, keep,
                             s->err, sizeof(s->err)) != 0)
            sp__log(s, 0, "%s; continuing without one", s->err);
        json_decref(settings);
    }
    if (sp__deliver_start_thread(s) != 0 && !s->hooks.service_fn)
        sp__log(s, 1, "no output thread; finishing services on the scan thread");
    sp__records_start(s);
}

/* A journal whose targets were edited would report what the scan never
 * covered: refused before anything is sent or written. */
static int check_journal(sp_scan *s)
{
    size_t i;
    json_t *o;
    json_array_foreach(s->set.resume.services, i, o)
    {
        sp__svc *svc = sp__service_from_json(o);
        int inside = !svc || sp__targets_contains(&s->set.targets, &svc->host);
        char host[64] = "";
        if (svc)
            sp__addr_format(&svc->host, host, sizeof(host));
        sp__svc_free(svc);
        if (!inside)
            return sp__fail(s, SP_EDATA,
                            "'%s': it lists a service at %s, outside its targets (was the "
                            "journal edited?)",
                            s->set.resume_path, host);
    }
    return SP_OK;
}

/* What the interrupted scan found goes to the outputs again and counts as
 * answered, so those targets are not probed twice. Returns where sending
 * goes on. */
static void replay_journal(sp_scan *s, unsigned *first_round, uint64_t *first_j)
{
    if (s->set.resume.torn)
        sp__log(s, 0, "'%s': its last line was cut off (was the scan killed?); it is dropped",
                s->set.resume_path);
    size_t i;
    json_t *o;
    json_array_foreach(s->set.resume.services, i, o)
    {
        sp__svc *svc = sp__service_from_json(o);
        sp__entry *e =
            svc ? sp__table_find(&s->run.table, &svc->host, svc->port, svc->transport, 1) : NULL;
        if (!e) {
            sp__svc_free(svc);
            continue;
        }
        /* A later line for the same service (it got more answers after an
         * earlier interrupt) supersedes the earlier one. */
        for (uint32_t m = e->final_mask & s->set.method_mask; m; m &= m - 1)
            s->run.finals--;
        sp__svc_free(e->svc);
        e->svc = svc;
        e->seen_mask = svc->seen_mask;
        e->final_mask = svc->final_mask;
        for (uint32_t m = svc->final_mask & s->set.method_mask; m; m &= m - 1)
            s->run.finals++;
    }
    /* Services with every answer go out again now; the others stay in the
     * table, so that the answers still to come join their records. */
    for (size_t k = 0; k < s->run.table.cap; k++) {
        sp__entry *e = &s->run.table.v[k];
        if (e->svc && (e->final_mask & s->set.method_mask) == s->set.method_mask)
            sp__deliver_entry(s, e, 1);
    }
    if (s->set.resume.has_position) {
        *first_round = s->set.resume.round;
        *first_j = s->set.resume.next_j;
    }
    sp__log(s, 1, "resuming: %zu services found before, sending from round %u", i, *first_round);
}

/* Discovery: round 0 sends every probe, later rounds retry silent
 * targets, each after a wait for the previous round's replies. */
static int discover(sp_scan *s, unsigned first_round, uint64_t first_j)
{
    sp__perm perm;
    int rc = SP_OK;
    sp__perm_init(&perm, s->set.targets.pairs * s->set.n_methods, s->set.seed);
    s->run.planned = s->set.targets.pairs * s->set.n_methods / s->set.shard_count;
    if (first_round > 0 || first_j > 0) {
        /* The probes sent before the interrupt still count as expected. */
        sp__walk w;
        uint64_t v;
        sp__walk_init(&w, &perm, s->set.shard_index, s->set.shard_count);
        while ((first_round > 0 || w.next_j < first_j) && sp__walk_next(&w, &v))
            s->run.expected++;
        s->run.resumed_before = s->run.expected;
    }
    unsigned rounds = s->set.dry_run ? 1 : s->set.retries + 1;
    for (unsigned r = first_round; r < rounds && !rc && !s->stop; r++) {
        if (r > first_round || (r > 0 && first_j == 0)) {
            /* Give replies to the previous round time to arrive first. */
            sp__engine_wait(s, 0, 1);
            if (sp__engine_all_answered(s))
                break;
        }
        uint64_t before = s->summary.probes_sent, t0 = sp__now_ns();
        rc = sp__engine_send_round(s, &perm, r, r == first_round ? first_j : 0);
        double dt = (double)(sp__now_ns() - t0) / 1e9;
        uint64_t sent = s->summary.probes_sent - before;
        if (!s->set.dry_run)
            sp__log(s, 1, "round %u: sent %llu probes in %.2f s (%.0f probes/s)", r,
                    (unsigned long long)sent, dt, dt > 0 ? (double)sent / dt : 0.0);
    }
    if (!rc && !s->set.dry_run) {
        if (!s->run.last_send_ns)
            s->run.last_send_ns = sp__now_ns();
        sp__engine_wait(s, 1, 2);
    }
    return rc;
}

/* After the last phase: every service written before the journal closes
 * (with the position on an interrupt), and services still waiting for a
 * final reply to some probe reported as they are. */
static void end_delivery(sp_scan *s, int failed)
{
    sp__records_sync(s);
    sp__outthread_stop(&s->out);
    if (s->out.full_waits)
        sp__log(s, 1, "the output thread fell behind %llu times (%.0f ms of waiting in all)",
                (unsigned long long)s->out.full_waits, (double)s->out.full_wait_ns / 1e6);
    s->summary.interrupted = s->stop > 0;
    int keep = s->summary.interrupted || failed;
    /* Services still waiting for some answer are reported as they are. An
     * interrupted scan journals them too: a resumed one then adds the
     * answers still missing instead of losing those it had. */
    for (size_t i = 0; i < s->run.table.cap; i++) {
        sp__svc *svc = s->run.table.v[i].svc;
        if (!svc)
            continue;
        sp__classify_finish(svc, &s->fpdb, &s->vulns);
        if (keep && s->journal.fp) {
            char *line = sp__service_line(&svc->pub);
            sp__journal_service(&s->journal, line);
            free(line);
        }
    }
    if (s->journal.fp) {
        char path[4096];
        snprintf(path, sizeof(path), "%s", s->journal.path);
        if (keep)
            sp__journal_position(&s->journal, s->run.pos_round, s->run.pos_j);
        /* A completed scan needs no journal; an interrupted or failed one
         * keeps it, to continue from, unless a write to it failed: a
         * journal that lacks services would lose them on resume. */
        if (sp__journal_close(&s->journal, keep) != 0 && keep) {
            sp__log(s, 0, "resume file '%s' is incomplete (%s); removed, as it cannot be resumed",
                    path, strerror(errno));
            unlink(path);
        }
    }
    for (size_t i = 0; i < s->run.table.cap; i++)
        if (s->run.table.v[i].svc)
            sp__deliver_entry(s, &s->run.table.v[i], 1);
}

int sp__mode_scan(sp_scan *s)
{
    int rc = sp__engine_prepare(s);
    if (!rc)
        rc = sp__engine_open(s);
    char started[32], ports_desc[200];
    describe_ports(s, ports_desc, sizeof(ports_desc));
    sp__scan_meta meta = {
        .targets = &s->set.target_specs,
        .ports = ports_desc,
        .transports = s->set.transports_spec,
        .methods = s->set.methods_spec,
        .rate = s->set.rate,
        .retries = s->set.retries,
        .wait_ms = s->set.wait_ms,
        .seed = s->set.seed,
        .shard_index = s->set.shard_index + 1,
        .shard_count = s->set.shard_count,
        .user_agent = s->set.user_agent,
    };
    /* The reports list the default excludes beside the caller's. */
    if (s->set.targets.left_out) {
        for (size_t i = 0; i < s->set.exclude_specs.n; i++)
            sp__strv_push(&s->excludes_shown, s->set.exclude_specs.v[i],
                          strlen(s->set.exclude_specs.v[i]));
        sp__strv left = {0};
        sp__special_describe(s->set.targets.left_out, &left);
        for (size_t i = 0; i < left.n; i++) {
            char line[128];
            int n = snprintf(line, sizeof(line), "%s, by default: never a host", left.v[i]);
            sp__strv_push(&s->excludes_shown, line, (size_t)n);
        }
        sp__strv_free(&left);
        meta.excludes = &s->excludes_shown;
        sp__log(s, 0,
                "left out %s: no host can have such an address (--no-default-excludes keeps them)",
                s->left_out);
    }
    sp__begin(s, &meta, started, sizeof(started));
    s->run.start_ns = sp__now_ns();
    if (!rc) {
        unsigned first_round = 0;
        uint64_t first_j = 0;
        if (s->set.resuming)
            rc = check_journal(s);
        if (!rc) {
            start_delivery(s);
            if (s->set.resuming)
                replay_journal(s, &first_round, &first_j);
            rc = discover(s, first_round, first_j);
        }
    }
    /* The later phases work on the records themselves. */
    sp__records_sync(s);
    if (!rc && !s->set.dry_run && s->set.exts.count && !s->stop)
        rc = sp__engine_enumerate(s);
    if (!rc && !s->set.dry_run && s->set.audit_passwords && !s->stop) {
        if (s->set.exts.count)
            rc = sp__engine_audit(s);
        else
            sp__log(s, 0, "password audit: no extensions to audit (sp_scan_set_extensions)");
    }
    if (!rc && !s->set.dry_run && s->set.check_invite && !s->stop)
        rc = sp__engine_invite(s);
    end_delivery(s, rc != SP_OK);
    sp__engine_report_drops(s);
    s->summary.elapsed_s = (double)(sp__now_ns() - s->run.start_ns) / 1e9;
    sp__engine_progress(s, 2);
    if (s->run.pcap_out) {
        if (sp__pcap_writer_close(s->run.pcap_out) != 0 && !rc)
            rc = sp__fail(s, SP_EIO, "cannot write the packets to '%s': %s", s->set.write_pcap,
                          strerror(errno));
        s->run.pcap_out = NULL;
    }
    rc = sp__finish(s, &meta, rc, &s->set.targets, 1);
    sp__engine_close(s);
    return rc;
}
