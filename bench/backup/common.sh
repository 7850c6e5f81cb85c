# Shared by bench/backup/run and bench/restore/run (sourced, not run): timing, medians, phase stamps
# and the MariaDB data sets of every size. Not a test; never in CI.

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
ratio() { if [ -z "$2" ] || [ "$(echo "$2 == 0" | bc -l)" = 1 ]; then echo "-"; else printf '%.2f' "$(echo "$1 / $2" | bc -l)"; fi; }
load1() { cut -d' ' -f1 /proc/loadavg; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR == 0) print 0; else print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# timed OUT_VAR_PREFIX cmd...: runs cmd (stdout to /dev/null, stderr to $bench_err); sets
# ${prefix}_wall (s) and ${prefix}_cpu (user+sys s of the command and its children).
bench_err=/dev/null
timed() {
  local prefix="$1"; shift
  local t0 t1 rc=0
  t0=$(now)
  /usr/bin/time -f "%U %S" -o "$bench_tmp/cpu" "$@" >/dev/null 2>"$bench_err" || rc=$?
  t1=$(now)
  printf -v "${prefix}_wall" '%s' "$(secs "$t0" "$t1")"
  printf -v "${prefix}_cpu" '%s' "$(awk 'END {print $1 + $2}' "$bench_tmp/cpu")"
  printf -v "${prefix}_t0" '%s' "$t0"
  printf -v "${prefix}_t1" '%s' "$t1"
  return $rc
}

# phases STDERR_FILE T0 T1: one line "name=ms ..." of the time between consecutive phase stamps
# (PREFLIGHT_PHASES=1), the first from the launch (T0), "exit-to-end" from the last stamp to T1.
phases() {
  awk -v t0="$2" -v t1="$3" '/^preflight-phase / {d = ($3 - t0) * 1000; printf "%s=%.0f ", $2, d; t0 = $3}
    END {printf "exit-to-end=%.0f\n", (t1 - t0) * 1000}' "$1"
}

# phase_table FILE: the median of every phase over the lines of FILE (as phases prints them), in order.
phase_table() {
  awk '{for (i = 1; i <= NF; i++) {split($i, kv, "="); if (!(kv[1] in seen)) {seen[kv[1]] = ++n; name[n] = kv[1]}
        v[kv[1], ++c[kv[1]]] = kv[2]}}
    END {for (j = 1; j <= n; j++) {k = name[j]; m = c[k]; delete a; for (i = 1; i <= m; i++) a[i] = v[k, i];
         asort(a); med = (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2; total += med;
         printf "    %-22s %7.0f ms\n", k, med}
         printf "    %-22s %7.0f ms (sum of the medians)\n", "total", total}' "$1"
}

# mariadb_data SIZE_MB: database pf_bench_SIZE of SIZE_MB x 1024 rows of about 1 KiB (sequence engine),
# generated once and kept (BENCH_DROP_DATA=1 drops it at the end of a bench).
mariadb_data() {
  local size_mb="$1" rows=$(($1 * 1024)) db="pf_bench_$1" have
  have=$(mariadb -uroot -h127.0.0.1 -N -e "SELECT COUNT(*) FROM $db.t" 2>/dev/null || echo 0)
  if [ "$have" != "$rows" ]; then
    echo "bench: generating $rows rows (~${size_mb} MB) in MariaDB database $db ..." >&2
    mariadb -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db; USE $db;
      CREATE TABLE t (id INT PRIMARY KEY, a CHAR(32), payload VARCHAR(1000)) ENGINE=InnoDB;
      INSERT INTO t SELECT seq, MD5(seq), CONCAT(REPEAT(MD5(seq), 30), LEFT(SHA2(seq, 256), 24)) FROM seq_1_to_$rows;
      ANALYZE TABLE t;" >/dev/null
  fi
}

# The launchers: bin/preflight of this tree, and optionally BENCH_BEFORE (another tree's launcher,
# e.g. a copy of main's bin/preflight + target/preflight.jar) measured in the same alternating rounds.
bench_launchers() {
  pf=("$root/bin/preflight")
  "${pf[@]}" --version >/dev/null   # builds the jar and the CDS archive outside the timings
  before=()
  if [ -n "${BENCH_BEFORE:-}" ]; then
    before=("$BENCH_BEFORE")
    "${before[@]}" --version >/dev/null
  fi
}
