"""`outbox list` shows the files that go with each message: a line under the message for
people, `attachments` (name, type, size) in the JSON; the monthly report's DOCX, end to end."""

from __future__ import annotations

import re
from pathlib import Path

from notifications.sink import Mailbox
from tests.e2e.conftest import Cli
from tests.integration.test_outbox_attachments import KEYS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NOW = "2004-03-03"
TO = ("units@example.org", "scrutiny@mpa.example")
WORLD = """\
people:
  - {email: ilau@x.org, name: Ivy Lau, roles: [ilau]}
  - {email: owner1@x.org, name: Owen One, roles: [owner], group: TP}
reports:
  - key: botj-2003
    title: Bringing Offenders to Justice
    body: HMIC
    kind: inspection
    published: 2003-10-01
    responding_bodies: [MPS]
    recommendations:
      - {ref: R1, subject: Clear aims, text: "Clear aims", owner: owner1@x.org}
      - {ref: R2, text: "Nobody's"}
"""


def _monthly_sent(cli: Cli, tmp_path: Path, port: int) -> list[str]:
    """The world imported (the ILAU told of R2, which has no owner) and the monthly report
    queued by hand to two recipients; the global options that reach the mail server."""
    (tmp_path / "world.yaml").write_text(WORLD)
    cli.ok("import", str(tmp_path / "world.yaml"), now=NOW)
    config = tmp_path / "rectrack.toml"
    config.write_text(
        f'[monthly]\nrecipients = ["{TO[0]}", "{TO[1]}"]\n\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nfrom = "ilau@example.org"\n'
    )
    options = ["--config", str(config)]
    cli.ok(*options, "report", "monthly", "--send", "--actor", "ilau@x.org", now=NOW)
    return options


def test_the_text_mentions_each_message_s_files_under_it(
    cli: Cli, tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> None:
    _monthly_sent(cli, tmp_path, mailbox[1])
    lines = cli.ok("outbox", "list", now=NOW).out.splitlines()
    assert lines[0].split() == ["#", "STATUS", "TRIES", "TO", "SUBJECT"]
    rows = [i for i, line in enumerate(lines) if line[:1].isdigit()]
    assert [lines[i].split()[3] for i in rows] == ["ilau@x.org", *TO]
    ilau, *monthly = rows
    assert lines[ilau + 1][:1].isdigit()  # no files, no line
    mention = re.compile(r" {3}attachments: ilau-monthly-2004-03\.docx \(\d+ KB\)")
    for i in monthly:
        assert mention.fullmatch(lines[i + 1]), lines[i + 1]
    assert len(lines) == 1 + 3 + 2


def test_the_json_lists_name_type_and_size_and_the_size_is_what_is_sent(
    cli: Cli, tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    options = _monthly_sent(cli, tmp_path, port)
    listed = cli.ok("outbox", "list", "--json", now=NOW).json
    assert [(m["kind"], m["to"]) for m in listed] == [
        ("ilau", "ilau@x.org"),
        ("monthly", TO[0]),
        ("monthly", TO[1]),
    ]
    assert list(listed[0]) == [*KEYS, "attachments"]
    assert listed[0]["attachments"] == []
    [file] = listed[1]["attachments"]
    assert listed[2]["attachments"] == [file]
    assert (file["filename"], file["content_type"]) == ("ilau-monthly-2004-03.docx", DOCX)
    assert sorted(file) == ["content_type", "filename", "size"]

    cli.ok(*options, "outbox", "send", now=NOW)
    sent = cli.ok("outbox", "list", "--status", "sent", "--json", now=NOW).json
    assert [m["attachments"] for m in sent] == [[], [file], [file]]  # listed as before, sent
    for message in box.messages:
        if str(message["To"]) in TO:
            [part] = list(message.iter_attachments())
            assert len(part.get_content()) == file["size"]
            html = message.get_body(("html",))
            assert html is not None
            assert "Sent by rectrack for the Inspection" in html.get_content()  # the layout
