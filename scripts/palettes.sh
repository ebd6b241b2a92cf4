#!/usr/bin/env bash
# palettes.sh: draws docs/palettes/*.png, a strip of one cycle of each
# built-in palette and of the example palette file (docs/palettes.md shows
# them), and a render of Elephant Valley with each. The render tests'
# palettegen test fails when the strips are out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./render/internal/palettegen -o docs/palettes
bin=$(mktemp -d)/mandel
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" .
for p in classic fire ocean twilight gray; do
	"$bin" -q -V elephant --size 320x120 -p "$p" "docs/palettes/elephant-$p.png"
done
"$bin" -q -V elephant --size 320x120 --palette-file docs/palettes/ultrafractal.txt docs/palettes/elephant-ultrafractal.png
"$bin" -q -V elephant --size 320x120 --palette-file docs/palettes/ultrafractal.txt --palette-density 3 docs/palettes/elephant-ultrafractal-density3.png
"$bin" -q -V elephant --size 320x120 --palette-file docs/palettes/ultrafractal.txt --palette-offset 0.5 docs/palettes/elephant-ultrafractal-offset05.png
ls -l docs/palettes/*.png
