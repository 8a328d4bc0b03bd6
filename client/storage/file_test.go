package storage_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/updates"
)

// childEnv selects a child role when the test binary runs itself (see TestMain).
const childEnv = "MTGO_STORAGE_TEST_CHILD"

func TestMain(m *testing.M) {
	if role := os.Getenv(childEnv); role != "" {
		os.Exit(runChild(role, os.Getenv(childEnv+"_PATH")))
	}
	os.Exit(m.Run())
}

// child starts this test binary in a child role on path.
func child(t *testing.T, role, path string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+role, childEnv+"_PATH="+path)
	cmd.Stderr = os.Stderr
	return cmd
}

// Exit codes of the "open" role.
const (
	exitOpened = 0
	exitInUse  = 3
	exitOther  = 4
)

func runChild(role, path string) int {
	switch role {
	case "open":
		f, err := storage.Open(path, &storage.FileOptions{LockTimeout: 50 * time.Millisecond})
		switch {
		case err == nil:
			_ = f.Close()
			return exitOpened
		case errors.Is(err, storage.ErrSessionInUse):
			return exitInUse
		}
		fmt.Fprintln(os.Stderr, err)
		return exitOther
	case "hold":
		f, err := storage.Open(path, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return exitOther
		}
		defer f.Close()
		fmt.Println("locked")
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes stdin
		return exitOpened
	case "crash":
		if err := crashWriter(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return exitOther
		}
		return exitOpened
	}
	return exitOther
}

// crashWriter writes forever, continuing the counter found in the file, and prints
// "ack N" after each write of round N has committed.
func crashWriter(path string) error {
	ctx := context.Background()
	f, err := storage.Open(path, &storage.FileOptions{LockTimeout: 5 * time.Second})
	if err != nil {
		return err
	}
	saved, _, err := f.LoadUpdates(ctx)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	for n := saved.State.Pts + 1; ; n++ {
		if err := writeRound(ctx, f, n); err != nil {
			return err
		}
		fmt.Fprintf(out, "ack %d\n", n)
		if err := out.Flush(); err != nil {
			return err
		}
	}
}

// writeRound makes every kind of write with values derived from n. The update commit (state
// and channel in one transaction) comes last, so a round is acknowledged by its pts.
func writeRound(ctx context.Context, s storage.Storage, n int32) error {
	if err := s.SaveSession(ctx, session.Session{DC: int(n%5) + 1, AuthKey: authKey(byte(n)), Salt: int64(n)}); err != nil {
		return err
	}
	if err := s.SetIdentity(ctx, storage.Identity{UserID: int64(n)}); err != nil {
		return err
	}
	batch := make([]peers.Peer, 20)
	for i := range batch {
		batch[i] = peers.Peer{Key: peers.UserKey(int64(i + 1)), AccessHash: int64(n), Usernames: []string{fmt.Sprintf("user_%d_%d", i, n%3)}}
	}
	if err := s.SavePeers(ctx, batch); err != nil {
		return err
	}
	return s.CommitUpdates(ctx, updates.Commit{
		State: updates.State{Pts: n, Date: n}, HasState: true,
		Channels: []updates.ChannelPts{{ChannelID: 1, Pts: n}, {ChannelID: int64(n%7) + 2, Pts: n}},
	})
}

// verifyCrashFile opens a file a killed writer left and checks it is whole: it opens (the
// page check passes), every record decodes, each transaction is all-or-nothing, and the
// last acknowledged round is there. It returns the round found.
func verifyCrashFile(t *testing.T, path string, acked int32) int32 {
	t.Helper()
	ctx := context.Background()
	f, err := storage.Open(path, nil)
	if err != nil {
		t.Fatalf("open after kill (acked %d): %v", acked, err)
	}
	defer f.Close()
	saved, ok, err := f.LoadUpdates(ctx)
	if err != nil {
		t.Fatalf("LoadUpdates: %v", err)
	}
	if got := saved.State.Pts; got < acked || acked > 0 && !ok {
		t.Fatalf("lost data: pts %d (ok %v) after round %d was acknowledged", got, ok, acked)
	}
	for _, ch := range saved.Channels {
		if ch.ChannelID == 1 && ch.Pts != saved.State.Pts {
			t.Fatalf("torn commit: state pts %d, channel 1 pts %d", saved.State.Pts, ch.Pts)
		}
	}
	for dc := 1; dc <= 5; dc++ {
		if _, err := f.LoadSession(ctx, dc); err != nil && !errors.Is(err, session.ErrNoSession) {
			t.Fatalf("LoadSession(%d): %v", dc, err)
		}
	}
	if _, err := f.Identity(ctx); err != nil {
		t.Fatalf("Identity: %v", err)
	}
	var hash int64 = -1
	for i := int64(1); i <= 20; i++ {
		p, found, err := f.LoadPeer(ctx, peers.UserKey(i))
		if err != nil {
			t.Fatalf("LoadPeer(%d): %v", i, err)
		}
		if !found {
			continue
		}
		if hash == -1 {
			hash = p.AccessHash
		} else if p.AccessHash != hash {
			t.Fatalf("torn peer batch: user %d has hash %d, others %d", i, p.AccessHash, hash)
		}
	}
	return saved.State.Pts
}

// TestCrashSafety kills a writing process with SIGKILL 50 times in a row on one file, at
// random moments (while opening or creating it too), and checks after each kill that the file
// opens, is whole, and keeps every acknowledged write.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 50 processes")
	}
	path := filepath.Join(t.TempDir(), "crash.session")
	rng := rand.New(rand.NewPCG(1, 2))
	var last int32
	for i := range 50 {
		cmd := child(t, "crash", path)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var acked int32
		if i%5 == 0 {
			// Kill early: during startup, open, or the first write.
			time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
		} else {
			want := 1 + rng.IntN(8)
			sc := bufio.NewScanner(stdout)
			for range want {
				if !sc.Scan() {
					break
				}
				n, err := strconv.Atoi(strings.TrimPrefix(sc.Text(), "ack "))
				if err != nil {
					t.Fatalf("child said %q", sc.Text())
				}
				acked = int32(n)
			}
			time.Sleep(time.Duration(rng.IntN(500)) * time.Microsecond)
		}
		_ = cmd.Process.Kill() // SIGKILL
		_ = cmd.Wait()
		got := verifyCrashFile(t, path, acked)
		if got < last {
			t.Fatalf("kill %d: pts went back from %d to %d", i, last, got)
		}
		last = got
	}
	if last == 0 {
		t.Fatal("no round ever committed")
	}
	leftovers, _ := filepath.Glob(path + ".tmp-*")
	t.Logf("50 kills, %d rounds committed, %d temporary files left by kills during creation", last, len(leftovers))
}

func TestSecondOpenInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "busy.session")
	f, err := storage.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	// In this process.
	start := time.Now()
	if _, err := storage.Open(path, &storage.FileOptions{LockTimeout: 30 * time.Millisecond}); !errors.Is(err, storage.ErrSessionInUse) {
		t.Fatalf("second Open in process = %v, want ErrSessionInUse", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("second Open took %v", d)
	}
	// In another process.
	cmd := child(t, "open", path)
	if err := cmd.Run(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != exitInUse {
		t.Fatalf("second process: %v (exit %v), want ErrSessionInUse", err, cmd.ProcessState)
	}
	must(t, f.Close())
	if err := child(t, "open", path).Run(); err != nil {
		t.Fatalf("open after Close: %v", err)
	}
}

func TestLockHeldByOtherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "held.session")
	cmd := child(t, "hold", path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	must(t, cmd.Start())
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "locked\n" {
		t.Fatalf("child: %q, %v", line, err)
	}
	if _, err := storage.Open(path, &storage.FileOptions{LockTimeout: 30 * time.Millisecond}); !errors.Is(err, storage.ErrSessionInUse) {
		t.Fatalf("Open while another process holds the file = %v, want ErrSessionInUse", err)
	}
	_ = stdin.Close()
	must(t, cmd.Wait())
	f, err := storage.Open(path, nil)
	if err != nil {
		t.Fatalf("Open after the other process exited: %v", err)
	}
	must(t, f.Close())
}

func TestReopenKeepsEverything(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keep")
	f, err := storage.OpenSession(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Path() != path+".session" {
		t.Errorf("Path() = %q", f.Path())
	}
	sess := session.Session{DC: 2, Addr: "1.2.3.4:443", AuthKey: authKey(3), Salt: 1, TimeOffset: time.Second, UserID: 5}
	must(t, f.SaveSession(ctx, sess))
	must(t, f.SetHomeDC(ctx, 2))
	must(t, f.SetIdentity(ctx, storage.Identity{UserID: 5}))
	p := peers.Peer{Key: peers.ChannelKey(9), AccessHash: 90, Usernames: []string{"Chan"}, Seen: time.Unix(1_700_000_000, 0)}
	must(t, f.SavePeers(ctx, []peers.Peer{p}))
	c := updates.Commit{HasState: true, State: updates.State{Pts: 10, Qts: 1, Seq: 2, Date: 3}, Channels: []updates.ChannelPts{{ChannelID: 9, Pts: 4}}}
	must(t, f.CommitUpdates(ctx, c))
	must(t, f.Save())
	must(t, f.Close())

	g, err := storage.OpenSession(path + ".session")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	got, err := g.LoadSession(ctx, 2)
	if err != nil || !cmp.Equal(sess, got) {
		t.Errorf("session after reopen = %+v, %v", got, err)
	}
	if dc, _ := g.HomeDC(ctx); dc != 2 {
		t.Errorf("home dc after reopen = %d", dc)
	}
	if id, _ := g.Identity(ctx); id.UserID != 5 {
		t.Errorf("identity after reopen = %+v", id)
	}
	if gp, ok, err := g.PeerByUsername(ctx, "chan"); err != nil || !ok || !cmp.Equal(p, gp) {
		t.Errorf("peer after reopen = %+v, %v, %v", gp, ok, err)
	}
	saved, ok, err := g.LoadUpdates(ctx)
	if err != nil || !ok || !cmp.Equal(updates.Saved{State: c.State, Channels: c.Channels}, saved) {
		t.Errorf("update state after reopen = %+v, %v, %v", saved, ok, err)
	}
	info, err := os.Stat(path + ".session")
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode&0o077 != 0 {
		t.Errorf("session file mode %v is readable by others", mode)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		must(t, os.WriteFile(p, data, 0o600))
		return p
	}
	valid := filepath.Join(dir, "valid.session")
	f, err := storage.Open(valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	must(t, f.SaveSession(context.Background(), session.Session{DC: 2, AuthKey: authKey(1)}))
	must(t, f.Close())
	validBytes, err := os.ReadFile(valid)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	noise := make([]byte, 64<<10)
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	foreign := filepath.Join(dir, "foreign.session")
	db, err := bolt.Open(foreign, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	must(t, db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("other")); return err }))
	must(t, db.Close())
	future := filepath.Join(dir, "future.session")
	must(t, os.WriteFile(future, validBytes, 0o600))
	setMeta(t, future, []byte("format"), []byte{3})

	tests := []struct {
		name string
		path string
		want error
	}{
		{"random bytes", write("noise.session", noise), storage.ErrCorrupt},
		{"text", write("text.session", []byte("this is not a database\n")), storage.ErrCorrupt},
		{"truncated", write("short.session", validBytes[:1000]), storage.ErrCorrupt},
		{"foreign bbolt file", foreign, storage.ErrCorrupt},
		{"newer format", future, storage.ErrUnsupportedVersion},
	}
	for _, tt := range tests {
		if _, err := storage.Open(tt.path, nil); !errors.Is(err, tt.want) {
			t.Errorf("%s: Open = %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := storage.Open(dir, nil); err == nil {
		t.Error("Open(directory) succeeded")
	}
	if _, err := storage.Open(filepath.Join(dir, "missing", "x.session"), nil); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
	// An empty file (say, touched by hand) becomes a fresh session file.
	empty := write("empty.session", nil)
	g, err := storage.Open(empty, nil)
	if err != nil {
		t.Fatalf("Open(empty file): %v", err)
	}
	must(t, g.Close())
}

// setMeta overwrites a meta key with bbolt directly, bypassing the storage layer.
func setMeta(t *testing.T, path string, key, value []byte) {
	t.Helper()
	setRaw(t, path, []byte("meta"), key, value)
}

func setRaw(t *testing.T, path string, bucket, key, value []byte) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	must(t, db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put(key, value) }))
	must(t, db.Close())
}

func TestCorruptRecords(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "records.session")
	f, err := storage.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	must(t, f.SavePeers(ctx, []peers.Peer{{Key: peers.UserKey(1), AccessHash: 1, Usernames: []string{"alice"}}}))
	must(t, f.Close())
	userKey, _ := peers.UserKey(1).AppendBinary(nil)
	setRaw(t, path, []byte("sessions"), []byte{0, 0, 0, 2}, []byte{1, 2, 3})
	setRaw(t, path, []byte("peers"), userKey, []byte{9})
	setRaw(t, path, []byte("meta"), []byte("home_dc"), []byte{1})
	setRaw(t, path, []byte("meta"), []byte("identity"), []byte{1})
	setRaw(t, path, []byte("updates"), []byte("state"), []byte{1})
	setRaw(t, path, []byte("peer_phones"), []byte("15550100"), []byte{1})

	g, err := storage.Open(path, nil)
	if err != nil {
		t.Fatalf("Open with damaged records: %v", err)
	}
	defer g.Close()
	errs := map[string]error{}
	_, errs["LoadSession"] = g.LoadSession(ctx, 2)
	_, _, errs["LoadPeer"] = g.LoadPeer(ctx, peers.UserKey(1))
	_, _, errs["PeerByUsername"] = g.PeerByUsername(ctx, "alice")
	_, _, errs["PeerByPhone"] = g.PeerByPhone(ctx, "15550100")
	_, errs["HomeDC"] = g.HomeDC(ctx)
	_, errs["Identity"] = g.Identity(ctx)
	_, _, errs["LoadUpdates"] = g.LoadUpdates(ctx)
	for name, err := range errs {
		if !errors.Is(err, storage.ErrCorrupt) {
			t.Errorf("%s on a damaged record = %v, want ErrCorrupt", name, err)
		}
	}
	// Writing over a damaged record repairs it.
	must(t, g.SaveSession(ctx, session.Session{DC: 2}))
	must(t, g.SavePeers(ctx, []peers.Peer{{Key: peers.UserKey(1), AccessHash: 2}}))
	if _, err := g.LoadSession(ctx, 2); err != nil {
		t.Errorf("LoadSession after rewrite: %v", err)
	}
	if p, ok, err := g.LoadPeer(ctx, peers.UserKey(1)); err != nil || !ok || p.AccessHash != 2 {
		t.Errorf("LoadPeer after rewrite = %+v, %v, %v", p, ok, err)
	}
}

// TestBitFlips damages a full file byte by byte at random places: Open either reports
// ErrCorrupt or gives a storage whose every read returns a value or an error, never a panic.
func TestBitFlips(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	base := filepath.Join(dir, "base.session")
	f, err := storage.Open(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	for n := int32(1); n <= 30; n++ {
		must(t, writeRound(ctx, f, n))
	}
	must(t, f.Close())
	good, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var opened, corrupt int
	for i := range 300 {
		data := append([]byte(nil), good...)
		for range 1 + rng.IntN(64) {
			data[rng.IntN(len(data))] ^= byte(1 + rng.IntN(255))
		}
		path := filepath.Join(dir, fmt.Sprintf("flip%d.session", i))
		must(t, os.WriteFile(path, data, 0o600))
		g, err := storage.Open(path, nil)
		if err != nil {
			if !errors.Is(err, storage.ErrCorrupt) && !errors.Is(err, storage.ErrUnsupportedVersion) {
				t.Fatalf("flip %d: Open = %v, want ErrCorrupt (or a damaged version byte) or success", i, err)
			}
			corrupt++
			continue
		}
		opened++
		for dc := 0; dc <= 6; dc++ {
			_, _ = g.LoadSession(ctx, dc)
		}
		_, _, _ = g.LoadUpdates(ctx)
		_, _ = g.Identity(ctx)
		_, _ = g.HomeDC(ctx)
		for id := int64(1); id <= 21; id++ {
			_, _, _ = g.LoadPeer(ctx, peers.UserKey(id))
		}
		_, _, _ = g.PeerByUsername(ctx, "user_1_1")
		_ = g.Close()
	}
	t.Logf("%d damaged files opened (damage in free space or values), %d reported corrupt", opened, corrupt)
}

func TestUpdateCommitDelay(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "delay.session")
	open := func(delay time.Duration) *storage.File {
		f, err := storage.Open(path, &storage.FileOptions{UpdateCommitDelay: delay})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	onDisk := func() updates.Saved {
		t.Helper()
		f := open(0)
		defer f.Close()
		s, _, err := f.LoadUpdates(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	commit := func(pts int32, ch ...updates.ChannelPts) updates.Commit {
		return updates.Commit{HasState: true, State: updates.State{Pts: pts}, Channels: ch}
	}

	f := open(time.Hour)
	must(t, f.CommitUpdates(ctx, commit(1, updates.ChannelPts{ChannelID: 5, Pts: 1}))) // first one is written
	must(t, f.CommitUpdates(ctx, commit(2, updates.ChannelPts{ChannelID: 6, Pts: 1})))
	must(t, f.CommitUpdates(ctx, commit(3, updates.ChannelPts{ChannelID: 5, Removed: true})))
	want := updates.Saved{State: updates.State{Pts: 3}, Channels: []updates.ChannelPts{{ChannelID: 6, Pts: 1}}}
	got, ok, err := f.LoadUpdates(ctx)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LoadUpdates sees the merged commits (-want +got):\n%s", diff)
	}
	must(t, f.Close()) // writes the merged commits
	if diff := cmp.Diff(want, onDisk()); diff != "" {
		t.Errorf("after Close (-want +got):\n%s", diff)
	}

	// Save writes them too.
	f = open(time.Hour)
	must(t, f.CommitUpdates(ctx, commit(4)))
	must(t, f.CommitUpdates(ctx, commit(5)))
	must(t, f.Save())
	must(t, f.Close())
	if got := onDisk().State.Pts; got != 5 {
		t.Errorf("after Save: pts %d, want 5", got)
	}
}
