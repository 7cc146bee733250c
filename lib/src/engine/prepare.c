/* Before a network scan sends anything: the target set finalized (ports
 * and transports applied, excludes subtracted), the scan's key drawn, and
 * each probe's template built once with libosip2. Also the counts a caller
 * may ask for before running, and freeing what a run built. */
#include "api/scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static void dns_log(void *data, int level, const char *msg)
{
    sp__log(data, level, "%s", msg);
}

int sp__engine_prepare_targets(sp_scan *s)
{
    /* Domain targets first: what DNS names joins the set like any target. */
    int rc = sp__targets_discover(&s->set.targets, dns_log, s);
    if (rc)
        return sp__fail(s, (sp_code)rc, "out of memory during DNS discovery");
    rc = sp__targets_finalize(&s->set.targets, s->set.ports, s->set.n_ports, s->set.transports,
                              s->err, sizeof(s->err));
    if (rc)
        return (sp_code)rc;
    /* What the default excludes left out, for the caller and the reports. */
    sp__strv left = {0};
    sp__special_describe(s->set.targets.left_out, &left);
    s->left_out[0] = '\0';
    for (size_t i = 0; i < left.n; i++)
        snprintf(s->left_out + strlen(s->left_out), sizeof(s->left_out) - strlen(s->left_out),
                 "%s%s", i ? ", " : "", left.v[i]);
    sp__strv_free(&left);
    s->run.use_streams = 0;
    for (size_t i = 0; i < s->set.targets.n_eps; i++)
        if (s->set.targets.eps[i].transport != SP_TRANSPORT_UDP)
            s->run.use_streams = 1;
    if ((uint64_t)s->set.targets.pairs * s->set.n_methods > SP__MAX_PAIRS * 4)
        return sp__fail(s, SP_ETOOBIG, "target set too large");
    return SP_OK;
}

sp_code sp_scan_address_count(sp_scan *s, uint64_t *out)
{
    if (sp__need_mode(s, SP__M_SCAN, "counting addresses"))
        return SP_ESTATE;
    sp_code rc = sp__engine_prepare_targets(s);
    if (rc)
        return rc;
    *out = s->set.targets.addresses;
    return SP_OK;
}

sp_code sp_scan_probe_count(sp_scan *s, uint64_t *out)
{
    if (sp__need_mode(s, SP__M_SCAN, "counting probes"))
        return SP_ESTATE;
    sp_code rc = sp__engine_prepare_targets(s);
    if (rc)
        return rc;
    uint64_t n = s->set.targets.pairs * s->set.n_methods;
    if (s->set.shard_count > 1) {
        sp__perm perm;
        sp__perm_init(&perm, n, s->set.seed);
        n = sp__walk_count(&perm, s->set.shard_index, s->set.shard_count);
    }
    *out = n;
    return SP_OK;
}

int sp__engine_prepare(sp_scan *s)
{
    sp_code rc = sp__engine_prepare_targets(s);
    if (rc)
        return rc;
    if (getrandom(s->run.key, sizeof(s->run.key), 0) != sizeof(s->run.key))
        return sp__fail(s, SP_EIO, "cannot get random bytes for the scan key");
    sp__probe_params params = {s->set.from_user, s->set.to_user, s->set.user_agent, 0};
    int needed[SP__MAX_PROBES + 1];
    size_t n_needed = 0;
    for (size_t i = 0; i < s->set.n_methods; i++)
        needed[n_needed++] = s->set.methods[i];
    if (s->set.exts.count) {
        /* Enumeration asks REGISTER of a user no PBX has: "sp" + 10 random characters. */
        uint8_t r[10];
        static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
        if (getrandom(r, sizeof(r), 0) != sizeof(r))
            return sp__fail(s, SP_EIO, "cannot get random bytes");
        s->run.baseline_user[0] = 's';
        s->run.baseline_user[1] = 'p';
        for (size_t i = 0; i < sizeof(r); i++)
            s->run.baseline_user[2 + i] = alphabet[r[i] % 32];
        s->run.baseline_user[12] = '\0';
        if (!(s->set.method_mask & (1u << sp__probe_find("REGISTER"))))
            needed[n_needed++] = sp__probe_find("REGISTER");
    }
    for (size_t i = 0; i < n_needed; i++) {
        int idx = needed[i];
        for (int t = 0; t < SP__N_TRANSPORTS; t++) {
            params.transport = t;
            sp__template_free(&s->run.tmpl[idx][t]);
            if (sp__template_build(&s->run.tmpl[idx][t], sp__probe_get((size_t)idx), &params) != 0)
                return sp__fail(s, SP_EINVAL, "cannot build the %s probe from these settings",
                                sp__probe_get((size_t)idx)->name);
        }
    }
    sp__table_free(&s->run.table);
    sp__table_init(&s->run.table, s->run.key);
    s->run.scope.method_mask = s->set.method_mask;
    s->run.scope.enumerates = s->set.exts.count > 0;
    s->run.scope.active = s->set.audit_passwords || s->set.check_invite;
    return SP_OK;
}

void sp__engine_free(sp_scan *s)
{
    for (size_t i = 0; i < SP__MAX_PROBES; i++)
        for (size_t t = 0; t < SP__N_TRANSPORTS; t++)
            sp__template_free(&s->run.tmpl[i][t]);
    sp__records_free(s);
    sp__table_free(&s->run.table);
    sp__engine_close(s);
}
