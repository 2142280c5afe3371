"""Bar chart of Tổng cộng by unit (rank order, best on top), coloured by class, as PNG bytes."""
from __future__ import annotations

import functools
import io

import matplotlib

matplotlib.use("Agg")  # no display: files only
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from ..core.numbers import format_vn, format_vn_short  # noqa: E402
from .model import Appendix  # noqa: E402

# Times New Roman where installed, else a face with the same metrics, else any with Vietnamese letters.
CANDIDATE_FONTS = ["Times New Roman", "Liberation Serif", "DejaVu Serif", "DejaVu Sans"]
VIETNAMESE_SAMPLE = "ộờữẫđƯ"
CLASS_COLOURS = {"Xuất sắc": "#1b7837", "Tốt": "#4393c3", "Khá": "#f4a582", "Trung bình": "#d6604d",
                 "Yếu": "#762a83"}
OTHER_COLOUR = "#999999"
DPI = 150
MAX_HEIGHT_IN = 8.5  # with the heading above, the picture stays on one portrait A4 page (257 mm usable)
# Names and totals fit beside the bars up to this many units (8 pt lines in 8.5 in); past it they overlap into
# a grey band nobody reads, and laying out thousands of texts took most of a large report's time: the bars
# then stand by rank (the axis numbers them), the report's table gives each unit's name and total.
MAX_LABELLED = 60


@functools.cache
def chart_font() -> str:
    """The first candidate with an installed regular face that has every Vietnamese letter. Every file of
    the family is looked at: Debian installs Liberation 1.x (no Vietnamese) beside Liberation 2, and
    findfont() may pick the old one."""
    for name in CANDIDATE_FONTS:
        for entry in font_manager.fontManager.ttflist:
            if entry.name != name or entry.style != "normal":
                continue
            charmap = font_manager.get_font(entry.fname).get_charmap()
            if all(ord(ch) in charmap for ch in VIETNAMESE_SAMPLE):
                return chart_font_file(entry.fname, name)
    return "DejaVu Sans"  # shipped with matplotlib


def chart_font_file(path: str, name: str) -> str:
    """Register the good file under its own family name, so rc 'font.family' reaches it and not a twin."""
    if name == "Times New Roman":
        return name
    font_manager.fontManager.ttflist = [e for e in font_manager.fontManager.ttflist
                                        if e.name != name or e.fname.startswith(path.rsplit("/", 1)[0])]
    return name


def band_texts(appendix: Appendix) -> list[tuple[str, str]]:
    """('Tốt', 'Tốt: từ 80'), …, ('Yếu', 'Yếu: dưới 50') for the legend."""
    bands = appendix.cset.bands
    out = [(b.label, f"{b.label}: từ {format_vn_short(b.min)}") for b in bands[:-1]]
    if bands:
        out.append((bands[-1].label, f"{bands[-1].label}: dưới {format_vn_short(bands[-2].min)}"
                    if len(bands) > 1 else bands[-1].label))
    return out


def axis_range(totals: list[float], maximum: float) -> tuple[float, float]:
    """From a round number below the lowest total (so 75 against 96 shows the gap, not two equal bars)
    to just past the highest, with room for the labels; from 0 when the totals spread over half the scale."""
    low, high = min(totals), max(totals)
    spread = max(high - low, maximum * 0.02)
    left = 0.0 if low - spread < maximum * 0.25 else 5 * ((low - spread * 0.3) // 5)
    right = min(maximum, high + spread * 0.25) + (min(maximum, high + spread * 0.25) - left) * 0.12
    return max(left, 0.0), max(right, maximum * 0.1)


def totals_chart(appendix: Appendix, width_in: float = 6.3) -> bytes | None:
    """None when no unit has a total yet."""
    results = [r for r in appendix.results if r.total is not None]
    if not results:
        return None
    cset = appendix.cset
    names = [r.unit.name for r in results]
    totals = [float(r.total) for r in results]
    height = min(max(2.5, 0.26 * len(results) + 1.2), MAX_HEIGHT_IN)  # a long list still fits one A4 page
    with plt.rc_context({"font.family": chart_font(), "font.size": 8}):
        fig, ax = plt.subplots(figsize=(width_in, height), dpi=DPI)
        colours = [CLASS_COLOURS.get(r.class_label or "", OTHER_COLOUR) for r in results]
        left, right = axis_range(totals, float(cset.max_total))
        if len(results) <= MAX_LABELLED:
            ax.barh(range(len(results)), totals, color=colours, edgecolor="#333333", linewidth=0.4)
            ax.set_yticks(range(len(results)), names)
            ax.invert_yaxis()
            ax.set_xlim(left, right)
            for y, r in enumerate(results):
                ax.text(float(r.total) + (right - left) * 0.006, y, format_vn(r.total, cset.decimals),
                        va="center", fontsize=7)
        else:  # bar k is the k-th in rank order, the axis numbers a few of them
            ax.barh(range(1, len(results) + 1), totals, color=colours, height=1.0, linewidth=0)
            ax.set_ylim(len(results) + 0.5, 0.5)
            ax.yaxis.set_major_locator(MaxNLocator(nbins=10, integer=True))
            ax.set_ylabel(f"{len(results)} đơn vị, theo thứ tự xếp hạng", fontsize=7)
            ax.set_xlim(left, right)
        for band in cset.bands[:-1]:
            if left < float(band.min) < right:
                ax.axvline(float(band.min), color="#555555", linestyle="--", linewidth=0.6)
        if left > 0:
            ax.set_xlabel(f"Tổng cộng (điểm); trục bắt đầu từ {format_vn_short(round(left))} để thấy rõ chênh lệch",
                          fontsize=7)
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
