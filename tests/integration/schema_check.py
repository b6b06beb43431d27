#!/usr/bin/env python3
"""Validate provscope reports against doc/provscope.schema.json.

Usage: schema_check.py SCHEMA FILE...   A FILE ending in .jsonl holds one
report per line; any other FILE holds one report. Prints each error with
its path and exits 1 when a file does not validate, 2 when the validator
is missing or the schema itself is not a valid draft 2020-12 schema."""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("jsonschema is not installed (Debian: python3-jsonschema)", file=sys.stderr)
    sys.exit(2)


def main():
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    cls = jsonschema.Draft202012Validator
    try:
        cls.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print(f"the schema is not valid: {e.message}", file=sys.stderr)
        return 2
    validator = cls(schema)
    bad = 0
    for name in sys.argv[2:]:
        with open(name) as f:
            if name.endswith(".jsonl"):
                docs = [json.loads(line) for line in f if line.strip()]
                if not docs:
                    print(f"{name}: no line", file=sys.stderr)
                    bad += 1
            else:
                docs = [json.load(f)]
        for i, doc in enumerate(docs):
            for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
                # Under anyOf (a $ref or null) the useful error is inside.
                e = jsonschema.exceptions.best_match([e])
                where = "/".join(str(p) for p in e.absolute_path)
                line = f" line {i + 1}" if name.endswith(".jsonl") else ""
                print(f"{name}{line}: /{where}: {e.message}"[:400], file=sys.stderr)
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
