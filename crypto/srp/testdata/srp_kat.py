#!/usr/bin/env python3
"""Known-answer vector for crypto/srp, computed independently of the Go code.

Run: python3 srp_kat.py > srp_kat.json

It follows https://core.telegram.org/api/srp step by step with nothing but hashlib and pow():
PBKDF2 comes from hashlib.pbkdf2_hmac, modular arithmetic from Python integers. The secrets a
and b are SHA-256 counter-mode expansions of fixed labels so anyone can regenerate them.
"""
import hashlib
import json

P = int(
    "C71CAEB9C6B1C9048E6C522F70F13F73980D40238E3E21C14934D037563D930F"
    "48198A0AA7C14058229493D22530F4DBFA336F6E0AC925139543AED44CCE7C37"
    "20FD51F69458705AC68CD4FE6B6B13ABDC9746512969328454F18FAF8C595F64"
    "2477FE96BB2A941D5BCD1D4AC8CC49880708FA9B378E3C4F3A9060BEE67CF9A4"
    "A4A695811051907E162753B56B0F6B410DBA74D8A84B2A14B3144E0EF1284754"
    "FD17ED950D5965B4B9DD46582DB1178D169C6BC465B0D6FF9CA3928FEF5B9AE4"
    "E418FC15E83EBEA0F87FA9FF5EED70050DED2849F47BF959D956850CE929851F"
    "0D8115F635B105EE2E4E15D04B2454BF6F4FADF034B10403119CD8E3B92FCC5B", 16)
G = 3  # the published prime is 2 mod 3, so g = 3 passes the subgroup rule


def H(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


def SH(data, salt):
    return H(salt, data, salt)


def pad(n):
    return n.to_bytes(256, "big")


def expand(label, n):
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(label + i.to_bytes(4, "big")).digest()
        i += 1
    return out[:n]


password = "hunter2 пароль".encode()
salt1 = expand(b"salt1", 40)  # client salt: server's 8 random bytes appended to 32
salt2 = expand(b"salt2", 16)
a = int.from_bytes(expand(b"client secret a", 256), "big")
b = int.from_bytes(expand(b"server secret b", 256), "big")

ph1 = SH(SH(password, salt1), salt2)
ph2 = SH(hashlib.pbkdf2_hmac("sha512", ph1, salt1, 100000), salt2)
x = int.from_bytes(ph2, "big")
v = pow(G, x, P)
k = int.from_bytes(H(pad(P), pad(G)), "big")

g_b = (k * v + pow(G, b, P)) % P  # srp_B as the server sends it
g_a = pow(G, a, P)
u = int.from_bytes(H(pad(g_a), pad(g_b)), "big")
t = (g_b - k * v) % P
s_a = pow(t, a + u * x, P)
k_a = H(pad(s_a))
hp, hg = H(pad(P)), H(pad(G))
m1 = H(bytes(i ^ j for i, j in zip(hp, hg)), H(salt1), H(salt2), pad(g_a), pad(g_b), k_a)

# The server's view must agree: S = (A * v^u)^b.
assert pow(g_a * pow(v, u, P) % P, b, P) == s_a

print(json.dumps({
    "password_utf8": password.decode(),
    "salt1": salt1.hex(),
    "salt2": salt2.hex(),
    "g": G,
    "p": pad(P).hex(),
    "a": pad(a).hex(),
    "b": pad(b).hex(),
    "x": ph2.hex(),
    "v": pad(v).hex(),
    "srp_B": pad(g_b).hex(),
    "A": pad(g_a).hex(),
    "M1": m1.hex(),
}, indent=2, ensure_ascii=False))
