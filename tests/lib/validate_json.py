#!/usr/bin/python3
"""Validate a JSON document against a JSON Schema, offline (Debian's python3-jsonschema).

usage: validate_json.py SCHEMA.json DOCUMENT.json [MORE-SCHEMAS.json ...]

Schemas given after the document are loaded into the resolver's store under their $id,
so "$ref": "spdx.schema.json" resolves without any network access. Prints each error
with its JSON path and exits 1 when the document is not valid.
"""
import json
import sys

import jsonschema

schema_path, doc_path, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(schema_path) as f:
    schema = json.load(f)
with open(doc_path) as f:
    doc = json.load(f)

store = {}
for p in [schema_path] + extra:
    with open(p) as f:
        s = json.load(f)
    # draft-04 schemas (SARIF 2.1.0) name themselves with "id", later drafts with "$id".
    sid = s.get("$id") or s.get("id", "")
    store[sid] = s
    # Relative references resolve against the referring schema's $id base.
    if "/" in sid:
        store[sid.rsplit("/", 1)[0] + "/" + p.rsplit("/", 1)[-1]] = s


def no_network(uri):
    raise RuntimeError("schema reference %s is not available offline" % uri)


resolver = jsonschema.RefResolver.from_schema(schema, store=store, handlers={"http": no_network, "https": no_network})
cls = jsonschema.validators.validator_for(schema)
validator = cls(schema, resolver=resolver, format_checker=jsonschema.FormatChecker())
errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errors[:20]:
    print("%s: %s" % ("/".join(str(x) for x in e.absolute_path) or "(root)", e.message[:300]))
sys.exit(1 if errors else 0)
