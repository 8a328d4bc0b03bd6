package crypto_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/mtgo-labs/mtgo/crypto"
)

// A client encrypts an inner message under the auth key, and the server, holding the same key,
// decrypts it. A flipped ciphertext bit makes decryption fail with ErrDecrypt and nothing more.
func ExampleEncryptMessage() {
	// In a real session the key comes from the key exchange and rnd is crypto/rand.Reader; a
	// deterministic reader keeps this example's output stable.
	rnd := crypto.NewDeterministicReader(1)
	var value [256]byte
	if _, err := io.ReadFull(rnd, value[:]); err != nil {
		panic(err)
	}
	key := crypto.NewAuthKey(value)

	// The inner message: salt, session_id, msg_id, seq_no, length, then the TL body.
	body := []byte("ping")
	inner := make([]byte, crypto.InnerHeaderSize, crypto.InnerHeaderSize+len(body))
	binary.LittleEndian.PutUint64(inner[0:], 0x1122334455667788)  // server salt
	binary.LittleEndian.PutUint64(inner[8:], 42)                  // session_id
	binary.LittleEndian.PutUint64(inner[16:], 0x6000000000000004) // msg_id
	binary.LittleEndian.PutUint32(inner[24:], 1)                  // seq_no
	binary.LittleEndian.PutUint32(inner[28:], uint32(len(body)))  // body length
	inner = append(inner, body...)

	packet, err := crypto.EncryptMessage(nil, &key, crypto.Client, inner, rnd)
	if err != nil {
		panic(err)
	}
	fmt.Println("packet size:", len(packet), "=", crypto.EncryptedSize(len(inner)))
	fmt.Println("starts with auth_key_id:", bytes.Equal(packet[:crypto.AuthKeyIDSize], key.ID[:]))

	// The server decrypts what the client sent.
	plain, err := crypto.DecryptMessage(nil, &key, crypto.Client, packet)
	if err != nil {
		panic(err)
	}
	fmt.Printf("body: %q\n", plain[crypto.InnerHeaderSize:])

	// Any change to the packet is rejected with one error that does not say which check failed.
	packet[len(packet)-1] ^= 1
	_, err = crypto.DecryptMessage(nil, &key, crypto.Client, packet)
	fmt.Println("tampered:", errors.Is(err, crypto.ErrDecrypt))

	// Output:
	// packet size: 72 = 72
	// starts with auth_key_id: true
	// body: "ping"
	// tampered: true
}

// AES-256-IGE with a 32-byte key and a 32-byte IV, over whole 16-byte blocks, encrypting and
// decrypting in place.
func ExampleIGEEncrypt() {
	key := bytes.Repeat([]byte{0x42}, 32)
	iv := bytes.Repeat([]byte{0x24}, 32)
	msg := []byte("sixteen byte blk and another one")

	buf := bytes.Clone(msg)
	if err := crypto.IGEEncrypt(buf, buf, key, iv); err != nil {
		panic(err)
	}
	fmt.Println("changed:", !bytes.Equal(buf, msg))

	if err := crypto.IGEDecrypt(buf, buf, key, iv); err != nil {
		panic(err)
	}
	fmt.Printf("round trip: %q\n", buf)

	// Lengths that are not a multiple of the block size are refused, not padded.
	err := crypto.IGEEncrypt(make([]byte, 15), make([]byte, 15), key, iv)
	fmt.Println("15 bytes:", err != nil)

	// Output:
	// changed: true
	// round trip: "sixteen byte blk and another one"
	// 15 bytes: true
}

// The key exchange's proof of work: split the pq the server sends in resPQ into its two primes.
// The number is the one from Telegram's published worked example.
func ExampleFactorize() {
	p, q, err := crypto.Factorize(0x17ED48941A08F981)
	if err != nil {
		panic(err)
	}
	fmt.Println(p, q)

	// A prime has no such split.
	_, _, err = crypto.Factorize(1000003)
	fmt.Println(errors.Is(err, crypto.ErrFactorize))

	// Output:
	// 1229739323 1402015859
	// true
}
