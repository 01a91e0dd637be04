#!/usr/bin/env bash
# `/` at 50, 1,000 and 5,000 components, before and after: runs
# benches/page_scale.rs on a base commit (in a git worktree of its own, with
# this bench and the browser module it uses copied in) and on this tree, and
# prints them side by side with ratios. Chromium and chromedriver are
# installed (Debian packages) by the bench itself when missing.
#   benches/page_scale.sh [BASE=165b18e] [RUNS=21]
source "$(dirname "$0")/common.sh"
BASE=${1:-165b18e}
RUNS=${2:-21}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OLD="$TARGET/page-scale-base"
# A target dir of its own: cargo records a package's sources relative to its
# root, so two checkouts sharing one would take each other's build as fresh.
OLD_TARGET="$TARGET/page-scale-base-target"

# The base commit, with the bench added (the same source as here: it uses
# only APIs the base already has). Its first build starts from a copy of
# this tree's release dependencies (its own sources, just checked out, are
# newer than anything copied, so Candor itself is built again).
if [ ! -d "$OLD" ]; then
  git -C "$ROOT" worktree add -q --detach "$OLD" "$BASE"
  rm -rf "$OLD_TARGET" && mkdir -p "$OLD_TARGET"
  if [ -d "$TARGET/release" ]; then cp -a "$TARGET/release" "$OLD_TARGET/"; fi
fi
git -C "$OLD" reset -q --hard "$BASE"
git -C "$OLD" clean -qfd
mkdir -p "$OLD/tests/it"
cp "$ROOT/benches/page_scale.rs" "$OLD/benches/"
cp "$ROOT/tests/it/chromium.rs" "$OLD/tests/it/"
(
  cd "$OLD"
  cargo add -q --dev fantoccini@0.22 --no-default-features
  cargo add -q --dev hyper-util@0.1 -F client-legacy,http1,tokio
  cargo add -q --dev http@1 url@2
  printf '\n[[bench]]\nname = "page_scale"\nharness = false\n' >>Cargo.toml
)

run() {
  (cd "$1" && CARGO_TARGET_DIR="$2" cargo bench -q --bench page_scale -- "$RUNS") >"$3.out"
  cat "$3.out" >&2
  grep '^tsv' "$3.out" >"$3"
}
echo "== before ($BASE)" >&2
run "$OLD" "$OLD_TARGET" "$WORK/before.tsv"
echo "== after ($(git -C "$ROOT" rev-parse --short HEAD), with uncommitted changes if any)" >&2
run "$ROOT" "$TARGET" "$WORK/after.tsv"

# Columns after "tsv": n, identity B, brotli B, elements, render ms, brotli ms,
# DOMContentLoaded ms (4x CPU throttle), load ms.
join -t $'\t' -1 2 -2 2 <(sort -t $'\t' -k2,2 "$WORK/before.tsv") <(sort -t $'\t' -k2,2 "$WORK/after.tsv") |
  sort -n | awk -F '\t' '
  BEGIN {
    split("/ identity (bytes)|/ brotli (bytes)|elements|render / (ms, median)|brotli of / (ms, median)|DOMContentLoaded, 4x CPU throttle (ms, median of 7)|load event, 4x CPU throttle (ms)", name, "|")
    printf "| components | measure | before | after | after / before |\n|---|---|---|---|---|\n"
  }
  {
    for (i = 1; i <= 7; i++) {
      b = $(i + 2); a = $(i + 10)
      if (tolower(b) == "nan" || tolower(a) == "nan") continue
      printf "| %s | %s | %s | %s | %.3fx |\n", $1, name[i], b, a, (b > 0 ? a / b : 0)
    }
  }'
