"""Who receives a signer's details, as the consent line beside the box names them.

What the page says must be what the rules do (spec/sharing.md), and the
groups it named are kept with the submission (Submissions' Shown to), so
what a person agreed to can be shown later.
"""
import dataclasses
from datetime import datetime, timezone

SHARE_ALL = "Share All"
PROPORTIONAL = "Proportional"
MOST_SHARES = 4  # R15


@dataclasses.dataclass(frozen=True)
class Consent:
    mode: str
    original: str  # R1: receives every activist, whatever the mode
    sponsors: tuple  # Share All: every sponsor receives them (R7); Proportional: those who may (R13)
    referrer: str | None = None  # Proportional: the sponsor whose link they used (R11)

    @property
    def shown_to(self):
        """The groups named to this person, in the order the page names them."""
        return [self.original, *([self.referrer] if self.referrer else []), *self.sponsors]

    @property
    def up_to_four(self):
        """Proportional: more partners than one activist can be shared with (R15)."""
        return len(self.sponsors) > MOST_SHARES


def receiving(sponsor, now):
    """An additional sponsor receives submissions from its Joined at on, while Active (R3)."""
    joined = sponsor.get("joined_at")
    if sponsor.get("status") != "Active" or joined is None:
        return False
    if isinstance(joined, str):
        joined = datetime.fromisoformat(joined.replace("Z", "+00:00"))
    if joined.tzinfo is None:
        joined = joined.replace(tzinfo=timezone.utc)
    return joined <= now


def consent_for(action, sponsors, original, referrer_code=None, now=None):
    """The consent line for this action as it stands now, for a signer who came with `referrer_code`."""
    now = now or datetime.now(timezone.utc)
    names = []
    for sponsor in sponsors:
        if receiving(sponsor, now) and sponsor["group"] != original and sponsor["group"] not in names:
            names.append(sponsor["group"])
    if action.get("mode") != PROPORTIONAL:
        return Consent(SHARE_ALL, original, tuple(names))
    referrer = None
    code = (referrer_code or "").strip()
    if code:
        # R10: the exact code after trimming; a near miss credits nobody.
        referrer = next((s["group"] for s in sponsors if s["group"] in names
                         and (s.get("referrer_code") or "").strip() == code), None)
    # R14(b): the group whose code they used gets them as its own, never as a share.
    return Consent(PROPORTIONAL, original, tuple(n for n in names if n != referrer), referrer)
