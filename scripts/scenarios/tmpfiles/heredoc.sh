#!/bin/bash
# A slow reader of a here-document, for the tmpfiles scenario: bash
# writes a document larger than a pipe holds to a temporary file in
# $TMPDIR and deletes it, so the loop reads a deleted file. Line N of the
# document is "N:PAD:N"; each line read is checked and logged to OUT as
# "got N". After line 2 the loop waits for the file GO (the restart
# comes in between), then reads on. What fd 0 links to is logged before
# ("fd0 ...") and after ("fd0 after ..."), by readlink in the loop: its
# /proc/self (the shell's own pid may be of another pid namespace).
# Usage: heredoc.sh OUT GO LINES
OUT=$1
GO=$2
NL=$3
pad=x
while [ ${#pad} -lt 4000 ]; do
	pad=$pad$pad
done

lines() {
	local i=0

	while [ $i -lt "$NL" ]; do
		echo "$i:$pad:$i"
		i=$((i + 1))
	done
}

while IFS= read -r line; do
	n=${line%%:*}
	[ "$line" = "$n:$pad:$n" ] || echo "bad line $n" >> "$OUT"
	[ "$n" = 0 ] && echo "fd0 $(readlink /proc/self/fd/0)" >> "$OUT"
	[ "$n" = 3 ] && echo "fd0 after $(readlink /proc/self/fd/0)" >> "$OUT"
	echo "got $n" >> "$OUT"
	if [ "$n" -ge 2 ]; then
		while [ ! -e "$GO" ]; do
			sleep 0.2
		done
	fi
	sleep 0.05
done <<EOD
$(lines)
EOD
echo "heredoc done" >> "$OUT"
