"""Check provscope lab --record lines: against the schema's lab_record
(when jsonschema is installed), and their JA3 and JA4 computed again from
the recorded ClientHello by the published algorithms (Salesforce's JA3,
FoxIO's JA4) with Python's hashlib. Prints "ok" or the problems.
A model file (NAME.json, from provscope lab --learn-model) is checked
against the schema's model_file the same way.
Usage: ja_check.py RECORD.jsonl|MODEL.json SCHEMA.json"""
import hashlib
import json
import sys

model_file = sys.argv[1].endswith(".json")
if model_file:
    recs = [json.load(open(sys.argv[1]))]
else:
    recs = [json.loads(line) for line in open(sys.argv[1])]
problems = []
try:
    import jsonschema

    schema = json.load(open(sys.argv[2]))
    kind = "model_file" if model_file else "lab_record"
    sub = {"$ref": "#/$defs/" + kind, "$defs": schema["$defs"]}
    for r in recs:
        try:
            jsonschema.validate(r, sub)
        except jsonschema.ValidationError as e:
            problems.append("schema: " + e.message)
except ImportError:
    pass


def grease(v):
    return (v & 0x0F0F) == 0x0A0A and (v >> 8) == (v & 0xFF)


def ints(values):
    return [int(x, 16) for x in values if not grease(int(x, 16))]


VERSIONS = {"TLS1.0": 769, "TLS1.1": 770, "TLS1.2": 771, "TLS1.3": 772}


def ja3(ch):
    parts = [
        str(VERSIONS[ch["version"]]),
        "-".join(map(str, ints([s["id"] for s in ch["cipher_suites"]]))),
        "-".join(map(str, ints(ch["extensions"]))),
        "-".join(map(str, ints(ch["supported_groups"]))),
        "-".join(map(str, ints(ch["ec_point_formats"]))),
    ]
    return ",".join(parts)


def ja4(ch):
    suites = ints([s["id"] for s in ch["cipher_suites"]])
    exts = ints(ch["extensions"])
    sv = ints(ch["supported_versions"])
    v = max(sv) if sv else VERSIONS[ch["version"]]
    ver = {772: "13", 771: "12", 770: "11", 769: "10"}.get(v, "00")
    alpn = ch["alpn"]
    a = "t%s%s%02d%02d%s" % (
        ver,
        "d" if 0 in exts else "i",
        min(len(suites), 99),
        min(len(exts), 99),
        (alpn[0] + alpn[-1]) if alpn else "00",
    )
    b = ",".join("%04x" % x for x in sorted(suites))
    c = ",".join("%04x" % x for x in sorted(e for e in exts if e not in (0, 16)))
    sig = ints(ch["signature_algorithms"])
    if sig:
        c += "_" + ",".join("%04x" % x for x in sig)

    def h(text):
        return hashlib.sha256(text.encode()).hexdigest()[:12] if text else "0" * 12

    return "%s_%s_%s" % (a, h(b), h(c))


for r in recs:
    ch, fp = r["client_hello"], r["fingerprint"]
    s = ja3(ch)
    if s != fp["ja3_string"] or hashlib.md5(s.encode()).hexdigest() != fp["ja3"]:
        problems.append("ja3 %s != %s (%s)" % (s, fp["ja3_string"], fp["ja3"]))
    if ja4(ch) != fp["ja4"]:
        problems.append("ja4 %s != %s" % (ja4(ch), fp["ja4"]))
if model_file:
    print("; ".join(problems) or "ok")
    sys.exit(0)
first, second = recs
if first["model"] != "spa942" or "spa942" not in first["fingerprint"]["offer_of"]:
    problems.append(
        "provscope as an SPA942: model %s, offer of %s"
        % (first["model"], first["fingerprint"]["offer_of"])
    )
if second["fingerprint"]["offer_of"] or not second["fingerprint"]["differs"]:
    problems.append("curl: offer of %s" % second["fingerprint"]["offer_of"])
for r in recs:
    c = r["certificate"]
    if not c or c["mac"] != "000e08aabbcc" or not c["trusted"] or c["product"] != "SPA-942":
        problems.append("certificate: %s" % c)
print("; ".join(problems) or "ok")
