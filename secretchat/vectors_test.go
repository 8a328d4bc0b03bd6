package secretchat

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func roleNamed(t *testing.T, name string) Role {
	t.Helper()
	switch name {
	case "originator":
		return Originator
	case "responder":
		return Responder
	}
	t.Fatalf("unknown role %q", name)
	return 0
}

func TestVectorsDH(t *testing.T) {
	v := loadVectors(t)
	params := knownParams()
	params.G = v.G
	alice, err := NewDH(params, unhex(t, v.A))
	if err != nil {
		t.Fatal(err)
	}
	bob, err := NewDH(params, unhex(t, v.B))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(unhex(t, v.GA), alice.Public()); diff != "" {
		t.Errorf("g_a (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(unhex(t, v.GB), bob.Public()); diff != "" {
		t.Errorf("g_b (-want +got):\n%s", diff)
	}
	keyA, err := alice.Key(bob.Public())
	if err != nil {
		t.Fatal(err)
	}
	keyB, err := bob.Key(alice.Public())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(unhex(t, v.Key), keyA.Value[:]); diff != "" {
		t.Errorf("originator's key (-want +got):\n%s", diff)
	}
	if keyA != keyB {
		t.Errorf("the two sides derived different keys")
	}
	if got := Fingerprint(&keyA); got != v.Fingerprint {
		t.Errorf("Fingerprint = %d, want %d", got, v.Fingerprint)
	}
}

func TestVectorsVisual(t *testing.T) {
	v := loadVectors(t)
	key := testKey(t)
	if got := Visual128(&key); !bytes.Equal(got[:], unhex(t, v.Visual128)) {
		t.Errorf("Visual128 = %x, want %s", got, v.Visual128)
	}
	key46 := testKeyFrom(t, v.Key46)
	if got := Visual288(&key, &key46); !bytes.Equal(got[:], unhex(t, v.Visual288)) {
		t.Errorf("Visual288 = %x, want %s", got, v.Visual288)
	}
}

func TestVectorsMessages(t *testing.T) {
	v := loadVectors(t)
	key := testKey(t)
	for _, m := range v.Messages {
		t.Run(m.From, func(t *testing.T) {
			from := roleNamed(t, m.From)
			layer := unhex(t, m.Layer)
			want := unhex(t, m.Payload)
			got, err := Encrypt(nil, &key, from, layer, bytes.NewReader(unhex(t, m.Padding)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("payload (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(unhex(t, m.MsgKey), got[FingerprintSize:HeaderSize]); diff != "" {
				t.Errorf("msg_key (-want +got):\n%s", diff)
			}
			plain, err := Decrypt(nil, &key, from, want)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(layer, plain); diff != "" {
				t.Errorf("decrypted layer (-want +got):\n%s", diff)
			}
			if _, err := DecodeLayer(plain); err != nil {
				t.Errorf("DecodeLayer: %v", err)
			}
		})
	}
}
