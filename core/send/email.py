"""Email for the private follow-up, over SMTP. The account names *environment variables* for
the server and login: `host_env`, `user_env`, `password_env` (the values are read when sending);
`from` is the address it sends as, `port` (587) and `starttls` (true) say how to connect.

Threading: when douse knows the customer's message (an email mention with a Message-ID), the
reply carries In-Reply-To and References so it lands in the same conversation. Its own
Message-ID is made from the outbox key, so a message is recognisable in the sent mail. SMTP has
no way to ask what was sent: a send cut short by a crash is not retried (see outbox.recover).
"""

from __future__ import annotations

import re
import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from douse.core.send.account import AccountSetup
from douse.core.send.errors import SendError
from douse.core.send.types import EMAIL, Outgoing, Post, Posted
from douse.core.text import inert

ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def address_of(value: str | None) -> str | None:
    if not value:
        return None
    address = parseaddr(value)[1]
    return address if ADDRESS.match(address) else None


class EmailSender:
    platform = "email"
    kinds = (EMAIL,)
    resend_is_safe = False
    checkable = False

    def __init__(self, account: AccountSetup, timeout: float = 20.0) -> None:
        self.account = account
        self.timeout = timeout

    def prepare(self, post: Post, kind: str, key: str, now: datetime) -> dict[str, Any]:
        to = address_of((post.raw or {}).get("email")) or address_of(post.author)
        if to is None:
            raise SendError(
                "config",
                "douse does not know the customer's email address: give it (douse reply "
                "--email ADDRESS, or in the desk the dialog's channel field)",
            )
        thread = (post.raw or {}).get("message_id") or (
            post.external_id if (post.external_id or "").startswith("<") else None
        )
        subject = post.title or "Your message"
        if not subject.lower().startswith("re:"):
            subject = f"Re: {subject}"
        return {"to": to, "in_reply_to": thread, "subject": inert(subject, 200)}

    def message(self, out: Outgoing) -> EmailMessage:
        sender = str(self.account.setting("from") or self.account.handle)
        if address_of(sender) is None:
            raise SendError("config", f"email account {self.account.handle} needs send.from")
        domain = address_of(sender).split("@", 1)[1]  # type: ignore[union-attr]
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = out.target["to"]
        msg["Subject"] = out.target["subject"]
        msg["Message-ID"] = f"<douse-{out.key}@{domain}>"
        if out.attempted_at:
            msg["Date"] = format_datetime(out.attempted_at)
        if out.target.get("in_reply_to"):
            msg["In-Reply-To"] = out.target["in_reply_to"]
            msg["References"] = out.target["in_reply_to"]
        msg.set_content(out.text)
        return msg

    def send(self, out: Outgoing) -> Posted:
        host = self.account.secret("host_env", "the SMTP server's host name")
        user = self.account.optional_secret("user_env")
        password = self.account.optional_secret("password_env")
        port = int(self.account.setting("port", 587))
        msg = self.message(out)
        sent_data = False
        try:
            with smtplib.SMTP(host, port, timeout=self.timeout) as smtp:
                if self.account.setting("starttls", True):
                    smtp.starttls(context=ssl.create_default_context())
                if user and password:
                    smtp.login(user, password)
                sent_data = True
                smtp.send_message(msg)
        except smtplib.SMTPAuthenticationError:
            raise SendError(
                "expired_token", "the mail server refused the login (user/password)"
            ) from None
        except smtplib.SMTPRecipientsRefused:
            raise SendError(
                "gone", f"the mail server refused the address {out.target['to']}"
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise SendError(
                "server" if exc.smtp_code >= 500 else "rejected",
                f"the mail server refused the message ({exc.smtp_code})",
            ) from None
        except TimeoutError:
            raise SendError(
                "timeout", "the mail server did not answer in time", maybe_sent=sent_data
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(
                "network",
                f"could not reach the mail server ({inert(str(exc), 80)})",
                maybe_sent=sent_data,
            ) from None
        return Posted(str(msg["Message-ID"]), None)

    def find(self, out: Outgoing) -> Posted | None:
        return None  # SMTP cannot say what was delivered
