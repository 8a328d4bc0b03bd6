package transport

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var allKinds = []Kind{Abridged, Intermediate, PaddedIntermediate, Full}

// mtprotoPacket returns a packet of n bytes shaped like MTProto: for the
// padded codec, whose receiver trims padding by that shape, n must be 24+16k
// (encrypted) or at least 20 (unencrypted, plain=true).
func mtprotoPacket(rng *rand.Rand, n int, plain bool) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(rng.Uint32())
	}
	if plain {
		clear(p[:8])
		binary.LittleEndian.PutUint32(p[16:], uint32(n-20))
	} else if n >= 8 {
		p[0] |= 1 // non-zero auth key id
	} else if n == 4 {
		p[3] &= 0x7f // a negative word would be a transport error code
	}
	return p
}

// testSizes returns payload sizes valid for kind, 0..1 MiB.
func testSizes(kind Kind) []int {
	if kind == PaddedIntermediate {
		return []int{24, 40, 24 + 16*31, 24 + 16*32, 1048, 24 + 16*4096, 24 + 16*(1<<16-2)}
	}
	return []int{0, 4, 8, 500, 504, 508, 512, 1024, 4096, 65536, 1 << 20}
}

func newPair(t testing.TB, kind Kind, max int) (client, server Codec) {
	t.Helper()
	c, err := NewCodec(kind, CodecOptions{Side: SideClient, MaxPacket: max})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewCodec(kind, CodecOptions{Side: SideServer, MaxPacket: max})
	if err != nil {
		t.Fatal(err)
	}
	return c, s
}

// decodeAll feeds buf to c in chunks of chunk bytes, like a socket would,
// and returns every frame found.
func decodeAll(t *testing.T, c Codec, buf []byte, chunk int) []Frame {
	t.Helper()
	var frames []Frame
	var have []byte
	for off := 0; off < len(buf) || len(have) > 0; {
		if off < len(buf) {
			end := min(off+chunk, len(buf))
			have = append(have, buf[off:end]...)
			off = end
		}
		for len(have) > 0 {
			f, n, err := c.NextFrame(have)
			if errors.Is(err, ErrNeedMore) {
				if n <= len(have) {
					t.Fatalf("ErrNeedMore asks for %d bytes, %d held", n, len(have))
				}
				break
			}
			if err != nil {
				t.Fatalf("NextFrame: %v", err)
			}
			f.Payload = bytes.Clone(f.Payload)
			frames = append(frames, f)
			have = have[n:]
		}
		if off == len(buf) && len(have) > 0 {
			t.Fatalf("%d bytes left over", len(have))
		}
	}
	return frames
}

func TestCodecRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, kind := range allKinds {
		for _, dir := range []string{"client-to-server", "server-to-client"} {
			t.Run(kind.String()+"/"+dir, func(t *testing.T) {
				client, server := newPair(t, kind, 0)
				w := client
				if dir == "server-to-client" {
					w = server
				}
				var want []Frame
				var wire []byte
				for _, n := range testSizes(kind) {
					p := mtprotoPacket(rng, n, false)
					var err error
					wire, err = w.AppendFrame(wire, p, false)
					if err != nil {
						t.Fatalf("AppendFrame(%d): %v", n, err)
					}
					want = append(want, Frame{Payload: p})
				}
				if kind == PaddedIntermediate {
					p := mtprotoPacket(rng, 37*4, true)
					wire, _ = w.AppendFrame(wire, p, false)
					want = append(want, Frame{Payload: p})
				}
				for _, chunk := range []int{1 << 30, 4093, 1} {
					if chunk == 1 && len(wire) > 1<<16 {
						continue
					}
					// Fresh reader each time: the full codec counts sequence numbers.
					freshClient, fresh := newPair(t, kind, 0)
					if dir == "server-to-client" {
						fresh = freshClient
					}
					got := decodeAll(t, fresh, wire, chunk)
					if diff := cmp.Diff(want, got, cmp.Comparer(bytes.Equal)); diff != "" {
						t.Fatalf("chunk %d: frames differ (-want +got):\n%.2000s", chunk, diff)
					}
				}
			})
		}
	}
}

func TestCodecOddLengthsRejected(t *testing.T) {
	for _, kind := range allKinds {
		client, _ := newPair(t, kind, 0)
		for _, n := range []int{1, 2, 3, 5, 1023} {
			_, err := client.AppendFrame(nil, make([]byte, n), false)
			if !errors.Is(err, ErrPacketLength) {
				t.Errorf("%s: AppendFrame(%d bytes) = %v, want ErrPacketLength", kind, n, err)
			}
		}
	}
}

func TestCodecQuickAck(t *testing.T) {
	for _, kind := range []Kind{Abridged, Intermediate, PaddedIntermediate} {
		t.Run(kind.String(), func(t *testing.T) {
			client, server := newPair(t, kind, 0)
			p := mtprotoPacket(rand.New(rand.NewPCG(3, 4)), 24+16*40, false)
			wire, err := client.AppendFrame(nil, p, true)
			if err != nil {
				t.Fatal(err)
			}
			f, n, err := server.NextFrame(wire)
			if err != nil || n != len(wire) || !f.QuickAck || !bytes.Equal(f.Payload, p) {
				t.Fatalf("server read: quickAck=%v n=%d/%d err=%v", f.QuickAck, n, len(wire), err)
			}
			ack, err := server.AppendQuickAck(nil, 0x1234abcd|1<<31)
			if err != nil {
				t.Fatal(err)
			}
			if len(ack) != 4 {
				t.Fatalf("quick ack reply is %d bytes", len(ack))
			}
			f, n, err = client.NextFrame(ack)
			want := Frame{IsAck: true, Token: 0x1234abcd}
			if err != nil || n != 4 {
				t.Fatalf("client read ack: n=%d err=%v", n, err)
			}
			if diff := cmp.Diff(want, f); diff != "" {
				t.Fatalf("ack frame (-want +got):\n%s", diff)
			}
			if _, err := client.AppendQuickAck(nil, 1); !errors.Is(err, ErrNoQuickAck) {
				t.Errorf("client AppendQuickAck = %v, want ErrNoQuickAck", err)
			}
			if _, err := server.AppendFrame(nil, p, true); !errors.Is(err, ErrNoQuickAck) {
				t.Errorf("server quick ack request = %v, want ErrNoQuickAck", err)
			}
		})
	}
	full, _ := newPair(t, Full, 0)
	if _, err := full.AppendFrame(nil, nil, true); !errors.Is(err, ErrNoQuickAck) {
		t.Errorf("full quick ack = %v, want ErrNoQuickAck", err)
	}
}

func TestCodecProtocolError(t *testing.T) {
	for _, kind := range allKinds {
		for _, code := range []int32{-404, -429, -444} {
			client, server := newPair(t, kind, 0)
			wire, err := server.AppendFrame(nil, binary.LittleEndian.AppendUint32(nil, uint32(code)), false)
			if err != nil {
				t.Fatal(err)
			}
			_, n, err := client.NextFrame(wire)
			var pe *ProtocolError
			if !errors.As(err, &pe) || pe.Code != code || n != len(wire) {
				t.Errorf("%s: code %d read as n=%d err=%v", kind, code, n, err)
			}
		}
	}
}

func TestCodecLimits(t *testing.T) {
	const max = 1024
	tests := []struct {
		kind Kind
		wire []byte
		want error
	}{
		{Abridged, []byte{0x7f, 0x01, 0x01, 0x00}, ErrPacketTooLarge},
		{Abridged, []byte{0x7f, 0xff, 0xff, 0xff}, ErrPacketTooLarge},
		{Intermediate, binary.LittleEndian.AppendUint32(nil, max+4), ErrPacketTooLarge},
		{Intermediate, binary.LittleEndian.AppendUint32(nil, 0x7fffffff), ErrPacketTooLarge},
		{Intermediate, binary.LittleEndian.AppendUint32(nil, 6), ErrPacketLength},
		{PaddedIntermediate, binary.LittleEndian.AppendUint32(nil, max+1), ErrPacketTooLarge},
		{Full, binary.LittleEndian.AppendUint32(nil, max+16), ErrPacketTooLarge},
		{Full, binary.LittleEndian.AppendUint32(nil, 14), ErrPacketLength},
		{Full, binary.LittleEndian.AppendUint32(nil, 8), ErrPacketLength},
	}
	for _, tt := range tests {
		_, server := newPair(t, tt.kind, max)
		f, n, err := server.NextFrame(tt.wire)
		if !errors.Is(err, tt.want) || n != 0 || f.Payload != nil {
			t.Errorf("%s %x: n=%d err=%v, want %v", tt.kind, tt.wire, n, err, tt.want)
		}
	}
	for _, kind := range allKinds {
		client, _ := newPair(t, kind, max)
		if _, err := client.AppendFrame(nil, make([]byte, max+4), false); !errors.Is(err, ErrPacketTooLarge) {
			t.Errorf("%s: write past max = %v", kind, err)
		}
	}
}

// No strict prefix of a valid frame decodes.
func TestCodecPrefixNeedsMore(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, kind := range allKinds {
		client, _ := newPair(t, kind, 0)
		wire, err := client.AppendFrame(nil, mtprotoPacket(rng, 24+16*10, false), false)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(wire); i++ {
			_, server := newPair(t, kind, 0)
			if _, n, err := server.NextFrame(wire[:i]); !errors.Is(err, ErrNeedMore) || n <= i {
				t.Fatalf("%s prefix %d/%d: n=%d err=%v", kind, i, len(wire), n, err)
			}
		}
	}
}

func TestFullChecks(t *testing.T) {
	client, _ := newPair(t, Full, 0)
	a, _ := client.AppendFrame(nil, []byte{1, 2, 3, 4}, false)
	b, _ := client.AppendFrame(nil, []byte{5, 6, 7, 8}, false)

	_, server := newPair(t, Full, 0)
	if _, _, err := server.NextFrame(b); !errors.Is(err, ErrSeqNo) {
		t.Errorf("out of order frame: %v, want ErrSeqNo", err)
	}
	bad := bytes.Clone(a)
	bad[9] ^= 1
	_, server = newPair(t, Full, 0)
	if _, _, err := server.NextFrame(bad); !errors.Is(err, ErrChecksum) {
		t.Errorf("corrupted frame: %v, want ErrChecksum", err)
	}
}

func TestTrimPadding(t *testing.T) {
	enc := append([]byte{1, 0, 0, 0, 0, 0, 0, 0}, make([]byte, 16+32)...)
	plain := binary.LittleEndian.AppendUint32(make([]byte, 16), 8)
	plain = append(plain, 1, 2, 3, 4, 5, 6, 7, 8)
	code := binary.LittleEndian.AppendUint32(nil, uint32(0xfffffe6c))
	for pad := 0; pad < 16; pad++ {
		for _, p := range [][]byte{enc, plain, code} {
			in := append(bytes.Clone(p), make([]byte, pad)...)
			if got := trimPadding(in); !bytes.Equal(got, p) {
				t.Errorf("trim(%d bytes + %d padding) = %d bytes", len(p), pad, len(got))
			}
		}
	}
}

func FuzzNextFrame(f *testing.F) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, kind := range allKinds {
		for _, side := range []Side{SideClient, SideServer} {
			c, _ := NewCodec(kind, CodecOptions{Side: side})
			seed, _ := c.AppendFrame(nil, mtprotoPacket(rng, 24+16*3, false), false)
			f.Add(uint8(kind), uint8(side), seed)
		}
	}
	f.Add(uint8(Abridged), uint8(SideClient), []byte{0x7f, 0xff, 0xff, 0xff})
	f.Add(uint8(Intermediate), uint8(SideServer), []byte{0xff, 0xff, 0xff, 0x7f, 0, 0})
	f.Add(uint8(Full), uint8(SideServer), []byte{12, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4})
	const max = 4096
	f.Fuzz(func(t *testing.T, kind, side uint8, data []byte) {
		c, err := NewCodec(Kind(kind%4), CodecOptions{Side: Side(side % 2), MaxPacket: max})
		if err != nil {
			t.Fatal(err)
		}
		for len(data) > 0 {
			fr, n, err := c.NextFrame(data)
			if errors.Is(err, ErrNeedMore) {
				if n <= len(data) || n > max+32 {
					t.Fatalf("ErrNeedMore with n=%d for %d bytes", n, len(data))
				}
				return
			}
			var pe *ProtocolError
			if err != nil && !errors.As(err, &pe) {
				return
			}
			if n <= 0 || n > len(data) || len(fr.Payload) > max {
				t.Fatalf("frame n=%d payload=%d of %d bytes", n, len(fr.Payload), len(data))
			}
			data = data[n:]
		}
	})
}

// A MaxPacket larger than a codec's length field can express must not let a write through
// with a wrapped length (abridged counts 24 bits of words, intermediate 31 bits of bytes).
func TestMaxPacketCappedByLengthField(t *testing.T) {
	if strconv.IntSize < 64 {
		t.Skip("needs 64-bit ints")
	}
	big := int64(1) << 31
	tests := []struct {
		kind Kind
		n    int
	}{
		{Abridged, 1 << 26},
		{Intermediate, int(big)},
		{PaddedIntermediate, int(big)},
	}
	for _, tt := range tests {
		c, err := NewCodec(tt.kind, CodecOptions{Side: SideClient, MaxPacket: math.MaxInt})
		if err != nil {
			t.Fatal(err)
		}
		hdr, err := c.(splitter).appendHeader(nil, tt.n, false)
		if !errors.Is(err, ErrPacketTooLarge) {
			t.Errorf("%s: %d-byte packet gave header %x, %v; want ErrPacketTooLarge", tt.kind, tt.n, hdr, err)
		}
	}
}
