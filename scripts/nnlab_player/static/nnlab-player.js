/* nnlab explorer players: the static-site face of every nnlab Explorer.
 *
 * Each <div class="nnlab-player"> carries its controls, one <img> and an inlined JSON
 * manifest (no fetch: the site also works from file://). The manifest lists, per control,
 * the values the page holds, and the frame drawn at build time by the explorer's own
 * update function for every setting (mixed-radix order, first control most significant).
 * Moving a control shows the frame of the new setting; neighbouring frames are
 * prefetched. The setting of every moved player lives in the URL fragment:
 *   #<slot>:<name>=<value>;<name>=<value>&<slot>:...   (every part URI-encoded)
 * the player moved last is written last, and a page opened at such a URL restores every
 * player and scrolls to that one. No dependencies.
 */
(function () {
  "use strict";

  var players = [];
  var lastMoved = null;

  function Player(el) {
    var data = JSON.parse(el.querySelector("script.nnlab-player-manifest").textContent);
    this.el = el;
    this.slot = el.getAttribute("data-slot") || data.key;
    this.data = data;
    this.controls = data.controls;
    this.img = el.querySelector("img.nnlab-player-figure");
    this.status = el.querySelector(".nnlab-copy-status");
    this.cache = {};
    this.strides = [];
    var s = 1;
    for (var i = this.controls.length - 1; i >= 0; i--) {
      this.strides[i] = s;
      s *= this.controls[i].values.length;
    }
    this.index = this.controls.map(function (c) { return c["default"]; });
    this.inputs = [];
    var self = this;
    this.controls.forEach(function (c, i) {
      var input = el.querySelector('[name="' + cssEscape(c.name) + '"]');
      self.inputs.push(input);
      if (!input) { return; }
      input.disabled = !!c.pinned;
      var handler = function () { self.fromInput(i, true); };
      input.addEventListener(c.kind === "Checkbox" || c.kind === "Dropdown" ? "change" : "input",
                             handler);
      if (c.kind !== "Checkbox" && c.kind !== "Dropdown") {
        input.addEventListener("change", handler);
      }
    });
    var copy = el.querySelector(".nnlab-copy-link");
    if (copy) {
      copy.disabled = false;
      copy.addEventListener("click", function () { self.copyLink(); });
    }
    this.remember(this.img.getAttribute("src"));
  }

  function cssEscape(s) {
    return window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/["\\]/g, "\\$&");
  }

  Player.prototype.frameUrl = function (index) {
    var k = 0;
    for (var i = 0; i < index.length; i++) { k += index[i] * this.strides[i]; }
    return this.data.base + this.data.frames[k];
  };

  Player.prototype.setting = function () {
    var out = {};
    var index = this.index;
    this.controls.forEach(function (c, i) { out[c.name] = c.values[index[i]]; });
    return out;
  };

  Player.prototype.isDefault = function () {
    var index = this.index;
    return this.controls.every(function (c, i) { return index[i] === c["default"]; });
  };

  Player.prototype.fromInput = function (i, byUser) {
    var c = this.controls[i];
    var input = this.inputs[i];
    var k;
    if (c.kind === "Checkbox") {
      k = c.values.indexOf(input.checked);
      if (k < 0) { k = c["default"]; }
    } else {
      k = parseInt(input.value, 10);
    }
    if (isNaN(k) || k < 0 || k >= c.values.length) { return; }
    this.index[i] = k;
    this.show();
    if (byUser) {
      lastMoved = this;
      writeHash();
    }
  };

  /* Put the inputs, readouts, data-setting and figure in line with this.index. */
  Player.prototype.show = function () {
    var self = this;
    var labels = [];
    this.controls.forEach(function (c, i) {
      var input = self.inputs[i];
      var k = self.index[i];
      labels.push(c.label + " " + c.readouts[k]);
      if (!input) { return; }
      if (c.kind === "Checkbox") {
        input.checked = !!c.values[k];
      } else if (String(input.value) !== String(k)) {
        input.value = String(k);
      }
      if (c.kind !== "Checkbox" && c.kind !== "Dropdown") {
        input.setAttribute("aria-valuetext", c.readouts[k]);
        var out = input.parentNode.querySelector("output");
        if (out) { out.textContent = c.readouts[k]; }
      }
    });
    this.el.setAttribute("data-setting", JSON.stringify(this.setting()));
    var url = this.frameUrl(this.index);
    if (this.img.getAttribute("src") !== url) {
      this.img.setAttribute("src", url);
    }
    this.img.alt = (this.data.title || this.data.key) + ": " + labels.join(", ");
    this.prefetch();
  };

  Player.prototype.remember = function (url) {
    if (this.cache[url]) { return; }
    var im = new Image();
    im.decoding = "async";
    im.src = url;
    this.cache[url] = im;
  };

  /* Load the frames one step away along every control, so the next move is instant. */
  Player.prototype.prefetch = function () {
    for (var i = 0; i < this.controls.length; i++) {
      for (var d = -1; d <= 1; d += 2) {
        var k = this.index[i] + d;
        if (k < 0 || k >= this.controls[i].values.length) { continue; }
        var next = this.index.slice();
        next[i] = k;
        this.remember(this.frameUrl(next));
      }
    }
  };

  Player.prototype.encode = function () {
    var self = this;
    return encodeURIComponent(this.slot) + ":" + this.controls.map(function (c, i) {
      return encodeURIComponent(c.name) + "=" +
        encodeURIComponent(String(c.values[self.index[i]]));
    }).join(";");
  };

  /* Apply "<name>=<value>;..."; unknown names and values are ignored. */
  Player.prototype.decode = function (text) {
    var self = this;
    text.split(";").forEach(function (part) {
      var eq = part.indexOf("=");
      if (eq < 0) { return; }
      var name = decodeURIComponent(part.slice(0, eq));
      var value = decodeURIComponent(part.slice(eq + 1));
      self.controls.forEach(function (c, i) {
        if (c.name !== name || c.pinned) { return; }
        for (var k = 0; k < c.values.length; k++) {
          if (sameValue(c.values[k], value)) { self.index[i] = k; }
        }
      });
    });
    this.show();
  };

  /* A value from the URL (text) against a control value (number, boolean or text). */
  function sameValue(v, text) {
    if (typeof v === "number") { return text.trim() !== "" && Number(text) === v; }
    return String(v) === text;
  }

  function fragment(last) {
    var parts = [];
    players.forEach(function (p) {
      if (p !== last && !p.isDefault()) { parts.push(p.encode()); }
    });
    if (last) { parts.push(last.encode()); }
    return parts.join("&");
  }

  function pageUrl(frag) {
    return location.href.replace(/#.*$/, "") + (frag ? "#" + frag : "");
  }

  function writeHash() {
    var frag = fragment(lastMoved);
    try {
      history.replaceState(history.state, "", pageUrl(frag));
    } catch (e) {  // some file:// setups refuse replaceState
      location.hash = frag;
    }
  }

  function readHash() {
    var hash = location.hash.replace(/^#/, "");
    if (!hash || hash.indexOf(":") < 0) { return null; }
    var last = null;
    hash.split("&").forEach(function (entry) {
      var colon = entry.indexOf(":");
      if (colon < 0) { return; }
      var slot;
      try { slot = decodeURIComponent(entry.slice(0, colon)); } catch (e) { return; }
      players.forEach(function (p) {
        if (p.slot === slot) {
          try { p.decode(entry.slice(colon + 1)); } catch (e) { return; }
          last = p;
        }
      });
    });
    return last;
  }

  Player.prototype.copyLink = function () {
    lastMoved = this;
    writeHash();
    var url = pageUrl(fragment(this));
    var self = this;
    var say = function (msg) {
      if (self.status) { self.status.textContent = msg; }
      setTimeout(function () { if (self.status) { self.status.textContent = ""; } }, 4000);
    };
    var fallback = function () {
      var area = document.createElement("textarea");
      area.value = url;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      say(ok ? "Link copied" : "Copy this link from the address bar");
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(function () { say("Link copied"); }, fallback);
    } else {
      fallback();
    }
  };

  function init() {
    var els = document.querySelectorAll("div.nnlab-player[data-explorer]");
    for (var i = 0; i < els.length; i++) {
      if (els[i].nnlabPlayer) { continue; }
      try {
        var p = new Player(els[i]);
        els[i].nnlabPlayer = p;
        els[i].classList.add("nnlab-player-ready");
        players.push(p);
      } catch (e) {
        if (window.console) { console.warn("nnlab player:", e); }
      }
    }
    var last = readHash();
    players.forEach(function (p) { p.prefetch(); });
    if (last) {
      lastMoved = last;
      var scroll = function () { last.el.scrollIntoView({ block: "start" }); };
      scroll();
      // images above may still change the layout: scroll again once they are in
      if (document.readyState !== "complete") {
        window.addEventListener("load", scroll, { once: true });
      }
    }
  }

  window.addEventListener("hashchange", function () { readHash(); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
