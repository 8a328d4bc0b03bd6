package model

import (
	"strings"
	"unicode"
)

// initialisms maps lower-case words to their Go spelling.
var initialisms = map[string]string{
	"id": "ID", "ids": "IDs", "url": "URL", "urls": "URLs", "dc": "DC", "api": "API",
	"http": "HTTP", "https": "HTTPS", "ttl": "TTL", "ip": "IP", "ipv4": "IPv4", "ipv6": "IPv6",
	"srp": "SRP", "json": "JSON", "md5": "MD5", "sha256": "SHA256", "rtmp": "RTMP",
	"tcp": "TCP", "udp": "UDP", "dh": "DH", "uri": "URI",
}

// words splits a TL identifier into words at '_', '.', and lower-to-upper case changes; a run of
// capitals followed by a lower-case letter ends one capital early ("JSONValue" -> JSON, Value).
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		if r == '_' || r == '.' {
			flush()
			continue
		}
		if unicode.IsUpper(r) && len(cur) > 0 {
			prev := cur[len(cur)-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return out
}

// GoName converts a TL identifier (snake_case, camelCase, namespaced) to an exported Go name:
// user_id -> UserID, messages.dialogs -> MessagesDialogs, p_q_inner_data -> PQInnerData.
func GoName(s string) string {
	var sb strings.Builder
	for _, w := range words(s) {
		if v, ok := initialisms[strings.ToLower(w)]; ok {
			sb.WriteString(v)
			continue
		}
		rs := []rune(w)
		rs[0] = unicode.ToUpper(rs[0])
		sb.WriteString(string(rs))
	}
	return sb.String()
}
