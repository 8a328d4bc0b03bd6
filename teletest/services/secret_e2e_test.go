package services

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// secretEnd is one participant of a real secret chat: its account, key, role and sequence.
type secretEnd struct {
	acc  *account
	role secretchat.Role
	key  crypto.AuthKey
	seq  *secretchat.Seq
	chat tg.InputEncryptedChat
}

func newDH(t *testing.T, a *account, rnd io.Reader) *secretchat.DH {
	t.Helper()
	res, err := a.api.MessagesGetDHConfig(ctx(), &tg.MessagesGetDHConfigRequest{RandomLength: secretchat.RandomSize})
	if err != nil {
		t.Fatal(err)
	}
	cfg := res.(*tg.MessagesDHConfig)
	own := make([]byte, secretchat.RandomSize)
	if _, err := io.ReadFull(rnd, own); err != nil {
		t.Fatal(err)
	}
	dh, err := secretchat.NewDH(secretchat.DHParams{G: cfg.G, P: cfg.P, Random: cfg.Random}, own)
	if err != nil {
		t.Fatal(err)
	}
	return dh
}

// seal encrypts one decrypted message (or service message) from e.
func (e *secretEnd) seal(t *testing.T, msg e2e.DecryptedMessageClass, rnd io.Reader) []byte {
	t.Helper()
	in, out, err := e.seq.Next()
	if err != nil {
		t.Fatal(err)
	}
	layer, err := secretchat.EncodeLayer(nil, &e2e.DecryptedMessageLayer{
		RandomBytes: bytes.Repeat([]byte{7}, 15), Layer: secretchat.Layer, InSeqNo: in, OutSeqNo: out, Message: msg,
	})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := secretchat.Encrypt(nil, &e.key, e.role, layer, rnd)
	if err != nil {
		t.Fatal(err)
	}
	return payload
}

// open decrypts a message e received and checks its sequence numbers.
func (e *secretEnd) open(t *testing.T, m tg.EncryptedMessageClass) e2e.DecryptedMessageClass {
	t.Helper()
	var data []byte
	switch m := m.(type) {
	case *tg.EncryptedMessage:
		data = m.Bytes
	case *tg.EncryptedMessageService:
		data = m.Bytes
	}
	plain, err := secretchat.Decrypt(nil, &e.key, e.role.Other(), data)
	if err != nil {
		t.Fatalf("decrypt: %v", err)
	}
	layer, err := secretchat.DecodeLayer(plain)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := e.seq.Receive(layer.InSeqNo, layer.OutSeqNo); err != nil || st.String() != "ok" {
		t.Fatalf("seq: %v %v", st, err)
	}
	return layer.Message
}

// pushed returns the single update of the one push a got.
func pushed(t *testing.T, a *account) tg.UpdateClass {
	t.Helper()
	ups := a.updates()
	if len(ups) != 1 {
		t.Fatalf("account %d got %d pushes, want 1", a.id, len(ups))
	}
	switch u := ups[0].(type) {
	case *tg.Updates:
		return u.Updates[0]
	case *tg.UpdateShort:
		return u.Update
	}
	t.Fatalf("push %T", ups[0])
	return nil
}

// TestSecretChatEndToEnd runs a real secret chat through the relay with package secretchat:
// key exchange, text both ways, a file, a read mark, a missed push recovered with
// getDifference, and the end.
func TestSecretChatEndToEnd(t *testing.T) {
	h := newHarness(t)
	rnd := crypto.NewDeterministicReader(7)
	alice := h.named("Alice", "alice_e2e", "79990007031")
	bob := h.named("Bob", "bob_e2e", "79990007032")

	// Key exchange.
	aDH, bDH := newDH(t, alice, rnd), newDH(t, bob, rnd)
	u := bob.userAs(alice)
	waiting, err := alice.api.MessagesRequestEncryption(ctx(), &tg.MessagesRequestEncryptionRequest{
		UserID: &tg.InputUser{UserID: u.ID, AccessHash: u.AccessHash.Value}, RandomID: 42, GA: aDH.Public(),
	})
	if err != nil {
		t.Fatal(err)
	}
	w := waiting.(*tg.EncryptedChatWaiting)
	req := pushed(t, bob).(*tg.UpdateEncryption).Chat.(*tg.EncryptedChatRequested)
	bKey, err := bDH.Key(req.GA)
	if err != nil {
		t.Fatal(err)
	}
	bFP := secretchat.Fingerprint(&bKey)
	bChat := tg.InputEncryptedChat{ChatID: req.ID, AccessHash: req.AccessHash}
	if _, err := bob.api.MessagesAcceptEncryption(ctx(), &tg.MessagesAcceptEncryptionRequest{Peer: bChat, GB: bDH.Public(), KeyFingerprint: bFP}); err != nil {
		t.Fatal(err)
	}
	ready := pushed(t, alice).(*tg.UpdateEncryption).Chat.(*tg.EncryptedChat)
	aKey, err := aDH.Key(ready.GAOrB)
	if err != nil {
		t.Fatal(err)
	}
	if aKey.Value != bKey.Value || secretchat.Fingerprint(&aKey) != ready.KeyFingerprint {
		t.Fatalf("keys differ or fingerprint %x != %x", secretchat.Fingerprint(&aKey), ready.KeyFingerprint)
	}
	seqA, _ := secretchat.NewSeq(secretchat.Originator, secretchat.SeqState{})
	seqB, _ := secretchat.NewSeq(secretchat.Responder, secretchat.SeqState{})
	A := &secretEnd{acc: alice, role: secretchat.Originator, key: aKey, seq: seqA, chat: tg.InputEncryptedChat{ChatID: w.ID, AccessHash: w.AccessHash}}
	B := &secretEnd{acc: bob, role: secretchat.Responder, key: bKey, seq: seqB, chat: bChat}

	// Text both ways.
	text := func(from, to *secretEnd, randomID int64, s string) {
		t.Helper()
		payload := from.seal(t, &e2e.DecryptedMessage{RandomID: randomID, Message: s}, rnd)
		if _, err := from.acc.api.MessagesSendEncrypted(ctx(), &tg.MessagesSendEncryptedRequest{Peer: from.chat, RandomID: randomID, Data: payload}); err != nil {
			t.Fatal(err)
		}
		got := to.open(t, pushed(t, to.acc).(*tg.UpdateNewEncryptedMessage).Message)
		if d := cmp.Diff(&e2e.DecryptedMessage{RandomID: randomID, Message: s}, got); d != "" {
			t.Fatalf("decrypted (-want +got):\n%s", d)
		}
	}
	text(A, B, 1, "hi Bob")
	text(B, A, 2, "hi Alice")

	// A file: AES-256-IGE with its own key and iv, uploaded in parts, sent with the message.
	fileKey, fileIV := make([]byte, 32), make([]byte, 32)
	_, _ = io.ReadFull(rnd, fileKey)
	_, _ = io.ReadFull(rnd, fileIV)
	plainFile := bytes.Repeat([]byte("secret file "), 1000) // 12000 bytes
	padded := append(bytes.Clone(plainFile), make([]byte, 16-len(plainFile)%16)...)
	sealed := make([]byte, len(padded))
	if err := crypto.IGEEncrypt(sealed, padded, fileKey, bytes.Clone(fileIV)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i*4096 < len(sealed); i++ {
		part := sealed[i*4096 : min(len(sealed), (i+1)*4096)]
		if _, err := alice.api.UploadSaveFilePart(ctx(), &tg.UploadSaveFilePartRequest{FileID: 99, FilePart: int32(i), Bytes: part}); err != nil {
			t.Fatal(err)
		}
	}
	digest := md5.Sum(append(bytes.Clone(fileKey), fileIV...))
	fileFP := int32(binary.LittleEndian.Uint32(digest[:4]) ^ binary.LittleEndian.Uint32(digest[4:8]))
	media := &e2e.DecryptedMessageMediaDocument{MimeType: "text/plain", Size: int64(len(plainFile)), Key: fileKey, Iv: fileIV, Caption: "notes"}
	payload := A.seal(t, &e2e.DecryptedMessage{RandomID: 3, Media: media}, rnd)
	sentFile, err := alice.api.MessagesSendEncryptedFile(ctx(), &tg.MessagesSendEncryptedFileRequest{
		Peer: A.chat, RandomID: 3, Data: payload,
		File: &tg.InputEncryptedFileUploaded{ID: 99, Parts: int32((len(sealed) + 4095) / 4096), KeyFingerprint: fileFP},
	})
	if err != nil {
		t.Fatal(err)
	}
	msg := pushed(t, bob).(*tg.UpdateNewEncryptedMessage).Message.(*tg.EncryptedMessage)
	ef := msg.File.(*tg.EncryptedFile)
	if d := cmp.Diff(sentFile.(*tg.MessagesSentEncryptedFile).File, msg.File); d != "" || ef.KeyFingerprint != fileFP || ef.Size != int64(len(sealed)) {
		t.Fatalf("file (-sent +received):\n%s", d)
	}
	gotMedia := B.open(t, msg).(*e2e.DecryptedMessage).Media.(*e2e.DecryptedMessageMediaDocument)
	var down []byte
	for off := int64(0); off < ef.Size; off += 4096 {
		part, err := bob.api.UploadGetFile(ctx(), &tg.UploadGetFileRequest{
			Location: &tg.InputEncryptedFileLocation{ID: ef.ID, AccessHash: ef.AccessHash}, Offset: off, Limit: 4096,
		})
		if err != nil {
			t.Fatal(err)
		}
		down = append(down, part.(*tg.UploadFile).Bytes...)
	}
	opened := make([]byte, len(down))
	if err := crypto.IGEDecrypt(opened, down, gotMedia.Key, bytes.Clone(gotMedia.Iv)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(opened[:gotMedia.Size], plainFile) {
		t.Fatal("downloaded file does not decrypt to what was sent")
	}

	// Bob reads up to the file's date.
	if _, err := bob.api.MessagesReadEncryptedHistory(ctx(), &tg.MessagesReadEncryptedHistoryRequest{Peer: B.chat, MaxDate: msg.Date}); err != nil {
		t.Fatal(err)
	}
	if r := pushed(t, alice).(*tg.UpdateEncryptedMessagesRead); r.ChatID != w.ID || r.MaxDate != msg.Date {
		t.Fatalf("read = %+v", r)
	}

	// A push Bob misses comes back through getDifference in new_encrypted_messages.
	st, err := bob.api.UpdatesGetState(ctx(), &tg.UpdatesGetStateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	h.w.DropUpdates(bob.id, 1)
	missed := A.seal(t, &e2e.DecryptedMessage{RandomID: 4, Message: "did you get it?"}, rnd)
	if _, err := alice.api.MessagesSendEncrypted(ctx(), &tg.MessagesSendEncryptedRequest{Peer: A.chat, RandomID: 4, Data: missed}); err != nil {
		t.Fatal(err)
	}
	if ups := bob.updates(); len(ups) != 0 {
		t.Fatalf("dropped push arrived: %v", ups)
	}
	st2, err := bob.api.UpdatesGetState(ctx(), &tg.UpdatesGetStateRequest{})
	if err != nil || st2.Qts != st.Qts+1 {
		t.Fatalf("getState qts = %d, want %d (%v)", st2.Qts, st.Qts+1, err)
	}
	diff, err := bob.api.UpdatesGetDifference(ctx(), &tg.UpdatesGetDifferenceRequest{Pts: st.Pts, Date: st.Date, Qts: st.Qts})
	if err != nil {
		t.Fatal(err)
	}
	d := diff.(*tg.UpdatesDifference)
	if len(d.NewEncryptedMessages) != 1 || len(d.OtherUpdates) != 0 || d.State.Qts != st2.Qts {
		t.Fatalf("difference = %+v", d)
	}
	if got := B.open(t, d.NewEncryptedMessages[0]).(*e2e.DecryptedMessage); got.Message != "did you get it?" {
		t.Fatalf("recovered %q", got.Message)
	}

	// Alice ends the chat; Bob's side learns it and can no longer send.
	if _, err := alice.api.MessagesDiscardEncryption(ctx(), &tg.MessagesDiscardEncryptionRequest{ChatID: w.ID}); err != nil {
		t.Fatal(err)
	}
	if _, ok := pushed(t, bob).(*tg.UpdateEncryption).Chat.(*tg.EncryptedChatDiscarded); !ok {
		t.Fatal("bob was not told of the discard")
	}
	_, err = bob.api.MessagesSendEncrypted(ctx(), &tg.MessagesSendEncryptedRequest{Peer: B.chat, RandomID: 5, Data: B.seal(t, &e2e.DecryptedMessage{RandomID: 5, Message: "bye"}, rnd)})
	wantRPC(t, err, &RPCError{Code: 400, Message: "ENCRYPTION_DECLINED"})
}
