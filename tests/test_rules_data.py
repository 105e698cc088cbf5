"""The data files of the rules baseline (benchmark/systems/rules/data/): well formed,
documented, every CAMEO code a codebook code with its reason, read once and only when
the rules system is used."""

import re
import subprocess
import sys

import pytest

from benchmark.inventory import cameo_codes
from benchmark.systems.rules import events
from benchmark.systems.rules.lexicon import parse_rows, rows, word_lists
from tests.conftest import ROOT

PACKAGE = ROOT / "benchmark" / "systems" / "rules"
DATA_FILES = sorted(p.name for p in (PACKAGE / "data").glob("*.tsv"))
WORD_LIST_FILES = {"name_words.tsv", "quote_cues.tsv", "cameo_context.tsv"}
GAZETTEER_FILES = {"gazetteer_places.tsv": {"GPE", "LOC"}, "gazetteer_groups.tsv": {"NORP", "ORG"}}
REFINE_FAMILIES = {"appeal": "02", "demand": "10", "intent": "03"}


def test_the_data_folder_holds_what_the_modules_read():
    assert DATA_FILES == [
        "aliases.tsv",
        "cameo_context.tsv",
        "cameo_refinements.tsv",
        "cameo_threats.tsv",
        "cameo_triggers.tsv",
        "gazetteer_groups.tsv",
        "gazetteer_places.tsv",
        "name_words.tsv",
        "quote_cues.tsv",
    ]
    sources = "".join(p.read_text(encoding="utf-8") for p in PACKAGE.glob("*.py"))
    assert not [name for name in DATA_FILES if f'"{name}"' not in sources]


@pytest.mark.parametrize("name", DATA_FILES)
def test_each_file_says_where_its_list_comes_from_and_who_reads_it(name):
    text = (PACKAGE / "data" / name).read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    comment = " ".join(header)
    assert "Source: written by hand for this project" in comment
    read_by = re.search(r"Read by benchmark/systems/rules/(\w+\.py)", comment)
    assert read_by and (PACKAGE / read_by[1]).is_file()
    assert f'"{name}"' in (PACKAGE / read_by[1]).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", DATA_FILES)
def test_entries_are_trimmed_and_unique(name):
    entries = rows(name)
    assert entries
    for entry in entries:
        assert all(cell == cell.strip() and "  " not in cell for cell in entry), entry
    keys = [entry[:2] if name in WORD_LIST_FILES else entry[0] for entry in entries]
    assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1})


@pytest.mark.parametrize("name", sorted(WORD_LIST_FILES | GAZETTEER_FILES.keys() | {"aliases.tsv"}))
def test_words_and_names_are_lower_case(name):
    for entry in rows(name):
        words = entry[:2] if name == "aliases.tsv" else entry[:1]
        assert all(w == w.lower() for w in words), entry


def gazetteer_names() -> list[str]:
    return [name for file in GAZETTEER_FILES for name, _ in rows(file)]


def test_gazetteer_names_have_one_type_each():
    names = gazetteer_names()
    assert len(names) == len(set(names))
    for file, types in GAZETTEER_FILES.items():
        assert {type_ for _, type_ in rows(file)} == types


def test_aliases_join_gazetteer_names():
    names = set(gazetteer_names())
    for alias, name in rows("aliases.tsv"):
        assert alias in names and name in names and alias != name


def test_word_lists_are_the_lists_the_code_names():
    assert set(word_lists("name_words.tsv")) == {
        "title",
        "title_part",
        "org_head",
        "loc_head",
        "fac_head",
        "org_context",
        "role",
        "role_plural",
        "with_article",
    }
    assert set(word_lists("quote_cues.tsv")) == {"reporting", "participle", "addressee_verb"}
    assert set(word_lists("cameo_context.tsv")) == {"force", "response", "proposal"}
    cues = word_lists("quote_cues.tsv")
    assert cues["addressee_verb"] - cues["reporting"] == {"reminded", "informed"}


def test_every_trigger_has_a_codebook_code_and_a_reason():
    codes = cameo_codes()
    entries = rows("cameo_triggers.tsv")
    assert len(entries) == len(events._EVENT_LEXICON) == 58
    for pattern, code, options, reason in entries:
        assert code in codes, (pattern, code)
        assert reason.startswith(f"codebook {code} "), (pattern, reason)
        name = reason.split(":")[0][len(f"codebook {code} ") :]
        assert name.replace(",", "") in codes[code].lower().replace(",", ""), (name, codes[code])
        re.compile(pattern)
        parsed = events._options(options)
        if "refine" in parsed:
            assert parsed["refine"] in REFINE_FAMILIES.values() and code.startswith(parsed["refine"])
        if "threat" in parsed:
            assert code.startswith("13")


def test_refinement_tables_hold_codebook_codes_of_their_family():
    codes = cameo_codes()
    for words, appeal, demand, intent, reason in rows("cameo_refinements.tsv"):
        for column, code in zip(REFINE_FAMILIES, (appeal, demand, intent)):
            assert code in codes and code.startswith(REFINE_FAMILIES[column]), (words, column, code)
        assert reason.startswith(f"codebook {appeal}/{demand}/{intent}: ")
    for _words, code, reason in rows("cameo_threats.tsv"):
        assert code in codes and code.startswith("13") and reason.startswith(f"codebook {code} ")
        assert codes[code].lower().startswith(reason[len(f"codebook {code} ") :].lower())


def test_trigger_options_are_parsed_or_refused():
    assert events._options("needs=@force not_after=a,the refusal") == {
        "needs": word_lists("cameo_context.tsv")["force"],
        "not_after": {"a", "the"},
        "refusal": True,
    }
    assert events._options("refine=02") == {"refine": "02"}
    with pytest.raises(ValueError, match="unknown option 'need=troops'"):
        events._options("need=troops")


def test_a_malformed_line_names_its_file_and_line():
    assert parse_rows("# comment\nword\tlist\n\nsaid\treporting\n", "x.tsv") == (("said", "reporting"),)
    with pytest.raises(ValueError, match=r"x\.tsv, line 3: 1 tab-separated columns, but its header line has 2"):
        parse_rows("# comment\nword\tlist\nsaid reporting\n", "x.tsv")


def test_each_file_is_read_once():
    assert rows("gazetteer_places.tsv") is rows("gazetteer_places.tsv")
    assert word_lists("quote_cues.tsv") is word_lists("quote_cues.tsv")


def test_the_cli_reads_no_rules_data_until_the_rules_system_is_used():
    probe = (
        "import sys\nfrom benchmark.cli import main\n"
        "try: main(['--help'])\nexcept SystemExit: pass\n"
        "print('benchmark.systems.rules' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
