#!/usr/bin/env bash
# Regenerates moderation/redact/data/{first_names,first_names_extra,surnames,
# surnames_extra,common_words}.txt and internal/lexgen/src/drop_auto.txt.
# Needs Go, npm and access to the npm registry; takes about a minute. Not
# run by the build or the tests. Run from anywhere:
#
#   bash moderation/redact/internal/lexgen/run.sh
#
# Build-time sources (fetched into a temporary folder, never committed):
#   @zxcvbn-ts/language-fi  MIT          first names, surnames, word frequencies
#   @zxcvbn-ts/language-en  MIT          English word frequencies
#   @cspell/dict-fi-fi      LGPL-3.0     Finnish word forms (collisions only)
#   @cspell/dict-sv         GPL-3.0+     Swedish word forms (collisions only)
#   @cspell/dict-en_us      MIT          English word forms (collisions only)
#   cspell-trie             MIT          reads the cspell dictionaries
#
# The analyser is compiled from a copy of lexicon.go, lexicon_inflect.go
# and lexgen_test.go in a scratch module, so the rest of the package need
# not build; the data folder is only written when every step succeeded.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pkg=$(cd "$here/../.." && pwd)          # moderation/redact
root=$(cd "$pkg/../.." && pwd)          # module root
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
npm pack --silent @zxcvbn-ts/language-fi @zxcvbn-ts/language-en @cspell/dict-fi-fi @cspell/dict-sv @cspell/dict-en_us >/dev/null
for t in *.tgz; do d=${t%.tgz}; mkdir "$d"; tar xzf "$t" -C "$d"; done
npm init -y >/dev/null
npm install --silent cspell-trie >/dev/null
zx=$(echo "$tmp"/zxcvbn-ts-language-fi-*/package/src)
zxen=$(echo "$tmp"/zxcvbn-ts-language-en-*/package/src)
npx cspell-trie reader "$(echo cspell-dict-fi-fi-*/package/dict/fi-fi.trie.gz)" -o fi.txt >/dev/null
npx cspell-trie reader "$(echo cspell-dict-sv-*/package/Swedish.trie.gz)" -o sv.txt >/dev/null
npx cspell-trie reader "$(echo cspell-dict-en_us-*/package/en_US.trie.gz)" -o en.txt >/dev/null
ls *.tgz

mod="$tmp/mod"
mkdir -p "$mod/data"
printf 'module lexgenscratch\n\ngo 1.26\n' > "$mod/go.mod"
cp "$pkg/lexicon.go" "$pkg/lexicon_inflect.go" "$pkg/lexgen_test.go" "$mod/"
names() { (cd "$root" && go run ./moderation/redact/internal/lexgen -zxcvbn "$zx" -src "$here/src" -out "$mod/data" -auto "$1"); }
gen() { (cd "$mod" && go test -count=1 -tags lexgen -run "$1" . -v) | grep -E 'lexgen_test.go|FAIL|^ok'; }

# 1. Name lists with the hand-written drops only.
names /dev/null
: > "$mod/data/common_words.txt"
# 2. Rare names that frequent words analyse to.
LEXGEN_FI="$tmp/fi.txt" LEXGEN_FREQ="$zx/commonWords.json" LEXGEN_ZX="$zx" \
LEXGEN_KEEP="$here/src/keep.txt" LEXGEN_DROPS="$tmp/drop_auto.txt" \
  gen 'TestGenerateDrops$'
# 3. Name lists again, without them.
names "$tmp/drop_auto.txt"
# 4. Ordinary words that are, or analyse to, names.
LEXGEN_FI="$tmp/fi.txt" LEXGEN_SV="$tmp/sv.txt" LEXGEN_EN="$tmp/en.txt" \
LEXGEN_FREQ="$zx/commonWords.json" LEXGEN_FREQ_EN="$zxen/commonWords.json" LEXGEN_ZX="$zx" LEXGEN_FREQ_SV="$here/src/sv_frequent.txt" \
LEXGEN_EXTRA="$here/src/common_words_extra.txt" LEXGEN_ORDINARY="$here/src/ordinary_names.txt" \
LEXGEN_OUT="$mod/data/common_words.txt" LEXGEN_REPORT="${LEXGEN_REPORT:-/dev/null}" \
  gen 'TestGenerateCommonWords$'

cp "$tmp/drop_auto.txt" "$here/src/drop_auto.txt"
for f in first_names first_names_extra surnames surnames_extra common_words; do
  cp "$mod/data/$f.txt" "$pkg/data/$f.txt"
done
wc -lc "$pkg"/data/{first_names,first_names_extra,surnames,surnames_extra,common_words}.txt
