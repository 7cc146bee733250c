/* JUnit XML writer for CI (GitLab, Jenkins): one testcase per finding of
 * each service (classname the service, name the finding), so that counts
 * are plain: a failure is a finding at or above --fail-on that counts
 * (new against a baseline, not accepted); a known finding at or above it
 * is skipped with the date of the baseline's scan, an accepted one is
 * skipped with its expiry and reason; below --fail-on a testcase passes.
 * Text is XML-escaped and characters XML 1.0 forbids become "?", so a
 * hostile banner cannot break the file. */
#include "output/report.h"
#include "output/writer.h"

#include <string.h>

static void esc(FILE *fp, const char *raw)
{
    sp__fput_markup(fp, raw);
}

enum verdict { PASS, FAIL, SKIP_KNOWN, SKIP_ACCEPTED };

static enum verdict verdict_of(const sp__scan_meta *meta, const sp_finding *f)
{
    if (meta->fail_on == SP_SEV_NONE || (int)f->severity < (int)meta->fail_on)
        return PASS;
    if (f->accepted)
        return SKIP_ACCEPTED;
    if (f->is_new == 0)
        return SKIP_KNOWN;
    return FAIL;
}

static void properties(FILE *fp, const sp__scan_meta *meta)
{
    fputs("    <properties>\n      <property name=\"targets\" value=\"", fp);
    for (size_t i = 0; meta->targets && i < meta->targets->n; i++) {
        if (i)
            fputs(" ", fp);
        esc(fp, meta->targets->v[i]);
    }
    fprintf(fp, "\"/>\n      <property name=\"fail-on\" value=\"%s\"/>\n",
            sp_severity_name(meta->fail_on));
    fprintf(fp, "      <property name=\"sipprobe\" value=\"%s\"/>\n    </properties>\n",
            meta->version);
}

static void testcase(FILE *fp, const sp__scan_meta *meta, const sp_service *v, const sp_finding *f)
{
    char where[96];
    sp__service_address(v, where, sizeof(where));
    fputs("    <testcase classname=\"", fp);
    esc(fp, where);
    fprintf(fp, "\" name=\"%s (%s)\" time=\"0\">\n", f->id, sp_severity_name(f->severity));
    switch (verdict_of(meta, f)) {
    case FAIL:
        fprintf(fp, "      <failure type=\"%s\" message=\"[%s]%s ", f->id,
                sp_severity_name(f->severity), f->is_new == 1 ? " new:" : "");
        esc(fp, f->title);
        fputs("\">", fp);
        for (size_t e = 0; e < f->n_evidence; e++) {
            esc(fp, f->evidence[e]);
            fputs("\n", fp);
        }
        fputs("What to do: ", fp);
        esc(fp, f->remediation);
        fputs("</failure>\n", fp);
        break;
    case SKIP_KNOWN:
        fputs("      <skipped message=\"known: in the baseline", fp);
        if (meta->baseline_since && *meta->baseline_since) {
            fputs(" of ", fp);
            esc(fp, meta->baseline_since);
        }
        fputs("\"/>\n", fp);
        break;
    case SKIP_ACCEPTED:
        fputs("      <skipped message=\"", fp);
        esc(fp, f->accepted);
        fputs("\"/>\n", fp);
        break;
    case PASS:
        break;
    }
    fputs("      <system-out>", fp);
    if (v->fingerprint) {
        esc(fp, v->fingerprint->product);
        fputs(" ", fp);
        esc(fp, v->fingerprint->version ? v->fingerprint->version : "");
        fputs(": ", fp);
    }
    esc(fp, f->title);
    fputs("</system-out>\n    </testcase>\n", fp);
}

static int junit_end(sp__writer *w, const sp__scan_meta *meta, const sp_service *const *all,
                     size_t n)
{
    FILE *fp = w->fp;
    size_t tests = 0, failures = 0, skipped = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < all[i]->n_findings; k++) {
            enum verdict v = verdict_of(meta, &all[i]->findings[k]);
            tests++;
            failures += v == FAIL;
            skipped += v == SKIP_KNOWN || v == SKIP_ACCEPTED;
        }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
    fprintf(fp,
            "<testsuites name=\"sipprobe\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
            "skipped=\"%zu\" time=\"%.3f\">\n",
            tests, failures, skipped, meta->summary->elapsed_s);
    fprintf(fp,
            "  <testsuite name=\"sipprobe SIP exposure scan\" tests=\"%zu\" failures=\"%zu\" "
            "errors=\"0\" skipped=\"%zu\" time=\"%.3f\" timestamp=\"",
            tests, failures, skipped, meta->summary->elapsed_s);
    esc(fp, meta->started);
    fputs("\">\n", fp);
    properties(fp, meta);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < all[i]->n_findings; k++)
            testcase(fp, meta, all[i], &all[i]->findings[k]);
    fputs("  </testsuite>\n</testsuites>\n", fp);
    return ferror(fp) ? -1 : 0;
}

const sp__writer_type sp__writer_junit = {
    .name = "junit",
    .description = "JUnit XML for CI: a testcase per finding, failures at or above --fail-on",
    .streaming = 0,
    .end = junit_end,
};
