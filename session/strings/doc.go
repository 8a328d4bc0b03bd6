// Package strings turns a session into a short printable string and back, and imports the
// session strings that users bring from other MTProto libraries.
//
// Export writes MTGo's own versioned format; Import reads it and, detected automatically,
// Pyrogram, Telethon, GramJS and mtcute strings. Every importer bounds-checks each read, so a
// truncated, corrupted or unknown string yields an error that wraps one of the sentinel errors
// of this package (ErrTruncated, ErrChecksum, ErrVersion, ErrMalformed, ...), never a panic.
//
// The package does not import the root session package: the root package converts between its
// Session value and Data, not the reverse.
//
// # MTGo format (version 1)
//
// Text: the prefix "mtgo" followed by the unpadded URL-safe base64 (RFC 4648 §5) of the payload.
// Payload, integers big-endian:
//
//	offset  size  field
//	0       1     version, 1
//	1       1     flags: bit 0 test mode, bit 1 bot; other bits must be zero
//	2       2     DC id (1..65535)
//	4       4     api_id (signed; 0 when unknown)
//	8       8     user id (signed; 0 when unknown)
//	16      1     n, length of the address
//	17      n     server address "host:port" (empty when unknown)
//	17+n    256   auth key
//	273+n   4     CRC-32C (Castagnoli) of every preceding payload byte
//
// The checksum is always the last four bytes, whatever the version, so a damaged string is
// reported as ErrChecksum and an intact string of another version as ErrVersion.
//
// # Pyrogram
//
// Unpadded URL-safe base64 of a big-endian record (Python struct notation, "?" is a one-byte
// bool). The importer picks the layout by the decoded length, as Pyrogram does by text length:
//
//	271 bytes (current, ">BI?256sQ?"): dc_id u8, api_id u32, test_mode bool, auth_key [256],
//	                                  user_id u64, is_bot bool
//	267 bytes (legacy 64-bit, ">B?256sQ?"): dc_id u8, test_mode bool, auth_key [256],
//	                                  user_id u64, is_bot bool
//	263 bytes (legacy 32-bit, ">B?256sI?"): dc_id u8, test_mode bool, auth_key [256],
//	                                  user_id u32, is_bot bool
//
// Pyrogram strings carry no server address; Data.Addr is left empty.
//
// # Telethon StringSession
//
// The version character '1' followed by the padded URL-safe base64 of a big-endian record
// ">B{4|16}sH256s": dc_id u8, the packed IP address (4 bytes for IPv4, 16 for IPv6), port u16,
// auth_key [256]. The decoded record is 263 bytes (IPv4) or 275 bytes (IPv6). No test flag and no
// user id.
//
// # GramJS StringSession
//
// The version character '1' followed by the padded standard base64 of: dc_id u8, address length
// n u16 big-endian, the address as n bytes of text, port u16 big-endian, auth_key [256]. GramJS
// and Telethon share the '1' prefix; a payload is GramJS when its length field is consistent with
// the payload length and the address is printable host text, otherwise Telethon when its length
// is 263 or 275. (GramJS's own reader uses the same lengths to recognise Telethon strings.)
//
// # mtcute
//
// Unpadded URL-safe base64 of a TL-serialised record (integers little-endian, "bytes" and
// "string" are TL byte strings: a one-byte length below 254, or 0xfe and a three-byte length,
// then the data, zero-padded to a multiple of four):
//
//	version    u8, 1, 2 or 3
//	flags      int32: bit 0 self present, bit 1 test mode (written by older mtcute), bit 2 media
//	           DC present (version >= 2)
//	primary DC version 1-2: a TL dcOption object (constructor 0x18b7a10d, flags, id int, ip
//	           string, port int, secret bytes when flags bit 10)
//	           version 3: TL bytes wrapping [dc version 1|2, id u8, dc flags u8] + ip string +
//	           port int; dc flags: bit 0 IPv6, bit 1 media only, bit 2 test mode (dc version 2)
//	media DC   same shape as the primary DC, present when flags bit 2 (ignored by the importer)
//	self       when flags bit 0: user id int64 (int53), is_bot TL Bool (0x997275b5 / 0xbc799737)
//	auth key   TL bytes, 256 long
//
// Nothing may follow the auth key. Pyrogram payloads are 3 modulo 4 bytes long and mtcute
// payloads 1 modulo 4, so the two URL-safe formats never collide.
package strings
