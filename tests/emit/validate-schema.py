#!/usr/bin/python3
"""Validate JSON Lines records against the vanban record schema.

usage: validate-schema.py SCHEMA FILE.jsonl...
       validate-schema.py --expect-invalid SCHEMA FILE.jsonl...

Normal mode: exit 0 only if every line of every file is a valid record; each
invalid line is reported as FILE:LINE: error. With --expect-invalid every line
must be REJECTED (a negative test: the schema must catch each deliberately
wrong record); a line the schema accepts is the failure. If FILE.where exists,
its line N is where line N must be rejected ("document/date", "(record)" for
the record itself, "(json)" for a line that is not JSON), so a wrong record
cannot pass for the wrong reason. Empty files fail in both modes, so a test
that wrote nothing cannot pass.
Needs Debian's python3-jsonschema (draft 2020-12).
"""
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("validate-schema.py: python3-jsonschema is missing: apt-get install -y python3-jsonschema")


def where(error):
    return "/".join(map(str, error.absolute_path)) or "(record)"


def describe(error):
    """The deepest reason: "X is not valid under any of the given schemas"
    (a oneOf of a value or null) says less than the branch that failed, and
    "is not of type 'null'" is never that branch."""
    while error.context:
        branches = [e for e in error.context
                    if not (e.validator == "type" and e.validator_value == "null")]
        error = max(branches or error.context, key=lambda e: len(e.absolute_path))
    return where(error), error.message


def main(argv):
    expect_invalid = False
    if argv and argv[0] == "--expect-invalid":
        expect_invalid = True
        argv = argv[1:]
    if len(argv) < 2:
        sys.exit(__doc__.strip().splitlines()[2])
    with open(argv[0], encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    bad = 0
    for path in argv[1:]:
        n = 0
        expected = None
        if expect_invalid and os.path.exists(path + ".where"):
            with open(path + ".where", encoding="utf-8") as f:
                expected = [line.strip() for line in f if line.strip()]
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                n += 1
                at = f"{path}:{lineno}"
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as e:
                    errors = [("(json)", f"not JSON: {e}")]
                else:
                    errors = [describe(e) for e in validator.iter_errors(record)]
                if expect_invalid:
                    want = expected[n - 1] if expected and n <= len(expected) else None
                    if not errors:
                        print(f"{at}: error: accepted, but this record is invalid", file=sys.stderr)
                        bad += 1
                    elif want and want not in [w for w, _ in errors]:
                        print(f"{at}: error: rejected at {errors[0][0]} ({errors[0][1]}), "
                              f"want {want}", file=sys.stderr)
                        bad += 1
                    else:
                        print(f"{at}: rejected as expected: {errors[0][0]}: {errors[0][1]}")
                else:
                    for w, msg in errors:
                        print(f"{at}: error: {w}: {msg}", file=sys.stderr)
                    bad += bool(errors)
        if expected is not None and len(expected) != n:
            print(f"{path}.where: error: {len(expected)} lines for {n} records", file=sys.stderr)
            bad += 1
        if n == 0:
            print(f"{path}: error: no records", file=sys.stderr)
            bad += 1
        elif not expect_invalid:
            print(f"{path}: {n} records checked")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
