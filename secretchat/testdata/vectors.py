#!/usr/bin/env python3
"""Independent vectors for secretchat: written from core.telegram.org/api/end-to-end with
hashlib, pow() and the `cryptography` package's AES (IGE chaining written out below).
Run: python3 testdata/vectors.py > testdata/vectors.json"""
import hashlib, json, struct
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

P = int(
    "C71CAEB9C6B1C9048E6C522F70F13F73980D40238E3E21C14934D037563D930F"
    "48198A0AA7C14058229493D22530F4DBFA336F6E0AC925139543AED44CCE7C37"
    "20FD51F69458705AC68CD4FE6B6B13ABDC9746512969328454F18FAF8C595F64"
    "2477FE96BB2A941D5BCD1D4AC8CC49880708FA9B378E3C4F3A9060BEE67CF9A4"
    "A4A695811051907E162753B56B0F6B410DBA74D8A84B2A14B3144E0EF1284754"
    "FD17ED950D5965B4B9DD46582DB1178D169C6BC465B0D6FF9CA3928FEF5B9AE4"
    "E418FC15E83EBEA0F87FA9FF5EED70050DED2849F47BF959D956850CE929851F"
    "0D8115F635B105EE2E4E15D04B2454BF6F4FADF034B10403119CD8E3B92FCC5B", 16)
G = 3
assert P % 3 == 2  # g = 3 generates the prime-order subgroup


def stretch(seed, n):
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(seed + bytes([i])).digest()
        i += 1
    return out[:n]


def fingerprint(key):
    return struct.unpack("<q", hashlib.sha1(key).digest()[12:20])[0]


def ige_encrypt(key, iv, data):
    ecb = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    c_prev, p_prev = iv[:16], iv[16:]
    out = b""
    for i in range(0, len(data), 16):
        p = data[i:i + 16]
        c = bytes(a ^ b for a, b in zip(ecb.update(bytes(a ^ b for a, b in zip(p, c_prev))), p_prev))
        out += c
        c_prev, p_prev = c, p
    return out


def encrypt(key, x, layer, padding):
    plain = struct.pack("<I", len(layer)) + layer + padding
    assert len(plain) % 16 == 0 and 12 <= len(padding) <= 1024
    msg_key = hashlib.sha256(key[88 + x:120 + x] + plain).digest()[8:24]
    a = hashlib.sha256(msg_key + key[x:x + 36]).digest()
    b = hashlib.sha256(key[40 + x:76 + x] + msg_key).digest()
    aes_key = a[:8] + b[8:24] + a[24:32]
    iv = b[:8] + a[8:24] + b[24:32]
    return hashlib.sha1(key).digest()[12:20] + msg_key + ige_encrypt(aes_key, iv, plain), msg_key


# DH: originator's a and responder's b from fixed seeds.
a = int.from_bytes(stretch(b"originator", 256), "big")
b = int.from_bytes(stretch(b"responder", 256), "big")
g_a = pow(G, a, P)
g_b = pow(G, b, P)
shared = pow(g_b, a, P)
assert shared == pow(g_a, b, P)
key = shared.to_bytes(256, "big")

# decryptedMessageLayer with 16 random bytes (at least 15 are required), layer 144, in_seq_no
# 1, out_seq_no 2, and a service noop (random_id 0x0102030405060708).
random_bytes = bytes(range(0xa0, 0xb0))
layer = (bytes.fromhex("8917e31b") + bytes([len(random_bytes)]) + random_bytes + bytes(3)
         + struct.pack("<iii", 144, 1, 2) + bytes.fromhex("60411673" "0807060504030201" "63dd2fa8"))
padding = bytes(range(24))  # 4 + 52 + 24 = 80 bytes, the smallest padding >= 12 to 16

msgs = []
for role, x in (("originator", 0), ("responder", 8)):
    payload, msg_key = encrypt(key, x, layer, padding)
    msgs.append({"from": role, "layer": layer.hex(), "padding": padding.hex(),
                 "msg_key": msg_key.hex(), "payload": payload.hex()})

key46 = stretch(b"layer 46 key", 256)
print(json.dumps({
    "g": G,
    "a": stretch(b"originator", 256).hex(),
    "b": stretch(b"responder", 256).hex(),
    "g_a": g_a.to_bytes(256, "big").hex(),
    "g_b": g_b.to_bytes(256, "big").hex(),
    "key": key.hex(),
    "fingerprint": fingerprint(key),
    "visual128": hashlib.sha1(key).digest()[:16].hex(),
    "key46": key46.hex(),
    "visual288": (hashlib.sha1(key).digest()[:16] + hashlib.sha256(key46).digest()[:20]).hex(),
    "messages": msgs,
}, indent=1))
