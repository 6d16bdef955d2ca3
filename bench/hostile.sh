#!/usr/bin/env bash
# bench/hostile.sh: verify every case of the hostile corpus (large ones
# included) with the licaudit binary, one process per case, and print each
# case's wall time and peak RSS as measured by GNU time. A case is flagged
# when it takes over 10 s, peaks over 64 MiB, crashes, or does not report
# the rules it must (see testdata/hostile/README.md). Exit status 1 when a
# case is flagged.
#
#   bash bench/hostile.sh            (part of `make bench`)
#
# BENCH_OUT puts the cases and reports under another directory than
# bench/out (`make bench-smoke` uses a temporary one).
#
# Needs GNU time at /usr/bin/time (Debian: apt-get install -y time).
set -euo pipefail
cd "$(dirname "$0")/.."

MAX_RSS_KIB=$((64 * 1024))
MAX_SECONDS=10
OUT=${BENCH_OUT:-bench/out}/hostile
BIN=bin/licaudit

if [ ! -x /usr/bin/time ] || ! /usr/bin/time -v true >/dev/null 2>&1; then
	echo "bench/hostile.sh: GNU time is needed at /usr/bin/time (Debian/Ubuntu: apt-get install -y time)" >&2
	exit 2
fi

go build -o "$BIN" ./cmd/licaudit
rm -rf "$OUT"
mkdir -p "$OUT/cases" "$OUT/reports"
# Every case, large ones included; one "name<TAB>path<TAB>rule,rule" line each.
go run ./testdata/hostile/gen -large -list -out "$OUT/cases" > "$OUT/cases.tsv"

printf '%-24s %9s %9s  %s\n' "case" "wall s" "RSS MiB" "result"
flagged=0
while IFS=$'\t' read -r name path expect; do
	report="$OUT/reports/$name.json"
	timing="$OUT/reports/$name.time"
	status=0
	/usr/bin/time -v -o "$timing" "$BIN" verify --quiet --format json --fail-on never --output "$report" "$path" \
		2> "$OUT/reports/$name.stderr" || status=$?
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$timing")
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
		n = split($2, p, ":"); s = 0
		for (i = 1; i <= n; i++) s = s * 60 + p[i]
		printf "%.2f", s }' "$timing")
	problems=()
	if grep -qE '^(panic|fatal error):' "$OUT/reports/$name.stderr"; then
		problems+=("crashed")
	elif [ "$status" -ne 0 ]; then
		problems+=("exit status $status")
	fi
	if [ "${rss:-0}" -gt "$MAX_RSS_KIB" ]; then
		problems+=("over 64 MiB")
	fi
	if awk -v w="$wall" -v m="$MAX_SECONDS" 'BEGIN { exit !(w > m) }'; then
		problems+=("over ${MAX_SECONDS} s")
	fi
	IFS=',' read -ra rules <<< "$expect"
	for rule in "${rules[@]}"; do
		if ! grep -qE "\"rule\": *\"${rule//./\\.}\"" "$report" 2>/dev/null; then
			problems+=("no $rule")
		fi
	done
	result="ok ($expect)"
	if [ "${#problems[@]}" -gt 0 ]; then
		result="FLAGGED: $(IFS=', '; echo "${problems[*]}")"
		flagged=$((flagged + 1))
	fi
	printf '%-24s %9s %9.1f  %s\n' "$name" "$wall" "$(awk -v k="${rss:-0}" 'BEGIN { print k / 1024 }')" "$result"
done < "$OUT/cases.tsv"

if [ "$flagged" -gt 0 ]; then
	echo "$flagged hostile case(s) flagged; reports and timings are in $OUT/reports" >&2
	exit 1
fi
echo "every hostile case verified within ${MAX_SECONDS} s and 64 MiB"
