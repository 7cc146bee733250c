#include "classify/classify.h"

#include "classify/findings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void take_string(char **dst, const char *src)
{
    if (!*dst && src)
        *dst = strdup(src);
}

static void merge_list(sp__strv *dst, const sp__strv *src)
{
    for (size_t i = 0; i < src->n && dst->n < 64; i++)
        if (!sp__strv_contains(dst, src->v[i]))
            sp__strv_push(dst, src->v[i], strlen(src->v[i]));
}

int sp__classify_reply(sp__svc *svc, int probe_index, const char *probe_name, const sp__parsed *msg,
                       double rtt_ms, size_t bytes, size_t req_bytes)
{
    uint32_t bit = 1u << probe_index;
    int final = msg->status >= 200;
    if (svc->final_mask & bit)
        return 0; /* retransmission or late duplicate */

    sp_reply *slot = NULL;
    for (size_t i = 0; i < svc->n_replies; i++)
        if (!strcmp(svc->replies[i].method, probe_name))
            slot = &svc->replies[i];
    if (slot && !final)
        return 0; /* a second provisional reply adds nothing */
    if (!slot) {
        if (svc->n_replies >= SP__MAX_PROBES)
            return 0;
        /* Keep replies in probe registry order, so output is stable. */
        size_t pos = svc->n_replies;
        while (pos > 0 && sp__probe_find(svc->replies[pos - 1].method) > probe_index) {
            svc->replies[pos] = svc->replies[pos - 1];
            pos--;
        }
        svc->n_replies++;
        slot = &svc->replies[pos];
    } else {
        free((char *)slot->reason);
        free((char *)slot->realm);
        free((char *)slot->algorithm);
        free((char *)slot->qop);
    }
    memset(slot, 0, sizeof(*slot));
    slot->method = probe_name;
    slot->status = msg->status;
    slot->reason = strdup(msg->reason ? msg->reason : "");
    slot->rtt_ms = rtt_ms;
    slot->bytes = bytes;
    slot->request_bytes = req_bytes;
    slot->challenged = msg->challenged && (msg->status == 401 || msg->status == 407);
    slot->realm = msg->realm ? strdup(msg->realm) : NULL;
    slot->algorithm = msg->algorithm ? strdup(msg->algorithm) : NULL;
    slot->qop = msg->qop ? strdup(msg->qop) : NULL;

    svc->seen_mask |= bit;
    if (final)
        svc->final_mask |= bit;
    sp__classify_headers(svc, msg);
    return 1;
}

void sp__classify_headers(sp__svc *svc, const sp__parsed *msg)
{
    take_string(&svc->server, msg->server);
    take_string(&svc->user_agent, msg->user_agent);
    take_string(&svc->to_tag, msg->to_tag);
    merge_list(&svc->allow, &msg->allow);
    merge_list(&svc->supported, &msg->supported);
    merge_list(&svc->contacts, &msg->contacts);
    merge_list(&svc->vias, &msg->vias);
    merge_list(&svc->warnings, &msg->warnings);
    merge_list(&svc->record_routes, &msg->record_routes);
    merge_list(&svc->sdp_addrs, &msg->sdp_addrs);
    merge_list(&svc->headers, &msg->headers);
    take_string(&svc->header_order, msg->header_order);
}

void sp__classify_echo(sp__svc *svc, const char *sent_to_uri, const sp__parsed *msg)
{
    if (svc->alg_evidence || !sent_to_uri || !msg->to_uri || !strcmp(sent_to_uri, msg->to_uri))
        return;
    size_t n = strlen(sent_to_uri) + strlen(msg->to_uri) + 64;
    svc->alg_evidence = malloc(n);
    if (svc->alg_evidence)
        snprintf(svc->alg_evidence, n, "To rewritten in transit: sent <%s>, received <%s>",
                 sent_to_uri, msg->to_uri);
}

void sp__classify_finish(sp__svc *svc, const sp__fpdb *db, const sp__vulndb *vulns)
{
    sp__fp_input in;
    char allow[1024] = "";
    memset(&in, 0, sizeof(in));
    /* Over ws and wss the upgrade's Server header speaks for a SIP reply
     * without one: the same product answered both. */
    in.field[SP__FIELD_SERVER] = svc->server                        ? svc->server
                                 : svc->has_ws && svc->ws_server[0] ? svc->ws_server
                                                                    : NULL;
    in.field[SP__FIELD_USER_AGENT] = svc->user_agent;
    in.field[SP__FIELD_TO_TAG] = svc->to_tag;
    for (size_t i = 0; i < svc->n_replies; i++)
        if (svc->replies[i].realm)
            in.field[SP__FIELD_REALM] = svc->replies[i].realm;
    /* "A, B, ...": a method that does not fit is left out. */
    for (size_t i = 0, used = 0; i < svc->allow.n; i++) {
        size_t n = strlen(svc->allow.v[i]);
        if (used + n + 3 < sizeof(allow)) {
            if (i) {
                memcpy(allow + used, ", ", 2);
                used += 2;
            }
            memcpy(allow + used, svc->allow.v[i], n + 1);
            used += n;
        }
    }
    in.field[SP__FIELD_ALLOW] = svc->allow.n ? allow : NULL;
    in.field[SP__FIELD_WARNING] = svc->warnings.n ? svc->warnings.v[0] : NULL;
    in.field[SP__FIELD_HEADER_ORDER] = svc->header_order;
    in.headers = (const char *const *)svc->headers.v;
    in.n_headers = svc->headers.n;

    sp__fp_match m;
    if (!svc->has_fp && db && sp__fpdb_match(db, &in, &m)) {
        svc->has_fp = 1;
        svc->fp_version = m.version;
        svc->fp_cpe = m.cpe;
        svc->fp.rule = m.id;
        svc->fp.vendor = m.vendor;
        svc->fp.product = m.product;
        svc->fp.type = m.type;
        svc->fp.version = svc->fp_version;
        svc->fp.cpe = svc->fp_cpe;
    }
    sp__findings_evaluate(svc, vulns);
    sp__svc_publish(svc);
}
