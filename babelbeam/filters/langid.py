"""Language identification onto the 119 Qwen3 languages with any fastText LID model.

``LanguageIdentifier`` wraps one fastText model (the bundled ``lid.176.ftz`` by default, or any model file
such as GlotLID or OpenLID given by path) and turns its labels into registry codes:

1. Very short texts (fewer than ``min_chars`` non-space characters, a Han, kana or Hangul character
   counting 3) are marked ``too_short`` and not guessed.
2. Long documents are scored on a bounded, evenly spaced sample of at most ``max_sample_lines`` lines
   (each at most ``MAX_LINE_CHARS`` characters), so cost stays linear in the number of documents.
3. The model's top labels are mapped with ``langid_labels.map_label``; labels that land on the same code
   add their probabilities. ``sh`` goes to the best of Croatian, Bosnian and Serbian.
4. Chinese is split into ``zho_Hans``/``zho_Hant`` from the characters, and written-Cantonese usage
   (嘅 咗 喺 冇 啲 佢哋 ...) makes it ``yue_Hant``.
5. The top code's registry script is compared with the text's dominant script: a mismatch (Serbian,
   Uzbek or Azerbaijani in the other alphabet, romanised Hindi...) keeps the registry code and is flagged,
   with ``lang_label`` naming what was seen (``srp_Latn``).
6. A label covering Persian and Dari (GlotLID ``fas_Arab``, lid.176 ``fa``) becomes Dari when the text's
   Dari marker words (the copula ``استند``..., Afghan administrative words) outnumber the Iranian ones, else
   Persian; flagged ``merged_label`` with ``lang_label`` keeping the model's label.
7. A language in a confusable group (``langid_data/groups.tsv``) gets the group's summed probability as
   ``group_score`` (relatives outside the 119 listed in ``relatives.tsv`` add to it).

``annotate`` applies the config's decision: removal reasons ``langid_too_short``, ``langid_undetermined``,
``langid_not_selected`` and ``langid_low_score``. The score compared with the language's threshold is the
group score for a language in a group (``langid.group_decision``), the label's score otherwise; thresholds
are per language (``langid.thresholds``: the shipped lid.176 table by default, see ``resolve_thresholds``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from babelbeam.filters import scripts
from babelbeam.filters.langid_calibration import load_thresholds
from babelbeam.filters.langid_labels import (
    CHINESE,
    DATA_DIR,
    GROUP_OF,
    GROUPS,
    PERSIAN,
    SERBO_CROATIAN,
    MappedLabel,
    coverage_report,
    map_label,
    strip_label,
)
from babelbeam.schemas.config import MIN_SAMPLE_PIECE_CHARS, LangIdConfig, check_config
from babelbeam.schemas.document import Document
from babelbeam.schemas.languages import UNDETERMINED

log = logging.getLogger(__name__)

DEFAULT_MODEL = "lid.176.ftz"
"""Bundled default model, located with ``babelbeam.assets.asset_path``."""

MAX_LINE_CHARS = 1000
"""Longest piece of one line that is scored; longer lines are cut into pieces of this many characters."""

MIN_MODEL_K = 10
"""Labels asked from the model even when ``top_k`` is smaller: ``sh`` and Chinese need the runners-up."""

REASON_TOO_SHORT = "langid_too_short"
REASON_UNDETERMINED = "langid_undetermined"
REASON_NOT_SELECTED = "langid_not_selected"
REASON_LOW_SCORE = "langid_low_score"

FLAG_TOO_SHORT = "too_short"
FLAG_SCRIPT_MISMATCH = "script_mismatch"
FLAG_SCRIPT_UNDECIDED = "script_undecided"
FLAG_CANTONESE = "cantonese_usage"
FLAG_CORRECTED = "label_corrected"
FLAG_SAMPLED = "sampled"
FLAG_SCRIPT_RERANKED = "script_reranked"
FLAG_MARKERS = "sibling_markers"
FLAG_MERGED = "merged_label"

GROUP_LABEL_SHARE = 0.5
"""The group's sum decides only when the chosen label holds at least this share of it: a model that cannot
choose inside the group (Occitan split evenly over Catalan and Occitan) is not trusted with the label either,
so the document keeps its label's own score (measured in docs/langid.md)."""

DEFAULT_THRESHOLDS_FILE = DATA_DIR / "lid176_thresholds.yaml"
"""Per-language thresholds shipped for the bundled lid.176 (``langid.thresholds: default``)."""

TWO_SCRIPT_LANGUAGES = frozenset("srp bos uzn azj kaz tat bak tgk pan snd jav zsm ydd yue urd hin".split())
"""ISO 639-3 codes of registry languages commonly written in a second script (Serbian and Bosnian in
Latin or Cyrillic, Uzbek/Azerbaijani/Kazakh in Latin or Cyrillic, Punjabi and Sindhi in Arabic or
Indic scripts, Malay and Javanese in Jawi/Javanese, romanised Hindi and Urdu): when the model names one
of them in the other script, the code is kept and the mismatch flagged rather than re-ranked."""

_SOUTH_SLAVIC = ("hrv_Latn", "bos_Latn", "srp_Cyrl")


@dataclass(frozen=True)
class LangResult:
    """What language ID concluded about one text."""

    code: str
    """A registry code or ``und``."""
    score: float
    """Model probability of ``code`` (summed over the labels that map to it), 0..1; 0 when not scored."""
    top: tuple[tuple[str, float], ...]
    """Best codes with their scores, best first (``und`` entries merge every unmapped label)."""
    label: str | None
    """The model's original top label without ``__label__`` (None when the text was not scored)."""
    flags: tuple[str, ...] = ()
    """Facts about the decision: ``too_short``, ``script_mismatch``, ``script_undecided``,
    ``cantonese_usage``, ``label_corrected``, ``sampled``, ``script_reranked``, ``sibling_markers``."""
    seen_label: str | None = None
    """On a script mismatch, the language with the script actually seen, e.g. ``srp_Latn``."""
    group: str | None = None
    """The confusable group ``code`` belongs to (``groups.tsv``), or None."""
    group_score: float | None = None
    """Summed probability of the group's members and listed relatives, 0..1; None outside a group."""

    @property
    def lang_label(self) -> str | None:
        """What ``Document.lang_label`` records: the seen script on a mismatch, else the original label when
        the result is ``und`` or the label needed a correction or a script decision; None otherwise."""
        if self.seen_label is not None:
            return self.seen_label
        if self.code == UNDETERMINED or FLAG_CORRECTED in self.flags or FLAG_CANTONESE in self.flags:
            return self.label
        return None


_TOO_SHORT = LangResult(UNDETERMINED, 0.0, (), None, (FLAG_TOO_SHORT,))


def _load_fasttext(path: Path) -> Any:
    import fasttext  # the fasttext-numpy2 build; imported here so that importing this module stays light

    # Older fastText builds print a deprecation warning on stderr at every load_model; silence it there.
    if hasattr(fasttext.FastText, "eprint"):
        fasttext.FastText.eprint = lambda *args, **kwargs: None
    return fasttext.load_model(str(path))


def resolve_model_path(model: str | None) -> Path:
    """The model file a config names, or the bundled ``lid.176.ftz``; FileNotFoundError names the path."""
    if model is None:
        from babelbeam.assets import asset_path

        return asset_path(DEFAULT_MODEL)
    path = Path(model).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"langid.model: fastText model file {str(path)!r} does not exist")
    return path


MIN_PIECE_CHARS = MIN_SAMPLE_PIECE_CHARS
"""Shortest piece of a line kept under ``max_sample_chars`` when lines must be cut: a sample of more, shorter
pieces would be mostly cut words. A 2,000-character cap so reads up to 20 pieces spread over the document."""


def _pieces(text: str) -> list[str]:
    """Non-empty stripped lines of ``text``, longer ones cut into pieces of ``MAX_LINE_CHARS``."""
    pieces: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if len(line) <= MAX_LINE_CHARS:
            pieces.append(line)
        else:
            pieces.extend(line[i : i + MAX_LINE_CHARS] for i in range(0, len(line), MAX_LINE_CHARS))
    return pieces


def _evenly_spaced(pieces: list[str], k: int) -> list[str]:
    """``k`` pieces evenly spaced over ``pieces`` (first and last included), in document order."""
    if len(pieces) <= k:
        return pieces
    if k <= 1:
        return [pieces[len(pieces) // 2]]
    step = (len(pieces) - 1) / (k - 1)
    return [pieces[i] for i in sorted({round(i * step) for i in range(k)})]


def _fair_share(lengths: list[int], budget: int) -> int:
    """The largest per-piece length ``t`` with ``sum(min(l, t)) <= budget``: short pieces stay whole and the
    characters they leave over go to the long ones (water filling)."""
    remaining, left = budget, len(lengths)
    for n in sorted(lengths):
        if n * left > remaining:
            return max(remaining // left, 0)
        remaining -= n
        left -= 1
    return max(lengths, default=0)


def _cut(piece: str, limit: int) -> str:
    """The first ``limit`` characters of ``piece``, ending at a space when one is in their second half (so the
    sample has no cut word there; texts without spaces are cut at the limit)."""
    if len(piece) <= limit:
        return piece
    head = piece[:limit]
    space = head.rfind(" ")
    return head[:space] if space > limit // 2 else head


def sample_lines(text: str, max_lines: int, max_chars: int | None = None) -> tuple[str, bool]:
    """Join evenly spaced non-empty pieces of ``text`` into one line for fastText: at most ``max_lines``
    pieces and, when ``max_chars`` is set, at most ``max_chars`` characters.

    Lines longer than ``MAX_LINE_CHARS`` are cut into pieces first. Under the character cap the pieces stay
    spread over the whole document (so a header of navigation or another language cannot fill the sample):
    as many evenly spaced pieces as fit when the lines are short, else ``max_chars // MIN_PIECE_CHARS``
    pieces, each cut to an equal share of the cap. Returns the sample and whether it is smaller than the text.
    """
    pieces = _pieces(text)
    n = len(pieces)
    total = sum(map(len, pieces)) + max(n - 1, 0)
    if n <= max_lines and (max_chars is None or total <= max_chars):
        return " ".join(pieces), False
    if max_chars is None:
        return " ".join(_evenly_spaced(pieces, max_lines)), True
    mean = max(total // n, 1)
    k = max(1, min(max_lines, n, max(max_chars // MIN_PIECE_CHARS, max_chars // mean)))
    chosen = _evenly_spaced(pieces, k)
    budget = max_chars - (len(chosen) - 1)  # the joining spaces count toward the cap
    if sum(map(len, chosen)) > budget:
        limit = max(_fair_share([len(p) for p in chosen], budget), 1)
        chosen = [c for c in (_cut(p, limit) for p in chosen) if c]
    return " ".join(chosen), True


def _script_matches(code: str, seen: str) -> bool:
    expected = code.split("_")[1]
    if expected in ("Hans", "Hant"):
        return seen == "Hani"
    if expected == "Jpan":
        return seen in ("Jpan", "Hani")
    return expected == seen


def validate_config(config: LangIdConfig) -> None:
    """Raise ConfigError naming the offending ``langid.*`` field (the one config check, ``check_config``)."""
    check_config(config, "langid.")


# Close relatives that lid.176 tells apart poorly, with grammatical words (copulas, negation, pronouns,
# spelling of common conjunctions) that only one member of the group uses. Chosen from grammars, not
# mined from the dev set: Maithili अछि/छैक "is", Bhojpuri बा/हवे "is", नइखे "is not", Hindi है/हैं;
# Nynorsk ikkje/eit/dei/frå vs Bokmål ikke/et/de/fra; Malaysian bahawa/kerana/sahaja vs Indonesian
# bahwa/karena/saja.
SIBLING_MARKERS: dict[str, dict[str, frozenset[str]]] = {
    "hindi_belt": {
        "hin_Deva": frozenset("है हैं था थे थी नहीं और किसी का को यह वह लिए".split()),
        "mai_Deva": frozenset("अछि छथि छैक छी छल एहि ओहि सभ नहि केँ सँ अपन कएल थिक हेतु".split()),
        "bho_Deva": frozenset("बा बाटे बाड़े बाड़ी हवे नइखे आपन होखे होखी कौनो केहु खातिर सकेला ओकर एकर".split()),
    },
    "scandinavian": {
        "nob_Latn": frozenset(
            "ikke et de da fra hva hvor hvordan noe noen være bare mens hele selv mye jeg hun".split()),
        "nno_Latn": frozenset(
            "ikkje eit dei då frå kva kvar korleis noko nokon vere berre medan heile sjølv mykje "
            "eg ho".split()),
    },
    "malay": {
        "ind_Latn": frozenset(
            "bahwa karena saja yaitu maupun pemerintah uang tersebut sedangkan bisa".split()),
        "zsm_Latn": frozenset(
            "bahawa bahawasanya kerana sahaja iaitu mahupun kerajaan wang sebarang sesiapa tiada".split()),
        # Minangkabau indak "not", nan "which", jo "with", dek "by", ado "there is", untuak "for", kito "we",
        # sadonyo "all", tiok "each"; Banjar kada "not", nang "which", wan "and", baisi "to have", matan
        # "from", gasan "for", sabarataan "all", ulun "I", pian "you".
        "min_Latn": frozenset("indak nan jo dek ado untuak kito sadonyo tiok iduik".split()),
        "bjn_Latn": frozenset("kada nang wan baisi matan gasan sabarataan ulun pian".split()),
    },
    "occitan_iberian": {
        # Function words only one of the four uses: Occitan dins "in", aquel/aqueste "this", totas "all",
        # degun "nobody", èsser "to be", pòt "can", tanben "also", segon "according to", sens "without"
        # (not e "and": it is also Papiamento's and Portuguese's article or conjunction); Catalan i "and",
        # és/són "is/are", els "the", ningú "nobody", també "also", perquè; Asturian ye "is", nun "not", tolos
        # "all the", naide "nobody", tamién; Spanish todos, nadie, también, está, cuando.
        "oci_Latn": frozenset(
            "dins aquel aquela aqueste aquò totas degun èsser pòt tanben ieu quitament segon sens".split()),
        "cat_Latn": frozenset("i és són els pel pels aquest ningú també perquè hi ho".split()),
        "ast_Latn": frozenset("ye nun tolos toles naide tamién colos coles nesta nesti esti dellos".split()),
        "spa_Latn": frozenset("todos todas nadie también está están cuando hacia".split()),
    },
}
PERSIAN_DARI_MARKERS: dict[str, frozenset[str]] = {
    # The Dari present of "to be" is ast-: astam, asti, astem, asten, astand; Iranian Persian says hastam,
    # hasti, hastim, hastid, hastand. Afghan administrative words (university, district, municipality,
    # attorney) are written with Pashto letters or Pashto loans that Iranian texts do not use.
    "prs_Arab": frozenset("استم استی استیم استید استند پوهنتون ولسوالی شاروالی څارنوالی".split()),
    "pes_Arab": frozenset("هستم هستی هستیم هستید هستند".split()),
}
"""Grammar words that tell Dari from Iranian Persian, for labels that cover both (``fas_Arab``, ``fa``)."""


def persian_or_dari(sample: str) -> str:
    """``prs_Arab`` when the sample's Dari marker words outnumber the Iranian ones, else ``pes_Arab`` (the
    larger variety: without evidence a Persian text is read as Iranian Persian)."""
    dari = iranian = 0
    for word in sample.split():
        word = word.strip(_STRIP + "،؛؟")
        if word in PERSIAN_DARI_MARKERS["prs_Arab"]:
            dari += 1
        elif word in PERSIAN_DARI_MARKERS["pes_Arab"]:
            iranian += 1
    return "prs_Arab" if dari > iranian else "pes_Arab"


MIN_MARKERS = 1
"""Marker words a relative needs: one suffices because the group is already the model's choice and each
marker is a function word or spelling its relatives do not use."""
_SIBLING_GROUP = {code: group for group, members in SIBLING_MARKERS.items() for code in members}
_STRIP = ".,;:!?()[]{}\"'“”‘’«»।॥-–—"
_MARKER_OWNERS: dict[str, dict[str, tuple[str, ...]]] = {
    group: {
        word: tuple(member for member, markers in members.items() if word in markers)
        for word in frozenset().union(*members.values())
    }
    for group, members in SIBLING_MARKERS.items()
}
"""Group -> marker word -> the members it is a marker of (a word can mark two), in ``SIBLING_MARKERS``
order."""


def sibling_by_markers(code: str, sample: str) -> str | None:
    """A close relative of ``code`` that the sample's marker words point to, or None to keep ``code``.

    The relative needs at least ``MIN_MARKERS`` marker words and more than ``code`` has.
    """
    group = _SIBLING_GROUP.get(code)
    if group is None:
        return None
    members = SIBLING_MARKERS[group]
    owners = _MARKER_OWNERS[group]
    counts = dict.fromkeys(members, 0)
    for word in sample.lower().split():
        # One lookup per word in a word -> members table instead of one per member.
        for member in owners.get(word.strip(_STRIP), ()):
            counts[member] += 1
    best = max(sorted(counts), key=lambda c: counts[c])
    if best != code and counts[best] >= MIN_MARKERS and counts[best] > counts[code]:
        return best
    return None


class _Ranking:
    """Model labels mapped onto registry codes, with probabilities of labels sharing a code added up.

    Unmapped labels are not added up (many small outside languages would outvote a real one): ``und``
    takes the best of them. ``sh`` goes to the best-ranked of Croatian, Bosnian and Serbian; ``ja`` on Han
    text without kana, and every Chinese label, go to ``zho_Hans``/``zho_Hant`` by the characters.
    """

    def __init__(
        self, raw: Sequence[tuple[str, float] | tuple[str, float, MappedLabel]], sample: str, seen: str | None
    ) -> None:
        # Local dicts in the loop: it runs for every label of every document (attribute lookups were a
        # measurable share of language ID's Python time).
        scores: dict[str, float] = {}
        best_label: dict[str, tuple[float, str]] = {}
        corrected: dict[str, bool] = {}
        relative_mass: dict[str, float] = {}
        for entry in raw:
            # (label, probability, mapping) from the identifier's label table; a bare pair is mapped here.
            label, p = entry[0], entry[1]
            m = entry[2] if len(entry) == 3 else map_label(label)
            code = m.code
            if code == UNDETERMINED:
                scores[code] = max(scores.get(code, 0.0), p)
                if m.group is not None:
                    relative_mass[m.group] = relative_mass.get(m.group, 0.0) + p
            else:
                scores[code] = scores.get(code, 0.0) + p
            if code not in best_label or p > best_label[code][0]:
                best_label[code] = (p, label)
                corrected[code] = m.corrected
        self.scores, self.best_label, self.corrected = scores, best_label, corrected
        self.relative_mass = relative_mass
        """Group -> summed probability of its relatives outside the 119 (they map to ``und``)."""
        self.han_decided = True
        self.persian_rule = False
        self._ranked: list[tuple[str, float]] | None = None
        if SERBO_CROATIAN in self.scores:
            best = max(_SOUTH_SLAVIC, key=lambda c: (self.scores.get(c, 0.0), -_SOUTH_SLAVIC.index(c)))
            if self.scores.get(best, 0.0) == 0.0:
                best = "srp_Cyrl" if seen == "Cyrl" else "hrv_Latn"
            self.merge(SERBO_CROATIAN, best, corrected=True)
        if "jpn_Jpan" in self.scores and seen == "Hani" and not scripts.has_kana(sample):
            # Han text without a single kana is not Japanese; lid.176 often says `ja` for short Chinese.
            self.merge("jpn_Jpan", CHINESE, corrected=True)
        if CHINESE in self.scores:
            han, self.han_decided = scripts.han_script(sample)
            self.merge(CHINESE, f"zho_{han}", corrected=True)
        if PERSIAN in self.scores:
            self.merge(PERSIAN, persian_or_dari(sample), corrected=True)
            self.persian_rule = True

    def group_score(self, code: str) -> float | None:
        """Summed probability of ``code``'s confusable group (members and relatives), None outside a group."""
        group = GROUP_OF.get(code)
        if group is None:
            return None
        members = sum(self.scores.get(member, 0.0) for member in GROUPS[group])
        return min(members + self.relative_mass.get(group, 0.0), 1.0)

    def merge(self, source: str, target: str, *, corrected: bool | None = None) -> None:
        """Move ``source``'s probability to ``target``; its original label too when it is the stronger."""
        self._ranked = None
        self.scores[target] = self.scores.get(target, 0.0) + self.scores.pop(source)
        label = self.best_label.pop(source)
        was_corrected = self.corrected.pop(source)
        if target not in self.best_label or label[0] > self.best_label[target][0]:
            self.best_label[target] = label
            self.corrected[target] = was_corrected if corrected is None else corrected

    def ranked(self) -> list[tuple[str, float]]:
        """(code, score), best first; ties broken by code so the order is deterministic (do not change the
        list: it is kept until the next ``merge``)."""
        if self._ranked is None:
            # By code, then by score with reverse=True, which keeps equal scores in code order (sorting is
            # stable): the order of the key (-score, code) without a Python key function.
            self._ranked = sorted(sorted(self.scores.items()), key=itemgetter(1), reverse=True)
        return self._ranked

    def best(self) -> str:
        return self.ranked()[0][0]


class LanguageIdentifier:
    """One loaded fastText LID model plus the mapping and decision rules of a ``LangIdConfig``."""

    def __init__(self, model: Any, config: LangIdConfig, model_path: str | None = None) -> None:
        validate_config(config)
        self.model = model
        self.config = config
        self.model_path = model_path
        self.thresholds: dict[str, float] = resolve_thresholds(config)
        """Registry code -> minimum decision score; languages not in it use ``config.threshold``."""
        raw_labels = list(model.get_labels())
        self.labels: list[str] = [strip_label(label) for label in raw_labels]
        self._table: dict[str, tuple[str, MappedLabel]] = {
            raw: (name, map_label(name)) for raw, name in zip(raw_labels, self.labels, strict=True)
        }
        """fastText label -> (label without ``__label__``, its registry mapping), built once per model:
        per-label Python work cost about as much as the prediction itself on a short sample."""
        self._k = max(config.top_k, MIN_MODEL_K)

    @classmethod
    def from_config(cls, config: LangIdConfig) -> LanguageIdentifier:
        """Load ``config.model`` (or the bundled ``lid.176.ftz``) and build an identifier."""
        validate_config(config)
        path = resolve_model_path(config.model)
        log.info("loading fastText LID model %s", path)
        return cls(_load_fasttext(path), config, str(path))

    # -- identification --------------------------------------------------------------------------------

    def _mapped(self, labels: Sequence[str], probs: Any) -> list[tuple[str, float, MappedLabel]]:
        """One prediction as (label, probability capped at 1, registry mapping), best first."""
        table = self._table
        out = []
        # The probabilities are read as one list and the labels looked up in the per-model table.
        for label, p in zip(labels, probs.tolist() if hasattr(probs, "tolist") else probs, strict=True):
            known = table.get(label)
            name, mapped = known if known is not None else (strip_label(label), map_label(label))
            out.append((name, p if p <= 1.0 else 1.0, mapped))  # min(p, 1.0) without the builtin call
        return out

    def _predict(self, sample: str, k: int | None = None) -> list[tuple[str, float, MappedLabel]]:
        labels, probs = self.model.predict(sample, k=self._k if k is None else k)
        return self._mapped(labels, probs)

    def predict_labels(self, sample: str, k: int | None = None) -> list[tuple[str, float]]:
        """The model's raw (label, probability) list for a one-line sample, best first (``k`` labels, by
        default ``max(top_k, 10)``; -1 for all)."""
        return [(label, p) for label, p, _ in self._predict(sample, k)]

    def sample(self, text: str) -> tuple[str, bool] | None:
        """(the one-line sample fastText reads, whether it is smaller than the text) for ``text``, or None
        when ``text`` is too short to identify (then nothing is predicted)."""
        if not scripts.at_least_weight(text, self.config.min_chars):
            return None
        return sample_lines(text, self.config.max_sample_lines, self.config.max_sample_chars)

    def identify(self, text: str) -> LangResult:
        """Identify the language of ``text`` (no thresholds applied; see ``annotate``)."""
        prepared = self.sample(text)
        if prepared is None:
            return _TOO_SHORT
        sample, sampled = prepared
        return self._conclude(sample, sampled, self._predict(sample))

    def identify_batch(self, texts: Sequence[str]) -> list[LangResult]:
        """``[identify(t) for t in texts]``, with one fastText call over the whole list.

        The results are the same (fastText scores each line of a list exactly as it scores it alone); what
        changes is that the predictions run back to back, so the model stays in the CPU cache instead of
        being evicted by the per-document Python work between them (docs/performance.md).
        """
        prepared = [self.sample(text) for text in texts]
        samples = [p[0] for p in prepared if p is not None]
        predictions: list[list[tuple[str, float, MappedLabel]]] = []
        if samples:
            try:
                all_labels, all_probs = self.model.predict(samples, k=self._k)
            except (TypeError, ValueError, UnicodeError):
                # One sample fastText refuses fails the whole list; per-text calls raise for that text only,
                # exactly as ``identify`` does.
                return [self.identify(text) for text in texts]
            predictions = [self._mapped(ls, ps) for ls, ps in zip(all_labels, all_probs, strict=True)]
        scored = iter(predictions)
        return [_TOO_SHORT if p is None else self._conclude(p[0], p[1], next(scored)) for p in prepared]

    def _conclude(self, sample: str, sampled: bool, raw: list[tuple[str, float, MappedLabel]]) -> LangResult:
        """The result for a sample from the model's top labels ``raw`` (the steps after the prediction)."""
        flags: list[str] = [FLAG_SAMPLED] if sampled else []
        seen = scripts.dominant_script(sample)
        ranking = _Ranking(raw, sample, seen)
        code = ranking.best()

        if (code != UNDETERMINED and seen is not None and not _script_matches(code, seen)
                and code.split("_")[0] not in TWO_SCRIPT_LANGUAGES):
            # The model's favourite is written in another script than the text (lid.176 calls a run of Han
            # characters without punctuation Armenian). Take the best label of the text's own script from
            # the full distribution; a language that is really written in two scripts is flagged instead.
            full = _Ranking(self._predict(sample, k=-1), sample, seen)
            matching = [c for c, _ in full.ranked() if c != UNDETERMINED and _script_matches(c, seen)]
            if matching:
                ranking, code = full, matching[0]
                flags.append(FLAG_SCRIPT_RERANKED)

        sibling = sibling_by_markers(code, sample)
        if sibling is not None:
            # The model found the language group; its grammatical words name the member.
            ranking.merge(code, sibling, corrected=True)
            code = sibling
            flags.append(FLAG_MARKERS)

        if code in ("zho_Hans", "zho_Hant") and not ranking.han_decided:
            flags.append(FLAG_SCRIPT_UNDECIDED)
        if code in ("zho_Hans", "zho_Hant") and scripts.is_written_cantonese(sample):
            # Cantonese written with Standard Chinese characters: lid.176 calls most of it `zh`.
            ranking.merge(code, "yue_Hant")
            code = "yue_Hant"
            flags.append(FLAG_CANTONESE)
        if ranking.corrected.get(code, False):
            flags.append(FLAG_CORRECTED)
        if ranking.persian_rule and code in ("pes_Arab", "prs_Arab"):
            flags.append(FLAG_MERGED)

        seen_label = None
        if code != UNDETERMINED and seen is not None:
            if not _script_matches(code, seen):
                flags.append(FLAG_SCRIPT_MISMATCH)
                seen_label = f"{code.split('_')[0]}_{seen}"
            elif code == "yue_Hant":
                han, decided = scripts.han_script(sample)
                if decided and han == "Hans":
                    flags.append(FLAG_SCRIPT_MISMATCH)
                    seen_label = "yue_Hans"
        ranked = ranking.ranked()
        # The chosen code leads the top list even when a script rule chose it over a higher score.
        ordered = [(code, ranking.scores[code])] + [(c, s) for c, s in ranked if c != code]
        top = tuple((c, round(min(s, 1.0), 6)) for c, s in ordered[: self.config.top_k])
        return LangResult(code, min(ranking.scores[code], 1.0), top, ranking.best_label[code][1],
                          tuple(flags), seen_label, GROUP_OF.get(code), ranking.group_score(code))

    # -- decision ----------------------------------------------------------------------------------------

    def threshold_for(self, code: str) -> float:
        """The minimum decision score a document in ``code`` needs to be kept."""
        return self.thresholds.get(code, self.config.threshold)

    def decision_score(self, result: LangResult) -> float:
        """The score compared with the threshold: the group's for a language in a confusable group (when
        ``group_decision`` is on and the label holds at least ``GROUP_LABEL_SHARE`` of the group's
        probability), else the label's."""
        group = result.group_score
        if self.config.group_decision and group is not None and result.score >= GROUP_LABEL_SHARE * group:
            return group
        return result.score

    def decide(self, result: LangResult) -> str | None:
        """The removal reason for a result under the config, or None to keep it."""
        config = self.config
        if FLAG_TOO_SHORT in result.flags:
            return None if config.keep_undetermined else REASON_TOO_SHORT
        if result.code == UNDETERMINED:
            return None if config.keep_undetermined else REASON_UNDETERMINED
        if config.keep_languages and result.code not in config.keep_languages:
            return REASON_NOT_SELECTED
        if self.decision_score(result) < self.threshold_for(result.code):
            return REASON_LOW_SCORE
        return None

    def annotate(self, doc: Document) -> Document:
        """Fill ``lang``, ``lang_score``, ``lang_top``, ``lang_label``, ``lang_group`` and
        ``lang_group_score``; mark the document removed when the config says so (reasons ``langid_too_short``,
        ``langid_undetermined``, ``langid_not_selected``, ``langid_low_score``)."""
        return self._annotated(doc, self.identify(doc.text))

    def annotate_batch(self, docs: Sequence[Document]) -> list[Document]:
        """``[annotate(d) for d in docs]``, identified with ``identify_batch`` (one fastText call)."""
        results = self.identify_batch([d.text for d in docs])
        return [self._annotated(d, r) for d, r in zip(docs, results, strict=True)]

    def _annotated(self, doc: Document, result: LangResult) -> Document:
        out = dataclasses.replace(doc, lang=result.code, lang_score=result.score, lang_top=list(result.top),
                                  lang_label=result.lang_label, lang_group=result.group,
                                  lang_group_score=result.group_score)
        reason = self.decide(result)
        return out if reason is None else out.removed(reason)

    def coverage(self) -> tuple[list[str], list[str]]:
        """(covered, uncovered) registry codes of this identifier's model."""
        return coverage(self.labels)


def resolve_thresholds(config: LangIdConfig) -> dict[str, float]:
    """The per-language thresholds ``langid.thresholds`` names (languages not in the result use
    ``langid.threshold``).

    ``default`` is the table shipped for the bundled lid.176 when no other model is configured (none with any
    other model: its scores are not lid.176's); it only lowers ``langid.threshold`` for the languages it lists
    (each value is the smaller of the two), never raises it. ``auto`` reads the same outside a run, whose
    calibration pass replaces it with the measured mapping before any document is identified; ``global`` is
    none; a string that is not one of these is the path of a thresholds YAML; a mapping is taken as it is.
    """
    value = config.thresholds
    if isinstance(value, dict):
        return dict(value)
    if value == "global":
        return {}
    if value in ("default", "auto"):
        if config.model is not None:
            return {}
        return {code: min(tau, config.threshold) for code, tau in _load_shipped().items()}
    return load_thresholds(Path(value).expanduser())


@cache
def _load_shipped() -> dict[str, float]:
    return load_thresholds(DEFAULT_THRESHOLDS_FILE)


def coverage(model: Any) -> tuple[list[str], list[str]]:
    """(covered, uncovered) registry codes, in registry order, for a fastText model, a
    ``LanguageIdentifier`` or a list of labels."""
    if isinstance(model, LanguageIdentifier):
        model = model.labels
    labels: Iterable[str] = model.get_labels() if hasattr(model, "get_labels") else model
    report = coverage_report(list(labels))  # with or without ``__label__``: map_label strips it
    return report.covered, report.uncovered
