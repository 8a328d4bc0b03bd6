package world

import (
	"errors"
	"testing"
)

// A client calling account.getPassword in a loop keeps at most maxChallenges SRP challenges
// open: the oldest are forgotten (SRP_ID_INVALID), the newest still checks the password.
func TestPasswordChallengesBounded(t *testing.T) {
	w := newWorld(t, Config{})
	u, err := w.CreateUser(UserSpec{FirstName: "Sec", Phone: "70000000001", Password: "hunter2"})
	if err != nil {
		t.Fatal(err)
	}
	key := KeyID{1}
	_ = w.Authorize(key, u.ID)
	var first, last int64
	for i := range 100 {
		pw, err := w.PasswordChallenge(key)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = pw.SRPID.Value
		}
		last = pw.SRPID.Value
	}
	if len(w.srps) > maxChallenges {
		t.Fatalf("%d SRP challenges open, want at most %d", len(w.srps), maxChallenges)
	}
	if _, err := w.CheckPassword(key, first, []byte{1}, []byte{2}); !errors.Is(err, ErrSRPIDInvalid) {
		t.Fatalf("oldest challenge: err = %v, want SRP_ID_INVALID", err)
	}
	if _, err := w.CheckPassword(key, last, []byte{1}, []byte{2}); !errors.Is(err, ErrPasswordHashInvalid) {
		t.Fatalf("newest challenge with a wrong answer: err = %v, want PASSWORD_HASH_INVALID", err)
	}
}

