#!/bin/sh
# A log kept after its name is gone, for the tmpfiles scenario: opened
# with exec 3>>, removed, then a numbered line appended every 0.2 s
# ("entry N") until the file STOP appears; READY is written once the log
# is deleted. Read it through /proc/PID/fd/3. Usage: dlog.sh LOG STOP READY
exec 3>> "$1"
rm "$1"
echo ready > "$3"
i=0
while [ ! -e "$2" ]; do
	echo "entry $i" >&3
	i=$((i + 1))
	sleep 0.2
done
echo "end $i" >&3
