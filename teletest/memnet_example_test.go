package teletest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/teletest"
)

// ExampleCluster_Dialer starts a cluster without sockets: its data centers have placeholder
// addresses that only its Dialer reaches, over in-memory pipes. Inside a testing/synctest
// bubble such a cluster and the client under test run days of fake time in milliseconds
// (see "Testing in virtual time" in the README).
func ExampleCluster_Dialer() {
	cl, err := teletest.Start(teletest.Config{DCs: 2, InMemory: true})
	if err != nil {
		panic(err)
	}
	defer cl.Close()
	fmt.Println(cl.Addrs())

	// Give cl.Dialer() to the client (mtgo.ReplaceDialer, or session.TransportDialer).
	nc, err := cl.Dialer().DialContext(context.Background(), "tcp", cl.Addr(2))
	if err != nil {
		panic(err)
	}
	fmt.Println("connected to", cl.Addr(2))
	_ = nc.Close()

	_, err = cl.Dialer().DialContext(context.Background(), "tcp", "149.154.167.50:443")
	fmt.Println(errors.Is(err, teletest.ErrNoDataCenter))
	// Output:
	// map[1:192.0.2.1:443 2:192.0.2.2:443]
	// connected to 192.0.2.2:443
	// true
}
