/* SIP over WebSocket: the upgrade request and answer (transport/ws.c),
 * ws:// and wss:// targets with their paths and default ports, and the
 * Via and transport names the probes carry. */
#include "suites.h"

#include "classify/classify.h"
#include "classify/fingerprint.h"
#include "classify/vulns.h"
#include "model/service.h"
#include "sipprobe/sipprobe.h"
#include "targets/targets.h"
#include "transport/ws.h"

#include <stdio.h>
#include <string.h>

START_TEST(test_ws_request_and_answer)
{
    char req[1024], accept[29];
    size_t n = sp__ws_request("127.0.0.1:8088", "/ws", "sipprobe/1", req, sizeof(req), accept);
    ck_assert_uint_gt(n, 0);
    ck_assert_ptr_nonnull(strstr(req, "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:8088\r\n"));
    ck_assert_ptr_nonnull(strstr(req, "\r\nSec-WebSocket-Protocol: sip\r\n"));
    ck_assert_ptr_nonnull(strstr(req, "\r\nSec-WebSocket-Version: 13\r\n"));
    ck_assert_ptr_nonnull(strstr(req, "\r\nUser-Agent: sipprobe/1\r\n\r\n"));
    ck_assert_uint_eq(strlen(accept), 28);
    ck_assert_uint_eq(sp__ws_request("h", "/", NULL, req, 40, accept), 0); /* does not fit */

    /* RFC 6455's example key and accept value. */
    const char *ok = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                     "Sec-WebSocket-Protocol: sip\r\nServer: kamailio (5.6.3)\r\n\r\n\x81\x02hi";
    sp__ws_answer a;
    size_t head = 0;
    ck_assert_int_eq(sp__ws_answer_parse(ok, strlen(ok), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", &a, &head),
                     1);
    ck_assert_int_eq(a.status, 101);
    ck_assert_int_eq(a.upgraded, 1);
    ck_assert_int_eq(a.sip, 1);
    ck_assert_str_eq(a.server, "kamailio (5.6.3)");
    ck_assert_uint_eq(head, strlen(ok) - 4); /* the frame after the head stays */
    /* A wrong accept value is no upgrade; a part of a head asks for more. */
    ck_assert_int_eq(sp__ws_answer_parse(ok, strlen(ok), "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", &a, &head),
                     1);
    ck_assert_int_eq(a.upgraded, 0);
    ck_assert_int_eq(sp__ws_answer_parse(ok, 40, "x", &a, &head), 0);
    const char *nf = "HTTP/1.1 404 Not Found\r\nServer: web\x01x\r\nContent-Length: 0\r\n\r\n";
    ck_assert_int_eq(sp__ws_answer_parse(nf, strlen(nf), "x", &a, &head), 1);
    ck_assert_int_eq(a.status, 404);
    ck_assert_int_eq(a.upgraded, 0);
    ck_assert_str_eq(a.server, "web?x"); /* control bytes never reach the results */
    /* Not HTTP, or a head without end: refused, bounded. */
    ck_assert_int_eq(sp__ws_answer_parse("SIP/2.0 200 OK\r\n", 16, "x", &a, &head), -1);
    static char big[SP__WS_MAX_HEAD + 10];
    memset(big, 'a', sizeof(big));
    memcpy(big, "HTTP/1.1 101 X\r\nX: ", 19);
    ck_assert_int_eq(sp__ws_answer_parse(big, sizeof(big), "x", &a, &head), -1);
    ck_assert_int_eq(sp__ws_answer_parse("HTTP/1.1 1x1 X\r\n\r\n", 18, "x", &a, &head), -1);
}
END_TEST

START_TEST(test_ws_targets)
{
    sp__range r;
    char err[256], path[SP__WS_PATH_MAX];
    ck_assert_int_eq(sp__target_parse_path("ws://127.0.0.1:8080/ws", 1, NULL, &r, path,
                                           sizeof(path), err, sizeof(err)),
                     0);
    ck_assert_int_eq(r.transport, SP_TRANSPORT_WS);
    ck_assert_int_eq(r.port, 8080);
    ck_assert_str_eq(path, "/ws");
    ck_assert_int_eq(sp__target_parse_path("WSS://[::1]/a/b?x=1", 1, NULL, &r, path, sizeof(path),
                                           err, sizeof(err)),
                     0);
    ck_assert_int_eq(r.transport, SP_TRANSPORT_WSS);
    ck_assert_int_eq(r.family, 6);
    ck_assert_int_eq(r.port, -1);
    ck_assert_str_eq(path, "/a/b?x=1");
    ck_assert_int_eq(
        sp__target_parse_path("ws://127.0.0.1/", 1, NULL, &r, path, sizeof(path), err, sizeof(err)),
        0);
    ck_assert_str_eq(path, ""); /* "/" alone: the default paths */
    ck_assert_int_eq(sp__target_parse_path("ws://127.0.0.1/a b", 1, NULL, &r, path, sizeof(path),
                                           err, sizeof(err)),
                     SP_ETARGET);
    ck_assert_int_eq(sp__target_parse_path("tcp://127.0.0.1/ws", 1, NULL, &r, path, sizeof(path),
                                           err, sizeof(err)),
                     SP_ETARGET); /* only WebSocket URLs have paths */
    ck_assert_uint_eq(sp__default_port(SP_TRANSPORT_WS), 8088);
    ck_assert_uint_eq(sp__default_port(SP_TRANSPORT_WSS), 8089);
    ck_assert_str_eq(sp_transport_name(SP_TRANSPORT_WS), "ws");
    ck_assert_str_eq(sp_transport_name(SP_TRANSPORT_WSS), "wss");

    /* In a set: the default ports, each endpoint once, its path found back. */
    sp__targets t;
    sp__targets_init(&t);
    ck_assert_int_eq(sp__targets_add(&t, "ws://127.0.0.1/sip, 127.0.0.2", err, sizeof(err)), 0);
    ck_assert_int_eq(sp__targets_finalize(&t, NULL, 0,
                                          1u << SP_TRANSPORT_WS | 1u << SP_TRANSPORT_WSS, err,
                                          sizeof(err)),
                     0);
    ck_assert_uint_eq(t.pairs, 3);
    sp__addr a;
    uint16_t port;
    uint8_t tr;
    sp__targets_get(&t, 0, &a, &port, &tr);
    ck_assert_uint_eq(port, 8088);
    ck_assert_uint_eq(tr, SP_TRANSPORT_WS);
    ck_assert_str_eq(sp__targets_ws_path(&t, &a, 8088, SP_TRANSPORT_WS), "/sip");
    ck_assert_ptr_null(sp__targets_ws_path(&t, &a, 8088, SP_TRANSPORT_WSS));
    sp__targets_get(&t, 2, &a, &port, &tr);
    ck_assert_uint_eq(port, 8089);
    ck_assert_ptr_null(sp__targets_ws_path(&t, &a, 8089, SP_TRANSPORT_WSS));
    sp__targets_free(&t);
}
END_TEST

START_TEST(test_ws_upgrade_fingerprints)
{
    /* A SIP reply without Server: the upgrade's Server header identifies. */
    sp__fpdb db;
    sp__vulndb vulns;
    char err[256];
    sp__fpdb_init(&db);
    sp__vulndb_init(&vulns);
    ck_assert_int_eq(sp__fpdb_load_builtin(&db, err, sizeof(err)), 0);
    sp__addr a;
    ck_assert_int_eq(sp__addr_parse("192.0.2.1", &a), 0);
    sp__svc *svc = sp__svc_new(&a, 8088, SP_TRANSPORT_WS);
    sp__svc_set_websocket(svc, "/ws", 101, "kamailio (5.6.3 (x86_64/linux))");
    sp__classify_finish(svc, &db, &vulns);
    sp__svc_publish(svc);
    ck_assert_ptr_nonnull(svc->pub.fingerprint);
    ck_assert_str_eq(svc->pub.fingerprint->product, "Kamailio");
    ck_assert_str_eq(svc->pub.websocket->path, "/ws");
    int found = 0;
    for (size_t i = 0; i < svc->pub.n_findings; i++)
        found |= !strcmp(svc->pub.findings[i].id, "sip-websocket-exposed");
    ck_assert_int_eq(found, 1);
    sp__svc_free(svc);
    sp__vulndb_free(&vulns);
    sp__fpdb_free(&db);
}
END_TEST

Suite *ws_suite(void)
{
    Suite *s = suite_create("ws");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_ws_request_and_answer);
    tcase_add_test(tc, test_ws_targets);
    tcase_add_test(tc, test_ws_upgrade_fingerprints);
    suite_add_tcase(s, tc);
    return s;
}
