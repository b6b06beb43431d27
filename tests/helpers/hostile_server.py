#!/usr/bin/env python3
"""Hostile provisioning servers for the hostile-server suite (standard
library only).

    hostile_server.py PORT CERT KEY [not-tls|plain]

Listens on 127.0.0.1:PORT only and answers by the first bytes it reads:
a connection whose first byte is not a TLS handshake record (the phone's
plain HTTP) gets the plain behaviours, a TLS ClientHello gets the TLS
server (TLS 1.0, the phone's suites) and then the behaviours by path. The
path names the behaviour:

  plain HTTP (http://127.0.0.1:PORT/NAME):
    /silent.xml        reads the request, answers nothing, keeps the line open
    /reset.xml         reads the request, then resets the connection (RST)
  TLS (https://localhost:PORT/NAME):
    /stall-body.xml    200 with Content-Length 100000, 6 bytes, then silence
    /stall-chunked.xml 200 chunked, one chunk, then silence
    /endless-chunked.xml 200 chunked, chunks without end (until the client goes)
    /huge-length.xml   200 with Content-Length 10^15 and a body that keeps coming
    /gzip-bomb.xml     200, Content-Encoding: gzip, 10 MB of zeros in 10 kB
    /redirect-loop.xml 302 to itself
    /laughs.xml        200, the billion laughs XML entity bomb
    /many-headers.xml  200 after 100,000 header lines

    hostile_server.py PORT CERT KEY not-tls

answers every TLS ClientHello with "HTTP/1.1 400 Bad Request" in clear
text, as a plain HTTP server on the https port does; with `plain` it is a
plain HTTP server only, which waits for a request line whatever comes
(a ClientHello gets no answer) and answers a plain GET with 404.

It prints "ready PORT" once it listens. One line per connection on stderr.
"""
import gzip
import os
import socket
import ssl
import struct
import sys
import threading
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_common import log, read_request  # noqa: E402

warnings.simplefilter("ignore", DeprecationWarning)  # ssl.TLSVersion.TLSv1

HOLD = 60  # seconds a stalling answer keeps the connection open


def hold(s):
    """Keep the connection open, silent, until the client goes."""
    s.settimeout(HOLD)
    try:
        while s.recv(4096):
            pass
    except (OSError, ssl.SSLError):
        pass


def send_all(s, data):
    try:
        s.sendall(data)
        return True
    except (OSError, ssl.SSLError):
        return False


LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
          + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b"]>\n<flat-profile><Station_Name>&lol9;</Station_Name></flat-profile>\n")


def tls_answer(s, path):
    xml = b"Content-Type: text/xml\r\n"
    if path == "/stall-body.xml":
        send_all(s, b"HTTP/1.1 200 OK\r\n" + xml + b"Content-Length: 100000\r\n\r\n<flat")
        hold(s)
    elif path == "/stall-chunked.xml":
        send_all(s, b"HTTP/1.1 200 OK\r\n" + xml + b"Transfer-Encoding: chunked\r\n\r\n5\r\n<flat\r\n")
        hold(s)
    elif path == "/endless-chunked.xml":
        send_all(s, b"HTTP/1.1 200 OK\r\n" + xml + b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"1000\r\n" + b"x" * 4096 + b"\r\n"
        while send_all(s, chunk):
            pass
    elif path == "/huge-length.xml":
        send_all(s, b"HTTP/1.1 200 OK\r\n" + xml + b"Content-Length: 1000000000000000\r\n\r\n")
        block = b"y" * 16384
        while send_all(s, block):
            pass
    elif path == "/gzip-bomb.xml":
        body = gzip.compress(b"<flat-profile><Station_Name>" + b"0" * 10_000_000, 9)
        send_all(s, b"HTTP/1.1 200 OK\r\n" + xml + b"Content-Encoding: gzip\r\n"
                 b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
    elif path == "/redirect-loop.xml":
        send_all(s, b"HTTP/1.1 302 Found\r\nLocation: " + path.encode() +
                 b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    elif path == "/laughs.xml":
        send_all(s, b"HTTP/1.1 200 OK\r\n" + xml + b"Content-Length: %d\r\nConnection: close\r\n\r\n"
                 % len(LAUGHS) + LAUGHS)
    elif path == "/many-headers.xml":
        head = b"HTTP/1.1 200 OK\r\n" + xml + b"".join(b"X-H%d: %d\r\n" % (i, i) for i in range(100000))
        body = b"<flat-profile><Station_Name>x</Station_Name></flat-profile>"
        send_all(s, head + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
    else:
        send_all(s, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    try:
        s.unwrap()
    except (OSError, ssl.SSLError, ValueError):
        pass


def plain_answer(c, path):
    if path == "/silent.xml":
        hold(c)
    elif path == "/reset.xml":
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    else:
        c.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def serve(ctx, conn, mode):
    conn.settimeout(10)
    try:
        first = conn.recv(1, socket.MSG_PEEK)
        if first == b"\x16" and mode == "not-tls":
            conn.recv(4096)
            log("not-tls: a ClientHello answered in clear text")
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n"
                         b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            conn.close()
        elif first == b"\x16" and mode != "plain":
            s = ctx.wrap_socket(conn, server_side=True)
            path = read_request(s)
            log("tls", path)
            if path:
                tls_answer(s, path)
            s.close()
        else:
            path = read_request(conn)
            log("plain", path)
            if path:
                plain_answer(conn, path)
            conn.close()
    except (OSError, ssl.SSLError) as e:
        log("error:", e)
        conn.close()


def main():
    port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    mode = sys.argv[4] if len(sys.argv) > 4 else ""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1
    ctx.set_ciphers("AES256-SHA:AES128-SHA:@SECLEVEL=0")
    ctx.load_cert_chain(cert, key)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(64)
    print("ready", port, flush=True)
    while True:
        conn, _ = ls.accept()
        threading.Thread(target=serve, args=(ctx, conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
