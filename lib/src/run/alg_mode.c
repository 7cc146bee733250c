/* The ALG check mode: one exchange per transport with a sipprobe
 * reflector; the record of each carries sip-alg-detected when the path
 * rewrote what was sent. Delivered and finished like any other mode. */
#include "api/scan.h"

#include "alg/alg.h"
#include "run/deliver.h"
#include "run/finish.h"
#include "run/modes.h"

#include <stdio.h>
#include <string.h>

int sp__mode_alg_check(sp_scan *s)
{
    sp__strv target = {0};
    sp__strv_push(&target, s->set.alg_host, strlen(s->set.alg_host));
    char port[8], started[32];
    snprintf(port, sizeof(port), "%u", s->set.alg_port);
    sp__scan_meta meta = {.targets = &target,
                          .ports = port,
                          .methods = "INVITE,REGISTER (alg-check)",
                          .wait_ms = s->set.wait_ms,
                          .shard_index = 1,
                          .shard_count = 1,
                          .user_agent = s->set.user_agent};
    sp__begin(s, &meta, started, sizeof(started));
    uint64_t start_ns = sp__now_ns();
    int rc = SP_OK;
    for (int tcp = 0; tcp < 2 && !s->stop; tcp++) {
        if (!(tcp ? s->set.alg_tcp : s->set.alg_udp))
            continue;
        sp__svc *svc = NULL;
        int r = sp__alg_check(s->set.alg_host, s->set.alg_port, tcp, s->set.alg_token,
                              s->set.user_agent, s->set.wait_ms, &svc, s->err, sizeof(s->err));
        s->summary.probes_sent += 2;
        if (r) {
            sp__log(s, 0, "%s", s->err);
            if (!rc)
                rc = r;
            continue;
        }
        s->summary.replies += 2;
        if (!svc->n_findings)
            sp__log(s, 1, "no ALG on this path (%s)", tcp ? "tcp" : "udp");
        sp__deliver(s, svc, 1);
    }
    s->summary.interrupted = s->stop > 0;
    s->summary.elapsed_s = (double)(sp__now_ns() - start_ns) / 1e9;
    /* The check covers one path, not addresses: it can call nothing fixed. */
    rc = sp__finish(s, &meta, rc, NULL, 0);
    sp__strv_free(&target);
    return rc;
}
