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

/* What an output thread item is (its flag). */
enum {
    SP__ITEM_SERVICE = 0,      /* a service to finish (sp__svc *) */
    SP__ITEM_CLASSIFIED = 1,   /* a service classified already */
    SP__ITEM_JOURNAL_LINE = 2, /* a raw journal line (char *) */
    SP__ITEM_REPLY = 3,        /* a matched reply (engine/record.h) */
    SP__ITEM_DELIVER_SLOT = 4, /* the slot's service has every answer */
    SP__ITEM_JOURNAL_SLOT = 5, /* the slot's record, to the journal as it stands */
};

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
