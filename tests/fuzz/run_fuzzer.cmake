# Runs one fuzzer for SECONDS over a copy of its seed corpus (new inputs go to WORK, not to the repo). Fails when
# the fuzzer reports a crash, a sanitizer error, a leak, a timeout or an out-of-memory.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(GLOB seeds "${SEEDS}/*")
file(COPY ${seeds} DESTINATION "${WORK}")
execute_process(
  COMMAND "${FUZZER}" "${WORK}" -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048 -max_len=65536
          -print_final_stats=1 -artifact_prefix=${WORK}/
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (exit ${rc}); the input that broke it is in ${WORK}/ (crash-*, leak-*, timeout-*, oom-*)")
endif()
