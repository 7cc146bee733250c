/* What the lab's UDP responder (sipprobe-lab.c) and its TCP/TLS side
 * (lab_stream.c) share: the address rules, the personas and the counters. */
#ifndef LAB_H
#define LAB_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define MAX_RULES 256
#define MAX_STREAMS 2048

enum { STREAM_NORMAL = 0, STREAM_STALL, STREAM_TRICKLE, STREAM_FLOOD };

typedef struct rule {
    int family;
    uint8_t lo[16], hi[16]; /* inclusive, network order */
    int persona;            /* -1: silent */
    int has_from;
    uint8_t from[16];
    long max_answers; /* after this many answers the address goes silent (an IPS); 0: never */
    long answers;
    unsigned every; /* only addresses whose number it divides answer; 0: all */
    int flood;      /* forged replies (bad tokens, other source addresses) after each answer */
    int garbage;    /* random datagrams (NUL bytes included) after each answer */
    int stream;     /* TCP/TLS behaviour: STREAM_* */
} rule;

extern unsigned long answered, ignored;
extern uint32_t allow_net, allow_mask;
extern int allow_set;

void die(const char *what, const char *arg);
rule *find_rule(int family, const uint8_t *addr);
/* The persona's reply template for a method, or NULL. */
const char *persona_template(const rule *r, const char *method);
/* 1 if the lab may answer this source (loopback, or --allow-from). */
int source_allowed(const struct sockaddr_storage *src);
size_t render(const char *tmpl, const char *req, const char *local, char *out, size_t cap);

/* lab_stream.c */
void stream_tls_setup(const char *cert, const char *key, const char *max_version);
int stream_listen(int family, int port);
void stream_accept(int listen_fd, int tls);
/* Fills pollfds for the open connections; returns how many. */
int stream_pollfds(struct pollfd *p, int max);
/* Serves the connections whose pollfds were filled by stream_pollfds. */
void stream_service(struct pollfd *p, int n);

#endif
