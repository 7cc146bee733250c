/* Markdown writer: the same report as html, for reports written in
 * Markdown. Network text is escaped both for Markdown (so a banner cannot
 * add emphasis, links or code, or break a table: \ ` * _ [ ] | ~) and for
 * HTML, which Markdown passes through (< always, & where it could start an
 * entity; > opens nothing, so "REGISTER -> 200" stays readable). */
#include "output/client_report.h"
#include "output/report.h"
#include "output/writer.h"

#include <string.h>

static void esc(FILE *fp, const char *raw)
{
    sp__buf b;
    sp__buf_init(&b);
    sp__buf_printable(&b, raw ? raw : "");
    for (const char *p = sp__buf_cstr(&b); *p; p++) {
        if (*p == '<')
            fputs("&lt;", fp);
        else if (*p == '&' &&
                 (p[1] == '#' || (p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z')))
            fputs("&amp;", fp); /* only what could start an entity; '>' opens no tag */
        else if (strchr("\\`*_[]|~", *p)) {
            fputc('\\', fp);
            fputc(*p, fp);
        } else {
            fputc(*p, fp);
        }
    }
    sp__buf_free(&b);
}

static void md_group(const sp_finding_info *info, const sp__finding_hit *hits, size_t n, void *data)
{
    FILE *fp = data;
    fprintf(fp, "\n### %s: ", sp_severity_name(info->severity));
    esc(fp, info->title);
    fprintf(fp, "\n\n`%s`, %zu service%s. Why this severity: ", info->id, n, n == 1 ? "" : "s");
    esc(fp, sp__severity_rationale(info->id, info->severity));
    fputs("\n\n| Service | Evidence |\n| --- | --- |\n", fp);
    for (size_t i = 0; i < n; i++) {
        char where[96];
        sp__service_address(hits[i].svc, where, sizeof(where));
        fputs("| ", fp);
        esc(fp, where);
        if (hits[i].f->is_new == 1)
            fputs(" **NEW**", fp);
        fputs(" | ", fp);
        for (size_t e = 0; e < hits[i].f->n_evidence; e++) {
            if (e)
                fputs("<br>", fp);
            esc(fp, hits[i].f->evidence[e]);
        }
        if (hits[i].f->accepted) {
            fputs("<br>*", fp);
            esc(fp, hits[i].f->accepted);
            fputs("*", fp);
        }
        fputs(" |\n", fp);
    }
    fputs("\n**What to do:** ", fp);
    esc(fp, info->remediation);
    fputs("\n", fp);
}

/* ---- The shared report content (output/client_report.c) in Markdown ---- */

typedef struct mdoc {
    FILE *fp;
    int ordered, number; /* the list being written */
} mdoc;

static void m_section(void *c, const char *id, const char *title)
{
    (void)id;
    fprintf(((mdoc *)c)->fp, "\n## %s\n\n", title);
}

static void m_heading(void *c, const char *text)
{
    FILE *fp = ((mdoc *)c)->fp;
    fputs("\n### ", fp);
    esc(fp, text);
    fputs("\n\n", fp);
}

static void m_para(void *c, const char *text)
{
    FILE *fp = ((mdoc *)c)->fp;
    esc(fp, text);
    fputs("\n\n", fp);
}

static void m_list(void *c, int ordered, int open)
{
    mdoc *d = c;
    d->ordered = ordered;
    d->number = 0;
    if (!open)
        fputs("\n", d->fp);
}

static void m_item(void *c, const char *sev, const char *text)
{
    mdoc *d = c;
    if (d->ordered)
        fprintf(d->fp, "%d. ", ++d->number);
    else
        fputs("- ", d->fp);
    if (sev)
        fprintf(d->fp, "**%s** ", sev);
    esc(d->fp, text);
    fputs("\n", d->fp);
}

static void m_pair(void *c, const char *key, const char *value)
{
    FILE *fp = ((mdoc *)c)->fp;
    fputs("- **", fp);
    esc(fp, key);
    fputs(":** ", fp);
    esc(fp, value);
    fputs("\n", fp);
}

static void m_end(void *c)
{
    (void)c;
}

static const sp__doc_ops md_doc = {m_section, m_heading, m_para, m_list, m_item, m_pair, m_end};

static void list(FILE *fp, const sp__strv *v)
{
    for (size_t i = 0; v && i < v->n; i++) {
        if (i)
            fputs(", ", fp);
        esc(fp, v->v[i]);
    }
    if (!v || !v->n)
        fputs("none", fp);
}

/* A report of stored results: which vantages saw each service. */
static void md_vantages(FILE *fp, const sp_service *const *all, size_t n)
{
    fputs("\n## Seen from\n\n| Service | Vantages | Observations |\n| --- | --- | --- |\n", fp);
    for (size_t i = 0; i < n; i++) {
        char where[96], from[512];
        sp__service_address(all[i], where, sizeof(where));
        sp__service_vantages(all[i], from, sizeof(from));
        fputs("| ", fp);
        esc(fp, where);
        fputs(" | ", fp);
        esc(fp, from);
        fprintf(fp, " | %zu |\n", all[i]->n_observations);
    }
}

/* A titled list of "host:port/udp finding-id" lines, if any. */
static void md_list(FILE *fp, const char *title, const char *intro, const sp__strv *v)
{
    if (!v || !v->n)
        return;
    fprintf(fp, "\n### %s\n\n", title);
    if (intro)
        fprintf(fp, "%s\n\n", intro);
    for (size_t i = 0; i < v->n; i++) {
        fputs("- ", fp);
        esc(fp, v->v[i]);
        fputs("\n", fp);
    }
}

static int md_end(sp__writer *w, const sp__scan_meta *meta, const sp_service *const *all, size_t n)
{
    FILE *fp = w->fp;
    const sp_summary *s = meta->summary;
    fputs("# SIP exposure report\n\nScan of ", fp);
    list(fp, meta->targets);
    fputs(", started ", fp);
    esc(fp, meta->started);
    fprintf(fp, ", sipprobe %s.%s\n\n## Executive summary\n\n", meta->version,
            s->interrupted ? " **Interrupted: partial results.**" : "");
    mdoc md = {fp, 0, 0};
    sp__report_summary(&md_doc, &md, meta, all, n);
    fputs("| Severity | Findings |\n| --- | --- |\n", fp);
    for (int i = SP_SEV_CRITICAL; i >= SP_SEV_INFO; i--)
        fprintf(fp, "| %s | %llu |\n", sp_severity_name((sp_severity)i),
                (unsigned long long)s->findings_by_severity[i]);
    if (meta->fixed) {
        char cmp[200];
        sp__baseline_sentence(meta, cmp, sizeof(cmp));
        fprintf(fp, "\nCompared with the baseline: %s.\n", cmp);
    }

    for (size_t i = 0; meta->warnings && i < meta->warnings->n; i++) {
        fputs(i ? "- " : "\n### Warnings\n\n- ", fp);
        esc(fp, meta->warnings->v[i]);
        fputs("\n", fp);
    }

    sp__report_scope_and_plan(&md_doc, &md, meta, all, n);

    fputs("\n## Findings\n", fp);
    sp__each_finding_group(all, n, SP_SEV_INFO, md_group, fp);
    md_list(fp, "Fixed since the baseline", NULL, meta->fixed);
    md_list(fp, "Not seen this time",
            "Their service did not answer, so these are not counted as fixed.", meta->not_seen);

    fputs("\n## Services\n\n| Service | Replies | Responder | Product | Severity |\n"
          "| --- | --- | --- | --- | --- |\n",
          fp);
    for (size_t i = 0; i < n; i++) {
        const sp_service *v = all[i];
        char where[96];
        sp__service_address(v, where, sizeof(where));
        fputs("| ", fp);
        esc(fp, where);
        fputs(" | ", fp);
        for (size_t r = 0; r < v->n_replies; r++) {
            fprintf(fp, "%s%s %d ", r ? "<br>" : "", v->replies[r].method, v->replies[r].status);
            esc(fp, v->replies[r].reason);
        }
        fputs(" | ", fp);
        esc(fp, v->responder_differs ? v->responder : "");
        fputs(" | ", fp);
        char product[512];
        sp__service_product(v, product, sizeof(product));
        esc(fp, product);
        fprintf(fp, " | %s |\n",
                v->max_severity == SP_SEV_NONE ? "" : sp_severity_name(v->max_severity));
    }
    if (meta->results && n)
        md_vantages(fp, all, n);
    sp__report_appendix(&md_doc, &md, meta, all, n);

    fputs("\n## Scan details\n\n- Targets: ", fp);
    list(fp, meta->targets);
    fputs("\n- Excluded: ", fp);
    list(fp, meta->excludes);
    fputs("\n- Ports: ", fp);
    esc(fp, meta->ports);
    fputs("\n- Probes: ", fp);
    esc(fp, meta->methods);
    fprintf(fp, "\n- Rate: %u probes/s, %u retr%s, wait %u ms\n- Seed %llu, shard %u/%u\n",
            meta->rate, meta->retries, meta->retries == 1 ? "y" : "ies", meta->wait_ms,
            (unsigned long long)meta->seed, meta->shard_index, meta->shard_count);
    fputs("- Started: ", fp);
    esc(fp, meta->started);
    fputs("; finished: ", fp);
    esc(fp, meta->finished);
    fprintf(fp, "\n- Traffic: %llu probes, %llu replies, %.1f s\n- sipprobe %s\n",
            (unsigned long long)s->probes_sent, (unsigned long long)s->replies, s->elapsed_s,
            meta->version);
    return ferror(fp) ? -1 : 0;
}

const sp__writer_type sp__writer_markdown = {
    .name = "markdown",
    .description = "the same report as html, in Markdown",
    .streaming = 0,
    .end = md_end,
};
