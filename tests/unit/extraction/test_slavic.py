"""Ukrainian and Russian patterns (sentences written for these tests)."""

from tests.unit.extraction.helpers import one, pairs, run


def test_uk_active_with_inflected_places() -> None:
    r = one(
        "Російське командування перекинуло 810-ту бригаду морської піхоти з Херсонської "
        "області до Курської області, повідомив речник Сил оборони півдня."
    )
    assert (r.origin, r.destination) == ("Херсонської області", "Курської області")
    assert r.origin_place is not None and r.origin_place.name == "Kherson Oblast"
    assert r.destination_place is not None and r.destination_place.name == "Kursk Oblast"
    assert r.unit_normalized == "810th Brigade"
    assert r.source == "речник Сил оборони півдня"
    assert r.language == "uk"


def test_uk_two_clauses_and_pronoun_object() -> None:
    r = one(
        "За словами речника, противник виводить частину підрозділів з Куп'янського напрямку "
        "та перекидає їх у район Бєлгорода."
    )
    assert (r.origin, r.destination) == ("Куп'янського напрямку", "район Бєлгорода")
    assert r.unit == "частину підрозділів"


def test_uk_denial_and_plan() -> None:
    assert one("Ворог не перекидав війська з Покровського напрямку, заявив Генштаб.").status == (
        "denied"
    )
    planned = one(
        "Білорусь планує перекинути два батальйони до кордону з Україною, пише видання "
        "«Дзеркало тижня»."
    )
    assert planned.status == "planned"
    assert planned.destination == "кордону з Україною"
    assert planned.outlet == "«Дзеркало тижня»"


def test_uk_coordinated_origins() -> None:
    records = run("Росія перекидає резерви з Криму та з Херсонщини на Запорізький напрямок.")
    assert pairs(records) == {
        ("Криму", "Запорізький напрямок"),
        ("Херсонщини", "Запорізький напрямок"),
    }


def test_uk_elliptic_adjective_destination() -> None:
    r = one("Противник перекидає частину сил з Херсонського напрямку на Запорізький.")
    assert r.destination == "Запорізький"
    assert r.destination_place is not None and r.destination_place.kind == "front_direction"


def test_ru_passive_participle_and_elliptic_region() -> None:
    r = one(
        "Минобороны России сообщило, что подразделения 20-й армии переброшены из Белгородской "
        "области в Курскую."
    )
    assert (r.origin, r.destination) == ("Белгородской области", "Курскую")
    assert r.destination_place is not None and r.destination_place.name == "Kursk Oblast"
    assert r.unit_normalized == "20th Army"
    assert r.source == "Минобороны России"


def test_ru_nominalisation_and_outlet() -> None:
    r = one("Переброска 76-й дивизии из Пскова в Запорожскую область завершена, сообщает ТАСС.")
    assert r.unit == "76-й дивизии"
    assert r.origin_place is not None and r.origin_place.name == "Pskov"
    assert r.outlet == "ТАСС"


def test_ru_withdraw_then_concentrate() -> None:
    r = one(
        "По данным разведки, противник отводит войска с правого берега Днепра и стягивает их "
        "к Мелитополю."
    )
    assert (r.origin, r.destination) == ("правого берега Днепра", "Мелитополю")
    assert r.source == "разведки"


def test_ru_no_movement() -> None:
    assert (
        run(
            "Российские войска нанесли удар по Харькову. В Приднестровье размещены около 1500 "
            "российских военных."
        )
        == []
    )


def test_ru_future_negated_is_denied() -> None:
    r = one("Министр обороны заявил, что войска не будут выводиться из Калининградской области.")
    assert r.status == "denied" and r.destination is None
    assert r.origin_place is not None and r.origin_place.name == "Kaliningrad Oblast"


def test_headline_dash_attribution() -> None:
    r = one("Росія перекидає війська з Криму на Херсонський напрямок — Петренко")
    assert r.source == "Петренко"


def test_from_near_and_enemy_as_fallback_unit() -> None:
    r = one(
        "Окупанти перекинули на Покровський напрямок дві бригади з-під Вугледара, заявив "
        "речник угруповання."
    )
    assert (r.origin, r.destination, r.unit) == ("Вугледара", "Покровський напрямок", "дві бригади")
    enemy = one("Противник відступив з Кринок на лівий берег Дніпра.")
    assert enemy.unit == "Противник"
    assert enemy.destination_place is not None and enemy.destination_place.kind == "riverbank"


def test_intro_attribution_is_not_a_destination() -> None:
    r = one("Як повідомили в ГУР, Росія стягує до кордону з Харківщиною 50 тисяч військових.")
    assert r.destination == "кордону з Харківщиною"
    assert r.source == "ГУР"


def test_units_named_by_their_military_district() -> None:
    records = run(
        "Провоенные каналы пишут, что в Курскую область перебрасываются резервы с юга, а также "
        "части Южного военного округа."
    )
    assert pairs(records) == {
        ("юга", "Курскую область"),
        ("Южного военного округа", "Курскую область"),
    }


def test_ru_quote_speaker_and_pronoun_attribution() -> None:
    records = run(
        "Командующий группировкой Иван Сидоров выступил на брифинге. «Мы выводим батальоны "
        "из Херсона на левый берег», — сказал Сидоров. По его словам, отвод продлится неделю."
    )
    assert [(r.origin, r.destination, r.source) for r in records] == [
        ("Херсона", "левый берег", "Сидоров")
    ]


def test_two_adjectives_sharing_a_plural_head() -> None:
    records = run("Росія перекидає підрозділи з Херсонського та Запорізького напрямків на Курщину.")
    assert pairs(records) == {
        ("Херсонського напрямку", "Курщину"),
        ("Запорізького напрямку", "Курщину"),
    }
    kinds = {r.origin_place.kind for r in records if r.origin_place is not None}
    assert kinds == {"front_direction"}
