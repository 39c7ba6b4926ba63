from app.extraction.segment import MAX_SENTENCE_CHARS, split_sentences


def test_offsets_point_into_the_text() -> None:
    text = "Headline here\n\nMaj. Gen. Ivan Petrenko said on Oct. 3 the unit left. It went north!"
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "Headline here",
        "Maj. Gen. Ivan Petrenko said on Oct. 3 the unit left.",
        "It went north!",
    ]
    for s in sents:
        assert text[s.start : s.end] == s.text
    assert sents[0].paragraph == 0
    assert sents[1].paragraph == sents[2].paragraph == 1


def test_long_runs_are_cut() -> None:
    text = "word " * 5000
    sents = split_sentences(text)
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in sents)
    assert sum(len(s.text.split()) for s in sents) == 5000
