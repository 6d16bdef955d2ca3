#!/usr/bin/env bash
# bench/run.sh: whole-command timings of `licaudit verify` against the floor
# (inflate + SHA-256 only, bench/floor) and against the tools a receiver
# would otherwise script (unzip -p | sha256sum, csvkit's csvclean, the
# jsonschema CLI), plus --jobs scaling on a directory of small bundles.
# Writes bench/RESULTS.md. Inputs go to bench/out/ (gitignored) and are
# kept between runs, keyed by the generator's source and parameters.
#
# Environment: RUNS (default 5) runs per measurement, medians reported;
# QUICK_RUNS (default 21) for the directory of small bundles and for the VOSS
# bundle against the floor and unzip, whose runs take a third to half a
# second and so vary most with whatever else the machine does (medians of 5
# of the VOSS bundle put unzip at 0.92x to 1.13x licaudit's speed from run
# to run, where the two differ by a few percent);
# SLOW_RUNS (default 1) for csvclean on the FlexNet extract, which takes
# minutes per run; BIG_RUNS (default 3) for the extract with a member over
# 1 GiB; FNE_ENTITLEMENTS, FNE_BIG_ENTITLEMENTS, VOSS_CUSTOMERS, DIR_BUNDLES,
# MANY_BUNDLES and MANY_CUSTOMERS to scale;
# BENCH_OUT and BENCH_RESULTS to write elsewhere (a trial run).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
QUICK_RUNS=${QUICK_RUNS:-21}
SLOW_RUNS=${SLOW_RUNS:-1}
BIG_RUNS=${BIG_RUNS:-3}
VOSS_CUSTOMERS=${VOSS_CUSTOMERS:-1000000}
FNE_ENTITLEMENTS=${FNE_ENTITLEMENTS:-500000} # 1 to 3 line items each: about 1 million
FNE_BIG_ENTITLEMENTS=${FNE_BIG_ENTITLEMENTS:-1000000} # 1 to 4 each: a 1.1 GB member
DIR_BUNDLES=${DIR_BUNDLES:-500}
# Bundles just below 16 MiB, as many as the threads of a larger machine
# that the bench plays (MANY_THREADS), for memory with --jobs at its default
# there.
MANY_BUNDLES=${MANY_BUNDLES:-8}
MANY_CUSTOMERS=${MANY_CUSTOMERS:-600000}
MANY_THREADS=${MANY_THREADS:-8}
OUT=${BENCH_OUT:-bench/out}
BIN=bin/licaudit
RESULTS=${BENCH_RESULTS:-bench/RESULTS.md}
mkdir -p "$OUT"

log() { printf '== %s\n' "$*" >&2; }

# --- tools ---------------------------------------------------------------

need_packages=()
command -v csvclean >/dev/null || need_packages+=(csvkit)
[ -x /usr/bin/jsonschema ] || need_packages+=(python3-jsonschema)
[ -x /usr/bin/time ] || need_packages+=(time)
command -v unzip >/dev/null || need_packages+=(unzip)
command -v sha256sum >/dev/null || need_packages+=(coreutils)
if [ ${#need_packages[@]} -gt 0 ]; then
	log "installing ${need_packages[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_packages[@]}" >/dev/null
fi
JSONSCHEMA=/usr/bin/jsonschema

# csvclean's check-only flag: -n (--dry-run) in csvkit up to 1.x; csvkit 2
# dropped it, and its csvclean only reports unless told to fix.
CSVCLEAN_CHECK=()
if csvclean --help 2>&1 | grep -q -- '--dry-run'; then
	CSVCLEAN_CHECK=(-n)
fi

# Always built: a binary left from an older tree would measure old code.
# licaudit by `make build`, so that the bench times the binary users get
# (static: see the Makefile); the floor the same way.
make --no-print-directory -s build BIN="$BIN"
CGO_ENABLED=0 go build -o "$OUT/floor" ./bench/floor

# --- inputs --------------------------------------------------------------

# fresh NAME PARAMS: true when bench/out/NAME was made by the current
# generator with PARAMS; otherwise it empties the directory for a rebuild.
# The generator is its sources and the modules it builds with (go.sum: a
# new compressor writes other ZIPs).
fresh() {
	local dir=$OUT/$1 key
	key="$2 $(cat generate/*.go cmd/licaudit/generate_cmd.go go.sum | sha256sum | cut -c1-16)"
	if [ -f "$dir/.key" ] && [ "$(cat "$dir/.key")" = "$key" ]; then
		return 0
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "$key" >"$dir/.key.new"
	return 1
}
done_input() { mv "$OUT/$1/.key.new" "$OUT/$1/.key"; }

if ! fresh voss "customers=$VOSS_CUSTOMERS"; then
	log "generating a VOSS bundle of $VOSS_CUSTOMERS customers"
	$BIN generate voss --customers "$VOSS_CUSTOMERS" --patches 3 --adaptations 3 --seed 1 --out "$OUT/voss" >/dev/null
	done_input voss
fi
if ! fresh flexnet "entitlements=$FNE_ENTITLEMENTS"; then
	log "generating a FlexNet extract of $FNE_ENTITLEMENTS entitlements (a minute or more at full size)"
	$BIN generate flexnet --entitlements "$FNE_ENTITLEMENTS" --max-line-items 3 --maintenance --seed 1 --out "$OUT/flexnet" >/dev/null
	done_input flexnet
fi
if ! fresh flexnet-big "entitlements=$FNE_BIG_ENTITLEMENTS"; then
	log "generating a FlexNet extract of $FNE_BIG_ENTITLEMENTS entitlements with a member over 1 GiB (about four minutes)"
	$BIN generate flexnet --entitlements "$FNE_BIG_ENTITLEMENTS" --max-line-items 4 --maintenance --seed 2 --out "$OUT/flexnet-big" >/dev/null
	done_input flexnet-big
fi
if ! fresh dir "bundles=$DIR_BUNDLES"; then
	log "generating $DIR_BUNDLES small bundles"
	tmp=$OUT/dir-tmp
	base=$(date -u -d '2026-01-01 00:00' +%s)
	for i in $(seq 1 "$DIR_BUNDLES"); do
		rm -rf "$tmp"
		at=$(date -u -d "@$((base + i * 3600))" '+%Y-%m-%d %H:%M')
		if [ $((i % 5)) -eq 0 ]; then
			$BIN generate flexnet --entitlements 200 --seed "$i" --at "$at" --out "$tmp" >/dev/null
		else
			$BIN generate voss --customers 300 --patches 2 --seed "$i" --host "VOSS-$i" --at "$at" --out "$tmp" >/dev/null
		fi
		mv "$tmp"/*.zip "$OUT/dir/" # a receiver gets the ZIPs only
	done
	rm -rf "$tmp"
	done_input dir
fi

if ! fresh many "bundles=$MANY_BUNDLES customers=$MANY_CUSTOMERS"; then
	log "generating $MANY_BUNDLES VOSS bundles of $MANY_CUSTOMERS customers (a minute or more)"
	tmp=$OUT/many-tmp
	for i in $(seq 1 "$MANY_BUNDLES"); do
		rm -rf "$tmp"
		$BIN generate voss --customers "$MANY_CUSTOMERS" --patches 3 --adaptations 3 --seed "$i" --host "VOSS-M$i" --out "$tmp" >/dev/null
		mv "$tmp"/*.zip "$OUT/many/" # the ZIPs only, each below 16 MiB
	done
	rm -rf "$tmp"
	done_input many
fi

VOSS_ZIP=$(ls "$OUT"/voss/*.zip)
VOSS_DETAILED=$(ls "$OUT"/voss/*_detailed_*.csv)
FNE_ZIP=$(ls "$OUT"/flexnet/*.zip)
FNE_BIG_ZIP=$(ls "$OUT"/flexnet-big/*.zip)
small=("$OUT"/dir/vlf_*.zip)
SMALL_VOSS=${small[0]}
mkdir -p "$OUT/voss-zip"
ln -f "$VOSS_ZIP" "$OUT/voss-zip/"
# The directory's bundles in two halves (every other one), for two
# processes side by side.
rm -rf "$OUT/dir-half-a" "$OUT/dir-half-b"
mkdir -p "$OUT/dir-half-a" "$OUT/dir-half-b"
half=a
for z in "$OUT"/dir/*.zip; do
	ln -f "$z" "$OUT/dir-half-$half/"
	if [ $half = a ]; then half=b; else half=a; fi
done

# A month's intake: the VOSS intake (bundle and detailed CSV) and the
# FlexNet extract among the small bundles, as a receiver's directory holds
# them; licaudit verifies each large input alone (verify/queue.go), which
# keeps it under the memory bar.
rm -rf "$OUT/mixed"
mkdir -p "$OUT/mixed"
ln -f "$VOSS_ZIP" "$VOSS_DETAILED" "$FNE_ZIP" "$OUT"/dir/*.zip "$OUT/mixed/"

# Members extracted once, for the peers that read plain files (their
# extraction is not timed, which favours them).
rm -rf "$OUT/extract"
mkdir -p "$OUT/extract/voss" "$OUT/extract/flexnet" "$OUT/extract/small"
unzip -q -j "$VOSS_ZIP" -d "$OUT/extract/voss"
unzip -q -j "$FNE_ZIP" -d "$OUT/extract/flexnet"
unzip -q -j "$SMALL_VOSS" -d "$OUT/extract/small"
ANON_CSV=$(ls "$OUT"/extract/voss/*_anonymous_*.csv)
ANON_META=$(grep -c '^#' "$ANON_CSV" || true)
for s in license patch adaptation_log; do
	$BIN schema "$s" >"$OUT/extract/$s.schema.json"
done

# --- measuring -----------------------------------------------------------

TSV=$OUT/results.tsv
: >"$TSV"

# Each measured command is a function run_ID (exported, so that
# /usr/bin/time can run it through bash).
export BIN OUT MANY_THREADS VOSS_ZIP VOSS_DETAILED FNE_ZIP FNE_BIG_ZIP SMALL_VOSS ANON_CSV ANON_META JSONSCHEMA
export CSVCLEAN_FLAGS="${CSVCLEAN_CHECK[*]}"
verify() { "$BIN" verify --quiet --fail-on never --format json --output /dev/null "$@"; }

# unzip_sha ZIP...: the scripted peer, every member of every ZIP.
unzip_sha() {
	local z m
	for z in "$@"; do
		while IFS= read -r m; do
			case $m in */) continue ;; esac
			unzip -p "$z" "$m" | sha256sum >/dev/null
		done < <(unzip -Z1 "$z")
	done
}
run_voss.licaudit() { verify "$OUT/voss-zip"; }
run_voss.floor() { "$OUT/floor" "$VOSS_ZIP"; }
run_voss.inflate() { "$OUT/floor" -inflate-only "$VOSS_ZIP"; }
run_voss.unzip() { unzip_sha "$VOSS_ZIP"; }
# Info-ZIP's inflating alone, to set beside bench/floor -inflate-only.
run_voss.unzipinflate() {
	local m
	while IFS= read -r m; do
		case $m in */) continue ;; esac
		unzip -p "$VOSS_ZIP" "$m" >/dev/null
	done < <(unzip -Z1 "$VOSS_ZIP")
}
# csvclean reads the CSVs extracted beforehand; the anonymous CSV's
# metadata lines are skipped so that it sees the header.
run_voss.csvclean() { csvclean $CSVCLEAN_FLAGS -K "$ANON_META" "$ANON_CSV"; }
run_intake.licaudit() { verify "$OUT/voss"; }
run_intake.floor() { "$OUT/floor" "$VOSS_ZIP" "$VOSS_DETAILED"; }
run_fne.licaudit() { verify "$FNE_ZIP"; }
run_fne.floor() { "$OUT/floor" "$FNE_ZIP"; }
run_fne.inflate() { "$OUT/floor" -inflate-only "$FNE_ZIP"; }
run_fne.unzip() { unzip_sha "$FNE_ZIP"; }
run_big.licaudit() { verify "$FNE_BIG_ZIP"; }
run_big.floor() { "$OUT/floor" "$FNE_BIG_ZIP"; }
run_fne.csvclean() {
	local f
	for f in "$OUT"/extract/flexnet/*.csv; do csvclean $CSVCLEAN_FLAGS "$f"; done
}
# The jsonschema CLI on the three JSON members of a small bundle, against
# licaudit verifying that whole bundle.
run_small.licaudit() { verify "$SMALL_VOSS"; }
run_small.jsonschema() {
	local s
	for s in license patch adaptation_log; do
		"$JSONSCHEMA" -i "$OUT"/extract/small/vlf_*_"${s}"_*.json "$OUT/extract/$s.schema.json" || return 2
	done
}
run_dir.jobs1() { verify --jobs 1 "$OUT/dir"; }
run_dir.jobs2() { verify --jobs 2 "$OUT/dir"; }
run_dir.floor() { "$OUT/floor" "$OUT/dir"; }
run_dir.floor2() { "$OUT/floor" -jobs 2 "$OUT/dir"; }
# Two processes of one thread each, side by side, each verifying half the
# bundles: two workers that share nothing but the machine. Their speed-up
# over --jobs 1 is what two cores give this work on this machine.
run_dir.pair() {
	local a b ra=0 rb=0
	GOMAXPROCS=1 verify --jobs 1 "$OUT/dir-half-a" &
	a=$!
	GOMAXPROCS=1 verify --jobs 1 "$OUT/dir-half-b" &
	b=$!
	wait "$a" || ra=$?
	wait "$b" || rb=$?
	return $((ra || rb))
}
run_dir.unzip() { unzip_sha "$OUT"/dir/*.zip; }
run_mixed.jobs1() { verify --jobs 1 "$OUT/mixed"; }
run_mixed.jobs2() { verify --jobs 2 "$OUT/mixed"; }
# A machine of MANY_THREADS cores played on this one: as many threads
# (GOMAXPROCS) and --jobs at its default, which follows them. Memory is what
# it measures; the threads share this machine's cores, so its times say
# nothing of such a machine's.
run_many.jobs1() { verify --jobs 1 "$OUT/many"; }
run_many.threads() { GOMAXPROCS=$MANY_THREADS verify "$OUT/many"; }
run_mixed.threads() { GOMAXPROCS=$MANY_THREADS verify "$OUT/mixed"; }
export -f verify unzip_sha $(compgen -A function run_)

# measure RUNS ID...: runs the commands of the IDs round-robin, RUNS times
# each, so that whatever else the machine does falls on all of them alike;
# records per ID the median wall time, the median CPU time (user + system)
# and the largest peak RSS. The wall time is taken to the microsecond
# around /usr/bin/time, whose own is in hundredths: a 0.2 s run would read
# as much as 5% off.
measure() {
	local runs=$1 id i u s m start end
	shift
	declare -A times cpus rss
	log "$* ($runs runs each)"
	for ((i = 0; i < runs; i++)); do
		for id in "$@"; do
			start=$EPOCHREALTIME
			if ! /usr/bin/time -f '%e %U %S %M' -o "$OUT/time.txt" bash -c "run_$id" >/dev/null 2>"$OUT/stderr.txt"; then
				echo "$id failed:" >&2
				cat "$OUT/stderr.txt" >&2
				exit 1
			fi
			end=$EPOCHREALTIME
			read -r _ u s m < <(tail -1 "$OUT/time.txt")
			times[$id]+="$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.4f", b - a}') "
			cpus[$id]+="$(awk -v u="$u" -v s="$s" 'BEGIN{print u + s}') "
			[ "${rss[$id]:-0}" -gt "$m" ] || rss[$id]=$m
		done
	done
	for id in "$@"; do
		# shellcheck disable=SC2086 # the lists split on purpose
		printf '%s\t%s\t%s\t%s\n' "$id" "$(median ${times[$id]})" "$(median ${cpus[$id]})" "${rss[$id]}" >>"$TSV"
	done
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
get() { awk -F'\t' -v id="$1" -v col="$2" '$1==id {print $col}' "$TSV"; }
wall() { get "$1" 2; }
# secs ID: the median wall time for reading: milliseconds under a second.
secs() { awk -v v="$(wall "$1")" 'BEGIN{ if (v < 1) printf "%.3f", v; else printf "%.2f", v }'; }
cpu() { get "$1" 3; }
rss_mib() { awk -v k="$(get "$1" 4)" 'BEGIN{printf "%.0f", k/1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "n/a" }'; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
measure "$QUICK_RUNS" voss.licaudit voss.floor voss.inflate voss.unzip voss.unzipinflate
measure "$RUNS" voss.csvclean
measure "$RUNS" intake.licaudit intake.floor
measure "$RUNS" fne.licaudit fne.floor fne.inflate fne.unzip
measure "$SLOW_RUNS" fne.csvclean
measure "$BIG_RUNS" big.licaudit big.floor
measure "$RUNS" small.licaudit small.jsonschema
measure "$QUICK_RUNS" dir.jobs1 dir.jobs2 dir.floor dir.floor2 dir.pair
measure "$SLOW_RUNS" dir.unzip
measure "$BIG_RUNS" mixed.jobs1 mixed.jobs2
measure "$BIG_RUNS" many.jobs1 many.threads mixed.threads
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report --------------------------------------------------------------

size_of() { du -b "$@" | awk '{s+=$1} END{printf "%.0f", s/1e6}'; }
inflated_of() { unzip -l "$1" | tail -1 | awk '{printf "%.0f", $1/1e6}'; }
rows_of() { wc -l <"$1" | awk '{print $1}'; }
FNE_ROWS=$(($(rows_of "$OUT"/extract/flexnet/EntitlementsExtract-*.csv) - 1))
MNT_ROWS=$(($(rows_of "$OUT"/extract/flexnet/MaintenanceLine-*.csv) - 1))
VOSS_ROWS=$(($(rows_of "$ANON_CSV") - ANON_META - 1))
mbps() { awk -v mb="$1" -v s="$2" 'BEGIN{ if (s > 0) printf "%.0f", mb/s; else print "n/a" }'; }
row() { # LABEL ID INFLATED_MB [FLOOR_ID INFLATE_ID]
	local id=$2 mb=$3
	printf '| %s | %s s | %s s | %s MB/s | %s MiB |' "$1" "$(secs "$id")" "$(cpu "$id")" "$(mbps "$mb" "$(wall "$id")")" "$(rss_mib "$id")"
	if [ -n "${4:-}" ]; then printf ' %s |' "$(ratio "$(wall "$id")" "$(wall "$4")")"; else printf ' |'; fi
	if [ -n "${5:-}" ]; then printf ' %s |' "$(ratio "$(wall "$id")" "$(wall "$5")")"; else printf ' |'; fi
	echo
}
VOSS_MB=$(inflated_of "$VOSS_ZIP")
FNE_MB=$(inflated_of "$FNE_ZIP")
BIG_MB=$(inflated_of "$FNE_BIG_ZIP")
BIG_MEMBER_MB=$(unzip -l "$FNE_BIG_ZIP" | awk '/EntitlementsExtract/ {printf "%.0f", $1/1e6}')
INTAKE_MB=$((VOSS_MB + $(size_of "$VOSS_DETAILED")))
DIR_MB=$(for z in "$OUT"/dir/*.zip; do unzip -l "$z" | tail -1; done | awk '{s+=$1} END{printf "%.0f", s/1e6}')
MIXED_MB=$((INTAKE_MB + FNE_MB + DIR_MB))
MANY_MB=$(for z in "$OUT"/many/*.zip; do unzip -l "$z" | tail -1; done | awk '{s+=$1} END{printf "%.0f", s/1e6}')

{
	echo "# Benchmark results"
	echo
	echo "Written by \`bench/run.sh\` (run by \`make bench\`) on $(date -u '+%Y-%m-%d %H:%M UTC'). Medians of $RUNS runs"
	echo "(the VOSS bundle against the floor and unzip, and the directory: $QUICK_RUNS; csvclean on the FlexNet extract and unzip on the directory: $SLOW_RUNS; the large member and the month's intake: $BIG_RUNS),"
	echo "wall-clock time (to the microsecond) and CPU time"
	echo "(user + system, to the hundredth); peak RSS is the largest of the runs (\`/usr/bin/time\`)."
	echo
	echo "## Machine"
	echo
	echo "| | |"
	echo "|---|---|"
	echo "| CPUs (nproc) | $(nproc) |"
	echo "| CPU model | $(lscpu | sed -n 's/^Model name: *//p' | head -1) |"
	echo "| memory | $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) |"
	echo "| Go | $(go version | cut -d' ' -f3-) |"
	echo "| licaudit | $($BIN version 2>/dev/null | head -1) |"
	echo "| load average (1, 5, 15 min) | before $LOAD_BEFORE; after $LOAD_AFTER |"
	echo
	echo "A load average above the CPU count means other work shared the machine and the wall"
	echo "times are inflated; the CPU times are less affected."
	echo
	echo "## Inputs"
	echo
	echo "| input | what | on disk | inflated |"
	echo "|---|---|---|---|"
	echo "| VOSS bundle | anonymous CSV of $VOSS_ROWS customers, three JSON members | $(size_of "$VOSS_ZIP") MB | $VOSS_MB MB |"
	echo "| VOSS intake | the bundle and its detailed CSV beside it (reconciled) | $(size_of "$VOSS_ZIP" "$VOSS_DETAILED") MB | $INTAKE_MB MB |"
	echo "| FlexNet extract | $FNE_ROWS entitlement line items, $MNT_ROWS maintenance line items | $(size_of "$FNE_ZIP") MB | $FNE_MB MB |"
	echo "| FlexNet extract, large member | $FNE_BIG_ENTITLEMENTS entitlements, 1 to 4 line items each; the entitlement CSV alone is $BIG_MEMBER_MB MB | $(size_of "$FNE_BIG_ZIP") MB | $BIG_MB MB |"
	echo "| directory | $DIR_BUNDLES small bundles (4 VOSS of 300 customers to 1 FlexNet of 200 entitlements) | $(size_of "$OUT"/dir/*.zip) MB | $DIR_MB MB |"
	echo "| a month's intake | the VOSS intake and the FlexNet extract among the $DIR_BUNDLES small bundles | $(size_of "$OUT"/mixed/*) MB | $MIXED_MB MB |"
	echo "| bundles below 16 MiB | $MANY_BUNDLES VOSS bundles (ZIPs only) of $MANY_CUSTOMERS customers each | $(size_of "$OUT"/many/*.zip) MB | $MANY_MB MB |"
	echo
	echo "## licaudit against the floor"
	echo
	echo "The floor (\`bench/floor\`) inflates every member with the same klauspost inflate and"
	echo "archive/zip's CRC-32 check and hashes it with SHA-256, one member after the other; \"inflate\""
	echo "is the floor without the hashing. Target: licaudit within 1.25x of the floor."
	echo
	echo "| command | wall | CPU | MB/s inflated | peak RSS | x floor | x inflate |"
	echo "|---|---|---|---|---|---|---|"
	row "licaudit verify, VOSS bundle" voss.licaudit "$VOSS_MB" voss.floor voss.inflate
	row "floor, VOSS bundle" voss.floor "$VOSS_MB"
	row "inflate only, VOSS bundle" voss.inflate "$VOSS_MB"
	row "licaudit verify, VOSS intake (with detailed CSV)" intake.licaudit "$INTAKE_MB" intake.floor
	row "floor, VOSS intake" intake.floor "$INTAKE_MB"
	row "licaudit verify, FlexNet extract" fne.licaudit "$FNE_MB" fne.floor fne.inflate
	row "floor, FlexNet extract" fne.floor "$FNE_MB"
	row "inflate only, FlexNet extract" fne.inflate "$FNE_MB"
	row "licaudit verify, FlexNet extract with a large member" big.licaudit "$BIG_MB" big.floor
	row "floor, FlexNet extract with a large member" big.floor "$BIG_MB"
	row "licaudit verify --jobs 1, directory" dir.jobs1 "$DIR_MB" dir.floor
	row "licaudit verify --jobs 2, directory" dir.jobs2 "$DIR_MB" dir.floor
	row "floor, directory" dir.floor "$DIR_MB"
	echo
	echo "## licaudit against peers"
	echo
	echo "Each peer does only part of what licaudit does; licaudit's time is for verifying the whole"
	echo "input. Target: licaudit faster than every peer (speed-up above 1)."
	echo
	echo "| peer | its part | peer wall | licaudit wall | speed-up | peer peak RSS |"
	echo "|---|---|---|---|---|---|"
	peer() { echo "| $1 | $2 | $(secs "$3") s | $(secs "$4") s | $(ratio "$(wall "$3")" "$(wall "$4")")x | $(rss_mib "$3") MiB |"; }
	peer '`unzip -p Z M \| sha256sum`' "every member of the VOSS bundle" voss.unzip voss.licaudit
	peer '`unzip -p Z M \| sha256sum`' "every member of the FlexNet extract" fne.unzip fne.licaudit
	peer '`unzip -p Z M \| sha256sum`' "every member of the $DIR_BUNDLES bundles" dir.unzip dir.jobs2
	peer "\`csvclean ${CSVCLEAN_CHECK[*]}\`" "the VOSS anonymous CSV, extracted" voss.csvclean voss.licaudit
	peer "\`csvclean ${CSVCLEAN_CHECK[*]}\`" "both FlexNet CSVs, extracted" fne.csvclean fne.licaudit
	peer '`jsonschema -i`' "the three JSON members of a small VOSS bundle, extracted" small.jsonschema small.licaudit
	echo
	echo "Inflating alone, every member of the VOSS bundle, one after the other: Info-ZIP"
	echo "(\`unzip -p Z M >/dev/null\`) $(secs voss.unzipinflate) s, klauspost (\`bench/floor -inflate-only\`)"
	echo "$(secs voss.inflate) s: Info-ZIP's time is $(ratio "$(wall voss.unzipinflate)" "$(wall voss.inflate)")x klauspost's. Where the two are level,"
	echo "\`unzip -p | sha256sum\` takes about the time of inflating alone, which bounds licaudit too"
	echo "(see docs/performance.md, \"Why unzip keeps up on the VOSS bundle\")."
	echo
	echo "## --jobs scaling"
	echo
	echo "| directory of $DIR_BUNDLES bundles | wall | CPU | speed-up |"
	echo "|---|---|---|---|"
	echo "| --jobs 1 | $(secs dir.jobs1) s | $(cpu dir.jobs1) s | 1.00x |"
	echo "| --jobs 2 | $(secs dir.jobs2) s | $(cpu dir.jobs2) s | $(ratio "$(wall dir.jobs1)" "$(wall dir.jobs2)")x |"
	echo "| floor | $(secs dir.floor) s | $(cpu dir.floor) s | 1.00x |"
	echo "| floor -jobs 2 | $(secs dir.floor2) s | $(cpu dir.floor2) s | $(ratio "$(wall dir.floor)" "$(wall dir.floor2)")x |"
	echo "| two licaudit processes side by side, one thread and half the bundles each | $(secs dir.pair) s | $(cpu dir.pair) s | $(ratio "$(wall dir.jobs1)" "$(wall dir.pair)")x |"
	echo
	echo "Target: --jobs 2 at least 1.7x faster than --jobs 1; peak RSS under 64 MiB throughout."
	echo "The floor reading the same files two at a time, and two licaudit processes that share nothing"
	echo "but the machine (their speed-up is against --jobs 1), are references for what two cores of this"
	echo "machine give this work in this run (see docs/performance.md, --jobs)."
	echo
	echo "| a month's intake: the VOSS intake, the FlexNet extract and $DIR_BUNDLES small bundles | wall | CPU | MB/s inflated | peak RSS |"
	echo "|---|---|---|---|---|"
	echo "| --jobs 1 | $(secs mixed.jobs1) s | $(cpu mixed.jobs1) s | $(mbps "$MIXED_MB" "$(wall mixed.jobs1)") MB/s | $(rss_mib mixed.jobs1) MiB |"
	echo "| --jobs 2 | $(secs mixed.jobs2) s | $(cpu mixed.jobs2) s | $(mbps "$MIXED_MB" "$(wall mixed.jobs2)") MB/s | $(rss_mib mixed.jobs2) MiB |"
	echo
	echo "An input of 16 MiB or more on disk is verified alone: nothing beside it would fit under the"
	echo "memory bar, nor gain time, as its members keep two cores busy (docs/performance.md, --jobs)."
	echo
	echo "## Memory on a machine of $MANY_THREADS cores"
	echo
	echo "Played on this one: $MANY_THREADS threads (\`GOMAXPROCS=$MANY_THREADS\`) and \`--jobs\` at its default, which"
	echo "follows them. The inputs below 16 MiB go at once only as far as their sizes fit in 32 MiB,"
	echo "so that memory does not grow with the cores. The threads share this machine's cores: the"
	echo "times say nothing of a machine of $MANY_THREADS cores. Target: peak RSS under 64 MiB."
	echo
	echo "| input | command | wall | CPU | peak RSS |"
	echo "|---|---|---|---|---|"
	echo "| $MANY_BUNDLES bundles below 16 MiB | --jobs 1 | $(secs many.jobs1) s | $(cpu many.jobs1) s | $(rss_mib many.jobs1) MiB |"
	echo "| $MANY_BUNDLES bundles below 16 MiB | $MANY_THREADS threads, default --jobs | $(secs many.threads) s | $(cpu many.threads) s | $(rss_mib many.threads) MiB |"
	echo "| a month's intake | $MANY_THREADS threads, default --jobs | $(secs mixed.threads) s | $(cpu mixed.threads) s | $(rss_mib mixed.threads) MiB |"
} >"$RESULTS"
log "wrote $RESULTS"
cat "$RESULTS"

# A figure missing from the TSV reads as 0.000 s, 0 MiB or n/a: fail rather
# than let it pass for a result.
if grep -nE 'n/a|\| 0\.000 s \||\| 0 MiB \|' "$RESULTS" >&2; then
	echo "bench/run.sh: the lines of $RESULTS above hold figures that were not measured" >&2
	exit 1
fi
