/* SIP ALG detection with a cooperating reflector (as sip-alg-detector does):
 * the client sends requests carrying its own (private) address in Via,
 * Contact and SDP; the reflector answers with exactly what it received,
 * hex-encoded so that no ALG can rewrite it; the client diffs.
 *
 * The reflector must never become a DDoS amplifier: it answers only
 * requests carrying the shared token, never with more bytes than the
 * request had (the client pads its requests), and at most a few replies per
 * second to any source. */
#ifndef SP_ALG_H
#define SP_ALG_H

#include "model/service.h"
#include "sip/framing.h"
#include "common/util.h"

#include <stddef.h>
#include <stdint.h>

/* The lines of a SIP message an ALG rewrites and we compare: the request
 * line, Via, From, To, Contact, Record-Route, Max-Forwards, and the SDP
 * c=, o= and m= lines; one per line, CRLF removed. */
void sp__alg_subset(const char *msg, size_t len, sp__buf *out);

/* Builds the reflector's reply to req: 200 OK (603 to INVITE, so that no
 * dialog starts) echoing the subset hex-encoded in the body. Returns 0, or
 * -1 when the token is missing or wrong or the reply would be larger than
 * the request (an amplifier); then nothing must be sent. */
int sp__alg_reply(const char *req, size_t len, const char *token, sp__buf *reply);

/* Decodes the echo in a reflector's reply into out. Returns 0 or -1. */
int sp__alg_decode(const char *reply, size_t len, sp__buf *out);

/* Compares the subset sent with the subset the reflector received and
 * appends one evidence line per difference. Returns the number of
 * differences (0: nothing on the path rewrote the message). */
size_t sp__alg_diff(const char *sent, const char *received, const char *transport,
                    sp__strv *evidence);

/* The reflector's framing of a TCP stream (sp__frame with its connection
 * buffer as the limit): Content-Length in full or compact form. */
sp__frame_rc sp__alg_frame(const char *buf, size_t len, size_t *start, size_t *msg_len);

/* Runs the client side against host:port over UDP (tcp = 0) or TCP: an
 * INVITE with SDP and a REGISTER. On success returns a service record (the
 * reflector) whose findings hold sip-alg-detected with the diff, or none.
 * timeout_ms bounds each exchange. */
int sp__alg_check(const char *host, uint16_t port, int tcp, const char *token,
                  const char *user_agent, unsigned timeout_ms, sp__svc **out, char *err,
                  size_t errlen);

#endif
