"""Telling people from machines: mail privacy proxies that fetch every image, and security
scanners that follow every link, often within seconds of delivery.

A hit is a machine's when its user agent is a known proxy or scanner (or no browser at all),
or when it comes within MACHINE_SECONDS of the send: nobody opens and clicks that fast.
Gmail's and Yahoo's image proxies fetch the pixel when the person opens the email: those
count as people.
"""

import re
from datetime import timedelta

from ..conf import lifecycle_setting

# Apple Mail Privacy Protection prefetches with a bare WebKit user agent: no Safari/Version token.
APPLE_PRIVACY_PROXY = re.compile(r"^Mozilla/5\.0 \(Macintosh; Intel Mac OS X [\d_]+\) AppleWebKit/[\d.]+ \(KHTML, like Gecko\)$")
SCANNERS = re.compile(
    r"bot\b|crawler|spider|scanner|preview|python|curl|wget|go-http|java/|okhttp|libwww|headless|"
    r"barracuda|proofpoint|mimecast|urldefense|safelinks|symantec|forcepoint|trendmicro|sophos|"
    r"fortinet|cisco|ironport|linkchecker",
    re.IGNORECASE,
)


def is_machine(user_agent, sent_at, now, method="GET"):
    """Whether a pixel load or link follow was a machine's, not the person's."""
    user_agent = (user_agent or "").strip()
    if method == "HEAD" or not user_agent:
        return True
    if APPLE_PRIVACY_PROXY.match(user_agent) or SCANNERS.search(user_agent):
        return True
    machine_seconds = timedelta(seconds=lifecycle_setting("MACHINE_SECONDS"))
    # abs(): an email dated later than the hit (the sandbox's `lifecycle_run --advance` dates it
    # as of the moment it stood for) is as far from it as from a send that long before.
    return sent_at is not None and abs(now - sent_at) < machine_seconds
