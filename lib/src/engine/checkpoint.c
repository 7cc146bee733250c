/* Position checkpoints for the resume journal. An interrupt writes where
 * sending stopped; a killed process writes nothing, so the scan also
 * records, while it runs, a position that is safe to resume from: one that
 * sending passed at least --wait (and half a second) ago. Every answer to
 * a probe before it has come, or never will within --wait; the services
 * those answers completed are journaled already (they went to the output
 * thread first), and the ones still missing some answer are journaled here,
 * just before the position, so that a resumed scan completes them. */
#include "api/scan.h"

#include "output/service_json.h"
#include "run/deliver.h"

#include <stdlib.h>

/* Journals every record that got a reply since it was last journaled. */
static void journal_partial_services(sp_scan *s)
{
    for (size_t i = 0; i < s->run.table.cap; i++) {
        sp__entry *e = &s->run.table.v[i];
        if (e->slot && e->dirty) { /* a record on the output thread: journaled there */
            e->dirty = 0;
            sp__records_journal(s, e);
        }
        if (!e->svc || !e->dirty)
            continue;
        e->dirty = 0;
        sp__svc_publish(e->svc); /* classified when it is finished, not here */
        char *line = sp__service_line(&e->svc->pub);
        sp__deliver_journal_line(s, sp__journal_service_text(line));
        free(line);
    }
}

void sp__engine_checkpoint(sp_scan *s, uint64_t now)
{
    sp__run *r = &s->run;
    /* An enumeration scan holds finished services back: no checkpoints
     * (it cannot be resumed anyway). */
    if (!s->journal.fp || s->set.dry_run || r->enumerating || s->set.exts.count)
        return;
    uint64_t lag = (uint64_t)s->set.wait_ms * 1000000ull + 500000000ull;
    uint64_t every = lag / 32 > 250000000ull ? lag / 32 : 250000000ull;
    if (r->last_snap_ns && now - r->last_snap_ns < every)
        return;
    r->last_snap_ns = now;
    unsigned k = r->next_snap;
    r->snaps[k].ns = now;
    r->snaps[k].round = r->pos_round;
    r->snaps[k].j = r->pos_j;
    r->next_snap = (k + 1) % 64;
    if (r->n_snaps < 64)
        r->n_snaps++;
    /* The newest snapshot old enough. */
    int best = -1;
    for (unsigned i = 0; i < r->n_snaps; i++)
        if (now - r->snaps[i].ns >= lag && (best < 0 || r->snaps[i].ns > r->snaps[best].ns))
            best = (int)i;
    if (best < 0 || (r->snaps[best].round == r->ck_round && r->snaps[best].j == r->ck_j))
        return;
    r->ck_round = r->snaps[best].round;
    r->ck_j = r->snaps[best].j;
    journal_partial_services(s);
    sp__deliver_journal_line(s, sp__journal_position_text(r->ck_round, r->ck_j));
}
