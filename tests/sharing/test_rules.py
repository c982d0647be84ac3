"""One test per rule of spec/sharing.md, named after it, on small hand-made records."""
import json
import subprocess
import sys

from tests.sharing.scenarios import apply, figures, pairs, run, scenario, sponsor, sub, t, T0


def test_r1_original_sponsor_is_never_an_additional_sponsor():
    rec = scenario([sponsor("home"), sponsor("tacoma")], [sub("ann@x.org", code="home-code")], mode="share_all")
    result = run(rec)
    assert {s["group"] for s in result["sponsors"]} == {"tacoma"}
    assert pairs(result["deliveries"]) == {("ann@x.org", "tacoma")}


def test_r2_api_submissions_are_never_shared_nor_counted():
    rec = scenario([sponsor("tacoma"), sponsor("olympia")],
                   [sub("ann@x.org", code="tacoma-code", source="api"), sub("bob@x.org", source="api")])
    result = run(rec)
    assert result["shares"] == [] and result["referrals"] == []
    assert figures(result, "tacoma") == {"group": "tacoma", "referrer": 0, "owed": 0, "shared": 0,
                                         "total_activists": 0, "new_to_list": 0}
    assert run(scenario([sponsor("tacoma")], [sub("bob@x.org", source="api")], mode="share_all"))["deliveries"] == []


def test_r3_nothing_from_before_a_sponsor_joined():
    rec = scenario([sponsor("tacoma", joined=t(5)), sponsor("olympia")],
                   [sub("early@x.org", at=t(3)), sub("late@x.org", at=t(6)),
                    sub("o1@x.org", at=t(7), code="tacoma-code"), sub("o2@x.org", at=t(7), code="tacoma-code")])
    assert ("early@x.org", "tacoma") not in pairs(run(rec)["shares"])
    assert ("late@x.org", "tacoma") in pairs(run(rec)["shares"])
    share_all = scenario([sponsor("tacoma", joined=t(5))], [sub("early@x.org", at=t(3)), sub("late@x.org", at=t(6))],
                         mode="share_all")
    assert pairs(run(share_all)["deliveries"]) == {("late@x.org", "tacoma")}


def test_r4_the_mode_in_force_at_submission_time_governs():
    history = [{"at": t(5), "mode": "proportional"}]
    rec = scenario([sponsor("tacoma")], [sub("before@x.org", at=t(3)), sub("after@x.org", at=t(6)),
                                         sub("ref@x.org", at=t(6), code="tacoma-code")], history=history)
    result = run(rec)
    assert pairs(result["deliveries"]) == {("before@x.org", "tacoma")}
    assert pairs(result["shares"]) == {("after@x.org", "tacoma")}


def test_r5_limit_caps_new_activists_only():
    lists = {"tacoma": {"old@x.org": {"status": "subscribed", "changed_at": T0}}}
    rec = scenario([sponsor("tacoma", limit=1)], [sub("old@x.org"), sub("a@x.org"), sub("b@x.org")],
                   mode="share_all", lists=lists)
    result = run(rec)
    assert [(d["activist"], d["new_to_list"]) for d in result["deliveries"]] == [("old@x.org", False),
                                                                                  ("a@x.org", True)]


def test_r5_a_sponsor_at_its_limit_stays_owed():
    rec = scenario([sponsor("tacoma", limit=1)], [sub("r1@x.org", code="tacoma-code"), sub("r2@x.org", code="tacoma-code"),
                                                  sub("a@x.org"), sub("b@x.org")])
    result = run(rec)
    assert len(result["shares"]) == 1
    assert figures(result, "tacoma")["owed"] == 1


def test_r6_shared_pairs_name_the_activist_so_their_data_can_follow():
    rec = scenario([sponsor("tacoma")], [sub("Ann@X.org ", code=None), sub("r@x.org", code="tacoma-code")])
    assert run(rec)["shares"] == [{"activist": "ann@x.org", "group": "tacoma", "why": "R16 least-shared"}]


def test_r7_share_all_delivers_everyone_to_every_sponsor():
    rec = scenario([sponsor("tacoma"), sponsor("olympia")], [sub("a@x.org"), sub("b@x.org", code="tacoma-code")],
                   mode="share_all")
    assert pairs(run(rec)["deliveries"]) == {(a, g) for a in ("a@x.org", "b@x.org") for g in ("tacoma", "olympia")}


def test_r7_share_all_figures_count_every_delivery_and_the_new_ones():
    lists = {"tacoma": {"old@x.org": {"status": "subscribed", "changed_at": T0}}}
    rec = scenario([sponsor("tacoma")], [sub("old@x.org"), sub("a@x.org"), sub("no@x.org", subscribe=False)],
                   mode="share_all", lists=lists)
    first = run(rec)
    assert (figures(first, "tacoma")["total_activists"], figures(first, "tacoma")["new_to_list"]) == (3, 1)
    later = apply(rec, first)
    later["submissions"].append(sub("b@x.org", at=t(8)))
    second = run(later)
    assert (figures(second, "tacoma")["total_activists"], figures(second, "tacoma")["new_to_list"]) == (4, 2)


def test_r8_unchecked_box_is_delivered_unsubscribed_and_never_unsubscribes():
    lists = {"tacoma": {"kept@x.org": {"status": "subscribed", "changed_at": T0}}}
    rec = scenario([sponsor("tacoma")], [sub("no@x.org", subscribe=False), sub("kept@x.org", subscribe=False)],
                   mode="share_all", lists=lists)
    result = run(rec)
    assert {(d["activist"], d["subscribed"], d["new_to_list"]) for d in result["deliveries"]} == {
        ("no@x.org", False, False), ("kept@x.org", False, False)}
    assert apply(rec, result)["lists"]["tacoma"]["kept@x.org"]["status"] == "subscribed"


def test_r9_each_pair_is_delivered_once_and_deliveries_count_before_shares():
    rec = scenario([sponsor("tacoma")], [sub("a@x.org", at=t(2)), sub("a@x.org", at=t(3))], mode="share_all")
    result = run(rec)
    assert len(result["deliveries"]) == 1
    assert run(apply(rec, result))["deliveries"] == []
    history = [{"at": T0, "mode": "share_all"}, {"at": t(5), "mode": "proportional"}]
    mixed = scenario([sponsor("tacoma", limit=1)], [sub("d@x.org", at=t(2)), sub("r@x.org", at=t(6), code="tacoma-code"),
                                                    sub("s@x.org", at=t(6))], history=history)
    result = run(mixed)
    assert pairs(result["deliveries"]) == {("d@x.org", "tacoma")}
    assert result["shares"] == []  # the limit was spent by the delivery


def test_r10_referrer_counts_distinct_exact_codes_web_only():
    rec = scenario([sponsor("tacoma", code="tacoma-7f3a")],
                   [sub("a@x.org", code="tacoma-7f3a"), sub("A@x.org", code=" tacoma-7f3a "),
                    sub("b@x.org", code="tacoma-7f3", subscribe=False), sub("c@x.org", code="tacoma-7f3a", subscribe=False),
                    sub("d@x.org", code="tacoma-7f3a", source="api")], mode="share_all")
    assert figures(run(rec), "tacoma")["referrer"] == 2


def test_r11_referred_activists_join_directly_without_limit_or_slot():
    rec = scenario([sponsor("tacoma", limit=0)], [sub("a@x.org", code="tacoma-code"), sub("b@x.org", code="tacoma-code",
                                                                                        subscribe=False)])
    result = run(rec)
    assert pairs(result["referrals"]) == {("a@x.org", "tacoma")}
    assert result["shares"] == []


def test_r12_owed_is_deduplicated_by_activist_and_sponsor():
    rec = scenario([sponsor("tacoma"), sponsor("olympia")],
                   [sub("a@x.org", at=t(2), code="tacoma-code"), sub("a@x.org", at=t(3), code="tacoma-code"),
                    sub("b@x.org", at=t(2), code="tacoma-code"), sub("b@x.org", at=t(3), code="olympia-code")])
    result = run(rec)
    assert figures(result, "tacoma")["owed"] + figures(result, "tacoma")["shared"] == 2
    assert figures(result, "olympia")["owed"] + figures(result, "olympia")["shared"] == 1


def test_r13_owed_ten_five_found_leaves_five_owed_and_five_shared():
    # The seed's own example.
    referred = [sub(f"r{i}@x.org", code="tacoma-code") for i in range(10)]
    pool = [sub(f"p{i}@x.org") for i in range(5)]
    result = run(scenario([sponsor("tacoma")], referred + pool))
    assert figures(result, "tacoma") == {"group": "tacoma", "referrer": 10, "owed": 5, "shared": 5,
                                         "total_activists": 0, "new_to_list": 0}


def test_r14a_unchecked_box_or_share_all_submission_is_not_shared():
    history = [{"at": T0, "mode": "share_all"}, {"at": t(5), "mode": "proportional"}]
    rec = scenario([sponsor("tacoma")], [sub("r@x.org", at=t(6), code="tacoma-code"), sub("r2@x.org", at=t(6), code="tacoma-code"),
                                         sub("no@x.org", at=t(6), subscribe=False), sub("sa@x.org", at=t(2))],
                   history=history)
    assert ("no@x.org", "tacoma") not in pairs(run(rec)["shares"])
    assert ("sa@x.org", "tacoma") not in pairs(run(rec)["shares"])


def test_r14b_an_activist_who_used_the_sponsors_code_is_not_shared_with_it():
    rec = scenario([sponsor("tacoma")], [sub("r@x.org", code="tacoma-code", subscribe=True),
                                         sub("r2@x.org", code="tacoma-code")])
    result = run(rec)
    assert result["shares"] == [] and figures(result, "tacoma")["owed"] == 2 - 0


def test_r14c_currently_subscribed_is_not_shared():
    lists = {"tacoma": {"a@x.org": {"status": "subscribed", "changed_at": T0}}}
    rec = scenario([sponsor("tacoma")], [sub("r@x.org", code="tacoma-code"), sub("a@x.org")], lists=lists)
    assert run(rec)["shares"] == []


def test_r14d_unsubscribed_after_acting_is_not_shared():
    lists = {"tacoma": {"a@x.org": {"status": "unsubscribed", "changed_at": t(3)},
                        "b@x.org": {"status": "unsubscribed", "changed_at": t(1)}}}
    rec = scenario([sponsor("tacoma")], [sub("r1@x.org", code="tacoma-code"), sub("r2@x.org", code="tacoma-code"),
                                         sub("a@x.org", at=t(2)), sub("b@x.org", at=t(2))], lists=lists)
    # b unsubscribed before acting and may be re-added; a unsubscribed after.
    assert pairs(run(rec)["shares"]) == {("b@x.org", "tacoma")}


def test_r14e_r15_at_most_four_sponsors_per_activist():
    # The seed's example: five groups owed one, one activist new to all five: four get it.
    groups = [f"g{i}" for i in range(5)]
    subs = [sub(f"r{i}@x.org", code=f"g{i}-code") for i in range(5)] + [sub("new@x.org")]
    # Each referred activist is eligible for the other four groups too; make them
    # unavailable so the contention is over new@x.org alone.
    lists = {g: {f"r{i}@x.org": {"status": "subscribed", "changed_at": T0} for i in range(5)} for g in groups}
    result = run(scenario([sponsor(g) for g in groups], subs, lists=lists))
    got = [s for s in result["shares"] if s["activist"] == "new@x.org"]
    assert len(got) == 4
    assert sum(f["owed"] for f in result["sponsors"]) == 1
    assert {s["why"] for s in got} == {"R17 drawn by lot"}


def test_r14f_not_shared_twice_with_the_same_sponsor():
    rec = scenario([sponsor("tacoma")], [sub("r1@x.org", code="tacoma-code"), sub("r2@x.org", code="tacoma-code"),
                                         sub("a@x.org")],
                   shares=[{"activist": "a@x.org", "group": "tacoma", "at": t(3)}])
    result = run(rec)
    assert result["shares"] == [] and figures(result, "tacoma") == {"group": "tacoma", "referrer": 2, "owed": 1,
                                                                     "shared": 1, "total_activists": 0,
                                                                     "new_to_list": 0}


def test_r16_least_shared_first():
    # The seed's example: one shared with three others, one shared once; the once-shared one goes.
    earlier = [{"activist": "busy@x.org", "group": g, "at": t(3)} for g in ("a", "b", "c")]
    earlier.append({"activist": "calm@x.org", "group": "a", "at": t(3)})
    rec = scenario([sponsor("tacoma"), sponsor("a"), sponsor("b"), sponsor("c")],
                   [sub("r@x.org", code="tacoma-code"), sub("busy@x.org"), sub("calm@x.org")], shares=earlier)
    assert pairs(run(rec)["shares"]) == {("calm@x.org", "tacoma")}


def test_r17_contention_is_drawn_by_lot():
    groups = [f"g{i}" for i in range(5)]
    lists = {g: {f"r{i}@x.org": {"status": "subscribed", "changed_at": T0} for i in range(5)} for g in groups}
    left_out = set()
    for seed in range(40):
        rec = scenario([sponsor(g) for g in groups], [sub(f"r{i}@x.org", code=f"g{i}-code") for i in range(5)] +
                       [sub("new@x.org")], lists=lists, seed=seed)
        got = {s["group"] for s in run(rec)["shares"]}
        left_out |= set(groups) - got
    assert left_out == set(groups)


def test_r18_same_record_and_seed_same_result():
    subs = [sub(f"a{i}@x.org", code=("g1-code" if i % 3 == 0 else None)) for i in range(40)]
    rec = scenario([sponsor("g1"), sponsor("g2"), sponsor("g3")], subs, seed=7)
    assert run(rec) == run(rec)
    assert run(rec)["seed"] == 7


def test_r19_the_greedy_trap_is_avoided():
    # A has one share slot left; S1 could take A or B; S2 can only take A.
    earlier = [{"activist": "a@x.org", "group": g, "at": t(3)} for g in ("x", "y", "z")]
    rec = scenario([sponsor(g) for g in ("s1", "s2", "x", "y", "z")],
                   [sub("a@x.org"), sub("b@x.org", code="s2-code"), sub("r1@x.org", code="s1-code")],
                   shares=earlier,
                   lists={g: {"r1@x.org": {"status": "subscribed", "changed_at": T0}} for g in ("s2",)})
    for seed in range(20):
        rec["seed"] = seed
        assert pairs(run(rec)["shares"]) == {("b@x.org", "s1"), ("a@x.org", "s2")}


def test_r19_no_sponsor_is_stranded_when_both_activists_have_one_slot():
    # A and B each have one slot left (three earlier shares). s1 may take either;
    # s2 only A. A greedy pass that hands A to s1 strands s2.
    earlier = [{"activist": a, "group": g, "at": t(3)} for a in ("a@x.org", "b@x.org") for g in ("x", "y", "z")]
    rec = scenario([sponsor(g) for g in ("s1", "s2", "x", "y", "z")],
                   [sub("a@x.org"), sub("b@x.org", code="s2-code"), sub("r1@x.org", code="s1-code"),
                    sub("r2@x.org", code="s2-code")],
                   shares=earlier,
                   lists={"s1": {"r2@x.org": {"status": "subscribed", "changed_at": T0}},
                          "s2": {"r1@x.org": {"status": "subscribed", "changed_at": T0}}})
    for seed in range(30):
        rec["seed"] = seed
        assert pairs(run(rec)["shares"]) == {("b@x.org", "s1"), ("a@x.org", "s2")}


def test_r16_a_sponsor_swaps_a_much_shared_activist_for_a_fresh_one():
    # s1 (owed 1) may take A or B; s2 and s3 (owed 1 each) only A. Whatever the
    # order, s1 must end with B: holding A (shared 3 times) while B (0) waits breaks R16.
    lists = {g: {o: {"status": "subscribed", "changed_at": T0} for o in ("r1@x.org", "r2@x.org", "r3@x.org")}
             for g in ("s1", "s2", "s3")}
    rec = scenario([sponsor(g) for g in ("s1", "s2", "s3")],
                   [sub("a@x.org"), sub("b@x.org", code="s2-code"), sub("b@x.org", code="s3-code"),
                    sub("r1@x.org", code="s1-code"), sub("r2@x.org", code="s2-code"), sub("r3@x.org", code="s3-code")],
                   lists=lists)
    for seed in range(30):
        rec["seed"] = seed
        assert pairs(run(rec)["shares"]) == {("b@x.org", "s1"), ("a@x.org", "s2"), ("a@x.org", "s3")}


def test_r20_running_again_on_the_applied_result_shares_nobody_new():
    subs = [sub(f"a{i}@x.org", code=("g1-code" if i % 4 == 0 else "g2-code" if i % 5 == 0 else None))
            for i in range(60)]
    rec = scenario([sponsor("g1"), sponsor("g2"), sponsor("g3", limit=3)], subs)
    once = run(rec)
    again = run(apply(rec, once))
    assert again["shares"] == [] and again["deliveries"] == [] and again["referrals"] == []
    assert [f["shared"] for f in again["sponsors"]] == [f["shared"] for f in once["sponsors"]]


def test_r21_what_was_not_given_stays_owed_and_later_activists_are_shared():
    rec = scenario([sponsor("tacoma")], [sub("r1@x.org", code="tacoma-code"), sub("r2@x.org", code="tacoma-code")])
    first = run(rec)
    assert figures(first, "tacoma")["owed"] == 2
    later = apply(rec, first)
    later["submissions"].append(sub("new@x.org", at=t(9)))
    second = run(later)
    assert pairs(second["shares"]) == {("new@x.org", "tacoma")}
    assert figures(second, "tacoma")["owed"] == 1 and figures(second, "tacoma")["shared"] == 1


def engine(stdin):
    return subprocess.run([sys.executable, "-m", "services.sharing"], input=stdin, capture_output=True, text=True)


def test_command_line_contract_round_trip():
    rec = scenario([sponsor("tacoma")], [sub("r@x.org", code="tacoma-code"), sub("a@x.org")])
    done = engine(json.dumps(rec))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == run(rec)


def test_bad_input_exits_non_zero_with_one_clear_line():
    good = scenario([sponsor("tacoma")], [sub("a@x.org")])
    cases = {
        "missing field 'at'": {**good, "submissions": [{k: v for k, v in sub("a@x.org").items() if k != "at"}]},
        "unknown mode": {**good, "mode_history": [{"at": T0, "mode": "share_some"}]},
        "cannot read 'yesterday'": {**good, "submissions": [sub("a@x.org", at="yesterday")]},
    }
    for fragment, rec in cases.items():
        done = engine(json.dumps(rec))
        assert done.returncode != 0
        assert done.stderr.count("\n") == 1 and fragment in done.stderr and "Traceback" not in done.stderr
    done = engine("{not json")
    assert done.returncode != 0 and "not valid JSON" in done.stderr
