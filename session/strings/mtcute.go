package strings

import (
	"encoding/binary"
	"fmt"
)

// TL constants used by mtcute strings.
const (
	tlDCOption  = 0x18b7a10d
	tlBoolTrue  = 0x997275b5
	tlBoolFalse = 0xbc799737

	mtcuteSelf  = 1 << 0
	mtcuteTest  = 1 << 1
	mtcuteMedia = 1 << 2

	dcOptionIPv6   = 1 << 0
	dcOptionSecret = 1 << 10

	basicDCIPv6 = 1 << 0
	basicDCTest = 1 << 2
)

// tlReader is a bounds-checked little-endian TL cursor; the first failed read sticks in err.
// An error names offsets and lengths, never a value read: in a damaged string (a flag bit
// flipped on) the reader takes auth key bytes for the fields it announces.
type tlReader struct {
	b     []byte
	off   int
	err   error
	short bool // err came from running out of bytes
}

func (r *tlReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("at offset %d: %s", r.off, fmt.Sprintf(format, args...))
	}
}

func (r *tlReader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if len(r.b)-r.off < n {
		r.short = true
		r.fail("need %d bytes, %d left", n, len(r.b)-r.off)
		return nil
	}
	v := r.b[r.off : r.off+n]
	r.off += n
	return v
}

func (r *tlReader) uint32() uint32 {
	if v := r.take(4); v != nil {
		return binary.LittleEndian.Uint32(v)
	}
	return 0
}

func (r *tlReader) int64() int64 {
	if v := r.take(8); v != nil {
		return int64(binary.LittleEndian.Uint64(v))
	}
	return 0
}

// bytes reads a TL byte string: one length byte below 254, or 0xfe and three length bytes,
// then the data and zero padding to a multiple of four.
func (r *tlReader) bytes() []byte {
	head := r.take(1)
	if head == nil {
		return nil
	}
	n, hdr := int(head[0]), 1
	if n == 254 {
		l := r.take(3)
		if l == nil {
			return nil
		}
		n, hdr = int(l[0])|int(l[1])<<8|int(l[2])<<16, 4
	} else if n == 255 {
		r.fail("byte string length marker 0xff")
		return nil
	}
	v := r.take(n)
	r.take((4 - (hdr+n)%4) % 4)
	return v
}

func (r *tlReader) bool() bool {
	switch v := r.uint32(); v {
	case tlBoolTrue:
		return true
	case tlBoolFalse:
		return false
	default:
		r.fail("no bool constructor")
		return false
	}
}

// mtcuteDC is the part of a DC option the importer keeps.
type mtcuteDC struct {
	id   int
	host string
	port int
	test bool
}

// dcOption reads a TL dcOption object (mtcute versions 1 and 2).
func (r *tlReader) dcOption() mtcuteDC {
	if c := r.uint32(); r.err == nil && c != tlDCOption {
		r.fail("no dcOption constructor")
	}
	flags := r.uint32()
	dc := mtcuteDC{id: int(int32(r.uint32())), host: string(r.bytes()), port: int(int32(r.uint32()))}
	if flags&dcOptionSecret != 0 {
		r.bytes()
	}
	return dc
}

// basicDC reads mtcute's own DC serialisation wrapped in TL bytes (version 3).
func (r *tlReader) basicDC() mtcuteDC {
	inner := &tlReader{b: r.bytes()}
	if r.err != nil {
		return mtcuteDC{}
	}
	head := inner.take(3)
	if inner.err == nil && head[0] != 1 && head[0] != 2 {
		inner.fail("unknown dc option version")
	}
	dc := mtcuteDC{host: string(inner.bytes()), port: int(int32(inner.uint32()))}
	if inner.err != nil {
		r.fail("dc option: %v", inner.err)
		return mtcuteDC{}
	}
	dc.id = int(head[1])
	dc.test = head[0] == 2 && head[2]&basicDCTest != 0
	return dc
}

// parseMTCute decodes an mtcute string session payload.
func parseMTCute(p []byte) (Data, error) {
	if len(p) == 0 {
		return Data{}, formatError(FormatMTCute, ErrTruncated, "empty payload")
	}
	version := p[0]
	if version < 1 || version > 3 {
		return Data{}, formatError(FormatMTCute, ErrVersion, "version %d, want 1, 2 or 3", version)
	}
	r := &tlReader{b: p, off: 1}
	flags := r.uint32()
	readDC := r.dcOption
	if version == 3 {
		readDC = r.basicDC
	}
	dc := readDC()
	if version >= 2 && flags&mtcuteMedia != 0 {
		readDC() // the media DC: MTGo picks media DCs from the server's config
	}
	d := Data{Format: FormatMTCute, DC: dc.id, TestMode: dc.test || flags&mtcuteTest != 0}
	if flags&mtcuteSelf != 0 {
		d.UserID = r.int64()
		d.Bot = r.bool()
	}
	d.AuthKey = append([]byte(nil), r.bytes()...)
	if r.err != nil {
		sentinel := ErrMalformed
		if r.short {
			sentinel = ErrTruncated
		}
		return Data{}, formatError(FormatMTCute, sentinel, "%v", r.err)
	}
	if r.off != len(p) {
		return Data{}, formatError(FormatMTCute, ErrMalformed, "%d trailing bytes after the auth key", len(p)-r.off)
	}
	addr, err := joinAddr(FormatMTCute, dc.host, dc.port)
	if err != nil {
		return Data{}, err
	}
	d.Addr = addr
	if err := d.check(ErrMalformed); err != nil {
		return Data{}, err
	}
	return d, nil
}
