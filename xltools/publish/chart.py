"""Bar chart of Tổng cộng by unit (rank order, best on top), coloured by class, as PNG bytes."""
from __future__ import annotations

import functools
import io

import matplotlib

matplotlib.use("Agg")  # no display: files only
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from ..core.numbers import format_vn, format_vn_short  # noqa: E402
from .model import Appendix  # noqa: E402

# Times New Roman where installed, else a face with the same metrics, else any with Vietnamese letters.
CANDIDATE_FONTS = ["Times New Roman", "Liberation Serif", "DejaVu Serif", "DejaVu Sans"]
VIETNAMESE_SAMPLE = "ộờữẫđƯ"
CLASS_COLOURS = {"Xuất sắc": "#1b7837", "Tốt": "#4393c3", "Khá": "#f4a582", "Trung bình": "#d6604d",
                 "Yếu": "#762a83"}
OTHER_COLOUR = "#999999"
DPI = 150


@functools.cache
def chart_font() -> str:
    """The first candidate that is installed and has every Vietnamese letter (old Liberation 1.x has not)."""
    for name in CANDIDATE_FONTS:
        try:
            path = font_manager.findfont(name, fallback_to_default=False)
        except ValueError:
            continue
        charmap = font_manager.get_font(path).get_charmap()
        if all(ord(ch) in charmap for ch in VIETNAMESE_SAMPLE):
            return name
    return "DejaVu Sans"  # shipped with matplotlib


def band_texts(appendix: Appendix) -> list[tuple[str, str]]:
    """('Tốt', 'Tốt: từ 80'), …, ('Yếu', 'Yếu: dưới 50') for the legend."""
    bands = appendix.cset.bands
    out = [(b.label, f"{b.label}: từ {format_vn_short(b.min)}") for b in bands[:-1]]
    if bands:
        out.append((bands[-1].label, f"{bands[-1].label}: dưới {format_vn_short(bands[-2].min)}"
                    if len(bands) > 1 else bands[-1].label))
    return out


def totals_chart(appendix: Appendix, width_in: float = 6.3) -> bytes | None:
    """None when no unit has a total yet."""
    results = [r for r in appendix.results if r.total is not None]
    if not results:
        return None
    cset = appendix.cset
    names = [r.unit.name for r in results]
    totals = [float(r.total) for r in results]
    height = max(2.5, 0.26 * len(results) + 1.2)
    with plt.rc_context({"font.family": chart_font(), "font.size": 8}):
        fig, ax = plt.subplots(figsize=(width_in, height), dpi=DPI)
        colours = [CLASS_COLOURS.get(r.class_label or "", OTHER_COLOUR) for r in results]
        ax.barh(range(len(results)), totals, color=colours, edgecolor="#333333", linewidth=0.4)
        ax.set_yticks(range(len(results)), names)
        ax.invert_yaxis()
        ax.set_xlim(0, float(cset.max_total) * 1.08)
        for y, r in enumerate(results):
            ax.text(float(r.total) + float(cset.max_total) * 0.005, y, format_vn(r.total, cset.decimals),
                    va="center", fontsize=7)
        for band in cset.bands[:-1]:
            ax.axvline(float(band.min), color="#555555", linestyle="--", linewidth=0.6)
        legend = [Patch(facecolor=CLASS_COLOURS.get(label, OTHER_COLOUR), edgecolor="#333333", label=text)
                  for label, text in band_texts(appendix)]
        ax.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.3 / (height - 0.9)),
                  ncol=min(len(legend), 4), frameon=False, fontsize=7)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: format_vn_short(round(x, 1))))
        ax.set_title(f"Tổng cộng (điểm) Chỉ số CCHC {cset.level_label} năm {appendix.year or '…'}", fontsize=9)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
        plt.close(fig)
    return buffer.getvalue()
