#!/usr/bin/env python3
"""Builds src/profile/dict_data.c, the parameter dictionary of the SPA
families, from the real parameter lists in tests/data/profiles and the
hand-checked types in data/params/types.tsv (see that file's header).

    tools/mkdict.py [SRCDIR] > src/profile/dict_data.c

Names: every element name under <flat-profile> of the files below, except
names made by a template (holding "{"), <flat-profile> itself and the
router-configuration tree of the SPA122 export (containers and their groups,
not flat-profile parameters). A name ending in _N_ is the per-line
(per-extension, per-port) parameter STEM_N_: its entry is the stem, indexed.
Types: the types.tsv row for the name and family; otherwise Yes/No when
every value the family's files give it is Yes or No (inferred); otherwise
string (a name provscope redacts is shown as a secret at run time). Defaults: the
types.tsv default (from a guide); otherwise the value in the family's
device dump (PROV), labelled as such. The output is sorted by name and
deterministic: `make check` regenerates it and compares (dict_fresh.sh)."""
import csv, os, re, sys

SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
PROF = os.path.join(SRC, "tests", "data", "profiles")
TSV = os.path.join(SRC, "data", "params", "types.tsv")
EXTRA = os.path.join(SRC, "data", "params", "names.tsv")

FAMS = ["spa9xx", "spa5xx", "ata", "spa1xx"]
FAMBIT = {f: 1 << i for i, f in enumerate(FAMS)}

# file -> (source label, families, is a device dump whose values stand for
# defaults). Families named for a shared file are the ones it was written
# for; its names are added to a family only when listed here.
FILES = [
    ("provisioner__cisco-spa__model.cfg", "PROV spa", ["spa9xx"], True),
    ("fusionpbx__linksys-spa942__mac.xml", "FPBX spa942", ["spa9xx"], False),
    ("provisioner__cisco-spa5xx__model.cfg", "PROV spa5xx", ["spa5xx"], True),
    ("provisioner__cisco-spa5xx__spamac.xml", "PROV spa5xx mac", ["spa5xx"], False),
    ("fusionpbx__cisco-spa504g__mac.xml", "FPBX spa504g", ["spa5xx"], False),
    ("fusionpbx__cisco-spa301__mac.xml", "FPBX spa301", ["spa5xx"], False),
    ("jonpulsifer-infra__cathy.xml", "INFRA cathy", ["spa5xx"], False),
    ("provisioner__cisco-linksysata__model.cfg", "PROV ata", ["ata"], True),
    ("fusionpbx__linksys-spa2102__mac.xml", "FPBX spa2102", ["ata"], False),
    ("fusionpbx__linksys-spa3102__mac.xml", "FPBX spa3102", ["ata"], False),
    ("fusionpbx__cisco-spa122__mac.xml", "FPBX spa122", ["spa1xx"], True),
    ("fusionpbx__cisco-spa112__mac.xml", "FPBX spa112", ["spa1xx"], False),
]
TYPES = ["string", "bool", "int", "enum", "rule", "url", "time", "secret"]

ELEM = re.compile(r"<([A-Za-z_][A-Za-z0-9_.\-]*)([^<>]*?)(/?)>(?:([^<]*)</\1\s*>)?", re.S)


def split_index(name):
    m = re.match(r"^(.+)_([0-9]+)_$", name)
    if m and not m.group(1).endswith("_"):
        return m.group(1), int(m.group(2))
    return name, 0


def elements(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    text = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    # the SPA122's router-configuration tree is not flat-profile parameters
    text = re.sub(r"<router-configuration\b.*?</router-configuration\s*>",
                  lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    start = text.find("<flat-profile")
    if start >= 0:
        text = text[start:]
    for m in ELEM.finditer(text):
        name, body = m.group(1), m.group(4)
        if name in ("flat-profile", "xml") or "{" in m.group(0)[:len(name) + 2]:
            continue
        if m.group(3) == "" and body is None:
            continue  # an opening tag of a container
        value = None if body is None else " ".join(body.split())
        yield name, value


def main():
    names = {}  # stem -> {"idx": bool, "fams": set, "srcs": set, "values": {fam: set}, "dump": {fam: v}}
    srcs = []
    for fname, label, fams, dump in FILES:
        path = os.path.join(PROF, fname)
        if label not in srcs:
            srcs.append(label)
        for f in fams:
            src_fams[label] = src_fams.get(label, 0) | FAMBIT[f]
        for name, value in elements(path):
            stem, idx = split_index(name)
            # NAME_n_ and NAME are two parameters, each with its families
            e = names.setdefault((stem, bool(idx)), {"fams": set(), "srcs": set(),
                                                     "values": {}, "dump": {}})
            for f in fams:
                e["fams"].add(f)
                if value is not None and "{" not in value and "$" not in value[:2]:
                    e["values"].setdefault(f, set()).add(value.replace("&amp;", "&"))
                if dump and value is not None and f not in e["dump"] and "{" not in value:
                    e["dump"][f] = value.replace("&amp;", "&").replace("&lt;", "<").replace(
                        "&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            e["srcs"].add(label)
    # names that no file of the family holds, from a guide or a shared file
    global extra_notes
    if os.path.exists(EXTRA):
        with open(EXTRA, encoding="utf-8") as fh:
            for row in csv.DictReader((l for l in fh if not l.startswith("#")), delimiter="\t", quoting=csv.QUOTE_NONE):
                stem, idx = split_index(row["name"].replace("#", "1"))
                e = names.setdefault((stem, "#" in row["name"]),
                                     {"fams": set(), "srcs": set(), "values": {}, "dump": {}})
                for f in fams_of(row["families"]):
                    e["fams"].add(f)
                    if row.get("note"):
                        extra_notes[(stem, "#" in row["name"], f)] = row["note"]
                if row["source"] not in srcs:
                    srcs.append(row["source"])
                for f in fams_of(row["families"]):
                    src_fams[row["source"]] = src_fams.get(row["source"], 0) | FAMBIT[f]
                e["srcs"].add(row["source"])
    typed = {}
    if os.path.exists(TSV):
        with open(TSV, encoding="utf-8") as fh:
            for row in csv.DictReader((l for l in fh if not l.startswith("#")), delimiter="\t", quoting=csv.QUOTE_NONE):
                if not row.get("name") or row["type"] not in TYPES:
                    continue
                indexed = row["name"].endswith("_#_")
                key = row["name"][:-3] if indexed else row["name"]
                for f in fams_of(row["families"]):
                    typed[(key, indexed, f)] = row
    out = []
    for stem, indexed in sorted(names, key=lambda k: (k[0], not k[1])):
        e = names[(stem, indexed)]
        groups = {}
        for f in FAMS:
            if f not in e["fams"]:
                continue
            info = describe(stem, indexed, e, f, typed.get((stem, indexed, f)))
            groups.setdefault(info, []).append(f)
        for info, fams in groups.items():
            out.append((stem, indexed, sum(FAMBIT[f] for f in fams), info, e["srcs"]))
    if len(srcs) > 32:
        sys.exit("too many sources")
    w = sys.stdout.write
    w("/* Generated by tools/mkdict.py from tests/data/profiles and data/params:\n"
      " * do not edit; run `make dict` after changing them. */\n")
    w('#include "config.h"\n\n#include "profile/dict.h"\n\n/* clang-format off */\n')
    w("const char *const ps_dict_sources[] = {\n")
    for s in srcs:
        w("\t%s,\n" % c(s))
    w("};\nconst size_t ps_dict_n_sources = %d;\n" % len(srcs))
    w("const unsigned char ps_dict_source_fams[] = {")
    w(", ".join("0x%x" % src_fams.get(s, 0) for s in srcs))
    w("};\n\n")
    w("const struct ps_pdef ps_dict[] = {\n")
    for stem, indexed, fams, info, esrcs in out:
        typ, spec, dflt, flags, guide, note = info
        mask = sum(1 << srcs.index(s) for s in esrcs)
        fl = " | ".join(f for f in flags) or "0"
        if indexed:
            fl = "PS_PD_INDEXED" + ("" if fl == "0" else " | " + fl)
        w("\t{ %s, 0x%xu, 0x%x, PS_PT_%s, %s, %s, %s, %s, %s },\n" % (
            c(stem), mask, fams, typ.upper(), fl, c(spec), c(dflt), c(guide), c(note)))
    w("};\nconst size_t ps_dict_count = sizeof ps_dict / sizeof ps_dict[0];\n/* clang-format on */\n")


extra_notes = {}
src_fams = {}


def fams_of(s):
    s = s.strip()
    if s in ("*", ""):
        return list(FAMS)
    return [f.strip() for f in s.split(",") if f.strip() in FAMS]


def describe(stem, indexed, e, fam, row):
    flags = []
    if row:
        typ, spec = row["type"], row.get("spec") or None
        d = row.get("default", "?")
        dflt = None if d in ("?", None) else ("" if d == '""' else d)
        if dflt is not None:
            flags.append("PS_PD_DEF_GUIDE")
        guide = row.get("source") or None
        note = row.get("note") or None
        if note and re.search(r"uncertain|assumed|not documented|not confirmed", note, re.I):
            flags.append("PS_PD_UNCERTAIN")
    else:
        vals = {v for v in e["values"].get(fam, set()) if v != ""}
        name = stem + ("_1_" if indexed else "")
        if vals and vals <= {"Yes", "No"}:
            typ = "bool"
            flags.append("PS_PD_INFERRED")
        else:
            typ = "string"
        spec, guide, note = None, None, extra_notes.get((stem, indexed, fam))
        dflt = None
        if note and re.search(r"uncertain", note, re.I):
            flags.append("PS_PD_UNCERTAIN")
    if dflt is None and fam in e["dump"] and typ != "secret":
        dflt = e["dump"][fam]
    return (typ, spec, dflt, tuple(flags), guide, note)


def c(s):
    if s is None:
        return "NULL"
    out = '"'
    for ch in s:
        if ch in '"\\':
            out += "\\" + ch
        elif ord(ch) < 32 or ord(ch) > 126:
            out += "\\%03o" % ord(ch) if ord(ch) < 256 else "?"
        else:
            out += ch
    return out + '"'


if __name__ == "__main__":
    main()
