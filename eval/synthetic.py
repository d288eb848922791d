"""A synthetic scale corpus: N passages of report prose about PCPNN aid, for benchmarks at scale.

The shared corpus is five files; latency and memory at 10,000 or 100,000 passages need more text
than exists. This module writes it, deterministically from a seed, from about twenty sentence
patterns taken from the real reports ("Năm 2023, tỉnh Quảng Trị có 94 chương trình, dự án PCPNN
triển khai với số vốn giải ngân đạt 17.216.450,40 USD", "Trong năm 2022, các tổ chức PCPNN đã
viện trợ cho tỉnh ... hơn 5,2 triệu USD", agreements signed, visits, scholarships...) with varied
provinces (the project's gazetteer), years (2010-2025), organisations (the project's list of
foreign NGOs) and figures written the Vietnamese way.

Documents hold 10-20 paragraphs about one province and year under a title line ("Tình hình viện
trợ PCPNN tại tỉnh X năm Y") and a publication date line. Every paragraph is short enough to be one
passage, and the title is one more, so N passages requested give N passages after ingestion.

The headline figures of a province in a year (disbursement, projects, organisations...) are drawn
once per (seed, province, year), so every document that states them agrees: questions generated
about them (:func:`synthetic_questions`) have one right answer however large the corpus.

Documents go through the project's own pipeline (:func:`prepare` calls
``ingest.pipeline.prepare_document``), so facts, sentences and passages are made exactly as for real
files; :func:`write_corpus` saves them as ``.txt`` files for ingesting from disk.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from vntext.gazetteer import all_provinces
from ingest.models import Document
from vntext.numbers import format_number_vi
from ingest.pipeline import prepare_document

YEARS = (2010, 2025)
PARAGRAPHS_PER_DOCUMENT = (10, 20)

SECTORS = (
    "y tế", "giáo dục và đào tạo", "nước sạch và vệ sinh môi trường", "phát triển nông thôn tổng hợp",
    "khắc phục hậu quả bom mìn", "bảo trợ xã hội", "ứng phó với biến đổi khí hậu", "hỗ trợ người khuyết tật",
    "phát triển sinh kế", "bảo vệ trẻ em", "bình đẳng giới", "phòng chống thiên tai",
)  # fmt: skip

TITLES = (
    "Tình hình viện trợ PCPNN tại {tinh} năm {nam}",
    "{Ten}: kết quả vận động viện trợ phi chính phủ nước ngoài năm {nam}",
    "Công tác phi chính phủ nước ngoài trên địa bàn {tinh} năm {nam}",
    "{Ten} tổng kết công tác viện trợ PCPNN năm {nam}",
)

# Paragraph patterns from the reports. Plain fields: {tinh} "tỉnh Quảng Trị" / "thành phố Đà Nẵng",
# {Ten} "Quảng Trị", {cap} "tỉnh" / "thành phố", {nam}, {nam_truoc}, {nam_sau}, {nam_dau}, {ngay},
# {thang}, {to_chuc}, {linh_vuc}. Figure fields are listed in _FIGURES; a trailing digit
# ({ty_dong2}) draws a second, independent figure of the same kind.
TEMPLATES = (
    "Năm {nam}, {tinh} có {so_du_an} chương trình, dự án PCPNN triển khai với số vốn giải ngân đạt {giai_ngan} USD.",
    "Trong năm {nam}, các tổ chức PCPNN đã viện trợ cho {tinh} hơn {vien_tro_trieu} triệu USD, tập trung vào các "
    "lĩnh vực {linh_vuc}, {linh_vuc2} và {linh_vuc3}.",
    "Năm {nam}, {tinh} đã vận động được {du_an_moi} dự án, khoản viện trợ phi dự án mới với tổng giá trị cam kết "
    "đạt {cam_ket} USD. Các dự án tập trung vào {linh_vuc} và {linh_vuc2}.",
    "Theo Sở Ngoại vụ, năm {nam} có {so_to_chuc} tổ chức PCPNN hoạt động trên địa bàn {tinh}. Các tổ chức hoạt "
    "động đúng chủ trương, đường lối của Đảng và tuân thủ pháp luật của Nhà nước.",
    "Ngày {ngay}/{thang}/{nam}, Sở Ngoại vụ {tinh} và tổ chức {to_chuc} đã ký kết thỏa thuận hợp tác triển khai "
    "dự án {linh_vuc} với tổng kinh phí {ty_dong} tỷ đồng.",
    "Sáng {ngay}/{thang}, đoàn công tác của tổ chức {to_chuc} đã đến thăm và làm việc với UBND {tinh} về kết quả "
    "triển khai {so_nho} dự án trong năm {nam}.",
    "Giai đoạn {nam_dau} - {nam}, tổ chức {to_chuc} đã tài trợ cho {tinh} {so_nho} dự án với tổng giá trị hơn "
    "{ty_dong} tỷ đồng. Số vốn giải ngân thực tế đến tháng {thang}/{nam} là hơn {ty_dong2} tỷ đồng, đạt "
    "{phan_tram}% kế hoạch.",
    "Năm {nam}, tỷ lệ giải ngân viện trợ PCPNN của {tinh} đạt {ty_le}%.",
    "So với năm {nam_truoc}, giá trị viện trợ PCPNN năm {nam} của {tinh} tăng {tang_trieu} triệu USD.",
    "Năm {nam}, Liên hiệp các tổ chức hữu nghị {tinh} đã phối hợp với các tổ chức PCPNN triển khai {so_khoan} "
    "khoản viện trợ với tổng giá trị cam kết trên {ty_dong} tỷ đồng. Trong đó, lĩnh vực {linh_vuc} chiếm gần "
    "{phan_so} tổng số khoản viện trợ.",
    "Thông qua dự án của tổ chức {to_chuc}, hơn {so_cong_trinh} công trình nước sạch, nhà vệ sinh và phòng học đã "
    "được xây dựng tại {tinh} trong năm {nam}.",
    "Năm {nam}, dự án do tổ chức {to_chuc} tài trợ đã hỗ trợ {so_ho} hộ gia đình có hoàn cảnh khó khăn tại {tinh} "
    "với kinh phí {trieu_dong} triệu đồng.",
    "Ước tính năm {nam} tổng giá trị giải ngân viện trợ PCPNN trên địa bàn {tinh} đạt khoảng {uoc_giai_ngan} "
    "triệu USD.",
    "Trong lĩnh vực {linh_vuc}, các tổ chức PCPNN đã viện trợ cho {tinh} {trieu_usd} triệu USD trong năm {nam}, "
    "chiếm {phan_tram}% tổng giá trị viện trợ.",
    "Chiều {ngay}/{thang}, UBND {tinh} tổ chức Hội nghị gặp mặt các tổ chức PCPNN năm {nam} với sự tham dự của "
    "hơn {so_dai_bieu} đại biểu.",
    "Năm {nam}, {tinh} tiếp nhận {so_khoan} khoản viện trợ phi dự án với tổng trị giá {usd_nho} USD để hỗ trợ "
    "người dân khắc phục hậu quả thiên tai.",
    "Năm {nam_sau}, {tinh} đặt mục tiêu vận động khoảng {trieu_usd} triệu USD viện trợ PCPNN, ưu tiên các lĩnh "
    "vực {linh_vuc} và {linh_vuc2}.",
    "Trong năm {nam}, tổ chức {to_chuc} đã trao {so_suat} suất học bổng cho học sinh nghèo vượt khó tại {tinh} "
    "với tổng trị giá {trieu_dong} triệu đồng.",
    "Các chương trình, dự án viện trợ PCPNN trên địa bàn {tinh} đã góp phần giảm nghèo, cải thiện sinh kế và nâng "
    "cao chất lượng cuộc sống cho người dân. Trong thời gian tới, {cap} tiếp tục tạo điều kiện thuận lợi để các "
    "tổ chức PCPNN mở rộng hoạt động tại địa phương.",
    "Dự án {linh_vuc} do tổ chức {to_chuc} tài trợ tại {tinh} có tổng vốn {usd_nho} USD, mang lại lợi ích cho "
    "hơn {so_nguoi} người dân.",
    "Tổng giá trị các khoản viện trợ phi dự án mà {tinh} tiếp nhận năm {nam} đạt {trieu_usd} triệu USD, giảm "
    "{phan_tram}% so với năm {nam_truoc}.",
    "Tại buổi làm việc, lãnh đạo UBND {tinh} đề nghị tổ chức {to_chuc} tiếp tục hỗ trợ {cap} trong các lĩnh vực "
    "{linh_vuc} và {linh_vuc2}, đặc biệt tại các xã vùng sâu, vùng xa.",
)  # fmt: skip


@dataclass(frozen=True)
class Figure:
    """A figure as written in a passage (the number only, e.g. "5,2") and its value in base units
    (5_200_000 for "5,2 triệu USD"), as the pipeline should extract it."""

    text: str
    value: float


@dataclass(frozen=True)
class ProvinceYear:
    """The headline figures of one province in one year, shared by every document stating them."""

    province: str
    year: int
    projects: int
    disbursed_usd: float  # exact, with cents
    organisations: int
    new_projects: int
    committed_usd: float
    disbursement_rate: int  # percent


@dataclass(frozen=True)
class SyntheticPassage:
    text: str
    figures: tuple[Figure, ...]
    template: int  # index in TEMPLATES


@dataclass(frozen=True)
class SyntheticDocument:
    name: str
    seed: int  # of the corpus it belongs to (its headline figures depend on it)
    title: str
    published: str  # the date line as written ("15-04-2024 09:30")
    province: str
    year: int
    paragraphs: tuple[SyntheticPassage, ...]

    @property
    def text(self) -> str:
        """The file's content: title line, date line, one paragraph per line."""
        return "\n".join([self.title, self.published, *(p.text for p in self.paragraphs)]) + "\n"

    @property
    def n_passages(self) -> int:
        """Passages the pipeline makes of it: the title and one per paragraph."""
        return 1 + len(self.paragraphs)

    @property
    def figures(self) -> list[Figure]:
        return [f for p in self.paragraphs for f in p.figures]


@dataclass(frozen=True)
class SyntheticQuestion:
    question: str
    answer: str  # the figure as the documents write it
    value: float
    province: str
    year: int


@dataclass(frozen=True)
class Place:
    name: str  # canonical gazetteer name
    short: str  # as written alone: "Quảng Trị", "TP Hồ Chí Minh"
    full: str  # with its level: "tỉnh Quảng Trị", "thành phố Đà Nẵng", "TP Hồ Chí Minh"
    level: str  # "tỉnh" or "thành phố"


@lru_cache(maxsize=1)
def places() -> tuple[Place, ...]:
    """Provinces and cities of the gazetteer (vntext/data/provinces.json) as reports write them."""
    found = []
    for province in all_provinces():
        level = "thành phố" if province.kind == "city" else "tỉnh"
        if province.name.startswith("TP."):  # "TP. Hồ Chí Minh": reports write "TP Hồ Chí Minh"
            short = full = province.name.replace("TP.", "TP", 1)
        else:
            short, full = province.name, f"{level} {province.name}"
        found.append(Place(province.name, short, full, level))
    return tuple(found)


@lru_cache(maxsize=1)
def _organisations() -> tuple[str, ...]:
    """Foreign NGOs from the project's list (vntext/data/organizations.json), without the names that
    hold digits ("FHI 360"), which would add figures the templates do not account for."""
    raw = json.loads(resources.files("vntext").joinpath("data/organizations.json").read_text("utf-8"))
    return tuple(o["name"] for o in raw["organizations"] if not re.search(r"\d", o["name"]))


def province_year(seed: int, province: str, year: int) -> ProvinceYear:
    """The headline figures of ``province`` in ``year``: drawn from their own seeded generator, so
    they are the same whatever corpus size or document order asks for them."""
    rng = random.Random(f"{seed}:{province}:{year}")
    projects = rng.randint(12, 150)
    disbursed = rng.randint(500_000_00, 30_000_000_00) / 100
    return ProvinceYear(
        province=province,
        year=year,
        projects=projects,
        disbursed_usd=disbursed,
        organisations=rng.randint(5, 60),
        new_projects=rng.randint(3, max(4, projects // 2)),
        committed_usd=rng.randint(300_000_00, 25_000_000_00) / 100,
        disbursement_rate=rng.randint(45, 98),
    )


def _decimal(rng: random.Random, low: float, high: float, decimals: int = 1) -> tuple[str, float]:
    """A number with a fractional part, written Vietnamese-style, and the value read back from it."""
    value = round(rng.uniform(low, high), decimals)
    if value == int(value):  # "12,0" is not how reports write it
        value += 10**-decimals
    value = round(value, decimals)
    return format_number_vi(value, decimals), value


def _integer(rng: random.Random, low: int, high: int) -> tuple[str, float]:
    value = rng.randint(low, high)
    return format_number_vi(value), float(value)


def _cents(rng: random.Random, low: int, high: int) -> tuple[str, float]:
    """An exact amount with cents: "15.121.555,63"."""
    value = rng.randint(low * 100, high * 100) / 100
    return format_number_vi(value, 2), value


def _share(rng: random.Random) -> tuple[str, float]:
    """A share written as a fraction, as in "chiếm gần 1/4"."""
    denominator = rng.choice((2, 3, 4, 5))
    return f"1/{denominator}", 1 / denominator


def _millions(value: float) -> tuple[str, float]:
    return format_number_vi(value), round(value * 1e6, 6)


def _scaled(written: tuple[str, float], scale: float) -> tuple[str, float]:
    return written[0], round(written[1] * scale, 6)


# Figure fields: (rng, headline figures) -> (number as written, value in base units).
_FIGURES: dict[str, Callable[[random.Random, ProvinceYear], tuple[str, float]]] = {
    "so_du_an": lambda r, w: (format_number_vi(w.projects), float(w.projects)),
    "giai_ngan": lambda r, w: (format_number_vi(w.disbursed_usd, 2), w.disbursed_usd),
    # "hơn X triệu USD": the disbursement rounded down, so the report's "more than" holds
    "vien_tro_trieu": lambda r, w: _millions(math.floor(w.disbursed_usd / 1e5) / 10),
    "uoc_giai_ngan": lambda r, w: _millions(round(w.disbursed_usd / 1e6, 1)),
    "so_to_chuc": lambda r, w: (format_number_vi(w.organisations), float(w.organisations)),
    "du_an_moi": lambda r, w: (format_number_vi(w.new_projects), float(w.new_projects)),
    "cam_ket": lambda r, w: (format_number_vi(w.committed_usd, 2), w.committed_usd),
    "ty_le": lambda r, w: (format_number_vi(w.disbursement_rate), float(w.disbursement_rate)),
    "so_nho": lambda r, w: _integer(r, 2, 40),
    "so_khoan": lambda r, w: _integer(r, 3, 60),
    "so_cong_trinh": lambda r, w: _integer(r, 5, 120),
    "so_ho": lambda r, w: _integer(r, 20, 900),
    "so_suat": lambda r, w: _integer(r, 10, 500),
    "so_dai_bieu": lambda r, w: _integer(r, 40, 300),
    "so_nguoi": lambda r, w: _integer(r, 1_000, 25_000),
    "phan_tram": lambda r, w: _decimal(r, 5, 95),
    "tang_trieu": lambda r, w: _millions(_decimal(r, 0.1, 6)[1]),
    "trieu_usd": lambda r, w: _millions(_decimal(r, 0.5, 20)[1]),
    "ty_dong": lambda r, w: _scaled(_decimal(r, 1, 150), 1e9),
    "trieu_dong": lambda r, w: _scaled(_integer(r, 50, 950), 1e6),
    "usd_nho": lambda r, w: _cents(r, 5_000, 900_000),
    "phan_so": lambda r, w: _share(r),
}


_FIELD = re.compile(r"\{(\w+?)(\d?)\}")


def fill(template: str, rng: random.Random, place: Place, headline: ProvinceYear) -> SyntheticPassage:
    """One paragraph from a template: fields filled in order, figures recorded as they are drawn."""
    year = headline.year
    sectors = rng.sample(SECTORS, 3)
    plain = {
        "tinh": place.full, "Ten": place.short, "cap": place.level, "nam": str(year),
        "nam_truoc": str(year - 1), "nam_sau": str(year + 1), "nam_dau": str(year - rng.randint(3, 8)),
        "ngay": str(rng.randint(1, 28)), "thang": str(rng.randint(1, 12)), "to_chuc": rng.choice(_organisations()),
        "linh_vuc": sectors[0], "linh_vuc2": sectors[1], "linh_vuc3": sectors[2],
    }  # fmt: skip
    figures: list[Figure] = []

    def value_of(m: re.Match[str]) -> str:
        key = m.group(1) + m.group(2)
        if key in plain:
            return plain[key]
        written, value = _FIGURES[m.group(1)](rng, headline)
        figures.append(Figure(written, value))
        return written

    text = _FIELD.sub(value_of, template)
    return SyntheticPassage(text, tuple(figures), TEMPLATES.index(template))


def _document(rng: random.Random, seed: int, number: int, n_paragraphs: int) -> SyntheticDocument:
    place = rng.choice(places())
    year = rng.randint(*YEARS)
    headline = province_year(seed, place.name, year)
    title = rng.choice(TITLES).format(tinh=place.full, Ten=place.short, nam=year)
    day, month, hour, minute = rng.randint(1, 28), rng.randint(1, 12), rng.randint(7, 17), rng.choice((0, 15, 30, 45))
    published = f"{day:02d}-{month:02d}-{year + 1} {hour:02d}:{minute:02d}"  # reports come out the year after
    # Each pattern at most once per document: the pipeline drops repeated paragraphs, and a
    # pattern without figures would repeat word for word.
    templates = rng.sample(TEMPLATES, n_paragraphs)
    paragraphs = tuple(fill(t, rng, place, headline) for t in templates)
    name = f"synthetic_{seed}_{number:06d}.txt"
    return SyntheticDocument(name, seed, title, published, place.name, year, paragraphs)


def iter_corpus(n_passages: int, seed: int = 0) -> Iterator[SyntheticDocument]:
    """Documents holding ``n_passages`` passages in total (one more when ``n_passages`` is 1)."""
    rng = random.Random(seed)
    remaining, number = n_passages, 0
    low, high = PARAGRAPHS_PER_DOCUMENT
    while remaining > 0:
        n_paragraphs = rng.randint(low, high)
        if remaining - (n_paragraphs + 1) < 2:  # too little left for one more document: end here
            n_paragraphs = max(1, min(remaining - 1, len(TEMPLATES)))
        doc = _document(rng, seed, number, n_paragraphs)
        remaining -= doc.n_passages
        number += 1
        yield doc


def generate_corpus(n_passages: int, seed: int = 0) -> list[SyntheticDocument]:
    """The synthetic corpus of about ``n_passages`` passages for ``seed`` (see :func:`iter_corpus`)."""
    return list(iter_corpus(n_passages, seed))


def prepare(doc: SyntheticDocument) -> Document:
    """The ingestion-ready document, made by the project's pipeline as for a file on disk."""
    return prepare_document(doc.text.encode("utf-8"), doc.name, source=f"synthetic/{doc.name}")


def write_corpus(docs: list[SyntheticDocument], folder: Path) -> list[Path]:
    """Write each document as a UTF-8 ``.txt`` file in ``folder``; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for doc in docs:
        path = folder / doc.name
        path.write_text(doc.text, encoding="utf-8")
        paths.append(path)
    return paths


# Questions on the headline figures, as a user would type them: (pattern, the figure field whose
# template states the answer, headline field, unit words the answer carries).
_QUESTIONS = (
    ("{Ten} giải ngân bao nhiêu vốn viện trợ PCPNN trong năm {nam}?", "giai_ngan", "disbursed_usd", "USD"),
    ("Năm {nam} {tinh} có bao nhiêu chương trình, dự án PCPNN đang triển khai?", "so_du_an", "projects",
     "chương trình, dự án"),
    ("Có bao nhiêu tổ chức PCPNN hoạt động tại {tinh} năm {nam}?", "so_to_chuc", "organisations", "tổ chức PCPNN"),
    ("Tỷ lệ giải ngân viện trợ PCPNN của {tinh} năm {nam} là bao nhiêu?", "ty_le", "disbursement_rate", "%"),
)  # fmt: skip


def _template_with(field: str) -> int:
    return next(i for i, t in enumerate(TEMPLATES) if "{" + field + "}" in t)


def synthetic_questions(docs: list[SyntheticDocument], count: int, seed: int = 0) -> list[SyntheticQuestion]:
    """Up to ``count`` distinct questions on headline figures the corpus states, each with its one
    answer (every document stating a headline figure states the same one)."""
    by_name = {p.name: p for p in places()}
    stated: dict[tuple[int, str, int], SyntheticDocument] = {}
    for doc in docs:
        templates = {p.template for p in doc.paragraphs}
        for q, (_, figure_field, _, _) in enumerate(_QUESTIONS):
            if _template_with(figure_field) in templates:
                stated.setdefault((q, doc.province, doc.year), doc)
    rng = random.Random(f"questions:{seed}")
    chosen = rng.sample(sorted(stated), min(count, len(stated)))
    questions = []
    for q, province, year in chosen:
        pattern, _, field, unit = _QUESTIONS[q]
        place = by_name[province]
        headline = province_year(stated[q, province, year].seed, province, year)
        value = float(getattr(headline, field))
        written = format_number_vi(value, 2 if field == "disbursed_usd" else None)
        answer = f"{written}%" if unit == "%" else f"{written} {unit}"
        question = pattern.format(Ten=place.short, tinh=place.full, nam=year)
        questions.append(SyntheticQuestion(question, answer, value, province, year))
    return questions
