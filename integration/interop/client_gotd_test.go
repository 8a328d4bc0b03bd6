package interop

import (
	"context"
	"crypto/rsa"
	"net"
	"strconv"
	"testing"
	"time"

	gotdtg "github.com/gotd/td/tg"
	"github.com/gotd/td/tgtest/cluster"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestClientAgainstGotdServer connects the MTGo client to a server nobody here wrote:
// github.com/gotd/td v0.93.0's in-process tgtest cluster. It speaks layer 170 whatever the
// client declares, requires RSA_PAD in the key exchange, frames with plain intermediate
// (no obfuscation) and ties a session id to the TCP connection that first used it. The client
// must complete the key exchange, its initConnection-wrapped help.getConfig, and a few calls.
func TestClientAgainstGotdServer(t *testing.T) {
	cl := cluster.NewCluster(cluster.Options{})
	cl.Dispatch(2, "dc2").Result(gotdtg.HelpGetNearestDCRequestTypeID, &gotdtg.NearestDC{Country: "NL", ThisDC: 2, NearestDC: 2})
	ctx, cancel := context.WithCancel(context.Background())
	upErr := make(chan error, 1)
	go func() { upErr <- cl.Up(ctx) }()
	defer func() {
		cancel()
		<-upErr
	}()
	select {
	case <-cl.Ready():
	case err := <-upErr:
		t.Fatalf("gotd cluster: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("gotd cluster not ready")
	}
	addrs := map[int]string{}
	for _, o := range cl.List().Options {
		addrs[int(o.ID)] = net.JoinHostPort(o.IPAddress, strconv.Itoa(o.Port))
	}
	var keys []*rsa.PublicKey
	for _, k := range cl.Keys() {
		keys = append(keys, k.RSA)
	}
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	cfg.NoObfuscation = true
	cfg.DCAddrs = addrs
	cfg.PublicKeys = keys
	c, err := mtgo.NewClient(17349, "gotd-interop", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	if err := c.Connect(30 * time.Second); err != nil {
		t.Fatalf("connect (key exchange and help.getConfig) to gotd's server: %v", err)
	}
	if s := c.Session(); s == nil || len(s.AuthKey) != 256 || s.DC != 2 {
		t.Fatalf("session after the exchange = %+v", s)
	}
	res, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 10*time.Second)
	if err != nil {
		t.Fatalf("help.getNearestDc: %v", err)
	}
	if nd, ok := res.(*tg.NearestDC); !ok || nd.Country != "NL" || nd.ThisDC != 2 {
		t.Fatalf("help.getNearestDc = %#v", res)
	}
	if _, err := c.Invoke(&tg.HelpGetConfigRequest{}, 0, 10*time.Second); err != nil {
		t.Fatalf("help.getConfig again: %v", err)
	}
	if _, err := c.Invoke(&tg.HelpGetAppConfigRequest{}, 0, 10*time.Second); err == nil {
		t.Fatal("a method gotd does not implement succeeded")
	}
}
