#!/usr/bin/env bash
# Rebuilds src/capture/ebpf/trustrun.bpf.o from trustrun.bpf.c (commit the object, like bpf2go).
# Needs (Debian): clang, llvm, libbpf-dev, bpftool — `apt-get install clang llvm libbpf-dev bpftool`.
# vmlinux.h is generated from the running kernel's BTF into a temporary directory and not kept:
# the object is CO-RE, so field offsets are relocated by libbpf on the kernel it loads on.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dir="$here/src/capture/ebpf"
btf="${VMLINUX_BTF:-/sys/kernel/btf/vmlinux}"
for tool in clang bpftool; do
  command -v "$tool" >/dev/null || { echo "regen-bpf: $tool not found (apt-get install clang llvm libbpf-dev bpftool)" >&2; exit 1; }
done
[ -r "$btf" ] || { echo "regen-bpf: $btf not readable (kernel without CONFIG_DEBUG_INFO_BTF?)" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bpftool btf dump file "$btf" format c > "$tmp/vmlinux.h"
arch="$(uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')"
# -g keeps BTF (needed for CO-RE and maps); llvm-strip -g drops DWARF only.
clang -O2 -g -target bpf -D__TARGET_ARCH_"$arch" -I"$tmp" -Wall -Werror \
  -c "$dir/trustrun.bpf.c" -o "$tmp/trustrun.bpf.o"
strip="$(command -v llvm-strip || ls /usr/bin/llvm-strip-* 2>/dev/null | head -1 || true)"
[ -n "$strip" ] && "$strip" -g "$tmp/trustrun.bpf.o"
cp "$tmp/trustrun.bpf.o" "$dir/trustrun.bpf.o"
echo "regen-bpf: wrote $dir/trustrun.bpf.o ($(wc -c < "$dir/trustrun.bpf.o") bytes)"
