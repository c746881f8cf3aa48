# bench/plot.gp - time per stage against N, log-log, from memcarve-bench's
# plot.dat and peers-*.dat.  gnuplot -e "dir='build/bench'" bench/plot.gp
if (!exists("dir")) dir = "build/bench"

set terminal svg size 960,600 dynamic enhanced font "sans,12" background "white"
set output dir."/bench.svg"
set datafile separator "\t"
set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xlabel "N: reserved ranges in the map"
set ylabel "time (s), median"
set title "memcarve: stages in-process (thin), whole processes vs dtc and iasl (thick)"
set key inside bottom right maxrows 8 width -2 font ",9" opaque
set grid

stages = dir."/plot.dat"
dtc = dir."/peers-dtc.dat"
iasl = dir."/peers-iasl.dat"

plot for [i=2:*] stages using 1:i with linespoints pt 7 ps 0.6 \
	title columnheader(i), \
     dtc using 1:3 with linespoints dt 2 lw 2 pt 5 lc rgb "black" \
	title "dtc (DTS -> DTB)", \
     dtc using 1:2 with linespoints dt 2 lw 2 pt 4 lc rgb "gray40" \
	title "memcarve dt (process)", \
     iasl using 1:3 with linespoints dt 4 lw 2 pt 9 lc rgb "dark-red" \
	title "iasl (DMAR DSL -> AML)", \
     iasl using 1:2 with linespoints dt 4 lw 2 pt 8 lc rgb "salmon" \
	title "memcarve acpi --table dmar (process)"
