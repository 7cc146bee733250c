#include "state/resume.h"

#include "classify/findings.h"
#include "output/output.h"
#include "sipprobe/sipprobe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sp__journal_open(sp__journal *j, const char *path, const json_t *settings, int append,
                     char *err, size_t errlen)
{
    memset(j, 0, sizeof(*j));
    j->fp = fopen(path, append ? "a" : "w");
    if (!j->fp) {
        snprintf(err, errlen, "cannot write resume file '%s': %s", path, strerror(errno));
        return SP_EIO;
    }
    j->path = strdup(path);
    if (!append) {
        json_t *head = json_pack("{s:s, s:s, s:O}", "format", "sipprobe-resume/1", "version",
                                 SP_VERSION, "settings", settings);
        json_dumpf(head, j->fp, JSON_COMPACT);
        fputc('\n', j->fp);
        json_decref(head);
        fflush(j->fp);
    }
    return 0;
}

void sp__journal_service(sp__journal *j, const char *line)
{
    if (!j->fp || !line)
        return;
    /* Buffered: a killed process loses at most the last lines, which a
     * resumed scan simply probes again. */
    fputs("{\"service\":", j->fp);
    fputs(line, j->fp); /* not printf: it copies a long string slowly */
    fputs("}\n", j->fp);
}

void sp__journal_position(sp__journal *j, unsigned round, uint64_t next_j)
{
    if (!j->fp)
        return;
    fprintf(j->fp, "{\"position\":{\"round\":%u,\"next\":%llu}}\n", round,
            (unsigned long long)next_j);
}

void sp__journal_close(sp__journal *j, int keep)
{
    if (j->fp) {
        fclose(j->fp);
        if (!keep && j->path)
            unlink(j->path);
    }
    free(j->path);
    memset(j, 0, sizeof(*j));
}

int sp__resume_load(const char *path, sp__resume_state *st, char *err, size_t errlen)
{
    memset(st, 0, sizeof(*st));
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errlen, "cannot read resume file '%s': %s", path, strerror(errno));
        return SP_EIO;
    }
    st->services = json_array();
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned lineno = 0;
    int rc = 0;
    while ((n = getline(&line, &cap, fp)) > 0 && !rc) {
        lineno++;
        json_error_t je;
        json_t *o = json_loadb(line, (size_t)n, 0, &je);
        if (!json_is_object(o) && lineno == 1) {
            snprintf(err, errlen, "'%s' is not a sipprobe resume file", path);
            rc = SP_EDATA;
            json_decref(o);
            break;
        }
        if (!json_is_object(o)) {
            /* A torn last line (killed while writing) is ignored. */
            if (!feof(fp) && fgetc(fp) != EOF) {
                snprintf(err, errlen, "resume file '%s' line %u: %s", path, lineno, je.text);
                rc = SP_EDATA;
            }
            json_decref(o);
            break;
        }
        if (lineno == 1) {
            const char *format = json_string_value(json_object_get(o, "format"));
            if (!format || strcmp(format, "sipprobe-resume/1")) {
                snprintf(err, errlen, "'%s' is not a sipprobe resume file", path);
                rc = SP_EDATA;
            } else {
                st->settings = json_incref(json_object_get(o, "settings"));
            }
        } else if (json_object_get(o, "service")) {
            json_array_append(st->services, json_object_get(o, "service"));
        } else if (json_object_get(o, "position")) {
            json_t *p = json_object_get(o, "position");
            st->round = (unsigned)json_integer_value(json_object_get(p, "round"));
            st->next_j = (uint64_t)json_integer_value(json_object_get(p, "next"));
            st->has_position = 1;
        }
        json_decref(o);
    }
    free(line);
    fclose(fp);
    if (!rc && !st->settings) {
        snprintf(err, errlen, "'%s' is not a sipprobe resume file", path);
        rc = SP_EDATA;
    }
    if (rc)
        sp__resume_free(st);
    return rc;
}

void sp__resume_free(sp__resume_state *st)
{
    json_decref(st->settings);
    json_decref(st->services);
    memset(st, 0, sizeof(*st));
}

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void str_list(sp__strv *dst, json_t *arr)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (json_is_string(v))
        sp__strv_push(dst, json_string_value(v), strlen(json_string_value(v)));
}

sp__svc *sp__service_from_json(json_t *o)
{
    const char *host = str(o, "host");
    sp__addr a;
    if (!host || sp__addr_parse(host, &a) != 0)
        return NULL;
    const char *tname = str(o, "transport");
    uint8_t transport = tname && !strcmp(tname, "tcp")   ? SP_TRANSPORT_TCP
                        : tname && !strcmp(tname, "tls") ? SP_TRANSPORT_TLS
                                                         : SP_TRANSPORT_UDP;
    sp__svc *svc =
        sp__svc_new(&a, (uint16_t)json_integer_value(json_object_get(o, "port")), transport);
    if (!svc)
        return NULL;
    sp__addr r;
    uint16_t rport;
    if (str(o, "responder") && sp__addr_parse_port(str(o, "responder"), &r, &rport) == 0)
        sp__svc_set_responder(svc, &r, rport);

    size_t i;
    json_t *jr;
    json_array_foreach(json_object_get(o, "replies"), i, jr)
    {
        int idx = sp__probe_find(str(jr, "method") ? str(jr, "method") : "");
        if (idx < 0 || svc->n_replies >= SP__MAX_PROBES)
            continue;
        sp_reply *rep = &svc->replies[svc->n_replies++];
        memset(rep, 0, sizeof(*rep));
        rep->method = sp__probe_get((size_t)idx)->name;
        rep->status = (int)json_integer_value(json_object_get(jr, "status"));
        rep->reason = strdup(str(jr, "reason") ? str(jr, "reason") : "");
        rep->rtt_ms = json_number_value(json_object_get(jr, "rtt_ms"));
        rep->bytes = (size_t)json_integer_value(json_object_get(jr, "bytes"));
        rep->request_bytes = (size_t)json_integer_value(json_object_get(jr, "request_bytes"));
        rep->challenged = json_is_true(json_object_get(jr, "challenged"));
        rep->realm = dup_or_null(str(jr, "realm"));
        rep->algorithm = dup_or_null(str(jr, "algorithm"));
        rep->qop = dup_or_null(str(jr, "qop"));
        svc->seen_mask |= 1u << idx;
        if (rep->status >= 200)
            svc->final_mask |= 1u << idx;
    }
    svc->server = dup_or_null(str(o, "server"));
    svc->user_agent = dup_or_null(str(o, "user_agent"));
    str_list(&svc->allow, json_object_get(o, "allow"));
    str_list(&svc->supported, json_object_get(o, "supported"));
    str_list(&svc->contacts, json_object_get(o, "contacts"));
    str_list(&svc->vias, json_object_get(o, "vias"));

    if (str(o, "role"))
        snprintf(svc->role, sizeof(svc->role), "%s", str(o, "role"));
    json_t *tls = json_object_get(o, "tls");
    if (json_is_object(tls)) {
        sp_tls_info t;
        memset(&t, 0, sizeof(t));
        const char *sans[16];
        t.version = str(tls, "version");
        t.cipher = str(tls, "cipher");
        t.subject = str(tls, "subject");
        t.issuer = str(tls, "issuer");
        t.not_before = str(tls, "not_before");
        t.not_after = str(tls, "not_after");
        t.key_type = str(tls, "key_type");
        t.sha256 = str(tls, "sha256");
        t.expired = json_is_true(json_object_get(tls, "expired"));
        t.self_signed = json_is_true(json_object_get(tls, "self_signed"));
        t.key_bits = (int)json_integer_value(json_object_get(tls, "key_bits"));
        json_t *js;
        json_array_foreach(json_object_get(tls, "sans"), i,
                           js) if (t.n_sans < 16 && json_string_value(js)) sans[t.n_sans++] =
            json_string_value(js);
        t.sans = sans;
        svc->tls = sp__tls_cert_new(&t);
    }

    json_t *fp = json_object_get(o, "fingerprint");
    if (json_is_object(fp)) {
        /* The strings live in svc->owned, in this order. */
        static const char *const keys[] = {"vendor", "product", "type", "rule"};
        const char **dst[] = {&svc->fp.vendor, &svc->fp.product, &svc->fp.type, &svc->fp.rule};
        for (int k = 0; k < 4; k++) {
            const char *v = str(fp, keys[k]);
            if (v && sp__strv_push(&svc->owned, v, strlen(v)) == 0)
                *dst[k] = svc->owned.v[svc->owned.n - 1];
        }
        svc->fp_version = dup_or_null(str(fp, "version"));
        svc->fp_cpe = dup_or_null(str(fp, "cpe"));
        svc->fp.version = svc->fp_version;
        svc->fp.cpe = svc->fp_cpe;
        svc->has_fp = svc->fp.product != NULL;
    }

    json_t *jf;
    json_array_foreach(json_object_get(o, "findings"), i, jf)
    {
        json_t *ev = json_object_get(jf, "evidence");
        size_t n = json_array_size(ev);
        const char **lines = calloc(n ? n : 1, sizeof(*lines));
        if (!lines)
            continue;
        for (size_t k = 0; k < n; k++)
            lines[k] = json_string_value(json_array_get(ev, k));
        sp__svc_add_finding(svc, str(jf, "id") ? str(jf, "id") : "", lines, n);
        free(lines);
    }
    sp__svc_publish(svc);
    return svc;
}
