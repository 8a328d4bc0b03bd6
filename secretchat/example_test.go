package secretchat_test

import (
	"crypto/rand"
	"fmt"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/tl/e2e"
)

// Example runs both ends of a secret chat in one process: the DH step, then one message from
// the originator to the responder.
func Example() {
	// messages.getDhConfig's answer; each side mixes in its own 256 random bytes.
	params := secretchat.DHParams{G: 3, P: crypto.KnownDHPrime.Bytes()}
	random := func() []byte {
		b := make([]byte, secretchat.RandomSize)
		_, _ = rand.Read(b)
		return b
	}
	alice, err := secretchat.NewDH(params, random()) // sends alice.Public() as g_a
	if err != nil {
		panic(err)
	}
	bob, err := secretchat.NewDH(params, random())
	if err != nil {
		panic(err)
	}
	bobKey, err := bob.Key(alice.Public()) // sends bob.Public() as g_b with the fingerprint
	if err != nil {
		panic(err)
	}
	aliceKey, err := alice.Key(bob.Public())
	if err != nil {
		panic(err)
	}
	fmt.Println("fingerprints match:", secretchat.Fingerprint(&aliceKey) == secretchat.Fingerprint(&bobKey))

	// Alice sends her first message.
	aliceSeq, _ := secretchat.NewSeq(secretchat.Originator, secretchat.SeqState{})
	in, out, _ := aliceSeq.Next()
	layer, _ := secretchat.EncodeLayer(nil, &e2e.DecryptedMessageLayer{
		RandomBytes: random()[:15],
		Layer:       secretchat.Layer,
		InSeqNo:     in,
		OutSeqNo:    out,
		Message:     &e2e.DecryptedMessage{RandomID: 1, Message: "hi Bob"},
	})
	payload, err := secretchat.Encrypt(nil, &aliceKey, secretchat.Originator, layer, rand.Reader)
	if err != nil {
		panic(err)
	}

	// Bob decrypts it (payload is encryptedMessage.bytes) and checks its sequence numbers.
	plain, err := secretchat.Decrypt(nil, &bobKey, secretchat.Originator, payload)
	if err != nil {
		panic(err)
	}
	got, err := secretchat.DecodeLayer(plain)
	if err != nil {
		panic(err)
	}
	bobSeq, _ := secretchat.NewSeq(secretchat.Responder, secretchat.SeqState{})
	status, err := bobSeq.Receive(got.InSeqNo, got.OutSeqNo)
	fmt.Println(status, err, got.Message.(*e2e.DecryptedMessage).Message)
	// Output:
	// fingerprints match: true
	// ok <nil> hi Bob
}
