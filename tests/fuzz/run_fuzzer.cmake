# Runs one fuzzer over a copy of its seed corpus plus every input that once broke it (tests/fuzz/regressions/<name>/);
# new inputs go to WORK, not to the repo. With RUNS > 0 the run is deterministic (seed 1, RUNS inputs), which is what
# CI does, so a test result never depends on the machine's speed; with RUNS = 0 it explores for SECONDS from a random
# seed, the long run recorded in docs/RELIABILITY.md. Fails when the fuzzer reports a crash, a sanitizer error, a
# leak, a timeout or an out-of-memory.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(GLOB seeds "${SEEDS}/*" "${REGRESSIONS}/*")
file(COPY ${seeds} DESTINATION "${WORK}")
if(RUNS GREATER 0)
  set(budget -runs=${RUNS} -seed=1)
else()
  set(budget -max_total_time=${SECONDS})
endif()
execute_process(
  COMMAND "${FUZZER}" "${WORK}" ${budget} -timeout=10 -rss_limit_mb=2048 -max_len=65536
          -print_final_stats=1 -artifact_prefix=${WORK}/
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (exit ${rc}); the input that broke it is in ${WORK}/ (crash-*, leak-*, timeout-*, oom-*). "
                      "Fix the code, then add the input to tests/fuzz/regressions/ so every later run replays it.")
endif()
