"""The demo presents as fact only what the seed documents record: every part of the story cites
seed paragraphs that exist (and say what is cited) or says it is simulated; nothing happens to
a report before it was published or imported; the clock never runs back; assumed dates are
marked as assumed wherever the demo prints them."""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
import yaml

from workflow.demo.seeds import ASSUMED, SEEDS
from workflow.demo.story import ANSWERS, HERE, STORY, Import, Run, Say, Step, Sweep

ROOT = Path(__file__).parents[2]
SEED_DIR = ROOT / "tests" / "data" / "seeds"  # the seed documents, copied as they are
REC = re.compile(r"^([a-z0-9-]+)/R\d+$")
# What the seeds never record: a step doing it must be under a heading that says "simulated".
NEVER_IN_THE_SEEDS = {"sweep", "reassign", "complete", "escalate", "extend", "approve-extension"}


def _sections(story: list[Step]) -> list[tuple[Say, list[Step]]]:
    sections: list[tuple[Say, list[Step]]] = []
    for step in story:
        if isinstance(step, Say):
            sections.append((step, []))
        else:
            assert sections, f"{step} comes before any heading"
            sections[-1][1].append(step)
    return sections


def _published() -> dict[str, date]:
    found: dict[str, date] = {}
    for path in sorted(HERE.glob("*.yaml")):
        for rep in yaml.safe_load(path.read_text(encoding="utf-8"))["reports"]:
            found[rep["key"]] = date.fromisoformat(str(rep["published"]))
    return found


def _reports_acted_on(step: Run | Import) -> set[str]:
    if isinstance(step, Import):
        return {step.report}
    keys = {m.group(1) for arg in step.args if (m := REC.match(arg))}
    keys |= {b for a, b in pairwise(step.args) if a == "--report"}
    return keys


def _seed_text(name: str) -> str:
    return " ".join((SEED_DIR / name).read_text(encoding="utf-8").split()).lower()


def _long(day: str) -> str:
    d = date.fromisoformat(day)
    return f"{d.day} {d:%B %Y}"


def test_every_part_of_the_story_cites_known_seed_paragraphs_or_says_it_is_simulated() -> None:
    for say, steps in _sections(STORY):
        assert say.seeds or say.simulated, f"{say.text!r} neither cites a seed nor is simulated"
        unknown = set(say.seeds) - set(SEEDS)
        assert not unknown, f"{say.text!r} cites {unknown}, not in seeds.SEEDS"
        for step in steps:
            verb = "sweep" if isinstance(step, Sweep) else None
            if isinstance(step, Run):
                verb = step.args[1] if step.args[0] == "rec" else step.args[0]
            if verb in NEVER_IN_THE_SEEDS:
                assert say.simulated, f"{step} is not in the seeds, but {say.text!r} says so"


def test_no_step_acts_on_a_report_before_it_is_published_or_imported() -> None:
    published, imported = _published(), set[str]()
    for step in STORY:
        if isinstance(step, Import):
            imported.add(step.report)
        if isinstance(step, Run | Import):
            for key in _reports_acted_on(step):
                assert key in published, f"{step} acts on {key}, which no demo file holds"
                assert key in imported, f"{step} acts on {key} before it is imported"
                when = date.fromisoformat(step.now[:10])
                assert when >= published[key], f"{step} is before {key} was published"


def test_the_clock_never_runs_back() -> None:
    times = [s.now for s in STORY if not isinstance(s, Say)]
    backwards = [(a, b) for a, b in pairwise(times) if b < a]
    assert not backwards


def test_assumed_dates_are_marked_assumed_wherever_the_story_prints_them() -> None:
    for say in (s for s in STORY if isinstance(s, Say)):
        text = f"{say.text} {say.simulated}"
        for day in ASSUMED:
            for form in (day, _long(day)):
                for found in re.finditer(re.escape(form), text):
                    assert text[found.end() :].startswith(" (assumed)"), (form, say.text)


def test_the_publication_dates_assumed_are_marked_in_the_demo_data() -> None:
    text = " ".join(p.read_text(encoding="utf-8") for p in HERE.glob("*.yaml"))
    for key, day in _published().items():
        if day.isoformat() in ASSUMED:
            assert f"{day.isoformat()} is assumed" in text, key


def test_the_publication_dates_assumed_are_flagged_so_the_papers_mark_them() -> None:
    flagged = {
        rep["key"]: rep.get("published_assumed", False)
        for path in sorted(HERE.glob("*.yaml"))
        for rep in yaml.safe_load(path.read_text(encoding="utf-8"))["reports"]
    }
    assert flagged == {key: day.isoformat() in ASSUMED for key, day in _published().items()}


@pytest.mark.parametrize("ref", sorted(SEEDS))
def test_each_cited_seed_paragraph_says_what_the_table_quotes(ref: str) -> None:
    name, words = SEEDS[ref]
    text = _seed_text(name)
    assert " ".join(words.split()).lower() in text


@pytest.mark.parametrize("rec", sorted(ANSWERS))
def test_the_responses_are_the_words_of_the_joint_response(rec: str) -> None:
    text = _seed_text("000_e68de819b305d33d.txt")
    mps, mpa, _ = ANSWERS[rec]
    for said in (mps, mpa):
        if said is not None:
            assert " ".join(said.split()).lower() in text, said
