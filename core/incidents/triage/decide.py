"""Where one post goes: the rules of docs/incidents.md, in order.

1. A troll's post goes on their monitor incident (don't feed the trolls).
2. A post naming an identifier that an open incident holds (the same flight, order, store) is
   one more voice there.
3. The author's own conversation: within 72 hours of their last post on it (or later, when
   about the same thing), a post continues their case; a closed case reopens for a complaint.
   Inside a problem of several people, what a person says beyond the problem itself goes on
   their own case under it; a complaint about a different category goes where that category's
   problem is.
4. A complaint naming a critical term of the client's, or with a category, joins the problem
   of that term or category while it runs (problems.py `Reach`: posts keep coming within
   hours, over at most a day for a category), or opens it: everyone hit by the storm's
   cancellations on Monday is one problem.
5. Otherwise a new incident opens: one person's case.
Posts like ones staff merged go with the incident that took the last of them; posts like ones
staff split away never join the incident they were split from (feedback.py).
"""

from __future__ import annotations

from douse.core.incidents.problems import SURGE, category_key, draws, term_key
from douse.core.incidents.triage.post import Post, only_thanks
from douse.core.incidents.triage.state import (
    CONVERSATION,
    FILED_UNDER,
    ClientState,
    Tracked,
    topic_keys,
)
from douse.core.incidents.triage.write import Run, add_keys, join, open_incident, reopen


def place(state: ClientState, post: Post, run: Run) -> None:
    if post.is_troll:
        _monitor(state, post, run)
        return
    hint = state.hint_of.get(post.id)
    keys = list(post.identifiers)
    if hint is not None and hint.kind == "together":
        keys.append(f"hint:{hint.group}")
    if hint is not None and hint.kind == "apart":
        keys.append(f"hint:{hint.group}")
    avoid = _avoided(state, post)
    mine = _conversation(state, post)
    own_open = next((t for t in mine if t.answerable), None)
    own_closed = next(
        (t for t in mine if t.incident.status in ("resolved", "closed") and not t.open), None
    )
    if not post.concern:
        _follow_up(state, post, run, own_open, own_closed, keys, avoid)
        return
    shared = _by_identifier(state, post, keys, avoid)
    if shared is not None:
        join(state, shared, post, run, customer_reply=post.author_id in shared.author_last)
        add_keys(state, shared, post, keys)
        return
    own = own_open or own_closed
    if own is not None and post.category is not None:
        wider = _category_problem(state, post, avoid)
        if wider is not None and wider is not own:
            # A customer with a case of their own who joins in on a wider problem is one more
            # voice on that problem, not a reply on their old case.
            join(state, wider, post, run, customer_reply=post.author_id in wider.author_last)
            add_keys(state, wider, post, keys)
            return
    if own is not None and not _elsewhere(own, post):
        target = _case_of(state, own, post)
        if target is None:
            case = open_incident(state, post, run, problem=own)
            add_keys(state, case, post, keys)
            return
        if target is own and not own.open:
            reopen(state, own, post, run)
        join(state, target, post, run, customer_reply=True)
        add_keys(state, target, post, keys)
        return
    if not topic_keys(post) and post.distinct:
        keys.extend(term_key(t) for t in post.distinct)
        similar = state.similar(post)
        if similar is not None and not any(similar is t for t in avoid):
            join(state, similar, post, run, customer_reply=False)
            add_keys(state, similar, post, keys)
            return
    for key in topic_keys(post):
        problem = state.holding(key, post.published_at, exclude=avoid)
        if problem is None and state.background is not None:
            problem = state.continuing(key, post, state.background)
        if problem is not None and _contested(post, key):
            _own_case_under(state, post, run, problem, keys)
            return
        if problem is not None:
            join(state, problem, post, run, customer_reply=False)
            add_keys(state, problem, post, [*keys, key])
            return
        keys.append(key)
    surge = None if topic_keys(post) else state.surging(post, exclude=avoid)
    if surge is not None:
        problem, people = surge
        category = problem.incident.category or ""
        title = state.categorizer.titles.get(category, category).lower()
        placed = (
            f"names no subject of its own; came in while {people} people joined the "
            f"{title} problem within {SURGE.hours} hours"
        )
        open_incident(state, post, run, keys=keys, problem=problem, placed=placed)
        return
    open_incident(state, post, run, keys=keys)


def _contested(post: Post, key: str) -> bool:
    """Would `post` join a problem through its category while speaking as clearly of another?"""
    category = post.category
    return (
        category is not None and category.rival is not None and key == category_key(category.name)
    )


def _own_case_under(
    state: ClientState, post: Post, run: Run, problem: Tracked, keys: list[str]
) -> None:
    """A complaint about two things ("three hours late, and the agent was rude") filed as the
    person's own case under the problem of its category: seen with the problem and answered
    with it, but what else it says stays out of the problem's posts, title and words."""
    category = post.category
    assert category is not None
    placed = (
        f"speaks of {category.title.lower()} and of {str(category.rival).lower()}; "
        f"{FILED_UNDER} {category.title.lower()} problem"
    )
    open_incident(state, post, run, keys=keys, problem=problem, placed=placed)
    # Still a sign the problem goes on: its category keeps drawing posts while such come in,
    # and the person counts towards its surge.
    add_keys(state, problem, post, [category_key(category.name)])
    problem.summary.file_case(post.published_at)
    problem.touched = True  # its summary is saved with the batch


def _category_problem(state: ClientState, post: Post, avoid: list[Tracked]) -> Tracked | None:
    # A contested complaint from someone with a case stays on their case (see _contested).
    if post.category is None or post.category.rival is not None:
        return None
    return state.holding(category_key(post.category.name), post.published_at, exclude=avoid)


def _monitor(state: ClientState, post: Post, run: Run) -> None:
    monitor = next((t for t in state.mine(post) if t.incident.status == "monitor"), None)
    if monitor is None:
        if not post.concern:
            run.ignored += 1
            return
        open_incident(state, post, run, kind="monitor")
    else:
        join(state, monitor, post, run, customer_reply=False)
    run.monitored += 1


def _conversation(state: ClientState, post: Post) -> list[Tracked]:
    """The author's incidents their post can continue: posted there within the conversation
    window, or about the same thing (category or identifier)."""
    found = []
    for tracked in state.mine(post):
        if tracked.incident.kind in ("spike", "monitor"):
            continue
        last = tracked.author_last.get(post.author_id or 0)
        recent = last is not None and abs(post.published_at - last) <= CONVERSATION
        if recent or _same_subject(tracked, post):
            found.append(tracked)
    return found


def _same_subject(tracked: Tracked, post: Post) -> bool:
    if post.category is not None and tracked.incident.category == post.category.name:
        return True
    return any(key in tracked.keys for key in post.identifiers)


def _elsewhere(own: Tracked, post: Post) -> bool:
    """A complaint about another category than the author's case is another matter, and so is
    one naming a flight, order or store that the problem they were part of never held."""
    category = post.category.name if post.category else None
    theirs = own.incident.category
    if category is not None and theirs is not None and category != theirs:
        return True
    return (
        own.people >= 2
        and bool(post.identifiers)
        and not any(key in own.keys for key in post.identifiers)
    )


def _case_of(state: ClientState, own: Tracked, post: Post) -> Tracked | None:
    """In a problem of several people, what a person says beyond the problem goes on their own
    case under it, so the problem stays about the problem and each person keeps a thread.
    Returns where the post goes, or None when the person needs a case opened under `own`."""
    if own.people < 2 or post.author_id is None:
        return own
    if post.category is not None and post.category.name == own.incident.category:
        # More about the problem itself while it runs; days later the same complaint is the
        # person's own thread, not a week-long problem (as with identifiers, see `holding`).
        key = category_key(post.category.name)
        row = own.keys.get(key)
        if row is None or draws(key, row.first_at, row.last_at, post.published_at):
            return own
    case = state.case_under(own, post)
    if case is not None:
        return case
    return own if not own.open else None


def _by_identifier(
    state: ClientState, post: Post, keys: list[str], avoid: list[Tracked]
) -> Tracked | None:
    for key in keys:
        if key.startswith("cat:"):
            continue
        found = state.holding(key, post.published_at, exclude=avoid)
        if found is not None:
            return found
    return None


def _avoided(state: ClientState, post: Post) -> list[Tracked]:
    """Incidents holding posts staff split away from posts like this one."""
    hint = state.hint_of.get(post.id)
    if hint is None or hint.kind != "apart" or hint.apart_from is None:
        return []
    return list(state.by_key.get(f"hint:{hint.apart_from}", ()))


def _follow_up(
    state: ClientState,
    post: Post,
    run: Run,
    own_open: Tracked | None,
    own_closed: Tracked | None,
    keys: list[str],
    avoid: list[Tracked],
) -> None:
    """A post that is no complaint: a voice on a problem it names by identifier (not praise),
    part of the author's conversation, or nothing for a person to answer."""
    if (own_open is not None or own_closed is not None) and only_thanks(post, state.categorizer):
        # Logged where whoever answers the person sees it, but no post of the case: it asks
        # for nothing, so it neither opens a case nor moves a clock.
        home = (_case_of(state, own_open, post) or own_open) if own_open is not None else own_closed
        assert home is not None
        # Written to the log once the batch's incidents have ids (write.finish).
        run.thanks.append((home, post))
        return
    if not post.positive:
        shared = _by_identifier(state, post, keys, avoid)
        if shared is not None and shared is not own_open:
            join(state, shared, post, run, customer_reply=post.author_id in shared.author_last)
            add_keys(state, shared, post, keys)
            return
    if own_open is not None:
        target = _case_of(state, own_open, post)
        if target is None:
            # Whatever its tone, a person's reply is said to whoever answers them, not to the
            # crowd: a thank-you too goes on their own case under the problem. On real traffic
            # about half of the posts scored positive there were complaints the scoring misread
            # ("thanks for the update, still sitting here"); among a problem's hundreds of posts
            # they went unseen.
            target = open_incident(state, post, run, problem=own_open)
        else:
            reply = not post.positive or target is not own_open
            join(state, target, post, run, customer_reply=reply)
        if not post.positive and target is not None:
            add_keys(state, target, post, keys)
        return
    if own_closed is not None:
        # A thank-you after the fix belongs on the timeline but must not reopen it.
        join(state, own_closed, post, run, customer_reply=False)
        return
    run.ignored += 1
