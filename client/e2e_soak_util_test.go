package mtgo_test

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Helpers of the soak tests (e2e_soak_test.go): senders that post through the test world
// directly (no client of their own, so the soak measures only the bot), a recorder that
// checks exactly-once in-order delivery as it goes (constant memory), and the resource
// probes (goroutines, heap, file descriptors).

// soakScale returns normal, or long when MTGO_SOAK=1 asks for the long runs.
func soakScale(normal, long int) int {
	if os.Getenv("MTGO_SOAK") == "1" {
		return long
	}
	return normal
}

// soakSender is a person posting numbered texts ("1", "2", ...) to a bot through the world,
// as if from a client of its own: the bot gets the pushes Telegram would send.
type soakSender struct {
	cl   *teletest.Cluster
	key  world.KeyID
	to   tg.InputPeerClass
	id   int64 // the person's id: the bot's chat with it
	idx  int
	sent int
}

// newSoakSenders creates n people, each bound to an auth key of its own in the world, who
// know the bot by its username.
func newSoakSenders(t testing.TB, cl *teletest.Cluster, botUsername string, n int) []*soakSender {
	t.Helper()
	out := make([]*soakSender, n)
	for i := range out {
		u, err := cl.World().CreateUser(world.UserSpec{FirstName: fmt.Sprintf("Soak%d", i), Phone: fmt.Sprintf("155590%03d", i)})
		if err != nil {
			t.Fatal(err)
		}
		key := world.KeyID{0xfe, 0x50, 0x4b, byte(i)}
		if err := cl.World().Authorize(key, u.ID); err != nil {
			t.Fatal(err)
		}
		out[i] = &soakSender{cl: cl, key: key, to: resolveInWorld(t, cl, key, botUsername), id: u.ID, idx: i}
	}
	return out
}

// send posts the sender's next number.
func (s *soakSender) send(t testing.TB) {
	t.Helper()
	s.sent++
	d := world.Draft{RandomID: int64(s.idx+1)<<32 | int64(s.sent), Text: strconv.Itoa(s.sent)}
	if _, err := s.cl.World().SendMessage(s.key, s.to, d); err != nil {
		t.Fatalf("sender %d, message %d: %v", s.idx, s.sent, err)
	}
}

// sendAll posts the next number of every sender, n times.
func sendAll(t testing.TB, senders []*soakSender, n int) {
	t.Helper()
	for range n {
		for _, s := range senders {
			s.send(t)
		}
	}
}

// sentTotal counts what the senders posted.
func sentTotal(senders []*soakSender) int {
	n := 0
	for _, s := range senders {
		n += s.sent
	}
	return n
}

// soakRecorder is an OnMessage handler that checks, per chat, that the numbers arrive as 1,
// 2, 3, ...: each exactly once and in order. It keeps the last number per chat only.
type soakRecorder struct {
	mu    sync.Mutex
	last  map[int64]int
	total int
	bad   []string // the first problems seen
	wake  chan struct{}
}

func newSoakRecorder() *soakRecorder {
	return &soakRecorder{last: map[int64]int{}, wake: make(chan struct{})}
}

// handle records m; it is the OnMessage callback.
func (r *soakRecorder) handle(_ *mtgo.Context, m *types.Message) error {
	r.record(m)
	return nil
}

// record checks m against its chat's last number and wakes the waiters; it returns m's
// number.
func (r *soakRecorder) record(m *types.Message) int {
	n, err := strconv.Atoi(m.Text)
	r.mu.Lock()
	defer r.mu.Unlock()
	var chat int64
	if m.Chat != nil {
		chat = m.Chat.ID
	}
	switch {
	case err != nil:
		r.problem("chat %d: message %d with text %q", chat, m.ID, m.Text)
	case n != r.last[chat]+1:
		r.problem("chat %d: got %d after %d", chat, n, r.last[chat])
	}
	if n > r.last[chat] {
		r.last[chat] = n
	}
	r.total++
	close(r.wake)
	r.wake = make(chan struct{})
	return n
}

func (r *soakRecorder) problem(format string, args ...any) {
	if len(r.bad) < 10 {
		r.bad = append(r.bad, fmt.Sprintf(format, args...))
	}
}

// wait blocks until the handler saw want messages in all; d only bounds the wait.
func (r *soakRecorder) wait(t testing.TB, want int, d time.Duration) {
	t.Helper()
	if total, ok := r.waitFor(want, d); !ok {
		t.Fatalf("handled %d of %d messages after %v (last per chat %v)", total, want, d, r.lastCopy())
	}
}

// waitFor blocks until the handler saw want messages in all, at most d; it returns how many
// it saw and whether that was enough.
func (r *soakRecorder) waitFor(want int, d time.Duration) (int, bool) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		r.mu.Lock()
		total, wake := r.total, r.wake
		r.mu.Unlock()
		if total >= want {
			return total, true
		}
		select {
		case <-wake:
		case <-timer.C:
			return total, false
		}
	}
}

func (r *soakRecorder) lastCopy() map[int64]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[int64]int, len(r.last))
	for k, v := range r.last {
		out[k] = v
	}
	return out
}

// check fails t unless every sender's numbers arrived exactly once and in order, and nothing
// else arrived.
func (r *soakRecorder) check(t testing.TB, senders []*soakSender) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.bad {
		t.Error(p)
	}
	for _, s := range senders {
		if r.last[s.id] != s.sent {
			t.Errorf("chat %d: last number %d, sent %d", s.id, r.last[s.id], s.sent)
		}
	}
	if want := sentTotal(senders); r.total != want {
		t.Errorf("handled %d messages, sent %d", r.total, want)
	}
}

// soakCluster starts a cluster like cluster does, with the world's configuration adjusted.
func soakCluster(t testing.TB, edit func(*world.Config)) *teletest.Cluster {
	t.Helper()
	cl, err := teletest.Start(teletest.Config{Key: sharedKey(t), StrictSeqNo: true, World: edit})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	return cl
}

// resolveInWorld returns the input peer of the user named username as key's account sees it.
func resolveInWorld(t testing.TB, cl *teletest.Cluster, key world.KeyID, username string) tg.InputPeerClass {
	t.Helper()
	res, err := cl.World().ResolveUsername(key, username)
	if err != nil {
		t.Fatal(err)
	}
	for _, uc := range res.Users {
		if u, ok := uc.(*tg.User); ok && strings.EqualFold(u.Username.Value, username) {
			return &tg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash.Value}
		}
	}
	t.Fatalf("resolving @%s: no user in %+v", username, res)
	return nil
}

// heapAfterGC returns the live heap after a full collection.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC() // the first one's finalizers free more
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// openFDs counts the process's open file descriptors, -1 where /proc/self/fd does not exist.
func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// waitAtMost polls probe until it reports at most limit; d only bounds the wait (the loop
// yields instead of sleeping). It returns the last value.
func waitAtMost(limit int, d time.Duration, probe func() int) int {
	deadline := time.Now().Add(d)
	for {
		n := probe()
		if n <= limit || time.Now().After(deadline) {
			return n
		}
		runtime.Gosched()
	}
}

// resourceBaseline is what the process held before the client under test existed.
type resourceBaseline struct {
	goroutines, fds int
}

func takeBaseline() resourceBaseline {
	return resourceBaseline{goroutines: runtime.NumGoroutine(), fds: openFDs()}
}

// checkReleased fails t unless goroutines and file descriptors are back to the baseline
// (within 10 s), and reports the numbers.
func (b resourceBaseline) checkReleased(t testing.TB) {
	t.Helper()
	g := waitAtMost(b.goroutines, 10*time.Second, runtime.NumGoroutine)
	if g > b.goroutines {
		var sb strings.Builder
		_ = pprof.Lookup("goroutine").WriteTo(&sb, 1)
		t.Errorf("goroutines: %d, baseline %d\n%s", g, b.goroutines, sb.String())
	}
	if b.fds < 0 {
		t.Logf("goroutines %d (baseline %d); no /proc/self/fd, descriptors not checked", g, b.goroutines)
		return
	}
	fds := waitAtMost(b.fds, 10*time.Second, openFDs)
	if fds > b.fds {
		t.Errorf("file descriptors: %d, baseline %d", fds, b.fds)
	}
	t.Logf("goroutines %d (baseline %d), file descriptors %d (baseline %d)", g, b.goroutines, fds, b.fds)
}
