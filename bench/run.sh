#!/usr/bin/env bash
# Benchmark the click-to-call service on this machine: one command.
#
#   bench/run.sh            # full run: happy, capacity, light, hang, down, events; 3 repeats each (~20 min)
#   SCENARIOS=all bench/run.sh   # also refresh-sweep
#   bench/run.sh --smoke    # tiny run for CI (< 90 s once the jars exist)
#   bench/run.sh --help     # every option (flags or environment variables)
#
# Needs Java 17+, Maven 3.8+ and wrk (Debian: apt-get install wrk), the load generator of happy and capacity.
# Builds the service jar and the harness jar when they are missing (or the harness sources changed), then runs
# the harness. Results go to bench/results/<time>-<full|smoke>.{md,json}. See bench/README.md.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_DIR="$(cd "$BENCH_DIR/.." && pwd)"
SERVICE_JAR="${SERVICE_JAR:-$PROJECT_DIR/target/dialpad-click-to-call-0.1.0-SNAPSHOT.jar}"
BENCH_JAR="$BENCH_DIR/target/click-to-call-bench.jar"

# Maven shares the machine (and its local repository) with other builds: take the same lock they take, when
# flock exists (util-linux); otherwise run Maven directly.
mvn_locked() {
  # (Debian's Maven 3.8 prints stray colour resets even with -B -q; strip them. pipefail keeps mvn's exit code.)
  if command -v flock >/dev/null 2>&1; then
    flock /tmp/maven.lock mvn "$@" 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g'
  else
    mvn "$@" 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g'
  fi
}

for tool in java mvn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: needs $tool (Java 17+ and Maven 3.8+)" >&2; exit 2; }
done
# wrk: checked here for a clear message; the harness checks it again (only happy and capacity use it).
if ! command -v "${WRK:-wrk}" >/dev/null 2>&1; then
  echo "bench: needs wrk for happy and capacity (Debian/Ubuntu: apt-get install wrk; or WRK=/path/to/wrk)" >&2
fi

case " $* " in
  *" --help "*|*" -h "*) ;;
  *)
    # The jar and README's production launch next to it (target/app/click-to-call), both made by mvn package.
    if [ ! -f "$SERVICE_JAR" ] || [ ! -x "$(dirname "$SERVICE_JAR")/app/click-to-call" ]; then
      echo "bench: building the service jar and its launch (mvn package -DskipTests)..."
      mvn_locked -B -q -f "$PROJECT_DIR/pom.xml" package -DskipTests
    fi
    ;;
esac

# Rebuild the harness when its jar is missing or older than any of its sources.
if [ ! -f "$BENCH_JAR" ] || [ -n "$(find "$BENCH_DIR/src" "$BENCH_DIR/pom.xml" -newer "$BENCH_JAR" -print -quit)" ]; then
  echo "bench: building the harness..."
  mvn_locked -B -q -f "$BENCH_DIR/pom.xml" package -DskipTests
fi

# The harness JVM (stub + load generator). Its own flags: BENCH_JVM_OPTS; the service's: SERVICE_JVM_OPTS.
# shellcheck disable=SC2086
exec java ${BENCH_JVM_OPTS:--Xms512m -Xmx1g} -jar "$BENCH_JAR" \
  --project-dir="$PROJECT_DIR" --jar="$SERVICE_JAR" "$@"
