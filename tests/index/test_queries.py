from __future__ import annotations

from index.queries import sub_queries


def test_listed_years_become_one_query_each():
    subs = sub_queries("So sánh giá trị giải ngân các năm 2019, 2020 và 2023")
    assert subs == [
        "So sánh giá trị giải ngân các năm 2019",
        "So sánh giá trị giải ngân các năm 2020",
        "So sánh giá trị giải ngân các năm 2023",
    ]


def test_listed_provinces_become_one_query_each():
    subs = sub_queries("Giải ngân của Quảng Trị, Hòa Bình và Bắc Kạn năm 2023")
    assert subs == [
        "Giải ngân của Quảng Trị năm 2023",
        "Giải ngân của Hòa Bình năm 2023",
        "Giải ngân của Bắc Kạn năm 2023",
    ]


def test_without_diacritics_and_in_english():
    assert sub_queries("so sanh 2019 va 2020") == ["so sanh 2019", "so sanh 2020"]
    assert sub_queries("disbursement in 2019 and 2020") == ["disbursement in 2019", "disbursement in 2020"]


def test_ranges_dates_and_single_items_are_not_split():
    assert sub_queries("Giai đoạn 2015 - 2023, ChildFund tài trợ bao nhiêu dự án?") == []
    assert sub_queries("từ năm 2019 đến 2023") == []
    assert sub_queries("Từ 16/11/2023 đến 15/12/2024 Quảng Trị vận động được bao nhiêu?") == []
    assert sub_queries("Quảng Trị giải ngân bao nhiêu năm 2023?") == []
