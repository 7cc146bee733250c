/* libFuzzer target: what a WebSocket peer sends, as sipprobe reads it: the
 * upgrade answer's head (transport/ws.c), then the frames that follow it
 * through a wslay session, fed a few bytes at a time as a stream would, with
 * its writes (pongs, the close) taken and dropped. */
#include "transport/ws.h"

#include <stdlib.h>
#include <string.h>

typedef struct feed {
    const uint8_t *p;
    size_t left, step;
    size_t messages;
    unsigned sum;
} feed;

static ssize_t feed_recv(void *io, uint8_t *buf, size_t len)
{
    feed *f = io;
    size_t k = len < f->left ? len : f->left;
    if (k > f->step)
        k = f->step;
    if (k == 0)
        return 0; /* would block: the stream has nothing more for now */
    memcpy(buf, f->p, k);
    f->p += k;
    f->left -= k;
    return (ssize_t)k;
}

static ssize_t feed_send(void *io, const uint8_t *buf, size_t len)
{
    (void)io;
    (void)buf;
    return (ssize_t)len;
}

static void feed_message(void *io, const char *buf, size_t len)
{
    feed *f = io;
    /* Touch every byte, as the reply check does. */
    for (size_t i = 0; i < len; i++)
        f->sum += (unsigned char)buf[i];
    f->messages++;
}

static const sp__ws_io ops = {feed_recv, feed_send, feed_message};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp__ws_answer a;
    size_t head = 0;
    int rc =
        sp__ws_answer_parse((const char *)data, size, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", &a, &head);
    if (rc == 1 && (a.status < 100 || a.status > 599 || head > size))
        abort();
    if (rc != 1)
        head = 0; /* the frames alone */
    feed f = {data + head, size - head, size ? 1 + data[0] % 64 : 1, 0, 0};
    sp__ws_session *ws = sp__ws_session_new(&ops, &f);
    if (!ws)
        return 0;
    sp__ws_session_queue_text(ws, "OPTIONS sip:x SIP/2.0\r\n\r\n", 25);
    for (int turns = 0; turns < 4096 && f.left; turns++)
        if (sp__ws_session_pump(ws))
            break;
    sp__ws_session_free(ws);
    return 0;
}
