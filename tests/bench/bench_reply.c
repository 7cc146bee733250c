/* Per-reply cost, stage by stage (not a test): the work the scanner does for
 * each answering service after the token has matched, on a real persona
 * reply: libosip2 parse, classification, fingerprinting and findings, then
 * the JSON line. Prints microseconds per reply for each stage.
 * Usage: bench_reply [PERSONA_FILE] [ITERATIONS] [LINE_FILE]
 * With LINE_FILE, the last JSON line is written there too, so that two
 * builds can be checked to produce the same bytes. */
#include "classify/classify.h"
#include "classify/fingerprint.h"
#include "output/output.h"
#include "output/report.h"
#include "output/service_json.h"
#include "model/service.h"
#include "sip/sipmsg.h"
#include "classify/vulns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Fills the persona template's placeholders the way the lab does. */
static size_t render(const char *tpl, char *out, size_t cap)
{
    static const struct {
        const char *key, *value;
    } subst[] = {
        {"{{via-lines}}",
         "Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bKda7d404534072395;rport=40000;"
         "received=127.0.0.1\r\n"},
        {"{{call-id}}", "sp1.0123456789abcdef0123456789abcdef@sipprobe"},
        {"{{from}}", "<sip:sipprobe@127.0.0.1>;tag=0123456789abcdef"},
        {"{{to}}", "<sip:100@127.1.0.1>"},
        {"{{tag}}", "4f2a9c1d"},
        {"{{cseq}}", "1 OPTIONS"},
    };
    size_t n = 0;
    for (const char *p = tpl; *p && n + 256 < cap;) {
        size_t i;
        for (i = 0; i < sizeof(subst) / sizeof(subst[0]); i++) {
            size_t kl = strlen(subst[i].key);
            if (strncmp(p, subst[i].key, kl) == 0) {
                n += (size_t)snprintf(out + n, cap - n, "%s", subst[i].value);
                p += kl;
                break;
            }
        }
        if (i == sizeof(subst) / sizeof(subst[0]))
            out[n++] = *p++;
    }
    out[n] = '\0';
    return n;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : SP_SOURCE_DIR "/fixtures/personas/asterisk/OPTIONS.sip";
    long iterations = argc > 2 ? atol(argv[2]) : 20000;
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 2;
    }
    static char tpl[65536], msg[70000];
    size_t tl = fread(tpl, 1, sizeof(tpl) - 1, f);
    fclose(f);
    tpl[tl] = '\0';
    size_t len = render(tpl, msg, sizeof(msg));

    char err[256];
    sp__fpdb db;
    sp__vulndb vulns;
    sp__fpdb_init(&db);
    sp__vulndb_init(&vulns);
    if (sp__fpdb_load_builtin(&db, err, sizeof(err)) ||
        sp__vulndb_load_builtin(&vulns, err, sizeof(err))) {
        fprintf(stderr, "bench_reply: %s\n", err);
        return 2;
    }
    sp__addr host = {.family = 4, .bytes = {127, 1, 0, 1}};
    double t_parse = 0, t_classify = 0, t_finish = 0, t_json = 0;
    size_t line_bytes = 0;
    char *last_line = NULL;
    for (long i = 0; i < iterations; i++) {
        double t0 = now_us();
        sp__parsed p;
        if (sp__sipmsg_parse(msg, len, &p) != 0) {
            fprintf(stderr, "bench_reply: %s does not parse\n", path);
            return 2;
        }
        double t1 = now_us();
        sp__svc *svc = sp__svc_new(&host, 5060, SP_TRANSPORT_UDP);
        sp__svc_set_responder(svc, &host, 5060);
        sp__classify_echo(svc, "sip:100@127.1.0.1", &p);
        sp__classify_reply(svc, 0, "OPTIONS", &p, 0.4, len, 402);
        sp__parsed_free(&p);
        double t2 = now_us();
        sp__classify_finish(svc, &db, &vulns);
        double t3 = now_us();
        char *line = sp__service_line(&svc->pub);
        line_bytes = strlen(line);
        if (i == iterations - 1)
            last_line = line; /* kept for LINE_FILE */
        else
            free(line);
        sp__svc_free(svc);
        double t4 = now_us();
        t_parse += t1 - t0;
        t_classify += t2 - t1;
        t_finish += t3 - t2;
        t_json += t4 - t3;
    }
    double n = (double)iterations;
    printf("reply: %s (%zu bytes), %ld iterations; JSON line %zu bytes\n", path, len, iterations,
           line_bytes);
    printf("%-40s %8.2f us\n", "libosip2 parse", t_parse / n);
    printf("%-40s %8.2f us\n", "classify (headers, auth, echo)", t_classify / n);
    printf("%-40s %8.2f us\n", "fingerprint + CVEs + findings", t_finish / n);
    printf("%-40s %8.2f us\n", "JSON line, then free the record", t_json / n);
    printf("%-40s %8.2f us\n", "total per reply", (t_parse + t_classify + t_finish + t_json) / n);
    if (argc > 3) {
        FILE *out = fopen(argv[3], "wb");
        if (!out || fprintf(out, "%s\n", last_line ? last_line : "") < 0 || fclose(out)) {
            perror(argv[3]);
            return 2;
        }
    }
    free(last_line);
    sp__fpdb_free(&db);
    sp__vulndb_free(&vulns);
    return 0;
}
