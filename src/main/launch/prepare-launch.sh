#!/bin/sh
# Run by `mvn package` (pom.xml, execution production-launch): turns the built jar into target/app, the folder
# README's production launch runs. Unpacks the jar (Spring Boot's jarmode tools: faster class loading than the
# nested jar) and records the class-data archive with one start that is stopped once the application is ready; that
# start uses its own scratch data folder, port and embedded database, never the caller's configuration.
#   prepare-launch.sh <built jar> <target/app> <scratch folder>
set -eu
jar=$1; app=$2; scratch=$3
java=java
if [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; fi
# The recording start stops its embedded PostgreSQL on the way out, but not always before the JVM is gone (seen
# in some `mvn verify` builds): a build must not leave a database running, so stop the scratch one, left by this
# build or an earlier one, by its pid file (SIGINT: PostgreSQL's fast shutdown), checking the pid is that postmaster.
stop_scratch_db() {
  pidfile="$scratch/data/postgres/postmaster.pid"
  [ -f "$pidfile" ] || return 0
  pid=$(head -n 1 "$pidfile")
  case "$pid" in ''|*[!0-9]*) return 0 ;; esac
  if ps -p "$pid" -o args= 2>/dev/null | grep -q -- "$scratch/data/postgres"; then
    echo "prepare-launch: stopping the scratch PostgreSQL left running (pid $pid)"
    kill -INT "$pid" 2>/dev/null || true
    i=0
    while [ $i -lt 50 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.2; i=$((i + 1)); done
  fi
}
stop_scratch_db
rm -rf "$app" "$scratch"
mkdir -p "$scratch"
"$java" -Djarmode=tools -jar "$jar" extract --destination "$app" > "$scratch/extract.log" 2>&1
cp "$(dirname -- "$0")/click-to-call" "$app/click-to-call"
# Native heap trimming exists from JDK 17.0.9; an older JVM refuses to start with it. The folder is made for the JDK
# that builds it (so is its class-data archive), so the choice is made here, once, not on every start.
if "$java" -XX:TrimNativeHeapInterval=5000 -version > /dev/null 2>&1; then
  sed 's/^native_trim=""$/native_trim="-XX:TrimNativeHeapInterval=5000"/' "$app/click-to-call" > "$scratch/click-to-call"
  mv "$scratch/click-to-call" "$app/click-to-call"
  grep -q '^native_trim="-XX:TrimNativeHeapInterval=5000"$' "$app/click-to-call" \
    || { echo "prepare-launch: could not set native_trim in $app/click-to-call (its native_trim line changed?)" >&2; exit 1; }
fi
chmod 755 "$app/click-to-call"
# The archive holds the classes loaded until the JVM exits, so the recording start runs until it is ready (Tomcat
# started, Camel's routes loaded and started, the schedules added) and is then stopped. Stopping it at Spring's
# context refresh instead left ~2,200 classes (all of route loading) to be read from the jars on every start.
(cd "$scratch" && exec env -u SPRING_DATASOURCE_URL -u SPRING_DATASOURCE_USERNAME -u SPRING_DATASOURCE_PASSWORD \
    -u SPRING_PROFILES_ACTIVE -u JAVA_OPTS APP_DATA_DIR="$scratch/data" SERVER_PORT=0 \
    "$app/click-to-call" --record-archive > "$scratch/record-archive.log" 2>&1) &
recorder=$!
# When a process started (/proc/<pid>/stat, field 22): the recorder is the process with its pid and this start time,
# not another that reuses its pid once it is gone (sh may reap it during any wait, e.g. a sleep).
started() {
  sed 's/.*) //' "/proc/$1/stat" 2> /dev/null | cut -d ' ' -f 20
}
recorder_started=$(started "$recorder")
alive() {
  if [ -z "$recorder_started" ]; then kill -0 "$recorder" 2> /dev/null; return; fi   # no /proc
  stat=$(sed 's/.*) //' "/proc/$recorder/stat" 2> /dev/null) || return 1
  [ -n "$stat" ] && [ "${stat%% *}" != Z ] && [ "$(echo "$stat" | cut -d ' ' -f 20)" = "$recorder_started" ]
}
# Stops the recorder (SIGTERM first: its JVM then stops the embedded PostgreSQL) and the scratch database.
stop_recorder() {
  if alive; then kill -TERM "$recorder" 2> /dev/null || true; fi
  waited=0
  while alive && [ $waited -lt "$1" ]; do sleep 0.2; waited=$((waited + 1)); done
  if alive; then kill -KILL "$recorder" 2> /dev/null || true; fi
  wait "$recorder" 2> /dev/null || true   # a JVM stopped by SIGTERM exits with 143
  stop_scratch_db
}
failed() {
  trap - EXIT INT TERM
  stop_recorder 50
  echo "prepare-launch: the start that records the class-data archive $1; last lines of $scratch/record-archive.log:" >&2
  tail -n 40 "$scratch/record-archive.log" >&2
  exit 1
}
trap 'failed "was interrupted"' INT TERM
trap 'stop_recorder 50' EXIT
waited=0
# DatabaseMigrations logs this once the schedules are in place, after the ready line: the last step of the start.
until grep -q 'Database schema in place' "$scratch/record-archive.log" 2> /dev/null; do
  alive || failed "exited before it was ready"
  [ $waited -lt 1500 ] || failed "was not ready within 300 s"
  sleep 0.2; waited=$((waited + 1))
done
trap - EXIT INT TERM
stop_recorder 300   # the JVM writes the archive as it exits; killed after 60 s, it writes none (reported below)
test -f "$app/app.jsa" || { echo "prepare-launch: no class-data archive was written (see $scratch/record-archive.log)" >&2; exit 1; }
echo "prepare-launch: $app/click-to-call ready ($(du -sh "$app" | cut -f1), class-data archive $(du -h "$app/app.jsa" | cut -f1))"
