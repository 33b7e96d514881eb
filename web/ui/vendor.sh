#!/bin/sh
# Copies the browser modules the app imports from node_modules (installed by
# `npm ci` from package-lock.json) into static/vendor, which the binary embeds.
# The import map in ui.go names these files.
set -eu
cd "$(dirname "$0")"
n=node_modules
out=static/vendor
rm -rf "$out"
mkdir -p "$out/preact" "$out/htm" "$out/preact-iso" "$out/chart.js/chunks" "$out/kurkle-color"
cp $n/preact/dist/preact.mjs $n/preact/hooks/dist/hooks.mjs $n/preact/LICENSE "$out/preact/"
cp $n/htm/dist/htm.mjs $n/htm/LICENSE "$out/htm/"
cp $n/preact-iso/src/index.js $n/preact-iso/src/router.js $n/preact-iso/src/lazy.js \
   $n/preact-iso/src/hydrate.js $n/preact-iso/LICENSE "$out/preact-iso/"
cp $n/chart.js/dist/chart.js $n/chart.js/LICENSE.md "$out/chart.js/"
cp $n/chart.js/dist/chunks/index.js "$out/chart.js/chunks/"
cp $n/@kurkle/color/dist/color.esm.js $n/@kurkle/color/LICENSE.md "$out/kurkle-color/"
