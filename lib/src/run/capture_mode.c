/* The capture inventory mode (--read, --read-live): SIP messages from
 * captured traffic become the same service records a scan makes, through
 * the same classifier, delivery and finishing step. Sends nothing. */
#include "api/scan.h"

#include "capture/capture.h"
#include "capture/inventory.h"
#include "run/deliver.h"
#include "run/finish.h"
#include "run/modes.h"

#include <stdio.h>
#include <string.h>

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

/* The inventory keeps one record per endpoint, classified already. */
static void on_inventory_service(void *ctx, sp__svc *svc)
{
    sp_scan *s = ctx;
    if (svc->audit && svc->audit->pub.passwords_audited) { /* counted for the closing line */
        s->run.offline_answers += svc->audit->pub.extensions;
        s->run.offline_weak += svc->audit->n_weak;
    }
    sp__deliver(s, svc, 1);
}

/* Reads source i (a file, or the live interface past the files); 0 or an
 * error text in err. */
static int read_source(sp_scan *s, capture_ctx *cc, size_t i, char *err, size_t errlen)
{
    sp__capture cap;
    uint64_t until = 0;
    int r;
    if (i < s->set.captures.n) {
        r = sp__capture_open_file(&cap, s->set.captures.v[i], on_wire, cc, err, errlen);
    } else {
        r = sp__capture_open_live(&cap, s->set.live_iface, s->set.live_filter, on_wire, cc, err,
                                  errlen);
        until = sp__now_ns() + s->set.live_seconds * 1000000000ull;
    }
    if (r)
        return r;
    r = sp__capture_run(&cap, (volatile int *)&s->stop, until, err, errlen);
    sp__log(s, 1, "%s: %llu packets, %llu SIP messages%s", cap.name,
            (unsigned long long)cap.packets, (unsigned long long)cap.sip,
            cap.undecodable ? " (some packets could not be decoded)" : "");
    char warning[512];
    if (sp__capture_warning(&cap, warning, sizeof(warning)))
        sp__log(s, 0, "%s", warning);
    sp__capture_close(&cap);
    return r;
}

int sp__mode_capture(sp_scan *s)
{
    sp__strv sources = {0};
    for (size_t i = 0; i < s->set.captures.n; i++)
        sp__strv_push(&sources, s->set.captures.v[i], strlen(s->set.captures.v[i]));
    char live[300] = "";
    if (s->set.live_iface) {
        snprintf(live, sizeof(live), "live:%s%s%s", s->set.live_iface,
                 s->set.live_filter ? " " : "", s->set.live_filter ? s->set.live_filter : "");
        sp__strv_push(&sources, live, strlen(live));
    }
    char started[32];
    sp__scan_meta meta = {.targets = &sources,
                          .ports = "any (from the capture)",
                          .transports = "udp,tcp",
                          .methods = "none sent (capture)",
                          .shard_index = 1,
                          .shard_count = 1,
                          .user_agent = ""};
    sp__begin(s, &meta, started, sizeof(started));
    uint64_t start_ns = sp__now_ns();
    int rc = SP_OK, failed = 0;
    capture_ctx cc = {s, sp__inventory_new()};
    if (!cc.inv)
        rc = sp__fail(s, SP_ENOMEM, "out of memory");
    else if (s->set.audit_passwords)
        sp__inventory_audit(cc.inv, &s->set.passwords, s->set.max_attempts, s->set.show_passwords);
    /* Every source is read even when one fails: a bad file costs only itself. */
    size_t n_sources = s->set.captures.n + (s->set.live_iface ? 1 : 0);
    for (size_t i = 0; !rc && i < n_sources && !s->stop; i++) {
        char err[512];
        if (read_source(s, &cc, i, err, sizeof(err)) == 0)
            continue;
        /* The first failure is the run's error; later ones are logged.
         * Every capture problem is bad input data. */
        if (!failed)
            sp__fail(s, SP_EDATA, "%s", err);
        else
            sp__log(s, 0, "%s", err);
        failed = SP_EDATA;
    }
    if (cc.inv) {
        sp__inventory_finish(cc.inv, &s->fpdb, &s->vulns, on_inventory_service, s);
        sp__inventory_free(cc.inv);
        if (s->set.audit_passwords)
            sp__log(s, 0,
                    "password audit of the capture (nothing sent): %llu accepted digest "
                    "answer%s tested, %llu weak password%s",
                    (unsigned long long)s->run.offline_answers,
                    s->run.offline_answers == 1 ? "" : "s", (unsigned long long)s->run.offline_weak,
                    s->run.offline_weak == 1 ? "" : "s");
    }
    s->summary.interrupted = s->stop > 0;
    s->summary.elapsed_s = (double)(sp__now_ns() - start_ns) / 1e9;
    /* A source was unreadable: what the others held is still reported. */
    rc = sp__finish(s, &meta, rc ? rc : failed, NULL, 1);
    sp__strv_free(&sources);
    return rc;
}
