"""`make demo`: a fresh SQLite database built from the seed documents, walked through 2002-2004.

Every step of the story (`workflow.demo.story`) is a real `rectrack` command line, run
in-process so the demo takes seconds. Each heading says which seed paragraphs record what
follows and what in it is simulated. `--out DIR` writes elsewhere than ./demo-out.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shlex
import sys
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING

from workflow.cli.main import run
from workflow.demo.story import ILAU, STORY, Import, Say, Step, Sweep

if TYPE_CHECKING:
    from notifications.sink import Mailbox

OUT = Path("demo-out")
DB = OUT / "rectrack-demo.db"


class DemoFailed(Exception):
    pass


def say(text: str, seeds: tuple[str, ...] = (), simulated: str = "") -> None:
    """A heading; under it, the seed paragraphs that record what follows and what is simulated
    (a heading citing no seed says "(simulated)" itself)."""
    print(f"\n## {text}{'' if seeds or not simulated else ' (simulated)'}")
    for label, words in (("from the seeds", ", ".join(seeds)), ("simulated", simulated)):
        if words:
            print(textwrap.fill(f"{label}: {words}", 96, initial_indent="   ",
                                subsequent_indent="     "))  # fmt: skip


def import_report(step: Import) -> None:
    """Import one report of `step.source` (with its people) as the ILAU would on that day."""
    import yaml

    data = yaml.safe_load(step.source.read_text(encoding="utf-8"))
    one = {**data, "reports": [r for r in data["reports"] if r["key"] == step.report]}
    path = OUT / f"{step.report}.yaml"
    path.write_text(yaml.safe_dump(one, sort_keys=False, allow_unicode=True), encoding="utf-8")
    rt(step.now, "import", str(path), "--actor", ILAU)
    print(f"  ({step.report} as written in workflow/demo/{step.source.name})")


def rt(now: str, *args: str, expect: int = 0, quiet: bool = False, logs: bool = False) -> str:
    """Run `rectrack --now NOW ARGS...` as a user would, echoing it unless quiet; returns
    what it printed (or, with `logs`, what it logged)."""
    argv = ["--db", str(DB), "--now", now, *args]
    buffer = io.StringIO()
    errors = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(errors):
        code = run(argv)
    if not quiet:
        print(f"$ rectrack --now {now} {shlex.join(args)}")
        print(buffer.getvalue() + errors.getvalue(), end="")
        if code:
            print(f"(exit {code})")
    if code != expect:
        raise DemoFailed(
            f"`rectrack {shlex.join(argv)}` exited {code}, expected {expect}:\n{errors.getvalue()}"
        )
    return errors.getvalue() if logs else buffer.getvalue()


def sweep_and_send(now: str) -> None:
    """What the scheduler does each morning: sweep, generate agendas due, deliver the outbox.

    The sweep runs first on its own so that its report can be shown; the scheduler's own
    sweep then finds nothing new (it is idempotent) and goes on to agendas and e-mail.
    """
    out = rt(now, "sweep", quiet=True).strip().splitlines()
    jobs = [
        json.loads(line)
        for line in rt(now, "scheduler", "--once", quiet=True, logs=True).splitlines()
        if line.startswith("{")
    ]
    done = {j["job"]: j for j in jobs if j.get("event") == "job finished"}
    print(f"$ rectrack --now {now} sweep && rectrack --now {now} scheduler --once")
    grouped: dict[tuple[str, str], list[str]] = {}  # (what, rec) -> reasons, one line a rec
    for line in out[:-1]:
        if line.startswith(("escalated", "cleared", "unowned")):
            what, rec, *rest = line.split()
            reason = " ".join(rest).removesuffix("-> Performance Board").strip()
            grouped.setdefault((what, rec), []).append(reason)
    for (what, rec), reasons in grouped.items():
        print(f"  {what:<9} {rec:<17} {', '.join(r for r in reasons if r)}".rstrip())
    for agenda in done.get("agenda", {}).get("agendas", []):
        print(f"  agenda generated for the {agenda} (its secretary is e-mailed)")
    send = done.get("send", {})
    print(
        f"  {out[-1]}; e-mail sent {send.get('sent')}, failed {send.get('failed')}, "
        f"pending {send.get('pending')}"
    )


def play(step: Step) -> None:
    """One step of the story."""
    if isinstance(step, Say):
        say(step.text, step.seeds, step.simulated)
    elif isinstance(step, Import):
        import_report(step)
    elif isinstance(step, Sweep):
        sweep_and_send(step.now)
    else:
        rt(step.now, *step.args, expect=step.expect, quiet=step.quiet)


def show_mail(box: Mailbox) -> None:
    say(
        f"What the owners and the Board received: {len(box.messages)} messages over SMTP",
        simulated="the e-mail the story above produces",
    )
    for msg in box.messages:
        print(f"  {str(msg['Date'])[5:16]}  to {msg['To']!s:<38} {msg['Subject']}")
    for to, subject_part in (
        ("docj.commander@mps.example.org", "attention"),
        ("deputy.commissioner@mps.example.org", "escalated"),
    ):
        found = [m for m in box.messages if m["To"] == to and subject_part in str(m["Subject"])]
        if found:
            msg = found[-1]
            print(f"\n--- the last of these to {to} ---")
            print(f"Subject: {msg['Subject']}\n")
            print(box.body(msg).rstrip())
    rt("2004-09-01", "escalations", "--open")


def documents() -> None:
    say(
        "September 2004: the committee papers, generated from the data",
        simulated="papers built from the story above, seed-recorded or simulated as it said",
    )
    board = OUT / "performance-board-2004-09-04"
    pprc = OUT / "pprc-2004-09-09"
    rt("2004-09-01", "agenda", "Performance Board", "--meeting", "2004-09-04", "--json")
    for fmt in ("docx", "html", "md"):
        rt(
            "2004-09-01",
            "agenda",
            "Performance Board",
            "--meeting",
            "2004-09-04",
            "--format",
            fmt,
            "--out",
            f"{board}.{fmt}",
            quiet=True,
        )
        rt(
            "2004-09-01",
            "agenda",
            "PPRC",
            "--meeting",
            "2004-09-09",
            "--format",
            fmt,
            "--out",
            f"{pprc}.{fmt}",
            quiet=True,
        )
    rt(
        "2004-09-01",
        "report",
        "tracker",
        "da-bvpp-2001",
        "--format",
        "docx",
        "--out",
        str(OUT / "tracker-da-bvpp-2001.docx"),
        quiet=True,
    )
    rt(
        "2004-09-01",
        "report",
        "tracker",
        "botj-2003",
        "--format",
        "md",
        "--out",
        str(OUT / "tracker-botj-2003.md"),
        quiet=True,
    )
    rt(
        "2004-09-01",
        "report",
        "progress",
        "--format",
        "html",
        "--out",
        str(OUT / "ilau-progress-2004-09.html"),
        quiet=True,
    )
    print(f"\nThe Performance Board's report for 4 September 2004 ({board}.md), first lines:")
    print("\n".join(Path(f"{board}.md").read_text().splitlines()[:24]))
    print("\nWritten:")
    for path in sorted(OUT.glob("*")):
        if path.suffix in (".docx", ".html", ".md", ".png"):
            print(f"  {path}")


def main(argv: list[str] | None = None) -> int:
    global OUT, DB
    args = argv if argv is not None else sys.argv[1:]
    if args[:1] == ["--out"] and len(args) == 2:
        OUT = Path(args[1])
        DB = OUT / "rectrack-demo.db"
    elif args:
        print("usage: python -m workflow.demo.run [--out DIR]", file=sys.stderr)
        return 2
    try:
        from notifications.sink import Mailbox, free_port
    except ImportError:
        print("the demo needs its SMTP server: pip install 'rectrack[demo]'", file=sys.stderr)
        return 2
    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    for old in OUT.glob("*"):
        if old.suffix in (".docx", ".html", ".md", ".png", ".yaml"):
            old.unlink()
    say(f"A fresh database: {DB}")
    rt("2002-01-07", "init")
    box, port = Mailbox(), free_port()
    box.start(port)
    web_port = free_port()
    base_url = f"http://127.0.0.1:{web_port}"
    print(f"(a local SMTP server listens on 127.0.0.1:{port} for the owners and the Board)")
    os.environ.update(
        {
            "RECTRACK_SMTP_HOST": "127.0.0.1",
            "RECTRACK_SMTP_PORT": str(port),
            "RECTRACK_SMTP_TLS": "none",
            "RECTRACK_MAIL_FROM": "ilau@mps.example.org",
            "RECTRACK_BASE_URL": base_url,  # the links in every e-mail lead to the demo's server
        }
    )
    try:
        for step in STORY:
            play(step)
        show_mail(box)
        documents()
        say(
            "The web application: an owner opens the link in their reminder",
            simulated="the owner, their reminder and the day they read it",
        )
        from workflow.demo.web import open_in_browser

        open_in_browser(DB, box, base_url, web_port)
    except DemoFailed as exc:
        print(f"\ndemo failed: {exc}", file=sys.stderr)
        return 1
    finally:
        box.stop()
    print(f"\nDemo finished in {time.perf_counter() - started:.1f} s; database: {DB}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
