#include "match/token.h"

#include "match/siphash.h"

#include <string.h>

static const char hexdig[] = "0123456789abcdef";

static size_t serialize(const sp__probe_id *id, uint8_t *buf)
{
    size_t n = 0, alen = id->addr.family == 4 ? 4 : 16;
    buf[n++] = id->addr.family;
    memcpy(buf + n, id->addr.bytes, alen);
    n += alen;
    buf[n++] = (uint8_t)(id->port >> 8);
    buf[n++] = (uint8_t)id->port;
    buf[n++] = id->transport;
    buf[n++] = id->probe;
    buf[n++] = id->attempt;
    buf[n++] = (uint8_t)(id->sent_ms >> 24);
    buf[n++] = (uint8_t)(id->sent_ms >> 16);
    buf[n++] = (uint8_t)(id->sent_ms >> 8);
    buf[n++] = (uint8_t)id->sent_ms;
    buf[n++] = (uint8_t)(id->ext >> 24);
    buf[n++] = (uint8_t)(id->ext >> 16);
    buf[n++] = (uint8_t)(id->ext >> 8);
    buf[n++] = (uint8_t)id->ext;
    return n;
}

size_t sp__token_encode(const uint8_t key[16], const sp__probe_id *id, char *out, size_t cap,
                        uint64_t *mac)
{
    uint8_t buf[32];
    size_t n = serialize(id, buf);
    uint64_t m = sp__siphash24(key, buf, n);
    if (cap < n * 2 + 1 + 16 + 1)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        out[k++] = hexdig[buf[i] >> 4];
        out[k++] = hexdig[buf[i] & 15];
    }
    out[k++] = '.';
    for (int i = 15; i >= 0; i--)
        out[k++] = hexdig[(m >> (4 * i)) & 15];
    out[k] = '\0';
    if (mac)
        *mac = m;
    return k;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int sp__token_decode(const uint8_t key[16], const char *s, size_t len, sp__probe_id *id,
                     uint64_t *mac)
{
    const char *dot = memchr(s, '.', len);
    if (!dot)
        return 0;
    size_t plen = (size_t)(dot - s);
    /* Anything after the MAC (such as "@host") is ignored. */
    if (len - plen - 1 < 16 || plen % 2 || (plen != 2 * 18 && plen != 2 * 30))
        return 0;
    uint8_t buf[32];
    size_t n = plen / 2;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return 0;
        buf[i] = (uint8_t)(hi << 4 | lo);
    }
    uint64_t m = 0;
    for (size_t i = 0; i < 16; i++) {
        int v = hexval(dot[1 + i]);
        if (v < 0)
            return 0;
        m = (m << 4) | (uint64_t)v;
    }
    if ((buf[0] == 4 && n != 18) || (buf[0] == 6 && n != 30) || (buf[0] != 4 && buf[0] != 6))
        return 0;
    if (sp__siphash24(key, buf, n) != m)
        return 0;

    memset(id, 0, sizeof(*id));
    size_t alen = buf[0] == 4 ? 4 : 16, k = 1;
    id->addr.family = buf[0];
    memcpy(id->addr.bytes, buf + k, alen);
    k += alen;
    id->port = (uint16_t)(buf[k] << 8 | buf[k + 1]);
    k += 2;
    id->transport = buf[k++];
    id->probe = buf[k++];
    id->attempt = buf[k++];
    id->sent_ms = (uint32_t)buf[k] << 24 | (uint32_t)buf[k + 1] << 16 | (uint32_t)buf[k + 2] << 8 |
                  buf[k + 3];
    k += 4;
    id->ext = (uint32_t)buf[k] << 24 | (uint32_t)buf[k + 1] << 16 | (uint32_t)buf[k + 2] << 8 |
              buf[k + 3];
    if (mac)
        *mac = m;
    return 1;
}
