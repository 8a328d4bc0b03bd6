package mtgo

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Re-keying of secret chats (core.telegram.org/api/end-to-end/pfs). The key state and the
// protocol are secretchat.Keys; the manager feeds it the re-keying service messages in
// sequence order (they never reach OnSecretMessage handlers), seals its answers under the
// chat's lock, so that a key switch falls exactly between two sequence numbers, and sends
// them off the update path. A new DH half needs messages.getDhConfig, so starting an
// exchange and answering one run as jobs.

// RekeySecretChat starts re-keying a ready chat by hand (a new DH half, then
// decryptedMessageActionRequestKey); the exchange completes as the peer answers, and
// GetSecretChat shows the new key's fingerprint once it is in use. The manager also starts
// one by itself once a key is due by Config.SecretRekey (by default, once it has been used for
// more than 100 messages or for more than a week).
// Errors: ErrSecretChatNotFound, ErrSecretChatState (the chat is not ready, or the peer's
// layer is older than 20, which has no re-keying: ErrSecretLayer as well),
// ErrSecretRekeyBusy (an exchange, started by either side, is unfinished), ErrSecretLayer
// (the peer's layer is older than secretchat.MinLayer: it could not read the request).
func (c *Client) RekeySecretChat(ctx context.Context, chatID int32) error {
	return c.secrets().rekey(ctx, chatID)
}

// rekey starts an exchange: the chat must be ready and not busy; the DH half is made with
// the lock released, and the state checked again before the request is sealed.
func (m *secretChats) rekey(ctx context.Context, id int32) error {
	m.mu.Lock()
	s, err := m.chatLocked(ctx, id)
	if err == nil {
		m.expireLocked(ctx, s)
		err = rekeyableLocked(s)
	}
	if err == nil {
		s.starting = true
	}
	m.mu.Unlock()
	if err != nil {
		return err
	}
	return m.startRekey(ctx, s)
}

// secretRekeyLayer is the first secret layer with re-keying (layer 20).
const secretRekeyLayer = 20

// rekeyableLocked reports why s cannot start an exchange now, nil when it can. A peer that
// announced a layer before 20 has no re-keying (ErrSecretChatState, and ErrSecretLayer as
// every peer older than secretchat.MinLayer); one that announced none is assumed to. One
// older than secretchat.MinLayer could not read the request (checked before Keys.Start, so a
// refused start leaves no exchange behind).
func rekeyableLocked(s *secretChat) error {
	switch {
	case s.state != types.SecretChatReady:
		return s.stateError()
	case s.layer > 0 && s.layer < secretRekeyLayer:
		return fmt.Errorf("mtgo: secret chat %d: peer's layer %d has no re-keying: %w (%w)", s.id, s.layer, ErrSecretChatState, ErrSecretLayer)
	case s.peerTooOld():
		return fmt.Errorf("mtgo: secret chat %d: peer's layer %d: %w", s.id, s.layer, ErrSecretLayer)
	case s.starting || s.keys.Busy():
		return fmt.Errorf("mtgo: secret chat %d: %w", s.id, ErrSecretRekeyBusy)
	}
	return nil
}

// startRekey makes the DH half and sends RequestKey; s.starting is set by the caller and
// cleared here.
func (m *secretChats) startRekey(ctx context.Context, s *secretChat) error {
	dh, err := m.newDH(ctx)
	var exchange [8]byte
	if err == nil {
		if _, err = io.ReadFull(m.rnd, exchange[:]); err != nil {
			err = fmt.Errorf("mtgo: secret chat random: %w", err)
		}
	}
	m.mu.Lock()
	s.starting = false
	if err == nil {
		err = rekeyableLocked(s) // the peer started one meanwhile, or discarded
	}
	var req *e2e.DecryptedMessageActionRequestKey
	if err == nil {
		if req, err = s.keys.Start(dh, int64(binary.LittleEndian.Uint64(exchange[:])), m.now()); err != nil {
			err = fmt.Errorf("mtgo: secret chat %d: %w", s.id, err)
		}
	}
	if err != nil {
		m.mu.Unlock()
		dh.Clear() // not taken by the Keys (nil when newDH failed)
		return err
	}
	rid := randomID()
	peer, data, _, err := m.sealLocked(ctx, s, rid, &e2e.DecryptedMessageService{RandomID: rid, Action: req})
	m.mu.Unlock()
	if err != nil {
		return err
	}
	return m.sendService(ctx, peer, rid, data, req)
}

// sendService sends a sealed re-keying (or other service) message with action a.
func (m *secretChats) sendService(ctx context.Context, peer tg.InputEncryptedChat, rid int64, data []byte, a e2e.DecryptedMessageActionClass) error {
	m.mu.Lock()
	gate := m.gate
	m.mu.Unlock()
	if gate != nil {
		gate(ctx, peer.ChatID, a)
	}
	_, err := m.call(ctx, peer, rid, data, true, nil)
	return err
}

// switchedLocked notes that the key of s switched.
func (m *secretChats) switchedLocked(s *secretChat) {
	m.log.Debug("secret chat key switched", "chat", s.id, "fingerprint", s.keys.Fingerprint())
	if m.switched != nil {
		m.switched(s.id, s.keys.Fingerprint())
	}
}

// maybeRekeyLocked gives up this side's unanswered request (expireLocked) and starts an
// exchange in a job when the key in use is due (m.policy); it runs after each message sealed
// or received, and for every ready chat at Connect and on the client-wide timer
// (secret_watch.go), so the age rules hold in idle chats too.
func (m *secretChats) maybeRekeyLocked(ctx context.Context, s *secretChat) {
	if m.spawn == nil || m.expireLocked(ctx, s) || rekeyableLocked(s) != nil || !s.keys.Due(m.policy, m.now()) {
		return
	}
	s.starting = true
	m.spawn(func(ctx context.Context) {
		if err := m.startRekey(ctx, s); err != nil && !errors.Is(err, ErrSecretRekeyBusy) {
			m.log.Warn("secret chat re-keying not started", "chat", s.id, "err", err)
		}
	})
}

// expireLocked aborts the exchange this side started when its AcceptKey has not come within
// m.policy.Wait, and sends the AbortKey (whose sealing runs maybeRekeyLocked again: a key
// still due starts a new exchange). It reports whether it did.
// An exchange this side accepted is never given up here: after sending AcceptKey the protocol
// forbids an abort (the initiator may already use the new key), so it waits for CommitKey, a
// message under the new key or the initiator's AbortKey (secretchat.Keys.Expire).
func (m *secretChats) expireLocked(ctx context.Context, s *secretChat) bool {
	if s.state != types.SecretChatReady {
		return false
	}
	a := s.keys.Expire(m.policy, m.now())
	if a == nil {
		return false
	}
	m.log.Info("secret chat re-keying unanswered; aborted", "chat", s.id, "after", m.policy.Wait)
	m.postLocked(ctx, s, a)
	return true
}

// rekeyActionLocked applies a re-keying action the peer sent, delivered in order.
func (m *secretChats) rekeyActionLocked(ctx context.Context, s *secretChat, a e2e.DecryptedMessageActionClass) {
	now := m.now()
	step, err := s.keys.Handle(a, now)
	if step.Reply != nil {
		m.postLocked(ctx, s, step.Reply) // CommitKey goes under the old key: sealed before Commit
	}
	if err != nil {
		m.failRekeyLocked(ctx, s, err)
		return
	}
	if step.Commit {
		if err := s.keys.Commit(now); err != nil {
			m.log.Warn("secret chat re-keying not committed", "chat", s.id, "err", err)
		} else {
			m.switchedLocked(s)
		}
		m.saveLocked(ctx, s)
	}
	if step.Switched {
		m.switchedLocked(s)
		m.postLocked(ctx, s, &e2e.DecryptedMessageActionNoop{})
	}
	if step.Accept {
		m.acceptRekeyLocked(s)
	}
}

// acceptRekeyLocked answers the peer's RequestKey in a job: a new DH half, then AcceptKey
// (or AbortKey when the half cannot be made). The exchange may have been aborted meanwhile.
func (m *secretChats) acceptRekeyLocked(s *secretChat) {
	if m.spawn == nil {
		return
	}
	exchange := s.keys.Exchange()
	m.spawn(func(ctx context.Context) {
		dh, err := m.newDH(ctx)
		m.mu.Lock()
		defer m.mu.Unlock()
		if s.state != types.SecretChatReady || s.keys.Phase() != secretchat.PhaseAccepting || s.keys.Exchange() != exchange {
			dh.Clear() // nil when newDH failed
			return
		}
		if err != nil {
			m.log.Warn("secret chat re-keying aborted", "chat", s.id, "err", err)
			m.postLocked(ctx, s, s.keys.Abort())
			return
		}
		reply, err := s.keys.Accept(dh)
		if reply != nil {
			m.postLocked(ctx, s, reply)
		}
		if err != nil {
			m.failRekeyLocked(ctx, s, err)
			return
		}
		m.saveLocked(ctx, s)
	})
}

// failRekeyLocked handles a re-keying error: the peer's values failed the security checks
// (or the state is inconsistent), so, as the docs recommend, the chat is discarded on both
// sides.
func (m *secretChats) failRekeyLocked(ctx context.Context, s *secretChat, err error) {
	m.log.Warn("secret chat re-keying failed; discarding the chat", "chat", s.id, "err", err)
	m.discardLocked(ctx, s)
	m.discardOnServer(s.id)
}

// discardOnServer discards chat id on the server (messages.discardEncryption) in a job, best
// effort: a failure is logged.
func (m *secretChats) discardOnServer(id int32) {
	if m.spawn == nil {
		return
	}
	m.spawn(func(ctx context.Context) {
		if _, err := m.raw.MessagesDiscardEncryption(ctx, &tg.MessagesDiscardEncryptionRequest{ChatID: id}); err != nil {
			m.log.Warn("secret chat not discarded", "chat", id, "err", err)
		}
	})
}

// postLocked seals a service message with action a now (its sequence number and key are
// fixed under the lock) and sends it in a job.
func (m *secretChats) postLocked(ctx context.Context, s *secretChat, a e2e.DecryptedMessageActionClass) {
	rid := randomID()
	peer, data, _, err := m.sealLocked(ctx, s, rid, &e2e.DecryptedMessageService{RandomID: rid, Action: a})
	if err != nil {
		m.log.Warn("secret service message not sent", "chat", s.id, "err", err)
		return
	}
	if m.spawn == nil {
		return
	}
	m.spawn(func(ctx context.Context) {
		if err := m.sendService(ctx, peer, rid, data, a); err != nil {
			m.log.Warn("secret service message not sent", "chat", peer.ChatID, "err", err)
		}
	})
}
