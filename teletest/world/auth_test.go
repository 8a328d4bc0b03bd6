package world

import (
	"errors"
	"fmt"
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

// auth.sendCode needs no account: codes asked for ever new numbers stay bounded, and the
// newest still signs in.
func TestPendingCodesBounded(t *testing.T) {
	w := newWorld(t, Config{})
	var phone string
	var hash string
	for i := range maxPendingCodes + 100 {
		phone = fmt.Sprintf("7%010d", i)
		sent, err := w.SendCode(2, phone)
		if err != nil {
			t.Fatalf("send code to %s: %v", phone, err)
		}
		hash = sent.PhoneCodeHash
	}
	if len(w.codes) > maxPendingCodes {
		t.Fatalf("%d login codes pending, want at most %d", len(w.codes), maxPendingCodes)
	}
	code, ok := w.AuthCode(phone)
	if !ok {
		t.Fatal("the newest code was forgotten")
	}
	if err := w.checkCode(phone, hash, code); err != nil {
		t.Fatalf("newest code: %v", err)
	}
}
