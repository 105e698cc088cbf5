"""Event scoring: CAMEO triggers (root, fine code, QuadClass), arguments (exact and coreference-aware)."""

from __future__ import annotations

import pytest

from benchmark.inventory import canonical_code
from benchmark.metrics.events import cameo_root, quad_class, score_events
from benchmark.records import ArgumentRecord, DocRecords, EventRecord

from .layer_checks import assert_every_metric_perfect, assert_unit_stats_sum_to_headline, offsets_of, prf

TEXT = (
    "Washington delivered its written response to Moscow on Wednesday. "
    "Russia rejected the proposals and threatened retaliation. "
    "NATO urged Russia to de-escalate."
)


def at(piece: str, nth: int = 0) -> tuple[int, int]:
    return offsets_of(TEXT, piece, nth)


WASHINGTON = frozenset({at("Washington"), at("its")})
RUSSIA = frozenset({at("Moscow"), at("Russia"), at("Russia", 1)})
SENTENCE_STARTS = [0, at("Russia")[0], at("NATO")[0]]


def gold_arg(role: str, piece: str, nth: int = 0, cluster: frozenset = frozenset()) -> ArgumentRecord:
    start, end = at(piece, nth)
    return ArgumentRecord(role, start, end, cluster=cluster or frozenset({(start, end)}))


def pred_arg(role: str, piece: str, nth: int = 0) -> ArgumentRecord:
    return ArgumentRecord(role, *at(piece, nth))


def event(
    trigger: str, code: str, *arguments: ArgumentRecord, realis: str = "actual", polarity: str = "positive"
) -> EventRecord:
    return EventRecord(at(trigger), code, tuple(arguments), realis, polarity)


def doc(*events: EventRecord, sentence_starts: list[int] | None = None) -> DocRecords:
    return DocRecords(id="d", events=list(events), sentence_starts=sentence_starts or [])


E1 = event(
    "delivered",
    "046",
    gold_arg("source", "Washington", cluster=WASHINGTON),
    gold_arg("target", "Moscow", cluster=RUSSIA),
    gold_arg("time", "Wednesday"),
)
E2 = event("rejected", "125", gold_arg("source", "Russia", cluster=RUSSIA))
E3 = event("threatened", "138", gold_arg("source", "Russia", cluster=RUSSIA))
E4 = event("urged", "0256", gold_arg("source", "NATO"), gold_arg("target", "Russia", 1, cluster=RUSSIA))
GOLD = doc(E1, E2, E3, E4, sentence_starts=SENTENCE_STARTS)


def score(*pred: EventRecord, gold: DocRecords = GOLD):
    return score_events([gold], [doc(*pred)])


# Worked example: 4 gold events (7 arguments), 4 predicted (6 arguments).
#   P1 "delivered" code "04": offsets, root 04, quad 1 right; fine code wrong ("04" != "046").
#      arguments: source "its" (pronoun coreferent with Washington: coref only),
#      target "Moscow" (exact), place "Wednesday" (gold role time: span right, role wrong).
#   P2 "rejected" code "111": offsets right; root 11 != 12; quad 3 = 3. Its argument is not
#      attached (root differs) and counts only in the precision denominator. Realis wrong.
#   P3 "retaliation" "138": spurious trigger.
#   P4 "urged" "0256": all right. Arguments: source "NATO" (exact), target "Russia" in sentence 2
#      where gold has the later "Russia" of the same cluster (coref only). Polarity wrong.
#   E3 "threatened" is missed.
P1 = event("delivered", "04", pred_arg("source", "its"), pred_arg("target", "Moscow"), pred_arg("place", "Wednesday"))
P2 = event("rejected", "111", pred_arg("source", "Russia"), realis="other")
P3 = event("retaliation", "138")
P4 = event("urged", "0256", pred_arg("source", "NATO"), pred_arg("target", "Russia"), polarity="negative")


@pytest.fixture(scope="module")
def worked():
    return score(P1, P2, P3, P4)


@pytest.mark.parametrize(
    "metric, correct",
    [
        ("trigger_i", 3),  # P1, P2, P4
        ("trigger_c", 2),  # P1 (04 = 04), P4 (02 = 02)
        ("trigger_c_fine", 1),  # P4 only
        ("quad", 3),  # P1 (1 = 1), P2 (3 = 3), P4 (1 = 1)
    ],
)
def test_worked_triggers(worked, metric, correct):
    # 4 gold, 4 predicted: P = R = F1 = correct / 4
    assert prf(worked.metrics[metric]) == pytest.approx((correct / 4,) * 3)


@pytest.mark.parametrize(
    "metric, correct",
    [
        ("arg_i", 3),  # P1: Moscow, Wednesday;       P4: NATO
        ("arg_c", 2),  # P1: Moscow;                  P4: NATO
        ("arg_i_coref", 5),  # P1: its, Moscow, Wednesday;  P4: NATO, Russia
        ("arg_c_coref", 4),  # P1: its, Moscow;             P4: NATO, Russia
    ],
)
def test_worked_arguments(worked, metric, correct):
    # P = correct / 6 predicted arguments, R = correct / 7 gold, F1 = 2 * correct / (6 + 7)
    assert prf(worked.metrics[metric]) == pytest.approx((correct / 6, correct / 7, 2 * correct / 13))


def test_worked_accuracies(worked):
    # over the 3 trigger_i pairs: realis wrong for P2 (2/3), polarity wrong for P4 (2/3)
    assert worked.accuracies == pytest.approx({"realis": 2 / 3, "polarity": 2 / 3})


def test_worked_per_root(worked):
    # trigger_c by root: 04 and 02 found both ways; 12 (E2) and 13 (E3) missed;
    # 11 (P2) and 13 (P3) spurious.
    per_root = {root: prf(metrics["trigger_c"])[:2] for root, metrics in worked.per_label.items()}
    assert per_root == {"02": (1.0, 1.0), "04": (1.0, 1.0), "11": (0.0, 0.0), "12": (0.0, 0.0), "13": (0.0, 0.0)}
    assert worked.per_label["13"]["trigger_c"]["gold"] == 1
    assert worked.per_label["13"]["trigger_c"]["predicted"] == 1


def test_worked_unit_stats(worked):
    # headline trigger_c; columns num_p, den_p, num_r, den_r:
    # S0: E1-P1 correct; S1: E2, E3 missed, P2, P3 spurious; S2: E4-P4 correct
    assert worked.headline == "trigger_c"
    assert worked.unit_stats == [[1, 1, 1, 1], [0, 2, 0, 2], [1, 1, 1, 1]]


@pytest.mark.parametrize("pred", [(P1, P2, P3, P4), (E1, E2, E3, E4), (), (P3,)])
def test_unit_stats_sum_to_micro(pred):
    assert_unit_stats_sum_to_headline(score(*pred))


def test_gold_against_itself_is_perfect():
    result = score_events([GOLD], [GOLD])
    assert_every_metric_perfect(result)
    for root, metrics in result.per_label.items():
        assert prf(metrics["trigger_c"]) == (1.0, 1.0, 1.0), root
    assert result.accuracies == {"realis": 1.0, "polarity": 1.0}


def test_empty_prediction_has_zero_recall():
    result = score()
    for metric in result.metrics.values():
        assert metric["recall"] == 0.0 and metric["f1"] == 0.0
    assert result.accuracies == {"realis": None, "polarity": None}


@pytest.mark.parametrize(
    "gold_code, pred_code, trigger_c, fine",
    [
        ("046", "04", 1, 0),  # root only: right root, wrong code
        ("04", "046", 1, 0),  # more specific than the gold: still not the same code
        ("046", "046", 1, 1),
        ("046", "036", 0, 0),
        ("05", "050", 1, 1),  # a root code and its "not specified below" form are one code
        ("050", "05", 1, 1),
        ("10", "100", 1, 1),
        ("05", "051", 1, 0),  # a specific subcode is not
        ("050", "051", 1, 0),
    ],
)
def test_root_only_code(gold_code, pred_code, trigger_c, fine):
    result = score(event("delivered", pred_code), gold=doc(event("delivered", gold_code)))
    assert result.metrics["trigger_c"]["correct"] == trigger_c
    assert result.metrics["trigger_c_fine"]["correct"] == fine
    assert result.metrics["trigger_i"]["correct"] == 1


@pytest.mark.parametrize(
    "code, canonical",
    [
        ("05", "050"),
        ("10", "100"),
        ("20", "200"),
        (" 04 ", "040"),
        ("050", "050"),
        ("046", "046"),
        ("1042", "1042"),
        ("21", "21"),
        ("00", "00"),
        ("", None),
        (None, None),
    ],
)
def test_canonical_code(code, canonical):
    assert canonical_code(code) == canonical


def test_coreferent_pronoun_counts_only_for_coref():
    gold = doc(event("delivered", "046", gold_arg("source", "Washington", cluster=WASHINGTON)))
    result = score(event("delivered", "046", pred_arg("source", "its")), gold=gold)
    assert [result.metrics[m]["correct"] for m in ("arg_i", "arg_c", "arg_i_coref", "arg_c_coref")] == [0, 0, 1, 1]


def test_gold_argument_is_claimed_once():
    # "Moscow" and "Russia" both corefer with the gold target: one claim, one spurious argument
    gold = doc(event("delivered", "046", gold_arg("target", "Moscow", cluster=RUSSIA)))
    result = score(event("delivered", "046", pred_arg("target", "Moscow"), pred_arg("target", "Russia")), gold=gold)
    metric = result.metrics["arg_c_coref"]
    assert (metric["correct"], metric["predicted"], metric["gold"]) == (1, 2, 1)
    assert result.metrics["arg_c"]["correct"] == 1  # the exact span took the claim


def test_arguments_need_the_trigger_root():
    gold = doc(event("delivered", "046", gold_arg("target", "Moscow")))
    result = score(event("delivered", "111", pred_arg("target", "Moscow")), gold=gold)
    assert result.metrics["arg_c"]["correct"] == 0
    assert result.metrics["arg_c"]["predicted"] == 1


def test_events_sharing_a_trigger_are_told_apart_by_code():
    gold = doc(event("urged", "0256"), event("urged", "111"))
    result = score(event("urged", "112"), gold=gold)
    assert result.metrics["trigger_c"]["correct"] == 1
    assert result.metrics["trigger_i"]["correct"] == 1


@pytest.mark.parametrize(
    "code, root, quad",
    [
        ("01", "01", 1),
        ("057", "05", 1),
        ("06", "06", 2),
        ("0831", "08", 2),
        ("09", "09", 3),
        ("138", "13", 3),
        ("14", "14", 4),
        ("20", "20", 4),
        ("21", "21", None),
        ("00", "00", None),
        ("4", None, None),
        ("", None, None),
        (None, None, None),
        ("x4", None, None),
    ],
)
def test_root_and_quad_class(code, root, quad):
    assert cameo_root(code) == root
    assert quad_class(code) == quad


def test_documents_are_scored_micro():
    # document 1: 4 of 4 triggers; document 2: nothing predicted
    result = score_events([GOLD, GOLD], [GOLD, doc()])
    assert prf(result.metrics["trigger_c"]) == pytest.approx((1.0, 1 / 2, 2 / 3))
    assert prf(result.metrics["arg_c"]) == pytest.approx((1.0, 1 / 2, 2 / 3))


# Two gold events on one trigger and root; the prediction's arguments are those of
# the one listed second. Pairing by list order would claim none of them.
TWIN_A = event("urged", "0256", gold_arg("source", "NATO"))
TWIN_B = event("urged", "0251", gold_arg("target", "Russia", 1, cluster=RUSSIA))


@pytest.mark.parametrize("gold_events", [(TWIN_A, TWIN_B), (TWIN_B, TWIN_A)])
def test_events_pair_so_that_most_arguments_match(gold_events):
    result = score(event("urged", "0256", pred_arg("target", "Russia", 1)), gold=doc(*gold_events))
    assert result.metrics["trigger_c"]["correct"] == 1
    assert [result.metrics[m]["correct"] for m in ("arg_i", "arg_c", "arg_i_coref", "arg_c_coref")] == [1, 1, 1, 1]


@pytest.mark.parametrize("order", [1, -1])
def test_among_equal_argument_matches_the_same_code_is_paired(order):
    # No argument decides. The same fine code (0251) outranks agreeing on realis
    # (0256 is actual, like the prediction), so realis is judged against the 0251 event.
    gold = doc(*[event("urged", "0256"), event("urged", "0251", realis="other")][::order])
    result = score(event("urged", "0251", realis="actual"), gold=gold)
    assert result.metrics["trigger_c_fine"]["correct"] == 1
    assert result.accuracies["realis"] == 0.0


def test_pairs_with_another_root_serve_only_the_accuracies():
    # same trigger, other root: a trigger_i pair judged for realis, no argument can count
    gold = doc(event("urged", "0256", gold_arg("source", "NATO")))
    result = score(event("urged", "111", pred_arg("source", "NATO"), realis="other"), gold=gold)
    assert result.metrics["trigger_i"]["correct"] == 1 and result.metrics["trigger_c"]["correct"] == 0
    assert result.metrics["arg_i"]["correct"] == 0
    assert result.accuracies["realis"] == 0.0
