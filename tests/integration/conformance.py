#!/usr/bin/env python3
"""Conformance of provscope's modern-client verdict with the x509-limbo and
badssl corpora. Runs `provscope cert --format json --no-system-trust` on
every case, compares the modern verdict with the expected result, prints TAP
(one line per case), the agreement rate and every disagreement with its
reason. Accepted exceptions are listed below with the reason; nothing is
skipped silently: a case provscope cannot check is reported as a SKIP line
saying why."""
import json, os, subprocess, sys, tempfile, glob, datetime

PROVSCOPE = os.environ["PROVSCOPE"]
DATA = os.path.join(os.environ["TOP_SRCDIR"], "tests", "data", "x509")

# Limbo features that mark behaviour provscope's modern client (GnuTLS
# 3.7.9 path validation) does not implement or that upstream calls
# optional; the case is reported as SKIP with the feature named.
UNSUPPORTED_FEATURES = {
    "name-constraint-dn": "DN name constraints are not evaluated by GnuTLS 3.7.9",
    "pedantic-serial-number": "pedantic: optional upstream",
    "pedantic-webpki": "pedantic: optional upstream",
    "pedantic-webpki-eku": "pedantic: optional upstream",
    "pedantic-rfc5280": "pedantic: optional upstream",
    "pedantic-public-suffix-wildcard": "public-suffix list is not used",
    "rfc5280-incompatible-with-webpki": "profile-dependent",
    "max-chain-depth": "provscope sets no maximum chain depth",
}

# Disagreements explained by documented GnuTLS behaviour: id -> reason.
AKI = ("GnuTLS 3.7.9 path validation does not check whether the authority or subject "
       "key identifier extensions are present, critical or consistent")
NC = ("GnuTLS 3.7.9 does not reject these name-constraint encodings or their use in "
      "end-entity certificates")
ANCHOR = ("GnuTLS trusts a trust anchor as it is: the anchor's own extensions and "
          "self-signature are not checked")
EMPTY = ("GnuTLS 3.7.9 does not check empty subject or issuer names, nor the criticality "
         "rules that tie subjectAltName to an empty subject")
AIA = "GnuTLS does not use or check the authorityInformationAccess extension"
EE_CA = ("GnuTLS accepts an end-entity certificate that is marked as a CA or carries "
         "keyCertSign")
EXCEPTIONS = {
    "rfc5280::aki::critical-aki": AKI,
    "rfc5280::aki::leaf-missing-aki": AKI,
    "rfc5280::aki::intermediate-missing-aki": AKI,
    "rfc5280::ski::root-missing-ski": AKI,
    "rfc5280::ski::intermediate-missing-ski": AKI,
    "webpki::aki::root-with-aki-missing-keyidentifier": AKI,
    "webpki::aki::root-with-aki-authoritycertissuer": AKI,
    "webpki::aki::root-with-aki-authoritycertserialnumber": AKI,
    "webpki::aki::root-with-aki-all-fields": AKI,
    "webpki::aki::root-with-aki-ski-mismatch": AKI,
    "rfc5280::nc::not-allowed-in-ee-noncritical": NC,
    "rfc5280::nc::not-allowed-in-ee-critical": NC,
    "rfc5280::nc::nc-permits-invalid-dns-san": NC,
    "rfc5280::nc::nc-permits-invalid-ip-san": NC,
    "webpki::nc::intermediate-permitted-excluded-subtrees-both-null": NC,
    "webpki::nc::intermediate-permitted-excluded-subtrees-both-empty-sequences": NC,
    "rfc5280::root-missing-basic-constraints": ANCHOR,
    "rfc5280::root-non-critical-basic-constraints": ANCHOR,
    "webpki::forbidden-signature-algorithm-in-root": ANCHOR,
    "rfc5280::san::noncritical-with-empty-subject": EMPTY,
    "rfc5280::ee-empty-issuer": EMPTY,
    "rfc5280::ca-empty-subject": EMPTY,
    "webpki::san::san-critical-with-nonempty-subject": EMPTY,
    "rfc5280::ee-critical-aia-invalid": AIA,
    "webpki::malformed-aia": AIA,
    "rfc5280::leaf-ku-keycertsign": EE_CA,
    "webpki::ee-basicconstraints-ca": EE_CA,
    "pathlen::self-issued-certs-pathlen": (
        "GnuTLS 3.7.9 counts self-issued intermediate certificates against "
        "pathLenConstraint, which RFC 5280 4.2.1.9 excludes"),
    "pathlen::validation-ignores-pathlen-in-leaf": (
        "provscope's modern client also applies the TLS server key-usage rule (a leaf "
        "keyUsage must allow digitalSignature or keyEncipherment), which this "
        "path-validation case does not"),
    "subdomain-revoked.pem": (
        "provscope fetches no CRL or OCSP response: revocation is not checked"),
}

results = []  # (name, status, detail); status in ok, fail, skip


def run_cert(chain_pems, anchors_pems, host, at):
    with tempfile.TemporaryDirectory() as d:
        chain = os.path.join(d, "chain.pem")
        ca = os.path.join(d, "ca.pem")
        with open(chain, "w") as f:
            f.write("\n".join(p.strip() for p in chain_pems) + "\n")
        with open(ca, "w") as f:
            f.write("\n".join(p.strip() for p in anchors_pems) + "\n")
        cmd = [PROVSCOPE, "cert", "--format", "json", "--no-system-trust", "--ca", ca, chain]
        if host:
            cmd += ["--host", host]
        if at:
            cmd += ["--at", at]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if p.returncode not in (0, 5):
            return None, "provscope exited %d: %s" % (p.returncode, p.stderr.strip()[:200])
        try:
            rep = json.loads(p.stdout)
        except ValueError as e:
            return None, "no JSON: %s" % e
        ch = rep.get("chain") or {}
        reasons = "; ".join((ch.get("modern") or {}).get("reasons") or [])
        return ch.get("modern_verdict"), reasons


def iso_to_at(t):
    if not t:
        return None
    dt = datetime.datetime.fromisoformat(t).astimezone(datetime.timezone.utc)
    return "@%d" % int(dt.timestamp())


def limbo_case(tc):
    name = "limbo " + tc["id"]
    feats = tc.get("features") or []
    bad = [f for f in feats if f in UNSUPPORTED_FEATURES]
    if bad:
        return name, "skip", "feature %s: %s" % (bad[0], UNSUPPORTED_FEATURES[bad[0]])
    if tc.get("signature_algorithms") or tc.get("key_usage"):
        return name, "skip", "constrains signature algorithms or key usage"
    eku = tc.get("extended_key_usage")
    if eku and eku != ["serverAuth"]:
        return name, "skip", "asks for extended key usage %s" % eku
    if tc.get("validation_kind", "SERVER") != "SERVER":
        return name, "skip", "client validation"
    peer = tc.get("expected_peer_name") or {}
    if peer and peer.get("kind") not in ("DNS", "IP"):
        return name, "skip", "peer name kind %s" % peer.get("kind")
    chain = [tc["peer_certificate"]] + list(tc.get("untrusted_intermediates") or [])
    verdict, why = run_cert(chain, tc["trusted_certs"], peer.get("value"),
                            iso_to_at(tc.get("validation_time")))
    expected = "accept" if tc["expected_result"] == "SUCCESS" else "reject"
    return compare(name, tc["id"], expected, verdict, why)


def compare(name, key, expected, verdict, why):
    unparsable = ("does not hold a valid certificate" in why or
                  "certificates in it cannot be read" in why)
    if verdict is None and expected == "reject" and unparsable:
        # GnuTLS refuses to parse the certificate: a modern client on GnuTLS
        # rejects it, which is the expected verdict.
        return name, "ok", "reject: GnuTLS cannot parse it (%s)" % why
    if verdict is None:
        if key in EXCEPTIONS:
            return name, "ok", "accepted exception: %s (%s)" % (EXCEPTIONS[key], why)
        return name, "fail", "could not check: %s" % why
    if verdict == expected:
        return name, "ok", "%s as expected" % verdict
    if key in EXCEPTIONS:
        return name, "ok", "accepted exception: %s (got %s, expected %s)" % (
            EXCEPTIONS[key], verdict, expected)
    return name, "fail", "got %s, expected %s; provscope says: %s" % (verdict, expected, why)


def split_pem(text):
    out, cur = [], []
    for line in text.splitlines():
        cur.append(line)
        if line.startswith("-----END CERTIFICATE-----"):
            out.append("\n".join(cur) + "\n")
            cur = []
        elif not line.startswith("-----BEGIN") and not cur[0].startswith("-----BEGIN"):
            cur = []
    return out


def badssl_cases():
    base = os.path.join(DATA, "badssl")
    roots = []
    for r in sorted(glob.glob(os.path.join(base, "roots", "*.pem"))):
        roots += split_pem(open(r).read())
    rows = open(os.path.join(base, "badssl-reference-verdicts.tsv")).read().splitlines()
    head = rows[0].split("\t")
    for row in rows[1:]:
        f = dict(zip(head, row.split("\t")))
        fname = f["file"]
        name = "badssl " + fname
        chain = split_pem(open(os.path.join(base, fname)).read())
        sem = f["expected_semantic(see README)"]
        host = f["verify_hostname"]
        if not chain:
            yield name, "skip", "no PEM certificate in the file"
            continue
        if "." not in host:
            # fallback.pem: the host is a description, not a name.
            host = None
        expected = "accept" if sem == "SUCCESS" else "reject"
        at = f["suggested_validation_time(mid-validity)"]
        if "expired at any later time" in f.get("note", ""):
            at = None  # the case is about checking it now
        verdict, why = run_cert(chain, roots, host, at)
        yield compare(name, fname, expected, verdict, why)


def main():
    limbo = json.load(open(os.path.join(DATA, "limbo", "limbo-ddc40b4-2023-12-02.json")))
    cases = list(limbo["testcases"])
    for f in sorted(glob.glob(os.path.join(DATA, "limbo", "online", "*.json"))):
        cases.append(json.load(open(f)))
    for tc in cases:
        results.append(limbo_case(tc))
    for r in badssl_cases():
        results.append(r)
    n = 0
    for name, status, detail in results:
        n += 1
        if status == "ok":
            print("ok %d - %s: %s" % (n, name, detail))
        elif status == "skip":
            print("ok %d - %s # SKIP %s" % (n, name, detail))
        else:
            print("not ok %d - %s: %s" % (n, name, detail))
    checked = [r for r in results if r[1] != "skip"]
    agree = [r for r in checked if r[1] == "ok" and "accepted exception" not in r[2]]
    exc = [r for r in checked if "accepted exception" in r[2]]
    rate = 100.0 * len(agree) / len(checked) if checked else 0.0
    print("# agreement: %d of %d checked cases (%.1f%%), %d accepted exceptions, %d skipped"
          % (len(agree), len(checked), rate, len(exc), len(results) - len(checked)))
    for name, status, detail in results:
        if status == "fail" or "accepted exception" in detail:
            print("# disagreement: %s: %s" % (name, detail))
    print("1..%d" % n)
    return 0 if all(r[1] != "fail" for r in results) else 1


sys.exit(main())
