"""English frames, one construction per test (sentences written for these tests)."""

from tests.unit.extraction.helpers import one, pairs, run


def test_active_voice_with_source_and_date() -> None:
    r = one(
        "The army has transferred the 47th Mechanized Brigade from Zaporizhzhia to the "
        "Pokrovsk direction, a military spokesman said on Tuesday."
    )
    assert (r.origin, r.destination) == ("Zaporizhzhia", "the Pokrovsk direction")
    assert r.unit == "the 47th Mechanized Brigade"
    assert (r.unit_normalized, r.unit_echelon) == ("47th Mechanized Brigade", "brigade")
    assert r.source == "a military spokesman"
    assert r.status == "reported"
    assert r.destination_place is not None and r.destination_place.kind == "front_direction"
    assert str(r.event_date) == "2025-03-11" and r.date_precision == "day"
    assert 0 < r.confidence < 1 and r.language == "en"


def test_passive_voice_and_according_to() -> None:
    r = one(
        "The 3rd Assault Brigade was moved from the Bakhmut area to the Kharkiv region last "
        "week, according to the General Staff."
    )
    assert (r.origin, r.destination) == ("the Bakhmut area", "the Kharkiv region")
    assert r.source == "the General Staff"
    assert r.date_precision == "week"


def test_nominalisation() -> None:
    r = one(
        "The redeployment of the 155th Marine Brigade from Vuhledar to the Kurakhove "
        "direction was confirmed by officials."
    )
    assert r.unit == "the 155th Marine Brigade"
    assert (r.origin, r.destination) == ("Vuhledar", "the Kurakhove direction")
    assert r.source == "officials"


def test_several_origins_give_one_record_each() -> None:
    records = run(
        "Moscow withdrew several battalions from Kherson, Zaporizhzhia and Crimea to the "
        "Kursk region, Ukrainian intelligence said."
    )
    assert pairs(records) == {
        ("Kherson", "the Kursk region"),
        ("Zaporizhzhia", "the Kursk region"),
        ("Crimea", "the Kursk region"),
    }
    assert {r.side for r in records} == {"Russia"}


def test_origin_and_destination_in_different_clauses() -> None:
    r = one(
        "Belarus pulled two battalions out of the Gomel region, and they were later sent to "
        "Minsk, the monitoring group reported."
    )
    assert (r.origin, r.destination) == ("the Gomel region", "Minsk")
    assert r.unit == "two battalions"


def test_relative_direction() -> None:
    r = one(
        "Russian units are being shifted from the Dnipro River line to the north, the "
        "governor said."
    )
    assert r.destination == "the north" and r.destination_place is None
    assert r.origin_place is not None and r.origin_place.kind == "river"


def test_coreference_to_a_named_unit() -> None:
    records = run(
        "Ukraine moved the 22nd Brigade from Sumy to Kharkiv in May. The brigade was then "
        "sent to the Kupiansk direction, officials said."
    )
    assert pairs(records) == {("Sumy", "Kharkiv"), (None, "the Kupiansk direction")}
    assert {r.unit for r in records} == {"the 22nd Brigade"}


def test_speaker_carried_into_quote() -> None:
    r = one(
        "Olena Kovalenko, a spokeswoman for the Eastern group, spoke on television on Monday. "
        '"The enemy is moving reserves from Belgorod toward Vovchansk," she said.'
    )
    assert (r.origin, r.destination) == ("Belgorod", "Vovchansk")
    assert r.source == "Olena Kovalenko"


def test_headline_and_body_merge() -> None:
    r = one(
        "Russia moves marines from Kaliningrad to Kursk\n\n"
        "Russia has moved marines from Kaliningrad to the Kursk region, a Lithuanian official "
        "said."
    )
    assert r.destination == "the Kursk region"
    assert r.evidence_start > 0
    assert r.source == "a Lithuanian official"


def test_no_movement_no_record() -> None:
    assert (
        run(
            "Russian aircraft struck Kharkiv overnight. About 2,000 troops are stationed in "
            "Transnistria. The brigade held exercises near Brest. Aid agencies will send 200 "
            "trucks of food to Gaza."
        )
        == []
    )


def test_denial_and_plan() -> None:
    denied = one(
        "The defence minister said Russia had not moved any troops from Belarus to the "
        "Ukrainian border."
    )
    assert denied.status == "denied"
    planned = one(
        "North Korea plans to send 3,000 more soldiers to Russia, Seoul's spy agency said."
    )
    assert planned.status == "planned" and planned.quantity == "3,000"
    assert planned.side == "North Korea"


def test_outlet_citing_chain() -> None:
    r = one(
        "The Financial Times, citing two Western officials, reported that Russia transferred "
        "air-defence systems from Syria to Libya."
    )
    assert r.outlet == "The Financial Times"
    assert r.source == "two Western officials"


def test_from_and_toward_attached_to_one_another() -> None:
    r = one("Israeli troops withdrew from the Netzarim corridor toward the border on Sunday.")
    assert (r.origin, r.destination) == ("the Netzarim corridor", "the border")
    assert r.origin_place is not None and r.origin_place.key == "curated:netzarim"


def test_arrive_in_and_object_control() -> None:
    arrived = one("Hundreds of Russian troops have arrived in Belarus, the ministry said.")
    assert arrived.destination == "Belarus"
    ordered = one(
        "The Pentagon ordered 3,000 soldiers to deploy to Poland, a US official told Reuters."
    )
    assert (ordered.unit, ordered.destination, ordered.status) == (
        "3,000 soldiers",
        "Poland",
        "planned",
    )
    assert ordered.outlet == "Reuters"


def test_stacked_pps_and_denial_by_reporting_verb() -> None:
    r = one("Some 600 paratroopers were airlifted into the region from Pskov.")
    assert (r.origin, r.destination) == ("Pskov", "the region")
    assert one("Russia denied that it had sent troops to Venezuela.").status == "denied"


def test_list_of_destinations_and_gapped_objects() -> None:
    assert pairs(run("Russia sent troops to Kursk and Belgorod, the ministry said.")) == {
        (None, "Kursk"),
        (None, "Belgorod"),
    }
    records = run("Kyiv sent the 24th Brigade to Chasiv Yar and the 41st Brigade to Toretsk.")
    assert all(r.destination != "the 41st Brigade" for r in records)


def test_demands_and_purpose_clauses_are_not_movements() -> None:
    assert run("Moldova demanded the withdrawal of Russian troops from Transnistria.") == []
    assert run("Kyiv urged Minsk to pull its units back from the border.") == []
    assert run("The raid was meant to force Moscow to divert forces from Donetsk.") == []


def test_headline_verb_read_as_noun_is_reparsed() -> None:
    r = one("Israel shifts elite division from Gaza to Lebanon border as tensions soar")
    assert (r.origin, r.destination) == ("Gaza", "Lebanon border")


def test_fall_back_and_compass_only_without_a_place() -> None:
    # "new positions" is no place: without an origin nothing is left to record
    assert (
        run("Ukrainian troops fell back to new positions west of the town, the brigade said.") == []
    )
    south = one("Army trucks were streaming out of the city, heading south.")
    assert (south.origin, south.destination) == ("the city", "south")


def test_quote_spanning_sentences_takes_the_speaker_after_it() -> None:
    records = run(
        "Minister Anna Berg spoke in Riga.\n"
        "“Russia is weak here. They had to withdraw their troops from Pskov to Kursk. "
        "We see it,” Anna Berg said."
    )
    assert [(r.origin, r.destination, r.source) for r in records] == [
        ("Pskov", "Kursk", "Anna Berg")
    ]


def test_partitive_units_and_fleets() -> None:
    fleet = one("The Northern Fleet has moved most of its ships from Murmansk to Arkhangelsk.")
    assert (fleet.origin, fleet.destination) == ("Murmansk", "Arkhangelsk")
    army = one(
        "Elements of the 58th Combined Arms Army have redeployed from the Tokmak area to "
        "the Orikhiv direction, analysts said."
    )
    assert army.destination == "the Orikhiv direction"
