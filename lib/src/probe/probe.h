/* Probes: one module per request type behind a table of callbacks, listed
 * in one registry. Each probe's request is built once per scan with
 * libosip2 into a template whose per-target fields (target, local address,
 * token) are then filled in by copying, so the send loop never re-parses. */
#ifndef SP_PROBE_H
#define SP_PROBE_H

#include "sip/sipmsg.h"

#include <stddef.h>
#include <stdint.h>

/* Values common to every probe of a scan. */
typedef struct sp__probe_params {
    const char *from_user;
    const char *to_user;
    const char *user_agent;
    int transport; /* sp_transport: names the Via transport */
} sp__probe_params;

/* Markers that libosip2 carries through unchanged and we replace later. */
#define SP__MARK_TARGET "ZZspTARGETZZ"
#define SP__MARK_LOCAL "ZZspLOCALZZ"
#define SP__MARK_MAC "ZZspMACZZ"
#define SP__MARK_CALLID "ZZspCALLIDZZ"
#define SP__MARK_USER "ZZspUSERZZ"
#define SP__MARK_HOST "ZZspHOSTZZ"

typedef struct sp__probe_type {
    const char *name;
    const char *description;
    /* Fills the method-specific parts of spec. Strings it writes live in
     * scratch (4 buffers of 256 bytes). */
    void (*fill)(const sp__probe_params *params, sp__request_spec *spec, char scratch[4][256]);
} sp__probe_type;

extern const sp__probe_type sp__probe_options;
extern const sp__probe_type sp__probe_register;

/* The registry, in listing order. Indices are stable within a build and are
 * carried in tokens. */
const sp__probe_type *sp__probe_get(size_t index);
/* Index of a probe by (case-insensitive) name, or -1. */
int sp__probe_find(const char *name);
#define SP__MAX_PROBES 8
/* The largest probe, over any transport: our requests are about 400 bytes;
 * this bounds what user-supplied strings (user agent, users) can add, and
 * keeps a UDP probe below a typical MTU. */
#define SP__PROBE_MAX 1400

typedef enum {
    SP__SEG_LIT,
    SP__SEG_TARGET,
    SP__SEG_LOCAL,
    SP__SEG_MAC,
    SP__SEG_CALLID,
    SP__SEG_USER,
    SP__SEG_HOST
} sp__seg_kind;

typedef struct sp__template {
    char *text; /* the libosip2-built request, markers included */
    struct {
        uint8_t kind;
        uint32_t off, len; /* literal slice of text, for SP__SEG_LIT */
    } seg[32];
    size_t n_seg;
} sp__template;

/* A value and its length: a fill copies it without measuring it again
 * (strlen on every field was a fifth of building a probe). */
typedef struct sp__field {
    const char *s;
    size_t n;
} sp__field;
#define SP__FIELD(literal) ((sp__field){literal, sizeof(literal) - 1})

/* Per-probe values for a template fill. */
typedef struct sp__probe_fields {
    sp__field target; /* "127.0.0.1:5060" or "[::1]:5060" */
    sp__field local;  /* our address and port */
    sp__field mac;    /* 16 hex digits */
    sp__field call_id;
    sp__field user; /* the user the request is addressed to (To, R-URI) */
    sp__field host; /* the target address alone, for To ("[v6]" bracketed) */
} sp__probe_fields;

/* Builds a template with libosip2. Returns 0 or -1 (a value libosip2 refused). */
int sp__template_build(sp__template *t, const sp__probe_type *type, const sp__probe_params *params);
void sp__template_free(sp__template *t);
/* Writes the probe into out; returns its length, or 0 if cap is too small. */
size_t sp__template_fill(const sp__template *t, const sp__probe_fields *f, char *out, size_t cap);

#endif
