#!/bin/busybox sh
# /init of the memcarve guest initramfs: print what the kernel made of the
# memory map, between markers, each line tagged "MC:<section>:" so console
# noise that slips in between can never be mistaken for evidence. Fields
# after the section name are separated by "|" (device names hold colons).
# @EXIT@ is replaced by the harness: "debugexit" (x86) or "poweroff".
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# Kernel messages on the console would interleave with ours.
dmesg -n 1

tag() { sed "s#^#MC:$1#"; }

show_dt_node() {
	# $1: a node directory; hex of reg (and the flags that change meaning)
	[ -e "$1/reg" ] || return 0
	flags=""
	for f in no-map reusable status; do [ -e "$1/$f" ] && flags="$flags $f"; done
	reg=$(hexdump -v -e '1/1 "%02x"' "$1/reg")
	echo "MC:dtreg:${1#/sys/firmware/devicetree/base}|$reg|$flags"
}

acpi_dump() {
	# memcarve.acpidump=IVRS,DSDT on the command line: hex of those tables
	for w in $(cat /proc/cmdline); do
		case "$w" in memcarve.acpidump=*) names="${w#*=}";; esac
	done
	for t in $(echo "$names" | tr ',' ' '); do
		[ -f "/sys/firmware/acpi/tables/$t" ] || continue
		hexdump -v -e '32/1 "%02x" "\n"' "/sys/firmware/acpi/tables/$t" | tag "acpihex:$t|"
	done
}

# memcarve.brief on the command line: a table of thousands of entries makes
# the kernel log a few lines per entry, and the serial console under TCG
# is slow; leave out /proc/iomem and those per-range lines.
CHATTER='PM: hibernation: Registered nosave memory|e820: register RAM buffer resource|^\[[ 0-9.]*\]   node +[0-9]+: \[mem|zone DMA32: [0-9]+ pages in unavailable ranges'
brief=""
for w in $(cat /proc/cmdline); do [ "$w" = memcarve.brief ] && brief=1; done

evidence() {
	tag cmdline: < /proc/cmdline
	[ -n "$brief" ] || tag iomem: < /proc/iomem
	# One process reads every file (a shell loop takes minutes under TCG
	# for a table of thousands of entries); parse.py joins the lines.
	[ -d /sys/firmware/memmap ] && grep -r '' /sys/firmware/memmap | tag memmapfile:
	for f in memory reserved; do
		[ -r /sys/kernel/debug/memblock/$f ] && tag memblock-$f: < /sys/kernel/debug/memblock/$f
	done
	dt=/sys/firmware/devicetree/base
	if [ -d $dt ]; then
		for n in $dt/memory* $dt/reserved-memory/*; do
			[ -d "$n" ] && show_dt_node "$n"
		done
		for c in "#address-cells" "#size-cells"; do
			[ -e "$dt/$c" ] && echo "MC:dtroot:$c|$(hexdump -v -e '1/1 "%02x"' "$dt/$c")"
		done
	fi
	[ -d /sys/firmware/acpi/tables ] && ls /sys/firmware/acpi/tables | tag acpitables:
	# NUMA: each node's meminfo and distances, and the zones' page counts
	# per node
	for n in /sys/devices/system/node/node[0-9]*; do
		[ -r "$n/meminfo" ] && tag "nodemem:${n##*/}|" < "$n/meminfo"
		[ -r "$n/distance" ] && tag "nodedist:${n##*/}|" < "$n/distance"
	done
	[ -r /proc/zoneinfo ] && grep -E '^Node|^ +(present|spanned|managed) ' /proc/zoneinfo | tag zoneinfo:
	acpi_dump
	for g in /sys/kernel/iommu_groups/*; do
		[ -r "$g/reserved_regions" ] || continue
		devs=$(ls "$g/devices" 2>/dev/null | tr '\n' ' ')
		tag "iommu:${g##*/}|$devs|" < "$g/reserved_regions"
	done
	if [ -n "$brief" ]; then
		dmesg | grep -Ev "$CHATTER" | tag dmesg:
	else
		dmesg | tag dmesg:
	fi
}

# memcarve.waitpci=VENDOR:DEVICE on the command line (boot_hotplug.py): say
# on the console that init runs, so the harness hot-plugs that device
# through QEMU's monitor; wait (at most 60 s) until it is in sysfs with
# every BAR assigned (the kernel adds it to sysfs before it assigns them);
# then list every PCI device's resources.
waitpci=""
for w in $(cat /proc/cmdline); do
	case "$w" in memcarve.waitpci=*) waitpci="${w#*=}";; esac
done

pci_find() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor" "$d/device" 2>/dev/null | tr '\n' ' ')" = \
		  "0x${waitpci%:*} 0x${waitpci#*:} " ] && echo "$d"
	done
}

bars_assigned() {
	# sysfs resource lines 1-6 are BARs 0-5: "start end flags"; one with
	# a size but start 0 is not assigned (yet)
	head -n 6 "$1/resource" | while read -r first last flags; do
		if [ "$first" = 0x0000000000000000 ] &&
		   [ "$last" != 0x0000000000000000 ]; then
			exit 1
		fi
	done
}

wait_hotplug() {
	echo "@@MEMCARVE-GUEST-WAITPCI@@"
	end=$(($(date +%s) + 60))
	while [ "$(date +%s)" -lt $end ]; do
		d=$(pci_find)
		[ -n "$d" ] && bars_assigned "$d" && return 0
		sleep 0.2
	done
}

pci_evidence() {
	for d in /sys/bus/pci/devices/*; do
		echo "MC:pcires:${d##*/}|$(cat "$d/vendor")|$(cat "$d/device")|$(tr '\n' ',' < "$d/resource")"
	done
}

[ -n "$waitpci" ] && wait_hotplug

echo "@@MEMCARVE-GUEST-EVIDENCE-BEGIN@@"
evidence
[ -n "$waitpci" ] && pci_evidence
echo "@@MEMCARVE-GUEST-EVIDENCE-END@@"
# Let the serial driver drain its buffer before the machine goes away.
sleep 0.2
case "@EXIT@" in
debugexit)
	# isa-debug-exit at 0xf4: QEMU exits with status (1 << 1) | 1 = 3.
	printf '\001' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
	;;
esac
poweroff -f
