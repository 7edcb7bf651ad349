#!/bin/bash
# Build the patched 6.12 kernel incrementally.
#
#   CKPT_CACHE   cache directory outside the checkout (extracted source and
#                build output live there; default /var/cache/linux-ckpt)
#   KCONFIG      which configuration: normal (default) or debug
#
# The source is extracted once from Debian's linux-source-6.12 tarball.
# Our files are overlaid with rsync --checksum, so only files whose content
# changed get a new mtime and make rebuilds only what depends on them. The
# patch series is applied idempotently: when patches/ changes, the patches
# applied last time from the first one that differs on are reversed from
# the copies kept in the cache, and the new ones applied.
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CKPT_CACHE:-/var/cache/linux-ckpt}
KCONFIG=${KCONFIG:-normal}
SRC=$CACHE/linux-source-6.12
OUT=$CACHE/build-$KCONFIG
TARBALL=${CKPT_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
JOBS=${JOBS:-$(nproc)}

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9

extract() {
	echo ">> extracting $TARBALL into $CACHE (once)"
	rm -rf "$SRC" "$CACHE/applied"
	if command -v pv >/dev/null; then
		pv -f "$TARBALL" | tar -xJ -C "$CACHE"
	else
		tar -xJf "$TARBALL" -C "$CACHE" --checkpoint=10000 \
			--checkpoint-action=dot
		echo
	fi
	touch "$SRC/.ckpt-extracted"
}

[ -f "$SRC/.ckpt-extracted" ] || extract

# --- patches -------------------------------------------------------------
series_hash=$(cat "$ROOT"/patches/*.patch | sha256sum | cut -d' ' -f1)
applied_hash=$(cat "$CACHE/applied/.hash" 2>/dev/null || true)
# Only the patches from the first one that differs from the series applied
# last time are reversed and applied again: the files the others touch
# keep their mtimes, so make does not rebuild what depends on them.
if [ "$series_hash" != "$applied_hash" ]; then
	keep=()
	if [ -d "$CACHE/applied" ]; then
		for p in "$ROOT"/patches/*.patch; do
			a="$CACHE/applied/$(basename "$p")"
			[ -e "$a" ] && cmp -s "$p" "$a" || break
			keep+=("$(basename "$p")")
		done
		for a in $(ls "$CACHE"/applied/*.patch 2>/dev/null | sort -r); do
			n=$(basename "$a")
			case " ${keep[*]} " in *" $n "*) continue ;; esac
			echo ">> reversing $n"
			if ! patch -d "$SRC" -p1 -R -s --no-backup-if-mismatch < "$a"; then
				echo ">> cannot reverse $n: re-extracting"
				extract
				keep=()
				break
			fi
			rm -f "$a"
		done
	else
		rm -rf "$CACHE/applied"
	fi
	mkdir -p "$CACHE/applied"
	for p in "$ROOT"/patches/*.patch; do
		[ -e "$CACHE/applied/$(basename "$p")" ] && continue
		echo ">> applying $(basename "$p")"
		patch -d "$SRC" -p1 -s -N --no-backup-if-mismatch < "$p"
		cp "$p" "$CACHE/applied/"
	done
	echo "$series_hash" > "$CACHE/applied/.hash"
fi

# --- overlay our files ---------------------------------------------------
for d in checkpoint arch/x86/checkpoint Documentation/checkpoint; do
	mkdir -p "$SRC/$d"
	rsync -rc --delete "$ROOT/$d/" "$SRC/$d/"
done
for f in include/linux/checkpoint.h include/uapi/linux/checkpoint.h \
	 include/uapi/linux/checkpoint_hdr.h; do
	rsync -c "$ROOT/$f" "$SRC/$f"
done

# --- configuration -------------------------------------------------------
frags=("$ROOT/configs/base.config")
[ "$KCONFIG" = debug ] && frags+=("$ROOT/configs/debug.config")
cfg_hash=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
mkdir -p "$OUT"
if [ ! -f "$OUT/.config" ] || [ "$(cat "$OUT/.ckpt-config-hash" 2>/dev/null)" != "$cfg_hash" ]; then
	echo ">> configuring ($KCONFIG): tinyconfig + ${frags[*]##*/}"
	make -s -C "$SRC" O="$OUT" ARCH=x86_64 tinyconfig >/dev/null
	(cd "$SRC" && ./scripts/kconfig/merge_config.sh -m -O "$OUT" \
		"$OUT/.config" "${frags[@]}" >/dev/null)
	make -s -C "$SRC" O="$OUT" ARCH=x86_64 olddefconfig >/dev/null
	# every option the fragments ask for must have stuck
	bad=0
	for f in "${frags[@]}"; do
		while IFS= read -r line; do
			case "$line" in
			CONFIG_*=n) opt=${line%%=*}
				grep -q "^$opt=" "$OUT/.config" && { echo "config: $opt still set"; bad=1; } ;;
			CONFIG_*) grep -qx "$line" "$OUT/.config" || { echo "config: $line did not stick"; bad=1; } ;;
			esac
		done < "$f"
	done
	[ $bad -eq 0 ] || exit 1
	echo "$cfg_hash" > "$OUT/.ckpt-config-hash"
fi

echo ">> building bzImage ($KCONFIG) in $OUT"
set +e
make -C "$SRC" O="$OUT" ARCH=x86_64 -j"$JOBS" bzImage 2>&1 | awk '
	/^  (CC|AS|LD|AR)/ { n++; if (n % 200 == 0) printf("   ... %d objects\n", n); fflush(); next }
	/^make|^  [A-Z]/ { next }
	{ print; fflush() }'
rc=${PIPESTATUS[0]}
set -e
[ "$rc" -eq 0 ] || { echo ">> kernel build failed"; exit "$rc"; }
ln -sf "$OUT/arch/x86/boot/bzImage" "$CACHE/bzImage-$KCONFIG"
