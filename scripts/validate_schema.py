#!/usr/bin/env python3
"""Validate YAML or JSON files against a JSON Schema (draft 2020-12).

Usage: validate_schema.py SCHEMA FILE...
Prints one JSON object {file: ["field/path: message", ...]} (an empty list means valid).
Exit status 3 when jsonschema or PyYAML is missing (pip install jsonschema pyyaml).
"""
import json
import sys

try:
    import jsonschema
    import yaml
except ImportError as error:
    print("MISSING " + str(error))
    sys.exit(3)

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
out = {}
for path in sys.argv[2:]:
    document = yaml.safe_load(open(path))
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    out[path] = ["/".join(map(str, e.absolute_path)) + ": " + e.message for e in errors]
print(json.dumps(out))
