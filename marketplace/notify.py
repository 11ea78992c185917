"""Short text messages to shoppers (SMS, Zalo): one small sender interface, chosen by setting.

`ORDER_MESSAGE_BACKEND` names one of `SENDERS` (no dynamic class loading); the default `console`
writes the message to the log, which is what development and the tests use. A real SMS or Zalo
ZNS sender implements `MessageSender` and is added to `SENDERS`.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings

logger = logging.getLogger("marketplace.notify")


class MessageSender(Protocol):
    def send(self, *, phone: str, text: str) -> None:
        """Send `text` to the E.164 `phone`; raise on failure (the task retries)."""


class ConsoleSender:
    """Writes messages to the log instead of sending them; keeps the last ones for tests."""

    sent: list[tuple[str, str]]

    def __init__(self) -> None:
        self.sent = []

    def send(self, *, phone: str, text: str) -> None:
        self.sent.append((phone, text))
        del self.sent[:-50]
        logger.info("message to %s: %s", phone, text)


SENDERS: dict[str, MessageSender] = {"console": ConsoleSender()}


def message_sender() -> MessageSender:
    return SENDERS[getattr(settings, "ORDER_MESSAGE_BACKEND", "console")]
