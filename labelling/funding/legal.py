"""The finance law of each year, as a funding decision cites it (« Vu la loi … de finances pour
2024 »). A year not listed is cited by its title only, never with a guessed number."""

FINANCE_LAWS = {
    2016: "la loi n° 2015-1785 du 29 décembre 2015 de finances pour 2016",
    2017: "la loi n° 2016-1917 du 29 décembre 2016 de finances pour 2017",
    2018: "la loi n° 2017-1837 du 30 décembre 2017 de finances pour 2018",
    2019: "la loi n° 2018-1317 du 28 décembre 2018 de finances pour 2019",
    2020: "la loi n° 2019-1479 du 28 décembre 2019 de finances pour 2020",
    2021: "la loi n° 2020-1721 du 29 décembre 2020 de finances pour 2021",
    2022: "la loi n° 2021-1900 du 30 décembre 2021 de finances pour 2022",
    2023: "la loi n° 2022-1726 du 30 décembre 2022 de finances pour 2023",
    2024: "la loi n° 2023-1322 du 29 décembre 2023 de finances pour 2024",
    2025: "la loi n° 2025-127 du 14 février 2025 de finances pour 2025",
}


def finance_law(year: int) -> str:
    return FINANCE_LAWS.get(year, f"la loi de finances pour {year}")
