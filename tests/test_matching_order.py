"""Optimal matching: exact lexicographic preferences, and event and timex scores that
do not depend on the order of the gold and predicted lists."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark.metrics.events import _alignment, _same_root, score_events
from benchmark.metrics.matching import Candidate, match_optimal
from benchmark.metrics.timexes import score_timexes
from benchmark.records import ArgumentRecord, DocRecords, EventRecord, TimexRecord


def lexicographic_value(candidates, pairs) -> tuple:
    chosen = {(c.gold, c.pred): c.preference for c in candidates}
    depth = max((len(c.preference) for c in candidates), default=0)
    return (len(pairs), *(sum(chosen[p][level] for p in pairs) for level in range(depth)))


def best_by_brute_force(candidates) -> tuple:
    best = ()
    for size in range(len(candidates) + 1):
        for subset in itertools.combinations(candidates, size):
            golds, preds = {c.gold for c in subset}, {c.pred for c in subset}
            if len(golds) == len(preds) == size:
                best = max(best, lexicographic_value(candidates, [(c.gold, c.pred) for c in subset]))
    return best


def test_match_optimal_is_lexicographically_best():
    rng = random.Random(3)
    for _ in range(300):
        cells = {(rng.randint(0, 3), rng.randint(0, 3)) for _ in range(rng.randint(0, 8))}
        depth = rng.randint(0, 3)
        candidates = [Candidate(g, p, tuple(rng.randint(0, 4) for _ in range(depth))) for g, p in sorted(cells)]
        pairs = match_optimal(candidates)
        assert len({g for g, _ in pairs}) == len({p for _, p in pairs}) == len(pairs)
        assert set(pairs) <= cells
        assert lexicographic_value(candidates, pairs) == best_by_brute_force(candidates)


def test_a_higher_tier_outweighs_any_amount_of_a_lower_one():
    # one exact pair (tier 0) beats two pairs' worth of overlap (tier 1) only when the
    # number of pairs is equal: here both matchings have two pairs
    candidates = [
        Candidate(0, 0, (1, 0)),
        Candidate(1, 1, (0, 0)),
        Candidate(0, 1, (0, 1000)),
        Candidate(1, 0, (0, 1000)),
    ]
    assert match_optimal(candidates) == [(0, 0), (1, 1)]


# --- scores do not depend on list order ----------------------------------------------------

TRIGGERS = [(0, 3), (4, 7), (8, 11)]
CODES = ["04", "040", "046", "05", "050", "051", "0251", "0256", "111", "112"]
SPANS = [(20, 22), (23, 25), (26, 28), (29, 31)]
CLUSTER = frozenset({(20, 22), (23, 25)})  # two coreferent spans; the others are singletons
SENTENCES = [0, 8, 24]


def argument(gold: bool):
    def build(role, span):
        cluster = (CLUSTER if span in CLUSTER else frozenset({span})) if gold else frozenset()
        return ArgumentRecord(role, *span, cluster=cluster)

    return st.builds(build, st.sampled_from(["source", "target", "time"]), st.sampled_from(SPANS))


def events(gold: bool):
    return st.lists(
        st.builds(
            EventRecord,
            st.sampled_from(TRIGGERS),
            st.sampled_from(CODES),
            st.lists(argument(gold), max_size=3).map(tuple),
            st.sampled_from(["actual", "other", None]),
            st.sampled_from(["positive", "negative"]),
        ),
        max_size=6,
    )


def shuffled_events(items: list[EventRecord], rng: random.Random) -> list[EventRecord]:
    out = []
    for event in rng.sample(items, len(items)):
        arguments = list(event.arguments)
        rng.shuffle(arguments)
        out.append(EventRecord(event.trigger, event.code, tuple(arguments), event.realis, event.polarity))
    return out


@settings(max_examples=300, deadline=None)
@given(events(gold=True), events(gold=False), st.randoms(use_true_random=False))
def test_event_scores_do_not_depend_on_list_order(gold, pred, rng):
    before = score_events([DocRecords("d", events=gold, sentence_starts=SENTENCES)], [DocRecords("d", events=pred)])
    after = score_events(
        [DocRecords("d", events=shuffled_events(gold, rng), sentence_starts=SENTENCES)],
        [DocRecords("d", events=shuffled_events(pred, rng))],
    )
    assert after == before


@settings(max_examples=200, deadline=None)
@given(events(gold=True), events(gold=False))
def test_alignment_keeps_a_maximum_trigger_c_matching(gold, pred):
    result = score_events([DocRecords("d", events=gold)], [DocRecords("d", events=pred)])
    same_root = [(g, p) for g, p in _alignment(gold, pred, {}) if _same_root(gold[g], pred[p])]
    assert len(same_root) == result.metrics["trigger_c"]["correct"]


timexes = st.lists(
    st.builds(
        lambda start, length, type_, value: TimexRecord(start, start + length, type_, value),
        st.integers(0, 12),
        st.integers(1, 6),
        st.sampled_from(["DATE", "TIME", "DURATION", None]),
        st.sampled_from(["2022-01-26", "PRESENT_REF", "present_ref", "PXW", None]),
    ),
    max_size=7,
)


@settings(max_examples=300, deadline=None)
@given(timexes, timexes, st.randoms(use_true_random=False))
def test_timex_scores_do_not_depend_on_list_order(gold, pred, rng):
    before = score_timexes([DocRecords("d", timexes=gold, sentence_starts=[0, 6])], [DocRecords("d", timexes=pred)])
    after = score_timexes(
        [DocRecords("d", timexes=rng.sample(gold, len(gold)), sentence_starts=[0, 6])],
        [DocRecords("d", timexes=rng.sample(pred, len(pred)))],
    )
    assert after == before
