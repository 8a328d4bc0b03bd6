// Builds GramJS and mtcute session strings for foreign.json, independently of the Go code.
//
// GramJS: the body of GramJS's StringSession.save(): Buffer.concat of dc id, Int16BE address
// length, the address, Int16BE port and the key, then "1" + standard base64.
// mtcute: a hand-written TL writer following readStringSession/serializeBasicDcOption:
// version byte, int32 flags, the DC (TL dcOption object for versions 1-2, TL bytes of
// [dcVersion, id, flags] + string ip + int port for version 3), optional int53 user id + Bool,
// then the key as TL bytes; URL-safe base64 without padding.
// Run: node make_node.js > node.jsonl
// (--live: strings of a given key for end-to-end tests; see below.)
'use strict';

function key(seed) {
  if (Buffer.isBuffer(seed)) return seed; // a live key (--live), used as it is
  const b = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) b[i] = (seed + i * 37) % 256;
  return b;
}

function emit(name, format, string, want) {
  if (Buffer.isBuffer(want.key_seed)) want.key_seed = -1; // a live key
  console.log(JSON.stringify(Object.assign(
    { name, format, string, api_id: 0, user_id: 0, bot: false, test: false, addr: '' }, want)));
}

function gramjs(name, seed, dc, address, port) {
  const addressBuffer = Buffer.from(address);
  const len = Buffer.alloc(2);
  len.writeInt16BE(addressBuffer.length, 0);
  const portBuffer = Buffer.alloc(2);
  // GramJS writes the port as a signed Int16BE, so it cannot save a port above 32767; the
  // live mode (a test server on an ephemeral port) writes those bits unsigned.
  if (port > 0x7fff) portBuffer.writeUInt16BE(port, 0); else portBuffer.writeInt16BE(port, 0);
  const s = '1' + Buffer.concat([Buffer.from([dc]), len, addressBuffer, portBuffer, key(seed)]).toString('base64');
  const host = address.includes(':') ? `[${address}]` : address;
  emit(name, 'gramjs', s, { dc, key_seed: seed, addr: `${host}:${port}` });
}

// --- minimal TL writer ---
function int32(v) { const b = Buffer.alloc(4); b.writeInt32LE(v, 0); return b; }
function uint32(v) { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0, 0); return b; }
function int53(v) { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(v), 0); return b; }
function tlBytes(data) {
  data = Buffer.from(data);
  const head = data.length < 254
    ? Buffer.from([data.length])
    : Buffer.from([254, data.length & 255, (data.length >> 8) & 255, (data.length >> 16) & 255]);
  const pad = (4 - ((head.length + data.length) % 4)) % 4;
  return Buffer.concat([head, data, Buffer.alloc(pad)]);
}
function tlBool(v) { return uint32(v ? 0x997275b5 : 0xbc799737); }
function tlDcOption(dc) {
  let flags = (dc.ipv6 ? 1 : 0) | (dc.mediaOnly ? 2 : 0) | (dc.secret ? 1024 : 0);
  const parts = [uint32(0x18b7a10d), uint32(flags), int32(dc.id), tlBytes(dc.ip), int32(dc.port)];
  if (dc.secret) parts.push(tlBytes(dc.secret));
  return Buffer.concat(parts);
}
function basicDc(dc, dcVersion) {
  const flags = (dc.ipv6 ? 1 : 0) | (dc.mediaOnly ? 2 : 0) | (dc.test ? 4 : 0);
  return tlBytes(Buffer.concat([Buffer.from([dcVersion, dc.id, flags]), tlBytes(dc.ip), int32(dc.port)]));
}

function mtcute(name, o) {
  let flags = 0;
  if (o.self) flags |= 1;
  if (o.oldTest) flags |= 2;
  if (o.media) flags |= 4;
  const dcOf = (dc) => (o.version === 3 ? basicDc(dc, o.dcVersion) : tlDcOption(dc));
  const parts = [Buffer.from([o.version]), int32(flags), dcOf(o.main)];
  if (o.media) parts.push(dcOf(o.media));
  if (o.self) parts.push(int53(o.self.userId), tlBool(o.self.isBot));
  parts.push(tlBytes(key(o.seed)));
  const s = Buffer.concat(parts).toString('base64url');
  const host = o.main.ip.includes(':') ? `[${o.main.ip}]` : o.main.ip;
  emit(name, 'mtcute', s, {
    dc: o.main.id, key_seed: o.seed, addr: `${host}:${o.main.port}`,
    test: Boolean(o.oldTest || o.main.test),
    user_id: o.self ? o.self.userId : 0, bot: o.self ? o.self.isBot : false,
  });
}

// --live KEYHEX DC IP PORT USER BOT: one GramJS and one mtcute string of a real key, so a test
// can start the library's client from them against its own server.
if (process.argv[2] === '--live') {
  const [hex, dc, ip, port, user, bot] = process.argv.slice(3);
  const k = Buffer.from(hex, 'hex');
  gramjs('gramjs live', k, Number(dc), ip, Number(port));
  mtcute('mtcute live', { version: 3, dcVersion: 2, seed: k, main: { id: Number(dc), ip, port: Number(port) },
    self: { userId: Number(user), isBot: bot === '1' } });
  process.exit(0);
}

gramjs('gramjs dc2 (same length as telethon ipv6)', 11, 2, '149.154.167.50', 443);
gramjs('gramjs dc4', 12, 4, '149.154.167.91', 443);
gramjs('gramjs ipv6', 13, 3, '2001:b28:f23d:f003::a', 443);
gramjs('gramjs test dc hostname', 14, 1, 'venus.web.telegram.org', 443);

const main2 = { id: 2, ip: '149.154.167.50', port: 443 };
const media2 = { id: 2, ip: '149.154.167.222', port: 443, mediaOnly: true };
mtcute('mtcute v3 self and media', { version: 3, dcVersion: 2, seed: 21, main: main2, media: media2,
  self: { userId: 123456789, isBot: false } });
mtcute('mtcute v3 test dc no self', { version: 3, dcVersion: 2, seed: 22,
  main: { id: 1, ip: '149.154.175.10', port: 80, test: true } });
mtcute('mtcute v3 old dc version, old test flag, bot', { version: 3, dcVersion: 1, seed: 23, oldTest: true,
  main: { id: 2, ip: '149.154.167.40', port: 443 }, self: { userId: 7000000001, isBot: true } });
mtcute('mtcute v3 ipv6', { version: 3, dcVersion: 2, seed: 24,
  main: { id: 2, ip: '2001:067c:04e8:f002:0000:0000:0000:000a', port: 443, ipv6: true },
  self: { userId: 42, isBot: false } });
mtcute('mtcute v2 tl dcOption with secret and media', { version: 2, seed: 25,
  main: { id: 4, ip: '149.154.167.91', port: 443, secret: Buffer.from('0123456789abcdef') },
  media: { id: 4, ip: '149.154.166.120', port: 443, mediaOnly: true }, self: { userId: 99, isBot: true } });
mtcute('mtcute v1 tl dcOption', { version: 1, seed: 26, main: { id: 5, ip: '91.108.56.130', port: 443 } });
