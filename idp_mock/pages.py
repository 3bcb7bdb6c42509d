"""The provider's HTML: the sign-in form, error and signed-out pages (Vietnamese first, English switch)."""

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
    username: str = "",
) -> str:
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
    body = f"""
<p class="lang"><a href="authorize?{escape(switch_query)}" hreflang="{other}" lang="{other}">{switch_label}</a></p>
<div class="brand">{text["title"]}</div>
<div class="card">
  <p>{text["intro"]}</p>
  {error_html}
  <form method="post" action="{escape(action)}" autocomplete="on">
    <input type="hidden" name="csrf" value="{escape(csrf)}">
    <label for="username">{text["username"]}</label>
    <input type="text" id="username" name="username" inputmode="numeric" autocomplete="username"
      maxlength="12" required value="{escape(username)}" aria-describedby="username-hint">
    <p class="hint" id="username-hint">{text["username_hint"]}</p>
    <label for="password">{text["password"]}</label>
    <input type="password" id="password" name="password" autocomplete="current-password" required>
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
