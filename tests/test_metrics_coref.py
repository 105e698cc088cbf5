"""Coreference metrics against published worked examples, as exact fractions.

Sources of the expected numbers:
- conll/reference-coreference-scorers, test/TestCases.README (TC-A to TC-N),
  the test cases of the reference scorer v8.01 and its LEA branch.
- Pradhan et al. 2014 (ACL), the key/response example of its Figure 1.
- Moosavi and Strube 2016 (ACL), LEA worked through on that same example.
"""

from __future__ import annotations

import random
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark.metrics.coref import METRICS, document_sums, score_coref
from benchmark.records import DocRecords

TOLERANCE = 1e-12
UNIT_GROUPS = ("muc", "b3", "ceafe")


def span(symbol: str) -> tuple[int, int]:
    """A lowercase letter or digit is its own span; an uppercase letter overlaps its lowercase."""
    start = 10 * ord(symbol.lower())
    return (start, start + 5) if symbol.isupper() else (start, start + 1)


def clusters(notation: str) -> list[list[tuple[int, int]]]:
    """``"a bc def"`` -> three clusters; a letter written twice is a repeated mention."""
    return [[span(s) for s in word] for word in notation.split()]


def doc(notation: str, sentence_starts: list[int] | None = None, doc_id: str = "d") -> DocRecords:
    return DocRecords(id=doc_id, clusters=clusters(notation), sentence_starts=sentence_starts or [])


def f1(recall: F, precision: F) -> F:
    return 2 * precision * recall / (precision + recall) if precision + recall else F(0)


# key, response, {metric: (recall, precision)}
TA_KEY = "a bc def"
TA_4 = {
    "muc": (F(1, 3), F(1, 3)),
    "b3": (F(5, 9), F(17, 42)),
    "ceafe": (F(11, 15), F(11, 20)),
    "lea": (F(1, 2), F(2, 7)),
}
REFERENCE_CASES = {
    "TC-A-1": (TA_KEY, "a bc def", {m: (F(1), F(1)) for m in METRICS}),
    "TC-A-2": (
        TA_KEY,
        "a de",
        {"muc": (F(1, 3), F(1)), "b3": (F(7, 18), F(1)), "ceafe": (F(3, 5), F(9, 10)), "lea": (F(1, 3), F(1))},
    ),
    "TC-A-3": (
        TA_KEY,
        "a bcx defy z",
        {"muc": (F(1), F(3, 5)), "b3": (F(1), F(55, 108)), "ceafe": (F(31, 35), F(93, 140)), "lea": (F(1), F(4, 9))},
    ),
    "TC-A-4": (TA_KEY, "a bcx dy z", TA_4),
    # B overlaps b: a different, twinless mention, in the aligned entity.
    "TC-A-5": (
        TA_KEY,
        "a bcxB dy z",
        {
            "muc": (F(1, 3), F(1, 4)),
            "b3": (F(5, 9), F(5, 16)),
            "ceafe": (F(31, 45), F(31, 60)),
            "lea": (F(1, 2), F(5, 24)),
        },
    ),
    # ... and in an unaligned entity.
    "TC-A-6": (
        TA_KEY,
        "a bcx dy Bz",
        {
            "muc": (F(1, 3), F(1, 4)),
            "b3": (F(5, 9), F(17, 48)),
            "ceafe": (F(11, 15), F(11, 20)),
            "lea": (F(1, 2), F(1, 4)),
        },
    ),
    # Repeated mentions are dropped after their first occurrence: these score as TC-A-4.
    "TC-A-7": (TA_KEY, "a bcxb dy z", TA_4),
    "TC-A-8": (TA_KEY, "a bcx dy bz", TA_4),
    "TC-A-9": (TA_KEY, "a bcx dy bbbbbbbbbbz", TA_4),
    "TC-A-10": (TA_KEY, "a b c d e f", {"muc": (F(0), F(0)), "b3": (F(1, 2), F(1)), "lea": (F(1, 6), F(1, 6))}),
    "TC-A-11": (TA_KEY, "abcdef", {"muc": (F(1), F(3, 5)), "b3": (F(1), F(7, 18)), "lea": (F(5, 6), F(4, 15))}),
    "TC-A-12": (TA_KEY, "a x y c d e z", {"muc": (F(0), F(0)), "b3": (F(13, 36), F(4, 7)), "lea": (F(1, 6), F(1, 7))}),
    "TC-A-13": (
        TA_KEY,
        "axycdez",
        {"muc": (F(1, 3), F(1, 6)), "b3": (F(17, 36), F(6, 49)), "lea": (F(1, 6), F(1, 21))},
    ),
    "TC-B-1": ("ab cde", "bcx de", {"lea": (F(1, 5), F(2, 5))}),
    "TC-C-1": ("ab cde fg", "bcx de fg", {"lea": (F(3, 7), F(4, 7))}),
    "TC-D-1": (
        "12345 67 89abc",
        "12345 6789abc",
        {"muc": (F(1), F(9, 10)), "b3": (F(1), F(16, 21)), "lea": (F(1), F(13, 18))},
    ),
    "TC-E-1": (
        "12345 67 89abc",
        "1234589abc 67",
        {"muc": (F(1), F(9, 10)), "b3": (F(1), F(7, 12)), "lea": (F(1), F(29, 54))},
    ),
    "TC-F-1": ("abcd", "ab cd", {"muc": (F(2, 3), F(1)), "lea": (F(1, 3), F(1))}),
    "TC-G-1": ("ab cd", "abcd", {"muc": (F(1), F(2, 3)), "lea": (F(1), F(1, 3))}),
    "TC-H-1": ("abcd", "abcd", {"muc": (F(1), F(1)), "lea": (F(1), F(1))}),
    "TC-I-1": ("abcd", "ab cd", {"muc": (F(2, 3), F(1)), "lea": (F(1, 3), F(1))}),
    "TC-J-1": ("abc", "ac", {"muc": (F(1, 2), F(1)), "lea": (F(1, 3), F(1))}),
    "TC-K-1": ("bcdeghj", "abc def ghi", {"muc": (F(1, 2), F(1, 2)), "lea": (F(1, 7), F(1, 3))}),
    "TC-L-1": ("abc defg", "ab cd fgh", {"muc": (F(2, 5), F(1, 2)), "lea": (F(5, 21), F(3, 7))}),
    "TC-M-1": ("abcdef", "abcdef", {m: (F(1), F(1)) for m in METRICS}),
    "TC-M-2": ("abcdef", "a b c d e f", {"muc": (F(0), F(0)), "lea": (F(0), F(0))}),
    "TC-M-3": ("abcdef", "ab cde f", {"lea": (F(4, 15), F(5, 6))}),
    "TC-M-4": ("abcdef", "abcxyz", {"lea": (F(1, 5), F(1, 5))}),
    "TC-M-5": ("abcdef", "a b c x y z", {"muc": (F(0), F(0)), "lea": (F(0), F(0))}),
    "TC-M-6": ("abcdef", "ab cxy z", {"lea": (F(1, 15), F(1, 3))}),
    "TC-N-1": (
        "a b c d e f",
        "a b c d e f",
        {"muc": (F(0), F(0)), "b3": (F(1), F(1)), "ceafe": (F(1), F(1)), "lea": (F(1), F(1))},
    ),
    "TC-N-2": ("a b c d e f", "abcdef", {"lea": (F(0), F(0))}),
    "TC-N-3": ("a b c d e f", "ab cde f", {"lea": (F(1, 6), F(1, 6))}),
    "TC-N-4": ("a b c d e f", "a b c x y z", {"muc": (F(0), F(0)), "lea": (F(1, 2), F(1, 2))}),
    "TC-N-5": ("a b c d e f", "abcxyz", {"lea": (F(0), F(0))}),
    "TC-N-6": ("a b c d e f", "ab cxy z", {"lea": (F(0), F(0))}),
}

# Pradhan et al. 2014, Figure 1: h and i are twinless response mentions, e is missed.
PRADHAN_KEY, PRADHAN_RESPONSE = "abc defg", "ab cd fghi"
PRADHAN_EXPECTED = {
    "muc": (F(2, 5), F(2, 5)),  # 0.40 / 0.40
    "b3": (F(5, 12), F(1, 2)),  # 0.42 / 0.50
    "ceafe": (F(13, 20), F(13, 30)),  # 0.65 / 0.43: phi4 4/5 + 1/2 over 2 key and 3 response entities
}
# Moosavi and Strube 2016: LEA on the same example,
# recall (3*1/3 + 4*1/6)/7 ~ 0.24, precision (2*1 + 2*0 + 4*1/6)/8 ~ 0.33.
MOOSAVI_STRUBE_LEA = (F(5, 21), F(1, 3))


def assert_exact(key: str, response: str, expected: dict[str, tuple[F, F]]) -> None:
    sums = document_sums(clusters(key), clusters(response))
    for metric, (recall, precision) in expected.items():
        got = sums[metric]
        assert (got.recall, got.precision) == (recall, precision), metric
        assert got.f1 == f1(recall, precision), metric


def assert_scored(key: str, response: str, expected: dict[str, tuple[F, F]]) -> None:
    metrics = score_coref([doc(key)], [doc(response)]).metrics
    for metric, (recall, precision) in expected.items():
        assert metrics[metric]["recall"] == pytest.approx(float(recall), abs=TOLERANCE)
        assert metrics[metric]["precision"] == pytest.approx(float(precision), abs=TOLERANCE)
        assert metrics[metric]["f1"] == pytest.approx(float(f1(recall, precision)), abs=TOLERANCE)


@pytest.mark.parametrize("case", sorted(REFERENCE_CASES))
def test_reference_scorer_cases_exactly(case):
    assert_exact(*REFERENCE_CASES[case])


@pytest.mark.parametrize("case", sorted(REFERENCE_CASES))
def test_reference_scorer_cases_through_score_coref(case):
    assert_scored(*REFERENCE_CASES[case])


def test_published_f1_values_of_reference_cases():
    # Exact F1 values that TestCases.README states as fractions.
    sums = document_sums(clusters(TA_KEY), clusters("a de"))
    assert sums["b3"].f1 == F(14, 25) and sums["muc"].f1 == F(1, 2) and sums["ceafe"].f1 == F(18, 25)
    sums = document_sums(clusters(TA_KEY), clusters("a bcxB dy z"))
    assert sums["muc"].f1 == F(2, 7)
    sums = document_sums(clusters(TA_KEY), clusters("axycdez"))
    assert sums["muc"].f1 == F(2, 9)
    sums = document_sums(clusters(TA_KEY), clusters("abcdef"))
    assert sums["muc"].f1 == F(3, 4)


def test_pradhan_2014_example():
    assert_exact(PRADHAN_KEY, PRADHAN_RESPONSE, PRADHAN_EXPECTED)
    assert_scored(PRADHAN_KEY, PRADHAN_RESPONSE, PRADHAN_EXPECTED)


def test_moosavi_strube_2016_lea_example():
    expected = {"lea": MOOSAVI_STRUBE_LEA}
    assert_exact(PRADHAN_KEY, PRADHAN_RESPONSE, expected)
    assert document_sums(clusters(PRADHAN_KEY), clusters(PRADHAN_RESPONSE))["lea"].f1 == F(5, 18)


def test_conll_is_the_mean_of_muc_b3_ceafe():
    metrics = score_coref([doc(PRADHAN_KEY)], [doc(PRADHAN_RESPONSE)]).metrics
    expected = sum(f1(*PRADHAN_EXPECTED[m]) for m in UNIT_GROUPS) / 3
    assert metrics["conll"]["f1"] == pytest.approx(float(expected), abs=TOLERANCE)


def test_repeated_mentions_are_counted_once_in_mention_identification():
    extra = score_coref([doc(TA_KEY)], [doc("a bcx dy bbbbbbbbbbz")]).extra["mentions"]
    assert (extra["gold"], extra["predicted"], extra["correct"]) == (6, 7, 4)


def test_without_singletons():
    # TC-A-3 with {a} and {z} removed: key {bc} {def}, response {bcx} {defy}.
    score = score_coref([doc(TA_KEY)], [doc("a bcx defy z")])
    without = score.extra["without_singletons"]
    expected = {
        "muc": (F(1), F(3, 5)),
        "b3": (F(1), F(43, 84)),
        "ceafe": (F(29, 35), F(29, 35)),
        "lea": (F(1), F(3, 7)),
    }
    for metric, (recall, precision) in expected.items():
        assert without[metric]["recall"] == pytest.approx(float(recall), abs=TOLERANCE)
        assert without[metric]["precision"] == pytest.approx(float(precision), abs=TOLERANCE)
    # With singletons kept, the headline figures are TC-A-3's.
    assert score.metrics["b3"]["precision"] == pytest.approx(55 / 108, abs=TOLERANCE)


def test_all_singleton_key_without_singletons_scores_zero():
    without = score_coref([doc("a b c")], [doc("a b c")]).extra["without_singletons"]
    assert all(without[m]["f1"] == 0.0 for m in without)


GOLD = [doc("ab c def g h", [0, 1000, 1010]), doc("xy z", [0, 1100], doc_id="e")]


def test_gold_against_itself_scores_one_everywhere():
    score = score_coref(GOLD, GOLD)
    for table in (score.metrics, score.extra["without_singletons"]):
        for metric, values in table.items():
            assert (values["precision"], values["recall"], values["f1"]) == (1.0, 1.0, 1.0), metric
    assert score.headline == "conll" and score.stat_kind == "conll"


def test_empty_response_has_zero_recall():
    empty = [DocRecords(id=d.id) for d in GOLD]
    score = score_coref(GOLD, empty)
    for values in list(score.metrics.values()) + list(score.extra["without_singletons"].values()):
        assert values["recall"] == 0.0 and values["precision"] == 0.0


def test_document_counts_must_match():
    with pytest.raises(ValueError):
        score_coref(GOLD, GOLD[:1])


def assert_unit_sums_match(score, n_units: int) -> None:
    stats = np.asarray(score.unit_stats)
    assert stats.shape == (n_units, 12)
    summed = stats.sum(axis=0)
    f1s = []
    for group, metric in enumerate(UNIT_GROUPS):
        values = score.metrics[metric]
        for column, name in enumerate(("num_p", "den_p", "num_r", "den_r")):
            expected = pytest.approx(values[name], rel=TOLERANCE, abs=TOLERANCE)
            assert summed[4 * group + column] == expected
        num_p, den_p, num_r, den_r = summed[4 * group : 4 * group + 4]
        precision, recall = (num_p / den_p if den_p else 0.0), (num_r / den_r if den_r else 0.0)
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    assert sum(f1s) / 3 == pytest.approx(score.metrics["conll"]["f1"], abs=TOLERANCE)


def test_unit_stats_add_up_to_corpus_sums():
    pred = [doc("a bcx dy Bz h", [0]), doc("xyz w", [0], doc_id="e")]
    score = score_coref(GOLD, pred)
    assert_unit_sums_match(score, 5)  # sentences 0, 1000, 1010 of the first document, 0, 1100 of the second


def test_unit_stats_follow_sentences():
    # Sentences start at 0 and 1000: a, b (offsets 970, 980) lie in the first,
    # x, y (1200, 1210) in the second.
    gold = [doc("ab xy", [0, 1000])]
    stats = score_coref(gold, [doc("a bx y")]).unit_stats
    muc_recall, b3_precision, ceafe_precision = slice(2, 4), slice(4, 6), slice(4 * 2, 4 * 2 + 2)
    # MUC: each key cluster's links go to the sentence of its first mention.
    assert stats[0][muc_recall] == [0.0, 1.0] and stats[1][muc_recall] == [0.0, 1.0]
    # B3 precision: a (1) and b (1/2) are in sentence 0, x (1/2) and y (1) in sentence 1.
    assert stats[0][b3_precision] == [1.5, 2.0] and stats[1][b3_precision] == [1.5, 2.0]
    # CEAF-e: response clusters {a}, {b x} start in sentence 0, {y} in sentence 1.
    assert stats[0][ceafe_precision][1] == 2.0 and stats[1][ceafe_precision][1] == 1.0


@st.composite
def partitions(draw, universe: int = 9):
    """Clusters over a random subset of mentions 0..universe-1, each mention once."""
    labels = draw(st.dictionaries(st.integers(0, universe - 1), st.integers(0, 3), max_size=universe))
    grouped: dict[int, list[tuple[int, int]]] = {}
    for mention, label in sorted(labels.items()):
        grouped.setdefault(label, []).append((10 * mention, 10 * mention + 3))
    return list(grouped.values())


@settings(max_examples=200, deadline=None, database=None)
@given(key=partitions(), response=partitions())
def test_metrics_are_bounded_and_symmetric(key, response):
    forward, backward = document_sums(key, response), document_sums(response, key)
    for metric in METRICS:
        sums = forward[metric]
        for value in (sums.precision, sums.recall, sums.f1):
            assert 0 <= value <= 1, metric
        assert sums.precision == backward[metric].recall, metric
        assert sums.recall == backward[metric].precision, metric


@settings(max_examples=50, deadline=None, database=None)
@given(key=partitions(), response=partitions())
def test_unit_stats_add_up_for_random_partitions(key, response):
    gold = [DocRecords(id="d", clusters=key, sentence_starts=[0, 25, 50])]
    score = score_coref(gold, [DocRecords(id="d", clusters=response)])
    assert_unit_sums_match(score, 3)
    for metric in score.metrics.values():
        assert all(0.0 <= metric[k] <= 1.0 for k in ("precision", "recall", "f1"))


def scipy_ceafe_total(key: list, response: list) -> F:
    """The aligned phi4 total as the reference scorer finds it: one float matrix, scipy's solver."""
    scipy_optimize = pytest.importorskip("scipy.optimize")
    owner = {m: j for j, cluster in enumerate(response) for m in cluster}
    matrix = np.zeros((len(key), len(response)))
    exact = {}
    for i, cluster in enumerate(key):
        for j in {owner[m] for m in cluster if m in owner}:
            common = sum(owner.get(m) == j for m in cluster)
            exact[i, j] = F(2 * common, len(cluster) + len(response[j]))
            matrix[i, j] = float(exact[i, j])
    if not key or not response:
        return F(0)
    rows, cols = scipy_optimize.linear_sum_assignment(matrix, maximize=True)
    return sum((exact.get((i, j), F(0)) for i, j in zip(rows, cols)), F(0))


def random_clustering(rng, mentions: list, n_clusters: int) -> list[list[tuple[int, int]]]:
    grouped: dict[int, list[tuple[int, int]]] = {}
    for mention in mentions:
        grouped.setdefault(rng.randrange(n_clusters), []).append(mention)
    return list(grouped.values())


@pytest.mark.parametrize("size", [6, 40, 250])
def test_ceafe_equals_a_scipy_alignment_on_random_clusterings(size):
    # Each side clusters its own random subset of a shared pool, so some mentions are
    # twinless and the overlap graph splits into components of every size.
    rng = random.Random(size)
    pool = [(10 * k, 10 * k + 3) for k in range(size)]
    for _ in range(300 if size < 100 else 20):
        sides = []
        for _side in range(2):
            mentions = rng.sample(pool, rng.randint(0, size))
            sides.append(random_clustering(rng, mentions, rng.randint(1, max(1, size // rng.choice((1, 2, 5))))))
        key, response = sides
        sums = document_sums(key, response)["ceafe"]
        expected = scipy_ceafe_total(key, response)
        assert (sums.num_r, sums.num_p) == (expected, expected)
        assert (sums.den_r, sums.den_p) == (len(key), len(response))
