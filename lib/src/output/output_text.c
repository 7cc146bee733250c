/* Text writer: an aligned table of services, then the findings above info
 * with their evidence, then a summary line. Everything that came off the
 * network is made printable first: a banner must not drive the terminal. */
#include "output/report.h"
#include "output/writer.h"

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

static void make_cells(const sp_service *svc, sp__buf cells[N_COLS])
{
    char tmp[256];
    for (int c = 0; c < N_COLS; c++)
        sp__buf_init(&cells[c]);
    sp__service_address(svc, tmp, sizeof(tmp));
    cell(&cells[C_ADDR], tmp);

    sp__buf st;
    sp__buf_init(&st);
    if (svc->role) /* from a capture: what the endpoint was seen doing */
        sp__buf_printf(&st, "[%s]%s", svc->role, svc->n_replies ? " " : "");
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

    sp__service_product(svc, tmp, sizeof(tmp));
    cell(&cells[C_PRODUCT], tmp[0] ? tmp : NULL);
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

/* ANSI colours for severities, on a terminal unless NO_COLOR is set. */
static const char *sev_ansi(const char *word)
{
    static const char *const names[] = {"info", "low", "medium", "high", "critical"};
    static const char *const codes[] = {"\033[2m", "\033[36m", "\033[33m", "\033[1;33m",
                                        "\033[1;31m"};
    for (int i = 0; i < 5; i++)
        if (!strcmp(word, names[i]))
            return codes[i];
    return NULL;
}

static void pad(FILE *fp, const char *s, size_t w, int last, int color)
{
    const char *code = color ? sev_ansi(s) : NULL;
    if (code)
        fprintf(fp, "%s%s\033[0m", code, s);
    else
        fputs(s, fp);
    if (!last)
        for (size_t i = width(s); i < w + 2; i++)
            fputc(' ', fp);
}

typedef struct text_groups {
    FILE *fp;
    int *header;
    int color;
} text_groups;

static void text_group(const sp_finding_info *info, const sp__finding_hit *hits, size_t n,
                       void *data)
{
    text_groups *tg = data;
    if (!*tg->header) {
        fputs("\nFindings\n", tg->fp);
        *tg->header = 1;
    }
    const char *code = tg->color ? sev_ansi(sp_severity_name(info->severity)) : NULL;
    fprintf(tg->fp, "\n%s[%s]%s %s: %s (%zu service%s)\n", code ? code : "",
            sp_severity_name(info->severity), code ? "\033[0m" : "", info->id, info->title, n,
            n == 1 ? "" : "s");
    /* The evidence column starts after the longest address (IPv6 ones are long). */
    int col = 24;
    for (size_t i = 0; i < n; i++) {
        char where[96];
        sp__service_address(hits[i].svc, where, sizeof(where));
        int w = (int)strlen(where) + (hits[i].f->is_new == 1 ? 4 : 0) + 1;
        if (w > col)
            col = w < 60 ? w : 60;
    }
    for (size_t i = 0; i < n; i++) {
        char where[96];
        sp__buf b;
        sp__buf_init(&b);
        sp__service_address(hits[i].svc, where, sizeof(where));
        if (hits[i].f->is_new == 1)
            strcat(where, " NEW");
        sp__buf_printf(&b, "  %-*s", col, where);
        for (size_t e = 0; e < hits[i].f->n_evidence; e++) {
            if (e)
                sp__buf_printf(&b, "\n  %*s", col, "");
            sp__buf_printable(&b, hits[i].f->evidence[e]);
        }
        sp__buf_puts(&b, "\n");
        fputs(sp__buf_cstr(&b), tg->fp);
        sp__buf_free(&b);
    }
    fprintf(tg->fp, "  fix: %s\n", info->remediation);
}

/* One "  label  value" line; the value is the peer's text, made harmless. */
static void tls_line(FILE *fp, const char *label, const char *value, const char *note)
{
    sp__buf b;
    sp__buf_init(&b);
    sp__buf_printable(&b, value ? value : "?");
    fprintf(fp, "  %-8s %s%s\n", label, sp__buf_cstr(&b), note ? note : "");
    sp__buf_free(&b);
}

/* The certificate evidence of TLS services, one block each. */
static void tls_section(FILE *fp, const sp_service *const *all, size_t n)
{
    int header = 0;
    for (size_t i = 0; i < n; i++) {
        const sp_tls_info *t = all[i]->tls;
        if (!t)
            continue;
        if (!header) {
            fputs("\nTLS\n", fp);
            header = 1;
        }
        char addr[160], key[64];
        sp__service_address(all[i], addr, sizeof(addr));
        fprintf(fp, "\n%s\n", addr);
        tls_line(fp, "protocol", t->version, NULL);
        tls_line(fp, "cipher", t->cipher, NULL);
        tls_line(fp, "subject", t->subject, NULL);
        tls_line(fp, "issuer", t->issuer, t->self_signed ? " (self-signed)" : NULL);
        tls_line(fp, "from", t->not_before, NULL);
        tls_line(fp, "until", t->not_after, t->expired ? " (EXPIRED)" : NULL);
        snprintf(key, sizeof(key), "%s %d bits", t->key_type ? t->key_type : "?", t->key_bits);
        tls_line(fp, "key", key, NULL);
        for (size_t k = 0; k < t->n_sans; k++)
            tls_line(fp, "san", t->sans[k], NULL);
        tls_line(fp, "sha256", t->sha256, NULL);
    }
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
            pad(fp, headings[c], widths[c], c == N_COLS - 1, 0);
        fputc('\n', fp);
        for (size_t i = 0; i < n; i++) {
            for (int c = 0; c < N_COLS; c++)
                pad(fp, sp__buf_cstr(&cells[i][c]), widths[c], c == N_COLS - 1,
                    meta->color && c == C_SEV);
            fputc('\n', fp);
        }
    } else {
        fputs("No SIP service answered.\n", fp);
    }
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < N_COLS; c++)
            sp__buf_free(&cells[i][c]);
    free(cells);

    tls_section(fp, all, n);

    /* Findings above info, most severe first, grouped by finding so the
     * advice is given once, with each affected service and its evidence. */
    int header = 0;
    text_groups tg = {fp, &header, meta->color};
    sp__each_finding_group(all, n, SP_SEV_LOW, text_group, &tg);

    if (meta->fixed && meta->fixed->n) {
        fputs("\nFixed since the baseline\n", fp);
        for (size_t i = 0; i < meta->fixed->n; i++) {
            sp__buf b;
            sp__buf_init(&b);
            sp__buf_printable(&b, meta->fixed->v[i]);
            fprintf(fp, "  %s\n", sp__buf_cstr(&b));
            sp__buf_free(&b);
        }
    }
    const sp_summary *s = meta->summary;
    if (meta->fixed) {
        char cmp[160];
        sp__baseline_sentence(meta, cmp, sizeof(cmp));
        fprintf(fp, "\nAgainst the baseline: %s.", cmp);
    }
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
    if (s->connections)
        fprintf(fp,
                "TCP/TLS: %llu connection attempts; without a service: %llu refused, %llu "
                "filtered, %llu no SIP reply, %llu TLS handshake failed%s\n",
                (unsigned long long)s->connections, (unsigned long long)s->conn_refused,
                (unsigned long long)s->conn_filtered, (unsigned long long)s->conn_no_reply,
                (unsigned long long)s->tls_failed, s->ws_no_upgrade ? "," : "");
    if (s->connections && s->ws_no_upgrade)
        fprintf(fp, "  %llu without a WebSocket upgrade\n", (unsigned long long)s->ws_no_upgrade);
    return ferror(fp) ? -1 : 0;
}

const sp__writer_type sp__writer_text = {
    .name = "text",
    .description =
        "aligned table, findings with evidence and advice, summary (default on a terminal)",
    .streaming = 0,
    .end = text_end,
};
