#!/usr/bin/env python3
"""A TLS 1.0 HTTP server for the HTTP edge-case tests (standard library only).

    edge_server.py PORT CERT KEY PROFILE
    edge_server.py --client PORT PATH...

Listens on 127.0.0.1:PORT only, with the phone's TLS (TLS 1.0, RSA key
exchange, AES-CBC), and answers by the request path; PROFILE is the profile
(XML) to serve, as is or gzip-compressed:

  /cl-short.xml        Content-Length of the whole profile, half of it sent,
                       then TCP closed without a TLS close_notify
  /cl-short-notify.xml the same, but the TLS session is closed properly
                       (close_notify) before TCP
  /stall.xml           Content-Length of the whole profile, half of it sent,
                       then nothing for 3 s before the TLS session ends
  /cl-full.xml         Content-Length and the whole profile, then TCP closed
                       without close_notify
  /eof.xml             HTTP/1.0 style: no Content-Length, the whole profile,
                       the body delimited by the end of the connection, which
                       ends without close_notify
  /eof-notify.xml      the same, ended properly with close_notify
  /chunked-gzip.xml    HTTP/1.1, Transfer-Encoding: chunked, Content-Encoding:
                       gzip, the gzip'd profile in several chunks and the last
                       chunk, then close_notify
  /chunked-cut.xml     the same response cut in the middle of a chunk: TCP
                       closed without close_notify
  anything else        404 (Content-Length), then close_notify

It prints "ready PORT" on stdout once it listens (a port taken by something
else makes it exit instead). With --client it is a TLS 1.0 client instead:
it fetches each PATH from 127.0.0.1:PORT and prints, on one line, "PATH:
close_notify" or "PATH: no close_notify" for each, to check the server's two
ways of closing with a TLS stack other than provscope's.

"Without close_notify" is done below the TLS layer, so that no Python or
OpenSSL build can add an alert on its way out: the TCP write side of the
connection is shut down (a FIN) on a duplicate of its descriptor before the
TLS socket is closed; a close_notify written after that cannot reach the
wire. The request is read whole first so that the close is a FIN, not a
reset. One line per connection on stderr says what was done.

The client's check does not depend on the Python build either: it clears
OP_IGNORE_UNEXPECTED_EOF, which Debian's python3 sets by default and which
makes OpenSSL 3 report a TCP end without close_notify as a clean close.
"""
import gzip
import os
import socket
import time
import ssl
import sys
import threading
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_common import log, read_request  # noqa: E402

warnings.simplefilter("ignore", DeprecationWarning)  # ssl.TLSVersion.TLSv1

CHUNK = 48  # bytes of body per chunk in the chunked answers


def chunked(data, cut=False):
    """The chunk stream of data; with cut, it stops inside the second chunk."""
    out = b""
    pieces = [data[i:i + CHUNK] for i in range(0, len(data), CHUNK)]
    for n, p in enumerate(pieces):
        if cut and n == 1:
            return out + b"%x\r\n" % len(p) + p[: len(p) // 2]
        out += b"%x\r\n" % len(p) + p + b"\r\n"
    return out + b"0\r\n\r\n"


def answer(path, profile):
    """(bytes to send, whether to end with close_notify)."""
    z = gzip.compress(profile, 9)
    xml = b"Content-Type: text/xml\r\n"
    if path in ("/cl-short.xml", "/cl-short-notify.xml"):
        head = b"HTTP/1.1 200 OK\r\n" + xml + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(profile)
        return head + profile[: len(profile) // 2], path == "/cl-short-notify.xml"
    if path == "/stall.xml":  # half of it, then nothing for 3 s (serve sleeps)
        head = b"HTTP/1.1 200 OK\r\n" + xml + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(profile)
        return head + profile[: len(profile) // 2], True
    if path == "/cl-full.xml":
        head = b"HTTP/1.1 200 OK\r\n" + xml + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(profile)
        return head + profile, False
    if path in ("/eof.xml", "/eof-notify.xml"):
        return b"HTTP/1.0 200 OK\r\n" + xml + b"\r\n" + profile, path == "/eof-notify.xml"
    if path in ("/chunked-gzip.xml", "/chunked-cut.xml"):
        cut = path == "/chunked-cut.xml"
        head = (b"HTTP/1.1 200 OK\r\n" + xml + b"Content-Encoding: gzip\r\n"
                b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        return head + chunked(z, cut), not cut
    if path == "/escape.cfg":
        evil = b'Station_Name "\x1b]0;pwned\x07x\x1b[2J\xc2\x9b31m";\nResync_Periodic "300";\n'
        head = (b"HTTP/1.1 200 OK\x1b]0;pwned\x07\r\nContent-Type: text/plain\r\n"
                b"X-Evil: \x1b[2J\x9b1m\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                % len(evil))
        return head + evil, True
    body = b"not here\n"
    head = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
    return head + body, True


def close_without_notify(s):
    """End the TCP connection under the TLS socket s with a FIN and no TLS
    alert: shut its write side down on a duplicate descriptor (shutdown acts
    on the connection, not on the descriptor), then close s; whatever the TLS
    layer tries to send after the FIN fails with EPIPE."""
    raw = socket.socket(fileno=os.dup(s.fileno()))
    try:
        raw.shutdown(socket.SHUT_WR)
    finally:
        raw.close()
    s.close()


def serve(ctx, conn, profile):
    conn.settimeout(5)
    try:
        s = ctx.wrap_socket(conn, server_side=True)
    except (OSError, ssl.SSLError) as e:
        log("handshake failed:", e)
        conn.close()
        return
    try:
        path = read_request(s)
        if path is None:
            log("no request")
            s.close()
            return
        data, notify = answer(path, profile)
        s.sendall(data)
        if path == "/stall.xml":
            time.sleep(3)
        if notify:
            try:
                s.unwrap().close()  # close_notify, then TCP
            except (OSError, ssl.SSLError) as e:
                log(path, "unwrap:", e)
                s.close()
            log(path, "sent", len(data), "bytes, close_notify")
        else:
            close_without_notify(s)
            log(path, "sent", len(data), "bytes, no close_notify")
    except (OSError, ssl.SSLError) as e:
        log("error:", e)
        s.close()


def client(port, path):
    """Fetch path from the server on 127.0.0.1:port with Python's own TLS
    client; how the connection ended: "close_notify" or "no close_notify" (a
    TCP end with no alert: OpenSSL's unexpected EOF)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1
    ctx.maximum_version = ssl.TLSVersion.TLSv1
    ctx.set_ciphers("AES256-SHA:@SECLEVEL=0")
    # A TCP end without close_notify must be an error here (SSLEOFError),
    # whatever this Python's default is.
    ctx.options &= ~getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)
    raw = socket.create_connection(("127.0.0.1", port), timeout=5)
    s = ctx.wrap_socket(raw, suppress_ragged_eofs=False)
    s.sendall(b"GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n" % path.encode())
    end = "no close_notify"
    try:
        while s.recv(4096):
            pass
        end = "close_notify"
    except ssl.SSLError as e:
        # SSLEOFError, or on some builds a plain SSLError with OpenSSL 3's
        # reason: either way the TCP end came with no close_notify
        if not (isinstance(e, ssl.SSLEOFError) or e.reason == "UNEXPECTED_EOF_WHILE_READING"):
            raise
    s.close()
    return end


def main():
    if sys.argv[1] == "--client":
        print(" ".join(path + ": " + client(int(sys.argv[2]), path) for path in sys.argv[3:]))
        return
    port, cert, key, prof = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    with open(prof, "rb") as f:
        profile = f.read()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1
    ctx.set_ciphers("AES256-SHA:AES128-SHA:@SECLEVEL=0")
    ctx.load_cert_chain(cert, key)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(("127.0.0.1", port))
    ls.listen(16)
    print("ready", port, flush=True)  # the test waits for this line
    while True:
        conn, _ = ls.accept()
        threading.Thread(target=serve, args=(ctx, conn, profile), daemon=True).start()


if __name__ == "__main__":
    main()
