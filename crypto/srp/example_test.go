package srp_test

import (
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/crypto/srp"
)

// Two-step verification without sending the password: when the password is set, the account
// stores only a verifier; at login the server offers srp_B, the client answers with (A, M1),
// and the server checks the proof against the verifier.
func ExampleCheck() {
	// Telegram sends these in account.password (the client's salt1 already carries the
	// server's random suffix); the prime is Telegram's published DH prime.
	par := srp.Params{
		Salt1: []byte("salt one, 8+ bytes"),
		Salt2: []byte("salt two, 16 bytes"),
		G:     3,
		P:     crypto.KnownDHPrime.FillBytes(make([]byte, 256)),
	}
	rnd := crypto.NewDeterministicReader(1) // crypto/rand.Reader in a real program

	// Setting the password: the server keeps only the verifier.
	verifier, err := srp.Verifier([]byte("correct horse"), par)
	if err != nil {
		panic(err)
	}

	for _, password := range []string{"correct horse", "wrong horse"} {
		server, err := srp.NewServer(par, verifier, rnd) // the server's srp_B for this attempt
		if err != nil {
			panic(err)
		}
		ans, err := srp.Check([]byte(password), par, server.B(), rnd) // the client's proof
		if err != nil {
			panic(err)
		}
		err = server.Verify(ans)
		fmt.Printf("%-14q accepted: %v, bad proof: %v\n", password, err == nil, errors.Is(err, srp.ErrBadProof))
	}

	// Output:
	// "correct horse" accepted: true, bad proof: false
	// "wrong horse"  accepted: false, bad proof: true
}
