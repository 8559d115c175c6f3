# gnuplot script for scripts/bench.d/chart.sh. Variables: datafile (label,
# req/s at the large size, req/s at the small size, ratio to the reference),
# outfile, refrps, two (1 when the small size is there), bigtitle,
# smalltitle.
set terminal pngcairo size 1100,600 font "DejaVu Sans,11" noenhanced
set output outfile
set datafile separator "\t"
set title "Custodian and its PHP-FPM peer: requests/s per page, against the reference responder (same nginx, same workers)"
set ylabel "requests/s (median of the rounds)"
set yrange [0:*]
set grid ytics lc rgb "#dddddd"
set border 3
set rmargin 9
set xtics nomirror rotate by -25 scale 0
set ytics nomirror
set key horizontal top center opaque box lc rgb "#bbbbbb"
set style data histograms
set style fill solid 0.9 border -1
set boxwidth 0.9
set offsets 0, 0, graph 0.18, 0
if (two) {
  set style histogram clustered gap 1
  plot datafile using 2:xtic(1) title bigtitle lc rgb "#2b6cb0", \
       '' using 3 title smalltitle lc rgb "#a0c4e8", \
       '' using ($0 - 0.17):2:(sprintf("%.2f×", $4)) with labels offset 0,0.8 notitle, \
       refrps with lines dt 2 lw 2 lc rgb "#c05621" title "reference, ".bigtitle
} else {
  set style histogram clustered gap 1
  plot datafile using 2:xtic(1) title bigtitle lc rgb "#2b6cb0", \
       '' using 0:2:(sprintf("%.2f×", $4)) with labels offset 0,0.8 notitle, \
       refrps with lines dt 2 lw 2 lc rgb "#c05621" title "reference, ".bigtitle
}
