"""Text addressed to an AI assistant rather than to a reader: prompt injection hidden in a document.

Reports on aid work state facts; they do not tell the reader to ignore instructions, to answer in a
given way or to act as a chatbot. A document that does was written (or tampered with) to steer an
assistant, so the answerer sets the whole document aside: its other sentences may carry the fake
figures the instruction is there to promote.

The patterns are matched on folded, lower-cased text (diacritics removed), so they catch the
instruction typed with or without accents. They need an instruction verb *and* its object (ignore +
instructions, answer + "that", you are + assistant...), which ordinary report prose does not
combine; the tests check that none of the shared corpus matches.
"""

from __future__ import annotations

import re
import unicodedata

from vntext.vietnamese import fold

_VI = [
    # "bỏ qua / quên / phớt lờ (mọi / tất cả / các) hướng dẫn / chỉ dẫn / lệnh / yêu cầu (trước đó / ở trên)"
    r"\b(bo qua|quen|quen di|phot lo|khong tuan theo|dung tuan theo|vo hieu hoa)\s+(het\s+|moi\s+|tat ca\s+|cac\s+|nhung\s+|toan bo\s+)*"
    r"(cac\s+|nhung\s+)?(huong dan|chi dan|chi thi|lenh|cau lenh|yeu cau|quy tac|nguyen tac)\b",
    # "(hãy) trả lời / nói / khẳng định rằng ..." addressed to the assistant
    r"\b(hay|ban phai|phai|bat buoc)\s+(tra loi|noi|khang dinh|viet|bao cao)\s+(rang|la)\b",
    r"\b(tro ly|chatbot|mo hinh ngon ngu|he thong ai|tri tue nhan tao)\s+(phai|hay|can|duoc yeu cau)\s+(tra loi|noi|bo qua)\b",
    r"\b(ban la|tu gio ban la|hay dong vai)\s+(mot\s+)?(tro ly|chatbot|ai|mo hinh)\b",
    r"\b(loi nhac he thong|chi dan he thong|system prompt)\b",
]
_EN = [
    r"\b(ignore|disregard|forget|override|bypass)\s+(all\s+|any\s+|every\s+|the\s+|your\s+|of\s+)*"
    r"((previous|prior|earlier|above|preceding|former|system|original)\s+(instructions?|prompts?|rules|directions|guidelines)"
    r"|instructions|prompts?)\b",
    r"\b(you must|you should|always|please)\s+(answer|reply|respond|say|state)\s+(that|with)\b",
    r"\b(you are now|act as|pretend to be|from now on you are)\s+(an?\s+)?(ai|assistant|chatbot|language model|dan)\b",
    r"\b(system prompt|developer message|jailbreak)\b",
    r"\bas an ai (language )?model\b",
]
# markup that only makes sense to a model reading a prompt
_MARKUP = [r"</?\s*(passages?|system|instructions?)\b[^>]*>", r"\[/?inst\]", r"<\|(im_start|im_end|system|user|assistant)\|>"]

_PATTERN = re.compile("|".join(f"(?:{p})" for p in _VI + _EN + _MARKUP))


def _normalised(text: str) -> str:
    # NFC so fold() sees precomposed letters; format characters (zero-width, direction marks) are
    # dropped so they cannot split a phrase the patterns look for
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return re.sub(r"\s+", " ", fold(text).lower())


def instruction_in(text: str) -> str | None:
    """The first phrase of ``text`` that addresses an AI assistant (as it appears, folded), or None."""
    match = _PATTERN.search(_normalised(text))
    return match.group(0) if match else None


def is_instruction(text: str) -> bool:
    """Whether ``text`` holds an instruction addressed to an AI assistant."""
    return instruction_in(text) is not None
