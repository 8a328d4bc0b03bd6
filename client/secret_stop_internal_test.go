package mtgo

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
)

// TestSecretJobsEndBeforeStop: Stop returns only once the secret chat jobs running (resends,
// re-keying, the re-keying timer's checks) have ended, and runs none after it.
func TestSecretJobsEndBeforeStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newOfflineClient(t)
		var ended, late atomic.Bool
		c.secrets().spawn(func(ctx context.Context) {
			<-ctx.Done()
			time.Sleep(time.Second) // the job's last storage write, say
			ended.Store(true)
		})
		synctest.Wait()
		c.Stop()
		if !ended.Load() {
			t.Fatal("Stop returned before the secret chat job ended")
		}
		c.secrets().spawn(func(context.Context) { late.Store(true) })
		synctest.Wait()
		if late.Load() {
			t.Fatal("a secret chat job ran after Stop")
		}
	})
}

// TestSecretHandlersEndBeforeStop: Stop returns only once a secret chat handler running has
// returned, as it waits for the other handlers.
func TestSecretHandlersEndBeforeStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newOfflineClient(t)
		var ended atomic.Bool
		c.OnSecretChatTyping(func(ctx *Context, _ *types.SecretChatTyping) error {
			<-ctx.Done()
			time.Sleep(time.Second)
			ended.Store(true)
			return nil
		})
		c.emitSecret(kindSecretChatTyping, &types.SecretChatTyping{ChatID: 1})
		synctest.Wait()
		c.Stop()
		if !ended.Load() {
			t.Fatal("Stop returned before the secret chat handler did")
		}
	})
}
