package transport

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// ErrHost reports a host that is neither an IP address nor a sane DNS name.
var ErrHost = errors.New("transport: invalid host")

// MaxHostLen is the longest DNS name, in bytes, without a trailing dot.
const MaxHostLen = 253

// maxLabel is the longest label of a DNS name.
const maxLabel = 63

// CheckHost reports whether h is an IP address (IPv6 optionally in brackets, without a zone) or
// a DNS name of at most MaxHostLen bytes: ASCII letters, digits, '-' and '_', in dot-separated
// labels of 1 to 63 bytes that neither start nor end with '-', and a last label that is not all
// digits (that would be a broken IPv4 address). A single trailing dot is allowed. The error
// wraps ErrHost and says what is wrong by position, never quoting h, so a caller may use it on
// text that must not be echoed.
func CheckHost(h string) error {
	if h == "" {
		return fmt.Errorf("%w: empty", ErrHost)
	}
	if strings.HasPrefix(h, "[") || strings.HasSuffix(h, "]") || strings.Contains(h, ":") {
		ip, bracketed := h, len(h) >= 2 && h[0] == '[' && h[len(h)-1] == ']'
		if bracketed {
			ip = h[1 : len(h)-1]
		}
		if a, err := netip.ParseAddr(ip); err != nil || a.Zone() != "" || !a.Is6() {
			return fmt.Errorf("%w: %d bytes with ':' or brackets but no IPv6 address", ErrHost, len(h))
		}
		return nil
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return nil
	}
	name := strings.TrimSuffix(h, ".")
	if len(name) > MaxHostLen {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrHost, len(name), MaxHostLen)
	}
	start, digits := 0, true
	for i := 0; i <= len(name); i++ {
		if i < len(name) && name[i] != '.' {
			c := name[i]
			switch {
			case '0' <= c && c <= '9':
			case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '-', c == '_':
				digits = false
			case c < 0x20 || c == 0x7f:
				return fmt.Errorf("%w: control character %#02x at byte %d", ErrHost, c, i)
			default:
				return fmt.Errorf("%w: byte %d (%#02x) is not a letter, digit, '-' or '_'", ErrHost, i, c)
			}
			continue
		}
		n := i - start
		switch {
		case n == 0:
			return fmt.Errorf("%w: empty label at byte %d", ErrHost, i)
		case n > maxLabel:
			return fmt.Errorf("%w: label at byte %d is %d bytes, at most %d", ErrHost, start, n, maxLabel)
		case name[start] == '-' || name[i-1] == '-':
			return fmt.Errorf("%w: label at byte %d starts or ends with '-'", ErrHost, start)
		case i == len(name) && digits:
			return fmt.Errorf("%w: last label is all digits but the name is no IP address", ErrHost)
		}
		start, digits = i+1, true
	}
	return nil
}
