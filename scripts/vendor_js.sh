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

# Keep every widget asset local, whatever the depth of the page:
# - embed-amd.js reads the data-jupyter-widgets-cdn attribute of every <script> when it
#   is evaluated (where it would fetch widget modules it does not bundle); this script,
#   loaded just before it, sets that attribute on itself to _static/npm/;
# - the bundled modules take their font URLs from the folder require.js says they came
#   from (named modules default to the page's folder), so map that folder to ours.
cat > "$out/html-manager/widgets-cdn.js" <<'JS'
(function () {
  var me = document.currentScript;
  if (!me) { return; }
  var here = new URL("./", me.src).href;
  me.setAttribute("data-jupyter-widgets-cdn", new URL("../npm/", me.src).href);
  window.__jupyter_widgets_assets_path__ = here;
  if (window.require && window.require.config) {
    window.require.config({ paths: {
      "@jupyter-widgets/html-manager/dist": here.replace(/\/$/, ""),
      "@jupyter-widgets/base": here + "base",
      "@jupyter-widgets/controls": here + "controls"
    } });
  }
  // The widget controls typeset labels through the MathJax 2 API (MathJax.Hub.Queue);
  // the book loads MathJax 3 (deferred: window.MathJax is its object by DOMContentLoaded,
  // before the widget manager renders). Give it the one MathJax 2 call the controls make,
  // queued behind MathJax 3's start-up.
  document.addEventListener("DOMContentLoaded", function () {
    var mj = window.MathJax;
    if (!mj || mj.Hub || !mj.startup) { return; }
    mj.Hub = { Queue: function () {
      var jobs = Array.prototype.slice.call(arguments);
      mj.startup.promise.then(function () {
        jobs.forEach(function (job) {
          if (Array.isArray(job) && job[0] === "Typeset" && job[2]) {
            return mj.typesetPromise([job[2]]);
          }
          if (typeof job === "function") { job(); }
        });
      }).catch(function (err) { console.warn("MathJax:", err); });
    } };
  });
})();
JS
touch "$out/npm/.keep"
touch "$stamp"
echo "vendored JS into $out"
