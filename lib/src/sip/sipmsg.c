#include "sip/sipmsg.h"

#include "sip/header.h"

#include <osipparser2/osip_message.h>
#include <osipparser2/osip_parser.h>
#include <osipparser2/osip_port.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t parser_once = PTHREAD_ONCE_INIT;

/* libosip2 as packaged writes a line for every message it cannot parse to
 * the standard streams. A library must not print, and a hostile network
 * must not be able to write into our ndjson on stdout: send traces nowhere. */
static void quiet_trace(const char *fi, int li, osip_trace_level_t level, const char *chfr,
                        va_list ap)
{
    (void)fi;
    (void)li;
    (void)level;
    (void)chfr;
    (void)ap;
}

static void parser_init_once(void)
{
    parser_init();
    osip_trace_initialize_func(END_TRACE_LEVEL, quiet_trace);
    for (int level = TRACE_LEVEL0; level < END_TRACE_LEVEL; level++)
        osip_trace_disable_level((osip_trace_level_t)level);
}

void sp__sipmsg_global_init(void)
{
    pthread_once(&parser_once, parser_init_once);
}

int sp__sipmsg_build(const sp__request_spec *spec, char **out, size_t *len)
{
    osip_message_t *msg = NULL;
    osip_uri_t *uri = NULL;
    char *text = NULL;
    size_t n = 0;
    int rc = -1;

    sp__sipmsg_global_init();
    if (osip_message_init(&msg) != 0)
        return -1;
    if (osip_uri_init(&uri) != 0 || osip_uri_parse(uri, spec->request_uri) != 0) {
        osip_uri_free(uri);
        goto done;
    }
    osip_message_set_method(msg, osip_strdup(spec->method));
    osip_message_set_version(msg, osip_strdup("SIP/2.0"));
    osip_message_set_uri(msg, uri);
    if (osip_message_set_via(msg, spec->via) != 0 || osip_message_set_from(msg, spec->from) != 0 ||
        osip_message_set_to(msg, spec->to) != 0 ||
        osip_message_set_call_id(msg, spec->call_id) != 0 ||
        osip_message_set_cseq(msg, spec->cseq) != 0 ||
        (spec->contact && osip_message_set_contact(msg, spec->contact) != 0) ||
        osip_message_set_max_forwards(msg, "70") != 0)
        goto done;
    if (spec->user_agent && osip_message_set_user_agent(msg, spec->user_agent) != 0)
        goto done;
    if (spec->expires && osip_message_set_expires(msg, spec->expires) != 0)
        goto done;
    if (spec->accept && osip_message_set_accept(msg, spec->accept) != 0)
        goto done;
    for (size_t i = 0; i < spec->n_extra; i++) {
        const char *colon = strchr(spec->extra[i], ':');
        if (!colon)
            goto done;
        char name[64];
        size_t nlen = (size_t)(colon - spec->extra[i]);
        if (nlen >= sizeof(name))
            goto done;
        memcpy(name, spec->extra[i], nlen);
        name[nlen] = '\0';
        const char *v = colon + 1;
        while (*v == ' ')
            v++;
        if (osip_message_set_header(msg, name, v) != 0)
            goto done;
    }
    if (spec->body) {
        if (osip_message_set_content_type(msg, spec->content_type) != 0 ||
            osip_message_set_body(msg, spec->body, strlen(spec->body)) != 0)
            goto done;
    } else if (osip_message_set_content_length(msg, "0") != 0) {
        goto done;
    }
    if (osip_message_to_str(msg, &text, &n) != 0)
        goto done;
    *out = malloc(n + 1);
    if (*out) {
        memcpy(*out, text, n);
        (*out)[n] = '\0';
        *len = n;
        rc = 0;
    }
done:
    if (text)
        osip_free(text);
    osip_message_free(msg);
    return rc;
}

/* A string libosip2 allocated (osip_*_to_str), as one of ours to free():
 * itself while libosip2 allocates with plain malloc (no custom allocators
 * set, the default), else a copy; saves a copy of every URI and Via. */
static char *take_osip(char *s)
{
    if (!s || (!osip_malloc_func && !osip_free_func))
        return s;
    char *copy = strdup(s);
    osip_free(s);
    return copy;
}

/* Appends a libosip2 string to a list, which takes it over. */
static void push_osip(sp__strv *v, char *s)
{
    s = take_osip(s);
    if (s && sp__strv_adopt(v, s) != 0)
        free(s);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Removes surrounding double quotes from a copied parameter value. */
static char *dup_unquoted(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
        return sp__strndup(s + 1, n - 2);
    return strdup(s);
}

static void split_list(sp__strv *v, const char *value)
{
    const char *p = value;
    while (p && *p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        const char *t = sp__trim(p, &n);
        if (n && v->n < 256) {
            char tmp[128];
            if (n < sizeof(tmp)) {
                memcpy(tmp, t, n);
                tmp[n] = '\0';
                if (!sp__strv_contains(v, tmp))
                    sp__strv_push(v, t, n);
            }
        }
        p = comma ? comma + 1 : NULL;
    }
}

static void take_challenge(sp__parsed *out, osip_www_authenticate_t *wa)
{
    if (!wa || out->challenged)
        return;
    out->challenged = 1;
    out->realm = dup_unquoted(osip_www_authenticate_get_realm(wa));
    out->algorithm = dup_unquoted(osip_www_authenticate_get_algorithm(wa));
    out->qop = dup_unquoted(osip_www_authenticate_get_qop_options(wa));
}

/* The header names of the raw message in order (libosip2 does not keep the
 * order of known and unknown headers): a fingerprint that survives a
 * hidden User-Agent. */
static char *header_order(const char *buf, size_t len)
{
    sp__buf b;
    sp__buf_init(&b);
    size_t pos = 0;
    sp__sip_header h;
    for (int count = 0; count < 64 && sp__sip_header_next(buf, len, &pos, &h); count++)
        if (h.name_len < 64) {
            if (b.len)
                sp__buf_puts(&b, ",");
            sp__buf_append(&b, h.name, h.name_len);
        }
    if (b.failed || !b.len) {
        sp__buf_free(&b);
        return NULL;
    }
    return b.data; /* ownership passes to the caller */
}

/* Request line, status line, Call-ID, CSeq and credentials. */
static void take_basics(osip_message_t *msg, sp__parsed *out)
{
    out->status = msg->status_code;
    out->reason = dup_or_null(msg->reason_phrase);
    out->method = dup_or_null(msg->sip_method);
    if (msg->req_uri) {
        char *u = NULL;
        if (osip_uri_to_str(msg->req_uri, &u) == 0)
            out->request_uri = take_osip(u);
    }
    if (msg->call_id) {
        char *c = NULL;
        if (osip_call_id_to_str(msg->call_id, &c) == 0)
            out->call_id = take_osip(c);
    }
    if (msg->cseq) {
        out->cseq_method = dup_or_null(msg->cseq->method);
        out->cseq_number = msg->cseq->number ? strtol(msg->cseq->number, NULL, 10) : 0;
    }
    osip_authorization_t *auth = osip_list_get(&msg->authorizations, 0);
    if (!auth)
        auth = osip_list_get(&msg->proxy_authorizations, 0);
    if (auth) {
        out->authorized = 1;
        out->auth_user = dup_unquoted(osip_authorization_get_username(auth));
    }
}

/* From and To tags, the To URI, and every Via (the top one's branch). */
static void take_dialog(osip_message_t *msg, sp__parsed *out)
{
    osip_generic_param_t *tag = NULL;
    if (msg->from && osip_from_get_tag(msg->from, &tag) == 0 && tag)
        out->from_tag = dup_or_null(tag->gvalue);
    tag = NULL;
    if (msg->to && osip_to_get_tag(msg->to, &tag) == 0 && tag)
        out->to_tag = dup_or_null(tag->gvalue);
    if (msg->to && msg->to->url) {
        char *u = NULL;
        if (osip_uri_to_str(msg->to->url, &u) == 0)
            out->to_uri = take_osip(u);
    }
    for (int i = 0; i < osip_list_size(&msg->vias) && i < 32; i++) {
        osip_via_t *via = osip_list_get(&msg->vias, i);
        char *s = NULL;
        if (i == 0) {
            osip_generic_param_t *br = NULL;
            if (osip_via_param_get_byname(via, "branch", &br) == 0 && br)
                out->via_branch = dup_or_null(br->gvalue);
        }
        if (osip_via_to_str(via, &s) == 0)
            push_osip(&out->vias, s);
    }
}

/* Contact and Record-Route values, and the SDP body's c= addresses: where
 * private addressing leaks. */
static void take_addresses(osip_message_t *msg, sp__parsed *out)
{
    for (int i = 0; i < osip_list_size(&msg->contacts) && i < 32; i++) {
        osip_contact_t *c = osip_list_get(&msg->contacts, i);
        char *s = NULL;
        if (osip_contact_to_str(c, &s) == 0)
            push_osip(&out->contacts, s);
    }
    for (int i = 0; i < osip_list_size(&msg->record_routes) && i < 16; i++) {
        osip_record_route_t *rr = osip_list_get(&msg->record_routes, i);
        char *t = NULL;
        if (rr && osip_record_route_to_str(rr, &t) == 0)
            push_osip(&out->record_routes, t);
    }
    for (int i = 0; i < osip_list_size(&msg->bodies) && i < 4; i++) {
        osip_body_t *b = osip_list_get(&msg->bodies, i);
        const char *p = b && b->body ? b->body : NULL;
        size_t left = b ? b->length : 0;
        /* SDP connection lines: "c=IN IP4 192.0.2.1". */
        while (p && left > 9 && out->sdp_addrs.n < 8) {
            if (!strncmp(p, "c=IN IP", 7) && (p[7] == '4' || p[7] == '6') && p[8] == ' ') {
                const char *a = p + 9;
                size_t n = strcspn(a, "\r\n /");
                if (n < 64 && n <= left - 9)
                    sp__strv_push(&out->sdp_addrs, a, n);
            }
            const char *nl = memchr(p, '\n', left);
            if (!nl)
                break;
            left -= (size_t)(nl + 1 - p);
            p = nl + 1;
        }
    }
}

/* The headers libosip2 does not model: banners, Allow, Supported, Warning,
 * and each as "Name: value" for fingerprint rules. */
static void take_other_headers(osip_message_t *msg, sp__parsed *out)
{
    for (int i = 0; i < osip_list_size(&msg->headers); i++) {
        osip_header_t *h = osip_list_get(&msg->headers, i);
        if (!h || !h->hname)
            continue;
        const char *v = h->hvalue ? h->hvalue : "";
        size_t hn = strlen(h->hname);
        if (sp__sip_header_name_is(h->hname, hn, "server") && !out->server)
            out->server = strdup(v);
        else if (sp__sip_header_name_is(h->hname, hn, "user-agent") && !out->user_agent)
            out->user_agent = strdup(v);
        else if (sp__sip_header_name_is(h->hname, hn, "allow"))
            split_list(&out->allow, v);
        else if (sp__sip_header_name_is(h->hname, hn, "supported"))
            split_list(&out->supported, v);
        else if (sp__sip_header_name_is(h->hname, hn, "warning") && out->warnings.n < 8)
            sp__strv_push(&out->warnings, v, strlen(v));
        if (out->headers.n < 64) {
            /* "Name: value", cut at 511 bytes (snprintf was a tenth of the
             * parse). */
            char line[512];
            const char *part[3] = {h->hname, ": ", v};
            size_t n = 0;
            for (int k = 0; k < 3 && n < sizeof(line) - 1; k++) {
                size_t pl = strnlen(part[k], sizeof(line) - 1 - n);
                memcpy(line + n, part[k], pl);
                n += pl;
            }
            sp__strv_push(&out->headers, line, n);
        }
    }
}

int sp__sipmsg_parse(const char *buf, size_t len, sp__parsed *out)
{
    osip_message_t *msg = NULL;

    memset(out, 0, sizeof(*out));
    sp__sipmsg_global_init();
    if (osip_message_init(&msg) != 0)
        return -1;
    if (osip_message_parse(msg, buf, len) != 0) {
        osip_message_free(msg);
        return -1;
    }
    take_basics(msg, out);
    take_dialog(msg, out);
    take_addresses(msg, out);
    /* libosip2 keeps Allow in its own list, one method per element. */
    for (int i = 0; i < osip_list_size(&msg->allows) && i < 64; i++) {
        osip_allow_t *a = osip_list_get(&msg->allows, i);
        if (a && a->value)
            split_list(&out->allow, a->value);
    }
    take_challenge(out, osip_list_get(&msg->www_authenticates, 0));
    take_challenge(out, osip_list_get(&msg->proxy_authenticates, 0));
    take_other_headers(msg, out);
    osip_message_free(msg);
    out->header_order = header_order(buf, len);
    return 0;
}

void sp__parsed_free(sp__parsed *p)
{
    if (!p)
        return;
    free(p->reason);
    free(p->method);
    free(p->request_uri);
    free(p->call_id);
    free(p->cseq_method);
    free(p->auth_user);
    free(p->server);
    free(p->user_agent);
    free(p->from_tag);
    free(p->to_tag);
    free(p->to_uri);
    free(p->via_branch);
    free(p->realm);
    free(p->algorithm);
    free(p->qop);
    sp__strv_free(&p->allow);
    sp__strv_free(&p->supported);
    sp__strv_free(&p->contacts);
    sp__strv_free(&p->vias);
    sp__strv_free(&p->warnings);
    sp__strv_free(&p->record_routes);
    sp__strv_free(&p->sdp_addrs);
    sp__strv_free(&p->headers);
    free(p->header_order);
    memset(p, 0, sizeof(*p));
}
