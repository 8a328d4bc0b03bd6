package mtgobench

import (
	"bytes"
	cryptorand "crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/big"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/gotd/td/bin"
	gotdcrypto "github.com/gotd/td/internal/crypto"
	gotdsrp "github.com/gotd/td/internal/crypto/srp"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/crypto/srp"
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

// srpKAT mirrors crypto/srp/testdata/srp_kat.json (computed by that directory's Python script).
type srpKAT struct {
	Password string `json:"password_utf8"`
	Salt1    string `json:"salt1"`
	Salt2    string `json:"salt2"`
	G        int    `json:"g"`
	P        string `json:"p"`
	A        string `json:"a"`
	SrpB     string `json:"srp_B"`
	PubA     string `json:"A"`
	M1       string `json:"M1"`
}

func loadSRPKAT(tb testing.TB) (srpKAT, srp.Params) {
	data, err := os.ReadFile("../../crypto/srp/testdata/srp_kat.json")
	if err != nil {
		tb.Fatal(err)
	}
	var k srpKAT
	if err := json.Unmarshal(data, &k); err != nil {
		tb.Fatal(err)
	}
	return k, srp.Params{Salt1: mustHex(tb, k.Salt1), Salt2: mustHex(tb, k.Salt2), G: k.G, P: mustHex(tb, k.P)}
}

func mustHex(tb testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestSRPMatchesGotd gives gotd's SRP the known-answer secret a and expects the same (A, M1) as
// the Python vector MTGo is tested against, and checks that MTGo's server accepts gotd's proof.
func TestSRPMatchesGotd(t *testing.T) {
	k, par := loadSRPKAT(t)
	ans, err := gotdsrp.NewSRP(nil).Hash([]byte(k.Password), mustHex(t, k.SrpB), mustHex(t, k.A),
		gotdsrp.Input{Salt1: par.Salt1, Salt2: par.Salt2, G: par.G, P: par.P})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ans.A, mustHex(t, k.PubA)) || !bytes.Equal(ans.M1, mustHex(t, k.M1)) {
		t.Fatalf("gotd's (A, M1) differ from the known answer")
	}

	v, err := srp.Verifier([]byte("pw"), par)
	if err != nil {
		t.Fatal(err)
	}
	server, err := srp.NewServer(par, v, chacha(7))
	if err != nil {
		t.Fatal(err)
	}
	random := make([]byte, 256)
	if _, err := io.ReadFull(chacha(8), random); err != nil {
		t.Fatal(err)
	}
	theirs, err := gotdsrp.NewSRP(nil).Hash([]byte("pw"), server.B(), random,
		gotdsrp.Input{Salt1: par.Salt1, Salt2: par.Salt2, G: par.G, P: par.P})
	if err != nil {
		t.Fatal(err)
	}
	if err := server.Verify(srp.Answer{A: theirs.A, M1: theirs.M1}); err != nil {
		t.Fatalf("MTGo's SRP server rejects gotd's proof: %v", err)
	}
}

// TestRSAPadInteropWithGotd: each library decodes the other's RSA_PAD output.
func TestRSAPadInteropWithGotd(t *testing.T) {
	priv, err := rsa.GenerateKey(cryptorand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("p_q_inner_data stand-in, up to 144 bytes long")
	ours, err := crypto.RSAPad(chacha(9), &priv.PublicKey, data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := gotdcrypto.DecodeRSAPad(ours, priv)
	if err != nil {
		t.Fatalf("gotd cannot decode MTGo's RSA_PAD: %v", err)
	}
	if !bytes.HasPrefix(got, data) {
		t.Fatal("gotd decoded a different payload")
	}
	theirs, err := gotdcrypto.RSAPad(data, &priv.PublicKey, chacha(10))
	if err != nil {
		t.Fatal(err)
	}
	mine, err := crypto.RSAPadDecrypt(priv, theirs)
	if err != nil {
		t.Fatalf("MTGo cannot decode gotd's RSA_PAD: %v", err)
	}
	if !bytes.HasPrefix(mine, data) {
		t.Fatal("MTGo decoded a different payload")
	}
	for _, k := range crypto.TelegramKeys() {
		if f := gotdcrypto.RSAFingerprint(k.PublicKey); f != k.Fingerprint {
			t.Fatalf("fingerprint %x, gotd says %x", k.Fingerprint, f)
		}
	}
}

// TestBindMessageGotdKeys decrypts MTGo's bind_auth_key_inner envelope with gotd's MTProto 1.0
// key derivation (OldKeys), checking the SHA-1 KDF independently.
func TestBindMessageGotdKeys(t *testing.T) {
	ours, theirs := cryptoKeys(t)
	plain, _ := innerData(t, 40)
	enc, err := crypto.EncryptBindMessage(&ours, plain, chacha(11))
	if err != nil {
		t.Fatal(err)
	}
	key, iv := gotdcrypto.OldKeys(theirs.Value, bin.Int128(enc[8:24]), gotdcrypto.Client)
	out := make([]byte, len(enc)-24)
	if err := crypto.IGEDecrypt(out, enc[24:], key[:], iv[:]); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, plain) {
		t.Fatal("gotd's OldKeys do not decrypt MTGo's bind message")
	}
}

func BenchmarkCryptoFactorize(b *testing.B) {
	const pq = 0x17ED48941A08F981 // Telegram's sample
	b.Run("mtgo", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := crypto.Factorize(pq); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gotd", func(b *testing.B) {
		n := new(big.Int).SetUint64(pq)
		rnd := chacha(12)
		for b.Loop() {
			if _, _, err := gotdcrypto.DecomposePQ(n, rnd); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCryptoSRP(b *testing.B) {
	k, par := loadSRPKAT(b)
	srpB, a := mustHex(b, k.SrpB), mustHex(b, k.A)
	b.Run("mtgo", func(b *testing.B) {
		rnd := chacha(13)
		for b.Loop() {
			if _, err := srp.Check([]byte(k.Password), par, srpB, rnd); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gotd", func(b *testing.B) {
		in := gotdsrp.Input{Salt1: par.Salt1, Salt2: par.Salt2, G: par.G, P: par.P}
		for b.Loop() {
			if _, err := gotdsrp.NewSRP(nil).Hash([]byte(k.Password), srpB, a, in); err != nil {
				b.Fatal(err)
			}
		}
	})
}
