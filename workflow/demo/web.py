"""The demo's last act: the web application, served for a few seconds, opened from the link
in the last reminder an owner received, as that owner's browser would open it."""

from __future__ import annotations

import html
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from http.cookiejar import CookieJar
from pathlib import Path

from notifications.sink import Mailbox

_H1 = re.compile(r"<h1>(.*?)</h1>", re.S)
_WHO = re.compile(r"Signed in as ([^<]+)</span>")


def _wait(url: str, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/login", timeout=1).close()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise RuntimeError(f"the server at {url} did not answer")


def _last_reminder(box: Mailbox, base: str) -> tuple[EmailMessage, str] | None:
    for msg in reversed(box.messages):
        found = re.search(re.escape(base) + r"/recs/\S+", box.body(msg))
        if found and str(msg["Subject"]).startswith("rectrack: ") and "due" in str(msg["Subject"]):
            return msg, found.group(0)
    return None


def open_in_browser(db: Path, box: Mailbox, base: str, port: int) -> None:
    """Serve, open the last reminder's link with a cookie jar (a browser, minus the screen),
    and show what the owner sees; then stop the server."""
    found = _last_reminder(box, base)
    if found is None:
        print("(no reminder carried a link: nothing to open)")
        return
    msg, link = found
    sent = parsedate_to_datetime(str(msg["Date"]))
    now = sent.isoformat(timespec="seconds")  # the server's clock: when the owner reads it
    command = [sys.executable, "-m", "workflow.cli", "--db", str(db), "--now", now]
    command += ["serve", "--port", str(port)]
    print(f"$ rectrack --db {db} --now {now} serve --port {port}   # for a few seconds")
    server = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    try:
        _wait(base)
        print(f"\nThe reminder to {msg['To']}, sent {now[:10]}: {msg['Subject']}")
        print(f"  its link: {link[:72]}...")
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        with opener.open(link, timeout=10) as answer:
            page = answer.read().decode()
            print(f"  opened: HTTP {answer.status} at {answer.url} (the token is gone from it)")
        heading = _H1.search(page)
        who = _WHO.search(page)
        print(f"  the page: {html.unescape(heading.group(1)) if heading else '?'}")
        print(f"  signed in as: {who.group(1) if who else 'nobody'}, by the link alone")
        forms = re.findall(r'<h3 id="[a-z-]+-title">([^<]+)</h3>', page)
        print(f"  forms offered: {', '.join(forms) or 'none'}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)
    print(
        "\nTo use it for real:\n"
        f"  RECTRACK_BASE_URL=http://127.0.0.1:8000 rectrack --db {db} --now {now} serve\n"
        "  and open a link from an e-mail, or http://127.0.0.1:8000/login "
        "(the sign-in link goes to the SMTP server in the settings)."
    )
