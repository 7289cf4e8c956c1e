"""Draw the integration's brand images into custom_components/plex_activities/brand/.

Original artwork (deliberately not Plex's orange chevron mark): a teal progress ring (an
activity under way) around a white forward chevron on a dark disc, on a transparent
background. Drawn at 4x and downsampled for smooth edges.

Usage (needs Pillow, e.g. the test venv): python scripts/make_brand.py
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = Path(__file__).resolve().parent.parent / (
    "custom_components/plex_activities/brand"
)
SCALE = 4
TRACK = (58, 63, 74, 255)
RING = (0, 176, 200, 255)
CHEVRON = (255, 255, 255, 255)
DISC = (31, 35, 43, 255)
TEXT = (31, 35, 43, 255)


def draw_mark(size: int) -> Image.Image:
    """Return the square mark (icon) at size x size pixels."""
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    pad = big * 0.04
    draw.ellipse((pad, pad, big - pad, big - pad), fill=DISC)
    width = big * 0.09
    ring = big * 0.14
    box = (ring, ring, big - ring, big - ring)
    draw.arc(box, 0, 360, fill=TRACK, width=int(width))
    # Three quarters done, starting at twelve o'clock.
    draw.arc(box, -90, 180, fill=RING, width=int(width))
    # Round caps at both ends of the progress arc.
    radius = (big - 2 * ring) / 2 - width / 2
    centre = big / 2
    for angle in (-90, 180):
        x = centre + radius * math.cos(math.radians(angle))
        y = centre + radius * math.sin(math.radians(angle))
        draw.ellipse(
            (x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=RING
        )
    # A forward chevron in the middle.
    arm = big * 0.15
    stroke = big * 0.075
    tip_x = centre + arm * 0.55
    points = [
        (tip_x - arm, centre - arm),
        (tip_x, centre),
        (tip_x - arm, centre + arm),
    ]
    draw.line(points, fill=CHEVRON, width=int(stroke), joint="curve")
    for x, y in (points[0], points[2]):
        draw.ellipse(
            (x - stroke / 2, y - stroke / 2, x + stroke / 2, y + stroke / 2),
            fill=CHEVRON,
        )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def draw_logo(height: int) -> Image.Image:
    """Return the logo: the mark and the name, `height` pixels high."""
    mark = draw_mark(height)
    try:
        font = ImageFont.load_default(size=int(height * 0.42))
    except TypeError:  # Pillow without a scalable default font
        font = ImageFont.load_default()
    text = "Plex Activities"
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), text, font=font)
    gap = int(height * 0.18)
    logo = Image.new(
        "RGBA", (height + gap + (right - left) + gap // 2, height), (0, 0, 0, 0)
    )
    logo.paste(mark, (0, 0), mark)
    ImageDraw.Draw(logo).text(
        (height + gap - left, (height - (bottom - top)) / 2 - top),
        text,
        font=font,
        fill=TEXT,
    )
    return logo


def main() -> None:
    """Write icon.png, icon@2x.png, logo.png and logo@2x.png."""
    BRAND.mkdir(parents=True, exist_ok=True)
    draw_mark(256).save(BRAND / "icon.png", optimize=True)
    draw_mark(512).save(BRAND / "icon@2x.png", optimize=True)
    draw_logo(128).save(BRAND / "logo.png", optimize=True)
    draw_logo(256).save(BRAND / "logo@2x.png", optimize=True)
    for path in sorted(BRAND.glob("*.png")):
        with Image.open(path) as image:
            print(f"{path.relative_to(BRAND.parent.parent.parent)}: {image.size}")


if __name__ == "__main__":
    main()
