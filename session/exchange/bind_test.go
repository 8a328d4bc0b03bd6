package exchange

import (
	"errors"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
)

func TestBindMessage(t *testing.T) {
	var pv, tv [256]byte
	pv[0], tv[0] = 1, 2
	perm, temp := crypto.NewAuthKey(pv), crypto.NewAuthKey(tv)
	b := Bind{Perm: &perm, Temp: &temp, Nonce: 77, TempSessionID: -5, ExpiresAt: testNow.Add(time.Hour), MsgID: 0x51e57ac400000004}
	msg, err := BindMessage(b, crypto.NewDeterministicReader(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckBind(&perm, &temp, b, msg); err != nil {
		t.Fatalf("CheckBind: %v", err)
	}
	other := crypto.NewAuthKey([256]byte{3})
	for name, check := range map[string]func() error{
		"other perm key": func() error { return CheckBind(&other, &temp, b, msg) },
		"other temp key": func() error { return CheckBind(&perm, &other, b, msg) },
		"other nonce":    func() error { w := b; w.Nonce++; return CheckBind(&perm, &temp, w, msg) },
		"other msg_id":   func() error { w := b; w.MsgID += 4; return CheckBind(&perm, &temp, w, msg) },
		"other session":  func() error { w := b; w.TempSessionID++; return CheckBind(&perm, &temp, w, msg) },
		"other expiry": func() error {
			w := b
			w.ExpiresAt = w.ExpiresAt.Add(time.Second)
			return CheckBind(&perm, &temp, w, msg)
		},
		"corrupted": func() error { m := append([]byte(nil), msg...); m[40] ^= 1; return CheckBind(&perm, &temp, b, m) },
		"truncated": func() error { return CheckBind(&perm, &temp, b, msg[:len(msg)-16]) },
		"empty":     func() error { return CheckBind(&perm, &temp, b, nil) },
	} {
		if err := check(); !errors.Is(err, ErrBind) {
			t.Errorf("%s: %v, want ErrBind", name, err)
		}
	}
	if _, err := BindMessage(Bind{Perm: &perm}, crypto.NewDeterministicReader(1)); !errors.Is(err, ErrConfig) {
		t.Errorf("missing temp key: %v", err)
	}
}

func FuzzCheckBind(f *testing.F) {
	perm, temp := crypto.NewAuthKey([256]byte{1}), crypto.NewAuthKey([256]byte{2})
	b := Bind{Perm: &perm, Temp: &temp, Nonce: 1, ExpiresAt: testNow, MsgID: 4}
	msg, err := BindMessage(b, crypto.NewDeterministicReader(1))
	if err != nil {
		f.Fatal(err)
	}
	addSeeds(f, msg)
	f.Fuzz(func(t *testing.T, msg []byte) {
		if err := CheckBind(&perm, &temp, b, msg); err != nil && !errors.Is(err, ErrBind) {
			t.Fatalf("error %v does not wrap ErrBind", err)
		}
	})
}
