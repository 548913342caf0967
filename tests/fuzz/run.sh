#!/bin/bash
# Runs libFuzzer targets one after the other (`make fuzz` calls it).
#   run.sh FUZZ_DIR [TARGET...]     no TARGET: every tests/bin/fuzz_* built
# Environment: FUZZ_RUNS=N (executions per target, -runs=N) or, when unset,
# FUZZ_SECONDS=S (-max_total_time=S); FUZZ_FLAGS: more libFuzzer flags
# (-fork=N runs N jobs at once, each a process, until the executions of
# all of them add up to FUZZ_RUNS; the summary line is the same).
#
# Each target runs with its dictionary (tests/fuzz/dict/TARGET.dict, when
# there is one), its seeds (tests/fuzz/corpus/TARGET, read only) and a
# working corpus (FUZZ_DIR/corpus/TARGET, kept between runs). The log is
# FUZZ_DIR/logs/TARGET.log; crashes go to FUZZ_DIR/crashes/TARGET/. One
# summary line per target (executions, edges "cov:", features "ft:", corpus
# size, time, date, result) is appended to FUZZ_DIR/summary.md, a Markdown
# table ready for tests/fuzz/README.md. Exit 1 when any target found
# something (the others still run).
set -u
fuzz_dir=${1:?usage: run.sh FUZZ_DIR [TARGET...]}
shift
src=$(cd "$(dirname "$0")" && pwd)
bin=$fuzz_dir/tests/bin

targets=()
if [ $# -gt 0 ]; then
  for t in "$@"; do targets+=("fuzz_${t#fuzz_}"); done
else
  for f in "$bin"/fuzz_*; do targets+=("$(basename "$f")"); done
fi

if [ -n "${FUZZ_RUNS:-}" ]; then
  budget=(-runs="$FUZZ_RUNS")
else
  budget=(-max_total_time="${FUZZ_SECONDS:-30}")
fi

summary=$fuzz_dir/summary.md
if [ ! -s "$summary" ]; then
  {
    echo "| Target | Executions | Edges (cov) | Features (ft) | Corpus | Time (s) | Exec/s | Date (UTC) | Result |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|---|"
  } >"$summary"
fi

status=0
for name in "${targets[@]}"; do
  fuzzer=$bin/$name
  if [ ! -x "$fuzzer" ]; then
    echo "run.sh: $name: not built ($fuzzer)" >&2
    status=1
    continue
  fi
  corpus=$fuzz_dir/corpus/$name
  crashes=$fuzz_dir/crashes/$name
  log=$fuzz_dir/logs/$name.log
  mkdir -p "$corpus" "$crashes" "$fuzz_dir/logs"
  dict=()
  [ -f "$src/dict/$name.dict" ] && dict=(-dict="$src/dict/$name.dict")
  echo "== $name (${budget[*]}${dict:+ ${dict[*]##*/}})"
  start=$(date +%s)
  : >"$log.start" # what $crashes gets after this is the run's
  # -timeout: one input slower than this is a finding (a hang). 300 s by
  # default: on a loaded shared machine a niced fuzzer can stall for 30 s
  # in trivial code, and libFuzzer's 25 s default then reports a false hang.
  "$fuzzer" "${budget[@]}" "${dict[@]}" -timeout=${FUZZ_TIMEOUT:-300} -print_final_stats=1 \
    -artifact_prefix="$crashes/" ${FUZZ_FLAGS:-} \
    "$corpus" "$src/corpus/$name" >"$log" 2>&1
  rc=$?
  seconds=$(($(date +%s) - start))
  # The last status line: "#N  DONE  cov: E ft: F corp: C/SIZE ...".
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  [ -n "$execs" ] || execs=$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
  cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  # -fork=N prints no stat:: lines: its rate is the executions over the
  # time. Its "cov:" and "corp:" are counted another way (the PCs of every
  # job, every file the jobs added), so the row takes edges, features and
  # corpus from one pass over the corpus (-runs=0), as a plain run counts
  # them, and the run's own last line stays in the log.
  if [ -z "$rate" ] && [ -n "$execs" ]; then
    [ "$seconds" -gt 0 ] && rate=$((execs / seconds))
    "$fuzzer" -runs=0 "${dict[@]}" -timeout=${FUZZ_TIMEOUT:-300} "$corpus" "$src/corpus/$name" >"$log.pass" 2>&1
    inited=$(grep -E '^#[0-9]+[[:space:]]+INITED' "$log.pass" | tail -n 1)
    cov=$(echo "$inited" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$inited" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$inited" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
  fi
  # -fork=N goes on after a job's timeout or out-of-memory (libFuzzer's
  # -ignore_timeouts and -ignore_ooms are on in fork mode) and exits 0,
  # but the job wrote its input to $crashes and the last line counts it
  # ("oom/timeout/crash: 0/1/0"). Those are findings too. A slow unit is
  # not (it is wall-clock time, and a niced job can be starved that long),
  # but it is said: replay it to know.
  found=$(find "$crashes" -type f -newer "$log.start" ! -name 'slow-unit-*' | wc -l)
  slow=$(find "$crashes" -type f -newer "$log.start" -name 'slow-unit-*' | wc -l)
  counts=$(echo "$last" | sed -n 's|.* oom/timeout/crash: \([0-9/]*\).*|\1|p')
  if [ $rc -eq 0 ] && [ "$found" = 0 ] && { [ -z "$counts" ] || [ "$counts" = 0/0/0 ]; }; then
    result="no finding"
  else
    result="FINDING (exit $rc${counts:+, oom/timeout/crash $counts}, $found new in $crashes)"
    status=1
  fi
  [ "$slow" = 0 ] || result="$result; $slow slow-unit file(s) in $crashes to replay"
  row="| $name | ${execs:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | $seconds | ${rate:-?} | $(date -u +%Y-%m-%d) | $result |"
  echo "$row" >>"$summary"
  echo "$row"
done
echo "Summary: $summary. New inputs are in $fuzz_dir/corpus; commit crash reproducers to tests/fuzz/corpus under a name that says what they show."
exit $status
