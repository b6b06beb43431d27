"""The lab's fingerprints against the wire (tests/integration/lab_fingerprint.sh).

ja_wire.py compare WIRE.json RECORD.jsonl
    WIRE.json is tshark's dissection of a capture on the lab's port
    (-T json -x -J "tcp tls" --no-duplicate-keys), RECORD.jsonl the lab's
    --record. Each ClientHello on the wire is matched with the record whose
    peer has its client port; the record's ja3 and ja3_string must be
    tshark's tls.handshake.ja3 and ja3_full, its ja4 and ja4_r the JA4 that
    this script computes (FoxIO's published algorithm) from tshark's fields,
    never from the lab's own parse; tshark's tls.handshake.ja4 and ja4_r
    too when this tshark has them (Wireshark 4.2 and later). Its suites and
    server name as tshark read them. Prints a line per connection, then
    "ok" or each mismatch, one a line; exits 1 on a mismatch.

ja_wire.py hello PORT KIND
    Sends a ClientHello made here, byte by byte, to 127.0.0.1:PORT, reads
    what comes back for a moment and closes: offers no TLS library sends.
    KIND grease: GREASE suites, extensions, groups and versions (RFC 8701),
    SNI, ALPN http/1.1, TLS 1.2 in supported_versions. KIND alpn: no SNI, a
    first ALPN value whose ends are not alphanumeric, an unknown extension.
"""
import hashlib
import json
import os
import socket
import struct
import sys


def grease(v):
    return (v & 0x0F0F) == 0x0A0A and (v >> 8) == (v & 0xFF)


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def find_hellos(node, out):
    """Every handshake object of type 1 in tshark's tree, in order."""
    if isinstance(node, list):
        for x in node:
            find_hellos(x, out)
    elif isinstance(node, dict):
        if node.get("tls.handshake.type") == "1":
            out.append(node)
            return
        for k, v in node.items():
            if not k.endswith("_raw"):
                find_hellos(v, out)


def extensions(h):
    """(type, object) of each extension; tshark names the keys
    "Extension: NAME (len=N)", merged into a list when two are alike."""
    out = []
    for k, v in h.items():
        if k.startswith("Extension: ") and not k.endswith("_raw"):
            for e in as_list(v):
                out.append((int(e["tls.handshake.extension.type"]), e))
    return out


def dig(node, key):
    """The first value of `key` anywhere under node (raw values too)."""
    if isinstance(node, dict):
        if key in node:
            return node[key]
        for v in node.values():
            r = dig(v, key)
            if r is not None:
                return r
    elif isinstance(node, list):
        for v in node:
            r = dig(v, key)
            if r is not None:
                return r
    return None


def raw_values(node, key):
    """The hex strings of a repeated field's _raw entries."""
    r = dig(node, key + "_raw")
    if r is None:
        return []
    if r and isinstance(r[0], list):
        return [x[0] for x in r]
    return [r[0]]


def ja4_from_wire(h):
    """JA4 and JA4_r by FoxIO's specification, from tshark's fields."""
    suites = [int(s, 16) for s in as_list(dig(h, "tls.handshake.ciphersuite"))]
    suites = [s for s in suites if not grease(s)]
    exts = extensions(h)
    types = [t for t, _ in exts if not grease(t)]
    versions = []
    sig = []
    alpn = None
    for t, e in exts:
        if t == 43:
            versions = [int(v, 16) for v in as_list(dig(e, "tls.handshake.extensions.supported_version"))]
        elif t == 13:
            sig = [int(v, 16) for v in as_list(dig(e, "tls.handshake.sig_hash_alg"))]
        elif t == 16:
            first = raw_values(e, "tls.handshake.extensions_alpn_str")
            alpn = bytes.fromhex(first[0]) if first else None
    versions = [v for v in versions if not grease(v)]
    v = max(versions) if versions else int(h["tls.handshake.version"], 16)
    ver = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3"}.get(v, "00")
    if not alpn:
        a_alpn = "00"
    else:
        f, l = chr(alpn[0]), chr(alpn[-1])
        if f.isascii() and f.isalnum() and l.isascii() and l.isalnum():
            a_alpn = f + l
        else:
            a_alpn = alpn.hex()[0] + alpn.hex()[-1]
    a = "t%s%s%02d%02d%s" % (
        ver,
        "d" if 0 in types else "i",
        min(len(suites), 99),
        min(len(types), 99),
        a_alpn,
    )
    b = ",".join("%04x" % x for x in sorted(suites))
    c = ",".join("%04x" % x for x in sorted(t for t in types if t not in (0, 16)))
    sig = [s for s in sig if not grease(s)]
    if sig:
        c += "_" + ",".join("%04x" % x for x in sig)

    def hsh(text):
        return hashlib.sha256(text.encode()).hexdigest()[:12] if text else "0" * 12

    return "%s_%s_%s" % (a, hsh(b), hsh(c)), "%s_%s_%s" % (a, b, c)


def compare(wire_file, rec_file):
    wire = json.load(open(wire_file))
    recs = {}
    for line in open(rec_file):
        r = json.loads(line)
        recs[r["peer"].rsplit(":", 1)[1]] = r
    problems = []
    seen = set()
    for pkt in wire:
        layers = pkt["_source"]["layers"]
        port = layers["tcp"]["tcp.srcport"]
        hellos = []
        find_hellos(layers.get("tls"), hellos)
        for h in hellos:
            seen.add(port)
            r = recs.get(port)
            if r is None:
                problems.append("port %s: a ClientHello on the wire, no record" % port)
                continue
            fp = r["fingerprint"]
            if fp is None:
                problems.append("port %s: the record has no fingerprint" % port)
                continue
            ja4, ja4_r = ja4_from_wire(h)
            checks = [
                ("ja3_string", fp["ja3_string"], h.get("tls.handshake.ja3_full")),
                ("ja3", fp["ja3"], h.get("tls.handshake.ja3")),
                ("ja4 (computed from tshark's fields)", fp["ja4"], ja4),
                ("ja4_r (computed from tshark's fields)", fp["ja4_r"], ja4_r),
                (
                    "cipher suites",
                    [s["id"] for s in r["client_hello"]["cipher_suites"]],
                    as_list(dig(h, "tls.handshake.ciphersuite")),
                ),
                (
                    "server name",
                    r["client_hello"]["server_name"],
                    dig(h, "tls.handshake.extensions_server_name"),
                ),
            ]
            for k in ("ja4", "ja4_r"):
                if "tls.handshake." + k in h:
                    checks.append((k + " (tshark's)", fp[k], h["tls.handshake." + k]))
            for what, lab, ts in checks:
                if lab != ts:
                    problems.append("port %s %s: the lab %s, tshark %s" % (port, what, lab, ts))
            print("port %s: ja3 %s ja4 %s" % (port, fp["ja3"], fp["ja4"]))
    for port in sorted(set(recs) - seen):
        if recs[port]["client_hello"] is not None:
            problems.append("port %s: a record with a ClientHello, none on the wire" % port)
    if not seen:
        problems.append("no ClientHello on the wire")
    print("\n".join(problems) or "ok")
    return 1 if problems else 0


def ext(t, body):
    return struct.pack("!HH", t, len(body)) + body


def vec16(items):
    body = b"".join(struct.pack("!H", x) for x in items)
    return struct.pack("!H", len(body)) + body


def hello(port, kind):
    if kind == "grease":
        suites = [0x0A0A, 0x1301, 0xC02F, 0xC030, 0x009C, 0x002F, 0x0035, 0x00FF]
        host = b"prov.lab.test"
        alpn = b"\x08http/1.1"
        exts = [
            ext(0x2A2A, b""),
            ext(0x0000, struct.pack("!HBH", len(host) + 3, 0, len(host)) + host),
            ext(0x0017, b""),
            ext(0x000A, vec16([0x4A4A, 0x001D, 0x0017, 0x0018])),
            ext(0x000B, b"\x01\x00"),
            ext(0x0023, b""),
            ext(0x0010, struct.pack("!H", len(alpn)) + alpn),
            ext(0x000D, vec16([0x0403, 0x0804, 0x0401, 0x0501, 0x0201])),
            ext(0x002B, b"\x06" + struct.pack("!HHH", 0x5A5A, 0x0303, 0x0302)),
            ext(0xDADA, b"\x00"),
        ]
    else:
        suites = [0xC02F, 0x009C, 0x002F]
        alpn = b"\x03\xab\x01\xcd\x02h2"
        exts = [
            ext(0x000D, vec16([0x0401, 0x0201])),
            ext(0x0010, struct.pack("!H", len(alpn)) + alpn),
            ext(0x1234, b"provscope"),
            ext(0xFF01, b"\x00"),
        ]
    body = struct.pack("!H", 0x0303) + os.urandom(32) + b"\x20" + os.urandom(32)
    body += vec16(suites) + b"\x01\x00"
    e = b"".join(exts)
    body += struct.pack("!H", len(e)) + e
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    rec = b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=5)
    s.sendall(rec)
    try:
        s.recv(65536)
    except OSError:
        pass
    s.close()
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    sys.exit(hello(sys.argv[2], sys.argv[3]))
