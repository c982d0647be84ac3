"""The network as pages read it: the mirror, never Google."""
from views import redis_connection, settings


def mirror():
    from services.mirror import Mirror

    return Mirror(redis_connection())


def freshness():
    return mirror().freshness()


def home_contact():
    home = mirror().home_group() or {}
    return home.get("contact_name") or None


def partner_group_names():
    """Every group but the home group (the first row of Groups)."""
    return [g["name"] for g in mirror().groups()[1:]]


def sheet_link(tab=None, row=None):
    from services.sheet_places import row_url

    return row_url(redis_connection(), settings(), tab, row)
