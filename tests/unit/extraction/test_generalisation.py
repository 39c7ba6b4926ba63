"""General rules that must hold whatever the article's phrasing (sentences written here)."""

from __future__ import annotations

import pytest

from tests.unit.extraction.helpers import pairs, run


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Russian troops withdrew from Kherson to more favourable positions.", "en",
         {("Kherson", None)}),
        ("Ukrainian units pulled back from Avdiivka to their bases.", "en", {("Avdiivka", None)}),
        ("The brigade was moved to new positions.", "en", set()),
        ("Російські війська відійшли з Кринок на більш вигідні позиції.", "uk",
         {("Кринок", None)}),
        ("Российские войска отошли на новые позиции.", "ru", set()),
        ("Ukraine moved the 47th Mechanized Brigade to the front line.", "en",
         {(None, "the front line")}),
        ("Russian troops withdrew to the north.", "en", {(None, "the north")}),
    ],
)  # fmt: skip
def test_generic_spots_are_not_destinations(
    text: str, lang: str, expected: set[tuple[str | None, str | None]]
) -> None:
    assert pairs(run(text, lang)) == expected


def test_a_located_spot_keeps_its_locating_phrase() -> None:
    records = run(
        "Підрозділи залишили Кринки та відійшли на вигідніші рубежі ближче до кордону.", "uk"
    )
    assert pairs(records) == {("Кринки", "вигідніші рубежі ближче до кордону")}


def test_unanchored_area_is_no_destination() -> None:
    assert run("Two Russian battalions were sent to the area.", "en") == []


def test_inflected_forms_of_one_place_merge_headline_into_body() -> None:
    records = run("Бригада вийшла із Суджі\n\nУкраїнська бригада залишила Суджу в понеділок.", "uk")
    assert len(records) == 1 and records[0].evidence_start > 0


def test_vague_headline_destination_folds_into_the_body() -> None:
    records = run(
        "Russia moves troops to Donetsk towns\n\n"
        "Russia has moved several battalions to Pokrovsk and Kostiantynivka, officials said."
    )
    assert pairs(records) == {(None, "Pokrovsk"), (None, "Kostiantynivka")}
    assert all(r.evidence_start > 0 for r in records)


def test_vague_headline_in_russian_folds_into_the_body() -> None:
    records = run(
        "Армия перебросила батальоны на позиции у Покровска\n\n"
        "Российская армия перебросила два батальона из Белгорода в Покровск.",
        "ru",
    )
    assert all(r.evidence_start > 0 for r in records)
    assert ("Белгорода", "Покровск") in pairs(records)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Some 3,000 soldiers who had been training in the Russian Far East were moved by "
         "train to the Kursk region.", ("the Russian Far East", "the Kursk region")),
        ("Troops previously deployed near Kharkiv have been sent to Pokrovsk.",
         ("Kharkiv", "Pokrovsk")),
        ("Troops stationed in Crimea were redeployed to Zaporizhzhia.",
         ("Crimea", "Zaporizhzhia")),
    ],
)  # fmt: skip
def test_where_a_unit_stood_is_its_origin(text: str, expected: tuple[str, str]) -> None:
    assert pairs(run(text, "en")) == {expected}


def test_gapped_second_unit_is_its_own_movement() -> None:
    records = run("Ukraine sent the 24th Brigade to Chasiv Yar and the 41st to Toretsk.", "en")
    assert {(r.unit, r.destination) for r in records} == {
        ("the 24th Brigade", "Chasiv Yar"),
        ("the 41st", "Toretsk"),
    }
    records = run(
        "Kyiv moved the 3rd Assault Brigade from Avdiivka to Pokrovsk and the 110th from "
        "Marinka to Kurakhove.",
        "en",
    )
    assert pairs(records) == {("Avdiivka", "Pokrovsk"), ("Marinka", "Kurakhove")}
    records = run("Russia sent two battalions to Kursk and three regiments to Belgorod.", "en")
    assert {(r.unit, r.destination) for r in records} == {
        ("two battalions", "Kursk"),
        ("three regiments", "Belgorod"),
    }


def test_coordinated_places_are_not_gapped_units() -> None:
    records = run("Russia moved troops to Kursk and Belgorod from Kherson.", "en")
    assert pairs(records) == {("Kherson", "Kursk"), ("Kherson", "Belgorod")}


def test_shared_head_noun_is_carried_onto_each_english_modifier() -> None:
    records = run("Russia moved troops from the Kherson and Zaporizhzhia directions to Kursk.")
    assert pairs(records) == {("Kherson direction", "Kursk"), ("Zaporizhzhia direction", "Kursk")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Marines were bussed to Kupiansk from Kharkiv.", ("Kharkiv", "Kupiansk")),
        ("Paratroopers were airlifted to Kaliningrad.", (None, "Kaliningrad")),
        ("Reserves were rotated out of Bakhmut to Donetsk.", ("Bakhmut", "Donetsk")),
        ("Fresh battalions were brought in from Crimea.", ("Crimea", None)),
        ("Two brigades arrived in Kursk from Kherson.", ("Kherson", "Kursk")),
        ("The 810th Brigade left Crimea for Kursk.", ("Crimea", "Kursk")),
        ("Russian armour was spotted moving from Belgorod towards Kharkiv.",
         ("Belgorod", "Kharkiv")),
        ("Troops were moved up to Toretsk.", (None, "Toretsk")),
        ("Russian troops were trucked from Melitopol to Tokmak.", ("Melitopol", "Tokmak")),
        ("Moscow shipped two regiments to the south of Ukraine.",
         (None, "the south of Ukraine")),
    ],
)  # fmt: skip
def test_other_movement_verbs(text: str, expected: tuple[str | None, str | None]) -> None:
    assert pairs(run(text, "en")) == {expected}


def test_static_massing_is_no_movement() -> None:
    assert run("Russian forces were massed near Kupiansk.", "en") == []
    assert run("Russian forces are concentrated near Kupiansk.", "en") == []


def test_unit_name_split_by_the_parser_is_completed() -> None:
    records = run(
        "Elements of the Russian 20th Combined Arms Army have been redeployed from Kreminna "
        "to Kupiansk.",
        "en",
    )
    assert [r.unit for r in records] == ["Elements of the Russian 20th Combined Arms Army"]
    assert records[0].unit_normalized == "20th Combined Arms Army"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Войска, ранее находившиеся в Белгородской области, переброшены в Курскую область.",
         "ru", ("Белгородской области", "Курскую область")),
        ("Підрозділи, які раніше стояли під Бахмутом, перекинули на Покровський напрямок.",
         "uk", ("Бахмутом", "Покровський напрямок")),
        ("Бригада, яка раніше воювала на Херсонщині, прибула до Курська.",
         "uk", ("Херсонщині", "Курська")),
    ],
)  # fmt: skip
def test_where_a_slavic_unit_stood_is_its_origin(
    text: str, lang: str, expected: tuple[str, str]
) -> None:
    records = run(text, lang)
    assert pairs(records) == {expected}
    assert all(r.unit for r in records)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Росія перекинула війська з Херсонського та Запорізького напрямків на Курщину.", "uk",
         {("Херсонського напрямку", "Курщину"), ("Запорізького напрямку", "Курщину")}),
        ("Россия перебросила войска с Херсонского и Запорожского направлений в Курскую "
         "область.", "ru",
         {("Херсонского направления", "Курскую область"),
          ("Запорожского направления", "Курскую область")}),
    ],
)  # fmt: skip
def test_shared_head_noun_is_carried_onto_each_adjective(
    text: str, lang: str, expected: set[tuple[str, str]]
) -> None:
    assert pairs(run(text, lang)) == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Десантники прибыли в Курск из Херсона.", "ru", ("Херсона", "Курск")),
        ("Десантники прибули до Курська з Херсона.", "uk", ("Херсона", "Курська")),
        ("Морпехи выдвинулись к Судже из Курска.", "ru", ("Курска", "Судже")),
        ("Морпіхи висунулися до Суджі.", "uk", (None, "Суджі")),
        ("Подразделения ВСУ отведены на более выгодные позиции под Часовым Яром.", "ru",
         (None, "более выгодные позиции под Часовым Яром")),
    ],
)  # fmt: skip
def test_slavic_arrival_and_advance_verbs(
    text: str, lang: str, expected: tuple[str | None, str | None]
) -> None:
    records = run(text, lang)
    assert pairs(records) == {expected}
    assert records[0].unit is not None and " " not in records[0].unit.split("ВСУ")[0].strip()


def test_headline_region_named_again_in_the_body_folds_into_it() -> None:
    records = run(
        "Russia moves troops to Donetsk region\n\n"
        "Russia has moved several battalions to Pokrovsk in the Donetsk region, officials said."
    )
    assert pairs(records) == {(None, "Pokrovsk")}
    assert records[0].evidence_start > 0


def test_headline_about_another_place_stays() -> None:
    records = run(
        "Russia moves troops to Belarus\n\nRussia has moved several battalions to Kursk, "
        "officials said."
    )
    assert pairs(records) == {(None, "Belarus"), (None, "Kursk")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The General Staff said that Russia had begun moving units of the 76th Air Assault "
         "Division out of Zaporizhzhia toward the Kursk border area.",
         ("Zaporizhzhia", "the Kursk border area")),
        ("Having left their positions near Robotyne, the marines were redeployed north to "
         "Kursk.", ("Robotyne", "Kursk")),
        ("After weeks near Vuhledar, the brigade is now being rotated to the rear in Dnipro.",
         (None, "Dnipro")),
        ("Columns of armoured vehicles were seen heading west out of Belgorod on Tuesday.",
         ("Belgorod", "west")),
        ("Wagner fighters left Bakhmut and headed for camps in Belarus.",
         ("Bakhmut", "Belarus")),
    ],
)  # fmt: skip
def test_english_phrasings_seen_in_other_styles(
    text: str, expected: tuple[str | None, str | None]
) -> None:
    records = run(text, "en")
    assert pairs(records) == {expected}
    assert all(r.unit and "moving" not in r.unit and r.unit != "west" for r in records)


def test_slavic_coordinated_names_share_the_preposition_and_units_their_head() -> None:
    records = run("ВСУ перебросили 24-ю и 41-ю бригады с Часова Яра и Торецка под Покровск.", "ru")
    assert pairs(records) == {("Часова Яра", "Покровск"), ("Торецка", "Покровск")}
    assert {r.unit for r in records} == {"24-ю и 41-ю бригады"}


def test_ukrainian_participle_filed_as_adjective_is_a_movement() -> None:
    records = run(
        "47-ма бригада, яка тривалий час утримувала позиції під Авдіївкою, виведена на "
        "відновлення.",
        "uk",
    )
    assert [(r.unit, r.origin, r.destination) for r in records] == [
        ("47-ма бригада", "Авдіївкою", None)
    ]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("ЗСУ перекинули 24-ту бригаду до Часового Яру, а 41-шу — до Торецька.", "uk"),
        ("Армия перебросила 24-ю бригаду в Часов Яр, а 41-ю — в Торецк.", "ru"),
    ],
)
def test_slavic_gapped_second_unit_is_its_own_movement(text: str, lang: str) -> None:
    records = run(text, lang)
    assert len(records) == 2
    first, second = sorted(records, key=lambda r: r.unit or "")
    assert first.unit is not None and first.unit.startswith("24-")
    assert first.destination is not None and first.destination.startswith("Часов")
    assert second.unit is not None and second.unit.startswith("41-")
    assert second.destination is not None and second.destination.startswith("Торецьк"[:5])
    assert all(r.source is None for r in records)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russian troops are on the move toward Zaporizhzhia from Melitopol, Ukrainian "
         "officials said.", ("Melitopol", "Zaporizhzhia")),
        ("Fresh Russian units have poured into the Kursk region from occupied Zaporizhzhia.",
         ("occupied Zaporizhzhia", "the Kursk region")),
        ("North Korean troops have reportedly been moved closer to the front line.",
         (None, "the front line")),
    ],
)  # fmt: skip
def test_more_english_phrasings(text: str, expected: tuple[str | None, str | None]) -> None:
    assert pairs(run(text, "en")) == {expected}


def test_return_to_home_bases_without_origin_is_dropped() -> None:
    text = "Минобороны России заявило, что войска возвращаются в места постоянной дислокации."
    assert run(text, "ru") == []


def test_three_adjectives_share_one_head() -> None:
    records = run(
        "Россия стягивает войска на Запорожское, Херсонское и Донецкое направления.", "ru"
    )
    assert {r.destination for r in records} == {
        "Запорожское направление",
        "Херсонское направление",
        "Донецкое направление",
    }


def test_a_date_in_a_relative_clause_is_no_origin() -> None:
    records = run("The brigade, which returned from Bakhmut in May, will be sent to Toretsk.", "en")
    assert all(r.origin != "May" for r in records)
    assert {r.destination for r in records} == {"Toretsk"}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Russia has concentrated troops near Kupiansk.", "en"),
        ("Thousands of civilians fled from Pokrovsk to Dnipro.", "en"),
        ("Війська РФ, що воюють під Покровськом, не отримують поповнення.", "uk"),
    ],
)
def test_static_or_civilian_sentences_give_nothing(text: str, lang: str) -> None:
    assert run(text, lang) == []


def test_headline_to_villages_near_a_town_folds_into_the_body() -> None:
    records = run(
        "Ukraine pulls troops back to villages near Kupiansk\n\n"
        "The Ukrainian army moved two brigades to Petropavlivka, officials said."
    )
    assert pairs(records) == {(None, "Petropavlivka")}


def test_headline_of_another_side_stays() -> None:
    records = run(
        "Ukraine pulls troops back to villages near Kupiansk\n\n"
        "The Russian army moved two regiments to Svatove."
    )
    assert pairs(records) == {(None, "Kupiansk"), (None, "Svatove")}


def test_ukrainian_headline_about_towns_folds_into_the_body() -> None:
    records = run(
        "Росія перекидає війська до міст Донеччини\n\n"
        "Російське командування перекинуло два полки до Покровська та Костянтинівки.",
        "uk",
    )
    assert {r.destination for r in records} == {"Покровська", "Костянтинівки"}
    assert all(r.evidence_start > 0 for r in records)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("A train carrying Russian tanks bound for Crimea was spotted near Rostov.", "en",
         (None, "Crimea")),
        ("Ukraine has reinforced Pokrovsk with troops drawn from the Kharkiv front.", "en",
         ("the Kharkiv front", "Pokrovsk")),
        ("Рф перекинула на Курщину північнокорейських військових з Далекого Сходу.", "uk",
         ("Далекого Сходу", "Курщину")),
        ("Военные из Бурятии прибыли под Курск, сообщает «Медиазона».", "ru",
         ("Бурятии", "Курск")),
    ],
)  # fmt: skip
def test_objects_and_verbs_do_not_leak_into_places(
    text: str, lang: str, expected: tuple[str | None, str | None]
) -> None:
    records = run(text, lang)
    assert pairs(records) == {expected}
    assert all(r.unit for r in records)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Росія перекидає війська на південь України.", "uk", (None, "південь України")),
        ("Российские войска отошли на север.", "ru", (None, "север")),
        ("ЗСУ відвели бригаду на нові позиції біля Покровська.", "uk",
         (None, "нові позиції біля Покровська")),
        ("The brigade withdrew to more defensible positions outside Pokrovsk.", "en",
         (None, "Pokrovsk")),
    ],
)  # fmt: skip
def test_compass_points_and_located_positions_are_places(
    text: str, lang: str, expected: tuple[str | None, str | None]
) -> None:
    assert pairs(run(text, lang)) == {expected}


def test_the_area_takes_its_antecedent_or_nothing() -> None:
    assert run("Ukrainian troops were moved to the area.", "en") == []
    records = run("Russia moved troops to Kursk.\n\nMore units were sent to the area on Monday.")
    assert {r.destination for r in records} == {"Kursk"}
