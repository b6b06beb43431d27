#!/usr/bin/env python3
"""A TFTP server for the TFTP tests (RFC 1350 reads, with the RFC 2347
option acknowledgement for blksize and tsize; standard library only).

    tftp_server.py ROOT [--delay MS] [--deny NAME]... [--no-options]

Listens on a free UDP port of 127.0.0.1 only and prints "ready PORT" on
stdout. Serves read requests for the files in ROOT, one transfer at a time,
each from a port of its own as RFC 1350 asks:

  a file not in ROOT   ERROR 1 "File not found"
  a --deny NAME        ERROR 2 "Access violation: NAME is not for this device"
  a write request      ERROR 2 "Access violation: read only"
  any other file       its bytes in DATA blocks, after an OACK when the
                       request carries options

--delay MS waits that long before the first answer and before each DATA
block, so that a client's timings are measurable; --no-options makes it an
RFC 1350 server that ignores options (the first DATA block is the
answer). One line per request on stderr says what was done.
"""
import os
import socket
import struct
import sys
import time

OP_RRQ, OP_WRQ, OP_DATA, OP_ACK, OP_ERROR, OP_OACK = 1, 2, 3, 4, 5, 6


def error(code, text):
    return struct.pack("!HH", OP_ERROR, code) + text.encode() + b"\0"


def wait_ack(sock, block, packet, peer):
    """Send `packet` until `block` is acknowledged (5 tries)."""
    for _ in range(5):
        sock.sendto(packet, peer)
        sock.settimeout(1.0)
        try:
            while True:
                data, addr = sock.recvfrom(65536)
                if addr != peer or len(data) < 4:
                    continue
                op, n = struct.unpack("!HH", data[:4])
                if op == OP_ERROR:
                    return False
                if op == OP_ACK and n == block:
                    return True
        except socket.timeout:
            continue
    return False


def serve(root, req, peer, delay, denied, options):
    op = struct.unpack("!H", req[:2])[0]
    fields = req[2:].split(b"\0")
    name = fields[0].decode(errors="replace").lstrip("/")
    opts = {}
    for i in range(2, len(fields) - 1, 2):
        if fields[i] and options:
            opts[fields[i].decode().lower()] = fields[i + 1].decode()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    time.sleep(delay)
    path = os.path.join(root, os.path.basename(name))
    if op == OP_WRQ:
        sock.sendto(error(2, "Access violation: read only"), peer)
        what = "refused a write"
    elif name in denied:
        sock.sendto(error(2, "Access violation: %s is not for this device" % name), peer)
        what = "denied"
    elif not os.path.isfile(path):
        sock.sendto(error(1, "File not found"), peer)
        what = "not found"
    else:
        body = open(path, "rb").read()
        blksize = 512
        ack = []
        if "blksize" in opts:
            blksize = max(8, min(int(opts["blksize"]), 65464))
            ack += [b"blksize", str(blksize).encode()]
        if "tsize" in opts:
            ack += [b"tsize", str(len(body)).encode()]
        ok = True
        if ack:
            ok = wait_ack(sock, 0, struct.pack("!H", OP_OACK) + b"\0".join(ack) + b"\0", peer)
        block = 1
        while ok:
            chunk = body[(block - 1) * blksize:block * blksize]
            if block > 1 or ack:
                time.sleep(delay)
            ok = wait_ack(sock, block, struct.pack("!HH", OP_DATA, block & 0xFFFF) + chunk, peer)
            if len(chunk) < blksize:
                break
            block += 1
        what = "sent %d bytes" % len(body) if ok else "gave up"
    sock.close()
    print("%s %s" % (name, what), file=sys.stderr, flush=True)


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    root, delay, denied, options = args[0], 0.0, set(), True
    i = 1
    while i < len(args):
        if args[i] == "--no-options":
            options = False
            i += 1
            continue
        if args[i] == "--delay":
            delay = int(args[i + 1]) / 1000.0
        elif args[i] == "--deny":
            denied.add(args[i + 1])
        else:
            sys.exit("unknown option " + args[i])
        i += 2
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    print("ready %d" % s.getsockname()[1], flush=True)
    while True:
        req, peer = s.recvfrom(65536)
        if len(req) >= 4 and struct.unpack("!H", req[:2])[0] in (OP_RRQ, OP_WRQ):
            serve(root, req, peer, delay, denied, options)


if __name__ == "__main__":
    main()
