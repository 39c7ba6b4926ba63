"""Boilerplate removal for plain text: the lines a page or newsletter adds around the report.

General rules, not site templates: a short line that asks the reader to subscribe, donate,
share or follow, a photo or image credit, a "read also" teaser or a copyright notice is
dropped; trailing runs of such lines are dropped as a block. English, Ukrainian and Russian
cues are recognised. Long paragraphs are never dropped, whatever words they contain.
"""

from __future__ import annotations

import re

# A paragraph longer than this is prose, even if it mentions a newsletter.
_MAX_CHROME_CHARS = 240

# Calls to action that never occur in a news report: dropped wherever they stand.
_STRONG_CUES = [
    r"subscribe (?:to|for|now|here|today)",
    r"sign up (?:for|to) (?:our|the)",
    r"(?:our|the|a free|daily|weekly) newsletter",
    r"follow us\b",
    r"join (?:us|our \w+) on",
    r"support (?:our|independent) (?:journalism|newsroom|reporting|work)",
    r"become a (?:patron|member|supporter)",
    r"patreon",
    r"buy me a coffee",
    r"підпишіться",
    r"підписуйте?с[ья]",
    r"підтримайте",
    r"задонат\w*",
    r"стежте за нами",
    r"приєднуйтесь",
    r"подпишитесь",
    r"подписывайтесь",
    r"поддержите",
    r"следите за нами",
    r"присоединяйтесь",
    r"пожертвуйте",
    r"^share (?:this|on|via|the)\b",
    r"^поділит\w*",
    r"^поделит\w*",
    r"^read (?:also|more|next)\b",
    r"^see also\b",
    r"^читайте (?:також|также|тоже)",
    r"^дивіться також",
    r"^смотрите также",
    r"all rights reserved",
    r"усі права захищені",
    r"все права защищены",
]
# Words that can be news ("Germany donated tanks") but at the very end of a text, in a
# short line, are the page's appeal: dropped only in the trailing block.
_TRAILING_CUES = [
    r"^(?:please )?donate\b",
    r"\bdonate (?:now|today|here|online|to us)",
    r"(?:make|your) (?:a )?donation",
    r"newsletter",
    r"^subscri\w+",
    r"\b(?:our|on) (?:telegram|whatsapp|viber|youtube)",
    r"(?:наш\w*|нашому|нашем) (?:telegram|телеграм|youtube|ютуб)",
    r"розсилк\w*",
    r"рассылк\w*",
    r"^донат\w*",
    r"підтрима\w* (?:нас|редакці\w*|проєкт\w*|журналіст\w*)",
    r"поддерж\w* (?:нас|редакци\w*|проект\w*|журналист\w*)",
    r"^пожертв\w*",
    r"^share\b",
    r"^tweet\b",
    r"^©",
    r"^\(c\)\s",
    r"^copyright\b",
]

_STRONG = re.compile("|".join(f"(?:{cue})" for cue in _STRONG_CUES), re.IGNORECASE)
_TRAILING = re.compile("|".join(f"(?:{cue})" for cue in _TRAILING_CUES), re.IGNORECASE)

# "Photo: Reuters", "Фото: ЗСУ", "Image credit - AP", "Illustrative photo / Getty Images".
_CREDIT = re.compile(
    r"^(?:photo(?:graph)?s?|image|picture|illustration|illustrative (?:photo|image)|"
    r"cover photo|header image|credit|фото\w*|світлин\w*|ілюстрат\w*|зображення|изображение|"
    r"иллюстрац\w*|колаж|коллаж)"
    r"(?:\s+(?:by|credit|від|от))?\s*(?:[:：/|—–-]|$)",
    re.IGNORECASE,
)
_AGENCY_CREDIT = re.compile(
    r"^[\w .,'-]{0,60}/\s*(?:reuters|ap|afp|getty images|epa|anadolu|tass|ria novosti|"
    r"укрінформ|ukrinform|рбк-україна)\s*$",
    re.IGNORECASE,
)
# A line made only of network names: what share-button rows become as text.
_SOCIAL = re.compile(
    r"^(?:(?:facebook|twitter|x|telegram|whatsapp|viber|linkedin|reddit|email|e-mail|"
    r"copy link|print|vk|вконтакте|ok|одноклассники|youtube|instagram|tiktok)[\s,|·•/]*)+$",
    re.IGNORECASE,
)


def _short(line: str) -> str | None:
    stripped = line.strip().strip("*_#>-•· ").strip()
    if not stripped or len(stripped) > _MAX_CHROME_CHARS:
        return None
    return stripped


def is_chrome(line: str) -> bool:
    """True for a short line that belongs to the page around an article, wherever it stands."""
    stripped = _short(line)
    if stripped is None:
        return False
    return bool(
        _CREDIT.match(stripped)
        or _AGENCY_CREDIT.match(stripped)
        or _SOCIAL.match(stripped)
        or _STRONG.search(stripped)
    )


def is_trailing_chrome(line: str) -> bool:
    """True for a line that is chrome when it ends a text (the looser, trailing-only rules)."""
    stripped = _short(line)
    return stripped is not None and (is_chrome(line) or bool(_TRAILING.search(stripped)))


def strip_boilerplate(text: str) -> str:
    """Drop chrome lines anywhere, and the run of appeal lines at the end of ``text``."""
    lines = [line.rstrip() for line in text.split("\n") if not is_chrome(line)]
    while lines and (not lines[-1].strip() or is_trailing_chrome(lines[-1])):
        lines.pop()
    cleaned = "\n".join(lines)
    # Removing lines leaves runs of blank lines; keep at most one between paragraphs.
    cleaned = re.sub(r"\n{3,}", "\n\n", cleaned)
    return cleaned.strip()
