/* libFuzzer target: target specs, excludes, port lists and extension lists,
 * as typed on a command line or read from a file. Host names resolve to a
 * stub: the fuzzer must never cause a DNS query. */
#include "classify/enumerate.h"
#include "targets/targets.h"

#include <stdlib.h>
#include <string.h>

static int no_dns(const char *name, int *family, uint8_t addr[16])
{
    (void)name;
    *family = 4;
    memset(addr, 0, 16);
    addr[0] = 127;
    addr[3] = 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';

    /* The first line is the target spec, the second the excludes, the third ports. */
    char *lines[3] = {s, NULL, NULL};
    for (int i = 1; i < 3; i++) {
        char *nl = lines[i - 1] ? strchr(lines[i - 1], '\n') : NULL;
        if (nl) {
            *nl = '\0';
            lines[i] = nl + 1;
        }
    }
    sp__targets t;
    sp__targets_init(&t);
    sp__targets_set_resolver(&t, no_dns);
    uint16_t *ports = NULL;
    size_t n_ports = 0;
    if (!lines[2] || sp__ports_parse(lines[2], &ports, &n_ports, err, sizeof(err)) != 0) {
        ports = malloc(sizeof(*ports));
        ports[0] = 5060;
        n_ports = 1;
    }
    if (sp__targets_add(&t, lines[0], err, sizeof(err)) == 0) {
        if (lines[1])
            sp__targets_exclude(&t, lines[1], err, sizeof(err));
        if (sp__targets_finalize(&t, ports, n_ports, 1, err, sizeof(err)) == 0) {
            sp__addr a;
            uint16_t port;
            char text[80];
            for (uint64_t i = 0; i < t.pairs && i < 64; i++) {
                sp__targets_get(&t, i * (t.pairs / 64 + 1) % t.pairs, &a, &port, NULL);
                sp__addr_format_port(&a, port, text, sizeof(text));
            }
        }
    }
    sp__targets_free(&t);
    free(ports);

    sp__extlist l;
    sp__extlist_init(&l);
    if (sp__extlist_add(&l, s, err, sizeof(err)) == 0 && l.count) {
        char name[80];
        sp__extlist_get(&l, l.count - 1, name, sizeof(name));
    }
    sp__extlist_free(&l);
    free(s);
    return 0;
}
