#include "classify/catalogue.h"

#include <fnmatch.h>
#include <string.h>

/* The catalogue: one place for ids, severities, titles and advice. The man
 * page, README and --list-findings follow it. */
static const sp_finding_info catalogue[] = {
    {"register-without-auth", SP_SEV_CRITICAL, "Registrar accepts REGISTER without authentication",
     "Require digest authentication for every REGISTER (e.g. Asterisk: auth= on every "
     "endpoint; Kamailio: www_authorize before save). An attacker can register as any "
     "extension, take its calls and place calls billed to you."},
    {"weak-password", SP_SEV_CRITICAL, "An extension's password was guessed",
     "Give every extension a long random password (12 or more characters, never derived from "
     "the extension number), block sources of failed registrations (fail2ban, Kamailio "
     "pike/htable, Asterisk's security log), allow registration only from the networks your "
     "phones use, and check the call records for calls you did not make. The finding names "
     "which kind of candidate matched, never the password."},
    {"unauthenticated-call-routed", SP_SEV_CRITICAL,
     "A call from an unauthenticated caller was routed onward (toll fraud possible)",
     "Challenge every INVITE from outside (Asterisk: no 'allowguest'/anonymous endpoint with a "
     "context that reaches trunks; Kamailio: proxy_authorize before t_relay), and let "
     "unauthenticated calls reach only internal extensions, never a trunk or the phone "
     "network."},
    {"sip-exposed-through-nat", SP_SEV_HIGH,
     "A SIP device behind NAT is reachable from outside through the router",
     "The router forwards SIP to a device on its LAN (a port forward, DMZ or a built-in "
     "pinhole for the ISP's VoIP), even if its firewall claims to block everything. Remove "
     "the forward, or allow only your SIP provider's addresses to reach it, and require "
     "strong digest passwords on every extension."},
    {"registration-brute-force-seen", SP_SEV_HIGH,
     "A capture shows someone guessing passwords against this registrar",
     "One source sent many REGISTERs whose credentials were refused. Block it (fail2ban, "
     "Kamailio pike/htable, Asterisk's security log), make sure every extension has a long "
     "random password, and check whether any guess succeeded."},
    {"known-vulnerable-version", SP_SEV_HIGH, "Version has known vulnerabilities",
     "Upgrade to the fixed release the evidence names for the service's branch (or move off an "
     "end-of-life branch); until then restrict who can reach the service and hide the version "
     "banner. Each advisory says how sure the match is: distribution builds may carry "
     "backported fixes, and FreePBX module advisories need the module's version checked."},
    {"unauthenticated-invite-accepted", SP_SEV_HIGH,
     "An INVITE without credentials was processed instead of challenged",
     "The server took a call request from nobody and acted on it (forwarded it, redirected "
     "it, or looked up the number) rather than asking for credentials. Require "
     "authentication for INVITEs from outside, or restrict who can send them."},
    {"extension-enumeration", SP_SEV_MEDIUM,
     "Extensions can be enumerated: existing users get a different answer",
     "Answer requests for unknown users exactly like those for known ones (Asterisk "
     "chan_sip: alwaysauthreject=yes; Kamailio: challenge before looking the user up), and "
     "block sources of failed registrations (fail2ban, Kamailio pike). Enumeration is the "
     "first step of password guessing."},
    {"no-brute-force-protection", SP_SEV_MEDIUM,
     "No brute-force protection: passwords can be guessed at full speed",
     "The server answered many wrong passwords at once, the same way every time. Block "
     "sources after a few failures (fail2ban on Asterisk's security log, Kamailio pike or "
     "htable), and make every password long and random so that guessing cannot succeed."},
    {"sip-alg-detected", SP_SEV_MEDIUM, "A SIP ALG on the path rewrites SIP messages",
     "A router's SIP helper (ALG) changed headers the server must echo unchanged. ALGs break "
     "registrations and calls and can open pinholes; turn the SIP ALG off on the router "
     "(often 'SIP ALG', 'SIP passthrough' or nf_conntrack_sip / a ct helper)."},
    {"scanner-user-agent-seen", SP_SEV_MEDIUM, "A known SIP attack tool answered",
     "A host on this network runs a SIP scanner or brute-forcer (or a honeypot imitating "
     "one). Find out which machine it is and why."},
    {"seen-from-several-vantages", SP_SEV_MEDIUM,
     "The same service answers from more than one vantage point",
     "Scans from different places (for example inside the LAN and from the internet) reached "
     "this service. If one of them is outside, it is exposed there: restrict it with a "
     "firewall or session border controller to the networks and SIP trunks that need it."},
    {"version-disclosure", SP_SEV_LOW, "Product and version disclosed in Server/User-Agent",
     "Remove or genericise the Server/User-Agent header (e.g. Asterisk: useragent= and "
     "sdpowner= in pjsip.conf/sip.conf; Kamailio: server_header/user_agent_header) so that "
     "attackers cannot match the version against known vulnerabilities."},
    {"private-address-leak", SP_SEV_LOW,
     "Reply from a public address reveals private (internal) addresses",
     "The device sits behind NAT and leaks its LAN addressing in Contact, Record-Route, Via or "
     "SDP. Configure its external address (Asterisk: external_signaling_address / "
     "external_media_address with local_net) or fix the NAT traversal; turn off the router's "
     "SIP ALG if it half-rewrites messages."},
    {"sip-websocket-exposed", SP_SEV_LOW, "SIP answers over a WebSocket (WebRTC signalling)",
     "A SIP server takes WebSocket upgrades (RFC 7118), often on a port left open for the web "
     "interface. If browsers' softphones do not need it from everywhere, allow it only from "
     "the networks that use it (or behind the web proxy's authentication), and require digest "
     "authentication and strong passwords for every extension reachable through it."},
    {"dns-private-address", SP_SEV_LOW, "The domain's DNS records point into private address space",
     "A public zone's SRV or A/AAAA records name servers at private (internal) addresses, which "
     "tells anyone who asks how the inside network is laid out. Publish only the addresses "
     "reachable from outside, and keep internal names in an internal view of the zone "
     "(split-horizon DNS)."},
    {"udp-amplification", SP_SEV_LOW, "Reply is at least three times larger than the request",
     "Over UDP a spoofed request makes this service send much more to a victim. Keep replies "
     "small (drop optional headers), rate-limit per source, or answer unknown sources only "
     "over TCP/TLS."},
    {"tls-weak-protocol", SP_SEV_MEDIUM, "TLS service accepts a protocol older than TLS 1.2",
     "TLS 1.0 and 1.1 are deprecated (RFC 8996) and open to downgrade and decryption attacks. "
     "Allow only TLS 1.2 and 1.3 (Asterisk: method=tlsv1_2 in the transport; Kamailio tls.cfg: "
     "method = TLSv1.2+), upgrading the device firmware if it cannot."},
    {"tls-certificate-expired", SP_SEV_MEDIUM, "TLS certificate has expired (or is not yet valid)",
     "Phones and trunks that verify certificates will refuse this server, and users learn to "
     "click through warnings. Renew the certificate and automate renewal."},
    {"tls-self-signed", SP_SEV_INFO, "TLS certificate is self-signed",
     "Clients cannot tell this server from an impostor unless they pin the certificate. Use a "
     "certificate from a CA the phones trust (a public CA or your own PBX CA)."},
    {"brute-force-protection-seen", SP_SEV_INFO,
     "The server began to refuse password guesses (brute-force protection works)",
     "Good: after some wrong passwords the server refused or went silent. Check that the block "
     "lasts long enough and covers every address an attacker could use, and that passwords "
     "are still long and random."},
    {"sip-service-exposed", SP_SEV_INFO, "SIP service answers on this address",
     "Make sure this service is meant to be reachable from where the scan ran. Restrict it "
     "with a firewall to the networks and SIP trunks that need it."},
    {"responder-mismatch", SP_SEV_INFO, "Reply came from a different address than the one probed",
     "A NAT, SIP ALG, load balancer or multi-homed server answered for this address. Check "
     "which device really answers and whether a router forwards SIP to a host behind it."},
    {"options-reveals-methods", SP_SEV_INFO, "OPTIONS reveals the supported methods",
     "Normal for SIP; note which methods (REFER, MESSAGE, SUBSCRIBE) are enabled and disable "
     "those you do not use."},
};

#define N_FINDINGS (sizeof(catalogue) / sizeof(catalogue[0]))

const sp_finding_info *sp_finding_catalogue(size_t index)
{
    return index < N_FINDINGS ? &catalogue[index] : NULL;
}

const sp_finding_info *sp__finding_lookup(const char *id)
{
    for (size_t i = 0; i < N_FINDINGS; i++)
        if (!strcmp(catalogue[i].id, id))
            return &catalogue[i];
    return NULL;
}

const sp_finding_info *sp__finding_lookup_glob(const char *pattern)
{
    for (size_t i = 0; i < N_FINDINGS; i++)
        if (fnmatch(pattern, catalogue[i].id, 0) == 0)
            return &catalogue[i];
    return NULL;
}
