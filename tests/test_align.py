"""The alignment policy of text-anchored spans (metrics page, section 2.5)."""

import pytest

from benchmark.align import Aligned, Aligner, DocumentIndex, Request, normalize

TEXT = "Russia’s envoy met the Russian envoy. “We  will talk,” said Russia\u00a0Today. RUSSIA left."


def at(piece: str, nth: int = 1) -> tuple[int, int]:
    """Offsets of the nth copy of ``piece`` in TEXT, found by code, not by counting."""
    start = -1
    for _ in range(nth):
        start = TEXT.index(piece, start + 1)
    return (start, start + len(piece))


RUSSIA_1, RUSSIA_2, RUSSIA_CAPS = at("Russia’s")[0], at("Russia\u00a0")[0], at("RUSSIA")[0]
R1, R2, R3 = (RUSSIA_1, RUSSIA_1 + 6), (RUSSIA_2, RUSSIA_2 + 6), (RUSSIA_CAPS, RUSSIA_CAPS + 6)


def spans(index, text, tier):
    return index.occurrences(text, tier)


def test_an_occurrence_sits_on_token_edges():
    index = DocumentIndex(TEXT)
    # "Russia" in "Russia’s" (a clitic follows) counts, "Russia" in "Russian" does not.
    assert spans(index, "Russia", "exact") == [R1, R2]
    assert at("Russian")[0] not in {R1[0], R2[0]}
    assert spans(index, "ussia", "exact") == []


def test_each_tier_finds_what_the_one_before_it_cannot():
    index = DocumentIndex(TEXT)
    # Straight apostrophe against the text's curly one: normalized, not exact.
    assert spans(index, "Russia's", "exact") == []
    assert spans(index, "Russia's", "normalized") == [at("Russia’s")]
    # Straight quote and a single space against the curly quote and two spaces.
    assert spans(index, '"We will talk', "exact") == []
    assert spans(index, '"We will talk', "normalized") == [at("“We  will talk")]
    # U+00A0 against a plain space.
    assert spans(index, "Russia Today", "exact") == []
    assert spans(index, "Russia Today", "normalized") == [at("Russia\u00a0Today")]
    # Case: only the casefold tier.
    assert spans(index, "russia", "normalized") == []
    assert spans(index, "russia", "casefold") == [R1, R2, R3]


def test_normalize_makes_dashes_quotes_and_spaces_alike():
    assert normalize("\u201cde\u2013escalate\u201d\u00a0 now ") == '"de-escalate" now'
    assert normalize("Ｎａｔｏ") == "Nato"  # NFKC: full-width letters
    assert normalize("NATO", casefold=True) == "nato"


def test_independent_spans_take_the_earliest_free_occurrence_in_order():
    aligner = Aligner(DocumentIndex(TEXT))
    got = aligner.independent("entities", [Request("Russia"), Request("Russia"), Request("Russia")])
    # Two exact occurrences, then the third falls through to the casefold tier.
    assert got == [Aligned(*R1, "exact"), Aligned(*R2, "exact"), Aligned(*R3, "casefold")]


def test_a_fourth_copy_aligns_nowhere():
    aligner = Aligner(DocumentIndex(TEXT))
    got = aligner.independent("entities", [Request("Russia")] * 4)
    assert got[3] is None


def test_items_with_an_occurrence_are_placed_first():
    aligner = Aligner(DocumentIndex(TEXT))
    # The plain item comes first in the list but must not take occurrence 1.
    got = aligner.independent("entities", [Request("Russia"), Request("Russia", occurrence=1)])
    assert got == [Aligned(*R2, "exact"), Aligned(*R1, "exact")]


def test_occurrence_is_counted_in_the_first_tier_that_has_that_many():
    aligner = Aligner(DocumentIndex(TEXT))
    assert aligner.nth(Request("Russia", occurrence=2)) == Aligned(*R2, "exact")
    assert aligner.nth(Request("Russia", occurrence=3)) == Aligned(*R3, "casefold")
    assert aligner.nth(Request("Russia", occurrence=4)) is None


def test_kinds_do_not_take_each_others_spans():
    aligner = Aligner(DocumentIndex(TEXT))
    first = aligner.independent("entities", [Request("Russia")])
    second = aligner.independent("mentions", [Request("Russia")])
    assert first == second == [Aligned(*R1, "exact")]


def test_dependent_spans_take_the_occurrence_nearest_their_anchor():
    aligner = Aligner(DocumentIndex(TEXT))
    said = at("said")
    assert aligner.dependent(Request("Russia"), said) == Aligned(*R2, "exact")
    assert aligner.dependent(Request("envoy"), said) == Aligned(*at("envoy", 2), "exact")
    # Ties go to the earlier occurrence: an anchor exactly midway between the two envoys.
    first, second = at("envoy", 1), at("envoy", 2)
    middle = (first[1] + second[0]) // 2
    assert middle - first[1] == second[0] - (middle + 1)
    assert aligner.dependent(Request("envoy"), (middle, middle + 1)) == Aligned(*first, "exact")
    # They never take a span: an independent item can still have it.
    assert aligner.independent("entities", [Request("Russia")]) == [Aligned(*R1, "exact")]
    assert aligner.dependent(Request("Russia", occurrence=1), said) == Aligned(*R1, "exact")


def test_fuzzy_is_off_unless_asked():
    assert Aligner(DocumentIndex(TEXT)).independent("e", [Request("Rusia Today")]) == [None]
    fuzzy = Aligner(DocumentIndex(TEXT, fuzzy=True)).independent("e", [Request("Rusia Today")])
    assert fuzzy == [Aligned(*at("Russia\u00a0Today"), "fuzzy")]


@pytest.mark.parametrize("needle", ["", " ", "xyzzy", "envoys of Moscow and Kyiv"])
def test_texts_that_occur_nowhere_are_unaligned(needle):
    assert Aligner(DocumentIndex(TEXT, fuzzy=True)).independent("e", [Request(needle)]) == [None]
