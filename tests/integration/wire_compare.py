#!/usr/bin/env python3
"""Compare provscope's TLS handshake trace with the wire.

Usage: wire_compare.py [--decrypted] TSHARK-JSON PROVSCOPE-JSON SERVER-PORT [HOP]

TSHARK-JSON is `tshark -r CAPTURE -Y tls -T json -J "tcp tls"
--no-duplicate-keys` of a capture of the same run; PROVSCOPE-JSON is
provscope's --format json report. Both become one list of tokens, one per
record or handshake message, in the order they crossed the socket, with
the direction: "out ClientHello", "in Alert(48)", "out encrypted-handshake".
Exit 0 when the lists are equal (or differ only by one incoming record
listed one place late, the window the trace cannot close), 1 (printing
both) when not.

With --decrypted, tshark read the capture with the run's TLS keys
(SSLKEYLOGFILE): encrypted messages are compared by type on both sides
(a renegotiation's are all encrypted), and alerts on the wire after the
trace's end are left out (the close_notify pair after the exchange is
not part of the handshake).
"""
import json
import sys

# TLS handshake types by number, named as provscope names them.
HS = {0: "HelloRequest", 1: "ClientHello", 2: "ServerHello", 4: "NewSessionTicket",
      8: "EncryptedExtensions", 11: "Certificate", 12: "ServerKeyExchange",
      13: "CertificateRequest", 14: "ServerHelloDone", 15: "CertificateVerify",
      16: "ClientKeyExchange", 20: "Finished", 22: "CertificateStatus"}


def as_list(v):
    if v is None or v == "":
        return []
    return v if isinstance(v, list) else [v]


def wire_tokens(path, port):
    out = []
    for pkt in json.load(open(path)):
        layers = pkt["_source"]["layers"]
        d = "in" if layers["tcp"]["tcp.srcport"] == str(port) else "out"
        for tls in as_list(layers.get("tls")):
            if not isinstance(tls, dict):
                continue
            for rec in as_list(tls.get("tls.record")):
                ct = rec.get("tls.record.content_type")
                if ct == "20":
                    out.append(f"{d} ChangeCipherSpec")
                elif ct == "21":
                    al = rec.get("tls.alert_message")
                    desc = al.get("tls.alert_message.desc") if isinstance(al, dict) else None
                    out.append(f"{d} Alert({desc})" if desc else f"{d} Alert(encrypted)")
                elif ct == "22":
                    msgs = [m for m in as_list(rec.get("tls.handshake")) if isinstance(m, dict)]
                    if not msgs:
                        out.append(f"{d} encrypted-handshake")
                    for m in msgs:
                        t = int(m["tls.handshake.type"])
                        out.append(f"{d} {HS.get(t, f'Handshake({t})')}")
    return out


def provscope_tokens(path, hop, decrypted=False):
    out = []
    for m in json.load(open(path))["hops"][hop]["tls"]["handshake"]:
        d, t = m["dir"], m["type"]
        if t == "Alert":
            known = "alert" in m and (decrypted or not m["encrypted"])
            out.append(f"{d} Alert({m['alert'] if known else 'encrypted'})")
        elif m["encrypted"] and t != "ChangeCipherSpec" and not decrypted:
            out.append(f"{d} encrypted-handshake")
        else:
            out.append(f"{d} {t}")
    return out


def one_place_off(wire, ps):
    """The same lists but for one incoming record listed right after the
    phone's record that followed it on the wire: the one window the trace
    cannot close (the server's record arrives between the tap's read-ahead
    and the phone's send). A record further off (the bug this test is for:
    an alert listed after all the phone's later messages) is not this."""
    for i in range(len(wire) - 1):
        if (wire[i].startswith("in ") and wire[i + 1].startswith("out ")
                and wire[:i] + [wire[i + 1], wire[i]] + wire[i + 2:] == ps):
            return True
    return False


def trim_closing_alerts(wire, ps):
    """The wire without the alerts after the trace's end (the close_notify
    pair after the exchange, which the handshake trace does not list)."""
    rest = wire[len(ps):]
    if all(t.split(" ", 1)[1].startswith("Alert") for t in rest):
        return wire[:len(ps)]
    return wire


def main():
    args = sys.argv[1:]
    decrypted = bool(args) and args[0] == "--decrypted"
    if decrypted:
        args = args[1:]
    wire = wire_tokens(args[0], int(args[2]))
    ps = provscope_tokens(args[1], int(args[3]) if len(args) > 3 else 0, decrypted)
    if decrypted:
        wire = trim_closing_alerts(wire, ps)
    if wire == ps:
        print(", ".join(wire))
        return 0
    if one_place_off(wire, ps):
        print(", ".join(wire))
        print("(one incoming record listed one place late: it crossed the socket "
              "while the phone's next record was being sent)")
        return 0
    print("wire:      " + ", ".join(wire))
    print("provscope: " + ", ".join(ps))
    return 1


sys.exit(main())
