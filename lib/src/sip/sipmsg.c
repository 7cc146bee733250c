#include "sip/sipmsg.h"

#include "sip/header.h"
#include "sip/parse_arena.h"

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
    sp__parse_arena_install();
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

/* Every string and list array of one sp__parsed lives in a few blocks
 * (usually one) that sp__parsed_free releases at once: a reply's thirty-odd
 * header values cost one malloc and one free, not one each. */
struct sp__parsed_mem {
    struct sp__parsed_mem *next;
    size_t used, cap;
    char data[]; /* after three words: pointer-aligned */
};

/* n bytes from out's blocks (pointer-aligned), or NULL when out of memory. */
static void *mem_alloc(sp__parsed *out, size_t n)
{
    struct sp__parsed_mem *m = out->mem;
    n = (n + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
    if (!m || m->cap - m->used < n) {
        size_t cap = n > 4096 ? n : 4096;
        struct sp__parsed_mem *fresh = malloc(sizeof(*fresh) + cap);
        if (!fresh)
            return NULL;
        fresh->next = m;
        fresh->used = 0;
        fresh->cap = cap;
        out->mem = m = fresh;
    }
    void *p = m->data + m->used;
    m->used += n;
    return p;
}

static char *mem_strndup(sp__parsed *out, const char *s, size_t n)
{
    char *p = mem_alloc(out, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static char *dup_or_null(sp__parsed *out, const char *s)
{
    return s ? mem_strndup(out, s, strlen(s)) : NULL;
}

/* Appends a copy of str[0..n) to list v of out (its array in out's blocks too). */
static void push(sp__parsed *out, sp__strv *v, const char *str, size_t n)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        char **arr = mem_alloc(out, cap * sizeof(*arr));
        if (!arr)
            return;
        if (v->n)
            memcpy(arr, v->v, v->n * sizeof(*arr));
        v->v = arr; /* the old array stays in the block until the end */
        v->cap = cap;
    }
    char *copy = mem_strndup(out, str, n);
    if (copy)
        v->v[v->n++] = copy;
}

/* A string libosip2 allocated (osip_*_to_str), copied and released. */
static char *take_osip(sp__parsed *out, char *s)
{
    char *copy = dup_or_null(out, s);
    osip_free(s);
    return copy;
}

static void push_osip(sp__parsed *out, sp__strv *v, char *s)
{
    if (s)
        push(out, v, s, strlen(s));
    osip_free(s);
}

/* Removes surrounding double quotes from a copied parameter value. */
static char *dup_unquoted(sp__parsed *out, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
        return mem_strndup(out, s + 1, n - 2);
    return mem_strndup(out, s, n);
}

static void split_list(sp__parsed *out, sp__strv *v, const char *value)
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
                    push(out, v, t, n);
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
    out->realm = dup_unquoted(out, osip_www_authenticate_get_realm(wa));
    out->algorithm = dup_unquoted(out, osip_www_authenticate_get_algorithm(wa));
    out->qop = dup_unquoted(out, osip_www_authenticate_get_qop_options(wa));
}

/* The header names of the raw message in order (libosip2 does not keep the
 * order of known and unknown headers): a fingerprint that survives a
 * hidden User-Agent. */
static char *header_order(sp__parsed *out, const char *buf, size_t len)
{
    char *order = mem_alloc(out, len + 1); /* the names and commas fit in the message */
    size_t n = 0, pos = 0;
    sp__sip_header h;
    if (!order)
        return NULL;
    for (int count = 0; count < 64 && sp__sip_header_next(buf, len, &pos, &h); count++)
        if (h.name_len < 64 && n + (n > 0) + h.name_len <= len) {
            if (n)
                order[n++] = ',';
            memcpy(order + n, h.name, h.name_len);
            n += h.name_len;
        }
    order[n] = '\0';
    return n ? order : NULL;
}

/* Request line, status line, Call-ID, CSeq and credentials. */
static void take_basics(osip_message_t *msg, sp__parsed *out)
{
    out->status = msg->status_code;
    out->reason = dup_or_null(out, msg->reason_phrase);
    out->method = dup_or_null(out, msg->sip_method);
    if (msg->req_uri) {
        char *u = NULL;
        if (osip_uri_to_str(msg->req_uri, &u) == 0)
            out->request_uri = take_osip(out, u);
    }
    if (msg->call_id) {
        char *c = NULL;
        if (osip_call_id_to_str(msg->call_id, &c) == 0)
            out->call_id = take_osip(out, c);
    }
    if (msg->cseq) {
        out->cseq_method = dup_or_null(out, msg->cseq->method);
        out->cseq_number = msg->cseq->number ? strtol(msg->cseq->number, NULL, 10) : 0;
    }
    osip_authorization_t *auth = osip_list_get(&msg->authorizations, 0);
    if (!auth)
        auth = osip_list_get(&msg->proxy_authorizations, 0);
    if (auth) {
        out->authorized = 1;
        out->auth_user = dup_unquoted(out, osip_authorization_get_username(auth));
    }
}

/* From and To tags, the To URI, and every Via (the top one's branch). */
static void take_dialog(osip_message_t *msg, sp__parsed *out)
{
    osip_generic_param_t *tag = NULL;
    if (msg->from && osip_from_get_tag(msg->from, &tag) == 0 && tag)
        out->from_tag = dup_or_null(out, tag->gvalue);
    tag = NULL;
    if (msg->to && osip_to_get_tag(msg->to, &tag) == 0 && tag)
        out->to_tag = dup_or_null(out, tag->gvalue);
    if (msg->to && msg->to->url) {
        char *u = NULL;
        if (osip_uri_to_str(msg->to->url, &u) == 0)
            out->to_uri = take_osip(out, u);
    }
    for (int i = 0; i < osip_list_size(&msg->vias) && i < 32; i++) {
        osip_via_t *via = osip_list_get(&msg->vias, i);
        char *s = NULL;
        if (i == 0) {
            osip_generic_param_t *br = NULL;
            if (osip_via_param_get_byname(via, "branch", &br) == 0 && br)
                out->via_branch = dup_or_null(out, br->gvalue);
        }
        if (osip_via_to_str(via, &s) == 0)
            push_osip(out, &out->vias, s);
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
            push_osip(out, &out->contacts, s);
    }
    for (int i = 0; i < osip_list_size(&msg->record_routes) && i < 16; i++) {
        osip_record_route_t *rr = osip_list_get(&msg->record_routes, i);
        char *t = NULL;
        if (rr && osip_record_route_to_str(rr, &t) == 0)
            push_osip(out, &out->record_routes, t);
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
                    push(out, &out->sdp_addrs, a, n);
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
            out->server = dup_or_null(out, v);
        else if (sp__sip_header_name_is(h->hname, hn, "user-agent") && !out->user_agent)
            out->user_agent = dup_or_null(out, v);
        else if (sp__sip_header_name_is(h->hname, hn, "allow"))
            split_list(out, &out->allow, v);
        else if (sp__sip_header_name_is(h->hname, hn, "supported"))
            split_list(out, &out->supported, v);
        else if (sp__sip_header_name_is(h->hname, hn, "warning") && out->warnings.n < 8)
            push(out, &out->warnings, v, strlen(v));
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
            push(out, &out->headers, line, n);
        }
    }
}

int sp__sipmsg_parse(const char *buf, size_t len, sp__parsed *out)
{
    osip_message_t *msg = NULL;

    memset(out, 0, sizeof(*out));
    sp__sipmsg_global_init();
    sp__parse_arena_begin();
    if (osip_message_init(&msg) != 0) {
        sp__parse_arena_end();
        return -1;
    }
    if (osip_message_parse(msg, buf, len) != 0) {
        osip_message_free(msg);
        sp__parse_arena_end();
        return -1;
    }
    take_basics(msg, out);
    take_dialog(msg, out);
    take_addresses(msg, out);
    /* libosip2 keeps Allow in its own list, one method per element. */
    for (int i = 0; i < osip_list_size(&msg->allows) && i < 64; i++) {
        osip_allow_t *a = osip_list_get(&msg->allows, i);
        if (a && a->value)
            split_list(out, &out->allow, a->value);
    }
    take_challenge(out, osip_list_get(&msg->www_authenticates, 0));
    take_challenge(out, osip_list_get(&msg->proxy_authenticates, 0));
    take_other_headers(msg, out);
    osip_message_free(msg);
    sp__parse_arena_end();
    out->header_order = header_order(out, buf, len);
    return 0;
}

void sp__parsed_free(sp__parsed *p)
{
    if (!p)
        return;
    for (struct sp__parsed_mem *m = p->mem, *next; m; m = next) {
        next = m->next;
        free(m);
    }
    memset(p, 0, sizeof(*p));
}
