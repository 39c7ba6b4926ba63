"""Event dates from the evidence sentence, resolved against the published date."""

from __future__ import annotations

import datetime
import re

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    "січ": 1, "лют": 2, "берез": 3, "квіт": 4, "трав": 5, "черв": 6, "лип": 7, "серп": 8,
    "верес": 9, "жовт": 10, "листоп": 11, "груд": 12,
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7,
    "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "понеділ": 0, "вівтор": 1, "серед": 2, "середу": 2, "четвер": 3,
    "п'ятниц": 4, "субот": 5, "неділ": 6, "понедельник": 0, "вторник": 1, "сред": 2,
    "четверг": 3, "пятниц": 4, "суббот": 5, "воскресень": 6,
}  # fmt: skip

_MONTH_DAY = re.compile(
    r"(?i)\b(?P<m>jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s+(?P<d>\d{1,2})\b"
    r"|\b(?P<d2>\d{1,2})\s+(?P<m2>січ|лют|берез|квіт|трав|черв|лип|серп|верес|жовт|листоп|груд|"
    r"январ|феврал|март|апрел|ма|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-яіїє]*\b"
)
_WEEKDAY = re.compile(
    r"(?i)\b(?:on\s+)?(?P<w>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|(?:^|\s)(?:в|у)\s+(?P<w2>понеділ|вівтор|середу|четвер|п'ятниц|субот|неділ|понедельник|"
    r"вторник|сред|четверг|пятниц|суббот|воскресень)[а-яіїє']*"
)
_LAST_WEEK = re.compile(r"(?i)\b(?:last week|минулого тижня|на минулому тижні|на прошлой неделе)\b")
_THIS_WEEK = re.compile(r"(?i)\b(?:this week|цього тижня|на этой неделе|за последнюю неделю)\b")
_LAST_MONTH = re.compile(r"(?i)\b(?:last month|минулого місяця|в прошлом месяце)\b")
_THIS_MONTH = re.compile(r"(?i)\b(?:this month|earlier this month|цього місяця|в этом месяце)\b")
_YESTERDAY = re.compile(r"(?i)\b(?:yesterday|overnight|учора|вчора|вчера|накануне|напередодні)\b")
_TODAY = re.compile(r"(?i)\b(?:today|сьогодні|сегодня)\b")
_YEAR = re.compile(r"\b(?:in\s+|у\s+|в\s+)(?P<y>(?:19|20)\d\d)\b")


def resolve_date(
    sentence: str, published: datetime.date | None
) -> tuple[datetime.date | None, str | None]:
    """(date, precision) for the first time expression in ``sentence``."""
    m = _YEAR.search(sentence)
    if m and (published is None or int(m.group("y")) != published.year):
        return datetime.date(int(m.group("y")), 1, 1), "year"
    if published is None:
        return None, None
    m = _MONTH_DAY.search(sentence)
    if m:
        key = (m.group("m") or m.group("m2") or "").lower()
        month = _MONTHS.get(key[:3]) or _MONTHS.get(key)
        day = int(m.group("d") or m.group("d2"))
        if month and 1 <= day <= 31:
            year = published.year - (1 if month > published.month + 1 else 0)
            try:
                return datetime.date(year, month, day), "day"
            except ValueError:
                pass
    m = _WEEKDAY.search(sentence)
    if m:
        word = (m.group("w") or m.group("w2") or "").lower()
        wd = next((v for k, v in _WEEKDAYS.items() if word.startswith(k)), None)
        if wd is not None:
            delta = (published.weekday() - wd) % 7
            return published - datetime.timedelta(days=delta), "day"
    if _YESTERDAY.search(sentence):
        return published - datetime.timedelta(days=1), "day"
    if _TODAY.search(sentence):
        return published, "day"
    if _LAST_WEEK.search(sentence):
        return published - datetime.timedelta(days=7), "week"
    if _THIS_WEEK.search(sentence):
        return published, "week"
    if _LAST_MONTH.search(sentence):
        first = published.replace(day=1) - datetime.timedelta(days=1)
        return first.replace(day=1), "month"
    if _THIS_MONTH.search(sentence):
        return published.replace(day=1), "month"
    return None, None
