"""What a request or an ESP tells us, as every database keeps it.

Headers, form fields and webhook payloads come from anyone. PostgreSQL refuses a NUL character
in text and anything but an address in an ``inet`` column (SQLite takes both), so a browser
sending ``User-Agent: a\\x00b`` would otherwise turn an unsubscribe into a server error and lose
it. Every value from outside goes through here before it is stored.
"""

import ipaddress
import re

USER_AGENT_LENGTH = 300  # ConsentEvent.user_agent, MessageEvent.user_agent
SURROGATE = re.compile("[\ud800-\udfff]")


def storable_text(text, max_length=None):
    """``text`` (None: empty) without NUL characters, with each unpaired surrogate (a JSON
    ``"\\ud800"`` decodes to one, and has no UTF-8) replaced by U+FFFD, cut to ``max_length``."""
    text = (text or "").replace("\x00", "")
    text = SURROGATE.sub("\ufffd", text)
    return text[:max_length] if max_length is not None else text


def storable_ip_address(value):
    """The IPv4 or IPv6 address ``value`` holds, written as Python writes it; None for anything
    else (a proxy's ``unknown`` or list of addresses, a forged header copied into REMOTE_ADDR, an
    IPv6 address with a zone such as ``fe80::1%eth0``), which PostgreSQL's ``inet`` refuses."""
    try:
        address = ipaddress.ip_address(storable_text(value).strip())
    except ValueError:
        return None
    if getattr(address, "scope_id", None):
        return None
    return str(address)


def user_agent_of(request):
    """The request's User-Agent header, storable and cut to the columns' length."""
    return storable_text(request.headers.get("User-Agent"), USER_AGENT_LENGTH)


def ip_address_of(request):
    """The request's REMOTE_ADDR when it is an address, else None."""
    return storable_ip_address(request.META.get("REMOTE_ADDR"))
