/* The setters: each checks its value and the handle's mode, and stores the
 * setting. Nothing here opens a socket or starts anything; targets are
 * parsed now so that errors name the token. */
#include "api/scan.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <strings.h>

/* Targets and excludes: parsed now (errors name the token), and the spec
 * kept as typed for reports and resume files. */
static sp_code add_spec(sp_scan *s, const char *spec, int exclude)
{
    if (sp__need_mode(s, SP__M_SCAN, exclude ? "excludes" : "targets"))
        return SP_ESTATE;
    if (!spec)
        return sp__fail(s, SP_EINVAL, "no %s given", exclude ? "exclude" : "target");
    int rc = exclude ? sp__targets_exclude(&s->set.targets, spec, s->err, sizeof(s->err))
                     : sp__targets_add(&s->set.targets, spec, s->err, sizeof(s->err));
    if (rc)
        return (sp_code)rc;
    if (sp__strv_push(exclude ? &s->set.exclude_specs : &s->set.target_specs, spec, strlen(spec)))
        return sp__fail(s, SP_ENOMEM, "out of memory");
    return SP_OK;
}

sp_code sp_scan_add_target(sp_scan *s, const char *spec)
{
    return add_spec(s, spec, 0);
}

sp_code sp_scan_add_exclude(sp_scan *s, const char *spec)
{
    return add_spec(s, spec, 1);
}

/* Reads a list file: one spec per line, '#' comments, "-" is stdin. */
static sp_code add_file(sp_scan *s, const char *path, int exclude)
{
    if (!path || !*path)
        return sp__fail(s, SP_EINVAL, "no file name given");
    FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!fp)
        return sp__fail(s, SP_EIO, "cannot read '%s': %s", path, strerror(errno));
    char line[1024];
    unsigned lineno = 0;
    sp_code rc = SP_OK;
    while (fgets(line, sizeof(line), fp)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
            rc = sp__fail(s, SP_ETARGET, "%s:%u: line longer than %zu characters", path, lineno,
                          sizeof(line) - 2);
            break;
        }
        char *p = line;
        /* A UTF-8 byte-order mark (editors on Windows write one) is not text. */
        if (lineno == 1 && !memcmp(p, "\xEF\xBB\xBF", 3))
            p += 3;
        char *hash = strchr(p, '#');
        if (hash)
            *hash = '\0';
        while (isspace((unsigned char)*p))
            p++;
        char *end = p + strlen(p); /* CRLF line ends included */
        while (end > p && isspace((unsigned char)end[-1]))
            *--end = '\0';
        if (!*p)
            continue;
        /* Named, never echoed: a control character could drive the terminal. */
        for (const char *c = p; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f) {
                rc = sp__fail(s, SP_ETARGET, "%s:%u: control character 0x%02x in the line", path,
                              lineno, (unsigned char)*c);
                break;
            }
        if (rc)
            break;
        if (exclude == 2) {
            rc = (sp_code)sp__extlist_add(&s->set.exts, p, s->err, sizeof(s->err));
        } else {
            rc = exclude ? sp_scan_add_exclude(s, p) : sp_scan_add_target(s, p);
        }
        if (rc) {
            char inner[sizeof(s->err)];
            snprintf(inner, sizeof(inner), "%s", s->err);
            sp__fail(s, rc, "%s:%u: %s", path, lineno, inner);
            break;
        }
    }
    if (!rc && ferror(fp))
        rc = sp__fail(s, SP_EIO, "cannot read '%s': %s", path, strerror(errno));
    if (fp != stdin)
        fclose(fp);
    return rc;
}

sp_code sp_scan_add_targets_file(sp_scan *s, const char *path)
{
    if (sp__need_mode(s, SP__M_SCAN, "targets"))
        return SP_ESTATE;
    return add_file(s, path, 0);
}

sp_code sp_scan_add_excludes_file(sp_scan *s, const char *path)
{
    if (sp__need_mode(s, SP__M_SCAN, "excludes"))
        return SP_ESTATE;
    return add_file(s, path, 1);
}

sp_code sp_scan_set_dns_server(sp_scan *s, const char *addr)
{
    if (sp__need_mode(s, SP__M_SCAN, "a DNS server"))
        return SP_ESTATE;
    if (!addr || sp__dns_set_server(&s->set.targets.dns, addr, s->err, sizeof(s->err)))
        return addr ? SP_EINVAL : sp__fail(s, SP_EINVAL, "no DNS server given");
    return SP_OK;
}

sp_code sp_scan_set_extensions(sp_scan *s, const char *list)
{
    if (sp__need_mode(s, SP__M_SCAN, "extension enumeration"))
        return SP_ESTATE;
    return (sp_code)sp__extlist_add(&s->set.exts, list ? list : "", s->err, sizeof(s->err));
}

sp_code sp_scan_add_extensions_file(sp_scan *s, const char *path)
{
    if (sp__need_mode(s, SP__M_SCAN, "extension enumeration"))
        return SP_ESTATE;
    return add_file(s, path, 2);
}

sp_code sp_scan_set_ports(sp_scan *s, const char *list)
{
    uint16_t *ports;
    size_t n;
    if (sp__need_mode(s, SP__M_SCAN, "ports"))
        return SP_ESTATE;
    int rc = sp__ports_parse(list ? list : "", &ports, &n, s->err, sizeof(s->err));
    if (rc)
        return (sp_code)rc;
    free(s->set.ports);
    free(s->set.ports_spec);
    s->set.ports = ports;
    s->set.n_ports = n;
    s->set.ports_spec = strdup(list);
    return SP_OK;
}

sp_code sp_scan_set_transports(sp_scan *s, const char *list)
{
    if (sp__need_mode(s, SP__M_SCAN, "the transport list"))
        return SP_ESTATE;
    unsigned mask = 0;
    char buf[64];
    if (!list || strlen(list) >= sizeof(buf))
        return sp__fail(s, SP_EINVAL, "bad transport list (udp, tcp, tls, ws, wss)");
    snprintf(buf, sizeof(buf), "%s", list);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int t = !strcasecmp(tok, "udp")   ? SP_TRANSPORT_UDP
                : !strcasecmp(tok, "tcp") ? SP_TRANSPORT_TCP
                : !strcasecmp(tok, "tls") ? SP_TRANSPORT_TLS
                : !strcasecmp(tok, "ws")  ? SP_TRANSPORT_WS
                : !strcasecmp(tok, "wss") ? SP_TRANSPORT_WSS
                                          : -1;
        if (t < 0)
            return sp__fail(s, SP_EINVAL, "unknown transport '%s' (udp, tcp, tls, ws, wss)", tok);
        mask |= 1u << t;
    }
    if (!mask)
        return sp__fail(s, SP_EINVAL, "no transport given (udp, tcp, tls, ws, wss)");
    s->set.transports = mask;
    s->set.transports_spec[0] = '\0';
    for (int t = 0; t < SP__N_TRANSPORTS; t++)
        if (mask & (1u << t)) {
            if (s->set.transports_spec[0])
                strcat(s->set.transports_spec, ",");
            strcat(s->set.transports_spec, sp_transport_name((sp_transport)t));
        }
    return SP_OK;
}

sp_code sp_scan_add_capture_file(sp_scan *s, const char *path)
{
    if (sp__need_mode(s, SP__M_CAPTURE, "reading a capture"))
        return SP_ESTATE;
    if (!path || !*path)
        return sp__fail(s, SP_EINVAL, "empty capture file name");
    if (sp__strv_push(&s->set.captures, path, strlen(path)))
        return sp__fail(s, SP_ENOMEM, "out of memory");
    return SP_OK;
}

sp_code sp_scan_set_live_capture(sp_scan *s, const char *iface, const char *filter,
                                 unsigned seconds)
{
    if (sp__need_mode(s, SP__M_CAPTURE, "a live capture"))
        return SP_ESTATE;
    if (!iface || !*iface)
        return sp__fail(s, SP_EINVAL, "no interface given for live capture");
    if (seconds == 0 || seconds > 86400)
        return sp__fail(s, SP_EINVAL, "capture duration must be 1 to 86400 seconds");
    free(s->set.live_iface);
    free(s->set.live_filter);
    s->set.live_iface = strdup(iface);
    s->set.live_filter = filter ? strdup(filter) : NULL;
    s->set.live_seconds = seconds;
    return s->set.live_iface ? SP_OK : sp__fail(s, SP_ENOMEM, "out of memory");
}

sp_code sp_scan_set_write_pcap(sp_scan *s, const char *path)
{
    if (sp__need_mode(s, SP__M_SCAN, "writing a pcap of probes"))
        return SP_ESTATE;
    /* Opened when the scan starts, so checked now: a bad path is found
     * before the first probe, not after the last. */
    char why[256];
    if (path && sp__outfile_check(path, why, sizeof(why)))
        return sp__fail(s, SP_EIO, "cannot write the packets to '%s': %s", path, why);
    for (size_t i = 0; path && i < s->n_writers; i++) {
        const char *other = s->writers[i]->out.path ? s->writers[i]->out.path : "-";
        if (sp__outfile_clash(path, other))
            return sp__fail(s, SP_EINVAL,
                            "cannot write the packets to '%s': it is the same file as output '%s'",
                            path, other);
    }
    if (path && s->set.resume_path && sp__outfile_clash(path, s->set.resume_path))
        return sp__fail(s, SP_EINVAL,
                        "cannot write the packets to '%s': it is the same file as the resume "
                        "file '%s'",
                        path, s->set.resume_path);
    free(s->set.write_pcap);
    s->set.write_pcap = path ? strdup(path) : NULL;
    return SP_OK;
}

/* A number setting: the mode checked, the range named in the message. */
static sp_code set_number(sp_scan *s, unsigned modes, const char *what, unsigned long v,
                          unsigned long lo, unsigned long hi, const char *unit, unsigned *dst)
{
    if (sp__need_mode(s, modes, what))
        return SP_ESTATE;
    if (v < lo || v > hi)
        return sp__fail(s, SP_EINVAL, "%s must be between %lu and %lu%s%s, not %lu", what, lo, hi,
                        *unit ? " " : "", unit, v);
    *dst = (unsigned)v;
    return SP_OK;
}

sp_code sp_scan_set_source(sp_scan *s, const char *addr, unsigned port, const char *iface)
{
    if (sp__need_mode(s, SP__M_SCAN, "the source address"))
        return SP_ESTATE;
    sp__source src;
    memset(&src, 0, sizeof(src));
    if (addr) {
        if (sp__addr_parse(addr, &src.addr) != 0)
            return sp__fail(s, SP_EINVAL, "bad source address '%.64s' (an IPv4 or IPv6 address)",
                            addr);
        if (sp__source_check(&src.addr) != 0)
            return sp__fail(s, SP_EINVAL,
                            "source address %.64s is not an address of this host (%s)", addr,
                            strerror(errno));
        src.has_addr = 1;
    }
    if (port > 65535)
        return sp__fail(s, SP_EINVAL, "source port must be between 1 and 65535, not %u", port);
    src.port = (uint16_t)port;
    if (iface) {
        if (!*iface || strlen(iface) >= sizeof(src.iface) || !if_nametoindex(iface))
            return sp__fail(s, SP_EINVAL, "no network interface '%.32s'", iface);
        snprintf(src.iface, sizeof(src.iface), "%s", iface);
    }
    s->set.source = src;
    return SP_OK;
}

sp_code sp_scan_set_password_audit(sp_scan *s, int on)
{
    if (sp__need_mode(s, SP__M_SCAN | SP__M_CAPTURE, "the password audit"))
        return SP_ESTATE;
    s->set.audit_passwords = on != 0;
    return SP_OK;
}

sp_code sp_scan_add_passwords_file(sp_scan *s, const char *path)
{
    if (sp__need_mode(s, SP__M_SCAN | SP__M_CAPTURE, "a passwords file"))
        return SP_ESTATE;
    if (s->set.passwords.path)
        return sp__fail(s, SP_EINVAL, "only one passwords file can be given");
    sp__passlist l;
    sp__passlist_init(&l);
    int rc = sp__passlist_load(&l, path, s->err, sizeof(s->err));
    if (rc) {
        sp__passlist_free(&l);
        return (sp_code)rc;
    }
    s->set.passwords = l;
    return SP_OK;
}

sp_code sp_scan_set_max_attempts(sp_scan *s, unsigned n)
{
    return set_number(s, SP__M_SCAN | SP__M_CAPTURE, "max attempts", n, 1, 1000000, "",
                      &s->set.max_attempts);
}

sp_code sp_scan_set_audit_rate(sp_scan *s, unsigned per_second)
{
    return set_number(s, SP__M_SCAN, "audit rate", per_second, 1, 1000, "attempts/s per host",
                      &s->set.audit_rate);
}

sp_code sp_scan_set_show_passwords(sp_scan *s, int on)
{
    if (sp__need_mode(s, SP__M_SCAN | SP__M_CAPTURE, "showing passwords"))
        return SP_ESTATE;
    s->set.show_passwords = on != 0;
    return SP_OK;
}

sp_code sp_scan_set_invite_check(sp_scan *s, int on, const char *user)
{
    if (sp__need_mode(s, SP__M_SCAN, "the INVITE check"))
        return SP_ESTATE;
    if (user &&
        (!*user || strlen(user) > 64 ||
         strspn(user, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()+") !=
             strlen(user)))
        return sp__fail(s, SP_EINVAL, "bad INVITE user '%.64s': use letters, digits and -_.!~*'()+",
                        user);
    char *copy = user ? strdup(user) : NULL;
    if (user && !copy)
        return SP_ENOMEM;
    free(s->set.invite_to);
    s->set.invite_to = copy;
    s->set.check_invite = on != 0;
    return SP_OK;
}

sp_code sp_scan_set_max_connections(sp_scan *s, unsigned n)
{
    return set_number(s, SP__M_SCAN, "max connections", n, 1, 65536, "", &s->set.max_conns);
}

sp_code sp_scan_set_connect_timeout_ms(sp_scan *s, unsigned ms)
{
    return set_number(s, SP__M_SCAN, "connect timeout", ms, 10, 600000, "ms",
                      &s->set.connect_timeout_ms);
}

sp_code sp_scan_set_methods(sp_scan *s, const char *list)
{
    if (sp__need_mode(s, SP__M_SCAN, "probe methods"))
        return SP_ESTATE;
    int methods[SP__MAX_PROBES];
    size_t n = 0;
    uint32_t mask = 0;
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", list ? list : "");
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int idx = sp__probe_find(tok);
        if (idx < 0)
            return sp__fail(s, SP_EMETHOD, "unknown probe method '%s' (see --list-probes)", tok);
        if (mask & (1u << idx))
            continue;
        mask |= 1u << idx;
        methods[n++] = idx;
    }
    if (n == 0)
        return sp__fail(s, SP_EMETHOD, "no probe method given");
    memcpy(s->set.methods, methods, sizeof(methods));
    s->set.n_methods = n;
    s->set.method_mask = mask;
    s->set.methods_spec[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strncat(s->set.methods_spec, i ? "," : "",
                sizeof(s->set.methods_spec) - strlen(s->set.methods_spec) - 1);
        strncat(s->set.methods_spec, sp__probe_get((size_t)methods[i])->name,
                sizeof(s->set.methods_spec) - strlen(s->set.methods_spec) - 1);
    }
    return SP_OK;
}

sp_code sp_scan_set_rate(sp_scan *s, uint32_t pps)
{
    return set_number(s, SP__M_SCAN, "rate", pps, 1, 10000000, "probes per second", &s->set.rate);
}

sp_code sp_scan_set_retries(sp_scan *s, unsigned retries)
{
    return set_number(s, SP__M_SCAN, "retries", retries, 0, 10, "", &s->set.retries);
}

sp_code sp_scan_set_wait_ms(sp_scan *s, unsigned wait_ms)
{
    return set_number(s, SP__M_SCAN | SP__M_ALG, "wait", wait_ms, 0, 600000, "ms", &s->set.wait_ms);
}

sp_code sp_scan_set_seed(sp_scan *s, uint64_t seed)
{
    if (sp__need_mode(s, SP__M_SCAN, "seed"))
        return SP_ESTATE;
    s->set.seed = seed;
    return SP_OK;
}

sp_code sp_scan_set_shard(sp_scan *s, unsigned index, unsigned count)
{
    if (sp__need_mode(s, SP__M_SCAN, "shard"))
        return SP_ESTATE;
    if (count == 0 || index == 0 || index > count)
        return sp__fail(s, SP_EINVAL, "invalid shard '%u/%u': it must be I/N with 1 <= I <= N",
                        index, count);
    s->set.shard_index = index - 1;
    s->set.shard_count = count;
    return SP_OK;
}

static sp_code set_string(sp_scan *s, char **dst, const char *v, const char *what, int allow_empty)
{
    if (!v || (!allow_empty && !*v))
        return sp__fail(s, SP_EINVAL, "%s must not be empty", what);
    if (strlen(v) > 200)
        return sp__fail(s, SP_EINVAL, "%s is longer than 200 characters", what);
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return sp__fail(s, SP_EINVAL, "%s contains a control character", what);
    char *copy = strdup(v);
    if (!copy)
        return sp__fail(s, SP_ENOMEM, "out of memory");
    free(*dst);
    *dst = copy;
    return SP_OK;
}

/* SIP user parts we put in URIs: unreserved characters only, so the
 * request stays well-formed whatever the user types. */
static sp_code set_user(sp_scan *s, char **dst, const char *v, const char *what)
{
    if (!v || !*v)
        return sp__fail(s, SP_EINVAL, "%s must not be empty", what);
    for (const char *p = v; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("-_.!~*'()&=+$,;?/", *p))
            return sp__fail(s, SP_EINVAL, "%s '%s' has a character not allowed in a SIP user part",
                            what, v);
    return set_string(s, dst, v, what, 0);
}

sp_code sp_scan_set_user_agent(sp_scan *s, const char *ua)
{
    if (sp__need_mode(s, SP__M_SCAN | SP__M_ALG, "user agent"))
        return SP_ESTATE;
    return set_string(s, &s->set.user_agent, ua, "user agent", 1);
}

sp_code sp_scan_set_from_user(sp_scan *s, const char *user)
{
    if (sp__need_mode(s, SP__M_SCAN, "from user"))
        return SP_ESTATE;
    return set_user(s, &s->set.from_user, user, "from user");
}

sp_code sp_scan_set_to_user(sp_scan *s, const char *user)
{
    if (sp__need_mode(s, SP__M_SCAN, "to user"))
        return SP_ESTATE;
    return set_user(s, &s->set.to_user, user, "to user");
}

sp_code sp_scan_add_fingerprints_file(sp_scan *s, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return sp__fail(s, SP_EIO, "cannot read fingerprints '%s': %s", path, strerror(errno));
    sp__buf b;
    sp__buf_init(&b);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0 && b.len < (16u << 20))
        sp__buf_append(&b, chunk, n);
    int rerr = ferror(fp);
    fclose(fp);
    if (rerr || b.failed) {
        sp__buf_free(&b);
        return sp__fail(s, SP_EIO, "cannot read fingerprints '%s'", path);
    }
    /* User rules go first so they can override built-in ones. */
    int rc = sp__fpdb_load(&s->fpdb, sp__buf_cstr(&b), b.len, path, 1, s->err, sizeof(s->err));
    sp__buf_free(&b);
    return (sp_code)rc;
}

sp_code sp_scan_add_output(sp_scan *s, const char *format, const char *path)
{
    const sp__writer_type *type = sp__writer_find(format ? format : "");
    if (!type)
        return sp__fail(s, SP_EFORMAT, "unknown output format '%s' (see --list-outputs)",
                        format ? format : "");
    if (s->n_writers >= SP__MAX_WRITERS)
        return sp__fail(s, SP_EINVAL, "at most %d outputs", SP__MAX_WRITERS);
    /* One file written twice would hold one of them, or garbage: refused
     * by what the paths name, however they are spelt. */
    const char *p = path ? path : "-", *clash = NULL, *what = "output";
    for (size_t i = 0; i < s->n_writers && !clash; i++) {
        const char *other = s->writers[i]->out.path ? s->writers[i]->out.path : "-";
        if (sp__outfile_clash(p, other))
            clash = other;
    }
    if (!clash && s->set.write_pcap && sp__outfile_clash(p, s->set.write_pcap))
        clash = s->set.write_pcap, what = "the packet capture";
    if (!clash && s->set.resume_path && sp__outfile_clash(p, s->set.resume_path))
        clash = s->set.resume_path, what = "the resume file";
    if (clash)
        return sp__fail(s, SP_EINVAL, "cannot write output '%s': it is the same file as %s '%s'", p,
                        what, clash);
    sp__writer *w = sp__writer_open(type, path, s->err, sizeof(s->err));
    if (!w)
        return SP_EIO;
    w->out.stop = &s->stop; /* a reader that goes away ends the scan */
    s->writers[s->n_writers++] = w;
    if (!type->streaming)
        s->keep_services = 1;
    return SP_OK;
}

sp_code sp_scan_set_baseline(sp_scan *s, const char *path)
{
    if (sp__need_mode(s, SP__M_ALL, "a baseline"))
        return SP_ESTATE;
    sp__baseline_free(&s->baseline);
    int rc = sp__baseline_load(&s->baseline, path, s->err, sizeof(s->err));
    if (rc) /* a baseline that failed to load leaves none behind */
        sp__baseline_free(&s->baseline);
    return (sp_code)rc;
}

void sp_scan_set_text_layout(sp_scan *s, unsigned columns, int verbose)
{
    s->set.columns = columns;
    s->set.verbose = verbose != 0;
}

sp_code sp_scan_set_accept_file(sp_scan *s, const char *path)
{
    if (sp__need_mode(s, SP__M_ALL, "an accept file"))
        return SP_ESTATE;
    sp__accepts a;
    memset(&a, 0, sizeof(a));
    int rc = sp__accepts_load(&a, path, s->err, sizeof(s->err));
    if (rc) {
        sp__accepts_free(&a);
        return (sp_code)rc;
    }
    sp__accepts_free(&s->accepts);
    s->accepts = a;
    return SP_OK;
}

const char *sp_scan_failure(const sp_scan *s, size_t index)
{
    return index < s->failures.n ? s->failures.v[index] : NULL;
}

const char *sp_scan_expired_accept(const sp_scan *s, size_t index)
{
    return index < s->expired.n ? s->expired.v[index] : NULL;
}

sp_code sp_scan_set_fail_on(sp_scan *s, sp_severity severity)
{
    if (severity != SP_SEV_NONE && (severity < SP_SEV_INFO || severity > SP_SEV_CRITICAL))
        return sp__fail(s, SP_EINVAL, "invalid severity");
    s->set.fail_on = severity;
    return SP_OK;
}

sp_code sp_scan_set_upload(sp_scan *s, const char *url, unsigned ndjson_batches)
{
    if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)))
        return sp__fail(s, SP_EINVAL, "upload URL must start with http:// or https://: '%s'",
                        url ? url : "");
    char *copy = strdup(url);
    if (!copy)
        return sp__fail(s, SP_ENOMEM, "out of memory");
    free(s->set.upload_url);
    s->set.upload_url = copy;
    s->set.upload_batch = ndjson_batches;
    s->keep_services = 1; /* the upload needs every service at the end */
    return SP_OK;
}

sp_code sp_scan_add_upload_header(sp_scan *s, const char *header)
{
    const char *colon = header ? strchr(header, ':') : NULL;
    if (!colon || colon == header || strpbrk(header, "\r\n"))
        return sp__fail(s, SP_EINVAL, "upload header must look like 'Name: value'");
    if (sp__strv_push(&s->set.upload_headers, header, strlen(header)))
        return sp__fail(s, SP_ENOMEM, "out of memory");
    return SP_OK;
}

sp_code sp_scan_set_resume_file(sp_scan *s, const char *path)
{
    if (sp__need_mode(s, SP__M_SCAN, "a resume file"))
        return SP_ESTATE;
    free(s->set.resume_path);
    s->set.resume_path = path ? strdup(path) : NULL;
    return path && !s->set.resume_path ? sp__fail(s, SP_ENOMEM, "out of memory") : SP_OK;
}

sp_code sp_scan_set_alg_check(sp_scan *s, const char *reflector, const char *token,
                              const char *transports)
{
    if (sp__need_mode(s, SP__M_ALG, "alg-check"))
        return SP_ESTATE;
    sp__range r;
    int rc = sp__target_parse(reflector ? reflector : "", 1, &r, s->err, sizeof(s->err));
    if (rc)
        return (sp_code)rc;
    if (r.lo != r.hi)
        return sp__fail(s, SP_ETARGET, "alg-check needs one reflector address, not '%s'",
                        reflector);
    if (!token || strlen(token) < 8)
        return sp__fail(s, SP_EINVAL, "alg-check needs the reflector's --token (8+ characters)");
    sp__addr a;
    memset(&a, 0, sizeof(a));
    a.family = r.family;
    for (int i = (r.family == 4 ? 3 : 15), k = 0; i >= 0; i--, k++)
        a.bytes[i] = (uint8_t)(r.lo >> (8 * k));
    char text[64];
    sp__addr_format(&a, text, sizeof(text));
    free(s->set.alg_host);
    free(s->set.alg_token);
    s->set.alg_host = strdup(text);
    s->set.alg_token = strdup(token);
    s->set.alg_port = r.port > 0 ? (uint16_t)r.port : 5060;
    /* Exact names: "udpx" is a typo to report, not udp. */
    int udp = !transports, tcp = 0;
    char list[64];
    snprintf(list, sizeof(list), "%s", transports ? transports : "");
    char *save = NULL;
    for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strcasecmp(t, "udp"))
            udp = 1;
        else if (!strcasecmp(t, "tcp"))
            tcp = 1;
        else
            return sp__fail(s, SP_EINVAL, "alg-check transports are udp and/or tcp, not '%s'",
                            transports);
    }
    if (!udp && !tcp)
        return sp__fail(s, SP_EINVAL, "alg-check transports are udp and/or tcp, not '%s'",
                        transports);
    s->set.alg_udp = udp;
    s->set.alg_tcp = tcp;
    return s->set.alg_host && s->set.alg_token ? SP_OK : sp__fail(s, SP_ENOMEM, "out of memory");
}

sp_code sp_scan_set_vantage(sp_scan *s, const char *name)
{
    if (sp__need_mode(s, SP__M_SCAN | SP__M_CAPTURE | SP__M_ALG, "a vantage"))
        return SP_ESTATE;
    return set_string(s, &s->set.vantage, name, "vantage", 0);
}

sp_code sp_scan_add_result_file(sp_scan *s, const char *path)
{
    if (sp__need_mode(s, SP__M_REPORT, "a result file"))
        return SP_ESTATE;
    if (!path || !*path)
        return sp__fail(s, SP_EINVAL, "result file name must not be empty");
    if (sp__strv_push(&s->set.results, path, strlen(path)))
        return sp__fail(s, SP_ENOMEM, "out of memory");
    return SP_OK;
}

sp_code sp_scan_set_strict(sp_scan *s, int on)
{
    if (sp__need_mode(s, SP__M_REPORT, "strict"))
        return SP_ESTATE;
    s->set.strict = on != 0;
    return SP_OK;
}

sp_code sp_scan_set_default_excludes(sp_scan *s, int on)
{
    if (sp__need_mode(s, SP__M_SCAN, "default excludes"))
        return SP_ESTATE;
    s->set.targets.keep_special = !on;
    return SP_OK;
}

const char *sp_scan_left_out(const sp_scan *s)
{
    return s->left_out;
}
