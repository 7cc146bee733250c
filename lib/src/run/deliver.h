/* Delivering a finished service, the same in every mode: fingerprint and
 * findings, baseline marks and summary counts, the caller's callback, the
 * resume journal and streaming writers (one JSON line for all), and the
 * list the document writers get at the end. On the output thread while
 * one runs, else on the calling thread. */
#ifndef SP_RUN_DELIVER_H
#define SP_RUN_DELIVER_H

#include "match/table.h"
#include "model/service.h"

struct sp_scan;
struct sp__outthread;

/* What an output thread item is (its flag). */
enum {
    SP__ITEM_SERVICE = 0,        /* a service to finish (sp__svc *) */
    SP__ITEM_CLASSIFIED = 1,     /* a service classified already */
    SP__ITEM_JOURNAL_LINE = 2,   /* a raw journal line (char *) */
    SP__ITEM_REPLY = 3,          /* a matched reply (engine/record.h) */
    SP__ITEM_DELIVER_SLOT = 4,   /* the slot's service has every answer */
    SP__ITEM_JOURNAL_SLOT = 5,   /* the slot's record, to the journal as it stands */
    SP__ITEM_LINE = 6,           /* a service's JSON line (a copy) for the streaming writers */
    SP__ITEM_LINE_JOURNALED = 7, /* the same, and for the journal */
};

/* Fingerprint, findings and DNS paths: what a service needs before it is
 * handed out (on the record thread during discovery, engine/record.h). */
void sp__deliver_classify(struct sp_scan *s, sp__svc *svc);
/* Hands a classified service out (counts, callback, kept list) and writes
 * its line, or queues the line for `to` to write (the record thread). */
void sp__deliver_hand_out(struct sp_scan *s, sp__svc *svc, int from_journal,
                          struct sp__outthread *to);

/* Delivers svc (owned from here on). classified: it was classified already
 * (read back from a journal, or made by a capture or ALG check), so it is
 * neither classified nor journaled again. */
void sp__deliver(struct sp_scan *s, sp__svc *svc, int classified);
/* Delivers the record of a table row; the row stays, so that late replies
 * are still recognised as duplicates. */
void sp__deliver_entry(struct sp_scan *s, sp__entry *e, int classified);
/* Appends raw journal lines (owned from here on; NUL-separated records in
 * one buffer are not needed: one line each call) after every service
 * delivered before, in order: a checkpoint's partial services and its
 * position go through here so that they never pass a service. */
void sp__deliver_journal_line(struct sp_scan *s, char *line);
/* Starts the output thread (not with a service callback: callbacks stay on
 * the caller's thread, as the header promises); 0 or -1. */
int sp__deliver_start_thread(struct sp_scan *s);

#endif
