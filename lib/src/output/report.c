#include "output/report.h"

#include "common/util.h"
#include "output/writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sp__service_address(const sp_service *svc, char *out, size_t len)
{
    if (strchr(svc->host, ':'))
        snprintf(out, len, "[%s]:%u/%s", svc->host, svc->port, sp_transport_name(svc->transport));
    else
        snprintf(out, len, "%s:%u/%s", svc->host, svc->port, sp_transport_name(svc->transport));
}

void sp__each_finding_group(const sp_service *const *all, size_t n, sp_severity min_sev,
                            void (*fn)(const sp_finding_info *info, const sp__finding_hit *hits,
                                       size_t n_hits, void *data),
                            void *data)
{
    sp__finding_hit *hits = malloc((n ? n : 1) * sizeof(*hits));
    if (!hits)
        return;
    for (int sev = SP_SEV_CRITICAL; sev >= (int)min_sev; sev--)
        for (size_t c = 0; sp_finding_catalogue(c); c++) {
            const sp_finding_info *info = sp_finding_catalogue(c);
            if ((int)info->severity != sev)
                continue;
            size_t k = 0;
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < all[i]->n_findings; j++)
                    if (!strcmp(all[i]->findings[j].id, info->id)) {
                        hits[k].svc = all[i];
                        hits[k].f = &all[i]->findings[j];
                        k++;
                    }
            if (k)
                fn(info, hits, k, data);
        }
    free(hits);
}

void sp__fput_markup(FILE *fp, const char *raw)
{
    sp__buf b;
    sp__buf_init(&b);
    sp__buf_printable(&b, raw ? raw : "");
    for (const char *p = sp__buf_cstr(&b); *p; p++) {
        switch (*p) {
        case '<':
            fputs("&lt;", fp);
            break;
        case '>':
            fputs("&gt;", fp);
            break;
        case '&':
            fputs("&amp;", fp);
            break;
        case '"':
            fputs("&quot;", fp);
            break;
        case '\'':
            fputs("&#39;", fp);
            break;
        default:
            fputc(*p, fp);
        }
    }
    sp__buf_free(&b);
}

void sp__service_product(const sp_service *svc, char *out, size_t len)
{
    const sp_fingerprint *f = svc->fingerprint;
    if (f)
        snprintf(out, len, "%s%s%s", f->product, f->version ? " " : "",
                 f->version ? f->version : "");
    else
        snprintf(out, len, "%s",
                 svc->server       ? svc->server
                 : svc->user_agent ? svc->user_agent
                                   : "");
}

void sp__baseline_sentence(const sp__scan_meta *meta, char *out, size_t len)
{
    unsigned long long n = meta->summary->new_findings;
    if (meta->fixed_unknown)
        snprintf(out, len,
                 "%llu new finding%s; fixed not determined (the scan did not run to the end)", n,
                 n == 1 ? "" : "s");
    else if (meta->not_seen && meta->not_seen->n)
        snprintf(out, len,
                 "%llu new finding%s, %zu fixed, %zu not seen (their service did not answer)", n,
                 n == 1 ? "" : "s", meta->fixed->n, meta->not_seen->n);
    else
        snprintf(out, len, "%llu new finding%s, %zu fixed", n, n == 1 ? "" : "s", meta->fixed->n);
}

void sp__service_vantages(const sp_service *svc, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < svc->n_observations; i++) {
        const char *v = svc->observations[i].vantage ? svc->observations[i].vantage : "unknown";
        size_t k = 0;
        while (k < i &&
               strcmp(v, svc->observations[k].vantage ? svc->observations[k].vantage : "unknown"))
            k++;
        if (k < i || used >= len)
            continue;
        int w = snprintf(out + used, len - used, "%s%s", used ? ", " : "", v);
        if (w > 0)
            used += (size_t)w;
    }
}
