/* Text writer: an aligned table of services, then the findings above info
 * with their evidence, then a summary line. Everything that came off the
 * network is made printable first: a banner must not drive the terminal. */
#include "output.h"

#include <stdlib.h>
#include <string.h>

#define COL_MAX 40

enum { C_ADDR, C_STATUS, C_RESPONDER, C_PRODUCT, C_SEV, C_FINDINGS, N_COLS };
static const char *const headings[N_COLS] = {"SERVICE", "STATUS",   "RESPONDER",
                                             "PRODUCT", "SEVERITY", "FINDINGS"};

/* Display width of UTF-8 text, counting code points (close enough for banners). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            w++;
    return w;
}

/* Cuts printable text to at most COL_MAX code points, marking the cut. */
static void cell(sp__buf *b, const char *raw)
{
    sp__buf tmp;
    sp__buf_init(&tmp);
    sp__buf_printable(&tmp, raw ? raw : "-");
    const char *s = sp__buf_cstr(&tmp);
    size_t w = 0, i = 0;
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xc0) != 0x80 && ++w > COL_MAX - 1 && width(s) > COL_MAX)
            break;
    }
    sp__buf_append(b, s, i);
    if (s[i])
        sp__buf_puts(b, "~");
    sp__buf_cstr(b);
    sp__buf_free(&tmp);
}

/* "host:port/udp", with brackets around IPv6 hosts. */
static void service_address(const sp_service *svc, char *out, size_t len)
{
    if (strchr(svc->host, ':'))
        snprintf(out, len, "[%s]:%u/%s", svc->host, svc->port, sp_transport_name(svc->transport));
    else
        snprintf(out, len, "%s:%u/%s", svc->host, svc->port, sp_transport_name(svc->transport));
}

static void make_cells(const sp_service *svc, sp__buf cells[N_COLS])
{
    char tmp[256];
    for (int c = 0; c < N_COLS; c++)
        sp__buf_init(&cells[c]);
    service_address(svc, tmp, sizeof(tmp));
    cell(&cells[C_ADDR], tmp);

    sp__buf st;
    sp__buf_init(&st);
    for (size_t i = 0; i < svc->n_replies; i++) {
        const sp_reply *r = &svc->replies[i];
        if (svc->n_replies == 1)
            sp__buf_printf(&st, "%d %s", r->status, r->reason ? r->reason : "");
        else
            sp__buf_printf(&st, "%s%s:%d", i ? " " : "", r->method, r->status);
    }
    cell(&cells[C_STATUS], sp__buf_cstr(&st));
    sp__buf_free(&st);

    cell(&cells[C_RESPONDER], svc->responder_differs ? svc->responder : "-");

    if (svc->fingerprint) {
        snprintf(tmp, sizeof(tmp), "%s%s%s", svc->fingerprint->product,
                 svc->fingerprint->version ? " " : "",
                 svc->fingerprint->version ? svc->fingerprint->version : "");
        cell(&cells[C_PRODUCT], tmp);
    } else {
        cell(&cells[C_PRODUCT], svc->server ? svc->server : svc->user_agent);
    }
    cell(&cells[C_SEV],
         svc->max_severity == SP_SEV_NONE ? "-" : sp_severity_name(svc->max_severity));
    sp__buf f;
    sp__buf_init(&f);
    for (size_t i = 0; i < svc->n_findings; i++)
        if (svc->findings[i].severity > SP_SEV_INFO || svc->n_findings == 1)
            sp__buf_printf(&f, "%s%s", f.len ? "," : "", svc->findings[i].id);
    sp__buf_append(&cells[C_FINDINGS], sp__buf_cstr(&f), f.len);
    sp__buf_cstr(&cells[C_FINDINGS]);
    sp__buf_free(&f);
}

static void pad(FILE *fp, const char *s, size_t w, int last)
{
    fputs(s, fp);
    if (!last)
        for (size_t i = width(s); i < w + 2; i++)
            fputc(' ', fp);
}

static int text_end(sp__writer *w, const sp__scan_meta *meta, const sp_service *const *all,
                    size_t n)
{
    FILE *fp = w->fp;
    size_t widths[N_COLS];
    for (int c = 0; c < N_COLS; c++)
        widths[c] = strlen(headings[c]);

    sp__buf(*cells)[N_COLS] = calloc(n ? n : 1, sizeof(*cells));
    if (!cells) {
        w->failed = 1;
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        make_cells(all[i], cells[i]);
        for (int c = 0; c < N_COLS; c++)
            if (width(sp__buf_cstr(&cells[i][c])) > widths[c])
                widths[c] = width(sp__buf_cstr(&cells[i][c]));
    }
    if (n) {
        for (int c = 0; c < N_COLS; c++)
            pad(fp, headings[c], widths[c], c == N_COLS - 1);
        fputc('\n', fp);
        for (size_t i = 0; i < n; i++) {
            for (int c = 0; c < N_COLS; c++)
                pad(fp, sp__buf_cstr(&cells[i][c]), widths[c], c == N_COLS - 1);
            fputc('\n', fp);
        }
    } else {
        fputs("No SIP service answered.\n", fp);
    }
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < N_COLS; c++)
            sp__buf_free(&cells[i][c]);
    free(cells);

    /* Findings above info, most severe first, grouped by finding so the
     * advice is given once, with each affected service and its evidence. */
    int header = 0;
    for (int sev = SP_SEV_CRITICAL; sev > SP_SEV_INFO; sev--)
        for (size_t c = 0; sp_finding_catalogue(c); c++) {
            const sp_finding_info *info = sp_finding_catalogue(c);
            if ((int)info->severity != sev)
                continue;
            sp__buf b;
            sp__buf_init(&b);
            size_t hits = 0;
            for (size_t i = 0; i < n; i++)
                for (size_t k = 0; k < all[i]->n_findings; k++) {
                    const sp_finding *f = &all[i]->findings[k];
                    if (strcmp(f->id, info->id))
                        continue;
                    char where[96];
                    service_address(all[i], where, sizeof(where));
                    sp__buf_printf(&b, "  %-24s", where);
                    for (size_t e = 0; e < f->n_evidence; e++) {
                        if (e)
                            sp__buf_puts(&b, "\n  "
                                             "                        ");
                        sp__buf_printable(&b, f->evidence[e]);
                    }
                    sp__buf_puts(&b, "\n");
                    hits++;
                }
            if (hits) {
                if (!header) {
                    fputs("\nFindings\n", fp);
                    header = 1;
                }
                fprintf(fp, "\n[%s] %s: %s (%zu service%s)\n", sp_severity_name(info->severity),
                        info->id, info->title, hits, hits == 1 ? "" : "s");
                fputs(sp__buf_cstr(&b), fp);
                fprintf(fp, "  fix: %s\n", info->remediation);
            }
            sp__buf_free(&b);
        }

    const sp_summary *s = meta->summary;
    fprintf(fp,
            "\n%llu service%s, %llu probes sent, %llu replies, %.1f s%s; findings: %llu critical, "
            "%llu high, %llu medium, %llu low, %llu info\n",
            (unsigned long long)s->services, s->services == 1 ? "" : "s",
            (unsigned long long)s->probes_sent, (unsigned long long)s->replies, s->elapsed_s,
            s->interrupted ? " (interrupted)" : "",
            (unsigned long long)s->findings_by_severity[SP_SEV_CRITICAL],
            (unsigned long long)s->findings_by_severity[SP_SEV_HIGH],
            (unsigned long long)s->findings_by_severity[SP_SEV_MEDIUM],
            (unsigned long long)s->findings_by_severity[SP_SEV_LOW],
            (unsigned long long)s->findings_by_severity[SP_SEV_INFO]);
    return ferror(fp) ? -1 : 0;
}

const sp__writer_type sp__writer_text = {
    .name = "text",
    .description =
        "aligned table, findings with evidence and advice, summary (default on a terminal)",
    .streaming = 0,
    .end = text_end,
};
