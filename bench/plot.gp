# bench/plot.gp - draw bench/scale.tsv: one panel per pair, log-log time
# against size, shmtools next to the tool users have.
#
#   gnuplot -e "tsv='bench/scale.tsv'; out='bench/scale.png'" bench/plot.gp
#
# On log-log axes a straight line of slope 1 is linear growth, of slope 2
# quadratic, flat constant; the dashed grey guide in each panel is
# "proportional to size" through shmtools' largest point, so a curve that
# bends up away from it grows faster than its work.  "seconds" is the
# median of the runs (see scale.sh).

if (!exists("tsv")) tsv = "bench/scale.tsv"
if (!exists("out")) out = "bench/scale.png"

set terminal pngcairo size 960,1320 font "DejaVu Sans,8" noenhanced
set output out
set datafile separator "\t"

# sel(bench, role): the rows of one pair and one role, columns as in the TSV.
sel(b, r) = sprintf("< awk -F'\t' '$1 == \"%s\" && $4 == \"%s\"' '%s'", b, r, tsv)
# name(bench, role): the tool's name, for the key.
name(b, r) = system(sprintf("awk -F'\t' '$1 == \"%s\" && $4 == \"%s\" { print $3; exit }' '%s'", b, r, tsv))
# span(bench): "first-size last-size last-seconds" of shmtools, for the guide.
span(b) = system(sprintf("awk -F'\t' '$1 == \"%s\" && $4 == \"ours\" { if (f == \"\") f = $2; s = $2; t = $5 } END { print f, s, t }' '%s'", b, tsv))
has(b, r) = strlen(name(b, r)) > 0

set style line 1 lc rgb "#1f5fbf" lw 2 pt 7 ps 0.9	# shmtools
set style line 2 lc rgb "#d9661f" lw 2 pt 5 ps 0.9	# the peer
set style line 3 lc rgb "#7f7f7f" lw 1.5 pt 9 ps 0.9	# another tool
set style line 4 lc rgb "#a0a0a0" lw 1 dt 2		# the linear guide

set logscale xy
set format x "%.0s%c"
set format y "%.0s%cs"
set grid xtics ytics lc rgb "#e0e0e0"
set key top left box opaque samplen 2 spacing 1.1
set xlabel offset 0,0.5
set ylabel "seconds (median)" offset 1.5,0

set multiplot layout 4,2 title "shmtools: how each operation grows (log-log: slope 1 is linear)" font ",12"

# panel(bench, title, xlabel): time against size, ours, peer, other, guide.
panel(b, t, x) = sprintf("set title '%s'; set xlabel '%s'; g = span('%s'); gn = real(word(g, 2)); gt = real(word(g, 3)); glo = real(word(g, 1)); glo = glo > gn / 100 ? glo : gn / 100; ", t, x, b) . \
    sprintf("plot sel('%s', 'ours') using 2:5 with linespoints ls 1 title name('%s', 'ours'), ", b, b) . \
    sprintf("sel('%s', 'peer') using 2:5 with linespoints ls 2 title name('%s', 'peer'), ", b, b) . \
    (has(b, "other") ? sprintf("sel('%s', 'other') using 2:5 with linespoints ls 3 title name('%s', 'other'), ", b, b) : "") . \
    "[glo:gn] gt * x / gn with lines ls 4 title 'proportional to size'"

set samples 50
eval panel("sysv-name", "name one System V segment among N", "System V segments")
eval panel("sysv-rmall", "remove all N System V segments", "System V segments")
eval panel("sysv-xargs", "remove N System V segments by key, through xargs", "System V segments")
eval panel("posix-list", "list N POSIX objects", "POSIX objects in /dev/shm")
eval panel("proc-scan", "find who maps /dev/shm objects: N processes", "processes, each mapping one object")
eval panel("map-scan", "the same scan: one process with N mappings", "mappings in one process")

# Peak RSS of listing POSIX objects, against the goal.
set title "peak RSS listing N POSIX objects (GNU time %M)"
set xlabel "POSIX objects in /dev/shm"
set ylabel "MiB" offset 1.5,0
set format y "%g"
# posix-rss: empty objects, up to a million (goal of issue 20: at most ls -l's).
set xrange [*:*]
plot sel("posix-list", "ours") using 2:($7 / 1024) with linespoints ls 1 title name("posix-list", "ours"), \
     sel("posix-list", "peer") using 2:($7 / 1024) with linespoints ls 2 title name("posix-list", "peer"), \
     sel("posix-rss", "ours") using 2:($7 / 1024) with linespoints ls 1 dt 2 pt 6 title name("posix-rss", "ours") . " (empty objects)", \
     sel("posix-rss", "peer") using 2:($7 / 1024) with linespoints ls 2 dt 2 pt 4 title name("posix-rss", "peer") . " (empty objects)"

# Every pair's ratio at every size: below 1, shmtools is faster.
set title "shmtools time / the peer's time at each size (below 1: shmtools is faster)"
unset xlabel
set ylabel "ratio" offset 1.5,0
set format y "%g"
set key outside below maxrows 3 box
plot sel("sysv-name", "ours") using 2:6 with linespoints lw 2 pt 7 lc rgb "#7b3294" title "shmls 0xKEY / ipcs -m -i", \
     sel("sysv-rmall", "ours") using 2:6 with linespoints lw 2 pt 5 lc rgb "#008837" title "shmrm --all / ipcrm --all", \
     sel("sysv-xargs", "ours") using 2:6 with linespoints lw 2 pt 9 lc rgb "#5aae61" title "xargs shmrm / xargs ipcrm", \
     sel("posix-list", "ours") using 2:6 with linespoints lw 2 pt 11 lc rgb "#d9661f" title "shmls --posix / ls -l", \
     sel("proc-scan", "ours") using 2:6 with linespoints lw 2 pt 13 lc rgb "#1f5fbf" title "scan, N processes / fuser", \
     sel("map-scan", "ours") using 2:6 with linespoints lw 2 pt 3 lc rgb "#67a9cf" title "scan, N mappings / fuser", \
     1 with lines ls 4 notitle

unset multiplot
