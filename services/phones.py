"""Phone numbers as people type them, made dialable: `tel:` and `sms:` links (phonenumbers)."""
import dataclasses
import urllib.parse

import phonenumbers

# Members keep US ZIP codes; a number typed without +country is read as American.
DEFAULT_REGION = "US"


@dataclasses.dataclass(frozen=True)
class Phone:
    typed: str
    shown: str  # national format when the number is understood, else as typed
    e164: str | None  # None: the number could not be read; the manager dials it by hand

    @property
    def tel(self):
        return f"tel:{self.e164}" if self.e164 else None

    def sms(self, body):
        """An sms: link with the message filled in. `?&body=` is the form both iOS and Android read."""
        if not self.e164:
            return None
        return f"sms:{self.e164}?&body={urllib.parse.quote(body, safe='')}"


def read(typed, region=DEFAULT_REGION):
    typed = (typed or "").strip()
    try:
        number = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException:
        return Phone(typed, typed, None)
    if not phonenumbers.is_possible_number(number):
        return Phone(typed, typed, None)
    fmt = phonenumbers.PhoneNumberFormat
    same_country = phonenumbers.region_code_for_number(number) == region
    shown = phonenumbers.format_number(number, fmt.NATIONAL if same_country else fmt.INTERNATIONAL)
    return Phone(typed, shown, phonenumbers.format_number(number, fmt.E164))
