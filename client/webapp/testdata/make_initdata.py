#!/usr/bin/env python3
"""Builds Telegram Mini App init data for the webapp package's tests, independently of the Go code.

Written from the documented algorithms (core.telegram.org/bots/webapps, "Validating data
received via the Mini App" and "Validating data for Third-Party Use"):

- hash: data_check_string = every field but hash, as key=value (values decoded), sorted by key,
  joined by '\n'; secret = HMAC_SHA256(key=b"WebAppData", msg=bot_token);
  hash = hex(HMAC_SHA256(key=secret, msg=data_check_string)).
- signature: data_check_string = "<bot_id>:WebAppData\n" + every field but hash and signature,
  sorted and joined as above; signature = base64url(Ed25519(data_check_string)) without padding.

The standard library has no Ed25519, so a small RFC 8032 signer is below (checked against the
RFC's first test vector). Telegram's private key is not ours: the signatures use a key of this
script, whose public half the tests pass to ValidateThirdParty.

Run: python3 make_initdata.py > initdata.jsonl
"""
import base64
import hashlib
import hmac
import json
import urllib.parse

# --- Ed25519 (RFC 8032, section 5.1), plain integers -----------------------------------------
P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def recover_x(y, sign):
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    if (x & 1) != sign:
        x = P - x
    return x


BY = 4 * pow(5, P - 2, P) % P
BX = recover_x(BY, 0)
BASE = (BX, BY, 1, BX * BY % P)
ZERO = (0, 1, 1, 0)


def add(a, b):
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % P
    bb = (y1 + x1) * (y2 + x2) % P
    cc = 2 * t1 * t2 * D % P
    dd = 2 * z1 * z2 % P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def mul(k, pt):
    acc = ZERO
    while k:
        if k & 1:
            acc = add(acc, pt)
        pt = add(pt, pt)
        k >>= 1
    return acc


def encode(pt):
    x, y, z, _ = pt
    zi = pow(z, P - 2, P)
    x, y = x * zi % P, y * zi % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def expand(seed):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def public_key(seed):
    a, _ = expand(seed)
    return encode(mul(a, BASE))


def sign(seed, msg):
    a, prefix = expand(seed)
    pub = encode(mul(a, BASE))
    r = int.from_bytes(hashlib.sha512(prefix + msg).digest(), "little") % L
    rs = encode(mul(r, BASE))
    k = int.from_bytes(hashlib.sha512(rs + pub + msg).digest(), "little") % L
    return rs + ((r + k * a) % L).to_bytes(32, "little")


# RFC 8032 section 7.1, TEST 1.
_seed = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
assert public_key(_seed).hex() == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
assert sign(_seed, b"").hex() == (
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")

# --- init data ---------------------------------------------------------------------------------
BOT_TOKEN = "7342037359:AAHI25ES9xCOMPWYWjSHyEdPTIKpU1Na0bk"  # made up, not a real bot's
BOT_ID = 7342037359
SEED = bytes(range(32))  # this script's signing key
OTHER_SEED = bytes(range(1, 33))
NOW = 1767225600  # 2026-01-01T00:00:00Z, the tests' clock


def check_string(fields, exclude):
    return "\n".join(f"{k}={v}" for k, v in sorted(fields) if k not in exclude)


def hash_of(fields, token):
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    return hmac.new(secret, check_string(fields, {"hash"}).encode(), hashlib.sha256).hexdigest()


def signature_of(fields, bot_id, seed):
    msg = f"{bot_id}:WebAppData\n" + check_string(fields, {"hash", "signature"})
    return base64.urlsafe_b64encode(sign(seed, msg.encode())).decode().rstrip("=")


def query(fields):
    return urllib.parse.urlencode(fields, quote_via=urllib.parse.quote)


USER = json.dumps({"id": 279058397, "first_name": "Vladislav & Co", "last_name": "Kibenko",
                   "username": "vdkfrost", "language_code": "ru", "is_premium": True,
                   "allows_write_to_pm": True, "photo_url": "https://t.me/i/userpic/320/x.svg"},
                  separators=(",", ":"), ensure_ascii=False)
CHAT = json.dumps({"id": -1001234567890, "type": "supergroup", "title": "Ünïcode = fine"},
                  separators=(",", ":"), ensure_ascii=False)


def signed(fields, token=BOT_TOKEN, bot_id=BOT_ID, seed=SEED):
    """fields plus a signature and a hash, as Telegram sends them."""
    fields = list(fields)
    fields.append(("signature", signature_of(fields, bot_id, seed)))
    fields.append(("hash", hash_of(fields, token)))
    return fields


def emit(name, fields, by_token, by_signature, **extra):
    """A case: the init data and the outcome of each check ("ok" or the failure's kind)."""
    case = dict(name=name, init_data=query(fields) if isinstance(fields, list) else fields,
                bot_token=BOT_TOKEN, bot_id=BOT_ID, now=NOW, max_age=0,
                by_token=by_token, by_signature=by_signature)
    case.update(extra)
    print(json.dumps(case, ensure_ascii=False))


def main():
    base = [("query_id", "AAHdF6IQAAAAAN0XohDhrOrc"), ("user", USER), ("auth_date", str(NOW - 60)),
            ("start_param", "ref_42"), ("chat_type", "sender"), ("chat_instance", "-3788475317572404878")]
    good = signed(base)
    print(json.dumps(dict(name="_key", public_key=public_key(SEED).hex(),
                          other_public_key=public_key(OTHER_SEED).hex())))
    emit("good", good, "ok", "ok")
    emit("good_reordered", list(reversed(good)), "ok", "ok")
    emit("good_max_age", good, "ok", "ok", max_age=120)
    emit("expired", good, "expired", "expired", max_age=30)
    group = signed([("chat", CHAT), ("chat_type", "supergroup"), ("chat_instance", "1"),
                    ("user", USER), ("auth_date", str(NOW)), ("can_send_after", "5")])
    emit("good_group", group, "ok", "ok")
    tampered = [(k, v.replace("279058397", "279058398") if k == "user" else v) for k, v in good]
    emit("tampered_user", tampered, "hash", "signature")
    emit("tampered_auth_date", [(k, str(NOW) if k == "auth_date" else v) for k, v in good], "hash", "signature")
    emit("added_field", good + [("extra", "1")], "hash", "signature")
    emit("dropped_field", [f for f in good if f[0] != "start_param"], "hash", "signature")
    emit("wrong_token", signed(base, token=BOT_TOKEN + "x"), "hash", "ok")
    emit("wrong_bot_id", signed(base, bot_id=BOT_ID + 1), "ok", "signature")
    emit("other_key", signed(base, seed=OTHER_SEED), "ok", "signature")
    emit("no_hash", [f for f in good if f[0] != "hash"], "no_hash", "ok")
    no_sig = list(base)
    no_sig.append(("hash", hash_of(no_sig, BOT_TOKEN)))
    emit("no_signature", no_sig, "ok", "no_signature")
    emit("bad_hash_hex", [(k, "zz" + v[2:] if k == "hash" else v) for k, v in good], "hash", "ok")
    emit("bad_signature_b64", [(k, "!!" + v[2:] if k == "signature" else v) for k, v in good], "hash", "signature")
    emit("duplicate_field", good + [("user", USER)], "malformed", "malformed")
    emit("not_a_query", "%zz=1&hash=00&signature=AA", "malformed", "malformed")
    emit("bad_user_json", signed([("user", "{"), ("auth_date", str(NOW))]), "malformed", "malformed")
    emit("empty", "", "no_hash", "no_signature")


if __name__ == "__main__":
    main()
