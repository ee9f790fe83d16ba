"""A user firing dozens of commands a second is answered at a bounded rate, told once to
slow down, and does not hold up anyone else."""

from __future__ import annotations

import time

from .harness import SEED_ARTICLES, World

FLOOD = 40
BURST, RATE = 5, 1.0  # bot.telegram.flood defaults
NOTICE = "Bạn gửi quá nhanh"


async def test_a_flooding_user_is_bounded_and_others_still_answered(fresh_world: World) -> None:
    world = fresh_world
    flooder, polite = world.person("Spam"), world.person("Lan")
    started = time.monotonic()
    for i in range(FLOOD):
        world.emulator.user_message(flooder.user, f"/tim dân vận {i}")
    [answer] = await polite.send("/moinhat 1")  # queued behind all 40
    assert SEED_ARTICLES[-1].title in answer.plain
    await polite.barrier()  # everything before it has been handled
    elapsed = time.monotonic() - started

    replies = flooder.bot_messages()
    notices = [m for m in replies if NOTICE in m.plain]
    answered = [m for m in replies if NOTICE not in m.plain]
    assert len(notices) == 1, [m.plain[:60] for m in replies]
    # The bucket: a burst, plus what refilled while the flood was being handled.
    assert BURST <= len(answered) <= BURST + int(elapsed * RATE) + 1, (len(answered), elapsed)
    assert len(answered) < FLOOD // 2
    assert not world.emulator.rejected()
