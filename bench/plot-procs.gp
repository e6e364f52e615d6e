# bench/plot-procs.gp - draw the rows of bench/scale.tsv measured against
# processes (host-* and orphans-*): one panel per pair, time against the
# number of background processes, shmtools next to the tool users have.
#
#   gnuplot -e "tsv='bench/scale.tsv'; out='bench/scale-procs.png'" bench/plot-procs.gp
#
# The x axis is linear (it starts at 0 processes): a straight line is
# linear growth in processes, a flat one none.  The y axis is logarithmic,
# so that 1 ms and 1 s fit in one panel.  The last panel is every pair's
# speedup, the peer's time / shmtools' (above 1: shmtools is faster).

if (!exists("tsv")) tsv = "bench/scale.tsv"
if (!exists("out")) out = "bench/scale-procs.png"

set terminal pngcairo size 960,1320 font "DejaVu Sans,8" noenhanced
set output out
set datafile separator "\t"

sel(b, r) = sprintf("< awk -F'\t' '$1 == \"%s\" && $4 == \"%s\"' '%s'", b, r, tsv)
name(b, r) = system(sprintf("awk -F'\t' '$1 == \"%s\" && $4 == \"%s\" { print $3; exit }' '%s'", b, r, tsv))
has(b, r) = strlen(name(b, r)) > 0
# The pairs present, in the order measured.
benches = system(sprintf("awk -F'\t' '$1 ~ /^(host|orphans)-/ && !s[$1]++ { printf \"%%s \", $1 }' '%s'", tsv))

set style line 1 lc rgb "#1f5fbf" lw 2 pt 7 ps 0.9	# shmtools
set style line 2 lc rgb "#d9661f" lw 2 pt 5 ps 0.9	# the peer
set style line 3 lc rgb "#7f7f7f" lw 1.5 pt 9 ps 0.9	# another command
set style line 5 lc rgb "#1f5fbf" lw 1.5 pt 6 ps 0.9 dt 3	# the scan alone

set logscale y
set format y "%.0s%cs"
set xtics
set grid xtics ytics lc rgb "#e0e0e0"
set key top left box opaque samplen 2 spacing 1.1
set xlabel "background processes (each mapping one of 64 objects)"
set ylabel "seconds (median)" offset 1.5,0
set offsets graph 0.03, graph 0.03, 0, 0

set multiplot layout 4,2 title "shmtools on a host with N processes (time against processes)" font ",12"

title(b) = b eq "host-name" ? "who uses one POSIX object (10,000 present)" : \
    b eq "host-key" ? "one System V segment by key, among 10,000" : \
    b eq "host-sysv" ? "list 10,000 System V segments" : \
    b eq "host-posix" ? "list 10,000 POSIX objects, columns that need no scan" : \
    b eq "host-scan" ? "who attaches System V segments (the /proc scan)" : \
    b[1:8] eq "orphans-" ? sprintf("remove %s unused POSIX objects", b[9:]) : b

do for [b in benches] {
	set title title(b)
	if (has(b, "scan")) {
		plot sel(b, "ours") using 2:5 with linespoints ls 1 title name(b, "ours"), \
		     sel(b, "other") using 2:5 with linespoints ls 3 title name(b, "other"), \
		     sel(b, "scan") using 2:($5 > 0 ? $5 : 1/0) with linespoints ls 5 title name(b, "scan"), \
		     sel(b, "peer") using 2:5 with linespoints ls 2 title name(b, "peer")
	} else {
		plot sel(b, "ours") using 2:5 with linespoints ls 1 title name(b, "ours"), \
		     sel(b, "peer") using 2:5 with linespoints ls 2 title name(b, "peer")
	}
}

set title "speedup: the peer's time / shmtools' (above 1: shmtools is faster)"
set ylabel "speedup" offset 1.5,0
set format y "%g"
set key outside below maxrows 4 box
plot for [b in benches] sprintf("< awk -F'\t' '$1 == \"%s\" && ($4 == \"scan\" || ($4 == \"ours\" && $1 != \"host-scan\"))' '%s'", b, tsv) \
    using 2:(column(11) > 0 ? column(11) : 1/0) with linespoints lw 2 title b, \
    1 with lines lc rgb "#a0a0a0" dt 2 notitle

unset multiplot
