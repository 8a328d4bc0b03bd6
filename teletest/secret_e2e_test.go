package teletest

import (
	"crypto/rand"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestSecretChatOverTheWire runs a secret chat between two people over real MTProto
// connections: the key exchange and one message each way, decrypted by package secretchat.
// The relay's details are in services/secret_e2e_test.go.
func TestSecretChatOverTheWire(t *testing.T) {
	s := NewScenario(t, Config{Key: testKey(t)})
	alice, bob := s.User("alice"), s.User("bob")
	ctx := s.ctx()

	newDH := func(a *Actor) *secretchat.DH {
		t.Helper()
		res, err := a.API().MessagesGetDHConfig(ctx, &tg.MessagesGetDHConfigRequest{RandomLength: secretchat.RandomSize})
		if err != nil {
			t.Fatal(err)
		}
		cfg := res.(*tg.MessagesDHConfig)
		own := make([]byte, secretchat.RandomSize)
		_, _ = rand.Read(own)
		dh, err := secretchat.NewDH(secretchat.DHParams{G: cfg.G, P: cfg.P, Random: cfg.Random}, own)
		if err != nil {
			t.Fatal(err)
		}
		return dh
	}
	aDH, bDH := newDH(alice), newDH(bob)
	peer := alice.Input(bob).(*tg.InputPeerUser)
	res, err := alice.API().MessagesRequestEncryption(ctx, &tg.MessagesRequestEncryptionRequest{
		UserID: &tg.InputUser{UserID: peer.UserID, AccessHash: peer.AccessHash}, RandomID: 1, GA: aDH.Public(),
	})
	if err != nil {
		t.Fatal(err)
	}
	waiting := res.(*tg.EncryptedChatWaiting)
	req := ExpectUpdate[*tg.UpdateEncryption](bob).Chat.(*tg.EncryptedChatRequested)
	bKey, err := bDH.Key(req.GA)
	if err != nil {
		t.Fatal(err)
	}
	bChat := tg.InputEncryptedChat{ChatID: req.ID, AccessHash: req.AccessHash}
	if _, err := bob.API().MessagesAcceptEncryption(ctx, &tg.MessagesAcceptEncryptionRequest{
		Peer: bChat, GB: bDH.Public(), KeyFingerprint: secretchat.Fingerprint(&bKey),
	}); err != nil {
		t.Fatal(err)
	}
	ready := ExpectUpdate[*tg.UpdateEncryption](alice).Chat.(*tg.EncryptedChat)
	aKey, err := aDH.Key(ready.GAOrB)
	if err != nil {
		t.Fatal(err)
	}
	if secretchat.Fingerprint(&aKey) != ready.KeyFingerprint {
		t.Fatalf("fingerprint %x, the acceptor's %x", secretchat.Fingerprint(&aKey), ready.KeyFingerprint)
	}
	aChat := tg.InputEncryptedChat{ChatID: waiting.ID, AccessHash: waiting.AccessHash}

	say := func(from, to *Actor, chat tg.InputEncryptedChat, key, peerKey *crypto.AuthKey, role secretchat.Role, randomID int64, text string) {
		t.Helper()
		// Sequence numbers are the clients' business (checked in services/secret_e2e_test.go).
		layer, err := secretchat.EncodeLayer(nil, &e2e.DecryptedMessageLayer{
			RandomBytes: make([]byte, 15), Layer: secretchat.Layer,
			Message: &e2e.DecryptedMessage{RandomID: randomID, Message: text},
		})
		if err != nil {
			t.Fatal(err)
		}
		payload, err := secretchat.Encrypt(nil, key, role, layer, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := from.API().MessagesSendEncrypted(ctx, &tg.MessagesSendEncryptedRequest{Peer: chat, RandomID: randomID, Data: payload}); err != nil {
			t.Fatal(err)
		}
		got := ExpectUpdate[*tg.UpdateNewEncryptedMessage](to).Message.(*tg.EncryptedMessage)
		plain, err := secretchat.Decrypt(nil, peerKey, role, got.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		m, err := secretchat.DecodeLayer(plain)
		if err != nil {
			t.Fatal(err)
		}
		if m.Message.(*e2e.DecryptedMessage).Message != text {
			t.Fatalf("received %q, want %q", m.Message.(*e2e.DecryptedMessage).Message, text)
		}
	}
	say(alice, bob, aChat, &aKey, &bKey, secretchat.Originator, 1, "hi Bob")
	say(bob, alice, bChat, &bKey, &aKey, secretchat.Responder, 2, "hi Alice")

	if _, err := bob.API().MessagesDiscardEncryption(ctx, &tg.MessagesDiscardEncryptionRequest{ChatID: req.ID}); err != nil {
		t.Fatal(err)
	}
	if _, ok := ExpectUpdate[*tg.UpdateEncryption](alice).Chat.(*tg.EncryptedChatDiscarded); !ok {
		t.Fatal("alice was not told of the discard")
	}
}
