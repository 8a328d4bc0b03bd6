package mtgo_test

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// foreignStrings runs one of the independent generators of session/strings/testdata (Python
// for Pyrogram and Telethon, Node for GramJS and mtcute) on a real key and returns the
// strings it printed by format. Without the interpreter the test is skipped, unless MTGO_CI
// is set.
func foreignStrings(t *testing.T, interp, script string, key []byte, dc int, addr string, user int64, bot bool) map[string]string {
	t.Helper()
	bin, err := exec.LookPath(interp)
	if err != nil {
		if os.Getenv("MTGO_CI") != "" {
			t.Fatalf("%s not installed (MTGO_CI set, it must be): %v", interp, err)
		}
		t.Skipf("%s not installed: skipping the strings it makes", interp)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	isBot := "0"
	if bot {
		isBot = "1"
	}
	path := filepath.Join("..", "session", "strings", "testdata", script)
	cmd := exec.Command(bin, path, "--live", hex.EncodeToString(key), strconv.Itoa(dc), host, port, strconv.FormatInt(user, 10), isBot)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s --live: %v", interp, script, err)
	}
	got := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line struct{ Format, String string }
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("%s output %q: %v", script, sc.Text(), err)
		}
		got[line.Format] = line.String
	}
	return got
}

// TestE2EForeignSessionStrings starts clients from Pyrogram, Telethon, GramJS and mtcute
// strings of a logged-in key: each is authorized at once, without logging in and without a
// new key exchange.
func TestE2EForeignSessionStrings(t *testing.T) {
	cl := cluster(t)
	src, bot := e2eBot(t, cl, "e2e_foreign_bot")
	s := src.Session()
	addr := cl.Addrs()[2]
	all := foreignStrings(t, "python3", "make_python.py", s.AuthKey, s.DC, addr, bot.ID, true)
	for f, str := range foreignStrings(t, "node", "make_node.js", s.AuthKey, s.DC, addr, bot.ID, true) {
		all[f] = str
	}
	keys := cl.DC(2).AuthKeys()
	for _, format := range []string{"pyrogram", "telethon", "gramjs", "mtcute"} {
		t.Run(format, func(t *testing.T) {
			str, ok := all[format]
			if !ok {
				t.Fatalf("no %s string generated (got %v)", format, all)
			}
			c := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.SessionString = str })
			if err := c.Connect(10 * time.Second); err != nil {
				t.Fatal(err)
			}
			if me := c.Me(); me == nil || me.ID != bot.ID || !me.IsBot {
				t.Fatalf("Me = %+v, want the bot %d", me, bot.ID)
			}
			if _, err := c.Invoke(&tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}}, 0, 0); err != nil {
				t.Fatal(err)
			}
		})
	}
	if got := cl.DC(2).AuthKeys(); got != keys {
		t.Fatalf("auth keys %d -> %d: a string led to a new key exchange", keys, got)
	}
}
