"""What the manual's screenshot tools share: a full-size capture saved as a small PNG."""

from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent


def save_palette_png(shot: Path, out: Path) -> None:
    """Save the capture `shot` as `out`, a 256-colour PNG (small enough to commit); remove `shot`."""
    image = Image.open(shot).convert("RGB")
    image.quantize(256, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, optimize=True)
    shot.unlink()
    print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size / 1e3:.0f} kB)")
