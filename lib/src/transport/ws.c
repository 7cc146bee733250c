#include "transport/ws.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <wslay/wslay.h>

const char *const sp__ws_default_paths[SP__WS_N_PATHS] = {"/ws", "/", "/sip", "/wss"};

static void base64(const uint8_t *in, size_t n, char *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = tab[(v >> 18) & 63];
        out[o++] = tab[(v >> 12) & 63];
        out[o++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? tab[v & 63] : '=';
    }
    out[o] = '\0';
}

size_t sp__ws_request(const char *host, const char *path, const char *user_agent, char *out,
                      size_t cap, char accept[29])
{
    uint8_t raw[16];
    if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
        return 0;
    char key[25];
    base64(raw, sizeof(raw), key);
    /* RFC 6455 4.2.2: the accept value is base64(SHA-1(key + this GUID)). */
    char cat[64];
    snprintf(cat, sizeof(cat), "%s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", key);
    uint8_t digest[SHA_DIGEST_LENGTH];
    SHA1((const unsigned char *)cat, strlen(cat), digest);
    base64(digest, sizeof(digest), accept);
    int n = snprintf(out, cap,
                     "GET %s HTTP/1.1\r\n"
                     "Host: %s\r\n"
                     "Upgrade: websocket\r\n"
                     "Connection: Upgrade\r\n"
                     "Sec-WebSocket-Key: %s\r\n"
                     "Sec-WebSocket-Version: 13\r\n"
                     "Sec-WebSocket-Protocol: sip\r\n"
                     "%s%s%s"
                     "\r\n",
                     path, host, key, user_agent && *user_agent ? "User-Agent: " : "",
                     user_agent && *user_agent ? user_agent : "",
                     user_agent && *user_agent ? "\r\n" : "");
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* The value of header name in a head line, trimmed, or NULL. */
static const char *header_value(const char *line, size_t len, const char *name, size_t *vlen)
{
    size_t nl = strlen(name);
    if (len <= nl || strncasecmp(line, name, nl) || line[nl] != ':')
        return NULL;
    const char *v = line + nl + 1, *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    *vlen = (size_t)(end - v);
    return v;
}

int sp__ws_answer_parse(const char *buf, size_t len, const char *accept, sp__ws_answer *out,
                        size_t *head_len)
{
    memset(out, 0, sizeof(*out));
    size_t scan = len < SP__WS_MAX_HEAD ? len : SP__WS_MAX_HEAD;
    const char *end = NULL;
    for (size_t i = 0; i + 3 < scan; i++)
        if (!memcmp(buf + i, "\r\n\r\n", 4)) {
            end = buf + i;
            break;
        }
    if (len >= 5 && memcmp(buf, "HTTP/", 5))
        return -1;
    if (!end)
        return len >= SP__WS_MAX_HEAD ? -1 : 0;
    *head_len = (size_t)(end - buf) + 4;
    /* "HTTP/1.1 101 Switching Protocols" */
    const char *sp = memchr(buf, ' ', (size_t)(end - buf));
    if (!sp || end - sp < 4 || sp[1] < '1' || sp[1] > '5' || sp[2] < '0' || sp[2] > '9' ||
        sp[3] < '0' || sp[3] > '9')
        return -1;
    out->status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
    int upgrade = 0, accepted = 0;
    for (const char *line = memchr(buf, '\n', (size_t)(end - buf)); line && line < end;) {
        line++;
        const char *eol = memchr(line, '\r', (size_t)(end - line) + 1);
        size_t ll = eol ? (size_t)(eol - line) : (size_t)(end - line);
        size_t vl;
        const char *v;
        if ((v = header_value(line, ll, "Server", &vl))) {
            size_t k = vl < sizeof(out->server) - 1 ? vl : sizeof(out->server) - 1;
            memcpy(out->server, v, k);
            out->server[k] = '\0';
            for (size_t i = 0; i < k; i++) /* a header is text: control bytes never pass */
                if ((unsigned char)out->server[i] < 0x20 || out->server[i] == 0x7f)
                    out->server[i] = '?';
        } else if ((v = header_value(line, ll, "Upgrade", &vl))) {
            upgrade = vl == 9 && !strncasecmp(v, "websocket", 9);
        } else if ((v = header_value(line, ll, "Sec-WebSocket-Accept", &vl))) {
            accepted = vl == strlen(accept) && !memcmp(v, accept, vl);
        } else if ((v = header_value(line, ll, "Sec-WebSocket-Protocol", &vl))) {
            out->sip = vl == 3 && !strncasecmp(v, "sip", 3);
        }
        line = eol ? memchr(eol, '\n', (size_t)(end - eol) + 1) : NULL;
    }
    out->upgraded = out->status == 101 && upgrade && accepted;
    return 1;
}

/* ---- Framing with wslay ---- */

struct sp__ws_session {
    wslay_event_context_ptr ctx;
    const sp__ws_io *ops;
    void *io;
    unsigned control; /* pings, pongs and closes received */
    int over;
};

static ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *data)
{
    (void)flags;
    sp__ws_session *ws = data;
    ssize_t n = ws->ops->recv(ws->io, buf, len);
    if (n <= 0)
        wslay_event_set_error(ctx, n == 0 ? WSLAY_ERR_WOULDBLOCK : WSLAY_ERR_CALLBACK_FAILURE);
    return n > 0 ? n : -1;
}

static ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t *buf, size_t len, int flags,
                       void *data)
{
    (void)flags;
    sp__ws_session *ws = data;
    ssize_t n = ws->ops->send(ws->io, buf, len);
    if (n <= 0)
        wslay_event_set_error(ctx, n == 0 ? WSLAY_ERR_WOULDBLOCK : WSLAY_ERR_CALLBACK_FAILURE);
    return n > 0 ? n : -1;
}

static int on_mask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *data)
{
    (void)ctx;
    (void)data;
    return getrandom(buf, len, 0) == (ssize_t)len ? 0 : -1;
}

static void on_message(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg,
                       void *data)
{
    (void)ctx;
    sp__ws_session *ws = data;
    if (arg->opcode == WSLAY_TEXT_FRAME || arg->opcode == WSLAY_BINARY_FRAME) {
        ws->ops->message(ws->io, (const char *)arg->msg, arg->msg_length);
        return;
    }
    /* wslay answers pings itself; a peer that keeps pinging is cut off. */
    if (++ws->control > SP__WS_MAX_CONTROL)
        ws->over = 1;
}

sp__ws_session *sp__ws_session_new(const sp__ws_io *ops, void *io)
{
    sp__ws_session *ws = calloc(1, sizeof(*ws));
    if (!ws)
        return NULL;
    ws->ops = ops;
    ws->io = io;
    struct wslay_event_callbacks cb = {on_recv, on_send, on_mask, NULL, NULL, NULL, on_message};
    if (wslay_event_context_client_init(&ws->ctx, &cb, ws) != 0) {
        free(ws);
        return NULL;
    }
    /* A huge message, or endless fragments of one, ends the session there. */
    wslay_event_config_set_max_recv_msg_length(ws->ctx, SP__WS_MAX_MESSAGE);
    return ws;
}

void sp__ws_session_free(sp__ws_session *ws)
{
    if (!ws)
        return;
    wslay_event_context_free(ws->ctx);
    free(ws);
}

int sp__ws_session_queue_text(sp__ws_session *ws, const char *buf, size_t len)
{
    struct wslay_event_msg msg = {WSLAY_TEXT_FRAME, (const uint8_t *)buf, len};
    return wslay_event_queue_msg(ws->ctx, &msg) == 0 ? 0 : -1;
}

int sp__ws_session_pump(sp__ws_session *ws)
{
    if (wslay_event_want_read(ws->ctx) && wslay_event_recv(ws->ctx) != 0)
        return 1;
    if (ws->over)
        return 1;
    if (wslay_event_want_write(ws->ctx) && wslay_event_send(ws->ctx) != 0)
        return 1;
    /* A close received (and answered), or a message too big: over. */
    if (!wslay_event_get_read_enabled(ws->ctx))
        return 1;
    return 0;
}

int sp__ws_session_want_write(const sp__ws_session *ws)
{
    return wslay_event_want_write(ws->ctx);
}
