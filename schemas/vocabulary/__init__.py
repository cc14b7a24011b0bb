"""How the domain is *said*: the one vocabulary of report and ledger wording.

The registry (:mod:`schemas.registry`) says what each canonical key *is*; this package says how
reports and ledgers across the country *word* it — the distinctive words of each key and field,
their synonyms, the scope words that change what a figure counts, and the words that make a
look-alike something else — each with where the wording was seen. Table labels, prose, ledgers
and the checker's messages all read it, so a new wording is one line here plus a test case from
the real text, never a regex in a reader.

Modules, one per kind of wording:

* :mod:`schemas.vocabulary.tables` — row and column labels of template tables 二/三/四;
* :mod:`schemas.vocabulary.stats_table` — rows of the pre-2019 statistics table (统计表);
* :mod:`schemas.vocabulary.prose` — the prose lexicon: measured things, verbs, units, scope
  words and the contexts that make a count something else;
* :mod:`schemas.vocabulary.ledgers` — headers and labels of application ledgers (台账).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    """One wording: a plain word as printed (simplified script, no regex), its weight, its source.

    ``seen`` says where the wording was met (a province/body/year or "template" for the
    national template's own label), so a reviewer can tell a common wording from a one-off.
    """

    text: str
    weight: float = 1.0
    seen: str = ""


@dataclass(frozen=True)
class Sense:
    """Everything that says one key or field.

    ``words``: distinctive words (any of them is evidence, scored by weight);
    ``excludes``: words that, when present, make the text mean something else.
    """

    key: str
    words: tuple[Word, ...]
    excludes: tuple[Word, ...] = ()
    note: str = ""


def words(*texts: str, weight: float = 1.0, seen: str = "") -> tuple[Word, ...]:
    """Several :class:`Word` s with one weight and source (keeps the vocabulary tables short)."""
    return tuple(Word(t, weight, seen) for t in texts)
