"""A crawler for "no error page anywhere" (tests/e2e/test_no_error_page.py).

Signed in as one user in a Playwright browser context, it follows every same-origin link it
can reach from the start page and submits every form it finds with good and with bad values,
and records what is wrong: a 5xx, a console error, a page wider than the screen, English on a
Danish page. Nothing here knows telemon's pages: pages added later are crawled as they come.

Bounded so that it finishes in minutes: addresses are grouped by their pattern (digits and
long tokens replaced) and only a few of each pattern are visited, and each form (its action's
pattern, method and field names) is submitted once per language.

Forms that would end the crawl or spoil the demo for the users crawled after this one are
handled apart (see SKIPPED and ACTING below).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

# Form actions never submitted, and why.
SKIPPED = {
    "/sign-out": "ends the crawl's session (the sign-out form is checked by the error pages' test)",
    "/sign-in": "signing in again, or failing to, is not this crawl's business",
    "/language": "the crawl switches the language itself, between its passes",
}
# Post/Redirect/Get (issue 21): a form's POST answers with a redirect, also when it comes back
# with errors, so that Back and reload never meet "confirm resubmission". Forms that still answer
# a POST with a page, and why (none may be added without a reason):
RENDERS_AFTER_POST = {
    "/admin/users/new": "shows the new user's temporary password once (never stored to show again)",
    "/admin/users/N/password-reset": "shows the temporary password once",
    "/admin/nomograms": "a draft nomogram (JSON) is longer than a session cookie may keep",
}
# Forms whose good values would lock the crawl out: only their bad values are sent.
BAD_ONLY = ("/password",)
# Forms that act on something for good (deactivate, end, revoke, reset, pause): submitted last,
# after everything else of this user has been crawled in both languages.
ACTING = re.compile(r"/(deactivate|activate|end|revoke|reset|sessions|pause|resume|delete|remove)")
LINKS_SKIPPED = re.compile(r"^/(sign-out|static/|api/)")
PER_PATTERN = 3  # addresses visited of each pattern
MAX_PAGES = 70  # pages visited in one pass
BAD_VALUES = ("", "abc", "-1", "9" * 40, "nan", "1e400")  # float() reads the last two
TEXT_TYPES = {"text", "number", "email", "password", "search", "tel", "url", "date", "textarea"}
TEXT_TYPES |= {"datetime-local", "time", "select-one", "select-multiple"}

# Alert reasons are stored as codes and parameters and written in the reader's language: their
# text is held against a Danish page like any other.
_TEXT_JS = "() => document.body.innerText"

# English that must not show on a Danish page (words of telemon's own text; user input and the
# demo's names are removed from the page's text first).
ENGLISH = [
    re.compile(p)
    for p in (
        r"reading\(s\)",
        r"\breadings?\b",
        r"\bNot allowed\b",
        r"\bthreshold\.",
        r"\{INR\}",
        r"\{score\}",
        r"\bpoints\b",
        r"\bset\b(?! af)",
        r"\bAcknowledge\b",
        r"\bResolve\b",
        r"\bReview queue\b",
        r"\bSign (out|in)\b",
        r"\bInternal Server Error\b",
        r"\bNot Found\b",
        r"\bSomething went wrong\b",
        r"\bhold (one|\d+) doses?\b",
        r"\b[Ww]eekly dose\b",
        r"\bnot a number\b",
        r"\bmust be\b",
        r"\bago\b",
        r"\bis (below|above)\b",
        r"\bthe (alert|warning) limit\b",
        r"\bTime in therapeutic range\b",
        r" at \d",
        r"\bNo readings\b",
        # Measurement codes as stored, where their names belong ("SpO2", "Puls", "INR").
        r"\b(spo2|inr|pulse|peak_flow|fev1|systolic_bp|diastolic_bp|cat_score|respiratory_rate)\b",
        # Dates as Danish is not written (12-03-2026; Danish writes 12.03.2026).
        r"\b\d\d-\d\d-\d{4}\b",
        # The small words of any English sentence, which Danish does not use.
        r"\b([Tt]he|[Tt]his|[Yy]ou|[Yy]our|of|and|with|is|are|was|not|or)\b",
    )
]


@dataclass
class Problem:
    user: str
    language: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.user} [{self.language}] {self.where}: {self.what}"


@dataclass
class Form:
    action: str
    method: str
    fields: list[dict[str, Any]]
    submitter: dict[str, str] | None

    @property
    def path(self) -> str:
        return urlsplit(self.action).path

    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.method, pattern_of(self.path), tuple(sorted(f["name"] for f in self.fields)))

    def fillable(self) -> list[dict[str, Any]]:
        return [f for f in self.fields if f["type"] in TEXT_TYPES]


def pattern_of(url: str) -> str:
    """The address with its ids and tokens replaced: /patients/3 -> /patients/N."""
    parts = urlsplit(url)
    path = re.sub(r"\d+", "N", parts.path)
    query = sorted(
        (k, "N" if re.fullmatch(r"[\d,.]+", v) else ("*" if len(v) > 20 else v))
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    )
    return path + ("?" + urlencode(query) if query else "")


def page_text(markup: str) -> str:
    """The text of an HTML page, roughly as shown (for responses not drawn in the browser)."""
    markup = re.sub(r"(?is)<(script|style|title)\b.*?</\1>", " ", markup)
    return html.unescape(re.sub(r"(?s)<[^>]+>", " ", markup))


_FORMS_JS = """() => Array.from(document.forms).map(f => {
  const submit = f.querySelector('button[name], input[type=submit][name]');
  return {
    action: f.action,
    method: (f.getAttribute('method') || 'get').toLowerCase(),
    submitter: submit ? {name: submit.name, value: submit.value} : null,
    fields: Array.from(f.elements).filter(e => e.name && e.tagName !== 'BUTTON'
        && !(e.tagName === 'INPUT' && e.type === 'submit')).map(e => ({
      name: e.name, type: e.tagName === 'TEXTAREA' ? 'textarea' : e.type,
      value: e.type === 'select-multiple'
        ? Array.from(e.selectedOptions).map(o => o.value) : e.value,
      checked: !!e.checked,
      options: e.tagName === 'SELECT' ? Array.from(e.options).map(o => o.value) : null,
    })),
  };
})"""
_WIDTH_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
_WIDEST_JS = """() => {
  const width = document.documentElement.clientWidth;
  let widest = null, right = width;
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.right > right) { right = r.right; widest = e; }
  }
  if (!widest) return '';
  const text = (widest.innerText || widest.value || '').slice(0, 40).replace(/\\s+/g, ' ');
  return `${widest.tagName.toLowerCase()}.${widest.className} "${text}"`;
}"""

# Phone pages (issue 21): every tap target at least 44 x 44 px (a checkbox or radio counts by
# its label), and the bar at the top one line.
PHONE_WIDTH = 390
TAP_PX = 44
BAR_PX = 64
_SMALL_TARGETS_JS = """(least) => {
  const small = [];
  const targets = document.querySelectorAll(
    'a[href], button, summary, select, textarea, input:not([type=hidden])');
  for (const e of targets) {
    const style = getComputedStyle(e);
    if (style.visibility === 'hidden' || e.closest('.skip')) continue;
    let box = e.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not shown
    if (e.type === 'checkbox' || e.type === 'radio') {
      const label = e.closest('label');
      if (!label) { small.push(`${e.type} ${e.name} without a label`); continue; }
      box = label.getBoundingClientRect();
    }
    if (box.height < least - 0.5 || box.width < least - 0.5) {
      const text = (e.innerText || e.value || e.name || '').trim().slice(0, 30)
        .replace(/\\s+/g, ' ');
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      small.push(`${e.tagName.toLowerCase()} "${text}" ${size}`);
    }
  }
  return small.slice(0, 5);
}"""
_BAR_JS = (
    "() => { const bar = document.querySelector('header.top'); return bar ? bar.offsetHeight : 0; }"
)


@dataclass
class Crawl:
    """One user's crawl: `pass_(language)` visits and submits, `act()` submits the acting
    forms last."""

    context: Any
    page: Any
    base: str
    user: str
    ignored_text: tuple[str, ...]
    widths: tuple[int, ...] = (390, 1366)
    problems: list[Problem] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    forms: dict[tuple[str, str, tuple[str, ...]], Form] = field(default_factory=dict)
    acting: dict[tuple[str, str, tuple[str, ...]], Form] = field(default_factory=dict)
    visited: list[str] = field(default_factory=list)
    form_paths: set[str] = field(default_factory=set)  # every form's action seen
    pages: int = 0

    def __post_init__(self) -> None:
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.console.append(message.text)

    def problem(self, language: str, where: str, what: str) -> None:
        self.problems.append(Problem(self.user, language, where, what))

    # ---- pages ------------------------------------------------------------------------------

    def pass_(self, language: str, start: str = "/") -> None:
        """Visit what can be reached from `start`, then submit every form found."""
        seen: dict[str, int] = {}
        queue = [start]
        done: set[str] = set()
        while queue and len(done) < MAX_PAGES:
            url = queue.pop(0)
            pattern = pattern_of(url)
            if url in done or seen.get(pattern, 0) >= PER_PATTERN:
                continue
            seen[pattern] = seen.get(pattern, 0) + 1
            done.add(url)
            queue += [u for u in self.visit(url, language) if u not in done]
        self.visited = sorted(done)
        for form in list(self.forms.values()):
            self.submit(form, language)

    def visit(self, url: str, language: str) -> list[str]:
        """Load `url`, check it, and return the links and forms it offers."""
        self.console.clear()
        self.pages += 1
        try:
            response = self.page.goto(url)
        except Exception as error:  # a download (CSV) is not a page: fetch it instead
            if "Download" not in str(error) and "ERR_ABORTED" not in str(error):
                self.problem(language, url, f"could not load: {error}")
                return []
            fetched = self.context.request.get(url)
            if fetched.status >= 500:
                self.problem(language, url, f"status {fetched.status}")
            return []
        if response is None:
            return []
        if response.status >= 500:
            self.problem(language, url, f"status {response.status}")
        if "text/html" not in (response.headers.get("content-type") or ""):
            return []
        self.check_page(url, language)
        links = self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for raw in self.page.evaluate(_FORMS_JS):
            form = Form(raw["action"], raw["method"], raw["fields"], raw["submitter"])
            if not form.action.startswith(self.base):
                continue
            self.form_paths.add(form.path)
            if form.path in SKIPPED:
                continue
            target = self.acting if ACTING.search(form.path) else self.forms
            target.setdefault(form.key(), form)
        return [link for link in map(self._local, links) if link]

    def _local(self, link: str) -> str | None:
        if not link.startswith(self.base + "/"):
            return None
        path = link[len(self.base) :].split("#", 1)[0]
        return None if LINKS_SKIPPED.match(path) else path

    def check_page(self, url: str, language: str) -> None:
        for message in self.console:
            self.problem(language, url, f"console error: {message}")
        self.console.clear()
        for width in self.widths:
            # Pages load at the first width (the context's, set again below): no resize there.
            if self.page.viewport_size != {"width": width, "height": 900}:
                self.page.set_viewport_size({"width": width, "height": 900})
            wider = self.page.evaluate(_WIDTH_JS)
            if wider > 1:
                widest = self.page.evaluate(_WIDEST_JS)
                self.problem(
                    language, url, f"{wider} px wider than the {width} px screen ({widest})"
                )
            if width == PHONE_WIDTH:
                self.check_phone(url, language)
        self.page.set_viewport_size({"width": self.widths[0], "height": 900})
        if language == "da":
            self.check_danish(url, self.page.evaluate(_TEXT_JS))

    def check_phone(self, url: str, language: str) -> None:
        """Tap targets of at least TAP_PX and a bar of one line (at most BAR_PX high)."""
        for small in self.page.evaluate(_SMALL_TARGETS_JS, TAP_PX):
            self.problem(language, url, f"tap target under {TAP_PX} px at {PHONE_WIDTH}: {small}")
        bar = self.page.evaluate(_BAR_JS)
        if bar > BAR_PX:
            self.problem(language, url, f"the top bar is {bar} px high at {PHONE_WIDTH} px")

    def check_danish(self, where: str, text: str) -> None:
        for known in self.ignored_text:
            text = text.replace(known, " ")
        for english in ENGLISH:
            found = english.search(text)
            if found:
                around = text[max(0, found.start() - 40) : found.end() + 40].replace("\n", " ")
                self.problem("da", where, f"English {found.group(0)!r} in …{around}…")

    # ---- forms ------------------------------------------------------------------------------

    def submit(self, form: Form, language: str, good: bool = True) -> None:
        """The form as offered (good values), then with each bad value in every field one
        types into."""
        fillable = form.fillable()
        variants: list[tuple[str, Callable[[dict[str, Any]], Any]]] = []
        if good and form.path not in BAD_ONLY:
            variants.append(("good", _good_value))
        if fillable:
            variants += [(f"bad {bad!r}", _constant(bad)) for bad in BAD_VALUES]
        for name, value_of in variants:
            data: list[tuple[str, str]] = []
            for f in form.fields:
                if f["type"] in ("checkbox", "radio") and not f["checked"]:
                    continue
                value = value_of(f) if f in fillable else f["value"]
                values = value if isinstance(value, list) else [value]
                data += [(f["name"], str(v)) for v in values]
            if form.submitter:
                data.append((form.submitter["name"], form.submitter["value"]))
            self._send(form, data, language, name)

    def _send(self, form: Form, data: list[tuple[str, str]], language: str, variant: str) -> None:
        where = f"{form.method.upper()} {form.path} ({variant})"
        encoded = urlencode(data)
        if form.method == "get":
            url = form.path + "?" + encoded
            response = self.context.request.get(urljoin(self.base, url))
        else:
            response = self.context.request.post(
                form.action,
                data=encoded,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                max_redirects=0,
            )
            if 300 <= response.status < 400:
                location = response.headers.get("location") or "/"
                response = self.context.request.get(urljoin(form.action, location))
            elif (
                response.status < 500
                and "text/html" in (response.headers.get("content-type") or "")
                and pattern_of(form.path) not in RENDERS_AFTER_POST
            ):
                self.problem(
                    language,
                    where,
                    f"answered the POST with a page ({response.status}), not a redirect: "
                    "Back would ask to resend the form",
                )
        if response.status >= 500:
            self.problem(language, where, f"status {response.status}")
            return
        content_type = response.headers.get("content-type") or ""
        if language == "da" and "text/html" in content_type:
            self.check_danish(where, page_text(response.text()))

    def act(self, language: str) -> None:
        """The acting forms, last: each with its good values (and bad ones where it has
        fields); the crawl of this user ends here."""
        for form in self.acting.values():
            self.submit(form, language)


def _good_value(f: dict[str, Any]) -> Any:
    """What a user would leave or type: the value offered, else something plausible."""
    if f["value"] not in ("", []):
        return f["value"]
    if f["options"]:
        choices = [o for o in f["options"] if o]
        return choices[:1] if f["type"] == "select-multiple" else (choices[0] if choices else "")
    return {
        "number": "1",
        "date": date.today().isoformat(),
        "email": "crawler@example.invalid",
        "password": "crawler-password-4711",
        "time": "08:00",
    }.get(f["type"], "Crawler text")


def _constant(bad: str) -> Callable[[dict[str, Any]], Any]:
    return lambda f: [bad] if f["type"] == "select-multiple" else bad
