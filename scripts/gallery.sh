#!/usr/bin/env bash
# gallery.sh renders README.md's gallery again: a small picture of every
# preset view into docs/gallery/ (those of presets that are gone removed)
# and the table between the gallery markers of README.md, from
# render.Presets(), the views that --help lists. TestREADMEGallery, part of `make test`, fails when the
# table or a picture is no longer what mandel renders; this fixes it.
#
#   scripts/gallery.sh
set -euo pipefail
cd "$(dirname "$0")/.."
${GO:-go} test -count=1 -run '^TestREADMEGallery$' -update .
git status --short -- README.md docs/gallery 2>/dev/null || true
