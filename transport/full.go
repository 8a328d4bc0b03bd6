package transport

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// full is the original TCP protocol: length (of the whole frame), sequence
// number, packet, CRC32 of everything before it. Each direction counts its
// own sequence numbers from zero; the reader checks both the number and the
// checksum. It has no tag, no quick ack and no obfuscated form.
type full struct {
	max     int
	sendSeq uint32
	recvSeq uint32
}

const fullOverhead = 12

func (c *full) Kind() Kind { return Full }

func (c *full) AppendFrame(dst, payload []byte, quickAck bool) ([]byte, error) {
	if quickAck {
		return dst, fmt.Errorf("transport: full: %w", ErrNoQuickAck)
	}
	if err := checkOutLen(len(payload), c.max, true); err != nil {
		return dst, err
	}
	start := len(dst)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(payload)+fullOverhead))
	dst = binary.LittleEndian.AppendUint32(dst, c.sendSeq)
	dst = append(dst, payload...)
	dst = binary.LittleEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[start:]))
	c.sendSeq++
	return dst, nil
}

func (c *full) AppendQuickAck(dst []byte, _ uint32) ([]byte, error) {
	return dst, fmt.Errorf("transport: full: %w", ErrNoQuickAck)
}

func (c *full) NextFrame(buf []byte) (Frame, int, error) {
	if len(buf) < 4 {
		return Frame{}, 4, ErrNeedMore
	}
	total := binary.LittleEndian.Uint32(buf)
	if total < fullOverhead || total%4 != 0 {
		return Frame{}, 0, fmt.Errorf("transport: full: declared frame of %d bytes: %w", total, ErrPacketLength)
	}
	if uint64(total-fullOverhead) > uint64(c.max) {
		return Frame{}, 0, fmt.Errorf("transport: full: declared %d bytes: %w", total-fullOverhead, ErrPacketTooLarge)
	}
	n := int(total)
	if len(buf) < n {
		return Frame{}, n, ErrNeedMore
	}
	want := binary.LittleEndian.Uint32(buf[n-4:])
	if got := crc32.ChecksumIEEE(buf[:n-4]); got != want {
		return Frame{}, 0, fmt.Errorf("transport: full: crc32 %08x, frame says %08x: %w", got, want, ErrChecksum)
	}
	if seq := binary.LittleEndian.Uint32(buf[4:]); seq != c.recvSeq {
		return Frame{}, 0, fmt.Errorf("transport: full: seqno %d, want %d: %w", seq, c.recvSeq, ErrSeqNo)
	}
	c.recvSeq++
	p := buf[8 : n-4 : n-4]
	if e, ok := errorCode(p); ok {
		return Frame{}, n, e
	}
	return Frame{Payload: p}, n, nil
}
