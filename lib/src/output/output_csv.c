/* CSV writer (RFC 4180): one row per service. Cells that a spreadsheet would
 * run as a formula (= + - @, tab, CR) are prefixed with a quote. */
#include "output/report.h"
#include "output/writer.h"

#include <string.h>

static void csv_cell(FILE *fp, const char *raw, int last)
{
    sp__buf b;
    sp__buf_init(&b);
    sp__buf_utf8(&b, raw ? raw : "");
    const char *s = sp__buf_cstr(&b);
    int formula =
        s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
    fputc('"', fp);
    if (formula)
        fputc('\'', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
    fputs(last ? "\r\n" : ",", fp);
    sp__buf_free(&b);
}

static int csv_end(sp__writer *w, const sp__scan_meta *meta, const sp_service *const *all, size_t n)
{
    (void)meta;
    FILE *fp = w->fp;
    fputs("host,port,transport,responder,replies,server,user_agent,vendor,product,version,type,"
          "max_severity,findings,role,tls_version,tls_subject\r\n",
          fp);
    for (size_t i = 0; i < n; i++) {
        const sp_service *s = all[i];
        char port[8];
        snprintf(port, sizeof(port), "%u", s->port);
        sp__buf replies, findings;
        sp__buf_init(&replies);
        sp__buf_init(&findings);
        for (size_t k = 0; k < s->n_replies; k++)
            sp__buf_printf(&replies, "%s%s:%d", k ? ";" : "", s->replies[k].method,
                           s->replies[k].status);
        for (size_t k = 0; k < s->n_findings; k++)
            sp__buf_printf(&findings, "%s%s", k ? ";" : "", s->findings[k].id);
        const sp_fingerprint *f = s->fingerprint;
        csv_cell(fp, s->host, 0);
        csv_cell(fp, port, 0);
        csv_cell(fp, sp_transport_name(s->transport), 0);
        csv_cell(fp, s->responder, 0);
        csv_cell(fp, sp__buf_cstr(&replies), 0);
        csv_cell(fp, s->server, 0);
        csv_cell(fp, s->user_agent, 0);
        csv_cell(fp, f ? f->vendor : NULL, 0);
        csv_cell(fp, f ? f->product : NULL, 0);
        csv_cell(fp, f ? f->version : NULL, 0);
        csv_cell(fp, f ? f->type : NULL, 0);
        csv_cell(fp, s->max_severity == SP_SEV_NONE ? "" : sp_severity_name(s->max_severity), 0);
        csv_cell(fp, sp__buf_cstr(&findings), 0);
        csv_cell(fp, s->role, 0);
        csv_cell(fp, s->tls ? s->tls->version : NULL, 0);
        csv_cell(fp, s->tls ? s->tls->subject : NULL, 1);
        sp__buf_free(&replies);
        sp__buf_free(&findings);
    }
    return ferror(fp) ? -1 : 0;
}

const sp__writer_type sp__writer_csv = {
    .name = "csv",
    .description = "one row per service (RFC 4180, formula-safe), written at the end",
    .streaming = 0,
    .end = csv_end,
};
