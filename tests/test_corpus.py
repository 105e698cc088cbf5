import hashlib

import pytest

from benchmark.corpus import list_metas, load_shipped, read_text
from benchmark.errors import InputError

from .conftest import ARTICLE, DOC_ID, ROOT

SEED_SHA256 = "b0cf023924745b0bd0cd1757b5343cedb1ed3c6af10861ff90a38342f0645186"


def test_corpus_text_is_the_seed_byte_for_byte():
    raw = ARTICLE.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SEED_SHA256
    seed = ROOT.parent / "shared" / "seed" / "article.txt"
    if seed.exists():
        assert raw == seed.read_bytes()
    assert len(raw.decode("utf-8")) == 3069


def test_metadata_records_the_checksum_and_date():
    (meta,) = list_metas()
    assert meta.id == DOC_ID and meta.date == "2022-01-26" and meta.language == "en"
    assert meta.sha256 == SEED_SHA256


def test_loader_refuses_an_altered_text(tmp_path):
    (meta,) = list_metas()
    (tmp_path / f"{DOC_ID}.txt").write_bytes(ARTICLE.read_bytes().replace(b"Blinken", b"Blinkin", 1))
    with pytest.raises(InputError, match="sha256"):
        read_text(meta, tmp_path)


def test_shipped_gold_loads():
    (doc,) = load_shipped()
    assert doc.id == DOC_ID and doc.date == "2022-01-26" and len(doc.sentences) == 24
