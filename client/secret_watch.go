package mtgo

import (
	"context"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/secretchat"
)

// The week rule of the re-keying policy for idle chats. Telegram's rule (a key is replaced
// once it has been in use for more than a week, provided it encrypted a message) is about a
// key's lifetime, not its traffic: an idle chat's key still opens every message it sealed, and
// only re-keying lets the client forget it. tdlib, the official clients' library, applies the
// rule whenever a chat's state is touched, its loading at start included; a chat nobody writes
// in was re-keyed here only at its next message. So the rule now also runs:
//   - at Connect of a logged-in user (watchSecretRekey, called by ConnectContext): every ready
//     chat is loaded (the ready index, secret_list.go) and checked, so a restarted client
//     re-keys its week-old keys, as official clients do, and releases the peers of exchanges
//     a restart dropped;
//   - on one client-wide timer, every secretRekeyCheck (shorter when Config.SecretRekey's Age
//     or Wait is), for processes that run for weeks: no goroutine waits between checks
//     (time.AfterFunc), none per chat, and nothing runs while the client is not connected or
//     no user is logged in. It starts at the first Connect of a client that is not a bot, a
//     login or not: a first run's login does not connect again.
//
// The same check sends the layer notice a chat still owes (checkChats), so a restart before
// it went out costs the peer no more than the time until the next Connect, and asks again
// for the messages missing before a gap whose resend request failed to go out. A chat whose peer
// announced a layer older than secretchat.MinLayer is skipped (nothing written reaches it)
// with one warning per chat and process, not one per check.
//
// A check starts an exchange for a due key and gives up this side's request unanswered past
// Policy.Wait (then starts the next one): a peer that never comes back costs a RequestKey and
// an AbortKey per Wait (a day by default).

// secretRekeyCheck is the longest time between two checks of the timer.
const secretRekeyCheck = time.Hour

// secretRekeyPeriod is the timer's period for policy p: secretRekeyCheck, or p's Age or Wait
// when shorter.
func secretRekeyPeriod(p secretchat.Policy) time.Duration {
	d := secretRekeyCheck
	for _, x := range []time.Duration{p.Age, p.Wait} {
		if x > 0 && x < d {
			d = x
		}
	}
	return d
}

// watchSecretRekey applies the re-keying policy to every ready secret chat now (when logged
// in) and starts the client-wide timer (once per client; it ends with the client), which
// checks while a user is logged in and connected. ConnectContext calls it, also before a
// login: a first run's phone login does not connect again. Bots have no secret chats, and a
// client without storage has nothing to load.
func (c *Client) watchSecretRekey(ctx context.Context) {
	if c.store == nil || c.IsBot() {
		return
	}
	m := c.secrets()
	if c.Me() != nil {
		m.checkChats(ctx)
	}
	m.mu.Lock()
	period := secretRekeyPeriod(m.policy)
	m.mu.Unlock()
	m.watchOnce.Do(func() { m.watchRekey(c.life, period, c.secretRekeyDue) })
}

// secretRekeyDue reports whether the timer's check is to run: a user is logged in and the
// client is connected.
func (c *Client) secretRekeyDue() bool {
	me := c.Me()
	return me != nil && !me.IsBot && c.IsConnected()
}

// checkChats loads every ready chat and applies the re-keying policy to each
// (maybeRekeyLocked: an unanswered request given up, a due key's exchange started in a job).
// A chat that still owes the peer this side's layer notice (a restart came before it went
// out, or its send failed and nothing was sent since) sends it from a job: the peer writes
// in its oldest layer until told, and a side that never writes again would never tell it.
// First it deletes what discards that failed left stored (sweepLocked).
func (m *secretChats) checkChats(ctx context.Context) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweepLocked(ctx) // what failed discards left (secret_sweep.go)
	idx, err := m.readyIndexLocked(ctx)
	if err != nil {
		m.log.Warn("secret chats not checked for re-keying", "err", err)
	}
	for id := range idx {
		if _, err := m.lookupLocked(ctx, id); err != nil {
			m.log.Warn("secret chat not loaded", "chat", id, "err", err)
		}
	}
	for _, s := range m.chats {
		if s.peerTooOld() {
			m.warnOldLocked(s)
			continue
		}
		if s.state == types.SecretChatReady {
			m.maybeRekeyLocked(ctx, s)
			m.askGapLocked(s) // after a resend request that failed (secret_gap.go)
		}
		if s.owesNotice() {
			m.announceLater(s.id)
		}
	}
}

// warnOldLocked warns, once per chat, that the peer of s speaks a layer this side cannot
// write in: the checks skip the chat (its notice and re-keying cannot be sealed), and each
// would otherwise say so again every hour.
func (m *secretChats) warnOldLocked(s *secretChat) {
	if s.oldWarned {
		return
	}
	s.oldWarned = true
	m.log.Warn("secret chat peer's layer is too old: nothing can be sent to it",
		"chat", s.id, "layer", s.layer, "min_layer", secretchat.MinLayer)
}

// watchRekey runs checkChats every period, while up() holds, until ctx ends: one timer,
// re-armed after each check, stopped when ctx ends. The check is a job (m.spawn), which the
// client's Stop waits for; once spawn refuses (the client stopped), the timer stays down.
func (m *secretChats) watchRekey(ctx context.Context, period time.Duration, up func() bool) {
	var mu sync.Mutex // t is set after AfterFunc returns; the callback may run before
	var t *time.Timer
	rearm := func() {
		mu.Lock()
		defer mu.Unlock()
		if ctx.Err() == nil {
			t.Reset(period)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	t = time.AfterFunc(period, func() {
		switch {
		case ctx.Err() != nil:
		case up():
			m.spawn(func(jobCtx context.Context) {
				m.checkChats(jobCtx)
				rearm()
			})
		default:
			rearm()
		}
	})
	context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		t.Stop()
	})
}
