package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	sessionstrings "github.com/mtgo-labs/mtgo/session/strings"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/testdc"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// syncBuffer is an output stream the client's goroutines and the test share; waitFor blocks
// until it holds a string, woken by each write (no sleeps).
type syncBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	wrote chan struct{}
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wrote != nil {
		close(s.wrote)
		s.wrote = nil
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) waitFor(ctx context.Context, re *regexp.Regexp) []string {
	for {
		s.mu.Lock()
		m := re.FindStringSubmatch(s.b.String())
		if s.wrote == nil {
			s.wrote = make(chan struct{})
		}
		wrote := s.wrote
		s.mu.Unlock()
		if m != nil {
			return m
		}
		select {
		case <-wrote:
		case <-ctx.Done():
			return nil
		}
	}
}

// answers is a stdin whose lines are computed when the command reads them: the login code
// exists only once the command asked for it.
type answers struct{ next []func() string }

func (a *answers) Read(p []byte) (int, error) {
	if len(a.next) == 0 {
		return 0, io.EOF
	}
	line := a.next[0]() + "\n"
	a.next = a.next[1:]
	return copy(p, line), nil
}

// env is a test cluster and the flags that point the command at it.
type env struct {
	t   *testing.T
	cl  *teletest.Cluster
	dir string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	cl, err := teletest.Start(teletest.Config{DCs: 2, Host: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	e := &env{t: t, cl: cl, dir: t.TempDir()}
	b, err := json.Marshal(testdc.ConnectFile{DCs: cl.Addrs(), PublicKey: string(cl.PublicKeyPEM())})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.dir, "cluster.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// result is what one run printed.
type result struct {
	out, err *syncBuffer
	code     int
}

// run runs the command with the cluster's flags and session name.
func (e *env) run(ctx context.Context, session string, in io.Reader, args ...string) result {
	r := result{out: &syncBuffer{}, err: &syncBuffer{}}
	a := &app{in: in, out: r.out, errOut: r.err, getenv: func(k string) string {
		return map[string]string{"TG_API_ID": "1", "TG_API_HASH": "test"}[k]
	}}
	if in == nil {
		a.in = strings.NewReader("")
	}
	full := append([]string{"--cluster", filepath.Join(e.dir, "cluster.json"), "--session", filepath.Join(e.dir, session)}, args...)
	r.code = a.run(ctx, full)
	return r
}

func (e *env) mustRun(ctx context.Context, session string, in io.Reader, args ...string) string {
	e.t.Helper()
	r := e.run(ctx, session, in, args...)
	if r.code != 0 {
		e.t.Fatalf("mtgo %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.out, r.err)
	}
	return r.out.String()
}

func (e *env) bot(name string) world.User {
	e.t.Helper()
	b, err := e.cl.World().CreateBot(world.BotSpec{FirstName: name, Username: name})
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func (e *env) user(name, phone, password string) world.User {
	e.t.Helper()
	u, err := e.cl.World().CreateUser(world.UserSpec{FirstName: name, Username: name, Phone: phone, Password: password})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// loginUser logs session in as u by phone, the code read from the world.
func (e *env) loginUser(ctx context.Context, session string, u world.User, password string) string {
	in := &answers{next: []func() string{
		func() string { code, _ := e.cl.World().AuthCode(u.Phone); return code },
		func() string { return password },
	}}
	return e.mustRun(ctx, session, in, "login", "--phone", u.Phone)
}

// library returns a client of the library logged in as u, for the other side of a test.
func (e *env) library(ctx context.Context, u world.User) *mtgo.Client {
	e.t.Helper()
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	cfg.DCAddrs = e.cl.Addrs()
	cfg.PublicKeys = append(cfg.PublicKeys[:0:0], e.cl.RSAPublicKey())
	cfg.PhoneNumber = u.Phone
	cfg.Code = func(context.Context, string, mtgo.CodeInfo) (string, error) {
		code, _ := e.cl.World().AuthCode(u.Phone)
		return code, nil
	}
	c, err := mtgo.NewClient(1, "test", &cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(c.Stop)
	if err := c.ConnectContext(ctx); err != nil {
		e.t.Fatal(err)
	}
	if err := c.Login(ctx); err != nil {
		e.t.Fatal(err)
	}
	return c
}

func TestLoginBotWhoamiLogout(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	bot := e.bot("cli_bot")
	out := e.mustRun(ctx, "b", nil, "login", "--bot-token", bot.Token, "--print-session")
	if !strings.Contains(out, "bot ") || !strings.Contains(out, "@cli_bot") || !strings.Contains(out, "\nmtgo") {
		t.Fatalf("login printed %q", out)
	}
	out = e.mustRun(ctx, "b", nil, "--json", "whoami")
	var me struct {
		ID  int64 `json:"id"`
		Bot bool  `json:"bot"`
	}
	if err := json.Unmarshal([]byte(out), &me); err != nil || me.ID != bot.ID || !me.Bot {
		t.Fatalf("whoami --json = %q (%v)", out, err)
	}
	if out := e.mustRun(ctx, "b", nil, "logout"); !strings.Contains(out, "logged out") {
		t.Fatalf("logout printed %q", out)
	}
	r := e.run(ctx, "b", nil, "whoami")
	if r.code != exitAuth || strings.Count(r.err.String(), "\n") != 1 || !strings.HasPrefix(r.err.String(), "mtgo: ") {
		t.Fatalf("whoami after logout: exit %d, stderr %q", r.code, r.err)
	}
}

func TestLoginPhoneWith2FA(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	u := e.user("alice_cli", "9996620101", "hunter2")
	out := e.loginUser(ctx, "a", u, "hunter2")
	if !strings.Contains(out, "user ") || !strings.Contains(out, "@alice_cli") {
		t.Fatalf("login printed %q", out)
	}
	// A wrong password is a refused login: exit code 3.
	u2 := e.user("bob_cli", "9996620102", "right")
	in := &answers{next: []func() string{
		func() string { code, _ := e.cl.World().AuthCode(u2.Phone); return code },
		func() string { return "wrong" },
	}}
	if r := e.run(ctx, "b", in, "login", "--phone", u2.Phone); r.code != exitAuth {
		t.Fatalf("wrong password: exit %d, stderr %q", r.code, r.err)
	}
}

func TestLoginQR(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	u := e.user("carol_cli", "9996620103", "")
	other := e.library(ctx, u) // the app that scans the code
	type done struct{ r result }
	ch := make(chan done, 1)
	r := result{out: &syncBuffer{}, err: &syncBuffer{}}
	go func() {
		a := &app{in: strings.NewReader(""), out: r.out, errOut: r.err, getenv: func(k string) string {
			return map[string]string{"TG_API_ID": "1", "TG_API_HASH": "test"}[k]
		}}
		r.code = a.run(ctx, []string{"--cluster", filepath.Join(e.dir, "cluster.json"), "--session", filepath.Join(e.dir, "q"), "login", "--qr"})
		ch <- done{r}
	}()
	m := r.err.waitFor(ctx, regexp.MustCompile(`(tg://login\?token=[A-Za-z0-9_=-]+)`))
	if m == nil {
		t.Fatalf("no QR code; stderr %q", r.err)
	}
	if !strings.Contains(r.err.String(), "█") && !strings.Contains(r.err.String(), "▀") {
		t.Fatalf("no QR drawing in %q", r.err)
	}
	token, err := mtgo.ParseQRLoginURL(m[1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.InvokeJSON(ctx, "auth.acceptLoginToken", []byte(`{"token":"`+b64(token)+`"}`)); err != nil {
		t.Fatal(err)
	}
	got := <-ch
	if got.r.code != 0 || !strings.Contains(got.r.out.String(), "@carol_cli") {
		t.Fatalf("QR login: exit %d, stdout %q, stderr %q", got.r.code, got.r.out, got.r.err)
	}
}

func TestInvokeJSON(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	u := e.user("dave_cli", "9996620104", "")
	e.loginUser(ctx, "d", u, "")
	out := e.mustRun(ctx, "d", nil, "invoke", "users.getUsers", `{"id":[{"_":"inputUserSelf"}]}`)
	var users []map[string]any
	if err := json.Unmarshal([]byte(out), &users); err != nil || len(users) != 1 || users[0]["_"] != "user" || users[0]["username"] != "dave_cli" {
		t.Fatalf("users.getUsers = %s (%v)", out, err)
	}
	// Parameters from stdin; the answer feeds the next call.
	out = e.mustRun(ctx, "d", strings.NewReader(`{"peer":{"_":"inputPeerSelf"},"message":"note","random_id":"77"}`), "invoke", "messages.sendMessage", "-")
	if !strings.Contains(out, `"_":"updates`) && !strings.Contains(out, `"_":"updateShortSentMessage"`) {
		t.Fatalf("messages.sendMessage = %s", out)
	}
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"invoke", "no.such"}, exitUsage},
		{[]string{"invoke", "users.getUsers", `{"id":5}`}, exitUsage},
		{[]string{"invoke", "messages.sendMessage", `{"peer":{"_":"inputPeerUser","user_id":"1","access_hash":"1"},"message":"x","random_id":"1"}`}, exitFailure},
	} {
		if r := e.run(ctx, "d", nil, c.args...); r.code != c.code || strings.Count(r.err.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, want %d; stderr %q", c.args, r.code, c.code, r.err)
		}
	}
	if out := e.mustRun(ctx, "d", nil, "invoke", "--schema", "help.getConfig"); !strings.Contains(out, `"Type":"Config"`) {
		t.Errorf("--schema printed %s", out)
	}
}

// TestUploadDownload20MB sends a 20 MB file to Saved Messages and downloads it back, with the
// progress bar drawn on stderr and parts fetched in parallel; a .part left behind is resumed.
func TestUploadDownload20MB(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	u := e.user("erin_cli", "9996620105", "")
	e.loginUser(ctx, "e", u, "")
	data := make([]byte, 20<<20)
	rand.Read(data)
	src := filepath.Join(e.dir, "big.bin")
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	r := e.run(ctx, "e", nil, "--json", "upload", src, "me")
	if r.code != 0 {
		t.Fatalf("upload: exit %d: %s", r.code, r.err)
	}
	var up struct {
		MessageID int   `json:"message_id"`
		Size      int64 `json:"size"`
	}
	if err := json.Unmarshal([]byte(r.out.String()), &up); err != nil || up.Size != int64(len(data)) {
		t.Fatalf("upload printed %q (%v)", r.out, err)
	}
	if s := r.err.String(); !strings.Contains(s, "big.bin") || !strings.Contains(s, "100%") || !strings.Contains(s, "(21/21 MB") {
		t.Fatalf("upload progress output %q", s)
	}
	dst := filepath.Join(e.dir, "copy.bin")
	// A partial earlier download: the first MiB already on disk.
	if err := os.WriteFile(dst+".part", data[:1<<20], 0o600); err != nil {
		t.Fatal(err)
	}
	r = e.run(ctx, "e", nil, "download", "me/"+itoa(up.MessageID), "-o", dst, "--parallel", "4")
	if r.code != 0 {
		t.Fatalf("download: exit %d: %s", r.code, r.err)
	}
	if s := r.err.String(); !strings.Contains(s, "100%") || !strings.Contains(s, "copy.bin") {
		t.Fatalf("download progress output %q", s)
	}
	got, err := os.ReadFile(dst)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("downloaded file differs (%d bytes, %v)", len(got), err)
	}
	if _, err := os.Stat(dst + ".part"); !os.IsNotExist(err) {
		t.Fatalf(".part left behind: %v", err)
	}
	// history --media downloads the file beside the JSON line naming it.
	media := filepath.Join(e.dir, "media")
	out := e.mustRun(ctx, "e", nil, "history", "me", "--limit", "1", "--media", media)
	var line struct {
		ID        int    `json:"id"`
		MediaFile string `json:"media_file"`
	}
	if err := json.Unmarshal([]byte(out), &line); err != nil || line.ID != up.MessageID {
		t.Fatalf("history = %s (%v)", out, err)
	}
	if got, err := os.ReadFile(line.MediaFile); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("history media %s: %d bytes, %v", line.MediaFile, len(got), err)
	}
	if r := e.run(ctx, "e", nil, "download", "nonsense"); r.code != exitUsage {
		t.Fatalf("bad reference: exit %d", r.code)
	}
}

func TestUpdatesWhileAnotherSends(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	u := e.user("frank_cli", "9996620106", "")
	sender := e.user("grace_cli", "9996620107", "")
	e.loginUser(ctx, "f", u, "")
	g := e.library(ctx, sender)
	type done struct{ r result }
	ch := make(chan done, 1)
	r := result{out: &syncBuffer{}, err: &syncBuffer{}}
	go func() {
		a := &app{in: strings.NewReader(""), out: r.out, errOut: r.err, getenv: func(k string) string {
			return map[string]string{"TG_API_ID": "1", "TG_API_HASH": "test"}[k]
		}}
		r.code = a.run(ctx, []string{"--cluster", filepath.Join(e.dir, "cluster.json"), "--session", filepath.Join(e.dir, "f"),
			"updates", "--kind", "NewMessage", "--chat", "@grace_cli", "--limit", "2"})
		ch <- done{r}
	}()
	if r.err.waitFor(ctx, regexp.MustCompile("streaming updates")) == nil {
		t.Fatalf("updates did not start: %q", r.err)
	}
	for _, text := range []string{"one", "two"} {
		if _, err := g.SendMessage(ctx, "@frank_cli", text); err != nil {
			t.Fatal(err)
		}
	}
	got := <-ch
	if got.r.code != 0 {
		t.Fatalf("updates: exit %d: %s", got.r.code, got.r.err)
	}
	lines := strings.Split(strings.TrimSpace(got.r.out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %q", got.r.out)
	}
	for i, text := range []string{"one", "two"} {
		var l struct {
			Kind   string          `json:"kind"`
			ChatID int64           `json:"chat_id"`
			Update json.RawMessage `json:"update"`
		}
		if err := json.Unmarshal([]byte(lines[i]), &l); err != nil {
			t.Fatal(err)
		}
		if l.Kind != "updateNewMessage" || l.ChatID != sender.ID || !strings.Contains(string(l.Update), `"message":"`+text+`"`) {
			t.Errorf("line %d: %s", i, lines[i])
		}
	}
}

func TestHistory(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	u := e.user("heidi_cli", "9996620108", "")
	e.loginUser(ctx, "h", u, "")
	for i, text := range []string{"first", "second", "third"} {
		e.mustRun(ctx, "h", nil, "invoke", "messages.sendMessage", `{"peer":{"_":"inputPeerSelf"},"message":"`+text+`","random_id":"`+itoa(i+1)+`"}`)
	}
	// random_id left out: the command fills it.
	e.mustRun(ctx, "h", nil, "invoke", "messages.sendMessage", `{"peer":{"_":"inputPeerSelf"},"message":"fourth"}`)
	out := e.mustRun(ctx, "h", nil, "history", "me", "--limit", "3")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], `"message":"fourth"`) || !strings.Contains(lines[1], `"message":"third"`) || !strings.Contains(lines[2], `"message":"second"`) {
		t.Fatalf("history = %s", out)
	}
}

func TestSessionExportImportConvert(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	bot := e.bot("sess_bot")
	e.mustRun(ctx, "s", nil, "login", "--bot-token", bot.Token)
	ours := strings.TrimSpace(e.mustRun(ctx, "s", nil, "session", "export"))
	if !strings.HasPrefix(ours, "mtgo") {
		t.Fatalf("export = %q", ours)
	}
	for _, f := range []string{"pyrogram", "telethon", "gramjs", "mtcute"} {
		foreign := strings.TrimSpace(e.mustRun(ctx, "s", nil, "session", "export", "--format", f))
		// Import the foreign string into a new session file: it is logged in as the bot.
		e.mustRun(ctx, "from_"+f, nil, "session", "import", foreign)
		if out := e.mustRun(ctx, "from_"+f, nil, "whoami"); !strings.Contains(out, "@sess_bot") {
			t.Fatalf("%s: whoami = %q", f, out)
		}
		back := strings.TrimSpace(e.mustRun(ctx, "s", nil, "session", "convert", foreign, "--to", "mtgo"))
		// Only mtcute keeps everything ours does; the others lose the account or the address,
		// never the key.
		if f == "mtcute" && back != ours {
			t.Errorf("%s -> mtgo = %q, want %q", f, back, ours)
		}
		b, err1 := sessionstrings.Import(back)
		o, err2 := sessionstrings.Import(ours)
		if err1 != nil || err2 != nil || !bytes.Equal(b.AuthKey, o.AuthKey) || b.DC != o.DC {
			t.Errorf("%s -> mtgo lost the key or DC (%v, %v)", f, err1, err2)
		}
	}
	if r := e.run(ctx, "s", nil, "session", "convert", "garbage!"); r.code != exitUsage {
		t.Errorf("garbage: exit %d", r.code)
	}
	if r := e.run(ctx, "nothing", nil, "session", "export"); r.code != exitAuth {
		t.Errorf("missing file: exit %d", r.code)
	}
}

func TestTestDC(t *testing.T) {
	e := &env{t: t, dir: t.TempDir()}
	ctx, cancel := context.WithCancel(ctxT(t))
	file := filepath.Join(e.dir, "c.json")
	started := make(chan *teletest.Cluster, 1)
	testdcStarted = func(cl *teletest.Cluster) { started <- cl }
	t.Cleanup(func() { testdcStarted = nil })
	r := result{out: &syncBuffer{}, err: &syncBuffer{}}
	finished := make(chan int, 1)
	go func() {
		a := &app{in: strings.NewReader(""), out: r.out, errOut: r.err, getenv: func(string) string { return "" }}
		finished <- a.run(ctx, []string{"testdc", "-dcs", "2", "-write", file, "-bot", "my_bot"})
	}()
	cl := <-started
	m := regexp.MustCompile(`@my_bot  token (\S+)`).FindStringSubmatch(r.out.String())
	if m == nil || !strings.Contains(r.out.String(), "DC 2  tcp 127.0.0.1:") {
		t.Fatalf("banner %q", r.out)
	}
	e.cl = cl
	out := e.mustRun(ctx, "t", nil, "--cluster", file, "login", "--bot-token", m[1])
	if !strings.Contains(out, "@my_bot") {
		t.Fatalf("login against testdc: %q", out)
	}
	cancel()
	if code := <-finished; code != 0 {
		t.Fatalf("testdc exit %d: %s", code, r.err)
	}
}

func TestUsageErrorsAndDocs(t *testing.T) {
	e := &env{t: t, dir: t.TempDir()}
	ctx := ctxT(t)
	for _, args := range [][]string{{"nope"}, {"login"}, {"--nope"}, {"login", "--qr", "--phone", "1"}, {"invoke"}, {"testdc", "-dcs", "x"}} {
		r := e.run(ctx, "x", nil, args...)
		if r.code != exitUsage || strings.Count(r.err.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.err)
		}
	}
	a := &app{in: strings.NewReader(""), out: &bytes.Buffer{}, errOut: &bytes.Buffer{}, getenv: func(string) string { return "" }}
	if code := a.run(ctx, []string{"login", "--bot-token", "1:x"}); code != exitUsage {
		t.Errorf("missing API credentials: exit %d", code)
	}
	out := e.mustRun(ctx, "x", nil, "docs")
	for _, want := range []string{"## mtgo login", "## mtgo session convert", "## mtgo invoke", "Global flags", "--api-id"} {
		if !strings.Contains(out, want) {
			t.Errorf("docs lack %q", want)
		}
	}
	committed, err := os.ReadFile("COMMANDS.md")
	if err != nil || string(committed) != out {
		t.Errorf("COMMANDS.md is stale: go run . docs COMMANDS.md")
	}
	if out := e.mustRun(ctx, "x", nil, "completion", "bash"); !strings.Contains(out, "bash completion") {
		t.Errorf("no bash completion: %.80q", out)
	}
	if out := e.mustRun(ctx, "x", nil, "__complete", "invoke", "messages.sendM"); !strings.Contains(out, "messages.sendMessage") {
		t.Errorf("no method completion: %q", out)
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func itoa(n int) string { return strconv.Itoa(n) }

func TestLoginSignsUpNewNumber(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	phone := "9996620199"
	in := &answers{next: []func() string{
		func() string { code, _ := e.cl.World().AuthCode(phone); return code },
		func() string { return "Ivan" },
		func() string { return "New" },
	}}
	out := e.mustRun(ctx, "n", in, "login", "--phone", phone)
	if !strings.Contains(out, "Ivan New") {
		t.Fatalf("login printed %q", out)
	}
}
