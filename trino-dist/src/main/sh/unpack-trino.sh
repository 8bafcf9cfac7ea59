#!/usr/bin/env bash
# Unpacks the Trino server tarball into DEST, keeping lib/ and the Hive connector plugin only.
# GNU tar, not Maven's unpacker: the plugins share jars as hard links, which Maven's unpacker
# turns into empty files. Skips the work when DEST already holds this version.
#   unpack-trino.sh TARBALL DEST VERSION
set -euo pipefail
tarball=$1 dest=$2 version=$3
marker="$dest/.unpacked-$version"
[ -f "$marker" ] && exit 0
echo "unpacking Trino $version (lib and the hive plugin) into $dest"
rm -rf "$dest"
mkdir -p "$dest"
tar xzf "$tarball" -C "$dest" --strip-components=1
# Hard links keep the shared jars when the other plugins' names go.
find "$dest/plugin" -mindepth 1 -maxdepth 1 -type d ! -name hive -exec rm -rf {} +
rm -rf "$dest/bin" "$dest/README.txt"
touch "$marker"
