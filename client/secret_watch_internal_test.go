package mtgo

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mtgo-labs/mtgo/secretchat"
)

// TestSecretRekeyTimer: in an idle chat whose key encrypted a message, the client-wide timer
// starts re-keying once the key is a week old, not before, and not while the client is not
// connected; the exchange completes and the timer stops with its context.
// openIdle opens a chat in which A's key encrypted one message, then nothing more: the week
// rule makes its key due once it is a week old.
func (r *secretRelay) openIdle(t *testing.T) int32 {
	t.Helper()
	id := r.open(t)
	if _, err := r.parties[0].m.sendText(context.Background(), id, randomID(), "then silence"); err != nil {
		t.Fatal(err)
	}
	r.runJobs()
	return id
}

func TestSecretRekeyTimer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		r := newSecretRelay(t)
		id := r.openIdle(t)
		a := r.parties[0]
		old := a.keyState(t, id).FP
		watch, stop := context.WithCancel(ctx)
		var up atomic.Bool
		up.Store(true)
		a.m.watchRekey(watch, time.Hour, up.Load)
		steps := []struct {
			sleep time.Duration
			up    bool
		}{
			{6 * 24 * time.Hour, true},  // within the week
			{2 * 24 * time.Hour, false}, // past it, but not connected
		}
		for _, s := range steps {
			up.Store(s.up)
			time.Sleep(s.sleep)
			synctest.Wait()
			r.runJobs()
			if st := a.keyState(t, id); st.FP != old || st.Phase != secretchat.PhaseIdle {
				t.Fatalf("after %v (connected %v): %+v", s.sleep, s.up, st)
			}
		}
		up.Store(true)
		time.Sleep(time.Hour)
		synctest.Wait()
		r.runJobs()
		fp := r.settled(t, id, old)
		r.exchangeTexts(t, id, "a", "b")
		stop()
		synctest.Wait()
		time.Sleep(8 * 24 * time.Hour) // stopped: the next week passes without a check
		synctest.Wait()
		r.runJobs()
		if st := a.keyState(t, id); st.FP != fp {
			t.Fatalf("re-keyed after the stop: %+v", st)
		}
	})
}

// TestSecretRekeyAtStart: a week after its key encrypted a message, a restarted client's
// check (at Connect) loads the idle chat and re-keys it; a client whose key encrypted nothing
// (A, the originator, stopped before its ready job told its layer) does not, and sends the
// layer notice it owes.
func TestSecretRekeyAtStart(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.openQuiet(t)
	if _, err := r.parties[1].m.sendText(ctx, id, randomID(), "then silence"); err != nil {
		t.Fatal(err)
	}
	old := r.parties[0].keyState(t, id).FP
	later := func() time.Time { return time.Now().Add(8 * 24 * time.Hour) }
	a := r.restart(0)
	a.m.now = later
	a.m.checkChats(ctx)
	// The owed notice goes out now (a message under a key the week rule would then find
	// due: A's clock goes back to now for it).
	a.m.now = time.Now
	r.runJobs()
	if st := a.keyState(t, id); st.FP != old || st.Phase != secretchat.PhaseIdle {
		t.Fatalf("A, which encrypted nothing: %+v", st)
	}
	if c, _ := r.parties[1].m.get(ctx, id); c.Layer != secretchat.Layer {
		t.Fatalf("B knows layer %d after A's restart, want %d", c.Layer, secretchat.Layer)
	}
	b := r.restart(1)
	b.m.now = later
	b.m.checkChats(ctx)
	r.runJobs()
	r.settled(t, id, old)
}

func TestSecretRekeyPeriod(t *testing.T) {
	for _, tt := range []struct {
		p    secretchat.Policy
		want time.Duration
	}{
		{secretchat.DefaultPolicy, secretRekeyCheck},
		{secretchat.Policy{Messages: 5}, secretRekeyCheck},
		{secretchat.Policy{Age: 10 * time.Minute, Wait: 20 * time.Minute}, 10 * time.Minute},
		{secretchat.Policy{Age: 48 * time.Hour, Wait: 5 * time.Minute}, 5 * time.Minute},
	} {
		if got := secretRekeyPeriod(tt.p); got != tt.want {
			t.Errorf("secretRekeyPeriod(%+v) = %v, want %v", tt.p, got, tt.want)
		}
	}
}

// TestSecretRekeyTimerChecksAreJobs: the timer's check runs as a job of the manager's spawn
// (which the client's Stop waits for), one per period; once spawn refuses (the client
// stopped), the timer is not armed again.
func TestSecretRekeyTimerChecksAreJobs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newSecretRelay(t)
		r.open(t)
		a := r.parties[0]
		var calls, refuse atomic.Int32
		run := a.m.spawn
		a.m.spawn = func(job func(context.Context)) {
			calls.Add(1)
			if refuse.Load() == 0 {
				run(job)
			}
		}
		watch, stop := context.WithCancel(context.Background())
		defer stop()
		a.m.watchRekey(watch, time.Hour, func() bool { return true })
		for i := int32(1); i <= 2; i++ {
			time.Sleep(time.Hour)
			synctest.Wait()
			if n := calls.Load(); n != i {
				t.Fatalf("%d jobs spawned after %d checks", n, i)
			}
			r.runJobs()
		}
		refuse.Store(1)
		time.Sleep(time.Hour)
		synctest.Wait()
		r.runJobs()
		time.Sleep(5 * time.Hour)
		synctest.Wait()
		if n := calls.Load(); n != 3 {
			t.Fatalf("%d jobs spawned, want 3: the timer ran on after spawn refused", n)
		}
	})
}

// TestSecretRekeyTimerBeforeLogin: a user client that connects before logging in (a first
// run's phone login) starts the timer at that Connect, so chats it opens after the login
// are re-keyed when idle too; a bot client starts none.
func TestSecretRekeyTimerBeforeLogin(t *testing.T) {
	for _, bot := range []bool{false, true} {
		cfg := DefaultConfig
		cfg.InMemory, cfg.NoUpdates = true, true
		if bot {
			cfg.BotToken = "1:token"
		}
		c, err := NewClient(1, "hash", &cfg)
		if err != nil {
			t.Fatal(err)
		}
		c.watchSecretRekey(t.Context()) // ConnectContext's call, not logged in yet
		started := true
		c.secrets().watchOnce.Do(func() { started = false })
		if started == bot {
			t.Errorf("bot %v: timer started %v", bot, started)
		}
		c.Stop()
	}
}
