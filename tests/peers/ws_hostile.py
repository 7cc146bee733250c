#!/usr/bin/env python3
"""Hostile WebSocket peers for sipprobe's tests, on loopback only.

Usage: ws_hostile.py PORT READY_FILE MODE=ADDR...  Each MODE listens on its
ADDR:PORT and, after reading an upgrade request:
  stall      never answers
  noupgrade  answers every path with an HTTP 200 page
  huge       upgrades, then announces a 1 GiB text frame and streams it
  fragments  upgrades, then sends one text message in endless fragments
  pings      upgrades, then floods pings
Each writes how many bytes it managed to send to its peer on stderr.
"""
import base64
import hashlib
import socket
import sys
import threading
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def upgrade(conn, request):
    key = b""
    for line in request.split(b"\r\n"):
        if line.lower().startswith(b"sec-websocket-key:"):
            key = line.split(b":", 1)[1].strip()
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
    conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                 b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept +
                 b"\r\nSec-WebSocket-Protocol: sip\r\nServer: hostile\r\n\r\n")


def serve(mode, conn):
    sent = 0
    try:
        conn.settimeout(15)
        request = b""
        while b"\r\n\r\n" not in request:
            data = conn.recv(4096)
            if not data:
                return
            request += data
        if mode == "stall":
            time.sleep(12)
            return
        if mode == "noupgrade":
            conn.sendall(b"HTTP/1.1 200 OK\r\nServer: web\r\nContent-Length: 2\r\n\r\nhi")
            time.sleep(2)
            return
        upgrade(conn, request)
        if mode == "huge":
            conn.sendall(bytes([0x81, 127]) + (1 << 30).to_bytes(8, "big"))
            frame, step = b"x" * 65536, None
        elif mode == "fragments":
            conn.sendall(bytes([0x01, 10]) + b"SIP/2.0 20")
            frame = bytes([0x00, 10]) + b"0123456789"
        else:
            frame = bytes([0x89, 4]) + b"ping"
        while sent < (1 << 30):
            conn.sendall(frame)
            sent += len(frame)
    except OSError:
        pass
    finally:
        print(f"{mode}: {sent} bytes", file=sys.stderr, flush=True)
        conn.close()


def listen(mode, addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    return s


def accept_loop(mode, s):
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(mode, conn), daemon=True).start()


def main():
    port, ready = int(sys.argv[1]), sys.argv[2]
    for arg in sys.argv[3:]:
        mode, addr = arg.split("=")
        s = listen(mode, addr, port)
        threading.Thread(target=accept_loop, args=(mode, s), daemon=True).start()
    with open(ready, "w") as f:
        f.write("ready\n")
    time.sleep(100)


if __name__ == "__main__":
    main()
