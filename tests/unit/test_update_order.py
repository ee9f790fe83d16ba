"""The update processor: one chat in order, chats concurrently, the arrival hook first."""

from __future__ import annotations

import asyncio

from bot.telegram.updates import ChatOrderedProcessor


async def test_one_chat_in_order_other_chats_not_held() -> None:
    arrived: list[str] = []
    done: list[str] = []
    release_slow = asyncio.Event()
    processor = ChatOrderedProcessor(
        key=lambda u: str(u)[0], on_arrival=lambda u: arrived.append(str(u))
    )
    await processor.initialize()

    b_done = asyncio.Event()

    async def handle(name: str) -> None:
        if name == "a1":
            await release_slow.wait()  # chat "a" waits (Telegram's pacing, a slow search)
        done.append(name)
        if name == "b2":
            b_done.set()

    names = ["a1", "a2", "b1", "a3", "b2"]
    tasks = [asyncio.create_task(processor.process_update(n, handle(n))) for n in names]
    await b_done.wait()  # b1, b2 go through while a1 waits
    assert done == ["b1", "b2"]
    assert arrived == names  # every update was seen on arrival, before any waiting
    release_slow.set()
    await asyncio.gather(*tasks)
    assert [n for n in done if n.startswith("a")] == ["a1", "a2", "a3"]
    await processor.shutdown()


async def test_a_cancelled_waiter_never_runs_and_frees_its_chat() -> None:
    processor = ChatOrderedProcessor(key=lambda u: "same")
    await processor.initialize()
    gate = asyncio.Event()
    ran: list[int] = []

    async def handle(n: int) -> None:
        if n == 1:
            await gate.wait()
        ran.append(n)

    first = asyncio.create_task(processor.process_update(1, handle(1)))
    second = asyncio.create_task(processor.process_update(2, handle(2)))
    await asyncio.sleep(0)
    second.cancel()
    gate.set()
    await first
    third = asyncio.create_task(processor.process_update(3, handle(3)))
    await third
    assert ran == [1, 3]
