#!/usr/bin/env python3
"""Writes the hand-made edge-case captures of fixtures/pcap/ (deterministic).

Each holds one SIP exchange, a client at 192.0.2.10:5070 (User-Agent
"edge-client/1.0") asking a server at 192.0.2.20:5060 (Server "Asterisk PBX
18.10.0"): OPTIONS and its 200 OK, then a REGISTER without credentials and its
200 OK, which is register-without-auth. What differs is how the packets are
carried: 802.1Q and QinQ VLANs, Linux cooked SLL and SLL2, raw IP, IPv4 and IPv6
fragments (out of order), TCP split across segments (out of order, with a
retransmission and two messages in one segment), a truncated file, a small
snap length (messages cut inside the body, and a recorded capture cut to 200
bytes), and a pcapng file whose two interfaces have different link types.
Documentation addresses only (RFC 5737, RFC 3849). Usage: make_edge_pcaps.py DIR
"""
import os
import struct
import sys

CLIENT4, SERVER4 = bytes([192, 0, 2, 10]), bytes([192, 0, 2, 20])
CLIENT6 = bytes.fromhex("20010db8000000000000000000000010")
SERVER6 = bytes.fromhex("20010db8000000000000000000000020")
T0 = 1764000000


def request(method, cid, cseq, client, server):
    return (f"{method} sip:100@{server} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {client}:5070;branch=z9hG4bK{cid}\r\n"
            f"From: <sip:100@{client}>;tag=f{cid}\r\n"
            f"To: <sip:100@{server}>\r\n"
            f"Call-ID: {cid}@edge\r\nCSeq: {cseq} {method}\r\n"
            f"Contact: <sip:100@{client}:5070>\r\n"
            + ("Expires: 0\r\n" if method == "REGISTER" else "")
            + "User-Agent: edge-client/1.0\r\nContent-Length: 0\r\n\r\n").encode()


def response(method, cid, cseq, client, server, pad=0):
    body = ("v=0\r\n" + "a=x-pad:" + "p" * pad + "\r\n") if pad else ""
    return (f"SIP/2.0 200 OK\r\n"
            f"Via: SIP/2.0/UDP {client}:5070;branch=z9hG4bK{cid}\r\n"
            f"From: <sip:100@{client}>;tag=f{cid}\r\n"
            f"To: <sip:100@{server}>;tag=t{cid}\r\n"
            f"Call-ID: {cid}@edge\r\nCSeq: {cseq} {method}\r\n"
            f"Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REGISTER\r\n"
            f"Server: Asterisk PBX 18.10.0\r\n"
            + ("Content-Type: application/sdp\r\n" if pad else "")
            + f"Content-Length: {len(body)}\r\n\r\n{body}").encode()


def exchange(v6=False, pad=0):
    c, s = ("2001:db8::10", "2001:db8::20") if v6 else ("192.0.2.10", "192.0.2.20")
    return [("c", request("OPTIONS", "e1", 1, c, s)), ("s", response("OPTIONS", "e1", 1, c, s, pad)),
            ("c", request("REGISTER", "e2", 1, c, s)), ("s", response("REGISTER", "e2", 1, c, s))]


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload, ident=1, frag_off=0, more=False):
    flags = (0x2000 if more else 0) | (frag_off // 8)
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags, 64, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ipv6(src, dst, nh, payload):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, 64, src, dst) + payload


def udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def tcp(sport, dport, seq, data, flags=0x18):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, 1, 5 << 4, flags, 65535, 0, 0) + data


def ether(payload, ethertype, vlans=()):
    h = bytes.fromhex("020000000002") + bytes.fromhex("020000000001")
    for tpid, vid in vlans:
        h += struct.pack("!HH", tpid, vid)
    return h + struct.pack("!H", ethertype) + payload


def sll2(payload, proto):
    # protocol, reserved, ifindex, ARPHRD_ETHER, packet type, addr len, addr(8)
    return struct.pack("!HHIHBB8s", proto, 0, 2, 1, 0, 6, bytes.fromhex("0200000000010000")) + payload


def sll(payload, proto):
    # packet type, ARPHRD_ETHER, address length, address (8), protocol
    return struct.pack("!HHH8sH", 0, 1, 6, bytes.fromhex("0200000000010000"), proto) + payload


def write(path, linktype, frames, cut=None, snaplen=65535):
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype)
    for i, f in enumerate(frames):
        out += struct.pack("<IIII", T0 + i, 0, min(len(f), snaplen), len(f)) + f[:snaplen]
    if cut:
        out = out[:cut]
    with open(path, "wb") as fp:
        fp.write(out)


def snap(src, dst, snaplen):
    """A little-endian microsecond pcap cut to snaplen, as tcpdump -s would
    have written it: each record keeps its original length."""
    with open(src, "rb") as fp:
        data = fp.read()
    magic, major, minor, zone, sigfigs, _, linktype = struct.unpack("<IHHiIII", data[:24])
    assert magic == 0xA1B2C3D4, src
    out = struct.pack("<IHHiIII", magic, major, minor, zone, sigfigs, snaplen, linktype)
    off = 24
    while off < len(data):
        sec, usec, caplen, length = struct.unpack("<IIII", data[off:off + 16])
        keep = min(caplen, snaplen)
        out += struct.pack("<IIII", sec, usec, keep, length) + data[off + 16:off + 16 + keep]
        off += 16 + caplen
    with open(dst, "wb") as fp:
        fp.write(out)


def pcapng_block(btype, body):
    body += b"\0" * (-len(body) % 4)
    return struct.pack("<II", btype, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))


def write_pcapng(path, blocks):
    """blocks: ("if", linktype, snaplen) for an interface description, or
    ("pkt", interface, frame) for an enhanced packet block, in file order."""
    out = pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    n = 0
    for b in blocks:
        if b[0] == "if":
            out += pcapng_block(1, struct.pack("<HHI", b[1], 0, b[2]))
        else:
            ts = (T0 + n) * 1000000
            n += 1
            out += pcapng_block(6, struct.pack("<IIIII", b[1], ts >> 32, ts & 0xFFFFFFFF,
                                               len(b[2]), len(b[2])) + b[2])
    with open(path, "wb") as fp:
        fp.write(out)


def udp4_packets(v6=False, pad=0):
    pkts = []
    for who, msg in exchange(v6, pad):
        sp, dp = (5070, 5060) if who == "c" else (5060, 5070)
        if v6:
            src, dst = (CLIENT6, SERVER6) if who == "c" else (SERVER6, CLIENT6)
            pkts.append(ipv6(src, dst, 17, udp(sp, dp, msg)))
        else:
            src, dst = (CLIENT4, SERVER4) if who == "c" else (SERVER4, CLIENT4)
            pkts.append(ipv4(src, dst, 17, udp(sp, dp, msg)))
    return pkts


def main(d):
    # 802.1Q on the requests, QinQ (802.1ad + 802.1Q) on the replies.
    frames = []
    for i, p in enumerate(udp4_packets()):
        vlans = ((0x8100, 10),) if i % 2 == 0 else ((0x88A8, 100), (0x8100, 10))
        frames.append(ether(p, 0x0800, vlans))
    write(f"{d}/edge-vlan.pcap", 1, frames)
    # Linux cooked v2 (what tcpdump -i any writes today), IPv6.
    write(f"{d}/edge-sll2-ipv6.pcap", 276, [sll2(p, 0x86DD) for p in udp4_packets(v6=True)])
    # Linux cooked v1, IPv4.
    write(f"{d}/edge-sll.pcap", 113, [sll(p, 0x0800) for p in udp4_packets()])
    # Raw IP.
    write(f"{d}/edge-raw.pcap", 101, udp4_packets())
    # IPv4 fragments: the 200 OK to OPTIONS carries a body that needs three
    # fragments, sent last-first.
    frames = []
    for i, p in enumerate(udp4_packets(pad=2600)):
        if i != 1:
            frames.append(p)
            continue
        payload = p[20:]
        chunks = [(o, payload[o:o + 1200]) for o in range(0, len(payload), 1200)]
        frags = [ipv4(SERVER4, CLIENT4, 17, c, ident=77, frag_off=o, more=o + 1200 < len(payload))
                 for o, c in chunks]
        frames.extend(reversed(frags))
    write(f"{d}/edge-ipv4-frag.pcap", 101, frames)
    # IPv6 fragments (fragment header, next header 44).
    frames = []
    for i, p in enumerate(udp4_packets(v6=True, pad=2600)):
        if i != 1:
            frames.append(p)
            continue
        payload = p[40:]
        for o in (1232, 0, 2464):
            c = payload[o:o + 1232]
            if not c:
                continue
            more = 1 if o + 1232 < len(payload) else 0
            fh = struct.pack("!BBHI", 17, 0, o | more, 0xABCD)
            frames.append(ipv6(SERVER6, CLIENT6, 44, fh + c))
    write(f"{d}/edge-ipv6-frag.pcap", 101, frames)
    # TCP: client stream in two segments; server stream split in three with
    # the middle one late, a retransmission, and both replies in one flow.
    ex = exchange()
    cseq, sseq = 1000, 5000
    c_stream = ex[0][1] + ex[2][1]
    s_stream = ex[1][1] + ex[3][1]
    syn_c = ipv4(CLIENT4, SERVER4, 6, tcp(5070, 5060, cseq - 1, b"", 0x02))
    syn_s = ipv4(SERVER4, CLIENT4, 6, tcp(5060, 5070, sseq - 1, b"", 0x12))
    frames = [syn_c, syn_s]
    half = len(ex[0][1]) // 2
    frames.append(ipv4(CLIENT4, SERVER4, 6, tcp(5070, 5060, cseq, c_stream[:half])))
    frames.append(ipv4(CLIENT4, SERVER4, 6, tcp(5070, 5060, cseq + half, c_stream[half:])))
    a, b = 100, len(ex[1][1]) + 40  # the second cut is inside the second reply
    segs = [(0, s_stream[:a]), (a, s_stream[a:b]), (b, s_stream[b:])]
    for off, data in (segs[0], segs[2], segs[0], segs[1]):  # late middle, a retransmission
        frames.append(ipv4(SERVER4, CLIENT4, 6, tcp(5060, 5070, sseq + off, data)))
    frames.append(ipv4(SERVER4, CLIENT4, 6, tcp(5060, 5070, sseq + len(s_stream), b"", 0x11)))
    write(f"{d}/edge-tcp-split.pcap", 101, frames)
    # Truncated: the VLAN capture cut in the middle of its third packet record.
    with open(f"{d}/edge-vlan.pcap", "rb") as fp:
        data = fp.read()
    recs, off = [], 24
    while off < len(data):
        n = struct.unpack("<I", data[off + 8:off + 12])[0]
        recs.append(off)
        off += 16 + n
    with open(f"{d}/edge-truncated.pcap", "wb") as fp:
        fp.write(data[:recs[2] + 16 + 50])
    # Snap length 512: each 200 OK to OPTIONS (a 400-byte body) is cut inside
    # its body, its headers complete; the exchange over UDP, then over TCP
    # (one message a segment; the REGISTER after the cut one still counts).
    frames = [ether(p, 0x0800) for p in udp4_packets(pad=400)]
    seq = {"c": 1000, "s": 5000}
    for who, msg in exchange(pad=400):
        src, dst, sp, dp = (CLIENT4, SERVER4, 5070, 5060) if who == "c" else (SERVER4, CLIENT4, 5060, 5070)
        frames.append(ether(ipv4(src, dst, 6, tcp(sp, dp, seq[who], msg)), 0x0800))
        seq[who] += len(msg)
    write(f"{d}/edge-snaplen-body.pcap", 1, frames, snaplen=512)
    # A recorded capture as tcpdump -s 200 would have written it: every
    # message cut inside its headers.
    here = os.path.dirname(os.path.abspath(__file__))
    snap(os.path.join(here, "..", "..", "fixtures", "pcap", "kamailio-digest.pcap"),
         f"{d}/kamailio-digest-snap200.pcap", 200)
    # pcapng with two interfaces of different link types: OPTIONS and its 200
    # on an Ethernet interface, then a second interface (Linux cooked) is
    # described and carries the REGISTER and its 200. libpcap reads one link
    # type (and one snap length) a file.
    pkts = udp4_packets()
    eth = [ether(p, 0x0800) for p in pkts]
    write_pcapng(f"{d}/edge-mixed-links.pcapng",
                 [("if", 1, 0), ("pkt", 0, eth[0]), ("pkt", 0, eth[1]),
                  ("if", 113, 0), ("pkt", 1, sll(pkts[2], 0x0800)), ("pkt", 1, sll(pkts[3], 0x0800))])
    # The same with two Ethernet interfaces of different snap lengths.
    write_pcapng(f"{d}/edge-mixed-snaplen.pcapng",
                 [("if", 1, 0), ("pkt", 0, eth[0]), ("pkt", 0, eth[1]),
                  ("if", 1, 65535), ("pkt", 1, eth[2]), ("pkt", 1, eth[3])])
    with open(f"{d}/edge-not-a-capture.pcap", "wb") as fp:
        fp.write(b"SIP/2.0 200 OK\r\nThis is text, not a capture.\r\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
