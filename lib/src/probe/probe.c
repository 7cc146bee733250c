#include "probe/probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const sp__probe_type *const registry[] = {
    &sp__probe_options,
    &sp__probe_register,
};

#define N_PROBES (sizeof(registry) / sizeof(registry[0]))

const sp__probe_type *sp__probe_get(size_t index)
{
    return index < N_PROBES ? registry[index] : NULL;
}

int sp__probe_find(const char *name)
{
    for (size_t i = 0; i < N_PROBES; i++)
        if (!strcasecmp(registry[i]->name, name))
            return (int)i;
    return -1;
}

static const struct {
    const char *marker;
    sp__seg_kind kind;
} markers[] = {
    {SP__MARK_TARGET, SP__SEG_TARGET}, {SP__MARK_LOCAL, SP__SEG_LOCAL},
    {SP__MARK_MAC, SP__SEG_MAC},       {SP__MARK_CALLID, SP__SEG_CALLID},
    {SP__MARK_USER, SP__SEG_USER},     {SP__MARK_HOST, SP__SEG_HOST},
};

int sp__template_build(sp__template *t, const sp__probe_type *type, const sp__probe_params *params)
{
    sp__request_spec spec;
    char scratch[4][256];
    char via[128], from[256], contact[256], cseq[64];

    memset(t, 0, sizeof(*t));
    memset(&spec, 0, sizeof(spec));
    /* Values we do not control must not smuggle a marker in. */
    if (strstr(params->user_agent, "ZZsp") || strstr(params->from_user, "ZZsp") ||
        strstr(params->to_user, "ZZsp"))
        return -1;

    static const char *const via_transport[] = {"UDP", "TCP", "TLS", "WS", "WSS"};
    snprintf(via, sizeof(via), "SIP/2.0/%s %s;branch=z9hG4bK%s;rport",
             via_transport[params->transport >= 0 && params->transport < 5 ? params->transport : 0],
             SP__MARK_LOCAL, SP__MARK_MAC);
    snprintf(from, sizeof(from), "<sip:%s@%s>;tag=%s", params->from_user, SP__MARK_LOCAL,
             SP__MARK_MAC);
    snprintf(contact, sizeof(contact), "<sip:%s@%s>", params->from_user, SP__MARK_LOCAL);
    spec.via = via;
    spec.from = from;
    spec.contact = contact;
    spec.call_id = SP__MARK_CALLID;
    spec.user_agent = params->user_agent[0] ? params->user_agent : NULL;
    type->fill(params, &spec, scratch);
    snprintf(cseq, sizeof(cseq), "1 %s", spec.method);
    spec.cseq = cseq;

    char *text = NULL;
    size_t len = 0;
    if (sp__sipmsg_build(&spec, &text, &len) != 0)
        return -1;
    t->text = text;

    /* Cut the text at each marker. */
    size_t pos = 0;
    while (pos < len) {
        size_t best = len, best_len = 0;
        sp__seg_kind kind = SP__SEG_LIT;
        for (size_t m = 0; m < sizeof(markers) / sizeof(markers[0]); m++) {
            const char *hit = strstr(text + pos, markers[m].marker);
            if (hit && (size_t)(hit - text) < best) {
                best = (size_t)(hit - text);
                best_len = strlen(markers[m].marker);
                kind = markers[m].kind;
            }
        }
        if (t->n_seg + 2 > sizeof(t->seg) / sizeof(t->seg[0])) {
            sp__template_free(t);
            return -1;
        }
        if (best > pos) {
            t->seg[t->n_seg].kind = SP__SEG_LIT;
            t->seg[t->n_seg].off = (uint32_t)pos;
            t->seg[t->n_seg].len = (uint32_t)(best - pos);
            t->n_seg++;
        }
        if (best == len)
            break;
        t->seg[t->n_seg].kind = (uint8_t)kind;
        t->seg[t->n_seg].off = 0;
        t->seg[t->n_seg].len = 0;
        t->n_seg++;
        pos = best + best_len;
    }
    return 0;
}

void sp__template_free(sp__template *t)
{
    free(t->text);
    memset(t, 0, sizeof(*t));
}

size_t sp__template_fill(const sp__template *t, const sp__probe_fields *f, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n_seg; i++) {
        sp__field v;
        switch (t->seg[i].kind) {
        case SP__SEG_LIT:
            v.s = t->text + t->seg[i].off;
            v.n = t->seg[i].len;
            break;
        case SP__SEG_TARGET:
            v = f->target;
            break;
        case SP__SEG_LOCAL:
            v = f->local;
            break;
        case SP__SEG_MAC:
            v = f->mac;
            break;
        case SP__SEG_CALLID:
            v = f->call_id;
            break;
        case SP__SEG_USER:
            v = f->user;
            break;
        default:
            v = f->host;
            break;
        }
        if (n + v.n > cap)
            return 0;
        memcpy(out + n, v.s, v.n);
        n += v.n;
    }
    return n;
}
