"""The built-in rule-based baseline system ``rules``.

A deliberately simple, transparent, general-purpose extractor for the five
Diplomacy-IE layers (DESIGN.md section 4 output format):

* ``entities``: capitalised token runs typed by small general gazetteers
  (countries, capitals, nationality adjectives, international organisations,
  regions), titles before a name, organisation head words and local context;
  regular patterns for dates, numbers, money, percentages and quantities.
* ``coref``: entity names grouped by a normalised key (surname -> full name,
  alias table, acronyms), plus pronoun and a few definite-description rules.
* ``quotes``: direct quotes from quotation-mark pairs with an adjacent
  reporting verb, indirect quotes ``<speaker> <reporting verb> (that) <clause>``.
* ``events``: a CAMEO 1.1b3 trigger lexicon with nearest-actor arguments,
  modality-based realis and negation-based polarity.
* ``timexes``: TIMEX3 expressions normalised against the document date.

Pure standard library (``re``, ``datetime``), deterministic, no data files. The
lexicons contain general English words and general world knowledge only.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import re
from typing import Dict, List, Optional, Tuple

__all__ = ["RulesSystem"]

# ---------------------------------------------------------------------------
# Lexicons (general English, general gazetteers)
# ---------------------------------------------------------------------------

_COUNTRIES = """
afghanistan albania algeria andorra angola argentina armenia australia austria
azerbaijan bahrain bangladesh belarus belgium benin bhutan bolivia bosnia
botswana brazil brunei bulgaria burkina faso burundi cambodia cameroon canada
chad chile china colombia congo croatia cuba cyprus czechia czech republic
denmark djibouti ecuador egypt eritrea estonia eswatini ethiopia fiji finland
france gabon gambia georgia germany ghana greece guatemala guinea guyana haiti
honduras hungary iceland india indonesia iran iraq ireland israel italy
jamaica japan jordan kazakhstan kenya kosovo kuwait kyrgyzstan laos latvia
lebanon lesotho liberia libya liechtenstein lithuania luxembourg madagascar
malawi malaysia maldives mali malta mauritania mauritius mexico moldova monaco
mongolia montenegro morocco mozambique myanmar burma namibia nepal netherlands
new zealand nicaragua niger nigeria north korea north macedonia macedonia
norway oman pakistan palestine panama paraguay peru philippines poland
portugal qatar romania russia rwanda saudi arabia senegal serbia sierra leone
singapore slovakia slovenia somalia south africa south korea south sudan spain
sri lanka sudan suriname sweden switzerland syria taiwan tajikistan tanzania
thailand togo tunisia turkey turkmenistan uganda ukraine united arab emirates
uae united kingdom uk britain great britain england scotland wales
united states united states of america us usa america uruguay uzbekistan
venezuela vietnam yemen zambia zimbabwe soviet union ussr crimea donbas
donetsk luhansk gaza west bank hong kong
"""

# capitals and other cities that commonly stand for governments or places
_CITIES = """
washington moscow kyiv kiev minsk london paris berlin brussels beijing tokyo
rome madrid warsaw vienna prague budapest bucharest sofia athens ankara
istanbul tehran baghdad damascus beirut jerusalem tel aviv cairo riyadh doha
kabul islamabad new delhi delhi seoul pyongyang taipei ottawa canberra
stockholm oslo helsinki copenhagen tallinn riga vilnius lisbon dublin bern
geneva amsterdam the hague belgrade zagreb tbilisi yerevan baku chisinau
new york brasilia buenos aires mexico city havana caracas bogota lima
nairobi addis ababa pretoria johannesburg lagos abuja kharkiv odesa odessa
mariupol sevastopol st petersburg munich vladivostok
"""

_NORP = """
american americans russian russians ukrainian ukrainians european europeans
british french german germans chinese japanese korean koreans north korean
south korean iranian iranians iraqi iraqis syrian syrians israeli israelis
palestinian palestinians turkish turk turks polish pole poles belarusian
belarusians georgian georgians armenian armenians azerbaijani canadian
canadians australian australians indian indians pakistani pakistanis afghan
afghans saudi saudis egyptian egyptians italian italians spanish dutch
belgian swedish swede swedes finnish finn finns norwegian danish estonian
estonians latvian latvians lithuanian lithuanians romanian romanians
bulgarian hungarian hungarians czech slovak serbian serbs serb croatian
croats greek greeks mexican mexicans brazilian brazilians cuban venezuelan
soviet soviets western westerner westerners eastern arab arabs african
africans asian asians latin kurdish kurds muslim muslims christian
christians jewish jew jews catholic orthodox sunni shia shiite republican
republicans democrat democrats democratic transatlantic baltic nordic
moldovan kazakh taiwanese lebanese qatari emirati libyan yemeni sudanese
ethiopian nigerian kenyan
"""

_INTERNATIONAL_ORGS = """
nato|north atlantic treaty organization|north atlantic treaty organisation|
un|united nations|eu|european union|osce|iaea|imf|world bank|wto|who|
world health organization|g7|g20|brics|opec|asean|african union|au|
arab league|csto|sco|unicef|unesco|unhcr|interpol|icc|kremlin|pentagon|
white house|state department|european commission|european council|
european parliament|security council|un security council|red cross|
international committee of the red cross|congress|senate|duma|state duma|
bundestag|parliament|cia|fbi|kgb|fsb|gru|sbu|mi6|reuters|afp|ap|tass|
ria novosti|bbc|cnn|al jazeera|xinhua|gazprom|nord stream
"""

_REGIONS = """
europe|asia|africa|north america|south america|latin america|middle east|
central asia|eastern europe|western europe|central europe|southeast asia|
east asia|south asia|the balkans|balkans|the baltics|baltics|caucasus|
the caucasus|scandinavia|arctic|the arctic|antarctica|black sea|baltic sea|
mediterranean|the mediterranean|sea of azov|pacific|atlantic|indian ocean|
persian gulf|gulf|sahel|horn of africa|indo-pacific|eurasia|siberia|
the west|west|korean peninsula|taiwan strait|south china sea
"""

# names that OntoNotes keeps with their article ("the United States")
_WITH_ARTICLE = {
    ("united", "states"), ("united", "kingdom"), ("united", "nations"),
    ("european", "union"), ("netherlands",), ("philippines",), ("kremlin",),
    ("pentagon",), ("white", "house"), ("state", "department"),
    ("united", "arab", "emirates"), ("soviet", "union"), ("czech", "republic"),
    ("african", "union"), ("arab", "league"), ("security", "council"),
    ("european", "commission"), ("european", "parliament"), ("hague",),
    ("middle", "east"), ("balkans",), ("baltics",), ("caucasus",), ("arctic",),
    ("mediterranean",), ("west",), ("gulf",), ("black", "sea"),
    ("baltic", "sea"), ("red", "cross"), ("state", "duma"), ("duma",),
}

# head words of organisation names
_ORG_HEADS = {
    "alliance", "agency", "ministry", "council", "committee", "organization",
    "organisation", "union", "party", "bank", "fund", "corporation", "company",
    "inc", "ltd", "corp", "group", "department", "commission", "parliament",
    "assembly", "congress", "senate", "court", "army", "navy", "forces",
    "office", "university", "institute", "association", "federation",
    "movement", "front", "service", "services", "guard", "command", "times",
    "post", "news", "journal", "network", "agency", "bureau", "authority",
    "directorate", "secretariat", "cabinet", "government", "administration",
    "foundation", "center", "centre", "club", "league", "brigade", "battalion",
    "regiment", "division", "police", "tribunal", "duma", "rada", "kremlin",
}

_LOC_HEADS = {"sea", "ocean", "river", "mountains", "peninsula", "gulf",
              "strait", "valley", "lake", "coast", "region", "desert", "bay",
              "island", "islands"}
_FAC_HEADS = {"airport", "bridge", "palace", "square", "station", "base",
              "pipeline", "plant", "port", "harbour", "harbor", "stadium",
              "building", "tower", "hall", "cathedral", "prison"}

# lower-case nouns that signal an organisation right after a name
_ORG_RIGHT_CONTEXT = {"news", "agency", "newspaper", "broadcaster", "company",
                      "firm", "party", "alliance", "group", "daily", "channel",
                      "network", "magazine", "outlet", "bank", "ministry"}

# title words: core nouns and words that can be part of a title
_TITLE_CORE = {
    "president", "minister", "secretary", "secretary-general", "chancellor",
    "ambassador", "envoy", "spokesman", "spokeswoman", "spokesperson",
    "senator", "sen", "representative", "rep", "governor", "mayor", "king",
    "queen", "prince", "princess", "pope", "premier", "general", "gen",
    "admiral", "colonel", "col", "lieutenant", "lt", "major", "captain",
    "capt", "sergeant", "commander", "chief", "director", "chairman",
    "chairwoman", "chair", "commissioner", "adviser", "advisor", "leader",
    "speaker", "judge", "justice", "mr", "mrs", "ms", "dr", "prof",
    "professor", "sheikh", "emir", "ayatollah", "patriarch", "officer",
    "official", "diplomat", "negotiator", "head", "attorney", "counsellor",
    "counselor", "vice-president", "deputy", "undersecretary",
}
_TITLE_PARTS = _TITLE_CORE | {
    "foreign", "defence", "defense", "interior", "finance", "affairs",
    "state", "deputy", "vice", "prime", "first", "under", "assistant",
    "national", "security", "senior", "top", "acting", "former", "high",
    "supreme", "executive", "general", "economy", "trade", "justice",
    "health", "energy", "press", "homeland", "permanent", "special", "chief",
    "staff", "joint", "chiefs", "army", "military", "intelligence",
}

_FUNCTION_WORDS = set("""
a an the this that these those there here he she it we they i you his her its
our their my your him them us me who whom whose which what when where why how
and or but nor so yet for of on in at by to from with without into onto over
under after before since until during despite although though while as if
because also still even just only then thus however meanwhile moreover
furthermore nevertheless instead indeed perhaps maybe now today yesterday
tomorrow shortly soon later earlier again once not no yes all any some many
much more most few several each every both either neither other another such
one two three four five six seven eight nine ten first second third last next
according asked speaking following amid among against about above below
across along around behind beside between beyond near off out up down
is are was were be been being have has had do does did will would shall should
can could may might must let please like unlike within
""".split())

_REPORTING_VERBS = {
    "said", "says", "say", "told", "tells", "tell", "stressed", "stresses",
    "warned", "warns", "added", "adds", "asked", "asks", "noted", "notes",
    "insisted", "insists", "argued", "argues", "claimed", "claims", "denied",
    "denies", "explained", "explains", "stated", "states", "declared",
    "declares", "announced", "announces", "wrote", "writes", "emphasised",
    "emphasized", "emphasises", "emphasizes", "underlined", "underlines",
    "reiterated", "reiterates", "acknowledged", "acknowledges", "admitted",
    "admits", "suggested", "suggests", "replied", "replies", "responded",
    "continued", "concluded", "urged", "urges", "confirmed", "confirms",
    "recalled", "predicted", "promised", "vowed", "pledged", "assured",
    "cautioned", "complained", "conceded", "observed", "remarked", "tweeted",
    "saying", "adding", "telling", "warning", "stressing", "insisting",
}
_PARTICIPLE_CUES = {"saying", "adding", "telling", "warning", "stressing",
                    "insisting", "noting", "arguing", "explaining"}
_ADDRESSEE_VERBS = {"told", "tells", "tell", "telling", "warned", "warns",
                    "warning", "assured", "asked", "asks", "reminded",
                    "informed", "urged"}
# words that may stand between a speaker and the verb ("Russia has denied",
# "he also said"); any -ly adverb may too
_AUX_BETWEEN = {"has", "have", "had", "was", "is", "also", "again", "later",
                "earlier", "then", "once", "already", "further", "always",
                "often"}


def _between_speaker_and_cue(word: str) -> bool:
    return word in _AUX_BETWEEN or (word.endswith("ly") and len(word) > 4)

_ADDRESSEE_WORDS = {"reporters", "journalists", "lawmakers", "parliament",
                    "him", "her", "them", "us", "me", "you", "the", "press",
                    "a", "news", "conference", "briefing", "audience",
                    "officials", "diplomats", "leaders", "delegates",
                    "counterpart", "his", "their", "its", "colleagues",
                    "allies", "members"}

_MODALS = {"will", "would", "may", "might", "could", "can", "should", "must",
           "shall", "’ll", "'ll", "’d", "'d"}
_IRREALIS_CUES = {"to", "if", "unless", "whether", "plan", "plans", "planning",
                  "planned", "prepare", "prepares", "preparing", "prepared",
                  "want", "wants", "wanted", "seek", "seeks", "seeking",
                  "intend", "intends", "threatened", "threatens", "failed",
                  "fail", "fails", "hope", "hopes", "aim", "aims", "ready",
                  "possible", "potential", "imminent", "future", "proposed"}
_NEGATORS = {"not", "n’t", "n't", "never", "no", "without"}

_PRONOUNS_PERSON = {"he", "she", "him", "his", "her"}
_PRONOUNS_THING = {"it", "its"}
_POSSESSIVE_PRONOUNS = {"his", "her", "its", "their", "our", "my", "your"}
_ACTOR_PRONOUNS = {"he", "she", "it", "they", "we", "i"}

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
    "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
             "friday": 4, "saturday": 5, "sunday": 6}
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "million": 10 ** 6, "billion": 10 ** 9, "a": 1, "an": 1,
}
_ORDINAL_WORDS = ("first second third fourth fifth sixth seventh eighth ninth "
                  "tenth eleventh twelfth twentieth hundredth").split()
_UNIT = {"second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W",
         "month": "M", "year": "Y", "decade": "DE", "century": "CE",
         "weekend": "WE"}

_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov",
                  "lt", "col", "sgt", "capt", "prof", "jr", "sr", "inc", "ltd",
                  "co", "corp", "vs", "etc", "no", "jan", "feb", "mar", "apr",
                  "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
                  "adm", "maj", "cmdr", "fig", "approx"}


def _build_gazetteer() -> Dict[Tuple[str, ...], str]:
    gaz: Dict[Tuple[str, ...], str] = {}
    multi_country = [
        "burkina faso", "czech republic", "new zealand", "north korea",
        "north macedonia", "saudi arabia", "sierra leone", "south africa",
        "south korea", "south sudan", "sri lanka", "united arab emirates",
        "united kingdom", "great britain", "united states",
        "united states of america", "soviet union", "west bank", "hong kong",
    ]
    multi_city = ["tel aviv", "new delhi", "the hague", "new york",
                  "buenos aires", "mexico city", "addis ababa",
                  "st petersburg"]
    for blob, kind, multis in ((_COUNTRIES, "GPE", multi_country),
                               (_CITIES, "GPE", multi_city)):
        text = " " + " ".join(blob.split()) + " "
        for m in multis:
            gaz[tuple(m.split())] = kind
            text = text.replace(" " + m + " ", " ")
        for w in text.split():
            gaz[(w,)] = kind
    for w in _NORP.split():
        gaz[(w,)] = "NORP"
    gaz[("north", "korean")] = "NORP"
    gaz[("south", "korean")] = "NORP"
    for p in _INTERNATIONAL_ORGS.replace("\n", "").split("|"):
        p = p.strip()
        if p:
            gaz[tuple(p.split())] = "ORG"
    for p in _REGIONS.replace("\n", "").split("|"):
        p = p.strip()
        if p:
            words = tuple(w for w in p.split() if w != "the")
            gaz[words] = "LOC"
    return gaz


_GAZ = _build_gazetteer()
_GAZ_MAXLEN = max(len(k) for k in _GAZ)

# alias groups for coreference (normalised keys)
_ALIASES = {}
for _group in (
    ("united states", "us", "usa", "united states of america", "america"),
    ("united kingdom", "uk", "britain", "great britain"),
    ("united nations", "un"),
    ("european union", "eu"),
    ("nato", "north atlantic treaty organization",
     "north atlantic treaty organisation"),
    ("soviet union", "ussr"),
    ("kyiv", "kiev"),
    ("united arab emirates", "uae"),
):
    for _a in _group:
        _ALIASES[_a] = _group[0]

# ---------------------------------------------------------------------------
# CAMEO 1.1b3 trigger lexicon (own wording; codes checked against the
# codebook's event list). Each entry: (token regex, code, options).
#   needs:   words of which one must occur within +-6 tokens (sense filter)
#   refine:  appeal/demand/threat families refined by what follows
#   refusal: the verb is itself a rejection (polarity stays positive)
#   phrase:  a second token that is part of the trigger ("call" "on")
# ---------------------------------------------------------------------------

_FORCE_WORDS = {"troops", "troop", "forces", "soldiers", "army", "military",
                "units", "tanks", "missiles", "weapons", "warships",
                "battalions", "brigades", "aircraft", "jets", "servicemen",
                "reservists", "equipment", "personnel", "artillery"}
_RESPONSE_WORDS = {"response", "responses", "reply", "replies", "answer",
                   "answers", "proposal", "proposals", "counterproposal",
                   "counterproposals", "letter", "letters", "document",
                   "message", "note", "demands", "ultimatum", "draft",
                   "drafts", "offer", "documents", "plan"}
_PROPOSAL_WORDS = {"proposal", "proposals", "offer", "plan", "project",
                   "option", "options", "response", "idea", "ideas", "it",
                   "them", "document", "text", "draft", "demands", "request"}

# refinement tables for appeal (02x), demand (10x), intent (03x)
_REFINE = [
    (("de-escalate", "de-escalation", "deescalate", "withdraw", "withdrawal",
      "pull", "ceasefire", "truce", "disengage", "demobilise", "demobilize"),
     {"02": "0256", "10": "1056", "03": "0356"}),
    (("negotiate", "negotiations", "talks", "dialogue", "meet", "meeting",
      "summit", "diplomacy"), {"02": "026", "10": "106", "03": "036"}),
    (("settle", "settlement", "resolve", "resolution", "peace"),
     {"02": "027", "10": "107", "03": "037"}),
    (("mediate", "mediation", "mediator"), {"02": "028", "10": "108", "03": "039"}),
    (("aid", "assistance", "help"), {"02": "023", "10": "103", "03": "033"}),
    (("release", "free", "prisoners", "hostages"),
     {"02": "0253", "10": "1053", "03": "0353"}),
    (("sanctions", "embargo", "boycott"), {"02": "0254", "10": "1054", "03": "0354"}),
    (("reform", "reforms", "resign", "elections"), {"02": "024", "10": "104", "03": "034"}),
    (("ties", "relations", "recognition", "support", "recognise", "recognize"),
     {"02": "022", "10": "102", "03": "032"}),
    (("cooperation", "cooperate"), {"02": "021", "10": "101", "03": "031"}),
]
_THREAT_REFINE = [
    (("attack", "invade", "invasion", "force", "military", "war", "strike",
      "strikes", "bomb"), "138"),
    (("sanctions", "embargo", "boycott"), "1312"),
    (("ties", "relations"), "1313"),
    (("talks", "negotiations"), "134"),
]


def _E(pattern: str, code: str, **opts):
    return (re.compile(r"(?:%s)\Z" % pattern), code, opts)


_EVENT_LEXICON = [
    # 01 public statements
    _E(r"den(?:y|ies|ied|ying|ial|ials)", "016"),
    _E(r"warn(?:s|ed|ing)?", "012", warn=True),
    _E(r"stud(?:y|ies|ied|ying)|reviews?|reviewed|reviewing|mull(?:s|ed|ing)?",
       "014", needs=_PROPOSAL_WORDS, not_after={"a", "the", "this"}),
    _E(r"consider(?:s|ed|ing)?", "014", needs=_PROPOSAL_WORDS),
    # 02 appeal
    _E(r"call(?:s|ed|ing)?", "020", phrase={"on", "upon", "for"}, refine="02"),
    _E(r"appeal(?:s|ed|ing)?", "020", phrase={"to", "for"}, refine="02"),
    _E(r"urg(?:e|es|ed|ing)", "020", refine="02"),
    _E(r"plead(?:s|ed|ing)?|pled", "020", refine="02"),
    # 03 intent to cooperate
    _E(r"offer(?:s|ed|ing)?", "030", not_after={"an", "the", "their", "its",
                                                "a", "this"}),
    _E(r"promis(?:e|es|ed|ing)|pledg(?:e|es|ed|ing)|vow(?:s|ed|ing)?", "030",
       refine="03"),
    _E(r"agree(?:s|d|ing)?", "030", refine="03", negatable_refusal=True),
    _E(r"accept(?:s|ed|ing)?", "030", negatable_refusal=True),
    # 04 consult
    _E(r"talks", "040", not_after={"peace"}),
    _E(r"consult(?:s|ed|ing|ation|ations)?", "040"),
    _E(r"meet(?:s|ing|ings)?|met", "040", needs={"with", "between", "counterpart",
                                                  "leaders", "summit"}),
    _E(r"summit", "040"),
    _E(r"visit(?:s|ed|ing)?", "042", not_after={"a", "the"}),
    _E(r"mediat(?:e|es|ed|ing|ion)", "045"),
    _E(r"negotiat(?:e|es|ed|ing|ion|ions)", "046"),
    _E(r"deliver(?:s|ed|ing|y)?|hand(?:s|ed)|submit(?:s|ted|ting)?|sent|send(?:s|ing)?",
       "046", needs=_RESPONSE_WORDS),
    # 05 diplomatic cooperation
    _E(r"prais(?:e|es|ed|ing)|endors(?:e|es|ed|ing)|welcom(?:e|es|ed|ing)", "051"),
    _E(r"apologi[sz](?:e|es|ed|ing)", "055"),
    _E(r"sign(?:s|ed|ing)?", "057", needs={"agreement", "treaty", "deal",
                                           "accord", "memorandum", "pact"}),
    _E(r"cooperat(?:e|es|ed|ing)", "050"),
    # 07 aid
    _E(r"provid(?:e|es|ed|ing)|suppl(?:y|ies|ied|ying)", "070",
       needs={"aid", "assistance", "weapons", "arms", "support", "funding"}),
    # 08 yield
    _E(r"de-?escalat(?:e|es|ed|ing|ion)", "087"),
    _E(r"withdr(?:aw|aws|ew|awn|awing|awal)|pull(?:s|ed|ing)?", "087",
       needs={"troops", "forces", "soldiers", "army", "units", "back", "out"}),
    _E(r"ceasefire|truce", "0871"),
    _E(r"releas(?:e|es|ed|ing)", "084", needs={"prisoners", "hostages",
                                               "detainees", "captives"}),
    # 09 investigate
    _E(r"investigat(?:e|es|ed|ing|ion)|probe", "090"),
    # 10 demand
    _E(r"demand(?:s|ed|ing)?", "100", refine="10"),
    _E(r"insist(?:s|ed|ing)?", "100", phrase={"on"}, refine="10", phrase_only=True),
    # 11 disapprove
    _E(r"critici[sz](?:e|es|ed|ing|m)|condemn(?:s|ed|ing|ation)?|denounc(?:e|es|ed|ing)",
       "111"),
    _E(r"accus(?:e|es|ed|ing|ation|ations)|blam(?:e|es|ed|ing)", "112"),
    _E(r"complain(?:s|ed|ing|t|ts)?", "114"),
    # 12 reject
    _E(r"reject(?:s|ed|ing|ion)?|rebuff(?:s|ed)?|dismiss(?:es|ed)?|spurn(?:s|ed)?",
       "120", refusal=True),
    _E(r"refus(?:e|es|ed|ing|al)", "120", refusal=True),
    _E(r"oppos(?:e|es|ed|ing|ition)", "120", refusal=True),
    _E(r"veto(?:es|ed)?", "129", refusal=True),
    _E(r"def(?:y|ies|ied|ying|iance)", "128", refusal=True),
    # 13 threaten
    _E(r"threat(?:en|ens|ened|ening|s)?", "130", threat=True),
    _E(r"ultimatum", "139"),
    # 14 protest
    _E(r"protest(?:s|ed|ing)?", "140"),
    # 15 force posture
    _E(r"amass(?:es|ed|ing)?|mass(?:ing|ed)|deploy(?:s|ed|ing|ment|ments)?|"
       r"mobili[sz](?:e|es|ed|ing|ation)|build-?up|reinforc(?:e|es|ed|ing|ements)",
       "154", needs=_FORCE_WORDS),
    _E(r"drills|exercises|manoeuvres|maneuvers", "150",
       needs={"military", "naval", "joint", "war", "army", "troops", "nuclear"}),
    # 16 reduce relations
    _E(r"expel(?:s|led|ling)?|expulsion", "166"),
    _E(r"sanction(?:s|ed|ing)?", "163"),
    _E(r"sever(?:s|ed|ing)?", "161", needs={"ties", "relations"}),
    # 17 coerce
    _E(r"arrest(?:s|ed|ing)?|detain(?:s|ed|ing)?", "173"),
    _E(r"seiz(?:e|es|ed|ing)|confiscat(?:e|es|ed|ing)", "171"),
    # 18 assault
    _E(r"abduct(?:s|ed|ing)?|kidnap(?:s|ped|ping)?|hijack(?:s|ed|ing)?", "181"),
    _E(r"assassinat(?:e|es|ed|ion)", "186"),
    # 19 fight
    _E(r"invad(?:e|es|ed|ing)|invasion|incursion|offensive", "190"),
    _E(r"attack(?:s|ed|ing)?|assault(?:s|ed)?|fight(?:s|ing)?|fought|clash(?:es|ed)?",
       "190"),
    _E(r"blockade(?:s|d)?", "191"),
    _E(r"occup(?:y|ies|ied|ying|ation)|annex(?:es|ed|ing|ation)", "192"),
    _E(r"shell(?:s|ed|ing)", "194"),
    _E(r"airstrikes?|bomb(?:s|ed|ing|ings)?", "195"),
]

# ---------------------------------------------------------------------------
# Tokenisation and sentences
# ---------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"""
      (?:[A-Za-z]\.){2,}                 # U.S., U.K.
    | \w+?(?=n[’']t\b)                   # do|n't
    | n[’']t\b
    | (?<=\w)[’'](?:s|S|ve|re|ll|d|m)\b  # clitics
    | \$?\d+(?:[.,:]\d+)*%?              # numbers, times
    | \w+(?:[-‑]\w+)*                    # words, S-400, de-escalate
    | \S                                 # any other symbol
    """,
    re.X,
)

_OPEN_QUOTES = {"“", "‘", "«"}
_CLOSE_QUOTES = {"”", "’", "»"}


class _Tok:
    __slots__ = ("i", "start", "end", "text", "low", "sent")

    def __init__(self, i, start, end, text):
        self.i = i
        self.start = start
        self.end = end
        self.text = text
        self.low = text.lower().replace("'", "’")
        self.sent = 0

    def __repr__(self):  # pragma: no cover - debugging aid
        return "Tok(%r@%d)" % (self.text, self.start)


def _is_cap(tok: _Tok) -> bool:
    t = tok.text
    return (t[:1].isupper() and any(c.isalpha() for c in t)
            and t not in ("I",) and not t.startswith("’"))


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return len(letters) >= 2 and letters.isupper() and letters.isalpha()


def _span(text: str, start: int, end: int) -> dict:
    return {"start": start, "end": end, "text": text[start:end]}


class _Doc:
    """Tokens, sentences and lines of one text."""

    def __init__(self, text: str):
        self.text = text
        self.toks: List[_Tok] = [
            _Tok(i, m.start(), m.end(), m.group())
            for i, m in enumerate(_TOKEN_RE.finditer(text))
        ]
        self.starts = [t.start for t in self.toks]
        self.by_start = {t.start: t.i for t in self.toks}
        self.by_end = {t.end: t.i for t in self.toks}
        self.sents: List[Tuple[int, int]] = []  # token index ranges [a, b)
        self._split_sentences()
        self.initial = set()   # token indices in sentence-initial position
        for a, b in self.sents:
            k = a
            while k < b and (self.is_opener(k) or self.toks[k].text in "([-—–"):
                k += 1
            if k < b:
                self.initial.add(k)
        for t in self.toks:
            if self.is_opener(t.i) and t.i + 1 < len(self.toks):
                self.initial.add(t.i + 1)
        # lines, for heading detection
        self.heading_tok = set()
        pos = 0
        for line in text.split("\n"):
            lstart, lend = pos, pos + len(line)
            pos = lend + 1
            idx = list(range(bisect.bisect_left(self.starts, lstart),
                             bisect.bisect_left(self.starts, lend)))
            if not idx:
                continue
            words = [self.toks[i] for i in idx if self.toks[i].text[:1].isalpha()]
            last = self.toks[idx[-1]].text
            if (len(idx) <= 10 and last not in ".!?:”\"" and len(words) >= 2
                    and all(_is_cap(w) for w in words if len(w.text) >= 4)):
                self.heading_tok.update(idx)

    def is_opener(self, i: int) -> bool:
        """An opening quotation mark (curly, or ASCII before a word)."""
        t = self.toks[i]
        if t.text in _OPEN_QUOTES:
            return True
        if t.text != "\"":
            return False
        before = self.text[t.start - 1:t.start] if t.start else " "
        after = self.text[t.end:t.end + 1]
        return (before.isspace() or before in "([—–" or not before) and \
            after != "" and not after.isspace()

    def gap(self, i: int, j: int) -> str:
        """Text between token i and token j (j > i)."""
        return self.text[self.toks[i].end:self.toks[j].start]

    def _split_sentences(self):
        toks = self.toks
        n = len(toks)
        ends: List[int] = []  # exclusive token index where a sentence ends
        i = 0
        while i < n:
            t = toks[i]
            if i + 1 < n and "\n" in self.gap(i, i + 1):
                ends.append(i + 1)
            elif t.text in (".", "!", "?"):
                prev = toks[i - 1].low if i > 0 else ""
                j = i + 1
                while j < n and toks[j].text in _CLOSE_QUOTES | {")", "\"", "'"}:
                    j += 1
                abbrev = t.text == "." and i > 0 and toks[i - 1].end == t.start and (
                    prev in _ABBREVIATIONS or (len(prev) == 1 and prev.isalpha()))
                if j < n and not abbrev and toks[j - 1].end < toks[j].start and (
                        toks[j].text[:1].isupper() or toks[j].text[:1].isdigit()
                        or toks[j].text in _OPEN_QUOTES or toks[j].text == "\""):
                    ends.append(j)  # closing quotes stay with this sentence
                    i = j
                    continue
            i += 1
        start = 0
        for e in ends + [n]:
            if e > start:
                self.sents.append((start, e))
                start = e
        for si, (a, b) in enumerate(self.sents):
            for k in range(a, b):
                toks[k].sent = si

    def sent_range(self, i: int) -> Tuple[int, int]:
        return self.sents[self.toks[i].sent]

    def tok_at(self, offset: int) -> Optional[int]:
        return self.by_start.get(offset)

    def toks_in(self, start: int, end: int) -> List[int]:
        out = []
        i = bisect.bisect_left(self.starts, start)
        while i < len(self.toks) and self.toks[i].end <= end:
            out.append(i)
            i += 1
        return out

    def tok_index_at_or_after(self, offset: int) -> Optional[int]:
        i = bisect.bisect_left(self.starts, offset)
        if i > 0 and self.toks[i - 1].end > offset:
            i -= 1
        return i if i < len(self.toks) else None


# ---------------------------------------------------------------------------
# Timexes
# ---------------------------------------------------------------------------

_MONTH_RE = (r"(?:January|February|March|April|May|June|July|August|September|"
             r"October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|"
             r"Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_WEEKDAY_RE = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUMW = (r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
         r"twelve|fifteen|twenty|thirty|forty|fifty|\d+(?:\.\d+)?)")
_VAGUE = r"(?:a\s+few|few|several|a\s+couple\s+of|couple\s+of|many|some)"
_UNITS_RE = r"(?:second|minute|hour|day|week|month|year|decade|century)"
_MOD_RE = (r"(?:almost|nearly|about|around|approximately|roughly|some|over|"
           r"more\s+than|less\s+than|fewer\s+than|at\s+least|at\s+most|up\s+to|"
           r"just\s+under|just\s+over|under|only|barely)")
_MOD_VALUES = {
    "almost": "LESS_THAN", "nearly": "LESS_THAN", "less than": "LESS_THAN",
    "fewer than": "LESS_THAN", "just under": "LESS_THAN", "under": "LESS_THAN",
    "barely": "LESS_THAN",
    "about": "APPROX", "around": "APPROX", "approximately": "APPROX",
    "roughly": "APPROX", "some": "APPROX",
    "over": "MORE_THAN", "more than": "MORE_THAN", "just over": "MORE_THAN",
    "at least": "EQUAL_OR_MORE", "at most": "EQUAL_OR_LESS",
    "up to": "EQUAL_OR_LESS",
}

_TIMEX_PATTERNS = [
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("mdy", re.compile(r"\b(?:" + _WEEKDAY_RE + r",?\s+)?(" + _MONTH_RE +
                       r")\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?")),
    ("dmy", re.compile(r"\b(?:" + _WEEKDAY_RE + r",?\s+)?(\d{1,2})(?:st|nd|rd|th)?"
                       r"\s+(?:of\s+)?(" + _MONTH_RE + r")(?:,?\s+(\d{4})\b)?")),
    ("my", re.compile(r"\b(" + _MONTH_RE + r"),?\s+(\d{4})\b")),
    ("month", re.compile(r"\b(?:(early|mid|late)[-\s])?(January|February|March|April|June|July|"
                         r"August|September|October|November|December)\b")),
    ("ago", re.compile(r"\b(" + _NUMW + r"|" + _VAGUE + r")\s+(" + _UNITS_RE +
                       r")s?\s+ago\b", re.I)),
    ("set", re.compile(r"\b(?:every|each)\s+(?:(other)\s+)?(" + _UNITS_RE +
                       r"|" + _WEEKDAY_RE + r"|morning|evening|night)\b|"
                       r"\b(daily|weekly|monthly|annually|yearly|hourly|nightly)\b|"
                       r"\b(once|twice)\s+an?\s+(" + _UNITS_RE + r")\b", re.I)),
    ("vague_dur", re.compile(r"\b(?:(the)\s+)?(past|last|next|coming|previous|"
                             r"recent|following)\s+(" + _VAGUE + r"|" + _NUMW +
                             r")\s+(" + _UNITS_RE + r")s?\b", re.I)),
    ("dur", re.compile(r"\b(?:(" + _MOD_RE + r")\s+)?(" + _NUMW + r"|" + _VAGUE +
                       r")\s+(" + _UNITS_RE + r")s?(\s+and\s+a\s+half)?\b", re.I)),
    ("plural_dur", re.compile(r"(?<=\bfor\s)(?:many\s+)?(days|weeks|months|years|"
                              r"decades)\b", re.I)),
    ("rel", re.compile(r"\b(this|last|next|past|previous|coming)\s+"
                       r"(week|month|year|weekend|" + _WEEKDAY_RE + r")\b", re.I)),
    ("weekday", re.compile(r"\b" + _WEEKDAY_RE + r"\b")),
    ("deictic", re.compile(r"\b(today|tonight|yesterday|tomorrow)\b", re.I)),
    ("part", re.compile(r"\b(this|yesterday|tomorrow)\s+(morning|afternoon|evening)\b",
                        re.I)),
    ("clock", re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(a\.m\.|p\.m\.|am|pm)(?!\w)",
                         re.I)),
    ("now", re.compile(r"\b(?:right\s+)?now\b|\bcurrently\b|\bat\s+present\b", re.I)),
    ("past_ref", re.compile(r"\brecently\b|\bin\s+the\s+past\b", re.I)),
    ("future_ref", re.compile(r"\bin\s+the\s+(?:near\s+)?future\b", re.I)),
    ("year", re.compile(r"(?<![\w$.,-])(1[89]\d{2}|20\d{2})(?![\w.,-]\d)(?!-)")),
]

_FUTURE_HINTS = {"will", "’ll", "'ll", "next", "shall", "going", "scheduled",
                 "due", "plans", "expected", "upcoming", "coming"}


def _num_value(word: str) -> Optional[float]:
    w = word.lower()
    if w in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[w])
    try:
        return float(w)
    except ValueError:
        return None


def _fmt_num(x: float) -> str:
    return str(int(x)) if x == int(x) else ("%g" % x)


class _Timexer:
    def __init__(self, doc: _Doc, date: Optional[_dt.date]):
        self.doc = doc
        self.date = date

    # helpers -------------------------------------------------------------
    def _is_future(self, start: int) -> bool:
        """Tense around a date word: a past verb nearby wins, then a future hint."""
        doc = self.doc
        ti = doc.tok_index_at_or_after(start)
        if ti is None:
            return False
        a, b = doc.sent_range(ti)
        window = []
        for j in range(ti - 1, max(a, ti - 7) - 1, -1):
            if doc.toks[j].text in _OPEN_QUOTES or doc.toks[j].text in _CLOSE_QUOTES:
                break
            window.append(doc.toks[j].low)
        for j in range(ti + 1, min(b, ti + 4)):
            if doc.toks[j].text in _OPEN_QUOTES or doc.toks[j].text in _CLOSE_QUOTES:
                break
            window.append(doc.toks[j].low)
        if any(w in _REPORTING_VERBS and w.endswith(("ed", "aid", "old", "ote")) or
               (w.endswith("ed") and len(w) > 4) or w in ("was", "were", "had", "did")
               for w in window):
            return False
        return any(w in _FUTURE_HINTS for w in window)

    def _weekday(self, wd: int, start: int, which: Optional[str] = None) -> str:
        if self.date is None:
            return "XXXX-XX-XX"
        d = self.date
        if which == "next":
            delta = (wd - d.weekday()) % 7 or 7
            return (d + _dt.timedelta(days=delta)).isoformat()
        if which in ("last", "past", "previous"):
            delta = (d.weekday() - wd) % 7 or 7
            return (d - _dt.timedelta(days=delta)).isoformat()
        if self._is_future(start):
            delta = (wd - d.weekday()) % 7
            return (d + _dt.timedelta(days=delta)).isoformat()
        delta = (d.weekday() - wd) % 7
        return (d - _dt.timedelta(days=delta)).isoformat()

    def _year(self, y: Optional[str]) -> str:
        if y:
            return y
        return "%04d" % self.date.year if self.date else "XXXX"

    def _shift(self, n: float, unit: str, sign: int) -> str:
        d = self.date
        if d is None:
            return "XXXX-XX-XX"
        n_int = int(round(n))
        if unit == "D":
            return (d + _dt.timedelta(days=sign * n_int)).isoformat()
        if unit == "W":
            y, w, _ = (d + _dt.timedelta(weeks=sign * n_int)).isocalendar()
            return "%04d-W%02d" % (y, w)
        if unit == "M":
            m = d.year * 12 + d.month - 1 + sign * n_int
            return "%04d-%02d" % (m // 12, m % 12 + 1)
        if unit == "Y":
            return "%04d" % (d.year + sign * n_int)
        if unit == "DE":
            return "%03d" % ((d.year + sign * 10 * n_int) // 10)
        return "PAST_REF" if sign < 0 else "FUTURE_REF"

    # main ----------------------------------------------------------------
    def find(self) -> List[dict]:
        text = self.doc.text
        found: List[dict] = []
        taken = [False] * (len(text) + 1)

        def add(start, end, typ, value, mod=None):
            if start >= end or any(taken[start:end]):
                return
            for k in range(start, end):
                taken[k] = True
            item = {"start": start, "end": end, "text": text[start:end],
                    "type": typ, "value": value}
            if mod:
                item["mod"] = mod
            found.append(item)

        for kind, rx in _TIMEX_PATTERNS:
            for m in rx.finditer(text):
                s, e = m.start(), m.end()
                if any(taken[s:e]):
                    continue
                res = self._normalise(kind, m)
                if res is None:
                    continue
                typ, value, mod = res
                add(s, e, typ, value, mod)
        found.sort(key=lambda x: x["start"])
        return found

    def _normalise(self, kind: str, m: "re.Match"):
        d = self.date
        g = m.groups()
        if kind == "iso":
            return "DATE", m.group(0), None
        if kind in ("mdy", "dmy"):
            if kind == "mdy":
                mon, day, year = g
            else:
                day, mon, year = g
            month = _MONTHS[mon.lower().rstrip(".")]
            day_i = int(day)
            if not 1 <= day_i <= 31:
                return None
            return "DATE", "%s-%02d-%02d" % (self._year(year), month, day_i), None
        if kind == "my":
            return "DATE", "%s-%02d" % (g[1], _MONTHS[g[0].lower().rstrip(".")]), None
        if kind == "month":
            value = "%s-%02d" % (self._year(None), _MONTHS[g[1].lower()])
            mod = {"early": "START", "mid": "MID", "late": "END"}.get((g[0] or "").lower())
            return "DATE", value, mod
        if kind == "ago":
            n = _num_value(g[0].split()[-1])
            unit = _UNIT[g[1].lower()]
            if n is None:
                return "DATE", "PAST_REF", None
            return "DATE", self._shift(n, unit, -1), None
        if kind == "set":
            if g[2]:
                adv = g[2].lower()
                unit = {"daily": "P1D", "weekly": "P1W", "monthly": "P1M",
                        "annually": "P1Y", "yearly": "P1Y", "hourly": "PT1H",
                        "nightly": "P1D"}[adv]
                return "SET", unit, None
            if g[3]:
                return "SET", "P1" + _UNIT[g[4].lower()], None
            every = g[1]
            n = "2" if g[0] else "1"
            if every.lower() in ("morning", "evening", "night"):
                return "SET", "P1D", None
            if every.capitalize() in (w.capitalize() for w in _WEEKDAYS):
                return "SET", "XXXX-WXX-%d" % (_WEEKDAYS[every.lower()] + 1), None
            u = _UNIT[every.lower()]
            return "SET", ("PT" if u in ("H",) else "P") + n + u, None
        if kind == "vague_dur":
            qty = g[2].lower()
            unit = _UNIT[g[3].lower()]
            n = _num_value(qty.split()[-1]) if not re.match(_VAGUE, qty) else None
            value = "P%s%s" % (_fmt_num(n) if n is not None else "X", unit)
            if unit in ("H", "S") or (unit == "M" and g[3].lower() == "minute"):
                value = "PT" + value[1:]
            return "DURATION", value, None
        if kind == "dur":
            mod_w, qty, unit_w, half = g
            # "a day" inside "once a day" is handled by 'set'; require a
            # preceding duration preposition or modifier for bare "a/an".
            qty_l = re.sub(r"\s+", " ", qty.lower())
            before = self.doc.text[max(0, m.start() - 12):m.start()].lower()
            if qty_l in ("a", "an") and not mod_w and not half and not re.search(
                    r"\b(for|over|in|within|after|lasting|than)\s+$", before):
                return None
            if qty_l in ("some", "many") and not re.search(r"\b(for|over)\s+$", before):
                return None
            unit = _UNIT[unit_w.lower()]
            n = None if re.match(_VAGUE, qty_l) else _num_value(qty_l)
            if n is not None and half:
                n += 0.5
            num = _fmt_num(n) if n is not None else "X"
            value = ("PT" if unit in ("H", "S") or unit_w.lower() == "minute" else "P") \
                + num + unit
            mod = _MOD_VALUES.get(re.sub(r"\s+", " ", mod_w.lower())) if mod_w else None
            return "DURATION", value, mod
        if kind == "plural_dur":
            return "DURATION", "PX" + _UNIT[g[0].lower()[:-1]], None
        if kind == "rel":
            which, what = g[0].lower(), g[1].lower()
            if what in _WEEKDAYS:
                return "DATE", self._weekday(_WEEKDAYS[what], m.start(), which), None
            sign = {"this": 0, "last": -1, "past": -1, "previous": -1,
                    "next": 1, "coming": 1}[which]
            if what == "weekend":
                if d is None:
                    return "DATE", "XXXX-WXX-WE", None
                y, w, _ = (d + _dt.timedelta(weeks=sign)).isocalendar()
                return "DATE", "%04d-W%02d-WE" % (y, w), None
            unit = _UNIT[what]
            if d is None:
                return "DATE", {"W": "XXXX-WXX", "M": "XXXX-XX", "Y": "XXXX"}[unit], None
            return "DATE", self._shift(abs(sign), unit, sign if sign else 1), None
        if kind == "weekday":
            return "DATE", self._weekday(_WEEKDAYS[m.group(0).lower()], m.start()), None
        if kind == "deictic":
            w = g[0].lower()
            if d is None:
                return ("TIME", "XXXX-XX-XXTNI", None) if w == "tonight" else \
                    ("DATE", "XXXX-XX-XX", None)
            off = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[w]
            value = (d + _dt.timedelta(days=off)).isoformat()
            if w == "tonight":
                return "TIME", value + "TNI", None
            return "DATE", value, None
        if kind == "part":
            w, part = g[0].lower(), g[1].lower()
            off = {"this": 0, "yesterday": -1, "tomorrow": 1}[w]
            suffix = {"morning": "TMO", "afternoon": "TAF", "evening": "TEV"}[part]
            base = (d + _dt.timedelta(days=off)).isoformat() if d else "XXXX-XX-XX"
            return "TIME", base + suffix, None
        if kind == "clock":
            h = int(g[0])
            mi = int(g[1]) if g[1] else 0
            if not 1 <= h <= 12 or mi > 59:
                return None
            if g[2].lower().startswith("p") and h != 12:
                h += 12
            if g[2].lower().startswith("a") and h == 12:
                h = 0
            base = d.isoformat() if d else "XXXX-XX-XX"
            return "TIME", "%sT%02d:%02d" % (base, h, mi), None
        if kind == "now":
            return "DATE", "PRESENT_REF", None
        if kind == "past_ref":
            return "DATE", "PAST_REF", None
        if kind == "future_ref":
            return "DATE", "FUTURE_REF", None
        if kind == "year":
            return "DATE", g[0], None
        return None


# ---------------------------------------------------------------------------
# Entities
# ---------------------------------------------------------------------------

_NUMBER_ENTITY_RE = re.compile(
    r"""
      (?P<money>(?:US)?\$\s?\d+(?:[.,]\d+)*(?:\s+(?:million|billion|trillion))?
        | \b\d+(?:[.,]\d+)*\s+(?:million\s+|billion\s+)?(?:dollars|euros|pounds|roubles|rubles|hryvnias)\b)
    | (?P<percent>\b\d+(?:[.,]\d+)?\s?(?:%|percent\b|per\s+cent\b))
    | (?P<quantity>\b\d+(?:[.,]\d+)*\s+(?:km|kilometres|kilometers|miles|metres|meters|
        tonnes|tons|kg|kilograms|square\s+kilometres|square\s+miles)\b)
    | (?P<ordinal>\b(?:ORDINALS)\b|\b\d+(?:st|nd|rd|th)\b)
    | (?P<cardinal>\b(?:tens|hundreds|thousands|millions|billions)\s+of\s+(?:thousands|millions)\b
        | \b(?:dozens|hundreds|thousands|millions|billions|tens)\b
        | \b\d+(?:[.,]\d+)*(?:\s+(?:million|billion|trillion|thousand|hundred))?\b
        | \b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|
             thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|
             thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|a\ dozen|dozen)
          (?:[\s-](?:one|two|three|four|five|six|seven|eight|nine|hundred|thousand|million|billion))*\b)
    """.replace("ORDINALS", "|".join(_ORDINAL_WORDS)),
    re.X | re.I,
)
_PRODUCT_RE = re.compile(r"(?<![\w-])(?:[A-Z][A-Za-z]{0,3}-\d{1,4}[A-Z]{0,2}|"
                         r"[A-Z]{2,5}\d{1,4})(?![\w-])")


def _norm_tok(t: str) -> str:
    return t.lower().replace(".", "").replace("’", "'")


class _Entity:
    __slots__ = ("start", "end", "type", "text", "toks", "modifier", "possessive")

    def __init__(self, start, end, typ, text):
        self.start, self.end, self.type, self.text = start, end, typ, text
        self.toks: List[int] = []
        self.modifier = False
        self.possessive = False

    def as_dict(self):
        return {"start": self.start, "end": self.end, "type": self.type,
                "text": self.text}


class _EntityFinder:
    def __init__(self, doc: _Doc, timexes: List[dict]):
        self.doc = doc
        self.timexes = timexes

    def _gaz_match(self, idx: List[int], pos: int) -> Tuple[int, Optional[str]]:
        toks = self.doc.toks
        best = (0, None)
        for L in range(min(_GAZ_MAXLEN, len(idx) - pos), 0, -1):
            key = tuple(_norm_tok(toks[idx[pos + k]].text) for k in range(L))
            typ = _GAZ.get(key)
            if typ:
                # acronym gazetteer entries (us, un, who, ap, au) need capitals
                if L == 1 and len(key[0]) <= 3 and not toks[idx[pos]].text.replace(".", "").isupper():
                    continue
                return L, typ
        return best

    def _runs(self) -> List[List[int]]:
        """Maximal runs of capitalised tokens (with name-internal connectors)."""
        doc, toks = self.doc, self.doc.toks
        runs, i, n = [], 0, len(toks)
        blocked = set()
        for tx in self.timexes:
            blocked.update(doc.toks_in(tx["start"], tx["end"]))

        def capok(k):
            return (k < n and _is_cap(toks[k]) and k not in blocked
                    and toks[k].low.rstrip(".") not in _MONTHS
                    and toks[k].low not in _WEEKDAYS)

        def adjacent(a, b):
            g = doc.gap(a, b)
            return g != "" and g.isspace() and "\n" not in g

        while i < n:
            if not capok(i):
                i += 1
                continue
            run = [i]
            j = i
            while True:
                if j + 1 < n and capok(j + 1) and adjacent(j, j + 1):
                    j += 1
                    run.append(j)
                elif (j + 2 < n and toks[j + 1].low in ("of", "for", "de", "al",
                                                        "bin", "von", "van", "der",
                                                        "la", "du")
                      and capok(j + 2) and adjacent(j, j + 1) and adjacent(j + 1, j + 2)):
                    run.extend([j + 1, j + 2])
                    j += 2
                else:
                    break
            runs.append(run)
            i = j + 1
        return runs

    def find(self) -> List[_Entity]:
        doc, toks, text = self.doc, self.doc.toks, self.doc.text
        runs = self._runs()
        # capitalised words seen outside sentence-initial position
        mid_caps = set()
        for run in runs:
            for k in run:
                if k not in doc.initial and k not in doc.heading_tok:
                    mid_caps.add(toks[k].low)

        pieces: List[Tuple[List[int], Optional[str], str]] = []  # (idx, type, why)
        for run in runs:
            pieces.extend(self._segment(run, mid_caps))

        # names of people (multi-token) for surname typing
        # (multi-token runs first: their last words type lone surnames)
        pieces = [(idx, typ if typ or len(idx) == 1 else self._type_unknown(idx, set()), why)
                  for idx, typ, why in pieces]
        surnames = {toks[idx[-1]].low for idx, typ, _ in pieces
                    if typ == "PERSON" and len(idx) >= 2}
        typed = []
        for idx, typ, why in pieces:
            if typ is None:
                typ = self._type_unknown(idx, surnames)
            if typ:
                typed.append((idx, typ))

        cands: List[Tuple[int, int, int, str]] = []  # (priority, start, end, type)
        for idx, typ in typed:
            s, e = toks[idx[0]].start, toks[idx[-1]].end
            key = tuple(_norm_tok(toks[k].text) for k in idx)
            if key in _WITH_ARTICLE and idx[0] > 0 and toks[idx[0] - 1].low == "the" \
                    and doc.gap(idx[0] - 1, idx[0]).isspace():
                s = toks[idx[0] - 1].start
            cands.append((2, s, e, typ))
        for m in _PRODUCT_RE.finditer(text):  # model designations: S-400, F-16, MiG-29
            cands.append((0, m.start(), m.end(), "PRODUCT"))
        for tx in self.timexes:
            if tx["value"] in ("PRESENT_REF", "PAST_REF", "FUTURE_REF"):
                continue
            cands.append((1, tx["start"], tx["end"], "TIME" if tx["type"] == "TIME" else "DATE"))
        for m in _NUMBER_ENTITY_RE.finditer(text):
            kind = m.lastgroup
            typ = {"money": "MONEY", "percent": "PERCENT", "quantity": "QUANTITY",
                   "ordinal": "ORDINAL", "cardinal": "CARDINAL"}[kind]
            s, e = m.start(), m.end()
            word = m.group(0).lower()
            if typ == "CARDINAL" and word in ("one",):
                # "one of", "no one", "the one" are not numbers
                after = text[e:e + 4].lower()
                before = text[max(0, s - 3):s].lower()
                if after.startswith(" of") or before.endswith("no ") or before.endswith("he "):
                    continue
            cands.append((0 if typ in ("MONEY", "PERCENT", "QUANTITY") else 3, s, e, typ))

        cands.sort(key=lambda c: (c[0], -(c[2] - c[1]), c[1]))
        taken = [False] * (len(text) + 1)
        chosen: List[_Entity] = []
        for _, s, e, typ in cands:
            if any(taken[s:e]):
                continue
            for k in range(s, e):
                taken[k] = True
            ent = _Entity(s, e, typ, text[s:e])
            ent.toks = doc.toks_in(s, e)
            chosen.append(ent)
        chosen.sort(key=lambda x: x.start)
        for ent in chosen:
            self._flags(ent)
        return chosen

    def _flags(self, ent: _Entity):
        toks = self.doc.toks
        if not ent.toks:
            return
        a, b = ent.toks[0], ent.toks[-1]
        if b + 1 < len(toks) and toks[b + 1].low in ("’s", "’"):
            ent.possessive = True
        before = toks[a - 1].low if a > 0 else ""
        after = toks[b + 1] if b + 1 < len(toks) else None
        if (before in ("the", "a", "an", "top", "senior", "former", "its", "his",
                       "her", "their", "our") and after is not None
                and after.text[:1].islower() and after.low not in _FUNCTION_WORDS
                and not after.low.endswith("ed")):
            ent.modifier = True
        if after is not None and _is_cap(after) and ent.type in ("GPE", "ORG", "NORP") \
                and not self.doc.gap(b, b + 1).strip():
            ent.modifier = True

    def _segment(self, run: List[int], mid_caps) -> List[Tuple[List[int], Optional[str], str]]:
        doc, toks = self.doc, self.doc.toks
        run = list(run)
        heading = all(k in doc.heading_tok for k in run)
        # sentence-initial function words and adverbs are not names
        while run and run[0] in doc.initial and not _is_acronym(toks[run[0]].text) and (
                toks[run[0]].low in _FUNCTION_WORDS
                or (len(run) == 1 and (toks[run[0]].low in _ROLE_NOUNS
                                       or toks[run[0]].low in _ROLE_PLURALS))
                or (toks[run[0]].low.endswith("ly") and (toks[run[0]].low,) not in _GAZ)):
            nxt = run[1:]
            run = nxt
            while run and not _is_cap(toks[run[0]]):
                run = run[1:]
        if not run:
            return []
        out: List[Tuple[List[int], Optional[str], str]] = []
        # whole run is a gazetteer entry, or an organisation/location name
        lows = [toks[k].low for k in run]
        L, typ = self._gaz_match(run, 0)
        if L == len(run):
            return [(run, typ, "gaz")]
        if heading:
            pos = 0
            while pos < len(run):
                L, typ = self._gaz_match(run, pos)
                if L:
                    out.append((run[pos:pos + L], typ, "gaz"))
                    pos += L
                else:
                    pos += 1
            return out
        starts_title = lows[0] in _TITLE_PARTS and lows[0] not in ("top", "former")
        if not starts_title:
            heads = [w for w in lows if w in _ORG_HEADS]
            if heads and lows[-1] in _ORG_HEADS and len(run) >= 2:
                return [(run, "ORG", "orghead")]
            if lows[-1] in _LOC_HEADS and len(run) >= 2:
                return [(run, "LOC", "lochead")]
            if lows[-1] in _FAC_HEADS and len(run) >= 2:
                return [(run, "FAC", "fachead")]
            if heads and len(run) >= 3 and "of" in lows and lows[0] in _ORG_HEADS:
                return [(run, "ORG", "orghead")]
        pos = 0
        after_title = False
        unknown: List[int] = []

        def flush():
            nonlocal unknown
            if unknown:
                out.append((unknown, "PERSON" if after_title else None, "unknown"))
                unknown = []

        while pos < len(run):
            k = run[pos]
            L, typ = self._gaz_match(run, pos)
            if L and not (unknown and after_title):
                flush()
                out.append((run[pos:pos + L], typ, "gaz"))
                pos += L
                after_title = False
                continue
            if toks[k].low in _TITLE_PARTS and not unknown:
                # consume a title run
                j = pos
                core = False
                while j < len(run) and (toks[run[j]].low in _TITLE_PARTS
                                        or (toks[run[j]].low in ("of", "for")
                                            and j + 1 < len(run)
                                            and toks[run[j + 1]].low in _TITLE_PARTS)):
                    core = core or toks[run[j]].low.rstrip(".") in _TITLE_CORE
                    j += 1
                if core:
                    pos = j
                    after_title = True
                    continue
            unknown.append(k)
            pos += 1
        flush()
        # a sentence-initial single unknown word needs support to be a name
        res = []
        for idx, typ, why in out:
            if typ is None and len(idx) == 1 and idx[0] in doc.initial:
                k = idx[0]
                nxt = toks[k + 1].low if k + 1 < len(toks) else ""
                if toks[k].low not in mid_caps and nxt not in _REPORTING_VERBS:
                    continue
            if typ is None and len(idx) >= 1 and toks[idx[0]].low in ("of", "for"):
                continue
            res.append((idx, typ, why))
        return res

    def _type_unknown(self, idx: List[int], surnames) -> Optional[str]:
        toks = self.doc.toks
        words = [toks[k].text for k in idx]
        first, last = idx[0], idx[-1]
        nxt = toks[last + 1] if last + 1 < len(toks) else None
        prev = toks[first - 1] if first > 0 else None
        if nxt is not None and nxt.low in _ORG_RIGHT_CONTEXT:
            return "ORG"
        if len(idx) == 1:
            w = words[0]
            if w.replace(".", "").isupper() and len(w.replace(".", "")) >= 2:
                return "ORG"
            if toks[first].low in surnames:
                return "PERSON"
            if nxt is not None and nxt.low in _REPORTING_VERBS:
                return "PERSON"
            if prev is not None and prev.low in _TITLE_CORE:
                return "PERSON"
            if prev is not None and prev.low in ("in", "to", "from", "into", "near",
                                                 "across", "towards", "toward", "at"):
                return "GPE"
            return "ORG"
        if all(re.match(r"^[A-Z][a-z’'-]+\.?$|^[A-Z]\.$", w) for w in words) and len(idx) <= 4:
            return "PERSON"
        return "ORG"


# ---------------------------------------------------------------------------
# Coreference
# ---------------------------------------------------------------------------

_CLUSTER_TYPES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT"}
_NOMINALS = [
    (re.compile(r"\b[Tt]he\s+(?:(?:military|western|transatlantic|defensive|"
                r"defence|defense|security)\s+)?(?:alliance|bloc)\b"), ("ORG",)),
    (re.compile(r"\b[Tt]he\s+country\b"), ("GPE",)),
    (re.compile(r"\b[Tt]he\s+(?:organi[sz]ation)\b"), ("ORG",)),
]
# lower-case role nouns heading a nominal mention of a person ("the top US
# diplomat"); plural ones are actors but are not linked to a name
_ROLE_NOUNS = {
    "president", "minister", "secretary", "ambassador", "envoy", "spokesman",
    "spokeswoman", "spokesperson", "diplomat", "official", "chancellor",
    "premier", "leader", "commander", "negotiator", "senator", "governor",
    "mayor", "adviser", "advisor", "prosecutor", "general", "chief",
}
_ROLE_PLURALS = {"officials", "diplomats", "leaders", "ministers",
                 "negotiators", "lawmakers", "commanders", "envoys"}


class _Mention:
    __slots__ = ("start", "end", "text", "kind", "antecedent", "tok")

    def __init__(self, start, end, text, kind, tok):
        self.start, self.end, self.text, self.kind = start, end, text, kind
        self.antecedent: Optional[_Entity] = None
        self.tok = tok


def _entity_key(ent: _Entity) -> str:
    words = [_norm_tok(w) for w in re.findall(r"[\w’'.-]+", ent.text)]
    if words and words[0] == "the":
        words = words[1:]
    name = " ".join(words)
    name = _ALIASES.get(name, name)
    group = "P" if ent.type == "PERSON" else "X"
    return group + ":" + name


class _Coref:
    def __init__(self, doc: _Doc, entities: List[_Entity]):
        self.doc = doc
        self.entities = [e for e in entities if e.type in _CLUSTER_TYPES]
        self.ends = [e.end for e in self.entities]
        self.ent_by_first_tok = {e.toks[0]: e for e in self.entities if e.toks}
        self._name_cache: Dict[str, str] = {}
        self.key: Dict[Tuple[int, int], str] = {}
        self.mentions: List[_Mention] = []
        self.roles: List[Tuple[int, int]] = []  # token ranges of role nominals
        self._keys()
        self._pronouns()
        self._nominals()
        self._role_nominals()

    def _keys(self):
        persons_full = [e for e in self.entities if e.type == "PERSON" and len(e.toks) >= 2]
        acronyms = {}
        for e in self.entities:
            if e.type == "ORG" and len(e.toks) >= 2:
                initials = "".join(w[0] for w in e.text.split() if w[:1].isupper())
                if len(initials) >= 2:
                    acronyms[initials.lower()] = _entity_key(e)
        for e in self.entities:
            k = _entity_key(e)
            if e.type == "PERSON" and len(e.toks) == 1:
                low = e.text.lower()
                earlier = [p for p in persons_full
                           if p.text.split()[-1].lower() == low and p.start < e.start]
                anywhere = [p for p in persons_full if p.text.split()[-1].lower() == low]
                match = earlier[-1] if earlier else (anywhere[0] if anywhere else None)
                if match is not None:
                    k = _entity_key(match)
            elif e.type == "ORG" and k[2:] in acronyms:
                k = acronyms[k[2:]]
            self.key[(e.start, e.end)] = k

    def _subject(self, tok_i: int) -> Optional[_Entity]:
        a, _ = self.doc.sent_range(tok_i)
        toks = self.doc.toks
        k = a
        while k < tok_i and (toks[k].text in _OPEN_QUOTES or toks[k].low == "the"):
            k += 1
        e = self.ent_by_first_tok.get(k)
        if e is not None and e.type in ("ORG", "GPE") and not e.modifier:
            return e
        return None

    def _before(self, offset: int, types: Tuple[str, ...], window: int = 0,
                sent: int = -1) -> List[_Entity]:
        """Entities of the given types ending at or before offset, nearest last."""
        pos = bisect.bisect_right(self.ends, offset)
        out = []
        for e in reversed(self.entities[:pos]):
            if window and len(out) >= window:
                break
            if sent >= 0 and e.toks and self.doc.toks[e.toks[0]].sent < sent:
                break
            if e.type in types:
                out.append(e)
        out.reverse()
        return out

    def _pronouns(self):
        doc, toks = self.doc, self.doc.toks
        for t in toks:
            low = t.low
            if low not in _PRONOUNS_PERSON and low not in _PRONOUNS_THING:
                continue
            if low in _PRONOUNS_PERSON:
                cands = self._before(t.start, ("PERSON",), window=1)
                ante = cands[-1] if cands else None
            else:
                cands = [e for e in self._before(t.start, ("ORG", "GPE"), sent=t.sent - 1)
                         if not e.modifier]
                ante = None
                if low == "it":
                    prev = toks[t.i - 1].low if t.i > 0 else ""
                    nxt = toks[t.i + 1].low if t.i + 1 < len(toks) else ""
                    subj_pos = (prev in (",", "that", "but", "and", "because", "said",
                                         "says", "while", "as", "if", "when", "“")
                                or t.i in doc.initial)
                    verbish = (nxt in ("is", "was", "has", "had", "will", "would",
                                       "can", "could", "may", "might", "must",
                                       "should", "does", "did", "also", "’s")
                               or re.match(r"^[a-z]+(ed|s)$", nxt or "") is not None)
                    if not (subj_pos and verbish):
                        continue
                    subj = self._subject(t.i)
                    if subj is not None and subj.end <= t.start:
                        ante = subj
                if ante is None and cands:
                    ante = cands[-1]
                # also allow nominal mentions found later to be antecedents
            m = _Mention(t.start, t.end, t.text, "PRO", t.i)
            m.antecedent = ante
            if ante is not None:
                self.mentions.append(m)

    def _role_nominals(self):
        """``the (modifiers) <role noun>``: linked to an apposed or recent PERSON."""
        doc, toks = self.doc, self.doc.toks
        persons = [e for e in self.entities if e.type == "PERSON" and e.toks]
        first_tok = {e.toks[0]: e for e in persons}
        for t in toks:
            if t.low not in _ROLE_NOUNS and t.low not in _ROLE_PLURALS:
                continue
            if t.i + 1 < len(toks) and (toks[t.i + 1].low in _ROLE_NOUNS
                                        or toks[t.i + 1].text[:1].isupper()
                                        or toks[t.i + 1].low == "-"):
                continue  # part of a longer title or a title before a name
            det = None
            for j in range(t.i - 1, max(-1, t.i - 5), -1):
                w = toks[j]
                if w.low in ("the", "a", "an"):
                    det = j
                    break
                if (w.text.islower() and w.low in _FUNCTION_WORDS) or not w.text[:1].isalpha() \
                        or w.low in _REPORTING_VERBS:
                    break
            if det is None:
                continue
            self.roles.append((det, t.i))
            if toks[det].low != "the" or t.low in _ROLE_PLURALS:
                continue
            ante = None
            # apposition: "the US ambassador to Russia, John Sullivan,"
            a, b = doc.sent_range(t.i)
            for j in range(t.i + 1, min(b, t.i + 6)):
                if toks[j].text == "," and j + 1 in first_tok:
                    ante = first_tok[j + 1]
                    break
                if toks[j].text in (".", ";", "“", "”"):
                    break
            if ante is None:
                cands = self._before(t.start, ("PERSON",), window=1)
                if cands and doc.toks[cands[-1].toks[0]].sent >= t.sent - 2:
                    ante = cands[-1]
            if ante is None:
                continue
            men = _Mention(toks[det].start, t.end, doc.text[toks[det].start:t.end], "NOM", det)
            men.antecedent = ante
            self.mentions.append(men)
        self.mentions.sort(key=lambda m: m.start)

    def _nominals(self):
        text = self.doc.text
        for rx, types in _NOMINALS:
            for m in rx.finditer(text):
                tok = self.doc.tok_at(m.start())
                if tok is None:
                    continue
                sent = self.doc.toks[tok].sent
                before = [e for e in self._before(m.start(), types, sent=max(0, sent - 2))
                          if not e.modifier]
                if not before:
                    continue
                men = _Mention(m.start(), m.end(), m.group(0), "NOM", tok)
                men.antecedent = before[-1]
                self.mentions.append(men)
        # a pronoun whose nearest antecedent is a nominal ("the alliance ... its")
        noms = [m for m in self.mentions if m.kind == "NOM"]
        for p in self.mentions:
            if p.kind != "PRO" or p.antecedent is None or p.antecedent.type not in ("ORG", "GPE"):
                continue
            closer = [n for n in noms if p.antecedent.end <= n.start and n.end <= p.start
                      and n.antecedent.type == p.antecedent.type]
            if closer:
                p.antecedent = closer[-1].antecedent
        self.mentions.sort(key=lambda m: m.start)

    def cluster_key(self, start: int, end: int) -> Optional[str]:
        if (start, end) in self.key:
            return self.key[(start, end)]
        for m in self.mentions:
            if m.start == start and m.end == end and m.antecedent is not None:
                return self.key.get((m.antecedent.start, m.antecedent.end))
        return None

    def clusters(self) -> List[List[dict]]:
        groups: Dict[str, List[Tuple[int, int]]] = {}
        for e in self.entities:
            groups.setdefault(self.key[(e.start, e.end)], []).append((e.start, e.end))
        for m in self.mentions:
            k = self.cluster_key(m.start, m.end)
            if k is not None:
                groups.setdefault(k, []).append((m.start, m.end))
        out = []
        for members in groups.values():
            members = sorted(set(members))
            if len(members) >= 2:
                out.append([_span(self.doc.text, s, e) for s, e in members])
        out.sort(key=lambda c: c[0]["start"])
        return out

    def _by_key(self) -> Dict[str, List[_Entity]]:
        if not hasattr(self, "_key_index"):
            index: Dict[str, List[_Entity]] = {}
            for e in self.entities:
                index.setdefault(self.key[(e.start, e.end)], []).append(e)
            self._key_index = index
        return self._key_index

    def best_name(self, start: int, end: int) -> Optional[str]:
        k = self.cluster_key(start, end)
        if k is None:
            return None
        names = self._by_key().get(k)
        if not names:
            return None
        if k in self._name_cache:
            return self._name_cache[k]
        name = min(names, key=lambda e: (-len(e.text.split()), -len(e.text), e.start)).text
        if name.lower().startswith("the "):
            name = name[4:]
        self._name_cache[k] = name
        return name


# ---------------------------------------------------------------------------
# Quotes
# ---------------------------------------------------------------------------

class _Quoter:
    def __init__(self, doc: _Doc, entities: List[_Entity], coref: _Coref,
                 timexes: List[dict] = ()):
        self.doc = doc
        self.in_timex = {k for tx in timexes for k in doc.toks_in(tx["start"], tx["end"])}
        self.entities = entities
        self.coref = coref
        self.actor_by_end: Dict[int, Tuple[int, int]] = {}
        self.actor_by_start: Dict[int, Tuple[int, int]] = {}
        self.ent_by_first = {e.toks[0]: e for e in entities if e.toks}
        self.ent_by_last = {e.toks[-1]: e for e in entities if e.toks}
        self.in_entity = {k for e in entities for k in e.toks}
        self.in_place = {k for e in entities if e.type in ("GPE", "LOC", "FAC")
                         for k in e.toks}
        for e in entities:
            if e.type in ("PERSON", "ORG", "GPE", "NORP") and e.toks:
                self.actor_by_end[e.toks[-1]] = (e.toks[0], e.toks[-1])
                self.actor_by_start[e.toks[0]] = (e.toks[0], e.toks[-1])
        for m in coref.mentions:
            if m.kind == "NOM":
                ti = doc.toks_in(m.start, m.end)
                if ti:
                    self.actor_by_end[ti[-1]] = (ti[0], ti[-1])
        for a, b in coref.roles:
            self.actor_by_end.setdefault(b, (a, b))
            self.actor_by_start.setdefault(a, (a, b))
        for t in doc.toks:
            if t.low in _ACTOR_PRONOUNS:
                self.actor_by_end.setdefault(t.i, (t.i, t.i))
                self.actor_by_start.setdefault(t.i, (t.i, t.i))

    def _pairs(self) -> List[Tuple[int, int]]:
        """Token index pairs (open, close) of quotation marks."""
        toks = self.doc.toks
        pairs, open_i = [], None
        ascii_open = None
        for t in toks:
            if t.text == "“":
                open_i = t.i
            elif t.text == "”" and open_i is not None:
                pairs.append((open_i, t.i))
                open_i = None
            elif t.text == "\"":
                if ascii_open is None:
                    ascii_open = t.i
                else:
                    pairs.append((ascii_open, t.i))
                    ascii_open = None
            if t.i + 1 < len(toks) and "\n" in self.doc.gap(t.i, t.i + 1):
                ascii_open = None
        return pairs

    def _content(self, o: int, c: int) -> Optional[Tuple[int, int]]:
        toks = self.doc.toks
        s = toks[o].end
        e = toks[c].start
        while e > s and self.doc.text[e - 1].isspace():
            e -= 1
        if e > s and self.doc.text[e - 1] in ",.":
            e -= 1
        while s < e and self.doc.text[s].isspace():
            s += 1
        if e <= s:
            return None
        return s, e

    def _name(self, a: int, b: int) -> str:
        toks = self.doc.toks
        s, e = toks[a].start, toks[b].end
        name = self.coref.best_name(s, e)
        if name:
            return name
        return self.doc.text[s:e]

    def find(self) -> List[dict]:
        toks = self.doc.toks
        quotes: List[dict] = []
        used_cues = set()
        pairs = self._pairs()
        direct_pairs = set()
        for o, c in pairs:
            if (o, c) in direct_pairs:
                continue
            cont = self._content(o, c)
            if cont is None:
                continue
            found = self._cue_after(c) or self._cue_before(o)
            if not found:
                continue
            cue_i, cue_j, src = found
            contents = [cont]
            # split quote: “..., ” he said, “...”
            k = max(cue_j, src[1]) + 1
            if k + 1 < len(toks) and toks[k].text == "," and toks[k + 1].text == "“":
                for o2, c2 in pairs:
                    if o2 == k + 1:
                        cont2 = self._content(o2, c2)
                        if cont2:
                            contents.append(cont2)
                            direct_pairs.add((o2, c2))
                        break
            direct_pairs.add((o, c))
            used_cues.add(cue_i)
            quotes.append(self._quote("direct", cue_i, cue_j, contents, src))
        # indirect (and mixed) quotes
        for t in toks:
            if t.i in used_cues:
                continue
            q = self._indirect(t.i, quotes)
            if q is None:
                continue
            used_cues.add(t.i)
            quotes.append(q)
        quotes.sort(key=lambda q: (q["content"][0]["start"], q["cue"]["start"]))
        return quotes

    def _quote(self, kind, cue_i, cue_j, contents, src) -> dict:
        doc = self.doc
        s_tok, e_tok = src
        return {
            "kind": kind,
            "cue": _span(doc.text, doc.toks[cue_i].start, doc.toks[cue_j].end),
            "content": [_span(doc.text, s, e) for s, e in contents],
            "source": _span(doc.text, doc.toks[s_tok].start, doc.toks[e_tok].end),
            "source_name": self._name(s_tok, e_tok),
        }

    def _is_cue(self, k: int) -> bool:
        return self.doc.toks[k].low in _REPORTING_VERBS

    def _cue_after(self, c: int):
        toks = self.doc.toks
        n = len(toks)
        k = c + 1
        limit = min(n, c + 12)
        while k < limit:
            if toks[k].text in (".", "!", "?", ";", "“", "”", "\"") or (
                    toks[k].text == "," and k > c + 1) or toks[k].sent != toks[c].sent:
                break
            if self._is_cue(k):
                # source before the cue, between the closing mark and the cue
                j = k - 1
                while j > c and _between_speaker_and_cue(toks[j].low):
                    j -= 1
                if k > c + 1 and j in self.actor_by_end and j > c:
                    a, b = self.actor_by_end[j]
                    if a > c:
                        return k, self._cue_end(k), (a, b)
                # "said Blinken"
                if k + 1 < n and (k + 1) in self.actor_by_start:
                    a, b = self.actor_by_start[k + 1]
                    return k, k, (a, b)
                # "said US Secretary of State X": actor a few tokens later
                for m in range(k + 1, min(n, k + 8)):
                    if toks[m].text in (".", ",", ";"):
                        break
                    if m in self.actor_by_start:
                        a, b = self.actor_by_start[m]
                        ent = self.ent_by_first.get(a)
                        if ent is not None and ent.type == "PERSON":
                            return k, k, (a, b)
                return None
            k += 1
        return None

    def _cue_end(self, k: int) -> int:
        toks = self.doc.toks
        if toks[k].low in ("called", "calls", "call") and k + 1 < len(toks) \
                and toks[k + 1].low in ("for", "on"):
            return k + 1
        return k

    def _cue_before(self, o: int):
        toks = self.doc.toks
        k = o - 1
        if k >= 0 and toks[k].text in (",", ":"):
            k -= 1
        if k >= 0 and toks[k].low == "that":
            k -= 1
        if k < 0 or not self._is_cue(k):
            return None
        j = k - 1
        while j >= 0 and _between_speaker_and_cue(toks[j].low):
            j -= 1
        if j in self.actor_by_end:
            return k, k, self.actor_by_end[j]
        return None

    def _fronted_content(self, k: int, cue_j: int, src, a: int, b: int):
        """``<content>, <speaker> said (on Monday).``: the content comes first."""
        toks = self.doc.toks
        first = min(src[0], k)
        last = max(src[1], cue_j)
        if first - 1 <= a or toks[first - 1].text != ",":
            return None
        rest_ok = {"on", "in", "at", "a", "an", "the", "statement", "interview",
                   "briefing", "conference", "news", "press", "tweet", "post"}
        for x in range(last + 1, b):
            w = toks[x]
            if w.text in (".", "!", "?", "”", "\""):
                continue
            if x in self.in_timex or x in self.in_place or w.low in rest_ok \
                    or w.low in _ADDRESSEE_WORDS:
                continue
            return None
        if self.doc.is_opener(a):
            return None  # a direct quote, handled with its quotation marks
        if first - 1 - a < 2:
            return None
        return toks[a].start, toks[first - 2].end

    def _indirect(self, k: int, quotes: List[dict]):
        doc, toks, text = self.doc, self.doc.toks, self.doc.text
        t = toks[k]
        if t.low not in _REPORTING_VERBS and not (
                t.low in ("called", "calls", "call") and k + 1 < len(toks)
                and toks[k + 1].low == "for"):
            return None
        a, b = doc.sent_range(k)
        cue_j = self._cue_end(k)
        # who speaks
        src = None
        if t.low in _PARTICIPLE_CUES:
            if k == 0 or toks[k - 1].text != ",":
                return None
            for q in quotes:
                if toks[a].start <= q["cue"]["start"] and q["cue"]["end"] <= t.start:
                    si = doc.tok_at(q["source"]["start"])
                    ei = doc.by_end.get(q["source"]["end"])
                    if si is not None and ei is not None:
                        src = (si, ei)
            if src is None:
                for j in range(k - 1, a - 1, -1):
                    ent = self.ent_by_last.get(j)
                    if ent is not None and ent.type == "PERSON":
                        src = (ent.toks[0], ent.toks[-1])
                        break
        else:
            j = k - 1
            while j >= a and _between_speaker_and_cue(toks[j].low):
                j -= 1
            if j >= a and j in self.actor_by_end:
                src = self.actor_by_end[j]
                if toks[src[0]].low in _POSSESSIVE_PRONOUNS:
                    src = None
            elif j >= a and toks[j].text == ",":
                # "..., said (Foreign Minister) Sergei Lavrov."
                for m in range(k + 1, min(b, k + 7)):
                    if m in self.actor_by_start:
                        ent = self.ent_by_first.get(m)
                        if m == k + 1 or (ent is not None and ent.type == "PERSON"):
                            src = self.actor_by_start[m]
                        break
                    if not _is_cap(toks[m]):
                        break
        if src is None:
            return None
        fronted = self._fronted_content(k, cue_j, src, a, b)
        if fronted is not None:
            s, e = fronted
            kind = "mixed" if ("“" in text[s:e] or "\"" in text[s:e]) else "indirect"
            return self._quote(kind, k, cue_j, [(s, e)], src)
        # where the content starts
        p = cue_j + 1
        end_tok = b
        while end_tok > p and toks[end_tok - 1].text in (".", "!", "?", "”", "\""):
            if toks[end_tok - 1].text in ("”", "\"") and toks[end_tok - 2].text not in (".", "!", "?"):
                break
            end_tok -= 1
        window = []
        q = p
        while q < min(end_tok, p + 6) and toks[q].low != "that":
            window.append(q)
            q += 1
        if q < end_tok and toks[q].low == "that" and all(
                toks[w].low in _ADDRESSEE_WORDS or toks[w].low in ("on", "in", "at", ",")
                or w in self.in_entity
                for w in window):
            p = q + 1
        else:
            if t.low in _ADDRESSEE_VERBS and p < end_tok and (
                    toks[p].low in _ADDRESSEE_WORDS or p in self.actor_by_start):
                return None  # "told reporters" without a clause: no content
            # skip a time adverbial: "said on Wednesday the ..."
            if p < end_tok and toks[p].low == "on" and p + 1 < end_tok and \
                    toks[p + 1].low in _WEEKDAYS:
                p += 2
            if p < end_tok and toks[p].text in (",", ":"):
                p += 1
        if p >= end_tok or toks[p].text in ("“", "\"", ".", "”") or toks[p].low in ("so", "and", "but", "or"):
            return None
        # where it ends: sentence end, or a following participle cue / "but"
        e_i = end_tok
        for r in range(p + 1, end_tok):
            if toks[r].text in (",", ";") and r + 1 < end_tok and (
                    toks[r + 1].low in _PARTICIPLE_CUES or toks[r + 1].low == "but"):
                e_i = r
                break
        if e_i - p < 2:
            return None
        s, e = toks[p].start, toks[e_i - 1].end
        content = text[s:e]
        kind = "mixed" if ("“" in content or "\"" in content) else "indirect"
        # an indirect cue must not be the attribution of a direct quote
        return self._quote(kind, k, cue_j, [(s, e)], src)


# ---------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------

class _Eventer:
    def __init__(self, doc: _Doc, entities: List[_Entity], coref: _Coref,
                 timexes: List[dict]):
        self.doc = doc
        self.entities = entities
        self.timexes = timexes
        actors = []
        for e in entities:
            if e.type in ("PERSON", "ORG", "GPE", "NORP") and e.toks:
                actors.append((e.toks[0], e.toks[-1], e.possessive))
        for m in coref.mentions:
            if m.kind == "NOM":
                ti = doc.toks_in(m.start, m.end)
                if ti:
                    actors.append((ti[0], ti[-1], False))
        for a, b in coref.roles:
            actors.append((a, b, False))
        actors = sorted(set(actors))
        resolved = {m.tok for m in coref.mentions if m.kind == "PRO"}
        for t in doc.toks:
            if t.low in ("we", "they", "i") or (t.low in _ACTOR_PRONOUNS and t.i in resolved):
                actors.append((t.i, t.i, False))
        actors.sort()
        self.actors = actors
        self.actor_starts = [x[0] for x in actors]
        self._lex_cache: Dict[str, list] = {}

    def _match(self, k: int):
        toks = self.doc.toks
        low = toks[k].low
        entries = self._lex_cache.get(low)
        if entries is None:
            entries = [(code, opts) for rx, code, opts in _EVENT_LEXICON if rx.match(low)]
            self._lex_cache[low] = entries
        for code, opts in entries:
            if toks[k].text[:1].isupper() and k not in self.doc.initial:
                continue  # part of a name
            end = k
            phrase = opts.get("phrase")
            if phrase:
                if k + 1 < len(toks) and toks[k + 1].low in phrase:
                    end = k + 1
                elif opts.get("phrase_only") or low.startswith("call") or low.startswith("appeal"):
                    continue
            na = opts.get("not_after")
            if na and k > 0 and toks[k - 1].low in na:
                continue
            needs = opts.get("needs")
            if needs:
                a, b = self.doc.sent_range(k)
                near = {toks[j].low for j in range(max(a, k - 6), min(b, end + 7))}
                if not near & needs:
                    continue
            return end, code, opts
        return None

    def _refine(self, family: str, k: int) -> Optional[str]:
        toks = self.doc.toks
        a, b = self.doc.sent_range(k)
        for j in range(k + 1, min(b, k + 16)):
            w = toks[j].low
            for words, codes in _REFINE:
                if w in words or any(w.startswith(x) for x in words if len(x) > 5):
                    return codes.get(family)
        return None

    def find(self) -> List[dict]:
        doc, toks, text = self.doc, self.doc.toks, self.doc.text
        events = []
        k = 0
        n = len(toks)
        while k < n:
            res = self._match(k)
            if res is None:
                k += 1
                continue
            end, code, opts = res
            a, b = doc.sent_range(k)
            # negation and modality in the clause before the trigger
            window = []
            j = k - 1
            while j >= a and len(window) < 5 and toks[j].text not in (",", ";", ":"):
                if toks[j].text in _OPEN_QUOTES or toks[j].text in _CLOSE_QUOTES:
                    j -= 1
                    continue
                window.append(toks[j].low)
                j -= 1
            negated = any(w in _NEGATORS for w in window[:4])
            infinitive = bool(window) and (window[0] == "to" or (
                len(window) > 1 and window[1] == "to" and window[0].endswith("ly")))
            irrealis = infinitive or any(w in _MODALS for w in window) or any(
                w in _IRREALIS_CUES and w != "to" for w in window[:4])
            polarity = "positive"
            if opts.get("refine"):
                fine = self._refine(opts["refine"], end)
                if fine:
                    code = fine
            if opts.get("threat"):
                fam = None
                for j2 in range(end + 1, min(b, end + 12)):
                    for words, c2 in _THREAT_REFINE:
                        if toks[j2].low in words:
                            fam = c2
                            break
                    if fam:
                        break
                code = fam or code
            if opts.get("warn"):
                nxt = {toks[j2].low for j2 in range(end + 1, min(b, end + 4))}
                if nxt & {"against", "of", "not"}:
                    code = "130"
            if negated:
                if opts.get("refusal"):
                    polarity = "positive"
                elif opts.get("negatable_refusal"):
                    code = "120"
                    for j2 in range(end + 1, min(b, end + 4)):
                        if re.match(r"(curb|halt|stop|end|ease|lift|withdraw|yield|"
                                    r"give|back|drop|abandon|release)", toks[j2].low):
                            code = "124"
                            break
                    polarity = "positive"
                else:
                    polarity = "negative"
            realis = "other" if irrealis else "actual"
            args = self._arguments(k, end, a, b)
            events.append({
                "trigger": _span(text, toks[k].start, toks[end].end),
                "code": code,
                "arguments": args,
                "realis": realis,
                "polarity": polarity,
            })
            k = end + 1
        return events

    def _arguments(self, k: int, end: int, a: int, b: int) -> List[dict]:
        toks, text = self.doc.toks, self.doc.text
        args = []
        lo = bisect.bisect_left(self.actor_starts, a)
        hi = bisect.bisect_left(self.actor_starts, b)
        in_sent = self.actors[lo:hi]
        in_sent = sorted(in_sent, key=lambda x: (x[1], -x[0]))
        before = [x for x in in_sent if x[1] < k
                  and toks[x[0]].low not in _POSSESSIVE_PRONOUNS]
        if before:
            s0, s1, _ = before[-1]
            args.append({"role": "source", "start": toks[s0].start,
                         "end": toks[s1].end, "text": text[toks[s0].start:toks[s1].end]})
        after = sorted([x for x in in_sent if x[0] > end and x[1] < b
                 and toks[x[0]].low not in _POSSESSIVE_PRONOUNS
                 and toks[x[0] - 1].low != "that"],  # subject of a complement clause
                       key=lambda x: (x[0], -x[1]))
        target = None
        for x in after:
            if x[0] - end > 10:
                break
            if toks[x[0] - 1].low in ("to", "with", "on", "upon", "against", "toward",
                                      "towards", "from", "at"):
                target = x
                break
        if target is None and after and after[0][0] - end <= 10:
            target = after[0]
        if target is not None:
            t0, t1, _ = target
            args.append({"role": "target", "start": toks[t0].start,
                         "end": toks[t1].end, "text": text[toks[t0].start:toks[t1].end]})
        # time: nearest date expression in the sentence
        s_start, s_end = toks[a].start, toks[b - 1].end
        times = [tx for tx in self.timexes if s_start <= tx["start"] and tx["end"] <= s_end
                 and tx["type"] in ("DATE", "TIME")
                 and tx["value"] not in ("PRESENT_REF", "PAST_REF", "FUTURE_REF")]
        if times:
            trig = toks[k].start
            tx = min(times, key=lambda x: (abs(x["start"] - trig), x["start"]))
            args.append({"role": "time", "start": tx["start"], "end": tx["end"],
                         "text": tx["text"]})
        return args


# ---------------------------------------------------------------------------
# The system
# ---------------------------------------------------------------------------

def _parse_date(value) -> Optional[_dt.date]:
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str):
        return None
    m = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", value)
    if not m:
        return None
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


class RulesSystem:
    """Rule-based baseline for all five Diplomacy-IE layers."""

    name = "rules"
    layers = ("entities", "coref", "quotes", "events", "timexes")

    def predict(self, document: dict) -> dict:
        text = document.get("text") or ""
        date = _parse_date(document.get("date"))
        doc = _Doc(text)
        timexes = _Timexer(doc, date).find()
        entities = _EntityFinder(doc, timexes).find()
        coref = _Coref(doc, entities)
        quotes = _Quoter(doc, entities, coref, timexes).find()
        events = _Eventer(doc, entities, coref, timexes).find()
        return {
            "id": document.get("id", ""),
            "entities": [e.as_dict() for e in entities],
            "clusters": coref.clusters(),
            "quotes": quotes,
            "events": events,
            "timexes": timexes,
        }

    __call__ = predict
