#!/usr/bin/env bash
# Copy the browser JavaScript the book serves itself into _vendor/ (git-ignored):
# MathJax 3, require.js and the ipywidgets HTML manager, from the npm packages pinned in
# scripts/js/package.json + package-lock.json. _config.yml adds _vendor/ to
# html_static_path, so the files end up under _build/html/_static/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
js="$root/scripts/js"
out="$root/_vendor"
stamp="$out/.stamp"

# Nothing to do when the lock file has not changed since the last copy.
if [[ -f "$stamp" && "$stamp" -nt "$js/package-lock.json" && -f "$out/html-manager/embed-amd.js" ]]; then
  exit 0
fi

(cd "$js" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
nm="$js/node_modules"
rm -rf "$out"
mkdir -p "$out/mathjax/es5/output/chtml" "$out/mathjax/es5/input/tex" "$out/require" \
         "$out/html-manager" "$out/npm"

# MathJax: the combined TeX->CommonHTML component, its fonts, and the TeX extensions it
# may load on demand (\require, physics, ...).
cp "$nm/mathjax/es5/tex-chtml.js" "$out/mathjax/es5/"
cp -r "$nm/mathjax/es5/output/chtml/fonts" "$out/mathjax/es5/output/chtml/"
cp -r "$nm/mathjax/es5/input/tex/extensions" "$out/mathjax/es5/input/tex/"
cp -r "$nm/mathjax/es5/ui" "$out/mathjax/es5/" 2>/dev/null || true
cp -r "$nm/mathjax/es5/a11y" "$out/mathjax/es5/" 2>/dev/null || true
cp "$nm/mathjax/LICENSE" "$out/mathjax/"

cp "$nm/requirejs/require.js" "$out/require/"

# The HTML manager bundles @jupyter-widgets/base and controls; it loads its fonts from
# the folder it was loaded from (webpack public path taken from the script URL).
hm="$nm/@jupyter-widgets/html-manager/dist"
cp "$hm/embed-amd.js" "$hm/libembed-amd.js" "$out/html-manager/"
find "$hm" -maxdepth 1 -type f \( -name '*.woff' -o -name '*.woff2' -o -name '*.ttf' \
     -o -name '*.eot' -o -name '*.svg' \) -exec cp {} "$out/html-manager/" \;
cp "$nm/@jupyter-widgets/html-manager/LICENSE"* "$out/html-manager/" 2>/dev/null || true

# Point the HTML manager's "CDN" (where it would fetch widget modules it does not bundle)
# at _static/npm/ next to this script, whatever the depth of the page. embed-amd.js reads
# the data-jupyter-widgets-cdn attribute of every <script> when it is evaluated, so this
# small script, loaded just before it, sets the attribute on itself.
cat > "$out/html-manager/widgets-cdn.js" <<'JS'
(function () {
  var me = document.currentScript;
  if (me) { me.setAttribute("data-jupyter-widgets-cdn", new URL("../npm/", me.src).href); }
})();
JS
touch "$out/npm/.keep"
touch "$stamp"
echo "vendored JS into $out"
