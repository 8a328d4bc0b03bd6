#!/usr/bin/env python3
"""Builds Pyrogram and Telethon session strings for foreign.json, independently of the Go code.

Each string is packed exactly as the library's own exporter does it: struct.pack with the
library's format string, then base64 (Pyrogram: urlsafe, '=' stripped; Telethon: '1' + urlsafe
with padding). Run: python3 make_python.py > python.jsonl
(--live: strings of a given key for end-to-end tests; see live() below.)
"""
import base64
import ipaddress
import json
import struct
import sys


def key(seed):
    if isinstance(seed, bytes):  # a live key (--live), used as it is
        return seed
    return bytes((seed + i * 37) % 256 for i in range(256))


def emit(name, fmt, string, **want):
    want.setdefault("api_id", 0)
    want.setdefault("user_id", 0)
    want.setdefault("bot", False)
    want.setdefault("test", False)
    want.setdefault("addr", "")
    if isinstance(want.get("key_seed"), bytes):
        want["key_seed"] = -1  # a live key
    print(json.dumps(dict(name=name, format=fmt, string=string, **want)))


def pyrogram(name, layout, seed, dc, test, user, bot, api_id=0):
    if layout == "current":
        packed = struct.pack(">BI?256sQ?", dc, api_id, test, key(seed), user, bot)
    elif layout == "legacy64":
        packed = struct.pack(">B?256sQ?", dc, test, key(seed), user, bot)
    else:
        packed = struct.pack(">B?256sI?", dc, test, key(seed), user, bot)
    s = base64.urlsafe_b64encode(packed).decode().rstrip("=")
    emit(name, "pyrogram", s, dc=dc, key_seed=seed, test=test, user_id=user, bot=bot, api_id=api_id)


def telethon(name, seed, dc, ip, port):
    addr = ipaddress.ip_address(ip)
    packed = struct.pack(">B{}sH256s".format(len(addr.packed)), dc, addr.packed, port, key(seed))
    s = "1" + base64.urlsafe_b64encode(packed).decode("ascii")
    host = addr.compressed
    want = "[%s]:%d" % (host, port) if addr.version == 6 else "%s:%d" % (host, port)
    emit(name, "telethon", s, dc=dc, key_seed=seed, addr=want)


def live(argv):
    """--live KEYHEX DC IP PORT USER BOT: one Pyrogram and one Telethon string of a real key, so a
    test can start the library's client from them against its own server."""
    k = bytes.fromhex(argv[0])
    dc, ip, port, user, bot = int(argv[1]), argv[2], int(argv[3]), int(argv[4]), argv[5] == "1"
    pyrogram("pyrogram live", "current", k, dc, False, user, bot)
    telethon("telethon live", k, dc, ip, port)


if len(sys.argv) > 1 and sys.argv[1] == "--live":
    live(sys.argv[2:])
    sys.exit(0)

pyrogram("pyrogram current user", "current", 1, 2, False, 5000000001, False, api_id=123456)
pyrogram("pyrogram current test bot", "current", 2, 1, True, 777000, True, api_id=94575)
pyrogram("pyrogram legacy 64-bit", "legacy64", 3, 4, False, 6000000000, True)
pyrogram("pyrogram legacy 32-bit", "legacy32", 4, 5, True, 123456789, False)
telethon("telethon ipv4", 5, 2, "149.154.167.51", 443)
telethon("telethon ipv4 port 80", 6, 1, "149.154.175.53", 80)
telethon("telethon ipv6", 7, 2, "2001:67c:4e8:f002::a", 443)
telethon("telethon ipv6 dc5", 8, 5, "2001:b28:f23f:f005::a", 443)
