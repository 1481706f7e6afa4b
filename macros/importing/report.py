"""What `policy import` tells the school: what it found, what it was unsure of, what it could
not place. Every piece of the document's text is either in the school file or listed here."""
from __future__ import annotations

from dataclasses import dataclass, field

from macros.errors import Problem
from macros.importing.departures import Departures, first_words
from macros.importing.extract import Facts


@dataclass
class ImportReport:
    source: str
    target: str
    facts: Facts
    departures: Departures
    model_share: float
    document_share: float
    problems: list[Problem] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {kind: len(self.departures.of(kind)) for kind in ("omit", "replace", "add_after", "fill")}

    def lines(self) -> list[str]:
        counts = self.counts
        out = [f"read {self.source}: {self.document_share:.0%} of its words are the model's, "
               f"and it says {self.model_share:.0%} of the model's words",
               "found:"]
        out += [f"  {line}" for line in self.facts.found]
        out.append(f"  passages: {counts['omit']} left out, {counts['replace']} reworded, "
                   f"{counts['add_after']} places with the school's own text, {counts['fill']} lists filled")
        unsure = self.facts.unsure + self.departures.unsure + [
            f"the heading \"{text}\" ({name}) is not in the document, but what follows it is: the heading is kept"
            for name, text in self.departures.kept_headings.items()] + list(self.departures.far_reworded.values())
        if unsure:
            out.append("unsure (check these in the file):")
            out += [f"  {line}" for line in unsure]
        if self.departures.unplaced:
            out.append("not placed (add these yourself, e.g. under passages.add_after):")
            out += [f"  \"{first_words(text, 16)}\"" for text in self.departures.unplaced]
        else:
            out.append("not placed: nothing (every paragraph of the document is in the file)")
        for problem in self.problems:
            out.append(f"to finish: {problem}")
        return out
