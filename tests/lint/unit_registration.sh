#!/usr/bin/env bash
# Every Catch2 test case is one CTest entry `unit/NAME` that runs exactly that
# case, and an entry that matches no case fails. catch_discover_tests turns a
# name into a command line and Catch2 reads that name as a test spec, so a name
# with `;` (a CMake list separator), `\` (an escape), a leading `~` (exclusion),
# `,` (or), `[` `]` (tags), `*` (wildcard) or `"` (quotes) registers an entry
# that runs some other set of tests, or none, and still passes.
source "$PXEKIT_SRC/tests/support/testlib.sh"
need_cmd ctest python3
UNIT=${PXEKIT_UNIT_TESTS:-}
BUILD=$(dirname "$PXEKIT_BIN")
if [ ! -x "$UNIT" ]; then
  fail "unit_tests is built" "PXEKIT_UNIT_TESTS='$UNIT' is not an executable"
  finish
  exit
fi

# The Catch2 cases, and the CTest entries with their command lines.
"$UNIT" --list-test-names-only >"$SCRATCH/cases.raw"
(cd "$BUILD" && ctest -N --show-only=json-v1) >"$SCRATCH/ctest.json"
check "ctest lists the tests as JSON" '[ -s "$SCRATCH/ctest.json" ]'

# Writes cases, entries (sorted names), bad_names, wrong_entries, nomatch_rc.
python3 - "$SCRATCH" <<'PY'
import json, re, subprocess, sys
d = sys.argv[1]
# Catch2 2.x puts a name that starts with '#' in double quotes.
cases = [l for l in open(f"{d}/cases.raw").read().split("\n") if l.strip()]
cases = [c[1:-1] if c.startswith('"#') and c.endswith('"') else c for c in cases]
tests = [t for t in json.load(open(f"{d}/ctest.json"))["tests"] if t["name"].startswith("unit/")]
def write(name, lines):
    with open(f"{d}/{name}", "w") as f:
        f.write("".join(f"{l}\n" for l in lines))
write("cases", sorted(cases))
write("entries", sorted(t["name"][len("unit/"):] for t in tests))

bad = []
for c in cases:
    why = [f"'{ch}'" for ch in ';\\,[]*"~' if ch in c]
    if c != c.strip(): why.append("leading or trailing space")
    if c[:1] in ("-", "#"): why.append(f"leading '{c[0]}'")
    if c.lower().startswith("exclude:"): why.append("leading 'exclude:'")
    if why: bad.append(f"  {c!r}: {', '.join(why)}")
write("bad_names", bad)

wrong = []
for t in tests:
    want = t["name"][len("unit/"):]
    r = subprocess.run(t["command"] + ["--list-test-names-only"], capture_output=True, text=True)
    got = [l for l in r.stdout.split("\n") if l.strip()]
    if got != [want]:
        wrong.append(f"  {t['name']!r} runs {got[:3]!r}{' ...' if len(got) > 3 else ''}")
write("wrong_entries", wrong)

# The first entry's command with a name that matches nothing.
rc = "no entries"
if tests:
    cmd = list(tests[0]["command"])
    # catch_discover_tests: [executor...] executable name extra-args...
    at = next(i for i, a in enumerate(cmd) if a.endswith("unit_tests")) + 1
    cmd[at] = "pxekit: no such test case"
    rc = str(subprocess.run(cmd, capture_output=True).returncode)
write("nomatch_rc", [rc])
PY
check "the registration script ran" '[ -f "$SCRATCH/nomatch_rc" ]' || { finish; exit; }

check "unit_tests has test cases" '[ -s "$SCRATCH/cases" ]'
check "the unit/ CTest entries and the Catch2 cases are the same set" \
  'cmp -s "$SCRATCH/cases" "$SCRATCH/entries"' ||
  diff -U0 --label "Catch2 cases ($(wc -l <"$SCRATCH/cases"))" "$SCRATCH/cases" \
    --label "CTest unit/ entries ($(wc -l <"$SCRATCH/entries"))" "$SCRATCH/entries" >&2
check "no test case name holds a character that breaks registration" \
  '[ ! -s "$SCRATCH/bad_names" ]' ||
  { echo "rename these TEST_CASEs (plain words; no ; \\ , [ ] * \" ~):"; cat "$SCRATCH/bad_names"; } >&2
check "each unit/ entry runs exactly its own test case" '[ ! -s "$SCRATCH/wrong_entries" ]' ||
  cat "$SCRATCH/wrong_entries" >&2
check "an entry whose name matches no test case fails (-w NoTests)" \
  '[ "$(cat "$SCRATCH/nomatch_rc")" != 0 ] && [ "$(cat "$SCRATCH/nomatch_rc")" != "no entries" ]' ||
  echo "  exit status: $(cat "$SCRATCH/nomatch_rc")" >&2
# By hand, `build/bin/unit_tests` runs from any directory without the test
# environment: no case may depend on CTest's working directory or PXEKIT_SRC.
mkdir -p "$SCRATCH/elsewhere"
check "every unit case passes when run from another directory without PXEKIT_SRC" \
  '(cd "$SCRATCH/elsewhere" && env -u PXEKIT_SRC "$UNIT" -w NoTests >"$SCRATCH/elsewhere.out" 2>&1)' ||
  tail -n 30 "$SCRATCH/elsewhere.out" >&2
finish
