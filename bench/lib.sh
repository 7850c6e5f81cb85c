# Shared by bench/*/run: compiles main and test classes once and exposes the test classpath.
bench_classpath() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  (cd "$root" && "$root/scripts/services" && mvn -q -B test-compile \
      && mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test) >&2
  echo "$root/target/test-classes:$root/target/classes:$(cat "$root/target/bench.classpath")"
}
