"""The provider's HTML: the sign-in form, error and signed-out pages, and the demo's commune police page
(Vietnamese first, English switch)."""

from __future__ import annotations

from functools import cache
from gettext import NullTranslations
from html import escape
from pathlib import Path
from urllib.parse import urlencode

from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES = ("vi", "en")


@cache
def translations(lang: str) -> NullTranslations:
    return Translations.load(str(LOCALES_DIR), [lang], domain="idp")


def pick_language(ui_locales: str | None) -> str:
    for tag in (ui_locales or "").split():
        lang = tag.split("-")[0].lower()
        if lang in LANGUAGES:
            return lang
    return "vi"


_STYLE = """
body{font-family:Roboto,'Noto Sans',Arial,sans-serif;background:#f3f6f9;color:#1a1a1a;margin:0;font-size:18px}
main{max-width:440px;margin:0 auto;padding:24px 16px}
.brand{background:#a50e0e;color:#fff;padding:16px;border-radius:12px 12px 0 0;font-size:20px;font-weight:700}
.card{background:#fff;border-radius:0 0 12px 12px;padding:20px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
label{display:block;font-weight:600;margin:16px 0 6px}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;font-size:20px;padding:12px;
  border:2px solid #5c6670;border-radius:8px;min-height:48px}
button{width:100%;min-height:52px;margin-top:24px;font-size:20px;font-weight:700;background:#a50e0e;color:#fff;
  border:0;border-radius:8px;cursor:pointer}
.hint{color:#3d4650;font-size:16px;margin:4px 0 0}
.error{background:#fdecea;color:#8a1c12;border-left:6px solid #c62828;padding:12px;margin-top:16px;font-weight:600}
.notice{color:#3d4650;font-size:15px;margin-top:20px}
.lang{text-align:right;margin-bottom:8px}
.lang a{color:#0b4f8a;font-size:17px}
.assist{background:#e8f1fb;color:#0b3d6b;border-left:6px solid #0b4f8a;padding:12px;margin-top:16px;font-weight:600}
.demo{background:#fff4d6;color:#4a3200;border:2px dashed #8a5f00;border-radius:8px;padding:12px;margin:0 0 12px;
  font-weight:700}
label.check{display:flex;align-items:center;gap:12px;min-height:48px;margin:20px 0 0;cursor:pointer}
label.check input{width:28px;height:28px;margin:0;flex:none}
.done{background:#e8f5e9;color:#1b5e20;border-left:6px solid #2e7d32;padding:12px;margin-top:16px;font-weight:600}
.done p{margin:0 0 8px}
a.button{display:block;box-sizing:border-box;min-height:52px;line-height:52px;margin-top:24px;text-align:center;
  font-size:20px;font-weight:700;background:#a50e0e;color:#fff;border-radius:8px;text-decoration:none}
"""


def _page(lang: str, title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def login_page(
    *, lang: str, query: dict[str, str], client_name: str, csrf: str, error: str | None = None,
    username: str = "", assist_notice: str | None = None,
) -> str:
    """`assist_notice`: the citizen signs in on a volunteer's device (an assisted sign-in); the browser
    is then asked not to remember what they type."""
    _ = translations(lang).gettext
    text = {  # outside the f-string below, so that Babel extracts them
        "title": _("VNeID sign-in"),
        "intro": _("{client} asks you to sign in with your electronic identity account.").format(client=client_name),
        "username": _("Personal ID number"),
        "username_hint": _("The 12 digits on your chip ID card."),
        "password": _("Password"),
        "submit": _("Sign in"),
        "notice": _("This is a test identity provider that imitates VNeID. It holds only demo accounts."),
    }
    text = {key: escape(value) for key, value in text.items()}
    other = "en" if lang == "vi" else "vi"
    switch_query = urlencode({**query, "ui_locales": other})
    switch_label = "English" if other == "en" else "Tiếng Việt"
    action = "authorize?" + urlencode(query)
    error_html = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    assist_html = f'<p class="assist" role="status">{escape(assist_notice)}</p>' if assist_notice else ""
    form_complete, username_complete, password_complete = (
        ("off", "off", "off") if assist_notice else ("on", "username", "current-password")
    )
    body = f"""
<p class="lang"><a href="authorize?{escape(switch_query)}" hreflang="{other}" lang="{other}">{switch_label}</a></p>
<div class="brand">{text["title"]}</div>
<div class="card">
  <p>{text["intro"]}</p>
  {assist_html}
  {error_html}
  <form method="post" action="{escape(action)}" autocomplete="{form_complete}">
    <input type="hidden" name="csrf" value="{escape(csrf)}">
    <label for="username">{text["username"]}</label>
    <input type="text" id="username" name="username" inputmode="numeric" autocomplete="{username_complete}"
      maxlength="12" required value="{escape(username)}" aria-describedby="username-hint">
    <p class="hint" id="username-hint">{text["username_hint"]}</p>
    <label for="password">{text["password"]}</label>
    <input type="password" id="password" name="password" autocomplete="{password_complete}" required>
    <button type="submit">{text["submit"]}</button>
  </form>
  <p class="notice">{text["notice"]}</p>
</div>"""
    return _page(lang, text["title"], body)


def message_page(*, lang: str, title: str, message: str) -> str:
    body = (
        f'<div class="brand">{escape(title)}</div>'
        f'<div class="card"><p role="status">{escape(message)}</p></div>'
    )
    return _page(lang, title, body)


def _language_switch(lang: str, path: str) -> str:
    other = "en" if lang == "vi" else "vi"
    label = "English" if other == "en" else "Tiếng Việt"
    href = path + "?" + urlencode({"ui_locales": other})
    return f'<p class="lang"><a href="{escape(href)}" hreflang="{other}" lang="{other}">{label}</a></p>'


def _police_header(lang: str) -> tuple[str, str]:
    """(the page's title, the switch, demo warning and title bar every police page starts with)"""
    _ = translations(lang).gettext
    title = _("Commune police: level 2 and BHYT card")
    demo = _("Demonstration page. In real life the commune police do this in the national identification "
             "system, not here.")
    head = (
        _language_switch(lang, "police")
        + f'<p class="demo" role="note">{escape(demo)}</p>'
        + f'<div class="brand">{escape(title)}</div>'
    )
    return title, head


def police_page(
    *, lang: str, csrf: str, error: str | None = None, personal_id: str = "", card: str = "",
) -> str:
    """The commune police's form: raise an account to level 2 after checking the chip ID card in
    person, and optionally link the BHYT card."""
    _ = translations(lang).gettext
    title, head = _police_header(lang)
    text = {  # outside the f-string below, so that Babel extracts them
        "intro": _("Raise a citizen's electronic identity account to level 2 after checking their chip ID card "
                   "in person, and link their health insurance (BHYT) card."),
        "personal_id": _("Personal ID number"),
        "personal_id_hint": _("The 12 digits on the person's chip ID card."),
        "checked": _("Chip ID card compared with the person applying"),
        "card": _("BHYT card code (optional)"),
        "card_hint": _("15 characters as printed on the card, e.g. HT3010123456789. Leave it empty to only "
                       "raise the level."),
        "submit": _("Confirm"),
    }
    text = {key: escape(value) for key, value in text.items()}
    error_html = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = f"""
{head}
<div class="card">
  <p>{text["intro"]}</p>
  {error_html}
  <form method="post" action="police?{escape(urlencode({"ui_locales": lang}))}" autocomplete="off">
    <input type="hidden" name="csrf" value="{escape(csrf)}">
    <label for="personal_id">{text["personal_id"]}</label>
    <input type="text" id="personal_id" name="personal_id" inputmode="numeric" maxlength="12" required
      pattern="[0-9]{{12}}" value="{escape(personal_id)}" aria-describedby="personal_id-hint">
    <p class="hint" id="personal_id-hint">{text["personal_id_hint"]}</p>
    <label class="check" for="checked_id_card">
      <input type="checkbox" id="checked_id_card" name="checked_id_card" value="yes" required>
      <span>{text["checked"]}</span>
    </label>
    <label for="bhyt_card">{text["card"]}</label>
    <input type="text" id="bhyt_card" name="bhyt_card" maxlength="20" autocapitalize="characters"
      value="{escape(card)}" aria-describedby="bhyt_card-hint">
    <p class="hint" id="bhyt_card-hint">{text["card_hint"]}</p>
    <button type="submit">{text["submit"]}</button>
  </form>
</div>"""
    return _page(lang, title, body)


def police_done_page(*, lang: str, name: str, changes: list[str]) -> str:
    """What the procedure changed, for the account named."""
    _ = translations(lang).gettext
    title, head = _police_header(lang)
    text = {
        "done": _("Procedure completed"),
        "account": _("Account: {name}").format(name=name),
        "next_sign_in": _("The change applies from the person's next sign-in."),
        "next": _("Next person"),
    }
    text = {key: escape(value) for key, value in text.items()}
    items = "".join(f"<li>{escape(change)}</li>" for change in changes)
    body = f"""
{head}
<div class="card">
  <div class="done" role="status"><p>{text["done"]}</p><p>{text["account"]}</p><ul>{items}</ul></div>
  <p>{text["next_sign_in"]}</p>
  <a class="button" href="police?{escape(urlencode({"ui_locales": lang}))}">{text["next"]}</a>
</div>"""
    return _page(lang, title, body)
