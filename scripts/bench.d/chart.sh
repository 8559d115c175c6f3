#!/usr/bin/env bash
# scripts/bench.d/chart.sh REPORT.md OUT.png: the README's chart, made from
# the results tables of docs/benchmarks.md (written by scripts/bench):
# requests/s per page at the largest size (and the smallest, when there are
# two), against the reference.
set -euo pipefail
md=${1:?usage: chart.sh REPORT.md OUT.png}
png=${2:?usage: chart.sh REPORT.md OUT.png}
here=$(cd "$(dirname "$0")" && pwd)
dat=$(mktemp)
trap 'rm -f "$dat"' EXIT

# size<TAB>label<TAB>req/s<TAB>ratio, from "## Results at N customers" tables
awk -F'|' '
  /^## Results at / { size = $0; gsub(/[^0-9]/, "", size); next }
  /^## / { size = "" }
  size != "" && /^\| / && $2 !~ /Target/ && $2 !~ /^-/ && $3 ~ /[0-9]/ {
    label = $2; gsub(/^ +| +$/, "", label)
    sub(/ \(fixed .*\)$/, "", label)
    rps = $3; gsub(/[^0-9.]/, "", rps)
    ratio = $6; gsub(/[^0-9.]/, "", ratio)
    print size "\t" label "\t" rps "\t" ratio
  }' "$md" > "$dat.rows"
[ -s "$dat.rows" ] || { echo "chart.sh: no results tables in $md" >&2; rm -f "$dat.rows"; exit 1; }
big=$(cut -f1 "$dat.rows" | sort -n | tail -1)
small=$(cut -f1 "$dat.rows" | sort -n | head -1)
# label<TAB>rps(big)<TAB>rps(small)<TAB>ratio(big); the POSTs are not a page
# (rows in the same order at both sizes; labels may differ: "N pages deep")
awk -F'\t' -v big="$big" -v small="$small" '
  $2 ~ /POST/ { next }
  $1 == big { label[++n] = $2; b[n] = $3; r[n] = $4 }
  $1 == small { s[++m] = $3 }
  END { for (i = 1; i <= n; i++)
          printf "\"%s\"\t%s\t%s\t%s\n", label[i], b[i], (i in s) ? s[i] : "NaN", r[i] }' \
  "$dat.rows" > "$dat"
ref=$(awk -F'\t' -v big="$big" '$1 == big && $2 ~ /^Reference/ { print $3 }' "$dat.rows")
rm -f "$dat.rows"
fmt() { printf '%s' "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }
gnuplot -e "datafile='$dat'; outfile='$png'; refrps=${ref:-0}; two=$([ "$big" != "$small" ] && echo 1 || echo 0); \
  bigtitle='$(fmt "$big") customers'; smalltitle='$(fmt "$small") customers'" "$here/chart.gp"
