"""Serve a fake Discord for a bot started by hand: ``python -m tests.fakes.discord --help``."""

from __future__ import annotations

import asyncio
import contextlib

from tests.fakes.discord.server import FakeDiscord


async def _demo(port: int, token: str, once: bool) -> None:
    """Serve a fake guild; when a bot has connected and synced, send it /help and print the
    reply. ``python -m tests.fakes.discord --help`` for options."""
    fake = await FakeDiscord(token=token).start(port)
    guild = fake.add_guild("Study Hall")
    alice = fake.add_member(guild, "alice")
    fake.add_member(guild, "olga", organizer=True)
    print(f"DISCORD_TOKEN={token}")
    print(f"DISCORD_API_BASE_URL={fake.api_url}")
    print(f"DISCORD_GATEWAY_URL={fake.gateway_url}", flush=True)
    try:
        await fake.wait_for_identify(timeout=3600)
        await fake.wait_for_request("PUT", "/commands", timeout=60)
        names = sorted(c["name"] for c in fake.commands_for(guild.id))
        print(f"bot connected and synced {len(names)} commands: {', '.join(names)}", flush=True)
        payload = fake.slash_command("help", user=alice, guild=guild)
        await fake.dispatch("INTERACTION_CREATE", payload)
        reply = await fake.wait_for_reply(payload, timeout=10)
        print(f"/help answered (callback type {reply['_callback']}):\n{reply.get('content')}")
        fake.assert_clean()
        print("no violations", flush=True)
        if not once:
            await asyncio.Event().wait()
    finally:
        await fake.close()


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.discord",
        description="A fake Discord on 127.0.0.1 for trying `python -m bot discord` offline.",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: any free one)")
    parser.add_argument("--token", default="x", help="the bot token it accepts (default: x)")
    parser.add_argument("--once", action="store_true", help="exit after answering /help")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_demo(args.port, args.token, args.once))


if __name__ == "__main__":
    main()
