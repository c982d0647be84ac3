"""`flask demo`: a realistic small network, so `make run` shows something real at once."""
import random
from datetime import datetime, timedelta, timezone

from services import schema
from services.plan import WritePlan
from services.sheet_setup import init_workbook

FIRST = ["Ana", "Ben", "Chloe", "Dev", "Ella", "Farid", "Grace", "Hugo", "Ines", "Jamal", "Kim", "Luis",
         "Maya", "Noor", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tara"]
LAST = ["Adams", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jones", "Khan", "Lopez"]
GROUPS = [("Seattle RESULTS", "Maria Lopez", "maria@example.org"),
          ("Tacoma Hunger Coalition", "Priya Shah", "priya@example.org"),
          ("Olympia Faith Network", "Tom Berg", "tom@example.org")]


def fill_demo(workbook, seed=7, now=None):
    """Add the demo rows to a workbook whose Members tab is empty; refuse otherwise.

    Dated back from `now` (this hour unless given), so the dashboard's 14-day
    charts and the next alert date show something on the day it is made.
    """
    init_workbook(workbook)
    snap = workbook.snapshot(["Members"])
    if snap["Members"].rows:
        return "The workbook already has members; the demo only fills an empty one."
    rng = random.Random(seed)
    now = now or datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    plan = WritePlan()
    for name, contact, email in GROUPS:
        plan.append("Groups", {"Name": name, "Contact name": contact, "Contact email": email,
                               "Slug": name.lower().split()[0]})
    people = []
    for i in range(60):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first}.{last}{i}@example.org".lower()
        people.append(email)
        plan.append("Members", {
            "Email": email, "First name": first, "Last name": last, "ZIP": f"98{rng.randrange(100, 199)}",
            "Preferred contact": rng.choice(schema.CONTACT),
            "Phone": f"(206) 555-{1000 + i:04d}" if i % 4 else "",
            "Ladder stage": rng.choices(schema.LADDER, weights=[30, 25, 15, 10, 5, 2])[0],
            "Status": "subscribed" if rng.random() < 0.92 else "unsubscribed", "Source": "import",
            "Joined": (now - timedelta(days=rng.randrange(30, 700))).date(), "Id": f"m{i:03d}"})
    actions = [("Fund global nutrition", "fund-nutrition", "Proportional",
                "Ask your members of Congress to fund nutrition for mothers and young children worldwide."),
               ("Protect SNAP in the Farm Bill", "protect-snap", "Share All",
                "Ask your members of Congress to protect SNAP in the Farm Bill.")]
    for title, slug, mode, ask in actions:
        plan.append("Actions", {"Title": title, "Ask": ask,
                                "Status": "Live", "Mode": mode, "Slug": slug, "Created": now - timedelta(days=20)})
        for name, _, _ in GROUPS[1:]:
            plan.append("Sponsors", {"Action": slug, "Group": name, "Status": "Active",
                                     "Joined at": now - timedelta(days=19),
                                     "Referrer code": f"{name.lower().split()[0]}-{slug[:4]}"})
    count = 0
    for n in range(300):
        title, slug, *_ = rng.choice(actions)
        email = rng.choice(people) if rng.random() < 0.4 else f"signer{n}@example.net"
        code = rng.choice([None, None, f"tacoma-{slug[:4]}", f"olympia-{slug[:4]}"])
        plan.append("Submissions", {
            "Id": f"demo-{n:04d}", "At": now - timedelta(hours=rng.randrange(1, 450)), "Action": slug,
            "Email": email, "First name": rng.choice(FIRST), "ZIP": f"98{rng.randrange(100, 199)}",
            "Referrer code": code, "Subscribe": rng.random() < 0.85, "Via": "web"})
        count += 1
    plan.append("Alerts", {"Date": (now + timedelta(days=14)).date(), "Subject": "Next action alert",
                           "Channel": "Email"})
    result = workbook.apply(plan)
    # The partner groups' lists, as `List – NAME` tabs of this workbook.
    list_tabs = {name: schema.list_tab(name).name for name, _, _ in GROUPS[1:]}
    init_workbook(workbook, list(list_tabs.values()))
    lists = WritePlan()
    for name, tab in list_tabs.items():
        for i in range(25):
            # A fifth of each partner's people are on the home list too, as in real coalitions.
            email = rng.choice(people) if i % 5 == 0 else f"{name.split()[0].lower()}.member{i}@example.com"
            lists.append(tab, {"Email": email, "First name": rng.choice(FIRST), "Status": "subscribed",
                               "Source": "import", "Joined": (now - timedelta(days=rng.randrange(30, 900))).date()})
    appended = result.appended + workbook.apply(lists).appended
    return f"Demo network added: {len(GROUPS)} groups, 60 members, {len(actions)} actions, {count} submissions, " \
           f"partner lists of 25 ({appended} rows)."
