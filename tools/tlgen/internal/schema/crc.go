package schema

import (
	"fmt"
	"hash/crc32"
	"strings"
)

// Normalized returns the combinator in the canonical form whose CRC32 is its constructor id:
// no id, no flags.N?true fields, type parameters written as X:Type without braces, Vector<T>
// written as "Vector T", single spaces.
func (d *Decl) Normalized() string { return d.normalized(false) }

// normalized renders the canonical form; with bytesAsString a field of type bytes is written as
// string, the historical form some ids were computed from.
func (d *Decl) normalized(bytesAsString bool) string {
	if d.Builtin || d.Result == nil {
		return d.Name // built-in declarations have no constructor id
	}
	var sb strings.Builder
	sb.WriteString(d.Name)
	for _, g := range d.Generic {
		sb.WriteString(" " + g + ":Type")
	}
	for _, prm := range d.Params {
		if prm.Flags {
			sb.WriteString(" " + prm.Name + ":#")
			continue
		}
		if prm.Cond != nil && prm.Type.Name == "true" {
			continue
		}
		sb.WriteString(" " + prm.Name + ":")
		if prm.Cond != nil {
			fmt.Fprintf(&sb, "%s.%d?", prm.Cond.Field, prm.Cond.Bit)
		}
		if bytesAsString && prm.Type.Name == "bytes" {
			sb.WriteString("string")
			continue
		}
		writeNormType(&sb, prm.Type)
	}
	sb.WriteString(" = ")
	writeNormType(&sb, d.Result)
	return sb.String()
}

func writeNormType(sb *strings.Builder, t *Type) {
	if t.Bang {
		sb.WriteByte('!')
	}
	sb.WriteString(t.Name)
	if t.Arg != nil {
		sb.WriteByte(' ')
		writeNormType(sb, t.Arg)
	}
}

// ComputedID returns the CRC32 (IEEE) of the normalized combinator.
func (d *Decl) ComputedID() uint32 { return crc32.ChecksumIEEE([]byte(d.Normalized())) }

// idMatches reports whether the explicit id equals the CRC32 of the normalized line, accepting
// both spellings of bytes fields (Telegram computed some ids with bytes written as string).
func (d *Decl) idMatches() bool {
	return d.ID == d.ComputedID() || d.ID == crc32.ChecksumIEEE([]byte(d.normalized(true)))
}

// EffectiveID returns the explicit id, or the computed one when none was written.
func (d *Decl) EffectiveID() uint32 {
	if d.HasID {
		return d.ID
	}
	return d.ComputedID()
}

// CheckIDs compares every explicit constructor id with the CRC32 of its normalized line and
// returns one *IDMismatch per mismatch.
func (s *Schema) CheckIDs() []error {
	var errs []error
	for _, d := range s.Decls {
		if d.Builtin || !d.HasID {
			continue
		}
		if got := d.ComputedID(); !d.idMatches() {
			errs = append(errs, &IDMismatch{Name: d.Name, Err: &Error{File: s.File, Pos: d.Pos, Msg: fmt.Sprintf(
				"constructor id of %s is %08x but the CRC32 of %q is %08x", d.Name, d.ID, d.Normalized(), got)}})
		}
	}
	return errs
}
