/* The record side of the reply path. During discovery the scan thread only
 * matches a reply (its token, duplicates, the status code from the raw
 * status line) and hands the datagram on with a slot number; off the
 * receiving thread, libosip2 parses it and it is classified into the slot's
 * service record, which that thread owns until the service is delivered.
 * With a second core that is the record thread, which also fingerprints a
 * delivered service before it passes it to the output thread (JSON line,
 * journal, outputs); with one core the output thread does it all. Items
 * keep their order through both, so a service's replies always come before
 * its delivery, and a journal position after the services before it. A
 * sync at the end of discovery gives the records still open back to the
 * table rows, and the later phases work on the scan thread as before. */
#ifndef SP_ENGINE_RECORD_H
#define SP_ENGINE_RECORD_H

#include "match/table.h"
#include "match/token.h"
#include "model/service.h"
#include "output/outthread.h"
#include "model/tlscert.h"
#include "transport/udp.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct sp_scan;

/* What the record thread needs of a matched reply, besides its bytes. */
typedef struct sp__reply_rec {
    sp__probe_id id;
    sp__addr from;
    uint16_t from_port;
    uint8_t transport;
    uint32_t slot;
    double rtt_ms;
    size_t len;        /* the reply's bytes, which follow */
    sp__tls_cert *tls; /* owned: the TLS handshake's evidence, or NULL */
    char *ws_path;     /* owned: the WebSocket upgrade's path and Server, or NULL */
    char *ws_server;
    int ws_status;
} sp__reply_rec;

#define SP__REC_NOTES 8

typedef struct sp__records {
    int on;               /* replies are handed over (discovery with an output thread) */
    sp__outthread thread; /* the record thread, when there is a second core */
    /* Scan thread: slot numbers, reused once their service is delivered. */
    uint32_t next_slot, *free_slots, n_free, cap_free;
    /* Output thread (the scan thread after the sync): records by slot. */
    sp__svc **slots;
    uint32_t cap_slots;
    uint64_t unparsed; /* replies libosip2 could not read, counted matched before */
    uint64_t empty;    /* services delivered with no reply it could read */
    /* Notes for the log, which only the scan thread writes. */
    pthread_mutex_t notes_mu;
    char notes[SP__REC_NOTES][160];
    unsigned n_notes, notes_lost;
} sp__records;

/* The status code of a raw SIP response line ("SIP/2.0 200 ..."), 100 to
 * 699, or 0 when the line is not one. */
int sp__reply_status(const char *buf, size_t len);

/* Parses a reply and adds it to svc, as both threads do: 1 if it added a
 * reply (svc->seen_mask/final_mask say which), 0 if nothing new, -1 if it
 * could not be parsed (noted for the log; nothing changed). */
int sp__record_reply(struct sp_scan *s, sp__svc *svc, const sp__reply_rec *r, const char *buf);

/* Scan thread. */
void sp__records_start(struct sp_scan *s);
/* Where the scan thread queues what goes to the outputs: the record thread
 * while it runs (so nothing overtakes a service in it), else the output
 * thread, else NULL (the work is done inline). */
sp__outthread *sp__records_queue(struct sp_scan *s);
/* Hands a matched reply for row e to the output thread. */
void sp__records_push(struct sp_scan *s, sp__entry *e, sp__reply_rec *r, const char *buf);
/* Row e's service has every answer: it is delivered on the output thread. */
void sp__records_deliver(struct sp_scan *s, sp__entry *e);
/* A checkpoint: row e's record goes to the journal as it stands. */
void sp__records_journal(struct sp_scan *s, sp__entry *e);
/* Waits for the output thread to catch up, gives open records back to
 * their rows and ends the hand-over. Harmless when it is not on. */
void sp__records_sync(struct sp_scan *s);
/* Logs what the output thread noted. */
void sp__records_flush_notes(struct sp_scan *s);
void sp__records_free(struct sp_scan *s);

/* Record or output thread: the work of the items above (flags in
 * run/deliver.h); what it makes for the outputs goes to `to`, or with
 * NULL is written at once. 1 if flag was one of them. */
int sp__records_work(struct sp_scan *s, void *item, int flag, sp__outthread *to);
void sp__records_on_reply(struct sp_scan *s, const sp__reply_rec *r);
/* The slot's service, taken out (NULL for one with no reply it could read). */
sp__svc *sp__records_take(struct sp_scan *s, uint32_t slot);
/* The slot's record as a journal line (malloc'd), or NULL. */
char *sp__records_journal_line(struct sp_scan *s, uint32_t slot);

#endif
