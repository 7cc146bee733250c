/* libFuzzer target: bytes as a capture file through everything --read
 * does with it: libpcap's pcap/pcapng parsing, our link layers, IP
 * fragments, TCP reassembly and framing, libosip2, the inventory's
 * pairing and counting, classification and findings. */
#include "capture/capture.h"
#include "capture/inventory.h"

#include <stdio.h>
#include <stdlib.h>

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

static void on_msg(void *ctx, const sp__wire_msg *m)
{
    sp__inventory_add(ctx, m);
}

static void on_service(void *ctx, sp__svc *svc)
{
    (void)ctx;
    sp__svc_free(svc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *fp = fmemopen((void *)data, size, "rb");
    if (!fp)
        return 0;
    sp__inventory *inv = sp__inventory_new();
    sp__capture c;
    char err[512];
    if (sp__capture_open_fp(&c, fp, "fuzz", on_msg, inv, err, sizeof(err)) == 0) {
        sp__capture_run(&c, NULL, 0, err, sizeof(err));
        sp__capture_close(&c);
    }
    sp__inventory_finish(inv, &db, &vulns, on_service, NULL);
    sp__inventory_free(inv);
    return 0;
}
