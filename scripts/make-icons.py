#!/usr/bin/env python3
"""Generate the КНД.Онлайн PWA icons (shield + check mark emblem).

The emblem is drawn from simple shapes (no text, no fonts), so the output is
the same on every machine. One geometry, defined below in a 100x100 unit
square, is used for every file so the SVG and the PNGs match.

Files written (paths relative to the repository root):

    public/icons/icon.svg            vector icon, rounded square
    public/icons/icon-192.png        purpose "any", rounded square, transparent corners
    public/icons/icon-512.png        purpose "any"
    public/icons/maskable-192.png    purpose "maskable", full-bleed background,
    public/icons/maskable-512.png      emblem inside the central 80% safe zone
    public/icons/apple-touch-icon.png  180x180, opaque (iOS rounds it itself)
    public/favicon.ico               16x16 and 32x32

How to rerun (from the repository root):

    pip install pillow
    python3 scripts/make-icons.py

The script is deterministic: running it again with the same Pillow version
produces byte-identical files. Edit the constants below to change the design.
"""

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = ROOT / "public"
ICONS = PUBLIC / "icons"

PRIMARY = "#0b5cab"   # brand colour, also the manifest theme_color
WHITE = "#ffffff"
SUPERSAMPLE = 8       # draw large, then downscale for smooth (anti-aliased) edges

# --- Geometry in a 100x100 unit square --------------------------------------
CORNER_RADIUS = 22    # rounded square of the "any" icons
# Shield outline: straight segments plus two cubic Bézier curves to the tip.
SHIELD_TOP = (50, 18)
SHIELD_RIGHT_TOP = (74, 26)
SHIELD_RIGHT_MID = (74, 48)
SHIELD_CURVE_R = ((74, 64), (63, 76), (50, 82))   # control 1, control 2, end
SHIELD_CURVE_L = ((37, 76), (26, 64), (26, 48))
SHIELD_LEFT_TOP = (26, 26)
# Check mark: a round-capped polyline.
CHECK = [(38, 50), (46, 58), (62, 41)]
CHECK_WIDTH = 7
# Maskable icons: shrink the emblem a little so it sits well within the
# safe-zone circle (radius 40 units) on every platform mask.
MASKABLE_SCALE = 0.9


def _bezier(p0, p1, p2, p3, steps=48):
    """Points along a cubic Bézier curve (p0 excluded)."""
    pts = []
    for i in range(1, steps + 1):
        t = i / steps
        u = 1 - t
        x = u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0]
        y = u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1]
        pts.append((x, y))
    return pts


def shield_points():
    pts = [SHIELD_TOP, SHIELD_RIGHT_TOP, SHIELD_RIGHT_MID]
    pts += _bezier(SHIELD_RIGHT_MID, *SHIELD_CURVE_R)
    pts += _bezier(SHIELD_CURVE_R[2], *SHIELD_CURVE_L)
    pts.append(SHIELD_LEFT_TOP)
    return pts


def render(size, *, rounded, scale=1.0):
    """Render the icon at `size` px. rounded=True gives transparent corners."""
    big = size * SUPERSAMPLE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    unit = big / 100

    def tr(p):
        # Scale about the centre (50, 50), then to pixels.
        return ((50 + (p[0] - 50) * scale) * unit, (50 + (p[1] - 50) * scale) * unit)

    if rounded:
        d.rounded_rectangle((0, 0, big - 1, big - 1), radius=CORNER_RADIUS * unit, fill=PRIMARY)
    else:
        d.rectangle((0, 0, big, big), fill=PRIMARY)

    d.polygon([tr(p) for p in shield_points()], fill=WHITE)

    w = CHECK_WIDTH * unit * scale
    pts = [tr(p) for p in CHECK]
    d.line(pts, fill=PRIMARY, width=round(w), joint="curve")
    for x, y in (pts[0], pts[-1]):  # round line caps
        r = w / 2
        d.ellipse((x - r, y - r, x + r, y + r), fill=PRIMARY)

    return img.resize((size, size), Image.Resampling.LANCZOS)


def svg():
    """The same design as a small SVG (no text, no fonts)."""
    (c1, c2, e1), (c3, c4, e2) = SHIELD_CURVE_R, SHIELD_CURVE_L

    def f(p):
        return f"{p[0]} {p[1]}"

    shield = (
        f"M{f(SHIELD_TOP)}L{f(SHIELD_RIGHT_TOP)}L{f(SHIELD_RIGHT_MID)}"
        f"C{f(c1)} {f(c2)} {f(e1)}C{f(c3)} {f(c4)} {f(e2)}L{f(SHIELD_LEFT_TOP)}Z"
    )
    check = "M" + "L".join(f(p) for p in CHECK)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" '
        'role="img" aria-label="КНД.Онлайн">\n'
        f'  <rect width="100" height="100" rx="{CORNER_RADIUS}" fill="{PRIMARY}"/>\n'
        f'  <path d="{shield}" fill="{WHITE}"/>\n'
        f'  <path d="{check}" fill="none" stroke="{PRIMARY}" stroke-width="{CHECK_WIDTH}" '
        'stroke-linecap="round" stroke-linejoin="round"/>\n'
        "</svg>\n"
    )


def small_png(image, path):
    """Saves a palette PNG: the emblem has few colours, so 64 keep the anti-aliasing and the
    files shrink several times (they are fetched by browsers on first visit)."""
    image.quantize(colors=64, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)


def main():
    ICONS.mkdir(parents=True, exist_ok=True)
    (ICONS / "icon.svg").write_text(svg(), encoding="utf-8")

    for size in (192, 512):
        small_png(render(size, rounded=True), ICONS / f"icon-{size}.png")
        small_png(
            render(size, rounded=False, scale=MASKABLE_SCALE).convert("RGB"),
            ICONS / f"maskable-{size}.png",
        )
    small_png(render(180, rounded=False).convert("RGB"), ICONS / "apple-touch-icon.png")

    ico32 = render(32, rounded=True)
    ico16 = render(16, rounded=True)
    ico32.save(PUBLIC / "favicon.ico", format="ICO", sizes=[(32, 32), (16, 16)],
               append_images=[ico16])

    for p in sorted(PUBLIC.rglob("*")):
        if p.is_file():
            print(p.relative_to(ROOT), p.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
