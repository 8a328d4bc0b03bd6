package services

import (
	"context"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// registerSecret adds the secret chat methods: the DH parameters, requesting, accepting and
// discarding a chat, and relaying encrypted messages, files, read marks and typing between
// its two participants. The server only relays (world/secret.go): it never decrypts.
func (d *Dispatcher) registerSecret() {
	h := d.handlers
	w := d.w

	h[tg.MessagesGetDHConfigRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetDHConfigRequest) (tl.Encoder, error) {
		return answer(w.DHConfig(c.AuthKeyID, r.Version, r.RandomLength))
	})
	h[tg.MessagesRequestEncryptionRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesRequestEncryptionRequest) (tl.Encoder, error) {
		return answer(w.RequestEncryption(c.AuthKeyID, r.UserID, r.RandomID, r.GA))
	})
	h[tg.MessagesAcceptEncryptionRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesAcceptEncryptionRequest) (tl.Encoder, error) {
		return answer(w.AcceptEncryption(c.AuthKeyID, r.Peer, r.GB, r.KeyFingerprint))
	})
	h[tg.MessagesDiscardEncryptionRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesDiscardEncryptionRequest) (tl.Encoder, error) {
		return done(w.DiscardEncryption(c.AuthKeyID, r.ChatID, r.DeleteHistory))
	})
	h[tg.MessagesSendEncryptedRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSendEncryptedRequest) (tl.Encoder, error) {
		return answer(w.SendEncrypted(c.AuthKeyID, r.Peer, r.RandomID, r.Data))
	})
	h[tg.MessagesSendEncryptedServiceRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSendEncryptedServiceRequest) (tl.Encoder, error) {
		return answer(w.SendEncryptedService(c.AuthKeyID, r.Peer, r.RandomID, r.Data))
	})
	h[tg.MessagesSendEncryptedFileRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSendEncryptedFileRequest) (tl.Encoder, error) {
		return answer(w.SendEncryptedFile(c.AuthKeyID, r.Peer, r.RandomID, r.Data, r.File))
	})
	h[tg.MessagesUploadEncryptedFileRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesUploadEncryptedFileRequest) (tl.Encoder, error) {
		return answer(w.UploadEncryptedFile(c.AuthKeyID, r.Peer, r.File))
	})
	h[tg.MessagesReadEncryptedHistoryRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesReadEncryptedHistoryRequest) (tl.Encoder, error) {
		return done(w.ReadEncryptedHistory(c.AuthKeyID, r.Peer, r.MaxDate))
	})
	h[tg.MessagesSetEncryptedTypingRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSetEncryptedTypingRequest) (tl.Encoder, error) {
		return done(w.SetEncryptedTyping(c.AuthKeyID, r.Peer, r.Typing))
	})
	h[tg.MessagesReportEncryptedSpamRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesReportEncryptedSpamRequest) (tl.Encoder, error) {
		return done(w.ReportEncryptedSpam(c.AuthKeyID, r.Peer))
	})
	h[tg.MessagesReceivedQueueRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesReceivedQueueRequest) (tl.Encoder, error) {
		ids, err := w.ReceivedQueue(c.AuthKeyID, r.MaxQts)
		if err != nil {
			return nil, err
		}
		return &tg.LongVector{Elems: ids}, nil
	})
}
