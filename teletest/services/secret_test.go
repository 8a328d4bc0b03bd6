package services

import (
	"bytes"
	"crypto/sha256"
	"math/big"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// dhPublic returns g^x mod p for an exponent derived from seed: a valid g_a or g_b for the
// relay tests, which never need the key itself.
func dhPublic(seed byte) []byte {
	var exp []byte
	for i := byte(0); len(exp) < 256; i++ {
		s := sha256.Sum256([]byte{seed, i})
		exp = append(exp, s[:]...)
	}
	x := new(big.Int).Exp(big.NewInt(world.DHConfigG), new(big.Int).SetBytes(exp), crypto.KnownDHPrime)
	return x.FillBytes(make([]byte, 256))
}

// fakePayload is an encrypted payload of the right shape (fingerprint, msg_key, blocks).
func fakePayload(fill byte, blocks int) []byte {
	return bytes.Repeat([]byte{fill}, 24+16*blocks)
}

// secretPair is a requested (and, with accept, accepted) chat between a and b.
type secretPair struct {
	a, b   *account
	aChat  tg.InputEncryptedChat // as a addresses it
	bChat  tg.InputEncryptedChat // as b addresses it
	chatID int32
}

func (h *harness) requestSecret(a, b *account, randomID int32) *secretPair {
	h.t.Helper()
	u := b.userAs(a)
	res, err := a.api.MessagesRequestEncryption(ctx(), &tg.MessagesRequestEncryptionRequest{
		UserID: &tg.InputUser{UserID: u.ID, AccessHash: u.AccessHash.Value}, RandomID: randomID, GA: dhPublic(1),
	})
	if err != nil {
		h.t.Fatalf("requestEncryption: %v", err)
	}
	w, ok := res.(*tg.EncryptedChatWaiting)
	if !ok {
		h.t.Fatalf("requestEncryption = %T, want encryptedChatWaiting", res)
	}
	var req *tg.EncryptedChatRequested
	for _, up := range b.updates() {
		for _, x := range up.(*tg.Updates).Updates {
			if e, ok := x.(*tg.UpdateEncryption); ok {
				req, _ = e.Chat.(*tg.EncryptedChatRequested)
			}
		}
	}
	if req == nil || req.ID != w.ID {
		h.t.Fatalf("participant got no encryptedChatRequested for chat %d (%v)", w.ID, req)
	}
	return &secretPair{
		a: a, b: b, chatID: w.ID,
		aChat: tg.InputEncryptedChat{ChatID: w.ID, AccessHash: w.AccessHash},
		bChat: tg.InputEncryptedChat{ChatID: req.ID, AccessHash: req.AccessHash},
	}
}

func (p *secretPair) accept(t testing.TB) {
	t.Helper()
	if _, err := p.b.api.MessagesAcceptEncryption(ctx(), &tg.MessagesAcceptEncryptionRequest{Peer: p.bChat, GB: dhPublic(2), KeyFingerprint: 77}); err != nil {
		t.Fatalf("acceptEncryption: %v", err)
	}
	p.a.updates()
}

func TestSecretDHConfig(t *testing.T) {
	h := newHarness(t)
	alice := h.user("Alice", "79990007001")
	bot := h.bot("dh_bot")

	got, err := alice.api.MessagesGetDHConfig(ctx(), &tg.MessagesGetDHConfigRequest{RandomLength: 256})
	if err != nil {
		t.Fatal(err)
	}
	cfg, ok := got.(*tg.MessagesDHConfig)
	if !ok || cfg.G != 3 || cfg.Version != world.DHConfigVersion || !bytes.Equal(cfg.P, crypto.KnownDHPrime.Bytes()) || len(cfg.Random) != 256 {
		t.Fatalf("getDhConfig = %+v", got)
	}
	if err := crypto.CheckDHGroup(int(cfg.G), new(big.Int).SetBytes(cfg.P)); err != nil {
		t.Fatalf("g=%d does not fit p: %v", cfg.G, err)
	}
	again, err := alice.api.MessagesGetDHConfig(ctx(), &tg.MessagesGetDHConfigRequest{Version: cfg.Version, RandomLength: 16})
	if err != nil {
		t.Fatal(err)
	}
	if nm, ok := again.(*tg.MessagesDHConfigNotModified); !ok || len(nm.Random) != 16 || bytes.Equal(nm.Random, cfg.Random[:16]) {
		t.Fatalf("getDhConfig(version) = %+v, want fresh dhConfigNotModified", again)
	}

	for _, tc := range []struct {
		name string
		as   *account
		n    int32
		want *RPCError
	}{
		{"negative length", alice, -1, world.ErrRandomLengthInvalid},
		{"too long", alice, world.MaxDHRandomLength + 1, world.ErrRandomLengthInvalid},
		{"bot", bot, 256, world.ErrBotMethodInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.as.api.MessagesGetDHConfig(ctx(), &tg.MessagesGetDHConfigRequest{RandomLength: tc.n})
			wantRPC(t, err, tc.want)
		})
	}
}

func TestSecretRelay(t *testing.T) {
	h := newHarness(t)
	alice := h.named("Alice", "alice_s", "79990007011")
	bob := h.named("Bob", "bob_s", "79990007012")
	p := h.requestSecret(alice, bob, 1)

	// The same random_id answers the same chat and asks nobody again.
	again, err := alice.api.MessagesRequestEncryption(ctx(), &tg.MessagesRequestEncryptionRequest{
		UserID: &tg.InputUser{UserID: bob.id, AccessHash: bob.userAs(alice).AccessHash.Value}, RandomID: 1, GA: dhPublic(1),
	})
	if err != nil || again.(*tg.EncryptedChatWaiting).ID != p.chatID {
		t.Fatalf("repeated request = %v, %v", again, err)
	}
	if ups := bob.updates(); len(ups) != 0 {
		t.Fatalf("repeated request pushed %v", ups)
	}

	res, err := bob.api.MessagesAcceptEncryption(ctx(), &tg.MessagesAcceptEncryptionRequest{Peer: p.bChat, GB: dhPublic(2), KeyFingerprint: 77})
	if err != nil {
		t.Fatal(err)
	}
	want := &tg.EncryptedChat{
		ID: p.chatID, AccessHash: p.bChat.AccessHash, Date: res.(*tg.EncryptedChat).Date,
		AdminID: alice.id, ParticipantID: bob.id, GAOrB: dhPublic(1), KeyFingerprint: 77,
	}
	if d := cmp.Diff(want, res); d != "" {
		t.Fatalf("acceptEncryption (-want +got):\n%s", d)
	}
	ups := alice.updates()
	if len(ups) != 1 {
		t.Fatalf("requester got %d pushes, want 1", len(ups))
	}
	enc := ups[0].(*tg.Updates).Updates[0].(*tg.UpdateEncryption).Chat
	want.AccessHash, want.GAOrB = p.aChat.AccessHash, dhPublic(2)
	if d := cmp.Diff(want, enc); d != "" {
		t.Fatalf("requester's encryptedChat (-want +got):\n%s", d)
	}

	// Text both ways, each numbered with the receiver's qts.
	st0, err := bob.api.UpdatesGetState(ctx(), &tg.UpdatesGetStateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	res2, err := alice.api.MessagesSendEncrypted(ctx(), &tg.MessagesSendEncryptedRequest{Peer: p.aChat, RandomID: 10, Data: fakePayload(1, 2)})
	if err != nil {
		t.Fatal(err)
	}
	sent := res2.(*tg.MessagesSentEncryptedMessage)
	got := bob.updates()
	if len(got) != 1 {
		t.Fatalf("receiver got %d pushes", len(got))
	}
	nm := got[0].(*tg.Updates).Updates[0].(*tg.UpdateNewEncryptedMessage)
	wantMsg := &tg.EncryptedMessage{RandomID: 10, ChatID: p.chatID, Date: sent.Date, Bytes: fakePayload(1, 2), File: &tg.EncryptedFileEmpty{}}
	if d := cmp.Diff(wantMsg, nm.Message); d != "" || nm.Qts != st0.Qts+1 {
		t.Fatalf("qts %d (want %d), message (-want +got):\n%s", nm.Qts, st0.Qts+1, d)
	}
	// A retried send is answered again and not delivered twice.
	if again, err := alice.api.MessagesSendEncrypted(ctx(), &tg.MessagesSendEncryptedRequest{Peer: p.aChat, RandomID: 10, Data: fakePayload(1, 2)}); err != nil || again.(*tg.MessagesSentEncryptedMessage).Date != sent.Date {
		t.Fatalf("retried send = %v, %v", again, err)
	}
	if ups := bob.updates(); len(ups) != 0 {
		t.Fatalf("retried send pushed %v", ups)
	}
	if _, err := bob.api.MessagesSendEncryptedService(ctx(), &tg.MessagesSendEncryptedServiceRequest{Peer: p.bChat, RandomID: 11, Data: fakePayload(2, 2)}); err != nil {
		t.Fatal(err)
	}
	svc := alice.updates()[0].(*tg.Updates).Updates[0].(*tg.UpdateNewEncryptedMessage)
	if _, ok := svc.Message.(*tg.EncryptedMessageService); !ok {
		t.Fatalf("service message = %T", svc.Message)
	}

	// Read marks and typing are signals without qts.
	if _, err := bob.api.MessagesReadEncryptedHistory(ctx(), &tg.MessagesReadEncryptedHistoryRequest{Peer: p.bChat, MaxDate: sent.Date}); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.api.MessagesSetEncryptedTyping(ctx(), &tg.MessagesSetEncryptedTypingRequest{Peer: p.bChat, Typing: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.api.MessagesSetEncryptedTyping(ctx(), &tg.MessagesSetEncryptedTypingRequest{Peer: p.bChat}); err != nil {
		t.Fatal(err)
	}
	var signals []tg.UpdateClass
	for _, u := range alice.updates() {
		signals = append(signals, u.(*tg.UpdateShort).Update)
	}
	wantSignals := []tg.UpdateClass{
		&tg.UpdateEncryptedMessagesRead{ChatID: p.chatID, MaxDate: sent.Date, Date: signals[0].(*tg.UpdateEncryptedMessagesRead).Date},
		&tg.UpdateEncryptedChatTyping{ChatID: p.chatID},
	}
	if d := cmp.Diff(wantSignals, signals); d != "" {
		t.Fatalf("signals (-want +got):\n%s", d)
	}

	// receivedQueue confirms up to max_qts once.
	ids, err := bob.api.MessagesReceivedQueue(ctx(), &tg.MessagesReceivedQueueRequest{MaxQts: nm.Qts})
	if err != nil || !cmp.Equal(ids, []int64{10}) {
		t.Fatalf("receivedQueue = %v, %v", ids, err)
	}
	if ids, err := bob.api.MessagesReceivedQueue(ctx(), &tg.MessagesReceivedQueueRequest{MaxQts: nm.Qts}); err != nil || len(ids) != 0 {
		t.Fatalf("receivedQueue again = %v, %v", ids, err)
	}

	if ok, err := bob.api.MessagesReportEncryptedSpam(ctx(), &tg.MessagesReportEncryptedSpamRequest{Peer: p.bChat}); err != nil || !ok {
		t.Fatalf("reportEncryptedSpam = %v, %v", ok, err)
	}

	// Discarding reaches the other side; the caller's answer is enough for itself.
	if _, err := alice.api.MessagesDiscardEncryption(ctx(), &tg.MessagesDiscardEncryptionRequest{ChatID: p.chatID, DeleteHistory: true}); err != nil {
		t.Fatal(err)
	}
	disc := bob.updates()[0].(*tg.Updates).Updates[0].(*tg.UpdateEncryption).Chat
	if d := cmp.Diff(&tg.EncryptedChatDiscarded{ID: p.chatID, HistoryDeleted: true}, disc); d != "" {
		t.Fatalf("discard push (-want +got):\n%s", d)
	}
	if ups := alice.updates(); len(ups) != 0 {
		t.Fatalf("discarding session got %v", ups)
	}
}

func TestSecretErrors(t *testing.T) {
	h := newHarness(t)
	alice := h.named("Alice", "alice_e", "79990007021")
	bob := h.named("Bob", "bob_e", "79990007022")
	carol := h.named("Carol", "carol_e", "79990007023")
	bot := h.bot("secret_bot")

	ready := h.requestSecret(alice, bob, 1)
	ready.accept(t)
	waiting := h.requestSecret(alice, bob, 2)
	gone := h.requestSecret(alice, bob, 3)
	if _, err := bob.api.MessagesDiscardEncryption(ctx(), &tg.MessagesDiscardEncryptionRequest{ChatID: gone.chatID}); err != nil {
		t.Fatal(err)
	}
	alice.updates()
	if _, err := carol.api.ContactsBlock(ctx(), &tg.ContactsBlockRequest{ID: carol.peerOf(alice)}); err != nil {
		t.Fatal(err)
	}

	inUser := func(from, to *account) tg.InputUserClass {
		if to.info.Username == "" {
			return &tg.InputUser{UserID: to.id}
		}
		u := to.userAs(from)
		return &tg.InputUser{UserID: u.ID, AccessHash: u.AccessHash.Value}
	}
	tooSmall := make([]byte, 256)
	tooSmall[255] = 2
	wrongHash := ready.bChat
	wrongHash.AccessHash++

	for _, tc := range []struct {
		name string
		call func() error
		want *RPCError
	}{
		{"request short g_a", func() error {
			_, err := alice.api.MessagesRequestEncryption(ctx(), &tg.MessagesRequestEncryptionRequest{UserID: inUser(alice, bob), RandomID: 9, GA: dhPublic(1)[:255]})
			return err
		}, world.ErrDHGAInvalid},
		{"request unsafe g_a", func() error {
			_, err := alice.api.MessagesRequestEncryption(ctx(), &tg.MessagesRequestEncryptionRequest{UserID: inUser(alice, bob), RandomID: 9, GA: tooSmall})
			return err
		}, world.ErrDHGAInvalid},
		{"request to a bot", func() error {
			_, err := alice.api.MessagesRequestEncryption(ctx(), &tg.MessagesRequestEncryptionRequest{UserID: inUser(alice, bot), RandomID: 9, GA: dhPublic(1)})
			return err
		}, world.ErrUserIDInvalid},
		{"request to self", func() error {
			_, err := alice.api.MessagesRequestEncryption(ctx(), &tg.MessagesRequestEncryptionRequest{UserID: &tg.InputUserSelf{}, RandomID: 9, GA: dhPublic(1)})
			return err
		}, world.ErrUserIDInvalid},
		{"request by a bot", func() error {
			_, err := bot.api.MessagesRequestEncryption(ctx(), &tg.MessagesRequestEncryptionRequest{UserID: inUser(bot, alice), RandomID: 9, GA: dhPublic(1)})
			return err
		}, world.ErrBotMethodInvalid},
		{"request to a user who blocked you", func() error {
			_, err := alice.api.MessagesRequestEncryption(ctx(), &tg.MessagesRequestEncryptionRequest{UserID: inUser(alice, carol), RandomID: 9, GA: dhPublic(1)})
			return err
		}, world.ErrUserIsBlocked},
		{"accept own request", func() error {
			_, err := alice.api.MessagesAcceptEncryption(ctx(), &tg.MessagesAcceptEncryptionRequest{Peer: waiting.aChat, GB: dhPublic(2)})
			return err
		}, world.ErrChatIDInvalid},
		{"accept with another's hash", func() error {
			_, err := bob.api.MessagesAcceptEncryption(ctx(), &tg.MessagesAcceptEncryptionRequest{Peer: waiting.aChat, GB: dhPublic(2)})
			return err
		}, world.ErrChatIDInvalid},
		{"accept bad g_b", func() error {
			_, err := bob.api.MessagesAcceptEncryption(ctx(), &tg.MessagesAcceptEncryptionRequest{Peer: waiting.bChat, GB: tooSmall})
			return err
		}, world.ErrDHGAInvalid},
		{"accept twice", func() error {
			_, err := bob.api.MessagesAcceptEncryption(ctx(), &tg.MessagesAcceptEncryptionRequest{Peer: ready.bChat, GB: dhPublic(2)})
			return err
		}, world.ErrEncryptionAlreadyAccepted},
		{"accept discarded", func() error {
			_, err := bob.api.MessagesAcceptEncryption(ctx(), &tg.MessagesAcceptEncryptionRequest{Peer: gone.bChat, GB: dhPublic(2)})
			return err
		}, world.ErrEncryptionAlreadyDeclined},
		{"discard no id", func() error {
			_, err := alice.api.MessagesDiscardEncryption(ctx(), &tg.MessagesDiscardEncryptionRequest{})
			return err
		}, world.ErrChatIDEmpty},
		{"discard another's chat", func() error {
			_, err := carol.api.MessagesDiscardEncryption(ctx(), &tg.MessagesDiscardEncryptionRequest{ChatID: ready.chatID})
			return err
		}, world.ErrEncryptionIDInvalid},
		{"discard twice", func() error {
			_, err := alice.api.MessagesDiscardEncryption(ctx(), &tg.MessagesDiscardEncryptionRequest{ChatID: gone.chatID})
			return err
		}, world.ErrEncryptionAlreadyDeclined},
		{"send with a wrong hash", func() error {
			_, err := bob.api.MessagesSendEncrypted(ctx(), &tg.MessagesSendEncryptedRequest{Peer: wrongHash, RandomID: 1, Data: fakePayload(0, 2)})
			return err
		}, world.ErrChatIDInvalid},
		{"send before accept", func() error {
			_, err := alice.api.MessagesSendEncrypted(ctx(), &tg.MessagesSendEncryptedRequest{Peer: waiting.aChat, RandomID: 1, Data: fakePayload(0, 2)})
			return err
		}, world.ErrChatIDInvalid},
		{"send after discard", func() error {
			_, err := alice.api.MessagesSendEncrypted(ctx(), &tg.MessagesSendEncryptedRequest{Peer: gone.aChat, RandomID: 1, Data: fakePayload(0, 2)})
			return err
		}, world.ErrEncryptionDeclined},
		{"send short data", func() error {
			_, err := alice.api.MessagesSendEncrypted(ctx(), &tg.MessagesSendEncryptedRequest{Peer: ready.aChat, RandomID: 1, Data: fakePayload(0, 1)})
			return err
		}, world.ErrDataInvalid},
		{"send unaligned data", func() error {
			_, err := alice.api.MessagesSendEncryptedService(ctx(), &tg.MessagesSendEncryptedServiceRequest{Peer: ready.aChat, RandomID: 1, Data: append(fakePayload(0, 2), 0)})
			return err
		}, world.ErrDataInvalid},
		{"send empty file", func() error {
			_, err := alice.api.MessagesSendEncryptedFile(ctx(), &tg.MessagesSendEncryptedFileRequest{Peer: ready.aChat, RandomID: 1, Data: fakePayload(0, 2), File: &tg.InputEncryptedFileEmpty{}})
			return err
		}, world.ErrFileIDInvalid},
		{"send file never uploaded", func() error {
			_, err := alice.api.MessagesSendEncryptedFile(ctx(), &tg.MessagesSendEncryptedFileRequest{Peer: ready.aChat, RandomID: 1, Data: fakePayload(0, 2), File: &tg.InputEncryptedFileUploaded{ID: 404, Parts: 1}})
			return err
		}, world.ErrFileIDInvalid},
		{"read before accept", func() error {
			_, err := alice.api.MessagesReadEncryptedHistory(ctx(), &tg.MessagesReadEncryptedHistoryRequest{Peer: waiting.aChat})
			return err
		}, world.ErrChatIDInvalid},
		{"typing in another's chat", func() error {
			_, err := carol.api.MessagesSetEncryptedTyping(ctx(), &tg.MessagesSetEncryptedTypingRequest{Peer: ready.aChat, Typing: true})
			return err
		}, world.ErrChatIDInvalid},
		{"report another's chat", func() error {
			_, err := carol.api.MessagesReportEncryptedSpam(ctx(), &tg.MessagesReportEncryptedSpamRequest{Peer: ready.aChat})
			return err
		}, world.ErrChatIDInvalid},
		{"receivedQueue ahead", func() error {
			_, err := bob.api.MessagesReceivedQueue(ctx(), &tg.MessagesReceivedQueueRequest{MaxQts: 1000})
			return err
		}, world.ErrMaxQtsInvalid},
		{"getFile unknown encrypted file", func() error {
			_, err := bob.api.UploadGetFile(ctx(), &tg.UploadGetFileRequest{Location: &tg.InputEncryptedFileLocation{ID: 1, AccessHash: 2}, Limit: 4096})
			return err
		}, world.ErrLocationInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) { wantRPC(t, tc.call(), tc.want) })
	}
}
