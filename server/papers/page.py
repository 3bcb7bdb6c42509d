"""The public /verify page: plain HTML, no script, one stylesheet allowed by its hash, large type."""

from __future__ import annotations

import base64
import hashlib
from html import escape

from api_client.identifiers import N_
from locales import translations

from .wording import Wording

TITLE = N_("Check a paper of the electronic health book")
INTRO = N_("Paste the text of the QR code on the paper, or choose the paper's PDF file, then press Check. "
           "The paper is checked with the electronic health book's own keys; nothing you send is kept.")
QR_LABEL = N_("Text of the QR code")
FILE_LABEL = N_("Or the PDF file of the paper (at most 5 MB)")
CHECK = N_("Check")
NOTHING_GIVEN = N_("Paste the text of the QR code or choose a PDF file, then press Check.")
TOO_LARGE = N_("The file is too large: a paper's PDF is at most 5 MB.")
UNREADABLE_FORM = N_("The form could not be read. Please try again.")
TOO_MANY_CHECKS = N_("Too many papers were checked from this address just now. Please try again in {seconds} seconds.")
BUSY = N_("The service is checking many papers right now. Please try again in a moment.")
KEYS_LINK = N_("Public keys (JWKS)")
OTHER_LANGUAGE = {"vi": ("en", "English"), "en": ("vi", "Tiếng Việt")}

STYLE = (
    "body{font-family:system-ui,'DejaVu Sans',sans-serif;font-size:20px;line-height:1.5;margin:0;"
    "color:#1a1a1a;background:#f6f8fa}main{max-width:44rem;margin:0 auto;padding:1.25rem}"
    "h1{font-size:1.6rem;color:#0b5394;margin:.5rem 0}label{display:block;font-weight:bold;margin-top:1rem}"
    "textarea{width:100%;min-height:6rem;font-size:1rem;box-sizing:border-box}"
    "input[type=file]{font-size:1rem;margin-top:.5rem}"
    "button{font-size:1.2rem;min-height:48px;padding:.5rem 2rem;margin-top:1rem;background:#0b5394;color:#fff;"
    "border:0;border-radius:8px}.verdict{border-radius:10px;padding:1rem 1.25rem;margin:1rem 0;color:#fff}"
    ".valid{background:#1b6e3a}.invalid{background:#b3261e}.verdict h2{font-size:2rem;margin:0}"
    "dl{background:#fff;color:#1a1a1a;border-radius:8px;padding:.75rem 1rem}dt{font-weight:bold}"
    "dd{margin:0 0 .5rem 0;overflow-wrap:anywhere}nav{text-align:right}a{color:#0b5394;min-height:48px}"
)
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
CSP = (f"default-src 'none'; style-src 'sha256-{STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")


def verify_page(language: str, *, wording: Wording | None = None, problem: str | None = None,
                pasted: str = "") -> str:
    _ = translations(language).gettext
    other, other_name = OTHER_LANGUAGE[language]
    parts = [
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="referrer" content="no-referrer"><title>{escape(_(TITLE))}</title>'
        f"<style>{STYLE}</style></head><body><main>",
        f'<nav><a href="?lang={other}" hreflang="{other}">{other_name}</a></nav>',
        f"<h1>{escape(_(TITLE))}</h1>",
    ]
    if problem:
        parts.append(f'<div class="verdict invalid" role="alert"><p>{escape(problem)}</p></div>')
    if wording is not None:
        tone = "valid" if wording.valid else "invalid"
        symbol = "✔" if wording.valid else "✘"
        parts.append(f'<section class="verdict {tone}" role="status" id="verdict">'
                     f"<h2>{symbol} {escape(wording.headline)}</h2>")
        for line in (wording.reason, wording.scope):
            if line:
                parts.append(f"<p>{escape(line)}</p>")
        if wording.facts:
            parts.append("<dl>" + "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>"
                                          for label, value in wording.facts) + "</dl>")
        parts.append("</section>")
    parts += [
        f"<p>{escape(_(INTRO))}</p>",
        f'<form method="post" action="?lang={language}" enctype="multipart/form-data">',
        f'<label for="qr">{escape(_(QR_LABEL))}</label>'
        f'<textarea id="qr" name="qr" spellcheck="false" autocomplete="off">{escape(pasted)}</textarea>',
        f'<label for="file">{escape(_(FILE_LABEL))}</label>'
        '<input id="file" name="file" type="file" accept="application/pdf,.pdf">',
        f'<div><button type="submit">{escape(_(CHECK))}</button></div></form>',
        f'<p><a href="/.well-known/jwks.json">{escape(_(KEYS_LINK))}</a></p>',
        "</main></body></html>",
    ]
    return "".join(parts)
