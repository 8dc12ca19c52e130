#!/usr/bin/env bash
# Regenerate static/vendor/ from the exact versions pinned in package.json.
#
# The npm registry is only needed when this script runs (build time). Its
# output is committed, so the running site never loads anything from a CDN
# or any other network location.
#
# Usage: scripts/vendor_static.sh
#   NODE_MODULES=/path/to/node_modules  use an existing install elsewhere
#                                       (default: <repo>/node_modules, which
#                                       is created with `npm ci` if missing)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NM="${NODE_MODULES:-$ROOT/node_modules}"
DEST="$ROOT/static/vendor"

die() { echo "vendor_static: error: $*" >&2; exit 1; }

command -v node >/dev/null || die "node is required"

if [[ ! -d "$NM" ]]; then
    command -v npm >/dev/null || die "npm is required to install $NM"
    [[ "$NM" == "$ROOT/node_modules" ]] || die "NODE_MODULES=$NM does not exist"
    echo "vendor_static: node_modules missing, running npm ci" >&2
    (cd "$ROOT" && npm ci --no-audit --no-fund)
fi

# Refuse to vendor anything other than the exact versions pinned in package.json.
pinned_version() {
    node -e 'const p=require(process.argv[1]); const v=(p.devDependencies||{})[process.argv[2]]; if(!v){process.exit(1)} console.log(v)' \
        "$ROOT/package.json" "$1" || die "$1 is not pinned in package.json"
}
installed_version() {
    node -e 'console.log(require(process.argv[1]).version)' "$NM/$1/package.json" \
        || die "$1 is not installed in $NM (run npm ci)"
}
declare -A VERSION
for pkg in bootstrap bootstrap-icons chart.js htmx.org tom-select; do
    want="$(pinned_version "$pkg")"
    have="$(installed_version "$pkg")"
    [[ "$want" == "$have" ]] || die "$pkg: package.json pins $want but $NM has $have (run npm ci)"
    VERSION[$pkg]="$have"
done

# copy SRC DEST_RELATIVE_TO_static/vendor
put() {
    local src="$NM/$1" dst="$DEST/$2"
    [[ -f "$src" ]] || die "missing $src"
    mkdir -p "$(dirname "$dst")"
    cp "$src" "$dst"
    chmod 0644 "$dst"
}

# Start from a clean tree (README.md is hand-written and kept).
rm -rf "$DEST/bootstrap" "$DEST/bootstrap-icons" "$DEST/chart.js" "$DEST/htmx" "$DEST/tom-select"
mkdir -p "$DEST"

# Bootstrap (the bundle includes Popper, whose licence is kept too)
put bootstrap/dist/css/bootstrap.min.css          bootstrap/css/bootstrap.min.css
put bootstrap/dist/js/bootstrap.bundle.min.js     bootstrap/js/bootstrap.bundle.min.js
put bootstrap/LICENSE                             bootstrap/LICENSE
put @popperjs/core/LICENSE.md                     bootstrap/LICENSE-popperjs-core.md

# Bootstrap Icons: the CSS loads url("fonts/...") relative to itself
put bootstrap-icons/font/bootstrap-icons.min.css  bootstrap-icons/bootstrap-icons.min.css
put bootstrap-icons/font/fonts/bootstrap-icons.woff2 bootstrap-icons/fonts/bootstrap-icons.woff2
put bootstrap-icons/font/fonts/bootstrap-icons.woff  bootstrap-icons/fonts/bootstrap-icons.woff
put bootstrap-icons/LICENSE                       bootstrap-icons/LICENSE

# Chart.js (the UMD build defines the global `Chart`; it bundles @kurkle/color, MIT)
put chart.js/dist/chart.umd.min.js                chart.js/chart.umd.min.js
put chart.js/LICENSE.md                           chart.js/LICENSE.md
put @kurkle/color/LICENSE.md                      chart.js/LICENSE-kurkle-color.md

# htmx
put htmx.org/dist/htmx.min.js                     htmx/htmx.min.js
put htmx.org/LICENSE                              htmx/LICENSE

# Tom Select (the "complete" build bundles @orchidjs/sifter and unicode-variants)
put tom-select/dist/css/tom-select.bootstrap5.min.css tom-select/css/tom-select.bootstrap5.min.css
put tom-select/dist/js/tom-select.complete.min.js     tom-select/js/tom-select.complete.min.js
put tom-select/LICENSE                            tom-select/LICENSE
if [[ -f "$NM/@orchidjs/unicode-variants/LICENSE" ]]; then
    put @orchidjs/unicode-variants/LICENSE        tom-select/LICENSE-orchidjs-unicode-variants
fi

# Source maps are not vendored: drop the trailing comments so browsers do not
# request missing .map files.
find "$DEST" -type f \( -name '*.css' -o -name '*.js' \) -print0 |
    xargs -0 sed -i -E \
        -e '\#^[[:space:]]*//[#@] sourceMappingURL=[^[:space:]]*[[:space:]]*$#d' \
        -e '\#^[[:space:]]*/\*[#@] sourceMappingURL=[^[:space:]]*[[:space:]]*\*/[[:space:]]*$#d'

# ---- checks -----------------------------------------------------------------
fail=0
if grep -rl 'sourceMappingURL' "$DEST" --include='*.css' --include='*.js'; then
    echo "vendor_static: sourceMappingURL left in the files above" >&2; fail=1
fi
# No CSS may load anything from the network (@import or url() with a scheme
# other than data:, or protocol-relative //host).
if grep -nEo '@import[^;]*' "$DEST" -r --include='*.css'; then
    echo "vendor_static: @import found in vendored CSS" >&2; fail=1
fi
if grep -rnoE 'url\([[:space:]]*["'"'"']?(https?:|//)[^)]*\)' "$DEST" --include='*.css'; then
    echo "vendor_static: remote url() found in vendored CSS" >&2; fail=1
fi
# Every relative url() in bootstrap-icons.min.css must resolve to a vendored file.
css_dir="$DEST/bootstrap-icons"
while IFS= read -r ref; do
    path="${ref%%[?#]*}"
    [[ -f "$css_dir/$path" ]] || { echo "vendor_static: $ref does not resolve next to bootstrap-icons.min.css" >&2; fail=1; }
done < <(grep -oE 'url\("?[^")]+' "$css_dir/bootstrap-icons.min.css" | sed -E 's/^url\("?//' | grep -v '^data:')
[[ $fail -eq 0 ]] || die "checks failed"

echo "vendor_static: vendored into ${DEST#"$ROOT"/}:"
for pkg in bootstrap bootstrap-icons chart.js htmx.org tom-select; do
    echo "  $pkg ${VERSION[$pkg]}"
done
