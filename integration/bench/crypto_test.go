package mtgobench

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/gotd/td/bin"
	gotdcrypto "github.com/gotd/td/internal/crypto"

	"github.com/mtgo-labs/mtgo/crypto"
)

// Side-by-side message crypto: MTGo's crypto.EncryptMessage / DecryptMessage against gotd's
// internal/crypto Cipher (Encrypt / DecryptFromBuffer) on the same keys and inner messages.
// Sizes are body bytes after the 32-byte inner header. Both sides read padding from the same
// kind of seeded ChaCha8 source. Numbers are recorded in crypto/README.md.

var cryptoSizes = []struct {
	name string
	n    int
}{
	{"64B", 64},
	{"1KiB", 1 << 10},
	{"16KiB", 16 << 10},
	{"512KiB", 512 << 10},
}

func chacha(seed byte) io.Reader {
	return rand.NewChaCha8([32]byte{seed})
}

func cryptoKeys(tb testing.TB) (crypto.AuthKey, gotdcrypto.AuthKey) {
	var v [256]byte
	if _, err := io.ReadFull(chacha(1), v[:]); err != nil {
		tb.Fatal(err)
	}
	ours := crypto.NewAuthKey(v)
	theirs := gotdcrypto.Key(v).WithID()
	if ours.ID != theirs.ID {
		tb.Fatalf("auth_key_id differs: %x vs %x", ours.ID, theirs.ID)
	}
	return ours, theirs
}

// innerData returns the same inner message in both representations.
func innerData(tb testing.TB, n int) ([]byte, gotdcrypto.EncryptedMessageData) {
	body := make([]byte, n)
	if _, err := io.ReadFull(chacha(2), body); err != nil {
		tb.Fatal(err)
	}
	d := gotdcrypto.EncryptedMessageData{
		Salt: 0x1122334455667788, SessionID: 0x0102030405060708, MessageID: 0x5e0b700a00000004,
		SeqNo: 3, MessageDataLen: int32(n), MessageDataWithPadding: body,
	}
	var b bin.Buffer
	if err := d.Encode(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Buf, d
}

// TestCryptoInteropWithGotd checks both directions and both sides: what one library encrypts,
// the other decrypts to the same inner message.
func TestCryptoInteropWithGotd(t *testing.T) {
	ours, theirs := cryptoKeys(t)
	for _, n := range []int{0, 4, 64, 1000, 4096} {
		plain, data := innerData(t, n)
		sides := []struct {
			from        crypto.Side
			enc, toRecv gotdcrypto.Cipher
		}{
			{crypto.Client, gotdcrypto.NewClientCipher(chacha(3)), gotdcrypto.NewServerCipher(chacha(3))},
			{crypto.Server, gotdcrypto.NewServerCipher(chacha(3)), gotdcrypto.NewClientCipher(chacha(3))},
		}
		for _, s := range sides {
			pkt, err := crypto.EncryptMessage(nil, &ours, s.from, plain, chacha(4))
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.toRecv.DecryptFromBuffer(theirs, &bin.Buffer{Buf: pkt})
			if err != nil {
				t.Fatalf("%v n=%d: gotd cannot decrypt MTGo's packet: %v", s.from, n, err)
			}
			if got.MessageID != data.MessageID || !bytes.Equal(got.Data(), data.MessageDataWithPadding) {
				t.Fatalf("%v n=%d: gotd decrypted a different message", s.from, n)
			}

			var b bin.Buffer
			if err := s.enc.Encrypt(theirs, data, &b); err != nil {
				t.Fatal(err)
			}
			mine, err := crypto.DecryptMessage(nil, &ours, s.from, b.Buf)
			if err != nil {
				t.Fatalf("%v n=%d: MTGo cannot decrypt gotd's packet: %v", s.from, n, err)
			}
			if !bytes.Equal(mine, plain) {
				t.Fatalf("%v n=%d: MTGo decrypted a different message", s.from, n)
			}
		}
	}
}

func BenchmarkCryptoMessage(b *testing.B) {
	ours, theirs := cryptoKeys(b)
	for _, sz := range cryptoSizes {
		plain, data := innerData(b, sz.n)
		b.Run("Encrypt/"+sz.name+"/mtgo", func(b *testing.B) {
			rnd := chacha(5)
			buf := make([]byte, 0, crypto.EncryptedSize(len(plain)))
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := crypto.EncryptMessage(buf, &ours, crypto.Client, plain, rnd); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("Encrypt/"+sz.name+"/gotd", func(b *testing.B) {
			c := gotdcrypto.NewClientCipher(chacha(5))
			var buf bin.Buffer
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				if err := c.Encrypt(theirs, data, &buf); err != nil {
					b.Fatal(err)
				}
			}
		})

		pkt, err := crypto.EncryptMessage(nil, &ours, crypto.Client, plain, chacha(6))
		if err != nil {
			b.Fatal(err)
		}
		b.Run("Decrypt/"+sz.name+"/mtgo", func(b *testing.B) {
			out := make([]byte, 0, len(pkt))
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := crypto.DecryptMessage(out, &ours, crypto.Client, pkt); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("Decrypt/"+sz.name+"/gotd", func(b *testing.B) {
			c := gotdcrypto.NewServerCipher(chacha(6))
			var buf bin.Buffer
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				buf.ResetTo(pkt)
				if _, err := c.DecryptFromBuffer(theirs, &buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
