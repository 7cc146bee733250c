/* The engine driven through a fake datagram transport: no socket, no
 * packet. The fake answers each probe as a scripted host would, so that
 * the tests see what the engine sends, retries, matches and reports. */
#include "suites.h"

#include "api/scan.h"
#include "engine/run.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What the host at 127.0.0.N does with a probe (N indexes the script). */
enum behaviour {
    SILENT,       /* never answers */
    ANSWER,       /* 200 OK at once */
    LATE,         /* silent to the first attempt, answers the retry */
    OTHER_SOURCE, /* answers from 127.0.0.99 */
    TWICE,        /* the same reply twice (a retransmission) */
    FORGED,       /* a reply whose token does not verify */
    SLOW,         /* 200 OK 1.5 s after the probe */
    BROKEN,       /* a reply with a good token and status line that libosip2 cannot parse */
};

#define HOSTS 80
#define QUEUE 256
#define SLOW_NS 1500000000ull

typedef struct fake {
    enum behaviour script[HOSTS];
    unsigned sent[HOSTS];
    sp__udp_in queue[QUEUE];
    uint64_t due[QUEUE]; /* when a queued reply arrives (CLOCK_MONOTONIC ns) */
    char bufs[QUEUE][2048];
    unsigned n_queued;
    sp__udp_in out[32]; /* what recv hands over */
    char outbufs[32][2048];
} fake;

static int f_open(void *ctx, int family, uint32_t rate, char *err, size_t errlen)
{
    (void)ctx, (void)rate, (void)err, (void)errlen;
    return family == 4 ? 0 : SP_ESOCKET;
}

static int f_local_for(void *ctx, const sp__addr *dst, uint16_t port, char *out, size_t len)
{
    (void)ctx, (void)dst, (void)port;
    snprintf(out, len, "127.0.0.1:40000");
    return 0;
}

/* The request's headers a response echoes (RFC 3261 section 8.2.6.2). */
static size_t make_reply(const char *req, size_t len, char *out, size_t cap)
{
    static const char *const echo[] = {"Via:", "From:", "To:", "Call-ID:", "CSeq:"};
    size_t n = (size_t)snprintf(out, cap, "SIP/2.0 200 OK\r\n");
    const char *p = req, *end = req + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t l = eol ? (size_t)(eol - p + 1) : (size_t)(end - p);
        for (size_t i = 0; i < sizeof(echo) / sizeof(echo[0]); i++)
            if (!strncmp(p, echo[i], strlen(echo[i])) && n + l < cap) {
                memcpy(out + n, p, l);
                n += l;
            }
        p += l;
    }
    n += (size_t)snprintf(out + n, cap - n, "Server: FakePBX 1.0\r\nContent-Length: 0\r\n\r\n");
    return n;
}

static void queue_reply(fake *f, const sp__udp_out *m, uint8_t from_last, int forge,
                        uint64_t delay_ns)
{
    if (f->n_queued == QUEUE)
        return;
    unsigned k = f->n_queued++;
    f->due[k] = sp__now_ns() + delay_ns;
    sp__udp_in *in = &f->queue[k];
    memset(in, 0, sizeof(*in));
    in->buf = f->bufs[k];
    in->len = make_reply(m->buf, m->len, in->buf, sizeof(f->bufs[k]));
    if (forge == 2) { /* a CSeq of neither number nor method */
        char *cseq = strstr(in->buf, "CSeq: ");
        for (char *c = cseq ? cseq + 6 : NULL; c && *c != '\r'; c++)
            *c = 'x';
    } else if (forge) { /* one character of the Call-ID's token changed */
        char *cid = strstr(in->buf, "Call-ID: ");
        if (cid)
            cid[12] = cid[12] == 'a' ? 'b' : 'a';
    }
    in->from = m->dst;
    in->from.bytes[3] = from_last;
    in->from_port = m->port;
}

static int f_send(void *ctx, int family, const sp__udp_out *msgs, unsigned n, unsigned *dropped)
{
    fake *f = ctx;
    (void)family;
    *dropped = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned host = msgs[i].dst.bytes[3];
        if (host >= HOSTS)
            continue;
        unsigned attempt = f->sent[host]++;
        switch (f->script[host]) {
        case ANSWER:
            queue_reply(f, &msgs[i], (uint8_t)host, 0, 0);
            break;
        case LATE:
            if (attempt > 0)
                queue_reply(f, &msgs[i], (uint8_t)host, 0, 0);
            break;
        case OTHER_SOURCE:
            queue_reply(f, &msgs[i], 99, 0, 0);
            break;
        case TWICE:
            queue_reply(f, &msgs[i], (uint8_t)host, 0, 0);
            queue_reply(f, &msgs[i], (uint8_t)host, 0, 0);
            break;
        case SLOW:
            queue_reply(f, &msgs[i], (uint8_t)host, 0, SLOW_NS);
            break;
        case FORGED:
            queue_reply(f, &msgs[i], (uint8_t)host, 1, 0);
            break;
        case BROKEN:
            queue_reply(f, &msgs[i], (uint8_t)host, 2, 0);
            break;
        default:
            break;
        }
    }
    return 0;
}

static int f_recv(void *ctx, int family, sp__udp_in **pkts)
{
    fake *f = ctx;
    if (family != 4)
        return 0;
    /* Hands over what is due; the rest moves up and waits. */
    uint64_t now = sp__now_ns();
    unsigned n = 0, kept = 0;
    for (unsigned i = 0; i < f->n_queued; i++) {
        if (f->due[i] <= now && n < 32) {
            f->out[n] = f->queue[i];
            memcpy(f->outbufs[n], f->queue[i].buf, f->queue[i].len);
            f->out[n].buf = f->outbufs[n];
            n++;
            continue;
        }
        if (kept != i) {
            f->queue[kept] = f->queue[i];
            f->due[kept] = f->due[i];
            memcpy(f->bufs[kept], f->queue[i].buf, f->queue[i].len);
            f->queue[kept].buf = f->bufs[kept];
        }
        kept++;
    }
    f->n_queued = kept;
    *pkts = f->out;
    return (int)n;
}

static void f_wait(void *ctx, int extra_fd, uint64_t timeout_ns)
{
    (void)ctx, (void)extra_fd;
    usleep(timeout_ns < 1000000 ? (useconds_t)(timeout_ns / 1000) : 1000);
}

static void f_close(void *ctx)
{
    (void)ctx;
}

static const sp__dgram_ops fake_ops = {f_open, f_local_for, f_send, f_recv, f_wait, f_close};

typedef struct seen {
    char hosts[HOSTS][64];
    int differs[HOSTS];
    unsigned n;
} seen;

static void on_service(const sp_service *svc, void *data)
{
    seen *s = data;
    if (s->n < HOSTS) {
        snprintf(s->hosts[s->n], sizeof(s->hosts[0]), "%s", svc->host);
        s->differs[s->n] = svc->responder_differs;
        s->n++;
    }
}

static int seen_host(const seen *s, const char *host, int *differs)
{
    for (unsigned i = 0; i < s->n; i++)
        if (!strcmp(s->hosts[i], host)) {
            if (differs)
                *differs = s->differs[i];
            return 1;
        }
    return 0;
}

static sp_scan *fake_scan_of(fake *f, seen *sn, unsigned retries, unsigned wait_ms,
                             const char *targets)
{
    sp_scan *s = sp_scan_new();
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(sp_scan_add_target(s, targets), SP_OK);
    ck_assert_int_eq(sp_scan_set_retries(s, retries), SP_OK);
    ck_assert_int_eq(sp_scan_set_wait_ms(s, wait_ms), SP_OK);
    ck_assert_int_eq(sp_scan_set_rate(s, 100000), SP_OK);
    sp_scan_set_service_callback(s, on_service, sn);
    sp__scan_set_dgram(s, &fake_ops, f);
    return s;
}

static sp_scan *fake_scan(fake *f, seen *sn, unsigned retries, unsigned wait_ms)
{
    return fake_scan_of(f, sn, retries, wait_ms, "127.0.0.1-127.0.0.6");
}

START_TEST(test_engine_retries_only_silent_targets)
{
    fake f = {.script = {SILENT, ANSWER, LATE, OTHER_SOURCE, TWICE, FORGED, SILENT}};
    seen sn = {0};
    sp_scan *s = fake_scan(&f, &sn, 1, 300);
    ck_assert_int_eq(sp_scan_run(s), SP_OK);
    /* Answered at once: one probe each. Silent, late and forged: a retry. */
    ck_assert_uint_eq(f.sent[1], 1);
    ck_assert_uint_eq(f.sent[3], 1);
    ck_assert_uint_eq(f.sent[4], 1);
    ck_assert_uint_eq(f.sent[2], 2);
    ck_assert_uint_eq(f.sent[5], 2);
    ck_assert_uint_eq(f.sent[6], 2);
    sp_summary sum;
    sp_scan_summary(s, &sum);
    ck_assert_uint_eq(sum.probes_sent, 9);
    ck_assert_uint_eq(sum.services, 4);
    ck_assert_uint_eq(sum.replies, 4);     /* the retransmission is not a second reply */
    ck_assert_uint_ge(sum.bad_replies, 2); /* both forged replies dropped */
    ck_assert_uint_eq(sn.n, 4);
    int differs = -1;
    ck_assert(seen_host(&sn, "127.0.0.1", &differs) && differs == 0);
    ck_assert(seen_host(&sn, "127.0.0.2", NULL));
    ck_assert(seen_host(&sn, "127.0.0.3", &differs) && differs == 1);
    ck_assert(seen_host(&sn, "127.0.0.4", NULL));
    ck_assert(!seen_host(&sn, "127.0.0.5", NULL));
    ck_assert(!seen_host(&sn, "127.0.0.6", NULL));
    sp_scan_free(s);
}
END_TEST

/* The status code the scan thread reads off the raw status line. */
START_TEST(test_engine_reply_status_from_raw_line)
{
    static const struct {
        const char *line;
        int status;
    } cases[] = {
        {"SIP/2.0 200 OK\r\n", 200},      {"SIP/2.0 180\r\n\r\n", 180},
        {"SIP/2.0 699 Odd\r\n", 699},     {"SIP/2.0 2OO OK\r\n", 0},
        {"SIP/2.0 099 Low\r\n", 0},       {"SIP/2.0 700 High\r\n", 0},
        {"SIP/2.0 2000 OK\r\n", 0},       {"SIP/2.0 20", 0},
        {"OPTIONS sip:x SIP/2.0\r\n", 0}, {"SIP/2.1 200 OK\r\n", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        ck_assert_msg(sp__reply_status(cases[i].line, strlen(cases[i].line)) == cases[i].status,
                      "%s", cases[i].line);
}
END_TEST

/* Without a service callback the output thread parses and classifies the
 * replies the scan thread matched: the same services, counts and evidence
 * come out, and a reply it cannot parse is counted, not reported. */
START_TEST(test_engine_replies_parsed_off_the_scan_thread)
{
    fake f = {.script = {SILENT, ANSWER, LATE, OTHER_SOURCE, TWICE, FORGED, BROKEN, ANSWER}};
    sp_scan *s = sp_scan_new();
    char path[] = "/tmp/sipprobe-unit-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(sp_scan_add_target(s, "127.0.0.1-127.0.0.7"), SP_OK);
    ck_assert_int_eq(sp_scan_set_retries(s, 1), SP_OK);
    ck_assert_int_eq(sp_scan_set_wait_ms(s, 300), SP_OK);
    ck_assert_int_eq(sp_scan_add_output(s, "ndjson", path), SP_OK);
    sp__scan_set_dgram(s, &fake_ops, &f);
    ck_assert_int_eq(sp_scan_run(s), SP_OK);
    sp_summary sum;
    sp_scan_summary(s, &sum);
    ck_assert_uint_eq(sum.services, 5);
    ck_assert_uint_eq(sum.replies, 5);     /* the retransmission is not a second reply */
    ck_assert_uint_ge(sum.bad_replies, 3); /* both forged replies and the broken one */
    sp_scan_free(s);
    FILE *fp = fopen(path, "r");
    char line[16384];
    int differs = 0;
    unsigned hosts = 0; /* bit N: 127.0.0.N was reported */
    while (fp && fgets(line, sizeof(line), fp)) {
        json_t *o = json_loads(line, 0, NULL);
        ck_assert_ptr_nonnull(o);
        const char *host = json_string_value(json_object_get(o, "host"));
        hosts |= 1u << atoi(strrchr(host, '.') + 1);
        ck_assert_str_eq(json_string_value(json_object_get(o, "server")), "FakePBX 1.0");
        if (!strcmp(host, "127.0.0.3"))
            differs = json_is_true(json_object_get(o, "responder_differs"));
        json_decref(o);
    }
    if (fp)
        fclose(fp);
    unlink(path);
    ck_assert_uint_eq(hosts, 1u << 1 | 1u << 2 | 1u << 3 | 1u << 4 | 1u << 7);
    ck_assert_int_eq(differs, 1);
}
END_TEST

START_TEST(test_engine_wait_ends_when_all_answered)
{
    fake f = {.script = {SILENT, ANSWER, ANSWER, ANSWER, ANSWER, ANSWER, ANSWER}};
    seen sn = {0};
    sp_scan *s = fake_scan(&f, &sn, 3, 20000);
    ck_assert_int_eq(sp_scan_run(s), SP_OK);
    sp_summary sum;
    sp_scan_summary(s, &sum);
    ck_assert_uint_eq(sum.services, 6);
    ck_assert_uint_eq(sum.probes_sent, 6); /* no retry round at all */
    /* A 20 s wait would be a hang here: every probe had its answer. */
    ck_assert(sum.elapsed_s < 10.0);
    sp_scan_free(s);
}
END_TEST

START_TEST(test_engine_no_targets_answer)
{
    fake f = {.script = {SILENT, SILENT, SILENT, SILENT, SILENT, SILENT, SILENT}};
    seen sn = {0};
    sp_scan *s = fake_scan(&f, &sn, 2, 100);
    ck_assert_int_eq(sp_scan_run(s), SP_OK);
    sp_summary sum;
    sp_scan_summary(s, &sum);
    ck_assert_uint_eq(sum.services, 0);
    ck_assert_uint_eq(sum.probes_sent, 18); /* 6 targets, 3 attempts each */
    for (int h = 1; h <= 6; h++)
        ck_assert_uint_eq(f.sent[h], 3);
    sp_scan_free(s);
}
END_TEST

/* Fast hosts teach the adaptive wait a short round trip; slow hosts that
 * answer well within --wait must still be found (they used to be lost). */
START_TEST(test_engine_mixed_round_trips_lose_nothing)
{
    fake *f = calloc(1, sizeof(*f));
    for (int h = 1; h <= 64; h++)
        f->script[h] = h % 2 ? SLOW : ANSWER;
    seen sn = {0};
    sp_scan *s = fake_scan_of(f, &sn, 1, 2000, "127.0.0.1-127.0.0.64");
    ck_assert_int_eq(sp_scan_set_rate(s, 500), SP_OK);
    ck_assert_int_eq(sp_scan_run(s), SP_OK);
    sp_summary sum;
    sp_scan_summary(s, &sum);
    ck_assert_uint_eq(sum.services, 64);
    sp_scan_free(s);
    free(f);
}
END_TEST

static void *stop_later(void *arg)
{
    usleep(300000);
    sp_scan_stop(arg);
    return NULL;
}

/* A stop request during the final wait ends it after a short grace, not
 * after --wait; an empty shard has nothing to wait for. */
START_TEST(test_engine_stop_and_empty_shard_end_the_wait)
{
    fake f = {.script = {SILENT, SILENT, ANSWER}};
    seen sn = {0};
    sp_scan *s = fake_scan(&f, &sn, 0, 20000);
    pthread_t t;
    pthread_create(&t, NULL, stop_later, s);
    ck_assert_int_eq(sp_scan_run(s), SP_OK);
    pthread_join(t, NULL);
    sp_summary sum;
    sp_scan_summary(s, &sum);
    ck_assert(sum.interrupted);
    ck_assert_uint_eq(sum.services, 1);
    ck_assert(sum.elapsed_s < 5.0);
    sp_scan_free(s);

    /* One address split in 8 shards: most shards send nothing. */
    unsigned empty = 0;
    for (unsigned i = 1; i <= 8; i++) {
        fake g = {.script = {SILENT, ANSWER}};
        seen sn2 = {0};
        s = fake_scan_of(&g, &sn2, 0, 20000, "127.0.0.1");
        ck_assert_int_eq(sp_scan_set_shard(s, i, 8), SP_OK);
        ck_assert_int_eq(sp_scan_set_seed(s, 1), SP_OK);
        ck_assert_int_eq(sp_scan_run(s), SP_OK);
        sp_scan_summary(s, &sum);
        if (sum.probes_sent == 0) {
            empty++;
            ck_assert(sum.elapsed_s < 5.0);
        }
        sp_scan_free(s);
    }
    ck_assert_uint_eq(empty, 7);
}
END_TEST

Suite *engine_suite(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("fake transport");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_engine_retries_only_silent_targets);
    tcase_add_test(tc, test_engine_reply_status_from_raw_line);
    tcase_add_test(tc, test_engine_replies_parsed_off_the_scan_thread);
    tcase_add_test(tc, test_engine_wait_ends_when_all_answered);
    tcase_add_test(tc, test_engine_no_targets_answer);
    tcase_add_test(tc, test_engine_mixed_round_trips_lose_nothing);
    tcase_add_test(tc, test_engine_stop_and_empty_shard_end_the_wait);
    suite_add_tcase(s, tc);
    return s;
}
