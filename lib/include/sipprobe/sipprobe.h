/*
 * sipprobe.h - the public API of libsipprobe, a stateless SIP service scanner.
 *
 * One scan is one sp_scan handle: create it, call setters (targets, ports,
 * probe methods, rate, outputs), run it, read the summary, free it.
 * The library never prints, never exits and never touches global state
 * beyond a one-time libosip2 parser initialisation; it reports through return
 * codes, a detailed message per handle (sp_scan_errmsg) and callbacks.
 *
 * Ownership: every pointer the library hands to a callback is valid for the
 * duration of that callback only. Strings returned by sp_*_name() functions
 * are static. Nothing returned needs freeing unless a function says so.
 */
#ifndef SIPPROBE_SIPPROBE_H
#define SIPPROBE_SIPPROBE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SP_API __attribute__((visibility("default")))
#else
#define SP_API
#endif

#define SP_VERSION "0.1.0"

/* Error codes. This list only ever grows: new codes go last. */
#define SP_ERROR_LIST(X)                                                                           \
    X(SP_OK, "no error")                                                                           \
    X(SP_ENOMEM, "out of memory")                                                                  \
    X(SP_EINVAL, "invalid argument")                                                               \
    X(SP_ETARGET, "malformed target")                                                              \
    X(SP_EPORT, "malformed port list")                                                             \
    X(SP_EMETHOD, "unknown probe method")                                                          \
    X(SP_EFORMAT, "unknown output format")                                                         \
    X(SP_EIO, "input/output error")                                                                \
    X(SP_ESOCKET, "socket error")                                                                  \
    X(SP_ERESOLVE, "host name did not resolve")                                                    \
    X(SP_ETOOBIG, "target set too large")                                                          \
    X(SP_EDATA, "malformed data file")                                                             \
    X(SP_ENOTARGETS, "no targets to scan")                                                         \
    X(SP_ESTATE, "call not allowed in this state")                                                 \
    X(SP_EUPLOAD, "upload failed")

typedef enum {
#define SP__ENUM(code, text) code,
    SP_ERROR_LIST(SP__ENUM)
#undef SP__ENUM
        SP__ERROR_COUNT
} sp_code;

/* Static, human-readable text for an error code. */
SP_API const char *sp_strerror(sp_code code);

/* Severities of findings, in increasing order. */
typedef enum {
    SP_SEV_INFO = 0,
    SP_SEV_LOW,
    SP_SEV_MEDIUM,
    SP_SEV_HIGH,
    SP_SEV_CRITICAL,
    SP_SEV_NONE = -1 /* "no finding": used for --fail-on never */
} sp_severity;

/* "info", "low", ... Static string; "none" for SP_SEV_NONE. */
SP_API const char *sp_severity_name(sp_severity sev);
/* Parse a severity name; returns SP_EINVAL for an unknown name. "never" gives SP_SEV_NONE. */
SP_API sp_code sp_severity_parse(const char *name, sp_severity *out);

typedef enum {
    SP_TRANSPORT_UDP = 0,
    SP_TRANSPORT_TCP = 1,
    SP_TRANSPORT_TLS = 2,
    SP_TRANSPORT_WS = 3, /* SIP over WebSocket (RFC 7118) */
    SP_TRANSPORT_WSS = 4 /* ... over TLS */
} sp_transport;
/* "udp", "tcp", "tls". */
SP_API const char *sp_transport_name(sp_transport t);

/* What the TLS handshake showed: the evidence behind the tls-* findings. The
 * certificate is recorded, never verified (scanners must see self-signed
 * devices). Times are ISO 8601 UTC. */
/* The HTTP upgrade a WebSocket (ws, wss) service answered. */
typedef struct sp_websocket_info {
    const char *path;   /* the request path that upgraded ("/ws") */
    int status;         /* the HTTP status of the answer (101) */
    const char *server; /* its Server header, or NULL */
} sp_websocket_info;

typedef struct sp_tls_info {
    const char *version; /* negotiated protocol: "TLSv1.3", "TLSv1", ... */
    const char *cipher;
    const char *subject; /* one-line RFC 2253 names */
    const char *issuer;
    const char *const *sans; /* subjectAltName DNS names, IP addresses and URIs */
    size_t n_sans;
    const char *not_before;
    const char *not_after;
    int expired;          /* not_after is in the past (or not_before in the future) */
    int self_signed;      /* issued by itself, and its signature checks with its own key */
    const char *key_type; /* "RSA", "EC", ... */
    int key_bits;
    const char *sha256; /* certificate fingerprint, hex with colons */
} sp_tls_info;

/* ---- The result model: one responding service (host, port, transport). ---- */

typedef struct sp_reply {
    const char *method;    /* probe that caused it: "OPTIONS", "REGISTER" */
    int status;            /* SIP status code, e.g. 200 */
    const char *reason;    /* reason phrase as received (may be "") */
    double rtt_ms;         /* time from send to receive */
    size_t bytes;          /* size of the reply datagram */
    size_t request_bytes;  /* size of the probe that caused it */
    int challenged;        /* 1 if a 401/407 carried a WWW-/Proxy-Authenticate challenge */
    const char *realm;     /* realm of that challenge, or NULL */
    const char *algorithm; /* its algorithm (e.g. "MD5"), or NULL */
    const char *qop;       /* its qop options (e.g. "auth"), or NULL */
} sp_reply;

typedef struct sp_fingerprint {
    const char *vendor;
    const char *product;
    const char *version; /* NULL when not visible */
    const char *type;    /* "pbx", "proxy", "phone", "ata", "gateway", "router", ... */
    const char *cpe;     /* CPE 2.3 string, or NULL */
    const char *rule;    /* id of the rule that matched */
} sp_fingerprint;

typedef struct sp_finding {
    const char *id; /* stable identifier, e.g. "register-without-auth" */
    sp_severity severity;
    const char *title;           /* one line */
    const char *const *evidence; /* lines from the replies that prove it */
    size_t n_evidence;
    const char *remediation; /* what to do about it */
    int is_new;              /* with a baseline: 1 new, 0 already there; -1 no baseline */
    const char
        *accepted; /* "accepted until 2027-06-30: reason" (sp_scan_set_accept_file), or NULL */
} sp_finding;

/* Extension enumeration results for one service (see sp_scan_set_extensions). */
typedef struct sp_enumeration {
    const char *baseline_user; /* the random, surely non-existent user */
    int baseline_status;       /* its answer; 0 when it got none */
    const char *baseline_reason;
    uint32_t total;                /* extensions tried */
    uint32_t answered;             /* extensions that got a final answer */
    int possible;                  /* 1: the server answers existing users differently */
    const char *const *extensions; /* the extensions that exist */
    size_t n_extensions;
    const char *note; /* how the verdict was reached, early stops */
} sp_enumeration;

/* A weak password the audit found (see sp_scan_set_password_audit). */
typedef struct sp_weak_password {
    const char *extension;
    const char *kind;      /* which candidate: "same as the extension", "passwords file line 12" */
    const char *algorithm; /* the digest algorithm the server accepted it with */
    const char *password;  /* NULL unless sp_scan_set_show_passwords(scan, 1) */
} sp_weak_password;

/* The opt-in active checks of one service: password audit and INVITE check. */
typedef struct sp_audit {
    int passwords_audited; /* 1: the password audit ran on this service */
    uint32_t extensions;   /* extensions it covered */
    uint32_t attempts;     /* authenticated attempts answered */
    const sp_weak_password *weak;
    size_t n_weak;
    int protection;              /* 1: the server began to refuse guesses; 0: not seen */
    const char *protection_note; /* how and when it refused, or NULL */
    const char *note;            /* why the audit ended early, or NULL */
    int invite_checked;          /* 1: the INVITE check ran */
    int invite_status;           /* the INVITE's final answer (0: none) */
    const char *invite_result;   /* "challenged", "routed", "accepted", "refused", "no answer" */
    const char *invite_note;     /* what was seen and how the call was ended */
} sp_audit;
/* One sighting of a service: which scan saw it, from where, when, and what
 * it answered. A service of one scan has one; `sipprobe report` (SP_MODE_REPORT)
 * merges the records of one service from several results and keeps every
 * sighting. The scan's identity is repeated here so that each ndjson line
 * says which scan and shard it came from. */
typedef struct sp_observation {
    const char *scan_id;    /* random per run, 16 hex digits */
    const char *vantage;    /* where the scan ran from (sp_scan_set_vantage; default host name) */
    const char *seen;       /* when the service was reported (ISO 8601 UTC) */
    const char *started;    /* when that scan started */
    const char *shard;      /* "I/N" ("1/1": not sharded) */
    uint64_t seed;          /* of the scan's permutation */
    const char *targets_id; /* digest of targets, excludes, ports, transports and methods */
    const char *version;    /* sipprobe version of that scan */
    const char *answer;     /* "OPTIONS 200, REGISTER 401" */
} sp_observation;

typedef struct sp_service {
    const char *host; /* probed address, text ("127.0.0.1", "::1") */
    uint16_t port;    /* probed port */
    sp_transport transport;
    const char *responder; /* "ip:port" / "[ip]:port" the replies came from */
    int responder_differs; /* 1 when the responder address is not the probed host */
    const sp_reply *replies;
    size_t n_replies;
    const char *server;     /* Server header, or NULL */
    const char *user_agent; /* User-Agent header, or NULL */
    const char *const *allow;
    size_t n_allow;
    const char *const *supported;
    size_t n_supported;
    const char *const *contacts; /* Contact URIs of the replies */
    size_t n_contacts;
    const char *const *vias; /* Via header values of the replies */
    size_t n_vias;
    const sp_fingerprint *fingerprint; /* NULL when nothing matched */
    const sp_finding *findings;
    size_t n_findings;
    sp_severity max_severity;          /* highest severity among findings, SP_SEV_NONE if none */
    const sp_enumeration *enumeration; /* NULL unless extensions were enumerated */
    const sp_tls_info *tls;            /* NULL unless the transport is TLS */
    const char *role; /* read from a capture: "registrar", "uas", "uac", joined by ","; else NULL */
    const sp_observation *observations; /* who saw it, when; none for a record built by hand */
    size_t n_observations;
    const sp_audit *audit;  /* NULL unless an active check (password audit, INVITE check) ran */
    const char *const *dns; /* DNS paths (NAPTR, SRV, A/AAAA) that led to this service */
    size_t n_dns;
    const sp_websocket_info *websocket; /* NULL unless the transport is ws or wss */
} sp_service;

/* ---- Catalogues: probes, outputs and findings known to this build. ---- */

/* Names and one-line descriptions, for --list-probes / --list-outputs.
 * Return NULL past the end. Static strings. */
SP_API const char *sp_probe_name(size_t index);
SP_API const char *sp_probe_description(size_t index);
SP_API const char *sp_output_name(size_t index);
SP_API const char *sp_output_description(size_t index);

typedef struct sp_finding_info {
    const char *id;
    sp_severity severity;
    const char *title;
    const char *remediation;
} sp_finding_info;
/* The catalogue of every finding this build can report; NULL past the end. */
SP_API const sp_finding_info *sp_finding_catalogue(size_t index);

/* ---- The scan handle. ---- */

typedef struct sp_scan sp_scan;

/* What a handle is for, fixed when it is created. Each setter below says
 * the modes it belongs to; called on a handle of another mode it fails
 * with SP_ESTATE and a message naming the setting. Setters that say
 * nothing (outputs, baseline, fail-on, upload, fingerprints, callbacks)
 * belong to every mode. */
typedef enum {
    SP_MODE_SCAN = 0,      /* probe targets over the network */
    SP_MODE_CAPTURE = 1,   /* inventory from captured traffic; sends nothing */
    SP_MODE_ALG_CHECK = 2, /* one exchange per transport with a sipprobe reflector */
    SP_MODE_REPORT = 3     /* merge stored results (json, ndjson) into one report; sends nothing */
} sp_mode;

/* A new handle for mode, with defaults: port 5060, OPTIONS, 500 probes/s,
 * 1 retry, 2000 ms final wait, random seed, user agent "sipprobe/VERSION".
 * Returns NULL when out of memory or for an unknown mode. Free with
 * sp_scan_free(). */
SP_API sp_scan *sp_scan_new_mode(sp_mode mode);
/* The same as sp_scan_new_mode(SP_MODE_SCAN). */
SP_API sp_scan *sp_scan_new(void);
/* The mode the handle was created for. */
SP_API sp_mode sp_scan_mode(const sp_scan *scan);
/* Frees the scan and everything it owns. NULL is harmless. */
SP_API void sp_scan_free(sp_scan *scan);

/* The detailed message of the last failed call on this handle ("" if none).
 * Valid until the next call on the handle. */
SP_API const char *sp_scan_errmsg(const sp_scan *scan);

/* ---- Settings of a network scan (SP_MODE_SCAN) ---- */

/* Targets: IPv4/IPv6 address, CIDR, range (a.b.c.d-e.f.g.h, a.b.c.d-N), host
 * name (resolved once, first address), each optionally with ":PORT"
 * ("[v6]:PORT" for IPv6). SP_ETARGET / SP_ERESOLVE name the bad token. A
 * domain without a port ("example.com", "sip:example.com", "sips:...") is
 * resolved as RFC 3263 says (NAPTR, SRV, A/AAAA) when the scan prepares;
 * one that gives nothing is logged as a warning and the scan goes on. */
SP_API sp_code sp_scan_add_target(sp_scan *scan, const char *spec);
/* Reads targets from a file, one per line, '#' starts a comment, "-" is stdin. */
SP_API sp_code sp_scan_add_targets_file(sp_scan *scan, const char *path);
/* Excludes take the same forms without ports (comma-separated lists allowed). */
SP_API sp_code sp_scan_add_exclude(sp_scan *scan, const char *spec);
SP_API sp_code sp_scan_add_excludes_file(sp_scan *scan, const char *path);

/* Default excludes (on by default): a target that covers special-purpose
 * space no unicast host can hold (0.0.0.0/8, 224.0.0.0/4, 240.0.0.0/4,
 * 255.255.255.255, ::, ff00::/8) without lying wholly inside such a block
 * leaves that block out; a target wholly inside one is probed as asked.
 * on = 0 probes every address given. */
SP_API sp_code sp_scan_set_default_excludes(sp_scan *scan, int on);
/* What the default excludes left out of the target set, "224.0.0.0/4
 * (multicast), 240.0.0.0/4 (reserved)", or "" for nothing; known after
 * sp_scan_address_count, sp_scan_probe_count or sp_scan_run. Valid until
 * the next call on the handle. */
SP_API const char *sp_scan_left_out(const sp_scan *scan);
/* The DNS server that RFC 3263 discovery of domain targets asks: "ADDR" or
 * "ADDR:PORT" (IPv4, port 53 by default). Unset: the system's resolv.conf.
 * Domains are resolved when the scan prepares, so the order of this and
 * sp_scan_add_target does not matter. SP_EINVAL for a malformed address. */
SP_API sp_code sp_scan_set_dns_server(sp_scan *scan, const char *addr);

/* "5060,5080,5060-5070"; replaces the default ports (5060, and 5061 for TLS). */
SP_API sp_code sp_scan_set_ports(sp_scan *scan, const char *list);
/* "udp", "udp,tcp,tls": the transports of targets that are not URIs (default udp). */
SP_API sp_code sp_scan_set_transports(sp_scan *scan, const char *list);
/* SP_MODE_CAPTURE: read SIP traffic from a pcap or pcapng file
 * (repeatable) and report the endpoints it shows, with the same
 * classification, findings and outputs as a scan. */
SP_API sp_code sp_scan_add_capture_file(sp_scan *scan, const char *path);
/* SP_MODE_CAPTURE from a live interface, with an optional BPF filter, for
 * `seconds` (needs root or CAP_NET_RAW). Sends nothing. */
SP_API sp_code sp_scan_set_live_capture(sp_scan *scan, const char *iface, const char *filter,
                                        unsigned seconds);
/* During a scan, write every probe sent and reply received to a pcap file
 * (raw IP; TCP and TLS as plaintext TCP segments), as evidence. */
SP_API sp_code sp_scan_set_write_pcap(sp_scan *scan, const char *path);
/* TCP/TLS: at most this many connections open at once (default: the rate, 64..1024). */
SP_API sp_code sp_scan_set_max_connections(sp_scan *scan, unsigned n);
/* TCP/TLS: how long a connect (and TLS handshake) may take; default 3000 ms.
 * Waiting for the reply on an open connection is bounded by the wait (--wait). */
SP_API sp_code sp_scan_set_connect_timeout_ms(sp_scan *scan, unsigned ms);
/* "OPTIONS,REGISTER"; names as listed by sp_probe_name(). Wait and user
 * agent also belong to SP_MODE_ALG_CHECK. */
SP_API sp_code sp_scan_set_methods(sp_scan *scan, const char *list);
SP_API sp_code sp_scan_set_rate(sp_scan *scan, uint32_t probes_per_second);
SP_API sp_code sp_scan_set_retries(sp_scan *scan, unsigned retries);
SP_API sp_code sp_scan_set_wait_ms(sp_scan *scan, unsigned wait_ms);
SP_API sp_code sp_scan_set_seed(sp_scan *scan, uint64_t seed);
/* Shard index (1-based) of count; shards of the same seed are disjoint and
 * together cover the target set exactly. */
SP_API sp_code sp_scan_set_shard(sp_scan *scan, unsigned index, unsigned count);
SP_API sp_code sp_scan_set_user_agent(sp_scan *scan, const char *ua);
SP_API sp_code sp_scan_set_from_user(sp_scan *scan, const char *user);
SP_API sp_code sp_scan_set_to_user(sp_scan *scan, const char *user);
/* Where probes come from: a source address (NULL: the route's; it must be
 * one of this host's), a UDP source port (0: any; TCP and TLS always use
 * ephemeral ports, one per connection) and an interface (NULL: any;
 * SO_BINDTODEVICE, which needs CAP_NET_RAW). Targets of the other address
 * family than addr are sent from the kernel's choice of address. */
SP_API sp_code sp_scan_set_source(sp_scan *scan, const char *addr, unsigned port,
                                  const char *iface);
/* Extension enumeration (opt-in): "100-199,1000,alice". After discovery,
 * every service gets a REGISTER (Expires: 0) for a random, surely
 * non-existent user and for each extension; extensions answered differently
 * from that baseline exist. Paced by the rate; stops early per service when
 * it goes silent or answers 429/503 in a row. */
SP_API sp_code sp_scan_set_extensions(sp_scan *scan, const char *list);
/* Adds extensions from a file, one per line ('#' comments). */
SP_API sp_code sp_scan_add_extensions_file(sp_scan *scan, const char *path);

/* The password audit (opt-in; only for systems you are authorised to
 * test). SP_MODE_SCAN: after enumeration, REGISTERs with Expires: 0 (no
 * binding is made) and digest credentials try the candidates on each
 * extension (those enumeration found on the service, else every extension
 * given), stopping at the first success per extension and stopping a host
 * that begins to refuse. SP_MODE_CAPTURE: the digest answers the capture
 * shows accepted are tested offline, nothing is sent. Candidates: a short
 * built-in list per extension (the extension itself and variations, common
 * PINs; at most 20), then the lines of the passwords file. */
SP_API sp_code sp_scan_set_password_audit(sp_scan *scan, int on);
/* One password per line; lines starting with '#' are comments. */
SP_API sp_code sp_scan_add_passwords_file(sp_scan *scan, const char *path);
/* At most n attempts per extension (0: every candidate, the default). */
SP_API sp_code sp_scan_set_max_attempts(sp_scan *scan, unsigned n);
/* Attempts per second per host (default 2; 1-1000). */
SP_API sp_code sp_scan_set_audit_rate(sp_scan *scan, unsigned per_second);
/* Passwords found are written to results only when this is on. */
SP_API sp_code sp_scan_set_show_passwords(sp_scan *scan, int on);
/* SP_MODE_SCAN: one INVITE without credentials per UDP service, to user
 * (NULL: a random non-numeric user no phone network can route). A call is
 * never left up: CANCEL on a ringing answer, ACK and BYE on 2xx. */
SP_API sp_code sp_scan_set_invite_check(sp_scan *scan, int on, const char *user);
/* ---- Settings of a report (SP_MODE_REPORT) ---- */

/* A stored result to merge: a json document or ndjson file of a scan or
 * capture inventory (repeatable). The same service found in several results
 * becomes one record keeping every observation; findings are merged by id.
 * Shards of one scan are checked (missing, overlapping, different seeds or
 * targets) and bad input (truncated, not a result, a newer format) is
 * logged as a warning naming the file and line; sp_scan_run then fails with
 * SP_EDATA after writing what could be read. */
SP_API sp_code sp_scan_add_result_file(sp_scan *scan, const char *path);
/* Strict: any shard problem or bad input fails the run with SP_EDATA and
 * no output is written. */
SP_API sp_code sp_scan_set_strict(sp_scan *scan, int on);

/* ---- Settings of every mode ---- */

/* A label for where the scan runs from ("lan", "wan", "eu-west"), kept in
 * every observation; default: the host name. A report names the vantages
 * that saw each service. */
SP_API sp_code sp_scan_set_vantage(sp_scan *scan, const char *name);

/* Extra fingerprint rules (JSON, same format as the built-in database);
 * they are tried before the built-in ones. */
SP_API sp_code sp_scan_add_fingerprints_file(sp_scan *scan, const char *path);

/* A result of an earlier scan (json or ndjson output) to compare with:
 * findings are marked new or known, and findings of the baseline that are
 * gone (on addresses this scan covers) are reported as fixed. */
SP_API sp_code sp_scan_set_baseline(sp_scan *scan, const char *path);
/* Accepted risks (one per line, '#' comments): "FINDING-ID SERVICE EXPIRY
 * REASON...", e.g. "register-without-auth 10.20.0.13:5060/udp 2027-06-30 lab
 * phone". SERVICE (and FINDING-ID) may be globs; a SERVICE glob is matched
 * against "host:port/transport" and against the host alone. An accepted
 * finding is marked (sp_finding.accepted) and does not count for fail-on
 * until the end of its expiry day (UTC); expired entries are listed by
 * sp_scan_expired_accept and make the run fail. */
SP_API sp_code sp_scan_set_accept_file(sp_scan *scan, const char *path);
/* After sp_scan_run: the findings that make fail-on fail, one line each
 * ("critical register-without-auth 10.20.0.13:5060/udp new"), and the
 * expired accept entries; NULL past the end. Valid until the handle is freed. */
SP_API const char *sp_scan_failure(const sp_scan *scan, size_t index);
SP_API const char *sp_scan_expired_accept(const sp_scan *scan, size_t index);
/* The severity from which findings fail a CI run (junit failures); the CLI
 * also turns it into exit status 1. SP_SEV_NONE (the default): never. */
SP_API sp_code sp_scan_set_fail_on(sp_scan *scan, sp_severity severity);

/* After the outputs are written, POST the results to an HTTP(S) URL: the
 * json document, or with ndjson_batches > 0 ndjson in batches of that many
 * services. Retries on 5xx and network errors; a failed upload is
 * SP_EUPLOAD from sp_scan_run, with every local output already written. */
SP_API sp_code sp_scan_set_upload(sp_scan *scan, const char *url, unsigned ndjson_batches);
/* An extra request header for the upload, e.g. "Authorization: Bearer ...". */
SP_API sp_code sp_scan_add_upload_header(sp_scan *scan, const char *header);

/* SP_MODE_SCAN: interrupt and resume. While scanning, a journal (ndjson: settings, each
 * service found) is kept at path; a scan that completes removes it, an
 * interrupted one adds where sending stopped and keeps it. NULL: none. */
SP_API sp_code sp_scan_set_resume_file(sp_scan *scan, const char *path);
/* Takes settings, targets and the services found from a journal and makes
 * sp_scan_run continue where that scan stopped, without probing finished
 * targets again; the journal goes on at the same path. Outputs are added
 * as usual and receive the earlier services too. */
SP_API sp_code sp_scan_resume(sp_scan *scan, const char *path);

/* SP_MODE_ALG_CHECK: sp_scan_run sends requests carrying
 * this host's address in Via, Contact and SDP to a sipprobe reflector at
 * host[:port] (default 5060) over the transports ("udp,tcp") and reports
 * sip-alg-detected with a diff of what the path rewrote. The token must
 * match the reflector's. */
SP_API sp_code sp_scan_set_alg_check(sp_scan *scan, const char *reflector, const char *token,
                                     const char *transports);

/* ANSI colours in text output (the caller decides: a terminal, no NO_COLOR). */
SP_API void sp_scan_set_color(sp_scan *scan, int on);
/* The text output's layout: fit lines to columns (0: no limit; the caller
 * passes the terminal's width) and, with verbose, list info findings too
 * (else one summary line). */
SP_API void sp_scan_set_text_layout(sp_scan *scan, unsigned columns, int verbose);

/* Outputs: format is a name from sp_output_name(); path "-" is standard
 * output. Several outputs may be added; each receives every service. */
SP_API sp_code sp_scan_add_output(sp_scan *scan, const char *format, const char *path);

/* Callbacks. `data` is passed back untouched. */
typedef void (*sp_log_fn)(int level, const char *message,
                          void *data); /* level: 0 warn, 1 info, 2 debug */
typedef void (*sp_service_fn)(const sp_service *service, void *data);
typedef struct sp_progress {
    uint64_t probes_total; /* probes in the first round (targets x ports x methods in this shard) */
    uint64_t probes_sent;  /* including retries */
    uint64_t replies;      /* replies whose token verified */
    uint64_t services;
    uint64_t bad_replies; /* datagrams that were not a reply to our probes */
    double elapsed_s;
    double rate_pps;         /* recent sending rate */
    unsigned round, rounds;  /* the sending round (0: first; later ones retry silent targets) */
    uint64_t probes_resumed; /* first-round probes an interrupted run sent before this one */
    const char *phase;       /* "discovery", "enumeration", "password audit", "INVITE check" */
    int final;               /* the last call: sending and waiting are over, outputs come next */
} sp_progress;
typedef void (*sp_progress_fn)(const sp_progress *progress, void *data);
/* Dry run: called with each probe instead of sending it; destination is
 * "ip:port/transport" ("[::1]:5061/tls"). */
typedef void (*sp_probe_fn)(const char *destination, const char *bytes, size_t len, void *data);

SP_API void sp_scan_set_log(sp_scan *scan, sp_log_fn fn, void *data);
SP_API void sp_scan_set_service_callback(sp_scan *scan, sp_service_fn fn, void *data);
SP_API void sp_scan_set_progress(sp_scan *scan, sp_progress_fn fn, void *data);
/* Enables dry-run mode: probes are built and handed to fn; nothing is sent.
 * SP_MODE_SCAN only: sp_scan_run of another mode then fails with SP_ESTATE. */
SP_API void sp_scan_set_dry_run(sp_scan *scan, sp_probe_fn fn, void *data);

/* Number of probes one round will send (targets x ports x methods, this
 * shard, after excludes). Validates the target set; SP_ENOTARGETS if empty. */
SP_API sp_code sp_scan_probe_count(sp_scan *scan, uint64_t *out);
/* Number of distinct addresses in the target set after excludes. */
SP_API sp_code sp_scan_address_count(sp_scan *scan, uint64_t *out);

/* Runs the scan to completion (or until sp_scan_stop). Writes every output.
 * Every callback is called on the calling thread. Unless a service callback
 * is set, a second thread of the library's own (with every signal blocked)
 * finishes the services found (fingerprints, findings) and writes the
 * ndjson outputs and the journal; it has ended when sp_scan_run returns,
 * and sp_scan_summary's finding counts are complete from then on. */
SP_API sp_code sp_scan_run(sp_scan *scan);
/* Asks a running scan to stop sending and drain. Async-signal-safe. */
SP_API void sp_scan_stop(sp_scan *scan);

typedef struct sp_summary {
    uint64_t probes_sent;
    uint64_t replies;
    uint64_t bad_replies;
    uint64_t services;
    uint64_t findings_by_severity[5];
    sp_severity max_severity;
    double elapsed_s;
    int interrupted;
    uint64_t new_findings;        /* with a baseline: findings not in it */
    sp_severity max_new_severity; /* highest severity among them, SP_SEV_NONE if none */
    uint64_t failing;  /* findings that count for fail-on (new, not accepted, at or above) */
    uint64_t accepted; /* findings an accept entry covers */
    /* TCP and TLS: how the connection attempts ended when no service answered. */
    uint64_t connections;   /* connection attempts */
    uint64_t conn_refused;  /* closed port: refused (RST) or unreachable */
    uint64_t conn_filtered; /* no answer to the connect within --connect-timeout */
    uint64_t conn_no_reply; /* connected, but no SIP reply before the timeout or close */
    uint64_t tls_failed;    /* connected, but the TLS handshake failed */
    uint64_t ws_no_upgrade; /* ws, wss: no path upgraded to a SIP WebSocket */
} sp_summary;
SP_API void sp_scan_summary(const sp_scan *scan, sp_summary *out);

/* The reflector: answers sipprobe alg-check requests carrying the token
 * with exactly what it received (hex-encoded so that no ALG can rewrite
 * it), over UDP and TCP on addr ("ADDR:PORT", "[v6]:PORT"). A reply is
 * never larger than its request and each source gets at most 10 replies a
 * second, so the reflector cannot be abused as an amplifier. Each
 * reflector owns its sockets, connections and rate table. */
typedef struct sp_reflector sp_reflector;
/* NULL when out of memory. Free with sp_reflector_free() (NULL is harmless). */
SP_API sp_reflector *sp_reflector_new(void);
SP_API void sp_reflector_free(sp_reflector *reflector);
/* Runs until max_seconds (0: until sp_reflector_stop) and logs through log. */
SP_API sp_code sp_reflector_run(sp_reflector *reflector, const char *addr, const char *token,
                                unsigned max_seconds, sp_log_fn log, void *data, char *err,
                                size_t errlen);
/* Asks a running sp_reflector_run to return. Async-signal-safe. */
SP_API void sp_reflector_stop(sp_reflector *reflector);

#ifdef __cplusplus
}
#endif
#endif
