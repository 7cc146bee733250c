/* DNS discovery (targets/dns.c): which targets are domains, answers parsed
 * and ordered as RFC 3403 and RFC 2782 say, and RFC 3263's walk from NAPTR
 * to SRV to A/AAAA over a fake zone, so no query leaves the process. */
#include "suites.h"

#include "sipprobe/sipprobe.h"
#include "targets/dns.h"
#include "targets/targets.h"

#include <arpa/nameser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- A small answer builder: uncompressed names, class IN. ---- */

typedef struct msg {
    uint8_t b[2048];
    int n, ancount;
} msg;

static void put16(msg *m, int v)
{
    m->b[m->n++] = (uint8_t)(v >> 8);
    m->b[m->n++] = (uint8_t)v;
}

static void put_name(msg *m, const char *name)
{
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t l = dot ? (size_t)(dot - name) : strlen(name);
        m->b[m->n++] = (uint8_t)l;
        memcpy(m->b + m->n, name, l);
        m->n += (int)l;
        name += l + (dot ? 1 : 0);
    }
    m->b[m->n++] = 0;
}

static void put_cstr(msg *m, const char *s)
{
    m->b[m->n++] = (uint8_t)strlen(s);
    memcpy(m->b + m->n, s, strlen(s));
    m->n += (int)strlen(s);
}

static void begin(msg *m, const char *qname, int qtype)
{
    memset(m, 0, sizeof(*m));
    m->n = 12;
    m->b[2] = 0x84; /* response, authoritative */
    m->b[5] = 1;    /* one question */
    put_name(m, qname);
    put16(m, qtype);
    put16(m, ns_c_in);
}

/* Starts an answer record; returns where its rdlength goes. */
static int rr(msg *m, const char *name, int type)
{
    put_name(m, name);
    put16(m, type);
    put16(m, ns_c_in);
    put16(m, 0);
    put16(m, 300); /* TTL */
    m->n += 2;
    m->ancount++;
    m->b[7] = (uint8_t)m->ancount;
    return m->n - 2;
}

static void rr_end(msg *m, int at)
{
    int len = m->n - at - 2;
    m->b[at] = (uint8_t)(len >> 8);
    m->b[at + 1] = (uint8_t)len;
}

static void naptr(msg *m, const char *owner, int order, int pref, const char *flags,
                  const char *services, const char *repl)
{
    int at = rr(m, owner, ns_t_naptr);
    put16(m, order);
    put16(m, pref);
    put_cstr(m, flags);
    put_cstr(m, services);
    put_cstr(m, "");
    put_name(m, repl);
    rr_end(m, at);
}

static void srv(msg *m, const char *owner, int prio, int weight, int port, const char *target)
{
    int at = rr(m, owner, ns_t_srv);
    put16(m, prio);
    put16(m, weight);
    put16(m, port);
    put_name(m, target);
    rr_end(m, at);
}

static void a4(msg *m, const char *owner, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    int at = rr(m, owner, ns_t_a);
    uint8_t v[4] = {a, b, c, d};
    memcpy(m->b + m->n, v, 4);
    m->n += 4;
    rr_end(m, at);
}

START_TEST(test_dns_parse_naptr_ordered)
{
    msg m;
    begin(&m, "ex.test", ns_t_naptr);
    naptr(&m, "ex.test", 20, 10, "s", "SIPS+D2T", "_sips._tcp.ex.test");
    naptr(&m, "ex.test", 10, 20, "s", "SIP+D2U", "_sip._udp.ex.test");
    naptr(&m, "ex.test", 10, 10, "S", "SIP+D2T", "_sip._tcp.ex.test");
    sp__naptr out[4];
    ck_assert_int_eq(sp__dns_parse_naptr(m.b, m.n, out, 4), 3);
    ck_assert_str_eq(out[0].services, "SIP+D2T");
    ck_assert_str_eq(out[0].flags, "S");
    ck_assert_str_eq(out[0].replacement, "_sip._tcp.ex.test");
    ck_assert_str_eq(out[1].services, "SIP+D2U");
    ck_assert_uint_eq(out[1].pref, 20);
    ck_assert_str_eq(out[2].services, "SIPS+D2T");
    ck_assert_uint_eq(out[2].order, 20);
    /* The cap bounds what a hostile zone can make us follow. */
    ck_assert_int_eq(sp__dns_parse_naptr(m.b, m.n, out, 2), 2);
}
END_TEST

START_TEST(test_dns_parse_srv_ordered)
{
    msg m;
    begin(&m, "_sip._udp.ex.test", ns_t_srv);
    srv(&m, "_sip._udp.ex.test", 20, 0, 5060, "c.ex.test");
    srv(&m, "_sip._udp.ex.test", 10, 5, 5080, "b.ex.test");
    srv(&m, "_sip._udp.ex.test", 10, 50, 5070, "a.ex.test");
    srv(&m, "_sip._udp.ex.test", 30, 0, 0, "");
    a4(&m, "a.ex.test", 192, 0, 2, 1); /* another type: ignored */
    sp__srv out[8];
    ck_assert_int_eq(sp__dns_parse_srv(m.b, m.n, out, 8), 4);
    ck_assert_str_eq(out[0].target, "a.ex.test"); /* priority, then the heavier weight */
    ck_assert_uint_eq(out[0].port, 5070);
    ck_assert_str_eq(out[1].target, "b.ex.test");
    ck_assert_str_eq(out[2].target, "c.ex.test");
    ck_assert_str_eq(out[3].target, ""); /* "." : the service is not offered */
    sp__addr addrs[2];
    ck_assert_int_eq(sp__dns_parse_addrs(m.b, m.n, 4, addrs, 2), 1);
    ck_assert_uint_eq(addrs[0].bytes[3], 1);
    ck_assert_int_eq(sp__dns_parse_addrs(m.b, m.n, 6, addrs, 2), 0);
}
END_TEST

START_TEST(test_dns_parse_malformed)
{
    msg m;
    begin(&m, "ex.test", ns_t_srv);
    srv(&m, "ex.test", 10, 0, 5060, "a.ex.test");
    sp__srv out[2];
    /* Cut anywhere inside the record: never read past the message. */
    for (int cut = 12; cut < m.n; cut++)
        ck_assert_int_le(sp__dns_parse_srv(m.b, cut, out, 2), 0);
    ck_assert_int_eq(sp__dns_parse_srv(m.b, 0, out, 2), -1);
    /* An SRV whose rdata is too short is skipped, not read beyond. */
    begin(&m, "ex.test", ns_t_srv);
    int at = rr(&m, "ex.test", ns_t_srv);
    put16(&m, 1);
    rr_end(&m, at);
    ck_assert_int_eq(sp__dns_parse_srv(m.b, m.n, out, 2), 0);
    ck_assert_int_eq(sp__dns_service_transport("sip+d2u"), SP_TRANSPORT_UDP);
    ck_assert_int_eq(sp__dns_service_transport("SIPS+D2T"), SP_TRANSPORT_TLS);
    ck_assert_int_eq(sp__dns_service_transport("SIP+D2S"), -1);
}
END_TEST

START_TEST(test_dns_target_domain)
{
    char name[256];
    int tr, sec;
    ck_assert_int_eq(sp__target_domain("example.com", name, sizeof(name), &tr, &sec), 1);
    ck_assert_str_eq(name, "example.com");
    ck_assert_int_eq(tr, -1);
    ck_assert_int_eq(sec, 0);
    ck_assert_int_eq(sp__target_domain("sips:alice@example.com", name, sizeof(name), &tr, &sec), 1);
    ck_assert_int_eq(sec, 1);
    ck_assert_int_eq(
        sp__target_domain("sip:example.com;transport=tcp", name, sizeof(name), &tr, &sec), 1);
    ck_assert_int_eq(tr, SP_TRANSPORT_TCP);
    ck_assert_int_eq(sp__target_domain("tls://pbx-1.example.com/", name, sizeof(name), &tr, &sec),
                     1);
    ck_assert_int_eq(tr, SP_TRANSPORT_TLS);
    /* A port, an address or a name that is not a domain: no discovery. */
    static const char *const not_domains[] = {
        "example.com:5060", "sip:example.com:5070", "10.0.0.1",
        "10.0.0.1-50",      "10.0.0.0/24",          "::1",
        "localhost",        "pbx.localhost",        "pbx",
        "bad..name",        "-x.example",           "udp://[::1]",
        "127.0.60.x"};
    for (size_t i = 0; i < sizeof(not_domains) / sizeof(not_domains[0]); i++)
        ck_assert_msg(!sp__target_domain(not_domains[i], name, sizeof(name), &tr, &sec), "%s",
                      not_domains[i]);
}
END_TEST

/* ---- A fake zone ---- */

static int fake_query(void *ctx, const char *name, int type, uint8_t *ans, int anslen, int *nx)
{
    int *queries = ctx;
    (*queries)++;
    msg m;
    begin(&m, name, type);
    if (!strcasecmp(name, "ex.test") && type == ns_t_naptr) {
        naptr(&m, name, 10, 10, "s", "SIP+D2U", "_sip._udp.ex.test");
        naptr(&m, name, 20, 10, "s", "SIPS+D2T", "_sips._tcp.ex.test");
        naptr(&m, name, 30, 10, "s", "SIP+D2S", "_sip._sctp.ex.test");
        naptr(&m, name, 30, 20, "u", "E2U+sip", "x.ex.test");
        naptr(&m, name, 40, 10, "a", "SIP+D2T", "pbx.ex.test");
    } else if (!strcasecmp(name, "_sip._udp.ex.test") && type == ns_t_srv) {
        srv(&m, name, 10, 0, 5060, "pbx.ex.test");
        srv(&m, name, 20, 0, 5060, "inside.ex.test");
        srv(&m, name, 30, 0, 5060, ".");
    } else if (!strcasecmp(name, "_sips._tcp.ex.test") && type == ns_t_srv) {
        srv(&m, name, 10, 0, 5061, "pbx.ex.test");
    } else if (!strcasecmp(name, "_sip._tcp.plain.test") && type == ns_t_srv) {
        srv(&m, name, 0, 0, 5080, "pbx.ex.test");
    } else if (!strcasecmp(name, "pbx.ex.test") && type == ns_t_a) {
        a4(&m, name, 192, 0, 2, 10);
        a4(&m, name, 192, 0, 2, 11);
    } else if (!strcasecmp(name, "inside.ex.test") && type == ns_t_a) {
        a4(&m, name, 10, 1, 2, 3);
    } else if (!strcasecmp(name, "bare.test") && type == ns_t_a) {
        a4(&m, name, 192, 0, 2, 20);
    } else if (!strcasecmp(name, "gone.test")) {
        *nx = 1;
        return -1;
    } else if (m.ancount == 0 && (strstr(name, "ex.test") || strstr(name, ".test"))) {
        return -1; /* no data */
    }
    if (m.n > anslen)
        return -1;
    memcpy(ans, m.b, (size_t)m.n);
    return m.n;
}

typedef struct found {
    char lines[32][96];
    int n;
    char log[8][600];
    int n_log;
} found;

static int on_add(void *data, const sp__addr *a, int port, int transport)
{
    found *f = data;
    char text[64];
    sp__addr_format(a, text, sizeof(text));
    snprintf(f->lines[f->n++], 96, "%s %d %d", text, port, transport);
    return 0;
}

static void on_log(void *data, int level, const char *text)
{
    found *f = data;
    if (f->n_log < 8)
        snprintf(f->log[f->n_log++], 600, "%d %s", level, text);
}

START_TEST(test_dns_discover_fake_zone)
{
    sp__dns d;
    memset(&d, 0, sizeof(d));
    int queries = 0;
    d.enabled = 1;
    d.query = fake_query;
    d.query_ctx = &queries;
    ck_assert_int_eq(sp__dns_add_name(&d, "ex.test.", "sip:ex.test", -1, 0), 0);
    found f;
    memset(&f, 0, sizeof(f));
    ck_assert_int_eq(sp__dns_discover(&d, on_add, &f, on_log, &f, NULL), 0);
    /* NAPTR order: UDP's SRV (priority order, '.' skipped), then SIPS. */
    ck_assert_int_eq(f.n, 5);
    ck_assert_str_eq(f.lines[0], "192.0.2.10 5060 0");
    ck_assert_str_eq(f.lines[1], "192.0.2.11 5060 0");
    ck_assert_str_eq(f.lines[2], "10.1.2.3 5060 0");
    ck_assert_str_eq(f.lines[3], "192.0.2.10 5061 2");
    ck_assert_str_eq(f.lines[4], "192.0.2.11 5061 2");
    ck_assert_ptr_nonnull(strstr(f.log[0], "service is declared unavailable"));
    ck_assert_ptr_nonnull(strstr(f.log[1], "SIP+D2S"));     /* SCTP: not probed */
    ck_assert_ptr_nonnull(strstr(f.log[2], "flags other")); /* "a" flag */
    ck_assert_int_eq(f.n_log, 3);                           /* E2U is not SIP: skipped silently */

    /* Evidence: the path to a service and the domain's private records. */
    sp__strv paths = {0}, leaks = {0};
    sp__addr a;
    ck_assert_int_eq(sp__addr_parse("192.0.2.10", &a), 0);
    sp__dns_lookup(&d, &a, 5061, SP_TRANSPORT_TLS, &paths, &leaks);
    ck_assert_uint_eq(paths.n, 1);
    ck_assert_str_eq(paths.v[0], "ex.test NAPTR 20 10 \"s\" \"SIPS+D2T\" -> _sips._tcp.ex.test "
                                 "SRV 10 0 5061 pbx.ex.test -> pbx.ex.test A 192.0.2.10");
    ck_assert_uint_eq(leaks.n, 1);
    ck_assert_str_eq(leaks.v[0], "ex.test NAPTR 10 10 \"s\" \"SIP+D2U\" -> _sip._udp.ex.test SRV "
                                 "20 0 5060 inside.ex.test -> inside.ex.test A 10.1.2.3");
    sp__strv_free(&paths);
    sp__strv_free(&leaks);
    sp__dns_lookup(&d, &a, 5060, SP_TRANSPORT_TCP, &paths, &leaks);
    ck_assert_uint_eq(paths.n, 0); /* not a transport DNS named there */

    /* Done names are not asked again. */
    int before = queries;
    ck_assert_int_eq(sp__dns_discover(&d, on_add, &f, on_log, &f, NULL), 0);
    ck_assert_int_eq(queries, before);
    sp__dns_clear(&d);
}
END_TEST

START_TEST(test_dns_discover_fallbacks)
{
    sp__dns d;
    memset(&d, 0, sizeof(d));
    int queries = 0;
    d.query = fake_query;
    d.query_ctx = &queries;
    /* sips: follows only SIPS records; a transport skips NAPTR; no SRV:
     * the domain's addresses on the scan's ports; no domain: a warning. */
    ck_assert_int_eq(sp__dns_add_name(&d, "ex.test", "sips:ex.test", -1, 1), 0);
    ck_assert_int_eq(sp__dns_add_name(&d, "plain.test", "tcp://plain.test", SP_TRANSPORT_TCP, 0),
                     0);
    ck_assert_int_eq(sp__dns_add_name(&d, "bare.test", "bare.test", -1, 0), 0);
    ck_assert_int_eq(sp__dns_add_name(&d, "gone.test", "gone.test", -1, 0), 0);
    found f;
    memset(&f, 0, sizeof(f));
    ck_assert_int_eq(sp__dns_discover(&d, on_add, &f, on_log, &f, NULL), 0);
    ck_assert_int_eq(f.n, 5);
    ck_assert_str_eq(f.lines[0], "192.0.2.10 5061 2");
    ck_assert_str_eq(f.lines[1], "192.0.2.11 5061 2");
    ck_assert_str_eq(f.lines[2], "192.0.2.10 5080 1");
    ck_assert_str_eq(f.lines[3], "192.0.2.11 5080 1");
    ck_assert_str_eq(f.lines[4], "192.0.2.20 -1 -1");
    ck_assert_str_eq(f.log[f.n_log - 1],
                     "0 cannot resolve target 'gone.test': the domain does not exist; the scan "
                     "goes on without it");
    sp__strv paths = {0}, leaks = {0};
    sp__addr a;
    ck_assert_int_eq(sp__addr_parse("192.0.2.20", &a), 0);
    sp__dns_lookup(&d, &a, 5999, SP_TRANSPORT_UDP, &paths, &leaks);
    ck_assert_uint_eq(paths.n, 1);
    ck_assert_str_eq(paths.v[0], "bare.test: no NAPTR or SRV record -> bare.test A 192.0.2.20");
    ck_assert_uint_eq(leaks.n, 0);
    sp__strv_free(&paths);
    sp__dns_clear(&d);
}
END_TEST

START_TEST(test_dns_targets_set)
{
    /* In a target set: domains wait for discovery, the rest parses now;
     * a bad DNS server is refused with a message. */
    sp__targets t;
    char err[256];
    sp__targets_init(&t);
    t.dns.enabled = 1;
    int queries = 0;
    t.dns.query = fake_query;
    t.dns.query_ctx = &queries;
    ck_assert_int_eq(sp__targets_add(&t, "bare.test, 192.0.2.1", err, sizeof(err)), 0);
    ck_assert_uint_eq(t.n_given, 1);
    ck_assert_uint_eq(t.dns.n_names, 1);
    ck_assert_int_eq(sp__targets_discover(&t, NULL, NULL), 0);
    ck_assert_uint_eq(t.n_given, 2);
    ck_assert_int_eq(sp__targets_finalize(&t, NULL, 0, 1u << SP_TRANSPORT_UDP, err, sizeof(err)),
                     0);
    ck_assert_uint_eq(t.pairs, 2);
    ck_assert_int_eq(sp__dns_set_server(&t.dns, "::1", err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "IPv4"));
    ck_assert_int_eq(sp__dns_set_server(&t.dns, "127.0.0.1:99999", err, sizeof(err)), -1);
    ck_assert_int_eq(sp__dns_set_server(&t.dns, "127.0.0.1", err, sizeof(err)), 0);
    ck_assert_str_eq(t.dns.server, "127.0.0.1:53");
    sp__targets_free(&t);
    ck_assert_str_eq(t.dns.server, "127.0.0.1:53"); /* configuration outlives a free */
    ck_assert_uint_eq(t.dns.n_names, 0);
}
END_TEST

Suite *dns_suite(void)
{
    Suite *s = suite_create("dns");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_dns_parse_naptr_ordered);
    tcase_add_test(tc, test_dns_parse_srv_ordered);
    tcase_add_test(tc, test_dns_parse_malformed);
    tcase_add_test(tc, test_dns_target_domain);
    tcase_add_test(tc, test_dns_discover_fake_zone);
    tcase_add_test(tc, test_dns_discover_fallbacks);
    tcase_add_test(tc, test_dns_targets_set);
    suite_add_tcase(s, tc);
    return s;
}
