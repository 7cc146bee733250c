/* Settings to and from a resume journal: what the first journal line
 * holds, and sp_scan_resume, which applies it to a new handle through the
 * ordinary setters (so a journal is checked as strictly as a command line). */
#include "api/scan.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The settings a journal needs to continue the scan. */
json_t *sp__settings_json(const sp_scan *s)
{
    json_t *o = json_object();
    json_t *t = json_array(), *x = json_array();
    for (size_t i = 0; i < s->set.target_specs.n; i++)
        json_array_append_new(t, json_string(s->set.target_specs.v[i]));
    for (size_t i = 0; i < s->set.exclude_specs.n; i++)
        json_array_append_new(x, json_string(s->set.exclude_specs.v[i]));
    json_object_set_new(o, "targets", t);
    json_object_set_new(o, "excludes", x);
    if (s->set.ports_spec)
        json_object_set_new(o, "ports", json_string(s->set.ports_spec));
    json_object_set_new(o, "transports", json_string(s->set.transports_spec));
    json_object_set_new(o, "methods", json_string(s->set.methods_spec));
    json_object_set_new(o, "rate", json_integer(s->set.rate));
    json_object_set_new(o, "retries", json_integer(s->set.retries));
    json_object_set_new(o, "wait_ms", json_integer(s->set.wait_ms));
    char seed[32];
    snprintf(seed, sizeof(seed), "%llu", (unsigned long long)s->set.seed);
    json_object_set_new(o, "seed", json_string(seed)); /* a string: JSON numbers lose 64 bits */
    json_object_set_new(o, "shard", json_pack("[ii]", s->set.shard_index + 1, s->set.shard_count));
    json_object_set_new(o, "user_agent", json_string(s->set.user_agent));
    json_object_set_new(o, "from_user", json_string(s->set.from_user));
    json_object_set_new(o, "to_user", json_string(s->set.to_user));
    json_object_set_new(o, "extensions", json_boolean(s->set.exts.count > 0));
    if (s->set.targets.keep_special) /* absent in older journals: the default */
        json_object_set_new(o, "default_excludes", json_false());
    if (s->set.targets.dns.server[0]) /* a resumed scan asks the same server */
        json_object_set_new(o, "dns_server", json_string(s->set.targets.dns.server));
    return o;
}

sp_code sp_scan_resume(sp_scan *s, const char *path)
{
    if (sp__need_mode(s, SP__M_SCAN, "resume"))
        return SP_ESTATE;
    sp__resume_free(&s->set.resume);
    int rc = sp__resume_load(path, &s->set.resume, s->err, sizeof(s->err));
    if (rc)
        return (sp_code)rc;
    json_t *st = s->set.resume.settings;
    if (json_is_true(json_object_get(st, "extensions")))
        return sp__fail(s, SP_EDATA, "'%s': a scan with --extensions cannot be resumed", path);
    sp_code r = SP_OK;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(st, "targets"), i, v) if (!r) r =
        sp_scan_add_target(s, json_string_value(v) ? json_string_value(v) : "");
    json_array_foreach(json_object_get(st, "excludes"), i, v) if (!r) r =
        sp_scan_add_exclude(s, json_string_value(v) ? json_string_value(v) : "");
    if (!r && json_string_value(json_object_get(st, "dns_server")))
        r = sp_scan_set_dns_server(s, json_string_value(json_object_get(st, "dns_server")));
    const char *seed = json_string_value(json_object_get(st, "seed"));
    json_t *shard = json_object_get(st, "shard");
    if (json_is_false(json_object_get(st, "default_excludes")))
        s->set.targets.keep_special = 1;
    if (!r && json_object_get(st, "ports"))
        r = sp_scan_set_ports(s, json_string_value(json_object_get(st, "ports")));
    if (!r && json_object_get(st, "transports"))
        r = sp_scan_set_transports(s, json_string_value(json_object_get(st, "transports")));
    if (!r)
        r = sp_scan_set_methods(s, json_string_value(json_object_get(st, "methods")));
    if (!r)
        r = sp_scan_set_rate(s, (uint32_t)json_integer_value(json_object_get(st, "rate")));
    if (!r)
        r = sp_scan_set_retries(s, (unsigned)json_integer_value(json_object_get(st, "retries")));
    if (!r)
        r = sp_scan_set_wait_ms(s, (unsigned)json_integer_value(json_object_get(st, "wait_ms")));
    if (!r && seed)
        r = sp_scan_set_seed(s, strtoull(seed, NULL, 10));
    if (!r)
        r = sp_scan_set_shard(s, (unsigned)json_integer_value(json_array_get(shard, 0)),
                              (unsigned)json_integer_value(json_array_get(shard, 1)));
    if (!r)
        r = sp_scan_set_user_agent(s, json_string_value(json_object_get(st, "user_agent")));
    if (!r)
        r = sp_scan_set_from_user(s, json_string_value(json_object_get(st, "from_user")));
    if (!r)
        r = sp_scan_set_to_user(s, json_string_value(json_object_get(st, "to_user")));
    if (r) {
        char inner[sizeof(s->err)];
        snprintf(inner, sizeof(inner), "%s", s->err);
        return sp__fail(s, SP_EDATA, "'%s': bad settings: %s", path, inner);
    }
    if (sp_scan_set_resume_file(s, path))
        return SP_ENOMEM;
    s->set.resuming = 1;
    return SP_OK;
}
