/* HTML writer: the consultant's report. One self-contained file (no
 * scripts, fonts or images from anywhere): executive summary, an inline
 * SVG chart of findings by severity, findings with evidence and advice,
 * services, and scan details, with print CSS. Everything that came off the
 * network is escaped, and a Content-Security-Policy forbids scripts even if
 * something slipped through. */
#include "output/client_report.h"
#include "output/report.h"
#include "output/writer.h"

#include <string.h>

static const char *const sev_colour[] = {"#5b7083", "#2f7ed8", "#d9a400", "#e8590c", "#c92a2a"};

static void esc(FILE *fp, const char *raw)
{
    sp__fput_markup(fp, raw);
}

static const char style[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2329;"
    "max-width:1100px;margin:2em auto;padding:0 1.5em}"
    "h1{font-size:1.8em;margin-bottom:.2em}h2{border-bottom:2px solid #dde3e8;padding-bottom:.2em;"
    "margin-top:2em}.meta{color:#5b7083}"
    "table{border-collapse:collapse;width:100%;margin:.6em 0}th,td{text-align:left;"
    "padding:.35em .6em;border-bottom:1px solid #e6eaee;vertical-align:top}"
    "th{background:#f3f5f7}td.ev{font-family:ui-monospace,monospace;font-size:.88em;"
    "word-break:break-all}"
    ".sev{display:inline-block;padding:.05em .5em;border-radius:.8em;color:#fff;font-size:.8em;"
    "font-weight:600;text-transform:uppercase}"
    ".sev-info{background:#5b7083}.sev-low{background:#2f7ed8}.sev-medium{background:#d9a400}"
    ".sev-high{background:#e8590c}.sev-critical{background:#c92a2a}"
    ".new{background:#1d2329;color:#fff;font-size:.75em;padding:0 .4em;border-radius:.3em;"
    "margin-left:.4em}"
    "article.finding{border-left:4px solid #dde3e8;padding:.2em 1em;margin:1.2em 0;"
    "page-break-inside:avoid}"
    ".fix{background:#f3f9f1;padding:.5em .8em;border-radius:.3em}"
    "dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1.2em}dt{color:#5b7083}"
    "dd{margin:0}.kv{margin:.15em 0}.kv .k{color:#5b7083;display:inline-block;min-width:9em}"
    ".why{color:#5b7083;font-size:.9em}footer{margin-top:3em;color:#5b7083;font-size:.85em}"
    "@media print{body{margin:0;max-width:none;font-size:11pt}h2{page-break-after:avoid}"
    "a{color:inherit}}";

static void chart(FILE *fp, const sp_summary *s)
{
    /* Scaled to the findings that matter: an info bar is capped at that
     * scale (its count is still written) rather than dwarfing the rest. */
    uint64_t max = 1;
    for (int i = SP_SEV_LOW; i <= SP_SEV_CRITICAL; i++)
        if (s->findings_by_severity[i] > max)
            max = s->findings_by_severity[i];
    fputs("<svg id=\"severity-chart\" role=\"img\" aria-label=\"Findings by severity\" "
          "xmlns=\"http://www.w3.org/2000/svg\" width=\"560\" height=\"170\" "
          "viewBox=\"0 0 560 170\">\n",
          fp);
    for (int i = SP_SEV_CRITICAL, row = 0; i >= SP_SEV_INFO; i--, row++) {
        uint64_t v = s->findings_by_severity[i];
        double w = 400.0 * (double)(v > max ? max : v) / (double)max;
        int y = 8 + row * 32;
        fprintf(fp,
                "<text x=\"0\" y=\"%d\" font-size=\"13\" fill=\"#1d2329\">%s</text>"
                "<rect class=\"bar\" x=\"80\" y=\"%d\" width=\"%.1f\" height=\"22\" fill=\"%s\"/>"
                "<text x=\"%.1f\" y=\"%d\" font-size=\"13\" fill=\"#1d2329\">%llu</text>\n",
                y + 16, sp_severity_name((sp_severity)i), y, w < 1 && v ? 1.0 : w, sev_colour[i],
                86 + w, y + 16, (unsigned long long)v);
    }
    fputs("</svg>\n", fp);
}

typedef struct html_ctx {
    FILE *fp;
    const sp__scan_meta *meta;
} html_ctx;

static void html_group(const sp_finding_info *info, const sp__finding_hit *hits, size_t n,
                       void *data)
{
    html_ctx *h = data;
    FILE *fp = h->fp;
    fprintf(
        fp,
        "<article class=\"finding\" id=\"finding-%s\">\n<h3><span class=\"sev sev-%s\">%s</span> ",
        info->id, sp_severity_name(info->severity), sp_severity_name(info->severity));
    esc(fp, info->title);
    fprintf(fp, "</h3>\n<p class=\"meta\"><code>%s</code> &middot; %zu service%s</p>\n", info->id,
            n, n == 1 ? "" : "s");
    fputs("<p class=\"why\">Why this severity: ", fp);
    esc(fp, sp__severity_rationale(info->id, info->severity));
    fputs("</p>\n<table><tr><th>Service</th><th>Evidence</th></tr>\n", fp);
    for (size_t i = 0; i < n; i++) {
        char where[96];
        sp__service_address(hits[i].svc, where, sizeof(where));
        fputs("<tr><td>", fp);
        esc(fp, where);
        if (hits[i].f->is_new == 1)
            fputs("<span class=\"new\">NEW</span>", fp);
        fputs("</td><td class=\"ev\">", fp);
        for (size_t e = 0; e < hits[i].f->n_evidence; e++) {
            if (e)
                fputs("<br>", fp);
            esc(fp, hits[i].f->evidence[e]);
        }
        if (hits[i].f->accepted) {
            fputs("<br><em>", fp);
            esc(fp, hits[i].f->accepted);
            fputs("</em>", fp);
        }
        fputs("</td></tr>\n", fp);
    }
    fputs("</table>\n<p class=\"fix\"><strong>What to do:</strong> ", fp);
    esc(fp, info->remediation);
    fputs("</p>\n</article>\n", fp);
}

/* ---- The shared report content (output/client_report.c) in HTML ---- */

typedef struct hdoc {
    FILE *fp;
    int open;
} hdoc;

static void h_section(void *c, const char *id, const char *title)
{
    hdoc *d = c;
    if (d->open)
        fputs("</section>\n", d->fp);
    fprintf(d->fp, "<section id=\"%s\">\n<h2>", id);
    esc(d->fp, title);
    fputs("</h2>\n", d->fp);
    d->open = 1;
}

static void h_heading(void *c, const char *text)
{
    hdoc *d = c;
    fputs("<h3>", d->fp);
    esc(d->fp, text);
    fputs("</h3>\n", d->fp);
}

static void h_para(void *c, const char *text)
{
    hdoc *d = c;
    fputs("<p>", d->fp);
    esc(d->fp, text);
    fputs("</p>\n", d->fp);
}

static void h_list(void *c, int ordered, int open)
{
    hdoc *d = c;
    fputs(open ? (ordered ? "<ol>\n" : "<ul>\n") : (ordered ? "</ol>\n" : "</ul>\n"), d->fp);
}

static void h_item(void *c, const char *sev, const char *text)
{
    hdoc *d = c;
    fputs("<li>", d->fp);
    if (sev)
        fprintf(d->fp, "<span class=\"sev sev-%s\">%s</span> ", sev, sev);
    esc(d->fp, text);
    fputs("</li>\n", d->fp);
}

static void h_pair(void *c, const char *key, const char *value)
{
    hdoc *d = c;
    fputs("<div class=\"kv\"><span class=\"k\">", d->fp);
    esc(d->fp, key);
    fputs("</span> ", d->fp);
    esc(d->fp, value);
    fputs("</div>\n", d->fp);
}

static void h_end(void *c)
{
    hdoc *d = c;
    if (d->open)
        fputs("</section>\n", d->fp);
    d->open = 0;
}

static const sp__doc_ops html_doc = {h_section, h_heading, h_para, h_list, h_item, h_pair, h_end};

static void list(FILE *fp, const sp__strv *v)
{
    if (!v || !v->n) {
        fputs("&ndash;", fp);
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        if (i)
            fputs(", ", fp);
        esc(fp, v->v[i]);
    }
}

/* A report of stored results: which vantages saw each service. */
static void html_vantages(FILE *fp, const sp_service *const *all, size_t n)
{
    fputs("<section id=\"vantages\">\n<h2>Seen from</h2>\n<table>\n<thead><tr><th>Service</th>"
          "<th>Vantages</th><th>Observations</th></tr></thead>\n<tbody>\n",
          fp);
    for (size_t i = 0; i < n; i++) {
        char where[96], from[512];
        sp__service_address(all[i], where, sizeof(where));
        sp__service_vantages(all[i], from, sizeof(from));
        fputs("<tr><td>", fp);
        esc(fp, where);
        fputs("</td><td>", fp);
        esc(fp, from);
        fprintf(fp, "</td><td>%zu</td></tr>\n", all[i]->n_observations);
    }
    fputs("</tbody>\n</table>\n</section>\n", fp);
}

/* A titled list of "host:port/udp finding-id" lines, if any. */
static void html_list(FILE *fp, const char *title, const char *intro, const sp__strv *v)
{
    if (!v || !v->n)
        return;
    fprintf(fp, "<h3>%s</h3>\n", title);
    if (intro)
        fprintf(fp, "<p>%s</p>\n", intro);
    fputs("<ul>\n", fp);
    for (size_t i = 0; i < v->n; i++) {
        fputs("<li>", fp);
        esc(fp, v->v[i]);
        fputs("</li>\n", fp);
    }
    fputs("</ul>\n", fp);
}

/* The table of services: answers, responder, product, worst severity. */
static void html_services(FILE *fp, const sp_service *const *all, size_t n)
{
    fputs("<section id=\"services\">\n<h2>Services</h2>\n<table>\n<tr><th>Service</th>"
          "<th>Replies</th><th>Responder</th><th>Product</th><th>Severity</th></tr>\n",
          fp);
    for (size_t i = 0; i < n; i++) {
        const sp_service *v = all[i];
        char where[96];
        sp__service_address(v, where, sizeof(where));
        fputs("<tr><td>", fp);
        esc(fp, where);
        fputs("</td><td>", fp);
        for (size_t r = 0; r < v->n_replies; r++) {
            char st[32];
            snprintf(st, sizeof(st), "%s%s %d ", r ? "<br>" : "", v->replies[r].method,
                     v->replies[r].status);
            fputs(st, fp);
            esc(fp, v->replies[r].reason);
        }
        fputs("</td><td>", fp);
        esc(fp, v->responder_differs ? v->responder : "");
        fputs("</td><td>", fp);
        char product[512];
        sp__service_product(v, product, sizeof(product));
        esc(fp, product);
        fputs("</td><td>", fp);
        if (v->max_severity != SP_SEV_NONE)
            fprintf(fp, "<span class=\"sev sev-%s\">%s</span>", sp_severity_name(v->max_severity),
                    sp_severity_name(v->max_severity));
        fputs("</td></tr>\n", fp);
    }
    if (!n)
        fputs("<tr><td colspan=\"5\">No SIP service answered.</td></tr>\n", fp);
    fputs("</table>\n</section>\n", fp);
}

static int html_end(sp__writer *w, const sp__scan_meta *meta, const sp_service *const *all,
                    size_t n)
{
    FILE *fp = w->fp;
    const sp_summary *s = meta->summary;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
          fp);
    fprintf(fp, "<title>SIP exposure report: %llu service%s</title>\n<style>%s</style>\n",
            (unsigned long long)s->services, s->services == 1 ? "" : "s", style);
    fputs("</head>\n<body>\n<header>\n<h1>SIP exposure report</h1>\n<p class=\"meta\">Scan of ",
          fp);
    list(fp, meta->targets);
    fputs(" &middot; ", fp);
    esc(fp, meta->started);
    fprintf(fp, " &middot; sipprobe %s%s</p>\n</header>\n", meta->version,
            s->interrupted ? " &middot; <strong>interrupted: partial results</strong>" : "");

    fputs("<section id=\"summary\">\n<h2>Executive summary</h2>\n", fp);
    hdoc hd = {fp, 0};
    sp__report_summary(&html_doc, &hd, meta, all, n);
    chart(fp, s);
    if (meta->fixed) {
        char cmp[200];
        sp__baseline_sentence(meta, cmp, sizeof(cmp));
        fprintf(fp, "<p>Compared with the baseline: %s.</p>\n", cmp);
    }
    for (size_t i = 0; meta->warnings && i < meta->warnings->n; i++) {
        fputs(i ? "<li>" : "<h3>Warnings</h3>\n<ul>\n<li>", fp);
        esc(fp, meta->warnings->v[i]);
        fputs(i + 1 == meta->warnings->n ? "</li>\n</ul>\n" : "</li>\n", fp);
    }
    fputs("</section>\n", fp);
    sp__report_scope_and_plan(&html_doc, &hd, meta, all, n);
    h_end(&hd);
    if (meta->results)
        html_vantages(fp, all, n);

    fputs("<section id=\"findings\">\n<h2>Findings</h2>\n", fp);
    if (!s->findings_by_severity[0] && s->max_severity == SP_SEV_NONE)
        fputs("<p>None.</p>\n", fp);
    html_ctx ctx = {fp, meta};
    sp__each_finding_group(all, n, SP_SEV_INFO, html_group, &ctx);
    html_list(fp, "Fixed since the baseline", NULL, meta->fixed);
    html_list(fp, "Not seen this time",
              "Their service did not answer, so these are not counted as fixed.", meta->not_seen);
    fputs("</section>\n", fp);

    html_services(fp, all, n);
    sp__report_appendix(&html_doc, &hd, meta, all, n);
    h_end(&hd);

    fputs("<section id=\"scan\">\n<h2>Scan details</h2>\n<dl>\n<dt>Targets</dt><dd>", fp);
    list(fp, meta->targets);
    fputs("</dd>\n<dt>Excluded</dt><dd>", fp);
    list(fp, meta->excludes);
    fputs("</dd>\n<dt>Ports</dt><dd>", fp);
    esc(fp, meta->ports);
    fputs("</dd>\n<dt>Probes</dt><dd>", fp);
    esc(fp, meta->methods);
    fprintf(fp,
            "</dd>\n<dt>Rate</dt><dd>%u probes/s, %u retr%s, wait %u ms</dd>\n"
            "<dt>Order</dt><dd>seed %llu, shard %u/%u</dd>\n<dt>User-Agent</dt><dd>",
            meta->rate, meta->retries, meta->retries == 1 ? "y" : "ies", meta->wait_ms,
            (unsigned long long)meta->seed, meta->shard_index, meta->shard_count);
    esc(fp, meta->user_agent);
    fputs("</dd>\n<dt>Started</dt><dd>", fp);
    esc(fp, meta->started);
    fputs("</dd>\n<dt>Finished</dt><dd>", fp);
    esc(fp, meta->finished);
    fprintf(fp,
            "</dd>\n<dt>Traffic</dt><dd>%llu probes sent, %llu replies, %llu unmatched datagrams, "
            "%.1f s</dd>\n<dt>Tool</dt><dd>sipprobe %s</dd>\n</dl>\n</section>\n",
            (unsigned long long)s->probes_sent, (unsigned long long)s->replies,
            (unsigned long long)s->bad_replies, s->elapsed_s, meta->version);
    fputs("<footer>Generated by sipprobe. Scan only networks you are authorised to test."
          "</footer>\n</body>\n</html>\n",
          fp);
    return ferror(fp) ? -1 : 0;
}

const sp__writer_type sp__writer_html = {
    .name = "html",
    .description = "self-contained report for a client: summary, chart, findings, advice",
    .streaming = 0,
    .end = html_end,
};
