/* JUnit XML writer for CI (GitLab, Jenkins): one testcase per service; a
 * failure for each finding at or above --fail-on (only new findings when a
 * baseline is given). Text is XML-escaped and characters XML 1.0 forbids
 * become "?", so a hostile banner cannot break the file. */
#include "output/report.h"
#include "output/writer.h"

#include <string.h>

static void esc(FILE *fp, const char *raw)
{
    sp__fput_markup(fp, raw);
}

static int fails(const sp__scan_meta *meta, const sp_finding *f)
{
    if (meta->fail_on == SP_SEV_NONE || (int)f->severity < (int)meta->fail_on)
        return 0;
    return meta->fixed ? f->is_new == 1 : 1;
}

static int junit_end(sp__writer *w, const sp__scan_meta *meta, const sp_service *const *all,
                     size_t n)
{
    FILE *fp = w->fp;
    size_t failures = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < all[i]->n_findings; k++)
            failures += fails(meta, &all[i]->findings[k]) != 0;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
    fprintf(fp,
            "<testsuites name=\"sipprobe\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
            "time=\"%.3f\">\n",
            n, failures, meta->summary->elapsed_s);
    fprintf(fp,
            "  <testsuite name=\"sipprobe SIP exposure scan\" tests=\"%zu\" failures=\"%zu\" "
            "errors=\"0\" skipped=\"0\" time=\"%.3f\" timestamp=\"",
            n, failures, meta->summary->elapsed_s);
    esc(fp, meta->started);
    fputs("\">\n    <properties>\n", fp);
    fputs("      <property name=\"targets\" value=\"", fp);
    for (size_t i = 0; i < meta->targets->n; i++) {
        if (i)
            fputs(" ", fp);
        esc(fp, meta->targets->v[i]);
    }
    fprintf(fp, "\"/>\n      <property name=\"fail-on\" value=\"%s\"/>\n",
            sp_severity_name(meta->fail_on));
    fprintf(fp, "      <property name=\"sipprobe\" value=\"%s\"/>\n    </properties>\n",
            meta->version);
    for (size_t i = 0; i < n; i++) {
        const sp_service *v = all[i];
        char where[96];
        sp__service_address(v, where, sizeof(where));
        fprintf(fp, "    <testcase classname=\"sipprobe.%s\" name=\"",
                sp_transport_name(v->transport));
        esc(fp, where);
        fputs("\" time=\"0\">\n", fp);
        for (size_t k = 0; k < v->n_findings; k++) {
            const sp_finding *f = &v->findings[k];
            if (!fails(meta, f))
                continue;
            fprintf(fp, "      <failure type=\"%s\" message=\"[%s] ", f->id,
                    sp_severity_name(f->severity));
            esc(fp, f->title);
            fputs("\">", fp);
            for (size_t e = 0; e < f->n_evidence; e++) {
                esc(fp, f->evidence[e]);
                fputs("\n", fp);
            }
            fputs("What to do: ", fp);
            esc(fp, f->remediation);
            fputs("</failure>\n", fp);
        }
        fputs("      <system-out>", fp);
        if (v->fingerprint) {
            esc(fp, v->fingerprint->product);
            fputs(" ", fp);
            esc(fp, v->fingerprint->version ? v->fingerprint->version : "");
            fputs("; ", fp);
        }
        for (size_t k = 0; k < v->n_findings; k++) {
            fprintf(fp, "%s%s (%s)", k ? ", " : "findings: ", v->findings[k].id,
                    sp_severity_name(v->findings[k].severity));
        }
        fputs("</system-out>\n    </testcase>\n", fp);
    }
    fputs("  </testsuite>\n</testsuites>\n", fp);
    return ferror(fp) ? -1 : 0;
}

const sp__writer_type sp__writer_junit = {
    .name = "junit",
    .description = "JUnit XML for CI: a testcase per service, failures at or above --fail-on",
    .streaming = 0,
    .end = junit_end,
};
