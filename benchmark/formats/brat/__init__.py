"""BRAT standoff: one ``<doc_id>.txt`` and ``<doc_id>.ann`` per document, plus
``annotation.conf`` and ``visual.conf`` so that brat or INCEpTION opens the folder.

How the gold layers map to standoff lines (sentences and sections are not
exported; they live in the JSON Lines export):

- entity: ``T`` line typed with its OntoNotes type.
- mention: ``T`` line typed ``Mention``, ``A MentionKind Tn NOM|PRO``.
- timex: ``T`` line typed ``TIMEX3``, ``A TimexType``, ``A TimexMod`` (when
  set); the normalized value goes in the item's AnnotatorNotes (below).
- event: trigger ``T`` line typed ``Event``; ``E Event:Tt Source:Tx
  Target:Ty Time:Tz Place:Tw`` (a repeated role is numbered ``Target2`` as
  brat numbers it); ``A CAMEO``, ``A Realis``, ``A Polarity``.
- quote: ``E Quote:Tc Content:Tk Source:Tx Addressee:Ty`` whose trigger ``Tc``
  is the cue, typed ``Quote``; the content is one ``T`` typed ``Content``,
  a content split by its cue as discontinuous fragments (``s e;s e``);
  ``A QuoteKind``.
- cluster: ``*\tCoref Ta Tb ...`` listing the members in order.
- ids: every entity, mention, timex, event and quote carries a ``#``
  AnnotatorNotes line ``id=E1`` (timexes ``id=T1 value=2022-01-26``); the
  first member of a cluster adds ``cluster=C1 cluster_name="..."
  cluster_type=...``. With these the round trip YAML -> BRAT -> Document
  keeps every annotation layer, ids included. Items without a note (added
  in brat) get fresh ids.

Why these choices:

- The cue is the Quote event's trigger, typed ``Quote`` rather than
  ``Cue``: brat draws an event at its trigger and labels it with the
  trigger's type, and its editor assumes trigger type and event type agree.
- The TIMEX3 value is a note, not an ``N`` line. brat's ``N`` lines are
  references ``DB:ID`` into a normalization database declared in
  ``tools.conf``; brat looks every one up and warns when the database does
  not exist. A TIMEX3 value is a computed ISO 8601 string, not a database
  key; a note is shown as written, needs no configuration, and INCEpTION
  imports notes too. When reading, an ``N`` line ``Reference Tn
  TIMEX3:<value>`` is accepted as the value.
- An .ann line cannot hold a line break and brat requires a ``T`` line's
  text to equal its span, so a span crossing a line break is written as
  fragments cut at the break; reading joins fragments separated only by
  white space containing a line break (quote content parts are always
  separated by their cue, never by white space alone).
- brat's verifier flags nested spans of different types (a mention holding
  an entity) unless allowed; ``annotation.conf`` declares ``<OVERLAP>`` so
  they are accepted. It may still flag ``Coref`` groups mixing types; that
  is a display warning only.

The package is two halves on shared names: ``write.py`` turns a Document into
``.ann`` text and writes the folder; ``read.py`` parses ``.ann`` text back into
a Document and reads a folder as predictions; ``schema.py`` holds the type,
role and attribute names and how both spell fragments, notes and roles.
"""

from .read import Standoff, parse_ann, read_brat, read_brat_predictions, unknown_documents
from .schema import (
    ADDRESSEE_ROLE,
    CAMEO,
    CONTENT,
    CONTENT_ROLE,
    COREF,
    EVENT,
    EVENT_ROLES,
    FRAGMENT_SEPARATOR,
    LINE_BREAKS,
    MENTION,
    MENTION_KIND,
    NOTE,
    POLARITY,
    QUOTE,
    QUOTE_KIND,
    REALIS,
    SOURCE_ROLE,
    STRUCTURAL_TYPES,
    TIMEX,
    TIMEX_MOD,
    TIMEX_TYPE,
    Fragment,
    base_role,
    format_note,
    fragments_of,
    merge_fragments,
    parse_note,
)
from .write import annotation_conf, to_ann, visual_conf, write_brat

__all__ = [
    "ADDRESSEE_ROLE",
    "CAMEO",
    "CONTENT",
    "CONTENT_ROLE",
    "COREF",
    "EVENT",
    "EVENT_ROLES",
    "FRAGMENT_SEPARATOR",
    "LINE_BREAKS",
    "MENTION",
    "MENTION_KIND",
    "NOTE",
    "POLARITY",
    "QUOTE",
    "QUOTE_KIND",
    "REALIS",
    "SOURCE_ROLE",
    "STRUCTURAL_TYPES",
    "TIMEX",
    "TIMEX_MOD",
    "TIMEX_TYPE",
    "Fragment",
    "Standoff",
    "annotation_conf",
    "base_role",
    "format_note",
    "fragments_of",
    "merge_fragments",
    "parse_ann",
    "parse_note",
    "read_brat",
    "read_brat_predictions",
    "to_ann",
    "unknown_documents",
    "visual_conf",
    "write_brat",
]
