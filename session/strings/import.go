package strings

import (
	"encoding/base64"
	stdstrings "strings"
)

// maxText bounds the text Import looks at; every known format is far shorter.
const maxText = 4096

// Import decodes a session string in any supported format, detected automatically:
//
//   - "mtgo..." is MTGo's own format;
//   - "1..." is Telethon or GramJS (told apart by the payload layout);
//   - anything else is unpadded URL-safe base64, Pyrogram or mtcute by the payload length.
//
// Surrounding white space is ignored. On error the returned Data is zero.
func Import(s string) (Data, error) {
	s = stdstrings.TrimSpace(s)
	var (
		d   Data
		err error
	)
	switch {
	case s == "":
		return Data{}, ErrEmpty
	case len(s) > maxText:
		return Data{}, formatError("unknown", ErrUnknownFormat, "string is %d characters, at most %d", len(s), maxText)
	case stdstrings.HasPrefix(s, Prefix):
		d, err = importMTGo(s[len(Prefix):])
	case s[0] == '1':
		d, err = importVersionOne(s[1:])
	default:
		d, err = importURLSafe(s)
	}
	if err != nil {
		return Data{}, err
	}
	return d, nil
}

// ImportFormat decodes s as format f, without detection. Useful when the caller knows where a
// string came from and wants errors specific to that format.
func ImportFormat(f Format, s string) (Data, error) {
	s = stdstrings.TrimSpace(s)
	if s == "" {
		return Data{}, ErrEmpty
	}
	if len(s) > maxText {
		return Data{}, formatError(f, ErrMalformed, "string is %d characters, at most %d", len(s), maxText)
	}
	var (
		d   Data
		err error
	)
	switch f {
	case FormatMTGo:
		if !stdstrings.HasPrefix(s, Prefix) {
			return Data{}, formatError(f, ErrMalformed, "missing %q prefix", Prefix)
		}
		d, err = importMTGo(s[len(Prefix):])
	case FormatTelethon, FormatGramJS:
		if s[0] != '1' {
			return Data{}, formatError(f, ErrVersion, "version character %q, want '1'", s[0])
		}
		var p []byte
		if p, err = decodeBase64(f, s[1:]); err == nil {
			if f == FormatTelethon {
				d, err = parseTelethon(p)
			} else {
				d, err = parseGramJS(p)
			}
		}
	case FormatPyrogram, FormatMTCute:
		var p []byte
		if p, err = decodeBase64(f, s); err == nil {
			if f == FormatPyrogram {
				d, err = parsePyrogram(p)
			} else {
				d, err = parseMTCute(p)
			}
		}
	default:
		return Data{}, formatError(f, ErrUnknownFormat, "no importer for this format")
	}
	if err != nil {
		return Data{}, err
	}
	return d, nil
}

// importURLSafe tells Pyrogram from mtcute by the payload length modulo 4 (see the package doc).
func importURLSafe(text string) (Data, error) {
	p, err := decodeBase64("unknown", text)
	if err != nil {
		return Data{}, err
	}
	switch {
	case len(p)%4 == 3:
		return parsePyrogram(p)
	case len(p)%4 == 1:
		return parseMTCute(p)
	default:
		return Data{}, formatError("unknown", ErrUnknownFormat, "%d-byte payload matches neither Pyrogram nor mtcute", len(p))
	}
}

// Strict decoders reject non-zero trailing bits, so every string has one spelling and a change
// to its last character cannot go unnoticed.
var (
	rawURL = base64.RawURLEncoding.Strict()
	rawStd = base64.RawStdEncoding.Strict()
)

// decodeBase64 accepts both base64 alphabets (standard and URL-safe), padded or not: each
// library picked one, and strings get re-encoded by the tools users pass them through.
func decodeBase64(f Format, text string) ([]byte, error) {
	text = stdstrings.TrimRight(text, "=")
	enc := rawURL
	if stdstrings.ContainsAny(text, "+/") {
		enc = rawStd
	}
	p, err := enc.DecodeString(text)
	if err != nil {
		return nil, formatError(f, ErrEncoding, "%v", err)
	}
	return p, nil
}
