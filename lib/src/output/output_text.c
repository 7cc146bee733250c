/* Text writer: an aligned table of services, then the findings above info
 * with their evidence, then a summary line. Everything that came off the
 * network is made printable first: a banner must not drive the terminal. */
#include "output/report.h"
#include "output/writer.h"

#include <stdlib.h>
#include <string.h>

#define COL_MAX 40

/* Display width of UTF-8 text, counting code points (close enough for banners). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            w++;
    return w;
}

/* Printable text cut to at most max code points, the cut marked with '~'. */
static void cell(sp__buf *b, const char *raw, size_t max)
{
    sp__buf tmp;
    sp__buf_init(&tmp);
    sp__buf_printable(&tmp, raw ? raw : "-");
    const char *s = sp__buf_cstr(&tmp);
    size_t w = 0, i = 0;
    int cut = width(s) > max;
    for (; s[i]; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80 && ++w > (cut ? max - 1 : max))
            break;
    sp__buf_append(b, s, i);
    if (cut)
        sp__buf_puts(b, "~");
    sp__buf_cstr(b);
    sp__buf_free(&tmp);
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

/* One row of the device table: three columns, the last wrapped at ", "
 * to the width left (continuation lines indented to its column). */
typedef struct row {
    sp__buf c[3];
    int sev_col; /* the middle column holds a severity word (coloured) */
} row;

static void put_cell(FILE *fp, const char *s, size_t w, int color)
{
    const char *code = color ? sev_ansi(s) : NULL;
    if (code)
        fprintf(fp, "%s%s\033[0m", code, s);
    else
        fputs(s, fp);
    for (size_t i = width(s); i < w + 2; i++)
        fputc(' ', fp);
}

static void put_wrapped(FILE *fp, const char *s, size_t indent, size_t avail)
{
    size_t w = 0;
    const char *p = s;
    while (*p) {
        /* The next item of a ", " list (a finding id), or the rest. */
        const char *comma = strstr(p, ", ");
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char piece[512];
        snprintf(piece, sizeof(piece), "%.*s%s", (int)len, p, comma ? "," : "");
        size_t pw = width(piece);
        if (w > 0 && avail && w + 1 + pw > avail) {
            fprintf(fp, "\n%*s", (int)indent, "");
            w = 0;
        } else if (w > 0) {
            fputc(' ', fp);
            w++;
        }
        fputs(piece, fp);
        w += pw;
        p += len + (comma ? 2 : 0);
    }
    fputc('\n', fp);
}

/* The services of one host: a line for the device (its address, worst
 * severity, product), then one per service (port/transport, answers,
 * findings above info). */
static size_t host_rows(const sp_service *const *all, size_t n, size_t i, row *rows, size_t *nrows,
                        size_t prod_max)
{
    size_t j = i;
    sp_severity worst = SP_SEV_NONE;
    while (j < n && !strcmp(all[j]->host, all[i]->host)) {
        if ((int)all[j]->max_severity > (int)worst)
            worst = all[j]->max_severity;
        j++;
    }
    char tmp[256];
    row *h = &rows[(*nrows)++];
    for (int c = 0; c < 3; c++)
        sp__buf_init(&h->c[c]);
    cell(&h->c[0], all[i]->host, COL_MAX);
    cell(&h->c[1], worst == SP_SEV_NONE ? "-" : sp_severity_name(worst), COL_MAX);
    h->sev_col = 1;
    /* The device is what its services say it is; differing products are listed. */
    sp__buf prod;
    sp__buf_init(&prod);
    for (size_t k = i; k < j; k++) {
        sp__service_product(all[k], tmp, sizeof(tmp));
        if (!tmp[0] || (prod.len && strstr(sp__buf_cstr(&prod), tmp)))
            continue;
        if (all[k]->fingerprint && all[k]->fingerprint->type)
            snprintf(tmp + strlen(tmp), sizeof(tmp) - strlen(tmp), " (%s)",
                     all[k]->fingerprint->type);
        sp__buf_printf(&prod, "%s%s", prod.len ? "; " : "", tmp);
    }
    cell(&h->c[2], prod.len ? sp__buf_cstr(&prod) : "-", prod_max);
    sp__buf_free(&prod);
    for (size_t k = i; k < j; k++) {
        const sp_service *v = all[k];
        row *r = &rows[(*nrows)++];
        for (int c = 0; c < 3; c++)
            sp__buf_init(&r->c[c]);
        snprintf(tmp, sizeof(tmp), "  %u/%s", v->port, sp_transport_name(v->transport));
        cell(&r->c[0], tmp, COL_MAX);
        sp__buf st;
        sp__buf_init(&st);
        if (v->role) /* from a capture: what the endpoint was seen doing */
            sp__buf_printf(&st, "[%s]%s", v->role, v->n_replies ? " " : "");
        for (size_t x = 0; x < v->n_replies; x++) {
            const sp_reply *rp = &v->replies[x];
            if (v->n_replies == 1)
                sp__buf_printf(&st, "%d %s", rp->status, rp->reason ? rp->reason : "");
            else
                sp__buf_printf(&st, "%s%s:%d", x ? " " : "", rp->method, rp->status);
        }
        if (v->responder_differs)
            sp__buf_printf(&st, " from %s", v->responder);
        cell(&r->c[1], sp__buf_cstr(&st), 64);
        sp__buf_free(&st);
        sp__buf f;
        sp__buf_init(&f);
        for (size_t x = 0; x < v->n_findings; x++)
            if (v->findings[x].severity > SP_SEV_INFO)
                sp__buf_printf(&f, "%s%s", f.len ? ", " : "", v->findings[x].id);
        sp__buf_printable(&r->c[2], f.len ? sp__buf_cstr(&f) : "-");
        sp__buf_cstr(&r->c[2]);
        sp__buf_free(&f);
    }
    return j;
}

static void device_table(FILE *fp, const sp__scan_meta *meta, const sp_service *const *all,
                         size_t n)
{
    static const char *const head[3] = {"HOST / SERVICE", "WORST / ANSWERS", "PRODUCT / FINDINGS"};
    if (!n) {
        fputs("No SIP service answered.\n", fp);
        return;
    }
    row *rows = calloc(2 * n + 1, sizeof(*rows));
    if (!rows)
        return;
    size_t nrows = 0;
    size_t prod_max = meta->columns > 40 ? meta->columns - 30 : 200;
    for (size_t i = 0; i < n;)
        i = host_rows(all, n, i, rows, &nrows, prod_max);
    size_t w[2] = {strlen(head[0]), strlen(head[1])};
    for (size_t r = 0; r < nrows; r++)
        for (int c = 0; c < 2; c++)
            if (width(sp__buf_cstr(&rows[r].c[c])) > w[c])
                w[c] = width(sp__buf_cstr(&rows[r].c[c]));
    /* On a narrow terminal the answers column gives way first. */
    size_t indent = w[0] + 2 + w[1] + 2;
    /* The findings column needs room for its longest id. */
    if (meta->columns && indent + 26 > meta->columns && w[1] > 16) {
        size_t cut = indent + 26 - meta->columns;
        w[1] = w[1] > cut + 16 ? w[1] - cut : 16;
        for (size_t r = 0; r < nrows; r++) {
            if (width(sp__buf_cstr(&rows[r].c[1])) <= w[1])
                continue;
            sp__buf t;
            sp__buf_init(&t);
            cell(&t, sp__buf_cstr(&rows[r].c[1]), w[1]);
            sp__buf_free(&rows[r].c[1]);
            rows[r].c[1] = t;
        }
        indent = w[0] + 2 + w[1] + 2;
    }
    size_t avail = meta->columns > indent ? meta->columns - indent : 0;
    put_cell(fp, head[0], w[0], 0);
    put_cell(fp, head[1], w[1], 0);
    fprintf(fp, "%s\n", head[2]);
    for (size_t r = 0; r < nrows; r++) {
        put_cell(fp, sp__buf_cstr(&rows[r].c[0]), w[0], 0);
        put_cell(fp, sp__buf_cstr(&rows[r].c[1]), w[1], meta->color && rows[r].sev_col);
        if (rows[r].sev_col && avail) { /* the product: cut to the width left */
            sp__buf t;
            sp__buf_init(&t);
            cell(&t, sp__buf_cstr(&rows[r].c[2]), avail);
            fprintf(fp, "%s\n", sp__buf_cstr(&t));
            sp__buf_free(&t);
        } else {
            put_wrapped(fp, sp__buf_cstr(&rows[r].c[2]), indent, avail);
        }
        for (int c = 0; c < 3; c++)
            sp__buf_free(&rows[r].c[c]);
    }
    free(rows);
}

typedef struct text_groups {
    FILE *fp;
    int *header;
    int color;
} text_groups;

static int same_evidence(const sp_finding *a, const sp_finding *b)
{
    if (a->n_evidence != b->n_evidence || a->n_evidence == 0 ||
        (a->accepted != NULL) != (b->accepted != NULL))
        return 0;
    for (size_t e = 0; e < a->n_evidence; e++)
        if (strcmp(a->evidence[e], b->evidence[e]) != 0)
            return 0;
    return 1;
}

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
        /* Evidence the same as an earlier service's of this finding (the same
         * device over UDP, TCP and TLS) is shown once and referred to. */
        size_t same = i;
        for (size_t k = 0; k < i && same == i; k++)
            if (same_evidence(hits[k].f, hits[i].f))
                same = k;
        if (same != i) {
            char first[96];
            sp__service_address(hits[same].svc, first, sizeof(first));
            sp__buf_printf(&b, "the same as %s\n", first);
            fputs(sp__buf_cstr(&b), tg->fp);
            sp__buf_free(&b);
            continue;
        }
        for (size_t e = 0; e < hits[i].f->n_evidence; e++) {
            if (e)
                sp__buf_printf(&b, "\n  %*s", col, "");
            sp__buf_printable(&b, hits[i].f->evidence[e]);
        }
        if (hits[i].f->accepted) {
            sp__buf_printf(&b, "\n  %*s(", col, "");
            sp__buf_printable(&b, hits[i].f->accepted);
            sp__buf_puts(&b, ")");
        }
        sp__buf_puts(&b, "\n");
        fputs(sp__buf_cstr(&b), tg->fp);
        sp__buf_free(&b);
    }
    fprintf(tg->fp, "  fix: %s\n", info->remediation);
}

/* Info findings in one line, each with how many services have it (-v lists them). */
static void info_summary(FILE *fp, const sp_service *const *all, size_t n)
{
    int any = 0;
    for (size_t c = 0; sp_finding_catalogue(c); c++) {
        const sp_finding_info *info = sp_finding_catalogue(c);
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < all[i]->n_findings; j++)
                k += all[i]->findings[j].severity == SP_SEV_INFO &&
                     !strcmp(all[i]->findings[j].id, info->id);
        if (!k)
            continue;
        fprintf(fp, "%s%s (%zu)", any ? ", " : "\nInfo: ", info->id, k);
        any = 1;
    }
    if (any)
        fputs(" (-v lists them)\n", fp);
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
        /* One certificate on many services (a device over several ports) is shown once. */
        size_t first = i;
        for (size_t k = 0; k < i && first == i; k++)
            if (all[k]->tls && all[k]->tls->sha256 && t->sha256 &&
                !strcmp(all[k]->tls->sha256, t->sha256))
                first = k;
        if (first != i) {
            char other[160];
            sp__service_address(all[first], other, sizeof(other));
            fprintf(fp, "\n%s\n  the same certificate as %s\n", addr, other);
            continue;
        }
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

/* A report of stored results: what did not fit, and who saw each service. */
static void report_sections(FILE *fp, const sp__scan_meta *meta, const sp_service *const *all,
                            size_t n)
{
    sp__buf b;
    sp__buf_init(&b);
    if (meta->warnings && meta->warnings->n) {
        fputs("\nWarnings\n", fp);
        for (size_t i = 0; i < meta->warnings->n; i++) {
            sp__buf_reset(&b);
            sp__buf_printable(&b, meta->warnings->v[i]);
            fprintf(fp, "  %s\n", sp__buf_cstr(&b));
        }
    }
    if (meta->results && n) {
        fputs("\nSeen from\n", fp);
        for (size_t i = 0; i < n; i++) {
            char where[96], from[512];
            sp__service_address(all[i], where, sizeof(where));
            sp__service_vantages(all[i], from, sizeof(from));
            sp__buf_reset(&b);
            sp__buf_printable(&b, from);
            fprintf(fp, "  %-24s %s (%zu observation%s)\n", where, sp__buf_cstr(&b),
                    all[i]->n_observations, all[i]->n_observations == 1 ? "" : "s");
        }
    }
    sp__buf_free(&b);
}

/* A titled list of network text ("host:port/udp finding-id"), if any. */
static void text_list(FILE *fp, const char *title, const sp__strv *v)
{
    if (!v || !v->n)
        return;
    fprintf(fp, "\n%s\n", title);
    sp__buf b;
    sp__buf_init(&b);
    for (size_t i = 0; i < v->n; i++) {
        sp__buf_reset(&b);
        sp__buf_printable(&b, v->v[i]);
        fprintf(fp, "  %s\n", sp__buf_cstr(&b));
    }
    sp__buf_free(&b);
}

static int text_end(sp__writer *w, const sp__scan_meta *meta, const sp_service *const *all,
                    size_t n)
{
    FILE *fp = w->fp;
    device_table(fp, meta, all, n);

    tls_section(fp, all, n);
    report_sections(fp, meta, all, n);

    /* Findings above info, most severe first, grouped by finding so the
     * advice is given once, with each affected service and its evidence. */
    int header = 0;
    text_groups tg = {fp, &header, meta->color};
    sp__each_finding_group(all, n, meta->verbose ? SP_SEV_INFO : SP_SEV_LOW, text_group, &tg);
    if (!meta->verbose)
        info_summary(fp, all, n);

    text_list(fp, "Fixed since the baseline", meta->fixed);
    text_list(fp, "Not seen this time (the service did not answer; not counted as fixed)",
              meta->not_seen);
    const sp_summary *s = meta->summary;
    if (meta->fixed) {
        char cmp[200];
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
