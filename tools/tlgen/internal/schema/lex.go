package schema

import (
	"strings"
)

type tokKind int

const (
	tokIdent   tokKind = iota // names, ids and numbers: [A-Za-z0-9_.#]+
	tokPunct                  // one of : ? < > { } [ ] = % ! * ;
	tokSection                // ---types--- or ---functions---
	tokEOF
)

type token struct {
	kind tokKind
	text string
	pos  Pos
}

// lex splits src into tokens, dropping comments and whitespace.
func lex(file, src string) ([]token, error) {
	var toks []token
	line, col := 1, 1
	i := 0
	advance := func(n int) {
		for k := 0; k < n; k++ {
			if src[i] == '\n' {
				line++
				col = 1
			} else {
				col++
			}
			i++
		}
	}
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\n' || c == ' ' || c == '\t' || c == '\r':
			advance(1)
		case strings.HasPrefix(src[i:], "//"):
			for i < len(src) && src[i] != '\n' {
				advance(1)
			}
		case strings.HasPrefix(src[i:], "---"):
			start := Pos{line, col}
			j := i + 3
			for j < len(src) && isIdentByte(src[j]) {
				j++
			}
			if !strings.HasPrefix(src[j:], "---") {
				return nil, &Error{File: file, Pos: start, Msg: "malformed section marker, want ---types--- or ---functions---"}
			}
			name := src[i+3 : j]
			if name != "types" && name != "functions" {
				return nil, &Error{File: file, Pos: start, Msg: "unknown section ---" + name + "---"}
			}
			toks = append(toks, token{tokSection, name, start})
			advance(j + 3 - i)
		case isIdentByte(c):
			start := Pos{line, col}
			j := i
			for j < len(src) && isIdentByte(src[j]) {
				j++
			}
			toks = append(toks, token{tokIdent, src[i:j], start})
			advance(j - i)
		case strings.IndexByte(":?<>{}[]=%!*;", c) >= 0:
			toks = append(toks, token{tokPunct, string(c), Pos{line, col}})
			advance(1)
		default:
			return nil, &Error{File: file, Pos: Pos{line, col}, Msg: "unexpected character " + quoteByte(c)}
		}
	}
	toks = append(toks, token{tokEOF, "", Pos{line, col}})
	return toks, nil
}

func isIdentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '#'
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return "'" + string(c) + "'"
	}
	const hex = "0123456789abcdef"
	return "byte 0x" + string(hex[c>>4]) + string(hex[c&15])
}
