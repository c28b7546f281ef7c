"""What the player tests read from a built page: its players, their manifests and frames,
and a player's state in the browser."""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path

PLAYER_RE = re.compile(
    r'<div class="nnlab-player" id="([^"]+)" data-explorer="([^"]+)"'
    r' data-slot="([^"]+)" data-setting="([^"]+)"'
)
MANIFEST_RE = re.compile(
    r'<script type="application/json" class="nnlab-player-manifest">'
    r"(.*?)</script>",
    re.S,
)
READY = (
    "() => Array.from(document.querySelectorAll('div.nnlab-player'))"
    ".every(p => p.classList.contains('nnlab-player-ready'))"
)


def players_of(page: Path) -> list[dict]:
    """The players of one built page: id, key, slot, default setting and manifest."""
    text = page.read_text()
    heads, manifests = PLAYER_RE.findall(text), MANIFEST_RE.findall(text)
    assert len(heads) == len(manifests), page
    out = []
    for (pid, key, slot, setting), m in zip(heads, manifests):
        manifest = json.loads(m.replace("<\\/", "</"))
        out.append(
            {
                "id": pid,
                "key": key,
                "slot": slot,
                "manifest": manifest,
                "setting": json.loads(htmllib.unescape(setting)),
            }
        )
    return out


def frame_index(manifest: dict, setting: dict) -> int:
    k = 0
    for c in manifest["controls"]:
        k = k * len(c["values"]) + c["values"].index(setting[c["name"]])
    return k


def frame_src(manifest: dict, setting: dict) -> str:
    return manifest["base"] + manifest["frames"][frame_index(manifest, setting)]


def player_state(page, pid):
    """A player's setting, image source, whether the image shows, and its image count."""
    return page.evaluate(
        """(pid) => {
      const p = document.getElementById(pid);
      const img = p.querySelector('img');
      return {setting: JSON.parse(p.getAttribute('data-setting')), src: img.getAttribute('src'),
              ok: img.complete && img.naturalWidth > 0, imgs: p.querySelectorAll('img').length};
    }""",
        pid,
    )
