/* libFuzzer target: one datagram through everything a reply meets after
 * its token checks out: token decoding, libosip2 parsing, classification,
 * fingerprinting, findings and the JSON record, whose fast line form must
 * be byte for byte the jansson dump of its tree. */
#include "classify/classify.h"
#include "output/output.h"
#include "output/report.h"
#include "output/service_json.h"
#include "match/token.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static sp__fpdb db;
static sp__vulndb vulns;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char err[256];
    (void)argc;
    (void)argv;
    sp__fpdb_init(&db);
    sp__vulndb_init(&vulns);
    if (sp__fpdb_load_builtin(&db, err, sizeof(err)) ||
        sp__vulndb_load_builtin(&vulns, err, sizeof(err)))
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t key[16] = {1};
    sp__probe_id id;
    sp__token_decode(key, (const char *)data, size, &id, NULL);

    char *buf = malloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = '\0';
    sp__parsed msg;
    if (sp__sipmsg_parse(buf, size, &msg) == 0) {
        sp__addr a;
        memset(&a, 0, sizeof(a));
        a.family = 4;
        a.bytes[0] = 203;
        sp__svc *svc = sp__svc_new(&a, 5060, 0);
        sp__svc_set_responder(svc, &a, 5060);
        sp__classify_reply(svc, 0, "OPTIONS", &msg, 1.0, size, 100);
        sp__classify_reply(svc, 1, "REGISTER", &msg, 1.0, size, 100);
        sp__classify_finish(svc, &db, &vulns);
        /* The fast line must be exactly jansson's dump of the tree. */
        json_t *j = sp__service_json(&svc->pub);
        char *text = json_dumps(j, SP__LINE_FLAGS);
        char *line = sp__service_line(&svc->pub);
        if (!text || !line || strcmp(text, line) != 0)
            abort();
        free(line);
        free(text);
        json_decref(j);
        sp__svc_free(svc);
    }
    sp__parsed_free(&msg);
    free(buf);
    return 0;
}
