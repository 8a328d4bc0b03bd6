package rpcerr_test

import (
	"fmt"
	"time"

	"github.com/mtgo-labs/mtgo/tl/rpcerr"
)

func Example() {
	// What a server answered to three calls.
	for _, err := range []error{
		fmt.Errorf("messages.sendMessage: %w", rpcerr.Parse(420, "FLOOD_WAIT_30")),
		fmt.Errorf("upload.getFile: %w", rpcerr.New(303, "FILE_MIGRATE", 4)),
		fmt.Errorf("messages.getHistory: %w", rpcerr.Parse(400, "PEER_ID_INVALID")),
	} {
		d := rpcerr.Classify(err)
		switch d.Action {
		case rpcerr.ActionWait:
			fmt.Printf("%s: wait %s, sleep through with a 10 s threshold: %v\n", d.Err.Type, d.Wait, d.WaitWithin(10*time.Second))
		case rpcerr.ActionMigrate:
			fmt.Printf("%s: repeat on DC %d\n", d.Err.Type, d.DC)
		default:
			fmt.Printf("%s: %s\n", d.Err.Type, d.Action)
		}
	}
	// Output:
	// FLOOD_WAIT: wait 30s, sleep through with a 10 s threshold: false
	// FILE_MIGRATE: repeat on DC 4
	// PEER_ID_INVALID: fail
}
