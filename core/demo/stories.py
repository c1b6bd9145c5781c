"""What the agency's staff did about each incident: a believable sequence of outreach, planned when
the incident opens and carried out later through the incident engine's own workflow functions.

Delays are counted in the client's business minutes, like the response clocks: a dentist's
complaint from Saturday night is answered on Monday morning. Incidents opened in the last day or
two are sometimes still untouched, so the demo has work waiting: new, overdue and breached ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from douse.core.demo.industries import Offer

# Share of recent incidents nobody has picked up yet, and what counts as recent.
NEGLECTED_SHARE = 0.22
RECENT = timedelta(hours=36)
# An incident whose first response falls due this soon after the demo's clock stops is left for
# whoever opens the desk (acknowledged at most): it is the one about to breach.
LEFT_FOR_THE_DESK = timedelta(hours=1)


@dataclass(frozen=True)
class Step:
    """One thing a person does, `after` business minutes after the previous step."""

    after: float
    action: str  # "log" | "status"
    kind: str  # activity kind or target status
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    author: str
    platform: str
    brand: str
    currency: str
    offer: Offer
    severity: str
    incident_kind: str
    opened_at: datetime
    now: datetime
    due_at: datetime | None = None


def _reply_delay(rng: random.Random) -> float:
    roll = rng.random()
    if roll < 0.75:
        return rng.uniform(5, 45)
    if roll < 0.92:
        return rng.uniform(45, 100)
    return rng.uniform(150, 500)  # a slow day: the first-response target is breached


def follow_up(rng: random.Random) -> Step:
    """An answer to a customer who wrote again: usually within the next-response target."""
    late = rng.random() < 0.08
    return Step(
        rng.uniform(260, 600) if late else rng.uniform(10, 150),
        "log",
        "private_message",
        {"body": rng.choice(FOLLOW_UPS)},
    )


FOLLOW_UPS = (
    "Replied to the customer's new message; confirmed we're still on it.",
    "Answered the follow-up by DM with an update from the client.",
    "Thanked them for the details, explained the next step and the timing.",
)


def _amount(rng: random.Random, offer: Offer) -> int:
    return int(rng.uniform(offer.low, offer.high) // 5 * 5) or offer.low


def _public(ctx: Context, rng: random.Random) -> str:
    lines = (
        f"Hi {ctx.author}, we're really sorry about this. Could you DM us so we can look into it "
        "straight away?",
        f"Hi {ctx.author}, thanks for flagging this and sorry for the trouble. We've sent you a "
        "DM to sort it out.",
        f"{ctx.author} that's not the experience we want anyone to have with {ctx.brand}. Please "
        "check your DMs, we'd like to help.",
        f"Sorry {ctx.author}! We're on it; a member of the team will message you in a moment.",
    )
    return rng.choice(lines)


def _dm(ctx: Context, rng: random.Random) -> str:
    return rng.choice(
        (
            "Asked for the order/booking reference and a photo, explained what happens next.",
            "DM sent with an apology and a request for contact details so the branch can call.",
            "Private message: apologised, asked for the reference number and the date of visit.",
        )
    )


def _steps_for(ctx: Context, rng: random.Random) -> list[Step]:
    if ctx.incident_kind == "monitor":
        return [
            Step(
                rng.uniform(20, 90),
                "log",
                "internal_note",
                {"body": "Known troll account. Not engaging; watching for anything actionable."},
            )
        ]
    if ctx.incident_kind == "spike":
        return [
            Step(rng.uniform(5, 25), "status", "acknowledged"),
            Step(
                rng.uniform(5, 20),
                "log",
                "escalation",
                {"body": f"Volume spike: asked {ctx.brand}'s ops contact for a status update."},
            ),
            Step(
                rng.uniform(15, 45),
                "log",
                "public_reply",
                {
                    "channel": ctx.platform,
                    "body": "We know some customers are affected right now and the team is "
                    "working on it. We'll post an update within the hour.",
                },
            ),
        ]
    reply = Step(
        _reply_delay(rng),
        "log",
        "public_reply",
        {"channel": ctx.platform, "body": _public(ctx, rng)},
    )
    dm = Step(
        rng.uniform(3, 25),
        "log",
        "private_message",
        {"channel": ctx.platform, "body": _dm(ctx, rng)},
    )
    steps: list[Step] = []
    if rng.random() < 0.5:
        steps.append(Step(rng.uniform(2, 25), "status", "acknowledged"))
    amount = _amount(rng, ctx.offer)
    close = Step(rng.uniform(2880, 4320), "status", "closed", {"note": "no further contact"})
    customer = Step(
        rng.uniform(30, 400),
        "log",
        "customer_replied",
        {
            "body": rng.choice(
                (
                    "Customer sent the reference and photos.",
                    "Customer replied with details by DM.",
                    "Customer answered: still unhappy, wants it fixed this week.",
                )
            )
        },
    )
    serious = ctx.severity in ("high", "critical")
    roll = rng.random()
    if serious or roll < 0.1:
        steps += [
            Step(
                rng.uniform(5, 30),
                "log",
                "escalation",
                {
                    "body": f"Escalated to {ctx.brand}'s customer care lead "
                    f"({ctx.severity} severity)."
                },
            ),
            reply,
            Step(
                rng.uniform(20, 120),
                "log",
                "phone_call",
                {
                    "channel": "phone",
                    "body": "Called the customer with the client's care lead; listened, "
                    "apologised, agreed next steps.",
                    "outcome": "customer calmer, agreed to wait for the investigation",
                },
            ),
            Step(
                rng.uniform(60, 600),
                "log",
                "offer_made",
                {
                    "offer": "refund",
                    "amount": amount * 2,
                    "body": f"Full refund plus {ctx.offer.what} offered.",
                    "outcome": "accepted",
                    # Twice the usual limit: recorded over the reply policy, with the reason.
                    "override": "critical incident: the client's care lead approved a full "
                    "refund above the usual limit",
                },
            ),
            Step(
                rng.uniform(30, 300),
                "log",
                "asked_to_update",
                {
                    "body": "Asked whether they'd add an update to the original post "
                    "now it's resolved."
                },
            ),
            Step(
                rng.uniform(300, 1500),
                "log",
                "post_updated",
                {
                    "body": "Customer edited the post: 'Update: the team called me "
                    "and put this right.'"
                },
            ),
            Step(
                rng.uniform(20, 200),
                "status",
                "resolved",
                {
                    "resolution": "Investigated with the client, refunded, "
                    "customer updated the post."
                },
            ),
            close,
        ]
    elif roll < 0.45:
        steps += [
            reply,
            dm,
            customer,
            Step(
                rng.uniform(20, 180),
                "log",
                "offer_made",
                {
                    "offer": "refund",
                    "amount": amount,
                    "body": f"Offered a refund of {amount} {ctx.currency}.",
                    "outcome": "accepted",
                },
            ),
            Step(
                rng.uniform(60, 600),
                "log",
                "asked_to_update",
                {"body": "Asked politely if they'd consider updating the post."},
            ),
        ]
        if rng.random() < 0.6:
            steps.append(
                Step(
                    rng.uniform(300, 1800),
                    "log",
                    "post_updated",
                    {"body": "Original post updated: 'sorted by the team, thanks'."},
                )
            )
        if rng.random() < 0.3:
            steps.append(
                Step(
                    rng.uniform(60, 600),
                    "log",
                    "positive_follow_up",
                    {"body": "Customer posted a thank-you."},
                )
            )
        steps += [
            Step(
                rng.uniform(10, 240),
                "status",
                "resolved",
                {"resolution": f"Refunded {amount} {ctx.currency}."},
            ),
            close,
        ]
    elif roll < 0.65:
        steps += [
            reply,
            dm,
            Step(
                rng.uniform(2, 10),
                "status",
                "waiting_customer",
                {"note": "waiting for the reference number"},
            ),
        ]
        if rng.random() < 0.6:
            steps += [
                Step(
                    rng.uniform(300, 2400),
                    "log",
                    "customer_replied",
                    {"body": "Customer sent the reference at last."},
                ),
                Step(
                    rng.uniform(30, 300),
                    "log",
                    "offer_made",
                    {
                        "offer": "voucher",
                        "amount": amount,
                        "body": f"Offered {ctx.offer.what} worth {amount} {ctx.currency}.",
                        "outcome": "accepted",
                    },
                ),
                Step(
                    rng.uniform(10, 120),
                    "status",
                    "resolved",
                    {"resolution": f"{ctx.offer.what.capitalize()} accepted."},
                ),
            ]
        else:
            steps.append(
                Step(
                    rng.uniform(2400, 3600),
                    "status",
                    "resolved",
                    {
                        "resolution": "No reply from the customer after five days; "
                        "left a final public note."
                    },
                )
            )
        steps.append(close)
    elif roll < 0.88:
        steps += [
            Step(
                reply.after,
                "log",
                "public_reply",
                {
                    "channel": ctx.platform,
                    "body": f"Hi {ctx.author}, here's how to fix that: our help page walks "
                    "through it step by step. Shout if it doesn't work!",
                },
            ),
            Step(
                rng.uniform(5, 60),
                "log",
                "offer_made",
                {"offer": "tutorial", "body": "Sent the step-by-step guide by DM."},
            ),
            Step(
                rng.uniform(60, 900),
                "status",
                "resolved",
                {"resolution": "Answered publicly with a how-to."},
            ),
            close,
        ]
    else:
        steps += [
            reply,
            dm,
            Step(
                rng.uniform(60, 600),
                "log",
                "offer_made",
                {
                    "offer": "discount",
                    "amount": amount,
                    "body": f"Offered {amount} {ctx.currency} off the next order.",
                    "outcome": "accepted",
                },
            ),
            Step(
                rng.uniform(60, 600),
                "log",
                "asked_to_update",
                {"body": "Asked if they'd take the post down or update it."},
            ),
            Step(
                rng.uniform(300, 1500),
                "log",
                "post_removed",
                {"body": "Customer deleted the original post."},
            ),
            Step(
                rng.uniform(10, 120),
                "status",
                "resolved",
                {"resolution": "Discount accepted; post removed by the customer."},
            ),
            close,
        ]
    return steps


def plan(ctx: Context, rng: random.Random) -> list[Step]:
    """The steps for one incident; none at all for some recent ones nobody has reached yet."""
    if ctx.due_at is not None and ctx.now < ctx.due_at <= ctx.now + LEFT_FOR_THE_DESK:
        # Seen by its owner at most: the answer is still owed.
        return [Step(rng.uniform(2, 6), "status", "acknowledged")] if rng.random() < 0.5 else []
    if (
        ctx.incident_kind not in ("monitor", "spike")
        and ctx.now - ctx.opened_at < RECENT
        and rng.random() < NEGLECTED_SHARE
    ):
        return []
    return _steps_for(ctx, rng)
