/* Two scans on two threads at once against the loopback lab must find
 * exactly what the same scans find one at a time: nothing in the library
 * is shared between handles. Prints a diff line and exits 1 otherwise.
 * Usage: concurrent_scans PORT TARGETS_A TARGETS_B */
#include "sipprobe/sipprobe.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINES 4096

typedef struct job {
    const char *targets;
    const char *port;
    char *lines[MAX_LINES];
    size_t n;
    sp_code rc;
    char err[512];
} job;

/* One line per service: what it is and what was found, no times. */
static void on_service(const sp_service *svc, void *data)
{
    job *j = data;
    char line[1024];
    int n = snprintf(line, sizeof(line), "%s:%u %s %s", svc->host, svc->port,
                     svc->server ? svc->server : "-", svc->responder);
    for (size_t i = 0; i < svc->n_replies && n < (int)sizeof(line); i++)
        n += snprintf(line + n, sizeof(line) - (size_t)n, " %s=%d", svc->replies[i].method,
                      svc->replies[i].status);
    for (size_t i = 0; i < svc->n_findings && n < (int)sizeof(line); i++)
        n += snprintf(line + n, sizeof(line) - (size_t)n, " %s", svc->findings[i].id);
    if (j->n < MAX_LINES)
        j->lines[j->n++] = strdup(line);
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void *run(void *arg)
{
    job *j = arg;
    sp_scan *s = sp_scan_new();
    j->rc = SP_ENOMEM;
    if (!s)
        return NULL;
    if ((j->rc = sp_scan_add_target(s, j->targets)) || (j->rc = sp_scan_set_ports(s, j->port)) ||
        (j->rc = sp_scan_set_methods(s, "OPTIONS,REGISTER")) ||
        (j->rc = sp_scan_set_rate(s, 20000)) || (j->rc = sp_scan_set_wait_ms(s, 1000))) {
        snprintf(j->err, sizeof(j->err), "%s", sp_scan_errmsg(s));
        sp_scan_free(s);
        return NULL;
    }
    sp_scan_set_service_callback(s, on_service, j);
    j->rc = sp_scan_run(s);
    snprintf(j->err, sizeof(j->err), "%s", sp_scan_errmsg(s));
    sp_scan_free(s);
    qsort(j->lines, j->n, sizeof(j->lines[0]), cmp);
    return NULL;
}

static int same(const job *a, const job *b, const char *what)
{
    if (a->rc || b->rc) {
        fprintf(stderr, "%s: scan failed: %s%s\n", what, a->err, b->err);
        return 0;
    }
    if (a->n != b->n) {
        fprintf(stderr, "%s: %zu services together, %zu alone\n", what, a->n, b->n);
        return 0;
    }
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->lines[i], b->lines[i])) {
            fprintf(stderr, "%s: together '%s', alone '%s'\n", what, a->lines[i], b->lines[i]);
            return 0;
        }
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: concurrent_scans PORT TARGETS_A TARGETS_B\n");
        return 2;
    }
    job together[2] = {{.targets = argv[2], .port = argv[1]},
                       {.targets = argv[3], .port = argv[1]}};
    job alone[2] = {{.targets = argv[2], .port = argv[1]}, {.targets = argv[3], .port = argv[1]}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, run, &together[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 2; i++)
        run(&alone[i]);
    int ok = same(&together[0], &alone[0], argv[2]) && same(&together[1], &alone[1], argv[3]);
    printf("%zu + %zu services together, %zu + %zu alone\n", together[0].n, together[1].n,
           alone[0].n, alone[1].n);
    for (int i = 0; i < 2; i++)
        for (size_t k = 0; k < MAX_LINES; k++) {
            free(together[i].lines[k]);
            free(alone[i].lines[k]);
        }
    return ok ? 0 : 1;
}
